//! Text must be UTF-8 (RFC 6455 §5.6, §8.1): valid text in any split is echoed, invalid text
//! fails the connection, and whether the server notices early is reported.

use crate::grade::case::{Case, Expect, Finish, Group, Level, Out, Reply, Rule, Step};
use crate::proto::OpCode;

const VALID: Rule = Rule {
    section: "RFC 6455 §5.6",
    says: "Note that a particular text frame might include a partial UTF-8 sequence; however, the whole message MUST contain valid UTF-8.",
    level: Level::Must,
};

const INVALID: Rule = Rule {
    section: "RFC 6455 §8.1",
    says: "When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_.",
    level: Level::Must,
};

const EARLY: Rule = Rule {
    section: "RFC 6455 §8.1",
    says: "The rule applies to the message as a whole; whether a server checks each fragment as it arrives or the message once complete is its choice.",
    level: Level::Info,
};

fn valid(id: &str, title: &str, frames: Vec<Out>, whole: &[u8]) -> Case {
    Case::new(
        id,
        Group::Utf8,
        title,
        VALID,
        Expect::Echo(vec![Reply::Data(OpCode::Text, whole.to_vec())]),
    )
    .send(frames)
}

fn invalid(id: &str, title: &str, frames: Vec<Out>) -> Case {
    Case::new(
        id,
        Group::Utf8,
        title,
        INVALID,
        Expect::Fails {
            before: Vec::new(),
            codes: &[1007],
        },
    )
    .send(frames)
    .finish(Finish::Probe)
}

/// The UTF-8 cases.
pub fn cases() -> Vec<Case> {
    let greek = "κόσμε".as_bytes();
    let mixed = "Hello-µ@ßöäüàá-UTF-8!!".as_bytes();
    let clef = "𝄞 4-byte".as_bytes();
    let mut fast = Case::new(
        "8.1.14",
        Group::Utf8,
        "invalid UTF-8 in a first fragment: is it failed before the message ends?",
        EARLY,
        Expect::FailsFast,
    );
    fast.steps.push(Step::Send(vec![
        Out::text(vec![b'o', b'k', 0xed, 0xa0, 0x80]).fin(false),
    ]));
    fast.steps.push(Step::Watch);
    fast.steps.push(Step::Send(vec![Out::cont("end")]));
    fast.finish = Finish::Probe;
    vec![
        valid(
            "8.1.1",
            "Greek κόσμε, 2-byte characters",
            vec![Out::text(greek)],
            greek,
        ),
        valid(
            "8.1.2",
            "Latin with diacritics",
            vec![Out::text(mixed)],
            mixed,
        ),
        valid(
            "8.1.3",
            "a 4-byte character, U+1D11E",
            vec![Out::text(clef)],
            clef,
        ),
        valid(
            "8.1.4",
            "κόσμε split inside a character across 2 fragments",
            vec![Out::text(&greek[..3]).fin(false), Out::cont(&greek[3..])],
            greek,
        ),
        valid(
            "8.1.5",
            "U+1D11E split into its 4 bytes, one fragment each",
            vec![
                Out::text(&clef[..1]).fin(false),
                Out::cont(&clef[1..2]).fin(false),
                Out::cont(&clef[2..3]).fin(false),
                Out::cont(&clef[3..]),
            ],
            clef,
        ),
        valid(
            "8.1.6",
            "U+FFFF and U+10FFFF, the edges of the code space",
            vec![Out::text("\u{ffff}\u{10ffff}")],
            "\u{ffff}\u{10ffff}".as_bytes(),
        ),
        invalid(
            "8.1.7",
            "a lone continuation byte 0x80",
            vec![Out::text(vec![b'a', 0x80, b'b'])],
        ),
        invalid(
            "8.1.8",
            "an overlong '/' (c0 af)",
            vec![Out::text(vec![0xc0, 0xaf])],
        ),
        invalid(
            "8.1.9",
            "a UTF-16 surrogate, U+D800 (ed a0 80)",
            vec![Out::text(vec![0xed, 0xa0, 0x80])],
        ),
        invalid(
            "8.1.10",
            "past U+10FFFF (f4 90 80 80)",
            vec![Out::text(vec![0xf4, 0x90, 0x80, 0x80])],
        ),
        invalid(
            "8.1.11",
            "a character cut short at the message's end (ce)",
            vec![Out::text(vec![b'a', 0xce])],
        ),
        invalid(
            "8.1.12",
            "valid first fragment, invalid second",
            vec![Out::text("valid ").fin(false), Out::cont(vec![0xff, 0xfe])],
        ),
        invalid(
            "8.1.13",
            "a character cut short at the last fragment's end",
            vec![Out::text(&greek[..2]).fin(false), Out::cont(&greek[2..3])],
        ),
        fast,
    ]
}
