//! RFC 6455 §5.5, control frames: too long or fragmented; and §5.5.1 and §7.4, close
//! frames: a one-byte payload, codes not allowed on the wire, a reason that is not UTF-8, and
//! a close judged on its whole payload whatever the preview cap.

use wslab::proto::{Close, Config, OpCode, Side, Violation};

use crate::support::{expect, masked, server, unmasked};

// ---------------------------------------------------------------------------------------------
// §5.5: control frames

#[test]
fn control_frame_too_long() {
    let too_long = Violation::ControlFrameTooLong { length: 126 };
    assert_eq!(too_long.section(), "5.5");
    let run = expect(server(), &unmasked(0x89, &[0x70; 126]), &[&[too_long]]);
    assert_eq!(run.frames[0].header.length_field(), 126);
    assert_eq!(run.messages[0].opcode, OpCode::Ping);
    assert_eq!(run.messages[0].length, 126);

    // 125 is the most a control frame may carry.
    expect(server(), &unmasked(0x89, &[0x70; 125]), &[&[]]);
}

#[test]
fn fragmented_control_frame() {
    assert_eq!(Violation::FragmentedControlFrame.section(), "5.5");
    let run = expect(
        server(),
        &unmasked(0x09, b"hb"),
        &[&[Violation::FragmentedControlFrame]],
    );
    assert_eq!(run.messages[0].opcode, OpCode::Ping);
}

// ---------------------------------------------------------------------------------------------
// §5.5.1, §7.4: close frames

fn close_frame(payload: &[u8]) -> Vec<u8> {
    unmasked(0x88, payload)
}

#[test]
fn close_payload_one_byte() {
    assert_eq!(Violation::ClosePayloadOneByte.section(), "5.5.1");
    let run = expect(
        server(),
        &close_frame(&[0x03]),
        &[&[Violation::ClosePayloadOneByte]],
    );
    assert_eq!(
        run.messages[0].close,
        Some(Close {
            code: None,
            reason: String::new()
        })
    );
    // Empty is fine.
    let run = expect(server(), &close_frame(&[]), &[&[]]);
    assert_eq!(run.messages[0].close.as_ref().and_then(|c| c.code), None);
}

#[test]
fn close_code_not_allowed() {
    let banned = [
        (1005, "No Status Received"),
        (1006, "Abnormal Closure"),
        (999, "Unused"),
        (5000, "Out of range"),
        (1004, "Reserved"),
        (1015, "TLS Handshake Failure"),
        (2000, "Unassigned protocol code"),
    ];
    for (code, name) in banned {
        let v = Violation::CloseCodeNotAllowed { code, name };
        assert_eq!(v.section(), "7.4");
        let run = expect(server(), &close_frame(&u16::to_be_bytes(code)), &[&[v]]);
        let close = run.messages[0].close.as_ref().expect("a close");
        assert_eq!(close.code, Some(code));
        assert_eq!(close.code_name(), Some(name));
    }
    for code in [1000u16, 3000, 4999] {
        let payload = [&code.to_be_bytes()[..], b"bye"].concat();
        let run = expect(server(), &close_frame(&payload), &[&[]]);
        let close = run.messages[0].close.as_ref().expect("a close");
        assert_eq!(close.code, Some(code));
        assert_eq!(close.reason, "bye");
    }
}

#[test]
fn invalid_utf8_close_reason() {
    let v = Violation::InvalidUtf8CloseReason { at: 1 };
    assert_eq!(v.section(), "5.5.1");
    let run = expect(server(), &close_frame(b"\x03\xe8o\xffk"), &[&[v]]);
    let close = run.messages[0].close.as_ref().expect("a close");
    assert_eq!(close.code, Some(1000));
    assert_eq!(close.reason, "o\u{fffd}k");

    // A banned code and a bad reason: both, in that order.
    expect(
        server(),
        &close_frame(b"\x03\xed\xff"),
        &[&[
            Violation::CloseCodeNotAllowed {
                code: 1005,
                name: "No Status Received",
            },
            Violation::InvalidUtf8CloseReason { at: 0 },
        ]],
    );

    // Masked, from a client: judged on the unmasked reason.
    expect(
        Config::new(Side::Client),
        &masked(0x88, &[&[0x03, 0xe8][..], "né".as_bytes()].concat()),
        &[&[]],
    );
}

#[test]
fn close_frame_is_judged_whole_with_preview_cap_1() {
    // 88 02 03 e8: close 1000. A cap of 1 must not make it look like a 1-byte close payload.
    let tiny = Config {
        preview_cap: 1,
        ..server()
    };
    let run = expect(tiny, &close_frame(&[0x03, 0xe8]), &[&[]]);
    assert_eq!(
        run.messages[0].close.as_ref().and_then(|c| c.code),
        Some(1000)
    );
}

#[test]
fn close_frame_is_judged_whole_with_preview_cap_16() {
    // 88 11 03 e8 61*13 c3 a9: the cap cuts the "é" (c3 a9) of a valid reason in half.
    let capped = Config {
        preview_cap: 16,
        ..server()
    };
    let payload = [&[0x03, 0xe8][..], &[b'a'; 13], "é".as_bytes()].concat();
    expect(capped, &close_frame(&payload), &[&[]]);
}

#[test]
fn close_reason_is_checked_past_the_preview_cap() {
    // 88 15 03 e8 61*16 ff 61 61: the bad byte is at 16 in the reason, 18 in the payload.
    let capped = Config {
        preview_cap: 16,
        ..server()
    };
    let payload = [&[0x03, 0xe8][..], &[b'a'; 16], b"\xffaa"].concat();
    expect(
        capped,
        &close_frame(&payload),
        &[&[Violation::InvalidUtf8CloseReason { at: 16 }]],
    );
}
