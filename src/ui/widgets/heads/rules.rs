//! The handshake rules beside the heads: those that judge the selected line, and all of them
//! where there is room.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{HeadRow, Kind};
use crate::proto::handshake::{Rule, RuleCheck};
use crate::ui::Theme;

/// What the selected line is for, and the rules that judge it.
pub(super) fn info(
    row: &HeadRow,
    request: bool,
    checks: &(Vec<RuleCheck>, Vec<RuleCheck>),
    theme: &Theme,
) -> Vec<Line<'static>> {
    let explanation = match &row.kind {
        Kind::Start if request => format!(
            "{}: the request line: method, target and HTTP version.",
            row.text
        ),
        Kind::Start => format!(
            "{}: the status line: 101 means the server switches to WebSocket; anything else means it did not.",
            row.text
        ),
        Kind::Header(name) => format!(
            "{name}: {}",
            crate::proto::headers::explain(name).unwrap_or("wslab has no note on this header.")
        ),
        Kind::Blank => {
            "The blank line (CRLF) ends the head: after a 101 the frames begin, otherwise the body."
                .to_owned()
        }
    };
    let mut out = vec![Line::from(Span::styled(explanation, theme.text))];
    let judged = if request { &checks.0 } else { &checks.1 };
    for rule in related(&row.kind, request) {
        if let Some(c) = judged.iter().find(|c| c.rule == *rule) {
            out.push(verdict(c, theme));
        }
    }
    out
}

fn verdict(c: &RuleCheck, theme: &Theme) -> Line<'static> {
    let (mark, style) = if c.passed {
        ("✓", theme.good)
    } else {
        ("✗", theme.bad)
    };
    Line::from(vec![
        Span::styled(format!("{mark} "), style),
        Span::styled(format!("{} (§{})", c.detail, c.rule.section()), theme.text),
    ])
}

/// The rules a line of a head is judged by.
fn related(kind: &Kind, request: bool) -> &'static [Rule] {
    match kind {
        Kind::Start if request => &[Rule::MethodGet, Rule::Http11],
        Kind::Start => &[Rule::Status101],
        Kind::Blank => &[],
        Kind::Header(name) => match name.to_ascii_lowercase().as_str() {
            "host" if request => &[Rule::Host],
            "upgrade" => &[Rule::Upgrade],
            "connection" => &[Rule::Connection],
            "sec-websocket-key" => &[Rule::Key],
            "sec-websocket-version" => &[Rule::Version],
            "sec-websocket-accept" => &[Rule::Accept],
            "sec-websocket-protocol" if !request => &[Rule::ProtocolOffered],
            "sec-websocket-extensions" if !request => &[Rule::ExtensionsOffered],
            _ => &[],
        },
    }
}

/// The handshake rules: a count, then the broken ones first so that they are in sight.
pub(super) fn rules(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    checks: &(Vec<RuleCheck>, Vec<RuleCheck>),
    side: bool,
) {
    let all: Vec<&RuleCheck> = checks.0.iter().chain(&checks.1).collect();
    let broken = all.iter().filter(|c| !c.passed).count();
    let heading = if broken == 0 {
        Line::from(vec![
            Span::styled("✓ ", theme.good),
            Span::styled(
                format!("all {} handshake rules hold", all.len()),
                theme.heading,
            ),
        ])
    } else {
        Line::from(vec![
            Span::styled("✗ ", theme.bad),
            Span::styled(
                format!("{broken} of {} handshake rules broken", all.len()),
                theme.heading,
            ),
        ])
    };
    let ordered = |list: &[RuleCheck]| -> Vec<Line<'static>> {
        let mut sorted: Vec<&RuleCheck> = list.iter().collect();
        sorted.sort_by_key(|c| c.passed);
        sorted.into_iter().map(|c| verdict(c, theme)).collect()
    };
    let [top, rest] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    frame.render_widget(Paragraph::new(heading), top);
    // Two columns only when one would not hold them all: a column of its own keeps each
    // rule's sentence whole.
    if side && all.len() > usize::from(rest.height) {
        let (request, response) = (ordered(&checks.0), ordered(&checks.1));
        // Each column as wide as its longest sentence when both fit, else a share of it.
        let need = |lines: &[Line<'_>]| {
            u16::try_from(lines.iter().map(Line::width).max().unwrap_or(0)).unwrap_or(u16::MAX)
        };
        let (l, r) = (need(&request).max(1), need(&response).max(1));
        let widths = if l.saturating_add(r).saturating_add(2) <= rest.width {
            [Constraint::Length(l), Constraint::Fill(1)]
        } else {
            [Constraint::Fill(l), Constraint::Fill(r)]
        };
        let [left, right] = Layout::horizontal(widths).spacing(2).areas(rest);
        frame.render_widget(Paragraph::new(fitted(request, left)), left);
        frame.render_widget(Paragraph::new(fitted(response, right)), right);
    } else {
        let both: Vec<RuleCheck> = checks.0.iter().chain(&checks.1).cloned().collect();
        frame.render_widget(Paragraph::new(fitted(ordered(&both), rest)), rest);
    }
}

/// Each line in the area's width, cut with `…` where it does not fit.
fn fitted(lines: Vec<Line<'static>>, area: Rect) -> Vec<Line<'static>> {
    let width = usize::from(area.width);
    lines
        .into_iter()
        .map(|l| super::super::fit_line(&l, width))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_are_judged_by_the_status_rule() {
        assert_eq!(related(&Kind::Start, false), &[Rule::Status101]);
        assert!(related(&Kind::Header("X-Other".into()), true).is_empty());
    }
}
