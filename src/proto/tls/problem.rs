//! What can be wrong in one direction of a TLS stream, as seen from the wire. One variant per
//! rule; each message is a plain sentence that doubles as lesson text.

use thiserror::Error;

/// The most a record may carry, encrypted: 2^14 bytes of plaintext plus 256 of expansion
/// (RFC 8446 §5.2).
pub const MAX_CIPHERTEXT_LEN: u16 = (1 << 14) + 256;

/// The most a record in clear may carry: 2^14 bytes (RFC 8446 §5.1).
pub const MAX_PLAINTEXT_LEN: u16 = 1 << 14;

/// A broken rule, or a stream that is not TLS at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TlsProblem {
    /// A TLS stream starts with a record, whose first byte is a content type (20–24).
    #[error(
        "this stream does not start with a TLS record: the first byte {} is not a TLS content type; is it plain ws://?",
        byte_shown(*first)
    )]
    NotTls {
        /// The stream's first byte.
        first: u8,
    },
    /// Every record starts with a content type (RFC 8446 §5.1).
    #[error(
        "this record's content type {value} is not one TLS defines (20–24); the stream may have lost its place"
    )]
    UnknownContentType {
        /// The byte found.
        value: u8,
    },
    /// A record carries at most 2^14 + 256 bytes (RFC 8446 §5.2).
    #[error(
        "this record claims {length} bytes, but a TLS record may carry at most 16640 (2^14 + 256)"
    )]
    RecordTooLong {
        /// The declared length.
        length: u16,
    },
    /// A record in clear carries at most 2^14 bytes (RFC 8446 §5.1).
    #[error(
        "this {content} record is in clear and claims {length} bytes, but an unencrypted record may carry at most 16384 (2^14)"
    )]
    PlaintextTooLong {
        /// The content type's name.
        content: &'static str,
        /// The declared length.
        length: u16,
    },
    /// Handshake and alert records may not be empty (RFC 8446 §5.1).
    #[error("this {content} record is empty; only application_data records may have length 0")]
    EmptyRecord {
        /// The content type's name.
        content: &'static str,
    },
    /// A handshake message split over records must not have other records between its parts
    /// (RFC 8446 §5.1).
    #[error(
        "a {content} record arrived in the middle of a {message} that was split over records; handshake messages must not be interleaved with other records"
    )]
    InterleavedHandshake {
        /// The content type of the record that came between.
        content: &'static str,
        /// The name of the unfinished handshake message.
        message: &'static str,
    },
    /// A handshake message longer than the dissector keeps is counted but not read.
    #[error(
        "this {message} claims {length} bytes, more than the {cap} this view keeps for reading; its fields are not shown"
    )]
    HandshakeTooLarge {
        /// The name of the message.
        message: &'static str,
        /// The declared length of its body.
        length: u32,
        /// The most kept.
        cap: usize,
    },
    /// A hello's fields must fit inside the message's declared length (RFC 8446 §4.1.2).
    #[error("this {message} ends inside its {field}; its declared lengths do not add up")]
    MalformedHello {
        /// `ClientHello` or `ServerHello`.
        message: &'static str,
        /// The field that did not fit.
        field: &'static str,
    },
}

impl TlsProblem {
    /// The section of RFC 8446 that states the rule, if one does.
    pub fn section(&self) -> Option<&'static str> {
        match self {
            Self::NotTls { .. } | Self::HandshakeTooLarge { .. } => None,
            Self::UnknownContentType { .. }
            | Self::PlaintextTooLong { .. }
            | Self::EmptyRecord { .. }
            | Self::InterleavedHandshake { .. } => Some("5.1"),
            Self::RecordTooLong { .. } => Some("5.2"),
            Self::MalformedHello { .. } => Some("4.1.2"),
        }
    }

    /// A stable kebab-case identifier, for JSON output and tests.
    pub fn id(&self) -> &'static str {
        match self {
            Self::NotTls { .. } => "not-tls",
            Self::UnknownContentType { .. } => "unknown-content-type",
            Self::RecordTooLong { .. } => "record-too-long",
            Self::PlaintextTooLong { .. } => "plaintext-too-long",
            Self::EmptyRecord { .. } => "empty-record",
            Self::InterleavedHandshake { .. } => "interleaved-handshake",
            Self::HandshakeTooLarge { .. } => "handshake-too-large",
            Self::MalformedHello { .. } => "malformed-hello",
        }
    }
}

// 0x47 ('G') for printable ASCII, so that "GET " is recognised; just 0x00 otherwise.
fn byte_shown(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("{byte:#04x} ('{}')", char::from(byte))
    } else {
        format!("{byte:#04x}")
    }
}
