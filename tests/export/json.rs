//! The HAR and JSON Lines exports of a real loopback exchange: valid JSON, the WebSocket
//! entry's messages in order with their types, opcodes and data, and one line per event in
//! time order with counts that match the transcript.

use crate::common::exchange::{NEVER, connect_with, finish, lab, pinned, round_trip};
use bytes::Bytes;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use wslab::export::{Format, export, har, jsonl};
use wslab::net::{Outgoing, Recorder};

const BASE: u64 = 1_700_000_000_000_000;

async fn exchange() -> Recorder {
    let lab = lab(NEVER).await;
    let recorder = Recorder::default();
    let opts = pinned();
    let mut client = connect_with(&lab, "/echo?room=1", &recorder, &opts)
        .await
        .expect("the handshake succeeds");
    round_trip(
        &mut client,
        Outgoing::Text("Hello".into()),
        Message::text("Hello"),
    )
    .await;
    round_trip(
        &mut client,
        Outgoing::Ping(Bytes::from_static(b"hb")),
        Message::Pong(Bytes::from_static(b"hb")),
    )
    .await;
    round_trip(
        &mut client,
        Outgoing::Binary(Bytes::from_static(&[1, 2, 3])),
        Message::binary(vec![1u8, 2, 3]),
    )
    .await;
    finish(&mut client).await;
    recorder
}

#[tokio::test]
async fn har_holds_the_upgrade_and_every_message() {
    let recorder = exchange().await;
    let text = recorder.read(|t| har(t, BASE));
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    let log = &doc["log"];
    assert_eq!(log["version"], "1.2");
    assert_eq!(log["creator"]["name"], "wslab");
    assert_eq!(log["creator"]["version"], env!("CARGO_PKG_VERSION"));
    let entries = log["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 1);
    let ws = &entries[0];
    assert_eq!(ws["_resourceType"], "websocket");
    assert_eq!(ws["request"]["method"], "GET");
    let url = ws["request"]["url"].as_str().expect("url");
    assert!(
        url.starts_with("ws://127.0.0.1:") && url.ends_with("/echo?room=1"),
        "{url}"
    );
    assert_eq!(ws["request"]["queryString"][0]["name"], "room");
    assert_eq!(ws["response"]["status"], 101);
    assert!(
        ws["startedDateTime"]
            .as_str()
            .expect("date")
            .starts_with("2023-11-14T22:13:20.")
    );
    let accept = ws["response"]["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .find(|h| {
            h["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case("sec-websocket-accept"))
        })
        .expect("an Accept header");
    assert_eq!(accept["value"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    let messages = ws["_webSocketMessages"].as_array().expect("messages");
    let seen: Vec<(&str, u64, &str)> = messages
        .iter()
        .map(|m| {
            (
                m["type"].as_str().expect("type"),
                m["opcode"].as_u64().expect("opcode"),
                m["data"].as_str().expect("data"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("send", 1, "Hello"),
            ("receive", 1, "Hello"),
            ("send", 9, "aGI="),
            ("receive", 10, "aGI="),
            ("send", 2, "AQID"),
            ("receive", 2, "AQID"),
            // 1000 "done", then the server's echo of the code.
            ("send", 8, "A+hkb25l"),
            ("receive", 8, seen[7].2),
        ]
    );
    let times: Vec<f64> = messages
        .iter()
        .map(|m| m["time"].as_f64().expect("time"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order");
    assert!(times[0] > 1_700_000_000.0 && times[0] < 1_700_000_100.0);
}

#[tokio::test]
async fn json_lines_are_one_event_each_in_time_order() {
    let recorder = exchange().await;
    let (text, frames, messages) = recorder.read(|t| {
        let c = t.connections().next().expect("a connection");
        let frames = c.requests().frames.len() + c.responses().frames.len();
        let messages = c.requests().messages.len() + c.responses().messages.len();
        (jsonl(t, BASE), frames, messages)
    });
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let count = |kind: &str| events.iter().filter(|e| e["type"] == kind).count();
    assert_eq!(count("open"), 1);
    assert_eq!(count("http-head"), 2);
    assert_eq!(count("frame"), frames);
    assert_eq!(count("message"), messages);
    assert_eq!(count("close"), 1);
    assert_eq!(events[0]["type"], "open");
    assert_eq!(events.last().expect("events")["type"], "close");
    let times: Vec<u64> = events
        .iter()
        .map(|e| e["at_us"].as_u64().expect("at_us"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order");
    assert!(events.iter().all(|e| e["conn"] == 0));
    let frame = events
        .iter()
        .find(|e| e["type"] == "frame")
        .expect("a frame");
    assert_eq!(frame["direction"], "client-to-server");
    assert_eq!(frame["mask_key"], "37fa213d");
    assert_eq!(frame["payload_text"], "Hello");
    let by_format = recorder.read(|t| export(t, Format::JsonLines, BASE));
    assert_eq!(by_format, text.into_bytes());
}

#[test]
fn har_has_an_entry_per_http_exchange_and_per_unanswered_request() {
    use wslab::capture::{Direction, Limits, Transcript};
    let mut t = Transcript::new(Limits::default());
    let (c, _) = t.open("http", None, None, 0).expect("opened");
    t.record(
        c,
        Direction::ClientToServer,
        10,
        b"GET /a?x=1&y HTTP/1.1\r\nHost: example.test\r\n\r\nGET /b HTTP/1.1\r\nHost: example.test\r\n\r\n",
    );
    t.record(
        c,
        Direction::ServerToClient,
        1_510,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi",
    );
    let doc: Value = serde_json::from_str(&har(&t, BASE)).expect("valid JSON");
    let entries = doc["log"]["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    let a = &entries[0];
    assert_eq!(a["request"]["url"], "http://example.test/a?x=1&y");
    assert_eq!(a["request"]["queryString"][1]["name"], "y");
    assert_eq!(a["response"]["status"], 200);
    assert_eq!(a["response"]["content"]["text"], "hi");
    assert_eq!(a["timings"]["wait"], 1.5);
    assert!(a.get("_webSocketMessages").is_none());
    assert_eq!(entries[1]["request"]["url"], "http://example.test/b");
    assert_eq!(entries[1]["response"]["status"], 0);
}
