//! wslab's own student connection (`net::class::student::follow`): it retries with backoff
//! until the hub is up, joins, follows, and hears the end as the last word.

use tokio::sync::mpsc;
use wslab::capture::Limits;
use wslab::class::FromHub;
use wslab::net::Recorder;
use wslab::net::class::student::{StudentEvent, follow};
use wslab::net::class::{Hub, HubOptions, StudentOptions};

use crate::client::{CODE, at, until};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_student_retries_until_the_hub_is_up_then_follows_to_the_end() {
    // A port that was free a moment ago: nothing listens there yet.
    let spare = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = spare.local_addr().unwrap();
    drop(spare);
    let options = StudentOptions {
        url: wslab::net::url::parse(&format!("ws://{addr}")).unwrap(),
        code: CODE.to_owned(),
        name: "Ada".to_owned(),
        notes: false,
    };
    let recorder = Recorder::new(Limits::default());
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let (_to_hub, outgoing) = mpsc::unbounded_channel();
    tokio::spawn(follow(options, recorder.clone(), events_tx, outgoing));
    let first = events.recv().await.unwrap();
    let StudentEvent::Retrying { in_ms, why } = first else {
        panic!("{first:?}")
    };
    assert_eq!(in_ms, 250, "{why}");
    let hub = Hub::start(HubOptions::new(addr, CODE.to_owned(), "NOTES1".to_owned()))
        .await
        .unwrap();
    // Retries until the hub answers, each wait longer than the one before.
    let mut waits = vec![in_ms];
    loop {
        match events.recv().await.unwrap() {
            StudentEvent::Retrying { in_ms, .. } => waits.push(in_ms),
            StudentEvent::Connected => break,
            other => panic!("{other:?}"),
        }
    }
    assert!(waits.windows(2).all(|w| w[0] <= w[1]), "{waits:?}");
    let welcome = events.recv().await.unwrap();
    assert!(
        matches!(&welcome, StudentEvent::Hub(FromHub::Welcome { name, .. }) if name == "Ada"),
        "{welcome:?}"
    );
    until(&hub, |v| v.tally.connected == 1).await;
    hub.moved(at(3, 0));
    assert_eq!(
        events.recv().await.unwrap(),
        StudentEvent::Hub(FromHub::Step { at: at(3, 0) })
    );
    hub.end().await;
    assert_eq!(
        events.recv().await.unwrap(),
        StudentEvent::Closed {
            code: 1001,
            reason: "The presenter ended the class.".to_owned(),
            last: true
        }
    );
    // The class channel is in the student's own capture, like any other connection.
    // Every try was a tapped connection; the last one reached the hub.
    let snapshot = recorder.snapshot();
    let tried: Vec<_> = snapshot
        .connections()
        .filter(|c| c.label == "class")
        .collect();
    assert!(!tried.is_empty());
    assert!(tried.iter().all(|c| c.server == Some(addr)));
}
