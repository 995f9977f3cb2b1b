//! The lesson menu: every lesson with its number, minutes and progress, and the selected
//! lesson's objectives.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use super::Theme;
use crate::app::App;
use crate::app::layout::menu_areas;

pub(super) fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let [title, list_area, detail_area, keys] = menu_areas(frame.area());
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" wslab ", theme.heading),
            Span::styled("· the WebSocket protocol, from real bytes", theme.dim),
        ])),
        title,
    );
    list(frame, app, theme, list_area);
    detail(frame, app, theme, detail_area);
    let status = app
        .status
        .as_deref()
        .unwrap_or("↑↓ choose · Enter open · ? help · q quit");
    frame.render_widget(Paragraph::new(Span::styled(status, theme.dim)), keys);
}

fn list(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let items: Vec<ListItem> = app
        .lessons
        .iter()
        .zip(&app.numbers)
        .map(|(lesson, n)| {
            let mark = if app.progress.is_done(&lesson.id, lesson.steps.len()) {
                Span::styled("✓", theme.good)
            } else if app.progress.is_started(&lesson.id) {
                Span::styled("◐", theme.heading)
            } else {
                Span::raw(" ")
            };
            let incomplete = if lesson.incomplete.is_some() {
                " (incomplete)"
            } else {
                ""
            };
            ListItem::new(Line::from(vec![
                mark,
                Span::raw(format!(" {n:>2}. ")),
                Span::styled(lesson.title.clone(), theme.text),
                Span::styled(format!("  {} min{incomplete}", lesson.minutes), theme.dim),
            ]))
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focus)
        .title(Span::styled(" Lessons ", theme.heading));
    let mut state = ListState::default().with_selected(Some(app.menu));
    frame.render_stateful_widget(
        List::new(items)
            .block(block)
            .highlight_style(theme.selected),
        area,
        &mut state,
    );
}

fn detail(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let Some(lesson) = app.lessons.get(app.menu) else {
        return;
    };
    let mut lines = vec![Line::from(Span::styled(
        "By the end you can:",
        theme.heading,
    ))];
    for o in &lesson.objectives {
        lines.push(Line::from(vec![
            Span::styled("• ", theme.dim),
            Span::styled(o.clone(), theme.text),
        ]));
    }
    if let Some(why) = &lesson.incomplete {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!("Not complete yet: {why}"),
            theme.bad,
        )));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {} ", lesson.title), theme.heading));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
