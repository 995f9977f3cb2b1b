//! The order of a connection's lines, with the upstream down: `wslab proxy --no-tui` (and the
//! `.jsonl` it saves) gives every connection the same lines in the same order, `open` first,
//! and the 502 is the proxy's, never credited to the upstream.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

const CONNECTIONS: usize = 40;

const REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\nHost: upstream\r\nUpgrade: websocket\r\n\
    Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
    Sec-WebSocket-Version: 13\r\n\r\n";

// The documented order (docs/jsonl.md) for a connection whose upstream refused it.
const ORDER: [&str; 7] = [
    "open",
    "http-head",
    "upstream-error",
    "http-head",
    "handshake",
    "http-body",
    "close",
];

// Each connection's line kinds, in the order given, and its lines by kind.
fn by_connection(lines: &[Value]) -> BTreeMap<u64, Vec<&Value>> {
    let mut conns: BTreeMap<u64, Vec<&Value>> = BTreeMap::new();
    for line in lines {
        if let Some(conn) = line["conn"].as_u64() {
            conns.entry(conn).or_default().push(line);
        }
    }
    conns
}

fn check(lines: &[Value], source: &str) {
    let conns = by_connection(lines);
    assert_eq!(conns.len(), CONNECTIONS, "{source}");
    for (conn, lines) in conns {
        let kinds: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ORDER, "{source}: connection {conn}");
        let failed = lines[2];
        assert_eq!(failed["error"], "refused", "{source}: {failed}");
        assert_eq!(failed["proxy_answered"], true, "{source}: {failed}");
        assert_eq!(
            lines[3]["start_line"], "HTTP/1.1 502 Bad Gateway",
            "{source}"
        );
        assert_eq!(lines[4]["status"], 502, "{source}");
        // The 502's body is the proxy's sentence.
        let said = lines[5]["text"].as_str().unwrap();
        assert!(said.contains("refused the connection"), "{source}: {said}");
        let close = lines[6];
        assert_eq!(close["bytes_server_to_client"], 0, "{source}: {close}");
        assert!(
            close["bytes_proxy_to_client"].as_u64().unwrap() > 0,
            "{close}"
        );
        assert_eq!(close["by"], "proxy", "{source}: {close}");
        assert_eq!(close["by_close_frame"], false, "{source}: {close}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_upstream_down_every_connection_has_the_same_lines_in_order() {
    // A port that was just free: nothing listens there, so every connect is refused.
    let down = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("ws://{}/", down.local_addr().unwrap());
    drop(down);
    let saved = std::env::temp_dir().join(format!("wslab-order-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&saved);
    let mut child = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["proxy", "--no-tui", "--upstream", &upstream, "--save"])
        .arg(&saved)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut running = crate::cli::Running(Some(child));
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    let listen = first["listen"].as_str().unwrap().to_owned();

    // All at once, so that the proxy's tasks race each other as a browser's would.
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..CONNECTIONS {
        let listen = listen.clone();
        clients.spawn(async move {
            let mut stream = TcpStream::connect(&listen).await.unwrap();
            stream.write_all(REQUEST).await.unwrap();
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await.unwrap();
            stream.shutdown().await.unwrap();
            answer
        });
    }
    while let Some(answer) = clients.join_next().await {
        let answer = String::from_utf8(answer.unwrap()).unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 502 Bad Gateway\r\n"),
            "{answer}"
        );
        assert!(answer.contains("refused the connection"), "{answer}");
    }
    let live: Vec<Value> = tokio::task::spawn_blocking(move || {
        let mut live = Vec::new();
        let mut closes = 0;
        for line in lines.by_ref() {
            let parsed: Value = serde_json::from_str(&line.unwrap()).unwrap();
            closes += usize::from(parsed["type"] == "close");
            live.push(parsed);
            if closes == CONNECTIONS {
                break;
            }
        }
        live
    })
    .await
    .unwrap();
    check(&live, "live");

    let pid = running.0.as_ref().unwrap().id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(running.0.take().unwrap().wait().unwrap().code(), Some(130));
    let file = std::fs::read_to_string(&saved).unwrap();
    let _ = std::fs::remove_file(&saved);
    let saved: Vec<Value> = file
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    check(&saved, "saved");
}
