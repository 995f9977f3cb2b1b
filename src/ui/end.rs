//! The end card after a lesson's last step: what it covered, how far the learner got, and
//! the next lesson, so that the end of a lesson says so.

use ratatui::Frame;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding, Paragraph, Wrap};

use super::Theme;
use crate::app::{App, Mode};

pub(super) fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let Some((lesson, view)) = app.current() else {
        return;
    };
    let number = app.numbers.get(view.index).copied().unwrap_or(0);
    let checks: usize = lesson.steps.iter().map(|s| s.checks.len()).sum();
    let mut lines = vec![
        Line::from(Span::styled(
            format!("End of lesson {number}: {}", lesson.title),
            theme.heading.add_modifier(Modifier::BOLD),
        )),
        Line::default(),
        Line::from(Span::styled(
            format!(
                "{} steps · {checks} questions · planned for {} minutes",
                lesson.steps.len(),
                lesson.minutes
            ),
            theme.dim,
        )),
    ];
    if app.mode == Mode::Learn {
        let progress = app.progress.lessons.get(&lesson.id);
        let seen = progress.map_or(0, |p| p.steps.len());
        let right = progress.map_or(0, |p| p.checks.len());
        lines.push(Line::from(Span::styled(
            format!(
                "You saw {seen} of {} steps and answered {right} of {checks} questions right.",
                lesson.steps.len()
            ),
            theme.text,
        )));
    }
    if !lesson.objectives.is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("What it covered:", theme.heading)));
        for objective in &lesson.objectives {
            lines.push(Line::from(Span::styled(
                format!("  • {objective}"),
                theme.text,
            )));
        }
    }
    lines.push(Line::default());
    let next = app.lessons.get(view.index + 1).map(|l| {
        let n = app.numbers.get(view.index + 1).copied().unwrap_or(0);
        format!("→ next: lesson {n}, {}", l.title)
    });
    lines.push(Line::from(Span::styled(
        next.unwrap_or_else(|| "That was the last lesson of the course.".to_owned()),
        theme.good,
    )));
    lines.push(Line::from(Span::styled(
        "← back to the last step · Esc the menu · q quit",
        theme.dim,
    )));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .padding(Padding::uniform(1));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        frame.area(),
    );
}
