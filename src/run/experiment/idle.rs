//! K idle WebSocket connections, and what they cost this process in memory.
//!
//! The lab runs in this process, so the resident memory counts both ends of every connection.
//! The client ends are kept as small as they can be (a hand-written handshake, then just the
//! tapped socket; see `net::idle`), so that the figure is mostly the server's cost.

use std::time::Duration;

use super::procfs::{files_left, rss_bytes};
use super::{ExperimentError, captured, start_lab_with};
use crate::capture::measure::{Figure, Measured, Row};
use crate::lesson::model::Idle;
use crate::net::Recorder;
use crate::net::idle::IdleConnection;
use crate::net::lab::Lab;
use crate::proto::limits::{LAB_READ_BUFFER, TUNGSTENITE_READ_BUFFER};

// One limit for the linter and the experiment: what a lesson may ask is what runs.
pub use crate::lesson::lint::MAX_IDLE;
const LABEL: &str = "idle";
const WARM_UP: &str = "idle warm-up";
const TIMEOUT: Duration = Duration::from_secs(10);
/// Files kept free for the runtime and the lab's listener, beyond two per connection.
const SPARE_FILES: u64 = 64;

/// Opens `connections` idle WebSocket connections to the lab's `/echo` (quick: at most 100;
/// never more than [`MAX_IDLE`]) and reports the resident memory they added per connection,
/// and their handshakes' bytes from the capture.
///
/// # Errors
/// When the lab does not start or a connection does not open.
pub async fn idle(i: &Idle, quick: bool) -> Result<Measured, ExperimentError> {
    let asked = if quick {
        i.connections.min(100)
    } else {
        i.connections
    }
    .clamp(1, MAX_IDLE);
    // Both ends live in this process: two open files per connection.
    let room = files_left().map(|n| n.saturating_sub(SPARE_FILES) / 2);
    // Without the extension, two labs side by side: one with the lab's read buffer, one with
    // tungstenite's default. Both sets are held open at once, so the second is measured on top
    // of the first and never reuses memory the first gave back.
    let buffers: Vec<Option<usize>> = if i.deflate.is_some() {
        vec![None]
    } else {
        vec![Some(LAB_READ_BUFFER), Some(TUNGSTENITE_READ_BUFFER)]
    };
    let sets = u64::try_from(buffers.len()).unwrap_or(1);
    let k = asked.min(room.map_or(u32::MAX, |room| {
        u32::try_from(room / sets).unwrap_or(u32::MAX)
    }));
    if k == 0 {
        return Err(ExperimentError::Idle {
            number: 1,
            error: "this process may not open any more files (see ulimit -n)".to_owned(),
        });
    }
    let mut labs = Vec::new();
    for buffer in &buffers {
        let (lab, recorder) = start_lab_with(*buffer).await?;
        labs.push((lab, recorder));
    }
    let mut held = Vec::new();
    let mut rows = Vec::new();
    let mut failed = None;
    for ((lab, recorder), buffer) in labs.iter().zip(&buffers) {
        match open_idle(lab, recorder, k, i.deflate.as_deref()).await {
            Ok((connections, memory)) => {
                held.extend(connections);
                rows.push((*buffer, memory));
            }
            Err(error) => {
                failed = Some(error);
                break;
            }
        }
    }
    let mut unclean_closes = 0;
    for connection in held {
        if connection.close(TIMEOUT).await.is_err() {
            unclean_closes += 1;
        }
    }
    for (lab, _) in labs {
        lab.shutdown().await;
    }
    if let Some(error) = failed {
        return Err(error);
    }
    Ok(table(asked, k, &rows, unclean_closes, i.deflate.as_deref()))
}

/// What was measured while one set of connections opened.
#[derive(Debug)]
struct Memory {
    before: Option<u64>,
    after: Option<u64>,
    handshake_bytes: u64,
}

// Opens K idle connections to `lab` after one warm-up, and measures what they added; they are
// handed back open, so the caller decides when they close.
async fn open_idle(
    lab: &Lab,
    recorder: &Recorder,
    k: u32,
    deflate: Option<&str>,
) -> Result<(Vec<IdleConnection>, Memory), ExperimentError> {
    let addr = lab.addr();
    let open = |number: u32, label: &'static str| async move {
        IdleConnection::open_offering(addr, "/echo", deflate, recorder, label, TIMEOUT)
            .await
            .map_err(|e| ExperimentError::Idle {
                number,
                error: e.to_string(),
            })
    };
    // The first connection pays once for what every later one shares: code paged in, the
    // runtime's and the allocator's first structures. It is not one of the K.
    let warm = open(1, WARM_UP).await?;
    // Its close is not measured either; a failed one costs the figures nothing.
    let _ = warm.close(TIMEOUT).await;
    let before = rss_bytes();
    let mut held = Vec::with_capacity(k as usize);
    for number in 1..=k {
        // On an error, `held` is dropped with the rest, which closes their sockets.
        held.push(open(number, LABEL).await?);
    }
    // Every handshake has completed, and the connections are idle now.
    let after = rss_bytes();
    let handshake_bytes = recorder.read(|t| captured(t, LABEL).bytes);
    Ok((
        held,
        Memory {
            before,
            after,
            handshake_bytes,
        },
    ))
}

fn table(
    asked: u32,
    k: u32,
    sets: &[(Option<usize>, Memory)],
    unclean_closes: u32,
    deflate: Option<&str>,
) -> Measured {
    let mut notes = vec![
        format!(
            "{k} WebSocket connections to the lab's /echo{}, opened one after the other; each \
             did its opening handshake and then sent nothing.",
            if sets.len() > 1 {
                " for each row, both sets held open at once"
            } else {
                ""
            }
        ),
        "Memory is this process's resident set (VmRSS): before is after the lab started and \
         one warm-up connection came and went, after is once every handshake had completed."
            .to_owned(),
        match deflate {
            None => "The labs run in this process, so the figure holds both ends of each \
                     connection: the lab's task with tungstenite's state and its read buffer, \
                     allocated whole when the connection opens (the row says how big), the \
                     client's socket with no library on it, the taps of both, and the capture's \
                     record of both handshakes. The kernel's socket buffers are not in it."
                .to_owned(),
            Some(offer) => format!(
                "Each connection offered {offer:?} and the lab accepted, so the lab serves it on \
                 wslab's own session: a 16 KiB read buffer, and a compressor and an inflater for \
                 the connection, whose state the compression library allocates when they are \
                 made. The lab runs in this process, so the figure also holds the client's \
                 socket with no library on it, the taps of both ends, and the capture's record \
                 of both handshakes."
            ),
        },
        "Anything else this process allocated meanwhile is in the figure too, and the \
         allocator keeps and reuses memory as it sees fit, so it varies from run to run; the \
         handshake bytes, counted from the capture, do not."
            .to_owned(),
    ];
    let rows = sets
        .iter()
        .map(|(buffer, memory)| row(k, *buffer, memory, deflate))
        .collect();
    if sets
        .iter()
        .any(|(_, m)| matches!((m.before, m.after), (Some(before), Some(after)) if after <= before))
    {
        notes.push(
            "Resident memory did not grow while some connections opened: the allocator \
             reused memory this process had freed earlier, so that row has no figure per \
             connection; run it again in a fresh process."
                .to_owned(),
        );
    }
    if sets
        .iter()
        .any(|(_, m)| m.before.is_none() || m.after.is_none())
    {
        notes.push(
            "Memory could not be measured on this platform: it is read from Linux's \
             /proc/self/status."
                .to_owned(),
        );
    }
    if k < asked {
        notes.push(format!(
            "Only {k} of the {asked} connections were opened per row: each needs two open \
             files here, and this process may not open more (see ulimit -n)."
        ));
    }
    if unclean_closes > 0 {
        notes.push(format!(
            "{unclean_closes} connections did not finish their closing handshake; the figures \
             above were taken before closing."
        ));
    }
    Measured {
        // Two measures side by side (lesson 17) must not read alike.
        title: if deflate.is_some() {
            format!("What {k} idle WebSocket connections with permessage-deflate cost, measured")
        } else {
            format!("What {k} idle WebSocket connections cost, measured")
        },
        columns: [
            "connections",
            "RSS before",
            "RSS after",
            "memory per connection",
            "handshake bytes per connection",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
        charts: vec![3, 4],
        notes,
    }
}

// One set's row: its setting, and what it added per connection.
fn row(k: u32, buffer: Option<usize>, memory: &Memory, deflate: Option<&str>) -> Row {
    let bytes = |b: Option<u64>| b.map_or(Figure::None, Figure::Bytes);
    // Memory that went down says nothing about the connections, only that the allocator
    // reused what was freed earlier in this process: no figure then, rather than a 0.
    let per_connection = match (memory.before, memory.after) {
        (Some(before), Some(after)) if after > before => {
            Figure::Bytes((after - before) / u64::from(k))
        }
        _ => Figure::None,
    };
    // Short enough that the table fits a printed page (the handout's 100 columns).
    let label = match (buffer, deflate) {
        (Some(b), _) if b == LAB_READ_BUFFER => format!("{} KiB read buffer (the lab's)", b / 1024),
        (Some(b), _) => format!("{} KiB read buffer (tungstenite's)", b / 1024),
        (None, Some(_)) => format!("{k} idle WebSocket connections with permessage-deflate"),
        (None, None) => format!("{k} idle WebSocket connections"),
    };
    Row {
        label,
        figures: vec![
            Figure::Count(u64::from(k)),
            bytes(memory.before),
            bytes(memory.after),
            per_connection,
            Figure::Bytes(memory.handshake_bytes / u64::from(k)),
        ],
    }
}
