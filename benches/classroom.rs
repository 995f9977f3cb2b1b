//! What a class costs the hub. 200 students, each a tokio-tungstenite client on its own
//! loopback socket, join a `net::class::Hub`; the presenter moves step by step, and each
//! round times the presenter's key (the `Hub::moved` call) to the moment the last of the 200
//! students has read the step: p50 and p99 over the rounds. Then memory: the process's RSS
//! before and after the 200 join, per student. The students live in the same process, so the
//! figure is an upper bound on the hub's own share (each bare client holds a socket, a task
//! and tungstenite's buffers).
//!
//! Run with `cargo bench --bench classroom`; `WSLAB_BENCH_QUICK=1` makes it a smoke run.

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use wslab::class::{FromHub, Position, protocol::parse_from_hub};
use wslab::net::class::{Hub, HubOptions};

const STUDENTS: usize = 200;

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    // Rounds are few: the index is exact enough as an f64.
    #[allow(clippy::cast_precision_loss, clippy::cast_sign_loss)]
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn main() {
    let rounds: u32 = if std::env::var_os("WSLAB_BENCH_QUICK").is_some() {
        20
    } else {
        500
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let before = rss_kib();
        let options = HubOptions::new(
            "127.0.0.1:0".parse().unwrap(),
            "K7M2PQ".to_owned(),
            "NOTES1".to_owned(),
        );
        let hub = Hub::start(options).await.unwrap();
        let addr = hub.local_addr();
        let (tx, mut arrived) = mpsc::unbounded_channel::<u32>();
        for i in 0..STUDENTS {
            let stream = TcpStream::connect(addr).await.unwrap();
            stream.set_nodelay(true).unwrap();
            let url = format!("ws://{addr}/class?code=K7M2PQ&name=s{i}");
            let (mut ws, _) = tokio_tungstenite::client_async(url, stream).await.unwrap();
            let tx = tx.clone();
            tokio::spawn(async move {
                while let Some(Ok(m)) = ws.next().await {
                    if let Message::Text(t) = m
                        && let Ok(FromHub::Step { at }) = parse_from_hub(t.as_str())
                        && tx.send(at.step).is_err()
                    {
                        return;
                    }
                }
            });
        }
        let mut view = hub.view();
        while view.borrow_and_update().tally.connected < STUDENTS as u32 {
            view.changed().await.unwrap();
        }
        let after = rss_kib();
        let mut times = Vec::new();
        for step in 0..rounds {
            let start = Instant::now();
            hub.moved(Position {
                lesson: "frames".to_owned(),
                step,
                check: 0,
            });
            let mut got = 0;
            while got < STUDENTS {
                let s = arrived.recv().await.unwrap();
                assert_eq!(s, step);
                got += 1;
            }
            times.push(start.elapsed());
        }
        times.sort();
        println!(
            "classroom: presenter's key to the last of {STUDENTS} students reading the step, {rounds} rounds: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3,
            times.last().unwrap().as_secs_f64() * 1e3,
        );
        if let (Some(b), Some(a)) = (before, after) {
            println!(
                "classroom: RSS {b} KiB before, {a} KiB with {STUDENTS} students joined: {:.1} KiB per student (hub and bare client together, an upper bound on the hub's share)",
                f64::from(u32::try_from(a.saturating_sub(b)).unwrap_or(u32::MAX)) / f64::from(STUDENTS as u32)
            );
        }
        hub.end().await;
    });
}
