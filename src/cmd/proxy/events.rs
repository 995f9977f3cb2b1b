//! The JSON Lines of `wslab proxy --no-tui`: one object per event, its kind in `"event"`.
//! Field names are a promise to scripts (README, "wslab proxy"): add, never rename.

use std::io::{self, Write};

use data_encoding::HEXLOWER;
use serde::Serialize;

use crate::capture::{ConnId, Connection, Direction, Learned, Transcript, Update};
use crate::proto::handshake::{check_request, check_response};
use crate::proto::http::{Head, StartLine};
use crate::proto::{Derivation, Frame, Inflated};
use crate::render::json::{HeadJson, InflatedJson, ViolationJson, utf8_prefix};

/// One line of output.
#[derive(Debug, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// The proxy is listening.
    Listening {
        /// The address clients connect to.
        listen: String,
        /// Where it relays.
        upstream: String,
    },
    /// A client connected.
    Open {
        /// The connection's number.
        conn: u64,
        /// µs since the proxy started.
        at_us: u64,
        /// The client's address.
        client: Option<String>,
    },
    /// The upgrade's request and answer.
    Handshake(Box<Handshake>),
    /// A plain HTTP exchange, relayed.
    Http {
        /// The connection's number.
        conn: u64,
        /// µs since the proxy started, when the answer was complete.
        at_us: u64,
        /// The request's method.
        method: String,
        /// The request's target.
        target: String,
        /// The answer's status.
        status: u16,
        /// Bytes of the request, head and body.
        request_bytes: u64,
        /// Bytes of the answer, head and body.
        response_bytes: u64,
    },
    /// A WebSocket frame, as it crossed.
    Frame(Box<FrameEvent>),
    /// A connection ended.
    Close(CloseEvent),
    /// The upstream failed a connection.
    UpstreamError {
        /// The connection's number, if it was recorded.
        conn: Option<u64>,
        /// The client's address.
        client: Option<String>,
        /// A stable id, e.g. "refused".
        error: &'static str,
        /// The sentence, as sent to the client in the 502.
        message: String,
    },
    /// A client turned away at once, answered 503, and not recorded.
    TurnedAway {
        /// The client's address.
        client: String,
        /// A stable id: "too-many-connections".
        error: &'static str,
        /// The sentence, as sent to the client in the 503.
        message: String,
    },
    /// Updates missed because this output fell behind the traffic.
    Dropped {
        /// How many.
        events: u64,
    },
}

/// The handshake event.
#[derive(Debug, Serialize)]
pub struct Handshake {
    /// The connection's number.
    pub conn: u64,
    /// µs since the proxy started, when the answer's head was complete.
    pub at_us: u64,
    /// The request head: start line, headers, and the rules it passed or failed.
    pub request: HeadJson,
    /// The answer head, likewise.
    pub response: HeadJson,
    /// The answer's status (101 when the upgrade happened).
    pub status: u16,
    /// The Accept wslab derives from the request's key.
    pub accept_expected: Option<String>,
    /// The Accept the server sent.
    pub accept_received: Option<String>,
    /// Whether they match: ✓ or ✗.
    pub accept_ok: bool,
    /// The subprotocol the server chose.
    pub subprotocol: Option<String>,
    /// The extensions the server accepted.
    pub extensions: Vec<String>,
}

/// The frame event.
// The header's flags are booleans on the wire; the JSON mirrors them one for one.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Serialize)]
pub struct FrameEvent {
    /// The connection's number.
    pub conn: u64,
    /// "client-to-server" or "server-to-client".
    pub direction: &'static str,
    /// Index within its direction.
    pub index: u64,
    /// µs since the proxy started, when its last byte crossed.
    pub at_us: u64,
    /// FIN.
    pub fin: bool,
    /// RSV1.
    pub rsv1: bool,
    /// RSV2.
    pub rsv2: bool,
    /// RSV3.
    pub rsv3: bool,
    /// The opcode's value.
    pub opcode: u8,
    /// Its name.
    pub opcode_name: &'static str,
    /// MASK.
    pub masked: bool,
    /// The declared payload length.
    pub length: u64,
    /// The header's bytes, as hex.
    pub header_hex: String,
    /// The payload (unmasked) as hex, up to `--max-payload` bytes.
    pub payload_hex: String,
    /// The same, as text, when it is UTF-8.
    pub payload_text: Option<String>,
    /// Whether the preview holds less than the payload.
    pub preview_truncated: bool,
    /// The rules it breaks, each with its RFC 6455 section.
    pub violations: Vec<ViolationJson>,
    /// On the frame that completes a permessage-deflate message: what the message inflated
    /// to, up to `--max-payload` bytes (display only; the relayed bytes are untouched).
    #[serde(flatten)]
    pub inflated: InflatedJson,
}

/// The close event.
#[derive(Debug, Serialize)]
pub struct CloseEvent {
    /// The connection's number.
    pub conn: u64,
    /// µs since the proxy started.
    pub at_us: u64,
    /// Whose side ended first: "client" or "server"; "proxy" when the proxy stopped with
    /// the connection open.
    pub by: &'static str,
    /// The first close frame's code, if one crossed.
    pub code: Option<u16>,
    /// Its reason.
    pub reason: Option<String>,
    /// Bytes from the client.
    pub bytes_client_to_server: u64,
    /// Bytes from the server.
    pub bytes_server_to_client: u64,
    /// Frames not kept, the capture's frame limit being reached (--max-frames).
    pub frames_dropped: u64,
    /// Why it ended, if a socket or the upstream failed.
    pub error: Option<String>,
}

/// Turns the recorder's updates into events, reading the transcript. Frame payloads are
/// shown up to `max_payload` bytes.
pub fn events(t: &Transcript, update: Update, max_payload: usize) -> Vec<Event> {
    match update {
        Update::Opened(conn) => t
            .connection(conn)
            .map(|c| Event::Open {
                conn: conn.0,
                at_us: c.opened_us,
                client: c.client.map(|a| a.to_string()),
            })
            .into_iter()
            .collect(),
        Update::Learned(conn, direction, learned) => t
            .connection(conn)
            .and_then(|c| learned_event(c, direction, learned, max_payload))
            .into_iter()
            .collect(),
        Update::Ended(..) => Vec::new(),
        Update::Closed(conn) => t.connection(conn).map(close).into_iter().collect(),
    }
}

fn learned_event(
    c: &Connection,
    direction: Direction,
    learned: Learned,
    max_payload: usize,
) -> Option<Event> {
    match (direction, learned) {
        (_, Learned::Frame(index)) => {
            let flow = c.flow(direction);
            let at = flow
                .frames
                .binary_search_by_key(&index, |f| f.item.index)
                .ok()?;
            let timed = &flow.frames[at];
            let mut event = frame(c.id, direction, timed.at_us, &timed.item, max_payload);
            event.inflated = InflatedJson::new(inflated_by(flow, index), max_payload);
            Some(Event::Frame(Box::new(event)))
        }
        (Direction::ServerToClient, Learned::Head(index) | Learned::Body(index)) => {
            let response = c.responses().http.get(index)?;
            let request = c.request_for(index)?;
            let StartLine::Response { status, .. } = response.head.start else {
                return None;
            };
            if is_upgrade(&request.head) {
                return matches!(learned, Learned::Head(_))
                    .then(|| handshake(c.id, request, response, status));
            }
            // A head with no body is the whole answer; otherwise the body's end is.
            let whole = match learned {
                Learned::Head(_) => response.body_complete && response.body_len == 0,
                _ => response.body_complete,
            };
            if !whole {
                return None;
            }
            let StartLine::Request { method, target, .. } = &request.head.start else {
                return None;
            };
            Some(Event::Http {
                conn: c.id.0,
                at_us: response.done_us.unwrap_or(response.at_us),
                method: method.clone(),
                target: target.clone(),
                status,
                request_bytes: request.wire_len(),
                response_bytes: response.wire_len(),
            })
        }
        _ => None,
    }
}

fn is_upgrade(head: &Head) -> bool {
    head.has_token("upgrade", "websocket")
}

fn handshake(
    conn: ConnId,
    request: &crate::capture::HttpMessage,
    response: &crate::capture::HttpMessage,
    status: u16,
) -> Event {
    let expected = request
        .head
        .header("sec-websocket-key")
        .map(|key| Derivation::new(key).accept);
    let received = response
        .head
        .header("sec-websocket-accept")
        .map(str::to_owned);
    Event::Handshake(Box::new(Handshake {
        conn: conn.0,
        at_us: response.at_us,
        request: HeadJson::new(&request.head, &check_request(&request.head)),
        response: HeadJson::new(
            &response.head,
            &check_response(&request.head, &response.head),
        ),
        status,
        accept_ok: expected.is_some() && expected == received,
        accept_expected: expected,
        accept_received: received,
        subprotocol: response
            .head
            .header("sec-websocket-protocol")
            .map(str::to_owned),
        extensions: response.head.tokens("sec-websocket-extensions"),
    }))
}

fn frame(
    conn: ConnId,
    direction: Direction,
    at_us: u64,
    f: &Frame,
    max_payload: usize,
) -> FrameEvent {
    let shown = &f.payload[..f.payload.len().min(max_payload)];
    let rsv = f.header.rsv();
    let opcode = f.header.opcode();
    FrameEvent {
        conn: conn.0,
        direction: direction.name(),
        index: f.index,
        at_us,
        fin: f.header.fin(),
        rsv1: rsv.has(1),
        rsv2: rsv.has(2),
        rsv3: rsv.has(3),
        opcode: opcode.bits(),
        opcode_name: opcode.name(),
        masked: f.header.masked(),
        length: f.payload_len(),
        header_hex: HEXLOWER.encode(f.header.bytes()),
        payload_hex: HEXLOWER.encode(shown),
        payload_text: utf8_prefix(shown),
        preview_truncated: (shown.len() as u64) < f.payload_len(),
        violations: f.violations.iter().map(ViolationJson::from).collect(),
        inflated: InflatedJson::default(),
    }
}

// What the compressed message the frame `index` completed inflated to, if it did complete one.
fn inflated_by(flow: &crate::capture::Flow, index: u64) -> Option<&Inflated> {
    let at = flow
        .messages
        .binary_search_by_key(&index, |m| m.item.last_frame)
        .ok()?;
    flow.messages[at].item.inflated.as_ref()
}

fn close(c: &Connection) -> Event {
    let (requests, responses) = (c.requests(), c.responses());
    let first_close = [requests, responses]
        .into_iter()
        .flat_map(|flow| flow.messages.iter())
        .filter_map(|m| m.item.close.as_ref().map(|close| (m.at_us, close)))
        .min_by_key(|(at, _)| *at)
        .map(|(_, close)| close);
    // The side whose bytes stopped first closed; a reset ends both at once, on the side
    // that reset. Both ending as the connection closed, with no error, is the proxy's own
    // doing: it stopped (Ctrl-C) with the connection still open.
    let by = match (requests.ended_us, responses.ended_us) {
        (Some(up), Some(down)) if down < up => "server",
        (Some(up), Some(down)) if up == down && Some(up) == c.closed_us && c.error.is_none() => {
            "proxy"
        }
        (None, Some(_)) => "server",
        _ => "client",
    };
    Event::Close(CloseEvent {
        conn: c.id.0,
        at_us: c.closed_us.unwrap_or(c.opened_us),
        by,
        code: first_close.and_then(|close| close.code),
        reason: first_close
            .map(|close| close.reason.clone())
            .filter(|r| !r.is_empty()),
        bytes_client_to_server: requests.bytes,
        bytes_server_to_client: responses.bytes,
        frames_dropped: requests.frames_dropped + responses.frames_dropped,
        error: c.error.clone(),
    })
}

/// Writes one event as a line.
///
/// # Errors
/// When the output fails.
pub fn write(out: &mut impl Write, event: &Event) -> io::Result<()> {
    serde_json::to_writer(&mut *out, event)?;
    out.write_all(b"\n")
}
