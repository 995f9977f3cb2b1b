//! Why a client exchange failed, in one sentence each. Handshake failures are explained from
//! the captured bytes (the same rules `proto::handshake` teaches), not from library jargon.

use std::io;
use std::net::SocketAddr;

use tokio_tungstenite::tungstenite::error::{ProtocolError, SubProtocolError};
use tokio_tungstenite::tungstenite::{self};

use crate::capture::ConnId;
use crate::net::recorder::Recorder;
use crate::proto::handshake::check_response;
use crate::proto::http::StartLine;

/// A failed exchange.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The host name did not resolve.
    #[error("cannot find the host {host:?}: {detail}")]
    Resolve {
        /// The name.
        host: String,
        /// What the resolver said.
        detail: String,
    },
    /// Nothing listens there.
    #[error("nothing is listening on {addr} (connection refused); is the server running?")]
    Refused {
        /// Where.
        addr: SocketAddr,
    },
    /// Another connect error.
    #[error("cannot connect to {addr}: {detail}")]
    Unreachable {
        /// Where.
        addr: SocketAddr,
        /// The OS's words.
        detail: String,
    },
    /// The TCP connection did not open in time.
    #[error("the connection to {addr} did not open within {secs} s")]
    ConnectTimeout {
        /// Where.
        addr: SocketAddr,
        /// The limit.
        secs: f64,
    },
    /// TLS could not be set up or its handshake failed (wss://).
    #[error("{0}")]
    Tls(#[from] crate::net::tls::TlsError),
    /// The request could not be built from what the user gave.
    #[error("cannot build the handshake request: {detail}")]
    BadRequest {
        /// What is wrong.
        detail: String,
    },
    /// The server accepted the connection but did not answer the handshake.
    #[error("the server accepted the connection but did not answer the handshake within {secs} s")]
    HandshakeTimeout {
        /// The limit.
        secs: f64,
    },
    /// The answer was not HTTP.
    #[error(
        "the server answered with bytes that are not HTTP ({detail}); is this a WebSocket server?"
    )]
    NotHttp {
        /// The first bytes, quoted.
        detail: String,
    },
    /// The server said no.
    #[error(
        "the server refused the upgrade: it answered {status} {reason} instead of 101 Switching Protocols"
    )]
    Rejected {
        /// The status.
        status: u16,
        /// The reason phrase.
        reason: String,
    },
    /// A 101 whose permessage-deflate answer a client must not accept (RFC 7692 §5.1).
    #[error(
        "the server's answer to the permessage-deflate offer breaks a rule, so the client fails the connection: {detail}"
    )]
    BadExtension {
        /// The rule, in a sentence that names its section.
        detail: String,
    },
    /// A 101 that breaks a rule.
    #[error("the handshake is broken: {detail} (RFC 6455 §{section})")]
    BadHandshake {
        /// The first broken rule, in a sentence.
        detail: String,
        /// Where RFC 6455 says so.
        section: &'static str,
    },
    /// The client offered subprotocols and the server chose none. RFC 6455 lets the server
    /// do that (§4.2.2) and the client then decide; tokio-tungstenite decides to fail.
    #[error(
        "the server chose none of the subprotocols offered, so the client failed the connection (RFC 6455 §4.1 leaves that choice to the client)"
    )]
    NoSubprotocol,
    /// The server closed before answering.
    #[error("the server closed the connection before answering the handshake")]
    ClosedDuringHandshake,
    /// The server broke RFC 6455 after the handshake.
    #[error("the server broke the protocol: {detail}")]
    Protocol {
        /// Which rule, in a sentence.
        detail: String,
    },
    /// The server sent a frame or message larger than the client accepts.
    #[error(
        "the server sent more than wslab accepts in one message ({detail}), so wslab closed with 1009, message too big (RFC 6455 §7.4.1, §10.4)"
    )]
    TooBig {
        /// The size and the limit, in the library's words.
        detail: String,
    },
    /// The client closed, and the server dropped TCP without answering with its close frame.
    #[error(
        "no close frame came back: the server closed the TCP connection without answering the client's close (RFC 6455 §5.5.1), so the connection did not close cleanly, which a WebSocket API reports as code 1006 (§7.1.5), a code never sent on the wire (§7.4.1)"
    )]
    NoCloseReply,
    /// The server ended TCP, by a close or a reset, before either side sent a close frame.
    #[error(
        "the connection ended without a close frame: the server {how} the TCP connection {when}, so the WebSocket connection did not close cleanly; a WebSocket API reports this as code 1006, a code no endpoint ever sends on the wire (RFC 6455 §7.1.5, §7.4.1)"
    )]
    Abnormal {
        /// "closed" or "reset".
        how: &'static str,
        /// Where in the server's stream: "before sending any frame", "between frames", or
        /// inside a frame, with what is missing.
        when: String,
    },
    /// The client closed, and nothing came back, not even the end of TCP.
    #[error(
        "the server did not answer the client's close within {secs} s (RFC 6455 §5.5.1), so wslab closed the TCP connection; the connection did not close cleanly, which a WebSocket API reports as code 1006 (§7.1.5), a code never sent on the wire (§7.4.1)"
    )]
    CloseUnanswered {
        /// The limit.
        secs: f64,
    },
    /// `connect --expect N`: the server went quiet before N messages came. An idle
    /// connection is no fault; the run ended because the user's expectation was not met.
    #[error(
        "no message arrived within {secs} s ({got} of the {want} expected had come), so wslab closed with {code} (RFC 6455 §7.1.2)"
    )]
    Quiet {
        /// Data messages that came.
        got: usize,
        /// Data messages expected.
        want: usize,
        /// The limit.
        secs: f64,
        /// The close code sent.
        code: u16,
    },
    /// A frame used the reserved bits of an extension the client offered by hand and the
    /// server accepted, which wslab does not speak.
    #[error(
        "a frame from the server sets reserved bits, which the extension {extensions} gives a meaning: the client offered it and the server accepted, so the server is within RFC 6455 §5.2; wslab does not speak it, cannot read the frame, and closed with 1003"
    )]
    Unspoken {
        /// The extensions, by name.
        extensions: String,
    },
    /// A signal ended the run; what was captured is still shown and saved.
    #[error(
        "interrupted by {signal}: what was captured so far is shown, and a connection still open was closed with 1001 going away (RFC 6455 §7.4.1)"
    )]
    Interrupted {
        /// The signal's name.
        signal: &'static str,
    },
    /// The server reset the connection.
    #[error("the server reset the connection")]
    Reset,
    /// No message in time, where the caller bounded the wait.
    #[error("no message arrived within {secs} s")]
    ReplyTimeout {
        /// The limit.
        secs: f64,
    },
    /// Any other socket error.
    #[error("the connection failed: {0}")]
    Io(String),
}

impl ClientError {
    pub(super) fn from_connect(addr: SocketAddr, error: &io::Error) -> Self {
        match error.kind() {
            io::ErrorKind::ConnectionRefused => Self::Refused { addr },
            _ => Self::Unreachable {
                addr,
                detail: error.to_string(),
            },
        }
    }

    pub(super) fn from_io(error: &io::Error) -> Self {
        match error.kind() {
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionAborted => Self::Reset,
            _ => Self::Io(error.to_string()),
        }
    }

    pub(super) fn from_send(error: tungstenite::Error) -> Self {
        match error {
            tungstenite::Error::Io(e) => Self::from_io(&e),
            tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
                Self::Io("the connection is already closed".into())
            }
            other => Self::Io(other.to_string()),
        }
    }

    /// A read error, or `None` when it only means the connection ended. A reset after our own
    /// close is an ending too: the server may drop the socket as soon as it has replied.
    pub(super) fn from_read(error: tungstenite::Error, closing: bool) -> Option<Self> {
        match error {
            tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => None,
            tungstenite::Error::Protocol(ProtocolError::ResetWithoutClosingHandshake)
                if closing =>
            {
                None
            }
            tungstenite::Error::Io(e)
                if closing
                    && matches!(
                        e.kind(),
                        io::ErrorKind::ConnectionReset
                            | io::ErrorKind::BrokenPipe
                            // A TLS peer that hangs up without close_notify after the
                            // WebSocket close: the close handshake already ended the session.
                            | io::ErrorKind::UnexpectedEof
                    ) =>
            {
                None
            }
            tungstenite::Error::Io(e) => Some(Self::from_io(&e)),
            tungstenite::Error::Protocol(ProtocolError::ResetWithoutClosingHandshake) => {
                Some(Self::Protocol {
                    detail: "it closed the TCP connection without a close frame (§7.1.1)".into(),
                })
            }
            tungstenite::Error::Protocol(p) => Some(Self::Protocol {
                detail: p.to_string(),
            }),
            tungstenite::Error::Utf8(_) => Some(Self::Protocol {
                detail: "a text message is not valid UTF-8 (§8.1)".into(),
            }),
            tungstenite::Error::Capacity(c) => Some(Self::TooBig {
                detail: c.to_string(),
            }),
            other => Some(Self::Io(other.to_string())),
        }
    }
}

/// Explains a failed handshake from what was captured: the bytes are the evidence.
pub(super) fn explain_failed_handshake(
    recorder: &Recorder,
    conn: Option<ConnId>,
    error: &tungstenite::Error,
) -> ClientError {
    let from_capture = conn.and_then(|conn| {
        recorder.read(|t| {
            let connection = t.connection(conn)?;
            let responses = connection.responses();
            if responses.problem.is_some() {
                let raw = t.raw(conn, crate::capture::Direction::ServerToClient);
                return Some(ClientError::NotHttp {
                    detail: quote(&raw),
                });
            }
            let Some(response) = responses.http.first() else {
                return responses
                    .ended_us
                    .map(|_| ClientError::ClosedDuringHandshake);
            };
            if let StartLine::Response { status, reason, .. } = &response.head.start
                && *status != 101
            {
                return Some(ClientError::Rejected {
                    status: *status,
                    reason: reason.clone(),
                });
            }
            let request = connection.requests().http.first()?;
            check_response(&request.head, &response.head)
                .into_iter()
                .find(|c| !c.passed)
                .map(|c| ClientError::BadHandshake {
                    detail: c.detail,
                    section: c.rule.section(),
                })
        })
    });
    from_capture.unwrap_or_else(|| match error {
        tungstenite::Error::Protocol(ProtocolError::SecWebSocketSubProtocolError(
            SubProtocolError::NoSubProtocol,
        )) => ClientError::NoSubprotocol,
        tungstenite::Error::Io(e) => ClientError::from_io(e),
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
            ClientError::ClosedDuringHandshake
        }
        other => ClientError::Io(other.to_string()),
    })
}

// The first bytes of something that is not HTTP, printable, so the user recognises it.
fn quote(raw: &[u8]) -> String {
    let shown: String = raw
        .iter()
        .take(32)
        .flat_map(|&b| std::ascii::escape_default(b))
        .map(char::from)
        .collect();
    if raw.len() > 32 {
        format!("\"{shown}…\"")
    } else {
        format!("\"{shown}\"")
    }
}
