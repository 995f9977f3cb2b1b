//! `wslab inspect URL`: an interactive client console. The state and its [`update`], in the
//! same shape as the lessons': messages in (keys, connection events, snapshots of the
//! capture), effects out (connect, send, save, quit), no I/O.

use std::sync::Arc;

use super::keymap::Key;
use crate::capture::{ConnId, Direction, Snapshot, Transcript};
use crate::lesson::model::Pane;
use crate::proto::OpCode;
use crate::proto::send::{Kind, Send, SendError};
use crate::render::reaction::closed_with;

/// The panes of a live view of plain connections (the proxy's), in tab order.
pub const PANES: [Pane; 5] = [
    Pane::Frames,
    Pane::Fields,
    Pane::Heads,
    Pane::Accept,
    Pane::Timeline,
];

/// The inspector's panes: those, and the TLS layer, which a wss:// URL has.
pub const INSPECT_PANES: [Pane; 6] = [
    Pane::Frames,
    Pane::Fields,
    Pane::Heads,
    Pane::Accept,
    Pane::Timeline,
    Pane::Tls,
];

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
}

impl SendKind {
    const ALL: [SendKind; 6] = [
        SendKind::Text,
        SendKind::Binary,
        SendKind::Ping,
        SendKind::Pong,
        SendKind::Close,
        SendKind::Fragments,
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
    /// The pane shown, in [`INSPECT_PANES`].
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
            Key::Char(c) if self.draft.chars().count() < 4096 => self.draft.push(c),
            Key::Backspace => {
                self.draft.pop();
            }
            Key::Up => self.kind = self.kind.step(-1),
            Key::Down => self.kind = self.kind.step(1),
            Key::Tab | Key::Esc => self.focus = Focus::Pane,
            Key::Enter => {
                if !matches!(self.link, Link::Open(_)) {
                    self.status = Some("Not connected: Tab, then R reconnects.".to_owned());
                    return Vec::new();
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
            Key::Char('R') if matches!(self.link, Link::Closed(_)) => {
                self.link = Link::Connecting;
                self.status = None;
                return vec![Effect::Connect];
            }
            _ => {}
        }
        Vec::new()
    }

    fn pane_step(&mut self, by: isize) {
        let n = INSPECT_PANES.len().cast_signed();
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
        }
    }

    /// Keeps the selection and the byte cursor within what the pane shows of the capture, so
    /// that keys pressed past the end do not pile up where nothing shows them. Following,
    /// the selection is the last row anyway.
    fn clamp(&mut self) {
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

    /// The pane shown.
    pub fn pane(&self) -> Pane {
        INSPECT_PANES[self.pane % INSPECT_PANES.len()]
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
mod tests {
    use super::*;

    fn typed(i: &mut Inspector, text: &str) {
        for c in text.chars() {
            update(i, Msg::Key(Key::Char(c)));
        }
    }

    #[test]
    fn the_composer_sends_what_was_typed_once_connected() {
        let mut i = Inspector::new("ws://x/echo");
        typed(&mut i, "hi");
        assert!(
            update(&mut i, Msg::Key(Key::Enter)).is_empty(),
            "not connected yet"
        );
        assert!(
            i.status
                .as_deref()
                .unwrap_or_default()
                .contains("Not connected")
        );
        update(
            &mut i,
            Msg::Opened {
                conn: Some(ConnId(1)),
                protocol: None,
            },
        );
        assert_eq!(
            update(&mut i, Msg::Key(Key::Enter)),
            [Effect::Send(Send::Text("hi".into()))]
        );
        assert!(i.draft.is_empty());
        update(&mut i, Msg::Key(Key::Down));
        typed(&mut i, "de ad");
        assert_eq!(
            update(&mut i, Msg::Key(Key::Enter)),
            [Effect::Send(Send::Binary(vec![0xde, 0xad]))]
        );
        update(&mut i, Msg::Key(Key::Up));
        update(&mut i, Msg::Key(Key::Up));
        assert_eq!(i.kind, SendKind::Fragments, "the kinds wrap around");
    }

    #[test]
    fn q_types_in_the_composer_and_quits_in_the_pane() {
        let mut i = Inspector::new("ws://x/");
        assert!(update(&mut i, Msg::Key(Key::Char('q'))).is_empty());
        assert_eq!(i.draft, "q");
        update(&mut i, Msg::Key(Key::Tab));
        assert_eq!(update(&mut i, Msg::Key(Key::Char('q'))), [Effect::Quit]);
        assert!(i.quit);
    }

    #[test]
    fn s_saves_from_the_capture_and_types_in_the_composer() {
        let mut i = Inspector::new("ws://x/");
        assert!(
            update(&mut i, Msg::Key(Key::Char('s'))).is_empty(),
            "a letter in the composer"
        );
        update(&mut i, Msg::Key(Key::Tab));
        assert_eq!(update(&mut i, Msg::Key(Key::Char('s'))), [Effect::Save]);
    }

    #[test]
    fn a_closed_connection_offers_to_reconnect() {
        let mut i = Inspector::new("ws://x/");
        update(
            &mut i,
            Msg::Opened {
                conn: Some(ConnId(1)),
                protocol: Some("chat".into()),
            },
        );
        update(
            &mut i,
            Msg::Closed {
                conn: Some(ConnId(1)),
                why: "the server reset the connection".into(),
            },
        );
        update(&mut i, Msg::Key(Key::Tab));
        assert_eq!(update(&mut i, Msg::Key(Key::Char('R'))), [Effect::Connect]);
        assert_eq!(i.link, Link::Connecting);
        update(
            &mut i,
            Msg::Opened {
                conn: Some(ConnId(2)),
                protocol: None,
            },
        );
        assert_eq!(i.conn(), Some(ConnId(2)), "the newest connection is shown");
        // R does nothing while connected.
        assert!(update(&mut i, Msg::Key(Key::Char('R'))).is_empty());
    }

    #[test]
    fn panes_cycle_and_browsing_stops_following() {
        let mut i = Inspector::new("ws://x/");
        update(&mut i, Msg::Key(Key::Tab));
        assert_eq!(i.pane(), Pane::Frames);
        update(&mut i, Msg::Key(Key::Char(']')));
        assert_eq!(i.pane(), Pane::Fields);
        update(&mut i, Msg::Key(Key::Char('[')));
        update(&mut i, Msg::Key(Key::Char('[')));
        assert_eq!(
            i.pane(),
            Pane::Tls,
            "back past the first pane wraps to the last"
        );
        update(&mut i, Msg::Key(Key::Char('[')));
        assert_eq!(i.pane(), Pane::Timeline);
        update(&mut i, Msg::Key(Key::Up));
        assert!(!i.follow);
        update(&mut i, Msg::Key(Key::Char('f')));
        assert!(i.follow);
    }

    #[test]
    fn keys_past_the_end_do_not_pile_up() {
        let mut i = Inspector::new("ws://x/");
        update(&mut i, Msg::Key(Key::Tab));
        // Following a capture of 5 frames: the last one is selected, and Up goes one back.
        i.clamp_to(Some((5, Some(10))));
        assert_eq!(i.selected, 4);
        update(&mut i, Msg::Key(Key::Up));
        assert_eq!((i.selected, i.follow), (3, false));
        for _ in 0..20 {
            update(&mut i, Msg::Key(Key::Down));
            i.clamp_to(Some((5, Some(10))));
        }
        for _ in 0..20 {
            update(&mut i, Msg::Key(Key::Right));
            i.clamp_to(Some((5, Some(10))));
        }
        assert_eq!(
            (i.selected, i.cursor),
            (4, 10),
            "at the last frame's last byte"
        );
        update(&mut i, Msg::Key(Key::Up));
        assert_eq!(i.selected, 3, "one key back is one frame back");
        // A pane of unknown length is left alone.
        i.clamp_to(None);
        assert_eq!(i.selected, 3);
    }

    #[test]
    fn the_composer_s_text_becomes_what_it_says() {
        assert_eq!(
            parse_send(SendKind::Text, "hi"),
            Ok(Send::Text("hi".into()))
        );
        assert_eq!(
            parse_send(SendKind::Binary, "de ad"),
            Ok(Send::Binary(vec![0xde, 0xad]))
        );
        assert_eq!(
            parse_send(SendKind::Close, "1001 going away"),
            Ok(Send::Close {
                code: 1001,
                reason: "going away".into()
            })
        );
        assert_eq!(
            parse_send(SendKind::Close, ""),
            Ok(Send::Close {
                code: 1000,
                reason: String::new()
            })
        );
        assert!(
            matches!(parse_send(SendKind::Fragments, "Hel|lo"), Ok(Send::Fragments { parts, .. }) if parts.len() == 2)
        );
    }

    #[test]
    fn what_cannot_be_sent_is_said_and_the_draft_stays() {
        let why = |k: SendKind, t: &str| parse_send(k, t).err().unwrap_or_default();
        let long = "p".repeat(126);
        assert!(why(SendKind::Binary, "zz").starts_with("that is not hex"));
        assert!(why(SendKind::Ping, &long).contains("at most 125 bytes (RFC 6455 §5.5)"));
        assert!(why(SendKind::Close, "bye").contains("is not a close code"));
        assert!(why(SendKind::Fragments, "one").contains("at least two"));
        let mut i = Inspector::new("ws://x/");
        update(
            &mut i,
            Msg::Opened {
                conn: Some(ConnId(1)),
                protocol: None,
            },
        );
        update(&mut i, Msg::Key(Key::Down));
        typed(&mut i, "zz");
        assert!(update(&mut i, Msg::Key(Key::Enter)).is_empty());
        assert_eq!(i.draft, "zz", "kept, to be mended");
        assert!(
            i.status
                .as_deref()
                .unwrap_or_default()
                .starts_with("that is not hex")
        );
    }

    #[test]
    fn the_close_is_worded_from_the_server_s_close_frame() {
        use crate::capture::Limits;
        use crate::proto::encode::{FrameSpec, close_payload, encode};
        let mut t = Transcript::new(Limits::default());
        let (conn, _) = t.open("inspect", None, None, 0).unwrap();
        assert_eq!(
            close_wording(&t, Some(conn)),
            "the server hung up without a close frame"
        );
        let request = b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        let response = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
        t.record(conn, Direction::ClientToServer, 1, request);
        t.record(conn, Direction::ServerToClient, 2, response);
        let close = encode(
            FrameSpec::new(OpCode::Close, None),
            &close_payload(1001, "going away"),
        );
        t.record(conn, Direction::ServerToClient, 3, &close);
        assert_eq!(
            close_wording(&t, Some(conn)),
            "closed with 1001 (Going Away) \"going away\""
        );
        assert_eq!(close_wording(&t, None), "the connection closed");
    }
}
