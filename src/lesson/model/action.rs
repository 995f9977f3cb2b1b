//! The actions a step can run, and the panes that show them.

use serde::Deserialize;

use super::values::{self, Mask};
use crate::proto::send::Send;
use crate::routes::Endpoint;

/// A live action: something done on real sockets.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Action {
    /// Plain HTTP requests to the lab.
    Http(Http),
    /// A WebSocket handshake and what is sent after it.
    Websocket(Websocket),
    /// A handshake with one of the lab's misbehaving peers.
    Fault(Fault),
    /// Clients talking through the lab's chat room.
    Chat(Chat),
    /// Client messages and server updates over one connection at once.
    Duplex(Duplex),
    /// K idle WebSocket connections, and the memory they cost.
    Idle(Idle),
    /// Polling against long polling, WebSocket push and Server-Sent Events, measured.
    Polling(Polling),
    /// The same messages over HTTP and WebSocket, measured.
    Messages(Messages),
    /// The grader's cases against an echo endpoint: the lab's own, or the learner's server.
    Grade(Grade),
}

impl Action {
    /// The kind as written in the file.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Http(_) => "http",
            Action::Websocket(_) => "websocket",
            Action::Fault(_) => "fault",
            Action::Chat(_) => "chat",
            Action::Duplex(_) => "duplex",
            Action::Idle(_) => "idle",
            Action::Polling(_) => "polling",
            Action::Messages(_) => "messages",
            Action::Grade(_) => "grade",
        }
    }

    /// The panes the step shows for this action.
    pub fn panes(&self) -> &[Pane] {
        match self {
            Action::Http(a) => &a.panes,
            Action::Websocket(a) => &a.panes,
            Action::Fault(a) => &a.panes,
            Action::Chat(a) => &a.panes,
            Action::Duplex(a) => &a.panes,
            Action::Idle(a) => &a.panes,
            Action::Polling(a) => &a.panes,
            Action::Messages(a) => &a.panes,
            Action::Grade(a) => &a.panes,
        }
    }

    /// A few words that tell this action from the others of its step, for tabs that would
    /// otherwise read alike (two `frames` panes): the size of what it sends, the fault it
    /// meets, whether it offers permessage-deflate. `None` where nothing short says it.
    pub fn label(&self) -> Option<String> {
        match self {
            Action::Websocket(a) => match a.send.as_slice() {
                [one] => sent_size(one),
                _ => a.deflate.as_ref().map(|_| "deflate".to_owned()),
            },
            Action::Fault(a) => Some(a.name.name().to_owned()),
            Action::Idle(a) => Some(
                if a.deflate.is_some() {
                    "deflate"
                } else {
                    "no deflate"
                }
                .to_owned(),
            ),
            _ => None,
        }
    }

    /// Whether it connects over TLS (`tls = true`), so that its capture has records.
    pub fn tls(&self) -> bool {
        matches!(self, Action::Websocket(a) if a.tls)
    }
}

/// The payload size of one message sent, as a tab names it: "126 B".
fn sent_size(send: &Send) -> Option<String> {
    let bytes = match send {
        Send::Text(t) => t.len() as u64,
        Send::Binary(b) => b.len() as u64,
        Send::Generated(n) => *n,
        _ => return None,
    };
    Some(format!("{bytes} B"))
}

/// The panes a step can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pane {
    /// The raw request and response heads, each header explained.
    Heads,
    /// Sec-WebSocket-Accept derived step by step and compared.
    Accept,
    /// One line per frame, both directions.
    Frames,
    /// Each frame's field table and hex, with the masking walkthrough.
    Fields,
    /// A measured comparison as a table.
    Compare,
    /// The same comparison as bar charts.
    Chart,
    /// Frames of every connection on one time axis.
    Timeline,
    /// A TLS connection's records as an eavesdropper sees them, with what each carried.
    Tls,
    /// The grader's card: counts per part, the overall line, and the rule to fix first.
    Card,
}

impl Pane {
    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Pane::Heads => "heads",
            Pane::Accept => "accept",
            Pane::Frames => "frames",
            Pane::Fields => "fields",
            Pane::Compare => "compare",
            Pane::Chart => "chart",
            Pane::Timeline => "timeline",
            Pane::Tls => "tls",
            Pane::Card => "card",
        }
    }
}

/// Which header set an HTTP request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeaderSet {
    /// What a desktop browser sends.
    #[default]
    Browser,
    /// Only what HTTP/1.1 requires.
    Minimal,
}

/// An HTTP method the lab answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET.
    #[default]
    Get,
    /// POST, with `body`.
    Post,
    /// HEAD.
    Head,
}

fn heads() -> Vec<Pane> {
    vec![Pane::Heads]
}
fn handshake_panes() -> Vec<Pane> {
    vec![Pane::Heads, Pane::Accept, Pane::Frames]
}
fn conversation_panes() -> Vec<Pane> {
    vec![Pane::Frames, Pane::Timeline]
}
fn compare_panes() -> Vec<Pane> {
    vec![Pane::Compare, Pane::Chart]
}
fn card() -> Vec<Pane> {
    vec![Pane::Card]
}
fn default_true() -> bool {
    true
}
fn one() -> u32 {
    1
}
fn hello() -> String {
    "/hello".to_owned()
}

/// `kind = "http"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Http {
    /// GET, POST or HEAD.
    #[serde(default)]
    pub method: Method,
    /// The lab path, query included.
    #[serde(default = "hello")]
    pub path: String,
    /// The request body, for POST.
    #[serde(default)]
    pub body: Option<String>,
    /// The header set.
    #[serde(default)]
    pub headers: HeaderSet,
    /// Extra headers, "Name: value".
    #[serde(default)]
    pub header: Vec<String>,
    /// Reuse one connection for the repeats, or open one each.
    #[serde(default = "default_true")]
    pub keep_alive: bool,
    /// How many times to send it.
    #[serde(default = "one")]
    pub repeat: u32,
    /// See [`Action::panes`].
    #[serde(default = "heads")]
    pub panes: Vec<Pane>,
}

/// `kind = "websocket"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Websocket {
    /// The lab endpoint: /echo unless the file says otherwise.
    #[serde(default, deserialize_with = "values::endpoint")]
    pub path: Endpoint,
    /// A pinned Sec-WebSocket-Key; absent means a fresh random one each run.
    #[serde(default)]
    pub key: Option<String>,
    /// Subprotocols to offer.
    #[serde(default)]
    pub protocols: Vec<String>,
    /// Extra request headers, "Name: value".
    #[serde(default)]
    pub header: Vec<String>,
    /// The masking key, or none at all to break §5.1; absent means a random one per frame.
    #[serde(default, deserialize_with = "values::mask")]
    pub mask: Option<Mask>,
    /// Data messages to wait for before closing; absent means one echo per message sent
    /// to /echo, none elsewhere.
    #[serde(default)]
    pub receive: Option<u32>,
    /// What to send, in order.
    #[serde(default, deserialize_with = "values::sends")]
    pub send: Vec<Send>,
    /// Connect with `wss://`: TLS first, trusting the lab's own CA, then the same handshake
    /// inside it. The capture then holds the ciphertext too, for the `tls` pane.
    #[serde(default)]
    pub tls: bool,
    /// Offer permessage-deflate (RFC 7692) with these parameters, `""` for none: the lab
    /// accepts, and the client compresses and inflates on wslab's own session.
    #[serde(default, deserialize_with = "values::deflate")]
    pub deflate: Option<String>,
    /// See [`Action::panes`].
    #[serde(default = "handshake_panes")]
    pub panes: Vec<Pane>,
}

/// `kind = "fault"`: the same as `websocket`, against `/fault/NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The misbehaving peer.
    #[serde(deserialize_with = "values::fault")]
    pub name: crate::routes::Fault,
    /// See [`Websocket::key`].
    #[serde(default)]
    pub key: Option<String>,
    /// See [`Websocket::mask`].
    #[serde(default, deserialize_with = "values::mask")]
    pub mask: Option<Mask>,
    /// See [`Websocket::send`].
    #[serde(default, deserialize_with = "values::sends")]
    pub send: Vec<Send>,
    /// See [`Action::panes`].
    #[serde(default = "handshake_panes")]
    pub panes: Vec<Pane>,
}

/// `kind = "chat"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chat {
    /// How many clients join.
    #[serde(default = "two")]
    pub clients: u32,
    /// Lines said in turn: client 1, client 2, client 1, …
    pub lines: Vec<String>,
    /// See [`Action::panes`].
    #[serde(default = "conversation_panes")]
    pub panes: Vec<Pane>,
}

fn two() -> u32 {
    2
}

/// `kind = "duplex"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Duplex {
    /// Typing indicators the client sends.
    #[serde(default = "five")]
    pub typing: u32,
    /// Updates the server pushes meanwhile.
    #[serde(default = "five")]
    pub updates: u32,
    /// Time between two typing indicators, and between two updates, in ms.
    #[serde(default = "every")]
    pub every_ms: u64,
    /// See [`Action::panes`].
    #[serde(default = "conversation_panes")]
    pub panes: Vec<Pane>,
}

fn five() -> u32 {
    5
}
fn every() -> u64 {
    100
}

/// `kind = "idle"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Idle {
    /// How many connections to open and hold.
    #[serde(default = "thousand")]
    pub connections: u32,
    /// Offer permessage-deflate with these parameters on every connection (`""` for none):
    /// the lab accepts, and each connection then holds its compression state too.
    #[serde(default, deserialize_with = "values::deflate")]
    pub deflate: Option<String>,
    /// See [`Action::panes`].
    #[serde(default = "compare_panes")]
    pub panes: Vec<Pane>,
}

fn thousand() -> u32 {
    1000
}

/// `kind = "polling"`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Polling {
    /// How long each of the four ways runs (all at once), in seconds.
    #[serde(default = "five_secs")]
    pub seconds: f64,
    /// The polling interval, in ms.
    #[serde(default = "poll_ms")]
    pub poll_ms: u64,
    /// The mean time between updates, in ms; each gap is random, from half to 1.5 times it.
    #[serde(default = "update_ms")]
    pub update_ms: u64,
    /// See [`Action::panes`].
    #[serde(default = "compare_panes")]
    pub panes: Vec<Pane>,
}

fn five_secs() -> f64 {
    5.0
}
fn poll_ms() -> u64 {
    500
}
fn update_ms() -> u64 {
    700
}

/// `kind = "messages"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    /// How many messages each way sends.
    #[serde(default = "fifty")]
    pub count: u32,
    /// What each message says.
    #[serde(default = "typing")]
    pub text: String,
    /// See [`Action::panes`].
    #[serde(default = "compare_panes")]
    pub panes: Vec<Pane>,
}

fn fifty() -> u32 {
    50
}
fn typing() -> String {
    r#"{"typing":true}"#.to_owned()
}

/// `kind = "grade"`: the cases of `wslab grade` played against an echo endpoint, the lab's own
/// `/echo` unless the learner types the URL of their server (`input = { field = "url" }`). A
/// lesson file names no URL of its own: what a lesson sends beyond the lab, the learner chose.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// Which cases, one pattern a string, as `wslab grade --cases` takes them: a part's name
    /// (`"handshake"`), a section (`"5.2"`), or an id with `*` wildcards (`"7.1.*"`). The suite
    /// lives above this layer, so whether each names a case is checked as the lessons load, by
    /// `run::exercise::lint`.
    #[serde(deserialize_with = "values::cases")]
    pub cases: Vec<String>,
    /// See [`Action::panes`].
    #[serde(default = "card")]
    pub panes: Vec<Pane>,
}
