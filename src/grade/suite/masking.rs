//! Client masking (RFC 6455 §5.1, §5.3): the server must refuse what is not masked, and must
//! unmask any key, the dull ones included.

use crate::grade::case::{Case, Expect, Finish, Group, Level, Mask, Out, Reply, Rule};
use crate::proto::OpCode;

const UNMASKED: Rule = Rule {
    section: "RFC 6455 §5.1",
    says: "The server MUST close the connection upon receiving a frame that is not masked; in this case, a server MAY send a Close frame with a status code of 1002 (protocol error).",
    level: Level::Must,
};

const ANY_KEY: Rule = Rule {
    section: "RFC 6455 §5.3",
    says: "The masking key is a 32-bit value chosen at random by the client; the unmasked data is the masked data XOR the key, octet i with octet i MOD 4 of the key, whatever the key's value.",
    level: Level::Must,
};

fn unmasked(id: &str, title: &str, frame: Out) -> Case {
    Case::new(
        id,
        Group::Masking,
        title,
        UNMASKED,
        Expect::Fails {
            before: Vec::new(),
            codes: &[1002],
        },
    )
    .send(vec![frame.mask(Mask::Unmasked)])
    .finish(Finish::Probe)
}

fn keyed(id: &str, title: &str, key: [u8; 4]) -> Case {
    let text = "Hello, masked world";
    Case::new(
        id,
        Group::Masking,
        title,
        ANY_KEY,
        Expect::Echo(vec![Reply::Data(OpCode::Text, text.into())]),
    )
    .send(vec![Out::text(text).mask(Mask::Fixed(key))])
}

/// The masking cases.
pub fn cases() -> Vec<Case> {
    vec![
        unmasked(
            "5.3.1",
            "an unmasked text frame is refused",
            Out::text("Hello"),
        ),
        unmasked(
            "5.3.2",
            "an unmasked binary frame is refused",
            Out::binary(vec![1, 2, 3]),
        ),
        unmasked("5.3.3", "an unmasked ping is refused", Out::ping("ping")),
        unmasked(
            "5.3.4",
            "an unmasked empty text frame is refused",
            Out::text(""),
        ),
        keyed(
            "5.3.5",
            "a masking key of all zeros is unmasked",
            [0, 0, 0, 0],
        ),
        keyed("5.3.6", "a masking key of all ones is unmasked", [0xff; 4]),
        keyed(
            "5.3.7",
            "RFC 6455 §5.7's masking key 37 fa 21 3d is unmasked",
            [0x37, 0xfa, 0x21, 0x3d],
        ),
    ]
}
