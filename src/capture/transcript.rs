//! The append-only log of chunks per connection, and each connection's two flows.

use core::net::SocketAddr;
use std::collections::BTreeMap;

use bytes::Bytes;

use super::flow::{Flow, Used};
use super::parts::{HttpMessage, Learned};
use super::selfcheck::{Delivered, Verdict};
use super::tls::TlsLayer;
use super::upstream::{UpstreamConnection, UpstreamFailed};
use super::{Direction, Layer, Limits};
use crate::proto::http::StartLine;

/// A connection's number within its transcript, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

impl std::fmt::Display for ConnId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// One read or write, as it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkRecord {
    /// The connection.
    pub conn: ConnId,
    /// Which way it went.
    pub direction: Direction,
    /// The endpoints' bytes, or the TLS records under them.
    pub layer: Layer,
    /// When, in µs since the capture began (monotonic).
    pub at_us: u64,
    /// Its offset within its direction's bytes at its layer.
    pub offset: u64,
    /// How many bytes.
    pub len: u64,
    /// The bytes, unless the raw budget was spent (then empty, with `len` still true).
    pub bytes: Bytes,
}

/// One TCP connection.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Its number.
    pub id: ConnId,
    /// What opened it, in words: "client", "lab /echo", …
    pub label: String,
    /// The client's address, when known.
    pub client: Option<SocketAddr>,
    /// The server's address, when known.
    pub server: Option<SocketAddr>,
    /// When it opened, in µs since the capture began.
    pub opened_us: u64,
    /// When it closed, if it has.
    pub closed_us: Option<u64>,
    /// Why it ended, when something failed: the socket's error, or the sentence the client
    /// that ran it printed (a timeout, a refused upgrade, a broken rule).
    pub error: Option<String>,
    /// The self-check of the end that recorded it, once that end has made it.
    pub self_check: Option<Verdict>,
    /// The bytes under TLS, for a wss:// or https:// connection; for a proxied connection,
    /// the client's side of the proxy.
    pub tls: Option<TlsLayer>,
    /// For a connection proxied to a wss:// upstream, the bytes under the upstream side's own
    /// TLS session (proxy ⇄ upstream). The WebSocket bytes inside are the relayed ones, kept
    /// once, in the flows.
    pub upstream_tls: Option<TlsLayer>,
    /// For a proxied connection, the TCP connection the proxy opened to the upstream, once
    /// it is connected.
    pub upstream: Option<UpstreamConnection>,
    /// For a proxied connection, the upstream's failure, if it failed.
    pub upstream_failed: Option<UpstreamFailed>,
    flows: [Flow; 2],
}

impl Connection {
    /// One direction of it.
    pub fn flow(&self, direction: Direction) -> &Flow {
        &self.flows[direction.index()]
    }

    /// The client's flow.
    pub fn requests(&self) -> &Flow {
        self.flow(Direction::ClientToServer)
    }

    /// The server's flow.
    pub fn responses(&self) -> &Flow {
        self.flow(Direction::ServerToClient)
    }

    /// Bytes the server sent: those toward the client, less the proxy's own answer.
    pub fn upstream_bytes(&self) -> u64 {
        let all = self.responses().bytes;
        self.proxy_answer_from().map_or(all, |from| from.min(all))
    }

    /// Bytes of the proxy's own answer to the client (its 502), not the server's.
    pub fn proxy_bytes(&self) -> u64 {
        self.responses().bytes - self.upstream_bytes()
    }

    /// The TLS layer a tap records as `layer`: the client side's for [`Layer::Tls`], the
    /// upstream side's for [`Layer::UpstreamTls`]; `None` for [`Layer::App`].
    pub fn tls_at(&self, layer: Layer) -> Option<&TlsLayer> {
        match layer {
            Layer::App => None,
            Layer::Tls => self.tls.as_ref(),
            Layer::UpstreamTls => self.upstream_tls.as_ref(),
        }
    }

    fn proxy_answer_from(&self) -> Option<u64> {
        self.upstream_failed.as_ref().and_then(|f| f.answer_from)
    }

    /// The request that response `index` answers. HTTP/1.1 answers requests in order, but an
    /// interim answer (1xx, such as 100 Continue) comes before the final one to the same
    /// request: it answers nothing on its own, and gives `None`.
    pub fn request_for(&self, index: usize) -> Option<&HttpMessage> {
        let responses = &self.responses().http;
        let is_final = |m: &HttpMessage| matches!(m.head.start, StartLine::Response { status, .. } if status >= 200 || status == 101);
        if !is_final(responses.get(index)?) {
            return None;
        }
        let earlier = responses[..index].iter().filter(|m| is_final(m)).count();
        self.requests().http.get(earlier)
    }
}

/// Something new in the transcript, for views that follow it live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    /// A connection opened.
    Opened(ConnId),
    /// A flow learned something.
    Learned(ConnId, Direction, Learned),
    /// A direction ended (EOF or shutdown).
    Ended(ConnId, Direction),
    /// The proxy recorded that the connection's upstream failed (`upstream_failed`).
    Failed(ConnId),
    /// A connection closed.
    Closed(ConnId),
}

/// Every connection of an exchange, a lab session or a proxy run.
#[derive(Debug, Default)]
pub struct Transcript {
    limits: Limits,
    connections: BTreeMap<ConnId, Connection>,
    next_id: u64,
    chunks: Vec<ChunkRecord>,
    raw_kept: usize,
    used: Used,
    /// Raw bytes recorded by length only, the budget being spent.
    pub raw_dropped: u64,
    /// Connections not recorded, the limit being reached.
    pub connections_dropped: u64,
    /// Chunks reassembled but not listed, the chunk limit being reached.
    pub chunks_dropped: u64,
}

impl Transcript {
    /// A copy for a [`Snapshot`](super::snapshot::Snapshot): everything recorded so far. The
    /// flows' inflaters are not copied (see `flow::NotCopied`), which is why only a snapshot,
    /// never recorded into, is made this way.
    pub(super) fn copy(&self) -> Self {
        Self {
            limits: self.limits,
            connections: self.connections.clone(),
            next_id: self.next_id,
            chunks: self.chunks.clone(),
            raw_kept: self.raw_kept,
            used: self.used,
            raw_dropped: self.raw_dropped,
            connections_dropped: self.connections_dropped,
            chunks_dropped: self.chunks_dropped,
        }
    }

    /// An empty transcript with these limits.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    /// Its limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Starts a connection. Returns `None` (and counts it) when the limit is reached.
    pub fn open(
        &mut self,
        label: impl Into<String>,
        client: Option<SocketAddr>,
        server: Option<SocketAddr>,
        at_us: u64,
    ) -> Option<(ConnId, Update)> {
        if self.connections.len() >= self.limits.max_connections {
            self.connections_dropped += 1;
            return None;
        }
        let id = ConnId(self.next_id);
        self.next_id += 1;
        self.connections.insert(
            id,
            Connection {
                id,
                label: label.into(),
                client,
                server,
                opened_us: at_us,
                closed_us: None,
                error: None,
                self_check: None,
                tls: None,
                upstream_tls: None,
                upstream: None,
                upstream_failed: None,
                flows: [
                    Flow::new(Direction::ClientToServer),
                    Flow::new(Direction::ServerToClient),
                ],
            },
        );
        Some((id, Update::Opened(id)))
    }

    /// Records one chunk and reassembles it.
    pub fn record(
        &mut self,
        conn: ConnId,
        direction: Direction,
        at_us: u64,
        bytes: &[u8],
    ) -> Vec<Update> {
        let Some(offset) = self.connections.get(&conn).map(|c| c.flow(direction).bytes) else {
            return Vec::new();
        };
        if bytes.is_empty() {
            return Vec::new();
        }
        self.list(Layer::App, conn, direction, at_us, offset, bytes);
        let Some(connection) = self.connections.get_mut(&conn) else {
            return Vec::new();
        };
        let [requests, responses] = &mut connection.flows;
        let (flow, asked) = match direction {
            Direction::ClientToServer => (requests, &[][..]),
            Direction::ServerToClient => (responses, &requests.http[..]),
        };
        let learned = flow.feed(bytes, at_us, &self.limits, &mut self.used, asked);
        // The client's frames follow the 101 (it must wait for it, §4.1), so the extensions
        // the answer negotiated are known before the client's dissector is made.
        let [requests, responses] = &mut connection.flows;
        requests.allowed_rsv = responses.allowed_rsv;
        requests.deflate = responses.deflate;
        learned
            .into_iter()
            .map(|l| Update::Learned(conn, direction, l))
            .collect()
    }

    /// Records one chunk of the ciphertext under TLS, at `layer` ([`Layer::Tls`] or, for a
    /// proxy's upstream side, [`Layer::UpstreamTls`]).
    pub fn record_tls(
        &mut self,
        layer: Layer,
        conn: ConnId,
        direction: Direction,
        at_us: u64,
        bytes: &[u8],
    ) -> Vec<Update> {
        let Some(connection) = self.connections.get(&conn) else {
            return Vec::new();
        };
        if bytes.is_empty() || layer == Layer::App {
            return Vec::new();
        }
        let offset = connection
            .tls_at(layer)
            .map_or(0, |l| l.flow(direction).bytes);
        self.list(layer, conn, direction, at_us, offset, bytes);
        let Some(connection) = self.connections.get_mut(&conn) else {
            return Vec::new();
        };
        let (slot, learned): (_, fn(u64) -> Learned) = if layer == Layer::UpstreamTls {
            (&mut connection.upstream_tls, Learned::UpstreamRecord)
        } else {
            (&mut connection.tls, Learned::Record)
        };
        let flow = slot
            .get_or_insert_with(TlsLayer::default)
            .flow_mut(direction);
        flow.feed(bytes, at_us, self.limits.max_frames)
            .into_iter()
            .map(|index| Update::Learned(conn, direction, learned(index)))
            .collect()
    }

    /// Records the TCP connection a proxy opened to the upstream for `conn`.
    pub fn upstream_connected(&mut self, conn: ConnId, upstream: UpstreamConnection) {
        if let Some(connection) = self.connections.get_mut(&conn) {
            connection.upstream = Some(upstream);
        }
    }

    /// Records that one direction of the ciphertext at `layer` ended.
    pub fn end_tls(
        &mut self,
        layer: Layer,
        conn: ConnId,
        direction: Direction,
        at_us: u64,
    ) -> Vec<Update> {
        let Some(connection) = self.connections.get_mut(&conn) else {
            return Vec::new();
        };
        let slot = match layer {
            Layer::App => return Vec::new(),
            Layer::Tls => &mut connection.tls,
            Layer::UpstreamTls => &mut connection.upstream_tls,
        };
        if let Some(tls) = slot.as_mut() {
            tls.flow_mut(direction).ended_us.get_or_insert(at_us);
        }
        Vec::new()
    }

    // Lists a chunk at `offset` of its layer's direction, with its bytes if the raw budget
    // allows; past the chunk limit, only counts it.
    fn list(
        &mut self,
        layer: Layer,
        conn: ConnId,
        direction: Direction,
        at_us: u64,
        offset: u64,
        bytes: &[u8],
    ) {
        if self.chunks.len() >= self.limits.max_chunks {
            self.raw_dropped += bytes.len() as u64;
            self.chunks_dropped += 1;
            return;
        }
        let kept = if self.raw_kept + bytes.len() <= self.limits.max_raw_bytes {
            self.raw_kept += bytes.len();
            Bytes::copy_from_slice(bytes)
        } else {
            self.raw_dropped += bytes.len() as u64;
            Bytes::new()
        };
        self.chunks.push(ChunkRecord {
            conn,
            direction,
            layer,
            at_us,
            offset,
            len: bytes.len() as u64,
            bytes: kept,
        });
    }

    /// Records that a direction ended: the reader saw EOF, or the writer shut down.
    pub fn end(&mut self, conn: ConnId, direction: Direction, at_us: u64) -> Vec<Update> {
        let Some(connection) = self.connections.get_mut(&conn) else {
            return Vec::new();
        };
        let flow = &mut connection.flows[direction.index()];
        if flow.ended_us.is_some() {
            return Vec::new();
        }
        let mut updates: Vec<Update> = flow
            .end(at_us)
            .into_iter()
            .map(|l| Update::Learned(conn, direction, l))
            .collect();
        updates.push(Update::Ended(conn, direction));
        updates
    }

    /// Records that the proxy gave up on the connection's upstream at `at_us`, and, with
    /// `answers`, that every byte toward the client from now on is the proxy's own answer.
    /// The first failure stands.
    pub fn upstream_failed(
        &mut self,
        conn: ConnId,
        at_us: u64,
        (id, message): (&'static str, String),
        answers: bool,
    ) -> Vec<Update> {
        let Some(connection) = self.connections.get_mut(&conn) else {
            return Vec::new();
        };
        if connection.upstream_failed.is_some() {
            return Vec::new();
        }
        connection.upstream_failed = Some(UpstreamFailed {
            at_us,
            id,
            message,
            answer_from: answers.then(|| connection.responses().bytes),
        });
        vec![Update::Failed(conn)]
    }

    /// Records that a connection closed, with the error that closed it if any.
    pub fn close(&mut self, conn: ConnId, at_us: u64, error: Option<String>) -> Vec<Update> {
        let Some(connection) = self.connections.get_mut(&conn) else {
            return Vec::new();
        };
        if connection.closed_us.is_some() {
            return Vec::new();
        }
        connection.closed_us = Some(at_us);
        if connection.error.is_none() {
            connection.error = error;
        }
        let mut updates = Vec::new();
        for direction in Direction::BOTH {
            updates.extend(self.end(conn, direction, at_us));
        }
        updates.push(Update::Closed(conn));
        updates
    }

    /// Keeps the sentence a client printed for why its run failed, so a saved capture says
    /// what stderr said. It replaces a socket's own error: it is the one the user read.
    pub fn ended_because(&mut self, conn: ConnId, sentence: String) {
        if let Some(connection) = self.connections.get_mut(&conn) {
            connection.error = Some(sentence);
        }
    }

    /// Checks what a library delivered at the receiving end of `direction` against the
    /// capture, and keeps the verdict with the connection.
    pub fn self_check(
        &mut self,
        conn: ConnId,
        direction: Direction,
        delivered: &Delivered,
        finished: bool,
    ) -> Option<Verdict> {
        let connection = self.connections.get_mut(&conn)?;
        let verdict = delivered.check(connection.flow(direction), finished);
        connection.self_check = Some(verdict.clone());
        Some(verdict)
    }

    /// Lets go of one direction's stored frames up to and including index `through`, once a
    /// live view has shown them, so that a connection open for hours does not spend the frame
    /// limit of every other. Its messages stay, for the self-check.
    pub fn release_frames(&mut self, conn: ConnId, direction: Direction, through: u64) {
        if let Some(connection) = self.connections.get_mut(&conn) {
            connection.flows[direction.index()].release_frames(through, &mut self.used);
        }
    }

    /// Every connection still held, in the order they opened.
    pub fn connections(&self) -> impl Iterator<Item = &Connection> {
        self.connections.values()
    }

    /// One connection.
    pub fn connection(&self, conn: ConnId) -> Option<&Connection> {
        self.connections.get(&conn)
    }

    /// Lets go of a connection and its chunks, returning their budget to new ones. A server
    /// that runs for days forgets each connection once it has been shown.
    pub fn forget(&mut self, conn: ConnId) {
        let Some(connection) = self.connections.remove(&conn) else {
            return;
        };
        for flow in [connection.requests(), connection.responses()] {
            self.used.frames = self.used.frames.saturating_sub(flow.frames.len());
            self.used.http = self.used.http.saturating_sub(flow.http.len());
            self.used.messages = self.used.messages.saturating_sub(flow.messages.len());
            self.used.preview_bytes = self.used.preview_bytes.saturating_sub(flow.preview_bytes);
        }
        let mut freed = 0;
        self.chunks.retain(|c| {
            let keep = c.conn != conn;
            if !keep {
                freed += c.bytes.len();
            }
            keep
        });
        self.raw_kept = self.raw_kept.saturating_sub(freed);
    }

    /// Every chunk of both layers, in the order they were recorded.
    pub fn chunks(&self) -> &[ChunkRecord] {
        &self.chunks
    }

    /// Whether `chunk` crossed the wire as it is: the TLS layer of a TLS connection, the app
    /// layer of any other. What a packet capture holds. For a proxied connection to a wss://
    /// upstream, the upstream side's records ([`Layer::UpstreamTls`]) crossed the wire too,
    /// on the proxy's own connection to the upstream (`Connection::upstream`).
    pub fn on_wire(&self, chunk: &ChunkRecord) -> bool {
        let connection = self.connections.get(&chunk.conn);
        let tls = connection.is_some_and(|c| c.tls.is_some());
        match chunk.layer {
            Layer::App => !tls,
            Layer::Tls => tls,
            Layer::UpstreamTls => connection.is_some_and(|c| c.upstream.is_some()),
        }
    }

    /// The kept bytes of one direction, in order. Shorter than the flow's byte count when the
    /// raw budget or the chunk limit ran out.
    pub fn raw(&self, conn: ConnId, direction: Direction) -> Vec<u8> {
        self.raw_at(Layer::App, conn, direction)
    }

    /// The kept bytes of `range` (offsets in one direction at one layer), copying only
    /// those: what a view that shows a few bytes of a long stream reads. Shorter than the
    /// range where bytes were not kept.
    pub fn bytes_at(
        &self,
        layer: Layer,
        conn: ConnId,
        direction: Direction,
        range: std::ops::Range<u64>,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        for chunk in &self.chunks {
            if chunk.conn != conn || chunk.direction != direction || chunk.layer != layer {
                continue;
            }
            let end = chunk.offset + chunk.bytes.len() as u64;
            let (from, to) = (range.start.max(chunk.offset), range.end.min(end));
            if from < to {
                // Both within the chunk's kept bytes, by the bounds just taken.
                let at = |o: u64| usize::try_from(o - chunk.offset).unwrap_or(usize::MAX);
                out.extend_from_slice(chunk.bytes.get(at(from)..at(to)).unwrap_or_default());
            }
        }
        out
    }

    /// As [`Transcript::raw`], at either layer.
    pub fn raw_at(&self, layer: Layer, conn: ConnId, direction: Direction) -> Vec<u8> {
        let mut out = Vec::new();
        for chunk in &self.chunks {
            if chunk.conn == conn && chunk.direction == direction && chunk.layer == layer {
                out.extend_from_slice(&chunk.bytes);
            }
        }
        out
    }
}
