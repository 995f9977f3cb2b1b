//! Misbehaving peers, written byte by byte: each breaks one rule a real library never would,
//! so that a learner can watch a client notice (or not).

use std::fmt::Write as _;

use data_encoding::BASE64;
use sha1::{Digest as _, Sha1};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};

use super::dispatch::{DRAIN_LIMIT, drain, refuse};
use super::rewind::Rewind;
use crate::proto::encode::{FrameSpec, close_payload, encode};
use crate::proto::http::Head;
use crate::proto::message::parse_close;
use crate::proto::{Config, Derivation, Dissector, Event, OpCode, RsvBits, Side};

/// The misbehaving peers: path, and what goes wrong, in one line.
pub const FAULTS: &[(&str, &str)] = &[
    (
        "/fault/wrong-accept",
        "101, but Sec-WebSocket-Accept hashes the key without the GUID (§4.2.2)",
    ),
    (
        "/fault/status-200",
        "200 OK instead of 101 Switching Protocols",
    ),
    (
        "/fault/no-upgrade",
        "101 without the Upgrade: websocket header",
    ),
    (
        "/fault/version-426",
        "426 Upgrade Required with Sec-WebSocket-Version: 13, whatever was asked (§4.4)",
    ),
    (
        "/fault/masked-frame",
        "a correct 101, then a masked text frame; servers must not mask (§5.1)",
    ),
    (
        "/fault/strict-mask",
        "echoes masked frames; closes with 1002 on the first unmasked one (§5.1)",
    ),
    (
        "/fault/bad-utf8",
        "a correct 101, then a text frame that is not valid UTF-8 (§8.1)",
    ),
    (
        "/fault/big-ping",
        "a correct 101, then a ping with 126 bytes of payload; control frames carry 125 (§5.5)",
    ),
    (
        "/fault/garbage",
        "bytes that are not HTTP at all, then the connection closes",
    ),
    ("/fault/hang", "reads the request and never answers"),
];

const GARBAGE: &[u8] = b"SSH-2.0-OpenSSH_9.6\r\n\x00\x00\x01\x2c\x0a\x14\xde\xad\xbe\xef";
const CLIENT_MASK_REASON: &str = "client frames must be masked (RFC 6455 §5.1)";

/// Plays the fault `name` (the path after /fault/) on a stream whose request head has been
/// read; `stream` replays whatever came after the head.
pub(super) async fn run<S>(name: &str, head: &Head, mut stream: Rewind<S>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let key = head.header("sec-websocket-key").unwrap_or_default().trim();
    let accept = Derivation::new(key).accept;
    let answer = match name {
        "wrong-accept" => switching(Some(&without_guid(key)), true, &accept),
        "no-upgrade" => switching(None, false, &accept),
        "masked-frame" => with_frame(
            &accept,
            OpCode::Text,
            Some([0x6d, 0x61, 0x73, 0x6b]),
            b"masked by mistake",
        ),
        "bad-utf8" => with_frame(&accept, OpCode::Text, None, b"caf\xc3\xff"),
        "big-ping" => with_frame(&accept, OpCode::Ping, None, &[b'p'; 126]),
        "strict-mask" => {
            let answer = switching(None, true, &accept);
            if stream.write_all(&answer).await.is_ok() {
                strict_mask(stream).await;
            }
            return;
        }
        "status-200" => {
            let body = "wslab lab: this is a plain page, not a WebSocket handshake\n";
            return refuse(stream, "200 OK", &[], body).await;
        }
        "version-426" => {
            let body = "wslab lab: this fault always asks for version 13\n";
            let extra = &["Sec-WebSocket-Version: 13"];
            return refuse(stream, "426 Upgrade Required", extra, body).await;
        }
        "garbage" => {
            if stream.write_all(GARBAGE).await.is_ok() {
                let _ = stream.shutdown().await;
                drain(&mut stream).await;
            }
            return;
        }
        "hang" => return drain(&mut stream).await,
        _ => {
            let body = "wslab lab: no such fault; wslab serve lists them\n";
            return refuse(stream, "404 Not Found", &[], body).await;
        }
    };
    if stream.write_all(&answer).await.is_ok() {
        linger(stream).await;
    }
}

/// A 101 answer. `accept` overrides the correct value; `upgrade` says whether to send the
/// Upgrade header.
fn switching(wrong: Option<&str>, upgrade: bool, accept: &str) -> Vec<u8> {
    let mut out = String::from("HTTP/1.1 101 Switching Protocols\r\n");
    if upgrade {
        out.push_str("Upgrade: websocket\r\n");
    }
    out.push_str("Connection: Upgrade\r\n");
    let _ = write!(
        out,
        "Sec-WebSocket-Accept: {}\r\n\r\n",
        wrong.unwrap_or(accept)
    );
    out.into_bytes()
}

fn with_frame(accept: &str, opcode: OpCode, mask: Option<[u8; 4]>, payload: &[u8]) -> Vec<u8> {
    let mut out = switching(None, true, accept);
    out.extend(encode(FrameSpec::new(opcode, mask), payload));
    out
}

// The most common way to get the Accept wrong: forgetting the GUID. Still base64 of 20 bytes,
// so only the comparison with the right value can catch it.
fn without_guid(key: &str) -> String {
    BASE64.encode(&Sha1::digest(key.as_bytes()))
}

/// Reads what the client does after the fault, so that it is recorded, and answers its close.
async fn linger<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) {
    let mut frames = ClientFrames::new();
    while let Some(events) = frames.next(&mut stream).await {
        for event in events {
            if let Event::Frame(frame) = event
                && frame.header.opcode() == OpCode::Close
            {
                return close_back(stream, &frame.payload).await;
            }
        }
    }
}

/// Echoes masked frames like a server; the first unmasked one is refused as §5.1 says.
async fn strict_mask<S: AsyncRead + AsyncWrite + Unpin>(mut stream: Rewind<S>) {
    let mut frames = ClientFrames::new();
    while let Some(events) = frames.next(&mut stream).await {
        for event in events {
            let reply = match event {
                Event::Frame(frame) if !frame.header.masked() => {
                    let close = close_payload(1002, CLIENT_MASK_REASON);
                    let bytes = encode(FrameSpec::new(OpCode::Close, None), &close);
                    if stream.write_all(&bytes).await.is_ok() {
                        let _ = stream.shutdown().await;
                    }
                    // The connection ends here; nothing more the client sends is answered.
                    return;
                }
                Event::Frame(frame) => match frame.header.opcode() {
                    OpCode::Close => return close_back(stream, &frame.payload).await,
                    OpCode::Ping => encode(FrameSpec::new(OpCode::Pong, None), &frame.payload),
                    _ => continue,
                },
                Event::Message(message)
                    if matches!(message.opcode, OpCode::Text | OpCode::Binary) =>
                {
                    encode(FrameSpec::new(message.opcode, None), &message.preview)
                }
                Event::Message(_) => continue,
            };
            if stream.write_all(&reply).await.is_err() {
                return;
            }
        }
    }
}

/// The client's frames after a fault's handshake, read until it hangs up or has sent
/// `DRAIN_LIMIT` bytes.
struct ClientFrames {
    dissector: Dissector,
    total: u64,
}

impl ClientFrames {
    fn new() -> Self {
        Self {
            dissector: Dissector::new(Config {
                side: Side::Client,
                // Echoed messages come from the preview, so it holds a whole (bounded) message.
                preview_cap: DRAIN_LIMIT as usize,
                allowed_rsv: RsvBits(0),
            }),
            total: 0,
        }
    }

    /// What the next read completes; `None` once the client is gone or has sent too much.
    async fn next<S: AsyncRead + Unpin>(&mut self, stream: &mut S) -> Option<Vec<Event>> {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        self.total += n as u64;
        if n == 0 || self.total > DRAIN_LIMIT {
            return None;
        }
        Some(self.dissector.feed(&chunk[..n]))
    }
}

/// Answers a client's close with the same code (§5.5.1), then waits for the client to hang up.
async fn close_back<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, payload: &[u8]) {
    let (close, _) = parse_close(payload, true);
    let reply = close
        .code
        .map(|code| close_payload(code, ""))
        .unwrap_or_default();
    if stream
        .write_all(&encode(FrameSpec::new(OpCode::Close, None), &reply))
        .await
        .is_err()
    {
        return;
    }
    let _ = stream.shutdown().await;
    drain(&mut stream).await;
}
