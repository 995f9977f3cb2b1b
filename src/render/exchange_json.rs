//! A captured connection as one JSON object, for scripts: `connect --json`. Its heads,
//! frames, messages and TLS records are the very objects of the JSON Lines (render/lines/),
//! times included: µs since the capture began.

use serde::Serialize;

use super::exchange::{Item, timeline};
use super::json::{AcceptJson, FrameJson, HeadJson, MessageJson, Stamp};
use super::lines::{TlsRecordJson, tls_record};
use crate::capture::timing::RoundTrips;
use crate::capture::{Connection, Direction, Layer};
use crate::proto::Derivation;
use crate::proto::handshake::{check_request, check_response};

/// The whole connection.
#[derive(Debug, Serialize)]
pub struct ExchangeJson {
    /// The client's address.
    pub client: Option<String>,
    /// The server's address.
    pub server: Option<String>,
    /// The request head and its rules.
    pub request: Option<HeadJson>,
    /// The Accept derivation, compared with the server's value.
    pub accept: Option<AcceptJson>,
    /// The response head and its rules.
    pub response: Option<HeadJson>,
    /// The body of an answer that refused the upgrade (any status but 101): the server's
    /// words; null otherwise.
    pub response_body: Option<super::refusal::BodyJson>,
    /// Every frame, both directions, in the order they crossed.
    pub frames: Vec<FrameJson>,
    /// Every message, both directions.
    pub messages: Vec<MessageJson>,
    /// Byte counts each way.
    pub bytes: BytesJson,
    /// Measured round trips, in µs.
    pub round_trips_us: RoundTripsJson,
    /// Why the bytes stopped making sense, per direction.
    pub problems: Vec<String>,
    /// Why the exchange failed, in one sentence, if it did.
    pub error: Option<String>,
    /// The self-check's verdict, in one sentence, once it has run.
    pub self_check: Option<String>,
    /// What `connect` waited for after its sends and before its close, and what came, in one
    /// sentence; `null` where nothing was sent by a script.
    pub waited: Option<String>,
    /// For wss://, the TLS records as they crossed the wire, both directions in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_records: Option<Vec<TlsRecordJson>>,
}

fn tls_records(connection: &Connection, base_unix_us: u64) -> Option<Vec<TlsRecordJson>> {
    let tls = connection.tls.as_ref()?;
    let stamp = |at_us| Stamp::new(connection.id.0, at_us, base_unix_us);
    let mut records: Vec<TlsRecordJson> = Direction::BOTH
        .iter()
        .flat_map(|&d| {
            tls.flow(d)
                .records
                .iter()
                .map(move |s| tls_record(connection, Layer::Tls, d, &s.record, stamp(s.at_us)))
        })
        .collect();
    records.sort_by_key(|r| r.at.at_us);
    Some(records)
}

/// `connect --json` when no connection opened: only why.
#[derive(Debug, Serialize)]
pub struct FailedJson {
    /// The sentence.
    pub error: Option<String>,
}

/// Bytes each way.
#[derive(Debug, Serialize)]
pub struct BytesJson {
    /// Client to server, in all.
    pub client_to_server: u64,
    /// Server to client, in all.
    pub server_to_client: u64,
}

/// Round trips in µs.
#[derive(Debug, Serialize)]
pub struct RoundTripsJson {
    /// Request to response head.
    pub handshake: Option<u64>,
    /// Each ping to its pong.
    pub pings: Vec<u64>,
    /// Each message to the next one back.
    pub replies: Vec<u64>,
}

impl ExchangeJson {
    /// The JSON shape of a connection; `base_unix_us` is the wall-clock time of the
    /// capture's zero.
    pub fn new(connection: &Connection, base_unix_us: u64) -> Self {
        let request = connection.requests().http.first();
        let response = connection.responses().http.first();
        let accept = request
            .and_then(|r| r.head.header("sec-websocket-key"))
            .map(|key| {
                let d = Derivation::new(key);
                let compared = response
                    .and_then(|r| r.head.header("sec-websocket-accept"))
                    .map(|got| d.compare(got));
                AcceptJson::new(&d, false, compared.as_ref())
            });
        let stamp = |at_us| Stamp::new(connection.id.0, at_us, base_unix_us);
        let mut frames = Vec::new();
        let mut messages = Vec::new();
        for entry in timeline(connection) {
            let (side, at) = (entry.direction.sender(), stamp(entry.at_us));
            match entry.what {
                Item::Frame(f) => frames.push(FrameJson::new(f, side, at, usize::MAX)),
                Item::Message(m) => messages.push(MessageJson::new(m, side, at, usize::MAX)),
            }
        }
        let mut problems = Vec::new();
        for direction in Direction::BOTH {
            let flow = connection.flow(direction);
            problems.extend(flow.problem.as_ref().map(ToString::to_string));
            if let Some(stopped) = flow.stopped() {
                let who = direction.name();
                problems.push(format!("{who}: {}", stopped.incomplete));
                problems.extend(
                    stopped
                        .violations
                        .iter()
                        .map(|v| format!("{who}: RFC 6455 §{}: {v}", v.section())),
                );
            }
        }
        let trips = RoundTrips::of(connection);
        Self {
            client: connection.client.map(|a| a.to_string()),
            server: connection.server.map(|a| a.to_string()),
            request: request
                .map(|r| HeadJson::new(&r.head, &check_request(&r.head), stamp(r.at_us))),
            accept,
            response: match (request, response) {
                (Some(req), Some(resp)) => Some(HeadJson::new(
                    &resp.head,
                    &check_response(&req.head, &resp.head),
                    stamp(resp.at_us),
                )),
                (None, Some(resp)) => Some(HeadJson::new(&resp.head, &[], stamp(resp.at_us))),
                _ => None,
            },
            response_body: super::refusal::refusal(connection)
                .filter(|r| r.response.body_len > 0)
                .map(|r| super::refusal::BodyJson::new(r.response, usize::MAX)),
            frames,
            messages,
            bytes: BytesJson {
                client_to_server: connection.requests().bytes,
                server_to_client: connection.responses().bytes,
            },
            round_trips_us: RoundTripsJson {
                handshake: trips.handshake_us,
                pings: trips.pings,
                replies: trips.replies,
            },
            problems,
            error: None,
            self_check: None,
            waited: None,
            tls_records: tls_records(connection, base_unix_us),
        }
    }
}
