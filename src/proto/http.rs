//! HTTP/1.1 heads dissected from raw bytes: the start line and each header, with byte spans.
//! httparse does the parsing; this module keeps where everything was.

use std::ops::Range;

use thiserror::Error;

/// The most bytes a head may take before it is refused, so a peer that never ends its head
/// cannot make us buffer without limit.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The most header lines a head may have.
pub const MAX_HEADERS: usize = 100;

/// Why bytes are not an HTTP/1.1 head.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HeadError {
    /// The head did not end within [`MAX_HEAD_BYTES`].
    #[error("the HTTP head is longer than {limit} bytes without ending in a blank line")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// More than [`MAX_HEADERS`] header lines.
    #[error("the HTTP head has more than {limit} header lines")]
    TooManyHeaders {
        /// The limit.
        limit: usize,
    },
    /// The bytes break HTTP/1.1 syntax.
    #[error("the bytes are not a valid HTTP/1.1 head: {what}")]
    Malformed {
        /// What httparse found wrong, in words.
        what: &'static str,
    },
}

/// The first line of a head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    /// `GET /chat HTTP/1.1`
    Request {
        /// The method, e.g. GET.
        method: String,
        /// The request target, e.g. /chat.
        target: String,
        /// The minor version: 1 for HTTP/1.1.
        minor_version: u8,
    },
    /// `HTTP/1.1 101 Switching Protocols`
    Response {
        /// The minor version: 1 for HTTP/1.1.
        minor_version: u8,
        /// The status code.
        status: u16,
        /// The reason phrase.
        reason: String,
    },
}

/// One header line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderLine {
    /// The name as sent (case kept).
    pub name: String,
    /// The value, with invalid UTF-8 replaced.
    pub value: String,
    /// The whole line, CRLF included.
    pub line: Range<usize>,
    /// The name's bytes.
    pub name_span: Range<usize>,
    /// The value's bytes.
    pub value_span: Range<usize>,
}

/// A request or response head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The start line.
    pub start: StartLine,
    /// The start line's bytes, CRLF included.
    pub start_span: Range<usize>,
    /// The header lines in order.
    pub headers: Vec<HeaderLine>,
    /// The head's length, the closing blank line included: where the body (or frames) begin.
    pub len: usize,
}

impl Head {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// The comma-separated tokens of every line of a header, trimmed.
    pub fn tokens(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .flat_map(|h| h.value.split(','))
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect()
    }

    /// Whether a header holds `token`, compared case-insensitively.
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        self.tokens(name)
            .iter()
            .any(|t| t.eq_ignore_ascii_case(token))
    }
}

/// Parses a request head. `Ok(None)` means more bytes are needed.
///
/// # Errors
/// Fails when the bytes cannot be an HTTP/1.1 request head.
pub fn parse_request(buf: &[u8]) -> Result<Option<Head>, HeadError> {
    let mut storage = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut storage);
    let Some(len) = status(req.parse(buf), buf)? else {
        return Ok(None);
    };
    let start = StartLine::Request {
        method: req.method.unwrap_or_default().to_owned(),
        target: req.path.unwrap_or_default().to_owned(),
        minor_version: req.version.unwrap_or_default(),
    };
    Ok(Some(build(buf, start, req.headers, len)))
}

/// Parses a response head. `Ok(None)` means more bytes are needed.
///
/// # Errors
/// Fails when the bytes cannot be an HTTP/1.1 response head.
pub fn parse_response(buf: &[u8]) -> Result<Option<Head>, HeadError> {
    let mut storage = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut resp = httparse::Response::new(&mut storage);
    let Some(len) = status(resp.parse(buf), buf)? else {
        return Ok(None);
    };
    let start = StartLine::Response {
        minor_version: resp.version.unwrap_or_default(),
        status: resp.code.unwrap_or_default(),
        reason: resp.reason.unwrap_or_default().to_owned(),
    };
    Ok(Some(build(buf, start, resp.headers, len)))
}

fn status(
    result: Result<httparse::Status<usize>, httparse::Error>,
    buf: &[u8],
) -> Result<Option<usize>, HeadError> {
    match result {
        Ok(httparse::Status::Complete(len)) => Ok(Some(len)),
        Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD_BYTES => Err(HeadError::TooLarge {
            limit: MAX_HEAD_BYTES,
        }),
        Ok(httparse::Status::Partial) => Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            Err(HeadError::TooManyHeaders { limit: MAX_HEADERS })
        }
        Err(e) => Err(HeadError::Malformed { what: describe(e) }),
    }
}

fn describe(e: httparse::Error) -> &'static str {
    match e {
        httparse::Error::HeaderName => "a header name has a character that names may not have",
        httparse::Error::HeaderValue => "a header value has a control character",
        httparse::Error::NewLine => "a line does not end in CRLF",
        httparse::Error::Status => "the status code is not three digits",
        httparse::Error::Token => "the method or a token has an invalid character",
        httparse::Error::Version => "the version is not HTTP/1.0 or HTTP/1.1",
        httparse::Error::TooManyHeaders => "too many headers",
    }
}

fn build(buf: &[u8], start: StartLine, headers: &[httparse::Header<'_>], len: usize) -> Head {
    let base = buf.as_ptr() as usize;
    let line_end = |from: usize| {
        buf[from..len]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(len, |i| from + i + 1)
    };
    let start_span = 0..line_end(0);
    let headers = headers
        .iter()
        .map(|h| {
            // httparse hands back slices of `buf`, so their addresses give their offsets.
            let name_at = h.name.as_ptr() as usize - base;
            let value_at = h.value.as_ptr() as usize - base;
            HeaderLine {
                name: h.name.to_owned(),
                value: String::from_utf8_lossy(h.value).into_owned(),
                line: name_at..line_end(value_at + h.value.len()),
                name_span: name_at..name_at + h.name.len(),
                value_span: value_at..value_at + h.value.len(),
            }
        })
        .collect();
    Head {
        start,
        start_span,
        headers,
        len,
    }
}

/// The extension names in a Sec-WebSocket-Extensions value (RFC 6455 §9.1): each element's
/// first token, before its parameters.
pub fn extension_names(value: &str) -> Vec<String> {
    value
        .split(',')
        .filter_map(|element| element.split(';').next())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n\x81\x05";

    #[test]
    fn request_with_spans() {
        let head = parse_request(REQUEST).unwrap().unwrap();
        assert_eq!(
            head.start,
            StartLine::Request {
                method: "GET".into(),
                target: "/chat".into(),
                minor_version: 1
            }
        );
        assert_eq!(&REQUEST[head.start_span.clone()], b"GET /chat HTTP/1.1\r\n");
        assert_eq!(head.headers.len(), 5);
        let host = &head.headers[0];
        assert_eq!(&REQUEST[host.line.clone()], b"Host: server.example.com\r\n");
        assert_eq!(&REQUEST[host.name_span.clone()], b"Host");
        assert_eq!(&REQUEST[host.value_span.clone()], b"server.example.com");
        assert_eq!(&REQUEST[head.len..], b"\x81\x05");
        assert_eq!(head.header("sec-websocket-version"), Some("13"));
        assert!(head.has_token("connection", "upgrade"));
    }

    #[test]
    fn partial_and_bad_heads() {
        assert_eq!(parse_request(&REQUEST[..30]), Ok(None));
        assert_eq!(
            parse_response(b"HTTP/1.1 1x1 Nope\r\n\r\n"),
            Err(HeadError::Malformed {
                what: "the status code is not three digits"
            })
        );
        let endless = vec![b'a'; MAX_HEAD_BYTES + 1];
        let mut req = b"GET / HTTP/1.1\r\nX: ".to_vec();
        req.extend_from_slice(&endless);
        assert_eq!(
            parse_request(&req),
            Err(HeadError::TooLarge {
                limit: MAX_HEAD_BYTES
            })
        );
    }

    #[test]
    fn tokens_across_lines() {
        let head = parse_response(
            b"HTTP/1.1 101 Switching Protocols\r\nConnection: keep-alive, Upgrade\r\nX: a\r\nConnection: close\r\n\r\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            head.tokens("connection"),
            ["keep-alive", "Upgrade", "close"]
        );
    }
}
