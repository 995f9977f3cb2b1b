//! Why a hand-crafted frame cannot be made: one variant per mistake, each one sentence that
//! says what was wrong and what would be right.

use thiserror::Error;

use crate::hexinput::HexError;
use crate::proto::limits::DECLARED_LENGTH_MAX;
use crate::proto::shown::{quoted_fit, visible};

/// The fields a frame may be typed with, for the sentence that refuses any other.
pub const KEYS: &str =
    "fin, rsv1, rsv2, rsv3, opcode, mask, len, len7, len16, len64, encoding, payload, payload-hex";

/// What was wrong with the whole line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CraftError {
    /// Nothing was typed.
    #[error(
        "type a frame: hex such as 81 05 48 65 6c 6c 6f, or fields such as opcode=ping payload=hi"
    )]
    Empty,
    /// The line is read as hex (its first word has no `=`), and is not hex.
    #[error(
        "{0}; a line whose first word has no = is read as hex, so type hex or fields (opcode=text payload=hi)"
    )]
    NotHex(HexError),
    /// The bytes would be more than wslab sends at once, so memory stays bounded.
    #[error("a crafted line makes at most {limit} bytes; send less at a time")]
    TooLarge {
        /// The most bytes allowed.
        limit: usize,
    },
    /// More frames than one line may describe as fields.
    #[error("a line of fields describes at most {limit} frames; send the rest on another line")]
    TooManyFrames {
        /// The most frames allowed.
        limit: usize,
    },
    /// A quoted value that never ends.
    #[error("the quote at column {column} is never closed; end the value with the same quote")]
    UnclosedQuote {
        /// The 1-based column of the opening quote, in characters.
        column: usize,
    },
    /// An escape inside quotes that this does not read.
    #[error(
        "\\{} at column {column} is not an escape; inside quotes write \\\" \\' \\\\ \\n \\r \\t or \\0, or use payload-hex",
        visible(&.escape.to_string())
    )]
    BadEscape {
        /// The character after the backslash.
        escape: char,
        /// The 1-based column of the backslash, in characters.
        column: usize,
    },
    /// A mistake in one frame's fields.
    #[error("{}{error}", frame_prefix(*.frame, *.several))]
    Field {
        /// The 1-based frame, in the order typed.
        frame: usize,
        /// Whether the line describes several frames, so that the sentence names which.
        several: bool,
        /// The mistake.
        error: FieldError,
    },
}

fn frame_prefix(frame: usize, several: bool) -> String {
    if several {
        format!("frame {frame}: ")
    } else {
        String::new()
    }
}

/// A mistake in one frame's fields.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FieldError {
    /// A word without `=`.
    #[error("{} is not field=value; a line of fields is words such as opcode=ping payload=hi", q(.word))]
    NotKeyValue {
        /// The word.
        word: String,
    },
    /// A field this does not know.
    #[error("{} is not a field; the fields are {KEYS}", q(.key))]
    UnknownKey {
        /// The name typed.
        key: String,
    },
    /// The same field twice in one frame.
    #[error("{key} is given twice; give each field once per frame (separate frames with ;)")]
    Repeated {
        /// The field.
        key: String,
    },
    /// Two fields that set the same thing.
    #[error("{first} and {second} both set the {what}; give one of them")]
    Conflict {
        /// The field given first.
        first: String,
        /// The field given second.
        second: String,
        /// What they both set.
        what: &'static str,
    },
    /// A bit that is not 0 or 1.
    #[error("{key}={}: a bit is 0 or 1", q(.value))]
    NotABit {
        /// The field.
        key: String,
        /// What was typed.
        value: String,
    },
    /// An opcode that is neither a name nor a 4-bit number.
    #[error(
        "opcode={} is not an opcode: give 0 to 15 (0x0 to 0xf, 4 bits, RFC 6455 §5.2) or text, binary, close, ping, pong, cont", q(.value)
    )]
    NotAnOpcode {
        /// What was typed.
        value: String,
    },
    /// A masking key that is not four bytes of hex.
    #[error(
        "mask={} is not a masking key: give 4 bytes as 8 hex digits (RFC 6455 §5.3), or none for an unmasked frame", q(.value)
    )]
    NotAMask {
        /// What was typed.
        value: String,
    },
    /// A length that is not a whole number.
    #[error("{key}={} is not a length: give a whole number of bytes, e.g. len=300", q(.value))]
    NotALength {
        /// The field.
        key: String,
        /// What was typed.
        value: String,
    },
    /// A length no frame can declare.
    #[error(
        "{key}={} is past the largest length a frame can declare, {DECLARED_LENGTH_MAX} (RFC 6455 §5.2: the 64-bit form's first bit is 0); type the header as hex to send it anyway",
        long(.length)
    )]
    LengthPastMax {
        /// The field.
        key: String,
        /// The length, as typed.
        length: String,
    },
    /// An encoding that is not one of the three.
    #[error("encoding={}: a length is encoded in 7, 16 or 64 bits (RFC 6455 §5.2)", q(.value))]
    NotAnEncoding {
        /// What was typed.
        value: String,
    },
    /// A length too large for the encoding asked for.
    #[error(
        "a length of {length} does not fit the {bits}-bit form (at most {max}); choose a wider encoding or leave it out"
    )]
    EncodingTooSmall {
        /// The length.
        length: u64,
        /// The encoding's bits: 7 or 16.
        bits: u8,
        /// The most it holds.
        max: u64,
    },
    /// `payload-hex` that is not hex.
    #[error("payload-hex: {0}")]
    PayloadNotHex(HexError),
}

/// What a person typed, quoted as every view quotes text, and cut when long: a sentence stays
/// a sentence whatever was pasted.
fn q(text: &str) -> String {
    quoted_fit(text, 40, false)
}

/// A long number cut with `…`, for the same reason.
fn long(digits: &str) -> String {
    if digits.chars().count() <= 40 {
        return digits.to_owned();
    }
    let kept: String = digits.chars().take(39).collect();
    format!("{kept}…")
}
