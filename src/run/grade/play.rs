//! One case played on a real socket: the request written as the case says, the frames sent
//! as the case builds them (lawful or not), and the server read until it closes, answering
//! its close and the probe's pong as a client would.

use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::time::Instant;

use crate::capture::ConnId;
use crate::grade::case::{Case, Finish, Mask, Out, PROBE, Step, request_head};
use crate::grade::heard::{Ending, How};
use crate::grade::outcome::{Grade, Outcome, Verdict};
use crate::grade::{evidence, judge};
use crate::net::client::{self, ClientOptions, fresh_mask};
use crate::net::recorder::Recorder;
use crate::net::tcp::TappedTcp;
use crate::net::url::WsUrl;
use crate::proto::deflate::{self, Agreed, Deflater};
use crate::proto::http::{StartLine, parse_response};
use crate::proto::violation::RsvBits;
use crate::proto::{Config, Dissector, Event, OpCode, Side};

/// The pause between the writes of a paced step: long enough that each write leaves as its
/// own segment and the server reads the message in pieces.
const PACE: Duration = Duration::from_millis(50);

/// How long a watch step waits for the server to act before the case goes on.
const WATCH: Duration = Duration::from_millis(500);

/// How long, after the closing handshake, the server has to end TCP, which §5.5.1 says it
/// must do at once.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// Bytes read from the server per case before the runner stops reading: a server that
/// streams forever cannot exhaust memory. Above the largest echo the suite asks for.
const READ_CAP: usize = 40 << 20;

/// Where and how cases connect.
#[derive(Debug, Clone)]
pub struct Target {
    /// The URL.
    pub url: WsUrl,
    /// Connection options: TLS trust, and the timeout of the connection itself.
    pub options: ClientOptions,
    /// The longest a case waits for the server.
    pub timeout: Duration,
}

/// Why a case could not reach the server at all: a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreachable(pub String);

/// Plays `case` and judges it. `Err` only when no connection could be made at all.
///
/// # Errors
/// [`Unreachable`] with the client's sentence (refused, timed out, TLS, name).
pub async fn play(
    case: &Case,
    target: &Target,
    recorder: &Recorder,
) -> Result<Outcome, Unreachable> {
    let started = Instant::now();
    let stream = client::open(&target.url, recorder, &target.options)
        .await
        .map_err(|e| Unreachable(e.to_string()))?;
    let conn = stream.conn();
    let mut player = Player {
        stream,
        recorder,
        deadline: started + target.timeout,
        limit: target.timeout,
        sent_close: false,
        got_close: false,
        read: 0,
        dissector: None,
        ended: None,
        data_seen: 0,
        pongs_seen: Vec::new(),
    };
    let last_step_us = player.run(case, target).await;
    let how = player.ended.unwrap_or(How::TimedOut);
    let ending = Ending {
        how,
        last_step_us,
        waited_secs: player.limit.as_secs_f64(),
    };
    drop(player);
    let took_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(judged(case, conn, recorder, &ending, took_ms))
}

/// A case not run, with the reason.
pub fn skipped(case: &Case, why: &str) -> Outcome {
    Outcome {
        case: case.clone(),
        verdict: Verdict::new(Grade::Skipped, why),
        evidence: crate::grade::outcome::Evidence::default(),
        took_ms: 0.0,
    }
}

fn judged(
    case: &Case,
    conn: Option<ConnId>,
    recorder: &Recorder,
    ending: &Ending,
    took_ms: f64,
) -> Outcome {
    let line = match ending.how {
        How::ServerClosed => "the server closed the TCP connection".to_owned(),
        How::Reset => "the connection was reset".to_owned(),
        How::TimedOut => format!(
            "the connection was still open after {:.1} s; wslab closed it",
            ending.waited_secs
        ),
        How::Answered => {
            "wslab closed the connection once the answer's head had arrived".to_owned()
        }
    };
    let (verdict, evidence) = conn
        .and_then(|id| {
            recorder.read(|t| {
                t.connection(id).map(|c| {
                    (
                        judge::judge(case, c, ending),
                        evidence::collect(c, line.clone()),
                    )
                })
            })
        })
        .unwrap_or_else(|| {
            (
                Verdict::new(
                    Grade::Fail,
                    "the connection was not captured (the capture's limits ran out)",
                ),
                crate::grade::outcome::Evidence::default(),
            )
        });
    if let Some(id) = conn {
        recorder.forget(id);
    }
    Outcome {
        case: case.clone(),
        verdict,
        evidence,
        took_ms,
    }
}

struct Player<'a> {
    stream: TappedTcp,
    recorder: &'a Recorder,
    deadline: Instant,
    // The wait the deadline stands for, for the sentence that says it ran out.
    limit: Duration,
    sent_close: bool,
    got_close: bool,
    read: usize,
    // Watches the server's frames after the handshake, for its close and the probe's pong.
    dissector: Option<Dissector>,
    // How the connection ended, once it has: the server ended TCP, it was reset, or the
    // handshake was answered without 101.
    ended: Option<How>,
    // Data messages and pong payloads the server has sent, for the waits.
    data_seen: usize,
    pongs_seen: Vec<Vec<u8>>,
}

impl Player<'_> {
    /// Plays the case; when its last step went out, on the capture's clock.
    async fn run(&mut self, case: &Case, target: &Target) -> Option<u64> {
        let key = fresh_key();
        let mut extra = Vec::new();
        if let Some(offer) = case.deflate {
            extra.push(("Sec-WebSocket-Extensions".to_owned(), offer.to_owned()));
        }
        if let Some(protocols) = case.protocols {
            extra.push(("Sec-WebSocket-Protocol".to_owned(), protocols.to_owned()));
        }
        let head = request_head(
            &target.url.host_header(),
            &target.url.target,
            &key,
            &extra,
            &case.request,
        );
        if !self.write(head.as_bytes()).await {
            return None;
        }
        let (opened, rest, agreed) = self.read_head(case).await?;
        if !opened {
            self.ended = Some(How::Answered);
            return None;
        }
        self.dissector = Some(Dissector::new(Config {
            side: Side::Server,
            preview_cap: 256,
            allowed_rsv: RsvBits(0b111),
        }));
        self.take(&rest).await;
        if case.handshake_only() {
            self.finish(Finish::Close).await;
            return None;
        }
        let mut deflater = agreed.and_then(|a| {
            Deflater::new(a.client_max_window_bits, a.client_no_context_takeover).ok()
        });
        for step in &case.steps {
            match step {
                Step::Send(frames) => {
                    let bytes = self.encode(frames);
                    self.write(&bytes).await;
                }
                Step::Paced(frames) => {
                    for (i, frame) in frames.iter().enumerate() {
                        if i > 0 {
                            tokio::time::sleep(PACE).await;
                        }
                        let bytes = self.encode(std::slice::from_ref(frame));
                        self.write(&bytes).await;
                    }
                }
                Step::Compressed(opcode, messages, pieces) => {
                    let frames = compressed(*opcode, messages, *pieces, deflater.as_mut());
                    let bytes = self.encode(&frames);
                    self.write(&bytes).await;
                }
                Step::Await(n) => {
                    let n = *n;
                    let deadline = self.deadline;
                    self.read_while(deadline, |p| p.data_seen < n).await;
                }
                Step::Watch => {
                    let until = (Instant::now() + WATCH).min(self.deadline);
                    self.read_until(until).await;
                }
            }
        }
        let last_step_us = Some(self.recorder.now_us());
        if case.finish == Finish::Close {
            let (data, pong) = case.awaited();
            let deadline = self.deadline;
            self.read_while(deadline, |p| {
                p.data_seen < data
                    || pong.is_some_and(|want| !p.pongs_seen.iter().any(|got| got == want))
            })
            .await;
        }
        self.finish(case.finish).await;
        last_step_us
    }

    fn encode(&mut self, frames: &[Out]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for frame in frames {
            if frame.opcode == OpCode::Close.bits() {
                self.sent_close = true;
            }
            bytes.extend(frame.bytes(&mut fresh_mask));
        }
        bytes
    }

    // Writes, and reports whether the bytes went: once the server has failed the
    // connection a write may be refused, which is the server's answer, not an error.
    async fn write(&mut self, bytes: &[u8]) -> bool {
        let wrote = async {
            self.stream.write_all(bytes).await?;
            self.stream.flush().await
        };
        match tokio::time::timeout_at(self.deadline, wrote).await {
            Ok(Ok(())) => true,
            Ok(Err(_)) => {
                self.ended = Some(How::Reset);
                false
            }
            Err(_) => false,
        }
    }

    // Reads the answer head; whether it opened, the bytes after it, and the deflate agreed.
    async fn read_head(&mut self, case: &Case) -> Option<(bool, Vec<u8>, Option<Agreed>)> {
        let mut buffered = Vec::with_capacity(1024);
        let mut chunk = [0u8; 4096];
        loop {
            let n = match tokio::time::timeout_at(self.deadline, self.stream.read(&mut chunk)).await
            {
                Err(_) => return None,
                Ok(Err(_)) => {
                    self.ended = Some(How::Reset);
                    return None;
                }
                Ok(Ok(0)) => {
                    self.ended = Some(How::ServerClosed);
                    return None;
                }
                Ok(Ok(n)) => n,
            };
            buffered.extend_from_slice(&chunk[..n]);
            // parse_response refuses a head past its size limit, so this is bounded.
            match parse_response(&buffered) {
                Ok(None) => {}
                Err(_) => return None,
                Ok(Some(head)) => {
                    let opened = matches!(head.start, StartLine::Response { status: 101, .. });
                    let rest = buffered.split_off(head.len);
                    let agreed = case.deflate.and_then(|offer| {
                        let offered: Vec<_> = deflate::offers([offer])
                            .into_iter()
                            .filter_map(Result::ok)
                            .collect();
                        let answers = head
                            .headers
                            .iter()
                            .filter(|h| h.name.eq_ignore_ascii_case("sec-websocket-extensions"))
                            .map(|h| h.value.as_str());
                        deflate::check_answer(&offered, answers).ok().flatten()
                    });
                    return Some((opened, rest, agreed));
                }
            }
        }
    }

    async fn finish(&mut self, finish: Finish) {
        match finish {
            Finish::Close if !self.sent_close => self.send_close(Some(1000)).await,
            Finish::Probe => {
                let bytes = Out::ping(PROBE).bytes(&mut fresh_mask);
                self.write(&bytes).await;
            }
            Finish::Close | Finish::Read => {}
        }
        let deadline = self.deadline;
        self.read_until(deadline).await;
    }

    async fn send_close(&mut self, code: Option<u16>) {
        self.sent_close = true;
        let frame = match code {
            Some(code) => Out::close(code, b""),
            None => Out::new(OpCode::Close, Vec::new()),
        };
        let bytes = frame.mask(Mask::Fresh).bytes(&mut fresh_mask);
        self.write(&bytes).await;
    }

    // Reads until the server ends TCP, the connection fails, or `until` passes.
    async fn read_until(&mut self, until: Instant) {
        self.read_while(until, |_| true).await;
    }

    // Reads while `more` holds and the server has neither closed nor ended TCP, up to `until`.
    async fn read_while(&mut self, until: Instant, more: impl Fn(&Self) -> bool) {
        let mut chunk = vec![0u8; 64 * 1024];
        while more(self) && self.ended.is_none() && self.read < READ_CAP {
            // The deadline shortens once the server's close arrives.
            let until = until.min(self.deadline);
            let n = match tokio::time::timeout_at(until, self.stream.read(&mut chunk)).await {
                Err(_) => return,
                Ok(Err(_)) => {
                    self.ended = Some(How::Reset);
                    return;
                }
                Ok(Ok(0)) => {
                    self.ended = Some(How::ServerClosed);
                    return;
                }
                Ok(Ok(n)) => n,
            };
            self.read += n;
            let bytes = chunk[..n].to_vec();
            self.take(&bytes).await;
        }
    }

    // Watches what the server sent: a close is answered (as a client must, §5.5.1) and the
    // server given a short while to end TCP; the probe's pong is answered with our close.
    async fn take(&mut self, bytes: &[u8]) {
        let Some(dissector) = self.dissector.as_mut() else {
            return;
        };
        let mut close = None;
        let mut probe = false;
        let events = dissector.feed(bytes);
        for event in events {
            if let Event::Message(m) = event {
                match m.opcode {
                    OpCode::Close => close = Some(m.close.and_then(|c| c.code)),
                    OpCode::Pong if m.preview.as_ref() == PROBE => probe = true,
                    OpCode::Pong => self.pongs_seen.push(m.preview.to_vec()),
                    OpCode::Text | OpCode::Binary => self.data_seen += 1,
                    _ => {}
                }
            }
        }
        if let Some(code) = close
            && !self.got_close
        {
            self.got_close = true;
            if !self.sent_close {
                self.send_close(code).await;
            }
            let grace = Instant::now() + CLOSE_GRACE;
            if grace < self.deadline {
                self.deadline = grace;
                self.limit = CLOSE_GRACE;
            }
        }
        if probe && !self.sent_close {
            self.send_close(Some(1000)).await;
        }
    }
}

// The frames of compressed messages: each compressed with the agreed window, split into
// `pieces`, RSV1 on the first frame only (RFC 7692 §6). With no compressor (a window of 8,
// which zlib cannot make), the messages go uncompressed, as §6 allows.
fn compressed(
    opcode: OpCode,
    messages: &[Vec<u8>],
    pieces: usize,
    deflater: Option<&mut Deflater>,
) -> Vec<Out> {
    let mut frames = Vec::new();
    let mut deflater = deflater;
    for message in messages {
        let (payload, rsv) = match deflater.as_deref_mut().map(|d| d.compress(message)) {
            Some(Ok(bytes)) => (bytes, 1),
            _ => (message.clone(), 0),
        };
        let pieces = pieces.max(1);
        let size = payload.len().div_ceil(pieces).max(1);
        let chunks: Vec<&[u8]> = if payload.is_empty() {
            vec![&[]]
        } else {
            payload.chunks(size).collect()
        };
        let last = chunks.len() - 1;
        for (i, chunk) in chunks.into_iter().enumerate() {
            let (op, bits) = if i == 0 {
                (opcode, rsv)
            } else {
                (OpCode::Continuation, 0)
            };
            frames.push(Out::new(op, chunk.to_vec()).fin(i == last).rsv(bits));
        }
    }
    frames
}

fn fresh_key() -> String {
    let mut nonce = [0u8; 16];
    for chunk in nonce.chunks_mut(4) {
        chunk.copy_from_slice(&fresh_mask());
    }
    base64::engine::general_purpose::STANDARD.encode(nonce)
}
