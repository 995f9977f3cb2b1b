//! One frame as it was on the wire: its header fields, where each field sits in the stream,
//! and a bounded preview of its payload.

use std::borrow::Cow;
use std::ops::Range;

use bytes::Bytes;

use super::coding::OpCode;
use super::mask::apply_mask;
use super::violation::{RsvBits, Violation};

/// How the payload length is written (RFC 6455 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthEncoding {
    /// 0–125, in the 7 bits of byte 1.
    Seven,
    /// Byte 1 holds 126, and a 16-bit big-endian length follows.
    Sixteen,
    /// Byte 1 holds 127, and a 64-bit big-endian length follows.
    SixtyFour,
}

impl LengthEncoding {
    /// The number of extended length bytes after byte 1.
    pub fn extra_bytes(self) -> usize {
        match self {
            Self::Seven => 0,
            Self::Sixteen => 2,
            Self::SixtyFour => 8,
        }
    }

    /// A stable name, for JSON output: "7-bit", "16-bit" or "64-bit".
    pub fn name(self) -> &'static str {
        match self {
            Self::Seven => "7-bit",
            Self::Sixteen => "16-bit",
            Self::SixtyFour => "64-bit",
        }
    }

    /// The shortest encoding that fits `length`.
    pub fn minimal_for(length: u64) -> Self {
        match length {
            0..=125 => Self::Seven,
            126..=0xffff => Self::Sixteen,
            _ => Self::SixtyFour,
        }
    }

    fn phrase(self) -> &'static str {
        match self {
            Self::Seven => "the 7-bit field",
            Self::Sixteen => "the 16-bit form",
            Self::SixtyFour => "the 64-bit form",
        }
    }
}

/// A frame header, 2 to 14 bytes, exactly as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameHeader {
    raw: [u8; 14],
    len: u8,
}

impl FrameHeader {
    /// How many header bytes are needed, given what has arrived so far (at least 2).
    pub fn needed(prefix: &[u8]) -> usize {
        match prefix.get(1) {
            None => 2,
            Some(&b1) => {
                let extra = match b1 & 0x7f {
                    126 => 2,
                    127 => 8,
                    _ => 0,
                };
                2 + extra + if b1 & 0x80 != 0 { 4 } else { 0 }
            }
        }
    }

    /// Builds a header from exactly [`FrameHeader::needed`] bytes.
    pub fn from_complete(bytes: &[u8]) -> Option<Self> {
        if bytes.len() < 2 || bytes.len() != Self::needed(bytes) {
            return None;
        }
        let mut raw = [0u8; 14];
        raw[..bytes.len()].copy_from_slice(bytes);
        Some(Self {
            raw,
            len: bytes.len() as u8,
        })
    }

    /// The header bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.raw[..usize::from(self.len)]
    }

    /// FIN: this frame ends its message.
    pub fn fin(&self) -> bool {
        self.raw[0] & 0x80 != 0
    }

    /// RSV1–3.
    pub fn rsv(&self) -> RsvBits {
        let b = self.raw[0];
        RsvBits(((b >> 6) & 1) | (((b >> 5) & 1) << 1) | (((b >> 4) & 1) << 2))
    }

    /// The opcode.
    pub fn opcode(&self) -> OpCode {
        OpCode::from_bits(self.raw[0])
    }

    /// MASK: the payload is masked.
    pub fn masked(&self) -> bool {
        self.raw[1] & 0x80 != 0
    }

    /// The 7-bit length field of byte 1 (0–127).
    pub fn length_field(&self) -> u8 {
        self.raw[1] & 0x7f
    }

    /// How the length is encoded.
    pub fn length_encoding(&self) -> LengthEncoding {
        match self.length_field() {
            126 => LengthEncoding::Sixteen,
            127 => LengthEncoding::SixtyFour,
            _ => LengthEncoding::Seven,
        }
    }

    /// The extended length bytes (empty for the 7-bit form).
    pub fn length_bytes(&self) -> &[u8] {
        &self.raw[2..2 + self.length_encoding().extra_bytes()]
    }

    /// The payload length as declared, the most significant bit included.
    pub fn payload_len(&self) -> u64 {
        match self.length_encoding() {
            LengthEncoding::Seven => u64::from(self.length_field()),
            LengthEncoding::Sixteen => u64::from(u16::from_be_bytes([self.raw[2], self.raw[3]])),
            LengthEncoding::SixtyFour => {
                let mut b = [0u8; 8];
                b.copy_from_slice(&self.raw[2..10]);
                u64::from_be_bytes(b)
            }
        }
    }

    /// The masking key, if MASK is set.
    pub fn mask_key(&self) -> Option<[u8; 4]> {
        let at = 2 + self.length_encoding().extra_bytes();
        self.masked().then(|| {
            [
                self.raw[at],
                self.raw[at + 1],
                self.raw[at + 2],
                self.raw[at + 3],
            ]
        })
    }

    /// The rules this header breaks on its own, whoever sent it.
    pub(crate) fn violations(&self, allowed_rsv: RsvBits) -> Vec<Violation> {
        prefix_violations(self.bytes(), allowed_rsv)
    }
}

/// The rules the first bytes of a header already break, whoever sent them: every rule those
/// bytes can decide. A whole header is judged on every rule of §5.2; a stream that stops
/// inside one still shows what its bytes break (byte 0 alone decides the reserved bits, the
/// opcode and a fragmented control frame; the first byte of a 64-bit length decides its most
/// significant bit).
pub(crate) fn prefix_violations(prefix: &[u8], allowed_rsv: RsvBits) -> Vec<Violation> {
    let mut found = Vec::new();
    let Some(&b0) = prefix.first() else {
        return found;
    };
    let rsv = RsvBits(((b0 >> 6) & 1) | (((b0 >> 5) & 1) << 1) | (((b0 >> 4) & 1) << 2));
    let unexpected = RsvBits(rsv.0 & !allowed_rsv.0);
    if !unexpected.is_empty() {
        found.push(Violation::ReservedBitsSet { bits: unexpected });
    }
    let opcode = OpCode::from_bits(b0);
    if !opcode.is_known() {
        found.push(Violation::UnknownOpcode {
            opcode: opcode.bits(),
        });
    }
    let length = declared_length(prefix);
    if opcode.is_control() {
        found.extend(length.and_then(super::control::too_long));
        if b0 & 0x80 == 0 {
            found.push(Violation::FragmentedControlFrame);
        }
    }
    let Some(&b1) = prefix.get(1) else {
        return found;
    };
    let used = match b1 & 0x7f {
        126 => LengthEncoding::Sixteen,
        127 => LengthEncoding::SixtyFour,
        _ => LengthEncoding::Seven,
    };
    if used == LengthEncoding::SixtyFour && prefix.get(2).is_some_and(|&b| b & 0x80 != 0) {
        found.push(Violation::LengthMsbSet);
    } else if let Some(length) = length
        && LengthEncoding::minimal_for(length) != used
    {
        found.push(Violation::NonMinimalLength {
            length,
            used: used.phrase(),
            minimal: LengthEncoding::minimal_for(length).phrase(),
        });
    }
    found
}

/// The payload length the first bytes of a header declare, once all its length bytes came.
fn declared_length(prefix: &[u8]) -> Option<u64> {
    let b1 = *prefix.get(1)?;
    let extra = match b1 & 0x7f {
        126 => 2,
        127 => 8,
        seven => return Some(u64::from(seven)),
    };
    let bytes = prefix.get(2..2 + extra)?;
    Some(bytes.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b)))
}

/// Where in its header a stream stopped, when it stopped before the header was whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderCut {
    /// Only byte 0 came: byte 1, with MASK and the 7-bit payload length, did not.
    SecondByte,
    /// Inside the extended payload length: `have` of its `of` bytes (2 or 8) came.
    ExtendedLength {
        /// Bytes of it that came.
        have: u8,
        /// Bytes it has: 2 or 8.
        of: u8,
    },
    /// Inside the masking key: `have` of its 4 bytes came.
    MaskingKey {
        /// Bytes of it that came.
        have: u8,
    },
}

impl HeaderCut {
    /// Where `prefix`, the first bytes of a header shorter than [`FrameHeader::needed`], stops.
    pub fn of(prefix: &[u8]) -> Option<Self> {
        let &b1 = match prefix {
            [] => return None,
            [_] => return Some(Self::SecondByte),
            [_, b1, ..] => b1,
        };
        let of: u8 = match b1 & 0x7f {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        let past = prefix.len() - 2;
        if past < usize::from(of) {
            return Some(Self::ExtendedLength {
                have: past as u8,
                of,
            });
        }
        (prefix.len() < FrameHeader::needed(prefix)).then(|| Self::MaskingKey {
            have: (past - usize::from(of)) as u8,
        })
    }

    /// A stable name for JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Self::SecondByte => "byte-1",
            Self::ExtendedLength { .. } => "extended-payload-length",
            Self::MaskingKey { .. } => "masking-key",
        }
    }
}

impl std::fmt::Display for HeaderCut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SecondByte => {
                f.write_str("before byte 1, which holds MASK and the 7-bit payload length")
            }
            Self::ExtendedLength { have, of } => write!(
                f,
                "inside the {}-bit extended payload length ({have} of its {of} bytes)",
                u32::from(*of) * 8
            ),
            Self::MaskingKey { have } => {
                write!(f, "inside the masking key ({have} of its 4 bytes)")
            }
        }
    }
}

/// A complete frame, or the part of one received so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// 0-based position among the frames of this direction.
    pub index: u64,
    /// Stream offset of the frame's first byte.
    pub offset: u64,
    /// The header.
    pub header: FrameHeader,
    /// The payload with any mask removed, up to the preview cap. `wire_payload` gives the
    /// bytes as they crossed the wire.
    pub payload: Bytes,
    /// Payload bytes received so far; equals the declared length once the frame is complete.
    pub received: u64,
    /// The rules this frame breaks.
    pub violations: Vec<Violation>,
}

impl Frame {
    /// Header length in bytes (2–14).
    pub fn header_len(&self) -> u64 {
        self.header.bytes().len() as u64
    }

    /// Declared payload length.
    pub fn payload_len(&self) -> u64 {
        self.header.payload_len()
    }

    /// Stream span of the whole frame, as declared.
    pub fn span(&self) -> Range<u64> {
        self.offset..self.payload_span().end
    }

    /// Stream span of the payload, as declared.
    pub fn payload_span(&self) -> Range<u64> {
        let start = self.offset + self.header_len();
        start..start.saturating_add(self.payload_len())
    }

    /// Whether every payload byte has arrived.
    pub fn is_complete(&self) -> bool {
        self.received >= self.payload_len()
    }

    /// Whether `payload` holds less than the whole payload.
    pub fn is_truncated(&self) -> bool {
        (self.payload.len() as u64) < self.payload_len()
    }

    /// The kept payload as it crossed the wire: masked again, if the frame was masked.
    pub fn wire_payload(&self) -> Cow<'_, [u8]> {
        match self.header.mask_key() {
            Some(key) => {
                let mut wire = self.payload.to_vec();
                apply_mask(&mut wire, key, 0);
                Cow::Owned(wire)
            }
            None => Cow::Borrowed(&self.payload),
        }
    }
}
