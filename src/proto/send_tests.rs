use super::*;

fn why(kind: Kind, text: &str) -> String {
    Send::parse(kind, text)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

#[test]
fn each_kind_becomes_what_it_says() {
    assert_eq!(Send::parse(Kind::Text, "hi"), Ok(Send::Text("hi".into())));
    assert_eq!(
        Send::parse(Kind::Binary, "de ad"),
        Ok(Send::Binary(vec![0xde, 0xad]))
    );
    assert_eq!(
        Send::parse(Kind::Ping, "hb"),
        Ok(Send::Ping(b"hb".to_vec()))
    );
    assert_eq!(Send::parse(Kind::Pong, ""), Ok(Send::Pong(Vec::new())));
    assert_eq!(
        Send::parse(Kind::Close, "1001 going away"),
        Ok(Send::Close {
            code: 1001,
            reason: "going away".into()
        })
    );
    assert_eq!(
        Send::parse(Kind::Close, ""),
        Ok(Send::Close {
            code: 1000,
            reason: String::new()
        })
    );
    assert_eq!(
        Send::parse(Kind::Fragments, "Hel|lo"),
        Ok(Send::Fragments {
            parts: vec!["Hel".into(), "lo".into()],
            ping: None
        })
    );
}

#[test]
fn control_payloads_stop_at_125_bytes() {
    // RFC 6455 §5.5: 125 bytes is the most a control frame carries.
    for kind in [Kind::Ping, Kind::Pong] {
        assert!(Send::parse(kind, &"p".repeat(125)).is_ok());
        let refused = why(kind, &"p".repeat(126));
        assert!(
            refused.contains("carries at most 125 bytes (RFC 6455 §5.5); this one has 126"),
            "{refused}"
        );
    }
    let between = Send::fragments(vec!["a".into(), "b".into()], Some(&"p".repeat(126)));
    assert!(matches!(
        between,
        Err(SendError::ControlTooLong {
            opcode: OpCode::Ping,
            ..
        })
    ));
}

#[test]
fn close_reasons_stop_at_123_bytes() {
    // RFC 6455 §5.5: the code takes 2 of the 125 bytes.
    assert!(Send::parse(Kind::Close, &format!("1000 {}", "r".repeat(123))).is_ok());
    let refused = why(Kind::Close, &format!("1000 {}", "r".repeat(124)));
    assert_eq!(
        refused,
        "a close reason fits in 123 bytes beside its 2-byte code (RFC 6455 §5.5); this one has 124"
    );
    assert!(
        Send::close(1006, "").is_ok(),
        "the code is the caller's to judge"
    );
    assert_eq!(
        Send::lawful_close(1006, "").err().map(|e| e.to_string()),
        Some(
            "close code 1006 (Abnormal Closure) may not be sent in a close frame (RFC 6455 §7.4)"
                .into()
        )
    );
    assert!(Send::lawful_close(1000, "bye").is_ok());
}

#[test]
fn what_cannot_be_sent_is_said() {
    assert!(why(Kind::Binary, "zz").contains("'zz' is not hex"));
    assert!(why(Kind::Close, "bye").contains("\"bye\" is not a close code"));
    assert_eq!(
        why(Kind::Fragments, "one"),
        "a fragmented message has at least two fragments, not 1 (RFC 6455 §5.4)"
    );
    assert!(matches!(
        Send::generated(MESSAGE_MAX as u64 + 1),
        Err(SendError::TooLarge { .. })
    ));
}

#[test]
fn a_mask_is_four_bytes_of_hex() {
    assert_eq!(parse_mask("37fa213d"), Ok([0x37, 0xfa, 0x21, 0x3d]));
    assert_eq!(parse_mask("37 fa 21 3d"), Ok([0x37, 0xfa, 0x21, 0x3d]));
    assert_eq!(
        parse_mask("0102"),
        Err(SendError::MaskNotFourBytes { bytes: 2 })
    );
    assert_eq!(
        parse_mask("0102030405"),
        Err(SendError::MaskNotFourBytes { bytes: 5 })
    );
    assert!(matches!(parse_mask("nope"), Err(SendError::NotHex(_))));
}
