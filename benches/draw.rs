//! What a draw of the Frames pane costs with a long capture: one connection holding 100,000
//! frames, the pane drawn at 200×50 on ratatui's `TestBackend` with the selection moving
//! through the capture. The list is virtual, so the cost should not grow with the capture;
//! the aim is 2 ms per draw at most.
//!
//! Run with `cargo bench --bench draw`; `WSLAB_BENCH_QUICK=1` makes it a smoke run.

use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wslab::app::filter::FrameFilter;
use wslab::capture::{ConnId, Connection, Direction, Limits, Transcript};
use wslab::lesson::Pane;
use wslab::lesson::model::{Action, Websocket};
use wslab::lesson::outcome::ActionRun;
use wslab::proto::OpCode;
use wslab::proto::encode::{FrameSpec, encode};
use wslab::ui::widgets::{self, PaneCtx};
use wslab::ui::{Theme, ThemeName};

const REQUEST: &[u8] = b"GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const RESPONSE: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

fn quick() -> bool {
    std::env::var_os("WSLAB_BENCH_QUICK").is_some()
}

/// A connection whose client and server take turns, `frames` frames in all.
fn capture(frames: usize) -> (Transcript, ConnId) {
    let limits = Limits {
        max_frames: frames * 2,
        ..Limits::default()
    };
    let mut t = Transcript::new(limits);
    let Some((conn, _)) = t.open("bench", None, None, 0) else {
        panic!("a fresh transcript has room for a connection");
    };
    t.record(conn, Direction::ClientToServer, 10, REQUEST);
    t.record(conn, Direction::ServerToClient, 20, RESPONSE);
    let payload: Vec<u8> = (0..100u8).map(|i| b'a' + i % 26).collect();
    for i in 0..frames {
        let at = 100 + i as u64 * 50;
        let len = 1 + i % payload.len();
        if i % 2 == 0 {
            let key = (i as u32).wrapping_mul(0x9e37_79b9).to_be_bytes();
            let spec = FrameSpec::new(OpCode::Text, Some(key));
            t.record(
                conn,
                Direction::ClientToServer,
                at,
                &encode(spec, &payload[..len]),
            );
        } else {
            let spec = FrameSpec::new(OpCode::Binary, None);
            t.record(
                conn,
                Direction::ServerToClient,
                at,
                &encode(spec, &payload[..len]),
            );
        }
    }
    (t, conn)
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

fn main() {
    let (frames, draws) = if quick() {
        (10_000, 200)
    } else {
        (100_000, 2_000)
    };
    let started = Instant::now();
    let (t, conn) = capture(frames);
    let conns: Vec<&Connection> = t.connection(conn).into_iter().collect();
    let held: usize = conns
        .iter()
        .map(|c| c.requests().frames.len() + c.responses().frames.len())
        .sum();
    println!(
        "{held} frames captured in {:.0} ms; {draws} draws per pane at 200×50",
        started.elapsed().as_secs_f64() * 1000.0
    );
    assert_eq!(held, frames, "the capture kept every frame");
    let action = Action::Websocket(Websocket {
        path: wslab::routes::Endpoint::Echo,
        key: None,
        protocols: Vec::new(),
        header: Vec::new(),
        mask: None,
        receive: None,
        send: Vec::new(),
        tls: false,
        deflate: None,
        panes: vec![Pane::Frames, Pane::Fields],
    });
    let run = ActionRun {
        conns: vec![conn],
        ..ActionRun::default()
    };
    let theme = Theme::new(ThemeName::Dark);
    println!("{:<8} {:>12} {:>12}", "pane", "median µs", "p99 µs");
    for pane in [Pane::Frames, Pane::Fields] {
        // A test backend cannot fail to start.
        let Ok(mut terminal) = Terminal::new(TestBackend::new(200, 50));
        let mut samples = Vec::with_capacity(draws);
        for i in 0..draws {
            // Walk the selection through the whole capture, the cursor through a frame.
            let ctx = PaneCtx {
                action: &action,
                run: &run,
                conns: &conns,
                transcript: &t,
                selected: i * 7919 % frames,
                cursor: i % 40,
                focused: true,
                filter: FrameFilter::default(),
                saved: None,
            };
            let began = Instant::now();
            let result = terminal.draw(|frame| {
                let area = frame.area();
                widgets::draw(frame, area, &theme, pane, &ctx);
            });
            samples.push(began.elapsed().as_secs_f64() * 1e6);
            assert!(result.is_ok(), "a test terminal draws");
        }
        samples.sort_by(f64::total_cmp);
        println!(
            "{:<8} {:>12.1} {:>12.1}",
            format!("{pane:?}").to_lowercase(),
            percentile(&samples, 50),
            percentile(&samples, 99)
        );
    }
}
