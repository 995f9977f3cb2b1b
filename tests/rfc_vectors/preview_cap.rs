//! The preview cap: a frame and its message keep only the first bytes of the payload but
//! know its whole length, UTF-8 is still checked over every byte, and the cap spans the
//! fragments of a message.

use wslab::proto::{Config, Side, Violation};

use crate::support::{every_way, frames, messages, some_ways};

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
