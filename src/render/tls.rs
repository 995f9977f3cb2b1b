//! The eavesdropper's view of a TLS connection: its records as they crossed the wire, what the
//! hellos give away in clear, and what encryption cost per message. Pure: it reads the
//! capture's TLS layer and returns text.

use std::fmt::Write as _;

use super::exchange::ms;
use super::style::{Palette, Role};
use crate::capture::tls::{Carried, Sealed, TlsLayer};
use crate::capture::{Connection, Direction, Layer, Transcript};
use crate::proto::fields::hex_bytes;
use crate::proto::tls::{ContentType, Hello, TlsRecord, version_name};

/// One line for a record: its type, size, and what can be read of it in clear.
pub fn record_summary(record: &TlsRecord) -> String {
    let kind = record.content_type.name();
    let size = format!("{} B", record.length);
    let what = match record.content_type {
        ContentType::Handshake if !record.encrypted => {
            let names: Vec<String> = record.handshakes.iter().map(handshake_words).collect();
            if names.is_empty() {
                "part of a handshake message".to_string()
            } else {
                names.join(", ")
            }
        }
        ContentType::ChangeCipherSpec => {
            "compatibility only: TLS 1.3 sends it for old middleboxes (RFC 8446 §D.4)".into()
        }
        ContentType::Alert => record.alert.map_or_else(
            || "encrypted".to_string(),
            |a| format!("{} {}", a.level_name(), a.description_name()),
        ),
        ContentType::ApplicationData => match record.tls13_overhead() {
            Some(o) => format!(
                "encrypted: at most {} B of plaintext inside",
                o.plaintext_max
            ),
            None => "encrypted".into(),
        },
        _ => "encrypted".into(),
    };
    format!("{kind:<18} {size:>8}  {what}")
}

fn handshake_words(message: &crate::proto::tls::HandshakeMessage) -> String {
    match &message.hello {
        Some(Hello::Client(hello)) => {
            let mut parts = Vec::new();
            if let Some(name) = &hello.server_name {
                parts.push(format!("SNI {}", name.value));
            }
            if !hello.alpn.is_empty() {
                let alpn: Vec<&str> = hello.alpn.iter().map(|a| a.value.as_str()).collect();
                parts.push(format!("ALPN {}", alpn.join(",")));
            }
            if hello.supported_versions.iter().any(|v| v.value == 0x0304) {
                parts.push("offers TLS 1.3".into());
            }
            parts.push(format!("{} cipher suites", hello.cipher_suites.value));
            format!("ClientHello ({})", parts.join(", "))
        }
        Some(Hello::Server(hello)) => {
            let version = hello
                .selected_version
                .as_ref()
                .map_or_else(|| hello.version_name(), |v| version_name(v.value));
            format!("ServerHello ({version}, {})", hello.cipher_suite_name())
        }
        None => message.kind.name().to_string(),
    }
}

/// What the endpoints know each record carried, for the records [`TlsLayer`] can match.
fn carried_frames(
    connection: &Connection,
    direction: Direction,
    carried: &[Carried],
) -> Vec<(u64, String)> {
    let flow = connection.flow(direction);
    let mut out = Vec::new();
    for c in carried {
        let mut what = Vec::new();
        for message in &flow.http {
            let start = message.offset;
            if c.plaintext.contains(&start) {
                what.push(format!("the HTTP head ({} B)", message.head.len));
            }
        }
        for frame in &flow.frames {
            let span = frame.item.span();
            if c.plaintext.contains(&span.start) {
                what.push(format!(
                    "frame {} ({}, {} B)",
                    frame.item.index + 1,
                    frame.item.header.opcode().name(),
                    span.end - span.start
                ));
            }
        }
        if !what.is_empty() {
            out.push((c.record, what.join(" + ")));
        }
    }
    out
}

/// What the endpoints know record `index` of `direction` carried, when it can be matched; in
/// the TLS layer at `layer` (a proxy's upstream side carries the same relayed bytes, in
/// records of its own).
pub fn carried_note(
    connection: &Connection,
    layer: Layer,
    direction: Direction,
    index: u64,
) -> Option<String> {
    let tls = connection.tls_at(layer)?;
    let map = tls
        .flow(direction)
        .carried(connection.flow(direction).bytes)?;
    carried_frames(connection, direction, &map)
        .into_iter()
        .find(|(record, _)| *record == index)
        .map(|(_, what)| what)
}

/// The eavesdropper's view: every record of both directions in the order they crossed, what
/// the hellos say in clear, and, from the endpoints' side, which frame each record carried.
pub fn eavesdropper(t: &Transcript, connection: &Connection, p: Palette) -> String {
    if connection.tls.is_none() {
        return String::new();
    }
    format!(
        "{}\n{}",
        p.paint(
            Role::Heading,
            "── On the wire: what an eavesdropper sees ──"
        ),
        records(t, connection, p)
    )
}

/// The records of both directions in the order they crossed, each with its first bytes (the
/// 5-byte header, then the start of the body) and what it carried, and the totals; no
/// heading.
pub fn records(t: &Transcript, connection: &Connection, p: Palette) -> String {
    let mut out = String::new();
    let Some(tls) = &connection.tls else {
        return out;
    };
    let wire = Direction::BOTH.map(|d| t.raw_at(Layer::Tls, connection.id, d));
    let mut rows: Vec<(u64, Direction, &Sealed)> = Vec::new();
    for direction in Direction::BOTH {
        for sealed in &tls.flow(direction).records {
            rows.push((sealed.at_us, direction, sealed));
        }
    }
    rows.sort_by_key(|(at, d, s)| (*at, *d == Direction::ServerToClient, s.record.index));
    let mut carried = Vec::new();
    for direction in Direction::BOTH {
        let app = connection.flow(direction).bytes;
        if let Some(map) = tls.flow(direction).carried(app) {
            for (record, what) in carried_frames(connection, direction, &map) {
                carried.push((direction, record, what));
            }
        }
    }
    for (at, direction, sealed) in rows {
        let _ = writeln!(
            out,
            "  {:>10}  {}  {}",
            ms(at.saturating_sub(connection.opened_us)),
            direction.arrow(),
            record_summary(&sealed.record)
        );
        let raw = &wire[usize::from(direction == Direction::ServerToClient)];
        let _ = writeln!(
            out,
            "{}",
            p.paint(
                Role::Dim,
                &format!("{:>16}{}", "", first_bytes(raw, &sealed.record))
            )
        );
        if let Some((_, _, what)) = carried
            .iter()
            .find(|(d, r, _)| *d == direction && *r == sealed.record.index)
        {
            let _ = writeln!(
                out,
                "{}",
                p.paint(
                    Role::Dim,
                    &format!("{:>16}the endpoints know it carried {what}", "")
                )
            );
        }
    }
    for direction in Direction::BOTH {
        let flow = tls.flow(direction);
        if let Some(problem) = flow.problem() {
            let _ = writeln!(
                out,
                "  {} {} {problem}",
                p.paint(Role::Bad, "✗"),
                direction.arrow()
            );
        }
        if flow.records_dropped > 0 {
            let _ = writeln!(
                out,
                "  {} {} more records not listed: the capture's limit was reached",
                direction.arrow(),
                flow.records_dropped
            );
        }
    }
    let _ = writeln!(out, "  {}", p.paint(Role::Dim, &totals(connection, tls)));
    out
}

/// A record's header and the first bytes of its body in hex, `|` between them; empty when the
/// bytes were not kept.
fn first_bytes(raw: &[u8], record: &TlsRecord) -> String {
    let slice = |range: std::ops::Range<u64>| {
        let start = usize::try_from(range.start).ok()?;
        let end = usize::try_from(range.end).ok()?.min(raw.len());
        raw.get(start..end)
    };
    let body = record.body_span();
    let shown = body.start..body.end.min(body.start + 12);
    let more = if body.end > shown.end { " …" } else { "" };
    match (slice(record.header_span()), slice(shown)) {
        (Some(head), Some(body)) if !head.is_empty() => {
            format!("{} | {}{more}", hex_bytes(head), hex_bytes(body))
        }
        _ => String::new(),
    }
}

/// What TLS added: bytes on the wire against the endpoints' bytes.
pub fn totals(connection: &Connection, tls: &TlsLayer) -> String {
    let app: u64 = Direction::BOTH
        .iter()
        .map(|&d| connection.flow(d).bytes)
        .sum();
    let wire = tls.bytes();
    format!(
        "{wire} B crossed the wire for {app} B the endpoints exchanged: TLS added {} B (handshake, record headers, tags)",
        wire.saturating_sub(app)
    )
}

/// One message's cost in TLS: the frame's bytes and the record that carried it alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overhead {
    /// Who sent it.
    pub direction: Direction,
    /// The frame's number, from 1.
    pub frame: u64,
    /// The WebSocket frame's bytes.
    pub frame_bytes: u64,
    /// The record's bytes on the wire, header included.
    pub record_bytes: u64,
}

/// Each frame that travelled alone in one record, with that record's size: the cost of TLS
/// per message, measured. Frames that shared a record are left out, as their cost is shared.
pub fn overheads(connection: &Connection) -> Vec<Overhead> {
    let mut out = Vec::new();
    let Some(tls) = &connection.tls else {
        return out;
    };
    for direction in Direction::BOTH {
        let flow = connection.flow(direction);
        let Some(map) = tls.flow(direction).carried(flow.bytes) else {
            continue;
        };
        for frame in &flow.frames {
            let span = frame.item.span();
            let Some(c) = map.iter().find(|c| c.plaintext == span) else {
                continue;
            };
            let Some(sealed) = tls
                .flow(direction)
                .records
                .iter()
                .find(|s| s.record.index == c.record)
            else {
                continue;
            };
            out.push(Overhead {
                direction,
                frame: frame.item.index + 1,
                frame_bytes: span.end - span.start,
                record_bytes: u64::from(sealed.record.length) + 5,
            });
        }
    }
    out
}

/// The measured cost per message, one line each: what [`overheads`] found.
pub fn overhead_lines(connection: &Connection) -> String {
    let mut out = String::new();
    for o in overheads(connection) {
        let _ = writeln!(
            out,
            "  {} frame {}: {} B of WebSocket frame crossed as a {} B record: +{} B",
            o.direction.arrow(),
            o.frame,
            o.frame_bytes,
            o.record_bytes,
            o.record_bytes.saturating_sub(o.frame_bytes)
        );
    }
    if !out.is_empty() {
        out.push_str("  (TLS 1.3: a 5-byte record header, a 16-byte AEAD tag and 1 byte of hidden content type per record)\n");
    }
    out
}
