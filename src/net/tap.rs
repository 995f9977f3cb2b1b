//! The tap: an `AsyncRead + AsyncWrite` wrapper that records every chunk it passes, both ways,
//! before any protocol library sees it. What it records is what crossed the socket.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::recorder::Recorder;
use crate::capture::{ConnId, Direction, Layer};

/// Which end of the connection this process is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// We opened it: our writes go client to server.
    Client,
    /// We accepted it: our reads come client to server.
    Server,
}

impl End {
    fn reads(self) -> Direction {
        match self {
            Self::Client => Direction::ServerToClient,
            Self::Server => Direction::ClientToServer,
        }
    }
}

/// A stream whose traffic is recorded. With no connection id (the recorder was full) it passes
/// bytes through unrecorded.
#[derive(Debug)]
pub struct Tap<S> {
    inner: S,
    recorder: Recorder,
    conn: Option<ConnId>,
    end: End,
    layer: Layer,
}

impl<S> Tap<S> {
    /// Wraps `inner`, recording into `recorder` as connection `conn`: the bytes the endpoints
    /// exchange.
    pub fn new(inner: S, recorder: Recorder, conn: Option<ConnId>, end: End) -> Self {
        Self {
            inner,
            recorder,
            conn,
            end,
            layer: Layer::App,
        }
    }

    /// Wraps the TCP stream under a TLS session: what it records is the ciphertext, kept as
    /// the connection's TLS layer.
    pub fn under_tls(inner: S, recorder: Recorder, conn: Option<ConnId>, end: End) -> Self {
        let mut tap = Self::new(inner, recorder, conn, end);
        tap.layer = Layer::Tls;
        tap
    }

    /// Wraps the TCP stream under the TLS session a proxy opened to a wss:// upstream: what
    /// it records is that side's ciphertext, kept as the connection's upstream TLS layer.
    /// `end` is the proxy's end of that side, [`End::Client`].
    pub fn under_upstream_tls(inner: S, recorder: Recorder, conn: Option<ConnId>) -> Self {
        let mut tap = Self::new(inner, recorder, conn, End::Client);
        tap.layer = Layer::UpstreamTls;
        tap
    }

    /// The connection's id in the transcript.
    pub fn conn(&self) -> Option<ConnId> {
        self.conn
    }

    /// The recorder.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    fn failed(&self, error: &io::Error) {
        // The proxy's upstream side is not the recorded connection's own socket: the proxy
        // says why its upstream failed, as the sentence its client is answered with.
        if self.layer == Layer::UpstreamTls {
            return;
        }
        if let Some(conn) = self.conn {
            self.recorder.close(conn, Some(explain(error)));
        }
    }
}

impl<S> Drop for Tap<S> {
    fn drop(&mut self) {
        // The tap under TLS leaves the close to the tap above it, or, when the handshake
        // fails, to the code that says why: dropped first, it would close without a reason.
        if let (Some(conn), Layer::App) = (self.conn, self.layer) {
            self.recorder.close(conn, None);
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tap<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let asked = buf.remaining() > 0;
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        match &polled {
            Poll::Ready(Ok(())) => {
                if let Some(conn) = this.conn {
                    let new = &buf.filled()[before..];
                    if new.is_empty() && asked {
                        this.recorder.end(this.layer, conn, this.end.reads());
                    } else {
                        this.recorder
                            .record(this.layer, conn, this.end.reads(), new);
                    }
                }
            }
            Poll::Ready(Err(error)) => this.failed(error),
            Poll::Pending => {}
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tap<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write(cx, buf);
        match &polled {
            Poll::Ready(Ok(n)) => {
                if let Some(conn) = this.conn {
                    this.recorder
                        .record(this.layer, conn, this.end.reads().reverse(), &buf[..*n]);
                }
            }
            Poll::Ready(Err(error)) => this.failed(error),
            Poll::Pending => {}
        }
        polled
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_shutdown(cx);
        if let (Poll::Ready(Ok(())), Some(conn)) = (&polled, this.conn) {
            this.recorder
                .end(this.layer, conn, this.end.reads().reverse());
        }
        polled
    }
}

/// An I/O error in words. A plain TCP end is a read of 0 bytes, not an error, so an unexpected
/// EOF comes from TLS: the peer hung up without `close_notify`.
fn explain(error: &io::Error) -> String {
    if error.kind() == io::ErrorKind::UnexpectedEof {
        "the peer closed the connection without TLS close_notify (RFC 8446 §6.1), so the end cannot be told from a cut".to_owned()
    } else {
        error.to_string()
    }
}
