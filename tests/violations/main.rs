//! Every rule in `wslab::proto::Violation`, each broken by concrete bytes: the exact violations
//! on the exact frame, the section of RFC 6455 that states the rule, and a valid frame after
//! it that still decodes cleanly. Also a fuzz-style check that no input makes the dissector
//! panic or lose count of its bytes.
//!
//! The rules, one module per theme:
//! - `header`: §5.2, the header: reserved bits, opcodes and lengths;
//! - `control`: §5.5, control frames, and §5.5.1 and §7.4, close frames;
//! - `fragmentation`: §5.4, continuations and new messages;
//! - `masking`: §5.1 and §5.3, who masks;
//! - `utf8`: §8.1, text must be UTF-8;
//! - `support`: the frame builders and `expect`, which they all use.
//!
//! This file holds the random streams: no input makes the dissector panic or lose count of
//! its bytes, and data messages agree with their frames.

#[path = "../common/mod.rs"]
mod common;
mod control;
mod fragmentation;
mod header;
mod masking;
mod support;
mod utf8;

use common::{Lcg, plausible_stream};
use support::{masked, unmasked};
use wslab::proto::{Config, Dissector, Event, Frame, Message, OpCode, RsvBits, Side, Violation};

// ---------------------------------------------------------------------------------------------
// No input makes the dissector panic

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
