//! Streams that stop inside a frame: what `incomplete()` and `pending_frame()` report, that
//! the rest of the frame completes it as if it had come at once, and that a huge declared
//! length allocates nothing big.

use wslab::proto::{Config, Dissector, Incomplete, LengthEncoding, Side, Violation};

use crate::support::{MASKED_HELLO, feed_chunks};

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
