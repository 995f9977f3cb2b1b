//! Captures made by hand, for the screens to draw: real protocol bytes (RFC 6455's sample key
//! and its Accept, frames from `wslab::proto::encode` with §5.7's masking key) recorded into a
//! `Transcript` at explicit times and addresses, so that every screen repeats byte for byte
//! and no test needs a socket, a clock or a mask over its text.

use std::net::SocketAddr;
use std::sync::Arc;

use wslab::app::keymap::Key;
use wslab::app::progress::Progress;
use wslab::app::{App, Effect, Mode, Msg, update};
use wslab::capture::{ConnId, Direction, Layer, Limits, Snapshot, Transcript};
use wslab::cmd::lessons::library;
use wslab::lesson::outcome::ActionRun;
use wslab::proto::OpCode;
use wslab::proto::encode::{FrameSpec, encode};

use crate::wss_capture;

pub const UP: Direction = Direction::ClientToServer;
pub const DOWN: Direction = Direction::ServerToClient;

/// RFC 6455 §1.3's sample key, and the Accept it derives.
pub const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
pub const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
/// RFC 6455 §5.7's masking key.
pub const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// Where the lab (or the upstream) listens in these captures.
pub const SERVER: &str = "127.0.0.1:9001";
/// Where the proxy listens in the proxy view's captures.
pub const PROXY: &str = "127.0.0.1:8080";

pub fn addr(text: &str) -> SocketAddr {
    text.parse().expect("an address")
}

/// A client's address on loopback, from its port.
pub fn client(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// An upgrade request as wslab's client writes it (tungstenite's header order).
pub fn request(host: &str, path: &str) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {KEY}\r\n\r\n"
    )
    .into_bytes()
}

/// The 101 as the lab writes it (tungstenite's lower-case names), with `accept`.
pub fn switching(accept: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: websocket\r\n\
         sec-websocket-accept: {accept}\r\n\r\n"
    )
    .into_bytes()
}

/// A plain-text answer as the lab's and the proxy's refusals write it.
pub fn refusal(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// One frame from the client (masked with `MASK`) or the server (unmasked).
pub fn frame(direction: Direction, opcode: OpCode, payload: &[u8]) -> Vec<u8> {
    let mask = (direction == UP).then_some(MASK);
    encode(FrameSpec::new(opcode, mask), payload)
}

/// A close frame's payload: the code, then the reason.
pub fn close_payload(code: u16, reason: &str) -> Vec<u8> {
    let mut out = code.to_be_bytes().to_vec();
    out.extend_from_slice(reason.as_bytes());
    out
}

/// One connection being written, with its clock: each step is recorded `at_us`.
pub struct Conn<'a> {
    pub t: &'a mut Transcript,
    pub id: ConnId,
}

impl Conn<'_> {
    /// Bytes one way at `at_us`.
    pub fn bytes(&mut self, direction: Direction, at_us: u64, bytes: &[u8]) -> &mut Self {
        self.t.record(self.id, direction, at_us, bytes);
        self
    }

    /// One frame one way at `at_us`.
    pub fn frame(
        &mut self,
        direction: Direction,
        at_us: u64,
        opcode: OpCode,
        payload: &[u8],
    ) -> &mut Self {
        self.bytes(direction, at_us, &frame(direction, opcode, payload))
    }

    /// The request at `at_us` and the 101 that answers it 350 µs later.
    pub fn upgrade(&mut self, at_us: u64, host: &str, path: &str) -> &mut Self {
        self.bytes(UP, at_us, &request(host, path));
        self.bytes(DOWN, at_us + 350, &switching(ACCEPT))
    }

    /// A close each way, 1000 with no reason as wslab's client sends it, then both ends.
    pub fn closes(&mut self, at_us: u64) -> &mut Self {
        let payload = close_payload(1000, "");
        self.frame(UP, at_us, OpCode::Close, &payload);
        self.frame(DOWN, at_us + 180, OpCode::Close, &payload);
        self.t.close(self.id, at_us + 400, None);
        self
    }
}

/// Opens a connection from `from` to `to` at `at_us`.
pub fn open<'a>(
    t: &'a mut Transcript,
    label: &str,
    from: SocketAddr,
    to: SocketAddr,
    at_us: u64,
) -> Conn<'a> {
    let (id, _) = t
        .open(label, Some(from), Some(to), at_us)
        .expect("room for a connection");
    Conn { t, id }
}

/// An empty transcript with the default limits.
pub fn transcript() -> Transcript {
    Transcript::new(Limits::default())
}

/// What a frozen transcript looks like to a screen.
pub fn snapshot(t: Transcript) -> Arc<Snapshot> {
    Arc::new(Snapshot::from(t))
}

/// A copy of the transcript as it is now, for a screen, while the test records on.
pub fn now(t: &Transcript) -> Arc<Snapshot> {
    Arc::new(Snapshot::of(t))
}

/// Lessons 6 and 7's first step, as the runner plays it: "Hello" masked with §5.7's key to
/// /echo, the unmasked echo, and a close each way.
pub fn echo_hello(t: &mut Transcript) -> ConnId {
    let mut c = open(t, "client", client(50_312), addr(SERVER), 1_000);
    c.upgrade(1_100, SERVER, "/echo")
        .frame(UP, 2_000, OpCode::Text, b"Hello")
        .frame(DOWN, 2_210, OpCode::Text, b"Hello")
        .closes(3_000);
    c.id
}

/// "Hello" and its echo, a ping "hb" and its pong: what `wslab inspect` has after the two
/// sends, the connection still open.
pub fn hello_and_ping(c: &mut Conn<'_>, at_us: u64) {
    c.frame(UP, at_us, OpCode::Text, b"Hello")
        .frame(DOWN, at_us + 210, OpCode::Text, b"Hello")
        .frame(UP, at_us + 1_000, OpCode::Ping, b"hb")
        .frame(DOWN, at_us + 1_180, OpCode::Pong, b"hb");
}

/// The pasted wss:// exchange as the proxy records it with TLS on both sides: the plaintext
/// once, the ciphertext as the client's side and, 150 µs later each, as the upstream's. The
/// one pasted session stands in for both, which a real proxy's two sessions never are (other
/// keys): what is drawn here is where each side's records go, not their bytes.
pub fn wss_proxied(t: &mut Transcript) -> ConnId {
    let (id, _) = t
        .open("proxy", Some(client(50_315)), Some(addr(PROXY)), 0)
        .expect("room");
    for chunk in wss_capture::CHUNKS {
        let bytes = hex::decode(chunk.hex).expect("hex");
        if chunk.layer == Layer::App {
            t.record(id, chunk.direction, chunk.at_us, &bytes);
        } else {
            t.record_tls(Layer::Tls, id, chunk.direction, chunk.at_us, &bytes);
            let later = chunk.at_us + 150;
            t.record_tls(Layer::UpstreamTls, id, chunk.direction, later, &bytes);
        }
    }
    id
}

/// The pasted wss:// exchange (see `wss_capture`), both layers, replayed at its own times.
pub fn wss_hello(t: &mut Transcript) -> ConnId {
    let (id, _) = t
        .open(
            "inspect",
            Some(client(50_314)),
            Some(addr("127.0.0.1:35637")),
            0,
        )
        .expect("room");
    for chunk in wss_capture::CHUNKS {
        let bytes = hex::decode(chunk.hex).expect("hex");
        match chunk.layer {
            layer @ (wslab::capture::Layer::Tls | wslab::capture::Layer::UpstreamTls) => {
                t.record_tls(layer, id, chunk.direction, chunk.at_us, &bytes)
            }
            wslab::capture::Layer::App => t.record(id, chunk.direction, chunk.at_us, &bytes),
        };
    }
    id
}

/// The shipped lessons, with no progress.
pub fn app(mode: Mode) -> App {
    let lib = library(None).expect("the shipped lessons load");
    let numbers = lib.lessons.iter().map(|l| lib.number(l)).collect();
    App::new(
        lib.lessons.clone(),
        numbers,
        lib.order.len(),
        Progress::default(),
        mode,
    )
}

pub fn index_of(app: &App, id: &str) -> usize {
    app.lessons
        .iter()
        .position(|l| l.id == id)
        .expect("a shipped lesson")
}

/// As the terminal loop does for a lesson: the lab is up, step 1's one action ran and
/// opened `conns`, and the capture is handed over before the next draw.
pub fn first_step_ran(app: &mut App, lesson: usize, capture: Arc<Snapshot>, conns: Vec<ConnId>) {
    update(
        app,
        Msg::Started {
            lesson,
            capture: Arc::default(),
        },
    );
    let runs = vec![ActionRun {
        conns,
        ..ActionRun::default()
    }];
    update(
        app,
        Msg::Ran {
            lesson,
            step: 0,
            runs,
        },
    );
    update(app, Msg::Captured { lesson, capture });
}

/// `lesson` opened at its first step, run over [`echo_hello`].
pub fn lesson_after_hello(mode: Mode, lesson: &str) -> App {
    let mut a = app(mode);
    let index = index_of(&a, lesson);
    a.open(index);
    let mut t = transcript();
    let conn = echo_hello(&mut t);
    first_step_ran(&mut a, index, snapshot(t), vec![conn]);
    a
}

/// Presses `keys` in turn on the lessons' app; returns every effect asked for.
pub fn keys(app: &mut App, keys: &[Key]) -> Vec<Effect> {
    keys.iter()
        .flat_map(|k| update(app, Msg::Key(*k)))
        .collect()
}
