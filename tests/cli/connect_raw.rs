//! `wslab connect --send-raw`: bytes crafted by hand go out as they are, bypassing the
//! WebSocket library, and the transcript shows how the lab reacted. The lab runs in this test
//! process, so the bytes it received can be compared with the ones typed.

use std::process::Output;

use wslab::capture::Direction;
use wslab::net::lab::Lab;

use crate::connect_lab::{runtime, start, wslab};

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The first bytes the lab's newest connection received after its handshake, `len` of them.
fn received(lab: &Lab, len: usize) -> Vec<u8> {
    lab.recorder().read(|t| {
        let c = t
            .connections()
            .last()
            .expect("the lab recorded the connection");
        let from = c.requests().upgraded_offset().expect("upgraded");
        let raw = t.raw(c.id, Direction::ClientToServer);
        let from = usize::try_from(from).expect("small");
        raw[from..raw.len().min(from + len)].to_vec()
    })
}

#[test]
fn a_reserved_opcode_is_answered_with_1002() {
    let rt = runtime();
    let lab = start(&rt);
    let out = wslab(&[
        "connect",
        &lab.url("/echo"),
        "--send-raw",
        "opcode=0xb mask=00000000 payload=hi",
    ]);
    let text = stdout(&out);
    // The client broke a rule on purpose: the transcript marks it, and the exit says so.
    assert_eq!(out.status.code(), Some(1), "{text}\n{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the exchange broke 1 rule of RFC 6455"),
        "{}",
        stderr(&out)
    );
    for expected in [
        "reserved-control",
        "opcode 0xb is reserved; RFC 6455 defines only",
        "── How the server reacted ──",
        "closed with 1002 (Protocol Error)",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert_eq!(received(&lab, 8), [0x8b, 0x82, 0, 0, 0, 0, b'h', b'i']);
}

#[test]
fn a_crafted_masked_text_frame_is_echoed() {
    let rt = runtime();
    let lab = start(&rt);
    let hello = [
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];
    // RFC 6455 §5.7's masked "Hello", once as fields and once as hex.
    for raw in [
        "fin=1 opcode=text mask=37fa213d payload=Hello",
        "81 85 37 fa 21 3d 7f 9f 4d 51 58",
    ] {
        let out = wslab(&["connect", &lab.url("/echo"), "--send-raw", raw, "--brief"]);
        let text = stdout(&out);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{raw}: {text}\n{}",
            stderr(&out)
        );
        assert!(
            text.lines()
                .any(|l| l.contains("→ text") && l.contains("masked · \"Hello\"")),
            "{text}"
        );
        assert!(
            text.lines()
                .any(|l| l.contains("← text") && l.contains("unmasked · \"Hello\"")),
            "{text}"
        );
        assert!(
            text.contains("the server sent 1 message, then answered the client's close"),
            "{text}"
        );
        assert_eq!(received(&lab, hello.len()), hello, "{raw}");
    }
}

#[test]
fn raw_sends_keep_their_place_among_the_other_sends() {
    let rt = runtime();
    let lab = start(&rt);
    let out = wslab(&[
        "connect",
        &lab.url("/echo"),
        "--send",
        "one",
        "--send-raw",
        "payload=two",
        "--ping",
        "three",
        "--send-raw",
        "opcode=binary payload-hex=04",
        "--brief",
    ]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", stderr(&out));
    let sent: Vec<&str> = text.lines().filter(|l| l.contains(" ms  → ")).collect();
    let order = ["\"one\"", "\"two\"", "\"three\"", " 04", "code 1000"];
    assert_eq!(sent.len(), order.len(), "{text}");
    for (line, expected) in sent.iter().zip(order) {
        assert!(line.contains(expected), "{expected:?} in {line:?}:\n{text}");
    }
}

#[test]
fn a_length_that_lies_is_noted_and_the_server_reads_what_follows() {
    let rt = runtime();
    let lab = start(&rt);
    // One byte declared, seven carried: the lab reads "h", then takes the other six as a
    // frame of their own, which the key of zeros leaves as typed: 8b 80 and a key, an empty
    // frame with the reserved opcode 0xb.
    let out = wslab(&[
        "connect",
        &lab.url("/echo"),
        "--mask",
        "00000000",
        "--send-raw",
        "len=1 payload-hex=688b8000000000",
        "--brief",
    ]);
    let text = stdout(&out);
    let err = stderr(&out);
    assert!(
        err.contains(
            "wslab: note: --send-raw: frame 1 declares 1 payload byte but carries 7: the server reads 1 and takes the last 6 as the start of the next frame"
        ),
        "{err}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("← text") && l.contains("\"h\"")),
        "{text}"
    );
    assert!(text.contains("closed with 1002 (Protocol Error)"), "{text}");
    assert_eq!(
        received(&lab, 13),
        [0x81, 0x81, 0, 0, 0, 0, b'h', 0x8b, 0x80, 0, 0, 0, 0]
    );
}

#[test]
fn a_mistake_in_send_raw_is_one_sentence_and_exit_2() {
    // Refused before any socket opens: nothing listens on this port, and nothing needs to.
    for (raw, expected) in [
        (
            "opcode=99",
            "wslab: --send-raw: opcode=\"99\" is not an opcode: give 0 to 15",
        ),
        (
            "81 zz",
            "wslab: --send-raw: line 1, column 4: 'zz' is not hex",
        ),
        (
            "payload=\"a b",
            "wslab: --send-raw: the quote at column 9 is never closed",
        ),
        ("", "wslab: --send-raw: type a frame"),
    ] {
        let out = wslab(&["connect", "ws://127.0.0.1:9/", "--send-raw", raw]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{raw:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{raw:?}: {err}");
        assert!(err.starts_with(expected), "{raw:?}: {err}");
    }
}

#[test]
fn the_help_shows_send_raw_with_an_example() {
    let out = wslab(&["connect", "--help"]);
    let text = stdout(&out);
    assert!(text.contains("--send-raw <HEX|FIELDS>"), "{text}");
    assert!(
        text.contains("--send-raw 'opcode=0xb payload=hi'"),
        "{text}"
    );
}
