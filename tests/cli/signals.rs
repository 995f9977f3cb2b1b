//! `connect` interrupted by SIGINT, SIGTERM or SIGHUP (issue 23, item 5): the signal is sent
//! to a real child process in the middle of a run, after the handshake and a message. The
//! server must see a close frame with 1001, and the run must print and save what it
//! captured, and exit 128+N.

#![cfg(unix)]

use std::process::{Command, Stdio};

use tokio::io::AsyncWriteExt as _;

use crate::connect_lab::runtime;
use crate::raw_server::{read_frame, serve};

#[test]
fn an_interrupted_connect_closes_with_1001_prints_saves_and_exits_128_plus_n() {
    for (signal, number) in [("INT", 2), ("TERM", 15), ("HUP", 1)] {
        let rt = runtime();
        let (got_text, text_read) = tokio::sync::oneshot::channel();
        let (tx, rx) = tokio::sync::oneshot::channel();
        // Reads the client's text, says so, then its next frame, which must be the close;
        // answers it as a server should.
        let (port, _head) = serve(&rt, "", |mut s| async move {
            let text = read_frame(&mut s).await;
            let _ = got_text.send(text);
            let close = read_frame(&mut s).await;
            let _ = tx.send(close);
            let _ = s.write_all(&[0x88, 0x02, 0x03, 0xe9]).await;
        });
        let path = std::env::temp_dir().join(format!(
            "wslab-signal-{}-{signal}.jsonl",
            std::process::id()
        ));
        let child = Command::new(env!("CARGO_BIN_EXE_wslab"))
            .args([
                "connect",
                &format!("ws://127.0.0.1:{port}/"),
                "--send",
                "hello",
                "--expect",
                "1",
                "--brief",
                "--save",
                path.to_str().expect("utf-8"),
            ])
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let text = rt.block_on(text_read).expect("the server read a frame");
        assert_eq!(text, Some((1, b"hello".to_vec())), "SIG{signal}");
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let out = child.wait_with_output().expect("the run ends");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(128 + number),
            "SIG{signal}: {stderr}"
        );
        assert!(
            stderr.contains(&format!("interrupted by SIG{signal}")),
            "{stderr}"
        );
        assert!(
            stdout.contains("→ text") && stdout.contains("\"hello\""),
            "{stdout}"
        );
        let close = rt.block_on(rx).expect("the server read on");
        let (opcode, payload) = close.expect("a close frame, not a bare FIN");
        assert_eq!((opcode, &payload[..2]), (8, &[0x03, 0xe9][..]), "1001");
        let saved = std::fs::read_to_string(&path).expect("the capture was saved");
        let _ = std::fs::remove_file(&path);
        assert!(saved.contains("\"type\":\"frame\""), "{saved}");
        assert!(
            saved.contains(&format!("interrupted by SIG{signal}")),
            "{saved}"
        );
    }
}

#[test]
fn a_proxy_ended_by_sigterm_or_sighup_saves_its_capture() {
    use std::io::{BufRead as _, BufReader};
    for signal in ["TERM", "HUP"] {
        let path = std::env::temp_dir().join(format!(
            "wslab-proxy-signal-{}-{signal}.jsonl",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        let mut child = Command::new(env!("CARGO_BIN_EXE_wslab"))
            .args([
                "proxy",
                "--upstream",
                "ws://127.0.0.1:1/",
                "--no-tui",
                "--save",
                path.to_str().expect("utf-8"),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        // The first line says it listens: its handlers are in place by then.
        let mut listening = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut listening)
            .expect("a line");
        assert!(listening.contains("\"listening\""), "{listening}");
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let out = child.wait_with_output().expect("the proxy ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let number = match signal {
            "INT" => 2,
            "TERM" => 15,
            _ => 1,
        };
        assert_eq!(
            out.status.code(),
            Some(128 + number),
            "SIG{signal}: {stderr}"
        );
        assert!(
            stderr.contains("the capture is saved in"),
            "SIG{signal}: {stderr}"
        );
        assert!(path.exists(), "SIG{signal}: nothing saved");
        let _ = std::fs::remove_file(&path);
    }
}

#[test]
fn a_printed_lesson_ended_by_sigterm_saves_what_it_captured_and_exits_143() {
    use std::io::{BufRead as _, BufReader};
    let path =
        std::env::temp_dir().join(format!("wslab-lesson-signal-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut child = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args([
            "lesson",
            "6",
            "--plain",
            "--quick",
            "--save",
            path.to_str().expect("utf-8"),
        ])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // The lesson's heading comes first; the handlers are in place by then.
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut heading = String::new();
    stdout.read_line(&mut heading).expect("a line");
    assert!(heading.starts_with('#'), "{heading}");
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stdout, &mut rest);
    let out = child.wait_with_output().expect("the run ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(128 + 15), "{stderr}");
    assert!(stderr.contains("stopped by SIGTERM during 06-"), "{stderr}");
    assert!(stderr.contains("saved 06-"), "{stderr}");
    let saved = std::fs::read_to_string(&path).expect("the capture was saved");
    let _ = std::fs::remove_file(&path);
    // A JSON Lines file, even when the signal came before the first connection.
    assert!(saved.lines().all(|l| l.starts_with('{')), "{saved}");
}
