//! The Frames and Fields panes on ratatui's `TestBackend`, drawn from a capture made by hand: the
//! RFC 6455 §5.7 bytes after a handshake, a ping and its pong, a close each way, and a frame
//! that breaks a rule.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use wslab::app::filter::FrameFilter;
use wslab::capture::{ConnId, Connection, Direction, Limits, Transcript};
use wslab::lesson::Pane;
use wslab::lesson::model::{Action, Websocket};
use wslab::lesson::outcome::ActionRun;
use wslab::proto::OpCode;
use wslab::proto::encode::{FrameSpec, encode};
use wslab::ui::widgets::{self, PaneCtx};
use wslab::ui::{Theme, ThemeName};

use crate::fixture::{ACCEPT, MASK as KEY, SERVER, addr, client, request, switching};
use crate::screen::{self, text};

fn head() -> (Vec<u8>, Vec<u8>) {
    (request(SERVER, "/echo"), switching(ACCEPT))
}

/// The §5.7 exchange: "Hello" each way, a ping and its pong, a close each way.
fn exchange(t: &mut Transcript) -> ConnId {
    let (conn, _) = t
        .open("client", Some(client(50_312)), Some(addr(SERVER)), 1_000)
        .expect("room for a connection");
    let c = Direction::ClientToServer;
    let s = Direction::ServerToClient;
    let (request, response) = head();
    t.record(conn, c, 1_100, &request);
    t.record(conn, s, 1_450, &response);
    let hello = [
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];
    t.record(conn, c, 2_000, &hello);
    t.record(conn, s, 2_210, &[0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
    t.record(
        conn,
        c,
        3_000,
        &encode(FrameSpec::new(OpCode::Ping, Some(KEY)), b"hi"),
    );
    t.record(
        conn,
        s,
        3_180,
        &encode(FrameSpec::new(OpCode::Pong, None), b"hi"),
    );
    let close = [0x03, 0xe8, b'b', b'y', b'e'];
    t.record(
        conn,
        c,
        4_000,
        &encode(FrameSpec::new(OpCode::Close, Some(KEY)), &close),
    );
    t.record(
        conn,
        s,
        4_150,
        &encode(FrameSpec::new(OpCode::Close, None), &close[..2]),
    );
    conn
}

/// A client that forgets to mask (§5.1), then sends 100 bytes, more than the dump shows.
fn faulty(t: &mut Transcript) -> ConnId {
    let (conn, _) = t
        .open("fault", Some(client(50_320)), Some(addr(SERVER)), 0)
        .expect("room for a connection");
    let (request, response) = head();
    t.record(conn, Direction::ClientToServer, 100, &request);
    t.record(conn, Direction::ServerToClient, 300, &response);
    let unmasked = encode(FrameSpec::new(OpCode::Text, None), b"Hello");
    t.record(conn, Direction::ClientToServer, 900, &unmasked);
    let long: Vec<u8> = (0..100u8).collect();
    let binary = encode(FrameSpec::new(OpCode::Binary, Some(KEY)), &long);
    t.record(conn, Direction::ClientToServer, 1_500, &binary);
    conn
}

fn action() -> Action {
    Action::Websocket(Websocket {
        path: wslab::routes::Endpoint::Echo,
        key: None,
        protocols: Vec::new(),
        header: Vec::new(),
        mask: None,
        receive: None,
        send: Vec::new(),
        tls: false,
        deflate: None,
        panes: vec![Pane::Frames, Pane::Fields],
    })
}

/// What to draw: which pane, which frame, where the cursor is.
#[derive(Clone, Copy)]
struct View {
    pane: Pane,
    selected: usize,
    cursor: usize,
    focused: bool,
}

const FRAMES: View = View {
    pane: Pane::Frames,
    selected: 0,
    cursor: 0,
    focused: true,
};

fn render(t: &Transcript, ids: &[ConnId], view: View, width: u16, height: u16) -> Buffer {
    let conns: Vec<&Connection> = ids.iter().filter_map(|id| t.connection(*id)).collect();
    let action = action();
    let run = ActionRun {
        conns: ids.to_vec(),
        ..ActionRun::default()
    };
    let ctx = PaneCtx {
        action: &action,
        run: &run,
        conns: &conns,
        transcript: t,
        selected: view.selected,
        cursor: view.cursor,
        focused: view.focused,
        filter: FrameFilter::default(),
        saved: None,
    };
    screen::draw(width, height, |frame| {
        let area = frame.area();
        widgets::draw(frame, area, &screen::theme(), view.pane, &ctx);
    })
}

fn capture() -> (Transcript, ConnId) {
    let mut t = Transcript::new(Limits::default());
    let conn = exchange(&mut t);
    (t, conn)
}

/// The column where `needle` first shows on row `y`.
fn find(buffer: &Buffer, y: u16, needle: &str) -> Option<u16> {
    let row = screen::row(buffer, y);
    let at = row.find(needle)?;
    Some(row[..at].chars().count() as u16)
}

#[test]
fn frames_pane_at_80x24_cursor_on_the_mask_byte() {
    // 80×24 with checks leaves the pane 7 rows inside its border; without checks, 11.
    let (t, conn) = capture();
    let view = View {
        cursor: 1,
        ..FRAMES
    };
    insta::assert_snapshot!(
        "frames_78x7_header_byte",
        text(&render(&t, &[conn], view, 78, 7))
    );
    insta::assert_snapshot!(
        "frames_78x11_header_byte",
        text(&render(&t, &[conn], view, 78, 11))
    );
}

#[test]
fn fields_pane_at_80x24_cursor_on_a_payload_byte_shows_the_unmasking() {
    let (t, conn) = capture();
    let view = View {
        pane: Pane::Fields,
        cursor: 8,
        ..FRAMES
    };
    let small = text(&render(&t, &[conn], view, 78, 7));
    assert!(
        small.contains("masked 4d ⊕ key[2 mod 4 = 2] 21 = 6c 'l'"),
        "{small}"
    );
    insta::assert_snapshot!("fields_78x7_payload_byte", small);
    insta::assert_snapshot!(
        "fields_78x11_payload_byte",
        text(&render(&t, &[conn], view, 78, 11))
    );
}

#[test]
fn fields_pane_at_120x40() {
    let (t, conn) = capture();
    // 120×40 gives the pane about 70×26 inside its border, beside the prose.
    let view = View {
        pane: Pane::Fields,
        selected: 4,
        cursor: 9,
        ..FRAMES
    };
    insta::assert_snapshot!(
        "fields_70x26_close",
        text(&render(&t, &[conn], view, 70, 26))
    );
    let view = View {
        cursor: 6,
        ..FRAMES
    };
    insta::assert_snapshot!("frames_120x40", text(&render(&t, &[conn], view, 120, 40)));
    // Wide enough, the detail goes beside the list.
    let view = View {
        pane: Pane::Fields,
        selected: 1,
        cursor: 1,
        focused: false,
    };
    insta::assert_snapshot!(
        "fields_160x16_side_by_side",
        text(&render(&t, &[conn], view, 160, 16))
    );
}

#[test]
fn a_broken_rule_is_marked_in_the_list_and_spelt_out_in_the_detail() {
    let mut t = Transcript::new(Limits::default());
    let good = exchange(&mut t);
    let bad = faulty(&mut t);
    let view = View {
        pane: Pane::Fields,
        selected: 6,
        cursor: 3,
        ..FRAMES
    };
    let shown = text(&render(&t, &[good, bad], view, 78, 14));
    assert!(shown.contains("✗ RFC 6455 §5.1"), "{shown}");
    insta::assert_snapshot!("fields_78x14_violation", shown);
    // The long frame's dump stops at 64 payload bytes and says so.
    let view = View {
        pane: Pane::Fields,
        selected: 7,
        cursor: 200,
        ..FRAMES
    };
    let shown = text(&render(&t, &[good, bad], view, 78, 20));
    assert!(shown.contains("… 36 more payload bytes"), "{shown}");
    insta::assert_snapshot!("fields_78x20_elided", shown);
}

#[test]
fn the_cursor_byte_is_reversed_and_bytes_take_their_fields_colours() {
    let (t, conn) = capture();
    let theme = screen::theme();
    let view = View {
        pane: Pane::Fields,
        cursor: 6,
        ..FRAMES
    };
    let buffer = render(&t, &[conn], view, 78, 20);
    let shown = text(&buffer);
    // The dump row of the §5.7 frame: header, key, then the payload.
    let y = (0..20u16)
        .find(|y| find(&buffer, *y, "81 85 37 fa").is_some())
        .unwrap_or_else(|| panic!("no dump row in\n{shown}"));
    let x = find(&buffer, y, "81 85").expect("the first byte");
    let fg = |x: u16| buffer[(x, y)].fg;
    assert_eq!(fg(x), theme.fields[0].fg.expect("a colour"));
    assert_eq!(fg(x + 3), theme.fields[1].fg.expect("a colour"));
    assert_eq!(fg(x + 6), theme.fields[2].fg.expect("a colour"));
    let payload = x + 6 * 3;
    assert_eq!(fg(payload), theme.fields[3].fg.expect("a colour"));
    assert!(buffer[(payload, y)].modifier.contains(Modifier::REVERSED));
    assert!(
        !buffer[(payload + 3, y)]
            .modifier
            .contains(Modifier::REVERSED)
    );
}

#[test]
fn never_panics_on_tiny_areas_or_empty_captures() {
    let (t, conn) = capture();
    let mut empty = Transcript::new(Limits::default());
    let (none, _) = empty
        .open("idle", Some(client(50_330)), Some(addr(SERVER)), 0)
        .expect("room");
    for (w, h) in [
        (0, 0),
        (1, 1),
        (2, 1),
        (1, 5),
        (5, 2),
        (10, 3),
        (20, 4),
        (200, 3),
        (3, 60),
    ] {
        for pane in [Pane::Frames, Pane::Fields] {
            for (selected, cursor) in [(0, 0), (usize::MAX, usize::MAX)] {
                let view = View {
                    pane,
                    selected,
                    cursor,
                    focused: false,
                };
                if w > 0 && h > 0 {
                    render(&t, &[conn], view, w, h);
                    render(&empty, &[none], view, w, h);
                    render(&empty, &[], view, w, h);
                } else {
                    draw_into_zero(&t, conn, view);
                }
            }
        }
    }
    let shown = text(&render(&empty, &[none], FRAMES, 60, 3));
    assert!(shown.contains("No frames were captured"), "{shown}");
}

/// A zero-sized area inside a real buffer: `TestBackend` itself needs a cell.
fn draw_into_zero(t: &Transcript, conn: ConnId, view: View) {
    let conns: Vec<&Connection> = t.connection(conn).into_iter().collect();
    let action = action();
    let run = ActionRun::default();
    let ctx = PaneCtx {
        action: &action,
        run: &run,
        conns: &conns,
        transcript: t,
        selected: view.selected,
        cursor: view.cursor,
        focused: view.focused,
        filter: FrameFilter::default(),
        saved: None,
    };
    let theme = Theme::new(ThemeName::Plain);
    screen::draw(4, 4, |frame| {
        widgets::draw(frame, Rect::new(2, 2, 0, 0), &theme, view.pane, &ctx);
    });
}

#[test]
fn a_compressed_message_is_shown_inflated_with_both_sizes() {
    let mut t = Transcript::new(Limits::default());
    let (conn, _) = t
        .open("deflate", Some(client(50_340)), Some(addr(SERVER)), 0)
        .expect("room");
    let (request, response) = head();
    let request = String::from_utf8_lossy(&request).replace(
        "\r\n\r\n",
        "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
    );
    let response = String::from_utf8_lossy(&response).replace(
        "\r\n\r\n",
        "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
    );
    t.record(conn, Direction::ClientToServer, 100, request.as_bytes());
    t.record(conn, Direction::ServerToClient, 300, response.as_bytes());
    // RFC 7692 §7.2.3.1: "Hello" compressed, in one unmasked text frame with RSV1 set.
    let hello = [0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
    t.record(conn, Direction::ServerToClient, 900, &hello);
    let shown = text(&render(&t, &[conn], FRAMES, 100, 24));
    assert!(
        shown.contains("←  text     7  1   0   inflated \"Hello\""),
        "the row shows the inflated text: {shown}"
    );
    assert!(
        shown.contains(
            "message 1: compressed 7 B → 5 B inflated, so compressing made it 2 B longer: \"Hello\""
        ),
        "the detail gives both sizes: {shown}"
    );
}

#[test]
fn text_payloads_show_as_text_with_controls_visible_and_cuts_marked() {
    // Lesson 9's JSON, a text with a tab and a newline, and one longer than the row.
    let mut t = Transcript::new(Limits::default());
    let (conn, _) = t
        .open("client", Some(client(50_399)), Some(addr(SERVER)), 1_000)
        .expect("room for a connection");
    let (request, response) = head();
    let s = Direction::ServerToClient;
    t.record(conn, Direction::ClientToServer, 1_100, &request);
    t.record(conn, s, 1_450, &response);
    let long = "word ".repeat(40);
    for (at, text) in [
        (2_000, r#"{"msg":"café"}"#),
        (2_100, "a\tb\n"),
        (2_200, long.as_str()),
    ] {
        t.record(
            conn,
            s,
            at,
            &encode(FrameSpec::new(OpCode::Text, None), text.as_bytes()),
        );
    }
    let shown = text(&render(&t, &[conn], FRAMES, 100, 12));
    assert!(
        shown.contains(r#""{"msg":"café"}""#),
        "as written, not escaped: {shown}"
    );
    assert!(!shown.contains(r#"\""#), "{shown}");
    assert!(
        shown.contains("\"a␉b␊\""),
        "controls as control pictures: {shown}"
    );
    assert!(shown.contains("word word\"…"), "a cut ends with …: {shown}");
    // The plain text says the same.
    let plain =
        wslab::render::exchange::frame_summary(&t.connection(conn).unwrap().flow(s).frames[0].item);
    assert!(plain.ends_with(r#""{"msg":"café"}""#), "{plain}");
}

#[test]
fn a_frame_has_one_number_and_one_byte_count_in_every_view() {
    // The server's echo is the second frame on the wire, and the server's frame 1: the name
    // the lessons, their checks and the plain text give it. Its bytes count from its first.
    let (t, conn) = capture();
    let view = View {
        pane: Pane::Fields,
        selected: 1,
        ..FRAMES
    };
    let tui = text(&render(&t, &[conn], view, 100, 30));
    assert!(tui.contains("frame 1 · server → client"), "{tui}");
    assert!(tui.contains("offsets dec, bytes hex"), "{tui}");
    let s = Direction::ServerToClient;
    let echo = &t.connection(conn).unwrap().flow(s).frames[0].item;
    let plain = wslab::render::frame::frame(
        echo,
        &wslab::render::frame::Options {
            palette: wslab::render::style::Palette::new(false),
            side: wslab::proto::Side::Server,
            max_payload: 64,
            more: None,
        },
    );
    assert!(
        plain.starts_with("Frame 1 · server → client · bytes "),
        "{plain}"
    );
    assert!(plain.contains(" of the stream"), "{plain}");
    // Both tables start at byte 0, and both dumps say their bases.
    for shown in [&tui, &plain] {
        assert!(
            shown.lines().any(|l| l.trim_start().starts_with("0 ")
                && l.contains("FIN")
                && l.contains("this frame ends its message")),
            "{shown}"
        );
    }
    assert!(plain.contains("offsets dec, bytes hex"), "{plain}");
    assert!(
        plain.contains("\n     0  81 05 48 65 6c 6c 6f\n"),
        "{plain}"
    );
}

#[test]
fn stacked_the_list_keeps_its_header_row() {
    // The Fields pane stacked on a short terminal leaves the list two or three lines: the
    // header stays above the row, naming its columns (issue 23, item 15).
    let (t, conn) = capture();
    for height in [7, 9, 12] {
        let view = View {
            pane: Pane::Fields,
            ..FRAMES
        };
        let buffer = render(&t, &[conn], view, 78, height);
        let first = screen::row(&buffer, 0);
        assert!(
            first.contains("opcode") && first.contains("payload"),
            "78×{height}: {first:?}"
        );
    }
}
