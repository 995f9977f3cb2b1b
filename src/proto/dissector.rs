//! The incremental dissector: the bytes of one direction go in, in chunks of any size; frames
//! and messages come out, with every rule they break.

use std::fmt;

use bytes::Bytes;

use super::chunk::ChunkCopy;
use super::coding::OpCode;
use super::frame::{Frame, FrameHeader, HeaderCut, prefix_violations};
use super::mask::apply_mask;
use super::message::Message;
use super::reassembly::Reassembler;
use super::violation::{RsvBits, Violation};

/// The default payload preview kept per frame and per message: 64 KiB.
pub const DEFAULT_PREVIEW_CAP: usize = 64 * 1024;

/// A frame's payload of at least this many bytes has an allocation of its own, exactly its
/// size, shared with no other frame: a capture may keep it as it is, without a copy, and
/// never pin a neighbour's bytes. Smaller payloads may share one copy of the chunk they came
/// in, since one allocation per small frame costs more than the copy.
pub const OWN_BUFFER_FROM: usize = 4096;

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
    /// Where in the header the bytes stop, when it is not complete.
    pub cut: Option<HeaderCut>,
}

impl Incomplete {
    /// Bytes still missing: of the whole frame once the header is known, else of the header.
    pub fn missing(&self) -> u64 {
        self.need.saturating_sub(self.have)
    }
}

impl fmt::Display for Incomplete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "frame incomplete: {} of {} bytes", self.have, self.need)?;
        let missing = self.missing();
        let s = if missing == 1 { "" } else { "s" };
        match self.cut {
            None => write!(f, ", {missing} payload byte{s} missing"),
            Some(cut) => write!(
                f,
                " of its header; it stops {cut}, so the header needs {missing} more byte{s}, then its payload"
            ),
        }
    }
}

/// A stream that stopped inside a frame, with what the bytes that came already say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stopped {
    /// 0-based position of the unfinished frame among the frames of this direction.
    pub index: u64,
    /// Where, and how much is missing.
    pub incomplete: Incomplete,
    /// The frame so far, when its header came whole: its fields, the payload received, and
    /// every rule it breaks.
    pub frame: Option<Frame>,
    /// The header bytes that came, when it did not come whole.
    pub header: Vec<u8>,
    /// Every rule the bytes that came already break (the frame's own, when there is one).
    pub violations: Vec<Violation>,
}

// The frame being received: its header is complete, its payload is arriving.
#[derive(Debug, Clone)]
struct Receiving {
    frame: Frame,
    // The payload kept so far, unmasked; it becomes `frame.payload` when the frame ends.
    // A frame whose kept part arrives in one read is sliced from that read's copy instead.
    kept: Vec<u8>,
    sliced: Option<Bytes>,
    cap: usize,
}

/// The dissector for one direction of one connection.
///
/// ```
/// use wslab::proto::{Config, Dissector, Event, Side};
///
/// // RFC 6455 §5.7's masked "Hello", arriving in two reads.
/// let mut dissector = Dissector::new(Config::new(Side::Client));
/// assert!(dissector.feed(&[0x81, 0x85, 0x37, 0xfa]).is_empty());
/// assert_eq!(
///     dissector.incomplete().unwrap().to_string(),
///     "frame incomplete: 4 of 6 bytes of its header; it stops inside the masking key (2 of its 4 bytes), so the header needs 2 more bytes, then its payload"
/// );
/// let events = dissector.feed(&[0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
/// let Event::Frame(frame) = &events[0] else { unreachable!() };
/// assert_eq!(frame.header.mask_key(), Some([0x37, 0xfa, 0x21, 0x3d]));
/// assert_eq!(&frame.payload[..], b"Hello");
/// assert!(frame.violations.is_empty());
/// let Event::Message(message) = &events[1] else { unreachable!() };
/// assert_eq!(message.text_lossy(), "Hello");
/// ```
#[derive(Debug, Clone)]
pub struct Dissector {
    config: Config,
    offset: u64,
    header: Vec<u8>,
    receiving: Option<Receiving>,
    messages: Reassembler,
    frames: u64,
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
            receiving: None,
            messages: Reassembler::default(),
            frames: 0,
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
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        let mut copy = ChunkCopy::default();
        let mut bytes = chunk;
        while !bytes.is_empty() {
            if self.receiving.is_none() {
                bytes = self.take_header(bytes);
            }
            if self.receiving.is_some() {
                bytes = self.take_payload(chunk, bytes, &mut copy);
                if self
                    .receiving
                    .as_ref()
                    .is_some_and(|r| r.frame.is_complete())
                {
                    self.complete_frame(&mut events);
                }
            }
        }
        events
    }

    /// The frame being received, with the payload so far, if the stream is inside one
    /// whose header is complete.
    pub fn pending_frame(&self) -> Option<Frame> {
        self.receiving.as_ref().map(|r| Frame {
            payload: r
                .sliced
                .clone()
                .unwrap_or_else(|| Bytes::copy_from_slice(&r.kept)),
            ..r.frame.clone()
        })
    }

    /// Where the stream would stop if it ended now: `None` between frames.
    pub fn incomplete(&self) -> Option<Incomplete> {
        if let Some(Receiving { frame, .. }) = &self.receiving {
            return Some(Incomplete {
                offset: frame.offset,
                have: frame.header_len() + frame.received,
                need: frame.header_len().saturating_add(frame.payload_len()),
                header_complete: true,
                cut: None,
            });
        }
        (!self.header.is_empty()).then(|| Incomplete {
            offset: self.offset - self.header.len() as u64,
            have: self.header.len() as u64,
            need: FrameHeader::needed(&self.header) as u64,
            header_complete: false,
            cut: HeaderCut::of(&self.header),
        })
    }

    /// Where the stream would stop if it ended now, with the fields and the rules the bytes
    /// of the unfinished frame already show: `None` between frames.
    pub fn stopped(&self) -> Option<Stopped> {
        let incomplete = self.incomplete()?;
        if let Some(frame) = self.pending_frame() {
            return Some(Stopped {
                index: frame.index,
                incomplete,
                violations: frame.violations.clone(),
                frame: Some(frame),
                header: Vec::new(),
            });
        }
        let mut violations = prefix_violations(&self.header, self.allowed_rsv(self.header[0]));
        if let Some(&b1) = self.header.get(1) {
            violations.extend(self.masking_rule(b1 & 0x80 != 0));
        }
        Some(Stopped {
            index: self.frames,
            incomplete,
            frame: None,
            header: self.header.clone(),
            violations,
        })
    }

    // The reserved bits an extension allows on a frame whose byte 0 is `b0`: permessage-
    // deflate's RSV1 marks a compressed message on its first frame only; on a control frame
    // or a continuation it means nothing (RFC 7692 §6.1).
    fn allowed_rsv(&self, b0: u8) -> RsvBits {
        if matches!(OpCode::from_bits(b0), OpCode::Text | OpCode::Binary) {
            self.config.allowed_rsv
        } else {
            RsvBits(self.config.allowed_rsv.0 & !1)
        }
    }

    // §5.1: a client masks every frame, a server none.
    fn masking_rule(&self, masked: bool) -> Option<Violation> {
        match (self.config.side, masked) {
            (Side::Client, false) => Some(Violation::UnmaskedClientFrame),
            (Side::Server, true) => Some(Violation::MaskedServerFrame),
            _ => None,
        }
    }

    /// How many frames of a fragmented message have arrived without its final frame.
    pub fn open_message_frames(&self) -> Option<u64> {
        self.messages.open_frames()
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
        let allowed = self.allowed_rsv(header.bytes()[0]);
        let mut violations = header.violations(allowed);
        violations.extend(self.masking_rule(header.masked()));
        let cap = self.config.preview_cap;
        self.messages
            .begin(&header, self.frames, allowed, cap, &mut violations);
        // A lawful control frame is kept whole whatever the cap, so that a close code and
        // reason are always judged on every byte; 125 bytes cost nothing.
        let cap = if header.opcode().is_control() {
            cap.max(super::limits::CONTROL_PAYLOAD_MAX)
        } else {
            cap
        };
        self.receiving = Some(Receiving {
            frame: Frame {
                index: self.frames,
                offset,
                header,
                payload: Bytes::new(),
                received: 0,
                violations,
            },
            kept: Vec::new(),
            sliced: None,
            cap,
        });
        self.frames += 1;
    }

    // `bytes` is the unread rest of `chunk`.
    fn take_payload<'a>(
        &mut self,
        chunk: &[u8],
        bytes: &'a [u8],
        copy: &mut ChunkCopy,
    ) -> &'a [u8] {
        let Some(Receiving {
            frame,
            kept,
            sliced,
            cap,
        }) = self.receiving.as_mut()
        else {
            return bytes;
        };
        let remaining = frame.payload_len() - frame.received;
        let take = usize::try_from(remaining).map_or(bytes.len(), |r| r.min(bytes.len()));
        let (part, rest) = bytes.split_at(take);
        let have = sliced.as_ref().map_or(kept.len(), Bytes::len);
        let keep = cap.saturating_sub(have).min(take);
        let key = frame.header.mask_key();
        let whole_here = frame.received == 0 && keep as u64 == frame.payload_len().min(*cap as u64);
        if whole_here && keep > 0 {
            let mut payload = if keep >= OWN_BUFFER_FROM {
                bytes::BytesMut::from(&part[..keep])
            } else {
                copy.split(chunk, chunk.len() - bytes.len(), keep)
            };
            if let Some(key) = key {
                apply_mask(&mut payload, key, 0);
            }
            self.messages.kept(&payload, self.config.preview_cap);
            *sliced = Some(payload.freeze());
        } else if keep > 0 {
            if kept.capacity() == 0 {
                // Reserve what will be kept, once, but no more than the default cap up
                // front: a frame may claim 2^63 bytes and send none.
                let reserve = frame.payload_len().min(*cap as u64);
                kept.reserve_exact(reserve.min(DEFAULT_PREVIEW_CAP as u64) as usize);
            }
            let start = kept.len();
            kept.extend_from_slice(&part[..keep]);
            if let Some(key) = key {
                apply_mask(&mut kept[start..], key, frame.received);
            }
            self.messages.kept(&kept[start..], self.config.preview_cap);
        }
        if keep < take {
            let at = frame.received + keep as u64;
            self.messages.beyond(&part[keep..], key, at);
        }
        frame.received += take as u64;
        self.offset += take as u64;
        rest
    }

    fn complete_frame(&mut self, events: &mut Vec<Event>) {
        let Some(Receiving {
            mut frame,
            kept,
            sliced,
            ..
        }) = self.receiving.take()
        else {
            return;
        };
        frame.payload = sliced.unwrap_or_else(|| {
            let mut kept = kept;
            // Only a preview cap above the default grows the buffer past its reservation;
            // then it is trimmed, so the payload's allocation is its size (OWN_BUFFER_FROM).
            if kept.capacity() > kept.len() {
                kept.shrink_to_fit();
            }
            Bytes::from(kept)
        });
        let message = self.messages.end(&mut frame);
        events.push(Event::Frame(frame));
        if let Some(message) = message {
            events.push(Event::Message(message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_claim_reserves_no_more_than_the_default_cap() {
        let mut config = Config::new(Side::Server);
        config.preview_cap = usize::MAX;
        let mut dissector = Dissector::new(config);
        let mut bytes = vec![0x82, 0x7f];
        bytes.extend_from_slice(&(1u64 << 62).to_be_bytes());
        bytes.extend_from_slice(b"abc");
        assert!(dissector.feed(&bytes).is_empty());
        let receiving = dissector.receiving.as_ref().expect("inside the frame");
        assert!(receiving.kept.capacity() <= DEFAULT_PREVIEW_CAP);
        assert_eq!(receiving.kept, b"abc");
    }

    #[test]
    fn a_frame_sliced_from_its_first_read_keeps_nothing_more_from_later_reads() {
        let mut config = Config::new(Side::Server);
        config.preview_cap = 4;
        let mut dissector = Dissector::new(config);
        assert!(dissector.feed(b"\x82\x0aabcdef").is_empty());
        assert!(dissector.feed(b"gh").is_empty());
        let receiving = dissector.receiving.as_ref().expect("inside the frame");
        assert_eq!(
            receiving.kept.capacity(),
            0,
            "the cap was reached in the first read"
        );
        let events = dissector.feed(b"ij");
        let Event::Frame(frame) = &events[0] else {
            panic!("a frame: {events:?}");
        };
        assert_eq!(&frame.payload[..], b"abcd");
        assert_eq!(frame.received, 10);
    }

    #[test]
    fn a_one_frame_message_shares_its_frame_buffer() {
        let mut dissector = Dissector::new(Config::new(Side::Server));
        let events = dissector.feed(b"\x81\x05Hello");
        let (Event::Frame(frame), Event::Message(message)) = (&events[0], &events[1]) else {
            panic!("a frame then a message: {events:?}");
        };
        assert_eq!(frame.payload.as_ptr(), message.preview.as_ptr());
    }

    // Whether the large frame's payload is its buffer's only holder while its neighbours'
    // frames are still alive (the messages, which share their frame's payload, dropped).
    fn large_payload_is_alone(chunks: &[&[u8]]) -> bool {
        let mut dissector = Dissector::new(Config::new(Side::Server));
        let frames: Vec<Frame> = chunks
            .iter()
            .flat_map(|c| dissector.feed(c))
            .filter_map(|e| match e {
                Event::Frame(f) => Some(f),
                Event::Message(_) => None,
            })
            .collect();
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[1].payload.len(), 5000);
        frames[1].payload.is_unique()
    }

    #[test]
    fn a_large_payload_owns_its_buffer_whether_it_came_in_one_read_or_several() {
        let mut wire = b"\x82\x01a".to_vec();
        wire.extend_from_slice(&[0x82, 0x7e, 0x13, 0x88]);
        wire.extend_from_slice(&[7u8; 5000]);
        wire.extend_from_slice(b"\x82\x01z");
        // In one read, between two small frames that share the read's copy.
        assert!(large_payload_is_alone(&[&wire]), "shared in one read");
        // Across three reads, assembled in a buffer of its own.
        let (a, rest) = wire.split_at(1000);
        let (b, c) = rest.split_at(3000);
        assert!(large_payload_is_alone(&[a, b, c]), "shared across reads");
    }
}
