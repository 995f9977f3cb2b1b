//! One connection of the proxy's view, summed up for its list: counts by direction and
//! kind, which the filters read, and what the search looks in.

use super::filter::{FrameFilter, KindFilter, class};
use crate::capture::{ConnId, Connection, Direction};
use crate::proto::OpCode;
use crate::proto::http::StartLine;

/// One connection, summed up for the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Its number in the capture.
    pub id: ConnId,
    /// The client's address, as text.
    pub client: String,
    /// The request target of its first request (its handshake's path), if one came.
    pub target: String,
    /// Whether it is still open.
    pub open: bool,
    /// Frames stored, by direction (client→server first), then data, control, close.
    pub frames: [[u64; 3]; 2],
    /// Rule violations flagged in its frames.
    pub violations: u64,
    /// The sentence that ended it (an upstream failure), if any.
    pub error: Option<String>,
    /// Whether a text frame's payload preview holds the search text.
    pub text_hit: bool,
    /// Frames that came after the view paused, not in `frames` yet; 0 while live.
    pub arrived: u64,
}

impl Row {
    /// The summary of `c`; `query` is looked for in its text frames (empty: no hit).
    pub fn of(c: &Connection, query: &str) -> Self {
        let mut frames = [[0; 3]; 2];
        let mut violations = 0;
        let mut text_hit = false;
        for (d, direction) in Direction::BOTH.iter().enumerate() {
            for f in &c.flow(*direction).frames {
                let opcode = f.item.header.opcode();
                frames[d][class(opcode)] += 1;
                violations += f.item.violations.len() as u64;
                if !query.is_empty()
                    && !text_hit
                    && opcode == OpCode::Text
                    && String::from_utf8_lossy(&f.item.payload).contains(query)
                {
                    text_hit = true;
                }
            }
        }
        let target = c
            .requests()
            .http
            .first()
            .and_then(|m| match &m.head.start {
                StartLine::Request { target, .. } => Some(target.clone()),
                StartLine::Response { .. } => None,
            })
            .unwrap_or_default();
        Self {
            id: c.id,
            client: c.client.map(|a| a.to_string()).unwrap_or_default(),
            target,
            open: c.closed_us.is_none(),
            frames,
            violations,
            error: c.error.clone(),
            text_hit,
            arrived: 0,
        }
    }

    /// Frames one way that pass the kind filter.
    pub fn count(&self, direction: Direction, kind: KindFilter) -> u64 {
        let f = self.frames[usize::from(direction != Direction::ClientToServer)];
        match kind {
            KindFilter::All => f.iter().sum(),
            KindFilter::Data => f[0],
            KindFilter::Control => f[1],
            KindFilter::Close => f[2],
        }
    }

    /// Every frame stored, both ways.
    pub fn total(&self) -> u64 {
        self.frames.iter().flatten().sum()
    }

    /// Frames that pass `filter`, both ways: the rows of the frames pane.
    pub fn shown(&self, filter: FrameFilter) -> u64 {
        Direction::BOTH
            .iter()
            .filter(|d| filter.dir.passes(**d))
            .map(|d| self.count(*d, filter.kind))
            .sum()
    }

    pub(super) fn matches(&self, query: &str) -> bool {
        query.is_empty()
            || self.text_hit
            || self.target.contains(query)
            || self.client.contains(query)
    }
}
