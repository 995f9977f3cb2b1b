use super::*;
use crate::proto::OpCode;
use crate::proto::violation::Violation;

const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// The bytes `text` crafts, with `KEY` as the fresh key.
fn bytes(text: &str) -> Vec<u8> {
    match parse(text, &mut || Some(KEY)) {
        Ok(crafted) => crafted.bytes,
        Err(e) => panic!("{text:?}: {e}"),
    }
}

/// The sentence `text` is refused with.
fn why(text: &str) -> String {
    match parse(text, &mut || Some(KEY)) {
        Ok(crafted) => panic!("{text:?} was accepted: {:02x?}", crafted.bytes),
        Err(e) => e.to_string(),
    }
}

#[test]
fn rfc_6455_section_5_7_examples_typed_as_fields() {
    let hello = [0x48, 0x65, 0x6c, 0x6c, 0x6f];
    let masked_hello = [0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];
    // A single-frame unmasked text message.
    assert_eq!(
        bytes("mask=none payload=Hello"),
        [&[0x81, 0x05][..], &hello].concat()
    );
    // A single-frame masked text message.
    assert_eq!(
        bytes("fin=1 opcode=text mask=37fa213d payload=Hello"),
        [&[0x81, 0x85][..], &masked_hello].concat()
    );
    // A fragmented unmasked text message.
    assert_eq!(
        bytes("fin=0 mask=none payload=Hel; opcode=cont mask=none payload=lo"),
        [0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f]
    );
    // Unmasked ping, masked pong.
    assert_eq!(
        bytes("opcode=ping mask=none payload=Hello"),
        [&[0x89, 0x05][..], &hello].concat()
    );
    assert_eq!(
        bytes("opcode=pong mask=37fa213d payload=Hello"),
        [&[0x8a, 0x85][..], &masked_hello].concat()
    );
    // 256 bytes and 64 KiB of binary data in one unmasked frame.
    let zeros = |n: usize| "00".repeat(n);
    let big = bytes(&format!(
        "opcode=binary mask=none payload-hex={}",
        zeros(256)
    ));
    assert_eq!(&big[..4], [0x82, 0x7e, 0x01, 0x00]);
    assert_eq!(big.len(), 4 + 256);
    let huge = bytes(&format!("opcode=2 mask=none payload-hex={}", zeros(65536)));
    assert_eq!(&huge[..10], [0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0]);
    assert_eq!(huge.len(), 10 + 65536);
}

#[test]
fn hex_goes_out_exactly_as_typed_even_half_a_frame() {
    let half = parse("81 85 37 fa", &mut || unreachable!("hex takes no key")).unwrap();
    assert_eq!(half.bytes, [0x81, 0x85, 0x37, 0xfa]);
    assert_eq!(half.form, Form::Hex);
    assert!(half.notes.is_empty());
    assert_eq!(
        half.summary(),
        "4 bytes typed as hex, sent exactly as typed"
    );
    // Two frames at once, and an xxd dump, read as any hex is.
    assert_eq!(bytes("0x8a00 8a00"), [0x8a, 0, 0x8a, 0]);
    assert_eq!(
        bytes("00000000: 8185 37fa 213d 7f9f 4d51 58                 ..7.!=..MQX"),
        [
            0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58
        ]
    );
}

#[test]
fn defaults_are_a_final_text_frame_masked_with_the_fresh_key() {
    let mut calls = 0;
    let crafted = parse("payload=Hello", &mut || {
        calls += 1;
        Some(KEY)
    })
    .unwrap();
    assert_eq!(
        crafted.bytes,
        [
            0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58
        ]
    );
    assert_eq!(calls, 1);
    assert_eq!(crafted.summary(), "1 frame typed as fields, 11 bytes");
    // Each frame without mask= gets its own key; one with mask= takes none.
    let mut keys = [[1, 1, 1, 1], [2, 2, 2, 2]].into_iter();
    let two = parse("opcode=ping; mask=none; opcode=pong", &mut || keys.next()).unwrap();
    assert_eq!(
        two.bytes,
        [0x89, 0x80, 1, 1, 1, 1, 0x81, 0x00, 0x8a, 0x80, 2, 2, 2, 2]
    );
    assert_eq!(two.form, Form::Fields(3));
    // A caller with no key (connect --unmasked) leaves the frame unmasked.
    assert_eq!(parse("fin=1", &mut || None).unwrap().bytes, [0x81, 0x00]);
}

#[test]
fn header_bits_land_where_rfc_6455_puts_them() {
    // FIN, RSV1, RSV3 and the reserved control opcode 0xb: 1101 1011.
    assert_eq!(
        bytes("rsv1=1 rsv3=1 opcode=0xb mask=none")[..2],
        [0xdb, 0x00]
    );
    assert_eq!(bytes("fin=0 rsv2=1 opcode=3 mask=none")[0], 0x23);
    assert_eq!(
        bytes("opcode=close mask=none payload-hex=03e8"),
        [0x88, 2, 3, 0xe8]
    );
    assert_eq!(
        bytes("OPCODE=Binary MASK=NONE")[0],
        0x82,
        "names in any case"
    );
    assert_eq!(bytes("opcode=15 mask=none")[0], 0x8f);
}

#[test]
fn quoted_payloads_keep_spaces_semicolons_and_escapes() {
    assert_eq!(bytes("mask=none payload=\"a b; c\""), b"\x81\x06a b; c");
    assert_eq!(bytes("payload='x y' mask=none"), b"\x81\x03x y");
    assert_eq!(
        bytes(r#"mask=none payload="say \"hi\"\n""#),
        b"\x81\x09say \"hi\"\n"
    );
    // A quote opens a value only where the value starts.
    assert_eq!(bytes("mask=none payload=don't"), b"\x81\x05don't");
    assert_eq!(bytes("mask=none payload= fin=1"), [0x81, 0x00]);
    assert_eq!(bytes("mask=none payload=\"\""), [0x81, 0x00]);
}

#[test]
fn a_length_may_lie_and_the_note_says_so() {
    let lie = parse("len=300 payload=hi mask=none", &mut || None).unwrap();
    assert_eq!(lie.bytes, [0x81, 0x7e, 0x01, 0x2c, b'h', b'i']);
    assert_eq!(
        lie.notes,
        [Note::LengthLie {
            frame: 1,
            declared: 300,
            carried: 2
        }]
    );
    assert!(
        lie.notes[0].to_string().starts_with(
            "frame 1 declares 300 payload bytes but carries 2: the server waits for 298 more"
        ),
        "{}",
        lie.notes[0]
    );
    let short = parse("len=1 payload=hi mask=none", &mut || None).unwrap();
    assert_eq!(short.bytes, [0x81, 0x01, b'h', b'i']);
    assert!(
        short.notes[0]
            .to_string()
            .ends_with("the server reads 1 and takes the last 1 as the start of the next frame")
    );
    // Masked, the payload is masked as carried, whatever the length says.
    assert_eq!(
        bytes("len=5 mask=37fa213d payload=He"),
        [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f]
    );
    assert!(
        bytes_notes("payload=Hello").is_empty(),
        "a true length is no lie"
    );
}

fn bytes_notes(text: &str) -> Vec<Note> {
    parse(text, &mut || Some(KEY)).unwrap().notes
}

#[test]
fn a_wider_length_form_is_written_when_asked_for() {
    assert_eq!(
        bytes("encoding=64 payload=hi mask=none"),
        [0x81, 0x7f, 0, 0, 0, 0, 0, 0, 0, 2, b'h', b'i']
    );
    assert_eq!(bytes("len16=0 mask=none"), [0x81, 0x7e, 0, 0]);
    assert_eq!(
        bytes("len64=0x10 mask=none")[1..10],
        [0x7f, 0, 0, 0, 0, 0, 0, 0, 16]
    );
    assert_eq!(bytes("len7=125 mask=none")[1], 125);
    // The largest length a frame may declare.
    assert_eq!(
        bytes("len=9223372036854775807 mask=none"),
        [0x81, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    );
}

#[test]
fn every_mistake_is_one_sentence() {
    for (text, expected) in [
        ("", "type a frame: hex such as"),
        ("   \n ", "type a frame"),
        (
            "81 zz",
            "line 1, column 4: 'zz' is not hex (expected digits 0-9 and a-f); a line whose first word has no = is read as hex",
        ),
        (
            "fin=1 foo=2",
            "\"foo\" is not a field; the fields are fin, rsv1",
        ),
        ("fin=1 hello", "\"hello\" is not field=value"),
        ("fin=1 FIN=0", "fin is given twice"),
        (
            "payload=a payload-hex=00",
            "payload and payload-hex both set the payload",
        ),
        ("len=3 len16=3", "len and len16 both set the length"),
        (
            "len16=3 encoding=64",
            "len16 and encoding both set the length's encoding",
        ),
        ("fin=2", "fin=\"2\": a bit is 0 or 1"),
        ("rsv1=yes", "rsv1=\"yes\": a bit is 0 or 1"),
        ("opcode=16", "opcode=\"16\" is not an opcode: give 0 to 15"),
        ("opcode=0x1f", "opcode=\"0x1f\" is not an opcode"),
        ("opcode=hello", "opcode=\"hello\" is not an opcode"),
        (
            "mask=37fa21",
            "mask=\"37fa21\" is not a masking key: give 4 bytes as 8 hex digits",
        ),
        ("mask=zz", "mask=\"zz\" is not a masking key"),
        ("len=-1", "len=\"-1\" is not a length"),
        ("len=+5", "len=\"+5\" is not a length"),
        ("len=5k", "len=\"5k\" is not a length"),
        (
            "len=9223372036854775808",
            "len=9223372036854775808 is past the largest length a frame can declare, 9223372036854775807 (RFC 6455 §5.2",
        ),
        (
            "len64=99999999999999999999999",
            "len64=99999999999999999999999 is past the largest",
        ),
        (
            "encoding=32",
            "encoding=\"32\": a length is encoded in 7, 16 or 64 bits",
        ),
        (
            "encoding=7 len=300",
            "a length of 300 does not fit the 7-bit form (at most 125)",
        ),
        (
            "len16=65536",
            "a length of 65536 does not fit the 16-bit form (at most 65535)",
        ),
        (
            "payload-hex=zz",
            "payload-hex: line 1, column 1: 'zz' is not hex",
        ),
        ("payload=\"open", "the quote at column 9 is never closed"),
        ("fin=1 payload='a \\q'", "\\q at column 18 is not an escape"),
        ("fin=1; fin=1 bad", "frame 2: \"bad\" is not field=value"),
    ] {
        let said = why(text);
        assert!(said.starts_with(expected), "{text:?}: {said:?}");
        assert!(!said.contains('\n'), "one line: {said:?}");
    }
    let many = vec!["fin=1"; CRAFTED_FRAMES_MAX + 1].join(";");
    assert_eq!(
        why(&many),
        format!(
            "a line of fields describes at most {CRAFTED_FRAMES_MAX} frames; send the rest on another line"
        )
    );
}

#[test]
fn sixteen_frames_fit_on_a_line() {
    let most = vec!["opcode=ping mask=none"; CRAFTED_FRAMES_MAX].join(" ; ");
    assert_eq!(bytes(&most).len(), 2 * CRAFTED_FRAMES_MAX);
}

#[test]
fn a_line_too_long_is_refused_before_it_is_read() {
    let long = "0".repeat(2 * MESSAGE_MAX + 2);
    assert_eq!(
        parse(&long, &mut || None),
        Err(CraftError::TooLarge { limit: MESSAGE_MAX })
    );
}

#[test]
fn no_input_panics_and_every_output_is_bounded() {
    // A seeded walk over the characters the parser treats specially.
    let alphabet: Vec<char> = "=;\"'\\ \t\nfinrsv123opcdemaklhxyt0x9fF-é"
        .chars()
        .collect();
    let words = [
        "fin=",
        "rsv1=",
        "opcode=",
        "mask=",
        "len=",
        "len16=",
        "len64=",
        "encoding=",
        "payload=",
        "payload-hex=",
        "none",
        "0x",
        "ping",
        "\"",
        "'",
        ";",
        " ",
    ];
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for _ in 0..20_000 {
        let mut text = String::new();
        for _ in 0..next(24) {
            if next(2) == 0 {
                text.push_str(words[next(words.len())]);
            } else {
                text.push(alphabet[next(alphabet.len())]);
            }
        }
        match parse(&text, &mut || Some(KEY)) {
            Ok(crafted) => {
                assert!(crafted.bytes.len() <= text.len() + 14 * CRAFTED_FRAMES_MAX);
                let reading = read_back(&crafted.bytes);
                assert!(reading.frames.len() <= crafted.bytes.len());
            }
            Err(e) => assert!(!e.to_string().contains('\n'), "{text:?}: {e}"),
        }
    }
}

#[test]
fn read_back_shows_what_the_server_will_judge() {
    let hello = read_back(&bytes("mask=37fa213d payload=Hello"));
    assert_eq!(hello.frames.len(), 1);
    assert_eq!(&hello.frames[0].payload[..], b"Hello");
    assert!(hello.frames[0].violations.is_empty());
    assert!(hello.pending.is_none() && hello.incomplete.is_none());

    let reserved = read_back(&bytes("opcode=0xb"));
    assert_eq!(
        reserved.frames[0].violations,
        [Violation::UnknownOpcode { opcode: 0xb }]
    );
    let unmasked = read_back(&bytes("mask=none payload=hi"));
    assert_eq!(
        unmasked.frames[0].violations,
        [Violation::UnmaskedClientFrame]
    );

    // A lying length: the frame is still arriving when the bytes end.
    let lie = read_back(&bytes("len=300 payload=hi"));
    assert!(lie.frames.is_empty());
    let pending = lie.pending.expect("the frame in progress");
    assert_eq!(pending.header.opcode(), OpCode::Text);
    assert_eq!((pending.received, pending.payload_len()), (2, 300));
    assert_eq!(lie.incomplete.map(|i| (i.have, i.need)), Some((10, 308)));
}
