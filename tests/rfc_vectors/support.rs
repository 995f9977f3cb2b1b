//! Helpers the RFC vector tests share: feeding bytes whole, byte by byte and cut in many ways
//! (all must agree, and `offset()` must follow every chunk), picking the frames and messages
//! out of the events, the header a frame should have, the messages the examples make, and
//! §5.7's masked "Hello" with its key.

use std::ops::Range;

use bytes::Bytes;
use wslab::proto::{
    Config, Dissector, Event, Frame, LengthEncoding, Message, OpCode, RsvBits, Violation,
};

/// Feeds `chunks` in order, checking `offset()` after each, and collects the events.
pub(crate) fn feed_chunks<'a>(
    config: Config,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Vec<Event> {
    let mut dissector = Dissector::new(config);
    let mut events = Vec::new();
    let mut fed = 0u64;
    for chunk in chunks {
        events.extend(dissector.feed(chunk));
        fed += chunk.len() as u64;
        assert_eq!(dissector.offset(), fed, "offset after {fed} bytes");
    }
    events
}

/// Feeds `bytes` cut at the given offsets.
fn feed_cut(config: Config, bytes: &[u8], cuts: &[usize]) -> Vec<Event> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for &cut in cuts.iter().chain(std::iter::once(&bytes.len())) {
        pieces.push(&bytes[start..cut]);
        start = cut;
    }
    feed_chunks(config, pieces)
}

/// Feeds `bytes` whole, byte by byte, and split in two at every point; all must agree.
pub(crate) fn every_way(config: Config, bytes: &[u8]) -> Vec<Event> {
    let whole = feed_chunks(config, [bytes]);
    assert_eq!(
        feed_chunks(config, bytes.chunks(1)),
        whole,
        "byte by byte differs from whole"
    );
    for cut in 0..=bytes.len() {
        assert_eq!(
            feed_cut(config, bytes, &[cut]),
            whole,
            "split at {cut} differs from whole"
        );
    }
    whole
}

/// Feeds `bytes` whole, byte by byte, in chunks of several fixed sizes, and cut at the given
/// sets of offsets; all must agree.
pub(crate) fn some_ways(config: Config, bytes: &[u8], cut_sets: &[&[usize]]) -> Vec<Event> {
    let whole = feed_chunks(config, [bytes]);
    assert_eq!(
        feed_chunks(config, bytes.chunks(1)),
        whole,
        "byte by byte differs"
    );
    for size in [2, 3, 7, 64, 4096, 65_535] {
        assert_eq!(
            feed_chunks(config, bytes.chunks(size)),
            whole,
            "chunks of {size} differ"
        );
    }
    for cuts in cut_sets {
        assert_eq!(
            feed_cut(config, bytes, cuts),
            whole,
            "cut at {cuts:?} differs"
        );
    }
    whole
}

pub(crate) fn frames(events: &[Event]) -> Vec<&Frame> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Frame(f) => Some(f),
            Event::Message(_) => None,
        })
        .collect()
}

pub(crate) fn messages(events: &[Event]) -> Vec<&Message> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some(m),
            Event::Frame(_) => None,
        })
        .collect()
}

/// What a frame's header should say.
pub(crate) struct Expected {
    pub(crate) fin: bool,
    pub(crate) opcode: OpCode,
    pub(crate) masked: bool,
    pub(crate) length_field: u8,
    pub(crate) encoding: LengthEncoding,
    pub(crate) length_bytes: &'static [u8],
    pub(crate) mask_key: Option<[u8; 4]>,
    pub(crate) payload_len: u64,
    pub(crate) header_len: u64,
    pub(crate) offset: u64,
    pub(crate) span: Range<u64>,
}

/// Checks every header field of a complete frame, and that it breaks no rule.
pub(crate) fn assert_header(frame: &Frame, want: &Expected) {
    let h = &frame.header;
    assert_eq!(h.fin(), want.fin, "fin");
    assert_eq!(h.rsv(), RsvBits(0), "rsv");
    assert!(h.rsv().is_empty());
    assert_eq!(h.opcode(), want.opcode, "opcode");
    assert_eq!(h.masked(), want.masked, "masked");
    assert_eq!(h.length_field(), want.length_field, "length field");
    assert_eq!(h.length_encoding(), want.encoding, "length encoding");
    assert_eq!(h.length_bytes(), want.length_bytes, "length bytes");
    assert_eq!(h.mask_key(), want.mask_key, "mask key");
    assert_eq!(h.payload_len(), want.payload_len, "header payload_len");
    assert_eq!(frame.payload_len(), want.payload_len, "frame payload_len");
    assert_eq!(frame.header_len(), want.header_len, "header_len");
    assert_eq!(h.bytes().len() as u64, want.header_len, "header bytes");
    assert_eq!(frame.offset, want.offset, "offset");
    assert_eq!(frame.span(), want.span, "span");
    assert_eq!(
        frame.payload_span(),
        want.offset + want.header_len..want.span.end,
        "payload span"
    );
    assert_eq!(frame.received, want.payload_len, "received");
    assert!(frame.is_complete());
    assert_eq!(frame.violations, Vec::<Violation>::new(), "violations");
}

pub(crate) const MASKED_HELLO: [u8; 11] = [
    0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
];
pub(crate) const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

pub(crate) fn text_message(index: u64, first_frame: u64, frame_count: u64, text: &[u8]) -> Message {
    Message {
        index,
        opcode: OpCode::Text,
        first_frame,
        frame_count,
        // These vectors put no control frame between fragments.
        last_frame: first_frame + frame_count - 1,
        length: text.len() as u64,
        preview: Bytes::copy_from_slice(text),
        utf8_valid: Some(true),
        compressed: false,
        inflated: None,
        close: None,
    }
}

pub(crate) fn control_message(opcode: OpCode, payload: &[u8]) -> Message {
    Message {
        index: 0,
        opcode,
        first_frame: 0,
        frame_count: 1,
        last_frame: 0,
        length: payload.len() as u64,
        preview: Bytes::copy_from_slice(payload),
        utf8_valid: None,
        compressed: false,
        inflated: None,
        close: None,
    }
}
