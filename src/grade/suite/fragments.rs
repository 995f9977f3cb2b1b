//! Fragmented messages (RFC 6455 §5.4): a message in any number of frames of any size, with
//! control frames between them, and the orders the RFC rules out.

use crate::grade::case::{Case, Expect, Finish, Group, Level, Out, Reply, Rule, Step};
use crate::proto::OpCode;

const FRAGMENTS: Rule = Rule {
    section: "RFC 6455 §5.4",
    says: "A fragmented message consists of a single frame with the FIN bit clear and an opcode other than 0, followed by zero or more frames with the FIN bit clear and the opcode set to 0, and terminated by a single frame with the FIN bit set and an opcode of 0.",
    level: Level::Must,
};

const CONTROL_BETWEEN: Rule = Rule {
    section: "RFC 6455 §5.4",
    says: "An endpoint MUST be capable of handling control frames in the middle of a fragmented message.",
    level: Level::Must,
};

// The RFC states these as rules for the sender; what the receiver does is not a MUST, so a
// server that goes on is non-strict rather than failed.
const ORDER: Rule = Rule {
    section: "RFC 6455 §5.4",
    says: "The fragments of one message MUST NOT be interleaved between the fragments of another message unless an extension has been negotiated that can interpret the interleaving; a continuation frame belongs to a message a first frame started.",
    level: Level::Should,
};

fn echoed(
    id: &str,
    title: &str,
    rule: Rule,
    opcode: OpCode,
    whole: &[u8],
    frames: Vec<Out>,
) -> Case {
    Case::new(
        id,
        Group::Fragmentation,
        title,
        rule,
        Expect::Echo(vec![Reply::Data(opcode, whole.to_vec())]),
    )
    .send(frames)
}

fn split(opcode: OpCode, whole: &[u8], sizes: &[usize]) -> Vec<Out> {
    let mut frames = Vec::new();
    let mut at = 0;
    for (i, &size) in sizes.iter().enumerate() {
        let end = (at + size).min(whole.len());
        let op = if i == 0 { opcode } else { OpCode::Continuation };
        frames.push(Out::new(op, whole[at..end].to_vec()).fin(i + 1 == sizes.len()));
        at = end;
    }
    frames
}

/// The fragmentation cases.
pub fn cases() -> Vec<Case> {
    let mut cases = lawful();
    cases.extend(unlawful());
    cases
}

// Messages split in lawful ways, which must come back whole.
fn lawful() -> Vec<Case> {
    let hello = b"Hello, fragmented world";
    let bytes: Vec<u8> = (0u8..=63).collect();
    let one_byte = split(OpCode::Text, hello, &[1; 23]);
    let mut with_ping = split(OpCode::Text, hello, &[5, 18]);
    with_ping.insert(1, Out::ping("between"));
    let mut pong_between = split(OpCode::Text, hello, &[5, 18]);
    pong_between.insert(1, Out::new(OpCode::Pong, "unsolicited"));
    let mut slow = Case::new(
        "5.4.6",
        Group::Fragmentation,
        "text in 3 fragments sent slowly, one write each",
        FRAGMENTS,
        Expect::Echo(vec![Reply::Data(OpCode::Text, hello.to_vec())]),
    );
    slow.steps
        .push(Step::Paced(split(OpCode::Text, hello, &[5, 5, 13])));
    vec![
        echoed(
            "5.4.1",
            "text in 2 fragments",
            FRAGMENTS,
            OpCode::Text,
            hello,
            split(OpCode::Text, hello, &[5, 18]),
        ),
        echoed(
            "5.4.2",
            "text in 3 fragments, the middle one empty",
            FRAGMENTS,
            OpCode::Text,
            hello,
            split(OpCode::Text, hello, &[5, 0, 18]),
        ),
        echoed(
            "5.4.3",
            "binary in 4 fragments",
            FRAGMENTS,
            OpCode::Binary,
            &bytes,
            split(OpCode::Binary, &bytes, &[16; 4]),
        ),
        echoed(
            "5.4.4",
            "text in 23 one-byte fragments",
            FRAGMENTS,
            OpCode::Text,
            hello,
            one_byte,
        ),
        echoed(
            "5.4.5",
            "text whose first fragment is empty",
            FRAGMENTS,
            OpCode::Text,
            hello,
            split(OpCode::Text, hello, &[0, 23]),
        ),
        slow,
        Case::new(
            "5.4.7",
            Group::Fragmentation,
            "a ping between two fragments is answered, then the message echoed",
            CONTROL_BETWEEN,
            Expect::Echo(vec![
                Reply::Pong(b"between".to_vec()),
                Reply::Data(OpCode::Text, hello.to_vec()),
            ]),
        )
        .send(with_ping),
        echoed(
            "5.4.8",
            "an unsolicited pong between two fragments is ignored",
            CONTROL_BETWEEN,
            OpCode::Text,
            hello,
            pong_between,
        ),
    ]
}

// Orders RFC 6455 rules out, which a server should refuse.
fn unlawful() -> Vec<Case> {
    let fail = |id: &str, title: &str, frames: Vec<Out>| {
        Case::new(
            id,
            Group::Fragmentation,
            title,
            ORDER,
            Expect::Fails {
                before: Vec::new(),
                codes: &[1002],
            },
        )
        .send(frames)
        .finish(Finish::Probe)
    };
    vec![
        fail(
            "5.4.9",
            "a continuation frame with no message started",
            vec![Out::cont("orphan")],
        ),
        fail(
            "5.4.10",
            "a continuation frame, not final, with no message started",
            vec![Out::cont("orphan").fin(false)],
        ),
        fail(
            "5.4.11",
            "a new text message inside a fragmented one",
            vec![Out::text("Hel").fin(false), Out::text("lo")],
        ),
        fail(
            "5.4.12",
            "a binary message inside a fragmented text message",
            vec![
                Out::text("Hel").fin(false),
                Out::binary(vec![1, 2]),
                Out::cont("lo"),
            ],
        ),
    ]
}
