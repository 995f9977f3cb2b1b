//! Streams that stop inside a frame: what `incomplete()` and `pending_frame()` report, that
//! the rest of the frame completes it as if it had come at once, and that a huge declared
//! length allocates nothing big.

use wslab::proto::{Config, Dissector, HeaderCut, Incomplete, LengthEncoding, Side, Violation};

use crate::support::{MASKED_HELLO, feed_chunks};

#[test]
fn masked_hello_cut_short() {
    let cases: [(usize, u64, Option<HeaderCut>, &str); 4] = [
        (
            1,
            2,
            Some(HeaderCut::SecondByte),
            "frame incomplete: 1 of 2 bytes of its header; it stops before byte 1, which holds MASK and the 7-bit payload length, so the header needs 1 more byte, then its payload",
        ),
        (
            2,
            6,
            Some(HeaderCut::MaskingKey { have: 0 }),
            "frame incomplete: 2 of 6 bytes of its header; it stops inside the masking key (0 of its 4 bytes), so the header needs 4 more bytes, then its payload",
        ),
        (
            5,
            6,
            Some(HeaderCut::MaskingKey { have: 3 }),
            "frame incomplete: 5 of 6 bytes of its header; it stops inside the masking key (3 of its 4 bytes), so the header needs 1 more byte, then its payload",
        ),
        (
            8,
            11,
            None,
            "frame incomplete: 8 of 11 bytes, 3 payload bytes missing",
        ),
    ];
    for (cut, need, header_cut, text) in cases {
        let header_complete = header_cut.is_none();
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
                    cut: header_cut,
                },
                "cut at {cut}"
            );
            assert_eq!(incomplete.missing(), need - cut as u64);
            // A masked client frame breaks nothing, however little of it came.
            let stopped = d.stopped().expect("stopped inside a frame");
            assert_eq!(stopped.incomplete, incomplete);
            assert_eq!(stopped.violations, Vec::<Violation>::new(), "cut at {cut}");
            assert_eq!(stopped.frame.is_some(), header_complete);
            assert_eq!(stopped.header.len(), if header_complete { 0 } else { cut });
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
            cut: Some(HeaderCut::MaskingKey { have: 1 }),
        })
    );
    assert_eq!(d.stopped().map(|s| s.index), Some(1), "the second frame");
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
            cut: None,
        }
    );
    assert_eq!(
        incomplete.to_string(),
        "frame incomplete: 20 of 1099511627786 bytes, 1099511627766 payload bytes missing"
    );
}

// Issue 18, point 7: the rules the bytes of an unfinished frame already break are known
// before the frame ends, whether its header came whole or not.
#[test]
fn an_unfinished_frame_already_breaks_what_its_bytes_break() {
    let cases: [(&[u8], Side, Vec<Violation>); 6] = [
        // The bytes: a whole header with the 64-bit length's top bit set, no payload.
        (
            &[0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 1],
            Side::Server,
            vec![Violation::LengthMsbSet],
        ),
        // The same top bit, seen in the first byte of the length.
        (
            &[0x82, 0x7f, 0x80],
            Side::Server,
            vec![Violation::LengthMsbSet],
        ),
        // Byte 0 alone: RSV2 set and a reserved opcode.
        (
            &[0xa3],
            Side::Server,
            vec![
                Violation::ReservedBitsSet {
                    bits: wslab::proto::RsvBits(0b010),
                },
                Violation::UnknownOpcode { opcode: 3 },
            ],
        ),
        // A ping without FIN, its length still to come.
        (
            &[0x09],
            Side::Client,
            vec![Violation::FragmentedControlFrame],
        ),
        // Byte 1 says who masked: a server must not, a client must.
        (
            &[0x81, 0x85, 0x37],
            Side::Server,
            vec![Violation::MaskedServerFrame],
        ),
        (
            &[0x81, 0x7e],
            Side::Client,
            vec![Violation::UnmaskedClientFrame],
        ),
    ];
    for (bytes, side, expected) in cases {
        let mut d = Dissector::new(Config::new(side));
        assert_eq!(d.feed(bytes), Vec::new());
        let stopped = d.stopped().expect("inside a frame");
        assert_eq!(stopped.violations, expected, "{bytes:02x?}");
    }
    // A 16-bit length that would fit in 7 bits, known once both its bytes came.
    let mut d = Dissector::new(Config::new(Side::Server));
    d.feed(&[0x82, 0x7e, 0x00, 0x05]);
    let stopped = d.stopped().expect("inside a frame");
    assert!(matches!(
        stopped.violations[..],
        [Violation::NonMinimalLength { length: 5, .. }]
    ));
}

#[test]
fn a_header_cut_names_the_field_it_stops_in() {
    for (bytes, cut) in [
        (&[0x82][..], Some(HeaderCut::SecondByte)),
        (
            &[0x82, 0x7e],
            Some(HeaderCut::ExtendedLength { have: 0, of: 2 }),
        ),
        (
            &[0x82, 0x7f, 0, 0, 0],
            Some(HeaderCut::ExtendedLength { have: 3, of: 8 }),
        ),
        (
            &[0x82, 0xfe, 0, 9, 1, 2],
            Some(HeaderCut::MaskingKey { have: 2 }),
        ),
        (&[0x82, 0x05], None),
        (&[], None),
    ] {
        assert_eq!(HeaderCut::of(bytes), cut, "{bytes:02x?}");
    }
}
