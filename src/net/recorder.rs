//! The shared handle that taps record into: a Transcript behind a lock, a clock, and a
//! broadcast of updates for views that follow along live.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use tokio::sync::broadcast;

use crate::capture::selfcheck::{Delivered, Verdict};
use crate::capture::{ConnId, Direction, Layer, Limits, Snapshot, Transcript, Update};

// Updates waiting for a slow watcher. A watcher that falls further behind is told how many it
// missed (broadcast's `Lagged`) rather than slowing the sockets down.
const UPDATE_BACKLOG: usize = 4096;

/// Records chunks from any number of taps into one Transcript. Cheap to clone.
#[derive(Clone)]
pub struct Recorder {
    transcript: Arc<Mutex<Transcript>>,
    epoch: Instant,
    updates: broadcast::Sender<Update>,
    // Counts every change, so a screen can tell without the lock whether its snapshot is old.
    changes: Arc<AtomicU64>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

impl Recorder {
    /// A new, empty capture; its clock starts now.
    pub fn new(limits: Limits) -> Self {
        let (updates, _) = broadcast::channel(UPDATE_BACKLOG);
        Self {
            transcript: Arc::new(Mutex::new(Transcript::new(limits))),
            epoch: Instant::now(),
            updates,
            changes: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Microseconds since the capture began, from a monotonic clock.
    pub fn now_us(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    /// The wall-clock time of this capture's µs zero, in µs since the Unix epoch: what the
    /// exports add to the transcript's monotonic times. Taken now, as the system clock minus
    /// the capture's age, so a clock changed since the capture began moves every time alike.
    pub fn unix_base_us(&self) -> u64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
        now.saturating_sub(self.now_us())
    }

    /// Updates from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Update> {
        self.updates.subscribe()
    }

    /// A copy of the transcript as it is now, for a screen to draw from after the lock is
    /// let go: the taps wait only for the copy, never for the drawing.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot::of(&self.lock())
    }

    /// How many changes the transcript has had: a screen whose snapshot was taken at the same
    /// count needs no new one. Read without the lock.
    pub fn changes(&self) -> u64 {
        self.changes.load(Ordering::Acquire)
    }

    /// Reads the transcript. Keep `f` short: taps wait while it runs.
    pub fn read<R>(&self, f: impl FnOnce(&Transcript) -> R) -> R {
        f(&self.lock())
    }

    /// The connections that have closed and are still held: what a live printer that missed
    /// updates shows and forgets, so that memory stays bounded.
    pub fn closed(&self) -> Vec<ConnId> {
        self.read(|t| {
            t.connections()
                .filter(|c| c.closed_us.is_some())
                .map(|c| c.id)
                .collect()
        })
    }

    /// Starts recording a connection; `None` once the connection limit is reached.
    pub fn open(
        &self,
        label: &str,
        client: Option<SocketAddr>,
        server: Option<SocketAddr>,
    ) -> Option<ConnId> {
        let at = self.now_us();
        let opened = self.lock().open(label, client, server, at);
        opened.map(|(id, update)| {
            self.publish([update]);
            id
        })
    }

    /// Records bytes that crossed, at one layer.
    pub fn record(&self, layer: Layer, conn: ConnId, direction: Direction, bytes: &[u8]) {
        let at = self.now_us();
        let updates = match layer {
            Layer::App => self.lock().record(conn, direction, at, bytes),
            Layer::Tls | Layer::UpstreamTls => {
                self.lock().record_tls(layer, conn, direction, at, bytes)
            }
        };
        self.publish(updates);
    }

    /// Records that a direction ended, at one layer.
    pub fn end(&self, layer: Layer, conn: ConnId, direction: Direction) {
        let at = self.now_us();
        let updates = match layer {
            Layer::App => self.lock().end(conn, direction, at),
            Layer::Tls | Layer::UpstreamTls => self.lock().end_tls(layer, conn, direction, at),
        };
        self.publish(updates);
    }

    /// Records the TCP connection the proxy opened to the upstream for `conn`, from `proxy`
    /// to `server`: a packet capture shows it as a connection of its own.
    pub fn upstream_connected(&self, conn: ConnId, proxy: SocketAddr, server: SocketAddr) {
        let opened_us = self.now_us();
        let upstream = crate::capture::UpstreamConnection {
            proxy,
            server,
            opened_us,
        };
        self.lock().upstream_connected(conn, upstream);
        self.changes.fetch_add(1, Ordering::AcqRel);
    }

    /// Records that the proxy gave up on a connection's upstream (see
    /// [`Transcript::upstream_failed`]): called before the proxy answers, so that the
    /// failure comes before the answer in the updates, as it did on the wire.
    pub fn upstream_failed(&self, conn: ConnId, failure: (&'static str, String), answers: bool) {
        let at = self.now_us();
        let updates = self.lock().upstream_failed(conn, at, failure, answers);
        self.publish(updates);
    }

    /// Records that a connection closed.
    pub fn close(&self, conn: ConnId, error: Option<String>) {
        let at = self.now_us();
        let updates = self.lock().close(conn, at, error);
        self.publish(updates);
    }

    /// Records the sentence that says why a client's run on `conn` failed (see
    /// [`Transcript::ended_because`]).
    pub fn ended_because(&self, conn: ConnId, sentence: String) {
        self.lock().ended_because(conn, sentence);
    }

    /// Runs the self-check for `direction` of `conn` and keeps its verdict with the connection.
    pub fn self_check(
        &self,
        conn: ConnId,
        direction: Direction,
        delivered: &Delivered,
        finished: bool,
    ) -> Option<Verdict> {
        let verdict = self.lock().self_check(conn, direction, delivered, finished);
        self.changes.fetch_add(1, Ordering::AcqRel);
        verdict
    }

    /// Lets go of frames once they have been shown; see [`Transcript::release_frames`].
    pub fn release_frames(&self, conn: ConnId, direction: Direction, through: u64) {
        self.lock().release_frames(conn, direction, through);
        self.changes.fetch_add(1, Ordering::AcqRel);
    }

    /// Lets go of a connection once it has been shown; see [`Transcript::forget`].
    pub fn forget(&self, conn: ConnId) {
        self.lock().forget(conn);
        self.changes.fetch_add(1, Ordering::AcqRel);
    }

    fn lock(&self) -> MutexGuard<'_, Transcript> {
        // A panic elsewhere must not take the capture with it: the data is append-only and
        // stays consistent between calls.
        self.transcript
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn publish(&self, updates: impl IntoIterator<Item = Update>) {
        // Counted before the updates go out, so a watcher woken by one sees the new count.
        self.changes.fetch_add(1, Ordering::AcqRel);
        for update in updates {
            // No watcher is fine: the transcript keeps everything anyway.
            let _ = self.updates.send(update);
        }
    }
}
