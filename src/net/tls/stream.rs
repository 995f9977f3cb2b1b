//! One stream type for plain and TLS connections, so that the lab, the clients and the proxy
//! need no generic parameter for it.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::net::tap::Tap;

/// A TCP stream, plain or under TLS. The TLS one carries the tap that records its ciphertext.
#[derive(Debug)]
pub enum Stream {
    /// ws:// and http://.
    Tcp(TcpStream),
    /// wss:// and https://; boxed, as rustls' state is large.
    Tls(Box<tokio_rustls::TlsStream<Tap<TcpStream>>>),
}

impl Stream {
    /// The TCP socket underneath.
    pub fn tcp(&self) -> &TcpStream {
        match self {
            Self::Tcp(tcp) => tcp,
            Self::Tls(tls) => tls.get_ref().0.get_ref(),
        }
    }

    /// The peer's address.
    ///
    /// # Errors
    /// The socket's error, e.g. when it is no longer connected.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.tcp().peer_addr()
    }

    /// The TLS version and cipher suite rustls agreed, as their code points (0x0304 is TLS
    /// 1.3), once the handshake is done: what the dissector must read from the `ServerHello`.
    pub fn agreed(&self) -> Option<(u16, u16)> {
        let Self::Tls(tls) = self else {
            return None;
        };
        let state = tls.get_ref().1;
        let version = u16::from(state.protocol_version()?);
        let suite = u16::from(state.negotiated_cipher_suite()?.suite());
        Some((version, suite))
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_flush(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
