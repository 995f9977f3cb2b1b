//! The accept pane: Sec-WebSocket-Accept derived from the captured key, one step a line, and
//! set against the value the server sent.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{PaneCtx, printable, say};
use crate::capture::Connection;
use crate::proto::{Derivation, GUID};
use crate::ui::Theme;

/// The width of the step labels, "1. key as sent" and the rest, with their gap.
const LABEL: usize = 16;

/// The widest value: the key and the GUID, 24 + 36 characters for a well-formed key.
const WIDEST: usize = 60;

/// Draws the accept pane; `ctx.selected` scrolls it when it does not fit.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, ctx: &PaneCtx<'_>) {
    if area.is_empty() {
        return;
    }
    // Below this width a value goes under its label rather than being cut off.
    let stacked = usize::from(area.width) < LABEL + WIDEST;
    let many = ctx.conns.len() > 1;
    let mut lines: Vec<Line> = Vec::new();
    for c in ctx.conns {
        let Some(block) = derivation(c, theme, stacked, many) else {
            continue;
        };
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.extend(block);
    }
    if lines.is_empty() {
        say(
            frame,
            area,
            theme.dim,
            "No Sec-WebSocket-Key was captured, so there is no Accept to derive.",
        );
        return;
    }
    let top = ctx
        .selected
        .min(lines.len().saturating_sub(usize::from(area.height)));
    let top = u16::try_from(top).unwrap_or(u16::MAX);
    // A value wider than the pane ends in …, never cut unseen.
    let width = usize::from(area.width);
    let lines: Vec<Line> = lines.iter().map(|l| super::fit_line(l, width)).collect();
    frame.render_widget(Paragraph::new(lines).scroll((top, 0)), area);
}

/// A step: its label, then its value beside it or, when `stacked`, on the next line.
fn step(
    out: &mut Vec<Line<'static>>,
    label: &str,
    value: Vec<Span<'static>>,
    theme: &Theme,
    stacked: bool,
) {
    let label = Span::styled(format!("{label:<LABEL$}"), theme.heading);
    if stacked {
        out.push(Line::from(label));
        let mut indented = vec![Span::raw("   ")];
        indented.extend(value);
        out.push(Line::from(indented));
    } else {
        let mut line = vec![label];
        line.extend(value);
        out.push(Line::from(line));
    }
}

/// A further line of the step above, lined up with its value.
fn more(out: &mut Vec<Line<'static>>, value: Vec<Span<'static>>, stacked: bool) {
    let mut line = vec![Span::raw(" ".repeat(if stacked { 3 } else { LABEL }))];
    line.extend(value);
    out.push(Line::from(line));
}

fn mark(good: bool, theme: &Theme) -> Span<'static> {
    if good {
        Span::styled("✓", theme.good)
    } else {
        Span::styled("✗", theme.bad)
    }
}

/// The derivation for one connection's key; `None` when it sent none.
fn derivation(
    c: &Connection,
    theme: &Theme,
    stacked: bool,
    many: bool,
) -> Option<Vec<Line<'static>>> {
    let key = c
        .requests()
        .http
        .first()
        .and_then(|r| r.head.header("sec-websocket-key"))?;
    let d = Derivation::new(key);
    let key = printable(&d.key);
    let code = |s: String| Span::styled(s, theme.code);
    let mut out = Vec::new();
    let mut heading = vec![Span::styled(
        "Sec-WebSocket-Accept, step by step (RFC 6455 §1.3, §4.2.2)",
        theme.heading,
    )];
    if many {
        heading.push(Span::styled(
            format!(" · {}", printable(&c.label)),
            theme.dim,
        ));
    }
    out.push(Line::from(heading));

    let verdict = match &d.key_bytes {
        Ok(_) => vec![
            Span::raw("  "),
            mark(true, theme),
            Span::styled(" base64 of 16 bytes", theme.text),
        ],
        Err(_) => vec![
            Span::raw("  "),
            mark(false, theme),
            Span::styled(" not a valid key", theme.bad),
        ],
    };
    let mut first = vec![code(key.clone())];
    first.extend(verdict);
    step(&mut out, "1. key as sent", first, theme, stacked);
    if let Err(e) = &d.key_bytes {
        // Servers hash whatever text came, so the steps go on; the learner should see why
        // a careful server would have refused instead.
        more(
            &mut out,
            vec![Span::styled(e.to_string(), theme.bad)],
            stacked,
        );
    }
    step(
        &mut out,
        "2. key + GUID",
        vec![code(key), Span::styled(GUID, theme.fields[1])],
        theme,
        stacked,
    );
    step(
        &mut out,
        "3. SHA-1",
        vec![code(d.sha1_hex())],
        theme,
        stacked,
    );
    step(
        &mut out,
        "4. base64",
        vec![code(d.accept.clone())],
        theme,
        stacked,
    );
    compare(&mut out, c, &d, theme, stacked);
    Some(out)
}

/// Step 5: the derived value against the server's header, both shown.
fn compare(
    out: &mut Vec<Line<'static>>,
    c: &Connection,
    d: &Derivation,
    theme: &Theme,
    stacked: bool,
) {
    let response = c.responses().http.first();
    let Some(got) = response.and_then(|r| r.head.header("sec-websocket-accept")) else {
        let why = if response.is_some() {
            "the response has no Sec-WebSocket-Accept header"
        } else {
            "no response head was captured"
        };
        step(
            out,
            "5. compare",
            vec![
                mark(false, theme),
                Span::styled(format!(" {why}"), theme.bad),
            ],
            theme,
            stacked,
        );
        return;
    };
    let cmp = d.compare(got);
    let value = |who: &str, v: &str, style: Style| {
        vec![
            Span::styled(format!("{who:<13}"), theme.dim),
            Span::styled(printable(v), style),
        ]
    };
    step(
        out,
        "5. compare",
        value("derived", &cmp.expected, theme.code),
        theme,
        stacked,
    );
    let mut sent = value(
        "server sent",
        &cmp.received,
        if cmp.matches { theme.good } else { theme.bad },
    );
    sent.push(Span::raw("  "));
    sent.push(mark(cmp.matches, theme));
    sent.push(Span::styled(
        if cmp.matches {
            " the same"
        } else {
            " different"
        },
        if cmp.matches { theme.good } else { theme.bad },
    ));
    more(out, sent, stacked);
    if !cmp.matches {
        let why = "so the client must fail the connection (§4.1)";
        more(out, vec![Span::styled(why, theme.bad)], stacked);
    }
}
