//! wslab's own client against the lab's misbehaving servers on loopback: every broken
//! handshake and every bad frame stops the client with the sentence for that fault, and the
//! capture holds the rule that was broken. Port 0, no sleeps: every wait is on an event or on
//! the client's own timeout.

use std::time::Duration;

use crate::common::exchange::{NEVER, assert_self_check, connect, connect_with, lab, options};
use wslab::net::{ClientError, ClientOptions, Recorder};
use wslab::proto::Violation;

/// A handshake the lab breaks on purpose must fail with the sentence for that fault.
async fn failed_handshake(path: &str) -> ClientError {
    let lab = lab(NEVER).await;
    let recorder = Recorder::default();
    // Only the hang is about the client's timeout; the others must fail on their own, and a
    // short timeout there would only make a loaded machine fail them for the wrong reason.
    let options = if path == "/fault/hang" {
        ClientOptions {
            timeout: Duration::from_millis(300),
            ..options()
        }
    } else {
        options()
    };
    connect_with(&lab, path, &recorder, &options)
        .await
        .expect_err("the handshake must fail")
}

#[tokio::test]
async fn misbehaving_handshakes_each_get_their_explanation() {
    let cases: [(&str, &str); 6] = [
        (
            "/fault/wrong-accept",
            "the handshake is broken: the server sent",
        ),
        ("/fault/status-200", "it answered 200 OK instead of 101"),
        ("/fault/no-upgrade", "Upgrade is missing in the response"),
        ("/fault/version-426", "it answered 426 Upgrade Required"),
        ("/fault/garbage", "bytes that are not HTTP"),
        ("/fault/hang", "did not answer the handshake within 0.3 s"),
    ];
    for (path, expected) in cases {
        let error = failed_handshake(path).await.to_string();
        assert!(error.contains(expected), "{path}: {error}");
    }
}

/// After a good handshake, the lab sends one bad frame: the client stops with a protocol
/// error, and the capture holds the frame with the rule it broke, and the close frame the
/// client sent to say which kind of rule (§7.1.7).
async fn bad_frame(path: &str) -> (String, Vec<Violation>, bool, Option<u16>) {
    let lab = lab(NEVER).await;
    let recorder = Recorder::default();
    let mut client = connect(&lab, path, &recorder).await;
    let error = client
        .recv()
        .await
        .expect_err("the frame breaks a rule")
        .to_string();
    assert_self_check(&recorder, &client, false);
    let conn = client.conn().expect("recorded");
    recorder.read(|t| {
        let flow = t.connection(conn).expect("connection").responses();
        let frame = &flow.frames[0].item;
        let utf8_bad = flow
            .messages
            .first()
            .is_some_and(|m| m.item.utf8_valid == Some(false));
        let sent = &t.connection(conn).expect("connection").requests().frames;
        let close = sent
            .last()
            .filter(|f| f.item.header.opcode() == wslab::proto::OpCode::Close)
            .and_then(|f| f.item.payload.get(..2))
            .map(|code| u16::from_be_bytes([code[0], code[1]]));
        (error, frame.violations.clone(), utf8_bad, close)
    })
}

#[tokio::test]
async fn misbehaving_frames_each_get_their_explanation() {
    let (error, violations, _, close) = bad_frame("/fault/masked-frame").await;
    assert_eq!(
        close,
        Some(1002),
        "the client says it failed the connection for the protocol"
    );
    assert!(
        error.starts_with("the server broke the protocol"),
        "{error}"
    );
    assert_eq!(violations, [Violation::MaskedServerFrame]);
    // The sentence is the capture's, in RFC terms, not the library's.
    assert!(error.ends_with("(RFC 6455 §5.1)"), "{error}");

    let (error, violations, utf8_bad, close) = bad_frame("/fault/bad-utf8").await;
    assert_eq!(
        close,
        Some(1007),
        "1007: the data was not consistent with its type"
    );
    assert!(error.contains("not valid UTF-8"), "{error}");
    assert!(error.ends_with("(RFC 6455 §8.1)"), "{error}");
    assert!(utf8_bad);
    assert!(
        violations
            .iter()
            .any(|v| matches!(v, Violation::InvalidUtf8Text { .. })),
        "{violations:?}"
    );

    let (error, violations, _, close) = bad_frame("/fault/big-ping").await;
    assert_eq!(close, Some(1002));
    assert!(
        error.starts_with("the server broke the protocol"),
        "{error}"
    );
    assert!(error.contains("at most 125 (RFC 6455 §5.5)"), "{error}");
    assert!(
        violations
            .iter()
            .any(|v| matches!(v, Violation::ControlFrameTooLong { .. })),
        "{violations:?}"
    );
}
