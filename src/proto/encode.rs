//! Encoding frames byte by byte. The lab's clients speak through the WebSocket library; this is
//! for the bytes a lesson must pin (a chosen masking key) or a peer must get wrong on purpose
//! (an unmasked client frame, a masked server frame, an oversized ping).

use super::coding::OpCode;
use super::frame::LengthEncoding;
use super::limits::CLOSE_REASON_MAX;
use super::mask::apply_mask;
use super::violation::RsvBits;

/// Everything in a frame's header that a caller may choose, lawful or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameSpec {
    /// The FIN bit.
    pub fin: bool,
    /// RSV1–3.
    pub rsv: RsvBits,
    /// The opcode.
    pub opcode: OpCode,
    /// The masking key, or `None` for an unmasked frame.
    pub mask: Option<[u8; 4]>,
    /// The length form; `None` picks the shortest that fits (§5.2 requires it).
    pub length: Option<LengthEncoding>,
}

impl FrameSpec {
    /// A final frame with this opcode and mask, RSV clear, shortest length.
    pub fn new(opcode: OpCode, mask: Option<[u8; 4]>) -> Self {
        Self {
            fin: true,
            rsv: RsvBits(0),
            opcode,
            mask,
            length: None,
        }
    }

    /// The same, with FIN as given.
    #[must_use]
    pub fn fin(mut self, fin: bool) -> Self {
        self.fin = fin;
        self
    }
}

/// The frame's bytes: header, then the payload masked with the key if there is one.
///
/// A length form too small for the payload is widened, since a truncated length field could
/// only describe some other frame.
///
/// ```
/// use wslab::proto::encode::{FrameSpec, encode};
/// use wslab::proto::OpCode;
///
/// // RFC 6455 §5.7: a masked "Hello" from a client.
/// let bytes = encode(FrameSpec::new(OpCode::Text, Some([0x37, 0xfa, 0x21, 0x3d])), b"Hello");
/// assert_eq!(bytes, [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
/// ```
pub fn encode(spec: FrameSpec, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(14 + payload.len());
    out.extend(header(spec, payload.len() as u64));
    let start = out.len();
    out.extend_from_slice(payload);
    if let Some(key) = spec.mask {
        apply_mask(&mut out[start..], key, 0);
    }
    out
}

/// A frame's header alone, declaring `length` payload bytes whatever follows it: a crafted
/// frame may declare more or fewer than it carries, to see whether the peer notices. A length
/// form too small for `length` is widened, as [`encode`] widens it.
pub fn header(spec: FrameSpec, length: u64) -> Vec<u8> {
    let minimal = LengthEncoding::minimal_for(length);
    let form = match spec.length {
        Some(chosen) if chosen.extra_bytes() >= minimal.extra_bytes() => chosen,
        _ => minimal,
    };
    let mut out = Vec::with_capacity(14);
    out.push(
        u8::from(spec.fin) << 7 | (spec.rsv.0 & 0b111).reverse_bits() >> 1 | spec.opcode.bits(),
    );
    let mask_bit = if spec.mask.is_some() { 0x80 } else { 0 };
    // The casts cannot cut: `form` is at least as wide as the minimal form for `length`.
    match form {
        LengthEncoding::Seven => out.push(mask_bit | length as u8),
        LengthEncoding::Sixteen => {
            out.push(mask_bit | 0x7e);
            out.extend_from_slice(&(length as u16).to_be_bytes());
        }
        LengthEncoding::SixtyFour => {
            out.push(mask_bit | 0x7f);
            out.extend_from_slice(&length.to_be_bytes());
        }
    }
    if let Some(key) = spec.mask {
        out.extend_from_slice(&key);
    }
    out
}

/// A close frame's payload: the code, big-endian, then the reason (§5.5.1).
pub fn close_payload(code: u16, reason: &str) -> Vec<u8> {
    let mut out = code.to_be_bytes().to_vec();
    out.extend_from_slice(reason.as_bytes());
    out
}

/// A close reason cut to the 123 bytes that fit beside the code (§5.5), at a character
/// boundary so that it stays UTF-8 (§5.5.1).
pub fn close_reason(reason: &str) -> &str {
    let mut end = reason.len().min(CLOSE_REASON_MAX);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    &reason[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{Config, Dissector, Event, Side};

    #[test]
    fn rfc_examples_encode_exactly() {
        assert_eq!(
            encode(FrameSpec::new(OpCode::Text, None), b"Hello"),
            [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]
        );
        assert_eq!(
            encode(FrameSpec::new(OpCode::Text, None).fin(false), b"Hel"),
            [0x01, 0x03, 0x48, 0x65, 0x6c]
        );
        assert_eq!(
            encode(FrameSpec::new(OpCode::Continuation, None), b"lo"),
            [0x80, 0x02, 0x6c, 0x6f]
        );
        let big = encode(FrameSpec::new(OpCode::Binary, None), &[0u8; 256]);
        assert_eq!(&big[..4], [0x82, 0x7e, 0x01, 0x00]);
        let huge = encode(FrameSpec::new(OpCode::Binary, None), &vec![0u8; 65536]);
        assert_eq!(&huge[..10], [0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0]);
    }

    #[test]
    fn rsv_bits_land_where_the_dissector_reads_them() {
        for bits in 0..8u8 {
            let mut spec = FrameSpec::new(OpCode::Binary, Some([1, 2, 3, 4]));
            spec.rsv = RsvBits(bits);
            spec.length = Some(LengthEncoding::SixtyFour);
            let bytes = encode(spec, b"abc");
            let mut dissector = Dissector::new(Config::new(Side::Client));
            let events = dissector.feed(&bytes);
            let Some(Event::Frame(frame)) = events.first() else {
                panic!("no frame for rsv {bits}");
            };
            assert_eq!(frame.header.rsv(), RsvBits(bits));
            assert_eq!(frame.header.length_encoding(), LengthEncoding::SixtyFour);
            assert_eq!(&frame.payload[..], b"abc");
        }
    }

    #[test]
    fn a_too_small_length_form_is_widened() {
        let mut spec = FrameSpec::new(OpCode::Binary, None);
        spec.length = Some(LengthEncoding::Seven);
        assert_eq!(encode(spec, &[0u8; 300])[1], 126);
    }
}
