//! The exchange view, fed by hand: frames of both directions in wire order, each message right
//! after the frame that completed it.

use wslab::capture::{Direction, Limits, Transcript};
use wslab::proto::encode::{FrameSpec, encode};
use wslab::proto::{OpCode, Side};
use wslab::render::exchange::frames;
use wslab::render::frame::Options;
use wslab::render::style::Palette;

const REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const RESPONSE: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

#[test]
fn a_message_follows_its_last_fragment_even_with_a_ping_between() {
    let mask = Some([1, 2, 3, 4]);
    let mut client = REQUEST.to_vec();
    client.extend(encode(
        FrameSpec::new(OpCode::Text, mask).fin(false),
        b"Hel",
    ));
    client.extend(encode(FrameSpec::new(OpCode::Ping, mask), b"mid"));
    client.extend(encode(FrameSpec::new(OpCode::Continuation, mask), b"lo"));
    let mut t = Transcript::new(Limits::default());
    let (id, _) = t.open("test", None, None, 0).expect("room");
    t.record(id, Direction::ServerToClient, 1, RESPONSE);
    // One read holds all three frames, so they share a timestamp: only wire order can decide.
    t.record(id, Direction::ClientToServer, 2, &client);
    let connection = t.connection(id).expect("connection");
    let opts = Options {
        palette: Palette::plain(),
        side: Side::Client,
        max_payload: 64,
        more: Some("--max-payload"),
    };
    let text = frames(connection, &opts, false);
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} missing in:\n{text}"))
    };
    assert!(at("Frame 1 ·") < at("Frame 2 ·"));
    assert!(at("Frame 2 ·") < at("Frame 3 ·"));
    assert!(
        at("Frame 3 ·") < at("Message 1 · text"),
        "the text message comes after its last fragment"
    );
    assert!(
        !text.contains("· ping · 1 frame"),
        "a ping is a control frame, not a message (§5.5): no message line"
    );
}

// Issue 18, point 7: a connection whose server stopped inside a frame shows what came of
// it in every view the transcript feeds: the frames (full and brief) and the JSON close line.
#[test]
fn a_frame_the_server_stopped_inside_is_shown_in_every_view() {
    let mut t = Transcript::new(Limits::default());
    let (id, _) = t.open("test", None, None, 0).expect("room");
    t.record(id, Direction::ClientToServer, 1, REQUEST);
    let mut server = RESPONSE.to_vec();
    // The header: a 64-bit length with its top bit set, and one byte of payload.
    server.extend([0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 1, 0xaa]);
    t.record(id, Direction::ServerToClient, 2, &server);
    t.end(id, Direction::ServerToClient, 3);
    t.close(id, 3, None);
    let connection = t.connection(id).expect("connection");
    let opts = Options {
        palette: Palette::plain(),
        side: Side::Client,
        max_payload: 64,
        more: Some("--max-payload"),
    };
    let sentence = "the stream ends inside frame 1: its 10-byte header came whole, then 1 of its 9223372036854775809 payload bytes, so 9223372036854775808 bytes are missing";
    let full = frames(connection, &opts, false);
    assert!(full.contains("Frame 1 · server → client"), "{full}");
    assert!(
        full.contains(
            "✗ RFC 6455 §5.2: the 64-bit payload length has its most significant bit set"
        ),
        "{full}"
    );
    assert!(full.contains(sentence), "{full}");
    let brief = frames(connection, &opts, true);
    assert!(brief.contains("unfinished  ← binary"), "{brief}");
    assert!(brief.contains("✗ 1 rule broken"), "{brief}");
    assert!(brief.contains(sentence), "{brief}");

    let lines = wslab::export::jsonl::jsonl(&t, 0);
    let close: serde_json::Value = lines
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON"))
        .find(|l| l["type"] == "close")
        .expect("a close line");
    let unfinished = &close["unfinished"][0];
    assert_eq!(unfinished["direction"], "server-to-client");
    assert_eq!(unfinished["missing"], 9_223_372_036_854_775_808u64);
    assert_eq!(unfinished["violations"][0]["id"], "length-msb-set");
    assert_eq!(unfinished["message"], sentence);
    assert_eq!(close["unfinished"].as_array().map(Vec::len), Some(1));
}
