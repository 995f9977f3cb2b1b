//! RFC 6455 §8.1, text must be UTF-8: the offset of the first bad byte within the message,
//! characters split across fragments, messages ending mid-character, one report per message,
//! and binary, which is not judged.

use wslab::proto::{Config, Side, Violation};

use crate::support::{expect, masked, server, unmasked};

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
