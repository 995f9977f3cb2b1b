//! JSON Lines: one object per event, in time order, for scripts. The events are `open`,
//! `http-head`, `frame`, `message` and `close`, and `tls-record` for each record under TLS.
//! Heads, frames and messages have the fields of `--json` (render/json.rs).
//!
//! Every line also has:
//! - `conn`, the connection's number;
//! - `direction` ("client-to-server" or "server-to-client") where there is one;
//! - `at_us`, µs since the capture began. Note that `--json`'s `at_us` counts from the
//!   connection's opening instead;
//! - `unix_us`, the wall-clock time in µs since the Unix epoch.

use serde::Serialize;
use serde_json::{Value, json};

use crate::capture::{Connection, Direction, Transcript};
use crate::proto::handshake::{check_request, check_response};
use crate::render::exchange::{Item, timeline};
use crate::render::json::{FrameJson, HeadJson, MessageJson};

/// The transcript as JSON Lines, one event a line. `base_unix_us` is the wall-clock time of
/// the transcript's zero (see the module `export`).
pub fn jsonl(t: &Transcript, base_unix_us: u64) -> String {
    let mut events: Vec<(u64, u8, Value)> = Vec::new();
    for connection in t.connections() {
        events.extend(of_connection(connection, base_unix_us));
    }
    // Stable: within one instant an open comes first and a close last, and a connection's
    // events keep the order `of_connection` gave them.
    events.sort_by_key(|(at, rank, _)| (*at, *rank));
    let mut out = String::new();
    for (_, _, event) in events {
        out.push_str(&event.to_string());
        out.push('\n');
    }
    out
}

fn of_connection(c: &Connection, base: u64) -> Vec<(u64, u8, Value)> {
    let conn = c.id.0;
    let stamp = |mut v: Value, at_us: u64, direction: Option<Direction>| {
        v["conn"] = json!(conn);
        v["at_us"] = json!(at_us);
        v["unix_us"] = json!(base.saturating_add(at_us));
        if let Some(d) = direction {
            v["direction"] = json!(d.name());
        }
        v
    };
    let mut events = vec![(
        c.opened_us,
        0,
        stamp(
            json!({
                "type": "open",
                "label": c.label,
                "client": c.client.map(|a| a.to_string()),
                "server": c.server.map(|a| a.to_string()),
            }),
            c.opened_us,
            None,
        ),
    )];
    for request in &c.requests().http {
        let head = HeadJson::new(&request.head, &check_request(&request.head));
        let at = request.at_us;
        events.push((
            at,
            1,
            stamp(value(&head), at, Some(Direction::ClientToServer)),
        ));
    }
    for (i, response) in c.responses().http.iter().enumerate() {
        let checks = c
            .request_for(i)
            .map(|r| check_response(&r.head, &response.head))
            .unwrap_or_default();
        let head = HeadJson::new(&response.head, &checks);
        let at = response.at_us;
        events.push((
            at,
            1,
            stamp(value(&head), at, Some(Direction::ServerToClient)),
        ));
    }
    for entry in timeline(c) {
        let item = match entry.what {
            Item::Frame(frame) => value(&FrameJson::new(frame, entry.direction.sender())),
            Item::Message(message) => value(&MessageJson::from(message)),
        };
        events.push((
            entry.at_us,
            1,
            stamp(item, entry.at_us, Some(entry.direction)),
        ));
    }
    if let Some(tls) = &c.tls {
        for d in Direction::BOTH {
            for sealed in &tls.flow(d).records {
                let r = &sealed.record;
                let record = json!({
                    "type": "tls-record",
                    "index": r.index,
                    "offset": r.offset,
                    "content_type": r.content_type.name(),
                    "version": r.version,
                    "length": r.length,
                    "summary": crate::render::tls::record_summary(r),
                    "carried": crate::render::tls::carried_note(c, d, r.index),
                });
                events.push((sealed.at_us, 1, stamp(record, sealed.at_us, Some(d))));
            }
        }
    }
    if let Some(at) = c.closed_us {
        let close = json!({ "type": "close", "error": c.error });
        events.push((at, 2, stamp(close, at, None)));
    }
    events
}

fn value(item: &impl Serialize) -> Value {
    // These shapes hold strings, numbers and lists only, which always serialize.
    serde_json::to_value(item).unwrap_or(Value::Null)
}
