//! `wslab proxy`'s terminal view: the connections the proxy relays, and one connection's
//! panes. The state and its [`update`], in the same shape as the lessons': messages in (keys,
//! snapshots of the capture), effects out (save, quit), no I/O.

use std::sync::Arc;

pub use super::filter::{DirFilter, FrameFilter, KindFilter};
use super::inspect::panes;
use super::keymap::Key;
pub use super::proxy_row::Row;
use crate::capture::{ConnId, Snapshot, Transcript};
use crate::lesson::model::Pane;
use crate::render::exchange::{Item, timeline};

/// What happens to the view.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key.
    Key(Key),
    /// The capture changed: the event loop took a new snapshot of it.
    Captured(Arc<Snapshot>),
    /// One sentence to show, such as where a save went.
    Status(String),
}

/// What the view asks of its event loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Write the capture to files.
    Save,
    /// Leave (the command then stops the proxy).
    Quit,
}

/// Where the arrow keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The connection list.
    List,
    /// The selected connection's pane.
    Pane,
}

/// The proxy view's state.
#[derive(Debug, Clone)]
pub struct ProxyView {
    /// Where the proxy listens, and where it relays to.
    pub title: String,
    /// Every connection, oldest first, as of the last refresh (or the pause).
    pub rows: Vec<Row>,
    /// The connection chosen by hand; while following, the newest shown.
    pub chosen: Option<ConnId>,
    /// Where the arrow keys go.
    pub focus: Focus,
    /// The pane shown, in [`ProxyView::panes`].
    pub pane: usize,
    /// The panes offered: the `tls` pane only with TLS on some side (`--tls`, or a wss://
    /// upstream).
    pub panes: &'static [Pane],
    /// The selected frame among those the filters show, when not following.
    pub frame: usize,
    /// The byte cursor in the selected frame.
    pub cursor: usize,
    /// Follow the tail: the newest connection and its newest frame.
    pub follow: bool,
    /// Frames stored in all when the view was paused; `None` while live.
    pub paused: Option<u64>,
    /// Frames stored in all, as of the last refresh, paused or not.
    pub live_frames: u64,
    /// The search text; empty for none.
    pub query: String,
    /// The search line has the keyboard.
    pub typing: bool,
    /// The direction filter, for the counts and the frames panes.
    pub dir: DirFilter,
    /// The opcode filter, for the counts and the frames panes.
    pub kind: KindFilter,
    /// One line for the user.
    pub status: Option<String>,
    /// The help overlay is up.
    pub help: bool,
    /// The capture as last taken: what the panes draw.
    pub capture: Arc<Snapshot>,
}

impl ProxyView {
    /// A view of a proxy described by `title`, following the tail.
    pub fn new(title: &str) -> Self {
        Self {
            title: title.to_owned(),
            rows: Vec::new(),
            chosen: None,
            focus: Focus::List,
            pane: 0,
            panes: panes(false),
            frame: 0,
            cursor: 0,
            follow: true,
            paused: None,
            live_frames: 0,
            query: String::new(),
            typing: false,
            dir: DirFilter::Both,
            kind: KindFilter::All,
            status: None,
            help: false,
            capture: Arc::default(),
        }
    }

    /// The same view, with the `tls` pane offered when `tls` is true.
    #[must_use]
    pub fn with_tls(mut self, tls: bool) -> Self {
        self.panes = panes(tls);
        self
    }

    /// Takes in the capture as it is now. While paused, the list stays as it was and only
    /// the count of new frames moves.
    fn refresh(&mut self, capture: Arc<Snapshot>) {
        self.capture = capture;
        let t: &Transcript = &self.capture;
        let rows: Vec<Row> = t.connections().map(|c| Row::of(c, &self.query)).collect();
        self.live_frames = rows.iter().map(Row::total).sum();
        if self.paused.is_none() {
            self.rows = rows;
        } else {
            // The search still works on a frozen list: only its hits are taken in, with
            // the count of what came since.
            for row in &mut self.rows {
                let live = rows.iter().find(|r| r.id == row.id);
                row.text_hit = live.is_some_and(|r| r.text_hit);
                row.arrived = live.map_or(0, |r| r.total().saturating_sub(row.total()));
            }
        }
        self.clamp();
    }

    // Keeps the byte cursor within the selected frame.
    fn clamp(&mut self) {
        if let Some(last) = self.last_cursor(&self.capture) {
            self.cursor = self.cursor.min(last);
        }
    }

    // The last byte the frames panes' cursor can reach in the selected frame, so that ←→
    // pressed past the end do not pile up where nothing shows them.
    fn last_cursor(&self, t: &Transcript) -> Option<usize> {
        if !matches!(self.pane(), Pane::Frames | Pane::Fields) {
            return None;
        }
        let connection = t.connection(self.selected()?.id)?;
        let filter = self.filter();
        let shown = timeline(connection)
            .into_iter()
            .filter_map(|e| match e.what {
                Item::Frame(f)
                    if filter.passes(e.direction, f.header.opcode())
                        && filter.had_come(e.direction, f.index) =>
                {
                    Some(f)
                }
                _ => None,
            });
        let frame = match self.frame_shown() {
            usize::MAX => shown.last()?,
            n => shown.take(n.saturating_add(1)).last()?,
        };
        Some(super::extent::last_cursor(frame))
    }

    /// The rows the search lets through.
    pub fn visible(&self) -> Vec<&Row> {
        self.rows
            .iter()
            .filter(|r| r.matches(&self.query))
            .collect()
    }

    /// The connection whose panes are shown.
    pub fn selected(&self) -> Option<&Row> {
        let visible = self.visible();
        if self.follow {
            return visible.last().copied();
        }
        self.chosen
            .and_then(|id| visible.iter().find(|r| r.id == id).copied())
            .or_else(|| visible.last().copied())
    }

    /// The frame to select in the panes, among those the filters show: past the end means
    /// the last one (the widgets clamp).
    pub fn frame_shown(&self) -> usize {
        if !self.follow {
            return self.frame;
        }
        match self.paused {
            // Frozen at the frame that was last when the view paused.
            Some(_) => self.last_frame(),
            None => usize::MAX,
        }
    }

    /// Which frames the panes show: the filters', and while paused only the selected
    /// connection's frames that had come by then. The proxy's view never lets stored frames
    /// go, so the count stored each way is also the index of the next frame that way.
    pub fn filter(&self) -> FrameFilter {
        let upto = self
            .paused
            .and(self.selected())
            .map(|r| r.frames.map(|d| d.iter().sum()));
        FrameFilter {
            dir: self.dir,
            kind: self.kind,
            upto,
        }
    }

    /// The selected connection's frames that the filters show, and those they hide.
    pub fn frames_shown_hidden(&self) -> (u64, u64) {
        self.selected().map_or((0, 0), |r| {
            let shown = r.shown(self.filter());
            (shown, r.total().saturating_sub(shown))
        })
    }

    // The last frame the filters show on the selected connection; 0 when none.
    fn last_frame(&self) -> usize {
        let (shown, _) = self.frames_shown_hidden();
        usize::try_from(shown.saturating_sub(1)).unwrap_or(usize::MAX)
    }

    /// Frames captured since the pause.
    pub fn new_frames(&self) -> Option<u64> {
        self.paused.map(|at| self.live_frames.saturating_sub(at))
    }

    /// The pane shown.
    pub fn pane(&self) -> Pane {
        self.panes[self.pane % self.panes.len()]
    }

    /// Applies a key; returns what to do.
    fn key(&mut self, key: Key) -> Vec<Effect> {
        if key == Key::CtrlC {
            return vec![Effect::Quit];
        }
        if self.help {
            self.help = false;
            return Vec::new();
        }
        if self.typing {
            self.search(key);
            return Vec::new();
        }
        match key {
            Key::Char('q') => return vec![Effect::Quit],
            Key::Char('s') => return vec![Effect::Save],
            Key::Char('?') => self.help = true,
            Key::Char('/') => {
                self.typing = true;
                self.query.clear();
            }
            Key::Esc => self.query.clear(),
            Key::Tab | Key::BackTab => {
                self.focus = match self.focus {
                    Focus::List => Focus::Pane,
                    Focus::Pane => Focus::List,
                };
            }
            Key::Char(']') => self.pane_step(1),
            Key::Char('[') => self.pane_step(-1),
            Key::Char('f') => {
                self.follow = !self.follow;
                if !self.follow {
                    self.unfollow();
                }
            }
            Key::Char('p') => {
                self.paused = match self.paused {
                    Some(_) => None,
                    None => Some(self.live_frames),
                };
            }
            Key::Char('d') => {
                self.dir = match self.dir {
                    DirFilter::Both => DirFilter::Up,
                    DirFilter::Up => DirFilter::Down,
                    DirFilter::Down => DirFilter::Both,
                };
                self.refilter();
            }
            Key::Char('o') => {
                self.kind = match self.kind {
                    KindFilter::All => KindFilter::Data,
                    KindFilter::Data => KindFilter::Control,
                    KindFilter::Control => KindFilter::Close,
                    KindFilter::Close => KindFilter::All,
                };
                self.refilter();
            }
            Key::Up | Key::Char('k') => self.step(-1),
            Key::Down | Key::Char('j') => self.step(1),
            Key::Left | Key::Char('h') => self.cursor = self.cursor.saturating_sub(1),
            Key::Right | Key::Char('l') => self.cursor = self.cursor.saturating_add(1),
            _ => {}
        }
        Vec::new()
    }

    fn search(&mut self, key: Key) {
        match key {
            Key::Char(c) if self.query.chars().count() < 256 => self.query.push(c),
            Key::Backspace => {
                self.query.pop();
            }
            Key::Enter => self.typing = false,
            Key::Esc => {
                self.typing = false;
                self.query.clear();
            }
            _ => {}
        }
    }

    // Browsing by hand starts from what was shown while following.
    fn unfollow(&mut self) {
        self.follow = false;
        if let Some(id) = self.selected().map(|r| r.id) {
            self.chosen = Some(id);
            self.frame = self.last_frame();
        }
    }

    // The selection counts the frames shown: fewer of them may leave it past the end, where
    // keys would pile up unseen.
    fn refilter(&mut self) {
        self.frame = self.frame.min(self.last_frame());
        self.cursor = 0;
    }

    fn step(&mut self, by: isize) {
        if self.follow {
            self.unfollow();
        }
        match self.focus {
            Focus::Pane => {
                self.frame = self.frame.saturating_add_signed(by).min(self.last_frame());
                self.cursor = 0;
            }
            Focus::List => {
                let visible = self.visible();
                let at = self
                    .chosen
                    .and_then(|id| visible.iter().position(|r| r.id == id))
                    .unwrap_or(visible.len().saturating_sub(1));
                let to = at
                    .saturating_add_signed(by)
                    .min(visible.len().saturating_sub(1));
                self.chosen = visible.get(to).map(|r| r.id);
                self.frame = 0;
                self.cursor = 0;
            }
        }
    }

    fn pane_step(&mut self, by: isize) {
        let n = self.panes.len().cast_signed();
        self.pane = usize::try_from((self.pane.cast_signed() + by).rem_euclid(n)).unwrap_or(0);
        self.cursor = 0;
    }
}

/// Applies `msg` to the view; returns what the event loop must do.
pub fn update(view: &mut ProxyView, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => {
            let effects = view.key(key);
            // A search, a filter or an unpause changes what the rows show of the capture the
            // view already holds: take it in again now, not at the next traffic.
            view.refresh(Arc::clone(&view.capture));
            effects
        }
        Msg::Captured(capture) => {
            view.refresh(capture);
            Vec::new()
        }
        Msg::Status(said) => {
            view.status = Some(said);
            Vec::new()
        }
    }
}

#[cfg(test)]
#[path = "proxy_view_tests.rs"]
mod tests;
