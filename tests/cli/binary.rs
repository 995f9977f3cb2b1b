//! The real `wslab` binary, run as a user would run it: output, exit codes, and errors.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

fn wslab(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut input = child.stdin.take().expect("stdin is piped");
    if let Some(text) = stdin {
        input
            .write_all(text.as_bytes())
            .expect("stdin takes the input");
    }
    drop(input);
    child.wait_with_output().expect("the binary exits")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

fn golden(name: &str) -> String {
    let path = format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).expect("golden file exists")
}

/// One line on stderr, exit 2, no panic or backtrace.
fn assert_bad_input(out: &Output, expected: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err, format!("wslab: {expected}\n"));
    assert!(!err.contains("panicked"));
}

#[test]
fn decode_explains_the_rfc_masked_hello_in_full() {
    let out = wslab(
        &[
            "decode", "81", "85", "37", "fa", "21", "3d", "7f", "9f", "4d", "51", "58",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), golden("decode_masked_hello.txt"));
}

#[test]
fn decode_reassembles_fragments_around_a_ping() {
    let out = wslab(
        &[
            "decode",
            "--from",
            "server",
            "01 03 48 65 6c",
            "89 00",
            "80 02 6c 6f",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), golden("decode_fragmented_with_ping.txt"));
}

#[test]
fn accept_derives_the_rfc_example() {
    let out = wslab(&["accept", "dGhlIHNhbXBsZSBub25jZQ=="], None);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_eq!(text, golden("accept_rfc.txt"));
    assert_eq!(
        text.lines().last(),
        Some("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    );
}

#[test]
fn accept_without_a_key_uses_a_fresh_valid_one() {
    let first = wslab(&["accept", "--json"], None);
    let second = wslab(&["accept", "--json"], None);
    assert_eq!(first.status.code(), Some(0));
    let a: serde_json::Value = serde_json::from_slice(&first.stdout).expect("JSON");
    let b: serde_json::Value = serde_json::from_slice(&second.stdout).expect("JSON");
    assert_eq!(a["random_key"], true);
    assert_eq!(a["key_valid"], true);
    assert_ne!(a["key"], b["key"]);
    let text = stdout(&wslab(&["accept"], None));
    assert!(text.starts_with("No key given, so here is a fresh one"));
}

#[test]
fn accept_compare_and_invalid_keys_exit_1() {
    let good = wslab(
        &[
            "accept",
            "dGhlIHNhbXBsZSBub25jZQ==",
            "--compare",
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        ],
        None,
    );
    assert_eq!(good.status.code(), Some(0));
    assert!(
        stdout(&good)
            .contains("5. Compare with the server's: ✓ s3pPLMBiTxaQ9kYGzzhZRbK+xOo= matches")
    );
    let bad = wslab(
        &["accept", "dGhlIHNhbXBsZSBub25jZQ==", "--compare", "nope"],
        None,
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stdout(&bad).contains("✗ the server sent nope, which is not s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    );
    let invalid = wslab(&["accept", "aGVsbG8="], None);
    assert_eq!(invalid.status.code(), Some(1));
    assert!(stdout(&invalid).contains(
        "✗ not a valid key: the key decodes to 5 bytes, but it must be exactly 16 bytes"
    ));
}

#[test]
fn accept_json_has_every_step() {
    let out = wslab(
        &[
            "accept",
            "--json",
            "dGhlIHNhbXBsZSBub25jZQ==",
            "--compare",
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["key"], "dGhlIHNhbXBsZSBub25jZQ==");
    assert_eq!(v["random_key"], false);
    assert_eq!(v["key_bytes_hex"], "7468652073616d706c65206e6f6e6365");
    assert_eq!(
        v["concatenated"],
        "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    );
    assert_eq!(v["sha1_hex"], "b37a4f2cc0624f1690f64606cf385945b2bec4ea");
    assert_eq!(v["accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assert_eq!(v["compared"]["matches"], true);
}

#[test]
fn decode_json_lines_per_frame_and_message() {
    let out = wslab(
        &[
            "decode",
            "--json",
            "--from",
            "client",
            "81 85 37 fa 21 3d 7f 9f 4d 51 58 88 82 00 00 00 00 03 e8",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let kinds: Vec<&str> = lines
        .iter()
        .map(|v| v["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["frame", "message", "frame", "message"]);
    let hello = &lines[0];
    assert_eq!(hello["opcode_name"], "text");
    assert_eq!(hello["masked"], true);
    assert_eq!(hello["mask_key"], "37fa213d");
    // Schema v1: `payload_hex` is the data, unmasked; the masked bytes are `wire_payload_hex`.
    assert!(lines.iter().all(|l| l["v"] == 1), "{lines:?}");
    assert_eq!(hello["direction"], "client-to-server");
    assert!(hello["conn"].is_null() && hello["at_us"].is_null());
    assert_eq!(hello["payload_len"], 5);
    assert_eq!(hello["wire_payload_hex"], "7f9f4d5158");
    assert_eq!(hello["payload_hex"], "48656c6c6f");
    assert_eq!(hello["payload_text"], "Hello");
    assert_eq!(hello["fields"][4]["field"], "opcode");
    assert_eq!(hello["fields"][4]["bits"], "....0001");
    assert_eq!(lines[3]["close_code"], 1000);
    assert_eq!(lines[3]["close_code_name"], "Normal Closure");
}

#[test]
fn decode_reads_an_xxd_dump_from_stdin() {
    let dump = "00000000: 8185 37fa 213d 7f9f 4d51 58                 ..7.!=..MQX\n";
    let out = wslab(&["decode", "-"], Some(dump));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Message 1 · text · 1 frame · 5 bytes: \"Hello\""));
}

#[test]
fn decode_reads_hexdump_c_with_no_arguments() {
    let dump = "00000000  81 05 48 65 6c 6c 6f                              |..Hello|\n00000007\n";
    let out = wslab(&["decode"], Some(dump));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Decoding 7 bytes as server → client"));
}

#[test]
fn decode_reports_violations_and_exits_1() {
    // An unmasked frame said to come from a client.
    let out = wslab(
        &["decode", "--from", "client", "81 05 48 65 6c 6c 6f"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains(
        "✗ RFC 6455 §5.1: this client frame is not masked; a client must mask every frame it sends, and the server must close the connection, with 1002 as its usual code (§7.4.1)"
    ));
    assert!(stdout(&out).ends_with("1 frame, 1 message, 1 rule broken.\n"));
}

#[test]
fn decode_says_where_a_stream_stops_mid_frame() {
    let out = wslab(&["decode", "81 85 37 fa 21 3d 7f 9f"], None);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    // The frame that came in part is shown as a whole one is: its fields, its masking key,
    // the payload bytes that came, unmasked.
    assert!(text.contains("Frame 1 · client → server"), "{text}");
    assert!(text.contains("masking key"), "{text}");
    assert!(text.contains("text (only 2 bytes came) \"He\""), "{text}");
    assert!(
        text.contains("✗ the stream ends inside frame 1: its 6-byte header came whole, then 2 of its 5 payload bytes, so 3 bytes are missing"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "0 frames, 1 frame unfinished (3 bytes missing), 0 messages, 0 rules broken.\n"
        ),
        "{text}"
    );
}

// Issue 18, point 7: the header came whole and breaks a rule, the payload never came.
#[test]
fn decode_explains_a_whole_header_whose_payload_never_came() {
    let args = [
        "decode",
        "--from",
        "server",
        "82 7f 80 00 00 00 00 00 00 01",
    ];
    let out = wslab(&args, None);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    for field in [
        "FIN",
        "RSV1",
        "opcode",
        "0x2 binary",
        "MASK",
        "payload len",
        "extended len",
    ] {
        assert!(text.contains(field), "{field}: {text}");
    }
    assert!(
        text.contains("9223372036854775809 bytes"),
        "the declared length: {text}"
    );
    assert!(
        text.contains(
            "✗ RFC 6455 §5.2: the 64-bit payload length has its most significant bit set"
        ),
        "{text}"
    );
    assert!(
        text.contains("the stream ends inside frame 1: its 10-byte header came whole, then 0 of its 9223372036854775809 payload bytes, so 9223372036854775809 bytes are missing"),
        "{text}"
    );
    assert!(text.ends_with("1 rule broken.\n"), "{text}");

    let out = wslab(&[&args[..], &["--json"]].concat(), None);
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON line");
    assert_eq!(line["type"], "incomplete");
    assert_eq!(line["have"], 10);
    assert_eq!(line["missing"], 9_223_372_036_854_775_809u64);
    assert_eq!(line["header_complete"], true);
    assert_eq!(line["cut"], serde_json::Value::Null);
    assert_eq!(line["header_hex"], "827f8000000000000001");
    assert_eq!(line["violations"][0]["id"], "length-msb-set");
}

// Issue 18, point 7: a header cut short names the field it stops in and what it needs.
#[test]
fn decode_names_the_header_field_a_stream_stops_in() {
    for (hex, field, needs) in [
        (
            "82",
            "before byte 1, which holds MASK and the 7-bit payload length",
            "1 of its 2 header bytes came, so the header needs 1 byte more",
        ),
        (
            "82 7e 00",
            "inside the 16-bit extended payload length (1 of its 2 bytes)",
            "3 of its 4 header bytes came, so the header needs 1 byte more",
        ),
        (
            "82 7f 80 00",
            "inside the 64-bit extended payload length (2 of its 8 bytes)",
            "4 of its 10 header bytes came, so the header needs 6 bytes more",
        ),
        (
            "81 85 37 fa",
            "inside the masking key (2 of its 4 bytes)",
            "4 of its 6 header bytes came, so the header needs 2 bytes more",
        ),
    ] {
        let out = wslab(&["decode", "--from", "server", hex], None);
        assert_eq!(out.status.code(), Some(1), "{hex}");
        let text = stdout(&out);
        assert!(
            text.contains(&format!(
                "✗ the stream ends inside frame 1's header, {field}: {needs}, then its payload"
            )),
            "{hex}: {text}"
        );
    }
    // What the bytes that came already break is said, though the header is not whole.
    let out = wslab(&["decode", "--from", "server", "82 7f 80 00"], None);
    assert!(
        stdout(&out).contains(
            "✗ RFC 6455 §5.2: the 64-bit payload length has its most significant bit set"
        )
    );
    let out = wslab(&["decode", "--from", "server", "81 85 37 fa"], None);
    assert!(stdout(&out).contains("✗ RFC 6455 §5.1: this server frame is masked"));
    assert!(stdout(&out).ends_with("1 rule broken.\n"));
    let out = wslab(&["decode", "--from", "server", "82 7e 00"], None);
    assert!(stdout(&out).contains("✓ the bytes that came break no rule"));
    let out = wslab(&["decode", "--from", "server", "82 7e 00", "--json"], None);
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON line");
    assert_eq!(line["cut"], "extended-payload-length");
    assert_eq!(line["missing"], 1);
}

#[test]
fn bad_hex_is_one_line_and_exit_2() {
    assert_bad_input(
        &wslab(&["decode", "81", "zz"], None),
        "argument 2, column 1: 'zz' is not hex (expected digits 0-9 and a-f)",
    );
    assert_bad_input(
        &wslab(&["decode", "81 8"], None),
        "argument 1, column 4: '8' has an odd number of hex digits; every byte needs two",
    );
    assert_bad_input(
        &wslab(&["decode"], Some("  \n# nothing\n")),
        "no hex bytes found in the input",
    );
    assert_bad_input(
        &wslab(&["decode", "-"], Some("81 85\n37 fq\n")),
        "line 2, column 4: 'fq' is not hex (expected digits 0-9 and a-f)",
    );
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let coloured = wslab(
        &["--color", "always", "decode", "81 05 48 65 6c 6c 6f"],
        None,
    );
    assert!(
        stdout(&coloured).contains("\x1b[36m81\x1b[0m"),
        "byte 0 is painted"
    );
    assert!(
        !stdout(&coloured).contains("fo ml pp"),
        "no lane when coloured"
    );
    let plain = wslab(&["decode", "81 05 48 65 6c 6c 6f"], None);
    assert!(!stdout(&plain).contains('\x1b'), "a pipe gets no colour");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wslab"));
    let out = cmd
        .env("NO_COLOR", "1")
        .args(["--color", "auto", "decode", "81 00"])
        .output()
        .expect("runs");
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn bare_wslab_without_a_terminal_says_what_to_use_instead() {
    // The menu needs a terminal; a pipe gets one sentence and exit 2, never raw-mode garbage.
    let out = wslab(&[], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("wslab: the lesson menu needs a terminal;"),
        "{err}"
    );
    assert!(err.contains("wslab lesson ID --plain"), "{err}");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    // `wslab decode … | head -1`: the reader leaves early; wslab must not panic.
    let mut child = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["decode", "--max-payload", "100000", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut frame = vec![0x82u8, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0];
    frame.resize(10 + 65536, 0xab);
    let hex = hex::encode(&frame);
    let mut stdin = child.stdin.take().expect("piped");
    stdin.write_all(hex.as_bytes()).expect("write");
    drop(stdin);
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("exits");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn decode_a_whole_stream_starting_with_its_handshake() {
    let request = "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    let mut stream = request.as_bytes().to_vec();
    stream.extend_from_slice(&[
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ]);
    let hex = hex::encode(&stream);
    let out = wslab(&["decode", &hex], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("Decoding 155 bytes as client → server, since it starts with a request")
    );
    assert!(text.contains("  70–114   Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n"));
    assert!(text.contains("  ✓ the version is 13 (§4.1)\n"));
    assert!(text.contains("Frame 1 · client → server · bytes 144–154 of the stream · text"));

    let json = wslab(&["decode", "--json", &hex], None);
    let first: serde_json::Value =
        serde_json::from_str(stdout(&json).lines().next().expect("a line")).expect("JSON");
    assert_eq!(first["type"], "http-head");
    assert_eq!(first["start_line"], "GET /chat HTTP/1.1");
    assert_eq!(first["len"], 144);
    assert_eq!(first["rules"].as_array().map(Vec::len), Some(7));
}

#[test]
fn a_broken_handshake_rule_in_the_stream_exits_1() {
    let request = "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: aGVsbG8=\r\nSec-WebSocket-Version: 8\r\n\r\n";
    let out = wslab(&["decode", &hex::encode(request.as_bytes())], None);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains(
        "✗ Sec-WebSocket-Key is wrong: the key decodes to 5 bytes, but it must be exactly 16 bytes"
    ));
    assert!(text.contains("✗ Sec-WebSocket-Version is 8, but RFC 6455 is version 13"));
    assert!(text.ends_with("0 frames, 0 messages, 2 rules broken.\n"));
}

#[test]
fn a_response_head_means_server_frames() {
    let response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    let mut stream = response.as_bytes().to_vec();
    stream.extend_from_slice(b"\x81\x05Hello");
    let out = wslab(&["decode", &hex::encode(&stream)], None);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("as server → client, since it starts with a response"));
    assert!(text.contains("HTTP response head · bytes 0–128"));
    assert!(text.contains("Message 1 · text · 1 frame · 5 bytes: \"Hello\""));
}

#[test]
fn a_head_without_its_blank_line_is_named_not_decoded_as_bits() {
    let text = "GET / HTTP/1.1\r\nHost: a\r\n";
    let out = wslab(&["decode", &hex::encode(text.as_bytes())], None);
    assert!(stdout(&out).contains(
        "✗ The input starts like an HTTP head, but it never ends with a blank line (CRLF CRLF); reading it as frames instead."
    ));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn raw_bytes_from_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["decode", "--raw"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdin = child.stdin.take().expect("piped");
    stdin.write_all(b"\x81\x05Hello").expect("write");
    drop(stdin);
    let out = child.wait_with_output().expect("exits");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Message 1 · text · 1 frame · 5 bytes: \"Hello\""));
    assert_bad_input(
        &wslab(&["decode", "--raw"], Some("")),
        "standard input is empty: no bytes to decode",
    );
    let both = wslab(&["decode", "--raw", "81 00"], None);
    assert_eq!(
        both.status.code(),
        Some(2),
        "--raw and hex arguments conflict"
    );
}

#[test]
fn inspect_without_a_terminal_or_with_a_bad_url_says_so() {
    let out = wslab(&["inspect", "http://example.com/"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = wslab(&["inspect", "ws://127.0.0.1:9/echo"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("wslab: the inspector needs a terminal;"),
        "{err}"
    );
}

#[test]
fn a_lesson_without_a_terminal_is_printed_and_says_why() {
    let out = wslab(&["lesson", "1", "--quick"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        "wslab: note: there is no terminal here, so the lesson is printed as plain text (--plain)"
    );
    assert!(
        stdout(&out).starts_with("# Lesson 1 of 19"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_lesson_or_step_that_does_not_exist_is_said_even_without_a_terminal() {
    let out = wslab(&["present", "6", "--step", "9"], None);
    assert_bad_input(&out, "lesson 6 has 5 step(s); --step 9 is past its end");
    let out = wslab(&["present", "99"], None);
    assert_bad_input(
        &out,
        "there is no lesson \"99\"; `wslab lessons list` shows them",
    );
    // A step in range gets as far as the terminal, which a pipe is not.
    let out = wslab(&["present", "6", "--step", "4"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("wslab: the lesson menu needs a terminal;"));
}

/// Exit 2 and one line on stderr holding `part`.
fn assert_one_sentence(out: &Output, part: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(part), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn join_refuses_a_bad_url_or_name_in_one_sentence() {
    assert_one_sentence(
        &wslab(&["join", "http://127.0.0.1:1", "--code", "K7M2PQ"], None),
        "ws://",
    );
    let long = "n".repeat(65);
    assert_one_sentence(
        &wslab(
            &[
                "join",
                "ws://127.0.0.1:1",
                "--code",
                "K7M2PQ",
                "--name",
                &long,
            ],
            None,
        ),
        "--name is 65 bytes",
    );
    assert_one_sentence(
        &wslab(&["join", "ws://127.0.0.1:1", "--code", " "], None),
        "--code is empty",
    );
}

#[test]
fn present_class_refuses_a_code_that_could_be_misread() {
    assert_one_sentence(
        &wslab(&["present", "1", "--class", "--code", "ABCDE0"], None),
        "'0' is not one",
    );
}
