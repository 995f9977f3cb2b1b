//! wss://: WebSocket over TLS (rustls), with two taps on one connection. The tap under TLS
//! records the ciphertext, what an eavesdropper on the wire sees; the tap above it records the
//! plaintext, what the two endpoints see. Both record into the same connection of the
//! Transcript, as its two layers.

mod cert;
mod client;
mod error;
mod stream;

use std::sync::Arc;

use rustls::pki_types::ServerName;
use tokio::net::TcpStream;

pub use cert::{LabCert, NAMES};
pub use client::{TlsOptions, Trust};
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
/// and one above it, both recording as `conn`.
///
/// # Errors
/// The handshake's failure, in one sentence.
pub async fn client(
    tcp: TcpStream,
    conn: Option<ConnId>,
    recorder: &Recorder,
    config: Arc<rustls::ClientConfig>,
    host: &str,
) -> Result<Tap<Stream>, TlsError> {
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| TlsError::Handshake(format!("{host:?} is not a host name TLS can check")))?;
    let under = Tap::under_tls(tcp, recorder.clone(), conn, End::Client);
    let connector = tokio_rustls::TlsConnector::from(config);
    match connector.connect(name, under).await {
        Ok(tls) => Ok(Tap::new(
            Stream::Tls(Box::new(tls.into())),
            recorder.clone(),
            conn,
            End::Client,
        )),
        Err(error) => {
            let error = TlsError::from_handshake(&error, host);
            if let Some(conn) = conn {
                recorder.close(conn, Some(error.to_string()));
            }
            Err(error)
        }
    }
}

/// Performs the server side of the TLS handshake on `tcp`, tapped as [`client`] is.
///
/// # Errors
/// The handshake's failure, in one sentence.
pub async fn server(
    tcp: TcpStream,
    conn: Option<ConnId>,
    recorder: &Recorder,
    config: Arc<rustls::ServerConfig>,
) -> Result<Tap<Stream>, TlsError> {
    let under = Tap::under_tls(tcp, recorder.clone(), conn, End::Server);
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    match acceptor.accept(under).await {
        Ok(tls) => Ok(Tap::new(
            Stream::Tls(Box::new(tls.into())),
            recorder.clone(),
            conn,
            End::Server,
        )),
        Err(error) => {
            let error = TlsError::from_handshake(&error, "");
            if let Some(conn) = conn {
                recorder.close(conn, Some(error.to_string()));
            }
            Err(error)
        }
    }
}
