//! Tests of the hex parser, one per accepted shape and per error.
use super::*;

/// The masked "Hello" frame from RFC 6455 section 5.7.
const HELLO: [u8; 11] = [
    0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
];
const LIMIT: usize = 1 << 20;

fn parse(text: &str) -> Result<Vec<u8>, HexError> {
    parse_hex(text, LIMIT)
}

fn at(line: usize, column: usize) -> Position {
    Position {
        argument: None,
        line,
        column,
    }
}

fn not_hex(line: usize, column: usize, token: &str) -> HexError {
    HexError::NotHex {
        at: at(line, column),
        token: token.to_owned(),
    }
}

fn odd(line: usize, column: usize, token: &str) -> HexError {
    HexError::OddDigits {
        at: at(line, column),
        token: token.to_owned(),
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|&s| s.to_owned()).collect()
}

#[test]
fn plain_pairs() {
    assert_eq!(parse("81 85 37 fa"), Ok(vec![0x81, 0x85, 0x37, 0xfa]));
}

#[test]
fn one_run() {
    assert_eq!(parse("818537fa"), Ok(vec![0x81, 0x85, 0x37, 0xfa]));
}

#[test]
fn mixed_case() {
    assert_eq!(parse("81 FA fA"), Ok(vec![0x81, 0xfa, 0xfa]));
}

#[test]
fn tabs_and_newlines() {
    assert_eq!(
        parse("81\t85\n37\r\nfa\n"),
        Ok(vec![0x81, 0x85, 0x37, 0xfa])
    );
}

#[test]
fn commas_and_colons() {
    assert_eq!(parse("81,85"), Ok(vec![0x81, 0x85]));
    assert_eq!(parse("81:85:37"), Ok(vec![0x81, 0x85, 0x37]));
}

#[test]
fn prefixed_tokens() {
    assert_eq!(parse("0x81 0x85"), Ok(vec![0x81, 0x85]));
    assert_eq!(parse("0X81"), Ok(vec![0x81]));
    assert_eq!(parse("0x8185"), Ok(vec![0x81, 0x85]));
}

#[test]
fn c_escapes() {
    assert_eq!(parse(r"\x81\x85"), Ok(vec![0x81, 0x85]));
    assert_eq!(parse(r#""\x81\x85""#), Err(not_hex(1, 1, "\"")));
}

#[test]
fn array_literals() {
    assert_eq!(parse("[0x81, 0x85]"), Ok(vec![0x81, 0x85]));
    assert_eq!(parse("{ 0x81, 0x85 };"), Ok(vec![0x81, 0x85]));
}

#[test]
fn comments_are_ignored() {
    let text = "# client frame\n81 85 // FIN + text\n37 fa # mask\n";
    assert_eq!(parse(text), Ok(vec![0x81, 0x85, 0x37, 0xfa]));
}

#[test]
fn hexdump_canonical() {
    let text = "00000000  81 85 37 fa 21 3d 7f 9f  4d 51 58                 |..7.!=..MQX|\n\
                000000b\n";
    assert_eq!(parse(text), Ok(HELLO.to_vec()));
}

#[test]
fn xxd_default() {
    let text = "00000000: 8185 37fa 213d 7f9f 4d51 58              ..7.!=..MQX\n";
    assert_eq!(parse(text), Ok(HELLO.to_vec()));
}

#[test]
fn xxd_one_byte_groups() {
    let text = "00000000: 81 85 37 fa 21 3d 7f 9f 4d 51 58                 ..7.!=..MQX";
    assert_eq!(parse(text), Ok(HELLO.to_vec()));
}

#[test]
fn wireshark_hex_dump() {
    let text = "0000   81 85 37 fa 21 3d 7f 9f 4d 51 58                  ..7.!=..MQX";
    assert_eq!(parse(text), Ok(HELLO.to_vec()));
}

#[test]
fn od_hex_offsets() {
    let text = "000000 81 85 37 fa 21 3d 7f 9f 4d 51 58                 >..7.!=..MQX<\n00000b\n";
    assert_eq!(parse(text), Ok(HELLO.to_vec()));
}

#[test]
fn tcpdump_offsets_with_0x() {
    let text = "\t0x0000:  8185 37fa 213d 7f9f 4d51 58              ..7.!=..MQX";
    assert_eq!(parse(text), Ok(HELLO.to_vec()));
}

/// What each tool printed for `ab cdefghijklmnopqrstuvwxyz#//0123`, whose ASCII looks like hex.
fn alphabet() -> Vec<u8> {
    b"ab cdefghijklmnopqrstuvwxyz#//0123".to_vec()
}

#[test]
fn hexdump_rows_with_hexlike_ascii() {
    let text = "\
00000000  61 62 20 63 64 65 66 67  68 69 6a 6b 6c 6d 6e 6f  |ab cdefghijklmno|
00000010  70 71 72 73 74 75 76 77  78 79 7a 23 2f 2f 30 31  |pqrstuvwxyz#//01|
00000020  32 33                                             |23|
00000022
";
    assert_eq!(parse(text), Ok(alphabet()));
}

#[test]
fn xxd_rows_with_hexlike_ascii() {
    let text = "\
00000000: 6162 2063 6465 6667 6869 6a6b 6c6d 6e6f  ab cdefghijklmno
00000010: 7071 7273 7475 7677 7879 7a23 2f2f 3031  pqrstuvwxyz#//01
00000020: 3233                                     23
";
    assert_eq!(parse(text), Ok(alphabet()));
}

#[test]
fn od_rows_with_hexlike_ascii() {
    let text = "\
000000 61 62 20 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f  >ab cdefghijklmno<
000010 70 71 72 73 74 75 76 77 78 79 7a 23 2f 2f 30 31  >pqrstuvwxyz#//01<
000020 32 33                                            >23<
000022
";
    assert_eq!(parse(text), Ok(alphabet()));
}

#[test]
fn wireshark_short_row_with_hexlike_ascii() {
    let text = "0000   61 62                                              ab";
    assert_eq!(parse(text), Ok(vec![0x61, 0x62]));
}

#[test]
fn wireshark_full_row_stops_after_sixteen() {
    let text = "0000   61 62 63 64 65 66 61 62 63 64 65 66 61 62 63 64 ab cdef";
    assert_eq!(parse(text), Ok(b"abcdefabcdefabcd".to_vec()));
}

#[test]
fn xxd_offsets_need_not_start_at_zero() {
    assert_eq!(parse("00000100: 8185  .."), Ok(vec![0x81, 0x85]));
}

#[test]
fn run_then_pair_is_data_not_offset() {
    assert_eq!(parse("818537fa 21"), Ok(vec![0x81, 0x85, 0x37, 0xfa, 0x21]));
}

#[test]
fn zero_run_then_pairs_reads_as_offset() {
    assert_eq!(parse("0000 81 85"), Ok(vec![0x81, 0x85]));
}

#[test]
fn lone_run_before_any_dump_is_data() {
    assert_eq!(parse("0000000b"), Ok(vec![0, 0, 0, 0x0b]));
}

#[test]
fn dumps_pasted_one_after_another_concatenate() {
    let text = "0000   81 85 37 fa   ..7.\n0000   88 80   ..\n";
    assert_eq!(parse(text), Ok(vec![0x81, 0x85, 0x37, 0xfa, 0x88, 0x80]));
}

#[test]
fn dump_offset_that_skips_bytes_is_an_error() {
    let text = "000000 81 85 37 fa\n000010 21 3d\n";
    let err = HexError::OffsetMismatch {
        at: at(2, 1),
        token: "000010".into(),
        bytes_before: 4,
    };
    assert_eq!(parse(text), Err(err.clone()));
    assert_eq!(
        err.to_string(),
        "line 2, column 1: the dump offset '000010' does not match the 4 bytes read before it; \
         use hex offsets (od -A x), 16 bytes per line, and paste the whole dump"
    );
}

#[test]
fn od_octal_offsets_are_an_error() {
    let text = "0000000 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70\n0000020 71 72\n";
    let err = HexError::OffsetMismatch {
        at: at(2, 1),
        token: "0000020".into(),
        bytes_before: 16,
    };
    assert_eq!(parse(text), Err(err));
}

#[test]
fn hexdump_repeat_marker_is_an_error() {
    let text =
        "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n";
    let err = HexError::RepeatMarker { at: at(2, 1) };
    assert_eq!(parse(text), Err(err.clone()));
    assert_eq!(
        err.to_string(),
        "line 2: '*' marks lines hexdump left out; run hexdump with -v so every byte is printed"
    );
}

#[test]
fn bad_token_position_and_message() {
    let err = parse("81 85 zz").unwrap_err();
    assert_eq!(err, not_hex(1, 7, "zz"));
    assert_eq!(
        err.to_string(),
        "line 1, column 7: 'zz' is not hex (expected digits 0-9 and a-f)"
    );
}

#[test]
fn odd_token_position_and_message() {
    let err = parse("81\n85 0x5").unwrap_err();
    assert_eq!(err, odd(2, 4, "0x5"));
    assert_eq!(
        err.to_string(),
        "line 2, column 4: '0x5' has an odd number of hex digits; every byte needs two"
    );
}

#[test]
fn bare_prefix_is_not_hex() {
    assert_eq!(parse("0x"), Err(not_hex(1, 1, "0x")));
    assert_eq!(parse(r"81 \x"), Err(not_hex(1, 4, r"\x")));
}

#[test]
fn prefix_with_letters_is_not_hex() {
    assert_eq!(parse("0xzz"), Err(not_hex(1, 1, "0xzz")));
}

#[test]
fn lone_letter_is_not_hex() {
    assert_eq!(parse("81 g"), Err(not_hex(1, 4, "g")));
}

#[test]
fn not_hex_wins_over_odd() {
    assert_eq!(parse("8g1"), Err(not_hex(1, 1, "8g1")));
}

#[test]
fn odd_digit_counts() {
    assert_eq!(parse("8"), Err(odd(1, 1, "8")));
    assert_eq!(parse("818"), Err(odd(1, 1, "818")));
    assert_eq!(parse(r"\x81\x8"), Err(odd(1, 5, r"\x8")));
}

#[test]
fn first_bad_token_is_reported() {
    assert_eq!(parse("81 q 8"), Err(not_hex(1, 4, "q")));
}

#[test]
fn columns_count_characters() {
    assert_eq!(parse("81 \u{a0}\u{a0}zz"), Err(not_hex(1, 6, "zz")));
    assert_eq!(parse("é"), Err(not_hex(1, 1, "é")));
}

#[test]
fn byte_order_mark_is_skipped() {
    assert_eq!(parse("\u{feff}81 85"), Ok(vec![0x81, 0x85]));
}

#[test]
fn ascii_column_without_offset_is_an_error() {
    let text = "81 85 37 fa  ..7.";
    assert_eq!(parse(text), Err(not_hex(1, 14, "..7.")));
}

#[test]
fn empty_inputs() {
    assert_eq!(parse(""), Err(HexError::Empty));
    assert_eq!(parse("  \n\t\r\n"), Err(HexError::Empty));
    assert_eq!(parse("# nothing\n// here\n"), Err(HexError::Empty));
    assert_eq!(
        HexError::Empty.to_string(),
        "no hex bytes found in the input"
    );
}

#[test]
fn limit_is_enforced() {
    let err = parse_hex("81 85 37 fa", 3).unwrap_err();
    assert_eq!(err, HexError::TooLarge { limit: 3 });
    assert_eq!(
        err.to_string(),
        "the input holds more than 3 bytes of hex; decode a smaller capture"
    );
    assert_eq!(parse_hex("81 85 37", 3), Ok(vec![0x81, 0x85, 0x37]));
    assert_eq!(parse_hex("81", 0), Err(HexError::TooLarge { limit: 0 }));
}

#[test]
fn huge_input_is_refused_before_growing() {
    let run = "00".repeat(1 << 20);
    assert_eq!(parse_hex(&run, 16), Err(HexError::TooLarge { limit: 16 }));
    let spaced = "00 ".repeat(1 << 20);
    assert_eq!(
        parse_hex(&spaced, 16),
        Err(HexError::TooLarge { limit: 16 })
    );
}

#[test]
fn buffer_never_exceeds_limit() {
    let text = format!("81 85 37 {}", " ".repeat(10_000));
    let bytes = parse_hex(&text, 4).unwrap();
    assert_eq!(bytes, vec![0x81, 0x85, 0x37]);
    assert!(bytes.capacity() <= 4);
}

#[test]
fn args_are_joined() {
    let list = args(&["81", "85 37", "0xfa"]);
    assert_eq!(
        parse_hex_args(&list, LIMIT),
        Ok(vec![0x81, 0x85, 0x37, 0xfa])
    );
}

#[test]
fn args_positions_name_the_argument() {
    let err = parse_hex_args(&args(&["81", "85", "zz"]), LIMIT).unwrap_err();
    let at = Position {
        argument: Some(3),
        line: 1,
        column: 1,
    };
    assert_eq!(
        err,
        HexError::NotHex {
            at,
            token: "zz".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "argument 3, column 1: 'zz' is not hex (expected digits 0-9 and a-f)"
    );
}

#[test]
fn args_with_newlines_add_the_line() {
    let err = parse_hex_args(&args(&["81", "85\n 37 8"]), LIMIT).unwrap_err();
    assert_eq!(
        err.to_string(),
        "argument 2, line 2, column 5: '8' has an odd number of hex digits; every byte needs two"
    );
}

#[test]
fn args_repeat_marker_names_the_argument() {
    let err = parse_hex_args(&args(&["81", "*"]), LIMIT).unwrap_err();
    assert!(
        err.to_string().starts_with("argument 2: '*' marks"),
        "{err}"
    );
}

#[test]
fn args_accept_a_dump_and_enforce_the_limit() {
    let dump = args(&["00000000  81 85 37 fa 21 3d 7f 9f  4d 51 58  |..7.!=..MQX|"]);
    assert_eq!(parse_hex_args(&dump, LIMIT), Ok(HELLO.to_vec()));
    assert_eq!(
        parse_hex_args(&dump, 10),
        Err(HexError::TooLarge { limit: 10 })
    );
    assert_eq!(parse_hex_args(&[], LIMIT), Err(HexError::Empty));
}

#[test]
fn odd_inputs_do_not_panic() {
    for text in [
        "\\",
        ":",
        "::::",
        "0x:",
        "*",
        "* *",
        "0000:",
        "00000000:  ",
        "\\x\\x",
        "0x0x81",
        "0000",
        "ffffffffffffffffffffffff 00",
        "#",
        "//",
        "/",
        "\u{feff}",
        "é:é",
        "\r",
    ] {
        let _ = parse_hex(text, 8);
    }
}

proptest::proptest! {
    #[test]
    fn never_panics_and_respects_the_limit(
        text in "[0-9a-fA-Fx:*#/|>. \t\n\\\\,é]{0,120}",
        limit in 0usize..40,
    ) {
        if let Ok(bytes) = parse_hex(&text, limit) {
            proptest::prop_assert!(!bytes.is_empty() && bytes.len() <= limit);
            proptest::prop_assert!(bytes.capacity() <= limit);
        }
    }

    #[test]
    fn never_panics_on_any_text(text in "\\PC{0,200}") {
        let _ = parse_hex(&text, 64);
    }

    #[test]
    fn spaced_pairs_round_trip(bytes in proptest::collection::vec(proptest::num::u8::ANY, 1..64)) {
        let text: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
        proptest::prop_assert_eq!(parse_hex(&text.join(" "), 64), Ok(bytes));
    }
}
