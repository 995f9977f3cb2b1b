//! The `?` overlay: every key of the screen in front.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::Theme;
use crate::app::class::Role;
use crate::app::keymap::{HELP_LESSON, HELP_PRESENT};
use crate::app::{App, Mode, Screen};

const MENU: &[(&str, &str)] = &[
    ("↑ ↓ j k", "choose a lesson"),
    ("Enter → l", "open it"),
    ("q Esc", "quit"),
    ("?", "this help"),
];

pub(super) fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let keys = match (app.screen, app.mode) {
        (Screen::Menu, _) => MENU,
        (Screen::Lesson, Mode::Learn) => HELP_LESSON,
        (Screen::Lesson, Mode::Present { .. }) => HELP_PRESENT,
    };
    // A student's screen has the one key the class adds (the presenter's R is in
    // HELP_PRESENT, said to work with --class).
    let student = matches!(
        app.link.as_ref().map(|l| &l.role),
        Some(Role::Student { .. })
    );
    let class = (student && app.screen == Screen::Lesson)
        .then_some(("f", "follow the presenter again, after looking around"));
    let keys: Vec<(&str, &str)> = keys.iter().copied().chain(class).collect();
    overlay(frame, &keys, theme);
}

/// A centred box listing `keys`, each with what it does, over the screen.
pub(super) fn overlay(frame: &mut Frame, keys: &[(&str, &str)], theme: &Theme) {
    // " key  description" in a border: the widest key column plus the widest description.
    let width = keys
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        + keys
            .iter()
            .map(|(_, d)| d.chars().count())
            .max()
            .unwrap_or(0)
        + 6;
    let height = u16::try_from(keys.len() + 4).unwrap_or(u16::MAX);
    let width = u16::try_from(width).unwrap_or(u16::MAX);
    let [area] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(frame.area());
    let [area] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(area);
    let key_width = keys
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = keys
        .iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!(" {k:<key_width$}  "), theme.heading),
                Span::styled(*d, theme.text),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(" any key closes this", theme.dim)));
    frame.render_widget(Clear, area);
    theme.paint(frame, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focus)
        .title(Span::styled(" Keys ", theme.heading));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
