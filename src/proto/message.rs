//! Messages reassembled from frames (RFC 6455 §5.4), and what a close frame says (§5.5.1).

use bytes::Bytes;

use super::coding::{OpCode, close_code};
use super::violation::Violation;

/// A message: one data frame with FIN=1, a fragmented message's frames, or one control frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// 0-based position among the messages of this direction.
    pub index: u64,
    /// Text, binary, close, ping or pong (or a reserved opcode).
    pub opcode: OpCode,
    /// Index of the first frame.
    pub first_frame: u64,
    /// How many frames made the message (control frames between fragments not counted).
    pub frame_count: u64,
    /// Index of the frame that completed it: with a ping between fragments, that is not
    /// `first_frame + frame_count - 1`.
    pub last_frame: u64,
    /// Total payload length across the frames.
    pub length: u64,
    /// The unmasked payload, up to the preview cap. A one-frame message shares its frame's
    /// buffer rather than copying it.
    pub preview: Bytes,
    /// For text: whether the whole payload is valid UTF-8. `None` for other kinds, and for
    /// text compressed by an extension, whose bytes are not UTF-8 until inflated.
    pub utf8_valid: Option<bool>,
    /// Whether the first frame had RSV1 set under a negotiated extension (permessage-deflate).
    pub compressed: bool,
    /// For a compressed message, what inflating it for display gave (RFC 7692). `None`
    /// when nothing inflated it: not compressed, or read without the extension's state.
    pub inflated: Option<Inflated>,
    /// For a close frame: the code and reason.
    pub close: Option<Close>,
}

/// A compressed message inflated for display. The captured and relayed bytes stay as they
/// were; this is a view of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inflated {
    /// It inflated.
    Done {
        /// The inflated bytes, up to the preview cap.
        preview: Bytes,
        /// The inflated length, counted up to `bound`.
        length: u64,
        /// Whether inflating stopped at the bound with more to come, so that `length` is
        /// a lower bound (a decompression bomb must not exhaust memory or time).
        beyond_bound: bool,
    },
    /// It could not be inflated; the sentence says why.
    Failed(String),
}

impl Inflated {
    /// The inflated length, if it inflated.
    pub fn length(&self) -> Option<u64> {
        match self {
            Self::Done { length, .. } => Some(*length),
            Self::Failed(_) => None,
        }
    }

    /// The inflated preview, if it inflated.
    pub fn preview(&self) -> Option<&Bytes> {
        match self {
            Self::Done { preview, .. } => Some(preview),
            Self::Failed(_) => None,
        }
    }

    /// Why it did not inflate, or that the length is a lower bound; `None` when all is known.
    pub fn note(&self) -> Option<String> {
        match self {
            Self::Done {
                beyond_bound: true,
                length,
                ..
            } => Some(format!(
                "inflates to more than {} MiB; inflating stopped there",
                length / (1024 * 1024)
            )),
            Self::Done { .. } => None,
            Self::Failed(why) => Some(why.clone()),
        }
    }
}

impl Message {
    /// Whether the preview holds less than the whole payload.
    pub fn is_truncated(&self) -> bool {
        (self.preview.len() as u64) < self.length
    }

    /// The preview as text, with invalid bytes replaced.
    pub fn text_lossy(&self) -> String {
        String::from_utf8_lossy(&self.preview).into_owned()
    }
}

/// The payload of a close frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Close {
    /// The status code, if the payload has one.
    pub code: Option<u16>,
    /// The reason, with invalid UTF-8 replaced.
    pub reason: String,
}

impl Close {
    /// The code's registered name, if there is a code.
    pub fn code_name(&self) -> Option<&'static str> {
        self.code.map(|c| close_code(c).name)
    }
}

/// Reads a close payload, and the rules it breaks. `complete` is false when `payload` is only
/// a preview of a longer one, whose last character may have been cut in two.
pub fn parse_close(payload: &[u8], complete: bool) -> (Close, Vec<Violation>) {
    let mut violations = Vec::new();
    match payload {
        [] => (
            Close {
                code: None,
                reason: String::new(),
            },
            violations,
        ),
        [_] => {
            violations.push(Violation::ClosePayloadOneByte);
            (
                Close {
                    code: None,
                    reason: String::new(),
                },
                violations,
            )
        }
        [hi, lo, reason @ ..] => {
            let code = u16::from_be_bytes([*hi, *lo]);
            let info = close_code(code);
            if !info.allowed_on_wire {
                violations.push(Violation::CloseCodeNotAllowed {
                    code,
                    name: info.name,
                });
            }
            if let Err(e) = std::str::from_utf8(reason)
                && (complete || e.error_len().is_some())
            {
                violations.push(Violation::InvalidUtf8CloseReason {
                    at: e.valid_up_to(),
                });
            }
            (
                Close {
                    code: Some(code),
                    reason: String::from_utf8_lossy(reason).into_owned(),
                },
                violations,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_with_code_and_reason() {
        let (close, v) = parse_close(b"\x03\xe8bye", true);
        assert_eq!(close.code, Some(1000));
        assert_eq!(close.reason, "bye");
        assert_eq!(close.code_name(), Some("Normal Closure"));
        assert!(v.is_empty());
    }

    #[test]
    fn close_rules() {
        assert_eq!(
            parse_close(b"\x03", true).1,
            vec![Violation::ClosePayloadOneByte]
        );
        assert_eq!(
            parse_close(b"\x03\xed", true).1,
            vec![Violation::CloseCodeNotAllowed {
                code: 1005,
                name: "No Status Received"
            }]
        );
        assert_eq!(
            parse_close(b"\x03\xe8ok\xff", true).1,
            vec![Violation::InvalidUtf8CloseReason { at: 2 }]
        );
        assert!(parse_close(b"", true).1.is_empty());
        // A preview that cuts "é" in two is not invalid; a whole payload that ends so is.
        assert!(parse_close(b"\x03\xe8caf\xc3", false).1.is_empty());
        assert_eq!(
            parse_close(b"\x03\xe8caf\xc3", true).1,
            vec![Violation::InvalidUtf8CloseReason { at: 3 }]
        );
    }
}
