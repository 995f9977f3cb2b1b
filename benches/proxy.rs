//! What the proxy costs. A tokio-tungstenite client sends 1 KiB binary messages to a
//! tokio-tungstenite echo server, first directly, then through `Proxy` with capture on and a
//! `--no-tui` printer draining the updates into a sink (as `wslab proxy --no-tui` does, minus
//! the terminal), in the same run; and through a proxy that only captures, to show what the
//! output costs apart from the relay:
//!
//! 1. Throughput, pipelined with 64 messages in flight: msg/s, MiB/s (payload, one way) and
//!    the ratio to direct.
//! 2. Latency, one message in flight: p50 and p99 round trip, and what the proxy adds.
//! 3. CPU per message on each path, from the process's own CPU time.
//! 4. Memory under load: RSS after each of four rounds of 200 connections at once, each
//!    sending 20 messages of up to 200 KB, to show that the capture stays within its
//!    `Limits`.
//!
//! The paths take turns within each of several rounds, so that the machine's drift during
//! the run falls on all of them alike.
//!
//! Run with `cargo bench --bench proxy`; `WSLAB_BENCH_QUICK=1` makes it a smoke run.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use wslab::cmd::proxy::Printer;
use wslab::net::proxy::{Proxy, ProxyConfig, ProxyTimeouts};
use wslab::net::url;

const SIZE: usize = 1024;
const WINDOW: usize = 64;
const MIB: f64 = 1024.0 * 1024.0;

fn quick() -> bool {
    std::env::var_os("WSLAB_BENCH_QUICK").is_some()
}

// Counts in a benchmark stay far below 2^52: the conversion is exact.
fn f(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

async fn echo_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            stream.set_nodelay(true).unwrap();
            tokio::spawn(async move {
                let mut ws = tokio_tungstenite::accept_async(stream).await.unwrap();
                while let Some(Ok(message)) = ws.next().await {
                    if message.is_binary() && ws.send(message).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    addr
}

async fn proxy_to(upstream: SocketAddr, print: bool) -> Proxy {
    let config = ProxyConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        upstream: url::parse(&format!("ws://{upstream}/")).unwrap(),
        upstream_tls: wslab::net::tls::TlsOptions::default(),
        listen_tls: None,
        limits: wslab::capture::Limits::default(),
        timeouts: ProxyTimeouts::default(),
        max_connections: wslab::net::proxy::MAX_CONNECTIONS,
    };
    let recorder = config.recorder();
    if !print {
        return Proxy::start(config, recorder).await.unwrap();
    }
    let mut updates = recorder.subscribe();
    let watched = recorder.clone();
    // The --no-tui printer, into a sink: every frame becomes a JSON line, then is let go.
    tokio::spawn(async move {
        let mut printer = Printer::default();
        let mut sink = std::io::sink();
        loop {
            match updates.recv().await {
                Ok(update) => {
                    let (batch, lagged) = wslab::cmd::proxy::batch(update, &mut updates);
                    printer.show_all(&watched, &batch, &mut sink).unwrap();
                    if let Some(n) = lagged {
                        printer.lagged(&watched, n, &mut sink).unwrap();
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    printer.lagged(&watched, n, &mut sink).unwrap();
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
    Proxy::start(config, recorder).await.unwrap()
}

/// Sends `count` messages with `window` in flight; returns the elapsed time and each
/// message's round trip in µs.
async fn run(addr: SocketAddr, count: usize, window: usize) -> (Duration, Vec<f64>) {
    let stream = TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}/"), stream)
        .await
        .unwrap();
    let (mut sink, mut source) = ws.split();
    let permits = Arc::new(Semaphore::new(window));
    let epoch = Instant::now();
    let started = Instant::now();
    let writer = {
        let permits = permits.clone();
        tokio::spawn(async move {
            let mut payload = vec![0x5a; SIZE];
            for _ in 0..count {
                permits.acquire().await.unwrap().forget();
                let sent = u64::try_from(epoch.elapsed().as_nanos()).unwrap();
                payload[..8].copy_from_slice(&sent.to_be_bytes());
                sink.send(Message::Binary(Bytes::copy_from_slice(&payload)))
                    .await
                    .unwrap();
            }
            sink
        })
    };
    let mut trips = Vec::with_capacity(count);
    for _ in 0..count {
        let Some(Ok(Message::Binary(echo))) = source.next().await else {
            panic!("the echo ended early");
        };
        let sent = u64::from_be_bytes(echo[..8].try_into().unwrap());
        let now = u64::try_from(epoch.elapsed().as_nanos()).unwrap();
        trips.push(f64::from(u32::try_from((now - sent) / 10).unwrap_or(u32::MAX)) / 100.0);
        permits.add_permits(1);
    }
    let elapsed = started.elapsed();
    let mut sink = writer.await.unwrap();
    let _ = sink.close().await;
    (elapsed, trips)
}

fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let last = f(samples.len() - 1);
    // The index is within the slice by construction.
    #[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation)]
    let at = (last * p).round() as usize;
    samples[at]
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time this process has used, user and system, in seconds (Linux: /proc/self/stat, in
/// clock ticks of 1/100 s, which `getconf CLK_TCK` gives on every Linux this runs on).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let (utime, stime): (u64, u64) = (fields.get(11)?.parse().ok()?, fields.get(12)?.parse().ok()?);
    Some(f(usize::try_from(utime + stime).ok()?) / 100.0)
}

/// One path's totals over the interleaved rounds.
#[derive(Default)]
struct Totals {
    time: Duration,
    cpu: f64,
    trips: Vec<f64>,
}

/// Runs `count` messages on each path in `rounds` rounds, the paths taking turns within each
/// round, so that a machine that slows down or speeds up during the run affects all alike.
async fn interleaved(
    paths: &[SocketAddr],
    count: usize,
    window: usize,
    rounds: usize,
) -> Vec<Totals> {
    let mut totals: Vec<Totals> = paths.iter().map(|_| Totals::default()).collect();
    for _ in 0..rounds {
        for (addr, total) in paths.iter().zip(&mut totals) {
            let cpu = cpu_seconds();
            let (time, trips) = run(*addr, count / rounds, window).await;
            if let (Some(before), Some(after)) = (cpu, cpu_seconds()) {
                total.cpu += after - before;
            }
            total.time += time;
            total.trips.extend(trips);
        }
    }
    totals
}

/// `conns` clients at once, each sending `messages` binary messages of sizes spread up to
/// `largest` bytes and reading each echo.
async fn load(addr: SocketAddr, conns: usize, messages: usize, largest: usize) {
    let mut tasks = Vec::new();
    for c in 0..conns {
        tasks.push(tokio::spawn(async move {
            let stream = TcpStream::connect(addr).await.unwrap();
            let (mut ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}/"), stream)
                .await
                .unwrap();
            for m in 0..messages {
                // From 1 KiB up to `largest`, different on every connection.
                let size = 1024 + (c * 7919 + m * 104_729) % (largest - 1024);
                ws.send(Message::Binary(Bytes::from(vec![0x5a; size])))
                    .await
                    .unwrap();
                let Some(Ok(Message::Binary(echo))) = ws.next().await else {
                    panic!("the echo ended early");
                };
                assert_eq!(echo.len(), size);
            }
            let _ = ws.close(None).await;
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

async fn bench() {
    let server = echo_server().await;
    let proxy = proxy_to(server, true).await;
    let quiet = proxy_to(server, false).await;
    let (count, latency_count, rounds) = if quick() {
        (20_000, 2_000, 2)
    } else {
        (200_000, 20_000, 10)
    };
    // Warm both paths up: connections, allocator, caches.
    run(server, 2_000, WINDOW).await;
    run(proxy.addr(), 2_000, WINDOW).await;
    run(quiet.addr(), 2_000, WINDOW).await;

    let names = [
        "direct",
        "proxy, capture only",
        "proxy, capture + JSON Lines printer",
    ];
    let paths = [server, quiet.addr(), proxy.addr()];
    let totals = interleaved(&paths, count, WINDOW, rounds).await;
    println!(
        "Pipelined echo, {count} messages of {SIZE} B per path, {WINDOW} in flight, in {rounds} interleaved rounds"
    );
    println!(
        "{:<36} {:>10} {:>8} {:>6} {:>12}",
        "path", "msg/s", "MiB/s", "ratio", "CPU µs/msg"
    );
    let rate = |t: &Totals| f(count) / t.time.as_secs_f64();
    let cpu_per = |t: &Totals| t.cpu * 1e6 / f(count);
    for (name, t) in names.iter().zip(&totals) {
        println!(
            "{name:<36} {:>10.0} {:>8.1} {:>6.3} {:>12.2}",
            rate(t),
            rate(t) * f(SIZE) / MIB,
            rate(t) / rate(&totals[0]),
            cpu_per(t)
        );
    }
    println!(
        "relay CPU per message (printer path − direct, client and server in the same process): {:.2} µs",
        cpu_per(&totals[2]) - cpu_per(&totals[0])
    );
    println!(
        "(aim: ratio >= 0.9 with the printer; the printer serializes every frame into a sink)\n"
    );

    let mut latency = interleaved(&[server, proxy.addr()], latency_count, 1, rounds).await;
    println!(
        "Round trip, one message in flight, {latency_count} messages per path, interleaved (µs)"
    );
    println!("{:<10} {:>10} {:>10}", "path", "p50", "p99");
    let (d50, d99) = (
        percentile(&mut latency[0].trips, 0.5),
        percentile(&mut latency[0].trips, 0.99),
    );
    let (p50, p99) = (
        percentile(&mut latency[1].trips, 0.5),
        percentile(&mut latency[1].trips, 0.99),
    );
    println!("{:<10} {d50:>10.1} {d99:>10.1}", "direct");
    println!("{:<10} {p50:>10.1} {p99:>10.1}", "proxy");
    println!(
        "added by the proxy: p50 {:.1} µs, p99 {:.1} µs (aim <= 50 µs at p99)\n",
        p50 - d50,
        p99 - d99
    );

    // Memory under load: many connections with large messages, again and again. The capture
    // keeps within its Limits, so RSS must level off rather than grow round after round.
    let (conns, messages, largest, load_rounds) = if quick() {
        (20, 5, 200_000, 2)
    } else {
        (200, 20, 200_000, 4)
    };
    println!(
        "Memory under load: {conns} connections at once × {messages} messages of up to {} KB, through the printing proxy",
        largest / 1000
    );
    let before = rss_kib();
    println!("  RSS before: {} KiB", before.unwrap_or(0));
    for round in 1..=load_rounds {
        load(proxy.addr(), conns, messages, largest).await;
        match rss_kib() {
            Some(rss) => println!("  RSS after round {round}: {rss} KiB"),
            None => println!("  RSS: skipped, /proc/self/status is Linux only"),
        }
    }
    println!("(aim: the same after each round, and <= 128 MB)");
    proxy.shutdown().await;
    quiet.shutdown().await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(bench());
}
