//! A lesson as data: what the files say, typed. The serde attributes here are the format's
//! grammar; `lessons/README.md` documents the same names for teachers.

use serde::Deserialize;

/// One lesson, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// Stable id, used on the command line and in progress files: "01-http".
    pub id: String,
    /// Title as shown in the menu.
    pub title: String,
    /// How long it takes, in minutes.
    pub minutes: u32,
    /// What the learner can do afterwards.
    pub objectives: Vec<String>,
    /// Speaker notes for the whole lesson.
    pub notes: String,
    /// Why the lesson cannot do everything it describes yet; shown to the learner.
    pub incomplete: Option<String>,
    /// Prose before the first step.
    pub intro: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// The file it came from, for messages.
    pub file: String,
}

/// One step of a lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The step's heading.
    pub title: String,
    /// Its prose, Markdown.
    pub prose: String,
    /// Speaker notes for this step.
    pub notes: Option<String>,
    /// What the learner may type in place of the first action's value.
    pub input: Option<Input>,
    /// Live actions, run in order.
    pub actions: Vec<Action>,
    /// Questions about the step.
    pub checks: Vec<Check>,
    /// The line of its heading, for messages.
    pub line: usize,
    /// Where each `[[action]]` table is, in order.
    pub action_spots: Vec<Spot>,
    /// Where each `[[check]]` table is, in order.
    pub check_spots: Vec<Spot>,
}

/// Where a table of a step block is in the file, and the keys in it, so that problems found
/// after parsing can still name a line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spot {
    /// The line of its `[[…]]` header.
    pub line: usize,
    /// Each key written at the start of a line in the table, with its line and column.
    pub keys: Vec<(String, usize, usize)>,
}

impl Spot {
    /// Line and column of `key`, or of the table when the key is not written.
    pub fn of(&self, key: &str) -> (usize, usize) {
        self.keys
            .iter()
            .find(|(k, _, _)| k == key)
            .map_or((self.line, 1), |(_, l, c)| (*l, *c))
    }
}

/// The front matter between the `+++` lines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// See [`Lesson::id`].
    pub id: String,
    /// See [`Lesson::title`].
    pub title: String,
    /// See [`Lesson::minutes`].
    pub minutes: u32,
    /// See [`Lesson::objectives`].
    pub objectives: Vec<String>,
    /// See [`Lesson::notes`].
    pub notes: String,
    /// See [`Lesson::incomplete`].
    #[serde(default)]
    pub incomplete: Option<String>,
}

/// The TOML block of a step.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepBlock {
    /// See [`Step::notes`].
    #[serde(default)]
    pub notes: Option<String>,
    /// See [`Step::input`].
    #[serde(default)]
    pub input: Option<Input>,
    /// `[[action]]` tables.
    #[serde(default)]
    pub action: Vec<Action>,
    /// `[[check]]` tables.
    #[serde(default)]
    pub check: Vec<Check>,
}

/// A value the learner may type before the step runs; plain mode uses `default`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// What it replaces in the step's first action.
    pub field: InputField,
    /// What to ask.
    pub prompt: String,
}

/// What an [`Input`] replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputField {
    /// The Sec-WebSocket-Key of a `websocket` action.
    Key,
    /// The text of the first `text` send of a `websocket` action.
    Text,
}

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
    /// Polling against long polling against push, measured.
    Polling(Polling),
    /// The same messages over HTTP and WebSocket, measured.
    Messages(Messages),
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
        }
    }
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
fn default_true() -> bool {
    true
}
fn one() -> u32 {
    1
}
fn echo() -> String {
    "/echo".to_owned()
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
    /// The lab endpoint: /echo, /chat or /ticker.
    #[serde(default = "echo")]
    pub path: String,
    /// A pinned Sec-WebSocket-Key; absent means a fresh random one each run.
    #[serde(default)]
    pub key: Option<String>,
    /// Subprotocols to offer.
    #[serde(default)]
    pub protocols: Vec<String>,
    /// Extra request headers, "Name: value".
    #[serde(default)]
    pub header: Vec<String>,
    /// The masking key as 8 hex digits, or "none" to break §5.1; absent means random.
    #[serde(default)]
    pub mask: Option<String>,
    /// Data messages to wait for before closing; absent means one echo per message sent
    /// to /echo, none elsewhere.
    #[serde(default)]
    pub receive: Option<u32>,
    /// What to send, in order.
    #[serde(default)]
    pub send: Vec<Send>,
    /// See [`Action::panes`].
    #[serde(default = "handshake_panes")]
    pub panes: Vec<Pane>,
}

/// `kind = "fault"`: the same as `websocket`, against `/fault/NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The fault's name, the path after /fault/.
    pub name: String,
    /// See [`Websocket::key`].
    #[serde(default)]
    pub key: Option<String>,
    /// See [`Websocket::mask`].
    #[serde(default)]
    pub mask: Option<String>,
    /// See [`Websocket::send`].
    #[serde(default)]
    pub send: Vec<Send>,
    /// See [`Action::panes`].
    #[serde(default = "handshake_panes")]
    pub panes: Vec<Pane>,
}

/// One thing a WebSocket client sends: exactly one of the value fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Send {
    /// A text message.
    #[serde(default)]
    pub text: Option<String>,
    /// A binary message, as hex.
    #[serde(default)]
    pub binary: Option<String>,
    /// A binary message of this many generated bytes (0, 1, 2, … 255, 0, …).
    #[serde(default)]
    pub bytes: Option<u64>,
    /// A ping with this payload.
    #[serde(default)]
    pub ping: Option<String>,
    /// An unsolicited pong with this payload.
    #[serde(default)]
    pub pong: Option<String>,
    /// One text message split into these frames.
    #[serde(default)]
    pub fragments: Option<Vec<String>>,
    /// With `fragments`: send a ping with this payload after the first fragment.
    #[serde(default)]
    pub ping_between: Option<String>,
    /// A close frame with this status code.
    #[serde(default)]
    pub close: Option<u16>,
    /// With `close`: the reason.
    #[serde(default)]
    pub reason: Option<String>,
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
    /// How long each of the three ways runs, in seconds.
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

/// A question about the step.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Choice, typed or computed.
    pub kind: CheckKind,
    /// The question.
    pub question: String,
    /// For `choice`: the options.
    #[serde(default)]
    pub options: Vec<String>,
    /// For `choice`: the right option's number, from 1. For `typed`: the answer.
    #[serde(default)]
    pub answer: Option<Answer>,
    /// For `typed`, and optionally `computed`: how answers are compared.
    #[serde(default)]
    pub format: Option<Format>,
    /// For `computed`: where in the capture the answer is.
    #[serde(default)]
    pub compute: Option<Probe>,
    /// Shown once answered: why the answer is what it is.
    pub feedback: String,
    /// Shown one at a time on request.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Ask it before the step's actions run, so the learner predicts and the capture proves.
    #[serde(default)]
    pub predict: bool,
}

/// The three kinds of check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    /// Pick one of `options`.
    Choice,
    /// Type an answer written in the file.
    Typed,
    /// Type an answer read from the bytes just captured.
    Computed,
}

/// An answer written in the file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// A number: an option, or a numeric answer.
    Number(i64),
    /// Text, hex or a number written as text.
    Text(String),
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Number(n) => write!(f, "{n}"),
            Answer::Text(t) => f.write_str(t),
        }
    }
}

/// How a typed answer is compared with the right one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A whole number; decimal, or hex with 0x.
    Number,
    /// Bytes as hex; case, spaces and 0x do not matter.
    Hex,
    /// Text, compared exactly after trimming.
    Text,
}

impl Format {
    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Format::Number => "number",
            Format::Hex => "hex",
            Format::Text => "text",
        }
    }
}

/// Which side sent a frame or a head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum From {
    /// The client.
    Client,
    /// The server.
    Server,
}

impl From {
    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            From::Client => "client",
            From::Server => "server",
        }
    }
}

/// A frame field a check can ask about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    /// FIN, 0 or 1.
    Fin,
    /// RSV1, 0 or 1.
    Rsv1,
    /// The opcode as a number.
    Opcode,
    /// MASK, 0 or 1.
    Mask,
    /// The payload length.
    Length,
    /// The header's length in bytes.
    HeaderLength,
    /// The masking key, as hex.
    MaskingKey,
    /// The unmasked payload, as text.
    Payload,
    /// A close frame's status code.
    CloseCode,
}

impl Field {
    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Field::Fin => "fin",
            Field::Rsv1 => "rsv1",
            Field::Opcode => "opcode",
            Field::Mask => "mask",
            Field::Length => "length",
            Field::HeaderLength => "header-length",
            Field::MaskingKey => "masking-key",
            Field::Payload => "payload",
            Field::CloseCode => "close-code",
        }
    }
}

/// Where a computed answer is found in the capture. `action` is the step's action, from 1
/// (default: the last one that opened a connection); `frame` counts the frames `from` one
/// side, from 1.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "of", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Probe {
    /// Bytes of a frame as it crossed the wire, as hex.
    FrameBytes {
        /// Which side sent it.
        from: From,
        /// Which frame.
        frame: usize,
        /// The first byte, from 0.
        start: usize,
        /// How many bytes.
        #[serde(default = "one_usize")]
        len: usize,
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// One field of a frame.
    FrameField {
        /// Which side sent it.
        from: From,
        /// Which frame.
        frame: usize,
        /// Which field.
        field: Field,
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// How many frames one side sent.
    FrameCount {
        /// Which side.
        from: From,
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// The Sec-WebSocket-Accept for the key the client sent, derived here.
    Accept {
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// SHA-1 of the key the client sent plus the GUID, as hex.
    Sha1 {
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// A header's value as sent.
    Header {
        /// Which side sent it.
        from: From,
        /// The header's name, any case.
        name: String,
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// The response's status code.
    Status {
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// The size of a head in bytes, blank line included.
    HeadBytes {
        /// Which side sent it.
        from: From,
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
}

fn one_usize() -> usize {
    1
}

impl Probe {
    /// The action it reads, if the file names one.
    pub fn action(&self) -> Option<usize> {
        match self {
            Probe::FrameBytes { action, .. }
            | Probe::FrameField { action, .. }
            | Probe::FrameCount { action, .. }
            | Probe::Accept { action }
            | Probe::Sha1 { action }
            | Probe::Header { action, .. }
            | Probe::Status { action }
            | Probe::HeadBytes { action, .. } => *action,
        }
    }

    /// How answers to it are compared.
    pub fn format(&self) -> Format {
        match self {
            Probe::FrameBytes { .. } | Probe::Sha1 { .. } => Format::Hex,
            Probe::FrameField { field, .. } => match field {
                Field::MaskingKey => Format::Hex,
                Field::Payload => Format::Text,
                _ => Format::Number,
            },
            Probe::FrameCount { .. } | Probe::Status { .. } | Probe::HeadBytes { .. } => {
                Format::Number
            }
            Probe::Accept { .. } | Probe::Header { .. } => Format::Text,
        }
    }
}
