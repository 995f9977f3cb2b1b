//! Control frames (RFC 6455 §5.5): pings answered with the same payload, unsolicited pongs
//! ignored, and the limits every control frame keeps.

use crate::grade::case::{Case, Expect, Finish, Group, Level, Out, Reply, Rule};
use crate::grade::suite::framing::pattern;
use crate::proto::OpCode;

const PING: Rule = Rule {
    section: "RFC 6455 §5.5.2, §5.5.3",
    says: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response, unless it already received a Close frame; a Pong frame sent in response to a Ping frame must have identical \"Application data\" as found in the message body of the Ping frame being replied to.",
    level: Level::Must,
};

const LATEST_PING: Rule = Rule {
    section: "RFC 6455 §5.5.3",
    says: "If an endpoint receives a Ping frame and has not yet sent Pong frame(s) in response to previous Ping frame(s), the endpoint MAY elect to send a Pong frame for only the most recently processed Ping frame.",
    level: Level::Must,
};

const UNSOLICITED: Rule = Rule {
    section: "RFC 6455 §5.5.3",
    says: "A Pong frame MAY be sent unsolicited. This serves as a unidirectional heartbeat. A response to an unsolicited Pong frame is not expected.",
    level: Level::Must,
};

// The RFC words these for the sender; a receiver that goes on is non-strict.
const CONTROL_LIMITS: Rule = Rule {
    section: "RFC 6455 §5.5",
    says: "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented.",
    level: Level::Should,
};

fn pinged(id: &str, title: &str, payload: Vec<u8>) -> Case {
    Case::new(
        id,
        Group::Control,
        title,
        PING,
        Expect::Echo(vec![Reply::Pong(payload.clone())]),
    )
    .send(vec![Out::ping(payload)])
}

/// The control frame cases.
pub fn cases() -> Vec<Case> {
    let pings: Vec<Out> = (0..10).map(|i| Out::ping(format!("ping {i}"))).collect();
    let limit = |id: &str, title: &str, frame: Out| {
        Case::new(
            id,
            Group::Control,
            title,
            CONTROL_LIMITS,
            Expect::Fails {
                before: Vec::new(),
                codes: &[1002],
            },
        )
        .send(vec![frame])
        .finish(Finish::Probe)
    };
    vec![
        pinged(
            "5.5.1",
            "an empty ping is answered with an empty pong",
            Vec::new(),
        ),
        pinged(
            "5.5.2",
            "a ping's text comes back in the pong",
            b"Hello, ping".to_vec(),
        ),
        pinged(
            "5.5.3",
            "a ping's binary comes back in the pong",
            vec![0x00, 0xff, 0xfe, 0x80, 0x01],
        ),
        pinged(
            "5.5.4",
            "a ping of 125 bytes, the most allowed",
            pattern(125),
        ),
        Case::new(
            "5.5.5",
            Group::Control,
            "10 pings in a row: at least the last is answered",
            LATEST_PING,
            Expect::Echo(vec![Reply::Pong(b"ping 9".to_vec())]),
        )
        .send(pings),
        Case::new(
            "5.5.6",
            Group::Control,
            "an unsolicited pong is ignored, and the next message echoed",
            UNSOLICITED,
            Expect::Echo(vec![Reply::Data(OpCode::Text, b"after the pong".to_vec())]),
        )
        .send(vec![
            Out::new(OpCode::Pong, "unsolicited"),
            Out::text("after the pong"),
        ]),
        limit(
            "5.5.7",
            "a ping of 126 bytes, one past the limit",
            Out::ping(pattern(126)),
        ),
        limit(
            "5.5.8",
            "a ping with FIN clear (a fragmented ping)",
            Out::ping("half").fin(false),
        ),
        limit(
            "5.5.9",
            "a close of 126 bytes, one past the limit",
            Out::close(1000, &pattern(124)),
        ),
    ]
}
