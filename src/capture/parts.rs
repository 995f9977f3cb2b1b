//! What a flow is made of once reassembled: HTTP messages, timed frames and messages, and
//! the reasons bytes stop making sense. Kept apart from the reassembly so views can read the
//! shapes without the state machine.

use bytes::Bytes;

use super::Direction;
use crate::proto::http::{Head, HeadError};

/// An HTTP message as captured: its head, parsed, and its body, counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpMessage {
    /// Stream offset of the head's first byte.
    pub offset: u64,
    /// When the head's last byte crossed the wire, in µs since the capture began.
    pub at_us: u64,
    /// The parsed head.
    pub head: Head,
    /// The head's bytes, exactly as sent.
    pub raw: Bytes,
    /// Body bytes as sent (chunk framing included).
    pub body_len: u64,
    /// The first body bytes, decoded from chunked framing, up to the preview cap.
    pub body_preview: Vec<u8>,
    /// Whether the body has ended.
    pub body_complete: bool,
    /// When the body's last byte crossed, if it has ended.
    pub done_us: Option<u64>,
}

impl HttpMessage {
    /// Head plus body, as sent.
    pub fn wire_len(&self) -> u64 {
        self.raw.len() as u64 + self.body_len
    }
}

/// Something captured, with when it was completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timed<T> {
    /// When its last byte crossed the wire, in µs since the capture began.
    pub at_us: u64,
    /// The thing.
    pub item: T,
}

/// Why a flow's bytes stopped making sense. After one, the rest of the flow is counted, not
/// parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Where an HTTP head should be, the bytes are not one.
    NotHttp {
        /// Whose bytes.
        direction: Direction,
        /// What is wrong with them.
        error: HeadError,
    },
    /// A chunked body's size line is not hex.
    BadChunkedBody,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotHttp {
                direction: Direction::ClientToServer,
                error,
            } => write!(f, "the client's bytes are not an HTTP request: {error}"),
            Self::NotHttp {
                direction: Direction::ServerToClient,
                error,
            } => write!(f, "the server's bytes are not an HTTP response: {error}"),
            Self::BadChunkedBody => f.write_str("a chunked body has a malformed chunk-size line"),
        }
    }
}

/// What a flow learned from one chunk, so that watchers can print as things happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Learned {
    /// `http[index]`'s head is complete.
    Head(usize),
    /// `http[index]`'s body is complete.
    Body(usize),
    /// A frame with this index (per direction) is complete.
    Frame(u64),
    /// A message with this index is complete.
    Message(u64),
    /// The bytes stopped making sense; see `problem`.
    Problem,
    /// A TLS record with this index (per direction) is complete, in the connection's TLS
    /// layer.
    Record(u64),
    /// A TLS record with this index (per direction) is complete, in a proxied connection's
    /// upstream side (`upstream_tls`).
    UpstreamRecord(u64),
}
