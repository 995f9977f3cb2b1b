//! One TLS record as an eavesdropper sees it: the 5-byte header, always in clear, and what
//! can be read of the body, which is little once encryption starts.

use std::fmt;
use std::ops::Range;

use super::handshake::HandshakeMessage;
use super::names::{ContentType, alert_description_name, alert_level_name, version_name};
use super::problem::TlsProblem;

/// The record header: content type (1), legacy version (2), length (2).
pub const RECORD_HEADER_LEN: u16 = 5;

/// The authentication tag of every AEAD that TLS 1.3 suites use in practice: AES-GCM and
/// ChaCha20-Poly1305, which are all the suites rustls offers. (`TLS_AES_128_CCM_8_SHA256`
/// has an 8-byte tag, but almost nothing enables it.)
pub const TLS13_TAG_LEN: u16 = 16;

/// An alert in clear: before encryption starts, or from a peer giving up on the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alert {
    /// 1 warning, 2 fatal.
    pub level: u8,
    /// What went wrong, e.g. 40 `handshake_failure`.
    pub description: u8,
    /// Stream offset of the level byte; the description follows it.
    pub offset: u64,
}

impl Alert {
    /// "warning" or "fatal".
    pub fn level_name(self) -> &'static str {
        alert_level_name(self.level)
    }

    /// The description's name, e.g. "`close_notify`".
    pub fn description_name(self) -> &'static str {
        alert_description_name(self.description)
    }
}

/// What a wire observer can infer about a TLS 1.3 `application_data` record: its size, less
/// the fixed costs of encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tls13Overhead {
    /// The record header: 5 bytes, in clear.
    pub header: u16,
    /// The AEAD tag: 16 bytes (see [`TLS13_TAG_LEN`]).
    pub tag: u16,
    /// The real content type, hidden inside the encryption: 1 byte.
    pub inner_content_type: u16,
    /// The most the plaintext can be: the record length less 17. A sender may pad with
    /// zeros to hide sizes, so the plaintext may be shorter; in practice it rarely pads.
    pub plaintext_max: u16,
}

impl Tls13Overhead {
    /// The bytes on the wire that are not plaintext: 22.
    pub fn total(self) -> u16 {
        self.header + self.tag + self.inner_content_type
    }
}

/// One complete record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsRecord {
    /// Its position among this direction's records, from 0.
    pub index: u64,
    /// Stream offset of its first header byte.
    pub offset: u64,
    /// The content type, header byte 0.
    pub content_type: ContentType,
    /// The legacy version, header bytes 1–2; see [`version_name`] for why it is not the real
    /// version.
    pub version: u16,
    /// The body length, header bytes 3–4.
    pub length: u16,
    /// Whether the body is encrypted, so that an eavesdropper reads only its size:
    /// `application_data`, and anything after this direction's `change_cipher_spec`.
    pub encrypted: bool,
    /// The handshake messages this record completed, for a handshake record in clear. A
    /// message split over records appears in the record that holds its last byte.
    pub handshakes: Vec<HandshakeMessage>,
    /// The alert, for an alert record in clear.
    pub alert: Option<Alert>,
    /// The rules this record breaks.
    pub problems: Vec<TlsProblem>,
}

impl TlsRecord {
    /// The name of the legacy version in the header.
    pub fn version_name(&self) -> &'static str {
        version_name(self.version)
    }

    /// The header's bytes, as stream offsets.
    pub fn header_span(&self) -> Range<u64> {
        self.offset..self.offset + u64::from(RECORD_HEADER_LEN)
    }

    /// The body's bytes, as stream offsets.
    pub fn body_span(&self) -> Range<u64> {
        let start = self.header_span().end;
        start..start + u64::from(self.length)
    }

    /// For an `application_data` record, what TLS 1.3's encryption costs and how much
    /// plaintext it can hold: length − 17. This assumes a 16-byte tag, true of AES-GCM and
    /// ChaCha20-Poly1305, which is every TLS 1.3 suite rustls offers. `None` for other
    /// records, or one too short to hold a tag and a content type.
    pub fn tls13_overhead(&self) -> Option<Tls13Overhead> {
        if self.content_type != ContentType::ApplicationData {
            return None;
        }
        let plaintext_max = self.length.checked_sub(TLS13_TAG_LEN + 1)?;
        Some(Tls13Overhead {
            header: RECORD_HEADER_LEN,
            tag: TLS13_TAG_LEN,
            inner_content_type: 1,
            plaintext_max,
        })
    }
}

/// Where a stream stopped, if it stopped inside a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncompleteRecord {
    /// Stream offset of the unfinished record.
    pub offset: u64,
    /// Bytes of the record received, header included.
    pub have: u64,
    /// Bytes the record needs: header and body once the header is known, else the header.
    pub need: u64,
    /// Whether the header is complete (and so `need` is the whole record).
    pub header_complete: bool,
}

impl fmt::Display for IncompleteRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "record incomplete: {} of {} bytes", self.have, self.need)?;
        if !self.header_complete {
            f.write_str(" of its header")?;
        }
        Ok(())
    }
}
