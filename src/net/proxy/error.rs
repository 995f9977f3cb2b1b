//! Why the proxy gave up on a connection's upstream: one variant per failure, each a sentence
//! that is sent to the client in a `502 Bad Gateway` (when it has had no answer yet) and
//! shown to the user.

use std::io;
use std::time::Duration;

use thiserror::Error;

/// An upstream that could not be reached, or stopped in the middle.
#[derive(Debug, Error)]
pub enum UpstreamError {
    /// Nothing listens at the upstream's address.
    #[error("the upstream {upstream} refused the connection; is the server running?")]
    Refused {
        /// The upstream, as given.
        upstream: String,
    },
    /// The connection could not be made for another reason (no route, unknown host, …).
    #[error("the upstream {upstream} could not be reached: {error}")]
    Unreachable {
        /// The upstream, as given.
        upstream: String,
        /// The socket's error.
        error: io::Error,
    },
    /// The upstream did not accept within the connect timeout.
    #[error("the upstream {upstream} did not accept the connection within {} ms", after.as_millis())]
    ConnectTimeout {
        /// The upstream, as given.
        upstream: String,
        /// The timeout that ran out.
        after: Duration,
    },
    /// The upstream closed before sending a single byte back.
    #[error("the upstream {upstream} closed the connection without answering")]
    ClosedWithoutAnswer {
        /// The upstream, as given.
        upstream: String,
    },
    /// The TLS handshake with a wss:// upstream failed (its certificate not trusted, say).
    #[error("the TLS handshake with the upstream {upstream} failed: {error}")]
    Tls {
        /// The upstream, as given.
        upstream: String,
        /// Why, as the client side of `connect` says it.
        error: crate::net::tls::TlsError,
    },
    /// Reading from the upstream failed (reset, or similar) in the middle of the stream.
    #[error("the upstream {upstream} failed in the middle of the stream: {error}")]
    ReadFailed {
        /// The upstream, as given.
        upstream: String,
        /// The socket's error.
        error: io::Error,
    },
    /// Writing the client's bytes to the upstream failed.
    #[error("the upstream {upstream} stopped taking the client's bytes: {error}")]
    WriteFailed {
        /// The upstream, as given.
        upstream: String,
        /// The socket's error.
        error: io::Error,
    },
}

impl UpstreamError {
    /// A stable kebab-case identifier, for JSON output and tests.
    pub fn id(&self) -> &'static str {
        match self {
            Self::Refused { .. } => "refused",
            Self::Unreachable { .. } => "unreachable",
            Self::ConnectTimeout { .. } => "connect-timeout",
            Self::ClosedWithoutAnswer { .. } => "closed-without-answer",
            Self::Tls { .. } => "tls-handshake",
            Self::ReadFailed { .. } => "read-failed",
            Self::WriteFailed { .. } => "write-failed",
        }
    }

    /// The error of a failed connect.
    pub(super) fn connect(upstream: String, error: io::Error) -> Self {
        if error.kind() == io::ErrorKind::ConnectionRefused {
            Self::Refused { upstream }
        } else {
            Self::Unreachable { upstream, error }
        }
    }
}

/// Why the proxy turned a client away before relaying anything: the client gets a
/// `503 Service Unavailable` with the sentence as its body.
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The proxy relays as many connections as it may at once.
    #[error("wslab proxy: too many connections ({max}); try again later")]
    TooManyConnections {
        /// The cap, `--max-connections`.
        max: usize,
    },
}

impl Refusal {
    /// A stable kebab-case identifier, for JSON output and tests.
    pub fn id(&self) -> &'static str {
        match self {
            Self::TooManyConnections { .. } => "too-many-connections",
        }
    }
}
