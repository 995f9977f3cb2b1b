//! HTTP heads as plain text: each line with its byte span, then the handshake rules.

use std::fmt::Write as _;

use super::style::{Palette, Role};
use crate::proto::handshake::RuleCheck;
use crate::proto::http::{Head, StartLine};

/// A head, line by line with spans; `bytes` are the bytes it was parsed from.
pub fn head(bytes: &[u8], head: &Head, p: Palette) -> String {
    let kind = match head.start {
        StartLine::Request { .. } => "HTTP request head",
        StartLine::Response { .. } => "HTTP response head",
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} · bytes 0–{} · {} bytes, ending with a blank line",
        p.paint(Role::Heading, kind),
        head.len.saturating_sub(1),
        head.len
    );
    let mut lines = vec![head.start_span.clone()];
    lines.extend(head.headers.iter().map(|h| h.line.clone()));
    let end_of_lines = lines.last().map_or(0, |l| l.end);
    let width = format!("{}–{}", head.len, head.len).chars().count();
    for span in lines {
        let text = String::from_utf8_lossy(bytes.get(span.clone()).unwrap_or_default());
        let range = format!("{}–{}", span.start, span.end.saturating_sub(1));
        let _ = writeln!(
            out,
            "  {range:width$}  {}",
            text.trim_end_matches(['\r', '\n'])
        );
    }
    let blank = format!("{}–{}", end_of_lines, head.len.saturating_sub(1));
    let _ = writeln!(
        out,
        "  {blank:width$}  {}",
        p.paint(Role::Dim, "(blank line: the head ends here)")
    );
    out
}

/// Rule checks, one line each.
pub fn rules(title: &str, checks: &[RuleCheck], p: Palette) -> String {
    let mut out = format!("{}\n", p.paint(Role::Heading, title));
    for c in checks {
        let mark = if c.passed {
            p.paint(Role::Good, "✓")
        } else {
            p.paint(Role::Bad, "✗")
        };
        let _ = writeln!(out, "  {mark} {} (§{})", c.detail, c.rule.section());
    }
    out
}

/// A head's start line as text, rebuilt from its parts: `GET /echo HTTP/1.1`.
pub fn start_line(head: &Head) -> String {
    match &head.start {
        StartLine::Request {
            method,
            target,
            minor_version,
        } => format!("{method} {target} HTTP/1.{minor_version}"),
        StartLine::Response {
            minor_version,
            status,
            reason,
        } => format!("HTTP/1.{minor_version} {status} {reason}"),
    }
}

/// Each header of a head with what it is for; headers wslab has no sentence for are listed
/// with a dash, so nothing in the head is left out.
pub fn explained(head: &Head, p: Palette) -> String {
    let width = head
        .headers
        .iter()
        .map(|h| h.name.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for h in &head.headers {
        let meaning = crate::proto::headers::explain(&h.name).unwrap_or("–");
        let _ = writeln!(out, "  {:width$}  {}", h.name, p.paint(Role::Dim, meaning));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::handshake::check_request;
    use crate::proto::http::parse_request;

    #[test]
    fn lines_with_spans_and_rules() {
        let bytes = b"GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        let parsed = parse_request(bytes).unwrap().unwrap();
        let text = head(bytes, &parsed, Palette::plain());
        assert_eq!(
            text,
            "HTTP request head · bytes 0–143 · 144 bytes, ending with a blank line\n  \
             0–19     GET /chat HTTP/1.1\n  \
             20–28    Host: a\n  \
             29–48    Upgrade: websocket\n  \
             49–69    Connection: Upgrade\n  \
             70–114   Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n  \
             115–141  Sec-WebSocket-Version: 13\n  \
             142–143  (blank line: the head ends here)\n"
        );
        let checks = rules("Rules", &check_request(&parsed), Palette::plain());
        assert!(checks.contains("  ✓ the method is GET (§4.1)\n"));
        assert_eq!(checks.lines().count(), 8);
    }
}
