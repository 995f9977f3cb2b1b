//! The rules of RFC 6455 that a stream of frames can break. One variant per rule; each
//! message is a plain sentence that doubles as lesson text.

use thiserror::Error;

/// A broken rule, found in the bytes of one direction.
///
/// The dissector reports these and goes on: a learner should see every mistake in a capture,
/// not just the first.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Violation {
    /// RSV1–3 must be 0 unless an extension gives them a meaning (§5.2).
    #[error("reserved bit{} {} set, but no extension was negotiated that gives {} a meaning", if bits.len() > 1 { "s" } else { "" }, bits_list(*bits), if bits.len() > 1 { "them" } else { "it" })]
    ReservedBitsSet {
        /// Which of RSV1, RSV2, RSV3 were set, as bit numbers 1–3.
        bits: RsvBits,
    },
    /// Opcodes 0x3–0x7 and 0xB–0xF are reserved (§5.2).
    #[error(
        "opcode {opcode:#x} is reserved; RFC 6455 defines only 0x0, 0x1, 0x2, 0x8, 0x9 and 0xA"
    )]
    UnknownOpcode {
        /// The 4-bit opcode.
        opcode: u8,
    },
    /// Control frames carry at most 125 bytes of payload (§5.5).
    #[error("this control frame carries {length} bytes, but control frames may carry at most 125")]
    ControlFrameTooLong {
        /// The declared payload length.
        length: u64,
    },
    /// Control frames may not be fragmented (§5.5).
    #[error("this control frame has FIN=0, but control frames may not be fragmented")]
    FragmentedControlFrame,
    /// A continuation frame must follow a data frame with FIN=0 (§5.4).
    #[error("a continuation frame arrived, but no fragmented message was started")]
    ContinuationWithoutMessage,
    /// A fragmented message must be finished before the next one starts (§5.4).
    #[error(
        "a new {opcode} message started while a fragmented message was still open; only continuation or control frames may come between fragments"
    )]
    NewMessageWhileFragmented {
        /// The name of the opcode that started the new message.
        opcode: &'static str,
    },
    /// The most significant bit of a 64-bit length must be 0 (§5.2).
    #[error("the 64-bit payload length has its most significant bit set, which RFC 6455 forbids")]
    LengthMsbSet,
    /// The minimal number of bytes must be used to encode the length (§5.2).
    #[error(
        "the length {length} is written with {used}, but it fits in {minimal}; the shortest encoding is required"
    )]
    NonMinimalLength {
        /// The payload length.
        length: u64,
        /// The encoding used, e.g. "the 64-bit form".
        used: &'static str,
        /// The shortest encoding that fits.
        minimal: &'static str,
    },
    /// A client must mask every frame it sends, and a server must close on one that is not
    /// (§5.1; the masking itself is §5.3).
    #[error(
        "this client frame is not masked; a client must mask every frame it sends, and the server must close the connection, with 1002 as its usual code (§7.4.1)"
    )]
    UnmaskedClientFrame,
    /// A server must not mask any frame it sends (§5.1).
    #[error(
        "this server frame is masked; a server must never mask its frames, and the client must close the connection"
    )]
    MaskedServerFrame,
    /// Text messages must be valid UTF-8 (§5.6, §8.1).
    #[error(
        "the text message is not valid UTF-8 at byte {at} of the message; the receiver must fail the connection, with 1007 as its usual code (§7.4.1)"
    )]
    InvalidUtf8Text {
        /// Offset of the first bad byte within the message's payload.
        at: u64,
    },
    /// A close payload is empty or starts with a 2-byte code (§5.5.1).
    #[error(
        "the close payload is exactly 1 byte; it must be empty or start with a 2-byte status code"
    )]
    ClosePayloadOneByte,
    /// Some close codes are for APIs only, or unassigned (§7.4.1, §7.4.2).
    #[error("close code {code} ({name}) may not be sent in a close frame")]
    CloseCodeNotAllowed {
        /// The code found.
        code: u16,
        /// What the code is.
        name: &'static str,
    },
    /// The close reason must be UTF-8 (§5.5.1).
    #[error("the close reason is not valid UTF-8 at byte {at} of the reason")]
    InvalidUtf8CloseReason {
        /// Offset of the first bad byte within the reason.
        at: usize,
    },
}

impl Violation {
    /// The section of RFC 6455 that states the rule.
    pub fn section(&self) -> &'static str {
        match self {
            Self::ReservedBitsSet { .. }
            | Self::UnknownOpcode { .. }
            | Self::LengthMsbSet
            | Self::NonMinimalLength { .. } => "5.2",
            Self::ControlFrameTooLong { .. } | Self::FragmentedControlFrame => "5.5",
            Self::ContinuationWithoutMessage | Self::NewMessageWhileFragmented { .. } => "5.4",
            Self::UnmaskedClientFrame | Self::MaskedServerFrame => "5.1",
            Self::InvalidUtf8Text { .. } => "8.1",
            Self::ClosePayloadOneByte | Self::InvalidUtf8CloseReason { .. } => "5.5.1",
            Self::CloseCodeNotAllowed { .. } => "7.4",
        }
    }

    /// A stable kebab-case identifier, for JSON output and tests.
    pub fn id(&self) -> &'static str {
        match self {
            Self::ReservedBitsSet { .. } => "reserved-bits-set",
            Self::UnknownOpcode { .. } => "unknown-opcode",
            Self::ControlFrameTooLong { .. } => "control-frame-too-long",
            Self::FragmentedControlFrame => "fragmented-control-frame",
            Self::ContinuationWithoutMessage => "continuation-without-message",
            Self::NewMessageWhileFragmented { .. } => "new-message-while-fragmented",
            Self::LengthMsbSet => "length-msb-set",
            Self::NonMinimalLength { .. } => "non-minimal-length",
            Self::UnmaskedClientFrame => "unmasked-client-frame",
            Self::MaskedServerFrame => "masked-server-frame",
            Self::InvalidUtf8Text { .. } => "invalid-utf8-text",
            Self::ClosePayloadOneByte => "close-payload-one-byte",
            Self::CloseCodeNotAllowed { .. } => "close-code-not-allowed",
            Self::InvalidUtf8CloseReason { .. } => "invalid-utf8-close-reason",
        }
    }
}

/// Which reserved bits are set: bit 0 is RSV1, bit 1 RSV2, bit 2 RSV3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RsvBits(pub u8);

impl RsvBits {
    /// How many of the three bits are set.
    pub fn len(self) -> u32 {
        (self.0 & 0b111).count_ones()
    }

    /// Whether none is set.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Whether RSV`n` (1–3) is set.
    pub fn has(self, n: u8) -> bool {
        (1..=3).contains(&n) && self.0 & (1 << (n - 1)) != 0
    }
}

fn bits_list(bits: RsvBits) -> String {
    let names: Vec<String> = (1..=3)
        .filter(|&n| bits.has(n))
        .map(|n| format!("RSV{n}"))
        .collect();
    names.join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_read_plainly() {
        assert_eq!(
            Violation::ReservedBitsSet {
                bits: RsvBits(0b001)
            }
            .to_string(),
            "reserved bit RSV1 set, but no extension was negotiated that gives it a meaning"
        );
        assert_eq!(
            Violation::ReservedBitsSet {
                bits: RsvBits(0b110)
            }
            .to_string(),
            "reserved bits RSV2 and RSV3 set, but no extension was negotiated that gives them a meaning"
        );
        assert_eq!(
            Violation::CloseCodeNotAllowed {
                code: 1005,
                name: "No Status Received"
            }
            .to_string(),
            "close code 1005 (No Status Received) may not be sent in a close frame"
        );
        assert_eq!(Violation::UnmaskedClientFrame.section(), "5.1");
    }
}
