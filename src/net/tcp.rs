//! Opening and accepting TCP connections, each wrapped in a tap from its first byte.

use std::io;
use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};

use super::recorder::Recorder;
use super::tap::{End, Tap};

/// A tapped TCP stream.
pub type TappedTcp = Tap<TcpStream>;

/// Connects to `addr` and taps the stream, labelled `label` in the transcript.
///
/// # Errors
/// The socket error, e.g. connection refused.
pub async fn connect(addr: SocketAddr, recorder: &Recorder, label: &str) -> io::Result<TappedTcp> {
    let stream = TcpStream::connect(addr).await?;
    // Small writes are the point of a lesson: each send should leave as its own segment.
    stream.set_nodelay(true)?;
    let conn = recorder.open(label, stream.local_addr().ok(), Some(addr));
    Ok(Tap::new(stream, recorder.clone(), conn, End::Client))
}

/// Accepts one connection and taps it.
///
/// # Errors
/// The socket error.
pub async fn accept(
    listener: &TcpListener,
    recorder: &Recorder,
    label: &str,
) -> io::Result<TappedTcp> {
    let (stream, peer) = listener.accept().await?;
    tap_accepted(stream, peer, recorder, label)
}

/// Taps a connection accepted from `peer`, for a listener that looks at it before deciding
/// to serve it.
///
/// # Errors
/// The socket error.
pub fn tap_accepted(
    stream: TcpStream,
    peer: SocketAddr,
    recorder: &Recorder,
    label: &str,
) -> io::Result<TappedTcp> {
    stream.set_nodelay(true)?;
    let conn = recorder.open(label, Some(peer), stream.local_addr().ok());
    Ok(Tap::new(stream, recorder.clone(), conn, End::Server))
}

/// What a listener's loop does after `accept` failed: an error that concerns one half-open
/// connection is no reason to wait; any other (out of file descriptors, say) waits a little
/// rather than spin.
pub(crate) async fn after_accept_error(error: &io::Error) {
    let per_connection = matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::InvalidInput
            | io::ErrorKind::NotConnected
    );
    if !per_connection {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
