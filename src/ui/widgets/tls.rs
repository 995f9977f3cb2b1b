//! The TLS pane: a wss:// connection's records as an eavesdropper sees them, one row each in
//! the order they crossed, and the selected record's header decoded over its bytes. Below
//! them, from the endpoints' side, what the record carried. A proxied connection has two
//! sides, each its own TLS session: each row says whose eavesdropper saw it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{PaneCtx, highlight, say, top_for};
use crate::capture::tls::Sealed;
use crate::capture::{Connection, Direction, Layer, PROXY_LABEL};
use crate::proto::fields::hex_bytes;
use crate::render::exchange::ms;
use crate::render::tls::{carried_note, overhead_lines, record_summary, totals};
use crate::ui::Theme;

/// The rows the detail under the list takes.
const DETAIL: u16 = 7;

/// One record on the connection's clock.
pub struct Row<'a> {
    /// Which of the action's connections, from 0.
    pub conn: usize,
    /// Who sent it.
    pub direction: Direction,
    /// Which TLS layer: the connection's own ([`Layer::Tls`]) or, for a proxy, the upstream
    /// side's ([`Layer::UpstreamTls`]).
    pub layer: Layer,
    /// The record.
    pub sealed: &'a Sealed,
}

/// Every record of `conns`' TLS layers, in the order they crossed.
pub fn rows<'a>(conns: &[&'a Connection]) -> Vec<Row<'a>> {
    let mut rows: Vec<Row<'a>> = Vec::new();
    for (conn, c) in conns.iter().enumerate() {
        for layer in [Layer::Tls, Layer::UpstreamTls] {
            let Some(tls) = c.tls_at(layer) else {
                continue;
            };
            for direction in Direction::BOTH {
                rows.extend(tls.flow(direction).records.iter().map(|sealed| Row {
                    conn,
                    direction,
                    layer,
                    sealed,
                }));
            }
        }
    }
    // Stable: records of one instant keep their direction's order.
    rows.sort_by_key(|r| r.sealed.at_us);
    rows
}

/// Draws the pane; `ctx.selected` is a record.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, ctx: &PaneCtx<'_>) {
    if area.is_empty() {
        return;
    }
    let rows = rows(ctx.conns);
    if rows.is_empty() {
        let text = if ctx
            .conns
            .iter()
            .any(|c| c.tls.is_some() || c.upstream_tls.is_some())
        {
            "No TLS record has crossed yet."
        } else if ctx.conns.iter().any(|c| c.label == PROXY_LABEL) {
            "Both sides of this proxied connection are plain TCP (ws://): there is no TLS layer, and the frames are what crossed the wire."
        } else {
            "This connection is plain TCP (ws://): there is no TLS layer, and the frames are what crossed the wire."
        };
        say(frame, area, theme.dim, text);
        return;
    }
    let [list, detail] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(DETAIL)]).areas(area);
    let selected = ctx.selected.min(rows.len() - 1);
    let height = usize::from(list.height);
    let top = top_for(selected, rows.len(), height);
    let start = ctx.conns.iter().map(|c| c.opened_us).min().unwrap_or(0);
    // A proxied connection's rows say whose session they belong to.
    let proxied = ctx.conns.iter().any(|c| c.label == PROXY_LABEL);
    let lines: Vec<Line> = rows
        .iter()
        .skip(top)
        .take(height)
        .map(|row| {
            let record = &row.sealed.record;
            let style = if record.problems.is_empty() {
                theme.text
            } else {
                theme.bad
            };
            Line::from(vec![
                Span::styled(
                    format!("{:>11} ", ms(row.sealed.at_us.saturating_sub(start))),
                    theme.dim,
                ),
                Span::styled(side(row.layer, proxied), theme.dim),
                Span::styled(format!("{} ", row.direction.arrow()), theme.heading),
                Span::styled(record_summary(record), style),
            ])
        })
        .collect();
    let width = usize::from(list.width);
    let lines: Vec<Line> = lines.iter().map(|l| super::fit_line(l, width)).collect();
    frame.render_widget(Paragraph::new(lines), list);
    if ctx.focused {
        highlight(frame, list, selected - top, theme.selected);
    }
    if let Some(row) = rows.get(selected) {
        draw_detail(frame, detail, theme, ctx, row);
    }
}

// Whose eavesdropper sees a record: on a proxied connection, the client's side (client ⇄
// proxy) or the upstream's (proxy ⇄ upstream); nothing elsewhere.
fn side(layer: Layer, proxied: bool) -> &'static str {
    match (layer, proxied) {
        (Layer::UpstreamTls, _) => "upstream ",
        (_, true) => "client   ",
        (_, false) => "",
    }
}

fn draw_detail(frame: &mut Frame, area: Rect, theme: &Theme, ctx: &PaneCtx<'_>, row: &Row<'_>) {
    let Some(connection) = ctx.conns.get(row.conn) else {
        return;
    };
    let record = &row.sealed.record;
    // Only the bytes shown are read: a redraw must not copy a long connection's stream.
    let read = |range: std::ops::Range<u64>| {
        let bytes = ctx
            .transcript
            .bytes_at(row.layer, connection.id, row.direction, range);
        hex_bytes(&bytes)
    };
    let header = record.header_span();
    let body = record.body_span();
    let shown = body.start..body.end.min(body.start + 24);
    let more = if body.end > shown.end { " …" } else { "" };
    let mut lines = vec![
        Line::from(vec![
            Span::styled("header ", theme.dim),
            Span::styled(read(header.start..header.start + 1), theme.fields[0]),
            Span::raw(" "),
            Span::styled(read(header.start + 1..header.start + 3), theme.fields[1]),
            Span::raw(" "),
            Span::styled(read(header.start + 3..header.end), theme.fields[2]),
            Span::styled(
                format!(
                    "   type {} · version 0x{:04x} ({}) · length {}",
                    record.content_type.name(),
                    record.version,
                    record.version_name(),
                    record.length
                ),
                theme.text,
            ),
        ]),
        Line::from(vec![
            Span::styled("body   ", theme.dim),
            Span::styled(format!("{}{more}", read(shown)), theme.fields[3]),
        ]),
    ];
    if connection.label == PROXY_LABEL {
        let said = match row.layer {
            Layer::UpstreamTls => {
                "upstream side (proxy ⇄ server): the proxy's own TLS session with the server"
            }
            _ => "client side (client ⇄ proxy): the session the proxy ended for the client",
        };
        lines.insert(0, Line::from(Span::styled(said, theme.dim)));
    }
    for problem in &record.problems {
        lines.push(Line::from(Span::styled(format!("✗ {problem}"), theme.bad)));
    }
    if let Some(what) = carried_note(connection, row.layer, row.direction, record.index) {
        lines.push(Line::from(vec![
            Span::styled("the endpoints know it carried ", theme.dim),
            Span::styled(what, theme.good),
        ]));
    }
    if let Some(tls) = connection.tls_at(row.layer) {
        lines.push(Line::from(Span::styled(totals(connection, tls), theme.dim)));
    }
    // The measured cost per message is the client side's (the connection's own layer): the
    // upstream's own session may cut its records otherwise.
    if row.layer == Layer::Tls
        && let Some(first) = overhead_lines(connection).lines().next()
    {
        lines.push(Line::from(Span::styled(first.trim().to_owned(), theme.dim)));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
