//! The lab's WebSocket endpoints over real loopback sockets: echo, subprotocols, versions,
//! chat, the ticker, shutdown, and how the echo treats a client that breaks the rules. Checked
//! from the client's side and in the lab's own transcript. No sleeps, no fixed ports.

use std::time::Duration;

use crate::common::lab::{
    NEVER, exchange, lab, lab_messages, raw_upgrade, server_frames, split, upgrade_request, ws,
};
use futures_util::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use wslab::capture::Direction;
use wslab::net::Recorder;
use wslab::net::tcp;
use wslab::proto::OpCode;
use wslab::proto::encode::{FrameSpec, encode};

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
async fn goodbye_speaks_first_then_closes_with_1001() {
    let lab = lab(NEVER).await;
    let mut ws = ws(&lab, "/goodbye", &Recorder::default()).await;
    let hello = ws.next().await.unwrap().unwrap();
    assert_eq!(hello, Message::text("the lab is closing this connection"));
    let Message::Close(Some(close)) = ws.next().await.unwrap().unwrap() else {
        panic!("a close frame")
    };
    assert_eq!(u16::from(close.code), 1001);
    assert_eq!(close.reason.as_str(), "going away");
    // tungstenite answers the close; the stream then ends.
    while ws.next().await.is_some() {}
    let from_client = lab_messages(&lab, Direction::ClientToServer);
    assert_eq!(
        from_client.last().map(|m| m.0),
        Some(OpCode::Close),
        "the client echoed the close"
    );
    lab.shutdown().await;
}

// On several threads, so that a connection task could still be running when `shutdown`
// returns, unless it waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_open_connections() {
    let lab = lab(NEVER).await;
    let mut ws = ws(&lab, "/echo", &Recorder::default()).await;
    let (mut hung, _, _) = raw_upgrade(&lab, "/fault/masked-frame").await;
    let recorder = lab.recorder().clone();
    lab.shutdown().await;
    // Both of the lab's connections have ended, and its taps have said so, before `shutdown`
    // returned.
    let closed: Vec<bool> =
        recorder.read(|t| t.connections().map(|c| c.closed_us.is_some()).collect());
    assert_eq!(closed, [true, true]);
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
