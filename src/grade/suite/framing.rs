//! Frame layout (RFC 6455 §5.2): every payload length boundary, reserved bits and reserved
//! opcodes.

use crate::grade::case::{Case, Expect, Group, Level, Out, Reply, Rule, Step};
use crate::proto::OpCode;

const LENGTHS: Rule = Rule {
    section: "RFC 6455 §5.2",
    says: "The length of the \"Payload data\", in bytes: if 0-125, that is the payload length; if 126, the following 2 bytes interpreted as a 16-bit unsigned integer are the payload length; if 127, the following 8 bytes interpreted as a 64-bit unsigned integer are the payload length.",
    level: Level::Must,
};

const RSV: Rule = Rule {
    section: "RFC 6455 §5.2",
    says: "If a nonzero value is received and none of the negotiated extensions defines the meaning of such a nonzero value, the receiving endpoint MUST _Fail the WebSocket Connection_.",
    level: Level::Must,
};

const OPCODE: Rule = Rule {
    section: "RFC 6455 §5.2",
    says: "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_.",
    level: Level::Must,
};

/// A payload of `n` bytes a reader can check by eye: the alphabet, over and over.
pub fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| b'a' + (i % 26) as u8).collect()
}

fn echo(id: &str, opcode: OpCode, n: usize) -> Case {
    let payload = pattern(n);
    let kind = if opcode == OpCode::Text {
        "text"
    } else {
        "binary"
    };
    let form = match n {
        0..=125 => "7-bit length",
        126..=65535 => "16-bit length",
        _ => "64-bit length",
    };
    Case::new(
        id,
        Group::Framing,
        format!("{kind} of {n} bytes ({form}) is echoed"),
        LENGTHS,
        Expect::Echo(vec![Reply::Data(opcode, payload.clone())]),
    )
    .send(vec![Out::new(opcode, payload)])
}

/// A bad frame sent after a good one: the good one must come back, the bad one fail.
fn fails_after(id: &str, title: String, rule: Rule, bad: Out) -> Case {
    Case::new(
        id,
        Group::Framing,
        title,
        rule,
        Expect::Fails {
            before: vec![Reply::Data(OpCode::Text, b"before".to_vec())],
            codes: &[1002],
        },
    )
    .send(vec![Out::text("before")])
    .step(Step::Await(1))
    .send(vec![bad])
    .finish(crate::grade::case::Finish::Probe)
}

/// The framing cases; `large` adds an 8 MiB message.
pub fn cases(large: bool) -> Vec<Case> {
    let mut out = Vec::new();
    let mut n = 0;
    let mut id = || {
        n += 1;
        format!("5.2.{n}")
    };
    for size in [0, 125, 126, 127, 65535, 65536] {
        out.push(echo(&id(), OpCode::Text, size));
    }
    for size in [0, 125, 126, 65535, 65536] {
        out.push(echo(&id(), OpCode::Binary, size));
    }
    if large {
        out.push(echo(&id(), OpCode::Binary, 8 << 20));
    }
    for (rsv, name) in [
        (1, "RSV1"),
        (2, "RSV2"),
        (4, "RSV3"),
        (7, "RSV1, RSV2 and RSV3"),
    ] {
        out.push(fails_after(
            &id(),
            format!("{name} set on a text frame, with no extension agreed"),
            RSV,
            Out::text("bad").rsv(rsv),
        ));
    }
    out.push(fails_after(
        &id(),
        "RSV2 set on a ping".into(),
        RSV,
        Out::ping("bad").rsv(2),
    ));
    for opcode in [3u8, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf] {
        let kind = if opcode < 8 { "data" } else { "control" };
        let mut bad = Out::text("bad");
        bad.opcode = opcode;
        out.push(fails_after(
            &id(),
            format!("reserved {kind} opcode {opcode:#x}"),
            OPCODE,
            bad,
        ));
    }
    out
}
