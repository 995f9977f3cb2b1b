//! A refused upgrade's explanation: a raw server answers 403 with a text body, head and body
//! in one write as most servers send them, and every view of `wslab connect` shows the body,
//! capped and marked when cut: the plain output, `--json`, the saved `.jsonl`, and the
//! sentence on stderr, which gives the server's words. A body written a moment after its head
//! is waited for and shown too.

use std::process::{Command, Output};

use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

const FIRST: &str = "Origin https://evil.example is not allowed here.";

// Longer than the 1024 bytes the text views show, so that they must cut it and say so.
fn body() -> String {
    format!("{FIRST}\n{}\n", "x".repeat(1400))
}

// Answers every connection 403 Forbidden with the body: in the head's write, or `late`, a
// moment after it, as a server that flushes its head first does.
async fn refusing_server(listener: TcpListener, late: bool) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let mut head = Vec::new();
            while !head.ends_with(b"\r\n\r\n") {
                let mut byte = [0u8];
                if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                    return;
                }
                head.push(byte[0]);
            }
            let body = body();
            let answer = format!(
                "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            if late {
                let _ = stream.write_all(answer.as_bytes()).await;
                // The time a server takes to render its page: the client has read the head.
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                let _ = stream.write_all(body.as_bytes()).await;
            } else {
                let _ = stream.write_all((answer + &body).as_bytes()).await;
            }
            let _ = stream.shutdown().await;
            let mut rest = Vec::new();
            let _ = stream.read_to_end(&mut rest).await;
        });
    }
}

async fn wslab(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_wslab"))
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusals_body_is_shown_in_every_view() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/chat", listener.local_addr().unwrap());
    let server = tokio::spawn(refusing_server(listener, false));
    let body = body();

    // Plain output: the body under a heading, cut at 1024 bytes and marked; the sentence
    // says the server refused the upgrade, with its words.
    let plain = wslab(vec!["connect".into(), url.clone()]).await;
    assert_eq!(plain.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&plain.stdout);
    assert!(stdout.contains("What the server said"), "{stdout}");
    assert!(stdout.contains(FIRST), "{stdout}");
    let cut = format!("cut: 1024 of {} bytes shown", body.len());
    assert!(stdout.contains(&cut), "{stdout}");
    let stderr = String::from_utf8_lossy(&plain.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("the server refused the upgrade"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("it said: \"{FIRST} xxx")),
        "{stderr}"
    );
    assert!(stderr.trim_end().ends_with("…\""), "{stderr}");

    // --json: the whole body, under its preview limit, not cut.
    let json = wslab(vec!["connect".into(), url.clone(), "--json".into()]).await;
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["response_body"]["text"], body.as_str(), "{doc}");
    assert_eq!(doc["response_body"]["len"], body.len());
    assert_eq!(doc["response_body"]["truncated"], false);

    // The saved .jsonl: an http-body line after the handshake's.
    let saved = std::env::temp_dir().join(format!("wslab-refusal-{}.jsonl", std::process::id()));
    let args = vec![
        "connect".into(),
        url,
        "--save".into(),
        saved.display().to_string(),
    ];
    wslab(args).await;
    let file = std::fs::read_to_string(&saved).unwrap();
    let _ = std::fs::remove_file(&saved);
    let lines: Vec<Value> = file
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    let handshake = kinds.iter().position(|k| *k == "handshake").unwrap();
    let said = kinds
        .iter()
        .position(|k| *k == "http-body")
        .unwrap_or_else(|| panic!("no http-body line: {file}"));
    assert!(said > handshake, "{kinds:?}");
    assert_eq!(lines[said]["status"], 403);
    assert_eq!(lines[said]["text"], body.as_str());
    assert_eq!(lines[said]["truncated"], false);
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_written_after_its_head_is_waited_for_and_shown() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/chat", listener.local_addr().unwrap());
    let server = tokio::spawn(refusing_server(listener, true));
    let plain = wslab(vec!["connect".into(), url]).await;
    assert_eq!(plain.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&plain.stdout);
    assert!(stdout.contains(FIRST), "{stdout}");
    let stderr = String::from_utf8_lossy(&plain.stderr);
    assert!(stderr.contains(&format!("it said: \"{FIRST}")), "{stderr}");
    server.abort();
}
