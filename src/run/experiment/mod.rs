//! The measured experiments: polling against push and Server-Sent Events, HTTP against WebSocket messages, and the
//! memory of idle connections. Each starts its own lab and recorder, so that its figures come
//! from its own traffic only, and every byte figure is read from that capture.

mod idle;
mod messages;
mod polling;
mod procfs;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

pub use idle::{MAX_IDLE, idle};
pub use messages::messages;
pub use polling::polling;

use crate::capture::measure::Figure;
use crate::capture::{Direction, Limits, Transcript};
use crate::net::Recorder;
use crate::net::lab::{Lab, LabConfig};
use crate::proto::http::StartLine;

/// Why an experiment could not finish. Each message is one sentence a learner can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExperimentError {
    /// The experiment's own lab server did not start.
    #[error("the lab could not start: {0}")]
    LabStart(String),
    /// An HTTP request to the lab failed.
    #[error("an HTTP request to the lab failed: {0}")]
    Http(String),
    /// The lab answered a poll with something that is not the feed's JSON.
    #[error("the lab's answer to a poll could not be read: {0}")]
    Reply(String),
    /// Reading the lab's Server-Sent Events failed.
    #[error("reading the lab's /events failed: {0}")]
    Events(String),
    /// A WebSocket connection to the lab failed.
    #[error("a WebSocket connection to the lab failed: {0}")]
    WebSocket(String),
    /// An idle connection did not open.
    #[error("idle connection {number} could not be opened: {error}")]
    Idle {
        /// Which one, from 1.
        number: u32,
        /// The reason.
        error: String,
    },
    /// The operating system's random source failed.
    #[error("the random source failed: {0}")]
    Random(String),
}

/// Starts a lab whose own ticker stays silent, so that only what the experiment publishes
/// reaches its clients, recording into a fresh capture.
async fn start_lab() -> Result<(Lab, Recorder), ExperimentError> {
    start_lab_with(None).await
}

/// As [`start_lab`], with this read buffer per WebSocket connection when one is given.
async fn start_lab_with(read_buffer: Option<usize>) -> Result<(Lab, Recorder), ExperimentError> {
    let recorder = Recorder::new(Limits::default());
    let defaults = LabConfig::default();
    let config = LabConfig {
        bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        // Far longer than any experiment: its ticks would be updates nobody scheduled.
        tick: Duration::from_secs(3600),
        read_buffer: read_buffer.unwrap_or(defaults.read_buffer),
        ..defaults
    };
    let lab = Lab::start(config, recorder.clone())
        .await
        .map_err(|e| ExperimentError::LabStart(e.to_string()))?;
    Ok((lab, recorder))
}

/// What the client-side taps labelled `label` captured. The lab taps the same bytes again
/// from its end under its own label, so counting the client's connections only counts each
/// byte once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Captured {
    /// TCP connections.
    connections: u64,
    /// Bytes both ways, HTTP heads, bodies and frames alike.
    bytes: u64,
    /// Responses with status 101: WebSocket opening handshakes that succeeded.
    upgrades: u64,
}

fn captured(transcript: &Transcript, label: &str) -> Captured {
    let mut out = Captured::default();
    for connection in transcript.connections().filter(|c| c.label == label) {
        out.connections += 1;
        out.bytes += Direction::BOTH
            .iter()
            .map(|d| connection.flow(*d).bytes)
            .sum::<u64>();
        out.upgrades += connection
            .responses()
            .http
            .iter()
            .filter(|m| matches!(m.head.start, StartLine::Response { status: 101, .. }))
            .count() as u64;
    }
    out
}

/// `part / whole` for a ratio column; `None` when there is no whole to divide by.
#[allow(clippy::cast_precision_loss)] // Counts far below 2^53.
fn ratio(part: u64, whole: u64) -> Figure {
    if whole == 0 {
        Figure::None
    } else {
        Figure::Ratio(part as f64 / whole as f64)
    }
}

/// A duration figure, or none when nothing was measured.
fn micros(value: Option<u64>) -> Figure {
    value.map_or(Figure::None, Figure::Micros)
}
