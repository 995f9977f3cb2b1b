//! HTTP Archive 1.2, as the Chrome developer tools export it: one entry per HTTP exchange, and one per
//! WebSocket connection whose request and response are the upgrade, with
//! `_resourceType: "websocket"` and `_webSocketMessages`.
//!
//! wslab hides nothing, so `_webSocketMessages` holds the control messages too (close 8,
//! ping 9, pong 10), where Chrome shows only data. `data` is text for opcode 1 and base64 for
//! every other opcode, as Chrome writes binary messages; a message longer than its preview
//! carries `_truncated: true` and its true `_length`.
//!
//! A permessage-deflate message that inflated carries the inflated payload as `data`, as
//! Chrome shows it, with `_compressedLength` for what crossed the wire; one that did not
//! keeps the wire bytes and says why in `_inflateNote`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

use crate::capture::{Connection, Direction, HttpMessage, Transcript};
use crate::proto::http::{Head, StartLine};
use crate::proto::{Inflated, Message, OpCode};

/// The transcript as a HAR 1.2 document. `base_unix_us` is the wall-clock time of the
/// transcript's zero (see the module `export`).
pub fn har(t: &Transcript, base_unix_us: u64) -> String {
    let mut entries: Vec<(u64, Value)> = Vec::new();
    for connection in t.connections() {
        let responses = &connection.responses().http;
        let mut answered = 0;
        for (i, response) in responses.iter().enumerate() {
            if let Some(request) = connection.request_for(i) {
                answered += 1;
                let entry = Entry {
                    connection,
                    request,
                    response: Some(response),
                    base: base_unix_us,
                };
                entries.push((request.at_us, entry.to_json()));
            }
        }
        // Requests never answered are entries too, with status 0, as browsers write them.
        for request in connection.requests().http.iter().skip(answered) {
            let entry = Entry {
                connection,
                request,
                response: None,
                base: base_unix_us,
            };
            entries.push((request.at_us, entry.to_json()));
        }
    }
    entries.sort_by_key(|(at, _)| *at);
    let doc = json!({
        "log": {
            "version": "1.2",
            "creator": { "name": "wslab", "version": env!("CARGO_PKG_VERSION") },
            "pages": [],
            "entries": entries.into_iter().map(|(_, e)| e).collect::<Vec<_>>(),
        }
    });
    // A `Value` always serializes; the fallback only keeps this function total.
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

struct Entry<'a> {
    connection: &'a Connection,
    request: &'a HttpMessage,
    response: Option<&'a HttpMessage>,
    base: u64,
}

impl Entry<'_> {
    fn to_json(&self) -> Value {
        let upgraded = self.response.is_some_and(|r| {
            matches!(r.head.start, StartLine::Response { status: 101, .. })
                && self.connection.responses().is_upgraded()
        });
        let sent = self.request.at_us;
        let answered = self.response.map_or(sent, |r| r.at_us);
        let done = self.response.map_or(sent, |r| r.done_us.unwrap_or(r.at_us));
        let wait = ms(answered.saturating_sub(sent));
        let receive = ms(done.saturating_sub(answered));
        let mut entry = json!({
            "startedDateTime": iso8601(self.base.saturating_add(sent)),
            "time": wait + receive,
            "request": self.request_json(upgraded),
            "response": self.response_json(),
            "cache": {},
            "timings": { "blocked": -1, "dns": -1, "connect": -1, "ssl": -1,
                         "send": 0, "wait": wait, "receive": receive },
            "connection": self.connection.id.0.to_string(),
            "_resourceType": if upgraded { "websocket" } else { "other" },
        });
        if let Some(server) = self.connection.server {
            entry["serverIPAddress"] = json!(server.ip().to_string());
        }
        if upgraded {
            entry["_webSocketMessages"] = Value::Array(self.messages());
        }
        entry
    }

    fn request_json(&self, upgraded: bool) -> Value {
        let head = &self.request.head;
        let (method, target, minor) = match &head.start {
            StartLine::Request {
                method,
                target,
                minor_version,
            } => (method.as_str(), target.as_str(), *minor_version),
            StartLine::Response { .. } => ("", "", 1),
        };
        let host = head
            .header("host")
            .map(str::to_owned)
            .or_else(|| self.connection.server.map(|s| s.to_string()))
            .unwrap_or_default();
        // Under TLS the same request went to wss:// or https://, as a browser's HAR says.
        let scheme = match (upgraded, self.connection.tls.is_some()) {
            (true, false) => "ws",
            (true, true) => "wss",
            (false, false) => "http",
            (false, true) => "https",
        };
        let url = if target.starts_with('/') {
            format!("{scheme}://{host}{target}")
        } else {
            target.to_owned()
        };
        let query = target.split_once('?').map_or("", |(_, q)| q);
        let query: Vec<Value> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (name, value) = p.split_once('=').unwrap_or((p, ""));
                json!({ "name": name, "value": value })
            })
            .collect();
        let mut request = json!({
            "method": method,
            "url": url,
            "httpVersion": format!("HTTP/1.{minor}"),
            "cookies": [],
            "headers": headers(head),
            "queryString": query,
            "headersSize": self.request.raw.len(),
            "bodySize": self.request.body_len,
        });
        if self.request.body_len > 0 {
            let (text, encoding) = body(&self.request.body_preview);
            request["postData"] = json!({
                "mimeType": head.header("content-type").unwrap_or(""),
                "text": text,
            });
            if let Some(encoding) = encoding {
                request["postData"]["encoding"] = json!(encoding);
            }
        }
        request
    }

    fn response_json(&self) -> Value {
        let Some(response) = self.response else {
            return json!({
                "status": 0, "statusText": "", "httpVersion": "", "cookies": [], "headers": [],
                "content": { "size": 0, "mimeType": "" }, "redirectURL": "",
                "headersSize": -1, "bodySize": -1,
                "_error": "no response was captured",
            });
        };
        let head = &response.head;
        let (status, reason, minor) = match &head.start {
            StartLine::Response {
                status,
                reason,
                minor_version,
            } => (*status, reason.as_str(), *minor_version),
            StartLine::Request { .. } => (0, "", 1),
        };
        let (text, encoding) = body(&response.body_preview);
        let mut content = json!({
            "size": response.body_preview.len(),
            "mimeType": head.header("content-type").unwrap_or(""),
            "text": text,
        });
        if let Some(encoding) = encoding {
            content["encoding"] = json!(encoding);
        }
        json!({
            "status": status,
            "statusText": reason,
            "httpVersion": format!("HTTP/1.{minor}"),
            "cookies": [],
            "headers": headers(head),
            "content": content,
            "redirectURL": head.header("location").unwrap_or(""),
            "headersSize": response.raw.len(),
            "bodySize": response.body_len,
        })
    }

    /// Both directions' messages in the order they completed, control messages included.
    fn messages(&self) -> Vec<Value> {
        let mut all: Vec<(u64, bool, u64, Value)> = Vec::new();
        for direction in Direction::BOTH {
            let kind = match direction {
                Direction::ClientToServer => "send",
                Direction::ServerToClient => "receive",
            };
            for m in &self.connection.flow(direction).messages {
                let message = &m.item;
                let (payload, length) = payload(message);
                let data = if message.opcode == OpCode::Text {
                    String::from_utf8_lossy(payload).into_owned()
                } else {
                    BASE64.encode(payload)
                };
                let at = self.base.saturating_add(m.at_us);
                let mut v = json!({
                    "type": kind,
                    "time": seconds(at),
                    "opcode": message.opcode.bits(),
                    "data": data,
                });
                if (payload.len() as u64) < length {
                    v["_truncated"] = json!(true);
                    v["_length"] = json!(length);
                }
                if message.compressed {
                    v["_compressedLength"] = json!(message.length);
                    if let Some(note) = message.inflated.as_ref().and_then(Inflated::note) {
                        v["_inflateNote"] = json!(note);
                    }
                }
                let server_side = direction == Direction::ServerToClient;
                all.push((m.at_us, server_side, message.index, v));
            }
        }
        // Messages read in one chunk share an instant; the client's go first, then by index.
        all.sort_by_key(|(at, side, index, _)| (*at, *side, *index));
        all.into_iter().map(|(.., v)| v).collect()
    }
}

/// The payload a message's `data` carries, and its true length: for a compressed message that
/// inflated, the inflated bytes, which are what the application sent and what Chrome shows;
/// for any other, the bytes that crossed.
fn payload(message: &Message) -> (&[u8], u64) {
    match &message.inflated {
        Some(Inflated::Done {
            preview, length, ..
        }) => (preview, *length),
        _ => (&message.preview, message.length),
    }
}

fn headers(head: &Head) -> Vec<Value> {
    head.headers
        .iter()
        .map(|h| json!({ "name": h.name, "value": h.value }))
        .collect()
}

/// A body as HAR text: UTF-8 as is, anything else base64 with its encoding named.
fn body(bytes: &[u8]) -> (String, Option<&'static str>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), None),
        Err(_) => (BASE64.encode(bytes), Some("base64")),
    }
}

// HAR times are milliseconds as numbers; µs keep their precision as a fraction.
#[allow(clippy::cast_precision_loss)]
fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

// Chrome writes a message's time as Unix seconds with a fraction.
#[allow(clippy::cast_precision_loss)]
fn seconds(unix_us: u64) -> f64 {
    unix_us as f64 / 1_000_000.0
}

/// `2023-11-14T22:13:20.123456Z` from µs since the Unix epoch (proleptic Gregorian, UTC).
pub fn iso8601(unix_us: u64) -> String {
    let secs = unix_us / 1_000_000;
    let micros = unix_us % 1_000_000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

// Howard Hinnant's days-to-civil algorithm, for days since 1970-01-01 (never negative here).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            iso8601(1_700_000_000_123_456),
            "2023-11-14T22:13:20.123456Z"
        );
        // A leap day.
        assert_eq!(iso8601(951_782_400_000_000), "2000-02-29T00:00:00.000000Z");
    }
}
