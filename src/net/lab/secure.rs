//! Plain or TLS: the lab serves both on one port and tells them apart by the first byte.

use std::sync::Arc;

use tokio::net::TcpStream;

use super::Shared;
use crate::capture::ConnId;
use crate::net::recorder::Recorder;
use crate::net::tap::{End, Tap};
use crate::net::tcp::TappedTcp;
use crate::net::tls::{self, HANDSHAKE_RECORD, Stream};

/// Taps a freshly accepted stream: under and above TLS when the client starts a TLS handshake
/// and the lab has a certificate, plainly otherwise. `None` when the TLS handshake failed; the
/// failure is recorded with the connection.
pub(super) async fn tap(
    stream: TcpStream,
    conn: Option<ConnId>,
    recorder: &Recorder,
    shared: &Arc<Shared>,
    deadline: tokio::time::Instant,
) -> Option<TappedTcp> {
    let plain = |stream| Tap::new(Stream::Tcp(stream), recorder.clone(), conn, End::Server);
    let Some(config) = &shared.tls else {
        return Some(plain(stream));
    };
    let mut first = [0u8; 1];
    // Peeking leaves the byte for whoever reads next. A client that sends nothing by the
    // deadline is given to the plain path, which answers 408 at once.
    let peeked = tokio::time::timeout_at(deadline, stream.peek(&mut first)).await;
    if !matches!(peeked, Ok(Ok(1))) || first[0] != HANDSHAKE_RECORD {
        return Some(plain(stream));
    }
    // A failure or a timeout is recorded with the connection by `tls::server`.
    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
    tls::server(stream, conn, recorder, config.clone(), left)
        .await
        .ok()
}
