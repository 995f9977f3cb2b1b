//! The lesson screen, self-paced: the step's prose, its live pane, its checks, and the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::flow::{Piece, flow, wrap};
use super::{Theme, focus, panes, prose};
use crate::app::layout::{Areas, lesson_areas};
use crate::app::{App, Focus, Live};
use crate::lesson::model::CheckKind;

pub(super) fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let Some((lesson, view)) = app.current() else {
        return;
    };
    let Some(step) = lesson.steps.get(view.step) else {
        return;
    };
    let Areas {
        title,
        prose: prose_area,
        pane: pane_area,
        check: checks_area,
        keys,
    } = lesson_areas(app, frame.area());
    let number = app.numbers.get(view.index).copied().unwrap_or(0);
    let running = if view.live.get(view.step) == Some(&Live::Running) {
        "  · running…"
    } else {
        ""
    };
    frame.render_widget(
        Paragraph::new(Line::from(
            vec![
                Span::styled(format!(" {number}. {} ", lesson.title), theme.heading),
                Span::styled(
                    format!(
                        "· step {} of {}: {}{running}",
                        view.step + 1,
                        lesson.steps.len(),
                        step.title
                    ),
                    theme.dim,
                ),
            ]
            .into_iter()
            .chain(
                app.link
                    .as_ref()
                    .map(|l| super::class::student_spans(l, theme))
                    .unwrap_or_default(),
            )
            .collect::<Vec<_>>(),
        )),
        title,
    );
    let has_pane = !step.actions.is_empty();
    draw_prose(frame, app, theme, prose_area);
    if has_pane {
        panes::draw(frame, app, theme, pane_area, view.focus == Focus::Pane);
    }
    if checks_area.height > 0 {
        draw_check(frame, app, theme, checks_area);
    }
    let line = if let Some(typed) = &view.typing {
        let prompt = step.input.as_ref().map_or("", |i| i.prompt.as_str());
        Line::from(vec![
            Span::styled(format!(" {prompt} "), theme.heading),
            Span::styled(format!("{typed}▏"), theme.code),
        ])
    } else if let Some(status) = &app.status {
        // The layout gives a long sentence the rows it needs.
        let status = Line::from(Span::styled(format!(" {status}"), theme.heading));
        frame.render_widget(Paragraph::new(status).wrap(Wrap { trim: false }), keys);
        return;
    } else {
        // The keys a newcomer needs most come first: a narrow screen keeps those, and says
        // `? more` for the rest.
        let mut shown = vec!["→ next", "← back", "Tab focus"];
        if step.input.is_some() {
            shown.push("i your value");
        }
        // Panes, the whole screen and a rerun only where the step runs something.
        if !step.actions.is_empty() {
            shown.push(if view.zoom { "z unzoom" } else { "z zoom" });
            shown.extend(["[ ] pane", "r rerun"]);
        } else if view.zoom {
            shown.push("z unzoom");
        }
        shown.extend(["Esc menu", "? help", "q quit"]);
        Line::from(Span::styled(
            super::fit_keys(&shown, usize::from(keys.width)),
            theme.dim,
        ))
    };
    frame.render_widget(Paragraph::new(line), keys);
}

fn draw_prose(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let (Some(step), Some(view)) = (app.step(), app.lesson.as_ref()) else {
        return;
    };
    if area.width == 0 || area.height == 0 {
        return;
    }
    let mut pieces = Vec::new();
    // The lesson's introduction opens its first step.
    if let Some((lesson, _)) = app.current().filter(|_| view.step == 0)
        && !lesson.intro.trim().is_empty()
    {
        pieces.extend(prose::pieces(lesson.intro.trim(), theme));
        pieces.push(Piece::prose(Line::default()));
    }
    pieces.extend(prose::pieces(&step.prose, theme));
    let after = step.after.trim();
    if !after.is_empty() && matches!(view.live.get(view.step), Some(Live::Done(_))) {
        pieces.push(Piece::prose(Line::default()));
        pieces.extend(prose::pieces(after, theme));
    }
    let focused = view.focus == Focus::Prose;
    let mut block = focus::block(theme, focused);
    if focused {
        block = block.title(Line::from(vec![
            focus::lead(theme, true),
            Span::styled(" the step · ↑ ↓ scroll ", theme.heading),
        ]));
    }
    let inner = block.inner(area);
    let flowed = flow(
        &pieces,
        usize::from(inner.width),
        usize::from(view.shift),
        theme.heading,
    );
    let (rows, note) = scrolled(flowed.rows, inner.height, view.scroll, flowed.wide, theme);
    if let Some(note) = note {
        block = block.title_bottom(note.right_aligned());
    }
    frame.render_widget(Paragraph::new(rows).block(block), area);
}

/// The rows in sight of `rows` scrolled `scroll` rows down in `height` rows (never past the
/// last row), and the note for the bottom border that says what is out of sight: more below,
/// rows cut at the right (`wide`).
pub(super) fn scrolled<'a>(
    rows: Vec<Line<'a>>,
    height: u16,
    scroll: u16,
    wide: bool,
    theme: &Theme,
) -> (Vec<Line<'a>>, Option<Line<'static>>) {
    let height = usize::from(height);
    let top = usize::from(scroll).min(rows.len().saturating_sub(height));
    let below = rows.len() > top + height;
    let mut said = Vec::new();
    if below {
        said.push("↓ more");
    }
    if wide {
        said.push("< > wide rows");
    }
    let note = (!said.is_empty()).then(|| {
        Line::from(Span::styled(
            format!(" {} ", said.join(" · ")),
            theme.heading,
        ))
    });
    (rows.into_iter().skip(top).take(height).collect(), note)
}

fn draw_check(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let (Some(step), Some(view)) = (app.step(), app.lesson.as_ref()) else {
        return;
    };
    let Some(check) = step.checks.get(view.check) else {
        return;
    };
    let answering = view
        .answers
        .get(view.step)
        .and_then(|a| a.get(view.check))
        .cloned()
        .unwrap_or_default();
    let mut lines = vec![Line::from(Span::styled(
        check.question.trim().to_owned(),
        theme.text,
    ))];
    match check.kind {
        CheckKind::Choice => {
            for (i, option) in check.options.iter().enumerate() {
                let letter = char::from(b'a' + u8::try_from(i % 26).unwrap_or(0));
                let style = if view.focus == Focus::Check && i == answering.choice {
                    theme.selected
                } else {
                    theme.text
                };
                lines.push(Line::from(Span::styled(
                    format!(" {letter}) {option}"),
                    style,
                )));
            }
        }
        CheckKind::Typed | CheckKind::Computed => {
            let cursor = if view.focus == Focus::Check {
                "▏"
            } else {
                ""
            };
            lines.push(Line::from(vec![
                Span::styled(" answer: ", theme.dim),
                Span::styled(format!("{}{cursor}", answering.typed), theme.code),
            ]));
        }
    }
    match answering.verdict {
        Some(true) => {
            lines.push(Line::from(vec![
                Span::styled("✓ Right. ", theme.good),
                Span::styled(check.feedback.trim().to_owned(), theme.text),
            ]));
            let next = if view.check + 1 < step.checks.len() {
                format!("Enter: check {} of {}", view.check + 2, step.checks.len())
            } else if view.step + 1 < lesson_steps(app) {
                "Enter: the next step".to_owned()
            } else {
                "Enter: the end of the lesson".to_owned()
            };
            lines.push(Line::from(Span::styled(next, theme.dim)));
        }
        Some(false) => lines.push(Line::from(Span::styled("✗ Not yet: try again.", theme.bad))),
        None => {}
    }
    for hint in check.hints.iter().take(answering.hints) {
        lines.push(Line::from(Span::styled(format!("Hint: {hint}"), theme.dim)));
    }
    let predict = if check.predict {
        " · predict before it runs"
    } else {
        ""
    };
    // Where the other checks of the step are, so that none is missed.
    // PgDn and PgUp move between checks only while the panel has the keys (elsewhere they
    // scroll the prose), so until then the title says how to get there.
    let others = match (step.checks.len() > 1, view.focus == Focus::Check) {
        (false, _) => "",
        (true, true) => " · PgDn PgUp",
        (true, false) => " · Tab here, then PgDn PgUp",
    };
    let title = format!(
        " Check {} of {}{predict}{others} ",
        view.check + 1,
        step.checks.len()
    );
    let focused = view.focus == Focus::Check;
    let mut block = focus::block(theme, focused).title(Line::from(vec![
        focus::lead(theme, focused),
        Span::styled(title, theme.heading),
    ]));
    let inner = block.inner(area);
    let rows: Vec<Line> = lines
        .iter()
        .flat_map(|l| wrap(l, usize::from(inner.width)))
        .collect();
    // Cut at a small size: the note says so, and z gives the panel the screen.
    let (rows, note) = scrolled(rows, inner.height, 0, false, theme);
    if let Some(note) = note {
        let note = format!("{note}· z ");
        block = block.title_bottom(Line::from(Span::styled(note, theme.heading)).right_aligned());
    }
    frame.render_widget(Paragraph::new(rows).block(block), area);
}

fn lesson_steps(app: &App) -> usize {
    app.current().map_or(0, |(lesson, _)| lesson.steps.len())
}
