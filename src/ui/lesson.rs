//! The lesson screen, self-paced: the step's prose, its live pane, its checks, and the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Theme, panes, prose};
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
        let input = if step.input.is_some() {
            " · i your own value"
        } else {
            ""
        };
        // Panes and a rerun only where the step runs something.
        let live = if step.actions.is_empty() {
            ""
        } else {
            " · [ ] pane · r rerun"
        };
        Line::from(Span::styled(
            format!(" → next · ← back · Tab focus{live}{input} · Esc menu · ? help · q quit"),
            theme.dim,
        ))
    };
    frame.render_widget(Paragraph::new(line), keys);
}

fn draw_prose(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let (Some(step), Some(view)) = (app.step(), app.lesson.as_ref()) else {
        return;
    };
    let mut lines = Vec::new();
    // The lesson's introduction opens its first step.
    if let Some((lesson, _)) = app.current().filter(|_| view.step == 0)
        && !lesson.intro.trim().is_empty()
    {
        lines.extend(prose::lines(lesson.intro.trim(), theme));
        lines.push(Line::default());
    }
    lines.extend(prose::lines(&step.prose, theme));
    let after = step.after.trim();
    if !after.is_empty() && matches!(view.live.get(view.step), Some(Live::Done(_))) {
        lines.push(Line::default());
        lines.extend(prose::lines(after, theme));
    }
    let block =
        Block::default()
            .borders(Borders::ALL)
            .border_style(if view.focus == Focus::Prose {
                theme.focus
            } else {
                theme.border
            });
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((view.scroll, 0)),
        area,
    );
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
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if view.focus == Focus::Check {
            theme.focus
        } else {
            theme.border
        })
        .title(Span::styled(title, theme.heading));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn lesson_steps(app: &App) -> usize {
    app.current().map_or(0, |(lesson, _)| lesson.steps.len())
}
