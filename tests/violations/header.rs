//! RFC 6455 §5.2, the header: reserved bits (and RSV1 when an extension allows it), unknown
//! opcodes, a 64-bit length with its most significant bit set, and lengths not in their
//! shortest form.

use wslab::proto::{Config, Dissector, OpCode, RsvBits, Side, Violation};

use crate::support::{expect, good_frame, server, unmasked};

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
