//! The measured experiments in quick mode, on real loopback sockets: the figures they report
//! say what the lessons teach, and every byte figure comes from the capture.

use wslab::capture::measure::{Figure, Measured};
use wslab::lesson::model::{Messages, Pane, Polling};
use wslab::run::experiment;

fn count(m: &Measured, row: usize, column: &str) -> u64 {
    match m.column(column).and_then(|c| m.figure(row, c)) {
        Some(Figure::Count(n) | Figure::Bytes(n) | Figure::Micros(n)) => n,
        other => panic!("{column} of row {row} is {other:?}, not a number:\n{m:#?}"),
    }
}

fn ratio(m: &Measured, row: usize, column: &str) -> f64 {
    match m.column(column).and_then(|c| m.figure(row, c)) {
        Some(Figure::Ratio(x)) => x,
        other => panic!("{column} of row {row} is {other:?}, not a ratio:\n{m:#?}"),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

fn polling_action() -> Polling {
    Polling {
        seconds: 5.0,
        poll_ms: 500,
        update_ms: 700,
        panes: vec![Pane::Compare, Pane::Chart],
    }
}

#[test]
fn polling_asks_more_than_push_and_learns_later() {
    let m = runtime()
        .block_on(experiment::polling(&polling_action(), true))
        .expect("the experiment runs");
    let (poll, long, push) = (0, 1, 2);
    let updates = count(&m, push, "updates delivered");
    assert!(updates >= 1, "{m:#?}");
    for row in [poll, long, push] {
        assert_eq!(count(&m, row, "updates delivered"), updates, "{m:#?}");
        assert!(count(&m, row, "bytes on the wire") > 0, "{m:#?}");
    }
    assert!(count(&m, poll, "requests") > updates, "{m:#?}");
    assert!(count(&m, poll, "empty responses") > 0, "{m:#?}");
    assert_eq!(count(&m, push, "requests"), 1, "only the handshake: {m:#?}");
    let empty = m.column("empty responses").expect("the column");
    assert_eq!(m.figure(push, empty), Some(Figure::None));
    assert!(
        count(&m, push, "delay mean") < count(&m, poll, "delay mean"),
        "{m:#?}"
    );
    assert!(ratio(&m, poll, "requests per update") > 1.0, "{m:#?}");
    assert!(ratio(&m, push, "requests per update") <= 1.0, "{m:#?}");
    assert!(
        count(&m, push, "bytes on the wire") < count(&m, poll, "bytes on the wire"),
        "{m:#?}"
    );
    assert!(!m.charts.is_empty() && !m.notes.is_empty());
}

#[test]
fn websocket_messages_cost_less_than_http_ones() {
    let action = Messages {
        count: 50,
        text: r#"{"typing":true}"#.to_owned(),
        panes: vec![Pane::Compare, Pane::Chart],
    };
    let m = runtime()
        .block_on(experiment::messages(&action, true))
        .expect("the experiment runs");
    let (fresh, kept, ws) = (0, 1, 2);
    assert_eq!(count(&m, fresh, "TCP connections"), 10, "{m:#?}");
    assert_eq!(count(&m, kept, "TCP connections"), 1, "{m:#?}");
    assert_eq!(count(&m, ws, "TCP connections"), 1, "{m:#?}");
    assert_eq!(count(&m, fresh, "WebSocket handshakes"), 0, "{m:#?}");
    assert_eq!(count(&m, ws, "WebSocket handshakes"), 1, "{m:#?}");
    let per = |row| ratio(&m, row, "bytes per message");
    assert!(per(ws) < per(kept), "{m:#?}");
    assert!(per(kept) <= per(fresh), "{m:#?}");
    // Each message goes both ways (request and answer, or frame and echo).
    assert!(per(ws) > 2.0 * 15.0, "{m:#?}");
    for row in [fresh, kept, ws] {
        assert!(count(&m, row, "latency mean") > 0, "{m:#?}");
        assert!(count(&m, row, "latency p95") >= count(&m, row, "latency mean") / 2);
    }
}
