// The session driven with bytes, as a peer would send them; the socket around it is tested on
// loopback in tests/lab/deflate.rs.

use super::*;
use crate::proto::deflate::{WindowBits, choose};

const LIMIT: usize = 1 << 20;
const MASK: Option<[u8; 4]> = Some([0x37, 0xfa, 0x21, 0x3d]);

fn agreed(offer: &str) -> Agreed {
    choose([offer]).agreed().expect("accepted")
}

fn key() -> [u8; 4] {
    [1, 2, 3, 4]
}

// A frame as a client writes it.
fn frame(opcode: OpCode, fin: bool, rsv1: bool, payload: &[u8]) -> Vec<u8> {
    let mut spec = FrameSpec::new(opcode, MASK).fin(fin);
    spec.rsv = RsvBits(u8::from(rsv1));
    encode(spec, payload)
}

// What a server sent, read as a client reads it.
fn frames(out: &[u8]) -> Vec<Frame> {
    let mut config = Config::new(Side::Server);
    config.allowed_rsv = RsvBits(1);
    Dissector::new(config)
        .feed(out)
        .into_iter()
        .filter_map(|e| match e {
            Event::Frame(f) => Some(f),
            Event::Message(_) => None,
        })
        .collect()
}

fn client_deflater() -> Deflater {
    Deflater::new(WindowBits::MAX, false).unwrap()
}

fn feed(session: &mut Session, bytes: &[u8]) -> (Vec<Received>, Vec<u8>) {
    let (mut got, mut out) = (Vec::new(), Vec::new());
    session
        .feed(bytes, &mut got, &mut out)
        .expect("no rule broken");
    (got, out)
}

#[test]
fn a_compressed_message_is_inflated_and_a_reply_compressed_with_rsv1() {
    let mut server = Session::server(Some(agreed("permessage-deflate")), LIMIT);
    let wire = client_deflater().compress(b"Hello").unwrap();
    let (got, out) = feed(&mut server, &frame(OpCode::Text, true, true, &wire));
    assert_eq!(got, [Received::Text("Hello".into())]);
    assert!(out.is_empty());
    let reply = server.send(Outgoing::Text("Hello")).unwrap();
    let back = frames(&reply);
    assert_eq!(back.len(), 1);
    assert!(back[0].header.rsv().has(1));
    assert!(!back[0].payload.ends_with(&crate::proto::deflate::TRAILER));
    let mut inflater = Inflater::new(WindowBits::MAX, false);
    assert_eq!(inflater.inflate(&back[0].payload, 100).unwrap(), b"Hello");
}

#[test]
fn rfc_7692_7_2_3_1_hello_is_read_from_its_example_bytes() {
    // §7.2.3.1: "Hello" compressed, one frame, unmasked from a server.
    let mut client = Session::client(Some(agreed("permessage-deflate")), LIMIT, key);
    let bytes = [0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
    let (mut got, mut out) = (Vec::new(), Vec::new());
    client.feed(&bytes, &mut got, &mut out).unwrap();
    assert_eq!(got, [Received::Text("Hello".into())]);
    // §7.2.3.1 again, fragmented: the compressed bytes split over two frames.
    let bytes = [
        0x41, 0x03, 0xf2, 0x48, 0xcd, 0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00,
    ];
    let mut fresh = Session::client(Some(agreed("permessage-deflate")), LIMIT, key);
    got.clear();
    fresh.feed(&bytes, &mut got, &mut out).unwrap();
    assert_eq!(got, [Received::Text("Hello".into())]);
}

#[test]
fn a_client_masks_every_frame_and_a_server_reads_it() {
    let deal = agreed("permessage-deflate; client_max_window_bits");
    let mut client = Session::client(Some(deal), LIMIT, key);
    let mut server = Session::server(Some(deal), LIMIT);
    for text in ["one", "two", "one", ""] {
        let bytes = client.send(Outgoing::Text(text)).unwrap();
        assert_eq!(bytes[1] & 0x80, 0x80, "masked");
        let (got, _) = feed(&mut server, &bytes);
        assert_eq!(got, [Received::Text(text.into())]);
        let reply = server.send(Outgoing::Text(text)).unwrap();
        let (mut got, mut out) = (Vec::new(), Vec::new());
        client.feed(&reply, &mut got, &mut out).unwrap();
        assert_eq!(got, [Received::Text(text.into())]);
    }
}

#[test]
fn context_takeover_makes_a_repeat_smaller_and_no_context_takeover_does_not() {
    let message = br#"{"kind":"update","price":101.25,"symbol":"WSLB"}"#;
    for (offer, shrinks) in [
        ("permessage-deflate", true),
        ("permessage-deflate; server_no_context_takeover", false),
    ] {
        let mut server = Session::server(Some(agreed(offer)), LIMIT);
        let first = server.send(Outgoing::Binary(message)).unwrap();
        let second = server.send(Outgoing::Binary(message)).unwrap();
        assert_eq!(second.len() < first.len(), shrinks, "{offer}");
    }
}

#[test]
fn fragments_with_a_ping_between_them_are_one_message() {
    let mut server = Session::server(
        Some(agreed("permessage-deflate; client_no_context_takeover")),
        LIMIT,
    );
    let text = "fragmented ".repeat(50);
    let wire = Deflater::new(WindowBits::MAX, true)
        .unwrap()
        .compress(text.as_bytes())
        .unwrap();
    let (first, rest) = wire.split_at(wire.len() / 2);
    let mut bytes = frame(OpCode::Text, false, true, first);
    bytes.extend(frame(OpCode::Ping, true, false, b"hi"));
    bytes.extend(frame(OpCode::Continuation, true, false, rest));
    let (got, out) = feed(&mut server, &bytes);
    assert_eq!(got, [Received::Ping(b"hi".to_vec()), Received::Text(text)]);
    let back = frames(&out);
    assert_eq!(back[0].header.opcode(), OpCode::Pong);
    assert_eq!(&back[0].payload[..], b"hi");
}

#[test]
fn an_uncompressed_message_is_read_as_it_is() {
    let mut server = Session::server(Some(agreed("permessage-deflate")), LIMIT);
    let (got, _) = feed(
        &mut server,
        &frame(OpCode::Binary, true, false, b"\x01\x02"),
    );
    assert_eq!(got, [Received::Binary(vec![1, 2])]);
}

#[test]
fn a_server_window_of_8_sends_uncompressed() {
    let mut server = Session::server(
        Some(agreed("permessage-deflate; server_max_window_bits=8")),
        LIMIT,
    );
    assert!(!server.compresses());
    let back = frames(&server.send(Outgoing::Text("Hello")).unwrap());
    assert!(!back[0].header.rsv().has(1));
    assert_eq!(&back[0].payload[..], b"Hello");
}

#[test]
fn without_the_extension_rsv1_is_a_broken_rule() {
    let mut server = Session::server(None, LIMIT);
    let (code, why) = failed_with(&mut server, &frame(OpCode::Text, true, true, b"x"));
    assert_eq!(code, 1002);
    assert!(why.contains("RSV1") && why.contains("§5.2"), "{why}");
}

fn failed(bytes: &[u8]) -> (u16, String) {
    failed_with(
        &mut Session::server(Some(agreed("permessage-deflate")), LIMIT),
        bytes,
    )
}

fn failed_with(server: &mut Session, bytes: &[u8]) -> (u16, String) {
    let (mut got, mut out) = (Vec::new(), Vec::new());
    let failure = server
        .feed(bytes, &mut got, &mut out)
        .expect_err("the connection goes on");
    assert!(server.is_over());
    let close = frames(&out).pop().expect("a close frame");
    assert_eq!(close.header.opcode(), OpCode::Close);
    let code = failure.close_code();
    assert_eq!(close.payload[..2], code.to_be_bytes());
    assert!(close.payload.len() <= 125);
    assert_eq!(server.send(Outgoing::Text("late")), Err(SendError::Closed));
    (code, failure.to_string())
}

#[test]
fn rsv1_on_a_continuation_fails_with_1002_naming_rfc_7692() {
    let mut bytes = frame(
        OpCode::Text,
        false,
        true,
        &client_deflater().compress(b"ab").unwrap(),
    );
    bytes.extend(frame(OpCode::Continuation, true, true, b""));
    let (code, why) = failed(&bytes);
    assert_eq!(code, 1002);
    assert!(
        why.contains("continuation") && why.contains("RFC 7692 §6.1"),
        "{why}"
    );
}

#[test]
fn rsv1_on_a_ping_fails_with_1002() {
    let (code, why) = failed(&frame(OpCode::Ping, true, true, b""));
    assert_eq!(code, 1002);
    assert!(why.contains("control frame"), "{why}");
}

#[test]
fn bytes_that_do_not_inflate_fail_with_1002() {
    let (code, why) = failed(&frame(OpCode::Binary, true, true, &[0xff, 0xff, 0xff]));
    assert_eq!(code, 1002);
    assert!(why.contains("does not inflate"), "{why}");
}

#[test]
fn a_bomb_fails_with_1009_without_inflating_it_whole() {
    let bomb = client_deflater().compress(&vec![b'a'; 8 * LIMIT]).unwrap();
    assert!(bomb.len() < LIMIT / 4, "{} bytes", bomb.len());
    let (code, _) = failed(&frame(OpCode::Binary, true, true, &bomb));
    assert_eq!(code, 1009);
}

#[test]
fn text_that_is_not_utf8_once_inflated_fails_with_1007() {
    let wire = client_deflater().compress(b"ok \xff").unwrap();
    let (code, why) = failed(&frame(OpCode::Text, true, true, &wire));
    assert_eq!(code, 1007);
    assert!(why.contains("UTF-8"), "{why}");
}

#[test]
fn a_frame_claiming_more_than_the_limit_fails_before_its_payload() {
    let mut header = vec![0x82, 0xff];
    header.extend_from_slice(&(LIMIT as u64 + 1).to_be_bytes());
    header.extend_from_slice(&[1, 2, 3, 4]);
    let (code, why) = failed(&header);
    assert_eq!(code, 1009);
    assert!(why.contains("limit"), "{why}");
}

#[test]
fn a_close_is_answered_with_its_code_and_ends_the_session() {
    let mut server = Session::server(Some(agreed("permessage-deflate")), LIMIT);
    let (got, out) = feed(
        &mut server,
        &frame(OpCode::Close, true, false, &close_payload(1000, "bye")),
    );
    assert_eq!(got, [Received::Close(Some((1000, "bye".into())))]);
    assert!(out.is_empty(), "the reply waits for the caller");
    assert!(!server.is_over());
    // What came before the close may still be answered, then the reply goes.
    assert!(server.send(Outgoing::Text("last echo")).is_ok());
    let reply = server.reply_to_close().expect("a reply is due");
    assert_eq!(&frames(&reply)[0].payload[..], 1000u16.to_be_bytes());
    assert!(server.is_over());
    assert_eq!(server.reply_to_close(), None);
}

#[test]
fn a_close_sent_first_ends_the_session_when_the_reply_comes() {
    let mut server = Session::server(None, LIMIT);
    let close = server
        .send(Outgoing::Close(Some((1001, "going away"))))
        .unwrap();
    assert_eq!(&frames(&close)[0].payload[..2], 1001u16.to_be_bytes());
    assert!(!server.is_over());
    let (got, out) = feed(
        &mut server,
        &frame(OpCode::Close, true, false, &close_payload(1001, "")),
    );
    assert_eq!(got, [Received::Close(Some((1001, String::new())))]);
    assert!(out.is_empty(), "no second close");
    assert_eq!(server.reply_to_close(), None);
    assert!(server.is_over());
}
