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
    assert_eq!(i.kind, SendKind::Raw, "the kinds wrap around");
}

#[test]
fn the_raw_composer_sends_the_bytes_it_previews() {
    let mut i = Inspector::new("ws://x/echo");
    update(
        &mut i,
        Msg::Opened {
            conn: Some(ConnId(1)),
            protocol: None,
        },
    );
    update(&mut i, Msg::Keys(vec![[0x37, 0xfa, 0x21, 0x3d]]));
    update(&mut i, Msg::Key(Key::Up));
    assert_eq!(i.kind, SendKind::Raw);
    assert!(
        i.raw_preview().is_none(),
        "nothing typed, nothing previewed"
    );
    typed(&mut i, "opcode=");
    let why = i.raw_preview().and_then(Result::err).map(|e| e.to_string());
    assert!(why.unwrap_or_default().contains("is not an opcode"));
    assert!(update(&mut i, Msg::Key(Key::Enter)).is_empty());
    assert!(
        i.status
            .as_deref()
            .unwrap_or_default()
            .contains("is not an opcode"),
        "said, and the draft kept to be mended"
    );
    typed(&mut i, "text payload=\"Hello\"");
    let previewed = i.raw_preview().and_then(Result::ok).expect("a frame");
    assert_eq!(
        previewed.crafted.bytes[..6],
        [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d]
    );
    // ← → move the preview's byte cursor, never past the frame's last byte.
    for _ in 0..40 {
        update(&mut i, Msg::Key(Key::Right));
    }
    assert_eq!(i.raw_cursor, 10);
    assert_eq!(
        update(&mut i, Msg::Key(Key::Enter)),
        [Effect::SendRaw(previewed.crafted.bytes)]
    );
    assert!(
        i.draft.is_empty() && i.keys.is_empty(),
        "the keys are spent"
    );
    assert_eq!(i.raw_cursor, 0);
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
    let mut i = Inspector::new("wss://x/");
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

#[test]
fn r_reconnects_from_the_composer_once_closed_as_the_title_offers() {
    let mut i = Inspector::new("ws://x/echo");
    update(
        &mut i,
        Msg::Closed {
            conn: None,
            why: "nothing is listening".into(),
        },
    );
    assert_eq!(i.focus, Focus::Composer);
    typed(&mut i, "hi");
    assert_eq!(
        update(&mut i, Msg::Key(Key::Char('R'))),
        vec![Effect::Connect]
    );
    assert_eq!(i.draft, "hi", "the draft stays for after the reconnect");
    assert_eq!(i.link, Link::Connecting);
    // While open, R is a letter like any other.
    update(
        &mut i,
        Msg::Opened {
            conn: Some(ConnId(1)),
            protocol: None,
        },
    );
    assert!(update(&mut i, Msg::Key(Key::Char('R'))).is_empty());
    assert_eq!(i.draft, "hiR");
}

#[test]
fn the_tls_pane_is_offered_only_where_tls_is_on_the_wire() {
    let plain = Inspector::new("ws://x/");
    assert!(!plain.panes().contains(&Pane::Tls), "ws:// has no records");
    assert_eq!(plain.panes().len(), 5);
    let secure = Inspector::new(" WSS://x/");
    assert_eq!(
        secure.panes().last(),
        Some(&Pane::Tls),
        "the scheme is case-insensitive"
    );
}
