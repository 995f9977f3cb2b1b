//! What the tap and the Transcript cost. Two tables:
//!
//! 1. Capture: bytes per second through `Transcript::record` (copy, HTTP head, dissector,
//!    stored previews) against the bare dissector on the same chunks.
//! 2. Echo over loopback: the median round trip of a 1 KiB echo between wslab's client and
//!    the lab (both ends tapped and recorded) against the same libraries with no tap, and the
//!    same echo over wss:// (TLS 1.3, both layers tapped at both ends): what TLS costs.
//!
//! Run with `cargo bench --bench wire`; `WSLAB_BENCH_QUICK=1` makes it a smoke run.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::{SinkExt as _, StreamExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use wslab::capture::{Direction, Limits, Transcript};
use wslab::net::lab::{Lab, LabConfig, Timeouts};
use wslab::net::tls::{LabCert, TlsOptions, Trust};
use wslab::net::{ClientOptions, Outgoing, Recorder, WsClient};
use wslab::proto::encode::{FrameSpec, encode};
use wslab::proto::{Config, Dissector, OpCode, Side};

const MIB: f64 = 1024.0 * 1024.0;
const READ: usize = 16 * 1024;
const REQUEST: &[u8] = b"GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

fn quick() -> bool {
    std::env::var_os("WSLAB_BENCH_QUICK").is_some()
}

// A benchmark's byte counts are far below 2^52: the conversion is exact.
fn mib(bytes: usize) -> f64 {
    f64::from(u32::try_from(bytes).unwrap_or(u32::MAX)) / MIB
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn stream(frame_size: usize, total: usize) -> Vec<u8> {
    let payload: Vec<u8> = (0..frame_size).map(|i| (i * 7 % 251) as u8).collect();
    let mut wire = REQUEST.to_vec();
    for i in 0..(total / frame_size).max(1) {
        let key = (i as u32).wrapping_mul(0x9e37_79b9).to_be_bytes();
        wire.extend(encode(FrameSpec::new(OpCode::Binary, Some(key)), &payload));
    }
    wire
}

fn capture_table() {
    let total = if quick() { 4 << 20 } else { 64 << 20 };
    let rounds = if quick() { 3 } else { 9 };
    println!(
        "Capture throughput, {} MiB per sample, {READ}-byte reads, median of {rounds}",
        total >> 20
    );
    println!(
        "{:<12} {:>14} {:>14} {:>8}",
        "frames", "dissector", "transcript", "ratio"
    );
    for frame_size in [1024, 64 * 1024] {
        let wire = stream(frame_size, total);
        let mut bare = Vec::new();
        let mut full = Vec::new();
        for _ in 0..rounds {
            let start = Instant::now();
            let mut dissector =
                Dissector::starting_at(Config::new(Side::Client), REQUEST.len() as u64);
            for chunk in wire[REQUEST.len()..].chunks(READ) {
                black_box(dissector.feed(chunk));
            }
            bare.push(mib(wire.len()) / start.elapsed().as_secs_f64());

            let start = Instant::now();
            // Frames beyond the limit are counted, not kept: the steady state of a long capture.
            let mut transcript = Transcript::new(Limits {
                max_raw_bytes: 1 << 20,
                ..Limits::default()
            });
            let (id, _) = transcript.open("bench", None, None, 0).expect("room");
            for (i, chunk) in wire.chunks(READ).enumerate() {
                black_box(transcript.record(id, Direction::ClientToServer, i as u64, chunk));
            }
            full.push(mib(wire.len()) / start.elapsed().as_secs_f64());
        }
        let (bare, full) = (median(bare), median(full));
        println!(
            "{:<12} {:>9.0} MiB/s {:>9.0} MiB/s {:>8.2}",
            format!("{} KiB", frame_size / 1024),
            bare,
            full,
            full / bare
        );
    }
}

async fn plain_echo_server() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tcp.set_nodelay(true).expect("nodelay");
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                    return;
                };
                while let Some(Ok(message)) = ws.next().await {
                    if message.is_binary() && ws.send(message).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

async fn plain_round_trips(addr: std::net::SocketAddr, n: usize, payload: &Bytes) -> Vec<f64> {
    let tcp = TcpStream::connect(addr).await.expect("connect");
    tcp.set_nodelay(true).expect("nodelay");
    let (mut ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}/"), tcp)
        .await
        .expect("handshake");
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        ws.send(Message::Binary(payload.clone()))
            .await
            .expect("send");
        black_box(ws.next().await);
        samples.push(start.elapsed().as_secs_f64() * 1e6);
    }
    samples
}

/// How long each of `n` fresh connections takes to open: TCP, TLS when `secure`, and the
/// WebSocket handshake, as wslab's client sees it.
async fn connect_times(lab: &Lab, secure: bool, n: usize) -> Vec<f64> {
    let (url, options) = target(lab, secure);
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        // A recorder per connection, as a lesson's action has, so that none fills up.
        let recorder = Recorder::default();
        let start = Instant::now();
        let mut client = WsClient::connect(&url, &recorder, &options)
            .await
            .expect("handshake");
        samples.push(start.elapsed().as_secs_f64() * 1e6);
        client.close(1000, "").await.expect("close");
        client.drain().await.expect("closed");
    }
    samples
}

fn target(lab: &Lab, secure: bool) -> (wslab::net::url::WsUrl, ClientOptions) {
    let (target, options) = match lab.cert() {
        Some(cert) if secure => (
            lab.wss_url("/echo").expect("a TLS lab"),
            ClientOptions {
                tls: TlsOptions::new(Trust::Roots(Arc::new(cert.roots())), None),
                ..ClientOptions::default()
            },
        ),
        _ => (lab.url("/echo"), ClientOptions::default()),
    };
    (wslab::net::url::parse(&target).expect("url"), options)
}

async fn tapped_round_trips(lab: &Lab, secure: bool, n: usize, payload: &Bytes) -> Vec<f64> {
    let recorder = Recorder::new(Limits {
        max_raw_bytes: 4 << 20,
        ..Limits::default()
    });
    let (url, options) = target(lab, secure);
    let mut client = WsClient::connect(&url, &recorder, &options)
        .await
        .expect("handshake");
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        client
            .send(Outgoing::Binary(payload.clone()))
            .await
            .expect("send");
        black_box(client.recv().await.expect("echo"));
        samples.push(start.elapsed().as_secs_f64() * 1e6);
    }
    samples
}

fn echo_table() {
    let n = if quick() { 200 } else { 5000 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let payload = Bytes::from(vec![0x5a; 1024]);
    runtime.block_on(async {
        let plain = plain_echo_server().await;
        let lab = Lab::start_tls(
            LabConfig {
                tick: Duration::from_secs(3600),
                ..LabConfig::default()
            },
            Timeouts::default(),
            Recorder::new(Limits {
                max_raw_bytes: 4 << 20,
                ..Limits::default()
            }),
            LabCert::generate().expect("a certificate"),
        )
        .await
        .expect("lab");
        // Warm every path up before measuring.
        plain_round_trips(plain, 50, &payload).await;
        tapped_round_trips(&lab, false, 50, &payload).await;
        tapped_round_trips(&lab, true, 50, &payload).await;
        // In ten interleaved rounds, so that the machine drifting (clock, other work) during
        // the run falls on every path alike rather than on whichever came last.
        let (mut bare, mut tapped, mut secure) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..10 {
            bare.extend(plain_round_trips(plain, n / 10, &payload).await);
            tapped.extend(tapped_round_trips(&lab, false, n / 10, &payload).await);
            secure.extend(tapped_round_trips(&lab, true, n / 10, &payload).await);
        }
        let (bare, tapped, secure) = (median(bare), median(tapped), median(secure));
        println!();
        println!("Echo round trip over loopback, 1 KiB binary, median of {n}");
        println!("{:<36} {:>10.1} µs", "tokio-tungstenite, no tap", bare);
        println!(
            "{:<36} {:>10.1} µs",
            "wslab client ↔ lab, both ends tapped", tapped
        );
        println!("{:<36} {:>10.2}", "ratio", tapped / bare);
        println!(
            "{:<36} {:>10.1} µs",
            "the same over wss://, 2 layers tapped", secure
        );
        println!("{:<36} {:>10.1} µs", "added by TLS", secure - tapped);

        let m = if quick() { 20 } else { 500 };
        let (mut ws, mut wss) = (Vec::new(), Vec::new());
        for _ in 0..10 {
            ws.extend(connect_times(&lab, false, m / 10).await);
            wss.extend(connect_times(&lab, true, m / 10).await);
        }
        let (ws, wss) = (median(ws), median(wss));
        println!();
        println!("Opening a connection (TCP, TLS 1.3, the WebSocket handshake), median of {m}");
        println!("{:<36} {:>10.1} µs", "ws://", ws);
        println!("{:<36} {:>10.1} µs", "wss://", wss);
        println!("{:<36} {:>10.1} µs", "added by TLS", wss - ws);
    });
}

fn main() {
    capture_table();
    echo_table();
}
