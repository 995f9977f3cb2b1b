//! One JSON schema (docs/jsonl.md): the same exchange, seen by the proxy's `--no-tui`
//! printer, saved by `connect --save x.jsonl` and printed by `connect --json`, gives the same
//! objects for the same frames, messages and heads; and the printer falls behind without the
//! relay waiting for it, counting what it missed.

use std::process::Command;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Map, Value};
use tokio_tungstenite::tungstenite::Message;
use wslab::cmd::proxy::Printer;
use wslab::net::Recorder;
use wslab::net::lab::{Lab, LabConfig};
use wslab::net::proxy::Proxy;

// Each echo gives four updates (a frame and a message each way): 2,000 of them are far more
// than the channel holds for a receiver that does not read.
const MESSAGES: usize = 2_000;

// What may differ between two captures of the same bytes: which connection, and when.
const WHERE_AND_WHEN: [&str; 3] = ["conn", "at_us", "unix_us"];

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

fn of_type<'a>(objects: &'a [Value], kind: &str) -> Vec<&'a Value> {
    objects.iter().filter(|o| o["type"] == kind).collect()
}

// An object without its connection and times, and without `v`, which a --json document
// carries once at its top rather than on each object inside.
fn comparable(object: &Value) -> Map<String, Value> {
    let mut map = object.as_object().expect("an object").clone();
    // `--json` documents explain each field; JSON Lines leave it to `header_hex`.
    map.remove("fields");
    for key in WHERE_AND_WHEN.iter().chain(&["v"]) {
        assert!(
            *key == "v" || map.contains_key(*key),
            "{key} missing: {object}"
        );
        map.remove(*key);
    }
    map
}

fn assert_same(kind: &str, proxy: &[&Value], saved: &[&Value], json: &[&Value]) {
    assert!(!proxy.is_empty(), "no {kind}");
    assert_eq!(proxy.len(), saved.len(), "{kind}s saved");
    assert_eq!(proxy.len(), json.len(), "{kind}s in --json");
    for ((p, s), j) in proxy.iter().zip(saved).zip(json) {
        assert_eq!(comparable(p), comparable(s), "{kind}: proxy and --save");
        assert_eq!(comparable(p), comparable(j), "{kind}: proxy and --json");
    }
}

// The objects of one kind and direction, in index order: each output lists the directions
// in its own interleaving.
fn ordered<'a>(objects: &[&'a Value]) -> Vec<&'a Value> {
    let mut sorted = objects.to_vec();
    sorted.sort_by_key(|o| {
        (
            o["direction"].as_str().unwrap_or("").to_owned(),
            o["index"].as_u64(),
        )
    });
    sorted
}

// `wslab connect URL … --json --save SAVED`, run as a script would.
async fn connect_json(url: String, saved: String) -> std::process::Output {
    let args: Vec<String> = [
        "connect",
        &url,
        "--send",
        "Hello",
        "--ping",
        "hb",
        "--send-hex",
        "010203",
        "--json",
        "--save",
        &saved,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_wslab"))
            .args(&args)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_lines_saved_lines_and_connect_json_agree() {
    let lab = Lab::start(LabConfig::default(), Recorder::default())
        .await
        .unwrap();
    let config = crate::common::proxy::config(lab.addr(), Duration::from_secs(10));
    let recorder = config.recorder();
    let mut updates = recorder.subscribe();
    let proxy = Proxy::start(config, recorder.clone()).await.unwrap();

    // The printer on its own task, as `proxy --no-tui` runs it, until the connection closes.
    let watched = recorder.clone();
    let watching = tokio::spawn(async move {
        let mut printer = Printer::default();
        let mut out = Vec::new();
        let close = b"\"type\":\"close\"";
        loop {
            let received = updates.recv().await;
            assert!(
                printer
                    .take(&watched, &received, &mut updates, &mut out)
                    .unwrap()
            );
            if out.windows(close.len()).any(|w| w == close) {
                return (printer, out);
            }
        }
    });

    let saved = std::env::temp_dir().join(format!("wslab-schema-{}.jsonl", std::process::id()));
    let url = format!("ws://{}/echo", proxy.addr());
    let output = connect_json(url, saved.display().to_string()).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (printer, out) = watching.await.unwrap();
    assert_eq!(printer.dropped, 0);
    proxy.shutdown().await;

    let live = lines(&String::from_utf8(out).unwrap());
    let saved_lines = lines(&std::fs::read_to_string(&saved).unwrap());
    let _ = std::fs::remove_file(&saved);
    let doc: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");

    // Every line, and the document, say which schema they follow.
    for line in live.iter().chain(&saved_lines) {
        assert_eq!(line["v"], 1, "{line}");
    }
    assert_eq!(doc["v"], 1);

    // The same kinds of line, in the same order, from both JSON Lines outputs.
    let kinds = |ls: &[Value]| -> Vec<String> {
        ls.iter()
            .map(|l| l["type"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut live_kinds = kinds(&live);
    let mut saved_kinds = kinds(&saved_lines);
    live_kinds.sort();
    saved_kinds.sort();
    assert_eq!(live_kinds, saved_kinds);

    let json_frames: Vec<&Value> = doc["frames"].as_array().unwrap().iter().collect();
    let frames = ordered(&of_type(&live, "frame"));
    // Hello, ping, 01 02 03 and the close, each way.
    assert_eq!(frames.len(), 8, "{frames:?}");
    assert_same(
        "frame",
        &frames,
        &ordered(&of_type(&saved_lines, "frame")),
        &ordered(&json_frames),
    );
    let json_messages: Vec<&Value> = doc["messages"].as_array().unwrap().iter().collect();
    assert_same(
        "message",
        &ordered(&of_type(&live, "message")),
        &ordered(&of_type(&saved_lines, "message")),
        &ordered(&json_messages),
    );
    assert_same(
        "http-head",
        &of_type(&live, "http-head"),
        &of_type(&saved_lines, "http-head"),
        &[&doc["request"], &doc["response"]],
    );
    // The names v1 chose, on a frame that shows them all.
    let hello = frames[0];
    assert_eq!(hello["direction"], "client-to-server");
    assert_eq!(hello["payload_len"], 5);
    assert_eq!(hello["payload_hex"], "48656c6c6f");
    assert_eq!(hello["payload_text"], "Hello");
    assert!(hello.get("event").is_none() && hello.get("from").is_none());
    assert!(hello.get("length").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_printer_that_falls_behind_never_holds_the_relay_and_counts_what_it_missed() {
    let lab = Lab::start(LabConfig::default(), Recorder::default())
        .await
        .unwrap();
    let config = crate::common::proxy::config(lab.addr(), Duration::from_secs(10));
    let recorder = config.recorder();
    // Subscribed, and not read until the traffic is over: the slowest printer there is.
    let mut updates = recorder.subscribe();
    let proxy = Proxy::start(config, recorder.clone()).await.unwrap();

    let stream = tokio::net::TcpStream::connect(proxy.addr()).await.unwrap();
    let url = format!("ws://{}/echo", proxy.addr());
    let (mut ws, _) = tokio_tungstenite::client_async(url, stream).await.unwrap();
    let (mut sink, mut source) = ws.split();
    let send = async {
        for i in 0..MESSAGES {
            sink.feed(Message::text(format!("m{i}"))).await.unwrap();
        }
        sink.flush().await.unwrap();
        sink
    };
    let receive = async {
        for i in 0..MESSAGES {
            let echo = source.next().await.unwrap().unwrap();
            assert_eq!(echo, Message::text(format!("m{i}")));
        }
        source
    };
    let (sink, source) = tokio::join!(send, receive);
    ws = sink.reunite(source).unwrap();
    ws.close(None).await.unwrap();
    while let Some(Ok(_)) = ws.next().await {}
    drop(ws);
    proxy.idle().await;

    // Every echo came back with nothing reading the updates. Now the printer catches up.
    let mut printer = Printer::default();
    let mut out = Vec::new();
    let received = updates.recv().await;
    assert!(
        matches!(
            received,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_))
        ),
        "{received:?}"
    );
    printer
        .take(&recorder, &received, &mut updates, &mut out)
        .unwrap();
    while let Ok(update) = updates.try_recv() {
        printer.show(&recorder, update, &mut out).unwrap();
    }
    proxy.shutdown().await;

    let caught_up = lines(&String::from_utf8(out).unwrap());
    let dropped = &caught_up[0];
    assert_eq!(dropped["v"], 1);
    assert_eq!(dropped["type"], "dropped");
    let missed = dropped["events"].as_u64().unwrap();
    assert!(missed > 0);
    assert_eq!(printer.dropped, missed);
    // The connection's close is written once, even though its update may have been missed.
    assert_eq!(of_type(&caught_up, "close").len(), 1, "{caught_up:?}");
    assert_eq!(printer.connections, 0, "the open was among the missed");
}
