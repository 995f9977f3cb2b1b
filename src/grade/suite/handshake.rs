//! The opening handshake (RFC 6455 §4): requests a server must refuse, and ones it must
//! accept however they are spelled.

use crate::grade::case::{Case, Change, Expect, Group, Level, Rule};

const MUST_REFUSE: Rule = Rule {
    section: "RFC 6455 §4.2.1",
    says: "If the server, while reading the handshake, finds that the client did not send a handshake that matches the description below, the server MUST stop processing the client's handshake and return an HTTP response with an appropriate error code (such as 400 Bad Request).",
    level: Level::Must,
};

const ACCEPT: Rule = Rule {
    section: "RFC 6455 §4.2.2",
    says: "If the server chooses to accept the incoming connection, it MUST reply with a valid HTTP response: a 101 status, Upgrade: websocket, Connection: Upgrade and the Sec-WebSocket-Accept derived from the key.",
    level: Level::Must,
};

const CASE_INSENSITIVE: Rule = Rule {
    section: "RFC 6455 §4.2.1",
    says: "An |Upgrade| header field containing the value \"websocket\", treated as an ASCII case-insensitive value, and a |Connection| header field that includes the token \"Upgrade\", treated as an ASCII case-insensitive value.",
    level: Level::Must,
};

const VERSION: Rule = Rule {
    section: "RFC 6455 §4.2.2, §4.4",
    says: "If this version does not match a version understood by the server, the server MUST abort the WebSocket handshake and instead send an appropriate HTTP error code (such as 426 Upgrade Required) and a |Sec-WebSocket-Version| header field indicating the version(s) the server is capable of understanding.",
    level: Level::Must,
};

const PROTOCOL: Rule = Rule {
    section: "RFC 6455 §4.1, §4.2.2",
    says: "If the response includes a |Sec-WebSocket-Protocol| header field and this header field indicates the use of a subprotocol that was not present in the client's handshake, the client MUST _Fail the WebSocket Connection_.",
    level: Level::Must,
};

const EXTENSION: Rule = Rule {
    section: "RFC 6455 §4.1, §9.1",
    says: "If the response includes a |Sec-WebSocket-Extensions| header field and this header field indicates the use of an extension that was not present in the client's handshake, the client MUST _Fail the WebSocket Connection_.",
    level: Level::Must,
};

fn refuse(n: u32, title: &str, changes: Vec<Change>) -> Case {
    Case::new(
        &format!("4.{n}"),
        Group::Handshake,
        title,
        MUST_REFUSE,
        Expect::Refused,
    )
    .request(changes)
}

/// The handshake cases.
pub fn cases() -> Vec<Case> {
    let mut protocol = Case::new(
        "4.12",
        Group::Handshake,
        "a subprotocol no server knows is offered: not chosen",
        PROTOCOL,
        Expect::Opens,
    );
    protocol.protocols = Some("x-wslab-unknown");
    let extension = Case::new(
        "4.13",
        Group::Handshake,
        "an extension no server knows is offered: not agreed",
        EXTENSION,
        Expect::Opens,
    )
    .request(vec![Change::Set(
        "Sec-WebSocket-Extensions",
        "x-wslab-unknown".into(),
    )]);
    vec![
        Case::new(
            "4.1",
            Group::Handshake,
            "a valid request opens the connection",
            ACCEPT,
            Expect::Opens,
        ),
        refuse(
            2,
            "no Sec-WebSocket-Key",
            vec![Change::Omit("Sec-WebSocket-Key")],
        ),
        refuse(
            3,
            "a key of 15 bytes, not 16",
            vec![Change::Set(
                "Sec-WebSocket-Key",
                "AAECAwQFBgcICQoLDA0O".into(),
            )],
        ),
        refuse(
            4,
            "a key that is not base64",
            vec![Change::Set(
                "Sec-WebSocket-Key",
                "not base64 at all!!!!!==".into(),
            )],
        ),
        Case::new(
            "4.5",
            Group::Handshake,
            "Sec-WebSocket-Version: 8 is answered with the versions spoken",
            VERSION,
            Expect::WrongVersion,
        )
        .request(vec![Change::Set("Sec-WebSocket-Version", "8".into())]),
        refuse(
            6,
            "no Sec-WebSocket-Version",
            vec![Change::Omit("Sec-WebSocket-Version")],
        ),
        refuse(7, "no Upgrade header", vec![Change::Omit("Upgrade")]),
        refuse(8, "no Connection header", vec![Change::Omit("Connection")]),
        refuse(9, "POST instead of GET", vec![Change::Method("POST")]),
        refuse(
            10,
            "HTTP/1.0 instead of HTTP/1.1",
            vec![Change::Version("HTTP/1.0")],
        ),
        Case::new(
            "4.11",
            Group::Handshake,
            "Upgrade: WebSocket and Connection: keep-alive, Upgrade are accepted",
            CASE_INSENSITIVE,
            Expect::Opens,
        )
        .request(vec![
            Change::Set("Upgrade", "WebSocket".into()),
            Change::Set("Connection", "keep-alive, Upgrade".into()),
        ]),
        protocol,
        extension,
        refuse(14, "no Host header", vec![Change::Omit("Host")]),
    ]
}
