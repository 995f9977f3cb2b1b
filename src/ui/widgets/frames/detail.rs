//! The selected frame taken apart: a title, its first two bytes bit by bit, the field table,
//! the hex dump coloured by field with the byte cursor, the cursor's lane (the unmasking of
//! the byte under it), and the rules it breaks. `fit` decides which parts the height allows.

use std::fmt::Write as _;

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::fit::{Grow, Section, assemble, fit};
use super::{Selected, inflated};
use crate::proto::{Field, FieldKind, Frame, FrameHeader, Side, fields};
use crate::render::frame::direction;
use crate::ui::Theme;
use crate::ui::widgets::PaneCtx;

/// Payload bytes the dump shows before eliding the rest, as plain mode does.
pub(super) const MAX_PAYLOAD: usize = crate::proto::limits::PANE_PAYLOAD;

// The sections, in the order they are shown.
const TITLE: usize = 0;
const INFLATED: usize = 1;
const BITS: usize = 2;
const HEAD: usize = 3;
const TABLE: usize = 4;
const DUMP: usize = 5;
const LANE: usize = 6;
const NOTE: usize = 7;
const LEGEND: usize = 8;
const HINT: usize = 9;
const BAD: usize = 10;
const OK: usize = 11;

/// What to show first when the height is short: a broken rule, the byte under the cursor and
/// what it means, then the rest of the bytes and fields, then the aids.
const PLAN: &[(usize, Grow)] = &[
    (BAD, Grow::Exactly(1)),
    (DUMP, Grow::Exactly(1)),
    (LANE, Grow::Exactly(1)),
    (TITLE, Grow::Exactly(1)),
    (INFLATED, Grow::Exactly(1)),
    (TABLE, Grow::Exactly(1)),
    (DUMP, Grow::AsMuchAsFits),
    (NOTE, Grow::Exactly(1)),
    (BAD, Grow::AsMuchAsFits),
    (BITS, Grow::Exactly(2)),
    (HEAD, Grow::Exactly(1)),
    (TABLE, Grow::AsMuchAsFits),
    (LEGEND, Grow::Exactly(1)),
    (OK, Grow::Exactly(1)),
    (HINT, Grow::Exactly(1)),
];

/// The detail's lines for `area`.
pub(super) fn lines(
    sel: &Selected<'_>,
    ctx: &PaneCtx<'_>,
    theme: &Theme,
    area: Rect,
) -> Vec<Line<'static>> {
    let inflated = inflated::message_of(sel.conn, &sel.entry).map(|message| {
        format!(
            "message {}: {}",
            message.index + 1,
            inflated::sizes(message, usize::from(area.width))
        )
    });
    let shown = Shown {
        inflated,
        cursor: ctx.cursor,
        hint: ctx
            .focused
            .then_some("← → move the byte cursor · ↑ ↓ choose a frame"),
        missing: "not received",
    };
    of_frame(
        sel.entry.frame,
        sel.entry.direction.sender(),
        &shown,
        theme,
        area,
    )
}

/// What the detail of one frame shows besides the frame itself.
pub(in crate::ui::widgets) struct Shown {
    /// The sizes of the compressed message the frame completed, if it did.
    pub inflated: Option<String>,
    /// The byte cursor, from the frame's first byte; clamped to its last.
    pub cursor: usize,
    /// The keys, when the pane has them.
    pub hint: Option<&'static str>,
    /// Why payload bytes the header declares are not shown: "not received".
    pub missing: &'static str,
}

/// The detail of frame `f`, sent by `side`, in `area`.
pub(in crate::ui::widgets) fn of_frame(
    f: &Frame,
    side: Side,
    shown: &Shown,
    theme: &Theme,
    area: Rect,
) -> Vec<Line<'static>> {
    let fields = fields(f, side);
    let wire = wire_bytes(f);
    // A header has at least 2 bytes, so the wire bytes are never empty.
    let cursor = shown.cursor.min(wire.len().saturating_sub(1));
    let mut sections: Vec<Section> = (0..=OK).map(|_| Section::default()).collect();
    let title = format!(
        "frame {} · {} · {}-byte header + {}-byte payload",
        f.index + 1,
        direction(side),
        f.header.bytes().len(),
        f.payload_len()
    );
    sections[TITLE] = Section::one(Line::styled(title, theme.heading));
    if let Some(text) = &shown.inflated {
        sections[INFLATED] = Section::one(Line::styled(text.clone(), theme.code));
    }
    sections[BITS] = bits(f, &fields, cursor, theme);
    let (head, table) = table(f, &fields, cursor, usize::from(area.width), theme);
    sections[HEAD] = Section::one(head);
    sections[TABLE] = table;
    // The bytes of the field under the cursor are underlined in the dump: selecting bytes
    // shows their field in the table, and the field's bytes show here.
    let lit: Vec<std::ops::Range<usize>> = fields
        .iter()
        .filter(|x| holds(f, x, cursor))
        .map(|x| {
            let start = usize::try_from(x.span.start.saturating_sub(f.offset)).unwrap_or(0);
            let end = usize::try_from(x.span.end.saturating_sub(f.offset)).unwrap_or(0);
            start..end
        })
        .collect();
    sections[DUMP] = dump(
        &f.header,
        &wire,
        cursor,
        &lit,
        usize::from(area.width),
        theme,
    );
    sections[LANE] = Section::one(lane(f, &wire, cursor, &fields, theme));
    if let Some(note) = elided(f, shown.missing) {
        sections[NOTE] = Section::one(Line::styled(note, theme.dim));
    }
    sections[LEGEND] = Section::one(legend(&f.header, f.payload_len() > 0, theme));
    if let Some(hint) = shown.hint {
        sections[HINT] = Section::one(Line::styled(hint, theme.dim));
    }
    if f.violations.is_empty() {
        sections[OK] = Section::one(Line::styled("✓ no rule broken", theme.good));
    } else {
        let bad = f
            .violations
            .iter()
            .map(|v| Line::styled(format!("✗ RFC 6455 §{}: {v}", v.section()), theme.bad))
            .collect();
        sections[BAD] = Section::new(bad, 0);
    }
    fit(&mut sections, usize::from(area.height), PLAN);
    assemble(sections)
}

/// The frame as it crossed the wire, up to [`MAX_PAYLOAD`] payload bytes: the header, then
/// the kept payload masked again with the frame's key.
fn wire_bytes(f: &Frame) -> Vec<u8> {
    let shown = f.payload.len().min(MAX_PAYLOAD);
    let mut out = f.header.bytes().to_vec();
    let key = f.header.mask_key();
    out.extend(
        f.payload[..shown]
            .iter()
            .enumerate()
            .map(|(i, b)| key.map_or(*b, |k| b ^ k[i % 4])),
    );
    out
}

/// Which of `theme.fields` colours byte `i` of a frame with header `h`.
fn colour_of(h: &FrameHeader, i: usize) -> usize {
    let length_end = 2 + h.length_bytes().len();
    let key_end = length_end + if h.masked() { 4 } else { 0 };
    match i {
        0 => 0,
        i if i < length_end => 1,
        i if i < key_end => 2,
        _ => 3,
    }
}

fn field_style(kind: FieldKind, theme: &Theme) -> Style {
    theme.fields[match kind {
        FieldKind::Fin
        | FieldKind::Rsv1
        | FieldKind::Rsv2
        | FieldKind::Rsv3
        | FieldKind::Opcode => 0,
        FieldKind::Mask | FieldKind::PayloadLen | FieldKind::ExtendedPayloadLen => 1,
        FieldKind::MaskingKey => 2,
        FieldKind::Payload => 3,
    }]
}

/// The field's byte offset within its frame.
fn start_in(f: &Frame, field: &Field) -> u64 {
    field.span.start.saturating_sub(f.offset)
}

fn holds(f: &Frame, field: &Field, cursor: usize) -> bool {
    field.span.contains(&(f.offset + cursor as u64))
}

/// Bytes 0 and 1 as two lines: each field's name over its bits, centred on each other.
fn bits(f: &Frame, fields: &[Field], cursor: usize, theme: &Theme) -> Section {
    let bytes = f.header.bytes();
    let mut names = Vec::new();
    let mut values = Vec::new();
    for byte in 0..2u64 {
        if byte == 1 {
            names.push(Span::styled(" │ ", theme.border));
            values.push(Span::styled(" │ ", theme.border));
        }
        let value = bytes.get(byte as usize).copied().unwrap_or(0);
        for field in fields.iter().filter(|x| start_in(f, x) == byte) {
            let Some((high, count)) = field.bits else {
                continue;
            };
            let low = (high + 1).saturating_sub(count);
            let digits: String = (low..=high)
                .rev()
                .map(|b| if value >> b & 1 == 1 { '1' } else { '0' })
                .collect();
            let name = match field.kind {
                FieldKind::PayloadLen => "length",
                kind => kind.label(),
            };
            let width = name.len().max(digits.len());
            let style = field_style(field.kind, theme);
            let lit = if cursor as u64 == byte {
                style.add_modifier(Modifier::REVERSED)
            } else {
                style
            };
            if !names.is_empty() && !matches!(names.last(), Some(s) if s.content == " │ ") {
                names.push(Span::raw(" "));
                values.push(Span::raw(" "));
            }
            names.push(Span::styled(format!("{name:^width$}"), style));
            values.push(Span::styled(format!("{digits:^width$}"), lit));
        }
    }
    let b0 = bytes.first().copied().unwrap_or(0);
    let b1 = bytes.get(1).copied().unwrap_or(0);
    names.push(Span::styled(
        format!("   byte 0 = {b0:#04x}, byte 1 = {b1:#04x}"),
        theme.dim,
    ));
    Section::new(vec![Line::from(names), Line::from(values)], 0)
}

/// The field table: its header line, and its rows with those holding the cursor lit.
fn table(
    f: &Frame,
    fields: &[Field],
    cursor: usize,
    width: usize,
    theme: &Theme,
) -> (Line<'static>, Section) {
    let rows: Vec<[String; 4]> = fields
        .iter()
        .map(|x| {
            let start = start_in(f, x);
            let end = x.span.end.saturating_sub(f.offset);
            let bytes = match end.saturating_sub(start) {
                0 => "none".to_owned(),
                1 => start.to_string(),
                _ => format!("{start}–{}", end - 1),
            };
            [
                bytes,
                x.kind.label().to_owned(),
                x.value.clone(),
                x.meaning.clone(),
            ]
        })
        .collect();
    let names = ["byte", "field", "value", "meaning"].map(String::from);
    let mut widths = [0usize; 3];
    for row in std::iter::once(&names).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let cell = |text: &str, w: usize| format!("{text:<w$}  ");
    // The meaning gets what is left of the row; a longer one ends in "…", never cut silently.
    let room = width.saturating_sub(widths.iter().map(|w| w + 2).sum::<usize>());
    let fit = |text: String| -> String {
        if text.chars().count() <= room || room == 0 {
            text
        } else {
            let kept: String = text.chars().take(room.saturating_sub(1)).collect();
            format!("{}…", kept.trim_end())
        }
    };
    let head = Line::styled(
        names
            .iter()
            .zip(widths.iter().chain(&[0]))
            .map(|(n, w)| cell(n, *w))
            .collect::<String>(),
        theme.dim,
    );
    let mut focus = None;
    let lines = rows
        .into_iter()
        .zip(fields)
        .enumerate()
        .map(|(i, ([bytes, name, value, meaning], field))| {
            let lit = holds(f, field, cursor);
            if lit && focus.is_none() {
                focus = Some(i);
            }
            let st = |s: Style| if lit { Style::new() } else { s };
            let line = Line::from(vec![
                Span::styled(cell(&bytes, widths[0]), st(theme.dim)),
                Span::styled(cell(&name, widths[1]), st(field_style(field.kind, theme))),
                Span::raw(cell(&value, widths[2])),
                Span::raw(fit(meaning)),
            ]);
            if lit {
                line.style(theme.selected)
            } else {
                line
            }
        })
        .collect();
    (head, Section::new(lines, focus.unwrap_or(0)))
}

/// The wire bytes in rows, each byte coloured by its field and the cursor's byte reversed.
fn dump(
    h: &FrameHeader,
    wire: &[u8],
    cursor: usize,
    lit: &[std::ops::Range<usize>],
    width: usize,
    theme: &Theme,
) -> Section {
    let offset_width = wire.len().saturating_sub(1).to_string().len().max(2);
    let fits = |per: usize| offset_width + 2 + per * 3 + usize::from(per == 16) <= width;
    let per = [16, 8, 4].into_iter().find(|p| fits(*p)).unwrap_or(2);
    // Without colour (NO_COLOR), a lane under each row names every byte's field, as
    // `wslab decode` prints it, so the dump still says which byte is which.
    let with_lane = uncoloured(theme);
    let lines = wire
        .chunks(per)
        .enumerate()
        .flat_map(|(row, bytes)| {
            let mut spans = vec![Span::styled(
                format!("{:>offset_width$}  ", row * per),
                theme.dim,
            )];
            for (j, b) in bytes.iter().enumerate() {
                let i = row * per + j;
                if j > 0 {
                    spans.push(Span::raw(if per == 16 && j == 8 { "  " } else { " " }));
                }
                let mut style = theme.fields[colour_of(h, i)];
                if lit.iter().any(|r| r.contains(&i)) {
                    style = style.add_modifier(Modifier::UNDERLINED);
                }
                if i == cursor {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                spans.push(Span::styled(format!("{b:02x}"), style));
            }
            let mut rows = vec![Line::from(spans)];
            if with_lane {
                let mut lane = " ".repeat(offset_width + 2);
                for j in 0..bytes.len() {
                    if j > 0 {
                        lane.push_str(if per == 16 && j == 8 { "  " } else { " " });
                    }
                    lane.push_str(MARKS[colour_of(h, row * per + j)]);
                }
                rows.push(Line::from(Span::styled(lane, theme.dim)));
            }
            rows
        })
        .collect();
    let rows_per = if with_lane { 2 } else { 1 };
    Section::new(lines, cursor / per * rows_per)
}

/// The lane's mark for each field colour, as `wslab decode` writes them.
const MARKS: [&str; 4] = ["fo", "ml", "kk", "pp"];

/// Whether the theme draws every field alike, so that only a lane can tell them apart.
fn uncoloured(theme: &Theme) -> bool {
    theme.fields.iter().all(|s| *s == theme.fields[0])
}

/// What the byte under the cursor is: the header fields it holds, or for a payload byte its
/// unmasking, `masked ⊕ key[i mod 4] = plain`.
fn lane(f: &Frame, wire: &[u8], cursor: usize, fields: &[Field], theme: &Theme) -> Line<'static> {
    let h = &f.header;
    let header_len = h.bytes().len();
    let byte = wire.get(cursor).copied().unwrap_or(0);
    if cursor < header_len {
        let held: Vec<String> = fields
            .iter()
            .filter(|x| holds(f, x, cursor))
            .map(|x| format!("{} {}", x.kind.label(), x.value))
            .collect();
        return Line::from(vec![
            Span::styled(format!("byte {cursor}  "), theme.dim),
            Span::styled(
                format!("{byte:02x} = {:04b} {:04b}", byte >> 4, byte & 0xf),
                theme.fields[colour_of(h, cursor)],
            ),
            Span::raw(format!("  {}", held.join(" · "))),
        ]);
    }
    let i = cursor - header_len;
    let plain = f.payload.get(i).copied().unwrap_or(byte);
    let shown = if plain.is_ascii_graphic() || plain == b' ' {
        format!(" '{}'", char::from(plain))
    } else {
        String::new()
    };
    let mut spans = vec![Span::styled(format!("payload[{i}]  "), theme.dim)];
    if let Some(key) = h.mask_key() {
        let k = key[i % 4];
        spans.push(Span::styled(format!("masked {byte:02x}"), theme.fields[3]));
        spans.push(Span::raw(" ⊕ "));
        spans.push(Span::styled(
            format!("key[{i} mod 4 = {}] {k:02x}", i % 4),
            theme.fields[2],
        ));
        spans.push(Span::styled(format!(" = {plain:02x}{shown}"), theme.code));
    } else {
        spans.push(Span::styled(format!("{byte:02x}{shown}"), theme.fields[3]));
        spans.push(Span::styled("  sent as is: no mask", theme.dim));
    }
    Line::from(spans)
}

/// Why the dump stops before the payload does, if it does.
fn elided(f: &Frame, missing: &str) -> Option<String> {
    let shown = f.payload.len().min(MAX_PAYLOAD);
    let hidden = f.payload_len().saturating_sub(shown as u64);
    if hidden == 0 {
        return None;
    }
    let why = if shown < f.payload.len() {
        format!("the dump shows the first {MAX_PAYLOAD}")
    } else if f.is_complete() {
        "beyond the preview kept in memory".to_owned()
    } else {
        missing.to_owned()
    };
    let mut note = String::new();
    let _ = write!(note, "… {hidden} more payload bytes ({why})");
    Some(note)
}

fn legend(h: &FrameHeader, payload: bool, theme: &Theme) -> Line<'static> {
    let mut parts = vec![(0, "FIN/RSV/opcode"), (1, "MASK/length")];
    if h.masked() {
        parts.push((2, "masking key"));
    }
    if payload {
        parts.push((3, "payload"));
    }
    let mut spans = Vec::new();
    for (i, (colour, name)) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.dim));
        }
        if uncoloured(theme) {
            spans.push(Span::styled(format!("{} ", MARKS[colour]), theme.dim));
        }
        spans.push(Span::styled(name, theme.fields[colour]));
    }
    // The one place the dump says which numbers are which base, as the plain text does.
    spans.push(Span::styled(
        format!(" · {}", crate::render::hexdump::BASES),
        theme.dim,
    ));
    Line::from(spans)
}
