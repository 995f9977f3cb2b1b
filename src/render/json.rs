//! JSON shapes for `--json` output. Field names here are a promise to scripts: add, never
//! rename.

use data_encoding::HEXLOWER;
use serde::Serialize;

use crate::proto::handshake::RuleCheck;
use crate::proto::http::{Head, StartLine};
use crate::proto::{
    AcceptComparison, Derivation, Frame, Incomplete, Inflated, Message, Side, Violation, fields,
};

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
            key_bytes_hex: d.key_bytes.as_ref().ok().map(|b| HEXLOWER.encode(b)),
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
    /// Index within the direction.
    pub index: u64,
    /// "client", "server" or "unknown".
    pub from: &'static str,
    /// Stream offset of the first byte.
    pub offset: u64,
    /// Header length.
    pub header_len: u64,
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
    /// Whether the previews below hold less than the payload.
    pub preview_truncated: bool,
    /// Payload as on the wire, hex.
    pub payload_hex: String,
    /// Payload unmasked, hex.
    pub payload_unmasked_hex: String,
    /// Payload unmasked as text, when it is UTF-8.
    pub payload_text: Option<String>,
    /// Every field with its span.
    pub fields: Vec<FieldJson>,
    /// Rules broken.
    pub violations: Vec<ViolationJson>,
}

impl FrameJson {
    /// The JSON shape of a frame.
    pub fn new(frame: &Frame, side: Side) -> Self {
        let h = &frame.header;
        let rsv = h.rsv();
        let plain = &frame.payload;
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
            index: frame.index,
            from: side.name(),
            offset: frame.offset,
            header_len: frame.header_len(),
            fin: h.fin(),
            rsv1: rsv.has(1),
            rsv2: rsv.has(2),
            rsv3: rsv.has(3),
            opcode: h.opcode().bits(),
            opcode_name: h.opcode().name(),
            masked: h.masked(),
            mask_key: h.mask_key().map(|k| HEXLOWER.encode(&k)),
            length_encoding: h.length_encoding().name(),
            length_bytes: HEXLOWER.encode(h.length_bytes()),
            payload_len: frame.payload_len(),
            preview_truncated: frame.is_truncated(),
            payload_hex: HEXLOWER.encode(&frame.wire_payload()),
            payload_unmasked_hex: HEXLOWER.encode(plain),
            payload_text: std::str::from_utf8(plain).ok().map(str::to_owned),
            fields,
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
    /// Index within the direction.
    pub index: u64,
    /// Opcode name of the message.
    pub opcode_name: &'static str,
    /// First frame's index.
    pub first_frame: u64,
    /// Frames in the message.
    pub frame_count: u64,
    /// Total payload length.
    pub length: u64,
    /// Whether the preview holds less than the payload.
    pub preview_truncated: bool,
    /// Payload as hex.
    pub payload_hex: String,
    /// Payload as text, when UTF-8.
    pub payload_text: Option<String>,
    /// For text: whether it is valid UTF-8.
    pub utf8_valid: Option<bool>,
    /// Compressed by an extension.
    pub compressed: bool,
    /// For a compressed message: what it inflated to, for display (`length` stays the
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

impl From<&Message> for MessageJson {
    fn from(m: &Message) -> Self {
        Self {
            kind: "message",
            index: m.index,
            opcode_name: m.opcode.name(),
            first_frame: m.first_frame,
            frame_count: m.frame_count,
            length: m.length,
            preview_truncated: m.is_truncated(),
            payload_hex: HEXLOWER.encode(&m.preview),
            payload_text: std::str::from_utf8(&m.preview).ok().map(str::to_owned),
            utf8_valid: m.utf8_valid,
            compressed: m.compressed,
            inflated: InflatedJson::new(m.inflated.as_ref(), usize::MAX),
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
            inflated_preview_hex: shown.map(|p| HEXLOWER.encode(p)),
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
    /// Whether the header was complete.
    pub header_complete: bool,
    /// The sentence.
    pub message: String,
}

impl From<&Incomplete> for IncompleteJson {
    fn from(i: &Incomplete) -> Self {
        Self {
            kind: "incomplete",
            offset: i.offset,
            have: i.have,
            need: i.need,
            header_complete: i.header_complete,
            message: i.to_string(),
        }
    }
}

/// An HTTP head found before the frames.
#[derive(Debug, Serialize)]
pub struct HeadJson {
    /// Always "http-head".
    #[serde(rename = "type")]
    pub kind: &'static str,
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
    pub fn new(head: &Head, checks: &[RuleCheck]) -> Self {
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
