//! What the client sends, as library messages or as raw frames, and what it receives, as the
//! self-check compares it.

use bytes::Bytes;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode as LibOpCode};

use crate::capture::selfcheck::AppMessage;
use crate::proto::OpCode;
use crate::proto::encode::close_payload;
use crate::proto::send::Send;

/// Something the client sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// A text message.
    Text(String),
    /// A binary message.
    Binary(Bytes),
    /// A ping.
    Ping(Bytes),
    /// A pong.
    Pong(Bytes),
    /// One message split into frames: the first carries `opcode`, the rest are continuations.
    Fragments {
        /// Text or binary.
        opcode: OpCode,
        /// Each frame's payload, in order.
        parts: Vec<Bytes>,
    },
    /// A control frame between fragments is lawful (§5.4): the ping goes after `parts[after]`.
    FragmentsWithPing {
        /// Text or binary.
        opcode: OpCode,
        /// Each frame's payload, in order.
        parts: Vec<Bytes>,
        /// The index of the fragment the ping follows.
        after: usize,
        /// The ping's payload.
        ping: Bytes,
    },
    /// Bytes crafted by hand (`proto::craft`), written on the socket exactly as they are,
    /// under the library, whatever they hold: any frame, several, or half of one.
    Raw(Bytes),
    /// A close frame: [`super::WsClient::send`] starts the closing handshake through the
    /// library, so that it knows the connection is closing.
    Close {
        /// The status code.
        code: u16,
        /// The reason.
        reason: String,
    },
}

// A checked send, as the client writes it.
impl From<Send> for Outgoing {
    fn from(send: Send) -> Self {
        let text = |part: String| Bytes::from(part.into_bytes());
        match send {
            Send::Text(text) => Outgoing::Text(text),
            Send::Binary(data) => Outgoing::Binary(Bytes::from(data)),
            Send::Generated(count) => Outgoing::Binary(Bytes::from(Send::pattern(count))),
            Send::Ping(data) => Outgoing::Ping(Bytes::from(data)),
            Send::Pong(data) => Outgoing::Pong(Bytes::from(data)),
            Send::Close { code, reason } => Outgoing::Close { code, reason },
            Send::Fragments { parts, ping: None } => Outgoing::Fragments {
                opcode: OpCode::Text,
                parts: parts.into_iter().map(text).collect(),
            },
            Send::Fragments {
                parts,
                ping: Some(ping),
            } => Outgoing::FragmentsWithPing {
                opcode: OpCode::Text,
                parts: parts.into_iter().map(text).collect(),
                after: 0,
                ping: Bytes::from(ping),
            },
        }
    }
}

pub(super) fn fragment_frames(
    opcode: OpCode,
    parts: Vec<Bytes>,
    ping: Option<&(usize, Bytes)>,
) -> Vec<Message> {
    let first = if opcode == OpCode::Text {
        Data::Text
    } else {
        Data::Binary
    };
    let last = parts.len().saturating_sub(1);
    let mut out = Vec::new();
    for (i, part) in parts.into_iter().enumerate() {
        let code = if i == 0 {
            LibOpCode::Data(first)
        } else {
            LibOpCode::Data(Data::Continue)
        };
        out.push(Message::Frame(Frame::message(part, code, i == last)));
        if let Some((after, ping)) = ping
            && *after == i
        {
            out.push(Message::Ping(ping.clone()));
        }
    }
    out
}

pub(super) fn raw_fragments(
    put: &mut impl FnMut(OpCode, bool, &[u8]),
    opcode: OpCode,
    parts: &[Bytes],
    ping: Option<(usize, &Bytes)>,
) {
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.iter().enumerate() {
        put(
            if i == 0 { opcode } else { OpCode::Continuation },
            i == last,
            part,
        );
        if let Some((after, ping)) = ping
            && after == i
        {
            put(OpCode::Ping, true, ping);
        }
    }
}

/// The library's message as the self-check compares it, its payload cut to the capture's
/// default preview cap.
pub fn app_message(message: &Message) -> Option<AppMessage> {
    let cap = crate::proto::DEFAULT_PREVIEW_CAP;
    let (opcode, data) = match message {
        Message::Text(text) => (OpCode::Text, Bytes::from(text.clone())),
        Message::Binary(data) => (OpCode::Binary, data.clone()),
        Message::Ping(data) => (OpCode::Ping, data.clone()),
        Message::Pong(data) => (OpCode::Pong, data.clone()),
        Message::Close(frame) => (
            OpCode::Close,
            frame.as_ref().map_or_else(Bytes::new, |f| {
                Bytes::from(close_payload(f.code.into(), &f.reason))
            }),
        ),
        Message::Frame(_) => return None,
    };
    Some(AppMessage::new(opcode, &data, cap))
}
