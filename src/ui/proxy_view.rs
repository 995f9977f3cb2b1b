//! `wslab proxy`'s screen: the connections on the left (on top when narrow), the selected
//! connection's panes beside them (the lessons' widgets), a search or filter line, the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::widgets::{self, cut, printable, top_for};
use super::{Theme, help, panes};
use crate::app::proxy_view::{DirFilter, Focus, ProxyView, Row};
use crate::capture::Direction;

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

/// Draws the proxy's view of its capture.
pub fn draw(frame: &mut Frame, view: &ProxyView, theme: &Theme) {
    theme.paint(frame, frame.area());
    let [title, body, filters, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(4),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_title(frame, title, view, theme);
    let visible = view.visible();
    let [list, pane] = if body.width >= WIDE {
        Layout::horizontal([Constraint::Length(LIST_WIDTH), Constraint::Min(20)]).areas(body)
    } else {
        let rows = u16::try_from(visible.len().clamp(1, 6)).unwrap_or(6) + 2;
        Layout::vertical([Constraint::Length(rows), Constraint::Min(3)]).areas(body)
    };
    draw_list(frame, list, view, &visible, theme);
    draw_pane(frame, pane, view, theme);
    draw_filters(frame, filters, view, theme);
    let line = view.status.clone().unwrap_or_else(|| {
        let pause = if view.paused.is_some() {
            "p resume"
        } else {
            "p pause"
        };
        format!(" ↑↓ Tab [ ] ←→ · f follow · {pause} · / search · d o filters · s save · ? · q")
    });
    frame.render_widget(Paragraph::new(Span::styled(line, theme.dim)), keys);
    if view.help {
        help::overlay(frame, KEYS, theme);
    }
}

fn draw_title(frame: &mut Frame, area: Rect, view: &ProxyView, theme: &Theme) {
    let open = view.rows.iter().filter(|r| r.open).count();
    let mut spans = vec![Span::styled(format!(" {} · ", view.title), theme.heading)];
    // Paused comes right after the title, so a narrow screen still shows it.
    if let Some(n) = view.new_frames() {
        spans.push(Span::styled(
            format!("paused · {n} new frames · "),
            theme.bad,
        ));
    }
    spans.extend([
        Span::styled(
            format!(
                "{} connection{}, {open} open · ",
                view.rows.len(),
                if view.rows.len() == 1 { "" } else { "s" }
            ),
            theme.text,
        ),
        Span::styled(
            if view.follow { "following" } else { "browsing" },
            theme.dim,
        ),
    ]);
    // Cut with a marker when it is wider than the screen, so nothing is lost unseen.
    let line = super::widgets::fit_line(&Line::from(spans), usize::from(area.width));
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_list(frame: &mut Frame, area: Rect, view: &ProxyView, visible: &[&Row], theme: &Theme) {
    let listing = view.focus == Focus::List;
    let block = super::focus::block(theme, listing).title(Line::from(vec![
        super::focus::lead(theme, listing),
        Span::styled(" connections ", theme.heading),
    ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if visible.is_empty() {
        let text = if view.rows.is_empty() {
            "No connection yet: point a client at the proxy."
        } else {
            "No connection matches the search."
        };
        widgets::say(frame, inner, theme.dim, text);
        return;
    }
    let selected = view.selected().map(|r| r.id);
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
        .map(|r| row_line(r, Some(r.id) == selected, view, width, theme))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    widgets::highlight(frame, inner, at - top, theme.selected);
}

fn row_line<'a>(
    r: &Row,
    selected: bool,
    view: &ProxyView,
    width: usize,
    theme: &Theme,
) -> Line<'a> {
    let up = r.count(Direction::ClientToServer, view.kind);
    let down = r.count(Direction::ServerToClient, view.kind);
    let counts = match view.dir {
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

fn draw_pane(frame: &mut Frame, area: Rect, view: &ProxyView, theme: &Theme) {
    let focused = view.focus == Focus::Pane;
    let note = pane_note(view).map(|n| Line::styled(format!(" {n} "), theme.bad));
    let inner = panes::tabbed_noted(
        frame,
        area,
        view.panes.iter().copied(),
        view.pane,
        focused,
        theme,
        note,
    );
    let Some(row) = view.selected() else {
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
    let shown = (view.frame_shown(), view.cursor);
    if !panes::draw_connection(
        frame,
        inner,
        theme,
        &view.capture,
        conn,
        view.pane(),
        shown,
        focused,
        view.filter(),
    ) {
        widgets::say(frame, inner, theme.dim, "This connection left the capture.");
    }
}

/// What the panes leave out of the selected connection, if anything: what the filters hide,
/// and what came after the pause.
fn pane_note(view: &ProxyView) -> Option<String> {
    let (_, hidden) = view.frames_shown_hidden();
    let filtered = view
        .filter()
        .describe()
        .map(|kept| format!("{kept} · {hidden} hidden"));
    let paused = view.paused.map(|_| {
        let arrived = view.selected().map_or(0, |r| r.arrived);
        format!("paused, {arrived} new")
    });
    match (filtered, paused) {
        (Some(f), Some(p)) => Some(format!("{f} · {p}")),
        (f, p) => f.or(p),
    }
}

fn draw_filters(frame: &mut Frame, area: Rect, view: &ProxyView, theme: &Theme) {
    let mut spans = Vec::new();
    if view.typing || !view.query.is_empty() {
        let cursor = if view.typing { "▏" } else { "" };
        spans.push(Span::styled(
            format!(" /{}{cursor}", printable(&view.query)),
            theme.code,
        ));
        spans.push(Span::styled(
            if view.typing {
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
            view.dir.name(),
            view.kind.name()
        ),
        theme.dim,
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
