//! Plain or TLS: the lab serves both on one port and tells them apart by the first byte
//! (`tls::accept`, which the proxy's `--tls` shares).

use std::sync::Arc;

use tokio::net::TcpStream;

use super::Shared;
use crate::capture::ConnId;
use crate::net::recorder::Recorder;
use crate::net::tcp::TappedTcp;
use crate::net::tls;

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
    // A failure or a timeout is recorded with the connection by `tls::accept`.
    tls::accept(stream, conn, recorder, shared.tls.as_ref(), deadline)
        .await
        .ok()
}
