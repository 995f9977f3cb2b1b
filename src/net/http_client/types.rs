//! What goes in and comes out of the client: the request, its options, and the exchange.

use std::time::Duration;

use bytes::Bytes;
use hyper::Method;

use super::HeaderSet;
use crate::capture::ConnId;

/// One request to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// GET, POST, …
    pub method: Method,
    /// The origin-form target: path and query, e.g. `/poll?since=3`.
    pub target: String,
    /// The body; empty for none.
    pub body: Bytes,
}

impl Request {
    /// A GET with no body.
    pub fn get(target: impl Into<String>) -> Self {
        Self {
            method: Method::GET,
            target: target.into(),
            body: Bytes::new(),
        }
    }

    /// A POST carrying `body`.
    pub fn post(target: impl Into<String>, body: impl Into<Bytes>) -> Self {
        Self {
            method: Method::POST,
            target: target.into(),
            body: body.into(),
        }
    }
}

/// How the client behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// Reuse one connection for every request (HTTP/1.1's default), or open one per request
    /// and send `Connection: close`.
    pub keep_alive: bool,
    /// Headers sent with every request, besides those the client writes itself.
    pub headers: HeaderSet,
    /// Longest wait for a whole exchange: connecting, sending and reading the full response.
    pub timeout: Duration,
    /// Largest response body accepted, in bytes; a larger one is an error, not an allocation.
    pub max_body: usize,
    /// What the transcript calls this client's connections.
    pub label: String,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            keep_alive: true,
            headers: HeaderSet::browser(),
            timeout: Duration::from_secs(10),
            max_body: 1024 * 1024,
            label: "http client".to_owned(),
        }
    }
}

/// A completed request and response, with when it happened on the recorder's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The response's status code.
    pub status: u16,
    /// The response's headers in order, names lower-cased by hyper; the exact bytes are in the
    /// transcript.
    pub headers: Vec<(String, String)>,
    /// The response body, as sent (no content coding is undone).
    pub body: Bytes,
    /// The connection it went over, in the transcript (`None` if the recorder was full).
    pub conn: Option<ConnId>,
    /// When `request` was called, in µs on the recorder's clock; includes connecting when
    /// `new_connection` is true.
    pub started_us: u64,
    /// When the last body byte arrived, in µs on the recorder's clock.
    pub finished_us: u64,
    /// Whether this exchange opened its connection, so paid for the TCP handshake.
    pub new_connection: bool,
}

impl Exchange {
    /// From calling `request` to the last body byte, in µs.
    pub fn latency_us(&self) -> u64 {
        self.finished_us.saturating_sub(self.started_us)
    }

    /// The first response header called `name`, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
