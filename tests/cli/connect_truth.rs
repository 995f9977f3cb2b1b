//! `wslab connect` tells the truth about real servers (issue 23): the request goes out as
//! typed, a server that ignores the close is reported, a quiet server is not a fault. Each
//! server is raw, written here, and misbehaves in exactly one way.

use tokio::io::AsyncWriteExt as _;

use crate::connect_lab::{runtime, wslab};
use crate::raw_server::{read_frame, read_head, serve};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn headers_go_out_as_typed_in_order_and_repeated() {
    let rt = runtime();
    // Answers the client's close, as a server should.
    let (port, head) = serve(&rt, "", |mut s| async move {
        read_all_until_close(&mut s).await;
        let _ = s.write_all(&[0x88, 0x02, 0x03, 0xe8]).await;
    });
    let out = wslab(&[
        "connect",
        &format!("ws://127.0.0.1:{port}/"),
        "-H",
        "X-First: one",
        "-H",
        "Authorization: Bearer abc",
        "-H",
        "X-Third: three",
        "-H",
        "X-Dup: 1",
        "-H",
        "X-Dup: 2",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let head = rt.block_on(head).expect("the server read a head");
    let lines: Vec<&str> = head.lines().skip(6).filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines,
        [
            "X-First: one",
            "Authorization: Bearer abc",
            "X-Third: three",
            "X-Dup: 1",
            "X-Dup: 2"
        ],
        "{head}"
    );
}

// Reads frames until the client's close (or its hang-up); the frames read.
async fn read_all_until_close(s: &mut tokio::net::TcpStream) -> Read {
    let mut frames = Vec::new();
    while let Some(frame) = read_frame(s).await {
        let close = frame.0 == 8;
        frames.push(frame);
        if close {
            break;
        }
    }
    frames
}

#[test]
fn a_server_that_ignores_the_close_is_reported() {
    let rt = runtime();
    // Reads up to the client's close, then drops TCP without a close frame of its own.
    let (port, _head) = serve(&rt, "", |mut s| async move {
        read_all_until_close(&mut s).await;
    });
    let url = format!("ws://127.0.0.1:{port}/");
    let out = wslab(&["connect", &url, "--json"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no close frame came back"), "{stderr}");
    assert!(
        stderr.contains("§5.5.1") && stderr.contains("1006"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let error = json["error"].as_str().expect("an error sentence");
    assert!(error.contains("no close frame came back"), "{error}");
}

/// Frames a server read: each opcode and unmasked payload.
type Read = Vec<(u8, Vec<u8>)>;

// A quiet server: answers the handshake, then reads what comes and says nothing, until the
// client's close, which it answers when `answer` says so; the frames it read.
fn quiet(
    rt: &tokio::runtime::Runtime,
    answer: bool,
) -> (u16, tokio::sync::oneshot::Receiver<Read>) {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (port, _head) = serve(rt, "", move |mut s| async move {
        let frames = read_all_until_close(&mut s).await;
        let _ = tx.send(frames);
        if answer {
            let _ = s.write_all(&[0x88, 0x02, 0x03, 0xe8]).await;
        } else {
            // Holds TCP open, silent, until the client drops it.
            let _ = read_frame(&mut s).await;
        }
    });
    (port, rx)
}

#[test]
fn a_quiet_server_is_closed_with_1000_and_the_sentence_says_so() {
    let rt = runtime();
    let (port, frames) = quiet(&rt, true);
    let url = format!("ws://127.0.0.1:{port}/");
    // This test is about the wait for --expect, so it sets a short one.
    let out = wslab(&["connect", &url, "--expect", "1", "--timeout", "0.3"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no message arrived within 0.3 s (0 of the 1 expected had come), so wslab closed with 1000"),
        "{stderr}"
    );
    let frames = rt.block_on(frames).expect("the server read frames");
    assert_eq!(
        frames.last().map(|f| f.0),
        Some(8),
        "a close frame, not a bare FIN"
    );
    assert_eq!(frames.last().map(|f| f.1.clone()), Some(vec![0x03, 0xe8]));
}

#[test]
fn a_close_left_unanswered_is_reported_after_the_timeout() {
    let rt = runtime();
    let (port, _frames) = quiet(&rt, false);
    let url = format!("ws://127.0.0.1:{port}/");
    // About the wait for the close reply: a short one.
    let out = wslab(&["connect", &url, "--timeout", "0.3"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("did not answer the client's close within 0.3 s"),
        "{stderr}"
    );
}

#[test]
fn without_a_reply_timeout_a_quiet_connection_stays_open() {
    use wslab::net::client::{ClientOptions, WsClient};
    let rt = runtime();
    let (port, _frames) = quiet(&rt, true);
    let url = wslab::net::url::parse(&format!("ws://127.0.0.1:{port}/")).expect("url");
    let recorder = wslab::net::Recorder::default();
    // As inspect sets it: the handshake bounded, the wait for messages not.
    let options = ClientOptions {
        timeout: std::time::Duration::from_millis(200),
        reply_timeout: None,
        ..ClientOptions::default()
    };
    rt.block_on(async {
        let mut client = WsClient::connect(&url, &recorder, &options)
            .await
            .expect("connects");
        // About a timeout: five times the handshake's limit passes with the connection open.
        let waited = tokio::time::timeout(std::time::Duration::from_secs(1), client.recv()).await;
        assert!(waited.is_err(), "recv ended: {waited:?}");
        client.close(1000, "").await.expect("closes");
        client.drain().await.expect("the server answers the close");
    });
}

#[test]
fn an_extension_wslab_does_not_speak_is_never_blamed_on_the_server() {
    let rt = runtime();
    let (tx, rx) = tokio::sync::oneshot::channel();
    // Accepts the extension offered by hand, then uses its bit: RSV2 on a text frame.
    let (port, _head) = serve(
        &rt,
        "Sec-WebSocket-Extensions: x-wslab-test\r\n",
        |mut s| async move {
            let _ = s.write_all(&[0xa1, 0x02, b'h', b'i']).await;
            let _ = tx.send(read_all_until_close(&mut s).await);
        },
    );
    let url = format!("ws://127.0.0.1:{port}/");
    let out = wslab(&[
        "connect",
        &url,
        "-H",
        "Sec-WebSocket-Extensions: x-wslab-test",
        "--expect",
        "1",
    ]);
    let stderr = text(&out.stderr);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let (note, error) = stderr.split_once('\n').expect("a note, then the sentence");
    assert!(
        note.contains("x-wslab-test, which wslab does not speak"),
        "{stderr}"
    );
    assert!(
        error.contains("the server is within RFC 6455 §5.2"),
        "{stderr}"
    );
    assert!(!stderr.contains("broke the protocol"), "{stderr}");
    assert!(!stdout.contains("✗"), "the capture blames no one: {stdout}");
    let frames = rt.block_on(rx).expect("the server read frames");
    assert_eq!(
        frames.last().map(|f| f.1.get(..2).map(<[u8]>::to_vec)),
        Some(Some(vec![0x03, 0xeb]))
    );
}

// The saved capture's close line, read back.
fn saved_close(path: &std::path::Path) -> serde_json::Value {
    let saved = std::fs::read_to_string(path).expect("the capture was saved");
    let _ = std::fs::remove_file(path);
    saved
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("a JSON line"))
        .find(|l| l["type"] == "close")
        .expect("a close line")
}

#[test]
fn the_saved_close_line_says_why_the_run_ended() {
    let rt = runtime();
    let dir = std::env::temp_dir();
    let pid = std::process::id();
    // A server that ignores the close, then one that refuses the upgrade.
    let (port, _head) = serve(&rt, "", |mut s| async move {
        read_all_until_close(&mut s).await;
    });
    let path = dir.join(format!("wslab-why-{pid}-ignored.jsonl"));
    let url = format!("ws://127.0.0.1:{port}/");
    let out = wslab(&["connect", &url, "--save", path.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let close = saved_close(&path);
    let error = close["error"].as_str().expect("a reason");
    assert!(error.contains("no close frame came back"), "{close}");

    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    rt.spawn(async move {
        if let Ok((mut s, _)) = listener.accept().await {
            let _ = read_head(&mut s).await;
            let _ = s
                .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    let path = dir.join(format!("wslab-why-{pid}-refused.jsonl"));
    let url = format!("ws://127.0.0.1:{port}/");
    let out = wslab(&["connect", &url, "--save", path.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let close = saved_close(&path);
    let error = close["error"].as_str().expect("a reason");
    assert!(error.contains("refused the upgrade"), "{close}");
}

#[test]
fn an_incomplete_frames_bytes_are_counted_apart() {
    let rt = runtime();
    // One whole frame, then four bytes of a seven-byte one, then the end of TCP.
    let (port, _head) = serve(&rt, "", |mut s| async move {
        let _ = s
            .write_all(&[0x81, 0x02, b'h', b'i', 0x81, 0x05, b'h', b'e'])
            .await;
    });
    let url = format!("ws://127.0.0.1:{port}/");
    let out = wslab(&["connect", &url, "--brief"]);
    let stdout = text(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.contains("server → client:"))
        .expect("the server's totals");
    assert!(
        line.ends_with("4 in 1 frame, 4 in an incomplete frame)"),
        "{line}"
    );
    assert!(
        stdout.contains("frame incomplete: 4 of 7 bytes"),
        "{stdout}"
    );
}

#[test]
fn every_json_output_is_compact_one_value_a_line() {
    let rt = runtime();
    let lab = crate::connect_lab::start(&rt);
    let echo = lab.url("/echo");
    let (port, _head) = serve(&rt, "", |mut s| async move {
        read_all_until_close(&mut s).await;
    });
    let refused = format!("ws://127.0.0.1:{port}/nothing-after-the-close");
    let nothing = {
        // A port with no server: bound, then closed.
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("ws://127.0.0.1:{}/", l.local_addr().expect("addr").port())
    };
    for args in [
        vec!["accept", "dGhlIHNhbXBsZSBub25jZQ==", "--json"],
        vec!["connect", &echo, "--send", "hi", "--json"],
        vec!["connect", &refused, "--json"],
        vec!["connect", &nothing, "--json"],
        vec!["decode", "81 02 68 69", "81 02 68 69", "--json"],
        vec!["grade", &echo, "--cases", "5.3.1", "--json"],
    ] {
        let out = wslab(&args);
        let stdout = text(&out.stdout);
        assert!(!stdout.is_empty(), "{args:?}: {}", text(&out.stderr));
        for line in stdout.lines() {
            let value: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{args:?}: not one JSON value a line ({e}): {stdout}"));
            // Compact: as long as serde's own compact form (its key order may differ).
            let compact = serde_json::to_string(&value).expect("json");
            assert_eq!(line.len(), compact.len(), "{args:?}: {line}");
        }
    }
}
