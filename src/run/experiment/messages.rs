//! The same messages three ways: HTTP with a new connection each, HTTP with keep-alive, and
//! WebSocket. What each costs in bytes is read from the capture; what each takes is timed by
//! the client, as a user would wait for it.

use std::time::Duration;

use tokio_tungstenite::tungstenite::Message;

use super::{ExperimentError, captured, micros, ratio, start_lab};
use crate::capture::measure::{Figure, Measured, Row};
use crate::capture::timing::{mean, p95};
use crate::lesson::model::Messages;
use crate::net::http_client::{self, HeaderSet, HttpClient, Request};
use crate::net::lab::Lab;
use crate::net::{Outgoing, Recorder, WsClient, url};

const NEW_CONNECTION: &str = "HTTP, new connection each";
const KEEP_ALIVE: &str = "HTTP keep-alive";
const WEBSOCKET: &str = "WebSocket";

/// The same `count` messages of `text` over HTTP POST with a new connection each, HTTP POST
/// with keep-alive, and one WebSocket connection to `/echo`, one after the other so that each
/// has the machine to itself.
///
/// # Errors
/// When the lab does not start, or a request or connection to it fails.
pub async fn messages(m: &Messages, quick: bool) -> Result<Measured, ExperimentError> {
    let count = if quick { m.count.min(10) } else { m.count }.max(1);
    let (lab, recorder) = start_lab().await?;
    let outcome = run(&lab, &recorder, count, &m.text).await;
    lab.shutdown().await;
    let latencies = outcome?;
    Ok(table(&recorder, count, &latencies))
}

async fn run(
    lab: &Lab,
    recorder: &Recorder,
    count: u32,
    text: &str,
) -> Result<[Vec<u64>; 3], ExperimentError> {
    let fresh = over_http(lab, recorder, NEW_CONNECTION, false, count, text).await?;
    let kept = over_http(lab, recorder, KEEP_ALIVE, true, count, text).await?;
    let ws = over_websocket(lab, recorder, count, text).await?;
    Ok([fresh, kept, ws])
}

/// POSTs `text` to `/message` `count` times; returns each round trip in µs, connecting
/// included when the request opened its connection.
async fn over_http(
    lab: &Lab,
    recorder: &Recorder,
    label: &str,
    keep_alive: bool,
    count: u32,
    text: &str,
) -> Result<Vec<u64>, ExperimentError> {
    // What a browser's fetch() adds for a string body, so the request is the one a page sends.
    let headers = HeaderSet::browser()
        .with("content-type", "text/plain;charset=UTF-8")
        .map_err(|e| ExperimentError::Http(e.to_string()))?;
    let options = http_client::ClientOptions {
        keep_alive,
        headers,
        label: label.to_owned(),
        ..http_client::ClientOptions::default()
    };
    let mut client = HttpClient::new(lab.addr(), recorder.clone(), options);
    let mut latencies = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let exchange = client
            .request(Request::post("/message", text.to_owned()))
            .await
            .map_err(|e| ExperimentError::Http(e.to_string()))?;
        if exchange.status != 200 {
            return Err(ExperimentError::Http(format!(
                "the lab answered a message with status {}",
                exchange.status
            )));
        }
        latencies.push(exchange.latency_us());
    }
    Ok(latencies)
}

/// Sends `text` `count` times on one WebSocket to `/echo`, each after the echo of the one
/// before; returns each round trip in µs. The handshake is paid once, before the first.
async fn over_websocket(
    lab: &Lab,
    recorder: &Recorder,
    count: u32,
    text: &str,
) -> Result<Vec<u64>, ExperimentError> {
    let failed = |e: crate::net::ClientError| ExperimentError::WebSocket(e.to_string());
    let echo =
        url::parse(&lab.url("/echo")).map_err(|e| ExperimentError::WebSocket(e.to_string()))?;
    let options = crate::net::ClientOptions {
        label: WEBSOCKET.to_owned(),
        timeout: Duration::from_secs(10),
        ..crate::net::ClientOptions::default()
    };
    let mut client = WsClient::connect(&echo, recorder, &options)
        .await
        .map_err(failed)?;
    let mut latencies = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let sent_us = recorder.now_us();
        client
            .send(Outgoing::Text(text.to_owned()))
            .await
            .map_err(failed)?;
        loop {
            match client.recv().await.map_err(failed)? {
                Some(Message::Text(_) | Message::Binary(_)) => break,
                Some(_) => {}
                None => {
                    return Err(ExperimentError::WebSocket(
                        "the lab closed /echo before it echoed every message".to_owned(),
                    ));
                }
            }
        }
        latencies.push(recorder.now_us().saturating_sub(sent_us));
    }
    // The closing handshake is part of what the connection cost.
    client.close(1000, "done").await.map_err(failed)?;
    client.drain().await.map_err(failed)?;
    Ok(latencies)
}

fn table(recorder: &Recorder, count: u32, latencies: &[Vec<u64>; 3]) -> Measured {
    let labels = [NEW_CONNECTION, KEEP_ALIVE, WEBSOCKET];
    let seen = recorder.read(|t| labels.map(|label| captured(t, label)));
    let rows = labels
        .iter()
        .zip(seen)
        .zip(latencies)
        .map(|((label, seen), times)| Row {
            label: (*label).to_owned(),
            figures: vec![
                Figure::Bytes(seen.bytes),
                ratio(seen.bytes, u64::from(count)),
                Figure::Count(seen.connections),
                Figure::Count(seen.upgrades),
                micros(mean(times)),
                micros(p95(times)),
            ],
        })
        .collect();
    Measured {
        title: format!("The same {count} messages over HTTP and over WebSocket, measured"),
        columns: [
            "total bytes",
            "bytes per message",
            "TCP connections",
            "WebSocket handshakes",
            "latency mean",
            "latency p95",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
        charts: vec![0, 1, 4],
        notes: vec![
            "Each way sent the same messages, one after the other, each waiting for its answer: \
             HTTP as POST /message with a browser's headers, WebSocket as text frames to /echo."
                .to_owned(),
            "Bytes are everything the client's end of each connection sent and received, both \
             directions, from the capture: HTTP heads and bodies, and the WebSocket opening \
             handshake, frames and closing handshake. They are what the programs wrote and \
             read: the TCP and IP headers are not counted, nor the segments that open and \
             close a TCP connection, which a new connection each pays every time."
                .to_owned(),
            "TCP connections is how many the client opened; WebSocket handshakes counts the \
             101 answers that upgraded one, so HTTP's rows have none."
                .to_owned(),
            "Latency is one message's round trip as the client timed it, connecting included \
             when the message opened its connection; the WebSocket handshake came before the \
             first message and is not in it. Timings vary from run to run, byte counts much \
             less."
                .to_owned(),
        ],
    }
}
