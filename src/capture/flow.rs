//! One direction of one connection, reassembled: HTTP heads and bodies, then, after an
//! upgrade, WebSocket frames and messages. Chunk boundaries never change the result.

use bytes::Bytes;

use super::body::{Chunked, Framing, framing};
use super::parts::{HttpMessage, Learned, Problem, Timed};
use super::{Direction, Limits};
use crate::proto::http::{self, Head, HeadError};
use crate::proto::{Config, Dissector, Event, Frame, Incomplete, Message, RsvBits};

/// Where this direction's bytes are in their conversation.
#[derive(Debug)]
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

#[derive(Debug)]
enum BodyMode {
    Length(u64),
    Chunked(Chunked),
    UntilClose,
}

/// One direction of a connection, reassembled.
#[derive(Debug)]
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
    last_payload: Option<(u64, Bytes)>,
    mode: Mode,
    upgraded_offset: Option<u64>,
    final_responses: usize,
    /// The reserved bits the handshake's extensions gave a meaning (RSV1 for
    /// permessage-deflate, RFC 7692). Set from the 101 answer, for both directions.
    pub(super) allowed_rsv: RsvBits,
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

    // `asked` holds the requests, when this is the response direction: an answer to HEAD has
    // no body whatever its Content-Length says (RFC 9112 §6.3).
    fn feed_head(
        &mut self,
        input: &[u8],
        at_us: u64,
        asked: &[HttpMessage],
        budget: (&Limits, &mut Used),
        learned: &mut Vec<Learned>,
    ) -> usize {
        let (limits, used_budget) = budget;
        let Mode::Head(buf) = &mut self.mode else {
            return 0;
        };
        let before = buf.len();
        // Never hold more than a head can be: the parser's own limit, plus one byte to prove it.
        let room = (http::MAX_HEAD_BYTES + 1).saturating_sub(before);
        let take = input.len().min(room);
        buf.extend_from_slice(&input[..take]);
        let parsed = match self.direction {
            Direction::ClientToServer => http::parse_request(buf),
            Direction::ServerToClient => http::parse_response(buf),
        };
        match parsed {
            Ok(None) => take,
            Ok(Some(head)) => {
                let used = head.len - before;
                let head_len = head.len;
                let raw = Bytes::copy_from_slice(&buf[..head_len]);
                let is_request = self.direction == Direction::ClientToServer;
                let answers_head = asked
                    .get(self.final_responses)
                    .is_some_and(|r| matches!(&r.head.start, http::StartLine::Request { method, .. } if method == "HEAD"));
                if let http::StartLine::Response { status, .. } = head.start
                    && (status >= 200 || status == 101)
                {
                    // Interim answers (100 Continue) come before the final one to the same request.
                    self.final_responses += 1;
                }
                let body = if answers_head {
                    Framing::Empty
                } else {
                    framing(&head, is_request)
                };
                // Earlier chunks of this head are already counted in `bytes`.
                let offset = self.bytes - before as u64;
                let upgrades = upgrades(&head, is_request);
                // A stored head costs its bytes, and about as much again parsed, from the
                // preview budget, so that pipelined requests cannot grow it without end.
                let cost = 2 * head_len;
                let index = if used_budget.http < limits.max_frames
                    && used_budget.preview_bytes + cost <= limits.max_preview_bytes
                {
                    used_budget.http += 1;
                    used_budget.preview_bytes += cost;
                    self.preview_bytes += cost;
                    self.http.push(HttpMessage {
                        offset,
                        at_us,
                        head,
                        raw,
                        body_len: 0,
                        body_preview: Vec::new(),
                        body_complete: body == Framing::Empty,
                        done_us: (body == Framing::Empty).then_some(at_us),
                    });
                    learned.push(Learned::Head(self.http.len() - 1));
                    Some(self.http.len() - 1)
                } else {
                    self.http_dropped += 1;
                    None
                };
                let end = offset + head_len as u64;
                self.mode = match body {
                    _ if upgrades => {
                        if let Some(message) = self.http.last()
                            && !is_request
                        {
                            self.allowed_rsv = negotiated_rsv(&message.head);
                        }
                        self.upgraded_offset = Some(end);
                        Mode::Frames(None)
                    }
                    Framing::Empty => Mode::Head(Vec::new()),
                    Framing::Length(n) => body_mode(BodyMode::Length(n), index),
                    Framing::Chunked => body_mode(BodyMode::Chunked(Chunked::default()), index),
                    Framing::UntilClose => body_mode(BodyMode::UntilClose, index),
                };
                used
            }
            Err(error) => {
                self.fail(&error, learned);
                take
            }
        }
    }

    fn fail(&mut self, error: &HeadError, learned: &mut Vec<Learned>) {
        self.problem = Some(Problem::NotHttp {
            direction: self.direction,
            error: error.clone(),
        });
        self.mode = Mode::Opaque;
        learned.push(Learned::Problem);
    }

    fn feed_body(
        &mut self,
        input: &[u8],
        at_us: u64,
        limits: &Limits,
        used_budget: &mut Used,
        learned: &mut Vec<Learned>,
    ) -> usize {
        let Mode::Body { framing, message } = &mut self.mode else {
            return 0;
        };
        let index = *message;
        // A message past the HTTP limit is not stored: its body is measured, so the next head
        // is found, and nothing is kept.
        let mut scratch = Vec::new();
        let preview = match index {
            Some(i) => &mut self.http[i].body_preview,
            None => &mut scratch,
        };
        let cap = match index {
            Some(_) => limits.preview_cap,
            None => 0,
        };
        let mut kept = 0;
        let mut keep = |piece: &[u8], preview: &mut Vec<u8>| {
            let room = cap.saturating_sub(preview.len()).min(
                limits
                    .max_preview_bytes
                    .saturating_sub(used_budget.preview_bytes + kept),
            );
            let take = piece.len().min(room);
            preview.extend_from_slice(&piece[..take]);
            kept += take;
        };
        let (used, done) = match framing {
            BodyMode::Length(left) => {
                let take = input
                    .len()
                    .min(usize::try_from(*left).unwrap_or(usize::MAX));
                keep(&input[..take], preview);
                *left -= take as u64;
                (take, *left == 0)
            }
            BodyMode::UntilClose => {
                keep(input, preview);
                (input.len(), false)
            }
            BodyMode::Chunked(decoder) => {
                let step = decoder.feed(input, |p| keep(p, preview));
                if decoder.is_broken() {
                    self.problem = Some(Problem::BadChunkedBody);
                    self.mode = Mode::Opaque;
                    learned.push(Learned::Problem);
                    return input.len();
                }
                (step.used, step.done)
            }
        };
        used_budget.preview_bytes += kept;
        self.preview_bytes += kept;
        if let Some(i) = index {
            let target = &mut self.http[i];
            target.body_len += used as u64;
            if done {
                target.body_complete = true;
                target.done_us = Some(at_us);
                learned.push(Learned::Body(i));
            }
        }
        if done {
            self.mode = Mode::Head(Vec::new());
        }
        used
    }

    fn feed_frames(
        &mut self,
        input: &[u8],
        at_us: u64,
        limits: &Limits,
        used: &mut Used,
        learned: &mut Vec<Learned>,
    ) {
        let Mode::Frames(slot) = &mut self.mode else {
            return;
        };
        let offset = self.upgraded_offset.unwrap_or(self.bytes);
        let dissector = slot.get_or_insert_with(|| {
            let config = Config {
                side: self.direction.sender(),
                preview_cap: limits.preview_cap,
                allowed_rsv: self.allowed_rsv,
            };
            Box::new(Dissector::starting_at(config, offset))
        });
        self.frame_bytes += input.len() as u64;
        for event in dissector.feed(input) {
            match event {
                Event::Frame(mut frame) => {
                    learned.push(Learned::Frame(frame.index));
                    if used.frames >= limits.max_frames {
                        self.frames_dropped += 1;
                        continue;
                    }
                    used.frames += 1;
                    // A frame's payload may share one read's buffer with its neighbours; a
                    // stored frame owns its preview so a kept frame never pins a large read.
                    frame.payload = self.keep(&frame.payload, limits, used);
                    self.last_payload = Some((frame.index, frame.payload.clone()));
                    self.frames.push(Timed { at_us, item: frame });
                }
                Event::Message(mut message) => {
                    learned.push(Learned::Message(message.index));
                    if used.messages >= limits.max_frames {
                        self.messages_dropped += 1;
                        continue;
                    }
                    used.messages += 1;
                    message.preview = match &self.last_payload {
                        // A one-frame message's preview is its frame's payload: share it.
                        Some((index, payload))
                            if message.frame_count == 1
                                && *index == message.first_frame
                                && payload.len() <= message.preview.len()
                                && message.preview.starts_with(payload) =>
                        {
                            payload.clone()
                        }
                        _ => self.keep(&message.preview, limits, used),
                    };
                    self.messages.push(Timed {
                        at_us,
                        item: message,
                    });
                }
            }
        }
    }

    /// Lets go of stored frames up to and including `through`, returning what they cost.
    /// Messages stay: a one-frame message shares its frame's preview, so that preview's cost
    /// stays charged while the message holds it.
    pub(super) fn release_frames(&mut self, through: u64, used: &mut Used) {
        let keep_from = self.frames.partition_point(|f| f.item.index <= through);
        for released in self.frames.drain(..keep_from) {
            let frame = &released.item;
            let shared = self
                .messages
                .binary_search_by_key(&frame.index, |m| m.item.last_frame)
                .is_ok_and(|i| self.messages[i].item.frame_count == 1);
            if !shared {
                used.preview_bytes = used.preview_bytes.saturating_sub(frame.payload.len());
                self.preview_bytes = self.preview_bytes.saturating_sub(frame.payload.len());
            }
            used.frames = used.frames.saturating_sub(1);
        }
        self.frames_released += keep_from as u64;
    }

    // An owned copy of a preview, cut to what is left of the transcript's preview budget.
    fn keep(&mut self, preview: &[u8], limits: &Limits, used: &mut Used) -> Bytes {
        let room = limits.max_preview_bytes.saturating_sub(used.preview_bytes);
        let kept = preview.len().min(room);
        if kept < preview.len() {
            self.previews_trimmed += 1;
        }
        used.preview_bytes += kept;
        self.preview_bytes += kept;
        Bytes::copy_from_slice(&preview[..kept])
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

fn body_mode(framing: BodyMode, message: Option<usize>) -> Mode {
    Mode::Body { framing, message }
}

/// The reserved bits a 101 answer's extensions give a meaning: RSV1 for permessage-deflate.
fn negotiated_rsv(head: &Head) -> RsvBits {
    let deflate = head.tokens("sec-websocket-extensions").iter().any(|t| {
        t.split(';')
            .next()
            .is_some_and(|name| name.trim().eq_ignore_ascii_case("permessage-deflate"))
    });
    // RSV1 is bit 0.
    RsvBits(u8::from(deflate))
}

/// Whether this head switches its own direction to frames. A client that asks to upgrade sends
/// nothing but frames afterwards (it must wait for 101 first, §4.1); a 101 answer switches the
/// server's direction.
fn upgrades(head: &Head, is_request: bool) -> bool {
    if is_request {
        head.has_token("upgrade", "websocket") && head.has_token("connection", "upgrade")
    } else {
        matches!(head.start, http::StartLine::Response { status: 101, .. })
    }
}
