//! The JSON objects of every JSON output: `--json`, `--save *.jsonl` and `proxy --no-tui`
//! build the same frame, message and head objects here, so one thing has one shape.
//! docs/jsonl.md documents schema version [`VERSION`]; field names are a promise to scripts:
//! add, never rename without a new version.

use serde::Serialize;

use crate::proto::handshake::RuleCheck;
use crate::proto::http::{Head, StartLine};
use crate::proto::{
    AcceptComparison, Derivation, Frame, HeaderCut, Inflated, Message, OpCode, Side, Stopped,
    Violation, fields,
};

/// The schema version: `"v"` on every JSON Lines line and at the top of every `--json`
/// document, so that a script can tell which names it is reading.
pub const VERSION: u32 = 1;

/// An object as a line or document of its own: `"v"` first, then the object's fields.
#[derive(Debug, Serialize)]
pub struct Versioned<T> {
    /// Always [`VERSION`].
    pub v: u32,
    /// The object.
    #[serde(flatten)]
    pub item: T,
}

/// `item` with the schema version.
pub fn versioned<T: Serialize>(item: T) -> Versioned<T> {
    Versioned { v: VERSION, item }
}

/// Where and when a captured object was seen; all `null` for bytes that were not captured
/// (`decode`). The same three fields on every object that belongs to a connection.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Stamp {
    /// The connection's number in its capture.
    pub conn: Option<u64>,
    /// µs since the capture began (monotonic).
    pub at_us: Option<u64>,
    /// The same instant, in µs since the Unix epoch.
    pub unix_us: Option<u64>,
}

impl Stamp {
    /// Connection `conn` at `at_us` of a capture whose zero is `base_unix_us`.
    pub fn new(conn: u64, at_us: u64, base_unix_us: u64) -> Self {
        Self {
            conn: Some(conn),
            at_us: Some(at_us),
            unix_us: Some(base_unix_us.saturating_add(at_us)),
        }
    }
}

/// The direction's name for bytes sent by `side`: "client-to-server", "server-to-client",
/// or `None` when no one knows who sent them.
pub fn direction(side: Side) -> Option<&'static str> {
    match side {
        Side::Client => Some("client-to-server"),
        Side::Server => Some("server-to-client"),
        Side::Unknown => None,
    }
}

/// One derivation.
#[derive(Debug, Serialize)]
pub struct AcceptJson {
    /// The key as given.
    pub key: String,
    /// Whether the key was generated because none was given.
    pub random_key: bool,
    /// Whether the key is base64 of 16 bytes.
    pub key_valid: bool,
    /// What is wrong with the key, if anything.
    pub key_error: Option<String>,
    /// The 16 bytes, as hex, when valid.
    pub key_bytes_hex: Option<String>,
    /// The GUID appended.
    pub guid: &'static str,
    /// Key followed by GUID.
    pub concatenated: String,
    /// SHA-1 digest in hex.
    pub sha1_hex: String,
    /// The derived Sec-WebSocket-Accept.
    pub accept: String,
    /// The comparison with a received value, if one was given.
    pub compared: Option<ComparisonJson>,
}

/// A derived Accept against a received one.
#[derive(Debug, Serialize)]
pub struct ComparisonJson {
    /// The value received.
    pub received: String,
    /// Whether it matches.
    pub matches: bool,
}

impl AcceptJson {
    /// The JSON shape of a derivation.
    pub fn new(d: &Derivation, random_key: bool, compared: Option<&AcceptComparison>) -> Self {
        Self {
            key: d.key.clone(),
            random_key,
            key_valid: d.key_bytes.is_ok(),
            key_error: d.key_bytes.as_ref().err().map(ToString::to_string),
            key_bytes_hex: d.key_bytes.as_ref().ok().map(hex::encode),
            guid: crate::proto::GUID,
            concatenated: d.concatenated.clone(),
            sha1_hex: d.sha1_hex(),
            accept: d.accept.clone(),
            compared: compared.map(|c| ComparisonJson {
                received: c.received.clone(),
                matches: c.matches,
            }),
        }
    }
}

/// One field of a frame.
#[derive(Debug, Serialize)]
pub struct FieldJson {
    /// Stable field id, e.g. "opcode".
    pub field: &'static str,
    /// First stream offset.
    pub start: u64,
    /// One past the last stream offset.
    pub end: u64,
    /// The bit pattern for fields within one byte, e.g. "....0001".
    pub bits: Option<String>,
    /// The value.
    pub value: String,
    /// What it means.
    pub meaning: String,
}

/// One violation.
#[derive(Debug, Serialize)]
pub struct ViolationJson {
    /// Stable id, e.g. "unmasked-client-frame".
    pub id: &'static str,
    /// RFC 6455 section.
    pub section: &'static str,
    /// The sentence.
    pub message: String,
}

impl From<&Violation> for ViolationJson {
    fn from(v: &Violation) -> Self {
        Self {
            id: v.id(),
            section: v.section(),
            message: v.to_string(),
        }
    }
}

/// One frame.
// The header's flags are booleans on the wire; the JSON mirrors them one for one.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Serialize)]
pub struct FrameJson {
    /// Always "frame".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The connection and the time its last byte crossed.
    #[serde(flatten)]
    pub at: Stamp,
    /// "client-to-server", "server-to-client", or null when unknown.
    pub direction: Option<&'static str>,
    /// Index within the direction.
    pub index: u64,
    /// Stream offset of the first byte.
    pub offset: u64,
    /// Header length.
    pub header_len: u64,
    /// The header's bytes, as hex.
    pub header_hex: String,
    /// FIN.
    pub fin: bool,
    /// RSV1.
    pub rsv1: bool,
    /// RSV2.
    pub rsv2: bool,
    /// RSV3.
    pub rsv3: bool,
    /// Opcode value.
    pub opcode: u8,
    /// Opcode name.
    pub opcode_name: &'static str,
    /// MASK.
    pub masked: bool,
    /// Masking key as hex.
    pub mask_key: Option<String>,
    /// "7-bit", "16-bit" or "64-bit".
    pub length_encoding: &'static str,
    /// Extended length bytes as hex (empty for 7-bit).
    pub length_bytes: String,
    /// Declared payload length.
    pub payload_len: u64,
    /// The payload, unmasked, as hex: the data, up to the preview's limit.
    pub payload_hex: String,
    /// The same bytes as text, when they are UTF-8.
    pub payload_text: Option<String>,
    /// The payload as it crossed (still masked when MASK is set), as hex, same limit.
    pub wire_payload_hex: String,
    /// Whether the previews above hold less than the payload.
    pub preview_truncated: bool,
    /// Every field with its span and meaning: in `--json` documents and `decode`, not in JSON
    /// Lines, where every field can be read from `header_hex` and writing the explanation
    /// for every frame cost the proxy's printer more than half its throughput.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldJson>>,
    /// Rules broken.
    pub violations: Vec<ViolationJson>,
}

impl FrameJson {
    /// The same object for a JSON Lines stream: without `fields` (see the field).
    #[must_use]
    pub fn without_fields(self) -> Self {
        Self {
            fields: None,
            ..self
        }
    }

    /// The JSON shape of a frame sent by `side`, its payload shown up to `max` bytes.
    pub fn new(frame: &Frame, side: Side, at: Stamp, max: usize) -> Self {
        let h = &frame.header;
        let rsv = h.rsv();
        let plain = &frame.payload[..frame.payload.len().min(max)];
        let truncated = (plain.len() as u64) < frame.payload_len();
        // Masked again from the shown bytes only: a proxy shows 256 bytes of a 64 KiB frame.
        let wire = match h.mask_key() {
            Some(key) => {
                let mut wire = plain.to_vec();
                crate::proto::mask::apply_mask(&mut wire, key, 0);
                hex::encode(&wire)
            }
            None => hex::encode(plain),
        };
        let fields = fields(frame, side)
            .into_iter()
            .map(|f| FieldJson {
                field: f.kind.id(),
                start: f.span.start,
                end: f.span.end,
                bits: h
                    .bytes()
                    .get((f.span.start - frame.offset) as usize)
                    .and_then(|&b| f.bit_pattern(b)),
                value: f.value,
                meaning: f.meaning,
            })
            .collect();
        Self {
            kind: "frame",
            at,
            direction: direction(side),
            index: frame.index,
            offset: frame.offset,
            header_len: frame.header_len(),
            header_hex: hex::encode(h.bytes()),
            fin: h.fin(),
            rsv1: rsv.has(1),
            rsv2: rsv.has(2),
            rsv3: rsv.has(3),
            opcode: h.opcode().bits(),
            opcode_name: h.opcode().name(),
            masked: h.masked(),
            mask_key: h.mask_key().map(hex::encode),
            length_encoding: h.length_encoding().name(),
            length_bytes: hex::encode(h.length_bytes()),
            payload_len: frame.payload_len(),
            payload_hex: hex::encode(plain),
            payload_text: frame_text(frame, plain),
            wire_payload_hex: wire,
            preview_truncated: truncated,
            fields: Some(fields),
            violations: frame.violations.iter().map(ViolationJson::from).collect(),
        }
    }
}

/// One message.
#[derive(Debug, Serialize)]
pub struct MessageJson {
    /// Always "message".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The connection and the time its last frame completed it.
    #[serde(flatten)]
    pub at: Stamp,
    /// "client-to-server", "server-to-client", or null when unknown.
    pub direction: Option<&'static str>,
    /// Index within the direction.
    pub index: u64,
    /// Opcode name of the message.
    pub opcode_name: &'static str,
    /// First frame's index.
    pub first_frame: u64,
    /// Frames in the message.
    pub frame_count: u64,
    /// Total payload length, over its frames (compressed, when `compressed`).
    pub payload_len: u64,
    /// Payload as hex, up to the preview's limit.
    pub payload_hex: String,
    /// The same bytes as text, when they are UTF-8.
    pub payload_text: Option<String>,
    /// Whether the preview holds less than the payload.
    pub preview_truncated: bool,
    /// For text: whether it is valid UTF-8.
    pub utf8_valid: Option<bool>,
    /// Compressed by an extension.
    pub compressed: bool,
    /// For a compressed message: what it inflated to, for display (`payload_len` stays the
    /// compressed one).
    #[serde(flatten)]
    pub inflated: InflatedJson,
    /// Close code.
    pub close_code: Option<u16>,
    /// Close code name.
    pub close_code_name: Option<&'static str>,
    /// Close reason.
    pub close_reason: Option<String>,
}

impl MessageJson {
    /// The JSON shape of a message sent by `side`, its previews cut to `max` bytes.
    pub fn new(m: &Message, side: Side, at: Stamp, max: usize) -> Self {
        let shown = &m.preview[..m.preview.len().min(max)];
        let inflated = InflatedJson::new(m.inflated.as_ref(), max);
        // A compressed message's preview is cut twice: its compressed bytes, and what they
        // inflated to; either cut is a preview that holds less than the message.
        let inflated_cut = m.inflated.as_ref().is_some_and(|i| match i {
            Inflated::Done {
                preview,
                length,
                beyond_bound,
            } => *beyond_bound || (preview.len().min(max) as u64) < *length,
            Inflated::Failed(_) => false,
        });
        let truncated = (shown.len() as u64) < m.length || inflated_cut;
        Self {
            kind: "message",
            at,
            direction: direction(side),
            index: m.index,
            opcode_name: m.opcode.name(),
            first_frame: m.first_frame,
            frame_count: m.frame_count,
            payload_len: m.length,
            payload_hex: hex::encode(shown),
            payload_text: message_text(m, max),
            preview_truncated: truncated,
            utf8_valid: m.utf8_valid,
            compressed: m.compressed,
            inflated,
            close_code: m.close.as_ref().and_then(|c| c.code),
            close_code_name: m.close.as_ref().and_then(crate::proto::Close::code_name),
            close_reason: m.close.as_ref().map(|c| c.reason.clone()),
        }
    }
}

/// What a permessage-deflate message inflated to, as four fields every JSON view shares;
/// all `null` when nothing was inflated.
#[derive(Debug, Default, Serialize)]
pub struct InflatedJson {
    /// The inflated length. A lower bound when `inflated_note` says so.
    pub inflated_length: Option<u64>,
    /// The inflated bytes, up to the view's limit, as text when they are UTF-8.
    pub inflated_preview: Option<String>,
    /// The same bytes as hex.
    pub inflated_preview_hex: Option<String>,
    /// Why a compressed message was not inflated, or that inflating stopped at its bound.
    pub inflated_note: Option<String>,
}

impl InflatedJson {
    /// The fields for `inflated`, its preview cut to `max` bytes.
    pub fn new(inflated: Option<&Inflated>, max: usize) -> Self {
        let Some(inflated) = inflated else {
            return Self::default();
        };
        let shown = inflated.preview().map(|p| &p[..p.len().min(max)]);
        Self {
            inflated_length: inflated.length(),
            inflated_preview: shown.and_then(utf8_prefix),
            inflated_preview_hex: shown.map(hex::encode),
            inflated_note: inflated.note(),
        }
    }
}

/// The end of a stream that stopped inside a frame.
#[derive(Debug, Serialize)]
pub struct IncompleteJson {
    /// Always "incomplete".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Offset of the unfinished frame.
    pub offset: u64,
    /// Bytes received.
    pub have: u64,
    /// Bytes needed.
    pub need: u64,
    /// Bytes missing: `need - have`.
    pub missing: u64,
    /// Whether the header was complete.
    pub header_complete: bool,
    /// Where in the header the bytes stop, when it was not complete: "byte-1",
    /// "extended-payload-length" or "masking-key".
    pub cut: Option<&'static str>,
    /// The header bytes that came, as hex: all of them when it was complete.
    pub header_hex: String,
    /// Every rule the bytes that came already break.
    pub violations: Vec<ViolationJson>,
    /// The sentence.
    pub message: String,
}

impl From<&Stopped> for IncompleteJson {
    fn from(s: &Stopped) -> Self {
        let i = &s.incomplete;
        let header = s.frame.as_ref().map_or(&s.header[..], |f| f.header.bytes());
        Self {
            kind: "incomplete",
            offset: i.offset,
            have: i.have,
            need: i.need,
            missing: i.missing(),
            header_complete: i.header_complete,
            cut: i.cut.map(HeaderCut::name),
            header_hex: hex::encode(header),
            violations: s.violations.iter().map(ViolationJson::from).collect(),
            message: super::frame::ends_inside(s),
        }
    }
}

/// An HTTP head found before the frames.
#[derive(Debug, Serialize)]
pub struct HeadJson {
    /// Always "http-head".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The connection and the time the head was complete.
    #[serde(flatten)]
    pub at: Stamp,
    /// "client-to-server" for a request, "server-to-client" for a response.
    pub direction: &'static str,
    /// "request" or "response".
    pub head: &'static str,
    /// The start line, without CRLF.
    pub start_line: String,
    /// Bytes in the head, the blank line included: where the frames begin.
    pub len: usize,
    /// The headers with their spans.
    pub headers: Vec<HeaderJson>,
    /// The handshake rules checked: a request's own, or a response's against its request.
    pub rules: Vec<RuleJson>,
}

/// One header line.
#[derive(Debug, Serialize)]
pub struct HeaderJson {
    /// The name as sent.
    pub name: String,
    /// The value.
    pub value: String,
    /// First byte of the line.
    pub start: usize,
    /// One past the line's CRLF.
    pub end: usize,
}

/// One handshake rule.
#[derive(Debug, Serialize)]
pub struct RuleJson {
    /// The rule, stated.
    pub rule: &'static str,
    /// RFC 6455 section.
    pub section: &'static str,
    /// Whether it holds.
    pub passed: bool,
    /// What was found.
    pub detail: String,
}

impl HeadJson {
    /// The JSON shape of a head and its checks.
    pub fn new(head: &Head, checks: &[RuleCheck], at: Stamp) -> Self {
        let (kind, start_line) = match &head.start {
            StartLine::Request {
                method,
                target,
                minor_version,
            } => (
                "request",
                format!("{method} {target} HTTP/1.{minor_version}"),
            ),
            StartLine::Response {
                minor_version,
                status,
                reason,
            } => (
                "response",
                format!("HTTP/1.{minor_version} {status} {reason}"),
            ),
        };
        Self {
            kind: "http-head",
            at,
            direction: if kind == "request" {
                "client-to-server"
            } else {
                "server-to-client"
            },
            head: kind,
            start_line,
            len: head.len,
            headers: head
                .headers
                .iter()
                .map(|h| HeaderJson {
                    name: h.name.clone(),
                    value: h.value.clone(),
                    start: h.line.start,
                    end: h.line.end,
                })
                .collect(),
            rules: checks
                .iter()
                .map(|c| RuleJson {
                    rule: c.rule.statement(),
                    section: c.rule.section(),
                    passed: c.passed,
                    detail: c.detail.clone(),
                })
                .collect(),
        }
    }
}

// A frame's payload as text: only when the frame is a whole message by itself (a fragment
// may end inside a character that the next one completes, RFC 6455 §5.6), its payload is all
// captured and all UTF-8, and it is neither a close (whose code is two binary bytes, §5.5.1;
// its code and reason have fields of their own) nor compressed (RSV1, RFC 7692: its bytes are
// not text until inflated). The text is then cut where the preview is.
fn frame_text(frame: &Frame, shown: &[u8]) -> Option<String> {
    let h = &frame.header;
    let whole_message = h.fin() && h.opcode() != OpCode::Continuation;
    let plain = whole_message && h.opcode() != OpCode::Close && !h.rsv().has(1);
    let all = (frame.payload.len() as u64) == frame.payload_len();
    (plain && all && std::str::from_utf8(&frame.payload).is_ok())
        .then(|| utf8_prefix(shown))
        .flatten()
}

// A message's text, cut to `max` bytes: for a compressed message, the text it inflated to;
// never for a close; otherwise only when the whole payload is known to be UTF-8 (a text
// message checked as it came, or a binary one captured whole).
fn message_text(m: &Message, max: usize) -> Option<String> {
    let cut = |bytes: &[u8]| utf8_prefix(&bytes[..bytes.len().min(max)]);
    if m.close.is_some() || m.opcode == OpCode::Close {
        return None;
    }
    if m.compressed {
        return match m.inflated.as_ref()? {
            Inflated::Done {
                preview,
                length,
                beyond_bound: false,
            } if preview.len() as u64 == *length && std::str::from_utf8(preview).is_ok() => {
                cut(preview)
            }
            _ => None,
        };
    }
    let valid = match m.utf8_valid {
        Some(valid) => valid,
        None => !m.is_truncated() && std::str::from_utf8(&m.preview).is_ok(),
    };
    if valid { cut(&m.preview) } else { None }
}

// Bytes as text when they are UTF-8, a character cut by a preview's end allowed.
pub(crate) fn utf8_prefix(bytes: &[u8]) -> Option<String> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text.to_owned()),
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&bytes[..e.valid_up_to()])
            .ok()
            .map(str::to_owned),
        Err(_) => None,
    }
}
