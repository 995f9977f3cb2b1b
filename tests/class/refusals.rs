//! What breaks the class protocol's rules is refused with its close code and sentence, and a
//! student who drops resumes where the class is.

use futures_util::SinkExt as _;
use tokio_tungstenite::tungstenite::Message;
use wslab::class::room::ALREADY;
use wslab::class::{Closing, FromHub, FromStudent};

use crate::client::{CODE, at, closed, hub, join, next, open, send, until};

async fn refused(query: &str, send: Option<Message>) -> (u16, String) {
    let hub = hub(10).await;
    let mut ws = open(hub.local_addr(), query).await;
    if let Some(m) = send {
        let _ = next(&mut ws).await; // the welcome
        ws.send(m).await.unwrap();
    }
    closed(&mut ws).await
}

#[allow(clippy::needless_pass_by_value)] // Called with what `refused` returns.
fn expect(got: (u16, String), c: Closing) {
    assert_eq!(got, (c.code(), c.reason().to_owned()));
}

#[tokio::test]
async fn a_wrong_or_missing_code_is_refused_with_a_sentence() {
    expect(
        refused("code=WRONG1&name=x", None).await,
        Closing::WrongCode,
    );
    expect(refused("name=x", None).await, Closing::BadJoin);
    let long = "n".repeat(65);
    expect(
        refused(&format!("code={CODE}&name={long}"), None).await,
        Closing::BadJoin,
    );
}

#[tokio::test]
async fn the_code_is_read_in_either_case() {
    let hub = hub(10).await;
    let mut ws = open(hub.local_addr(), &format!("code={}", CODE.to_lowercase())).await;
    assert!(matches!(next(&mut ws).await, Some(FromHub::Welcome { .. })));
}

#[tokio::test]
async fn what_a_student_may_not_send_is_refused_with_its_close() {
    let q = format!("code={CODE}");
    let cases = [
        (Message::text("hello"), Closing::Malformed),
        (
            Message::text(r#"{"v":2,"type":"ping"}"#),
            Closing::Malformed,
        ),
        (
            Message::text(r#"{"v":1,"type":"dance"}"#),
            Closing::Malformed,
        ),
        (Message::binary(vec![1u8, 2, 3]), Closing::Malformed),
        (
            Message::text(r#"{"v":1,"type":"step","lesson":"x","step":9,"check":0}"#),
            Closing::NotAllowed,
        ),
        (
            Message::text(r#"{"v":1,"type":"reveal","lesson":"x","step":9,"check":0}"#),
            Closing::NotAllowed,
        ),
        (Message::text("x".repeat(5000)), Closing::TooBig),
        (Message::binary(vec![0u8; 100_000]), Closing::TooBig),
    ];
    for (m, c) in cases {
        expect(refused(&q, Some(m)).await, c);
    }
}

#[tokio::test]
async fn a_flood_is_closed_and_a_ping_answered() {
    let hub = hub(10).await;
    let (mut ws, _) = join(hub.local_addr(), "fast", None).await;
    send(&mut ws, &FromStudent::Ping).await;
    assert_eq!(next(&mut ws).await, Some(FromHub::Pong));
    for _ in 0..30 {
        if ws
            .send(Message::text(FromStudent::Ping.encode()))
            .await
            .is_err()
        {
            break;
        }
    }
    expect(closed(&mut ws).await, Closing::TooFast);
}

#[tokio::test]
async fn hostile_names_are_neutralised_before_anyone_sees_them() {
    let hub = hub(10).await;
    let addr = hub.local_addr();
    let (_a, wa) = join(addr, "\u{1b}[2J\u{1b}[31mEve\u{1b}]0;owned\u{7}", None).await;
    let (_b, wb) = join(addr, "abc\u{202e}fed", None).await;
    let (_c, wc) = join(addr, "\u{1b}\u{202e}\u{7}", None).await;
    let name = |w: &FromHub| match w {
        FromHub::Welcome { name, .. } => name.clone(),
        _ => unreachable!(),
    };
    assert_eq!(name(&wa), "Eve");
    assert_eq!(name(&wb), "abcfed");
    assert!(name(&wc).starts_with("student "), "{}", name(&wc));
    until(&hub, |v| v.names.len() == 3).await;
    let names = hub.view().borrow().names.clone();
    assert_eq!(names[..2], ["Eve".to_owned(), "abcfed".to_owned()]);
    for n in names {
        assert!(
            !n.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{n:?}"
        );
    }
}

#[tokio::test]
async fn a_full_class_refuses_one_more() {
    let hub = hub(2).await;
    let addr = hub.local_addr();
    let _a = join(addr, "a", None).await;
    let _b = join(addr, "b", None).await;
    let mut c = open(addr, &format!("code={CODE}&name=c")).await;
    expect(closed(&mut c).await, Closing::Full);
}

#[tokio::test]
async fn a_student_who_drops_resumes_at_the_current_step_and_counts_once() {
    let hub = hub(10).await;
    let addr = hub.local_addr();
    let (mut ws, welcome) = join(addr, "Ada", None).await;
    let FromHub::Welcome { token, .. } = welcome else {
        unreachable!()
    };
    hub.moved(at(1, 0));
    assert_eq!(next(&mut ws).await, Some(FromHub::Step { at: at(1, 0) }));
    let answer = FromStudent::Answer {
        at: at(1, 0),
        answer: "2".to_owned(),
    };
    send(&mut ws, &answer).await;
    until(&hub, |v| v.tally.answered == 1).await;
    // The network drops: no close frame, just the socket gone.
    drop(ws);
    until(&hub, |v| v.tally.connected == 0).await;
    hub.moved(at(2, 0));
    hub.moved(at(1, 0));
    let (mut again, welcome) = join(addr, "someone else", Some(&token)).await;
    assert_eq!(
        welcome,
        FromHub::Welcome {
            token: token.clone(),
            name: "Ada".to_owned(),
            at: Some(at(1, 0)),
            revealed: false,
        }
    );
    send(&mut again, &answer).await;
    assert_eq!(
        next(&mut again).await,
        Some(FromHub::Notice {
            text: ALREADY.to_owned()
        })
    );
    let view = hub.view().borrow().clone();
    assert_eq!((view.tally.connected, view.tally.answered), (1, 1));
    // Resuming while the old connection still looks open (a drop the hub has not seen)
    // replaces it: still one student.
    let (_third, _) = join(addr, "", Some(&token)).await;
    until(&hub, |v| v.tally.connected == 1 && v.names == ["Ada"]).await;
    hub.end().await;
}

#[tokio::test]
async fn the_notes_role_needs_the_notes_key_and_hears_the_room() {
    let hub = hub(10).await;
    let addr = hub.local_addr();
    // A student who knows the join code cannot read the notes.
    let mut student = open(addr, &wslab::class::join::query(CODE, "", None, true)).await;
    expect(closed(&mut student).await, Closing::WrongCode);
    let mut notes = open(addr, &wslab::class::join::query("NOTESKEY", "", None, true)).await;
    assert!(matches!(
        next(&mut notes).await,
        Some(FromHub::Welcome { .. })
    ));
    let (_ada, _) = join(addr, "\u{1b}[1mAda", None).await;
    loop {
        match next(&mut notes).await.unwrap() {
            FromHub::Room {
                connected: 1,
                names,
                ..
            } => {
                assert_eq!(names, ["Ada"]);
                break;
            }
            FromHub::Room { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    hub.moved(at(2, 0));
    loop {
        match next(&mut notes).await.unwrap() {
            FromHub::Step { at: a } => {
                assert_eq!(a, at(2, 0));
                break;
            }
            FromHub::Room { .. } => {}
            other => panic!("{other:?}"),
        }
    }
}
