//! The inspector's screen: the connection's state, the live pane (frames, fields, heads,
//! accept, timeline, the same widgets the lessons use), the composer, and the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Theme, panes};
use crate::app::filter::FrameFilter;
use crate::app::inspect::{Focus, INSPECT_PANES, Inspector, Link};

/// Draws the inspector.
pub fn draw(frame: &mut Frame, inspector: &Inspector, theme: &Theme) {
    theme.paint(frame, frame.area());
    let [title, body, composer, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(3),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    let state = match &inspector.link {
        Link::Connecting => Span::styled("connecting…", theme.dim),
        Link::Open(None) => Span::styled("open", theme.good),
        Link::Open(Some(p)) => Span::styled(format!("open, subprotocol {p}"), theme.good),
        Link::Closed(why) => Span::styled(format!("closed: {why} · R reconnects"), theme.bad),
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!(" inspect {} · ", inspector.url), theme.heading),
            state,
        ])),
        title,
    );
    let focused = inspector.focus == Focus::Pane;
    let inner = panes::tabbed(frame, body, INSPECT_PANES, inspector.pane, focused, theme);
    // Following the tail: the widgets clamp the selection to the last frame.
    let selected = if inspector.follow {
        usize::MAX
    } else {
        inspector.selected
    };
    let drawn = inspector.conn().is_some_and(|conn| {
        panes::draw_connection(
            frame,
            inner,
            theme,
            &inspector.capture,
            conn,
            inspector.pane(),
            (selected, inspector.cursor),
            focused,
            FrameFilter::default(),
        )
    });
    if !drawn {
        frame.render_widget(
            Paragraph::new(Span::styled("No connection yet.", theme.dim)),
            inner,
        );
    }
    let editing = inspector.focus == Focus::Composer;
    let composer_block = Block::default()
        .borders(Borders::ALL)
        .border_style(if editing { theme.focus } else { theme.border })
        .title(Span::styled(
            format!(" send {} · ↑↓ kind ", inspector.kind.name()),
            theme.heading,
        ));
    let cursor = if editing { "▏" } else { "" };
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!("{}{cursor}", inspector.draft),
            theme.code,
        ))
        .block(composer_block),
        composer,
    );
    let line = inspector.status.clone().unwrap_or_else(|| {
        if editing {
            " Enter send · ↑↓ kind · Tab to the frames · Ctrl-C quit".to_owned()
        } else {
            " ↑↓ frame · ←→ byte · [ ] pane · f follow · s save · Tab · R reconnect · q quit"
                .to_owned()
        }
    });
    frame.render_widget(Paragraph::new(Span::styled(line, theme.dim)), keys);
}
