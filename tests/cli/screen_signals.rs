//! The terminal screens ended by a signal (issue 23, item 5), each on a real pseudo-terminal
//! in a child process: the terminal is given back as it was, an open connection gets a close
//! frame with 1001, what was captured is kept, and the exit status is 128+N. The same screens
//! left with q exit 0, which also shows that the terminal check below sees raw mode at all.
//! And a screen that cannot begin (a student the class hub refuses) ends the same clean way,
//! with one sentence and exit 1.

#![cfg(unix)]

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::connect_lab::runtime;
use crate::pty::OnPty;
use crate::raw_server::{read_frame, serve};

/// Only a broken run waits this long; a passing one goes on as soon as the screen is up.
const PATIENCE: Duration = Duration::from_secs(20);

/// A fresh, empty folder of this test's own.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wslab-pty-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

fn wslab(dir: &PathBuf, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wslab"));
    command
        .args(args)
        .current_dir(dir)
        .env("WSLAB_DATA_DIR", dir)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm-256color");
    command
}

#[test]
fn a_lesson_screen_ended_by_sigterm_restores_the_terminal_saves_progress_and_exits_143() {
    let dir = folder("lesson");
    let mut screen = OnPty::spawn(wslab(&dir, &["lesson", "1"]), 100, 30);
    assert!(
        screen.wait_for("HTTP", PATIENCE),
        "the lesson never drew: {}",
        screen.screen()
    );
    assert!(!screen.restored(), "the screen runs in raw mode");
    screen.signal("TERM");
    let (code, stderr) = screen.wait();
    assert_eq!(code, Some(128 + 15), "{stderr}");
    assert!(screen.restored(), "the terminal was left raw");
    assert!(
        screen.screen().contains("\u{1b}[?1049l"),
        "the alternate screen was never left"
    );
    assert!(stderr.contains("stopped by SIGTERM"), "{stderr}");
    assert!(dir.join("progress.json").exists(), "no progress was saved");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_lesson_screen_left_with_q_exits_0() {
    let dir = folder("lesson-q");
    let mut screen = OnPty::spawn(wslab(&dir, &["lesson", "1"]), 100, 30);
    assert!(screen.wait_for("HTTP", PATIENCE), "{}", screen.screen());
    screen.type_bytes(b"q");
    let (code, stderr) = screen.wait();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(screen.restored(), "the terminal was left raw");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_inspector_ended_by_sighup_closes_with_1001_keeps_its_capture_and_exits_129() {
    let rt = runtime();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (port, head) = serve(&rt, "", |mut s| async move {
        // The console sends nothing by itself: its first frame is the close the signal brings.
        let close = read_frame(&mut s).await;
        let _ = tx.send(close);
        let _ = tokio::io::AsyncWriteExt::write_all(&mut s, &[0x88, 0x02, 0x03, 0xe9]).await;
    });
    let dir = folder("inspect");
    let url = format!("ws://127.0.0.1:{port}/");
    let mut screen = OnPty::spawn(wslab(&dir, &["inspect", &url]), 100, 30);
    rt.block_on(head).expect("the console connected");
    screen.signal("HUP");
    let (code, stderr) = screen.wait();
    assert_eq!(code, Some(128 + 1), "{stderr}");
    assert!(screen.restored(), "the terminal was left raw");
    let close = rt.block_on(rx).expect("the server read on");
    let (opcode, payload) = close.expect("a close frame, not a bare FIN");
    assert_eq!((opcode, &payload[..2]), (8, &[0x03, 0xe9][..]), "1001");
    assert!(stderr.contains("stopped by SIGHUP"), "{stderr}");
    assert!(stderr.contains("closed with 1001"), "{stderr}");
    let saved: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().contains("wslab-inspect-"))
        .collect();
    let has = |ext: &str| {
        saved
            .iter()
            .any(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext)))
    };
    assert!(has("pcap") && has("har"), "{saved:?}; {stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_proxy_screen_ended_by_sigint_saves_and_exits_130() {
    let dir = folder("proxy");
    let path = dir.join("proxy.jsonl");
    let args = [
        "proxy",
        "--upstream",
        "ws://127.0.0.1:1/",
        "--save",
        path.to_str().expect("utf-8"),
    ];
    let mut screen = OnPty::spawn(wslab(&dir, &args), 100, 30);
    assert!(screen.wait_for("proxy", PATIENCE), "{}", screen.screen());
    screen.signal("INT");
    let (code, stderr) = screen.wait();
    assert_eq!(code, Some(128 + 2), "{stderr}");
    assert!(screen.restored(), "the terminal was left raw");
    assert!(stderr.contains("stopped by SIGINT"), "{stderr}");
    assert!(stderr.contains("the capture is saved in"), "{stderr}");
    assert!(path.exists(), "nothing saved");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_student_with_a_wrong_code_gets_one_sentence_exit_1_and_the_terminal_back() {
    use wslab::net::class::{Hub, HubOptions};
    let rt = runtime();
    let options = HubOptions::new(
        "127.0.0.1:0".parse().expect("an address"),
        "K7M2PQ".to_owned(),
        "NOTESKEY".to_owned(),
    );
    let hub = rt.block_on(Hub::start(options)).expect("the hub starts");
    let url = format!("ws://{}", hub.local_addr());
    let dir = folder("join");
    let args = ["join", url.as_str(), "--code", "WRONG9", "--name", "Bob"];
    let mut screen = OnPty::spawn(wslab(&dir, &args), 100, 30);
    let (code, stderr) = screen.wait();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(screen.restored(), "the terminal was left raw");
    assert!(stderr.contains("did not let you in (4001)"), "{stderr}");
    assert!(stderr.contains("join code is wrong"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one sentence: {stderr}");
    drop(hub);
    let _ = std::fs::remove_dir_all(&dir);
}
