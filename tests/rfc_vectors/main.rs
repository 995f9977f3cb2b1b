//! RFC 6455's own examples, decoded to the exact fields: the §1.3 key and Accept pair, and
//! every frame of §5.7, each fed whole, byte by byte and split in every way. Also what an
//! unfinished stream reports, the preview cap, and stream offsets across frames.
//!
//! This file holds the §5.7 examples; the rest is in modules:
//! - `handshake`: the §1.3 key and its Accept;
//! - `incomplete`: streams that stop inside a frame;
//! - `preview_cap`: the preview cap;
//! - `offsets`: stream offsets across frames;
//! - `support`: the feeding helpers and expected values the tests share.

#[path = "../common/mod.rs"]
mod common;
mod handshake;
mod incomplete;
mod offsets;
mod preview_cap;
mod support;

use std::ops::Range;

use support::{
    Expected, KEY, MASKED_HELLO, assert_header, control_message, every_way, feed_chunks, frames,
    messages, some_ways, text_message,
};
use wslab::proto::{
    Config, DEFAULT_PREVIEW_CAP, Dissector, Event, FieldKind, LengthEncoding, Message, OpCode,
    Side, fields,
};

// ---------------------------------------------------------------------------------------------
// §5.7: the examples

#[test]
fn single_frame_unmasked_text() {
    let bytes = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
    let events = every_way(Config::new(Side::Server), &bytes);
    assert_eq!(events.len(), 2);
    let Event::Frame(frame) = &events[0] else {
        panic!("first event is not a frame: {events:?}")
    };
    assert_header(
        frame,
        &Expected {
            fin: true,
            opcode: OpCode::Text,
            masked: false,
            length_field: 5,
            encoding: LengthEncoding::Seven,
            length_bytes: &[],
            mask_key: None,
            payload_len: 5,
            header_len: 2,
            offset: 0,
            span: 0..7,
        },
    );
    assert_eq!(frame.index, 0);
    assert_eq!(frame.header.bytes(), &[0x81, 0x05]);
    assert_eq!(&*frame.wire_payload(), &b"Hello"[..]);
    assert_eq!(&frame.payload[..], b"Hello");
    assert!(!frame.is_truncated());
    assert_eq!(events[1], Event::Message(text_message(0, 0, 1, b"Hello")));
}

#[test]
fn single_frame_masked_text() {
    let events = every_way(Config::new(Side::Client), &MASKED_HELLO);
    assert_eq!(events.len(), 2);
    let Event::Frame(frame) = &events[0] else {
        panic!("first event is not a frame: {events:?}")
    };
    assert_header(
        frame,
        &Expected {
            fin: true,
            opcode: OpCode::Text,
            masked: true,
            length_field: 5,
            encoding: LengthEncoding::Seven,
            length_bytes: &[],
            mask_key: Some(KEY),
            payload_len: 5,
            header_len: 6,
            offset: 0,
            span: 0..11,
        },
    );
    assert_eq!(frame.header.bytes(), &MASKED_HELLO[..6]);
    // The preview is the payload as it crossed the wire, still masked.
    assert_eq!(&*frame.wire_payload(), &MASKED_HELLO[6..]);
    assert_eq!(&frame.payload[..], b"Hello");
    assert_eq!(events[1], Event::Message(text_message(0, 0, 1, b"Hello")));
}

/// A row of a field table: kind, span, bits and value.
type FieldRow = (FieldKind, Range<u64>, Option<(u8, u8)>, &'static str);

#[test]
fn masked_hello_field_table() {
    let events = feed_chunks(Config::new(Side::Client), [&MASKED_HELLO[..]]);
    let frame = frames(&events)[0];
    let table = fields(frame, Side::Client);
    let want: [FieldRow; 9] = [
        (FieldKind::Fin, 0..1, Some((7, 1)), "1"),
        (FieldKind::Rsv1, 0..1, Some((6, 1)), "0"),
        (FieldKind::Rsv2, 0..1, Some((5, 1)), "0"),
        (FieldKind::Rsv3, 0..1, Some((4, 1)), "0"),
        (FieldKind::Opcode, 0..1, Some((3, 4)), "0x1 text"),
        (FieldKind::Mask, 1..2, Some((7, 1)), "1"),
        (FieldKind::PayloadLen, 1..2, Some((6, 7)), "5"),
        (FieldKind::MaskingKey, 2..6, None, "37 fa 21 3d"),
        (FieldKind::Payload, 6..11, None, "5 bytes"),
    ];
    let got: Vec<_> = table
        .iter()
        .map(|f| (f.kind, f.span.clone(), f.bits, f.value.as_str()))
        .collect();
    assert_eq!(got, want);
    for field in &table {
        assert!(!field.meaning.is_empty(), "{:?} has no meaning", field.kind);
    }

    // Each bit field shows its own bits of the byte it sits in, and dots elsewhere.
    let patterns: Vec<_> = table
        .iter()
        .map(|f| f.bit_pattern(MASKED_HELLO[f.span.start as usize]))
        .collect();
    let want_patterns = [
        Some("1......."),
        Some(".0......"),
        Some("..0....."),
        Some("...0...."),
        Some("....0001"),
        Some("1......."),
        Some(".0000101"),
        None,
        None,
    ];
    assert_eq!(
        patterns,
        want_patterns.map(|p| p.map(String::from)).to_vec()
    );

    // The side changes only how MASK is explained.
    let as_server = fields(frame, Side::Server);
    assert_ne!(as_server[5].meaning, table[5].meaning);
    for (a, b) in as_server
        .iter()
        .zip(&table)
        .filter(|(a, _)| a.kind != FieldKind::Mask)
    {
        assert_eq!(a, b);
    }
}

#[test]
fn fragmented_unmasked_text() {
    let first = [0x01, 0x03, 0x48, 0x65, 0x6c];
    let second = [0x80, 0x02, 0x6c, 0x6f];
    let config = Config::new(Side::Server);

    let mut d = Dissector::new(config);
    let after_first = d.feed(&first);
    assert_eq!(after_first.len(), 1, "only the frame: {after_first:?}");
    assert_eq!(d.open_message_frames(), Some(1));
    assert_eq!(d.incomplete(), None);
    let after_second = d.feed(&second);
    assert_eq!(d.open_message_frames(), None);
    assert_eq!(after_second.len(), 2);
    // The message comes after the frame that completed it.
    assert!(matches!(after_second[0], Event::Frame(_)));
    assert_eq!(
        after_second[1],
        Event::Message(text_message(0, 0, 2, b"Hello"))
    );

    let all: Vec<Event> = after_first.into_iter().chain(after_second).collect();
    assert_eq!(every_way(config, &[&first[..], &second].concat()), all);

    let f = frames(&all);
    assert_header(
        f[0],
        &Expected {
            fin: false,
            opcode: OpCode::Text,
            masked: false,
            length_field: 3,
            encoding: LengthEncoding::Seven,
            length_bytes: &[],
            mask_key: None,
            payload_len: 3,
            header_len: 2,
            offset: 0,
            span: 0..5,
        },
    );
    assert_eq!(&*f[0].wire_payload(), &b"Hel"[..]);
    assert_header(
        f[1],
        &Expected {
            fin: true,
            opcode: OpCode::Continuation,
            masked: false,
            length_field: 2,
            encoding: LengthEncoding::Seven,
            length_bytes: &[],
            mask_key: None,
            payload_len: 2,
            header_len: 2,
            offset: 5,
            span: 5..9,
        },
    );
    assert_eq!((f[0].index, f[1].index), (0, 1));
    assert_eq!(&*f[1].wire_payload(), &b"lo"[..]);
}

#[test]
fn unmasked_ping() {
    let bytes = [0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
    let events = every_way(Config::new(Side::Server), &bytes);
    assert_eq!(events.len(), 2);
    assert_header(
        frames(&events)[0],
        &Expected {
            fin: true,
            opcode: OpCode::Ping,
            masked: false,
            length_field: 5,
            encoding: LengthEncoding::Seven,
            length_bytes: &[],
            mask_key: None,
            payload_len: 5,
            header_len: 2,
            offset: 0,
            span: 0..7,
        },
    );
    assert_eq!(&*frames(&events)[0].wire_payload(), &b"Hello"[..]);
    assert_eq!(
        events[1],
        Event::Message(control_message(OpCode::Ping, b"Hello"))
    );
}

#[test]
fn masked_pong() {
    let mut bytes = MASKED_HELLO;
    bytes[0] = 0x8a;
    let events = every_way(Config::new(Side::Client), &bytes);
    assert_eq!(events.len(), 2);
    let frame = frames(&events)[0];
    assert_header(
        frame,
        &Expected {
            fin: true,
            opcode: OpCode::Pong,
            masked: true,
            length_field: 5,
            encoding: LengthEncoding::Seven,
            length_bytes: &[],
            mask_key: Some(KEY),
            payload_len: 5,
            header_len: 6,
            offset: 0,
            span: 0..11,
        },
    );
    assert_eq!(&*frame.wire_payload(), &bytes[6..]);
    assert_eq!(&frame.payload[..], b"Hello");
    assert_eq!(
        events[1],
        Event::Message(control_message(OpCode::Pong, b"Hello"))
    );
}

fn binary_message(payload: &[u8]) -> Message {
    Message {
        opcode: OpCode::Binary,
        ..control_message(OpCode::Binary, payload)
    }
}

#[test]
fn binary_256_bytes_with_16_bit_length() {
    let payload: Vec<u8> = (0..=255u8).collect();
    let bytes = [&[0x82, 0x7e, 0x01, 0x00][..], &payload].concat();
    let events = every_way(Config::new(Side::Server), &bytes);
    assert_eq!(events.len(), 2);
    let frame = frames(&events)[0];
    assert_header(
        frame,
        &Expected {
            fin: true,
            opcode: OpCode::Binary,
            masked: false,
            length_field: 126,
            encoding: LengthEncoding::Sixteen,
            length_bytes: &[0x01, 0x00],
            mask_key: None,
            payload_len: 256,
            header_len: 4,
            offset: 0,
            span: 0..260,
        },
    );
    assert_eq!(&*frame.wire_payload(), &payload[..]);
    assert_eq!(events[1], Event::Message(binary_message(&payload)));
}

#[test]
fn binary_64_kib_with_64_bit_length() {
    let payload: Vec<u8> = (0..65_536u32).map(|i| (i * 7 % 251) as u8).collect();
    let header = [0x82, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00];
    let bytes = [&header[..], &payload].concat();
    let events = some_ways(
        Config::new(Side::Server),
        &bytes,
        &[
            &[1],
            &[2],
            &[9],
            &[10],
            &[2, 10, 4106],
            &[65_545],
            &[5, 300, 65_000],
        ],
    );
    assert_eq!(events.len(), 2);
    let frame = frames(&events)[0];
    assert_header(
        frame,
        &Expected {
            fin: true,
            opcode: OpCode::Binary,
            masked: false,
            length_field: 127,
            encoding: LengthEncoding::SixtyFour,
            length_bytes: &[0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00],
            mask_key: None,
            payload_len: 65_536,
            header_len: 10,
            offset: 0,
            span: 0..65_546,
        },
    );
    // 64 KiB is exactly the default preview cap: nothing is cut.
    assert_eq!(DEFAULT_PREVIEW_CAP, 65_536);
    assert_eq!(&*frame.wire_payload(), &payload[..]);
    assert!(!frame.is_truncated());
    let message = messages(&events)[0];
    assert_eq!(message, &binary_message(&payload));
    assert!(!message.is_truncated());
}
