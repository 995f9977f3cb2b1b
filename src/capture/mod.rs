//! The Transcript: every chunk that crossed a tapped socket, and what it reassembles into.
//! Pure data; `net/` feeds it, the views read it.

pub mod body;
pub mod deflate;
pub mod flow;
pub mod measure;
pub mod parts;
pub mod selfcheck;
pub mod snapshot;
pub mod timing;
pub mod tls;
pub mod transcript;
pub mod upstream;

pub use flow::Flow;
pub use parts::{HttpMessage, Learned, Problem, Timed};
pub use snapshot::Snapshot;
pub use transcript::{ChunkRecord, ConnId, Connection, Transcript, Update};
pub use upstream::{PROXY_LABEL, UpstreamConnection, UpstreamFailed};

use crate::proto::Side;

/// Which bytes a tap records. A plain connection has only the one layer; a TLS connection has
/// both, recorded by two taps on the same connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// What the endpoints exchange: HTTP and WebSocket, in clear.
    App,
    /// What crosses the wire under TLS: records, mostly ciphertext. For a proxied
    /// connection, the client's side of the proxy (client ⇄ proxy).
    Tls,
    /// For a proxied connection to a wss:// upstream, what crosses the wire between the proxy
    /// and the upstream: that side's own TLS session, whose records differ from the client
    /// side's (other keys, other record boundaries) while carrying the same relayed bytes.
    UpstreamTls,
}

/// Which way bytes went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the client to the server.
    ClientToServer,
    /// From the server to the client.
    ServerToClient,
}

impl Direction {
    /// Both, client first.
    pub const BOTH: [Direction; 2] = [Direction::ClientToServer, Direction::ServerToClient];

    /// Who sends in this direction, for the masking rules.
    pub fn sender(self) -> Side {
        match self {
            Self::ClientToServer => Side::Client,
            Self::ServerToClient => Side::Server,
        }
    }

    /// The other direction.
    #[must_use]
    pub fn reverse(self) -> Self {
        match self {
            Self::ClientToServer => Self::ServerToClient,
            Self::ServerToClient => Self::ClientToServer,
        }
    }

    /// An arrow, client on the left: → for client to server.
    pub fn arrow(self) -> &'static str {
        match self {
            Self::ClientToServer => "→",
            Self::ServerToClient => "←",
        }
    }

    /// A stable name for JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::ClientToServer => "client-to-server",
            Self::ServerToClient => "server-to-client",
        }
    }

    fn index(self) -> usize {
        match self {
            Self::ClientToServer => 0,
            Self::ServerToClient => 1,
        }
    }
}

/// What a transcript keeps, so that a long or hostile exchange cannot exhaust memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Payload bytes kept per frame, message and HTTP body; true lengths are always counted.
    pub preview_cap: usize,
    /// Frames stored across the transcript, and WebSocket and HTTP messages likewise; later
    /// ones are counted as dropped.
    pub max_frames: usize,
    /// Payload preview bytes stored across the transcript (frames and messages); later
    /// previews are cut short and counted, while lengths and rules are still reported.
    pub max_preview_bytes: usize,
    /// Raw chunk bytes kept across the transcript, for hex views and exports; later chunks are
    /// recorded by length only.
    pub max_raw_bytes: usize,
    /// Connections kept; later ones are counted and not recorded.
    pub max_connections: usize,
    /// Chunk records kept (each about 80 bytes, whatever its size); later chunks are still
    /// reassembled, but not listed.
    pub max_chunks: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            preview_cap: crate::proto::DEFAULT_PREVIEW_CAP,
            max_frames: 10_000,
            max_preview_bytes: 64 * 1024 * 1024,
            max_raw_bytes: 64 * 1024 * 1024,
            max_connections: 10_000,
            max_chunks: 200_000,
        }
    }
}
