//! The answer that refused an upgrade (any final status but 101, RFC 6455 §4.1: "If the
//! status code received from the server is not 101, the client handles the response per HTTP
//! procedures") and the words its body said: servers explain a 400, 403 or 426 there, and the
//! proxy its 502. Every view shows that body the same way: capped, and marked when cut.

use std::fmt::Write as _;

use serde::Serialize;

use super::json::utf8_prefix;
use super::style::{Palette, Role};
use crate::capture::{Connection, HttpMessage};
use crate::proto::http::StartLine;

/// Body bytes the text views show; the JSON views show up to their own preview limit.
pub const SHOWN_BODY: usize = 1024;

/// Characters of the body quoted in the one-line sentence.
const QUOTED: usize = 200;

/// A refusing answer and its body.
#[derive(Debug, Clone, Copy)]
pub struct Refusal<'a> {
    /// Its index among the connection's responses.
    pub index: usize,
    /// The status.
    pub status: u16,
    /// The reason phrase.
    pub reason: &'a str,
    /// The answer.
    pub response: &'a HttpMessage,
}

/// The first final answer, to a request that asked to upgrade, that was not 101.
pub fn refusal(c: &Connection) -> Option<Refusal<'_>> {
    c.responses()
        .http
        .iter()
        .enumerate()
        .find_map(|(index, response)| {
            let request = c.request_for(index)?;
            let StartLine::Response { status, reason, .. } = &response.head.start else {
                return None;
            };
            let upgrade = request.head.has_token("upgrade", "websocket");
            (upgrade && *status != 101).then_some(Refusal {
                index,
                status: *status,
                reason,
                response,
            })
        })
}

/// A body as the JSON views show it: `len` bytes as sent, the first `max` as text (when
/// UTF-8) and hex, `truncated` when they hold less than the body.
#[derive(Debug, Clone, Serialize)]
pub struct BodyJson {
    /// The body's bytes as sent (chunk framing included).
    pub len: u64,
    /// The body as text, when it is UTF-8, up to the preview's limit.
    pub text: Option<String>,
    /// The same bytes as hex.
    pub hex: String,
    /// Whether `text` and `hex` hold less than the body: cut by the preview's limit, or the
    /// body never ended.
    pub truncated: bool,
}

impl BodyJson {
    /// The body of `m`, shown up to `max` bytes.
    pub fn new(m: &HttpMessage, max: usize) -> Self {
        let (shown, truncated) = shown(m, max);
        Self {
            len: m.body_len,
            text: utf8_prefix(shown),
            hex: hex::encode(shown),
            truncated,
        }
    }
}

// The first `max` bytes of the body, and whether that is less than the whole body. A
// chunked body's decoded length is not kept, so only its end says it was all seen.
fn shown(m: &HttpMessage, max: usize) -> (&[u8], bool) {
    let shown = &m.body_preview[..m.body_preview.len().min(max)];
    let chunked = m.head.has_token("transfer-encoding", "chunked");
    let all = m.body_complete && (chunked || shown.len() as u64 >= m.body_len);
    (shown, !all || shown.len() < m.body_preview.len())
}

/// The refusal's body for the text views: a heading, the text (or hex when it is not
/// UTF-8), cut at [`SHOWN_BODY`] bytes with a note. Empty when there is no refusal or its
/// body is empty.
pub fn body_part(c: &Connection, p: Palette) -> String {
    let mut out = String::new();
    let Some(r) = refusal(c) else {
        return out;
    };
    let m = r.response;
    if m.body_len == 0 && m.body_preview.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "{}",
        p.paint(
            Role::Heading,
            &format!(
                "── What the server said, refusing the upgrade ({} {}, body of {} bytes) ──",
                r.status, r.reason, m.body_len
            )
        )
    );
    let (bytes, truncated) = shown(m, SHOWN_BODY);
    match utf8_prefix(bytes) {
        Some(text) => {
            for line in text.lines() {
                let _ = writeln!(out, "  {}", line.escape_debug());
            }
        }
        None => {
            let _ = writeln!(out, "  (not UTF-8 text) {}", hex::encode(bytes));
        }
    }
    if truncated {
        let _ = writeln!(
            out,
            "  {}",
            p.paint(
                Role::Dim,
                &if m.body_complete {
                    format!("… cut: {} of {} bytes shown", bytes.len(), m.body_len)
                } else {
                    format!(
                        "… the body never ended: {} bytes came, {} shown",
                        m.body_len,
                        bytes.len()
                    )
                }
            )
        );
    }
    out
}

/// The one-line sentence of a failed connection, ended by the refusing server's words when it
/// refused the upgrade with a body: what `connect` prints on stderr and the inspector in its
/// status line.
pub fn sentence(error: &str, connection: Option<&Connection>) -> String {
    format!("{error}{}", connection.map(words).unwrap_or_default())
}

/// The server's words, to end the one-line sentence that says it refused the upgrade:
/// `; it said: "…"`, on one line, its first characters quoted (marked `…` when cut), or
/// empty when there is no refusal or no text in its body.
pub fn words(c: &Connection) -> String {
    let Some(r) = refusal(c) else {
        return String::new();
    };
    let (bytes, truncated) = shown(r.response, SHOWN_BODY);
    let Some(text) = utf8_prefix(bytes) else {
        return String::new();
    };
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return String::new();
    }
    let quoted: String = one_line.chars().take(QUOTED).collect();
    let cut = truncated || quoted.len() < one_line.len();
    format!("; it said: \"{quoted}{}\"", if cut { "…" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::{body_part, sentence};
    use crate::capture::{Direction, Limits, Transcript};
    use crate::render::style::Palette;

    const REQUEST: &[u8] =
        b"GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
        Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    fn refused(answer: &[u8]) -> Transcript {
        let mut t = Transcript::new(Limits::default());
        let (conn, _) = t.open("connect", None, None, 0).unwrap();
        t.record(conn, Direction::ClientToServer, 1, REQUEST);
        t.record(conn, Direction::ServerToClient, 2, answer);
        t
    }

    #[test]
    fn the_sentence_gives_the_servers_words_on_one_line() {
        let body = "use\r\nversion 13, please";
        let answer = format!(
            "HTTP/1.1 426 Upgrade Required\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let t = refused(answer.as_bytes());
        let c = t.connections().next();
        assert_eq!(
            sentence("the server refused the upgrade", c),
            "the server refused the upgrade; it said: \"use version 13, please\""
        );
        assert!(body_part(c.unwrap(), Palette::plain()).contains("426 Upgrade Required"));
    }

    #[test]
    fn a_long_or_unfinished_body_is_marked_cut() {
        let long = "y".repeat(300);
        let answer = format!("HTTP/1.1 403 Forbidden\r\nContent-Length: 400\r\n\r\n{long}");
        let t = refused(answer.as_bytes());
        let c = t.connections().next();
        let said = sentence("refused", c);
        assert!(said.ends_with("…\""), "{said}");
        let part = body_part(c.unwrap(), Palette::plain());
        assert!(
            part.contains("the body never ended: 300 bytes came, 300 shown"),
            "{part}"
        );
    }

    #[test]
    fn no_refusal_no_words() {
        let t = Transcript::new(Limits::default());
        assert_eq!(
            sentence("nothing is listening", None),
            "nothing is listening"
        );
        assert!(t.connections().next().is_none());
    }
}
