//! `wslab inspect URL`: an interactive client console. The state and its [`update`], in the
//! same shape as the lessons': messages in (keys, connection events, snapshots of the
//! capture), effects out (connect, send, save, quit), no I/O.

use std::sync::Arc;

use super::craft::{self, RawPreview};
use super::keymap::Key;
use crate::capture::{ConnId, Direction, Snapshot, Transcript};
use crate::lesson::model::Pane;
use crate::proto::OpCode;
use crate::proto::craft::CraftError;
use crate::proto::send::{Kind, Send, SendError};
use crate::render::reaction::closed_with;

/// The panes of a live view of one connection, the inspector's and the proxy's, in tab order:
/// the last is the TLS layer, which only a view with TLS on some side shows (see [`panes`]).
pub const PANES: [Pane; 6] = [
    Pane::Frames,
    Pane::Fields,
    Pane::Heads,
    Pane::Accept,
    Pane::Timeline,
    Pane::Tls,
];

/// The panes a live view offers: the `tls` pane only where TLS is on the wire, since on a
/// plain ws:// connection it could only ever say that there are no records.
pub fn panes(tls: bool) -> &'static [Pane] {
    if tls {
        &PANES
    } else {
        &PANES[..PANES.len() - 1]
    }
}

/// Whether `url` is one TLS carries: a wss:// URL, read as the client reads it.
fn is_tls_url(url: &str) -> bool {
    crate::proto::url::parse(url).is_ok_and(|u| u.secure)
}

/// What the composer sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendKind {
    /// A text message.
    Text,
    /// A binary message, typed as hex.
    Binary,
    /// A ping with the typed payload.
    Ping,
    /// An unsolicited pong with the typed payload.
    Pong,
    /// A close frame: "1000 reason".
    Close,
    /// One text message in fragments, split at each `|`.
    Fragments,
    /// Bytes crafted by hand, as hex or fields (`proto::craft`), sent as they are.
    Raw,
}

impl SendKind {
    const ALL: [SendKind; 7] = [
        SendKind::Text,
        SendKind::Binary,
        SendKind::Ping,
        SendKind::Pong,
        SendKind::Close,
        SendKind::Fragments,
        SendKind::Raw,
    ];

    /// Its name on screen.
    pub fn name(self) -> &'static str {
        match self {
            SendKind::Text => "text",
            SendKind::Binary => "binary (hex)",
            SendKind::Ping => "ping",
            SendKind::Pong => "pong",
            SendKind::Close => "close (code reason)",
            SendKind::Fragments => "fragments (a|b|c)",
            SendKind::Raw => "raw (hex or fields)",
        }
    }

    fn step(self, by: isize) -> Self {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        let n = Self::ALL.len().cast_signed();
        Self::ALL[usize::try_from((i.cast_signed() + by).rem_euclid(n)).unwrap_or(0)]
    }
}

/// Where the connection is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Connecting and shaking hands.
    Connecting,
    /// Open; the subprotocol the server chose, if any.
    Open(Option<String>),
    /// Over: what happened, in one sentence.
    Closed(String),
}

/// What the console asks the terminal loop to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Connect (again).
    Connect,
    /// Send this, checked against the protocol's rules already.
    Send(Send),
    /// Write these bytes on the socket as they are, past the WebSocket library; then give
    /// the console fresh keys ([`Msg::Keys`]) for the next crafted frames.
    SendRaw(Vec<u8>),
    /// Write the capture to a file (pcap for Wireshark, and HAR).
    Save,
    /// Leave.
    Quit,
}

/// What happens to the console: keys, the connection's news, and the capture's snapshots.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key.
    Key(Key),
    /// The handshake is done.
    Opened {
        /// The connection in the transcript.
        conn: Option<ConnId>,
        /// The subprotocol the server chose.
        protocol: Option<String>,
    },
    /// The connection did not open, or ended: why.
    Closed {
        /// The connection in the transcript, if it opened one.
        conn: Option<ConnId>,
        /// What happened.
        why: String,
    },
    /// The capture changed: the terminal loop took a new snapshot of it.
    Captured(Arc<Snapshot>),
    /// One sentence to show: why a send could not be made, or where a save went.
    Status(String),
    /// The terminal's size.
    Resize(u16, u16),
    /// Fresh masking keys for the raw composer's frames, [`craft::KEYS`] of them, from the
    /// system's random source: the console holds no source of its own.
    Keys(Vec<[u8; 4]>),
}

/// Where the keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// Typing a message.
    Composer,
    /// Browsing the capture.
    Pane,
}

/// The inspector's state.
#[derive(Debug, Clone)]
pub struct Inspector {
    /// The URL, as given.
    pub url: String,
    /// The connection's state.
    pub link: Link,
    /// The connections made, oldest first; the last is shown.
    pub conns: Vec<ConnId>,
    /// The pane shown, in [`Inspector::panes`].
    pub pane: usize,
    /// Where the keys go.
    pub focus: Focus,
    /// The selected frame or line.
    pub selected: usize,
    /// The byte cursor in the selected frame.
    pub cursor: usize,
    /// Follow new frames as they come.
    pub follow: bool,
    /// What the composer sends.
    pub kind: SendKind,
    /// The composer's text.
    pub draft: String,
    /// The masking keys the raw composer's frames take, in order, unless they give `mask=`.
    pub keys: Vec<[u8; 4]>,
    /// The byte cursor in the frame the raw composer's preview takes apart.
    pub raw_cursor: usize,
    /// One line for the user.
    pub status: Option<String>,
    /// The help overlay is up.
    pub help: bool,
    /// Set once the console should end.
    pub quit: bool,
    /// The terminal's size.
    pub size: (u16, u16),
    /// The capture as last taken: what the panes draw.
    pub capture: Arc<Snapshot>,
}

impl Inspector {
    /// A console for `url`, connecting.
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            link: Link::Connecting,
            conns: Vec::new(),
            pane: 0,
            focus: Focus::Composer,
            selected: 0,
            cursor: 0,
            follow: true,
            kind: SendKind::Text,
            draft: String::new(),
            keys: Vec::new(),
            raw_cursor: 0,
            status: None,
            help: false,
            quit: false,
            size: (80, 24),
            capture: Arc::default(),
        }
    }

    fn key(&mut self, key: Key) -> Vec<Effect> {
        if key == Key::CtrlC {
            self.quit = true;
            return vec![Effect::Quit];
        }
        if self.help {
            self.help = false;
            return Vec::new();
        }
        match self.focus {
            Focus::Composer => self.composing(key),
            Focus::Pane => self.browsing(key),
        }
    }

    fn composing(&mut self, key: Key) -> Vec<Effect> {
        match key {
            // The title offers R once the connection is closed, so R works from here too.
            // Typing has no use then (Enter cannot send), and the draft stays for later.
            Key::Char('R') if matches!(self.link, Link::Closed(_)) => return self.reconnect(),
            Key::Char(c) if self.draft.chars().count() < 4096 => self.draft.push(c),
            Key::Backspace => {
                self.draft.pop();
            }
            Key::Up => self.kind = self.kind.step(-1),
            Key::Down => self.kind = self.kind.step(1),
            // The preview's byte cursor: the draft itself is edited at its end only.
            Key::Left if self.kind == SendKind::Raw => {
                self.raw_cursor = self.raw_cursor.saturating_sub(1);
            }
            Key::Right if self.kind == SendKind::Raw => {
                self.raw_cursor = self.raw_cursor.saturating_add(1);
            }
            Key::Tab | Key::Esc => self.focus = Focus::Pane,
            Key::Enter => {
                if !matches!(self.link, Link::Open(_)) {
                    self.status = Some("Not connected: R reconnects.".to_owned());
                    return Vec::new();
                }
                if self.kind == SendKind::Raw {
                    return self.send_raw();
                }
                // What cannot be sent is said, and the draft stays for the user to mend.
                match parse_send(self.kind, &self.draft) {
                    Ok(send) => {
                        self.draft.clear();
                        self.follow = true;
                        self.status = None;
                        return vec![Effect::Send(send)];
                    }
                    Err(why) => self.status = Some(why),
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// Enter in the raw composer: the previewed bytes go, or the sentence that says why not
    /// stays with the draft. The keys they used are spent.
    fn send_raw(&mut self) -> Vec<Effect> {
        match craft::preview(&self.draft, &self.keys) {
            Ok(preview) => {
                self.draft.clear();
                self.keys.clear();
                self.raw_cursor = 0;
                self.follow = true;
                self.status = None;
                vec![Effect::SendRaw(preview.crafted.bytes)]
            }
            Err(why) => {
                self.status = Some(why.to_string());
                Vec::new()
            }
        }
    }

    /// What the raw composer would send, read back; `None` unless it is the kind chosen
    /// and something is typed.
    pub fn raw_preview(&self) -> Option<Result<RawPreview, CraftError>> {
        (self.kind == SendKind::Raw && !self.draft.trim().is_empty())
            .then(|| craft::preview(&self.draft, &self.keys))
    }

    fn browsing(&mut self, key: Key) -> Vec<Effect> {
        match key {
            Key::Char('q') => {
                self.quit = true;
                return vec![Effect::Quit];
            }
            Key::Char('?') => self.help = true,
            Key::Char('s') => return vec![Effect::Save],
            Key::Tab | Key::Char('i') => self.focus = Focus::Composer,
            Key::Char(']') => self.pane_step(1),
            Key::Char('[') | Key::BackTab => self.pane_step(-1),
            Key::Up | Key::Char('k') => {
                self.selected = self.selected.saturating_sub(1);
                self.cursor = 0;
                self.follow = false;
            }
            Key::Down | Key::Char('j') => {
                self.selected = self.selected.saturating_add(1);
                self.cursor = 0;
            }
            Key::Home | Key::Char('g') => {
                self.selected = 0;
                self.follow = false;
            }
            Key::End | Key::Char('G' | 'f') => self.follow = true,
            Key::Left | Key::Char('h') => self.cursor = self.cursor.saturating_sub(1),
            Key::Right | Key::Char('l') => self.cursor = self.cursor.saturating_add(1),
            Key::Char('R') if matches!(self.link, Link::Closed(_)) => return self.reconnect(),
            _ => {}
        }
        Vec::new()
    }

    fn reconnect(&mut self) -> Vec<Effect> {
        self.link = Link::Connecting;
        self.status = None;
        vec![Effect::Connect]
    }

    fn pane_step(&mut self, by: isize) {
        let n = self.panes().len().cast_signed();
        self.pane = usize::try_from((self.pane.cast_signed() + by).rem_euclid(n)).unwrap_or(0);
        self.selected = 0;
        self.cursor = 0;
    }

    fn event(&mut self, msg: Msg) {
        match msg {
            Msg::Key(_) => {}
            Msg::Opened { conn, protocol } => {
                self.conns.extend(conn);
                self.link = Link::Open(protocol);
                self.status = None;
            }
            Msg::Closed { conn, why } => {
                if let Some(conn) = conn
                    && !self.conns.contains(&conn)
                {
                    self.conns.push(conn);
                }
                self.link = Link::Closed(why);
            }
            Msg::Captured(capture) => self.capture = capture,
            Msg::Status(said) => self.status = Some(said),
            Msg::Resize(w, h) => self.size = (w, h),
            Msg::Keys(keys) => self.keys = keys,
        }
    }

    /// Keeps the selection and the byte cursor within what the pane shows of the capture, so
    /// that keys pressed past the end do not pile up where nothing shows them. Following,
    /// the selection is the last row anyway.
    fn clamp(&mut self) {
        if let Some(Ok(preview)) = self.raw_preview() {
            self.raw_cursor = self.raw_cursor.min(preview.last_cursor());
        }
        let extent = self.conn().and_then(|conn| {
            let c = self.capture.connection(conn)?;
            super::pane_extent(self.pane(), &[c], self.selected)
        });
        self.clamp_to(extent);
    }

    /// [`Self::clamp`] to a pane of `rows` rows whose selected frame ends at byte `cursor`.
    fn clamp_to(&mut self, extent: Option<(usize, Option<usize>)>) {
        let Some((rows, cursor)) = extent else {
            return;
        };
        let last = rows.saturating_sub(1);
        // Following, the last row is the one shown: browsing starts from there.
        self.selected = if self.follow {
            last
        } else {
            self.selected.min(last)
        };
        if let Some(end) = cursor {
            self.cursor = self.cursor.min(end);
        }
    }

    /// The connection shown: the newest.
    pub fn conn(&self) -> Option<ConnId> {
        self.conns.last().copied()
    }

    /// The panes offered: the `tls` pane only for a wss:// URL.
    pub fn panes(&self) -> &'static [Pane] {
        panes(is_tls_url(&self.url))
    }

    /// The pane shown.
    pub fn pane(&self) -> Pane {
        let panes = self.panes();
        panes[self.pane % panes.len()]
    }
}

/// What the composer's text means for its kind.
///
/// # Errors
/// Why it cannot be sent, in one sentence that names the rule.
pub fn parse_send(kind: SendKind, text: &str) -> Result<Send, String> {
    let kind = match kind {
        SendKind::Text => Kind::Text,
        SendKind::Binary => Kind::Binary,
        SendKind::Ping => Kind::Ping,
        SendKind::Pong => Kind::Pong,
        SendKind::Close => Kind::Close,
        SendKind::Fragments => Kind::Fragments,
        // Crafted bytes are no message: `craft::preview` reads them, and Enter sends them.
        SendKind::Raw => {
            return Err(
                "raw bytes are not a message; the raw composer sends them as they are".into(),
            );
        }
    };
    Send::parse(kind, text).map_err(|e| match e {
        SendError::NotHex(e) => format!("that is not hex: {e}"),
        e @ SendError::TooFewFragments { .. } => format!("{e}; separate them with |"),
        e => e.to_string(),
    })
}

/// How connection `conn` ended, in the words of the last close frame the server sent, read
/// from the capture.
pub fn close_wording(t: &Transcript, conn: Option<ConnId>) -> String {
    let Some(c) = conn.and_then(|conn| t.connection(conn)) else {
        return "the connection closed".to_owned();
    };
    c.flow(Direction::ServerToClient)
        .frames
        .iter()
        .rev()
        .find(|f| f.item.header.opcode() == OpCode::Close)
        .map_or_else(
            || "the server hung up without a close frame".to_owned(),
            |f| closed_with(&f.item),
        )
}

/// Applies `msg` to the console; returns what the terminal loop must do.
pub fn update(inspector: &mut Inspector, msg: Msg) -> Vec<Effect> {
    let effects = match msg {
        Msg::Key(key) => inspector.key(key),
        other => {
            inspector.event(other);
            Vec::new()
        }
    };
    inspector.clamp();
    effects
}

#[cfg(test)]
#[path = "inspect_tests.rs"]
mod tests;
