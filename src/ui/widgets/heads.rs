//! The heads pane: the raw request and response heads line by line with their byte spans,
//! the selected line explained at the bottom, and the handshake rules where there is room.
//! For plain HTTP, the first exchange in full and every exchange in one line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{PaneCtx, fit_line, highlight, printable, say, top_for};
use crate::capture::{Connection, HttpMessage};
use crate::lesson::model::Action;
use crate::proto::handshake::{check_request, check_response};
use crate::render::exchange::ms;
use crate::ui::Theme;
use rules::{info, rules};

mod rules;

/// From this width the heads stand side by side: each then has about 50 columns, enough for
/// a Sec-WebSocket-Key line.
const SIDE_BY_SIDE: u16 = 100;

/// What a line of a head is.
enum Kind {
    Start,
    Header(String),
    Blank,
}

/// One line of a head: its byte span and its text as sent.
struct HeadRow {
    span: String,
    text: String,
    kind: Kind,
}

/// The lines of a head, start line to blank line.
fn rows(message: &HttpMessage) -> Vec<HeadRow> {
    let head = &message.head;
    let text = |range: &std::ops::Range<usize>| {
        let bytes = message.raw.get(range.clone()).unwrap_or_default();
        printable(String::from_utf8_lossy(bytes).trim_end_matches(['\r', '\n']))
    };
    // Right-aligned to the widest span this head can have, so the texts line up.
    let width = format!("{0}–{0}", head.len).chars().count();
    let span = |start: usize, end: usize| {
        format!("{:>width$}", format!("{start}–{}", end.saturating_sub(1)))
    };
    let mut out = vec![HeadRow {
        span: span(head.start_span.start, head.start_span.end),
        text: text(&head.start_span),
        kind: Kind::Start,
    }];
    out.extend(head.headers.iter().map(|h| HeadRow {
        span: span(h.line.start, h.line.end),
        text: text(&h.line),
        kind: Kind::Header(h.name.clone()),
    }));
    let end_of_lines = head
        .headers
        .last()
        .map_or(head.start_span.end, |h| h.line.end);
    out.push(HeadRow {
        span: span(end_of_lines, head.len),
        text: "(blank line: the head ends here)".to_owned(),
        kind: Kind::Blank,
    });
    out
}

/// The request and response shown, and the exchanges beside them.
struct Shown<'a> {
    request: &'a HttpMessage,
    response: Option<&'a HttpMessage>,
    /// Every exchange of an HTTP action: connection, request, response.
    exchanges: Vec<(&'a Connection, &'a HttpMessage, &'a HttpMessage)>,
    /// How many connections the action opened.
    conns: usize,
}

fn shown<'a>(ctx: &PaneCtx<'a>) -> Option<Shown<'a>> {
    let conns: &'a [&'a Connection] = ctx.conns;
    let exchanges: Vec<_> = if matches!(ctx.action, Action::Http(_)) {
        conns
            .iter()
            .flat_map(|c| {
                let c: &'a Connection = c;
                c.responses()
                    .http
                    .iter()
                    .enumerate()
                    .filter_map(move |(i, r)| Some((c, c.request_for(i)?, r)))
            })
            .collect()
    } else {
        Vec::new()
    };
    if let Some(&(_, request, response)) = exchanges.first() {
        return Some(Shown {
            request,
            response: Some(response),
            exchanges,
            conns: conns.len(),
        });
    }
    let c = conns.iter().find(|c| !c.requests().http.is_empty())?;
    Some(Shown {
        request: c.requests().http.first()?,
        response: c.responses().http.first(),
        exchanges,
        conns: conns.len(),
    })
}

/// Draws the heads pane.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, ctx: &PaneCtx<'_>) {
    if area.is_empty() {
        return;
    }
    let Some(shown) = shown(ctx) else {
        say(frame, area, theme.dim, "No HTTP head was captured.");
        return;
    };
    let request = rows(shown.request);
    let response = shown.response.map(rows).unwrap_or_default();
    let total = request.len() + response.len();
    let selected = ctx.selected.min(total.saturating_sub(1));
    let (on_request, index) = if selected < request.len() {
        (true, selected)
    } else {
        (false, selected - request.len())
    };
    let row = if on_request {
        request.get(index)
    } else {
        response.get(index)
    };
    // The rules say what a handshake must be; a plain HTTP exchange is not one.
    let checks = match (matches!(ctx.action, Action::Http(_)), shown.response) {
        (true, _) => (Vec::new(), Vec::new()),
        (false, None) => (check_request(&shown.request.head), Vec::new()),
        (false, Some(r)) => (
            check_request(&shown.request.head),
            check_response(&shown.request.head, &r.head),
        ),
    };
    let side = area.width >= SIDE_BY_SIDE;

    let info = row
        .map(|r| info(r, on_request, &checks, theme))
        .unwrap_or_default();
    let summary = exchange_lines(&shown, theme);
    let heads_need = if side {
        1 + request.len().max(response.len())
    } else {
        2 + total
    };
    let [heads_area, rules_area, summary_area, info_area] =
        split(area, &info, heads_need, summary.len(), !checks.0.is_empty());

    let req_title = title("→ request head", Some(shown.request), theme);
    let resp_title = title("← response head", shown.response, theme);
    if side {
        // Each head gets the columns its widest line needs when both fit, and a share in
        // proportion to that need when they do not: a long Accept is not cut to give an
        // empty half to the other side.
        let need = |rows: &[HeadRow]| {
            rows.iter()
                .map(|r| r.span.chars().count() + 2 + r.text.chars().count())
                .max()
                .unwrap_or(0)
        };
        let (l, r) = (to_u16(need(&request)), to_u16(need(&response).max(1)));
        let widths = if l + r + 2 <= heads_area.width {
            [Constraint::Length(l), Constraint::Fill(1)]
        } else {
            [Constraint::Fill(l.max(1)), Constraint::Fill(r)]
        };
        let [left, right] = Layout::horizontal(widths).spacing(2).areas(heads_area);
        let mark = |on: bool| on.then_some(index);
        column(frame, left, theme, req_title, &request, mark(on_request));
        column(
            frame,
            right,
            theme,
            resp_title,
            &response,
            mark(!on_request),
        );
    } else {
        let mut lines = vec![req_title];
        lines.extend(request.iter().map(|r| row_line(r, theme)));
        lines.push(resp_title);
        lines.extend(response.iter().map(|r| row_line(r, theme)));
        let at = if on_request {
            1 + index
        } else {
            2 + request.len() + index
        };
        list(frame, heads_area, theme, lines, at);
    }
    if rules_area.height > 0 {
        rules(frame, rules_area, theme, &checks, side);
    }
    let width = usize::from(summary_area.width);
    let summary: Vec<Line> = summary.into_iter().map(|l| fit_line(&l, width)).collect();
    frame.render_widget(Paragraph::new(summary), summary_area);
    frame.render_widget(Paragraph::new(info).wrap(Wrap { trim: true }), info_area);
}

/// The pane cut, top to bottom, into the heads, the rules, the exchanges and the selected
/// line's notes. The notes get their room first, since they follow the selection, then the
/// exchanges; the rules get what the heads leave.
fn split(
    area: Rect,
    info: &[Line<'_>],
    heads_need: usize,
    summary: usize,
    has_rules: bool,
) -> [Rect; 4] {
    let info_height = if area.height < 3 {
        0
    } else {
        let explanation = info.first().map_or(0, Line::width);
        let wrapped = explanation
            .div_ceil(usize::from(area.width).max(1))
            .clamp(1, 2);
        (wrapped + info.len().saturating_sub(1)).min(usize::from(area.height / 3).max(1))
    };
    let above_info = usize::from(area.height).saturating_sub(info_height);
    let summary_height = if summary == 0 {
        0
    } else {
        summary.min((above_info / 3).max(2)).min(above_info)
    };
    let room = above_info.saturating_sub(heads_need + summary_height);
    // The rules in full where the heads leave room; otherwise their count in one line, so
    // that a broken handshake shows even when the heads fill the pane.
    let rules_height = match room {
        _ if !has_rules => 0,
        room if room >= 3 => room,
        _ if above_info >= 6 => 1,
        _ => 0,
    };
    let heads_height = above_info.saturating_sub(rules_height + summary_height);
    Layout::vertical([
        Constraint::Length(to_u16(heads_height)),
        Constraint::Length(to_u16(rules_height)),
        Constraint::Length(to_u16(summary_height)),
        Constraint::Length(to_u16(info_height)),
    ])
    .areas(area)
}

fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

fn title<'a>(what: &'a str, message: Option<&HttpMessage>, theme: &Theme) -> Line<'a> {
    match message {
        Some(m) => Line::from(vec![
            Span::styled(what, theme.heading),
            Span::styled(format!(" · {} bytes", m.head.len), theme.dim),
        ]),
        None => Line::from(Span::styled(
            format!("{what}: none was captured"),
            theme.dim,
        )),
    }
}

fn row_line(row: &HeadRow, theme: &Theme) -> Line<'static> {
    let span = Span::styled(format!("{}  ", row.span), theme.dim);
    match &row.kind {
        Kind::Header(name) => {
            let (n, rest) = row.text.split_at(name.len().min(row.text.len()));
            Line::from(vec![
                span,
                Span::styled(n.to_owned(), theme.code),
                Span::styled(rest.to_owned(), theme.text),
            ])
        }
        Kind::Start => Line::from(vec![span, Span::styled(row.text.clone(), theme.text)]),
        Kind::Blank => Line::from(vec![span, Span::styled(row.text.clone(), theme.dim)]),
    }
}

/// One head under its title, scrolled so that its selected line, if any, is in sight.
fn column(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: Line<'static>,
    rows: &[HeadRow],
    selected: Option<usize>,
) {
    let mut lines = vec![title];
    lines.extend(rows.iter().map(|r| row_line(r, theme)));
    if let Some(i) = selected {
        list(frame, area, theme, lines, 1 + i);
    } else {
        let width = usize::from(area.width);
        let lines: Vec<Line> = lines.iter().map(|l| fit_line(l, width)).collect();
        frame.render_widget(Paragraph::new(lines), area);
    }
}

/// Lines scrolled to keep line `at` in sight, and highlighted.
fn list(frame: &mut Frame, area: Rect, theme: &Theme, lines: Vec<Line<'static>>, at: usize) {
    let height = usize::from(area.height);
    let top = top_for(at, lines.len(), height);
    let width = usize::from(area.width);
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(top)
        .take(height)
        .map(|l| fit_line(&l, width))
        .collect();
    frame.render_widget(Paragraph::new(shown), area);
    highlight(frame, area, at.saturating_sub(top), theme.selected);
}

/// Every exchange of an HTTP action in one line, with its bytes; nothing for a handshake.
fn exchange_lines(shown: &Shown<'_>, theme: &Theme) -> Vec<Line<'static>> {
    if shown.exchanges.is_empty() {
        return Vec::new();
    }
    let n = shown.exchanges.len();
    let conns = shown.conns;
    let mut out = vec![Line::from(Span::styled(
        format!(
            "{n} exchange{} on {} TCP connection{}",
            if n == 1 { "" } else { "s" },
            conns,
            if conns == 1 { "" } else { "s" }
        ),
        theme.heading,
    ))];
    for (i, (c, request, response)) in shown.exchanges.iter().enumerate() {
        out.push(Line::from(vec![
            Span::styled(format!("{:>3}. ", i + 1), theme.dim),
            Span::styled(
                format!(
                    "{}: → {} B head + {} B body · ← {} B head + {} B body",
                    printable(&c.label),
                    request.head.len,
                    request.body_len,
                    response.head.len,
                    response.body_len
                ),
                theme.text,
            ),
            Span::styled(
                format!(" · {}", ms(response.at_us.saturating_sub(request.at_us))),
                theme.dim,
            ),
        ]));
    }
    out
}
