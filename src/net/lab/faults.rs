//! Misbehaving peers, written byte by byte: each breaks one rule a real library never would,
//! so that a learner can watch a client notice (or not).

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha1::{Digest as _, Sha1};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};

use super::DRAIN_TIME;
use super::rewind::Rewind;
use crate::net::refuse::{DRAIN_LIMIT, drain, refuse};
use crate::proto::encode::{FrameSpec, close_payload, encode};
use crate::proto::http::Head;
use crate::proto::limits::CONTROL_PAYLOAD_MAX;
use crate::proto::message::parse_close;
use crate::proto::{Config, Derivation, Dissector, Event, OpCode, RsvBits, Side};
use crate::routes::Fault;

const GARBAGE: &[u8] = b"SSH-2.0-OpenSSH_9.6\r\n\x00\x00\x01\x2c\x0a\x14\xde\xad\xbe\xef";
const CLIENT_MASK_REASON: &str = "client frames must be masked (RFC 6455 §5.1)";

/// Plays `fault` on a stream whose request head has been read; `stream` replays whatever came
/// after the head.
pub(super) async fn run<S>(fault: Fault, head: &Head, mut stream: Rewind<S>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let key = head.header("sec-websocket-key").unwrap_or_default().trim();
    let accept = Derivation::new(key).accept;
    let answer = match fault {
        Fault::WrongAccept => switching(Some(&without_guid(key)), true, &accept),
        Fault::NoUpgrade => switching(None, false, &accept),
        Fault::MaskedFrame => with_frame(
            &accept,
            OpCode::Text,
            Some([0x6d, 0x61, 0x73, 0x6b]),
            b"masked by mistake",
        ),
        Fault::BadUtf8 => with_frame(&accept, OpCode::Text, None, b"caf\xc3\xff"),
        Fault::BigPing => with_frame(
            &accept,
            OpCode::Ping,
            None,
            &[b'p'; CONTROL_PAYLOAD_MAX + 1],
        ),
        Fault::StrictMask => {
            let answer = switching(None, true, &accept);
            if stream.write_all(&answer).await.is_ok() {
                strict_mask(stream).await;
            }
            return;
        }
        Fault::Status200 => {
            let body = "wslab lab: this is a plain page, not a WebSocket handshake";
            return refuse(&mut stream, "200 OK", &[], body, DRAIN_TIME).await;
        }
        Fault::Version426 => {
            let body = "wslab lab: this fault always asks for version 13";
            let extra = &["Sec-WebSocket-Version: 13"];
            return refuse(&mut stream, "426 Upgrade Required", extra, body, DRAIN_TIME).await;
        }
        Fault::Garbage => {
            if stream.write_all(GARBAGE).await.is_ok() {
                let _ = stream.shutdown().await;
                drain(&mut stream).await;
            }
            return;
        }
        Fault::Hang => return drain(&mut stream).await,
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
    BASE64.encode(Sha1::digest(key.as_bytes()))
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
    total: usize,
}

impl ClientFrames {
    fn new() -> Self {
        Self {
            dissector: Dissector::new(Config {
                side: Side::Client,
                // Echoed messages come from the preview, so it holds a whole (bounded) message.
                preview_cap: DRAIN_LIMIT,
                allowed_rsv: RsvBits(0),
            }),
            total: 0,
        }
    }

    /// What the next read completes; `None` once the client is gone or has sent too much.
    async fn next<S: AsyncRead + Unpin>(&mut self, stream: &mut S) -> Option<Vec<Event>> {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        self.total += n;
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
