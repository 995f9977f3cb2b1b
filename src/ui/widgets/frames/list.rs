//! The list of frames: one row per frame in sight, built from the rows the window shows and
//! no others.

use crate::proto::shown;
use std::fmt::Write as _;

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::wire::Entry;
use super::{Rows, Selected, inflated};
use crate::capture::Connection;
use crate::proto::message::parse_close;
use crate::proto::{Frame, Message, OpCode};
use crate::ui::Theme;

/// One row in sight.
enum Row<'a> {
    /// A connection's label, when the action has several.
    Label(&'a Connection),
    /// A frame, and whether it is the selected one.
    Frame {
        selected: bool,
        entry: Entry<'a>,
        opened_us: u64,
        /// The compressed message the frame completed, shown inflated.
        message: Option<&'a Message>,
    },
}

/// Which columns fit, and how wide the variable ones are.
struct Columns {
    number: usize,
    time: Option<usize>,
    length: usize,
    flags: bool,
}

/// The lines of the list for `area`: a header row when there is room, then the rows around
/// the selected frame.
pub(super) fn lines<'a>(
    rows: &Rows<'a>,
    selected: &Selected<'a>,
    theme: &Theme,
    focused: bool,
    area: Rect,
) -> Vec<Line<'static>> {
    let height = usize::from(area.height);
    // The header names the columns, so it stays whenever a row fits under it: stacked on a
    // short terminal the list may have only two or three lines, and bare numbers would not
    // say which is the length and which the opcode.
    let header = height >= 2;
    let n = height - usize::from(header);
    // Keep the selected row in sight, a third of the way down, as the text panes do.
    let top = selected
        .row
        .saturating_sub(n / 3)
        .min(rows.total().saturating_sub(n));
    let shown = window(rows, selected, top, n);
    let width = usize::from(area.width);
    let columns = columns(&shown, width);
    let mut out = Vec::with_capacity(height);
    if header {
        out.push(header_line(&columns, theme));
    }
    for row in &shown {
        out.push(match row {
            Row::Label(conn) => {
                Line::styled(format!("── {} {} ──", conn.label, conn.id), theme.heading)
            }
            Row::Frame {
                selected,
                entry,
                opened_us,
                message,
                ..
            } => frame_line(
                *selected, entry, *opened_us, *message, &columns, width, theme, focused,
            ),
        });
    }
    out
}

/// Rows `top..top + n`, found connection by connection without visiting the frames above.
fn window<'a>(rows: &Rows<'a>, selected: &Selected<'a>, top: usize, n: usize) -> Vec<Row<'a>> {
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    for shown in &rows.conns {
        if out.len() >= n {
            break;
        }
        let end = start + rows.label_rows() + shown.len();
        if end <= top {
            start = end;
            continue;
        }
        if rows.labelled && start >= top {
            out.push(Row::Label(shown.conn));
        }
        let first = top.saturating_sub(start + rows.label_rows());
        let wanted = n - out.len();
        for (pos, entry) in shown.starting_at(first).take(wanted) {
            out.push(Row::Frame {
                selected: std::ptr::eq(shown.conn, selected.conn) && pos == selected.pos,
                entry,
                opened_us: shown.conn.opened_us,
                message: inflated::message_of(shown.conn, &entry),
            });
        }
        start = end;
    }
    out
}

fn columns(shown: &[Row<'_>], width: usize) -> Columns {
    let mut number = 1;
    let mut time = 4;
    let mut length = 3;
    for row in shown {
        if let Row::Frame {
            entry, opened_us, ..
        } = row
        {
            number = number.max(digits(entry.frame.index + 1));
            time = time.max(elapsed(entry.at_us.saturating_sub(*opened_us)).len());
            length = length.max(digits(entry.frame.payload_len()));
        }
    }
    // Narrow panes drop the time first, then the flags: the opcode, length and preview are
    // what a learner reads a row for.
    Columns {
        number,
        time: (width >= 48).then_some(time),
        length,
        flags: width >= 36,
    }
}

fn header_line(c: &Columns, theme: &Theme) -> Line<'static> {
    // Laid out as `frame_line` lays out a row, so that each name heads its column.
    let mut text = format!("  {:>w$}   ", "#", w = c.number);
    if let Some(w) = c.time {
        let _ = write!(text, "{:>w$} ", "time");
    }
    let _ = write!(text, "   {:<6} {:>w$} ", "opcode", "len", w = c.length);
    if c.flags {
        text.push_str("fin mask ");
    }
    text.push_str("payload");
    Line::styled(text, theme.dim)
}

#[allow(clippy::too_many_arguments)] // One row's parts; a struct would only rename them.
fn frame_line(
    selected: bool,
    entry: &Entry<'_>,
    opened_us: u64,
    message: Option<&Message>,
    c: &Columns,
    width: usize,
    theme: &Theme,
    focused: bool,
) -> Line<'static> {
    let f = entry.frame;
    let h = &f.header;
    let bad = !f.violations.is_empty();
    let lit = selected && focused;
    // On the highlighted row the highlight alone colours the text: a dim grey on the
    // selection's background would be unreadable.
    let st = |style: Style| if lit { Style::new() } else { style };
    let mut spans = vec![
        Span::raw(if selected { "▸ " } else { "  " }),
        // Numbered per direction, as the plain text, the lessons and their checks number
        // them ("server frame 1"): the arrow after the time says which direction.
        Span::styled(format!("{:>w$}", f.index + 1, w = c.number), st(theme.dim)),
        Span::styled(if bad { " ✗ " } else { "   " }, st(theme.bad)),
    ];
    let mut used = 5 + c.number;
    if let Some(w) = c.time {
        let t = elapsed(entry.at_us.saturating_sub(opened_us));
        spans.push(Span::styled(format!("{t:>w$} "), st(theme.dim)));
        used += w + 1;
    }
    spans.push(Span::raw(format!(
        "{}  {:<6} {:>w$} ",
        entry.direction.arrow(),
        short_name(h.opcode()),
        f.payload_len(),
        w = c.length
    )));
    used += 3 + 7 + c.length + 1;
    if c.flags {
        spans.push(Span::raw(format!(
            " {}   {}   ",
            u8::from(h.fin()),
            u8::from(h.masked())
        )));
        used += 9;
    }
    let room = width.saturating_sub(used);
    let (text, quiet) = message
        .and_then(|m| inflated::preview(m, room))
        .map_or_else(
            || preview(f, room),
            |(text, quiet)| (cut(&text, room), quiet),
        );
    spans.push(Span::styled(
        text,
        st(if quiet { theme.dim } else { theme.text }),
    ));
    let line = Line::from(spans);
    if lit {
        line.style(theme.selected)
    } else {
        line
    }
}

/// An opcode in six columns at most.
fn short_name(op: OpCode) -> &'static str {
    match op {
        OpCode::Continuation => "cont",
        OpCode::Reserved(bits) if bits & 0x8 != 0 => "rsv-c",
        OpCode::Reserved(_) => "rsv-d",
        other => other.name(),
    }
}

/// Time since the connection opened: milliseconds, or seconds once they would be long.
fn elapsed(us: u64) -> String {
    if us < 100_000_000 {
        format!("+{}.{:03}ms", us / 1000, us % 1000)
    } else {
        format!("+{}.{:03}s", us / 1_000_000, us / 1000 % 1000)
    }
}

fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// The payload in at most `room` characters, and whether it is a note rather than content.
/// Only the bytes that can show are read, however long the payload.
fn preview(f: &Frame, room: usize) -> (String, bool) {
    if room == 0 {
        return (String::new(), true);
    }
    if f.payload_len() == 0 {
        return ("empty".into(), true);
    }
    let payload: &[u8] = &f.payload;
    let text = match f.header.opcode() {
        OpCode::Close => {
            let (close, _) = parse_close(payload, !f.is_truncated());
            match close.code {
                Some(code) => format!(
                    "{code} {} {}",
                    close.code_name().unwrap_or("?"),
                    shown::quoted(&close.reason)
                ),
                None => "no code".into(),
            }
        }
        OpCode::Binary => hex(payload, room),
        _ => {
            // A cut may split a character; keep only what decodes, so that a long text
            // frame is not misread as binary.
            let head = &payload[..payload.len().min(room * 4)];
            let valid = match std::str::from_utf8(head) {
                Ok(s) => Some(s),
                Err(e) if e.error_len().is_none() && head.len() < payload.len() => {
                    std::str::from_utf8(&head[..e.valid_up_to()]).ok()
                }
                Err(_) => None,
            };
            match valid {
                Some(s) => shown::quoted_fit(s, room, s.len() < payload.len()),
                None => hex(payload, room),
            }
        }
    };
    (cut(&text, room), false)
}

fn hex(bytes: &[u8], room: usize) -> String {
    crate::proto::fields::hex_bytes(&bytes[..bytes.len().min(room / 3 + 1)])
}

/// `text` in `room` characters, with an ellipsis when it is cut.
fn cut(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(room.saturating_sub(1)).collect();
    out.push('…');
    out
}
