//! One case of the grader: what the client sends, and the rule the server's answer is judged
//! by. Cases are data; the runner (`run::grade`) plays them on a socket and the judge
//! (`grade::judge`) reads the captured answer.

use crate::proto::OpCode;
use crate::proto::encode::{FrameSpec, encode};
use crate::proto::violation::RsvBits;

/// The parts of the suite, in the order a report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// The opening handshake (RFC 6455 §4).
    Handshake,
    /// Frame layout: lengths, reserved bits, reserved opcodes (§5.2).
    Framing,
    /// Client masking (§5.1, §5.3).
    Masking,
    /// Fragmented messages (§5.4).
    Fragmentation,
    /// Ping, pong and their limits (§5.5).
    Control,
    /// The closing handshake (§5.5.1, §7.1).
    Closing,
    /// Close status codes and reasons (§7.4).
    CloseCodes,
    /// Text must be UTF-8 (§8.1).
    Utf8,
    /// How big a message the server takes (§10.4), informational.
    Limits,
    /// permessage-deflate (RFC 7692), when the server accepts it.
    Deflate,
}

impl Group {
    /// Every group, in report order.
    pub const ALL: [Self; 10] = [
        Self::Handshake,
        Self::Framing,
        Self::Masking,
        Self::Fragmentation,
        Self::Control,
        Self::Closing,
        Self::CloseCodes,
        Self::Utf8,
        Self::Limits,
        Self::Deflate,
    ];

    /// A stable name, for JSON and `--cases`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Handshake => "handshake",
            Self::Framing => "framing",
            Self::Masking => "masking",
            Self::Fragmentation => "fragmentation",
            Self::Control => "control",
            Self::Closing => "closing",
            Self::CloseCodes => "close-codes",
            Self::Utf8 => "utf-8",
            Self::Limits => "limits",
            Self::Deflate => "permessage-deflate",
        }
    }

    /// The heading a report shows, with the sections it covers.
    pub fn title(self) -> &'static str {
        match self {
            Self::Handshake => "Opening handshake (RFC 6455 §4)",
            Self::Framing => "Framing (§5.2)",
            Self::Masking => "Masking (§5.1, §5.3)",
            Self::Fragmentation => "Fragmentation (§5.4)",
            Self::Control => "Control frames (§5.5)",
            Self::Closing => "Closing handshake (§5.5.1, §7.1)",
            Self::CloseCodes => "Close codes and reasons (§7.4)",
            Self::Utf8 => "UTF-8 (§8.1)",
            Self::Limits => "Limits (§10.4, informational)",
            Self::Deflate => "permessage-deflate (RFC 7692)",
        }
    }
}

/// Which end of the connection a case grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// wslab is the client and grades the server (`wslab grade URL`).
    Server,
    /// wslab is the server and grades the client (`wslab grade --client`).
    Client,
}

impl Role {
    /// The direction the graded end writes in.
    pub fn sends(self) -> crate::capture::Direction {
        match self {
            Self::Server => crate::capture::Direction::ServerToClient,
            Self::Client => crate::capture::Direction::ClientToServer,
        }
    }

    /// What the graded end is called in a sentence.
    pub fn name(self) -> &'static str {
        match self {
            Self::Server => "server",
            Self::Client => "client",
        }
    }
}

/// How wslab, as the server of a client case, answers the opening request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A correct 101.
    Valid,
    /// A 101 whose Sec-WebSocket-Accept is not the key's.
    WrongAccept,
    /// A 101 without this header.
    Without(&'static str),
    /// This status instead of 101, otherwise a valid answer.
    Status(u16),
    /// A valid 101 that adds this header, which the client did not ask for.
    Adding(&'static str, &'static str),
}

/// How strongly the RFC words the rule a case checks: it decides what a miss is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// MUST or MUST NOT: a miss fails.
    Must,
    /// SHOULD, or a choice the RFC names as usual: a miss is non-strict.
    Should,
    /// The RFC leaves it to the server: whatever happens is reported, never graded.
    Info,
}

/// The rule a case checks: where it is written and what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The RFC and section, e.g. "RFC 6455 §5.2".
    pub section: &'static str,
    /// The requirement in one sentence, in the RFC's own words wherever one sentence of it states the rule.
    pub says: &'static str,
    /// How strongly it binds the server.
    pub level: Level,
}

/// Which masking key a client frame carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mask {
    /// The sender's lawful choice: a fresh random key from a client, as §5.3 requires, and no
    /// key from a server, as §5.1 requires.
    Fresh,
    /// This key, chosen by the case (all zeros, all ones).
    Fixed([u8; 4]),
    /// No key: the MASK bit clear, which §5.1 forbids a client.
    Unmasked,
}

/// One frame a case sends, lawful or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Out {
    /// FIN.
    pub fin: bool,
    /// RSV1–3, as bits 0–2.
    pub rsv: u8,
    /// The 4-bit opcode, reserved ones included.
    pub opcode: u8,
    /// The masking key.
    pub mask: Mask,
    /// The payload, before masking.
    pub payload: Vec<u8>,
}

impl Out {
    /// A final, masked frame of this opcode.
    pub fn new(opcode: OpCode, payload: impl Into<Vec<u8>>) -> Self {
        Self {
            fin: true,
            rsv: 0,
            opcode: opcode.bits(),
            mask: Mask::Fresh,
            payload: payload.into(),
        }
    }

    /// A text frame.
    pub fn text(payload: impl Into<Vec<u8>>) -> Self {
        Self::new(OpCode::Text, payload)
    }

    /// A binary frame.
    pub fn binary(payload: impl Into<Vec<u8>>) -> Self {
        Self::new(OpCode::Binary, payload)
    }

    /// A continuation frame.
    pub fn cont(payload: impl Into<Vec<u8>>) -> Self {
        Self::new(OpCode::Continuation, payload)
    }

    /// A ping.
    pub fn ping(payload: impl Into<Vec<u8>>) -> Self {
        Self::new(OpCode::Ping, payload)
    }

    /// A close frame with this code and reason.
    pub fn close(code: u16, reason: &[u8]) -> Self {
        let mut payload = code.to_be_bytes().to_vec();
        payload.extend_from_slice(reason);
        Self::new(OpCode::Close, payload)
    }

    /// The same with FIN as given.
    #[must_use]
    pub fn fin(mut self, fin: bool) -> Self {
        self.fin = fin;
        self
    }

    /// The same with these RSV bits (bit 0 is RSV1).
    #[must_use]
    pub fn rsv(mut self, rsv: u8) -> Self {
        self.rsv = rsv;
        self
    }

    /// The same with this masking choice.
    #[must_use]
    pub fn mask(mut self, mask: Mask) -> Self {
        self.mask = mask;
        self
    }

    /// The frame's bytes as a server sends them: no key unless the case pins one.
    pub fn server_bytes(&self) -> Vec<u8> {
        self.encoded(match self.mask {
            Mask::Fixed(key) => Some(key),
            Mask::Fresh | Mask::Unmasked => None,
        })
    }

    /// The frame's bytes as a client sends them, a fresh key drawn from `fresh` when the
    /// frame asks for one.
    pub fn bytes(&self, fresh: &mut dyn FnMut() -> [u8; 4]) -> Vec<u8> {
        let mask = match self.mask {
            Mask::Fresh => Some(fresh()),
            Mask::Fixed(key) => Some(key),
            Mask::Unmasked => None,
        };
        self.encoded(mask)
    }

    fn encoded(&self, mask: Option<[u8; 4]>) -> Vec<u8> {
        let mut spec = FrameSpec::new(OpCode::from_bits(self.opcode), mask).fin(self.fin);
        spec.rsv = RsvBits(self.rsv & 0b111);
        encode(spec, &self.payload)
    }
}

/// Changes to the standard opening request, for the handshake cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Leave this header out.
    Omit(&'static str),
    /// Set this header to this value (added if absent).
    Set(&'static str, String),
    /// Use this method instead of GET.
    Method(&'static str),
    /// Use this HTTP version instead of HTTP/1.1.
    Version(&'static str),
}

/// One step of a case, after the handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// These frames, written at once.
    Send(Vec<Out>),
    /// These frames, one write each with a pause between, as a slow peer would send them.
    Paced(Vec<Out>),
    /// Each message compressed with the window the server agreed (RFC 7692 §7.2.1), then
    /// split into this many frames, RSV1 on the first: for the permessage-deflate cases.
    Compressed(OpCode, Vec<Vec<u8>>, usize),
    /// Wait, reading, until the server has sent this many data messages in all (or closed):
    /// a server may answer a close before echoing what came just ahead of it (§5.5.1 lets it
    /// answer "as soon as practical"), so what must come back is waited for before the next
    /// frame that could end the connection.
    Await(usize),
    /// Wait, reading, until the server closes or a short while passes: for the cases that
    /// ask whether the server acts before the message is complete.
    Watch,
}

/// How a case ends once its steps are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// Wait for the replies the case expects, then send close 1000 and read until the server
    /// closes.
    Close,
    /// Send a ping the server must answer if it went on; on its pong, close with 1000. A
    /// server that failed the connection never answers it.
    Probe,
    /// Send nothing more: the steps closed already. Read until the server closes.
    Read,
}

/// The payload of the probe ping, so its pong is told apart from any other.
pub const PROBE: &[u8] = b"wslab-probe";

/// What a conforming server does, which the judge holds the answer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// The handshake is refused: any status but 101.
    Refused,
    /// Refused with a status such as 426 and a Sec-WebSocket-Version header (§4.4).
    WrongVersion,
    /// The handshake opens, every rule of §4.2.2 kept; `protocols` offered must not be
    /// answered with another; an offered unknown extension must not be agreed.
    Opens,
    /// These messages come back, in order (data echoed, pings answered), then a clean close.
    Echo(Vec<Reply>),
    /// The server fails the connection after `before` came back: it closes, with one of
    /// `codes` when it sends a close frame, and answers nothing sent after the bad frame.
    Fails {
        /// What comes back before the bad frame.
        before: Vec<Reply>,
        /// The close codes that name the fault; the first is the usual one.
        codes: &'static [u16],
    },
    /// The server answers our close with its own; `echo` is the code it typically echoes.
    ClosesWith {
        /// The code sent, which a close reply typically echoes.
        echo: Option<u16>,
    },
    /// Data sent after our close is not echoed after the server's close.
    NothingAfterClose,
    /// Whether the server failed before the message was complete.
    FailsFast,
    /// How the server answers a message of this size: echo, 1009, or drop.
    Takes(u64),
    /// A client fails the connection on a bad answer to its request (§4.1): it sends nothing
    /// and closes TCP.
    Rejects,
}

/// A message the server is expected to send back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A text or binary message with exactly this payload.
    Data(OpCode, Vec<u8>),
    /// A pong with exactly this payload.
    Pong(Vec<u8>),
}

/// One case: its identity, what it sends, and what a conforming server does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Which end it grades.
    pub role: Role,
    /// How wslab answers the request, when it is the server (client cases).
    pub answer: Answer,
    /// A stable id, the section's number then a counter: "5.2.3".
    pub id: String,
    /// The part of the suite.
    pub group: Group,
    /// What the case does, in a few words.
    pub title: String,
    /// The rule it checks.
    pub rule: Rule,
    /// Changes to the opening request; empty for the standard one.
    pub request: Vec<Change>,
    /// A permessage-deflate offer to make, for the deflate cases.
    pub deflate: Option<&'static str>,
    /// A subprotocol list to offer.
    pub protocols: Option<&'static str>,
    /// What is sent after the handshake.
    pub steps: Vec<Step>,
    /// How the case ends.
    pub finish: Finish,
    /// What a conforming server does.
    pub expect: Expect,
}

impl Case {
    /// A case with the standard request, no steps yet, ending with a close.
    pub fn new(
        id: &str,
        group: Group,
        title: impl Into<String>,
        rule: Rule,
        expect: Expect,
    ) -> Self {
        Self {
            role: Role::Server,
            answer: Answer::Valid,
            id: id.to_owned(),
            group,
            title: title.into(),
            rule,
            request: Vec::new(),
            deflate: None,
            protocols: None,
            steps: Vec::new(),
            finish: Finish::Close,
            expect,
        }
    }

    /// The same, sending these frames at once.
    #[must_use]
    pub fn send(mut self, frames: Vec<Out>) -> Self {
        self.steps.push(Step::Send(frames));
        self
    }

    /// The same, with this step added.
    #[must_use]
    pub fn step(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// The same, ending as given.
    #[must_use]
    pub fn finish(mut self, finish: Finish) -> Self {
        self.finish = finish;
        self
    }

    /// The same, with a changed request.
    #[must_use]
    pub fn request(mut self, changes: Vec<Change>) -> Self {
        self.request = changes;
        self
    }

    /// What must come back before the case closes: the number of data messages, and the
    /// payload of the last pong expected.
    pub fn awaited(&self) -> (usize, Option<&[u8]>) {
        let replies: &[Reply] = match &self.expect {
            Expect::Echo(replies) => replies,
            Expect::Takes(_) => return (1, None),
            _ => return (0, None),
        };
        let data = replies
            .iter()
            .filter(|r| matches!(r, Reply::Data(..)))
            .count();
        let pong = replies.iter().rev().find_map(|r| match r {
            Reply::Pong(payload) => Some(payload.as_slice()),
            Reply::Data(..) => None,
        });
        (data, pong)
    }

    /// Whether the case stops at the handshake.
    pub fn handshake_only(&self) -> bool {
        matches!(
            self.expect,
            Expect::Refused | Expect::WrongVersion | Expect::Opens | Expect::Rejects
        )
    }
}

/// The standard opening request of §4.1 with `changes` made: its head, as written on the wire.
pub fn request_head(
    host: &str,
    target: &str,
    key: &str,
    extra: &[(String, String)],
    changes: &[Change],
) -> String {
    let mut method = "GET";
    let mut version = "HTTP/1.1";
    let mut headers: Vec<(String, String)> = vec![
        ("Host".into(), host.to_owned()),
        ("Upgrade".into(), "websocket".into()),
        ("Connection".into(), "Upgrade".into()),
        ("Sec-WebSocket-Key".into(), key.to_owned()),
        ("Sec-WebSocket-Version".into(), "13".into()),
    ];
    headers.extend(extra.iter().cloned());
    for change in changes {
        match change {
            Change::Omit(name) => headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name)),
            Change::Set(name, value) => {
                match headers
                    .iter_mut()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                {
                    Some(slot) => *slot = ((*name).to_owned(), value.clone()),
                    None => headers.push(((*name).to_owned(), value.clone())),
                }
            }
            Change::Method(m) => method = m,
            Change::Version(v) => version = v,
        }
    }
    let mut head = format!("{method} {target} {version}\r\n");
    for (name, value) in headers {
        head.push_str(&name);
        head.push_str(": ");
        head.push_str(&value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    head
}
