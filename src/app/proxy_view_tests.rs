use super::*;
use crate::capture::{Direction, Limits};
use crate::proto::OpCode;
use crate::proto::encode::{FrameSpec, encode};

const REQUEST: &[u8] = b"GET /a HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const RESPONSE: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

// A text frame each way, at `at` µs.
fn exchange(t: &mut Transcript, conn: ConnId, at: u64) {
    let up = encode(FrameSpec::new(OpCode::Text, Some([1, 2, 3, 4])), b"hi");
    t.record(conn, Direction::ClientToServer, at, &up);
    let down = encode(FrameSpec::new(OpCode::Text, None), b"hi");
    t.record(conn, Direction::ServerToClient, at + 1, &down);
}

fn row(id: u64, target: &str, up: u64, down: u64) -> Row {
    Row {
        id: ConnId(id),
        client: format!("127.0.0.1:{}", 5000 + id),
        target: target.to_owned(),
        open: true,
        frames: [[up, 0, 0], [down, 0, 0]],
        violations: 0,
        error: None,
        text_hit: false,
        arrived: 0,
    }
}

fn view(rows: Vec<Row>) -> ProxyView {
    let mut w = ProxyView::new("proxy").with_tls(true);
    w.live_frames = rows.iter().map(Row::total).sum();
    w.rows = rows;
    w
}

fn typed(w: &mut ProxyView, text: &str) {
    for c in text.chars() {
        w.key(Key::Char(c));
    }
}

#[test]
fn following_shows_the_newest_and_arrows_choose_by_hand() {
    let mut w = view(vec![
        row(1, "/a", 1, 1),
        row(2, "/b", 2, 2),
        row(3, "/c", 0, 0),
    ]);
    assert_eq!(w.selected().map(|r| r.id), Some(ConnId(3)));
    assert_eq!(w.frame_shown(), usize::MAX, "the newest frame");
    w.key(Key::Up);
    assert!(!w.follow);
    assert_eq!(w.selected().map(|r| r.id), Some(ConnId(2)));
    w.key(Key::Up);
    w.key(Key::Up);
    assert_eq!(
        w.selected().map(|r| r.id),
        Some(ConnId(1)),
        "stops at the top"
    );
    w.key(Key::Char('f'));
    assert!(w.follow);
    assert_eq!(w.selected().map(|r| r.id), Some(ConnId(3)));
}

#[test]
fn tab_gives_the_arrows_to_the_frames() {
    let mut w = view(vec![row(1, "/a", 2, 2)]);
    w.key(Key::Tab);
    assert_eq!(w.focus, Focus::Pane);
    w.key(Key::Up);
    assert_eq!(w.frame, 2, "from the last of four frames, one up");
    w.key(Key::Right);
    w.key(Key::Right);
    assert_eq!(w.cursor, 2);
    w.key(Key::Down);
    assert_eq!((w.frame, w.cursor), (3, 0));
    w.key(Key::Char(']'));
    assert_eq!(w.pane(), Pane::Fields);
    w.key(Key::Char('['));
    w.key(Key::Char('['));
    assert_eq!(
        w.pane(),
        Pane::Tls,
        "round to the last pane: each side's TLS records"
    );
    w.key(Key::Tab);
    assert_eq!(w.focus, Focus::List);
}

#[test]
fn a_search_filters_the_list_and_esc_clears_it() {
    let mut w = view(vec![row(1, "/chat", 1, 1), row(2, "/echo", 1, 1)]);
    w.rows[0].text_hit = false;
    w.key(Key::Char('/'));
    typed(&mut w, "echo");
    assert!(w.typing);
    assert_eq!(w.key(Key::Char('q')), [], "q is typed, not quit");
    w.key(Key::Backspace);
    assert_eq!(w.visible().len(), 1);
    assert_eq!(w.visible()[0].id, ConnId(2));
    w.key(Key::Enter);
    assert!(!w.typing);
    w.key(Key::Esc);
    assert_eq!(w.visible().len(), 2);
    w.key(Key::Char('/'));
    typed(&mut w, "5001");
    assert_eq!(w.visible()[0].id, ConnId(1), "the client's address matches");
    w.key(Key::Esc);
    assert!(w.query.is_empty() && !w.typing);
}

#[test]
fn pause_freezes_the_list_and_counts_new_frames() {
    let mut w = view(vec![row(1, "/a", 1, 1)]);
    w.key(Key::Char('p'));
    assert_eq!(w.new_frames(), Some(0));
    // What a refresh does while paused: the live count moves, the rows stay.
    w.live_frames = 7;
    assert_eq!(w.new_frames(), Some(5));
    assert_eq!(w.rows[0].total(), 2);
    assert_eq!(
        w.frame_shown(),
        1,
        "the last frame at the pause, not the tail"
    );
    w.key(Key::Char('p'));
    assert_eq!(w.new_frames(), None);
}

#[test]
fn pause_holds_the_panes_at_the_frames_that_had_come() {
    let mut t = Transcript::new(Limits::default());
    let (conn, _) = t.open("c", None, None, 0).expect("room");
    t.record(conn, Direction::ClientToServer, 1, REQUEST);
    t.record(conn, Direction::ServerToClient, 2, RESPONSE);
    exchange(&mut t, conn, 10);
    let mut w = ProxyView::new("proxy");
    w.refresh(Arc::new(Snapshot::of(&t)));
    assert_eq!(w.filter().upto, None, "live: every frame");
    w.key(Key::Char('p'));
    exchange(&mut t, conn, 20);
    exchange(&mut t, conn, 30);
    w.refresh(Arc::new(Snapshot::of(&t)));
    assert_eq!(w.filter().upto, Some([1, 1]), "one frame each way had come");
    assert_eq!(w.rows[0].arrived, 4);
    assert_eq!(
        w.frames_shown_hidden(),
        (2, 0),
        "the new frames are not hidden, not yet"
    );
    w.key(Key::Tab);
    w.key(Key::Down);
    w.key(Key::Down);
    assert_eq!(
        w.frame, 1,
        "the selection stops at the last frame of the pause"
    );
    let filter = w.filter();
    assert!(filter.had_come(Direction::ServerToClient, 0));
    assert!(!filter.had_come(Direction::ServerToClient, 1));
    w.key(Key::Char('p'));
    w.refresh(Arc::new(Snapshot::of(&t)));
    assert_eq!(w.filter().upto, None);
    assert_eq!(w.rows[0].arrived, 0);
    w.key(Key::Down);
    assert_eq!(w.frame, 2, "live again: the new frames can be chosen");
}

#[test]
fn filters_cycle_and_choose_the_counts() {
    let mut w = view(vec![Row {
        frames: [[3, 1, 1], [2, 1, 0]],
        ..row(1, "/a", 0, 0)
    }]);
    let r = w.rows[0].clone();
    assert_eq!(r.count(Direction::ClientToServer, w.kind), 5);
    w.key(Key::Char('o'));
    assert_eq!(w.kind, KindFilter::Data);
    assert_eq!(r.count(Direction::ServerToClient, w.kind), 2);
    w.key(Key::Char('o'));
    w.key(Key::Char('o'));
    assert_eq!(r.count(Direction::ClientToServer, w.kind), 1, "close");
    w.key(Key::Char('o'));
    assert_eq!(w.kind, KindFilter::All);
    for expected in [DirFilter::Up, DirFilter::Down, DirFilter::Both] {
        w.key(Key::Char('d'));
        assert_eq!(w.dir, expected);
    }
}

#[test]
fn the_frame_selection_moves_over_the_frames_the_filters_show() {
    // Up: 3 data, 1 control, 1 close; down: 2 data, 1 control.
    let mut w = view(vec![Row {
        frames: [[3, 1, 1], [2, 1, 0]],
        ..row(1, "/a", 0, 0)
    }]);
    assert_eq!(w.frames_shown_hidden(), (8, 0));
    w.key(Key::Tab);
    w.key(Key::Up);
    assert_eq!(w.frame, 6, "one up from the last of eight");
    w.key(Key::Char('o'));
    assert_eq!(w.frames_shown_hidden(), (5, 3));
    assert_eq!(w.frame, 4, "clamped to the last data frame");
    w.key(Key::Down);
    w.key(Key::Down);
    assert_eq!(w.frame, 4, "keys past the end do not pile up");
    w.key(Key::Char('d'));
    assert_eq!(w.frames_shown_hidden(), (3, 5), "the client's data frames");
    assert_eq!(w.frame, 2);
    w.key(Key::Up);
    w.key(Key::Up);
    w.key(Key::Up);
    assert_eq!(w.frame, 0, "stops at the first");
    w.key(Key::Char('o'));
    w.key(Key::Char('o'));
    assert_eq!(
        w.filter().describe().as_deref(),
        Some("client→server close only")
    );
    assert_eq!(w.frames_shown_hidden(), (1, 7));
    w.key(Key::Char('f'));
    assert_eq!(w.frame_shown(), usize::MAX, "following: the last shown");
    w.key(Key::Char('p'));
    assert_eq!(w.frame_shown(), 0, "paused: the last shown at the pause");
}

#[test]
fn help_save_and_quit() {
    let mut w = view(Vec::new());
    w.key(Key::Char('?'));
    assert!(w.help);
    assert_eq!(w.key(Key::Char('q')), [], "a key closes the help first");
    assert!(!w.help);
    assert_eq!(w.key(Key::Char('s')), [Effect::Save]);
    assert_eq!(w.key(Key::Char('q')), [Effect::Quit]);
    let mut w = view(Vec::new());
    w.key(Key::Char('/'));
    assert_eq!(w.key(Key::CtrlC), [Effect::Quit], "even while typing");
}

#[test]
fn the_byte_cursor_stops_at_the_selected_frame_s_last_byte() {
    let mut t = Transcript::new(Limits::default());
    let (conn, _) = t.open("c", None, None, 0).expect("room");
    t.record(conn, Direction::ClientToServer, 1, REQUEST);
    t.record(conn, Direction::ServerToClient, 2, RESPONSE);
    exchange(&mut t, conn, 10);
    let mut w = ProxyView::new("proxy");
    w.refresh(Arc::new(Snapshot::of(&t)));
    // Following: the newest frame is selected.
    w.key(Key::Tab);
    for _ in 0..30 {
        w.key(Key::Right);
        w.refresh(Arc::new(Snapshot::of(&t)));
    }
    // The newest frame, the server's "hi": 2 bytes of header and 2 of payload.
    assert_eq!(w.cursor, 3);
    w.key(Key::Left);
    assert_eq!(w.cursor, 2, "one key back is one byte back");
    // The client's masked "hi" is 8 bytes long: browsing to it, the cursor can go further.
    w.key(Key::Up);
    for _ in 0..30 {
        w.key(Key::Right);
        w.refresh(Arc::new(Snapshot::of(&t)));
    }
    assert_eq!((w.frame, w.cursor), (0, 7));
}

#[test]
fn without_tls_on_either_side_there_is_no_tls_pane() {
    let mut w = ProxyView::new("proxy");
    w.key(Key::Tab);
    w.key(Key::Char('['));
    assert_eq!(
        w.pane(),
        Pane::Timeline,
        "back from the first pane to the last one offered"
    );
    assert!(!w.panes.contains(&Pane::Tls));
}
