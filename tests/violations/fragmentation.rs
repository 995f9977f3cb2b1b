//! RFC 6455 §5.4, fragmentation: a continuation with no message to continue, a new message
//! while one is unfinished, and control frames between fragments, which are allowed.

use wslab::proto::{OpCode, Violation};

use crate::support::{expect, server, unmasked};

#[test]
fn continuation_without_message() {
    assert_eq!(Violation::ContinuationWithoutMessage.section(), "5.4");
    let run = expect(
        server(),
        &unmasked(0x80, b"lo"),
        &[&[Violation::ContinuationWithoutMessage]],
    );
    assert!(run.messages.is_empty());

    // After a finished message, the same.
    let bytes = [unmasked(0x81, b"Hel"), unmasked(0x00, b"lo")].concat();
    let run = expect(
        server(),
        &bytes,
        &[&[], &[Violation::ContinuationWithoutMessage]],
    );
    assert_eq!(run.messages.len(), 1);
    assert_eq!(&run.messages[0].preview[..], b"Hel");
}

#[test]
fn new_message_while_fragmented() {
    let binary = Violation::NewMessageWhileFragmented { opcode: "binary" };
    assert_eq!(binary.section(), "5.4");
    let bytes = [unmasked(0x01, b"a"), unmasked(0x82, b"b")].concat();
    let run = expect(server(), &bytes, &[&[], &[binary]]);
    // The unfinished text is abandoned; the binary message stands.
    assert_eq!(run.messages.len(), 1);
    assert_eq!(run.messages[0].opcode, OpCode::Binary);
    assert_eq!(&run.messages[0].preview[..], b"b");
    assert_eq!(run.messages[0].first_frame, 1);

    let text = Violation::NewMessageWhileFragmented { opcode: "text" };
    let bytes = [
        unmasked(0x01, b"a"),
        unmasked(0x01, b"b"),
        unmasked(0x80, b"c"),
    ]
    .concat();
    let run = expect(server(), &bytes, &[&[], &[text], &[]]);
    assert_eq!(&run.messages[0].preview[..], b"bc");
    assert_eq!(run.messages[0].frame_count, 2);
}

#[test]
fn control_frames_between_fragments_are_allowed() {
    let bytes = [
        unmasked(0x01, b"Hel"),
        unmasked(0x89, b"ping"),
        unmasked(0x00, b"l"),
        unmasked(0x8a, b"pong"),
        unmasked(0x80, b"o"),
    ]
    .concat();
    let run = expect(server(), &bytes, &[&[], &[], &[], &[], &[]]);
    let got: Vec<_> = run
        .messages
        .iter()
        .map(|m| {
            (
                m.index,
                m.opcode,
                m.first_frame,
                m.frame_count,
                &m.preview[..],
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (0, OpCode::Ping, 1, 1, &b"ping"[..]),
            (1, OpCode::Pong, 3, 1, b"pong"),
            (2, OpCode::Text, 0, 3, b"Hello"),
        ]
    );
    assert_eq!(run.messages[2].length, 5);

    // A control payload between the halves of a character is not mixed into the text.
    let bytes = [
        unmasked(0x01, &[0xc3]),
        unmasked(0x89, &[0xff]),
        unmasked(0x80, &[0xa9]),
    ]
    .concat();
    let run = expect(server(), &bytes, &[&[], &[], &[]]);
    assert_eq!(run.messages[1].preview, "é".as_bytes());
    assert_eq!(run.messages[1].utf8_valid, Some(true));
}
