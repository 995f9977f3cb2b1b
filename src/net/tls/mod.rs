//! wss://: WebSocket over TLS (rustls), with two taps on one connection. The tap under TLS
//! records the ciphertext, what an eavesdropper on the wire sees; the tap above it records the
//! plaintext, what the two endpoints see. Both record into the same connection of the
//! Transcript, as its two layers.

mod cert;
mod client;
mod error;
mod stream;

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use tokio::net::TcpStream;

pub use cert::{LabCert, NAMES};
pub use client::{TlsOptions, Trust, check_keylog, key_log};
pub use error::TlsError;
pub use stream::Stream;

use super::recorder::Recorder;
use super::tap::{End, Tap};
use crate::capture::ConnId;

/// The first byte of every TLS connection: a handshake record (content type 22) carrying the
/// `ClientHello`. A plain HTTP request starts with a letter, so one byte tells the two apart.
pub const HANDSHAKE_RECORD: u8 = 0x16;

/// The crypto wslab uses: ring, which builds with a C compiler alone.
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Performs the client side of the TLS handshake on `tcp` for `host`, with a tap under TLS
/// and one above it, both recording as `conn`; at most `limit`.
///
/// # Errors
/// The handshake's failure, in one sentence; it is recorded with the connection too.
pub async fn client(
    tcp: TcpStream,
    conn: Option<ConnId>,
    recorder: &Recorder,
    config: Arc<rustls::ClientConfig>,
    host: &str,
    limit: Duration,
) -> Result<Tap<Stream>, TlsError> {
    let mut guard = Closing::new(recorder, conn);
    let under = Tap::under_tls(tcp, recorder.clone(), conn, End::Client);
    match handshake(under, config, host, limit).await {
        Ok(tls) => {
            guard.done();
            Ok(above(tls.into(), recorder, conn, End::Client))
        }
        Err(error) => Err(guard.fail(error)),
    }
}

/// The client side of the TLS handshake on `under`, a stream whose tap (or none) the caller
/// chose, for `host`; at most `limit`. The session is not tapped above: the proxy's upstream
/// side, whose plaintext is the relayed bytes already recorded on the client's side, uses it
/// as it is. Nothing is recorded about a failure: the caller says it.
///
/// # Errors
/// The handshake's failure, in one sentence.
pub async fn handshake<S>(
    under: S,
    config: Arc<rustls::ClientConfig>,
    host: &str,
    limit: Duration,
) -> Result<tokio_rustls::client::TlsStream<S>, TlsError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let Ok(name) = ServerName::try_from(host.to_string()) else {
        return Err(TlsError::Handshake(format!(
            "{host:?} is not a host name TLS can check"
        )));
    };
    let connector = tokio_rustls::TlsConnector::from(config);
    match tokio::time::timeout(limit, connector.connect(name, under)).await {
        Ok(Ok(tls)) => Ok(tls),
        Ok(Err(error)) => Err(TlsError::from_handshake(&error, host)),
        Err(_) => Err(TlsError::Timeout(limit.as_secs_f64())),
    }
}

/// Taps a freshly accepted stream as a server that speaks both on one port: under and above
/// TLS when the client starts a TLS handshake (its first byte is [`HANDSHAKE_RECORD`]) and
/// `config` is given, plainly otherwise. A client that sends nothing by `deadline` is given
/// to the plain path, whose server answers it (the lab's 408). Used by the lab and the proxy.
///
/// # Errors
/// The TLS handshake's failure, in one sentence; it is recorded with the connection too.
pub async fn accept(
    stream: TcpStream,
    conn: Option<ConnId>,
    recorder: &Recorder,
    config: Option<&Arc<rustls::ServerConfig>>,
    deadline: tokio::time::Instant,
) -> Result<Tap<Stream>, TlsError> {
    let plain = |stream| Tap::new(Stream::Tcp(stream), recorder.clone(), conn, End::Server);
    let Some(config) = config else {
        return Ok(plain(stream));
    };
    let mut first = [0u8; 1];
    // Peeking leaves the byte for whoever reads next.
    let peeked = tokio::time::timeout_at(deadline, stream.peek(&mut first)).await;
    if !matches!(peeked, Ok(Ok(1))) || first[0] != HANDSHAKE_RECORD {
        return Ok(plain(stream));
    }
    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
    server(stream, conn, recorder, config.clone(), left).await
}

/// Performs the server side of the TLS handshake on `tcp`, tapped as [`client`] is.
///
/// # Errors
/// The handshake's failure, in one sentence; it is recorded with the connection too.
pub async fn server(
    tcp: TcpStream,
    conn: Option<ConnId>,
    recorder: &Recorder,
    config: Arc<rustls::ServerConfig>,
    limit: Duration,
) -> Result<Tap<Stream>, TlsError> {
    let mut guard = Closing::new(recorder, conn);
    let under = Tap::under_tls(tcp, recorder.clone(), conn, End::Server);
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    match tokio::time::timeout(limit, acceptor.accept(under)).await {
        Ok(Ok(tls)) => {
            guard.done();
            Ok(above(tls.into(), recorder, conn, End::Server))
        }
        Ok(Err(error)) => Err(guard.fail(TlsError::from_handshake(&error, ""))),
        Err(_) => Err(guard.fail(TlsError::Timeout(limit.as_secs_f64()))),
    }
}

/// The tap above TLS: it records the plaintext as the connection's usual flows.
fn above(
    tls: tokio_rustls::TlsStream<Tap<TcpStream>>,
    recorder: &Recorder,
    conn: Option<ConnId>,
    end: End,
) -> Tap<Stream> {
    Tap::new(Stream::Tls(Box::new(tls)), recorder.clone(), conn, end)
}

/// Closes the connection in the transcript if the handshake does not finish: with the reason
/// when it failed, without one when it was cancelled (a lab shutting down). The tap under TLS
/// does not close on its own, so that the reason comes first.
struct Closing<'a> {
    recorder: &'a Recorder,
    conn: Option<ConnId>,
}

impl<'a> Closing<'a> {
    fn new(recorder: &'a Recorder, conn: Option<ConnId>) -> Self {
        Self { recorder, conn }
    }

    fn fail(&mut self, error: TlsError) -> TlsError {
        if let Some(conn) = self.conn.take() {
            self.recorder.close(conn, Some(error.to_string()));
        }
        error
    }

    fn done(&mut self) {
        self.conn = None;
    }
}

impl Drop for Closing<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn {
            self.recorder.close(conn, None);
        }
    }
}
