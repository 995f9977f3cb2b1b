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
