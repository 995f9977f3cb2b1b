//! RFC 6455's own examples, decoded to the exact fields: the §1.3 key and Accept pair, and
//! every frame of §5.7, each fed whole, byte by byte and split in every way. Also what an
//! unfinished stream reports, the preview cap, and stream offsets across frames.

use std::ops::Range;

use bytes::Bytes;
use data_encoding::BASE64;
use wslab::proto::{
    Config, DEFAULT_PREVIEW_CAP, Derivation, Dissector, Event, FieldKind, Frame, Incomplete,
    LengthEncoding, Message, OpCode, RsvBits, Side, Violation, fields,
};

// ---------------------------------------------------------------------------------------------
// Helpers

/// Feeds `chunks` in order, checking `offset()` after each, and collects the events.
fn feed_chunks<'a>(config: Config, chunks: impl IntoIterator<Item = &'a [u8]>) -> Vec<Event> {
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
fn every_way(config: Config, bytes: &[u8]) -> Vec<Event> {
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
fn some_ways(config: Config, bytes: &[u8], cut_sets: &[&[usize]]) -> Vec<Event> {
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

fn frames(events: &[Event]) -> Vec<&Frame> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Frame(f) => Some(f),
            Event::Message(_) => None,
        })
        .collect()
}

fn messages(events: &[Event]) -> Vec<&Message> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some(m),
            Event::Frame(_) => None,
        })
        .collect()
}

/// What a frame's header should say.
struct Expected {
    fin: bool,
    opcode: OpCode,
    masked: bool,
    length_field: u8,
    encoding: LengthEncoding,
    length_bytes: &'static [u8],
    mask_key: Option<[u8; 4]>,
    payload_len: u64,
    header_len: u64,
    offset: u64,
    span: Range<u64>,
}

/// Checks every header field of a complete frame, and that it breaks no rule.
fn assert_header(frame: &Frame, want: &Expected) {
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

const MASKED_HELLO: [u8; 11] = [
    0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
];
const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

fn text_message(index: u64, first_frame: u64, frame_count: u64, text: &[u8]) -> Message {
    Message {
        index,
        opcode: OpCode::Text,
        first_frame,
        frame_count,
        length: text.len() as u64,
        preview: Bytes::copy_from_slice(text),
        utf8_valid: Some(true),
        compressed: false,
        close: None,
    }
}

fn control_message(opcode: OpCode, payload: &[u8]) -> Message {
    Message {
        index: 0,
        opcode,
        first_frame: 0,
        frame_count: 1,
        length: payload.len() as u64,
        preview: Bytes::copy_from_slice(payload),
        utf8_valid: None,
        compressed: false,
        close: None,
    }
}

/// A deterministic pseudo-random generator (Knuth's MMIX LCG), so that runs repeat.
struct Lcg(u64);

impl Lcg {
    fn byte(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 56) as u8
    }
}

// ---------------------------------------------------------------------------------------------
// §1.3: the key and its Accept

#[test]
fn section_1_3_sample_key_gives_the_sample_accept() {
    let key = "dGhlIHNhbXBsZSBub25jZQ==";
    let d = Derivation::new(key);
    assert_eq!(d.key_bytes, Ok(*b"the sample nonce"));
    assert_eq!(d.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assert_eq!(
        tungstenite::handshake::derive_accept_key(key.as_bytes()),
        d.accept
    );
    assert!(d.compare("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=").matches);
}

#[test]
fn accept_agrees_with_tungstenite_for_many_keys() {
    let mut rng = Lcg(0x5eed);
    for _ in 0..400 {
        let nonce: [u8; 16] = std::array::from_fn(|_| rng.byte());
        let key = BASE64.encode(&nonce);
        let d = Derivation::new(&key);
        assert_eq!(d.key_bytes, Ok(nonce), "{key}");
        assert_eq!(
            d.accept,
            tungstenite::handshake::derive_accept_key(key.as_bytes()),
            "{key}"
        );
    }
}

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

// ---------------------------------------------------------------------------------------------
// Streams that stop inside a frame

#[test]
fn masked_hello_cut_short() {
    let cases: [(usize, u64, bool, &str); 4] = [
        (1, 2, false, "frame incomplete: 1 of 2 bytes of its header"),
        (2, 6, false, "frame incomplete: 2 of 6 bytes of its header"),
        (5, 6, false, "frame incomplete: 5 of 6 bytes of its header"),
        (8, 11, true, "frame incomplete: 8 of 11 bytes"),
    ];
    for (cut, need, header_complete, text) in cases {
        let prefix = &MASKED_HELLO[..cut];
        for chunks in [vec![prefix], prefix.chunks(1).collect()] {
            let mut d = Dissector::new(Config::new(Side::Client));
            for chunk in chunks {
                assert_eq!(d.feed(chunk), Vec::new(), "cut at {cut}: an event");
            }
            let incomplete = d.incomplete().expect("stream stopped inside a frame");
            assert_eq!(
                incomplete,
                Incomplete {
                    offset: 0,
                    have: cut as u64,
                    need,
                    header_complete,
                },
                "cut at {cut}"
            );
            assert_eq!(incomplete.to_string(), text);
            assert_eq!(d.offset(), cut as u64);
            assert_eq!(d.pending_frame().is_some(), header_complete, "cut at {cut}");
            if let Some(frame) = d.pending_frame() {
                assert_eq!(&*frame.wire_payload(), &MASKED_HELLO[6..cut]);
                assert_eq!(frame.received, (cut - 6) as u64);
                assert!(!frame.is_complete());
            }
            // The rest of the frame completes it as if it had come at once.
            let events = d.feed(&MASKED_HELLO[cut..]);
            assert_eq!(
                events,
                feed_chunks(Config::new(Side::Client), [&MASKED_HELLO[..]])
            );
            assert_eq!(d.incomplete(), None);
        }
    }
}

#[test]
fn incomplete_after_a_complete_frame_starts_at_its_offset() {
    let mut d = Dissector::new(Config::new(Side::Client));
    assert_eq!(d.incomplete(), None);
    d.feed(&MASKED_HELLO);
    assert_eq!(d.incomplete(), None);
    d.feed(&MASKED_HELLO[..3]);
    assert_eq!(
        d.incomplete(),
        Some(Incomplete {
            offset: 11,
            have: 3,
            need: 6,
            header_complete: false,
        })
    );
}

#[test]
fn huge_declared_length_allocates_nothing_big() {
    // 2^40 bytes declared; only 10 sent.
    let header = [0x82, 0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00];
    let payload = *b"0123456789";
    let mut d = Dissector::new(Config::new(Side::Server));
    assert_eq!(d.feed(&header), Vec::new());
    assert_eq!(d.feed(&payload), Vec::new());
    assert_eq!(d.offset(), 20);
    let frame = d.pending_frame().expect("the header is complete");
    assert_eq!(frame.payload_len(), 1 << 40);
    assert_eq!(frame.header.length_encoding(), LengthEncoding::SixtyFour);
    assert_eq!(&*frame.wire_payload(), &payload[..]);
    assert_eq!(frame.received, 10);
    assert_eq!(frame.violations, Vec::<Violation>::new());
    assert_eq!(frame.span(), 0..1_099_511_627_786);
    let incomplete = d.incomplete().expect("inside a frame");
    assert_eq!(
        incomplete,
        Incomplete {
            offset: 0,
            have: 20,
            need: 1_099_511_627_786,
            header_complete: true,
        }
    );
    assert_eq!(
        incomplete.to_string(),
        "frame incomplete: 20 of 1099511627786 bytes"
    );
}

// ---------------------------------------------------------------------------------------------
// The preview cap

fn capped(side: Side) -> Config {
    Config {
        preview_cap: 16,
        ..Config::new(side)
    }
}

fn mask(payload: &[u8], key: [u8; 4]) -> Vec<u8> {
    payload
        .iter()
        .enumerate()
        .map(|(i, b)| b ^ key[i % 4])
        .collect()
}

/// A 1000-byte text frame, masked for a client, with its payload as sent.
fn thousand_byte_text(side: Side, payload: &[u8]) -> Vec<u8> {
    assert_eq!(payload.len(), 1000);
    let key = [0xa1, 0xb2, 0xc3, 0xd4];
    match side {
        Side::Client => [&[0x81, 0xfe, 0x03, 0xe8][..], &key, &mask(payload, key)].concat(),
        _ => [&[0x81, 0x7e, 0x03, 0xe8][..], payload].concat(),
    }
}

#[test]
fn preview_cap_keeps_16_bytes_but_knows_the_length() {
    let payload = b"abcdefghij".repeat(100);
    for side in [Side::Server, Side::Client] {
        let bytes = thousand_byte_text(side, &payload);
        let events = some_ways(capped(side), &bytes, &[&[4], &[8, 20], &[500, 900, 901]]);
        let (frame, message) = (frames(&events)[0], messages(&events)[0]);
        assert_eq!(frame.payload_len(), 1000);
        assert_eq!(frame.payload.len(), 16);
        assert_eq!(&frame.payload[..], &payload[..16]);
        assert!(frame.is_truncated());
        assert_eq!(frame.violations, Vec::<Violation>::new());
        assert_eq!(message.length, 1000);
        assert_eq!(message.preview, &payload[..16]);
        assert!(message.is_truncated());
        assert_eq!(message.utf8_valid, Some(true));
    }
}

#[test]
fn preview_cap_still_checks_utf8_over_every_byte() {
    let mut payload = b"abcdefghij".repeat(100);
    payload[900] = 0xff;
    for side in [Side::Server, Side::Client] {
        let bytes = thousand_byte_text(side, &payload);
        let events = some_ways(capped(side), &bytes, &[&[4], &[8, 20], &[500, 904, 905]]);
        let (frame, message) = (frames(&events)[0], messages(&events)[0]);
        assert_eq!(
            frame.violations,
            vec![Violation::InvalidUtf8Text { at: 900 }],
            "{side:?}"
        );
        assert_eq!(message.utf8_valid, Some(false));
        assert_eq!(message.length, 1000);
        assert_eq!(message.preview.len(), 16);
    }
}

#[test]
fn preview_cap_spans_fragments_of_a_message() {
    let parts: [&[u8]; 3] = [b"0123456789", b"abcdefghij", b"ABCDEFGHIJ"];
    let key = [0x0f, 0xf0, 0x55, 0xaa];
    for side in [Side::Server, Side::Client] {
        let bytes: Vec<u8> = [0x01, 0x00, 0x80]
            .iter()
            .zip(parts)
            .flat_map(|(&b0, part)| match side {
                Side::Client => [&[b0, 0x8a][..], &key, &mask(part, key)].concat(),
                _ => [&[b0, 0x0a][..], part].concat(),
            })
            .collect();
        let events = every_way(capped(side), &bytes);
        let message = messages(&events)[0];
        assert_eq!(message.length, 30);
        assert_eq!(message.frame_count, 3);
        assert_eq!(&message.preview[..], b"0123456789abcdef");
        assert_eq!(message.utf8_valid, Some(true));
        assert!(message.is_truncated());
        assert!(frames(&events).iter().all(|f| !f.is_truncated()));
        assert!(frames(&events).iter().all(|f| f.violations.is_empty()));
    }
}

// ---------------------------------------------------------------------------------------------
// Stream offsets

#[test]
fn second_and_third_frames_start_where_the_previous_ended() {
    let unmasked = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
    let long = [&[0x82, 0x7e, 0x00, 0x7e][..], &[0x55; 126]].concat();
    let bytes = [&unmasked[..], &MASKED_HELLO, &long].concat();
    // Side::Unknown so that both masked and unmasked frames are fine.
    let events = every_way(Config::new(Side::Unknown), &bytes);
    let f = frames(&events);
    assert_eq!(f.len(), 3);
    assert_eq!(
        f.iter().map(|f| (f.index, f.span())).collect::<Vec<_>>(),
        vec![(0, 0..7), (1, 7..18), (2, 18..148)]
    );
    let spans = |frame: &Frame| -> Vec<(FieldKind, Range<u64>)> {
        fields(frame, Side::Unknown)
            .into_iter()
            .map(|field| (field.kind, field.span))
            .collect()
    };
    assert_eq!(
        spans(f[1]),
        vec![
            (FieldKind::Fin, 7..8),
            (FieldKind::Rsv1, 7..8),
            (FieldKind::Rsv2, 7..8),
            (FieldKind::Rsv3, 7..8),
            (FieldKind::Opcode, 7..8),
            (FieldKind::Mask, 8..9),
            (FieldKind::PayloadLen, 8..9),
            (FieldKind::MaskingKey, 9..13),
            (FieldKind::Payload, 13..18),
        ]
    );
    assert_eq!(
        spans(f[2]),
        vec![
            (FieldKind::Fin, 18..19),
            (FieldKind::Rsv1, 18..19),
            (FieldKind::Rsv2, 18..19),
            (FieldKind::Rsv3, 18..19),
            (FieldKind::Opcode, 18..19),
            (FieldKind::Mask, 19..20),
            (FieldKind::PayloadLen, 19..20),
            (FieldKind::ExtendedPayloadLen, 20..22),
            (FieldKind::Payload, 22..148),
        ]
    );
    let ext = &fields(f[2], Side::Unknown)[7];
    assert_eq!(ext.value, "126");
    let m = messages(&events);
    assert_eq!(
        m.iter()
            .map(|m| (m.index, m.first_frame))
            .collect::<Vec<_>>(),
        vec![(0, 0), (1, 1), (2, 2)]
    );
    assert!(f.iter().all(|f| f.violations.is_empty()));
}
