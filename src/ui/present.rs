//! Classroom mode: large, spare prose, one live pane at a time, a step counter, speaker notes
//! on a key, answers on a key, and a blank screen on a key.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::flow::{Piece, flow};
use super::{Theme, panes, prose};
use crate::app::{App, Focus, Mode, layout};
use crate::lesson::Pane;
use crate::lesson::check::right_answer;
use crate::render::lesson::computed;

pub(super) fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let Mode::Present {
        notes,
        blank,
        revealed,
    } = app.mode
    else {
        return;
    };
    if blank {
        return;
    }
    let Some((lesson, view)) = app.current() else {
        return;
    };
    let Some(step) = lesson.steps.get(view.step) else {
        return;
    };
    let area = frame.area();
    let notes_text = step.notes.as_deref().unwrap_or(&lesson.notes);
    // The same areas clicks are resolved against (`app::layout`).
    let areas = layout::present_areas(app, area, notes);
    let (title, notes_area, footer) = (areas.title, areas.check, areas.keys);
    let mut spans = vec![
        Span::styled(format!(" {} ", step.title), theme.heading),
        Span::styled(
            format!("   {} / {}", view.step + 1, lesson.steps.len()),
            theme.dim,
        ),
        Span::styled(
            if step.checks.len() > 1 {
                format!(" · question {} of {}", view.check + 1, step.checks.len())
            } else {
                String::new()
            },
            theme.dim,
        ),
    ];
    if let Some(link) = &app.link {
        spans.extend(super::class::room_spans(link, theme));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), title);
    // After the title, so that the title's paragraph does not paint over it.
    if app.class.clock {
        frame.render_widget(
            Paragraph::new(clock(app, lesson.minutes, theme)).right_aligned(),
            title,
        );
    }
    let has_pane = !step.actions.is_empty();
    let (prose_area, pane_area) = (areas.prose, areas.pane);
    // Spare and large as a terminal allows: bold text, a margin, room between paragraphs.
    let mut pieces: Vec<Piece> = question(app, theme, revealed);
    class_lines(app, theme, revealed, &mut pieces);
    let pieces: Vec<Piece> = pieces
        .into_iter()
        .map(|p| Piece {
            line: p.line.patch_style(Modifier::BOLD),
            pre: p.pre,
        })
        .collect();
    let mut padded = Block::default().padding(ratatui::widgets::Padding::horizontal(2));
    let inner = padded.inner(prose_area);
    let flowed = flow(
        &pieces,
        usize::from(inner.width),
        usize::from(view.shift),
        theme.heading,
    );
    // ↑ ↓ scroll it, where the question and its answer do not fit; the last row then says
    // that more is below.
    let cut = flowed.rows.len() > usize::from(inner.height) || flowed.wide;
    let height = inner.height.saturating_sub(u16::from(cut));
    let (rows, note) =
        super::lesson::scrolled(flowed.rows, height, view.scroll, flowed.wide, theme);
    if let Some(note) = note {
        padded = padded.title_bottom(note.right_aligned());
    }
    frame.render_widget(Paragraph::new(rows).block(padded), prose_area);
    if has_pane {
        // The pane's own hints (← → the byte cursor, ↑ ↓ a frame) are true only once Tab
        // gave it the keys.
        panes::draw(frame, app, theme, pane_area, view.focus == Focus::Pane);
    }
    if notes {
        draw_notes(frame, app, theme, notes_text, notes_area);
    }
    frame.render_widget(
        Paragraph::new(footer_line(app, theme, usize::from(footer.width))),
        footer,
    );
}

/// In a class: the line a student types, above the step, and on reveal the room's answers as
/// a chart after the answer's feedback.
fn class_lines(app: &App, theme: &Theme, revealed: bool, pieces: &mut Vec<Piece>) {
    let Some((lesson, view)) = app.current() else {
        return;
    };
    let Some(step) = lesson.steps.get(view.step) else {
        return;
    };
    if let Some(link) = &app.link {
        if revealed && let Some(check) = step.checks.get(view.check) {
            let value = live_value(app, view, step, check);
            // After the answer and its feedback, which the reveal puts first.
            let at = pieces
                .iter()
                .position(|p| p.line.spans.is_empty() && p.line.width() == 0)
                .map_or(pieces.len(), |i| i);
            // The bars are a chart: cut at the edge like a table, never wrapped.
            let chart = super::class::chart(link, check, value.as_deref(), theme)
                .into_iter()
                .map(|line| Piece { line, pre: true });
            pieces.splice(at..at, chart);
        }
        // The line a student types, on the projector, above the step.
        if let Some(join) = super::class::join_line(link, theme) {
            let blank = Piece {
                line: Line::default(),
                pre: false,
            };
            pieces.splice(
                0..0,
                [
                    Piece {
                        line: join,
                        pre: false,
                    },
                    blank,
                ],
            );
        }
    }
}

/// A computed check's value, read from the step's run once it is done.
fn live_value(
    app: &App,
    view: &crate::app::LessonView,
    step: &crate::lesson::Step,
    check: &crate::lesson::Check,
) -> Option<String> {
    match view.live.get(view.step) {
        Some(crate::app::Live::Done(runs)) => app
            .capture
            .as_deref()
            .and_then(|t| computed(step, check, runs, t))
            .and_then(Result::ok),
        _ => None,
    }
}

/// The speaker notes, as Markdown, scrolled as J and K left them; the title says where.
fn draw_notes(frame: &mut Frame, app: &App, theme: &Theme, text: &str, area: Rect) {
    // J and K scroll notes longer than their rows; the title says where they are.
    let most = layout::notes_scroll_max(app);
    let scroll = app.class.notes_scroll.min(most);
    let title = if most == 0 {
        " notes ".to_owned()
    } else if scroll < most {
        format!(" notes · more below: J ↓ K ↑ · row {} ", scroll + 1)
    } else {
        format!(" notes · end: K ↑ · row {} ", scroll + 1)
    };
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border)
        .title(Span::styled(title, theme.dim));
    // As Markdown: a line break in the file is a space, a blank line a new paragraph.
    let style = prose::notes_style(theme);
    let lines: Vec<Line> = prose::lines(text, theme)
        .into_iter()
        .map(|l| l.patch_style(style))
        .collect();
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}

/// The presenter's clock: time since the lesson opened against its planned minutes, in the
/// warning colour once past them.
fn clock(app: &App, minutes: u32, theme: &Theme) -> Line<'static> {
    let secs = app.class.elapsed_secs();
    let style = if secs > u64::from(minutes) * 60 {
        theme.bad
    } else {
        theme.dim
    };
    Line::from(Span::styled(
        format!("elapsed {}:{:02} of {minutes} min ", secs / 60, secs % 60),
        style,
    ))
}

/// The footer: the prompt while the presenter types the room's value, a status, or the keys.
fn footer_line<'a>(app: &'a App, theme: &Theme, width: usize) -> Line<'a> {
    let (Some(view), Some(step)) = (app.lesson.as_ref(), app.step()) else {
        return Line::default();
    };
    if let Some(typed) = &view.typing {
        // The room's value, typed by the presenter: Enter runs the step with it.
        let prompt = step.input.as_ref().map_or("", |i| i.prompt.as_str());
        return Line::from(vec![
            Span::styled(format!(" {prompt} "), theme.heading),
            Span::styled(format!("{typed}▏"), theme.code),
        ]);
    }
    if let Some(status) = &app.status {
        return Line::from(Span::styled(format!(" {status}"), theme.heading));
    }
    let in_pane = view.focus == Focus::Pane;
    let keys: Vec<&str> = if in_pane {
        // Only what the pane shown does with the keys: a heads pane has no byte cursor.
        let pane = crate::app::panes(app).get(view.pane).map(|(_, p)| *p);
        let mut keys = match pane {
            Some(Pane::Frames | Pane::Fields) => vec!["↑ ↓ frame", "← → byte", "w W field"],
            Some(Pane::Heads) => vec!["↑ ↓ header"],
            Some(Pane::Timeline | Pane::Tls) => vec!["↑ ↓ row"],
            _ => vec!["↑ ↓ scroll"],
        };
        keys.extend([
            "[ ] pane",
            if view.zoom { "z unzoom" } else { "z zoom" },
            "Tab or Esc back",
        ]);
        keys
    } else {
        // The keys a presenter needs most come first: a narrow screen keeps those.
        // Only the keys the step has a use for: no "answer" without a question, no "run"
        // without an action.
        let mut keys = vec!["→ next", "← back"];
        if !step.checks.is_empty() {
            keys.push("Enter answer");
        }
        if !step.actions.is_empty() {
            keys.push("r run");
        }
        if step.input.is_some() {
            keys.push("i type");
        }
        if !step.actions.is_empty() {
            keys.extend([
                if view.zoom { "z unzoom" } else { "z zoom" },
                "Tab pane keys",
            ]);
        }
        keys.push("s notes");
        if !step.actions.is_empty() {
            keys.push("[ ] pane");
        }
        keys.extend([". blank", "t clock", "q quit"]);
        keys
    };
    Line::from(Span::styled(super::fit_keys(&keys, width), theme.dim))
}

/// The step's prose, then its current check as a question, and the answer once revealed.
fn question<'a>(app: &'a App, theme: &Theme, revealed: bool) -> Vec<Piece<'a>> {
    let (Some((lesson, view)), Some(step)) = (app.current(), app.step()) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    if view.step == 0 && !lesson.intro.trim().is_empty() {
        lines.extend(prose::pieces(lesson.intro.trim(), theme));
        lines.push(Piece::prose(Line::default()));
    }
    lines.extend(prose::pieces(&step.prose, theme));
    // What the step says after its live block, once the block has run.
    let after = step.after.trim();
    if !after.is_empty() && matches!(view.live.get(view.step), Some(crate::app::Live::Done(_))) {
        lines.push(Piece::prose(Line::default()));
        lines.extend(prose::pieces(after, theme));
    }
    if let Some(check) = step.checks.get(view.check) {
        let mut asked = vec![
            Line::default(),
            Line::from(Span::styled(
                format!("? {}", check.question.trim()),
                theme.heading,
            )),
        ];
        for (i, option) in check.options.iter().enumerate() {
            let letter = char::from(b'a' + u8::try_from(i % 26).unwrap_or(0));
            asked.push(Line::from(Span::styled(
                format!("   {letter}) {option}"),
                theme.text,
            )));
        }
        if revealed {
            let value = live_value(app, view, step, check);
            let answer = right_answer(check, value.as_deref()).map_or_else(
                || "run the step first (r)".to_owned(),
                |a| option_text(check, &a),
            );
            asked.push(Line::from(vec![
                Span::styled("→ ", theme.good),
                Span::styled(answer, theme.good),
            ]));
            asked.push(Line::from(Span::styled(
                check.feedback.trim().to_owned(),
                theme.text,
            )));
            // Revealed, the question and its answer come first, so that they are always
            // readable however long the prose; the prose follows for reference.
            asked.remove(0);
            asked.push(Line::default());
            let mut asked: Vec<Piece> = asked.into_iter().map(Piece::prose).collect();
            asked.extend(lines);
            return asked;
        }
        lines.extend(asked.into_iter().map(Piece::prose));
    }
    lines
}

/// A choice's answer as its letter and text, so the class reads it, not a number.
fn option_text(check: &crate::lesson::Check, answer: &str) -> String {
    if check.kind != crate::lesson::model::CheckKind::Choice {
        return answer.to_owned();
    }
    answer
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| check.options.get(i).map(|o| (i, o)))
        .map_or_else(
            || answer.to_owned(),
            |(i, o)| {
                format!(
                    "{}) {o}",
                    char::from(b'a' + u8::try_from(i % 26).unwrap_or(0))
                )
            },
        )
}
