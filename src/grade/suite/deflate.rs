//! permessage-deflate (RFC 7692), run when the server accepts the extension: compressed
//! messages in every shape, and the RSV1 rules.

use crate::grade::case::{Case, Expect, Finish, Group, Level, Out, Reply, Rule, Step};
use crate::proto::OpCode;

/// The offer every deflate case makes unless it tests another.
pub const OFFER: &str = "permessage-deflate; client_max_window_bits";

const ANSWER: Rule = Rule {
    section: "RFC 7692 §5.1, §7",
    says: "A server accepts an offer by answering with one permessage-deflate element whose parameters fit it; a client MUST _Fail the WebSocket Connection_ on an answer that breaks the rules of the parameters it offered.",
    level: Level::Must,
};

const MESSAGES: Rule = Rule {
    section: "RFC 7692 §6, §7.2",
    says: "A compressed message is one DEFLATE stream, its trailing 00 00 ff ff removed, carried in a message whose first frame has RSV1 set; it may span any number of frames, and a message may also be sent uncompressed with RSV1 clear.",
    level: Level::Must,
};

const RSV1_PLACE: Rule = Rule {
    section: "RFC 7692 §6.1; RFC 6455 §5.2",
    says: "An endpoint MUST NOT set the \"Per-Message Compressed\" bit of control frames and non-first fragments of a data message; as no extension gives RSV1 a meaning there, the receiving endpoint MUST _Fail the WebSocket Connection_ (RFC 6455 §5.2).",
    level: Level::Must,
};

const BAD_DATA: Rule = Rule {
    section: "RFC 7692 §6.2",
    says: "A receiver appends 00 00 ff ff to a compressed message's payload and inflates it; data that does not inflate is not a message, and failing the connection (RFC 6455 §7.1.7) is how an endpoint refuses it.",
    level: Level::Should,
};

fn with_offer(mut case: Case, offer: &'static str) -> Case {
    case.deflate = Some(offer);
    case
}

fn echo(id: &str, title: &str, step: Step, replies: Vec<Reply>) -> Case {
    with_offer(
        Case::new(id, Group::Deflate, title, MESSAGES, Expect::Echo(replies)).step(step),
        OFFER,
    )
}

fn fails(id: &str, title: &str, rule: Rule, frames: Vec<Out>) -> Case {
    with_offer(
        Case::new(
            id,
            Group::Deflate,
            title,
            rule,
            Expect::Fails {
                before: Vec::new(),
                codes: &[1002],
            },
        )
        .send(frames)
        .finish(Finish::Probe),
        OFFER,
    )
}

/// The deflate cases. The first is the gate: when the server declines it, the ones that
/// need the extension are reported as not run.
pub fn cases() -> Vec<Case> {
    let text = b"Hello, compressed world! Hello, compressed world!".to_vec();
    let json = br#"{"temperature":21.5,"unit":"C","room":"lab","ok":true}"#.to_vec();
    vec![
        with_offer(
            Case::new(
                "7692.1",
                Group::Deflate,
                "the offer is accepted with a valid answer",
                ANSWER,
                Expect::Opens,
            ),
            OFFER,
        ),
        echo(
            "7692.2",
            "a compressed text message is echoed",
            Step::Compressed(OpCode::Text, vec![text.clone()], 1),
            vec![Reply::Data(OpCode::Text, text.clone())],
        ),
        echo(
            "7692.3",
            "three compressed messages in a row, sharing the window",
            Step::Compressed(
                OpCode::Text,
                vec![json.clone(), json.clone(), json.clone()],
                1,
            ),
            vec![
                Reply::Data(OpCode::Text, json.clone()),
                Reply::Data(OpCode::Text, json.clone()),
                Reply::Data(OpCode::Text, json),
            ],
        ),
        echo(
            "7692.4",
            "a compressed message in 3 fragments, RSV1 on the first only",
            Step::Compressed(OpCode::Text, vec![text.clone()], 3),
            vec![Reply::Data(OpCode::Text, text.clone())],
        ),
        echo(
            "7692.5",
            "an uncompressed message, RSV1 clear, on a compressing connection",
            Step::Send(vec![Out::text(text.clone())]),
            vec![Reply::Data(OpCode::Text, text)],
        ),
        echo(
            "7692.6",
            "an empty compressed binary message (the payload is one 00 byte)",
            Step::Compressed(OpCode::Binary, vec![Vec::new()], 1),
            vec![Reply::Data(OpCode::Binary, Vec::new())],
        ),
        fails(
            "7692.7",
            "RSV1 on a continuation frame",
            RSV1_PLACE,
            vec![Out::text("Hel").fin(false), Out::cont("lo").rsv(1)],
        ),
        fails(
            "7692.8",
            "RSV1 on a ping",
            RSV1_PLACE,
            vec![Out::ping("compressed?").rsv(1)],
        ),
        fails(
            "7692.9",
            "RSV1 on bytes that do not inflate (a reserved block type)",
            BAD_DATA,
            vec![Out::text(vec![0xff, 0xff, 0xff, 0xff]).rsv(1)],
        ),
        with_offer(
            Case::new(
                "7692.10",
                Group::Deflate,
                "server_no_context_takeover offered: an answer must keep it",
                ANSWER,
                Expect::Opens,
            ),
            "permessage-deflate; server_no_context_takeover",
        ),
        with_offer(
            Case::new(
                "7692.11",
                Group::Deflate,
                "server_max_window_bits=10 offered: an answer may not raise it",
                ANSWER,
                Expect::Opens,
            ),
            "permessage-deflate; server_max_window_bits=10",
        ),
    ]
}
