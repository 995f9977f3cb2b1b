//! One WebSocket connection past its handshake, as a pure machine: the bytes read from the peer
//! go in, the messages they carry and the bytes to answer with come out. It is wslab's own
//! endpoint for what tungstenite cannot speak, permessage-deflate (RFC 7692): reading is the
//! dissector, writing is the encoder, compression is the codec, so every byte is one wslab
//! explains. The socket around it lives in `net`.

use thiserror::Error;

use super::coding::OpCode;
use super::deflate::{Agreed, DeflateError, Deflater, InflateError, Inflater};
use super::dissector::{Config, Dissector, Event, Side};
use super::encode::{FrameSpec, close_payload, close_reason, encode};
use super::frame::Frame;
use super::message::Message;
use super::violation::{RsvBits, Violation};

/// A message the peer sent, whole and, when it came compressed, inflated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// A text message, valid UTF-8.
    Text(String),
    /// A binary message.
    Binary(Vec<u8>),
    /// A ping; the pong is already among the bytes to send.
    Ping(Vec<u8>),
    /// A pong.
    Pong(Vec<u8>),
    /// A close, with its code and reason if it had them; the reply, if one is due, comes from
    /// [`Session::reply_to_close`].
    Close(Option<(u16, String)>),
}

/// Something to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outgoing<'a> {
    /// A text message, compressed when the connection agreed to it.
    Text(&'a str),
    /// A binary message, compressed when the connection agreed to it.
    Binary(&'a [u8]),
    /// A ping (at most 125 bytes, which the caller keeps).
    Ping(&'a [u8]),
    /// A pong.
    Pong(&'a [u8]),
    /// A close with this code and reason; the reason is cut to fit (RFC 6455 §5.5.1).
    Close(Option<(u16, &'a str)>),
}

/// Why this end fails the connection: one variant per rule, each with the close code it sends
/// (RFC 6455 §7.4.1) and a sentence that names the rule.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Failure {
    /// A frame broke a rule of RFC 6455.
    #[error("{violation} (RFC 6455 §{})", violation.section())]
    Broken {
        /// The rule.
        violation: Violation,
    },
    /// RSV1 on a continuation frame: permessage-deflate marks a message on its first frame.
    #[error(
        "RSV1 is set on a continuation frame; permessage-deflate marks a compressed message on its first frame only (RFC 7692 §6.1)"
    )]
    CompressedContinuation,
    /// RSV1 on a control frame, which permessage-deflate never compresses.
    #[error(
        "RSV1 is set on a control frame; permessage-deflate compresses data messages only (RFC 7692 §6.1)"
    )]
    CompressedControl,
    /// A message longer than this end accepts.
    #[error("the message is longer than this end's limit of {limit} bytes (RFC 6455 §10.4)")]
    TooBig {
        /// The limit, in payload bytes.
        limit: usize,
    },
    /// A compressed message that does not inflate, or inflates past the limit.
    #[error("{0}")]
    Inflate(InflateError),
    /// A compressed text message that is not UTF-8 once inflated.
    #[error(
        "the text message is not valid UTF-8 once inflated (RFC 6455 §8.1; RFC 7692 §6 inflates before the text is read)"
    )]
    InflatedNotUtf8,
}

impl Failure {
    /// The close code this end sends for it.
    pub fn close_code(&self) -> u16 {
        match self {
            Self::Broken {
                violation:
                    Violation::InvalidUtf8Text { .. } | Violation::InvalidUtf8CloseReason { .. },
            }
            | Self::InflatedNotUtf8 => 1007,
            Self::TooBig { .. } => 1009,
            Self::Inflate(e) => e.close_code(),
            Self::Broken { .. } | Self::CompressedContinuation | Self::CompressedControl => 1002,
        }
    }
}

/// Why a message cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SendError {
    /// This end has sent its close; nothing may follow it (RFC 6455 §5.5.1).
    #[error("the close frame has been sent; nothing may follow it (RFC 6455 §5.5.1)")]
    Closed,
    /// The compressor failed.
    #[error("{0}")]
    Deflate(DeflateError),
}

/// Where a client's masking keys come from. RFC 6455 §5.3 asks for keys the network cannot
/// predict; that takes the system's random source, which is I/O, so the caller supplies it.
pub type Masks = fn() -> [u8; 4];

/// One end of a connection.
#[derive(Debug)]
pub struct Session {
    // `Some` for a client, whose every frame is masked; `None` for a server.
    masks: Option<Masks>,
    dissector: Dissector,
    // Both `None` when no extension was agreed. The deflater is also `None` when this end's
    // window is 8 bits, which zlib cannot write: then messages go uncompressed with RSV1 clear,
    // which RFC 7692 §6 allows message by message.
    inflater: Option<Inflater>,
    deflater: Option<Deflater>,
    limit: usize,
    // Payload bytes of the data message arriving, to hold it to `limit`.
    open: u64,
    sent_close: bool,
    got_close: bool,
    // The code of the peer's close, which the reply carries back.
    close_code: Option<u16>,
    failed: bool,
}

impl Session {
    /// A server's end of a connection that agreed `deflate` (or no extension), accepting
    /// messages of at most `limit` payload bytes, compressed or inflated.
    pub fn server(deflate: Option<Agreed>, limit: usize) -> Self {
        Self::new(None, deflate, limit)
    }

    /// A client's end, masking each frame with a key from `masks`.
    pub fn client(deflate: Option<Agreed>, limit: usize, masks: Masks) -> Self {
        Self::new(Some(masks), deflate, limit)
    }

    // A client masks; a server does not, and reads a client's frames.
    fn new(masks: Option<Masks>, deflate: Option<Agreed>, limit: usize) -> Self {
        let peer = if masks.is_some() {
            Side::Server
        } else {
            Side::Client
        };
        let mut config = Config::new(peer);
        // Whole messages are kept, up to the limit; past it the connection fails first.
        config.preview_cap = limit.saturating_add(1);
        if deflate.is_some() {
            config.allowed_rsv = RsvBits(1);
        }
        // Each direction's window and context takeover: this end writes with its own, reads
        // with the peer's (RFC 7692 §7.1).
        let server = deflate.map(|a| (a.server_max_window_bits, a.server_no_context_takeover));
        let client = deflate.map(|a| (a.client_max_window_bits, a.client_no_context_takeover));
        let (mine, theirs) = if masks.is_some() {
            (client, server)
        } else {
            (server, client)
        };
        Self {
            masks,
            dissector: Dissector::new(config),
            inflater: theirs.map(|(bits, reset)| Inflater::new(bits, reset)),
            deflater: mine.and_then(|(bits, reset)| Deflater::new(bits, reset).ok()),
            limit,
            open: 0,
            sent_close: false,
            got_close: false,
            close_code: None,
            failed: false,
        }
    }

    /// Whether this end compresses what it sends.
    pub fn compresses(&self) -> bool {
        self.deflater.is_some()
    }

    /// Whether both closes have crossed, or this end failed the connection: nothing more will
    /// be read.
    pub fn is_over(&self) -> bool {
        self.failed || (self.sent_close && self.got_close)
    }

    /// Whether the peer's close has arrived.
    pub fn peer_closed(&self) -> bool {
        self.got_close
    }

    /// The reply to the peer's close, once its close has been read and this end has not sent
    /// one: the peer's code carried back, without a reason (RFC 6455 §5.5.1). It is the
    /// caller's to send after it has answered the messages that came before the close, which
    /// is why reading a close does not queue it.
    pub fn reply_to_close(&mut self) -> Option<Vec<u8>> {
        if !self.got_close || self.sent_close {
            return None;
        }
        self.sent_close = true;
        let reply = self
            .close_code
            .map(|code| code.to_be_bytes().to_vec())
            .unwrap_or_default();
        Some(self.frame(OpCode::Close, false, &reply))
    }

    /// Reads the next bytes from the peer. Messages go into `received`; what this end answers
    /// (a pong, a close reply) goes into `out`, to be written in order.
    ///
    /// # Errors
    /// The rule the peer broke. Its close frame is already in `out`; the connection is over.
    pub fn feed(
        &mut self,
        bytes: &[u8],
        received: &mut Vec<Received>,
        out: &mut Vec<u8>,
    ) -> Result<(), Failure> {
        if self.is_over() {
            return Ok(());
        }
        let result = self.events(bytes, received, out);
        if let Err(failure) = &result {
            self.failed = true;
            if !self.sent_close {
                self.sent_close = true;
                let reason = failure.to_string();
                let payload = close_payload(failure.close_code(), close_reason(&reason));
                out.extend(self.frame(OpCode::Close, false, &payload));
            }
        }
        result
    }

    /// The bytes of one message to send, compressed (RSV1 on its one frame) when this end
    /// compresses and the message is data (RFC 7692 §6, §7.2.1).
    ///
    /// # Errors
    /// [`SendError::Closed`] after this end's close; [`SendError::Deflate`] if compression
    /// fails.
    pub fn send(&mut self, message: Outgoing<'_>) -> Result<Vec<u8>, SendError> {
        if self.sent_close {
            return Err(SendError::Closed);
        }
        let (opcode, payload) = match message {
            Outgoing::Text(text) => (OpCode::Text, text.as_bytes()),
            Outgoing::Binary(data) => (OpCode::Binary, data),
            Outgoing::Ping(data) => (OpCode::Ping, data),
            Outgoing::Pong(data) => (OpCode::Pong, data),
            Outgoing::Close(close) => {
                self.sent_close = true;
                let payload = close
                    .map(|(code, reason)| close_payload(code, close_reason(reason)))
                    .unwrap_or_default();
                return Ok(self.frame(OpCode::Close, false, &payload));
            }
        };
        match (&mut self.deflater, opcode.is_control()) {
            (Some(deflater), false) => {
                let wire = deflater.compress(payload).map_err(SendError::Deflate)?;
                Ok(self.frame(opcode, true, &wire))
            }
            _ => Ok(self.frame(opcode, false, payload)),
        }
    }

    // One final frame from this end: masked with a fresh key when it is the client's
    // (RFC 6455 §5.3), RSV1 set when compressed.
    fn frame(&self, opcode: OpCode, compressed: bool, payload: &[u8]) -> Vec<u8> {
        let mask = self.masks.map(|next| next());
        let mut spec = FrameSpec::new(opcode, mask);
        spec.rsv = RsvBits(u8::from(compressed));
        encode(spec, payload)
    }

    fn events(
        &mut self,
        bytes: &[u8],
        received: &mut Vec<Received>,
        out: &mut Vec<u8>,
    ) -> Result<(), Failure> {
        for event in self.dissector.feed(bytes) {
            if self.got_close {
                // Nothing after a close is read (RFC 6455 §5.5.1).
                break;
            }
            match event {
                Event::Frame(frame) => self.check_frame(&frame)?,
                Event::Message(message) => self.message(message, received, out)?,
            }
        }
        // A frame still arriving that would take its message past the limit fails now, before
        // its payload is read (RFC 6455 §10.4).
        let arriving = self
            .dissector
            .incomplete()
            .filter(|i| i.header_complete)
            .map_or(0, |i| i.need.saturating_sub(14));
        if !self.got_close && self.open.saturating_add(arriving) > self.limit as u64 {
            return Err(Failure::TooBig { limit: self.limit });
        }
        Ok(())
    }

    fn check_frame(&mut self, frame: &Frame) -> Result<(), Failure> {
        let opcode = frame.header.opcode();
        if let Some(violation) = frame.violations.first() {
            let rsv1 = matches!(violation, Violation::ReservedBitsSet { bits } if bits.has(1));
            return Err(match () {
                () if rsv1 && self.inflater.is_some() && opcode == OpCode::Continuation => {
                    Failure::CompressedContinuation
                }
                () if rsv1 && self.inflater.is_some() && opcode.is_control() => {
                    Failure::CompressedControl
                }
                () => Failure::Broken {
                    violation: violation.clone(),
                },
            });
        }
        if !opcode.is_control() {
            self.open += frame.payload_len();
            if self.open > self.limit as u64 {
                return Err(Failure::TooBig { limit: self.limit });
            }
            if frame.header.fin() {
                self.open = 0;
            }
        }
        Ok(())
    }

    fn message(
        &mut self,
        message: Message,
        received: &mut Vec<Received>,
        out: &mut Vec<u8>,
    ) -> Result<(), Failure> {
        match message.opcode {
            OpCode::Text | OpCode::Binary => {
                let payload = match (&mut self.inflater, message.compressed) {
                    (Some(inflater), true) => inflater
                        .inflate(&message.preview, self.limit)
                        .map_err(Failure::Inflate)?,
                    _ => message.preview.to_vec(),
                };
                received.push(if message.opcode == OpCode::Text {
                    // Uncompressed text was checked frame by frame by the dissector.
                    Received::Text(
                        String::from_utf8(payload).map_err(|_| Failure::InflatedNotUtf8)?,
                    )
                } else {
                    Received::Binary(payload)
                });
            }
            OpCode::Ping => {
                if !self.sent_close {
                    out.extend(self.frame(OpCode::Pong, false, &message.preview));
                }
                received.push(Received::Ping(message.preview.to_vec()));
            }
            OpCode::Pong => received.push(Received::Pong(message.preview.to_vec())),
            OpCode::Close => {
                self.got_close = true;
                let close = message
                    .close
                    .and_then(|c| c.code.map(|code| (code, c.reason)));
                self.close_code = close.as_ref().map(|(code, _)| *code);
                received.push(Received::Close(close));
            }
            // Reserved opcodes are violations, already failed on their frame.
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
