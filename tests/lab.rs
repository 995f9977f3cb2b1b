//! The lab server over real loopback sockets: every endpoint and every fault, checked from the
//! client's side and in the lab's own transcript. No sleeps, no fixed ports.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use wslab::capture::Direction;
use wslab::net::Recorder;
use wslab::net::lab::{FAULTS, Lab, LabConfig};
use wslab::net::tcp::{self, TappedTcp};
use wslab::proto::encode::{FrameSpec, encode};
use wslab::proto::{Config, Derivation, Dissector, Event, Frame, OpCode, Side, Violation};

const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

async fn lab(tick: Duration) -> Lab {
    let config = LabConfig {
        tick,
        ..LabConfig::default()
    };
    Lab::start(config, Recorder::default()).await.unwrap()
}

// Long enough that no tick comes during a test, so the feed holds only what the test published.
const NEVER: Duration = Duration::from_secs(3600);

async fn ws(lab: &Lab, path: &str, recorder: &Recorder) -> WebSocketStream<TappedTcp> {
    let tap = tcp::connect(lab.addr(), recorder, "client").await.unwrap();
    tokio_tungstenite::client_async(lab.url(path), tap)
        .await
        .unwrap()
        .0
}

fn upgrade_request(path: &str, version: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: lab\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: {version}\r\n\r\n"
    )
}

/// Sends `request` and reads until the server closes.
async fn exchange(lab: &Lab, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(lab.addr()).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    answer
}

fn split(answer: &[u8]) -> (String, Vec<u8>) {
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head")
        + 4;
    (
        String::from_utf8_lossy(&answer[..end]).into_owned(),
        answer[end..].to_vec(),
    )
}

async fn get(lab: &Lab, target: &str) -> (String, Vec<u8>) {
    let request = format!("GET {target} HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n");
    split(&exchange(lab, request.as_bytes()).await)
}

/// A raw upgrade: the response head and whatever followed it in the same reads.
async fn raw_upgrade(lab: &Lab, path: &str) -> (TcpStream, String, Vec<u8>) {
    let mut stream = TcpStream::connect(lab.addr()).await.unwrap();
    stream
        .write_all(upgrade_request(path, "13").as_bytes())
        .await
        .unwrap();
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed before the head: {got:?}");
        got.extend_from_slice(&chunk[..n]);
    }
    let (head, rest) = split(&got);
    (stream, head, rest)
}

/// Reads server frames until `count` have arrived.
async fn server_frames(stream: &mut TcpStream, mut rest: Vec<u8>, count: usize) -> Vec<Frame> {
    let mut dissector = Dissector::new(Config::new(Side::Server));
    let mut frames = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        for event in dissector.feed(&rest) {
            if let Event::Frame(frame) = event {
                frames.push(frame);
            }
        }
        if frames.len() >= count {
            return frames;
        }
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed after {} frames", frames.len());
        rest = chunk[..n].to_vec();
    }
}

/// The lab's only connection, which must be over.
fn lab_messages(lab: &Lab, direction: Direction) -> Vec<(OpCode, Vec<u8>)> {
    lab.recorder().read(|t| {
        let connection = t.connections().last().expect("a connection");
        connection
            .flow(direction)
            .messages
            .iter()
            .map(|m| (m.item.opcode, m.item.preview.to_vec()))
            .collect()
    })
}

fn lab_server_frames(lab: &Lab) -> Vec<Frame> {
    lab.recorder().read(|t| {
        let connection = t.connections().last().expect("a connection");
        connection
            .responses()
            .frames
            .iter()
            .map(|f| f.item.clone())
            .collect()
    })
}

#[tokio::test]
async fn echo_returns_every_size_and_the_lab_recorded_what_the_client_got() {
    let lab = lab(NEVER).await;
    let client = Recorder::default();
    let mut ws = ws(&lab, "/echo", &client).await;
    let mut received = Vec::new();
    for size in [125, 126, 65535, 65536] {
        let text = "a".repeat(size);
        ws.send(Message::text(text.clone())).await.unwrap();
        let reply = ws.next().await.unwrap().unwrap();
        assert_eq!(reply, Message::text(text));
        received.push((OpCode::Text, reply.into_data().to_vec()));
        let binary = Bytes::from(vec![7u8; size]);
        ws.send(Message::Binary(binary.clone())).await.unwrap();
        let reply = ws.next().await.unwrap().unwrap();
        assert_eq!(reply, Message::Binary(binary));
        received.push((OpCode::Binary, reply.into_data().to_vec()));
    }
    ws.send(Message::Ping(Bytes::from_static(b"hb")))
        .await
        .unwrap();
    let pong = ws.next().await.unwrap().unwrap();
    assert_eq!(pong, Message::Pong(Bytes::from_static(b"hb")));
    ws.close(None).await.unwrap();
    while ws.next().await.is_some() {}

    let from_lab = lab_messages(&lab, Direction::ServerToClient);
    let data: Vec<_> = from_lab
        .iter()
        .filter(|(op, _)| matches!(op, OpCode::Text | OpCode::Binary))
        .cloned()
        .collect();
    assert_eq!(data, received);
    assert!(from_lab.contains(&(OpCode::Pong, b"hb".to_vec())));
    assert_eq!(from_lab.last().unwrap().0, OpCode::Close);
    lab.shutdown().await;
}

#[tokio::test]
async fn a_subprotocol_is_chosen_from_the_offered_list() {
    let lab = lab(NEVER).await;
    let tap = tcp::connect(lab.addr(), lab.recorder(), "client")
        .await
        .unwrap();
    let mut request = lab.url("/echo").into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "mqtt, json, chat".parse().unwrap(),
    );
    let (_ws, response) = tokio_tungstenite::client_async(request, tap).await.unwrap();
    assert_eq!(response.headers()["sec-websocket-protocol"], "json");

    let (_, head, _) = raw_upgrade(&lab, "/echo").await;
    assert!(head.starts_with("HTTP/1.1 101"));
    assert!(!head.to_ascii_lowercase().contains("sec-websocket-protocol"));
    lab.shutdown().await;
}

#[tokio::test]
async fn version_8_gets_426_naming_13() {
    let lab = lab(NEVER).await;
    for path in ["/echo", "/chat", "/ticker"] {
        let answer = exchange(&lab, upgrade_request(path, "8").as_bytes()).await;
        let (head, _) = split(&answer);
        assert!(
            head.starts_with("HTTP/1.1 426 Upgrade Required\r\n"),
            "{head}"
        );
        assert!(head.contains("Sec-WebSocket-Version: 13\r\n"));
    }
    lab.shutdown().await;
}

#[tokio::test]
async fn chat_reaches_every_client_including_the_sender() {
    let lab = lab(NEVER).await;
    let client = Recorder::default();
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(ws(&lab, "/chat", &client).await);
    }
    let sent: Vec<String> = (0..3).map(|i| format!("hello from {i}")).collect();
    for (ws, text) in clients.iter_mut().zip(&sent) {
        ws.send(Message::text(text.clone())).await.unwrap();
    }
    for ws in &mut clients {
        let mut got = Vec::new();
        while got.len() < 3 {
            got.push(
                ws.next()
                    .await
                    .unwrap()
                    .unwrap()
                    .into_text()
                    .unwrap()
                    .to_string(),
            );
        }
        got.sort();
        assert_eq!(got, sent);
    }
    lab.shutdown().await;
}

#[tokio::test]
async fn the_ticker_pushes_unasked() {
    let lab = lab(Duration::from_millis(10)).await;
    let mut ws = ws(&lab, "/ticker", &Recorder::default()).await;
    let mut ids = Vec::new();
    while ids.len() < 2 {
        let text = ws.next().await.unwrap().unwrap().into_text().unwrap();
        let update: serde_json::Value = serde_json::from_str(&text).unwrap();
        let id = update["id"].as_u64().unwrap();
        assert_eq!(update["text"], format!("tick {id}"));
        assert!(update["at_ms"].as_u64().unwrap() > 0);
        ids.push(id);
    }
    assert_eq!(ids[1], ids[0] + 1);
    lab.shutdown().await;
}

#[tokio::test]
async fn hello_message_and_the_page() {
    let lab = lab(NEVER).await;
    let (head, body) = get(&lab, "/hello").await;
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(head.contains("Content-Type: text/plain; charset=utf-8\r\n"));
    assert!(head.contains("Content-Length: 26\r\n"));
    assert_eq!(body, b"Hello from the wslab lab!\n");

    let post = b"POST /message HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\
        Content-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello there";
    let (head, body) = split(&exchange(&lab, post).await);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
    assert_eq!(body, b"hello there");

    let too_big = b"POST /message HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\
        Content-Length: 2000000\r\n\r\n";
    let (head, _) = split(&exchange(&lab, too_big).await);
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");

    let (head, body) = get(&lab, "/").await;
    assert!(head.contains("Content-Type: text/html"));
    assert!(String::from_utf8(body).unwrap().contains("new WebSocket"));

    let (head, _) = get(&lab, "/nowhere").await;
    assert!(head.starts_with("HTTP/1.1 404"));
    lab.shutdown().await;
}

#[tokio::test]
async fn poll_is_empty_then_holds_updates_and_long_poll_waits_for_one() {
    let lab = lab(NEVER).await;
    let (head, body) = get(&lab, "/poll?since=0").await;
    assert!(head.contains("Cache-Control: no-store\r\n"));
    assert!(head.contains("Content-Type: application/json\r\n"));
    assert_eq!(body, b"[]");
    let (_, body) = get(&lab, "/poll?since=0&wait=5").await;
    assert_eq!(body, b"[]");

    assert_eq!(lab.publish("first"), 1);
    let (_, body) = get(&lab, "/poll?since=0").await;
    let updates: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(updates[0]["id"], 1);
    assert_eq!(updates[0]["text"], "first");

    // Asked before the update exists; answered when it does, long before the wait ends.
    let waiting = get(&lab, "/poll?since=1&wait=60000");
    let publish = async {
        // Publish once the lab has read the long poll's head, so the poll really waits.
        let mut updates = lab.recorder().subscribe();
        let asked = || {
            lab.recorder().read(|t| {
                t.connections()
                    .filter(|c| c.requests().http.len() == 1)
                    .count()
            }) == 4
        };
        while !asked() {
            updates.recv().await.unwrap();
        }
        lab.publish("second");
    };
    let ((_, body), ()) = tokio::join!(waiting, publish);
    let updates: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(updates.as_array().unwrap().len(), 1);
    assert_eq!(updates[0]["id"], 2);
    lab.shutdown().await;
}

#[tokio::test]
async fn garbage_gets_400() {
    let lab = lab(NEVER).await;
    let answer = exchange(&lab, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03").await;
    let (head, body) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
    let body = String::from_utf8(body).unwrap();
    assert_eq!(body.lines().count(), 1, "{body}");
    let problem = lab
        .recorder()
        .read(|t| t.connections().last().unwrap().requests().problem.clone());
    assert!(problem.is_some());
    lab.shutdown().await;
}

#[tokio::test]
async fn handshake_faults_break_the_handshake() {
    let lab = lab(NEVER).await;
    let right = Derivation::new(KEY).accept;

    let (_, head, _) = raw_upgrade(&lab, "/fault/wrong-accept").await;
    assert!(head.starts_with("HTTP/1.1 101"));
    let accept = head
        .lines()
        .find_map(|l| l.strip_prefix("Sec-WebSocket-Accept: "))
        .unwrap();
    assert_eq!(accept.len(), 28);
    assert_ne!(accept, right);

    let (_, head, body) = raw_upgrade(&lab, "/fault/status-200").await;
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(head.contains(&format!("Content-Length: {}\r\n", body.len())));

    let (_, head, _) = raw_upgrade(&lab, "/fault/no-upgrade").await;
    assert!(head.starts_with("HTTP/1.1 101"));
    assert!(head.contains(&right));
    assert!(!head.to_ascii_lowercase().contains("upgrade: websocket"));

    let (_, head, _) = raw_upgrade(&lab, "/fault/version-426").await;
    assert!(head.starts_with("HTTP/1.1 426"));
    assert!(head.contains("Sec-WebSocket-Version: 13\r\n"));

    // A real client refuses every one of them.
    for fault in ["wrong-accept", "status-200", "no-upgrade", "version-426"] {
        let tap = tcp::connect(lab.addr(), lab.recorder(), "client")
            .await
            .unwrap();
        let url = lab.url(&format!("/fault/{fault}"));
        assert!(
            tokio_tungstenite::client_async(url, tap).await.is_err(),
            "{fault}"
        );
    }
    lab.shutdown().await;
}

/// Whether a violation is the one a fault means to commit.
type Rule = fn(&Violation) -> bool;

#[tokio::test]
async fn frame_faults_send_frames_that_break_a_rule() {
    let cases: [(&str, OpCode, Rule); 3] = [
        ("/fault/masked-frame", OpCode::Text, |v| {
            *v == Violation::MaskedServerFrame
        }),
        ("/fault/bad-utf8", OpCode::Text, |v| {
            matches!(v, Violation::InvalidUtf8Text { .. })
        }),
        ("/fault/big-ping", OpCode::Ping, |v| {
            *v == Violation::ControlFrameTooLong { length: 126 }
        }),
    ];
    for (path, opcode, broken) in cases {
        let lab = lab(NEVER).await;
        let (mut stream, head, rest) = raw_upgrade(&lab, path).await;
        assert!(head.starts_with("HTTP/1.1 101"));
        assert!(head.contains(&Derivation::new(KEY).accept));
        let frames = server_frames(&mut stream, rest, 1).await;
        assert_eq!(frames[0].header.opcode(), opcode);
        assert!(frames[0].violations.iter().any(broken), "{path}");
        // The lab's own capture saw the same frame, and the same broken rule.
        let recorded = lab_server_frames(&lab);
        assert_eq!(recorded[0].header, frames[0].header);
        assert!(recorded[0].violations.iter().any(broken));

        // A close is answered with a close, then the lab hangs up.
        let close = encode(
            FrameSpec::new(OpCode::Close, Some([1, 2, 3, 4])),
            &[0x03, 0xe8],
        );
        stream.write_all(&close).await.unwrap();
        let mut after = Vec::new();
        stream.read_to_end(&mut after).await.unwrap();
        assert_eq!(after, [0x88, 0x02, 0x03, 0xe8]);
        lab.shutdown().await;
    }
}

#[tokio::test]
async fn strict_mask_echoes_masked_frames_and_closes_on_an_unmasked_one() {
    let lab = lab(NEVER).await;
    let (mut stream, head, rest) = raw_upgrade(&lab, "/fault/strict-mask").await;
    assert!(head.starts_with("HTTP/1.1 101"));
    let masked = encode(FrameSpec::new(OpCode::Text, Some([9, 8, 7, 6])), b"hello");
    stream.write_all(&masked).await.unwrap();
    let echoed = server_frames(&mut stream, rest, 1).await;
    assert_eq!(&echoed[0].payload[..], b"hello");
    assert!(!echoed[0].header.masked());

    stream
        .write_all(&encode(FrameSpec::new(OpCode::Text, None), b"hi"))
        .await
        .unwrap();
    let mut after = Vec::new();
    stream.read_to_end(&mut after).await.unwrap();
    let mut dissector = Dissector::new(Config::new(Side::Server));
    let events = dissector.feed(&after);
    let Some(Event::Message(close)) = events.last() else {
        panic!("no close in {after:?}");
    };
    let close = close.close.clone().unwrap();
    assert_eq!(close.code, Some(1002));
    assert_eq!(close.reason, "client frames must be masked (RFC 6455 §5.1)");

    let recorded = lab_messages(&lab, Direction::ServerToClient);
    assert_eq!(recorded.last().unwrap().0, OpCode::Close);
    let sent = lab.recorder().read(|t| {
        let connection = t.connections().last().unwrap();
        connection.requests().frames[1].item.violations.clone()
    });
    assert_eq!(sent, [Violation::UnmaskedClientFrame]);
    lab.shutdown().await;
}

#[tokio::test]
async fn garbage_and_hang_faults() {
    let lab = lab(NEVER).await;
    let answer = exchange(&lab, upgrade_request("/fault/garbage", "13").as_bytes()).await;
    assert!(answer.starts_with(b"SSH-2.0-OpenSSH_9.6\r\n"));
    let problem = lab
        .recorder()
        .read(|t| t.connections().last().unwrap().responses().problem.clone());
    assert!(
        problem
            .unwrap()
            .to_string()
            .contains("not an HTTP response")
    );

    // The hang fault answers nothing, ever: the client gives up and sees no byte.
    let mut stream = TcpStream::connect(lab.addr()).await.unwrap();
    stream
        .write_all(upgrade_request("/fault/hang", "13").as_bytes())
        .await
        .unwrap();
    stream.shutdown().await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    assert!(answer.is_empty());
    lab.shutdown().await;
}

#[tokio::test]
async fn every_listed_fault_answers_or_holds() {
    let lab = lab(NEVER).await;
    assert_eq!(FAULTS.len(), 10);
    for (path, description) in FAULTS {
        assert!(path.starts_with("/fault/") && !description.is_empty());
        if *path == "/fault/hang" {
            continue;
        }
        let mut stream = TcpStream::connect(lab.addr()).await.unwrap();
        stream
            .write_all(upgrade_request(path, "13").as_bytes())
            .await
            .unwrap();
        let mut first = [0u8; 1];
        stream.read_exact(&mut first).await.unwrap();
    }
    let (head, _) = get(&lab, "/fault/nonsense").await;
    assert!(head.starts_with("HTTP/1.1 404"));
    lab.shutdown().await;
}

#[tokio::test]
async fn shutdown_ends_open_connections() {
    let lab = lab(NEVER).await;
    let mut ws = ws(&lab, "/echo", &Recorder::default()).await;
    let (mut hung, _, _) = raw_upgrade(&lab, "/fault/masked-frame").await;
    lab.shutdown().await;
    assert!(!matches!(ws.next().await, Some(Ok(_))));
    let mut rest = Vec::new();
    let _ = hung.read_to_end(&mut rest).await;
}

#[tokio::test]
async fn echo_closes_with_1002_on_an_unmasked_client_frame() {
    let lab = lab(NEVER).await;
    let (mut stream, head, _) = raw_upgrade(&lab, "/echo").await;
    assert!(head.starts_with("HTTP/1.1 101"));
    stream
        .write_all(&encode(FrameSpec::new(OpCode::Text, None), b"hi"))
        .await
        .unwrap();
    let frames = server_frames(&mut stream, Vec::new(), 1).await;
    assert_eq!(frames[0].header.opcode(), OpCode::Close);
    assert_eq!(frames[0].payload[..2], 1002u16.to_be_bytes());
    lab.shutdown().await;
}

#[tokio::test]
async fn a_frame_sent_before_the_101_gets_400() {
    let lab = lab(NEVER).await;
    let mut request = upgrade_request("/echo", "13").into_bytes();
    request.extend(encode(
        FrameSpec::new(OpCode::Text, Some([1, 2, 3, 4])),
        b"early",
    ));
    let (head, body) = split(&exchange(&lab, &request).await);
    assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
    assert!(String::from_utf8(body).unwrap().contains("§4.1"));
    lab.shutdown().await;
}

mod serve {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    use std::net::TcpStream;
    use std::process::{Command, Stdio};

    fn wslab() -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_wslab"));
        command.env_remove("NO_COLOR");
        command
    }

    #[test]
    fn shows_each_connection_and_sums_up_on_ctrl_c() {
        let mut child = wslab()
            .args(["serve", "--port", "0", "--tick-ms", "3600000"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut next = || lines.next().unwrap().unwrap();
        let first = next();
        let addr = first.rsplit(' ').next().unwrap().to_owned();
        assert!(
            first.starts_with("wslab lab listening on 127.0.0.1:"),
            "{first}"
        );

        let mut stream = TcpStream::connect(&addr).unwrap();
        stream
            .write_all(b"GET /hello HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n")
            .unwrap();
        stream.read_to_end(&mut Vec::new()).unwrap();
        let mut shown = Vec::new();
        while !shown
            .last()
            .is_some_and(|l: &String| l.contains("closed after"))
        {
            shown.push(next());
        }
        let shown = shown.join("\n");
        assert!(shown.contains("#0 opened from 127.0.0.1:"), "{shown}");
        assert!(shown.contains("#0 → GET /hello HTTP/1.1"), "{shown}");
        assert!(shown.contains("#0 ← HTTP/1.1 200 OK"), "{shown}");
        assert_eq!(
            shown.matches("#0 GET /hello → 200 · ").count(),
            1,
            "{shown}"
        );

        let mut stream = TcpStream::connect(&addr).unwrap();
        stream
            .write_all(
                b"GET /echo HTTP/1.1\r\nHost: lab\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                  Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            )
            .unwrap();
        // A client waits for the 101 before it sends a frame (RFC 6455 §4.1).
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut byte = [0u8];
            stream.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        assert!(head.starts_with(b"HTTP/1.1 101"));
        stream
            .write_all(b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58")
            .unwrap();
        let mut frame_lines = Vec::new();
        while frame_lines.len() < 2 {
            let line = next();
            if line.contains(" text ") {
                frame_lines.push(line);
            }
        }
        assert!(frame_lines[0].contains("#1 → text"), "{frame_lines:?}");
        assert!(frame_lines[0].contains("5 B · FIN · masked · \"Hello\""));
        assert!(frame_lines[1].contains("#1 ← text"));
        assert!(frame_lines[1].contains("unmasked · \"Hello\""));

        let pid = child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
        let rest: Vec<String> = lines.map(Result::unwrap).collect();
        assert!(child.wait().unwrap().success());
        let summary = rest.last().unwrap();
        assert!(
            summary.starts_with("stopped: 2 connections served, "),
            "{summary}"
        );
        drop(stream);
    }

    #[test]
    fn a_busy_port_is_one_clear_sentence() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port().to_string();
        let out = wslab().args(["serve", "--port", &port]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            stderr,
            format!("wslab: cannot listen on 127.0.0.1:{port}: address already in use\n")
        );
    }
}
