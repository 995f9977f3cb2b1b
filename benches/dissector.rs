//! Dissector throughput against tungstenite's own read path, on the same bytes.
//!
//! Run with `cargo bench --bench dissector`; `WSLAB_BENCH_QUICK=1` makes it a smoke run of a
//! few seconds. No benchmark framework: a median of alternated samples is enough to compare
//! two readers, and it keeps the dependency tree small.

use std::hint::black_box;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use tungstenite::error::ProtocolError;
use tungstenite::protocol::frame::Frame;
use tungstenite::protocol::frame::coding::{Data, OpCode};
use tungstenite::protocol::{Role, WebSocket, WebSocketConfig};
use wslab::proto::{Config, Dissector, Event, Side};

/// What one socket read hands over; both readers see the same chunking.
const READ_SIZE: usize = 64 * 1024;

const MIB: f64 = 1024.0 * 1024.0;

/// One row of the table: many masked client frames of one size and kind.
struct Workload {
    frame_size: usize,
    text: bool,
    wire: Vec<u8>,
    frames: usize,
}

impl Workload {
    fn new(frame_size: usize, text: bool, total: usize) -> Self {
        let payload = if text {
            text_payload(frame_size)
        } else {
            binary_payload(frame_size)
        };
        let frames = (total / frame_size).max(1);
        let mut wire = Vec::with_capacity(frames * (frame_size + 14));
        let opcode = OpCode::Data(if text { Data::Text } else { Data::Binary });
        for i in 0..frames {
            let mut frame = Frame::message(payload.clone(), opcode, true);
            // A fresh key per frame, as a browser sends, so that no reader can reuse an unmasking.
            let key = (i as u32).wrapping_mul(0x9e37_79b9).to_be_bytes();
            frame.header_mut().mask = Some(key);
            frame.format(&mut wire).expect("a Vec takes every byte");
        }
        Self {
            frame_size,
            text,
            wire,
            frames,
        }
    }

    fn size_name(&self) -> String {
        format!("{} KiB", self.frame_size / 1024)
    }
}

fn binary_payload(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// Mostly ASCII with some two-, three- and four-byte characters, like real chat text, so
/// that UTF-8 validation cannot take an all-ASCII shortcut the whole way.
fn text_payload(len: usize) -> Vec<u8> {
    let words = [
        "hello ",
        "wörld ",
        "naïve ",
        "€10 ",
        "𝄞 ",
        "plain ascii words ",
    ];
    let mut out = Vec::with_capacity(len);
    let mut i = 0;
    while out.len() < len {
        let word = words[i % words.len()].as_bytes();
        if out.len() + word.len() > len {
            out.resize(len, b'.');
        } else {
            out.extend_from_slice(word);
        }
        i += 1;
    }
    out
}

/// wslab, fed as a socket would feed it, doing what handing an app its payload takes.
fn run_wslab(wire: &[u8]) -> usize {
    let mut dissector = Dissector::new(Config::new(Side::Client));
    let mut messages = 0;
    for chunk in wire.chunks(READ_SIZE) {
        for event in dissector.feed(chunk) {
            if let Event::Message(message) = event {
                black_box(&message.preview);
                messages += 1;
            }
        }
    }
    messages
}

/// A socket whose reads return at most [`READ_SIZE`] bytes of the buffer, and whose writes
/// (tungstenite answers pings and closes) vanish.
struct Socket<'a> {
    input: &'a [u8],
}

impl Read for Socket<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(READ_SIZE).min(self.input.len());
        let (now, later) = self.input.split_at(n);
        buf[..n].copy_from_slice(now);
        self.input = later;
        Ok(n)
    }
}

impl Write for Socket<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// tungstenite's full server read path: frame parsing, unmasking, reassembly, UTF-8 checks.
fn run_tungstenite(wire: &[u8]) -> usize {
    let config = WebSocketConfig::default()
        .max_message_size(Some(1 << 30))
        .max_frame_size(Some(1 << 30));
    let mut socket = WebSocket::from_raw_socket(Socket { input: wire }, Role::Server, Some(config));
    let mut messages = 0;
    loop {
        match socket.read() {
            Ok(message) => {
                black_box(&message);
                messages += 1;
            }
            // The buffer ran out between frames: the end of the run, not a failure.
            Err(tungstenite::Error::Protocol(ProtocolError::ResetWithoutClosingHandshake)) => {
                return messages;
            }
            Err(e) => panic!("tungstenite refused the benchmark's bytes: {e}"),
        }
    }
}

fn time(run: fn(&[u8]) -> usize, workload: &Workload) -> Duration {
    let start = Instant::now();
    let messages = run(black_box(&workload.wire));
    let elapsed = start.elapsed();
    assert_eq!(messages, workload.frames, "every frame is one message");
    elapsed
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn mib_per_s(bytes: usize, elapsed: Duration) -> f64 {
    f64::from(u32::try_from(bytes).expect("a buffer under 4 GiB")) / MIB / elapsed.as_secs_f64()
}

fn main() {
    let quick = std::env::var_os("WSLAB_BENCH_QUICK").is_some_and(|v| v != "0");
    let (total, warmup, samples) = if quick {
        (256 * 1024, 1, 2)
    } else {
        (64 << 20, 2, 15)
    };
    println!(
        "dissector vs tungstenite: masked client frames, {} KiB per row, {READ_SIZE}-byte reads, median of {samples}",
        total / 1024
    );
    println!(
        "{:>7}  {:<6}  {:>12}  {:>18}  {:>24}",
        "size", "kind", "wslab MiB/s", "tungstenite MiB/s", "ratio wslab/tungstenite"
    );
    // `cargo bench --bench dissector -- "1 KiB binary"` runs only the rows whose name holds
    // the words given, for profiling one row at a time.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for frame_size in [1024, 64 * 1024] {
        for text in [false, true] {
            let name = format!(
                "{} KiB {}",
                frame_size / 1024,
                if text { "text" } else { "binary" }
            );
            if !only.iter().all(|word| name.contains(word.as_str())) {
                continue;
            }
            let workload = Workload::new(frame_size, text, total);
            for _ in 0..warmup {
                time(run_wslab, &workload);
                time(run_tungstenite, &workload);
            }
            // Alternating the two readers spreads any drift in machine load over both.
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            for _ in 0..samples {
                ours.push(time(run_wslab, &workload));
                theirs.push(time(run_tungstenite, &workload));
            }
            let ours = mib_per_s(workload.wire.len(), median(ours));
            let theirs = mib_per_s(workload.wire.len(), median(theirs));
            println!(
                "{:>7}  {:<6}  {:>12.0}  {:>18.0}  {:>24.2}",
                workload.size_name(),
                if workload.text { "text" } else { "binary" },
                ours,
                theirs,
                ours / theirs
            );
        }
    }
}
