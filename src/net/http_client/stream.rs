//! A response read as it arrives, for a body that may never end (Server-Sent Events): the
//! client gets each piece when it comes, rather than the whole at the end.

use bytes::Bytes;
use http_body_util::BodyExt as _;
use hyper::body::Incoming;

use super::{HttpError, Live};
use crate::capture::ConnId;

/// An answer whose head has come and whose body is read piece by piece, on a connection of
/// its own.
pub struct Streaming {
    /// The response's status code.
    pub status: u16,
    /// The response's headers in order, names lower-cased by hyper.
    pub headers: Vec<(String, String)>,
    /// The connection it came over, in the transcript (`None` if the recorder was full).
    pub conn: Option<ConnId>,
    pub(super) body: Incoming,
    // Taken by `close`; a stream dropped without it aborts its connection in `drop`.
    pub(super) live: Option<Live>,
    pub(super) addr: std::net::SocketAddr,
}

impl std::fmt::Debug for Streaming {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Streaming")
            .field("status", &self.status)
            .field("conn", &self.conn)
            .finish_non_exhaustive()
    }
}

impl Streaming {
    /// The next piece of the body as it came off the connection (chunk framing removed);
    /// `None` once the body has ended.
    ///
    /// # Errors
    /// The connection failed or closed before the body's end.
    pub async fn next(&mut self) -> Result<Option<Bytes>, HttpError> {
        loop {
            match self.body.frame().await {
                None => return Ok(None),
                Some(Ok(frame)) => {
                    // Trailers carry no body bytes; only data is returned.
                    if let Ok(data) = frame.into_data() {
                        return Ok(Some(data));
                    }
                }
                Some(Err(error)) => return Err(HttpError::from_hyper(self.addr, &error)),
            }
        }
    }

    /// The first response header called `name`, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Leaves: closes the connection, as a browser does when a page closes its stream, and
    /// waits until it is closed, so the transcript holds the close when this returns.
    pub async fn close(mut self) {
        if let Some(live) = self.live.take() {
            live.close().await;
        }
    }
}

impl Drop for Streaming {
    // A stream left on an error path must not keep its socket open until the server hangs up.
    fn drop(&mut self) {
        if let Some(live) = self.live.take() {
            live.abort();
        }
    }
}
