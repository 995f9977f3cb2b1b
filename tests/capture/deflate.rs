//! permessage-deflate through the Transcript: a 101 that negotiates it, compressed frames in
//! both directions, and each compressed message inflated for display while the captured
//! frames keep the bytes that crossed.

use flate2::{Compress, Compression, FlushCompress};
use wslab::capture::{Direction, Limits, Transcript};
use wslab::proto::encode::{FrameSpec, encode};
use wslab::proto::{Inflated, OpCode, RsvBits};
use wslab::render::style::Palette;

const REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n";
const RESPONSE: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n\r\n";

// One message compressed as RFC 7692 §7.2.1 says: a sync flush, then the 00 00 ff ff tail off.
fn deflate(sender: &mut Compress, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 64);
    sender
        .compress_vec(data, &mut out, FlushCompress::Sync)
        .expect("compresses");
    assert!(out.ends_with(&[0, 0, 0xff, 0xff]));
    out.truncate(out.len() - 4);
    out
}

fn compressed_spec(opcode: OpCode, mask: Option<[u8; 4]>) -> FrameSpec {
    let mut spec = FrameSpec::new(opcode, mask);
    spec.rsv = RsvBits(0b001);
    spec
}

fn inflated(m: &wslab::proto::Message) -> (&[u8], u64) {
    match &m.inflated {
        Some(Inflated::Done {
            preview, length, ..
        }) => (preview, *length),
        other => panic!("not inflated: {other:?}"),
    }
}

#[test]
fn compressed_messages_are_inflated_for_display_and_the_frames_keep_their_bytes() {
    let first = "a message the client says, and says again: ".repeat(3);
    let second = "a message the client says, and says again!".to_owned();
    let mut client_sender = Compress::new(Compression::default(), false);
    let wire_first = deflate(&mut client_sender, first.as_bytes());
    // Context takeover on the client's side: the second message refers to the first.
    let wire_second = deflate(&mut client_sender, second.as_bytes());
    let mut client = REQUEST.to_vec();
    client.extend(encode(
        compressed_spec(OpCode::Text, Some([1, 2, 3, 4])),
        &wire_first,
    ));
    // The second is fragmented: RSV1 on its first frame only (RFC 7692 §6.1).
    let (a, b) = wire_second.split_at(wire_second.len() / 2);
    client.extend(encode(
        compressed_spec(OpCode::Text, Some([5, 6, 7, 8])).fin(false),
        a,
    ));
    client.extend(encode(
        FrameSpec::new(OpCode::Continuation, Some([9, 9, 9, 9])),
        b,
    ));
    // The server resets its window each message, so the same bytes inflate twice.
    let hello = b"\xf2\x48\xcd\xc9\xc9\x07\x00";
    let mut server = RESPONSE.to_vec();
    for _ in 0..2 {
        server.extend(encode(compressed_spec(OpCode::Text, None), hello));
    }

    let mut t = Transcript::new(Limits::default());
    let (id, _) = t.open("deflate", None, None, 0).expect("room");
    t.record(id, Direction::ClientToServer, 1, REQUEST);
    t.record(id, Direction::ServerToClient, 2, &server);
    t.record(id, Direction::ClientToServer, 3, &client[REQUEST.len()..]);
    let c = t.connection(id).expect("connection");

    let up = c.requests();
    assert_eq!(up.messages.len(), 2);
    assert_eq!(
        inflated(&up.messages[0].item),
        (first.as_bytes(), first.len() as u64)
    );
    assert_eq!(
        inflated(&up.messages[1].item),
        (second.as_bytes(), second.len() as u64)
    );
    // The captured frames hold the compressed bytes that crossed, untouched.
    assert_eq!(&up.frames[0].item.payload[..], &wire_first[..]);
    assert_eq!(&up.frames[1].item.payload[..], a);
    for f in &up.frames {
        assert!(f.item.violations.is_empty(), "{:?}", f.item.violations);
    }

    let down = c.responses();
    for m in &down.messages {
        assert_eq!(inflated(&m.item), (&b"Hello"[..], 5));
        assert_eq!(m.item.length, 7);
    }

    let line = wslab::render::frame::message(&down.messages[0].item, 1, Palette::plain());
    assert_eq!(
        line,
        "Message 1 · text · 1 frame · compressed 7 B → 5 B inflated, so compressing made it 2 B longer: \"Hello\"\n"
    );

    // The HAR gives what the application sent, as Chrome shows it, and the wire's size.
    let har: serde_json::Value =
        serde_json::from_str(&wslab::export::har::har(&t, 0)).expect("JSON");
    let messages = &har["log"]["entries"][0]["_webSocketMessages"];
    let received: Vec<&serde_json::Value> = messages
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["type"] == "receive")
        .collect();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0]["data"], "Hello");
    assert_eq!(received[0]["opcode"], 1);
    assert_eq!(received[0]["_compressedLength"], 7);
    assert!(received[0].get("_truncated").is_none());
    let sent = messages
        .as_array()
        .expect("messages")
        .iter()
        .find(|m| m["type"] == "send")
        .expect("the client's first");
    assert_eq!(
        sent["data"],
        first.as_str(),
        "inflated with the client's window"
    );
}

#[test]
fn corrupt_compressed_data_gives_a_note() {
    let mut server = RESPONSE.to_vec();
    server.extend(encode(
        compressed_spec(OpCode::Binary, None),
        &[0xff, 0xff, 0xff],
    ));
    let mut t = Transcript::new(Limits::default());
    let (id, _) = t.open("corrupt", None, None, 0).expect("room");
    t.record(id, Direction::ClientToServer, 1, REQUEST);
    t.record(id, Direction::ServerToClient, 2, &server);
    let m = &t.connection(id).expect("connection").responses().messages[0].item;
    let note = m
        .inflated
        .as_ref()
        .and_then(Inflated::note)
        .expect("a note");
    assert!(
        note.starts_with("the compressed payload does not inflate"),
        "{note}"
    );
    // Not inflated, the HAR keeps the wire bytes and says why.
    let har: serde_json::Value =
        serde_json::from_str(&wslab::export::har::har(&t, 0)).expect("JSON");
    let message = &har["log"]["entries"][0]["_webSocketMessages"][0];
    assert_eq!(message["data"], "////");
    assert_eq!(message["opcode"], 2);
    assert_eq!(message["_inflateNote"], note.as_str());
}

#[test]
fn a_payload_cut_by_the_preview_cap_is_too_long_to_inflate() {
    let limits = Limits {
        preview_cap: 16,
        ..Limits::default()
    };
    let mut sender = Compress::new(Compression::none(), false);
    let wire = deflate(&mut sender, &[7u8; 100]);
    let mut server = RESPONSE.to_vec();
    server.extend(encode(compressed_spec(OpCode::Binary, None), &wire));
    let mut t = Transcript::new(limits);
    let (id, _) = t.open("long", None, None, 0).expect("room");
    t.record(id, Direction::ClientToServer, 1, REQUEST);
    t.record(id, Direction::ServerToClient, 2, &server);
    let m = &t.connection(id).expect("connection").responses().messages[0].item;
    let note = m
        .inflated
        .as_ref()
        .and_then(Inflated::note)
        .expect("a note");
    assert!(
        note.starts_with("too long to inflate for display"),
        "{note}"
    );
}
