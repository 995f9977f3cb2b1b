//! The Sec-WebSocket-Accept derivation (RFC 6455 §1.3, §4.2.2), with every step kept as data
//! so that a view can show it line by line.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha1::{Digest, Sha1};
use thiserror::Error;

/// The GUID that RFC 6455 appends to every key. Any server that knows it speaks WebSocket.
pub const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// What is wrong with a Sec-WebSocket-Key (RFC 6455 §4.1, item 7 of the client's request).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    /// The header is present but has no value.
    #[error("the key is empty; it must be 16 random bytes in base64 (24 characters)")]
    Empty,
    /// A character outside the base64 alphabet.
    #[error(
        "character {position} ({found:?}) is not base64; the key must use A-Z, a-z, 0-9, + and /"
    )]
    NotBase64 {
        /// 1-based character position in the key.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// The text has the wrong number of characters for base64, or misplaced padding.
    #[error(
        "the key is {chars} characters and is not whole base64; 16 bytes encode to 24 characters ending in \"==\""
    )]
    BadBase64Length {
        /// How many characters the key has.
        chars: usize,
    },
    /// The last character before the padding carries bits past the last byte: not the
    /// canonical encoding (RFC 4648 §3.5), which a strict decoder refuses.
    #[error(
        "character {position} ({found:?}) sets bits past the last byte; base64 of 16 bytes ends in A, Q, g or w before \"==\""
    )]
    NotCanonical {
        /// 1-based character position in the key.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// Valid base64, but of the wrong number of bytes.
    #[error("the key decodes to {decoded} bytes, but it must be exactly 16 bytes")]
    WrongLength {
        /// How many bytes the key decoded to.
        decoded: usize,
    },
}

/// Every step of deriving Sec-WebSocket-Accept from a Sec-WebSocket-Key.
///
/// ```
/// use wslab::proto::Derivation;
///
/// // The example of RFC 6455 §1.3.
/// let d = Derivation::new("dGhlIHNhbXBsZSBub25jZQ==");
/// assert_eq!(d.key_bytes, Ok(*b"the sample nonce"));
/// assert_eq!(d.sha1_hex(), "b37a4f2cc0624f1690f64606cf385945b2bec4ea");
/// assert_eq!(d.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
/// assert!(d.compare("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=").matches);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derivation {
    /// The key exactly as it was sent.
    pub key: String,
    /// The 16 bytes the key stands for, or what is wrong with it. Servers hash the key text
    /// whatever it holds, so the later steps are filled in either way.
    pub key_bytes: Result<[u8; 16], KeyError>,
    /// The key followed by [`GUID`]: the text that is hashed.
    pub concatenated: String,
    /// SHA-1 of `concatenated`.
    pub sha1: [u8; 20],
    /// Base64 of `sha1`: the value a correct server sends in Sec-WebSocket-Accept.
    pub accept: String,
}

impl Derivation {
    /// Runs every step for `key`.
    pub fn new(key: &str) -> Self {
        let concatenated = format!("{key}{GUID}");
        let sha1: [u8; 20] = Sha1::digest(concatenated.as_bytes()).into();
        Self {
            key: key.to_owned(),
            key_bytes: validate_key(key),
            accept: BASE64.encode(sha1),
            concatenated,
            sha1,
        }
    }

    /// The digest in lowercase hex, two digits a byte.
    pub fn sha1_hex(&self) -> String {
        hex::encode(self.sha1)
    }

    /// Compares the derived value with the Sec-WebSocket-Accept a server sent.
    pub fn compare(&self, received: &str) -> AcceptComparison {
        // The header value is compared exactly: base64 is case-sensitive (§4.1, item 4 of the response).
        AcceptComparison {
            expected: self.accept.clone(),
            received: received.to_owned(),
            matches: received.trim() == self.accept,
        }
    }
}

/// The derived Accept set against the one a server actually sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptComparison {
    /// What the server should have sent.
    pub expected: String,
    /// What the server did send.
    pub received: String,
    /// Whether they are the same.
    pub matches: bool,
}

/// Checks that `key` is base64 of exactly 16 bytes, and returns those bytes.
///
/// # Errors
/// Returns the first thing wrong with the key, as a [`KeyError`].
pub fn validate_key(key: &str) -> Result<[u8; 16], KeyError> {
    if key.is_empty() {
        return Err(KeyError::Empty);
    }
    if let Some((index, found)) = key
        .chars()
        .enumerate()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
    {
        return Err(KeyError::NotBase64 {
            position: index + 1,
            found,
        });
    }
    // Strict: the standard alphabet with canonical padding, as RFC 4648 §4 writes it.
    let decoded = BASE64.decode(key.as_bytes()).map_err(|error| match error {
        base64::DecodeError::InvalidByte(position, byte) => KeyError::NotBase64 {
            position: position + 1,
            found: char::from(byte),
        },
        base64::DecodeError::InvalidLastSymbol(position, byte) => KeyError::NotCanonical {
            position: position + 1,
            found: char::from(byte),
        },
        base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidPadding => {
            KeyError::BadBase64Length {
                chars: key.chars().count(),
            }
        }
    })?;
    <[u8; 16]>::try_from(decoded.as_slice()).map_err(|_| KeyError::WrongLength {
        decoded: decoded.len(),
    })
}

/// A fresh key as a client would send it: 16 bytes from the operating system's random source.
///
/// # Errors
/// Fails only if the operating system cannot supply random bytes.
pub fn random_key() -> Result<String, getrandom::Error> {
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce)?;
    Ok(BASE64.encode(nonce))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_with_stray_bits_is_refused_by_name() {
        // The RFC's sample key with its last symbol Q changed to R: the same 16 bytes to a
        // lenient decoder, but not the canonical encoding.
        assert_eq!(
            validate_key("dGhlIHNhbXBsZSBub25jZR=="),
            Err(KeyError::NotCanonical {
                position: 22,
                found: 'R'
            })
        );
        assert!(validate_key("dGhlIHNhbXBsZSBub25jZQ==").is_ok());
    }

    #[test]
    fn rfc_6455_section_1_3() {
        let d = Derivation::new("dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(d.key_bytes, Ok(*b"the sample nonce"));
        assert_eq!(
            d.concatenated,
            "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
        );
        assert_eq!(d.sha1_hex(), "b37a4f2cc0624f1690f64606cf385945b2bec4ea");
        assert_eq!(d.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert!(d.compare("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=").matches);
        assert!(!d.compare("s3pPLMBiTxaQ9kYGzzhZRbK+xOO=").matches);
    }

    #[test]
    fn key_errors_say_what_is_wrong() {
        assert_eq!(validate_key(""), Err(KeyError::Empty));
        assert_eq!(
            validate_key("dGhl IHNhbXBsZSBub25jZQ=="),
            Err(KeyError::NotBase64 {
                position: 5,
                found: ' '
            })
        );
        assert_eq!(
            validate_key("dGhlIHNhbXBsZSBub25jZQ"),
            Err(KeyError::BadBase64Length { chars: 22 })
        );
        assert_eq!(
            validate_key("aGVsbG8="),
            Err(KeyError::WrongLength { decoded: 5 })
        );
        assert_eq!(
            KeyError::WrongLength { decoded: 5 }.to_string(),
            "the key decodes to 5 bytes, but it must be exactly 16 bytes"
        );
    }

    #[test]
    fn an_invalid_key_still_has_an_accept() {
        let d = Derivation::new("hello");
        assert!(d.key_bytes.is_err());
        assert_eq!(d.accept.len(), 28);
    }

    #[test]
    fn random_keys_are_valid_and_differ() {
        let a = random_key().unwrap();
        let b = random_key().unwrap();
        assert!(validate_key(&a).is_ok());
        assert_ne!(a, b);
    }
}
