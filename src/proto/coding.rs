//! Opcodes and close codes: the numbers RFC 6455 gives names to.

use std::fmt;

/// A frame's 4-bit opcode (RFC 6455 §5.2, §11.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpCode {
    /// 0x0: continues a fragmented message.
    Continuation,
    /// 0x1: the first frame of a UTF-8 text message.
    Text,
    /// 0x2: the first frame of a binary message.
    Binary,
    /// 0x8: closes the connection.
    Close,
    /// 0x9: a heartbeat the peer must answer.
    Ping,
    /// 0xA: the answer to a ping, or an unsolicited heartbeat.
    Pong,
    /// 0x3–0x7 (reserved data) or 0xB–0xF (reserved control): not defined by RFC 6455.
    Reserved(u8),
}

impl OpCode {
    /// Reads the low four bits of `bits`.
    pub fn from_bits(bits: u8) -> Self {
        match bits & 0x0f {
            0x0 => Self::Continuation,
            0x1 => Self::Text,
            0x2 => Self::Binary,
            0x8 => Self::Close,
            0x9 => Self::Ping,
            0xa => Self::Pong,
            other => Self::Reserved(other),
        }
    }

    /// The 4-bit value on the wire.
    pub fn bits(self) -> u8 {
        match self {
            Self::Continuation => 0x0,
            Self::Text => 0x1,
            Self::Binary => 0x2,
            Self::Close => 0x8,
            Self::Ping => 0x9,
            Self::Pong => 0xa,
            Self::Reserved(bits) => bits & 0x0f,
        }
    }

    /// Control opcodes have the high bit of the nibble set (§5.5), reserved ones included.
    pub fn is_control(self) -> bool {
        self.bits() & 0x8 != 0
    }

    /// Whether RFC 6455 defines this opcode.
    pub fn is_known(self) -> bool {
        !matches!(self, Self::Reserved(_))
    }

    /// A short lowercase name, stable for JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Self::Continuation => "continuation",
            Self::Text => "text",
            Self::Binary => "binary",
            Self::Close => "close",
            Self::Ping => "ping",
            Self::Pong => "pong",
            Self::Reserved(bits) if bits & 0x8 != 0 => "reserved-control",
            Self::Reserved(_) => "reserved-data",
        }
    }

    /// One sentence on what a frame with this opcode is for.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Continuation => "continues the message that an earlier frame started",
            Self::Text => "starts a text message; its payload is UTF-8",
            Self::Binary => "starts a binary message; its payload is any bytes",
            Self::Close => "asks to close the connection, with an optional code and reason",
            Self::Ping => "a heartbeat; the peer must answer with a pong carrying the same payload",
            Self::Pong => "answers a ping (or is an unsolicited heartbeat)",
            Self::Reserved(bits) if bits & 0x8 != 0 => {
                "reserved for future control frames; no extension here defines it"
            }
            Self::Reserved(_) => "reserved for future data frames; no extension here defines it",
        }
    }
}

impl fmt::Display for OpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x} {}", self.bits(), self.name())
    }
}

/// What RFC 6455 §7.4 and the IANA registry say about a close status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseCodeInfo {
    /// The registered name, or a description of the range the code falls in.
    pub name: &'static str,
    /// Whether an endpoint may put this code in a close frame.
    pub allowed_on_wire: bool,
    /// Why the code may or may not be sent.
    pub note: &'static str,
}

/// Looks up a close status code (RFC 6455 §7.4.1, §7.4.2, and the IANA registry of §11.7).
pub fn close_code(code: u16) -> CloseCodeInfo {
    let named = |name, note| CloseCodeInfo {
        name,
        allowed_on_wire: true,
        note,
    };
    let banned = |name, note| CloseCodeInfo {
        name,
        allowed_on_wire: false,
        note,
    };
    match code {
        1000 => named(
            "Normal Closure",
            "the purpose of the connection is fulfilled",
        ),
        1001 => named(
            "Going Away",
            "a server going down or a browser leaving the page",
        ),
        1002 => named("Protocol Error", "the peer broke the protocol"),
        1003 => named(
            "Unsupported Data",
            "a kind of data the endpoint cannot accept",
        ),
        1004 => banned(
            "Reserved",
            "reserved by RFC 6455; its meaning may be defined later",
        ),
        1005 => banned(
            "No Status Received",
            "used inside APIs when a close frame had no code; never sent",
        ),
        1006 => banned(
            "Abnormal Closure",
            "used inside APIs when the connection dropped without a close frame; never sent",
        ),
        1007 => named(
            "Invalid Frame Payload Data",
            "data inconsistent with its type, such as bad UTF-8 in text",
        ),
        1008 => named(
            "Policy Violation",
            "a message that breaks the endpoint's policy",
        ),
        1009 => named("Message Too Big", "a message too large to process"),
        1010 => named(
            "Mandatory Extension",
            "the client needed an extension the server did not agree to",
        ),
        1011 => named("Internal Error", "the server hit an unexpected condition"),
        1012 => named(
            "Service Restart",
            "the service is restarting (IANA registry)",
        ),
        1013 => named("Try Again Later", "temporary overload (IANA registry)"),
        1014 => named(
            "Bad Gateway",
            "a gateway got an invalid response upstream (IANA registry)",
        ),
        1015 => banned(
            "TLS Handshake Failure",
            "used inside APIs when the TLS handshake failed; never sent",
        ),
        0..=999 => banned("Unused", "codes below 1000 are not used"),
        1016..=2999 => banned(
            "Unassigned protocol code",
            "reserved for future revisions of the protocol",
        ),
        3000..=3999 => named(
            "Registered",
            "registered with IANA by libraries and frameworks",
        ),
        4000..=4999 => named("Private use", "free for applications to agree on"),
        5000.. => banned("Out of range", "close codes stop at 4999"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opcode_round_trips_every_nibble() {
        for bits in 0..16u8 {
            assert_eq!(OpCode::from_bits(bits).bits(), bits);
        }
    }

    #[test]
    fn control_opcodes_are_those_with_the_high_bit() {
        let control: Vec<u8> = (0..16u8)
            .filter(|&b| OpCode::from_bits(b).is_control())
            .collect();
        assert_eq!(control, (8..16).collect::<Vec<u8>>());
    }

    #[test]
    fn reserved_opcodes_are_named_by_kind() {
        assert_eq!(OpCode::from_bits(0x3).name(), "reserved-data");
        assert_eq!(OpCode::from_bits(0xb).name(), "reserved-control");
        assert_eq!(OpCode::Pong.to_string(), "0xa pong");
    }

    #[test]
    fn close_codes_on_the_wire() {
        for code in [
            1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999,
            4000, 4999,
        ] {
            assert!(close_code(code).allowed_on_wire, "{code} should be allowed");
        }
        for code in [
            0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535,
        ] {
            assert!(
                !close_code(code).allowed_on_wire,
                "{code} should be refused"
            );
        }
        assert_eq!(close_code(1000).name, "Normal Closure");
    }
}
