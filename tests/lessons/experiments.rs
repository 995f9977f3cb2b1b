//! The measured experiments in quick mode, on real loopback sockets: the figures they report
//! say what the lessons teach, and every byte figure comes from the capture.

use std::sync::{Mutex, MutexGuard, PoisonError};

use wslab::capture::measure::{Figure, Measured};
use wslab::lesson::model::{Idle, Messages, Pane, Polling};
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

// One experiment at a time: the idle one reads the whole process's memory, and the timings of
// each are fairer without the others on the same two cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn alone() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner)
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
    let _alone = alone();
    let m = runtime()
        .block_on(experiment::polling(&polling_action(), true))
        .expect("the experiment runs");
    let (poll, long, push, sse) = (0, 1, 2, 3);
    assert_eq!(m.rows.len(), 4, "{m:#?}");
    assert_eq!(m.rows[sse].label, "Server-Sent Events");
    let updates = count(&m, push, "updates delivered");
    assert!(updates >= 1, "{m:#?}");
    for row in [poll, long, push, sse] {
        assert_eq!(count(&m, row, "updates delivered"), updates, "{m:#?}");
        assert!(count(&m, row, "bytes on the wire") > 0, "{m:#?}");
    }
    assert!(count(&m, poll, "requests") > updates, "{m:#?}");
    assert!(count(&m, poll, "empty responses") > 0, "{m:#?}");
    assert_eq!(count(&m, push, "requests"), 1, "only the handshake: {m:#?}");
    assert_eq!(count(&m, sse, "requests"), 1, "only GET /events: {m:#?}");
    let empty = m.column("empty responses").expect("the column");
    assert_eq!(m.figure(push, empty), Some(Figure::None));
    assert_eq!(m.figure(sse, empty), Some(Figure::None));
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
    // SSE pushes too: sooner and cheaper than polling, one request for every update.
    assert!(
        count(&m, sse, "delay mean") < count(&m, poll, "delay mean"),
        "{m:#?}"
    );
    assert!(
        count(&m, sse, "bytes on the wire") < count(&m, poll, "bytes on the wire"),
        "{m:#?}"
    );
    assert!(ratio(&m, sse, "requests per update") <= 1.0, "{m:#?}");
    assert!(!m.charts.is_empty() && !m.notes.is_empty());
}

#[test]
fn websocket_messages_cost_less_than_http_ones() {
    let action = Messages {
        count: 50,
        text: r#"{"typing":true}"#.to_owned(),
        panes: vec![Pane::Compare, Pane::Chart],
    };
    let _alone = alone();
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
        assert!(count(&m, row, "latency p95") > 0, "{m:#?}");
    }
}

#[test]
fn idle_connections_cost_memory_and_a_handshake_each() {
    let action = Idle {
        connections: 1000,
        deflate: None,
        panes: vec![Pane::Compare, Pane::Chart],
    };
    let _alone = alone();
    let m = runtime()
        .block_on(experiment::idle(&action, true))
        .expect("the experiment runs");
    assert_eq!(count(&m, 0, "connections"), 100, "{m:#?}");
    // A request of about 160 bytes and a 101 of about 130.
    assert!(
        count(&m, 0, "handshake bytes per connection") > 100,
        "{m:#?}"
    );
    let per = m.column("memory per connection").expect("the column");
    if cfg!(target_os = "linux") {
        assert!(
            matches!(m.figure(0, per), Some(Figure::Bytes(n)) if n > 0),
            "{m:#?}"
        );
        assert!(
            count(&m, 0, "RSS after") > count(&m, 0, "RSS before"),
            "{m:#?}"
        );
    } else {
        assert_eq!(m.figure(0, per), Some(Figure::None));
    }
}

#[test]
fn idle_connections_that_agreed_deflate_say_so_and_carry_the_offer() {
    let plain = Idle {
        connections: 20,
        deflate: None,
        panes: vec![Pane::Compare],
    };
    let offered = Idle {
        deflate: Some("permessage-deflate; client_max_window_bits".to_owned()),
        ..plain.clone()
    };
    let _alone = alone();
    let rt = runtime();
    let a = rt
        .block_on(experiment::idle(&plain, true))
        .expect("the experiment runs");
    let b = rt
        .block_on(experiment::idle(&offered, true))
        .expect("the experiment runs");
    // The offer and the lab's answer are on the wire: every handshake is longer by both.
    let (a_bytes, b_bytes) = (
        count(&a, 0, "handshake bytes per connection"),
        count(&b, 0, "handshake bytes per connection"),
    );
    let extra = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n".len()
        + "Sec-WebSocket-Extensions: permessage-deflate\r\n".len();
    assert_eq!(b_bytes - a_bytes, extra as u64, "{a:#?} {b:#?}");
    assert!(
        format!("{b:?}").contains("the lab accepted"),
        "the notes say what the figure holds: {b:#?}"
    );
}
