//! permessage-deflate (RFC 7692) on the lab's path against flate2 alone on the same data, and
//! the lab's echo round trip with and without compression.
//!
//! Run with `cargo bench --bench deflate`; `WSLAB_BENCH_QUICK=1` makes it a smoke run. Like
//! the other benchmarks: medians of alternated samples, no framework.
//!
//! - deflate: `proto::deflate::Deflater::compress` (a sync flush, the trailer cut) against
//!   flate2's `Compress` driven the same way by hand;
//! - inflate: `proto::session::Session::feed`, the whole receiving path (dissector, unmasking,
//!   reassembly, the limit, inflating), against flate2's `Decompress` on the bare payloads;
//! - echo: one 1 KiB JSON message to the lab's /echo and back, through wslab's client, with
//!   and without the extension.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use wslab::net::lab::{Lab, LabConfig};
use wslab::net::{ClientOptions, Outgoing, Recorder, WsClient, url};
use wslab::proto::deflate::{Deflater, WindowBits, choose};
use wslab::proto::encode::{FrameSpec, encode};
use wslab::proto::session::Session;
use wslab::proto::{OpCode, RsvBits};

const MIB: f64 = 1024.0 * 1024.0;

// Repetitive JSON, as a feed sends it: each message differs in its numbers only.
fn json_messages(size: usize, count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|n| {
            let mut text = String::new();
            let mut i = 0;
            while text.len() < size {
                let _ = write!(
                    text,
                    r#"{{"id":{},"kind":"tick","symbol":"WSLB","price":{}.{:02}}}"#,
                    n * 1000 + i,
                    100 + i % 7,
                    i % 100
                );
                i += 1;
            }
            text.truncate(size);
            text.into_bytes()
        })
        .collect()
}

// flate2 alone: one raw DEFLATE stream, sync-flushed after each message, the trailer cut.
fn flate2_deflate(messages: &[Vec<u8>]) -> usize {
    let mut state = Compress::new_with_window_bits(Compression::default(), false, 15);
    let mut total = 0;
    let mut out = Vec::with_capacity(128 * 1024);
    for message in messages {
        out.clear();
        let mut read = 0;
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity());
            }
            let before = state.total_in();
            state
                .compress_vec(&message[read..], &mut out, FlushCompress::Sync)
                .expect("compresses");
            read += usize::try_from(state.total_in() - before).expect("fits");
            if read >= message.len() && out.len() < out.capacity() {
                break;
            }
        }
        total += out.len() - 4;
        black_box(&out);
    }
    total
}

fn wslab_deflate(messages: &[Vec<u8>]) -> usize {
    let mut deflater = Deflater::new(WindowBits::MAX, false).expect("window 15");
    messages
        .iter()
        .map(|m| black_box(deflater.compress(m).expect("compresses")).len())
        .sum()
}

// The compressed payloads, and the same as masked client frames with RSV1, for the readers.
fn compressed(messages: &[Vec<u8>]) -> (Vec<Vec<u8>>, Vec<u8>) {
    let mut deflater = Deflater::new(WindowBits::MAX, false).expect("window 15");
    let payloads: Vec<Vec<u8>> = messages
        .iter()
        .map(|m| deflater.compress(m).expect("compresses"))
        .collect();
    let mut wire = Vec::new();
    for (i, payload) in payloads.iter().enumerate() {
        let key = u32::try_from(i).expect("fits").wrapping_mul(0x9e37_79b9);
        let mut spec = FrameSpec::new(OpCode::Text, Some(key.to_be_bytes()));
        spec.rsv = RsvBits(1);
        wire.extend(encode(spec, payload));
    }
    (payloads, wire)
}

fn flate2_inflate(payloads: &[Vec<u8>]) -> usize {
    let mut state = Decompress::new_with_window_bits(false, 15);
    let mut out = vec![0u8; 256 * 1024];
    let mut total = 0;
    for payload in payloads {
        let mut input = payload.clone();
        input.extend_from_slice(&[0, 0, 0xff, 0xff]);
        let before = state.total_out();
        state
            .decompress(&input, &mut out, FlushDecompress::Sync)
            .expect("inflates");
        total += usize::try_from(state.total_out() - before).expect("fits");
        black_box(&out);
    }
    total
}

fn session_inflate(wire: &[u8]) -> usize {
    let agreed = choose(["permessage-deflate"]).agreed().expect("accepted");
    let mut session = Session::server(Some(agreed), 16 << 20);
    let (mut got, mut out) = (Vec::new(), Vec::new());
    for chunk in wire.chunks(64 * 1024) {
        session
            .feed(chunk, &mut got, &mut out)
            .expect("no rule broken");
    }
    got.iter()
        .map(|r| match r {
            wslab::proto::session::Received::Text(t) => t.len(),
            _ => 0,
        })
        .sum()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn mib_per_s(bytes: usize, elapsed: Duration) -> f64 {
    f64::from(u32::try_from(bytes).expect("under 4 GiB")) / MIB / elapsed.as_secs_f64()
}

fn timed<T>(run: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let out = run();
    (start.elapsed(), out)
}

fn codec(quick: bool) {
    let (total, samples) = if quick {
        (256 * 1024, 3)
    } else {
        (32 << 20, 11)
    };
    println!(
        "permessage-deflate codec, repetitive JSON, {} KiB per row, median of {samples}; MiB/s of uncompressed bytes",
        total / 1024
    );
    println!(
        "{:>9}  {:>14}  {:>14}  {:>6}  {:>18}  {:>14}  {:>6}  {:>7}",
        "message",
        "wslab deflate",
        "flate2 deflate",
        "ratio",
        "wslab session read",
        "flate2 inflate",
        "ratio",
        "wire %"
    );
    for size in [1024, 64 * 1024] {
        let messages = json_messages(size, total / size);
        let (payloads, wire) = compressed(&messages);
        let (mut d_ours, mut d_theirs, mut i_ours, mut i_theirs) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..samples {
            d_ours.push(timed(|| wslab_deflate(&messages)).0);
            d_theirs.push(timed(|| flate2_deflate(&messages)).0);
            let (t, read) = timed(|| session_inflate(&wire));
            assert_eq!(read, total / size * size);
            i_ours.push(t);
            i_theirs.push(timed(|| flate2_inflate(&payloads)).0);
        }
        let bytes = messages.len() * size;
        let rate = |s: Vec<Duration>| mib_per_s(bytes, median(s));
        let (d_ours, d_theirs) = (rate(d_ours), rate(d_theirs));
        let (i_ours, i_theirs) = (rate(i_ours), rate(i_theirs));
        let wire_bytes = payloads.iter().map(Vec::len).sum::<usize>();
        let wire_share = mib_per_s(wire_bytes, Duration::from_secs(1)) * 100.0
            / mib_per_s(bytes, Duration::from_secs(1));
        println!(
            "{:>6} KiB  {d_ours:>14.0}  {d_theirs:>14.0}  {:>6.2}  {i_ours:>18.0}  {i_theirs:>14.0}  {:>6.2}  {wire_share:>6.1}%",
            size / 1024,
            d_ours / d_theirs,
            i_ours / i_theirs,
        );
    }
}

async fn round_trips(lab: &Lab, deflate: bool, count: usize) -> Vec<Duration> {
    let url = url::parse(&lab.url("/echo")).expect("the lab's URL");
    let options = ClientOptions {
        deflate: deflate.then(|| "permessage-deflate; client_max_window_bits".to_owned()),
        ..ClientOptions::default()
    };
    let recorder = Recorder::default();
    let mut client = WsClient::connect(&url, &recorder, &options)
        .await
        .expect("connects");
    let message = String::from_utf8(json_messages(1024, 1).remove(0)).expect("ASCII");
    let mut times = Vec::with_capacity(count);
    for _ in 0..count {
        let start = Instant::now();
        client
            .send(Outgoing::Text(message.clone()))
            .await
            .expect("sent");
        let back = client.recv().await.expect("an echo").expect("open");
        times.push(start.elapsed());
        black_box(back);
    }
    let _ = client.close(1000, "").await;
    let _ = client.drain().await;
    times
}

fn echo(quick: bool) {
    let count = if quick { 50 } else { 2000 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let config = LabConfig {
            tick: Duration::from_secs(3600),
            ..LabConfig::default()
        };
        let lab = Lab::start(config, Recorder::default())
            .await
            .expect("the lab starts");
        // Alternated rounds, so that drift in machine load falls on both.
        let (mut plain, mut compressed) = (Vec::new(), Vec::new());
        for _ in 0..4 {
            plain.extend(round_trips(&lab, false, count / 4).await);
            compressed.extend(round_trips(&lab, true, count / 4).await);
        }
        let p50 = |mut v: Vec<Duration>| {
            v.sort_unstable();
            (v[v.len() / 2], v[v.len() * 99 / 100])
        };
        let (plain50, plain99) = p50(plain);
        let (comp50, comp99) = p50(compressed);
        println!(
            "lab /echo round trip, 1 KiB JSON, both ends tapped, {count} each: plain p50 {plain50:?} p99 {plain99:?}; permessage-deflate p50 {comp50:?} p99 {comp99:?} ({:.2}x at p50)",
            comp50.as_secs_f64() / plain50.as_secs_f64()
        );
        lab.shutdown().await;
    });
}

fn main() {
    let quick = std::env::var_os("WSLAB_BENCH_QUICK").is_some_and(|v| v != "0");
    codec(quick);
    echo(quick);
}
