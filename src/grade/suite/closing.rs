//! The closing handshake (RFC 6455 §5.5.1, §7.1) and the close codes and reasons (§7.4).

use crate::grade::case::{Case, Expect, Finish, Group, Level, Out, Rule};
use crate::grade::suite::framing::pattern;

const ANSWER: Rule = Rule {
    section: "RFC 6455 §5.5.1",
    says: "If an endpoint receives a Close frame and did not previously send a Close frame, the endpoint MUST send a Close frame in response. (When sending a Close frame in response, the endpoint typically echos the status code it received.)",
    level: Level::Must,
};

const NO_DATA_AFTER: Rule = Rule {
    section: "RFC 6455 §5.5.1",
    says: "The application MUST NOT send any more data frames after sending a Close frame.",
    level: Level::Must,
};

const VALID_CODE: Rule = Rule {
    section: "RFC 6455 §7.4",
    says: "1000-2999 are reserved for this protocol (§7.4.1 defines 1000-1003 and 1007-1011; IANA has since added 1012-1014), 3000-3999 are registered with IANA for libraries, frameworks and applications, and 4000-4999 are for private use: a receiver takes any of them.",
    level: Level::Must,
};

// What a receiver does with a code it may not accept is not a MUST; failing with 1002 is
// what §7.4.1's "protocol error" is for.
const INVALID_CODE: Rule = Rule {
    section: "RFC 6455 §7.4.1, §7.4.2",
    says: "Status codes in the range 0-999 are not used; 1004 is reserved; 1005, 1006 and 1015 MUST NOT be set as a status code in a Close control frame by an endpoint; 1016-2999 are not assigned; codes from 5000 are outside every range.",
    level: Level::Should,
};

const BODY: Rule = Rule {
    section: "RFC 6455 §5.5.1",
    says: "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned integer (in network byte order) representing a status code.",
    level: Level::Should,
};

const REASON: Rule = Rule {
    section: "RFC 6455 §5.5.1, §8.1",
    says: "Following the 2-byte integer, the body MAY contain UTF-8-encoded data with value /reason/; when an endpoint is to interpret a byte stream as UTF-8 but finds that it is not, that endpoint MUST _Fail the WebSocket Connection_.",
    level: Level::Should,
};

fn answered(
    id: &str,
    group: Group,
    title: String,
    rule: Rule,
    frame: Out,
    echo: Option<u16>,
) -> Case {
    Case::new(id, group, title, rule, Expect::ClosesWith { echo })
        .send(vec![frame])
        .finish(Finish::Read)
}

fn refused(id: &str, title: String, rule: Rule, frame: Out, codes: &'static [u16]) -> Case {
    Case::new(
        id,
        Group::CloseCodes,
        title,
        rule,
        Expect::Fails {
            before: Vec::new(),
            codes,
        },
    )
    .send(vec![frame])
    .finish(Finish::Read)
}

/// The closing handshake cases.
pub fn closing() -> Vec<Case> {
    let after = Case::new(
        "7.1.3",
        Group::Closing,
        "a text frame sent after a close is not echoed after the close's answer",
        NO_DATA_AFTER,
        Expect::NothingAfterClose,
    )
    .send(vec![Out::close(1000, b""), Out::text("after close")])
    .finish(Finish::Read);
    vec![
        answered(
            "7.1.1",
            Group::Closing,
            "close 1000 is answered with a close".into(),
            ANSWER,
            Out::close(1000, b""),
            Some(1000),
        ),
        answered(
            "7.1.2",
            Group::Closing,
            "an empty close is answered with a close".into(),
            ANSWER,
            crate::grade::case::Out::new(crate::proto::OpCode::Close, Vec::new()),
            None,
        ),
        after,
        answered(
            "7.1.4",
            Group::Closing,
            "a close with a 123-byte reason, the most that fits".into(),
            ANSWER,
            Out::close(1000, &pattern(123)),
            Some(1000),
        ),
    ]
}

/// The close code cases.
pub fn codes() -> Vec<Case> {
    let mut out = Vec::new();
    let mut n = 0;
    let mut id = || {
        n += 1;
        format!("7.4.{n}")
    };
    for code in [
        1000u16, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999,
        4000, 4999,
    ] {
        out.push(answered(
            &id(),
            Group::CloseCodes,
            format!("close {code} is taken and answered"),
            VALID_CODE,
            Out::close(code, b""),
            Some(code),
        ));
    }
    for code in [0u16, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535] {
        out.push(refused(
            &id(),
            format!("close {code} is refused"),
            INVALID_CODE,
            Out::close(code, b""),
            &[1002],
        ));
    }
    out.push(refused(
        &id(),
        "a close body of one byte is refused".into(),
        BODY,
        crate::grade::case::Out::new(crate::proto::OpCode::Close, vec![0x03]),
        &[1002],
    ));
    out.push(refused(
        &id(),
        "a close reason that is not UTF-8 is refused".into(),
        REASON,
        Out::close(
            1000,
            &[
                0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80,
            ],
        ),
        &[1007, 1002],
    ));
    out
}
