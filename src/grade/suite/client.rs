//! The cases served to a client under test (`wslab grade --client`): wslab is the server, the
//! client echoes what it is sent, and its answers are judged by the same rules, seen from the
//! other end. The handshake and masking parts are the client's own; the rest are the server
//! suite's cases with the ends swapped.

use crate::grade::case::{Answer, Case, Expect, Finish, Group, Level, Mask, Out, Role, Rule};

const BAD_ANSWER: Rule = Rule {
    section: "RFC 6455 §4.1",
    says: "If the server's response does not conform to the requirements for the server's handshake as defined in this section and in Section 4.2.2, the client MUST _Fail the WebSocket Connection_.",
    level: Level::Must,
};

const MASKED: Rule = Rule {
    section: "RFC 6455 §5.1",
    says: "A server MUST NOT mask any frames that it sends to the client. A client MUST close a connection if it detects a masked frame.",
    level: Level::Must,
};

fn rejects(n: u32, title: &str, answer: Answer) -> Case {
    let mut case = Case::new(
        &format!("4.{n}"),
        Group::Handshake,
        title,
        BAD_ANSWER,
        Expect::Rejects,
    );
    case.answer = answer;
    case
}

fn handshake() -> Vec<Case> {
    vec![
        rejects(
            1,
            "a Sec-WebSocket-Accept that is not the key's",
            Answer::WrongAccept,
        ),
        rejects(
            2,
            "a 101 without Upgrade: websocket",
            Answer::Without("Upgrade"),
        ),
        rejects(
            3,
            "a 101 without Connection: Upgrade",
            Answer::Without("Connection"),
        ),
        rejects(
            4,
            "a 101 without Sec-WebSocket-Accept",
            Answer::Without("Sec-WebSocket-Accept"),
        ),
        rejects(5, "200 OK instead of 101", Answer::Status(200)),
        rejects(
            6,
            "a subprotocol the client did not offer",
            Answer::Adding("Sec-WebSocket-Protocol", "x-wslab-unoffered"),
        ),
        rejects(
            7,
            "an extension the client did not offer",
            Answer::Adding("Sec-WebSocket-Extensions", "x-wslab-unoffered"),
        ),
    ]
}

fn masking() -> Vec<Case> {
    let masked = |id: &str, title: &str, frame: Out| {
        Case::new(
            id,
            Group::Masking,
            title,
            MASKED,
            Expect::Fails {
                before: Vec::new(),
                codes: &[1002],
            },
        )
        .send(vec![frame.mask(Mask::Fixed([0x37, 0xfa, 0x21, 0x3d]))])
        .finish(Finish::Probe)
    };
    vec![
        masked(
            "5.3.1",
            "a masked text frame from the server is refused",
            Out::text("Hello"),
        ),
        masked(
            "5.3.2",
            "a masked ping from the server is refused",
            Out::ping("ping"),
        ),
    ]
}

/// Every client case, in report order.
pub fn all() -> Vec<Case> {
    let mut cases = handshake();
    let swapped = super::framing::cases(false)
        .into_iter()
        .chain(masking())
        .chain(super::fragments::cases())
        .chain(super::control::cases())
        .chain(super::closing::closing())
        .chain(super::closing::codes())
        .chain(super::utf8::cases())
        .chain(super::limits());
    cases.extend(swapped);
    for case in &mut cases {
        case.role = Role::Client;
    }
    cases
}
