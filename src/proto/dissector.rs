//! The incremental dissector: the bytes of one direction go in, in chunks of any size; frames
//! and messages come out, with every rule they break.

use std::fmt;

use super::coding::OpCode;
use super::frame::{Frame, FrameHeader};
use super::mask::apply_mask;
use super::message::{Message, parse_close};
use super::utf8::Utf8Validator;
use super::violation::{RsvBits, Violation};

/// The default payload preview kept per frame and per message: 64 KiB.
pub const DEFAULT_PREVIEW_CAP: usize = 64 * 1024;

/// Who sent the bytes being dissected. Masking rules depend on it (§5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Client to server: every frame must be masked.
    Client,
    /// Server to client: no frame may be masked.
    Server,
    /// Not known: masking is not judged.
    Unknown,
}

impl Side {
    /// A stable name for JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::Server => "server",
            Self::Unknown => "unknown",
        }
    }
}

/// How to dissect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Who sent the bytes.
    pub side: Side,
    /// Payload bytes kept per frame and per message; the true length is reported regardless.
    pub preview_cap: usize,
    /// Reserved bits that a negotiated extension gives a meaning (RSV1 for permessage-deflate).
    pub allowed_rsv: RsvBits,
}

impl Config {
    /// The defaults for `side`: a 64 KiB preview and no extension.
    pub fn new(side: Side) -> Self {
        Self {
            side,
            preview_cap: DEFAULT_PREVIEW_CAP,
            allowed_rsv: RsvBits::default(),
        }
    }
}

/// What the dissector has found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A complete frame.
    Frame(Frame),
    /// A complete message; it follows the frame that completed it.
    Message(Message),
}

/// Where a stream stopped, if it stopped inside a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Incomplete {
    /// Stream offset of the unfinished frame.
    pub offset: u64,
    /// Bytes of the frame received.
    pub have: u64,
    /// Bytes the frame needs: the whole frame once the header is known, else the header so far.
    pub need: u64,
    /// Whether the header is complete (and so `need` is the whole frame).
    pub header_complete: bool,
}

impl fmt::Display for Incomplete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "frame incomplete: {} of {} bytes", self.have, self.need)?;
        if !self.header_complete {
            f.write_str(" of its header")?;
        }
        Ok(())
    }
}

// A data message whose last frame has not arrived yet.
#[derive(Debug)]
struct OpenMessage {
    opcode: OpCode,
    first_frame: u64,
    frame_count: u64,
    length: u64,
    preview: Vec<u8>,
    utf8: Option<Utf8Validator>,
    // Invalid UTF-8 is reported once, on the frame where it was found.
    utf8_reported: bool,
    compressed: bool,
}

/// The dissector for one direction of one connection.
#[derive(Debug)]
pub struct Dissector {
    config: Config,
    offset: u64,
    header: Vec<u8>,
    frame: Option<Frame>,
    open: Option<OpenMessage>,
    frames: u64,
    messages: u64,
}

impl Dissector {
    /// A dissector at the start of a stream.
    pub fn new(config: Config) -> Self {
        Self::starting_at(config, 0)
    }

    /// A dissector whose first byte is at `offset` in the stream: frames follow an HTTP head
    /// on the same connection, and spans should count from the connection's first byte.
    pub fn starting_at(config: Config, offset: u64) -> Self {
        Self {
            config,
            offset,
            header: Vec::with_capacity(14),
            frame: None,
            open: None,
            frames: 0,
            messages: 0,
        }
    }

    /// The configuration.
    pub fn config(&self) -> Config {
        self.config
    }

    /// Bytes consumed so far: the stream offset of the next byte.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Feeds the next chunk and returns what it completed.
    pub fn feed(&mut self, mut bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        while !bytes.is_empty() {
            if self.frame.is_none() {
                bytes = self.take_header(bytes);
            }
            if self.frame.is_some() {
                bytes = self.take_payload(bytes);
                if self.frame.as_ref().is_some_and(Frame::is_complete) {
                    self.complete_frame(&mut events);
                }
            }
        }
        events
    }

    /// The frame being received, if the stream is inside one with its header complete.
    pub fn pending_frame(&self) -> Option<&Frame> {
        self.frame.as_ref()
    }

    /// Where the stream would stop if it ended now: `None` between frames.
    pub fn incomplete(&self) -> Option<Incomplete> {
        if let Some(frame) = &self.frame {
            return Some(Incomplete {
                offset: frame.offset,
                have: frame.header_len() + frame.received,
                need: frame.header_len().saturating_add(frame.payload_len()),
                header_complete: true,
            });
        }
        (!self.header.is_empty()).then(|| Incomplete {
            offset: self.offset - self.header.len() as u64,
            have: self.header.len() as u64,
            need: FrameHeader::needed(&self.header) as u64,
            header_complete: false,
        })
    }

    /// How many frames of a fragmented message have arrived without its final frame.
    pub fn open_message_frames(&self) -> Option<u64> {
        self.open.as_ref().map(|m| m.frame_count)
    }

    fn take_header<'a>(&mut self, bytes: &'a [u8]) -> &'a [u8] {
        let mut rest = bytes;
        loop {
            let need = FrameHeader::needed(&self.header);
            if self.header.len() >= need {
                break;
            }
            let take = (need - self.header.len()).min(rest.len());
            if take == 0 {
                return rest;
            }
            self.header.extend_from_slice(&rest[..take]);
            self.offset += take as u64;
            rest = &rest[take..];
        }
        let offset = self.offset - self.header.len() as u64;
        if let Some(header) = FrameHeader::from_complete(&self.header) {
            self.start_frame(header, offset);
        }
        self.header.clear();
        rest
    }

    fn start_frame(&mut self, header: FrameHeader, offset: u64) {
        // permessage-deflate's RSV1 marks a compressed message on its first frame only; on a
        // control frame or a continuation it means nothing (RFC 7692 §6.1).
        let allowed = if matches!(header.opcode(), OpCode::Text | OpCode::Binary) {
            self.config.allowed_rsv
        } else {
            RsvBits(self.config.allowed_rsv.0 & !1)
        };
        let mut violations = header.violations(allowed);
        match (self.config.side, header.masked()) {
            (Side::Client, false) => violations.push(Violation::UnmaskedClientFrame),
            (Side::Server, true) => violations.push(Violation::MaskedServerFrame),
            _ => {}
        }
        let opcode = header.opcode();
        match opcode {
            OpCode::Continuation if self.open.is_none() => {
                violations.push(Violation::ContinuationWithoutMessage);
            }
            OpCode::Text | OpCode::Binary => {
                // The unfinished message is abandoned, as a receiver that failed the
                // connection would abandon it; the violation says so.
                if self.open.take().is_some() {
                    violations.push(Violation::NewMessageWhileFragmented {
                        opcode: opcode.name(),
                    });
                }
                let compressed = header.rsv().has(1) && self.config.allowed_rsv.has(1);
                self.open = Some(OpenMessage {
                    opcode,
                    first_frame: self.frames,
                    frame_count: 0,
                    length: 0,
                    preview: Vec::new(),
                    utf8: (opcode == OpCode::Text && !compressed).then(Utf8Validator::default),
                    utf8_reported: false,
                    compressed,
                });
            }
            _ => {}
        }
        let preview_len = header
            .payload_len()
            .min(Self::frame_cap(&self.config, &header) as u64) as usize;
        self.frame = Some(Frame {
            index: self.frames,
            offset,
            header,
            // Reserve only what the cap allows: a frame may claim 2^63 bytes.
            preview: Vec::with_capacity(preview_len.min(4096)),
            received: 0,
            violations,
        });
        self.frames += 1;
    }

    // A lawful control frame is kept whole whatever the cap, so that a close code and reason
    // are always judged on every byte; 125 bytes cost nothing.
    fn frame_cap(config: &Config, header: &FrameHeader) -> usize {
        if header.opcode().is_control() {
            config.preview_cap.max(125)
        } else {
            config.preview_cap
        }
    }

    fn take_payload<'a>(&mut self, bytes: &'a [u8]) -> &'a [u8] {
        let Some(frame) = self.frame.as_mut() else {
            return bytes;
        };
        let remaining = frame.payload_len() - frame.received;
        let take = usize::try_from(remaining).map_or(bytes.len(), |r| r.min(bytes.len()));
        let (chunk, rest) = bytes.split_at(take);
        let cap = Self::frame_cap(&self.config, &frame.header);
        let room = cap.saturating_sub(frame.preview.len());
        frame
            .preview
            .extend_from_slice(&chunk[..room.min(chunk.len())]);
        // Data frames feed the message being reassembled: its preview and its UTF-8 check.
        let carries_message = matches!(
            frame.header.opcode(),
            OpCode::Text | OpCode::Binary | OpCode::Continuation
        );
        if let (true, Some(open)) = (carries_message, self.open.as_mut()) {
            feed_message(
                open,
                chunk,
                frame.header.mask_key(),
                frame.received,
                self.config.preview_cap,
            );
        }
        frame.received += take as u64;
        self.offset += take as u64;
        rest
    }

    fn complete_frame(&mut self, events: &mut Vec<Event>) {
        let Some(mut frame) = self.frame.take() else {
            return;
        };
        let opcode = frame.header.opcode();
        let mut message = None;
        if opcode.is_control() {
            let payload = frame.unmasked_preview().into_owned();
            let close = (opcode == OpCode::Close).then(|| {
                let (close, found) = parse_close(&payload, !frame.is_truncated());
                frame.violations.extend(found);
                close
            });
            message = Some(Message {
                index: 0,
                opcode,
                first_frame: frame.index,
                frame_count: 1,
                length: frame.payload_len(),
                preview: payload,
                utf8_valid: None,
                compressed: false,
                close,
            });
        } else if matches!(opcode, OpCode::Text | OpCode::Binary | OpCode::Continuation)
            && self.open.is_some()
            && !frame
                .violations
                .contains(&Violation::ContinuationWithoutMessage)
        {
            if let Some(open) = self.open.as_mut() {
                open.frame_count += 1;
                if frame.header.fin() {
                    open.utf8.as_mut().map(Utf8Validator::finish);
                }
                if let Some(at) = open.utf8.as_ref().and_then(Utf8Validator::error_at)
                    && !open.utf8_reported
                {
                    open.utf8_reported = true;
                    frame.violations.push(Violation::InvalidUtf8Text { at });
                }
            }
            if frame.header.fin() {
                message = self.open.take().map(|open| Message {
                    index: 0,
                    opcode: open.opcode,
                    first_frame: open.first_frame,
                    frame_count: open.frame_count,
                    length: open.length,
                    preview: open.preview,
                    utf8_valid: open.utf8.map(|v| v.error_at().is_none()),
                    compressed: open.compressed,
                    close: None,
                });
            }
        }
        events.push(Event::Frame(frame));
        if let Some(mut message) = message {
            message.index = self.messages;
            self.messages += 1;
            events.push(Event::Message(message));
        }
    }
}

fn feed_message(open: &mut OpenMessage, chunk: &[u8], key: Option<[u8; 4]>, at: u64, cap: usize) {
    let already_bad = open.utf8.as_ref().is_none_or(|v| v.error_at().is_some());
    let room = cap.saturating_sub(open.preview.len()).min(chunk.len());
    open.length += chunk.len() as u64;
    if room == 0 && already_bad {
        return;
    }
    match key {
        None => {
            open.preview.extend_from_slice(&chunk[..room]);
            if let Some(v) = open.utf8.as_mut() {
                v.feed(chunk);
            }
        }
        Some(key) => {
            // Unmask through a small buffer, so that a huge frame needs no huge allocation.
            let mut scratch = [0u8; 4096];
            let mut done = 0;
            for piece in chunk.chunks(scratch.len()) {
                let plain = &mut scratch[..piece.len()];
                plain.copy_from_slice(piece);
                apply_mask(plain, key, at + done as u64);
                let keep = room.saturating_sub(done).min(piece.len());
                open.preview.extend_from_slice(&plain[..keep]);
                if let Some(v) = open.utf8.as_mut() {
                    v.feed(plain);
                }
                done += piece.len();
                if done >= room && open.utf8.as_ref().is_none_or(|v| v.error_at().is_some()) {
                    break;
                }
            }
        }
    }
}
