//! One case's connection once the handshake is done, for either end wslab plays: the case's
//! frames written (masked as a client masks, or as a server does not), and the graded end
//! read until it closes, its close answered and the probe's pong followed by a close.

use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::time::Instant;

use crate::grade::case::{Case, Finish, Mask, Out, PROBE, Role, Step};
use crate::grade::heard::How;
use crate::net::client::fresh_mask;
use crate::net::recorder::Recorder;
use crate::net::tcp::TappedTcp;
use crate::proto::deflate::{Agreed, Deflater};
use crate::proto::violation::RsvBits;
use crate::proto::{Config, Dissector, Event, OpCode, Side};

/// The pause between the writes of a paced step: long enough that each write leaves as its
/// own segment and the server reads the message in pieces.
const PACE: Duration = Duration::from_millis(50);

/// How long, after answering the probe, the peer has to fail the connection on its own
/// before wslab closes: an endpoint that checks UTF-8 as its application reads the message
/// fails a moment after its protocol layer has answered the ping.
const PROBE_GRACE: Duration = Duration::from_millis(300);

/// How long a watch step waits for the server to act before the case goes on.
const WATCH: Duration = Duration::from_millis(500);

/// How long, after the closing handshake, the server has to end TCP, which §5.5.1 says it
/// must do at once.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// Bytes read from the server per case before the runner stops reading: a server that
/// streams forever cannot exhaust memory. Above the largest echo the suite asks for.
const READ_CAP: usize = 40 << 20;

pub(super) struct Player<'a> {
    // Which end is graded: wslab plays the other.
    graded: Role,
    pub(super) stream: TappedTcp,
    recorder: &'a Recorder,
    pub(super) deadline: Instant,
    // The wait the deadline stands for, for the sentence that says it ran out.
    pub(super) limit: Duration,
    sent_close: bool,
    got_close: bool,
    read: usize,
    // Watches the graded end's frames after the handshake, for its close and the probe's pong.
    pub(super) dissector: Option<Dissector>,
    // How the connection ended, once it has: the server ended TCP, it was reset, or the
    // handshake was answered without 101.
    pub(super) ended: Option<How>,
    // When to close after the probe's pong, while the peer has its chance to fail.
    close_at: Option<Instant>,
    // Data messages and pong payloads the server has sent, for the waits.
    data_seen: usize,
    pongs_seen: Vec<Vec<u8>>,
}

impl<'a> Player<'a> {
    /// A player on `stream`, grading `graded`, with `timeout` for the whole case.
    pub(super) fn new(
        stream: TappedTcp,
        recorder: &'a Recorder,
        timeout: Duration,
        graded: Role,
    ) -> Self {
        Self {
            graded,
            stream,
            recorder,
            deadline: Instant::now() + timeout,
            limit: timeout,
            sent_close: false,
            got_close: false,
            read: 0,
            dissector: None,
            ended: None,
            close_at: None,
            data_seen: 0,
            pongs_seen: Vec::new(),
        }
    }

    /// Starts watching the graded end's frames, from the bytes already read past the head.
    pub(super) async fn watch(&mut self, rest: &[u8]) {
        let side = match self.graded {
            Role::Server => Side::Server,
            Role::Client => Side::Client,
        };
        self.dissector = Some(Dissector::new(Config {
            side,
            preview_cap: 256,
            allowed_rsv: RsvBits(0b111),
        }));
        self.take(rest).await;
    }

    /// Plays the case's steps and its finish on an open connection; when the last step went
    /// out, on the capture's clock.
    pub(super) async fn steps(&mut self, case: &Case, agreed: Option<Agreed>) -> Option<u64> {
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

    // A frame as wslab's end sends it: a client masks with a fresh key, a server does not.
    fn bytes(&self, frame: &Out) -> Vec<u8> {
        match self.graded {
            Role::Server => frame.bytes(&mut fresh_mask),
            Role::Client => frame.server_bytes(),
        }
    }

    fn encode(&mut self, frames: &[Out]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for frame in frames {
            if frame.opcode == OpCode::Close.bits() {
                self.sent_close = true;
            }
            bytes.extend(self.bytes(frame));
        }
        bytes
    }

    // Writes, and reports whether the bytes went: once the server has failed the
    // connection a write may be refused, which is the server's answer, not an error.
    pub(super) async fn write(&mut self, bytes: &[u8]) -> bool {
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

    pub(super) async fn finish(&mut self, finish: Finish) {
        match finish {
            Finish::Close if !self.sent_close => self.send_close(Some(1000)).await,
            Finish::Probe => {
                let bytes = self.bytes(&Out::ping(PROBE));
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
        let bytes = self.bytes(&frame.mask(Mask::Fresh));
        self.write(&bytes).await;
    }

    // Reads until the server ends TCP, the connection fails, or `until` passes.
    pub(super) async fn read_until(&mut self, until: Instant) {
        self.read_while(until, |_| true).await;
    }

    // Reads while `more` holds and the server has neither closed nor ended TCP, up to `until`.
    async fn read_while(&mut self, until: Instant, more: impl Fn(&Self) -> bool) {
        let mut chunk = vec![0u8; 64 * 1024];
        while more(self) && self.ended.is_none() && self.read < READ_CAP {
            // The deadline shortens once the server's close arrives.
            let until = until.min(self.deadline);
            let wake = self.close_at.map_or(until, |at| at.min(until));
            let n = match tokio::time::timeout_at(wake, self.stream.read(&mut chunk)).await {
                Err(_) if wake < until => {
                    // The peer had its while to fail on its own after the probe: close.
                    self.close_at = None;
                    if !self.sent_close {
                        self.send_close(Some(1000)).await;
                    }
                    continue;
                }
                Err(_) => return,
                Ok(Err(_)) => {
                    self.ended = Some(How::Reset);
                    return;
                }
                Ok(Ok(0)) => {
                    self.ended = Some(How::PeerClosed);
                    return;
                }
                Ok(Ok(n)) => n,
            };
            self.read += n;
            let bytes = chunk[..n].to_vec();
            self.take(&bytes).await;
        }
    }

    // Watches what the graded end sent: a close is answered (as §5.5.1 requires of either
    // end) and a server given a short while to end TCP; the probe's pong is answered with
    // our close.
    pub(super) async fn take(&mut self, bytes: &[u8]) {
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
        // An endpoint may check text only when its application reads the message, after the
        // probe's pong has gone: it gets a short while to fail before our close pre-empts it.
        if probe && !self.sent_close {
            self.close_at = Some(Instant::now() + PROBE_GRACE);
        }
        // A server ends TCP as soon as both closes have crossed (§5.5.1).
        if self.graded == Role::Client && self.got_close && self.sent_close {
            self.ended = Some(How::Closed);
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
