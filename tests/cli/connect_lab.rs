//! `wslab connect` run as a user runs it, against the lab in this test process: the printed
//! transcript, the JSON, and the exit status, for a good exchange and for broken ones.

use std::process::{Command, Output};
use std::time::Duration;

use wslab::net::Recorder;
use wslab::net::lab::{Lab, LabConfig};

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime")
}

pub(crate) fn start(rt: &tokio::runtime::Runtime) -> Lab {
    let config = LabConfig {
        tick: Duration::from_millis(20),
        ..LabConfig::default()
    };
    rt.block_on(Lab::start(config, Recorder::default()))
        .expect("the lab starts")
}

/// The binary, run as a user runs it, without colour.
pub(crate) fn wslab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_scripted_exchange_is_printed_byte_by_byte() {
    let rt = runtime();
    let lab = start(&rt);
    let url = lab.url("/echo");
    let out = wslab(&[
        "connect",
        &url,
        "--key",
        "dGhlIHNhbXBsZSBub25jZQ==",
        "--mask",
        "37fa213d",
        "--send",
        "Hello",
        "--ping",
        "hb",
        "--send-hex",
        "01 02 03",
        "--close",
        "4000:bye",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    for expected in [
        "GET /echo HTTP/1.1",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "16 random bytes in base64",
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo= matches",
        "HTTP/1.1 101 Switching Protocols",
        // RFC 6455 §5.7's masked "Hello", because the key and the mask were pinned.
        "81 85 37 fa 21 3d 7f 9f  4d 51 58",
        "Payload: close code 4000 (Private use), reason \"bye\"",
        "handshake round trip:",
        "ping → pong: 1 round trip",
        "✓ self-check: the 4 messages reassembled from the captured bytes match",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    // Sends keep their command-line order: text, ping, binary.
    let text_at = stdout.find("Payload: text \"Hello\"").expect("text");
    let ping_at = stdout.find("Payload: text \"hb\"").expect("ping");
    let binary_at = stdout
        .find("Payload: binary, 3 bytes: 01 02 03")
        .expect("binary");
    assert!(text_at < ping_at && ping_at < binary_at);
}

#[test]
fn brief_output_is_one_line_per_frame() {
    let rt = runtime();
    let lab = start(&rt);
    let out = wslab(&["connect", &lab.url("/ticker"), "--expect", "2", "--brief"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let frame_lines = stdout
        .lines()
        .filter(|l| {
            l.contains(" ms  ← text") || l.contains(" ms  → close") || l.contains(" ms  ← close")
        })
        .count();
    assert!(
        frame_lines >= 4,
        "two ticks and two closes expected:\n{stdout}"
    );
    assert!(
        !stdout.contains("masking key"),
        "no field tables in --brief"
    );
    assert!(
        stdout.contains("← HTTP/1.1 101 Switching Protocols"),
        "{stdout}"
    );
    assert!(stdout.contains("is base64(SHA-1(key + GUID))"), "{stdout}");
    assert!(stdout.contains("all 13 handshake rules hold"), "{stdout}");
    assert!(
        !stdout.contains("── The request ──"),
        "the handshake is compact in --brief"
    );
}

#[test]
fn json_is_one_object_with_both_directions() {
    let rt = runtime();
    let lab = start(&rt);
    let out = wslab(&["connect", &lab.url("/echo"), "--send", "hi", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(
        value["response"]["start_line"]
            .as_str()
            .map(|s| s.starts_with("HTTP/1.1 101")),
        Some(true),
        "{value}"
    );
    let directions: Vec<&str> = value["frames"]
        .as_array()
        .expect("frames")
        .iter()
        .filter_map(|f| f["direction"].as_str())
        .collect();
    assert!(directions.contains(&"client-to-server") && directions.contains(&"server-to-client"));
    assert_eq!(
        value["accept"]["compared"]["matches"].as_bool(),
        Some(true),
        "{}",
        value["accept"]
    );
}

#[test]
fn a_server_that_breaks_the_protocol_exits_1_with_the_rule() {
    let rt = runtime();
    let lab = start(&rt);
    let json = wslab(&["connect", &lab.url("/fault/masked-frame"), "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON object");
    assert!(
        value["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("the server broke the protocol")),
        "{value}"
    );
    let out = wslab(&["connect", &lab.url("/fault/masked-frame")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("wslab: the server broke the protocol"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // Everything captured up to the failure is still shown, with the rule it broke.
    assert!(text(&out.stdout).contains("§5.1"), "{}", text(&out.stdout));
}

#[test]
fn a_bad_handshake_exits_1_and_names_the_rule() {
    let rt = runtime();
    let lab = start(&rt);
    let out = wslab(&["connect", &lab.url("/fault/wrong-accept")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("the handshake is broken"), "{stderr}");
    assert!(
        text(&out.stdout).contains("✗"),
        "the failed rule is marked in the transcript"
    );
}

#[test]
fn fragments_split_a_message_into_continuations() {
    let rt = runtime();
    let lab = start(&rt);
    let out = wslab(&[
        "connect",
        &lab.url("/echo"),
        "--send",
        "héllo wörld",
        "--fragments",
        "3",
        "--brief",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    let sent: Vec<&str> = stdout.lines().filter(|l| l.contains(" ms  → ")).collect();
    assert!(
        sent[0].contains("text") && sent[0].contains("· not FIN ·"),
        "first frame, FIN clear: {sent:?}"
    );
    assert!(
        sent[1].contains("continuation") && sent[1].contains("· not FIN ·"),
        "{sent:?}"
    );
    assert!(
        sent[2].contains("continuation") && sent[2].contains("· FIN ·"),
        "{sent:?}"
    );
    // The echo comes back whole: the server reassembled the fragments.
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("← text") && l.contains("héllo wörld")),
        "{stdout}"
    );
}

#[test]
fn no_subprotocol_chosen_is_explained_not_quoted_from_the_library() {
    let rt = runtime();
    let lab = start(&rt);
    let out = wslab(&["connect", &lab.url("/echo"), "--protocol", "v9.unknown"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("the server chose none of the subprotocols offered"),
        "{stderr}"
    );
    // The capture shows why: the response has no Sec-WebSocket-Protocol.
    assert!(
        text(&out.stdout).contains("the server chose no subprotocol"),
        "{}",
        text(&out.stdout)
    );
}
