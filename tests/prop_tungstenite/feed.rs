//! Feeding a wire in pieces: to the dissector in chunks of given sizes, and to tungstenite's
//! server through a socket that reads at most so many bytes at a time; and our messages as
//! tungstenite's, to compare what the two read.

use std::io::{self, Read, Write};

use tungstenite::protocol::frame::CloseFrame;
use tungstenite::{Message as TMessage, Utf8Bytes};
use wslab::proto::{Config, Dissector, Event, Message, OpCode};

/// Reads from a buffer in reads of at most `read_size`; takes and forgets what is written.
pub(crate) struct Duplex {
    pub(crate) input: Vec<u8>,
    pub(crate) at: usize,
    pub(crate) read_size: usize,
    pub(crate) output: Vec<u8>,
}

impl Read for Duplex {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf
            .len()
            .min(self.read_size)
            .min(self.input.len() - self.at);
        buf[..n].copy_from_slice(&self.input[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl Write for Duplex {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.output.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub(crate) fn as_tungstenite(m: &Message) -> TMessage {
    let bytes = m.preview.clone();
    match m.opcode {
        OpCode::Text => TMessage::Text(Utf8Bytes::try_from(bytes).expect("valid text")),
        OpCode::Binary => TMessage::Binary(bytes),
        OpCode::Ping => TMessage::Ping(bytes),
        OpCode::Pong => TMessage::Pong(bytes),
        OpCode::Close => TMessage::Close(m.close.as_ref().and_then(|c| {
            c.code.map(|code| CloseFrame {
                code: code.into(),
                reason: c.reason.clone().into(),
            })
        })),
        other => panic!("no tungstenite message for {other}"),
    }
}

pub(crate) fn feed_in(
    config: Config,
    wire: &[u8],
    sizes: impl Iterator<Item = usize>,
) -> (Vec<Event>, Dissector) {
    let mut dissector = Dissector::new(config);
    let mut events = Vec::new();
    let mut rest = wire;
    for size in sizes {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at(size.clamp(1, rest.len()));
        events.extend(dissector.feed(chunk));
        rest = tail;
    }
    (events, dissector)
}
