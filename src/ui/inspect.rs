//! The inspector's screen: the connection's state, the live pane (frames, fields, heads,
//! accept, timeline, the same widgets the lessons use), the composer, and the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, help, panes};
use crate::app::filter::FrameFilter;
use crate::app::inspect::{Focus, Inspector, Link, SendKind};

/// The keys, for the `?` overlay.
pub const KEYS: &[(&str, &str)] = &[
    ("Enter", "send what the composer holds"),
    ("↑ ↓", "in the composer: choose what it sends"),
    ("", "text, binary (hex), ping, pong, close (code reason),"),
    ("", "fragments (a|b|c), raw (hex or fields, sent as is)"),
    ("← →", "raw: move the byte cursor in the frame previewed"),
    ("Tab i", "switch between the composer and the capture"),
    ("↑ ↓ j k", "in the capture: choose a frame or a line"),
    ("← → h l", "move the byte cursor"),
    ("[ ]", "previous / next pane"),
    ("f g", "follow the tail / go to the first frame"),
    ("s", "save the capture as .pcap and .har"),
    ("R", "reconnect, once closed"),
    ("q Ctrl-C", "quit, closing with 1001 going away"),
    ("?", "this help (from the capture)"),
];

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
    // A long close reason must not be cut unseen: a title wider than the screen ends in "…".
    let heading = Line::from(vec![
        Span::styled(format!(" inspect {} · ", inspector.url), theme.heading),
        state,
    ]);
    frame.render_widget(
        Paragraph::new(super::widgets::fit_line(&heading, usize::from(title.width))),
        title,
    );
    let focused = inspector.focus == Focus::Pane;
    let preview = (!focused).then(|| inspector.raw_preview()).flatten();
    if let Some(preview) = &preview {
        // While a frame is typed, what it would send takes the capture's place; Tab, or
        // Enter (which empties the draft), brings the capture back.
        super::craft::draw(frame, body, preview, inspector.raw_cursor, theme);
    } else {
        draw_capture(frame, body, inspector, theme);
    }
    let editing = inspector.focus == Focus::Composer;
    let raw = inspector.kind == SendKind::Raw;
    let composer_block = super::focus::block(theme, editing).title(Line::from(vec![
        super::focus::lead(theme, editing),
        Span::styled(
            format!(" send {} · ↑↓ kind ", inspector.kind.name()),
            theme.heading,
        ),
    ]));
    let cursor = if editing { "▏" } else { "" };
    let mut typed = vec![Span::styled(
        format!("{}{cursor}", inspector.draft),
        theme.code,
    )];
    if raw && inspector.draft.is_empty() {
        typed.push(Span::styled(RAW_PLACEHOLDER, theme.dim));
    }
    frame.render_widget(
        Paragraph::new(Line::from(typed)).block(composer_block),
        composer,
    );
    // R works only once the connection has closed, and then from either place.
    let closed = matches!(inspector.link, Link::Closed(_));
    let line = inspector.status.clone().unwrap_or_else(|| {
        if editing && closed {
            " R reconnect · ↑↓ kind · Tab to the frames · Ctrl-C quit".to_owned()
        } else if editing && raw {
            " Enter send as is · ←→ byte · ↑↓ kind · Tab to the frames · Ctrl-C quit".to_owned()
        } else if editing {
            " Enter send · ↑↓ kind · Tab to the frames · Ctrl-C quit".to_owned()
        } else {
            let reconnect = if closed { " · R reconnect" } else { "" };
            format!(" ↑↓ frame · ←→ byte · [ ] pane · f follow · s save · Tab{reconnect} · ? · q")
        }
    });
    let line = super::widgets::fit_line(
        &Line::from(Span::styled(line, theme.dim)),
        usize::from(keys.width),
    );
    frame.render_widget(Paragraph::new(line), keys);
    if inspector.help {
        help::overlay(frame, KEYS, theme);
    }
}

/// What the raw composer takes, shown in it until something is typed.
const RAW_PLACEHOLDER: &str =
    "hex (81 85 37 fa …) or fields (opcode=ping mask=none payload=\"a b\")";

/// The capture of the connection shown, in the pane chosen.
fn draw_capture(frame: &mut Frame, body: Rect, inspector: &Inspector, theme: &Theme) {
    let focused = inspector.focus == Focus::Pane;
    let inner = panes::tabbed(
        frame,
        body,
        inspector.panes().iter().copied(),
        inspector.pane,
        focused,
        theme,
    );
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
}
