//! The captured bytes of one case, laid out for the card: the two heads as they crossed and
//! each frame annotated by the same views `decode` and `connect` use.

use super::outcome::{Evidence, FrameShown};
use crate::capture::{Connection, Direction};
use crate::proto::Side;
use crate::render::exchange::frame_summary;
use crate::render::frame::{Options, frame};
use crate::render::style::Palette;

/// Frames a card shows per case; a case that sends more (one-byte fragments) says how many
/// it left out.
const FRAMES_SHOWN: usize = 16;

/// Payload bytes each frame's hex dump shows.
const PAYLOAD_SHOWN: usize = 32;

// Microseconds as milliseconds; exact below 2^52 µs, which is over a century.
#[allow(clippy::cast_precision_loss)]
fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// The evidence of `connection`, with `ending` saying how it ended.
pub fn collect(connection: &Connection, ending: String) -> Evidence {
    let text = |raw: &[u8]| String::from_utf8_lossy(raw).trim_end().to_owned();
    let request = connection.requests().http.first().map(|m| text(&m.raw));
    let response = connection.responses().http.first().map(|m| text(&m.raw));
    let mut all: Vec<(u64, Direction, &crate::proto::Frame)> = Vec::new();
    for direction in [Direction::ClientToServer, Direction::ServerToClient] {
        all.extend(
            connection
                .flow(direction)
                .frames
                .iter()
                .map(|t| (t.at_us, direction, &t.item)),
        );
    }
    // Stable: frames of one direction keep their order when two share a time.
    all.sort_by_key(|(at, _, _)| *at);
    let total = all.len();
    let frames = all
        .into_iter()
        .take(FRAMES_SHOWN)
        .map(|(at_us, direction, f)| {
            let side = match direction {
                Direction::ClientToServer => Side::Client,
                Direction::ServerToClient => Side::Server,
            };
            let opts = Options {
                palette: Palette::plain(),
                side,
                max_payload: PAYLOAD_SHOWN,
                more: None,
            };
            FrameShown {
                from: match side {
                    Side::Server => "server",
                    _ => "client",
                },
                at_ms: ms(at_us.saturating_sub(connection.opened_us)),
                summary: frame_summary(f),
                detail: frame(f, &opts).trim_end().to_owned(),
                broke: f
                    .violations
                    .iter()
                    .map(|v| format!("{v} (RFC 6455 §{})", v.section()))
                    .collect(),
            }
        })
        .collect();
    Evidence {
        request,
        response,
        frames,
        frames_left_out: total.saturating_sub(FRAMES_SHOWN) as u64,
        ending,
    }
}
