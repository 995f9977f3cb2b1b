//! The polling experiment's figures as a table, with the notes that say how they were made.

use std::collections::HashMap;

use super::{LONG_POLLING, POLLING, PUSH, Plan, SSE, WAYS, Way};
use crate::capture::measure::{Figure, Measured, Row};
use crate::capture::timing::{mean, p95};
use crate::net::Recorder;
use crate::run::experiment::{captured, micros, ratio};

pub(super) fn table(
    plan: &Plan,
    recorder: &Recorder,
    ways: &[Way; WAYS],
    published: &HashMap<u64, u64>,
) -> Measured {
    let labels = [POLLING, LONG_POLLING, PUSH, SSE];
    let bytes = recorder.read(|t| labels.map(|label| captured(t, label).bytes));
    let names = [
        format!("polling every {} ms", plan.poll_ms),
        "long polling".to_owned(),
        "WebSocket push".to_owned(),
        "Server-Sent Events".to_owned(),
    ];
    // Push and SSE never answer empty: their one response (the 101, the event stream) is not
    // an answer to a look for news.
    let asks = |i: usize| i < 2;
    let rows = ways
        .iter()
        .zip(names)
        .zip(bytes)
        .enumerate()
        .map(|(i, ((way, label), bytes))| {
            let delays = way.delays(published);
            let delivered = way.delivered();
            Row {
                label,
                figures: vec![
                    Figure::Count(way.requests),
                    if asks(i) {
                        Figure::Count(way.empty)
                    } else {
                        Figure::None
                    },
                    Figure::Bytes(bytes),
                    Figure::Count(delivered),
                    micros(mean(&delays)),
                    micros(p95(&delays)),
                    ratio(way.requests, delivered),
                ],
            }
        })
        .collect();
    let n = plan.schedule.len();
    let mut notes = vec![
        format!(
            "The four ways ran at the same time against one lab, on the same {n} update{} \
             published at random moments over {:.1} s, from {} to {} ms apart.",
            if n == 1 { "" } else { "s" },
            plan.seconds,
            plan.update_ms / 2,
            plan.update_ms * 3 / 2
        ),
        format!(
            "Polling asked every {} ms and long polling asked again as soon as each answer \
             came, each over one keep-alive connection with a browser's headers; push and SSE \
             opened with only the headers their protocols need (a browser would add its usual \
             few hundred bytes to each, once). Each way stopped once it had the last update.",
            plan.poll_ms
        ),
        "WebSocket push counts its opening handshake as its one request; after it, updates \
         arrive with no request at all."
            .to_owned(),
        "Server-Sent Events counts its GET /events as its one request: one response that does \
         not end, each update an event in it (an id: and a data: line, in a chunk of the \
         chunked body) read as it arrived. It has no closing handshake: the client left by \
         closing the connection, so that response never finished, as expected."
            .to_owned(),
        "Bytes are everything the client's end of each connection sent and received, from \
         the capture: HTTP heads and bodies (chunk framing included), the WebSocket \
         handshake, frames and closing handshake. They are what the programs wrote and read: the TCP and IP headers under \
         them are not counted."
            .to_owned(),
        "Delay runs from the moment an update was published to the moment the client had it, \
         on one monotonic clock; timings vary from run to run, byte counts much less."
            .to_owned(),
    ];
    for (way, label) in ways.iter().zip(labels) {
        if way.delivered() < n as u64 {
            notes.push(format!(
                "{label} delivered only {} of the {n} updates before it was stopped.",
                way.delivered()
            ));
        }
    }
    Measured {
        title: "Polling, long polling, WebSocket push and SSE, measured".to_owned(),
        columns: [
            "requests",
            "empty responses",
            "bytes on the wire",
            "updates delivered",
            "delay mean",
            "delay p95",
            "requests per update",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
        charts: vec![2, 4, 0],
        notes,
    }
}
