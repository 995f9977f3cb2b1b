use super::*;
use crate::capture::{Limits, Transcript};
use crate::lesson::model::Answer;

fn check(kind: CheckKind, answer: Option<Answer>, format: Option<Format>) -> Check {
    Check {
        kind,
        question: "q".into(),
        options: vec!["one".into(), "two".into(), "three".into()],
        answer,
        format,
        compute: None,
        feedback: "f".into(),
        hints: vec!["h".into()],
        predict: false,
    }
}

#[test]
fn answers_are_compared_in_their_format() {
    assert_eq!(normalise(Format::Hex, "0x81 0X85"), Some("81 85".into()));
    assert_eq!(normalise(Format::Hex, "8185"), Some("81 85".into()));
    assert_eq!(normalise(Format::Hex, "81:85,FE"), Some("81 85 fe".into()));
    assert_eq!(normalise(Format::Hex, "818"), None, "odd digits");
    assert_eq!(normalise(Format::Hex, "zz"), None);
    assert_eq!(normalise(Format::Number, " 0x7E "), Some("126".into()));
    assert_eq!(normalise(Format::Number, "65,536"), Some("65536".into()));
    assert_eq!(normalise(Format::Number, "-1"), None);
    assert_eq!(normalise(Format::Text, "  s3pP=  "), Some("s3pP=".into()));
}

#[test]
fn choices_take_a_number_or_a_letter() {
    let c = check(CheckKind::Choice, Some(Answer::Number(2)), None);
    assert!(is_right(&c, "2", None));
    assert!(is_right(&c, " B ", None));
    assert!(!is_right(&c, "a", None));
    assert!(!is_right(&c, "3", None));
}

#[test]
fn typed_and_computed_answers_use_the_format() {
    let typed = check(
        CheckKind::Typed,
        Some(Answer::Text("fe 01 2c".into())),
        Some(Format::Hex),
    );
    assert!(is_right(&typed, "FE012C", None));
    assert!(!is_right(&typed, "fe 01", None));
    let base64 = check(CheckKind::Typed, Some(Answer::Text("s3pP".into())), None);
    assert!(
        !is_right(&base64, "S3PP", None),
        "text is exact: base64 is case-sensitive"
    );
    let mut computed = check(CheckKind::Computed, None, None);
    computed.compute = Some(Probe::FrameCount {
        from: From::Client,
        action: None,
    });
    assert!(is_right(&computed, "0x3", Some("3")));
    assert!(
        !is_right(&computed, "3", None),
        "no capture, no right answer"
    );
}

/// A connection whose client sent the RFC's masked Hello after a handshake head, and whose
/// server answered 101 and an unmasked Hello and a close.
fn captured() -> Transcript {
    let mut t = Transcript::new(Limits::default());
    let (conn, _) = t
        .open("client", None, None, 0)
        .expect("room for a connection");
    let request = b"GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    let response = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    t.record(conn, Direction::ClientToServer, 1, request);
    t.record(conn, Direction::ServerToClient, 2, response);
    t.record(
        conn,
        Direction::ClientToServer,
        3,
        &[
            0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
        ],
    );
    t.record(
        conn,
        Direction::ServerToClient,
        4,
        &[
            0x81, 0x05, b'H', b'e', b'l', b'l', b'o', 0x88, 0x02, 0x03, 0xe9,
        ],
    );
    t
}

#[test]
fn computed_answers_come_from_the_captured_bytes() {
    let t = captured();
    let conn = t.connections().next().expect("one connection");
    let probe = |p: Probe| compute(&p, conn);
    let client = From::Client;
    let server = From::Server;
    assert_eq!(
        probe(Probe::FrameBytes {
            from: client,
            frame: 1,
            start: 1,
            len: 1,
            action: None
        }),
        Ok("85".into())
    );
    assert_eq!(
        probe(Probe::FrameBytes {
            from: client,
            frame: 1,
            start: 6,
            len: 5,
            action: None
        }),
        Ok("7f 9f 4d 51 58".into()),
        "payload as on the wire, masked"
    );
    assert_eq!(
        probe(Probe::FrameField {
            from: client,
            frame: 1,
            field: Field::MaskingKey,
            action: None
        }),
        Ok("37 fa 21 3d".into())
    );
    assert_eq!(
        probe(Probe::FrameField {
            from: client,
            frame: 1,
            field: Field::Payload,
            action: None
        }),
        Ok("Hello".into())
    );
    assert_eq!(
        probe(Probe::FrameField {
            from: server,
            frame: 1,
            field: Field::Opcode,
            action: None
        }),
        Ok("1".into())
    );
    assert_eq!(
        probe(Probe::FrameField {
            from: server,
            frame: 2,
            field: Field::CloseCode,
            action: None
        }),
        Ok("1001".into())
    );
    assert_eq!(
        probe(Probe::FrameField {
            from: server,
            frame: 1,
            field: Field::Mask,
            action: None
        }),
        Ok("0".into())
    );
}

#[test]
fn computed_heads_and_counts_come_from_the_captured_bytes() {
    let t = captured();
    let conn = t.connections().next().expect("one connection");
    let probe = |p: Probe| compute(&p, conn);
    let client = From::Client;
    let server = From::Server;
    assert_eq!(
        probe(Probe::FrameField {
            from: client,
            frame: 1,
            field: Field::HeaderLength,
            action: None
        }),
        Ok("6".into())
    );
    assert_eq!(
        probe(Probe::FrameCount {
            from: server,
            action: None
        }),
        Ok("2".into())
    );
    assert_eq!(
        probe(Probe::Accept { action: None }),
        Ok("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".into())
    );
    assert_eq!(
        probe(Probe::Sha1 { action: None }).map(|h| h.replace(' ', "")),
        Ok("b37a4f2cc0624f1690f64606cf385945b2bec4ea".into())
    );
    assert_eq!(
        probe(Probe::Header {
            from: server,
            name: "sec-websocket-accept".into(),
            action: None
        }),
        Ok("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".into())
    );
    assert_eq!(probe(Probe::Status { action: None }), Ok("101".into()));
    assert_eq!(
        probe(Probe::HeadBytes {
            from: server,
            action: None
        }),
        Ok(response_len().to_string())
    );
}

fn response_len() -> usize {
    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n".len()
}

#[test]
fn what_the_capture_lacks_is_said() {
    let t = captured();
    let conn = t.connections().next().expect("one connection");
    let missing = compute(
        &Probe::FrameBytes {
            from: From::Client,
            frame: 3,
            start: 0,
            len: 1,
            action: None,
        },
        conn,
    );
    assert_eq!(
        missing.map_err(|e| e.to_string()),
        Err(
            "the check reads client frame 3, but only 1 frame(s) were captured from the client"
                .into()
        )
    );
    let past = compute(
        &Probe::FrameBytes {
            from: From::Server,
            frame: 1,
            start: 5,
            len: 9,
            action: None,
        },
        conn,
    );
    assert!(
        matches!(past, Err(Unanswerable::PastFrameEnd { len: 7, .. })),
        "{past:?}"
    );
    let unmasked = compute(
        &Probe::FrameField {
            from: From::Server,
            frame: 1,
            field: Field::MaskingKey,
            action: None,
        },
        conn,
    );
    assert_eq!(unmasked, Err(Unanswerable::NotMasked(1)));
    let header = compute(
        &Probe::Header {
            from: From::Server,
            name: "Sec-WebSocket-Protocol".into(),
            action: None,
        },
        conn,
    );
    assert!(matches!(header, Err(Unanswerable::NoHeader { .. })));
}
