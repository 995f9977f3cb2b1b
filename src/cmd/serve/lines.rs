//! One line per event of `wslab serve`: HTTP start lines and exchanges, frames, times and
//! sizes. Kept apart from the printer so the wording can be read without the event loop.

use crate::capture::Connection;
use crate::proto::fields::hex_bytes;
use crate::proto::http::{Head, StartLine};
use crate::proto::message::parse_close;
use crate::proto::{Frame, OpCode};
use crate::render::style::{Palette, Role};

pub(super) fn start_line(head: &Head) -> String {
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

/// One finished HTTP exchange: request, status, bytes each way. The n-th response answers the
/// n-th request (HTTP/1.1 keeps them in order).
pub(super) fn exchange(connection: &Connection, index: usize, p: Palette) -> String {
    let (Some(request), Some(response)) = (
        connection.requests().http.get(index),
        connection.responses().http.get(index),
    ) else {
        return String::new();
    };
    let (StartLine::Request { method, target, .. }, StartLine::Response { status, .. }) =
        (&request.head.start, &response.head.start)
    else {
        return String::new();
    };
    if *status == 101 {
        return String::new();
    }
    format!(
        "{} {method} {target} → {status} · {} sent, {} received\n",
        p.paint(Role::Heading, &connection.id.to_string()),
        size(request.wire_len()),
        size(response.wire_len())
    )
}

/// A frame in one line: opcode, length, FIN, MASK, and the start of the payload.
pub fn frame_line(frame: &Frame) -> String {
    let h = &frame.header;
    let opcode = h.opcode();
    let fin = if h.fin() { "FIN" } else { "not FIN" };
    let masked = if h.masked() { "masked" } else { "unmasked" };
    let preview = match opcode {
        OpCode::Close => {
            let (close, _) = parse_close(&frame.payload, !frame.is_truncated());
            match close.code {
                Some(code) if close.reason.is_empty() => format!("code {code}"),
                Some(code) => format!("code {code} {:?}", close.reason),
                None => "no code".into(),
            }
        }
        OpCode::Text | OpCode::Continuation | OpCode::Ping | OpCode::Pong
            if std::str::from_utf8(&frame.payload).is_ok() =>
        {
            let text = String::from_utf8_lossy(&frame.payload);
            let cut: String = text.chars().take(40).collect();
            let more = if cut.len() < text.len() || frame.is_truncated() {
                " …"
            } else {
                ""
            };
            format!("{cut:?}{more}")
        }
        _ => {
            let shown = &frame.payload[..frame.payload.len().min(16)];
            let more = if frame.payload_len() > 16 { " …" } else { "" };
            format!("{}{more}", hex_bytes(shown))
        }
    };
    format!(
        "{:<6} {:>7} B · {fin} · {masked} · {preview}",
        opcode.name(),
        frame.payload_len()
    )
}

pub(super) fn time(at_us: u64, p: Palette) -> String {
    p.paint(Role::Dim, &format!("{:>9}", seconds(at_us)))
}

fn seconds(us: u64) -> String {
    format!("{}.{:03}s", us / 1_000_000, us % 1_000_000 / 1000)
}

pub(super) fn size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => tenths(bytes, 1024, "KiB"),
        _ => tenths(bytes, 1_048_576, "MiB"),
    }
}

// One decimal place in integer arithmetic: sizes need no float.
fn tenths(bytes: u64, unit: u64, name: &str) -> String {
    let tenths = bytes.saturating_mul(10) / unit;
    format!("{}.{} {name}", tenths / 10, tenths % 10)
}
