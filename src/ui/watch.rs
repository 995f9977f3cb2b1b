//! `wslab proxy`'s screen: the connections on the left (on top when narrow), the selected
//! connection's panes beside them (the lessons' widgets), a search or filter line, the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::widgets::{self, cut, printable, top_for};
use super::{Theme, help, panes};
use crate::app::inspect::PANES;
use crate::app::watch::{DirFilter, Focus, Row, Watch};
use crate::capture::Direction;
use crate::net::Recorder;

/// The keys, for the `?` overlay.
pub const KEYS: &[(&str, &str)] = &[
    ("↑ ↓ j k", "select a connection (list) or a frame (pane)"),
    ("Tab", "switch focus between the list and the pane"),
    ("[ ]", "previous / next pane"),
    ("← → h l", "move the byte cursor"),
    ("f", "follow the tail / browse freely"),
    ("p", "pause the view (relaying and capture go on)"),
    ("/", "search targets, clients and text frames"),
    ("Esc", "clear the search"),
    ("d", "direction filter for the counts and frames"),
    ("o", "opcode filter for the counts and frames"),
    ("s", "save the capture as .pcap and .har"),
    ("q Ctrl-C", "quit and stop the proxy"),
    ("?", "this help"),
];

// Below this width the list goes on top of the panes.
const WIDE: u16 = 110;
const LIST_WIDTH: u16 = 46;

/// Draws the proxy's view of the capture in `recorder`.
pub fn draw(frame: &mut Frame, watch: &Watch, recorder: &Recorder, theme: &Theme) {
    let [title, body, filters, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(4),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_title(frame, title, watch, theme);
    let visible = watch.visible();
    let [list, pane] = if body.width >= WIDE {
        Layout::horizontal([Constraint::Length(LIST_WIDTH), Constraint::Min(20)]).areas(body)
    } else {
        let rows = u16::try_from(visible.len().clamp(1, 6)).unwrap_or(6) + 2;
        Layout::vertical([Constraint::Length(rows), Constraint::Min(3)]).areas(body)
    };
    draw_list(frame, list, watch, &visible, theme);
    draw_pane(frame, pane, watch, recorder, theme);
    draw_filters(frame, filters, watch, theme);
    let line = watch.status.clone().unwrap_or_else(|| {
        " ↑↓ Tab [ ] ←→ · f follow · p pause · / search · d o filters · s save · ? · q".to_owned()
    });
    frame.render_widget(Paragraph::new(Span::styled(line, theme.dim)), keys);
    if watch.help {
        help::overlay(frame, KEYS, theme);
    }
}

fn draw_title(frame: &mut Frame, area: Rect, watch: &Watch, theme: &Theme) {
    let open = watch.rows.iter().filter(|r| r.open).count();
    let mut spans = vec![
        Span::styled(format!(" {} · ", watch.title), theme.heading),
        Span::styled(
            format!("{} connections, {open} open · ", watch.rows.len()),
            theme.text,
        ),
        Span::styled(
            if watch.follow {
                "following"
            } else {
                "browsing"
            },
            theme.dim,
        ),
    ];
    if let Some(n) = watch.new_frames() {
        spans.push(Span::styled(
            format!(" · paused · {n} new frames"),
            theme.bad,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_list(frame: &mut Frame, area: Rect, watch: &Watch, visible: &[&Row], theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if watch.focus == Focus::List {
            theme.focus
        } else {
            theme.border
        })
        .title(Span::styled(" connections ", theme.heading));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if visible.is_empty() {
        let text = if watch.rows.is_empty() {
            "No connection yet: point a client at the proxy."
        } else {
            "No connection matches the search."
        };
        widgets::say(frame, inner, theme.dim, text);
        return;
    }
    let selected = watch.selected().map(|r| r.id);
    let at = visible
        .iter()
        .position(|r| Some(r.id) == selected)
        .unwrap_or(0);
    let height = usize::from(inner.height);
    let top = top_for(at, visible.len(), height);
    let width = usize::from(inner.width);
    let lines: Vec<Line> = visible
        .iter()
        .skip(top)
        .take(height)
        .map(|r| row_line(r, Some(r.id) == selected, watch, width, theme))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    widgets::highlight(frame, inner, at - top, theme.selected);
}

fn row_line<'a>(r: &Row, selected: bool, watch: &Watch, width: usize, theme: &Theme) -> Line<'a> {
    let up = r.count(Direction::ClientToServer, watch.kind);
    let down = r.count(Direction::ServerToClient, watch.kind);
    let counts = match watch.dir {
        DirFilter::Both => format!("↑{up} ↓{down}"),
        DirFilter::Up => format!("↑{up}"),
        DirFilter::Down => format!("↓{down}"),
    };
    let head = format!(
        "{}#{} {} {} ",
        if selected { "▸" } else { " " },
        r.id.0,
        r.client,
        cut(&printable(&r.target), 24)
    );
    let state = if r.open { "open" } else { "closed" };
    let mut spans = vec![
        Span::styled(head, theme.text),
        Span::styled(state, if r.open { theme.good } else { theme.dim }),
        Span::styled(format!(" {counts} "), theme.text),
        Span::styled(
            format!("✗{}", r.violations),
            if r.violations > 0 {
                theme.bad
            } else {
                theme.dim
            },
        ),
    ];
    if let Some(error) = &r.error {
        let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
        let room = width.saturating_sub(used + 3);
        spans.push(Span::styled(
            format!(" · {}", cut(&printable(error), room)),
            theme.bad,
        ));
    }
    Line::from(spans)
}

fn draw_pane(frame: &mut Frame, area: Rect, watch: &Watch, recorder: &Recorder, theme: &Theme) {
    let focused = watch.focus == Focus::Pane;
    let note = pane_note(watch).map(|n| Line::styled(format!(" {n} "), theme.bad));
    let inner = panes::tabbed_noted(frame, area, PANES, watch.pane, focused, theme, note);
    let Some(row) = watch.selected() else {
        widgets::say(frame, inner, theme.dim, "No connection selected.");
        return;
    };
    let conn = row.id;
    // The list has room for a few words of it at most; the selected one's is said in full.
    let inner = match &row.error {
        Some(error) if inner.height > 4 => {
            let [said, rest] =
                Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
            widgets::say(frame, said, theme.bad, &format!("✗ {}", printable(error)));
            rest
        }
        _ => inner,
    };
    let shown = (watch.frame_shown(), watch.cursor);
    if !panes::draw_connection(
        frame,
        inner,
        theme,
        recorder,
        conn,
        watch.pane(),
        shown,
        focused,
        watch.filter(),
    ) {
        widgets::say(frame, inner, theme.dim, "This connection left the capture.");
    }
}

/// What the panes leave out of the selected connection, if anything: what the filters hide,
/// and what came after the pause.
fn pane_note(watch: &Watch) -> Option<String> {
    let (_, hidden) = watch.frames_shown_hidden();
    let filtered = watch
        .filter()
        .describe()
        .map(|kept| format!("{kept} · {hidden} hidden"));
    let paused = watch.paused.map(|_| {
        let arrived = watch.selected().map_or(0, |r| r.arrived);
        format!("paused, {arrived} new")
    });
    match (filtered, paused) {
        (Some(f), Some(p)) => Some(format!("{f} · {p}")),
        (f, p) => f.or(p),
    }
}

fn draw_filters(frame: &mut Frame, area: Rect, watch: &Watch, theme: &Theme) {
    let mut spans = Vec::new();
    if watch.typing || !watch.query.is_empty() {
        let cursor = if watch.typing { "▏" } else { "" };
        spans.push(Span::styled(
            format!(" /{}{cursor}", printable(&watch.query)),
            theme.code,
        ));
        spans.push(Span::styled(
            if watch.typing {
                " · Enter keeps · Esc clears "
            } else {
                " · Esc clears "
            },
            theme.dim,
        ));
    }
    spans.push(Span::styled(
        format!(
            " d {} · o {} (counts and frames)",
            watch.dir.name(),
            watch.kind.name()
        ),
        theme.dim,
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
