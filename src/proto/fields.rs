//! A frame broken into named fields, each with its byte span in the stream: the rows of a
//! field table and the colours of a hex dump.

use std::fmt::Write as _;
use std::ops::Range;

use super::dissector::Side;
use super::frame::{Frame, LengthEncoding};
use super::violation::Violation;

/// Which part of a frame a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// FIN, bit 7 of byte 0.
    Fin,
    /// RSV1, bit 6 of byte 0.
    Rsv1,
    /// RSV2, bit 5 of byte 0.
    Rsv2,
    /// RSV3, bit 4 of byte 0.
    Rsv3,
    /// The opcode, bits 3–0 of byte 0.
    Opcode,
    /// MASK, bit 7 of byte 1.
    Mask,
    /// The 7-bit payload length, bits 6–0 of byte 1.
    PayloadLen,
    /// The 16- or 64-bit extended payload length.
    ExtendedPayloadLen,
    /// The 4-byte masking key.
    MaskingKey,
    /// The payload.
    Payload,
}

impl FieldKind {
    /// A stable kebab-case name for JSON output.
    pub fn id(self) -> &'static str {
        match self {
            Self::Fin => "fin",
            Self::Rsv1 => "rsv1",
            Self::Rsv2 => "rsv2",
            Self::Rsv3 => "rsv3",
            Self::Opcode => "opcode",
            Self::Mask => "mask",
            Self::PayloadLen => "payload-len",
            Self::ExtendedPayloadLen => "extended-payload-len",
            Self::MaskingKey => "masking-key",
            Self::Payload => "payload",
        }
    }

    /// The name a person reads in a table.
    pub fn label(self) -> &'static str {
        match self {
            Self::Fin => "FIN",
            Self::Rsv1 => "RSV1",
            Self::Rsv2 => "RSV2",
            Self::Rsv3 => "RSV3",
            Self::Opcode => "opcode",
            Self::Mask => "MASK",
            Self::PayloadLen => "payload len",
            Self::ExtendedPayloadLen => "extended len",
            Self::MaskingKey => "masking key",
            Self::Payload => "payload",
        }
    }
}

/// One field of a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Which field.
    pub kind: FieldKind,
    /// The bytes it occupies, as stream offsets.
    pub span: Range<u64>,
    /// For fields inside one byte: the first bit (7 = most significant) and how many bits.
    pub bits: Option<(u8, u8)>,
    /// The value as written in the frame.
    pub value: String,
    /// What the value means.
    pub meaning: String,
}

impl Field {
    /// The byte with this field's bits shown and the others dotted, e.g. `....0001`.
    pub fn bit_pattern(&self, byte: u8) -> Option<String> {
        let (high, count) = self.bits?;
        let low = high + 1 - count;
        Some(
            (0..8u8)
                .rev()
                .map(|bit| {
                    if bit <= high && bit >= low {
                        if byte & (1 << bit) != 0 { '1' } else { '0' }
                    } else {
                        '.'
                    }
                })
                .collect(),
        )
    }
}

/// The fields of `frame`, in wire order. `side` words the masking explanation.
pub fn fields(frame: &Frame, side: Side) -> Vec<Field> {
    let mut out = first_byte(frame);
    out.extend(second_byte(frame, side));
    out.extend(trailing(frame));
    out
}

fn first_byte(frame: &Frame) -> Vec<Field> {
    let h = &frame.header;
    let at = frame.offset;
    let b0 = h.bytes()[0];
    let flag = |bit: u8| (b0 >> bit) & 1;
    let mut out = vec![bit_field(
        FieldKind::Fin,
        at,
        7,
        1,
        flag(7).to_string(),
        if h.fin() {
            "this frame ends its message".into()
        } else {
            "more frames of this message follow".into()
        },
    )];
    for (kind, bit, n) in [
        (FieldKind::Rsv1, 6, 1),
        (FieldKind::Rsv2, 5, 2),
        (FieldKind::Rsv3, 4, 3),
    ] {
        let meaning = match (flag(bit), n) {
            (0, _) => "reserved; 0 unless an extension uses it".to_string(),
            // The dissector allowed RSV1 only if an extension was negotiated; then the frame
            // carries no violation for it, and RSV1 marks a compressed message.
            (_, 1)
                if !frame
                    .violations
                    .iter()
                    .any(|v| matches!(v, Violation::ReservedBitsSet { bits } if bits.has(1))) =>
            {
                "set: this message is compressed (permessage-deflate, RFC 7692 §6)".to_string()
            }
            (_, 1) => {
                "set: only meaningful under an extension such as permessage-deflate".to_string()
            }
            _ => "set: no standard extension defines this bit".to_string(),
        };
        out.push(bit_field(kind, at, bit, 1, flag(bit).to_string(), meaning));
    }
    let opcode = h.opcode();
    out.push(bit_field(
        FieldKind::Opcode,
        at,
        3,
        4,
        format!("{:#x} {}", opcode.bits(), opcode.name()),
        opcode.meaning().into(),
    ));
    out
}

fn second_byte(frame: &Frame, side: Side) -> [Field; 2] {
    let h = &frame.header;
    let at = frame.offset;
    let mask_meaning = match (h.masked(), side) {
        (true, Side::Server) => "masked, but servers must not mask",
        (true, _) => "the payload is masked with the key that follows",
        (false, Side::Client) => "not masked, but clients must mask every frame",
        (false, _) => "the payload is sent as is",
    };
    let mask = bit_field(
        FieldKind::Mask,
        at + 1,
        7,
        1,
        u8::from(h.masked()).to_string(),
        mask_meaning.into(),
    );
    let len7 = h.length_field();
    let len_meaning = match h.length_encoding() {
        LengthEncoding::Seven => format!("the payload is {}", bytes(u64::from(len7))),
        LengthEncoding::Sixteen => "126: the length is in the next 2 bytes".into(),
        LengthEncoding::SixtyFour => "127: the length is in the next 8 bytes".into(),
    };
    let length = bit_field(
        FieldKind::PayloadLen,
        at + 1,
        6,
        7,
        len7.to_string(),
        len_meaning,
    );
    [mask, length]
}

fn trailing(frame: &Frame) -> Vec<Field> {
    let h = &frame.header;
    let mut out = Vec::with_capacity(3);
    let mut next = frame.offset + 2;
    let ext = h.length_bytes();
    if !ext.is_empty() {
        let end = next + ext.len() as u64;
        out.push(Field {
            kind: FieldKind::ExtendedPayloadLen,
            span: next..end,
            bits: None,
            value: h.payload_len().to_string(),
            meaning: format!(
                "{} big-endian: the payload is {} bytes",
                h.length_encoding().name(),
                h.payload_len()
            ),
        });
        next = end;
    }
    if let Some(key) = h.mask_key() {
        out.push(Field {
            kind: FieldKind::MaskingKey,
            span: next..next + 4,
            bits: None,
            value: hex_bytes(&key),
            meaning: "payload byte i is XORed with key byte i mod 4".into(),
        });
    }
    let payload = frame.payload_span();
    out.push(Field {
        kind: FieldKind::Payload,
        span: payload,
        bits: None,
        value: bytes(frame.payload_len()),
        meaning: if h.masked() {
            "masked payload, as on the wire".into()
        } else {
            "payload".into()
        },
    });
    out
}

fn bit_field(
    kind: FieldKind,
    byte: u64,
    high: u8,
    count: u8,
    value: String,
    meaning: String,
) -> Field {
    Field {
        kind,
        span: byte..byte + 1,
        bits: Some((high, count)),
        value,
        meaning,
    }
}

/// Bytes as lowercase hex pairs separated by spaces.
pub fn hex_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// "1 byte", "5 bytes": a count of bytes as a person writes it.
pub fn bytes(n: u64) -> String {
    if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{n} bytes")
    }
}
