//! The JSON Lines writer of `wslab proxy --no-tui`: each update's lines as they come (the
//! lines of render/lines/, which `--save *.jsonl` writes too), and what the capture may
//! then forget.

use std::io::Write;
use std::net::SocketAddr;

use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use crate::capture::{ConnId, Direction, Learned, Update};
use crate::net::Recorder;
use crate::net::proxy::{TurnedAway, UpstreamFailure};
use crate::render::json::Stamp;
use crate::render::lines::{
    DroppedJson, Line, Picked, TurnedAwayJson, UpstreamErrorJson, picked, write,
};

/// Writes each update as it comes, and lets the capture forget what has been written, so
/// that a proxy left running for days stays within its limits.
#[derive(Debug)]
pub struct Printer {
    /// Payload bytes shown per frame.
    pub max_payload: usize,
    /// Connections seen.
    pub connections: u64,
    /// Bytes from clients, over closed connections.
    pub bytes_up: u64,
    /// Bytes from the upstream, over closed connections.
    pub bytes_down: u64,
    /// Updates missed because the output fell behind.
    pub dropped: u64,
    /// Connections the upstream failed.
    pub upstream_failures: u64,
    /// Clients turned away whose event was written.
    pub turned_away: u64,
    /// Keep what was written in the capture, for `--save`: then the capture's own limits,
    /// not forgetting, bound the memory.
    pub keep: bool,
    // The wall-clock time of the capture's zero, taken once, so that every line's
    // `unix_us` counts from the same instant.
    base_unix_us: Option<u64>,
}

impl Default for Printer {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_PAYLOAD)
    }
}

/// Payload bytes a frame event shows unless `--max-payload` says otherwise.
pub const DEFAULT_MAX_PAYLOAD: usize = crate::proto::limits::SHOWN_PAYLOAD;

impl Printer {
    /// A printer that shows `max_payload` bytes of each frame's payload.
    pub fn new(max_payload: usize) -> Self {
        Self {
            max_payload,
            connections: 0,
            bytes_up: 0,
            bytes_down: 0,
            dropped: 0,
            upstream_failures: 0,
            turned_away: 0,
            keep: false,
            base_unix_us: None,
        }
    }

    /// Writes what one receive from the capture's updates gave: the update with those
    /// already queued behind it, or the count missed. The relay never waits for this: the
    /// broadcast channel overwrites the oldest updates of a receiver that falls behind and
    /// tells it how many it lost, which are written as a `dropped` line and counted.
    /// `false` once the channel has closed.
    ///
    /// # Errors
    /// When the output fails.
    pub fn take(
        &mut self,
        recorder: &Recorder,
        received: &Result<Update, RecvError>,
        updates: &mut broadcast::Receiver<Update>,
        out: &mut impl Write,
    ) -> std::io::Result<bool> {
        match received {
            Ok(update) => {
                let (batch, lagged) = super::batch(*update, updates);
                self.show_all(recorder, &batch, out)?;
                if let Some(n) = lagged {
                    self.lagged(recorder, n, out)?;
                }
            }
            Err(RecvError::Lagged(n)) => self.lagged(recorder, *n, out)?,
            Err(RecvError::Closed) => return Ok(false),
        }
        Ok(true)
    }

    /// Writes the events of one update.
    ///
    /// # Errors
    /// When the output fails.
    pub fn show(
        &mut self,
        recorder: &Recorder,
        update: Update,
        out: &mut impl Write,
    ) -> std::io::Result<()> {
        self.show_all(recorder, &[update], out)
    }

    /// Writes the events of several updates, reading the transcript once: each read holds
    /// the lock the taps record under, so fewer reads leave more time to the traffic.
    ///
    /// # Errors
    /// When the output fails.
    pub fn show_all(
        &mut self,
        recorder: &Recorder,
        updates: &[Update],
        out: &mut impl Write,
    ) -> std::io::Result<()> {
        let base = *self
            .base_unix_us
            .get_or_insert_with(|| recorder.unix_base_us());
        // Taken under the capture's lock, laid out after it: the relay records under the
        // same lock, and must not wait on hex and JSON being written.
        let picked: Vec<Picked> = recorder.read(|t| {
            updates
                .iter()
                .flat_map(|&update| picked(t, update, base))
                .collect()
        });
        let all: Vec<Line> = picked
            .into_iter()
            .map(|p| p.line(self.max_payload))
            .collect();
        for line in &all {
            match line {
                Line::Open(_) => self.connections += 1,
                Line::Close(close) => {
                    self.bytes_up += close.bytes_client_to_server;
                    self.bytes_down += close.bytes_server_to_client;
                }
                Line::UpstreamError(_) => self.upstream_failures += 1,
                _ => {}
            }
            write(out, line)?;
        }
        // Written once, never needed again: the frame limit stays for new frames. Frames
        // arrive in order, so the last index of each flow lets go of all before it.
        let mut released: Vec<(ConnId, Direction, u64)> = Vec::new();
        for update in updates {
            if let Update::Learned(conn, direction, Learned::Frame(index)) = *update {
                match released
                    .iter_mut()
                    .find(|r| r.0 == conn && r.1 == direction)
                {
                    Some(r) => r.2 = r.2.max(index),
                    None => released.push((conn, direction, index)),
                }
            }
        }
        if self.keep {
            return Ok(());
        }
        for (conn, direction, index) in released {
            recorder.release_frames(conn, direction, index);
        }
        for update in updates {
            if let Update::Closed(conn) = *update {
                recorder.forget(conn);
            }
        }
        Ok(())
    }

    /// After `n` missed updates: says so, then writes and forgets every closed connection,
    /// whose close may have been among those missed, so that memory stays bounded.
    ///
    /// # Errors
    /// When the output fails.
    pub fn lagged(
        &mut self,
        recorder: &Recorder,
        n: u64,
        out: &mut impl Write,
    ) -> std::io::Result<()> {
        self.dropped += n;
        let dropped = DroppedJson {
            kind: "dropped",
            events: n,
        };
        write(out, &Line::Dropped(dropped))?;
        for conn in recorder.closed() {
            self.show(recorder, Update::Closed(conn), out)?;
        }
        Ok(())
    }

    /// Writes a client turned away; the first also goes to stderr, where a person reads,
    /// and no more of them, which come by the thousand in a flood.
    ///
    /// # Errors
    /// When the output fails.
    pub fn turned_away(&mut self, away: &TurnedAway, out: &mut impl Write) -> std::io::Result<()> {
        if self.turned_away == 0 {
            eprintln!(
                "wslab: {}: turning new clients away with a 503 until one of the connections ends (--max-connections raises the cap)",
                away.refusal
            );
        }
        self.turned_away += 1;
        write(
            out,
            &Line::TurnedAway(TurnedAwayJson {
                kind: "turned-away",
                client: away.client.to_string(),
                error: away.refusal.id(),
                message: away.refusal.to_string(),
            }),
        )
    }

    /// Writes an upstream failure of a connection the capture did not record (its limit was
    /// reached). A recorded connection's failure is written from the capture instead, among
    /// its other lines and in their order (`open` first, before the proxy's answer), which a
    /// channel of its own could not promise.
    pub(super) fn failure(
        &mut self,
        failure: &UpstreamFailure,
        out: &mut impl Write,
    ) -> std::io::Result<()> {
        if failure.conn.is_some() {
            return Ok(());
        }
        self.upstream_failures += 1;
        write(
            out,
            &Line::UpstreamError(UpstreamErrorJson {
                kind: "upstream-error",
                at: Stamp::default(),
                client: failure.client.map(|a: SocketAddr| a.to_string()),
                error: failure.error.id(),
                message: failure.error.to_string(),
                proxy_answered: failure.answered,
            }),
        )
    }
}
