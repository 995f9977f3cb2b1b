//! Frames and messages as plain text: the field table, the coloured hex dump, the masking
//! walkthrough, the payload and the violations. Used by `wslab decode`, and later by plain mode.

use std::fmt::Write as _;

use super::hexdump::{self, Cell};
use super::style::{Palette, Role};
use crate::proto::{
    Field, FieldKind, Frame, Inflated, Message, OpCode, Side, Stopped, Violation, fields,
};

/// How much to show.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Colours, or none.
    pub palette: Palette,
    /// Who sent the bytes.
    pub side: Side,
    /// Payload bytes to show in the hex dump before eliding the rest.
    pub max_payload: usize,
    /// The option that shows more of a payload, when the command has one: a note about an
    /// elided payload names it only where it exists.
    pub more: Option<&'static str>,
}

impl Options {
    /// Why a payload is shown only in part: the option that shows more, or the cap.
    fn shown_in_part(&self) -> String {
        match self.more {
            Some(flag) => format!("raise {flag} to see more"),
            None => format!("the first {} are shown here", self.max_payload),
        }
    }
}

/// How many payload bytes the masking walkthrough steps through.
const WALKTHROUGH: usize = 8;

/// The arrow for a direction.
pub fn direction(side: Side) -> &'static str {
    match side {
        Side::Client => "client → server",
        Side::Server => "server → client",
        Side::Unknown => "direction unknown",
    }
}

/// A frame, explained.
pub fn frame(frame: &Frame, opts: &Options) -> String {
    let p = opts.palette;
    let h = &frame.header;
    let mut out = String::new();
    let span = frame.span();
    let mut traits = vec![h.opcode().name().to_string()];
    traits.push(if h.fin() {
        "FIN".into()
    } else {
        "not FIN".into()
    });
    traits.push(if h.masked() {
        "masked".into()
    } else {
        "unmasked".into()
    });
    traits.push(format!("{}-byte payload", frame.payload_len()));
    let _ = writeln!(
        out,
        // People count from 1; the JSON keeps the 0-based index.
        "{} · {} · bytes {} of the stream · {}",
        p.paint(Role::Heading, &format!("Frame {}", frame.index + 1)),
        direction(opts.side),
        range_text(span.start, span.end),
        traits.join(" · ")
    );
    let fields = fields(frame, opts.side);
    out.push_str(&table(frame, &fields));
    out.push('\n');
    out.push_str(&dump(frame, &fields, opts));
    if let Some(key) = h.mask_key() {
        out.push_str(&walkthrough(frame, key, p));
    }
    out.push_str(&payload_line(frame, opts));
    out.push_str(&violations(&frame.violations, p));
    out
}

/// A frame the stream stopped inside: the fields that came (the whole frame view when its
/// header came whole), every rule they already break, and how many bytes are missing.
pub fn stopped(stopped: &Stopped, opts: &Options) -> String {
    let p = opts.palette;
    let mut out = match &stopped.frame {
        Some(pending) => frame(pending, opts),
        None => header_so_far(stopped, opts),
    };
    let _ = writeln!(
        out,
        "  {} {}",
        p.paint(Role::Bad, "✗"),
        ends_inside(stopped)
    );
    out
}

/// The sentence for a stream that stopped inside a frame: where, and what is missing.
pub fn ends_inside(stopped: &Stopped) -> String {
    let i = &stopped.incomplete;
    let missing = i.missing();
    match i.cut {
        None => {
            let header = stopped.frame.as_ref().map_or(0, Frame::header_len);
            format!(
                "the stream ends inside frame {}: its {header}-byte header came whole, then {} of its {} payload byte{}, so {} {} missing",
                stopped.index + 1,
                i.have - header,
                i.need - header,
                if i.need - header == 1 { "" } else { "s" },
                fields::bytes(missing),
                if missing == 1 { "is" } else { "are" }
            )
        }
        Some(cut) => format!(
            "the stream ends inside frame {}'s header, {cut}: {} of its {} header bytes came, so the header needs {} more, then its payload",
            stopped.index + 1,
            i.have,
            i.need,
            fields::bytes(missing)
        ),
    }
}

// The bytes of a header that never came whole, each with the fields it holds.
fn header_so_far(stopped: &Stopped, opts: &Options) -> String {
    let p = opts.palette;
    let bytes = &stopped.header;
    let i = &stopped.incomplete;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} · {} · from byte {} of the stream · its header cut short after {} of {}",
        p.paint(Role::Heading, &format!("Frame {}", stopped.index + 1)),
        direction(opts.side),
        i.offset,
        i.have,
        fields::bytes(i.need)
    );
    let rows = header_rows(bytes);
    let header = ["byte", "bits", "field", "value"].map(String::from);
    let mut widths = [0usize; 3];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "  {:w0$}  {:w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if stopped.violations.is_empty() {
        let _ = writeln!(
            out,
            "  {} the bytes that came break no rule",
            p.paint(Role::Good, "✓")
        );
    } else {
        out.push_str(&violations(&stopped.violations, p));
    }
    out
}

// One row per field that came, with its bytes, bits and value.
fn header_rows(bytes: &[u8]) -> Vec<[String; 4]> {
    let mut rows: Vec<[String; 4]> = Vec::new();
    if let Some(&b0) = bytes.first() {
        let opcode = OpCode::from_bits(b0);
        rows.push([
            "0".into(),
            format!("{:04b} {:04b}", b0 >> 4, b0 & 0xf),
            "FIN RSV1-3 opcode".into(),
            format!(
                "FIN={} RSV={}{}{} opcode=0x{:x} ({})",
                b0 >> 7,
                (b0 >> 6) & 1,
                (b0 >> 5) & 1,
                (b0 >> 4) & 1,
                b0 & 0xf,
                opcode.name()
            ),
        ]);
    }
    if let Some(&b1) = bytes.get(1) {
        let length = match b1 & 0x7f {
            126 => "126: a 16-bit length follows".to_owned(),
            127 => "127: a 64-bit length follows".to_owned(),
            n => format!("{n}: the payload length"),
        };
        rows.push([
            "1".into(),
            format!("{:04b} {:04b}", b1 >> 4, b1 & 0xf),
            "MASK, payload length".into(),
            format!("MASK={} length={length}", b1 >> 7),
        ]);
    }
    if bytes.len() > 2 {
        let extra = match bytes[1] & 0x7f {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        let length = &bytes[2..bytes.len().min(2 + extra)];
        if !length.is_empty() {
            rows.push([
                range_text(2, 2 + length.len() as u64),
                String::new(),
                "extended payload length".into(),
                format!(
                    "{} ({} of {extra} bytes)",
                    fields::hex_bytes(length),
                    length.len()
                ),
            ]);
        }
        let key = &bytes[(2 + extra).min(bytes.len())..];
        if !key.is_empty() {
            rows.push([
                range_text(2 + extra as u64, (2 + extra + key.len()) as u64),
                String::new(),
                "masking key".into(),
                format!("{} ({} of 4 bytes)", fields::hex_bytes(key), key.len()),
            ]);
        }
    }
    rows
}

fn range_text(start: u64, end: u64) -> String {
    if end <= start {
        "none".into()
    } else if end == start + 1 {
        start.to_string()
    } else {
        format!("{start}–{}", end - 1)
    }
}

fn table(frame: &Frame, fields: &[Field]) -> String {
    let rows: Vec<[String; 5]> = fields
        .iter()
        .map(|f| {
            let byte = frame
                .header
                .bytes()
                .get((f.span.start - frame.offset) as usize);
            // Counted from the frame's first byte, as the lessons' checks count them.
            [
                range_text(f.span.start - frame.offset, f.span.end - frame.offset),
                byte.and_then(|&b| f.bit_pattern(b)).unwrap_or_default(),
                f.kind.label().to_string(),
                f.value.clone(),
                f.meaning.clone(),
            ]
        })
        .collect();
    let header = ["byte", "bits", "field", "value", "meaning"].map(String::from);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let _ = writeln!(
            out,
            "  {:w0$}  {:w1$}  {:w2$}  {:w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
        );
    }
    out
}

fn role_of(kind: FieldKind) -> (Role, &'static str) {
    match kind {
        FieldKind::Fin
        | FieldKind::Rsv1
        | FieldKind::Rsv2
        | FieldKind::Rsv3
        | FieldKind::Opcode => (Role::FlagsByte, "fo"),
        FieldKind::Mask | FieldKind::PayloadLen => (Role::LengthByte, "ml"),
        FieldKind::ExtendedPayloadLen => (Role::ExtendedLength, "ll"),
        FieldKind::MaskingKey => (Role::MaskingKey, "kk"),
        FieldKind::Payload => (Role::Payload, "pp"),
    }
}

fn dump(frame: &Frame, fields: &[Field], opts: &Options) -> String {
    let shown = frame.payload.len().min(opts.max_payload);
    let wire_payload = frame.wire_payload();
    let wire: Vec<u8> = frame
        .header
        .bytes()
        .iter()
        .chain(&wire_payload[..shown])
        .copied()
        .collect();
    let cells: Vec<Cell> = wire
        .iter()
        .enumerate()
        .map(|(i, &byte)| {
            let at = frame.offset + i as u64;
            let kind = fields
                .iter()
                .find(|f| f.span.contains(&at))
                .map_or(FieldKind::Payload, |f| f.kind);
            let (role, mark) = role_of(kind);
            Cell { byte, role, mark }
        })
        .collect();
    // Offsets count from the frame's first byte, as the field table's do.
    let mut out = hexdump::render(0, &cells, opts.palette, "  ");
    let hidden = frame.payload_len() - shown as u64;
    if hidden > 0 {
        let why = if shown < frame.payload.len() {
            opts.shown_in_part()
        } else if frame.is_complete() {
            "beyond the preview kept in memory".to_owned()
        } else {
            "not received".to_owned()
        };
        let _ = writeln!(out, "  … {hidden} more payload bytes ({why})");
    }
    let mut parts = vec![
        (Role::FlagsByte, "fo", "FIN/RSV/opcode"),
        (Role::LengthByte, "ml", "MASK/length"),
    ];
    if !frame.header.length_bytes().is_empty() {
        parts.push((Role::ExtendedLength, "ll", "extended length"));
    }
    if frame.header.masked() {
        parts.push((Role::MaskingKey, "kk", "masking key"));
    }
    if frame.payload_len() > 0 {
        parts.push((Role::Payload, "pp", "payload"));
    }
    let _ = writeln!(
        out,
        "  {} · {}",
        hexdump::legend(opts.palette, &parts),
        hexdump::BASES
    );
    out
}

fn walkthrough(frame: &Frame, key: [u8; 4], p: Palette) -> String {
    if frame.payload.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n  Unmasking, byte by byte (wire ⊕ key[i % 4] = plain):\n");
    for (i, &clear) in frame.payload.iter().take(WALKTHROUGH).enumerate() {
        let wire = clear ^ key[i % 4];
        let shown = if clear.is_ascii_graphic() || clear == b' ' {
            format!("'{}'", char::from(clear))
        } else {
            String::new()
        };
        let line = format!(
            "    payload[{i}]  {} ⊕ {} = {clear:02x}  {shown}",
            p.paint(Role::Payload, &format!("{wire:02x}")),
            p.paint(Role::MaskingKey, &format!("{:02x}", key[i % 4])),
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if frame.payload.len() > WALKTHROUGH {
        let _ = writeln!(
            out,
            "    … the same for the other {} bytes",
            frame.payload_len() - WALKTHROUGH as u64
        );
    }
    out
}

fn payload_line(frame: &Frame, opts: &Options) -> String {
    let payload: &[u8] = &frame.payload;
    // A masked payload too long for one line is shown unmasked in a dump of its own, below.
    let long = frame.header.masked() && payload.len() > 32;
    let hex = |bytes: &[u8]| {
        if long {
            "unmasked below".to_string()
        } else {
            short_hex(bytes)
        }
    };
    let mut as_bytes = false;
    let cut = if !frame.is_complete() {
        format!(" (only {} came)", fields::bytes(frame.received))
    } else if frame.is_truncated() {
        " (preview)".to_owned()
    } else {
        String::new()
    };
    let body = match frame.header.opcode() {
        _ if frame.payload_len() == 0 => "empty".to_string(),
        OpCode::Close => {
            let (close, _) = crate::proto::message::parse_close(payload, !frame.is_truncated());
            match close.code {
                Some(code) => format!(
                    "close code {code} ({}), reason {}",
                    close.code_name().unwrap_or("?"),
                    crate::proto::shown::quoted(&close.reason)
                ),
                None => "close with no code".into(),
            }
        }
        OpCode::Binary if payload.is_empty() => {
            format!("binary, {} bytes{cut}", frame.payload_len())
        }
        OpCode::Binary => {
            as_bytes = true;
            format!(
                "binary, {} bytes{cut}: {}",
                frame.payload_len(),
                hex(payload)
            )
        }
        _ => {
            if let Ok(text) = std::str::from_utf8(payload) {
                format!("text{cut} {}", quote(text))
            } else {
                as_bytes = true;
                format!(
                    "{} bytes, not UTF-8 on their own{cut}: {}",
                    frame.payload_len(),
                    hex(payload)
                )
            }
        }
    };
    let mut out = format!("\n  Payload: {body}\n");
    if as_bytes && long {
        let shown = payload.len().min(opts.max_payload);
        let cells: Vec<Cell> = payload[..shown]
            .iter()
            .map(|&byte| Cell {
                byte,
                role: Role::Payload,
                mark: "",
            })
            .collect();
        out.push_str(&hexdump::render(
            frame.payload_span().start - frame.offset,
            &cells,
            opts.palette,
            "  ",
        ));
        if shown < payload.len() {
            let _ = writeln!(
                out,
                "  … {} more ({})",
                payload.len() - shown,
                opts.shown_in_part()
            );
        }
    }
    out
}

/// Up to 32 bytes as hex, with an ellipsis past that.
fn short_hex(bytes: &[u8]) -> String {
    hex_preview(bytes, 32)
}

/// Up to `limit` bytes as hex, with an ellipsis past that.
pub(crate) fn hex_preview(bytes: &[u8], limit: usize) -> String {
    let shown = crate::proto::fields::hex_bytes(&bytes[..bytes.len().min(limit)]);
    if bytes.len() > limit {
        format!("{shown} …")
    } else {
        shown
    }
}

/// Text in quotes as wslab shows text (`proto::shown`), cut at about 200 characters.
fn quote(text: &str) -> String {
    crate::proto::shown::quoted_fit(text, 203, false)
}

/// Violations as one line each, or a line saying there are none.
pub fn violations(found: &[Violation], p: Palette) -> String {
    if found.is_empty() {
        return format!("  {} no rule broken\n", p.paint(Role::Good, "✓"));
    }
    let mut out = String::new();
    for v in found {
        let _ = writeln!(
            out,
            "  {} RFC 6455 §{}: {v}",
            p.paint(Role::Bad, "✗"),
            v.section()
        );
    }
    out
}

/// A data message, in one line (two for bad text), numbered `number` among the data
/// messages of its direction. Control frames are not messages (RFC 6455 §5.5): their frame
/// view says all there is, and callers leave them out here.
pub fn message(message: &Message, number: u64, p: Palette) -> String {
    let frames = if message.frame_count == 1 {
        "1 frame".to_string()
    } else {
        format!("{} frames", message.frame_count)
    };
    let head = p.paint(Role::Heading, &format!("Message {number}"));
    let kind = message.opcode.name();
    let body = if let Some(close) = &message.close {
        match close.code {
            Some(code) => format!(
                "code {code} ({}), reason {}",
                close.code_name().unwrap_or("?"),
                quote(&close.reason)
            ),
            None => "no code".into(),
        }
    } else if message.compressed {
        compressed(message)
    } else if message.opcode == OpCode::Binary {
        format!(
            "{}: {}",
            fields::bytes(message.length),
            short_hex(&message.preview)
        )
    } else {
        format!(
            "{}: {}",
            fields::bytes(message.length),
            quote(&message.text_lossy())
        )
    };
    let mut out = format!("{head} · {kind} · {frames} · {body}\n");
    if message.utf8_valid == Some(false) {
        let _ = writeln!(
            out,
            "  {} the text is not valid UTF-8",
            p.paint(Role::Bad, "✗")
        );
    }
    out
}

// A compressed message's sizes side by side, and what it inflates to when that is known.
fn compressed(message: &Message) -> String {
    compressed_sizes(message, |preview| {
        if message.opcode == OpCode::Binary {
            short_hex(preview)
        } else {
            quote(&String::from_utf8_lossy(preview))
        }
    })
}

// How the two sizes compare: the wire's share of the inflated size, or, when compressing made
// the message longer (short or random data), by how much.
fn ratio(wire: u64, inflated: u64, lower_bound: bool) -> String {
    if lower_bound || inflated == 0 {
        return String::new();
    }
    if wire > inflated {
        return format!(", so compressing made it {} B longer", wire - inflated);
    }
    // Tenths of a percent, in integers: exact for any size.
    let tenths = wire * 1000 / inflated;
    format!(", the wire carried {}.{}% of it", tenths / 10, tenths % 10)
}

/// A compressed message's sizes side by side, then the inflated payload as `shown` writes it,
/// or why there is none: one wording for the plain views and the terminal's.
pub fn compressed_sizes(message: &Message, shown: impl FnOnce(&[u8]) -> String) -> String {
    let wire = format!("compressed {} B", message.length);
    match &message.inflated {
        None => format!("{wire} (permessage-deflate; not inflated here)"),
        Some(Inflated::Failed(why)) => format!("{wire}; {why}"),
        Some(Inflated::Done {
            preview,
            length,
            beyond_bound,
        }) => {
            let more = if *beyond_bound { "more than " } else { "" };
            let cut = if (preview.len() as u64) < *length {
                " (preview)"
            } else {
                ""
            };
            format!(
                "{wire} → {more}{length} B inflated{cut}{}: {}",
                ratio(message.length, *length, *beyond_bound),
                shown(preview)
            )
        }
    }
}
