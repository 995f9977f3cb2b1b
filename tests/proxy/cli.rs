//! `wslab proxy --no-tui` as a script would run it: the binary in front of the lab, a real
//! client through it, and the JSON Lines it writes. Ctrl-C (SIGINT) ends it with a summary.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use wslab::net::Recorder;
use wslab::net::lab::{Lab, LabConfig};

/// Kills the proxy if the test fails before its Ctrl-C, so that no process outlives it.
pub(crate) struct Running(pub(crate) Option<std::process::Child>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[tokio::test]
async fn no_tui_writes_json_lines_for_handshake_frames_and_close() {
    let lab = Lab::start(LabConfig::default(), Recorder::default())
        .await
        .unwrap();
    let saved = std::env::temp_dir().join(format!("wslab-proxy-{}.har", std::process::id()));
    let _ = std::fs::remove_file(&saved);
    let mut child = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["proxy", "--no-tui", "--upstream", &lab.url("/"), "--save"])
        .arg(&saved)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut running = Running(Some(child));
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["v"], 1);
    assert_eq!(first["type"], "listening");
    let listen = first["listen"].as_str().unwrap().to_owned();

    let url = format!("ws://{listen}/echo");
    let stream = tokio::net::TcpStream::connect(&listen).await.unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(url, stream).await.unwrap();
    ws.send(Message::text("hello through the proxy"))
        .await
        .unwrap();
    assert_eq!(
        ws.next().await.unwrap().unwrap(),
        Message::text("hello through the proxy")
    );
    ws.close(None).await.unwrap();
    while let Some(Ok(_)) = ws.next().await {}
    // The client's end of TCP closes only when it is dropped; the proxy's close event waits
    // for both ends.
    drop(ws);

    // Read until the connection's close event, each line parsed as JSON.
    let events: Vec<Value> = tokio::task::spawn_blocking(move || {
        let mut events = Vec::new();
        for line in lines.by_ref() {
            let event: Value = serde_json::from_str(&line.unwrap()).unwrap();
            let done = event["type"] == "close";
            events.push(event);
            if done {
                break;
            }
        }
        events
    })
    .await
    .unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"open"), "{kinds:?}");
    assert!(events.iter().all(|e| e["v"] == 1), "{events:?}");
    let handshake = events.iter().find(|e| e["type"] == "handshake").unwrap();
    assert_eq!(handshake["status"], 101);
    assert_eq!(handshake["accept_ok"], true);
    // The heads are lines of their own, before the handshake's.
    let heads: Vec<&Value> = events.iter().filter(|e| e["type"] == "http-head").collect();
    assert_eq!(heads.len(), 2, "{heads:?}");
    assert_eq!(heads[0]["head"], "request");
    assert!(
        heads[0]["start_line"]
            .as_str()
            .unwrap()
            .starts_with("GET /echo ")
    );
    assert_eq!(heads[1]["direction"], "server-to-client");
    let frames: Vec<&Value> = events.iter().filter(|e| e["type"] == "frame").collect();
    // The text and its echo, then a close each way.
    assert_eq!(frames.len(), 4, "{frames:?}");
    assert_eq!(frames[0]["direction"], "client-to-server");
    assert_eq!(frames[0]["masked"], true);
    assert_eq!(frames[0]["opcode_name"], "text");
    assert_eq!(frames[0]["payload_text"], "hello through the proxy");
    assert_eq!(frames[1]["direction"], "server-to-client");
    assert_eq!(frames[1]["masked"], false);
    assert!(frames[0]["violations"].as_array().unwrap().is_empty());
    let close = events.last().unwrap();
    // The client's close frame began the closing handshake; the lab then closes TCP first
    // (RFC 6455 §7.1.1).
    assert_eq!(close["by"], "client");
    assert_eq!(close["by_close_frame"], true);
    assert_eq!(close["tcp_closed_by"], "server");
    // tungstenite's close(None) sends an empty close payload: no code.
    assert!(close["code"].is_null(), "{close}");
    assert!(close["bytes_client_to_server"].as_u64().unwrap() > 0);
    assert_eq!(close["frames_dropped"], 0);

    let interrupted = Command::new("kill")
        .args(["-INT", &running.0.as_ref().unwrap().id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let output = running.0.take().unwrap().wait_with_output().unwrap();
    // Ended by SIGINT: 128 + 2, the shell's convention.
    assert_eq!(output.status.code(), Some(130));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("proxy stopped: 1 connection "), "{stderr}");
    // --save wrote the capture when the proxy stopped: a HAR with the WebSocket's messages.
    assert!(stderr.contains("the capture is saved in"), "{stderr}");
    let har: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    assert!(
        entries.iter().any(|e| e["_resourceType"] == "websocket"
            && !e["_webSocketMessages"].as_array().unwrap().is_empty()),
        "{har}"
    );
    let _ = std::fs::remove_file(&saved);
    assert!(
        !stderr.contains("terminal view is not built yet"),
        "{stderr}"
    );
}

#[test]
fn a_wss_upstream_with_an_unreadable_ca_is_one_sentence_and_status_2() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["proxy", "--upstream", "wss://127.0.0.1:1/", "--no-tui"])
        .args(["--ca", "/nonexistent/wslab-ca.pem"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot read the CA file /nonexistent/wslab-ca.pem"),
        "{err}"
    );
}

// The address the proxy says it listens on, given `--listen value`; the child is stopped
// with Ctrl-C once it has said so.
fn listening_on(value: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["proxy", "--no-tui", "--upstream", "ws://127.0.0.1:1/"])
        .args(["--listen", value])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut running = Running(Some(child));
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    let pid = running.0.as_ref().unwrap().id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(running.0.take().unwrap().wait().unwrap().code(), Some(130));
    first["listen"].as_str().unwrap().to_owned()
}

#[test]
fn listen_takes_a_bare_port_a_colon_port_and_a_host_name() {
    // Port 0: the system picks a free one, so the forms are checked without a fixed port.
    for value in ["0", ":0"] {
        let listen = listening_on(value);
        assert!(listen.starts_with("127.0.0.1:"), "{value}: {listen}");
    }
    let resolved: std::net::SocketAddr = listening_on("localhost:0").parse().unwrap();
    assert!(resolved.ip().is_loopback(), "{resolved}");
}

#[test]
fn a_bad_listen_value_is_one_sentence_and_status_2() {
    for bad in ["nine", "70000", "localhost:port"] {
        let out = Command::new(env!("CARGO_BIN_EXE_wslab"))
            .args(["proxy", "--no-tui", "--upstream", "ws://127.0.0.1:1/"])
            .args(["--listen", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("invalid socket address syntax"), "{err}");
        let first = err.lines().next().unwrap_or_default();
        assert!(first.contains("--listen") && first.contains(bad), "{err}");
    }
}
