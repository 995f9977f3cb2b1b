//! Messages put back together from frames (RFC 6455 §5.4): which frames make which message,
//! the payload across fragments, and UTF-8 checked across fragment boundaries.

use bytes::Bytes;

use super::coding::OpCode;
use super::frame::{Frame, FrameHeader};
use super::mask::apply_mask;
use super::message::{Message, parse_close};
use super::utf8::Utf8Validator;
use super::violation::{RsvBits, Violation};

/// How the frame being received takes part in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Part {
    /// A control frame: a message of its own.
    Control,
    /// A data frame of the open message.
    Data,
    /// A frame of no message: a stray continuation, or a reserved data opcode.
    #[default]
    Stray,
}

// A data message whose last frame has not arrived yet.
#[derive(Debug, Clone)]
struct Open {
    opcode: OpCode,
    first_frame: u64,
    frame_count: u64,
    length: u64,
    // A message of one frame shares that frame's payload; only fragments are copied here.
    alone: bool,
    preview: Vec<u8>,
    utf8: Option<Utf8Validator>,
    // Invalid UTF-8 is reported once, on the frame where it was found.
    utf8_reported: bool,
    compressed: bool,
}

/// Follows the frames of one direction and hands back each message as it completes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reassembler {
    open: Option<Open>,
    part: Part,
    messages: u64,
}

impl Reassembler {
    /// Places a frame whose header just arrived, adding the sequencing rules it breaks.
    pub(crate) fn begin(
        &mut self,
        header: &FrameHeader,
        index: u64,
        allowed_rsv: RsvBits,
        cap: usize,
        violations: &mut Vec<Violation>,
    ) {
        let opcode = header.opcode();
        self.part = match opcode {
            _ if opcode.is_control() => Part::Control,
            OpCode::Continuation if self.open.is_none() => {
                violations.push(Violation::ContinuationWithoutMessage);
                Part::Stray
            }
            OpCode::Continuation => Part::Data,
            OpCode::Text | OpCode::Binary => {
                // The unfinished message is abandoned, as a receiver that failed the
                // connection would abandon it; the violation says so.
                if self.open.take().is_some() {
                    violations.push(Violation::NewMessageWhileFragmented {
                        opcode: opcode.name(),
                    });
                }
                let compressed = header.rsv().has(1) && allowed_rsv.has(1);
                self.open = Some(Open {
                    opcode,
                    first_frame: index,
                    frame_count: 0,
                    length: 0,
                    alone: header.fin(),
                    preview: Vec::new(),
                    utf8: (opcode == OpCode::Text && !compressed).then(Utf8Validator::default),
                    utf8_reported: false,
                    compressed,
                });
                Part::Data
            }
            _ => Part::Stray,
        };
        if let (Part::Data, Some(open)) = (self.part, self.open.as_mut())
            && !open.alone
        {
            let room = cap.saturating_sub(open.preview.len()) as u64;
            // Reserve this fragment's share once instead of doubling up to it; never more
            // than the cap, since a frame may claim 2^63 bytes it never sends.
            open.preview
                .reserve(header.payload_len().min(room) as usize);
        }
    }

    /// Payload bytes of the current frame, unmasked, that the frame keeps in its preview.
    pub(crate) fn kept(&mut self, plain: &[u8], cap: usize) {
        let Some(open) = self.data() else {
            return;
        };
        open.length += plain.len() as u64;
        if !open.alone {
            let room = cap.saturating_sub(open.preview.len()).min(plain.len());
            open.preview.extend_from_slice(&plain[..room]);
        }
        if let Some(v) = open.utf8.as_mut() {
            v.feed(plain);
        }
    }

    /// Payload bytes past the frame's preview, still masked: only the length and the UTF-8
    /// check need them, so they are unmasked a piece at a time and dropped.
    pub(crate) fn beyond(&mut self, wire: &[u8], key: Option<[u8; 4]>, at: u64) {
        let Some(open) = self.data() else {
            return;
        };
        open.length += wire.len() as u64;
        let Some(v) = open.utf8.as_mut().filter(|v| v.error_at().is_none()) else {
            return;
        };
        let Some(key) = key else {
            v.feed(wire);
            return;
        };
        let mut scratch = [0u8; 1024];
        let mut done = 0u64;
        for piece in wire.chunks(scratch.len()) {
            let plain = &mut scratch[..piece.len()];
            plain.copy_from_slice(piece);
            apply_mask(plain, key, at + done);
            if v.feed(plain).is_some() {
                break;
            }
            done += piece.len() as u64;
        }
    }

    /// The current frame is complete; returns the message it completes, if any.
    pub(crate) fn end(&mut self, frame: &mut Frame) -> Option<Message> {
        let message = match self.part {
            Part::Stray => None,
            Part::Control => {
                let close = (frame.header.opcode() == OpCode::Close).then(|| {
                    let (close, found) = parse_close(&frame.payload, !frame.is_truncated());
                    frame.violations.extend(found);
                    close
                });
                Some(Message {
                    index: 0,
                    opcode: frame.header.opcode(),
                    first_frame: frame.index,
                    frame_count: 1,
                    last_frame: frame.index,
                    length: frame.payload_len(),
                    preview: frame.payload.clone(),
                    utf8_valid: None,
                    compressed: false,
                    inflated: None,
                    close,
                })
            }
            Part::Data => self.end_data(frame),
        };
        self.part = Part::Stray;
        message.map(|mut m| {
            m.index = self.messages;
            self.messages += 1;
            m
        })
    }

    fn end_data(&mut self, frame: &mut Frame) -> Option<Message> {
        let fin = frame.header.fin();
        let open = self.open.as_mut()?;
        open.frame_count += 1;
        if fin {
            open.utf8.as_mut().map(Utf8Validator::finish);
        }
        if let Some(at) = open.utf8.as_ref().and_then(Utf8Validator::error_at)
            && !open.utf8_reported
        {
            open.utf8_reported = true;
            frame.violations.push(Violation::InvalidUtf8Text { at });
        }
        if !fin {
            return None;
        }
        let open = self.open.take()?;
        Some(Message {
            index: 0,
            opcode: open.opcode,
            first_frame: open.first_frame,
            frame_count: open.frame_count,
            last_frame: frame.index,
            length: open.length,
            preview: if open.alone {
                frame.payload.clone()
            } else {
                Bytes::from(open.preview)
            },
            utf8_valid: open.utf8.map(|v| v.error_at().is_none()),
            compressed: open.compressed,
            inflated: None,
            close: None,
        })
    }

    /// How many frames of a fragmented message have arrived without its final frame.
    pub(crate) fn open_frames(&self) -> Option<u64> {
        self.open
            .as_ref()
            .filter(|m| !m.alone && m.frame_count > 0)
            .map(|m| m.frame_count)
    }

    fn data(&mut self) -> Option<&mut Open> {
        if self.part == Part::Data {
            self.open.as_mut()
        } else {
            None
        }
    }
}
