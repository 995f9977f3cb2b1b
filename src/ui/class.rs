//! The class on screen: the presenter's room line, the answer chart on reveal and the
//! roster; a student's line saying whether they follow. Names come neutralised from the hub
//! (`class::names`), and are neutralised again here before drawing, since a screen cannot
//! know where a string has been.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::Theme;
use crate::app::App;
use crate::app::class::{Link, Role};
use crate::class::names::{clean, neutralise};
use crate::lesson::Check;
use crate::lesson::check::is_right;
use crate::lesson::model::CheckKind;

/// The presenter's room in a few words, for the title: how many are here and have answered.
pub fn room_spans(link: &Link, theme: &Theme) -> Vec<Span<'static>> {
    let t = &link.tally;
    vec![Span::styled(
        format!("   {} connected · {} answered", t.connected, t.answered),
        theme.dim,
    )]
}

/// The join line, for the projector.
pub fn join_line(link: &Link, theme: &Theme) -> Option<Line<'static>> {
    let Role::Presenter { join_line, .. } = &link.role else {
        return None;
    };
    Some(Line::from(vec![
        Span::styled(" join: ", theme.dim),
        Span::styled(join_line.clone(), theme.heading),
    ]))
}

/// The room's answers as a bar chart, the right one marked, for a revealed check.
pub fn chart(
    link: &Link,
    check: &Check,
    right_value: Option<&str>,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let t = &link.tally;
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled(
            format!("The room: {} of {} answered", t.answered, t.connected),
            theme.heading,
        )),
    ];
    let most = t.chart.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    for (answer, n) in &t.chart {
        let (label, right) = match answer {
            Some(a) => (label(check, a), is_right(check, a, right_value)),
            None => ("other".to_owned(), false),
        };
        let width = (u64::from(*n) * 30 / u64::from(most)) as usize;
        let bar = "█".repeat(width.max(1));
        let mark = if right { " ✓ right" } else { "" };
        lines.push(Line::from(vec![
            Span::styled(format!("  {label:<16.16} "), theme.text),
            Span::styled(bar, if right { theme.good } else { theme.dim }),
            Span::styled(
                format!(" {n}{mark}"),
                if right { theme.good } else { theme.text },
            ),
        ]));
    }
    lines
}

/// A choice's answer as its letter; a typed one as typed, neutralised.
fn label(check: &Check, answer: &str) -> String {
    if check.kind == CheckKind::Choice
        && let Some(i) = answer.parse::<usize>().ok().and_then(|n| n.checked_sub(1))
        && i < check.options.len()
    {
        return format!("{})", char::from(b'a' + u8::try_from(i % 26).unwrap_or(0)));
    }
    neutralise(answer)
}

/// The roster overlay: names only with `--show-names`, since the screen is projected.
pub fn draw_roster(frame: &mut Frame, app: &App, theme: &Theme) {
    let Some(Link {
        role:
            Role::Presenter {
                roster: true,
                show_names,
                ..
            },
        names,
        ..
    }) = app.link.as_ref()
    else {
        return;
    };
    let area = frame.area();
    let w = area.width.min(60);
    let h = area.height.min(20);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let mut lines = vec![Line::from(Span::styled(
        format!("{} connected", names.len()),
        theme.heading,
    ))];
    if *show_names {
        for n in names {
            lines.push(Line::from(Span::styled(neutralise(n), theme.text)));
        }
    } else {
        lines.push(Line::from(Span::styled(
            "Names stay off the projector: --show-names lists them.",
            theme.dim,
        )));
    }
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .title(" roster · R closes "),
        ),
        r,
    );
}

/// A student's class line, for the lesson's title: following or looking around, and the
/// connection.
pub fn student_spans(link: &Link, theme: &Theme) -> Vec<Span<'static>> {
    let Role::Student {
        following, ended, ..
    } = &link.role
    else {
        return Vec::new();
    };
    let state = if ended.is_some() {
        "class ended".to_owned()
    } else if *following {
        "following the presenter".to_owned()
    } else {
        let step = link
            .presenter
            .as_ref()
            .map_or(String::new(), |p| format!(", on step {}", p.step + 1));
        format!("looking around (f follows the presenter{step})")
    };
    vec![Span::styled(
        format!(" · {state} · {}", clean(&link.line)),
        theme.dim,
    )]
}
