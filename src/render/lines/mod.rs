//! JSON Lines, schema version 1 (docs/jsonl.md): the lines of a capture, made by one piece
//! of code for `proxy --no-tui` as the updates come and for `--save *.jsonl` afterwards, so
//! the same frame gives the same line in both. Each line is one object of render/json.rs
//! or below, its kind in `"type"`; `write` puts `"v"` in front.

mod close;

use serde::Serialize;

use super::json::{FrameJson, HeadJson, MessageJson, Stamp, versioned};
use super::refusal::BodyJson;
use crate::capture::{
    Connection, Direction, HttpMessage, Layer, Learned, PROXY_LABEL as PROXY, Transcript, Update,
};
use crate::proto::Derivation;
use crate::proto::handshake::{check_request, check_response};
use crate::proto::http::{Head, StartLine};
use crate::proto::tls::TlsRecord;
pub use close::CloseJson;
use close::close;

/// One line.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Line {
    /// `listening`: the proxy is listening.
    Listening(ListeningJson),
    /// `open`: a connection opened.
    Open(OpenJson),
    /// `http-head`: an HTTP head was complete.
    Head(Box<HeadJson>),
    /// `handshake`: the upgrade was answered.
    Handshake(Box<HandshakeJson>),
    /// `http`: a plain HTTP exchange was complete.
    Http(HttpJson),
    /// `frame`: a WebSocket frame crossed.
    Frame(Box<FrameJson>),
    /// `message`: a message was complete.
    Message(Box<MessageJson>),
    /// `tls-record`: a TLS record crossed, under the WebSocket.
    TlsRecord(TlsRecordJson),
    /// `http-body`: the body of an answer that refused an upgrade was complete.
    Body(Box<HttpBodyJson>),
    /// `close`: a connection ended.
    Close(CloseJson),
    /// `upstream-error`: the proxy's upstream failed a connection.
    UpstreamError(UpstreamErrorJson),
    /// `turned-away`: the proxy answered a client 503 at once.
    TurnedAway(TurnedAwayJson),
    /// `dropped`: the proxy's output fell behind and missed updates.
    Dropped(DroppedJson),
}

impl Line {
    // Where a line sorts in a saved capture: its time, then opens first and closes last.
    fn order(&self) -> (u64, u8) {
        let at = |s: &Stamp| s.at_us.unwrap_or(0);
        match self {
            Self::Open(o) => (at(&o.at), 0),
            Self::Close(c) => (at(&c.at), 2),
            Self::Head(h) => (at(&h.at), 1),
            Self::Handshake(h) => (at(&h.at), 1),
            Self::Http(h) => (at(&h.at), 1),
            Self::Frame(f) => (at(&f.at), 1),
            Self::Message(m) => (at(&m.at), 1),
            Self::TlsRecord(r) => (at(&r.at), 1),
            Self::Body(b) => (at(&b.at), 1),
            Self::UpstreamError(e) => (at(&e.at), 1),
            Self::Listening(_) | Self::TurnedAway(_) | Self::Dropped(_) => (0, 0),
        }
    }
}

/// The proxy is listening.
#[derive(Debug, Serialize)]
pub struct ListeningJson {
    /// Always "listening".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The address clients connect to.
    pub listen: String,
    /// Where it relays.
    pub upstream: String,
    /// With `--tls`: the certificate clients are served, and where its CA was saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<ListeningTlsJson>,
}

/// The certificate a proxy with `--tls` serves.
#[derive(Debug, Serialize)]
pub struct ListeningTlsJson {
    /// The CA's PEM file: what a client passes to `--ca`.
    pub ca: String,
    /// The server certificate's SHA-256 fingerprint, `AB:CD:…`.
    pub fingerprint: String,
}

/// A connection opened.
#[derive(Debug, Serialize)]
pub struct OpenJson {
    /// Always "open".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The connection and when it opened.
    #[serde(flatten)]
    pub at: Stamp,
    /// What opened it: "proxy", "connect", a lesson's connection name, …
    pub label: String,
    /// The client's address.
    pub client: Option<String>,
    /// The server's address.
    pub server: Option<String>,
}

/// The upgrade's answer: its status and what it agreed. Its heads are the `http-head`
/// lines before it.
#[derive(Debug, Serialize)]
pub struct HandshakeJson {
    /// Always "handshake".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The connection and when the answer's head was complete.
    #[serde(flatten)]
    pub at: Stamp,
    /// The answer's status (101 when the upgrade happened).
    pub status: u16,
    /// The Accept wslab derives from the request's key.
    pub accept_expected: Option<String>,
    /// The Accept the server sent.
    pub accept_received: Option<String>,
    /// Whether they match.
    pub accept_ok: bool,
    /// The subprotocol the server chose.
    pub subprotocol: Option<String>,
    /// The extensions the server accepted.
    pub extensions: Vec<String>,
}

/// A plain HTTP exchange.
#[derive(Debug, Serialize)]
pub struct HttpJson {
    /// Always "http".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The connection and when the answer was complete.
    #[serde(flatten)]
    pub at: Stamp,
    /// The request's method.
    pub method: String,
    /// The request's target.
    pub target: String,
    /// The answer's status.
    pub status: u16,
    /// Bytes of the request, head and body.
    pub request_bytes: u64,
    /// Bytes of the answer, head and body.
    pub response_bytes: u64,
}

/// The body of an answer that refused an upgrade (any status but 101): the server's words,
/// why it said no.
#[derive(Debug, Serialize)]
pub struct HttpBodyJson {
    /// Always "http-body".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The connection and when the body was complete.
    #[serde(flatten)]
    pub at: Stamp,
    /// Always "server-to-client".
    pub direction: &'static str,
    /// The answer's status.
    pub status: u16,
    /// The body: its length, text, hex, and whether they were cut.
    #[serde(flatten)]
    pub body: BodyJson,
}

/// A TLS record as an eavesdropper sees it.
#[derive(Debug, Serialize)]
pub struct TlsRecordJson {
    /// Always "tls-record".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The connection and when the record was complete.
    #[serde(flatten)]
    pub at: Stamp,
    /// "client-to-server" or "server-to-client".
    pub direction: &'static str,
    /// For a proxied connection, whose TLS session it belongs to: "client" (client ⇄
    /// proxy) or "upstream" (proxy ⇄ upstream). Each side has its own session; the
    /// WebSocket bytes inside are the same, shown once. Absent elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<&'static str>,
    /// Index within the direction.
    pub index: u64,
    /// Its offset in its direction's bytes on the wire.
    pub offset: u64,
    /// handshake, `application_data`, …
    pub content_type: &'static str,
    /// The record header's version field.
    pub version: u16,
    /// The body's length; the record is 5 bytes more.
    pub payload_len: u16,
    /// In words, as the text view shows it.
    pub summary: String,
    /// What the record carried, when known.
    pub carried: Option<String>,
}

/// The upstream failed a connection.
#[derive(Debug, Serialize)]
pub struct UpstreamErrorJson {
    /// Always "upstream-error".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The connection, if it was recorded, and when the proxy gave up on its upstream.
    #[serde(flatten)]
    pub at: Stamp,
    /// The client's address.
    pub client: Option<String>,
    /// A stable id, e.g. "refused".
    pub error: &'static str,
    /// The sentence, as sent to the client in the 502.
    pub message: String,
    /// Whether the proxy answered the client itself (`502 Bad Gateway`, `message` its
    /// body): the answer's lines that follow are the proxy's, not the upstream's. False when
    /// the upstream had begun answering, and the proxy could only close.
    pub proxy_answered: bool,
}

/// A client turned away at once, answered 503, and not recorded.
#[derive(Debug, Serialize)]
pub struct TurnedAwayJson {
    /// Always "turned-away".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The client's address.
    pub client: String,
    /// A stable id: "too-many-connections".
    pub error: &'static str,
    /// The sentence, as sent to the client in the 503.
    pub message: String,
}

/// Updates missed because the output fell behind the traffic.
#[derive(Debug, Serialize)]
pub struct DroppedJson {
    /// Always "dropped".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// How many.
    pub events: u64,
}

/// Writes one line, `"v"` first.
///
/// # Errors
/// When the output fails.
pub fn write(out: &mut impl std::io::Write, line: &Line) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, &versioned(line))?;
    out.write_all(b"\n")
}

/// The lines one update adds, read from the transcript. `base_unix_us` is the wall-clock
/// time of the capture's zero; payloads are shown up to `max` bytes.
pub fn of_update(t: &Transcript, update: Update, base_unix_us: u64, max: usize) -> Vec<Line> {
    picked(t, update, base_unix_us)
        .into_iter()
        .map(|p| p.line(max))
        .collect()
}

/// What one update's lines need, taken from the transcript: the frames and messages as
/// cloned values (their payloads are shared `Bytes`, so a clone is cheap), the rare rest as
/// finished lines. A live printer takes these while it holds the capture's lock and lays the
/// lines out after letting go, so that the relay, which records under the same lock, does not
/// wait on hex and JSON being written.
#[derive(Debug)]
pub enum Picked {
    /// A line already made.
    Made(Line),
    /// A frame, by its sender, to lay out.
    Frame(Box<crate::proto::Frame>, crate::proto::Side, Stamp),
    /// A message, by its sender, to lay out.
    Message(Box<crate::proto::Message>, crate::proto::Side, Stamp),
    /// A refusing answer's body, with the answer's status, to lay out.
    Body(Box<HttpMessage>, u16, Stamp),
}

impl Picked {
    /// The line, payload previews cut to `max` bytes.
    pub fn line(self, max: usize) -> Line {
        match self {
            Self::Made(line) => line,
            Self::Frame(frame, side, at) => Line::Frame(Box::new(
                FrameJson::new(&frame, side, at, max).without_fields(),
            )),
            Self::Message(message, side, at) => {
                Line::Message(Box::new(MessageJson::new(&message, side, at, max)))
            }
            Self::Body(response, status, at) => Line::Body(Box::new(HttpBodyJson {
                kind: "http-body",
                at,
                direction: Direction::ServerToClient.name(),
                status,
                body: BodyJson::new(&response, max),
            })),
        }
    }
}

/// What [`of_update`] makes lines of, without laying out frames and messages yet.
pub fn picked(t: &Transcript, update: Update, base_unix_us: u64) -> Vec<Picked> {
    let mut picked = Vec::new();
    let conn = match update {
        Update::Opened(c)
        | Update::Learned(c, ..)
        | Update::Ended(c, _)
        | Update::Failed(c)
        | Update::Closed(c) => c,
    };
    let Some(c) = t.connection(conn) else {
        return picked;
    };
    if let Update::Learned(
        _,
        direction,
        learned @ (Learned::Frame(index) | Learned::Message(index)),
    ) = update
    {
        let flow = c.flow(direction);
        let side = direction.sender();
        let stamp = |at_us: u64| Stamp::new(c.id.0, at_us, base_unix_us);
        if matches!(learned, Learned::Frame(_)) {
            if let Some(f) = find(&flow.frames, index, |f| f.item.index) {
                picked.push(Picked::Frame(
                    Box::new(f.item.clone()),
                    side,
                    stamp(f.at_us),
                ));
            }
        } else if let Some(m) = find(&flow.messages, index, |m| m.item.index) {
            picked.push(Picked::Message(
                Box::new(m.item.clone()),
                side,
                stamp(m.at_us),
            ));
        }
        return picked;
    }
    if let Update::Learned(_, Direction::ServerToClient, learned) = update
        && let Some(body) = refusal_body(c, learned, base_unix_us)
    {
        picked.push(body);
    }
    picked.extend(made(t, update, base_unix_us).into_iter().map(Picked::Made));
    picked
}

// The lines of the updates that are not frames or messages, made at once.
fn made(t: &Transcript, update: Update, base_unix_us: u64) -> Vec<Line> {
    let mut lines = Vec::new();
    let conn = match update {
        Update::Opened(c)
        | Update::Learned(c, ..)
        | Update::Ended(c, _)
        | Update::Failed(c)
        | Update::Closed(c) => c,
    };
    let Some(c) = t.connection(conn) else {
        return lines;
    };
    let stamp = |at_us: u64| Stamp::new(c.id.0, at_us, base_unix_us);
    match update {
        Update::Opened(_) => lines.push(Line::Open(OpenJson {
            kind: "open",
            at: stamp(c.opened_us),
            label: c.label.clone(),
            client: c.client.map(|a| a.to_string()),
            server: c.server.map(|a| a.to_string()),
        })),
        Update::Learned(_, direction, learned) => {
            learned_lines(c, direction, learned, &stamp, &mut lines);
        }
        Update::Ended(..) => {}
        Update::Failed(_) => lines.extend(c.upstream_failed.as_ref().map(|f| {
            Line::UpstreamError(UpstreamErrorJson {
                kind: "upstream-error",
                at: stamp(f.at_us),
                client: c.client.map(|a| a.to_string()),
                error: f.id,
                message: f.message.clone(),
                proxy_answered: f.answer_from.is_some(),
            })
        })),
        Update::Closed(_) => lines.push(Line::Close(close(c, stamp))),
    }
    lines
}

fn learned_lines(
    c: &Connection,
    direction: Direction,
    learned: Learned,
    stamp: &impl Fn(u64) -> Stamp,
    lines: &mut Vec<Line>,
) {
    match (direction, learned) {
        // Frames and messages are picked (see `picked`) and laid out by `Picked::line`.
        (_, Learned::Record(index)) => lines.extend(record(c, Layer::Tls, direction, index, stamp)),
        (_, Learned::UpstreamRecord(index)) => {
            lines.extend(record(c, Layer::UpstreamTls, direction, index, stamp));
        }
        (Direction::ClientToServer, Learned::Head(i)) => {
            if let Some(request) = c.requests().http.get(i) {
                let checks = check_request(&request.head);
                let head = HeadJson::new(&request.head, &checks, stamp(request.at_us));
                lines.push(Line::Head(Box::new(head)));
            }
        }
        (Direction::ServerToClient, Learned::Head(i) | Learned::Body(i)) => {
            answer(c, i, learned, stamp, lines);
        }
        _ => {}
    }
}

// A response's lines: its head when the head is complete, then the handshake it answers or,
// once the whole answer is in, the plain exchange.
fn answer(
    c: &Connection,
    i: usize,
    learned: Learned,
    stamp: &impl Fn(u64) -> Stamp,
    lines: &mut Vec<Line>,
) {
    let Some(response) = c.responses().http.get(i) else {
        return;
    };
    let request = c.request_for(i);
    if matches!(learned, Learned::Head(_)) {
        let checks = request
            .map(|r| check_response(&r.head, &response.head))
            .unwrap_or_default();
        let head = HeadJson::new(&response.head, &checks, stamp(response.at_us));
        lines.push(Line::Head(Box::new(head)));
    }
    let (Some(request), StartLine::Response { status, .. }) = (request, &response.head.start)
    else {
        return;
    };
    if is_upgrade(&request.head) {
        if matches!(learned, Learned::Head(_)) {
            lines.push(Line::Handshake(Box::new(handshake(
                request, response, *status, stamp,
            ))));
        }
        return;
    }
    // A head with no body is the whole answer; otherwise the body's end is.
    let whole = match learned {
        Learned::Head(_) => response.body_complete && response.body_len == 0,
        _ => response.body_complete,
    };
    let StartLine::Request { method, target, .. } = &request.head.start else {
        return;
    };
    if whole {
        lines.push(Line::Http(HttpJson {
            kind: "http",
            at: stamp(response.done_us.unwrap_or(response.at_us)),
            method: method.clone(),
            target: target.clone(),
            status: *status,
            request_bytes: request.wire_len(),
            response_bytes: response.wire_len(),
        }));
    }
}

// The body of an answer that refused an upgrade, once it is complete (a body that never ends
// is shown by `close`'s time only in the text and `--json` views, which read it whole).
fn refusal_body(c: &Connection, learned: Learned, base_unix_us: u64) -> Option<Picked> {
    let (Learned::Head(i) | Learned::Body(i)) = learned else {
        return None;
    };
    let refusal = super::refusal::refusal(c).filter(|r| r.index == i)?;
    let m = refusal.response;
    // Its own update says when the body is complete; a head with an empty body has none.
    let complete_now = match learned {
        Learned::Head(_) => false,
        _ => m.body_complete,
    };
    (complete_now && m.body_len > 0).then(|| {
        let at = Stamp::new(c.id.0, m.done_us.unwrap_or(m.at_us), base_unix_us);
        Picked::Body(Box::new(m.clone()), refusal.status, at)
    })
}

fn is_upgrade(head: &Head) -> bool {
    head.has_token("upgrade", "websocket")
}

fn handshake(
    request: &HttpMessage,
    response: &HttpMessage,
    status: u16,
    stamp: &impl Fn(u64) -> Stamp,
) -> HandshakeJson {
    let expected = request
        .head
        .header("sec-websocket-key")
        .map(|key| Derivation::new(key).accept);
    let received = response
        .head
        .header("sec-websocket-accept")
        .map(str::to_owned);
    HandshakeJson {
        kind: "handshake",
        at: stamp(response.at_us),
        status,
        accept_ok: expected.is_some() && expected == received,
        accept_expected: expected,
        accept_received: received,
        subprotocol: response
            .head
            .header("sec-websocket-protocol")
            .map(str::to_owned),
        extensions: response.head.tokens("sec-websocket-extensions"),
    }
}

fn record(
    c: &Connection,
    layer: Layer,
    direction: Direction,
    index: u64,
    stamp: &impl Fn(u64) -> Stamp,
) -> Option<Line> {
    let tls = c.tls_at(layer)?;
    let sealed = find(&tls.flow(direction).records, index, |s| s.record.index)?;
    Some(Line::TlsRecord(tls_record(
        c,
        layer,
        direction,
        &sealed.record,
        stamp(sealed.at_us),
    )))
}

/// The object of one TLS record of the layer at `layer`, as a line and in `connect --json`'s
/// `tls_records`.
pub fn tls_record(
    c: &Connection,
    layer: Layer,
    direction: Direction,
    r: &TlsRecord,
    at: Stamp,
) -> TlsRecordJson {
    // A proxied connection has two sides, each its own TLS session.
    let side = match layer {
        Layer::UpstreamTls => Some("upstream"),
        _ if c.label == PROXY => Some("client"),
        _ => None,
    };
    TlsRecordJson {
        kind: "tls-record",
        at,
        direction: direction.name(),
        side,
        index: r.index,
        offset: r.offset,
        content_type: r.content_type.name(),
        version: r.version,
        payload_len: r.length,
        summary: super::tls::record_summary(r),
        carried: super::tls::carried_note(c, layer, direction, r.index),
    }
}

// Items kept in index order, some perhaps let go of already: found by their index.
fn find<T>(items: &[T], index: u64, key: impl Fn(&T) -> u64) -> Option<&T> {
    let at = items.binary_search_by_key(&index, key).ok()?;
    items.get(at)
}

/// Every line of a whole capture, in time order: the updates it was built from, replayed
/// through [`of_update`], so a saved capture reads as the live lines did.
pub fn of_transcript(t: &Transcript, base_unix_us: u64) -> Vec<Line> {
    let mut lines = Vec::new();
    for c in t.connections() {
        for update in updates(c) {
            lines.extend(of_update(t, update, base_unix_us, usize::MAX));
        }
    }
    // Stable: at one instant an open comes first and a close last, and a connection's lines
    // keep the order its updates came in.
    lines.sort_by_key(Line::order);
    lines
}

// The updates that built a connection, a direction at a time; the sort above interleaves
// them by time.
fn updates(c: &Connection) -> Vec<Update> {
    let id = c.id;
    let mut all = vec![Update::Opened(id)];
    // The proxy gave up before the answer it gave in the upstream's place, and after what
    // the upstream had sent when it could only close.
    let failed = c.upstream_failed.as_ref().map(|f| f.answer_from.is_some());
    for direction in Direction::BOTH {
        if direction == Direction::ServerToClient && failed == Some(true) {
            all.push(Update::Failed(id));
        }
        let flow = c.flow(direction);
        let learned = |l| Update::Learned(id, direction, l);
        for (i, message) in flow.http.iter().enumerate() {
            all.push(learned(Learned::Head(i)));
            // A body that was empty and complete with its head has no update of its own.
            if !(message.body_complete && message.body_len == 0) {
                all.push(learned(Learned::Body(i)));
            }
        }
        // Each message right after the frame that completed it, as they came live.
        let mut messages = flow.messages.iter().peekable();
        for f in &flow.frames {
            all.push(learned(Learned::Frame(f.item.index)));
            while let Some(m) = messages.next_if(|m| m.item.last_frame <= f.item.index) {
                all.push(learned(Learned::Message(m.item.index)));
            }
        }
        all.extend(messages.map(|m| learned(Learned::Message(m.item.index))));
        if let Some(tls) = &c.tls {
            let records = &tls.flow(direction).records;
            all.extend(
                records
                    .iter()
                    .map(|s| learned(Learned::Record(s.record.index))),
            );
        }
        if let Some(tls) = &c.upstream_tls {
            let records = &tls.flow(direction).records;
            all.extend(
                records
                    .iter()
                    .map(|s| learned(Learned::UpstreamRecord(s.record.index))),
            );
        }
    }
    if failed == Some(false) {
        all.push(Update::Failed(id));
    }
    if c.closed_us.is_some() {
        all.push(Update::Closed(id));
    }
    all
}
