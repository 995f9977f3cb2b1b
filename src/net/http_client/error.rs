//! Why an HTTP exchange failed, one variant per cause, each said in one plain sentence that a
//! lesson can show as it is.

use std::error::Error as _;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use http_body_util::LengthLimitError;

/// An HTTP exchange that did not produce a response.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The server's port refused the connection.
    #[error("nothing is listening on {addr} (connection refused)")]
    Refused {
        /// Where the client tried to connect.
        addr: SocketAddr,
    },
    /// Connecting, sending and the whole answer took longer than the client's timeout.
    #[error("the server did not answer within {}", human(*after))]
    Timeout {
        /// The timeout that ran out.
        after: Duration,
    },
    /// The server answered with bytes that are not an HTTP/1.1 response.
    #[error("the server's answer is not an HTTP/1.1 response ({reason})")]
    NotHttp {
        /// What the parser objected to.
        reason: String,
    },
    /// The server closed the connection before its response was complete.
    #[error("the server closed the connection before it finished its response")]
    Closed,
    /// The response body is larger than the client's `max_body`.
    #[error("the response body is larger than the client's limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A header name or value cannot be sent.
    #[error("the header {name:?} cannot be sent because {reason}")]
    InvalidHeader {
        /// The name as given.
        name: String,
        /// Why, in words.
        reason: &'static str,
    },
    /// The request target is not an origin-form path such as `/poll?since=3`.
    #[error("the request target {target:?} is not a path starting with / without spaces")]
    InvalidTarget {
        /// The target as given.
        target: String,
    },
    /// The socket failed for another reason.
    #[error("the connection to {addr} failed: {source}")]
    Io {
        /// The server's address.
        addr: SocketAddr,
        /// The socket error.
        source: io::Error,
    },
    /// hyper refused the exchange for a reason none of the above covers.
    #[error("the HTTP exchange failed: {reason}")]
    Protocol {
        /// hyper's words.
        reason: String,
    },
}

impl HttpError {
    /// Sorts a connect error: refused gets its own sentence, the rest are I/O.
    pub(super) fn connect(addr: SocketAddr, error: io::Error) -> Self {
        if error.kind() == io::ErrorKind::ConnectionRefused {
            Self::Refused { addr }
        } else {
            Self::Io {
                addr,
                source: error,
            }
        }
    }

    /// Sorts hyper's error by cause, so that callers can match instead of reading strings.
    pub(super) fn from_hyper(addr: SocketAddr, error: &hyper::Error) -> Self {
        if error.is_parse() {
            // hyper's own sentence ("invalid HTTP version parsed") is the useful part.
            return Self::NotHttp {
                reason: error.to_string(),
            };
        }
        if error.is_incomplete_message() || error.is_canceled() || error.is_closed() {
            return Self::Closed;
        }
        let mut source = error.source();
        while let Some(cause) = source {
            if let Some(io) = cause.downcast_ref::<io::Error>() {
                return Self::Io {
                    addr,
                    source: io::Error::new(io.kind(), io.to_string()),
                };
            }
            source = cause.source();
        }
        Self::Protocol {
            reason: error.to_string(),
        }
    }

    /// Sorts an error from reading a [`http_body_util::Limited`] body.
    pub(super) fn from_body(
        addr: SocketAddr,
        limit: usize,
        error: &(dyn std::error::Error + 'static),
    ) -> Self {
        if error.is::<LengthLimitError>() {
            Self::BodyTooLarge { limit }
        } else if let Some(hyper) = error.downcast_ref::<hyper::Error>() {
            Self::from_hyper(addr, hyper)
        } else {
            Self::Protocol {
                reason: error.to_string(),
            }
        }
    }
}

/// "10 s", "200 ms", "1500 µs": the unit a person would say.
fn human(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{} s", d.as_secs())
    } else if d.subsec_micros().is_multiple_of(1000) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{} µs", d.as_micros())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_read_in_the_unit_they_were_given() {
        let said = |d| HttpError::Timeout { after: d }.to_string();
        assert_eq!(
            said(Duration::from_secs(10)),
            "the server did not answer within 10 s"
        );
        assert_eq!(
            said(Duration::from_millis(200)),
            "the server did not answer within 200 ms"
        );
        assert_eq!(
            said(Duration::from_micros(1500)),
            "the server did not answer within 1500 µs"
        );
    }
}
