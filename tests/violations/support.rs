//! Helpers the violation tests share: frames built masked or not, and `expect`, which feeds
//! bytes whole and byte by byte, checks the violations of each frame, and that a valid frame
//! after them still decodes cleanly.

use wslab::proto::{Config, Dissector, Event, Frame, Message, OpCode, Side, Violation};

/// An unmasked frame with first byte `b0`, its length in the shortest form.
pub(crate) fn unmasked(b0: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![b0];
    push_length(&mut out, 0, payload.len());
    out.extend_from_slice(payload);
    out
}

const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// A frame masked with [`KEY`], its length in the shortest form.
pub(crate) fn masked(b0: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![b0];
    push_length(&mut out, 0x80, payload.len());
    out.extend_from_slice(&KEY);
    out.extend(payload.iter().enumerate().map(|(i, b)| b ^ KEY[i % 4]));
    out
}

fn push_length(out: &mut Vec<u8>, mask_bit: u8, len: usize) {
    match len {
        0..=125 => out.push(mask_bit | len as u8),
        126..=0xffff => {
            out.push(mask_bit | 0x7e);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.push(mask_bit | 0x7f);
            out.extend_from_slice(&(len as u64).to_be_bytes());
        }
    }
}

/// A valid frame from `side`: the text "ok", masked if a client sent it.
pub(crate) fn good_frame(side: Side) -> Vec<u8> {
    match side {
        Side::Client => masked(0x81, b"ok"),
        Side::Server | Side::Unknown => unmasked(0x81, b"ok"),
    }
}

/// What came out of a stream.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) frames: Vec<Frame>,
    pub(crate) messages: Vec<Message>,
}

/// Feeds `bytes` whole and byte by byte; both must give the same events.
fn run(config: Config, bytes: &[u8]) -> Run {
    let mut whole = Dissector::new(config);
    let events = whole.feed(bytes);
    let mut bytewise = Dissector::new(config);
    let one_by_one: Vec<Event> = bytes.chunks(1).flat_map(|b| bytewise.feed(b)).collect();
    assert_eq!(one_by_one, events, "byte by byte differs from whole");
    assert_eq!(whole.offset(), bytes.len() as u64);
    assert_eq!(whole.incomplete(), None, "the stream ends inside a frame");
    let mut out = Run {
        frames: Vec::new(),
        messages: Vec::new(),
    };
    for event in events {
        match event {
            Event::Frame(f) => out.frames.push(f),
            Event::Message(m) => out.messages.push(m),
        }
    }
    out
}

/// Feeds `bytes` and then a valid frame. Frame `i` of `bytes` must break exactly `want[i]`,
/// and the valid frame must still decode cleanly into the message "ok". Returns what `bytes`
/// gave, without the valid frame and its message.
pub(crate) fn expect(config: Config, bytes: &[u8], want: &[&[Violation]]) -> Run {
    let all = [bytes, &good_frame(config.side)].concat();
    let mut got = run(config, &all);
    let last = got.frames.pop().expect("the valid frame");
    let got_violations: Vec<&[Violation]> =
        got.frames.iter().map(|f| f.violations.as_slice()).collect();
    assert_eq!(got_violations, want, "violations per frame");
    assert_eq!(last.violations, Vec::<Violation>::new(), "the valid frame");
    assert_eq!(last.offset, bytes.len() as u64);
    let message = got.messages.pop().expect("the valid frame's message");
    assert_eq!(message.opcode, OpCode::Text);
    // A tiny preview cap keeps only the start of "ok"; the length tells the whole.
    assert_eq!(message.length, 2);
    assert!(b"ok".starts_with(&message.preview));
    assert_eq!(message.utf8_valid, Some(true));
    assert_eq!(message.first_frame, last.index);
    assert_eq!(message.frame_count, 1);
    got
}

pub(crate) fn server() -> Config {
    Config::new(Side::Server)
}
