//! 200 students follow every step, answer, and are ended cleanly.

use std::collections::BTreeMap;

use futures_util::StreamExt as _;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use wslab::class::protocol::parse_from_hub;
use wslab::class::room::ALREADY;
use wslab::class::{FromHub, FromStudent};

use crate::client::{at, hub, join, send, until};

const STUDENTS: usize = 200;
const STEPS: u32 = 4;

#[derive(Debug)]
enum Seen {
    Step(usize, u32),
    Notice,
    Closed(usize, u16, String),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_students_follow_every_step_answer_once_and_end_with_1001() {
    let hub = hub(STUDENTS).await;
    let addr = hub.local_addr();
    let (tx, mut seen) = mpsc::unbounded_channel();
    for i in 0..STUDENTS {
        let (mut ws, welcome) = join(addr, &format!("s{i}"), None).await;
        assert!(matches!(welcome, FromHub::Welcome { at: None, .. }));
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some(read) = ws.next().await {
                let m = match read.unwrap() {
                    Message::Text(t) => parse_from_hub(t.as_str()).unwrap(),
                    Message::Close(f) => {
                        let f = f.expect("a close code");
                        let _ = tx.send(Seen::Closed(i, u16::from(f.code), f.reason.to_string()));
                        return;
                    }
                    _ => continue,
                };
                match m {
                    FromHub::Step { at } => {
                        // Each student answers twice: only the first may count.
                        let answer = (i % 3 + 1).to_string();
                        for _ in 0..2 {
                            let m = FromStudent::Answer {
                                at: at.clone(),
                                answer: answer.clone(),
                            };
                            send(&mut ws, &m).await;
                        }
                        tx.send(Seen::Step(i, at.step)).unwrap();
                    }
                    FromHub::Notice { text } => {
                        assert_eq!(text, ALREADY);
                        tx.send(Seen::Notice).unwrap();
                    }
                    other => panic!("student {i} got {other:?}"),
                }
            }
            panic!("student {i}'s connection ended without a close frame");
        });
    }
    drop(tx);
    until(&hub, |v| v.tally.connected == STUDENTS as u32).await;
    let mut notices = 0;
    for step in 0..STEPS {
        hub.moved(at(step, 0));
        let mut reached = [false; STUDENTS];
        while reached.iter().any(|r| !r) {
            match seen.recv().await.unwrap() {
                Seen::Step(i, s) => {
                    assert_eq!(s, step, "student {i} is on the presenter's step");
                    assert!(!reached[i], "student {i} got step {s} twice");
                    reached[i] = true;
                }
                Seen::Notice => notices += 1,
                Seen::Closed(i, c, _) => panic!("student {i} closed with {c}"),
            }
        }
        until(&hub, |v| v.tally.answered == STUDENTS as u32).await;
        let view = hub.view().borrow().clone();
        let chart: BTreeMap<String, u32> = view
            .tally
            .chart
            .iter()
            .map(|(a, n)| (a.clone().unwrap(), *n))
            .collect();
        assert_eq!(
            chart,
            BTreeMap::from([("1".into(), 67), ("2".into(), 67), ("3".into(), 66)]),
            "step {step}: every answer counted exactly once"
        );
    }
    while notices < STUDENTS * STEPS as usize {
        if let Some(Seen::Notice) = seen.recv().await {
            notices += 1;
        }
    }
    hub.end().await;
    let mut ended = 0;
    while let Some(s) = seen.recv().await {
        if let Seen::Closed(i, code, reason) = s {
            assert_eq!(
                (code, reason.as_str()),
                (1001, "The presenter ended the class."),
                "student {i}"
            );
            ended += 1;
        }
    }
    assert_eq!(ended, STUDENTS, "every student heard the end");
}
