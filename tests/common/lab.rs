//! Helpers shared by the lab test crates: a lab on a free port, raw and real clients, and
//! reads of the lab's own transcript.

// Each test crate uses a different subset of these.
#![allow(dead_code)]

use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use wslab::capture::Direction;
use wslab::net::Recorder;
use wslab::net::lab::{Lab, LabConfig, Timeouts};
use wslab::net::tcp::{self, TappedTcp};
use wslab::proto::{Config, Dissector, Event, Frame, OpCode, Side};

pub const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

pub async fn lab(tick: Duration) -> Lab {
    let config = LabConfig {
        tick,
        ..LabConfig::default()
    };
    Lab::start(config, Recorder::default()).await.unwrap()
}

/// A lab that gives up on clients after `timeouts` rather than the defaults.
pub async fn lab_with(timeouts: Timeouts) -> Lab {
    let config = LabConfig {
        tick: NEVER,
        ..LabConfig::default()
    };
    Lab::start_with(config, timeouts, Recorder::default())
        .await
        .unwrap()
}

// Long enough that no tick comes during a test, so the feed holds only what the test published.
pub const NEVER: Duration = Duration::from_secs(3600);

pub async fn ws(lab: &Lab, path: &str, recorder: &Recorder) -> WebSocketStream<TappedTcp> {
    let tap = tcp::connect(lab.addr(), recorder, "client").await.unwrap();
    tokio_tungstenite::client_async(lab.url(path), tap)
        .await
        .unwrap()
        .0
}

pub fn upgrade_request(path: &str, version: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: lab\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: {version}\r\n\r\n"
    )
}

/// Sends `request` and reads until the server closes.
pub async fn exchange(lab: &Lab, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(lab.addr()).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    answer
}

pub fn split(answer: &[u8]) -> (String, Vec<u8>) {
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

pub async fn get(lab: &Lab, target: &str) -> (String, Vec<u8>) {
    let request = format!("GET {target} HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n");
    split(&exchange(lab, request.as_bytes()).await)
}

/// A raw upgrade: the response head and whatever followed it in the same reads.
pub async fn raw_upgrade(lab: &Lab, path: &str) -> (TcpStream, String, Vec<u8>) {
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
pub async fn server_frames(stream: &mut TcpStream, mut rest: Vec<u8>, count: usize) -> Vec<Frame> {
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
pub fn lab_messages(lab: &Lab, direction: Direction) -> Vec<(OpCode, Vec<u8>)> {
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

pub fn lab_server_frames(lab: &Lab) -> Vec<Frame> {
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
