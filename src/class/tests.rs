//! The class protocol's pure parts, rule by rule.

use std::net::{IpAddr, Ipv4Addr};

use super::code;
use super::guard::{Rate, WrongCodes};
use super::join::{self, JoinError};
use super::limits::{BURST, MAX_NAME_CHARS};
use super::names::neutralise;
use super::protocol::{
    ALL, Closing, FromHub, FromStudent, Position, ProtocolError, parse_from_hub, parse_from_student,
};
use super::room::{ALREADY, Room};

fn at(step: u32, check: u32) -> Position {
    Position {
        lesson: "frames".to_owned(),
        step,
        check,
    }
}

#[test]
fn every_message_reads_back_as_written() {
    for m in [
        FromStudent::Answer {
            at: at(2, 1),
            answer: "3".to_owned(),
        },
        FromStudent::Ping,
        FromStudent::Leave,
    ] {
        assert_eq!(parse_from_student(&m.encode()), Ok(m));
    }
    for m in [
        FromHub::Welcome {
            token: "T".to_owned(),
            name: "Ada".to_owned(),
            at: Some(at(0, 0)),
            revealed: true,
        },
        FromHub::Welcome {
            token: "T".to_owned(),
            name: "Ada".to_owned(),
            at: None,
            revealed: false,
        },
        FromHub::Step { at: at(4, 0) },
        FromHub::Reveal { at: at(4, 0) },
        FromHub::Pong,
        FromHub::Notice {
            text: ALREADY.to_owned(),
        },
        FromHub::Room {
            connected: 3,
            answered: 2,
            step_ms: 1500,
            names: vec!["Ada".to_owned()],
        },
    ] {
        assert_eq!(parse_from_hub(&m.encode()), Ok(m));
    }
}

#[test]
fn each_broken_rule_is_its_own_error_with_its_close() {
    let cases: [(&str, ProtocolError, u16); 9] = [
        (
            "hello",
            ProtocolError::NotJson("expected value at line 1 column 1".to_owned()),
            4004,
        ),
        ("[1]", ProtocolError::NotAnObject, 4004),
        (r#"{"type":"ping"}"#, ProtocolError::NoVersion, 4004),
        (
            r#"{"v":2,"type":"ping"}"#,
            ProtocolError::WrongVersion(2),
            4004,
        ),
        (r#"{"v":1}"#, ProtocolError::NoType, 4004),
        (
            r#"{"v":1,"type":"dance"}"#,
            ProtocolError::UnknownType("dance".to_owned()),
            4004,
        ),
        (
            r#"{"v":1,"type":"step","lesson":"x","step":1,"check":0}"#,
            ProtocolError::NotAllowed("step".to_owned()),
            4003,
        ),
        (
            r#"{"v":1,"type":"answer","lesson":"x","step":-1,"check":0,"answer":"1"}"#,
            ProtocolError::BadField {
                kind: "answer",
                field: "step",
                expected: "a whole number",
            },
            4004,
        ),
        (
            &format!(
                r#"{{"v":1,"type":"answer","lesson":"x","step":1,"check":0,"answer":"{}"}}"#,
                "9".repeat(65)
            ),
            ProtocolError::FieldTooLong {
                field: "answer",
                most: 64,
            },
            4004,
        ),
    ];
    for (text, error, close) in cases {
        let got = parse_from_student(text).unwrap_err();
        assert_eq!(got, error, "{text}");
        assert_eq!(got.closing().code(), close, "{text}");
        assert!(!got.to_string().is_empty());
    }
    let long = format!(r#"{{"v":1,"type":"ping","pad":"{}"}}"#, "x".repeat(5000));
    let got = parse_from_student(&long).unwrap_err();
    assert_eq!(got, ProtocolError::TooLong { len: long.len() });
    assert_eq!(got.closing().code(), 1009);
}

#[test]
fn every_close_reason_fits_a_close_frame_and_its_code_reads_back() {
    for c in ALL {
        assert!(c.reason().len() <= 123, "{c:?}");
        assert!(c.reason().ends_with('.'), "{c:?}");
        assert_eq!(Closing::of(c.code()), Some(c));
        // §7.4.2: private codes are 4000–4999; the rest are the RFC's own.
        assert!(
            (4000..5000).contains(&c.code()) || [1000, 1001, 1009].contains(&c.code()),
            "{c:?}"
        );
    }
}

#[test]
fn hostile_names_are_neutralised() {
    let cases = [
        ("Ada", "Ada"),
        ("\u{1b}[2J\u{1b}[31mEve", "Eve"),
        ("\u{1b}]0;owned\u{07}Mal", "Mal"),
        ("\u{1b}]8;;http://x\u{1b}\\link", "link"),
        ("\u{1b}cReset", "Reset"),
        ("\u{9b}31mC1", "C1"),
        ("abc\u{202e}fed", "abcfed"),
        ("\u{2066}iso\u{2069}", "iso"),
        ("tab\there\nnew", "tab here new"),
        ("zero\u{200b}width", "zerowidth"),
        ("  spaced   out  ", "spaced out"),
        ("\u{7}\u{8}\u{7f}", ""),
        ("Zoë 李", "Zoë 李"),
    ];
    for (raw, shown) in cases {
        assert_eq!(neutralise(raw), shown, "{raw:?}");
    }
    let long = neutralise(&"w".repeat(100));
    assert_eq!(long.chars().count(), MAX_NAME_CHARS);
}

#[test]
fn codes_use_the_alphabet_and_compare_in_either_case() {
    let random: Vec<u8> = (0..=255).collect();
    let c = code::from_random(&random).unwrap();
    assert_eq!(c.len(), 6);
    assert!(c.bytes().all(|b| code::ALPHABET.contains(&b)));
    assert!(code::from_random(&[255; 64]).is_none(), "no fair byte");
    assert!(code::matches("K7M2PQ", "K7M2PQ"));
    assert!(code::matches("K7M2PQ", "k7m2pq"));
    assert!(!code::matches("K7M2PQ", "K7M2PR"));
    assert!(!code::matches("K7M2PQ", "K7M2P"));
    assert!(!code::matches("K7M2PQ", "K7M2PQQ"));
    assert!(!code::matches("K7M2PQ", ""));
    assert_eq!(code::check_chosen("abcdef"), Ok("ABCDEF".to_owned()));
    assert!(code::check_chosen("ABC").is_err());
    assert!(code::check_chosen("ABCDE0").unwrap_err().contains("'0'"));
}

#[test]
fn the_join_query_reads_back_and_refuses_what_breaks_its_rules() {
    let q = join::query("K7M2PQ", "Zoë & co", Some("tok"), false);
    let j = join::parse(&format!("/class?{q}")).unwrap();
    assert_eq!(
        (
            j.code.as_str(),
            j.name.as_str(),
            j.resume.as_deref(),
            j.notes
        ),
        ("K7M2PQ", "Zoë & co", Some("tok"), false)
    );
    assert!(
        join::parse(&format!("/?{}", join::query("A", "", None, true)))
            .unwrap()
            .notes
    );
    assert_eq!(join::parse("/class?name=x"), Err(JoinError::NoCode));
    assert_eq!(
        join::parse(&format!("/?code=A&name={}", "x".repeat(65))),
        Err(JoinError::NameTooLong)
    );
    assert_eq!(
        join::parse("/?code=%zz"),
        Err(JoinError::BadEncoding("code"))
    );
    assert_eq!(
        join::parse("/?code=A&name=%ff"),
        Err(JoinError::BadEncoding("name"))
    );
    assert_eq!(
        join::parse(&format!("/?code={}", "A".repeat(600))),
        Err(JoinError::TooLong)
    );
}

#[test]
fn wrong_codes_from_one_address_wait_longer_each_time() {
    let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let other = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
    let mut w = WrongCodes::default();
    let mut delays = Vec::new();
    for n in 0..9 {
        delays.push(w.delay_ms(ip, n));
        w.failed(ip, n);
    }
    assert_eq!(delays, [0, 0, 250, 500, 1000, 2000, 4000, 8000, 8000]);
    assert_eq!(w.delay_ms(other, 10), 0, "another address is not slowed");
    assert_eq!(
        w.delay_ms(ip, 10 + 10 * 60 * 1000),
        0,
        "forgotten when quiet"
    );
    w.succeeded(ip);
    assert_eq!(w.delay_ms(ip, 20), 0);
}

#[test]
fn the_rate_allows_a_burst_then_five_a_second() {
    let mut r = Rate::new(0);
    let burst = (0..100).take_while(|_| r.allow(0)).count();
    assert_eq!(burst, BURST as usize);
    assert!(!r.allow(100));
    assert!(r.allow(200), "a fifth of a second gains one");
    assert!(!r.allow(200));
}

#[test]
fn answers_are_counted_once_per_student_and_check() {
    let mut room = Room::new(3);
    let a = room.join("Ada", None, "ta".to_owned()).unwrap();
    let b = room.join("\u{1b}[31mBob", None, "tb".to_owned()).unwrap();
    assert_eq!(b.name, "Bob");
    let c = room.join("", None, "tc".to_owned()).unwrap();
    assert_eq!(c.name, format!("student {}", c.id));
    assert_eq!(room.join("Dan", None, "td".to_owned()), Err(Closing::Full));
    room.moved(at(1, 0), 0);
    assert_eq!(room.answer(a.id, at(1, 0), "2"), Ok(()));
    assert_eq!(room.answer(a.id, at(1, 0), "3"), Err(ALREADY));
    assert_eq!(room.answer(b.id, at(1, 0), "2"), Ok(()));
    assert_eq!(room.answer(c.id, at(1, 0), " 1 "), Ok(()));
    let t = room.tally();
    assert_eq!((t.connected, t.answered), (3, 3));
    assert_eq!(
        t.chart,
        [(Some("2".to_owned()), 2), (Some("1".to_owned()), 1)]
    );
    // A dropped student resumes with their token, answers kept; a stranger's token resumes
    // nothing.
    room.left(a.id, false);
    assert_eq!(room.tally().connected, 2);
    let again = room.join("whoever", Some("ta"), "new".to_owned()).unwrap();
    assert!(again.resumed);
    assert_eq!((again.id, again.name.as_str()), (a.id, "Ada"));
    assert_eq!(room.answer(a.id, at(1, 0), "1"), Err(ALREADY));
    assert_eq!(room.tally().answered, 3);
    room.left(b.id, true);
    assert_eq!(
        room.names(),
        ["Ada".to_owned(), format!("student {}", c.id)]
    );
    // The next check starts empty.
    room.moved(at(1, 1), 10);
    assert_eq!(room.tally().answered, 0);
}
