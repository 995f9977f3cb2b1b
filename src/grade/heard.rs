//! What the server sent on one case's connection, read from the capture: its answer head,
//! its data messages, its pongs and its close, in the order they crossed.

use crate::capture::{Connection, Direction};
use crate::proto::http::{Head, StartLine};
use crate::proto::{Inflated, Message, OpCode};

use super::case::{PROBE, Reply, Role};

/// How a case's connection ended, as the runner saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// The graded end closed the TCP connection.
    PeerClosed,
    /// The connection was reset.
    Reset,
    /// The case's time ran out with the connection still open.
    TimedOut,
    /// wslab, as the server, ended TCP once both closes had crossed, as §5.5.1 asks a server.
    Closed,
    /// The handshake was answered without 101, and wslab closed the connection there: the
    /// head is all a handshake case judges.
    Answered,
}

/// How the connection ended, and when the case's last step went out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ending {
    /// How.
    pub how: How,
    /// When the last step's bytes were written, in µs on the capture's clock; the cases that
    /// ask whether the server failed early compare against it.
    pub last_step_us: Option<u64>,
    /// The time the runner waited, in seconds, for the sentence that says it ran out.
    pub waited_secs: f64,
}

/// The graded end's side of one connection, and the server's answer to the request.
#[derive(Debug)]
pub struct Heard<'a> {
    /// The answer to the opening request.
    pub response: Option<&'a Head>,
    /// Its status, when there was an answer.
    pub status: Option<u16>,
    /// Data messages, with when their last frame arrived.
    pub data: Vec<(u64, &'a Message)>,
    /// Pongs.
    pub pongs: Vec<&'a Message>,
    /// The first close, with when it arrived.
    pub close: Option<(u64, &'a Message)>,
    /// Data messages sent after the close.
    pub data_after_close: usize,
    /// Whether the probe's pong came back.
    pub probe_answered: bool,
    /// When the server ended its side of the TCP connection, if it did.
    pub ended_us: Option<u64>,
}

impl<'a> Heard<'a> {
    /// Reads what `role` sent on `connection`, and the server's answer head.
    pub fn of(connection: &'a Connection, role: Role) -> Self {
        let response = connection
            .flow(Direction::ServerToClient)
            .http
            .first()
            .map(|m| &m.head);
        let flow = connection.flow(role.sends());
        let status = response.and_then(|h| match &h.start {
            StartLine::Response { status, .. } => Some(*status),
            StartLine::Request { .. } => None,
        });
        let mut heard = Self {
            response,
            status,
            data: Vec::new(),
            pongs: Vec::new(),
            close: None,
            data_after_close: 0,
            probe_answered: false,
            ended_us: flow.ended_us,
        };
        for timed in &flow.messages {
            let m = &timed.item;
            match m.opcode {
                OpCode::Text | OpCode::Binary if heard.close.is_some() => {
                    heard.data_after_close += 1;
                }
                OpCode::Text | OpCode::Binary => heard.data.push((timed.at_us, m)),
                OpCode::Pong if m.preview.as_ref() == PROBE => heard.probe_answered = true,
                OpCode::Pong => heard.pongs.push(m),
                OpCode::Close if heard.close.is_none() => heard.close = Some((timed.at_us, m)),
                _ => {}
            }
        }
        heard
    }

    /// Whether the handshake opened the connection.
    pub fn opened(&self) -> bool {
        self.status == Some(101)
    }

    /// The close code the server sent, `None` for no close or an empty one.
    pub fn close_code(&self) -> Option<u16> {
        self.close.and_then(|(_, m)| m.close.as_ref()?.code)
    }

    /// How the server's close reads: "close 1002", "an empty close", or "no close frame".
    pub fn close_phrase(&self) -> String {
        match self.close {
            None => "no close frame".into(),
            Some(_) => match self.close_code() {
                Some(code) => format!("close {code}"),
                None => "an empty close".into(),
            },
        }
    }

    /// The first expected reply missing or different, in one line; `None` when every one
    /// came back in order and nothing more.
    pub fn missing(&self, expected: &[Reply]) -> Option<String> {
        self.missing_before(expected).or_else(|| {
            let wanted = expected
                .iter()
                .filter(|r| matches!(r, Reply::Data(..)))
                .count();
            let extra = self.data.len().saturating_sub(wanted);
            (extra > 0).then(|| {
                format!(
                    "{extra} message{} more than were sent came back",
                    if extra == 1 { "" } else { "s" }
                )
            })
        })
    }

    /// As [`Heard::missing`], leaving what came after the expected replies to the caller:
    /// for the cases whose bad frame follows them.
    pub fn missing_before(&self, expected: &[Reply]) -> Option<String> {
        let mut data = self.data.iter().map(|(_, m)| *m);
        let mut pongs = self.pongs.iter().copied();
        for (n, reply) in expected.iter().enumerate() {
            let nth = ordinal(n);
            match reply {
                Reply::Data(opcode, payload) => match data.next() {
                    None => {
                        return Some(format!(
                            "the {nth} reply, a {}, never came back",
                            describe(*opcode, payload.len() as u64)
                        ));
                    }
                    Some(m) => {
                        if let Some(why) = differs(m, *opcode, payload) {
                            return Some(why);
                        }
                    }
                },
                // A server may answer only the latest of several pings (§5.5.3), so a pong is
                // looked for among the pongs left rather than only the next one.
                Reply::Pong(payload) => {
                    if !pongs.any(|m| same(m, payload)) {
                        return Some(format!(
                            "no pong carried the ping's {} bytes back",
                            payload.len()
                        ));
                    }
                }
            }
        }
        None
    }

    /// How many data messages came back.
    pub fn data_count(&self) -> usize {
        self.data.len()
    }
}

/// A message's payload as the application sees it: inflated when it was compressed.
pub fn payload(m: &Message) -> (&[u8], u64) {
    match &m.inflated {
        Some(Inflated::Done {
            preview, length, ..
        }) => (preview, *length),
        _ => (&m.preview, m.length),
    }
}

fn same(m: &Message, expected: &[u8]) -> bool {
    let (kept, length) = payload(m);
    // A long payload is kept only in part: the length and the kept prefix are compared.
    length == expected.len() as u64 && expected.starts_with(kept)
}

fn differs(m: &Message, opcode: OpCode, expected: &[u8]) -> Option<String> {
    let (kept, length) = payload(m);
    if m.opcode != opcode {
        return Some(format!(
            "a {} came back where the {} was expected",
            describe(m.opcode, length),
            describe(opcode, expected.len() as u64)
        ));
    }
    if length != expected.len() as u64 {
        return Some(format!(
            "the echo of the {} was {length} bytes long",
            describe(opcode, expected.len() as u64)
        ));
    }
    if !expected.starts_with(kept) {
        let at = kept
            .iter()
            .zip(expected)
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        return Some(format!(
            "the echo of the {} differs from byte {at}",
            describe(opcode, expected.len() as u64)
        ));
    }
    None
}

/// "126-byte text", "empty binary".
pub fn describe(opcode: OpCode, length: u64) -> String {
    let kind = match opcode {
        OpCode::Text => "text",
        OpCode::Binary => "binary message",
        other => other.name(),
    };
    if length == 0 {
        format!("empty {kind}")
    } else {
        format!("{length}-byte {kind}")
    }
}

fn ordinal(n: usize) -> String {
    match n {
        0 => "first".into(),
        1 => "second".into(),
        2 => "third".into(),
        _ => format!("{}th", n + 1),
    }
}
