//! The timeline pane: the frames of every connection on one clock, the client's in the left
//! lane and the server's in the right, so that frames in flight both ways at once stand side
//! by side. Only the rows in sight are drawn, however long the capture.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{PaneCtx, cut, highlight, printable, say, top_for};
use crate::app::filter::FrameFilter;
use crate::capture::{Connection, Direction};
use crate::proto::Frame as WsFrame;
use crate::proto::OpCode;
use crate::render::exchange::{Item, ms, timeline};
use crate::ui::Theme;

/// The time column: "1234.567 ms" and a gap.
const TIME: u16 = 12;

/// One frame on the shared clock.
struct Row<'a> {
    at_us: u64,
    /// Which of the action's connections, from 0.
    conn: usize,
    direction: Direction,
    frame: &'a WsFrame,
}

/// Every frame of `conns` in time order. Only references are gathered here; the lines are
/// built for the rows in sight.
fn rows<'a>(conns: &[&'a Connection], filter: &FrameFilter) -> Vec<Row<'a>> {
    let mut rows: Vec<Row<'a>> = conns
        .iter()
        .enumerate()
        .flat_map(|(conn, c)| {
            timeline(c).into_iter().filter_map(move |e| match e.what {
                // A paused or filtered view shows here what its frames pane shows.
                Item::Frame(frame)
                    if !filter.had_come(e.direction, frame.index)
                        || !filter.passes(e.direction, frame.header.opcode()) =>
                {
                    None
                }
                Item::Frame(frame) => Some(Row {
                    at_us: e.at_us,
                    conn,
                    direction: e.direction,
                    frame,
                }),
                Item::Message(_) => None,
            })
        })
        .collect();
    // Stable, so that frames sharing an instant keep their order on the wire.
    rows.sort_by_key(|r| r.at_us);
    rows
}

/// Draws the timeline; `ctx.selected` is a row, kept in sight and highlighted with focus.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, ctx: &PaneCtx<'_>) {
    if area.is_empty() {
        return;
    }
    let rows = rows(ctx.conns, &ctx.filter);
    let Some(start) = ctx.conns.iter().map(|c| c.opened_us).min() else {
        say(frame, area, theme.dim, "No connection was captured.");
        return;
    };
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let [time, left, right] = lanes(head);
    let selected = ctx.selected.min(rows.len().saturating_sub(1));
    let height = usize::from(body.height);
    let top = top_for(selected, rows.len(), height);
    let position = if rows.len() > height {
        format!(" · {} of {}", selected + 1, rows.len())
    } else {
        String::new()
    };
    frame.render_widget(Paragraph::new(Span::styled("time", theme.dim)), time);
    frame.render_widget(
        Paragraph::new(Span::styled("client → server", theme.heading)),
        left,
    );
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("server → client", theme.heading),
            Span::styled(position, theme.dim),
        ])),
        right,
    );
    if rows.is_empty() {
        say(
            frame,
            body,
            theme.dim,
            "No frame crossed on these connections.",
        );
        return;
    }
    let many = ctx.conns.len() > 1;
    for (i, row) in rows.iter().enumerate().skip(top).take(height) {
        let line = Rect {
            y: body.y + to_u16(i - top),
            height: 1,
            ..body
        };
        let [time, left, right] = lanes(line);
        frame.render_widget(
            Paragraph::new(Span::styled(ms(row.at_us.saturating_sub(start)), theme.dim))
                .right_aligned(),
            Rect {
                width: time.width.saturating_sub(2),
                ..time
            },
        );
        let who = many.then(|| ctx.conns.get(row.conn).map(|c| printable(&c.label)));
        let side = match row.direction {
            Direction::ClientToServer => left,
            Direction::ServerToClient => right,
        };
        let cell = cell(row, who.flatten(), usize::from(side.width), theme);
        frame.render_widget(Paragraph::new(cell), side);
    }
    if ctx.focused {
        highlight(frame, body, selected.saturating_sub(top), theme.selected);
    }
}

fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// The time column and the two lanes of a row, the lanes sharing what the time leaves.
fn lanes(row: Rect) -> [Rect; 3] {
    Layout::horizontal([
        Constraint::Length(TIME.min(row.width)),
        Constraint::Fill(1),
        Constraint::Fill(1),
    ])
    .areas(row)
}

/// A frame in a few words: its arrow, connection, opcode, length and what it says, in `width`
/// columns: the preview is cut to what is left, with `…` where it is cut.
fn cell(row: &Row<'_>, who: Option<String>, width: usize, theme: &Theme) -> Line<'static> {
    let f = row.frame;
    let opcode = f.header.opcode();
    let mut spans = vec![Span::styled(
        format!("{} ", row.direction.arrow()),
        theme.dim,
    )];
    if let Some(who) = who {
        spans.push(Span::styled(format!("{who}: "), theme.dim));
    }
    let kind = if opcode.is_control() {
        theme.fields[0]
    } else {
        theme.code
    };
    spans.push(Span::styled(opcode.name().to_owned(), kind));
    let fin = if f.header.fin() { "" } else { " (not FIN)" };
    spans.push(Span::styled(
        format!(" {} B{fin}", f.payload_len()),
        theme.text,
    ));
    let mark = if f.violations.is_empty() { "" } else { " ✗" };
    let used: usize = spans
        .iter()
        .map(|s| s.content.chars().count())
        .sum::<usize>()
        + mark.chars().count()
        + 1;
    let preview = preview(f, width.saturating_sub(used));
    if !preview.is_empty() {
        spans.push(Span::styled(format!(" {preview}"), theme.dim));
    }
    if !mark.is_empty() {
        spans.push(Span::styled(mark, theme.bad));
    }
    Line::from(spans)
}

/// The start of a payload in `room` columns: text quoted, a close's code, or the first bytes
/// in hex; empty when there is no room for a word of it.
fn preview(f: &WsFrame, room: usize) -> String {
    const LEAST: usize = 4;
    if room < LEAST {
        return String::new();
    }
    let opcode = f.header.opcode();
    let texty = opcode != OpCode::Binary
        && (!opcode.is_control() || matches!(opcode, OpCode::Ping | OpCode::Pong));
    if texty && let Ok(text) = std::str::from_utf8(&f.payload) {
        return crate::proto::shown::quoted_fit(text, room, f.is_truncated());
    }
    let summary = crate::render::exchange::frame_summary(f);
    // frame_summary ends with the preview after its last separator; the lane is narrow, so
    // only that part is kept.
    cut(
        &printable(summary.rsplit(" · ").next().unwrap_or_default()),
        room,
    )
}
