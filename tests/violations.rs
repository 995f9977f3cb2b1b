//! Every rule in `wslab::proto::Violation`, each broken by concrete bytes: the exact violations
//! on the exact frame, the section of RFC 6455 that states the rule, and a valid frame after
//! it that still decodes cleanly. Also a fuzz-style check that no input makes the dissector
//! panic or lose count of its bytes.

use wslab::proto::{
    Close, Config, Dissector, Event, Frame, Message, OpCode, RsvBits, Side, Violation,
};

// ---------------------------------------------------------------------------------------------
// Helpers

/// An unmasked frame with first byte `b0`, its length in the shortest form.
fn unmasked(b0: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![b0];
    push_length(&mut out, 0, payload.len());
    out.extend_from_slice(payload);
    out
}

const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// A frame masked with [`KEY`], its length in the shortest form.
fn masked(b0: u8, payload: &[u8]) -> Vec<u8> {
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
fn good_frame(side: Side) -> Vec<u8> {
    match side {
        Side::Client => masked(0x81, b"ok"),
        Side::Server | Side::Unknown => unmasked(0x81, b"ok"),
    }
}

/// What came out of a stream.
#[derive(Debug)]
struct Run {
    frames: Vec<Frame>,
    messages: Vec<Message>,
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
fn expect(config: Config, bytes: &[u8], want: &[&[Violation]]) -> Run {
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

fn server() -> Config {
    Config::new(Side::Server)
}

// ---------------------------------------------------------------------------------------------
// §5.2: the header

#[test]
fn reserved_bits_set() {
    let rsv1 = Violation::ReservedBitsSet {
        bits: RsvBits(0b001),
    };
    assert_eq!(rsv1.section(), "5.2");
    let run = expect(server(), &unmasked(0xc1, b"hi"), &[&[rsv1]]);
    // Not negotiated, so not compressed: the text is still checked.
    assert!(!run.messages[0].compressed);
    assert_eq!(run.messages[0].utf8_valid, Some(true));

    let rsv23 = Violation::ReservedBitsSet {
        bits: RsvBits(0b110),
    };
    assert_eq!(rsv23.section(), "5.2");
    expect(server(), &unmasked(0xb1, b"hi"), &[&[rsv23]]);
}

#[test]
fn reserved_bit_1_allowed_by_an_extension() {
    let config = Config {
        allowed_rsv: RsvBits(0b001),
        ..server()
    };
    // Deflated bytes are not UTF-8 until inflated, so these are not judged as text.
    let run = expect(config, &unmasked(0xc1, &[0xf2, 0x48, 0xff]), &[&[]]);
    let message = &run.messages[0];
    assert!(message.compressed);
    assert_eq!(message.utf8_valid, None);

    // The extension gives RSV1 a meaning, not RSV2.
    expect(
        config,
        &unmasked(0xe1, b"hi"),
        &[&[Violation::ReservedBitsSet {
            bits: RsvBits(0b010),
        }]],
    );

    // Fragmented: RSV1 on the first frame marks the whole message.
    let bytes = [unmasked(0x41, &[0xff]), unmasked(0x80, &[0xfe])].concat();
    let run = expect(config, &bytes, &[&[], &[]]);
    assert!(run.messages[0].compressed);
    assert_eq!(run.messages[0].frame_count, 2);
    assert_eq!(run.messages[0].utf8_valid, None);

    // RFC 7692 §6.1: the compressed bit belongs on a message's first frame only, so on a
    // continuation or a control frame it is still a reserved bit set for nothing.
    let rsv1 = Violation::ReservedBitsSet {
        bits: RsvBits(0b001),
    };
    let bytes = [unmasked(0x41, &[0xff]), unmasked(0xc0, &[0xfe])].concat();
    expect(config, &bytes, &[&[], std::slice::from_ref(&rsv1)]);
    expect(config, &unmasked(0xc9, b"hb"), &[&[rsv1]]);
}

#[test]
fn unknown_opcode() {
    let data = Violation::UnknownOpcode { opcode: 0x3 };
    assert_eq!(data.section(), "5.2");
    let run = expect(server(), &unmasked(0x83, b"x"), &[&[data]]);
    assert_eq!(run.frames[0].header.opcode(), OpCode::Reserved(0x3));
    // A reserved data frame makes no message.
    assert!(run.messages.is_empty(), "{:?}", run.messages);

    let control = Violation::UnknownOpcode { opcode: 0xb };
    assert_eq!(control.section(), "5.2");
    let run = expect(server(), &unmasked(0x8b, b""), &[&[control]]);
    assert_eq!(run.frames[0].header.opcode(), OpCode::Reserved(0xb));
    // A reserved control frame is passed on as a message of its own.
    assert_eq!(run.messages.len(), 1);
    assert_eq!(run.messages[0].opcode, OpCode::Reserved(0xb));
}

#[test]
fn length_msb_set() {
    let bytes = [0x82, 0x7f, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05];
    assert_eq!(Violation::LengthMsbSet.section(), "5.2");
    let mut d = Dissector::new(server());
    assert_eq!(d.feed(&bytes), Vec::new());
    // The frame claims 2^63 + 5 bytes, so it never ends; its header is judged at once.
    let frame = d.pending_frame().expect("the header is complete");
    assert_eq!(frame.violations, vec![Violation::LengthMsbSet]);
    assert_eq!(frame.payload_len(), (1 << 63) + 5);
    // Dissection goes on: what follows is read as that frame's payload, without trouble.
    let more = good_frame(Side::Server).repeat(1000);
    assert_eq!(d.feed(&more), Vec::new());
    assert_eq!(d.offset(), (bytes.len() + more.len()) as u64);
    let frame = d.pending_frame().expect("still inside the frame");
    assert_eq!(frame.received, more.len() as u64);
    assert_eq!(frame.violations, vec![Violation::LengthMsbSet]);
    let incomplete = d.incomplete().expect("inside a frame");
    assert_eq!(incomplete.have, (bytes.len() + more.len()) as u64);
    assert_eq!(incomplete.need, 10 + (1 << 63) + 5);

    // On a ping, both the size rule and the sign rule are broken.
    let mut d = Dissector::new(server());
    d.feed(&[0x89, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    assert_eq!(
        d.pending_frame().map(|f| f.violations.clone()),
        Some(vec![
            Violation::ControlFrameTooLong { length: u64::MAX },
            Violation::LengthMsbSet,
        ])
    );
    assert_eq!(d.incomplete().map(|i| i.need), Some(u64::MAX));
}

#[test]
fn non_minimal_length() {
    let sixteen_for_5 = Violation::NonMinimalLength {
        length: 5,
        used: "the 16-bit form",
        minimal: "the 7-bit field",
    };
    assert_eq!(sixteen_for_5.section(), "5.2");
    let bytes = [&[0x82, 0x7e, 0x00, 0x05][..], b"12345"].concat();
    let run = expect(server(), &bytes, &[&[sixteen_for_5]]);
    assert_eq!(&run.messages[0].preview[..], b"12345");

    let payload = [0x42; 300];
    let sixty_four_for_300 = Violation::NonMinimalLength {
        length: 300,
        used: "the 64-bit form",
        minimal: "the 16-bit form",
    };
    let header = [0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0x01, 0x2c];
    let run = expect(
        server(),
        &[&header[..], &payload].concat(),
        &[&[sixty_four_for_300]],
    );
    assert_eq!(run.messages[0].length, 300);

    let sixty_four_for_5 = Violation::NonMinimalLength {
        length: 5,
        used: "the 64-bit form",
        minimal: "the 7-bit field",
    };
    let header = [0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0x05];
    expect(
        server(),
        &[&header[..], b"12345"].concat(),
        &[&[sixty_four_for_5]],
    );
}

// ---------------------------------------------------------------------------------------------
// §5.5: control frames

#[test]
fn control_frame_too_long() {
    let too_long = Violation::ControlFrameTooLong { length: 126 };
    assert_eq!(too_long.section(), "5.5");
    let run = expect(server(), &unmasked(0x89, &[0x70; 126]), &[&[too_long]]);
    assert_eq!(run.frames[0].header.length_field(), 126);
    assert_eq!(run.messages[0].opcode, OpCode::Ping);
    assert_eq!(run.messages[0].length, 126);

    // 125 is the most a control frame may carry.
    expect(server(), &unmasked(0x89, &[0x70; 125]), &[&[]]);
}

#[test]
fn fragmented_control_frame() {
    assert_eq!(Violation::FragmentedControlFrame.section(), "5.5");
    let run = expect(
        server(),
        &unmasked(0x09, b"hb"),
        &[&[Violation::FragmentedControlFrame]],
    );
    assert_eq!(run.messages[0].opcode, OpCode::Ping);
}

// ---------------------------------------------------------------------------------------------
// §5.4: fragmentation

#[test]
fn continuation_without_message() {
    assert_eq!(Violation::ContinuationWithoutMessage.section(), "5.4");
    let run = expect(
        server(),
        &unmasked(0x80, b"lo"),
        &[&[Violation::ContinuationWithoutMessage]],
    );
    assert!(run.messages.is_empty());

    // After a finished message, the same.
    let bytes = [unmasked(0x81, b"Hel"), unmasked(0x00, b"lo")].concat();
    let run = expect(
        server(),
        &bytes,
        &[&[], &[Violation::ContinuationWithoutMessage]],
    );
    assert_eq!(run.messages.len(), 1);
    assert_eq!(&run.messages[0].preview[..], b"Hel");
}

#[test]
fn new_message_while_fragmented() {
    let binary = Violation::NewMessageWhileFragmented { opcode: "binary" };
    assert_eq!(binary.section(), "5.4");
    let bytes = [unmasked(0x01, b"a"), unmasked(0x82, b"b")].concat();
    let run = expect(server(), &bytes, &[&[], &[binary]]);
    // The unfinished text is abandoned; the binary message stands.
    assert_eq!(run.messages.len(), 1);
    assert_eq!(run.messages[0].opcode, OpCode::Binary);
    assert_eq!(&run.messages[0].preview[..], b"b");
    assert_eq!(run.messages[0].first_frame, 1);

    let text = Violation::NewMessageWhileFragmented { opcode: "text" };
    let bytes = [
        unmasked(0x01, b"a"),
        unmasked(0x01, b"b"),
        unmasked(0x80, b"c"),
    ]
    .concat();
    let run = expect(server(), &bytes, &[&[], &[text], &[]]);
    assert_eq!(&run.messages[0].preview[..], b"bc");
    assert_eq!(run.messages[0].frame_count, 2);
}

#[test]
fn control_frames_between_fragments_are_allowed() {
    let bytes = [
        unmasked(0x01, b"Hel"),
        unmasked(0x89, b"ping"),
        unmasked(0x00, b"l"),
        unmasked(0x8a, b"pong"),
        unmasked(0x80, b"o"),
    ]
    .concat();
    let run = expect(server(), &bytes, &[&[], &[], &[], &[], &[]]);
    let got: Vec<_> = run
        .messages
        .iter()
        .map(|m| {
            (
                m.index,
                m.opcode,
                m.first_frame,
                m.frame_count,
                &m.preview[..],
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (0, OpCode::Ping, 1, 1, &b"ping"[..]),
            (1, OpCode::Pong, 3, 1, b"pong"),
            (2, OpCode::Text, 0, 3, b"Hello"),
        ]
    );
    assert_eq!(run.messages[2].length, 5);

    // A control payload between the halves of a character is not mixed into the text.
    let bytes = [
        unmasked(0x01, &[0xc3]),
        unmasked(0x89, &[0xff]),
        unmasked(0x80, &[0xa9]),
    ]
    .concat();
    let run = expect(server(), &bytes, &[&[], &[], &[]]);
    assert_eq!(run.messages[1].preview, "é".as_bytes());
    assert_eq!(run.messages[1].utf8_valid, Some(true));
}

// ---------------------------------------------------------------------------------------------
// §5.1, §5.3: masking

#[test]
fn unmasked_client_frame() {
    assert_eq!(Violation::UnmaskedClientFrame.section(), "5.1");
    let run = expect(
        Config::new(Side::Client),
        &unmasked(0x81, b"hi"),
        &[&[Violation::UnmaskedClientFrame]],
    );
    assert_eq!(&run.messages[0].preview[..], b"hi");
}

#[test]
fn masked_server_frame() {
    assert_eq!(Violation::MaskedServerFrame.section(), "5.1");
    let run = expect(
        server(),
        &masked(0x81, b"hi"),
        &[&[Violation::MaskedServerFrame]],
    );
    // Still unmasked for the reader.
    assert_eq!(&run.messages[0].preview[..], b"hi");
}

#[test]
fn unknown_side_judges_neither_masking() {
    let bytes = [masked(0x81, b"hi"), unmasked(0x81, b"hi")].concat();
    let run = expect(Config::new(Side::Unknown), &bytes, &[&[], &[]]);
    assert_eq!(run.messages.len(), 2);
    assert!(run.messages.iter().all(|m| m.preview == b"hi"[..]));
}

// ---------------------------------------------------------------------------------------------
// §8.1: text must be UTF-8

fn invalid_utf8(at: u64) -> Violation {
    let v = Violation::InvalidUtf8Text { at };
    assert_eq!(v.section(), "8.1");
    v
}

#[test]
fn invalid_utf8_text() {
    let run = expect(server(), &unmasked(0x81, b"a\xffb"), &[&[invalid_utf8(1)]]);
    assert_eq!(run.messages[0].utf8_valid, Some(false));
    assert_eq!(&run.messages[0].preview[..], b"a\xffb");
    assert_eq!(run.messages[0].text_lossy(), "a\u{fffd}b");

    // Masked, from a client: judged on the unmasked bytes.
    let run = expect(
        Config::new(Side::Client),
        &masked(0x81, b"abcdefg\xc0\xafh"),
        &[&[invalid_utf8(7)]],
    );
    assert_eq!(run.messages[0].utf8_valid, Some(false));
}

#[test]
fn invalid_utf8_text_two_byte_char_split_across_fragments_is_valid() {
    for config in [server(), Config::new(Side::Client)] {
        let frame = |b0, payload: &[u8]| match config.side {
            Side::Client => masked(b0, payload),
            _ => unmasked(b0, payload),
        };
        let bytes = [frame(0x01, b"caf\xc3"), frame(0x80, b"\xa9!")].concat();
        let run = expect(config, &bytes, &[&[], &[]]);
        assert_eq!(run.messages[0].preview, "café!".as_bytes());
        assert_eq!(run.messages[0].utf8_valid, Some(true));
    }
}

#[test]
fn invalid_utf8_text_bad_continuation_in_the_next_fragment() {
    // "ab", then the first byte of a 3-byte character; the next fragment breaks it.
    let parts: [&[u8]; 2] = [b"ab\xe2", b"\x28\xa1"];
    let whole = parts.concat();
    let at = std::str::from_utf8(&whole).unwrap_err().valid_up_to() as u64;
    assert_eq!(at, 2, "offset within the message, not the fragment");
    for config in [server(), Config::new(Side::Client)] {
        let frame = |b0, payload: &[u8]| match config.side {
            Side::Client => masked(b0, payload),
            _ => unmasked(b0, payload),
        };
        let bytes = [frame(0x01, parts[0]), frame(0x80, parts[1])].concat();
        let run = expect(config, &bytes, &[&[], &[invalid_utf8(at)]]);
        assert_eq!(run.messages[0].utf8_valid, Some(false));
    }

    // A 4-byte character over three fragments, broken in the third.
    let bytes = [
        unmasked(0x01, b"xy\xf0"),
        unmasked(0x00, b"\x9f"),
        unmasked(0x80, b"\x98z"),
    ]
    .concat();
    expect(server(), &bytes, &[&[], &[], &[invalid_utf8(2)]]);
}

#[test]
fn invalid_utf8_text_message_ending_mid_character() {
    let bytes = [unmasked(0x01, b"a"), unmasked(0x80, b"b\xe2\x82")].concat();
    let run = expect(server(), &bytes, &[&[], &[invalid_utf8(2)]]);
    assert_eq!(run.messages[0].utf8_valid, Some(false));

    // A fragment that ends mid-character is fine while more fragments follow.
    let bytes = [
        unmasked(0x01, b"a\xe2"),
        unmasked(0x00, b"\x82"),
        unmasked(0x80, b""),
    ]
    .concat();
    expect(server(), &bytes, &[&[], &[], &[invalid_utf8(1)]]);

    // One frame.
    expect(server(), &unmasked(0x81, b"a\xc3"), &[&[invalid_utf8(1)]]);
}

#[test]
fn invalid_utf8_text_reported_once_per_message() {
    let bytes = [
        unmasked(0x01, b"\xffa"),
        unmasked(0x00, b"\xfe"),
        unmasked(0x80, b"\xfd\xc3"),
    ]
    .concat();
    let run = expect(server(), &bytes, &[&[invalid_utf8(0)], &[], &[]]);
    assert_eq!(run.messages[0].utf8_valid, Some(false));
    assert_eq!(run.messages[0].length, 5);

    // The next message is judged afresh.
    let bytes = [unmasked(0x81, b"\xff"), unmasked(0x81, b"x\xff")].concat();
    expect(server(), &bytes, &[&[invalid_utf8(0)], &[invalid_utf8(1)]]);
}

#[test]
fn binary_is_not_utf8() {
    let run = expect(server(), &unmasked(0x82, b"\xff\xfe"), &[&[]]);
    assert_eq!(run.messages[0].utf8_valid, None);
}

// ---------------------------------------------------------------------------------------------
// §5.5.1, §7.4: close frames

fn close_frame(payload: &[u8]) -> Vec<u8> {
    unmasked(0x88, payload)
}

#[test]
fn close_payload_one_byte() {
    assert_eq!(Violation::ClosePayloadOneByte.section(), "5.5.1");
    let run = expect(
        server(),
        &close_frame(&[0x03]),
        &[&[Violation::ClosePayloadOneByte]],
    );
    assert_eq!(
        run.messages[0].close,
        Some(Close {
            code: None,
            reason: String::new()
        })
    );
    // Empty is fine.
    let run = expect(server(), &close_frame(&[]), &[&[]]);
    assert_eq!(run.messages[0].close.as_ref().and_then(|c| c.code), None);
}

#[test]
fn close_code_not_allowed() {
    let banned = [
        (1005, "No Status Received"),
        (1006, "Abnormal Closure"),
        (999, "Unused"),
        (5000, "Out of range"),
        (1004, "Reserved"),
        (1015, "TLS Handshake Failure"),
        (2000, "Unassigned protocol code"),
    ];
    for (code, name) in banned {
        let v = Violation::CloseCodeNotAllowed { code, name };
        assert_eq!(v.section(), "7.4");
        let run = expect(server(), &close_frame(&u16::to_be_bytes(code)), &[&[v]]);
        let close = run.messages[0].close.as_ref().expect("a close");
        assert_eq!(close.code, Some(code));
        assert_eq!(close.code_name(), Some(name));
    }
    for code in [1000u16, 3000, 4999] {
        let payload = [&code.to_be_bytes()[..], b"bye"].concat();
        let run = expect(server(), &close_frame(&payload), &[&[]]);
        let close = run.messages[0].close.as_ref().expect("a close");
        assert_eq!(close.code, Some(code));
        assert_eq!(close.reason, "bye");
    }
}

#[test]
fn invalid_utf8_close_reason() {
    let v = Violation::InvalidUtf8CloseReason { at: 1 };
    assert_eq!(v.section(), "5.5.1");
    let run = expect(server(), &close_frame(b"\x03\xe8o\xffk"), &[&[v]]);
    let close = run.messages[0].close.as_ref().expect("a close");
    assert_eq!(close.code, Some(1000));
    assert_eq!(close.reason, "o\u{fffd}k");

    // A banned code and a bad reason: both, in that order.
    expect(
        server(),
        &close_frame(b"\x03\xed\xff"),
        &[&[
            Violation::CloseCodeNotAllowed {
                code: 1005,
                name: "No Status Received",
            },
            Violation::InvalidUtf8CloseReason { at: 0 },
        ]],
    );

    // Masked, from a client: judged on the unmasked reason.
    expect(
        Config::new(Side::Client),
        &masked(0x88, &[&[0x03, 0xe8][..], "né".as_bytes()].concat()),
        &[&[]],
    );
}

#[test]
fn close_frame_is_judged_whole_with_preview_cap_1() {
    // 88 02 03 e8: close 1000. A cap of 1 must not make it look like a 1-byte close payload.
    let tiny = Config {
        preview_cap: 1,
        ..server()
    };
    let run = expect(tiny, &close_frame(&[0x03, 0xe8]), &[&[]]);
    assert_eq!(
        run.messages[0].close.as_ref().and_then(|c| c.code),
        Some(1000)
    );
}

#[test]
fn close_frame_is_judged_whole_with_preview_cap_16() {
    // 88 11 03 e8 61*13 c3 a9: the cap cuts the "é" (c3 a9) of a valid reason in half.
    let capped = Config {
        preview_cap: 16,
        ..server()
    };
    let payload = [&[0x03, 0xe8][..], &[b'a'; 13], "é".as_bytes()].concat();
    expect(capped, &close_frame(&payload), &[&[]]);
}

#[test]
fn close_reason_is_checked_past_the_preview_cap() {
    // 88 15 03 e8 61*16 ff 61 61: the bad byte is at 16 in the reason, 18 in the payload.
    let capped = Config {
        preview_cap: 16,
        ..server()
    };
    let payload = [&[0x03, 0xe8][..], &[b'a'; 16], b"\xffaa"].concat();
    expect(
        capped,
        &close_frame(&payload),
        &[&[Violation::InvalidUtf8CloseReason { at: 16 }]],
    );
}

// ---------------------------------------------------------------------------------------------
// No input makes the dissector panic

/// A deterministic pseudo-random generator (Knuth's MMIX LCG), so that runs repeat.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn byte(&mut self) -> u8 {
        (self.next() >> 23) as u8
    }
}

/// Bytes that are often nearly frames: random first bytes, mostly small lengths, random
/// masks. Pure noise would rarely finish a frame.
fn plausible_stream(rng: &mut Lcg) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rng.below(6) {
        out.push(rng.byte());
        let mask_bit = rng.byte() & 0x80;
        let len = match rng.below(10) {
            0 => {
                out.push(mask_bit | 0x7e);
                let len = rng.below(300) as u16;
                out.extend_from_slice(&len.to_be_bytes());
                usize::from(len)
            }
            1 => {
                out.push(mask_bit | 0x7f);
                let len = if rng.below(2) == 0 {
                    rng.below(300) as u64
                } else {
                    rng.next() << 31 | rng.next()
                };
                out.extend_from_slice(&len.to_be_bytes());
                usize::try_from(len).unwrap_or(usize::MAX).min(300)
            }
            _ => {
                let len = rng.below(126);
                out.push(mask_bit | len as u8);
                len
            }
        };
        if mask_bit != 0 {
            out.extend((0..4).map(|_| rng.byte()));
        }
        out.extend((0..len).map(|_| rng.byte()));
    }
    out
}

fn random_chunks(rng: &mut Lcg, bytes: &[u8]) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        at += 1 + rng.below(17);
        cuts.push(at.min(bytes.len()));
    }
    cuts
}

#[test]
fn never_panics_and_counts_every_byte() {
    let mut rng = Lcg(0x00c0_ffee);
    for round in 0..3000 {
        let bytes = if round % 2 == 0 {
            (0..rng.below(200)).map(|_| rng.byte()).collect()
        } else {
            plausible_stream(&mut rng)
        };
        let cuts = random_chunks(&mut rng, &bytes);
        for side in [Side::Client, Side::Server, Side::Unknown] {
            let config = Config {
                side,
                preview_cap: rng.below(4),
                allowed_rsv: RsvBits(rng.byte() & 0b111),
            };
            let mut whole = Dissector::new(config);
            let expected = whole.feed(&bytes);
            assert_eq!(whole.offset(), bytes.len() as u64);

            let mut chunked = Dissector::new(config);
            let mut events = Vec::new();
            let mut start = 0;
            for &cut in &cuts {
                events.extend(chunked.feed(&bytes[start..cut]));
                start = cut;
                assert_eq!(chunked.offset(), cut as u64);
            }
            assert_eq!(events, expected, "round {round}, {side:?}: {bytes:02x?}");
            assert_eq!(chunked.incomplete(), whole.incomplete());
            check_accounting(&events, &chunked, config, bytes.len() as u64);
        }
    }
}

/// Lawful control frames are kept whole (125 bytes) whatever the cap; data is capped.
fn cap_for(opcode: OpCode, config: Config) -> usize {
    if opcode.is_control() {
        config.preview_cap.max(125)
    } else {
        config.preview_cap
    }
}

/// Frames tile the stream: each starts where the last ended, and the unfinished one (if
/// any) covers the rest. Previews stay within the cap.
fn check_accounting(events: &[Event], d: &Dissector, config: Config, fed: u64) {
    let mut next = 0;
    for event in events {
        match event {
            Event::Frame(f) => {
                assert_eq!(f.offset, next);
                assert!(f.is_complete());
                assert!(f.payload.len() <= cap_for(f.header.opcode(), config));
                next = f.span().end;
            }
            Event::Message(m) => assert!(m.preview.len() <= cap_for(m.opcode, config)),
        }
    }
    match d.incomplete() {
        Some(i) => {
            assert_eq!(i.offset, next);
            assert_eq!(i.offset + i.have, fed);
            assert!(i.have < i.need);
        }
        None => assert_eq!(next, fed),
    }
}

/// Fragmented text that is mostly valid UTF-8, in data frames with control frames between,
/// masked or not, with RSV1 now and then.
fn fragmented_stream(rng: &mut Lcg) -> Vec<u8> {
    const PIECES: [&[u8]; 8] = [
        b"a",
        b"\xc3\xa9",
        b"\xe2\x82\xac",
        b"\xf0\x9d\x84\x9e",
        b"z",
        b"\xff",
        b"\xed\xa0\x80",
        b"\xc3",
    ];
    let mut out = Vec::new();
    for _ in 0..rng.below(12) {
        let opcode = [0x0, 0x0, 0x0, 0x1, 0x1, 0x2, 0x9][rng.below(7)];
        let fin = if opcode == 0x9 || rng.below(3) == 0 {
            0x80
        } else {
            0
        };
        let rsv1 = if rng.below(8) == 0 { 0x40 } else { 0 };
        let mut payload = Vec::new();
        for _ in 0..rng.below(8) {
            // Mostly valid characters; the last three pieces are bad or cut short.
            let piece = PIECES[if rng.below(10) == 0 {
                rng.below(8)
            } else {
                rng.below(5)
            }];
            payload.extend_from_slice(piece);
        }
        // Sometimes cut a character between two fragments.
        if rng.below(2) == 0 {
            payload.truncate(payload.len().saturating_sub(rng.below(3)));
        }
        let b0 = fin | rsv1 | opcode;
        out.extend(if rng.below(2) == 0 {
            masked(b0, &payload)
        } else {
            unmasked(b0, &payload)
        });
    }
    out
}

/// Checks each data message against the frames that made it: the same bytes, the same
/// length, and a UTF-8 verdict (and offset) that agrees with the standard library.
#[test]
fn messages_agree_with_their_frames() {
    let mut rng = Lcg(0x0bad_5eed);
    // How many messages were valid text, invalid text, and other.
    let mut seen = [0u32; 3];
    for round in 0..3000 {
        let bytes = fragmented_stream(&mut rng);
        let config = Config {
            allowed_rsv: RsvBits(u8::from(round % 2 == 0)),
            ..Config::new(Side::Unknown)
        };
        let mut d = Dissector::new(config);
        let events: Vec<Event> = bytes
            .chunks(1 + round % 7)
            .flat_map(|c| d.feed(c))
            .collect();
        let frames: Vec<&Frame> = events
            .iter()
            .filter_map(|e| match e {
                Event::Frame(f) => Some(f),
                Event::Message(_) => None,
            })
            .collect();
        for event in &events {
            if let Event::Message(m) = event
                && !m.opcode.is_control()
            {
                check_message(m, &frames);
                seen[match m.utf8_valid {
                    Some(true) => 0,
                    Some(false) => 1,
                    None => 2,
                }] += 1;
            }
        }
    }
    assert!(seen.iter().all(|&n| n > 500), "too few of a kind: {seen:?}");
}

fn check_message(m: &Message, frames: &[&Frame]) {
    // Its frames: the first, then the continuations up to the first with FIN=1.
    let mut parts = vec![frames[m.first_frame as usize]];
    if !parts[0].header.fin() {
        for f in &frames[m.first_frame as usize + 1..] {
            if f.header.opcode() == OpCode::Continuation {
                parts.push(f);
                if f.header.fin() {
                    break;
                }
            }
        }
    }
    let payload: Vec<u8> = parts.iter().flat_map(|f| f.payload.to_vec()).collect();
    assert_eq!(m.frame_count, parts.len() as u64, "{m:?}");
    assert_eq!(m.preview, payload, "{m:?}");
    assert_eq!(m.length, payload.len() as u64);
    let reported: Vec<u64> = parts
        .iter()
        .flat_map(|f| &f.violations)
        .filter_map(|v| match v {
            Violation::InvalidUtf8Text { at } => Some(*at),
            _ => None,
        })
        .collect();
    if m.opcode == OpCode::Text && !m.compressed {
        let verdict = std::str::from_utf8(&payload);
        assert_eq!(m.utf8_valid, Some(verdict.is_ok()), "{payload:02x?}");
        let want: Vec<u64> = verdict
            .err()
            .map(|e| e.valid_up_to() as u64)
            .into_iter()
            .collect();
        assert_eq!(reported, want, "{payload:02x?}");
    } else {
        assert_eq!(m.utf8_valid, None);
        assert!(reported.is_empty());
    }
}
