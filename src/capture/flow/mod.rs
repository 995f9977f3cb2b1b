//! One direction of one connection, reassembled: HTTP heads and bodies, then, after an
//! upgrade, WebSocket frames and messages. Chunk boundaries never change the result.

mod frames;
mod http;

use bytes::Bytes;

use super::body::Chunked;
use super::deflate::{DeflateParams, Inflater};
use super::parts::{HttpMessage, Learned, Problem, Timed};
use super::{Direction, Limits};
use crate::proto::{Dissector, Frame, Incomplete, Message, RsvBits, Stopped};

/// Where this direction's bytes are in their conversation.
#[derive(Debug, Clone)]
enum Mode {
    Head(Vec<u8>),
    // `message` is the stored HTTP message, or `None` past the transcript's limit.
    Body {
        framing: BodyMode,
        message: Option<usize>,
    },
    // After an upgrade; the dissector is made when the first frame byte arrives, so that the
    // extensions the answer negotiated are known by then.
    Frames(Option<Box<Dissector>>),
    // Bytes that cannot be read as anything; counted, not parsed.
    Opaque,
}

#[derive(Debug, Clone)]
enum BodyMode {
    Length(u64),
    Chunked(Chunked),
    UntilClose,
}

/// One direction of a connection, reassembled.
#[derive(Debug, Clone)]
pub struct Flow {
    /// Which direction.
    pub direction: Direction,
    /// Bytes that crossed, in all.
    pub bytes: u64,
    /// Reads or writes that carried them.
    pub chunks: u64,
    /// HTTP messages, in order.
    pub http: Vec<HttpMessage>,
    /// WebSocket frames, in order, up to the transcript's frame limit.
    pub frames: Vec<Timed<Frame>>,
    /// WebSocket messages, in order, up to the same limit.
    pub messages: Vec<Timed<Message>>,
    /// Frames seen but not stored because of the limit.
    pub frames_dropped: u64,
    /// Frames let go after a live view showed them (`Transcript::release_frames`).
    pub frames_released: u64,
    /// HTTP messages seen but not stored because of the limit (which frames share); their
    /// bytes are still counted.
    pub http_dropped: u64,
    /// Messages seen but not stored because of the limit.
    pub messages_dropped: u64,
    /// Why the bytes stopped making sense, if they did.
    pub problem: Option<Problem>,
    /// When this direction ended (EOF or shutdown), if it has.
    pub ended_us: Option<u64>,
    /// Bytes of the frame stream: everything after the upgrade.
    pub frame_bytes: u64,
    /// Frames and messages whose preview was cut short because the transcript's preview
    /// budget ran out; their true lengths are still known.
    pub previews_trimmed: u64,
    /// Preview bytes this flow holds, returned to the budget when it is forgotten.
    pub(super) preview_bytes: usize,
    // The last stored frame: its index, the address of the dissector's buffer for its
    // payload (only compared, never read through), and the payload as stored.
    last_payload: Option<(u64, usize, Bytes)>,
    mode: Mode,
    upgraded_offset: Option<u64>,
    final_responses: usize,
    /// The reserved bits the handshake's extensions gave a meaning (RSV1 for
    /// permessage-deflate, RFC 7692). Set from the 101 answer, for both directions.
    pub(super) allowed_rsv: RsvBits,
    /// The permessage-deflate parameters the 101 settled, if it negotiated that extension;
    /// set like `allowed_rsv`.
    pub(super) deflate: Option<DeflateParams>,
    // This direction's inflater, made with the first compressed message.
    inflater: NotCopied<Inflater>,
}

/// State a copy of a flow does not carry: the copy starts without it. flate2's window cannot
/// be copied, and a copy is only ever a snapshot to read (`Transcript::snapshot`), never one
/// to record into, so it never needs the inflater.
#[derive(Debug)]
pub(super) struct NotCopied<T>(pub(super) Option<T>);

impl<T> Clone for NotCopied<T> {
    fn clone(&self) -> Self {
        Self(None)
    }
}

impl Flow {
    /// An empty flow.
    pub fn new(direction: Direction) -> Self {
        Self {
            direction,
            bytes: 0,
            chunks: 0,
            http: Vec::new(),
            frames: Vec::new(),
            messages: Vec::new(),
            frames_dropped: 0,
            frames_released: 0,
            http_dropped: 0,
            messages_dropped: 0,
            problem: None,
            ended_us: None,
            frame_bytes: 0,
            previews_trimmed: 0,
            preview_bytes: 0,
            last_payload: None,
            mode: Mode::Head(Vec::new()),
            upgraded_offset: None,
            final_responses: 0,
            allowed_rsv: RsvBits(0),
            deflate: None,
            inflater: NotCopied(None),
        }
    }

    /// Whether this direction carries WebSocket frames now.
    pub fn is_upgraded(&self) -> bool {
        self.upgraded_offset.is_some()
    }

    /// Where the frames began, counted from the connection's first byte this way.
    pub fn upgraded_offset(&self) -> Option<u64> {
        self.upgraded_offset
    }

    /// The frame still arriving, if the stream stopped inside one.
    pub fn incomplete(&self) -> Option<Incomplete> {
        match &self.mode {
            Mode::Frames(Some(d)) => d.incomplete(),
            _ => None,
        }
    }

    /// The frame still arriving, with its fields and the rules its bytes already break, if
    /// the stream stopped inside one.
    pub fn stopped(&self) -> Option<Stopped> {
        match &self.mode {
            Mode::Frames(Some(d)) => d.stopped(),
            _ => None,
        }
    }

    /// The head still arriving, as bytes, if the stream stopped inside one.
    pub fn partial_head(&self) -> Option<&[u8]> {
        match &self.mode {
            Mode::Head(buf) if !buf.is_empty() => Some(buf),
            _ => None,
        }
    }

    /// Takes one chunk.
    pub(super) fn feed(
        &mut self,
        mut input: &[u8],
        at_us: u64,
        limits: &Limits,
        used: &mut Used,
        asked: &[HttpMessage],
    ) -> Vec<Learned> {
        let mut learned = Vec::new();
        self.chunks += 1;
        while !input.is_empty() {
            let used = match &mut self.mode {
                Mode::Opaque => input.len(),
                Mode::Head(_) => self.feed_head(input, at_us, asked, (limits, used), &mut learned),
                Mode::Body { .. } => self.feed_body(input, at_us, limits, used, &mut learned),
                Mode::Frames(_) => {
                    self.feed_frames(input, at_us, limits, used, &mut learned);
                    input.len()
                }
            };
            self.bytes += used as u64;
            input = &input[used..];
        }
        learned
    }

    /// The peer closed or shut down this direction.
    pub(super) fn end(&mut self, at_us: u64) -> Vec<Learned> {
        if self.ended_us.is_some() {
            return Vec::new();
        }
        self.ended_us = Some(at_us);
        if let Mode::Body {
            framing: BodyMode::UntilClose,
            message,
        } = self.mode
        {
            self.mode = Mode::Head(Vec::new());
            let Some(message) = message else {
                return Vec::new();
            };
            self.http[message].body_complete = true;
            self.http[message].done_us = Some(at_us);
            return vec![Learned::Body(message)];
        }
        Vec::new()
    }
}

/// What a transcript has spent of its limits, shared by all its flows.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Used {
    /// Frames stored.
    pub frames: usize,
    /// HTTP messages stored.
    pub http: usize,
    /// WebSocket messages stored.
    pub messages: usize,
    /// Payload preview bytes stored.
    pub preview_bytes: usize,
}
