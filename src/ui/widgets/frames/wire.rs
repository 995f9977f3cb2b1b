//! The frames of one connection in wire order, without merging them: a connection may hold
//! 100,000 frames, and a draw needs only the few in sight. Each direction's frames are
//! already in time order, so the k-th frame of the merge is found by binary search.

use crate::app::filter::FrameFilter;
use crate::capture::{Connection, Direction, Timed};
use crate::proto::Frame;

/// One frame with the direction it went.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry<'a> {
    /// Which way it went.
    pub direction: Direction,
    /// When its last byte crossed, in µs since the capture began.
    pub at_us: u64,
    /// The frame.
    pub frame: &'a Frame,
}

/// Both directions of one connection, read as one sequence in wire order.
#[derive(Debug, Clone, Copy)]
pub(super) struct Wire<'a> {
    client: &'a [Timed<Frame>],
    server: &'a [Timed<Frame>],
}

impl<'a> Wire<'a> {
    pub fn new(connection: &'a Connection) -> Self {
        Self {
            client: &connection.requests().frames,
            server: &connection.responses().frames,
        }
    }

    /// The frames of `connection` that had come by the pause `filter` holds, if any.
    pub fn until(connection: &'a Connection, filter: &FrameFilter) -> Self {
        let all = Self::new(connection);
        let cut = |frames: &'a [Timed<Frame>], direction| {
            &frames[..frames.partition_point(|f| filter.had_come(direction, f.item.index))]
        };
        Self {
            client: cut(all.client, Direction::ClientToServer),
            server: cut(all.server, Direction::ServerToClient),
        }
    }

    pub fn len(&self) -> usize {
        self.client.len() + self.server.len()
    }

    /// How many client frames come before position `k` of the merge. The order is the one
    /// `render::exchange::timeline` sorts into: by time, the client's first at a shared
    /// instant (a server answers what it has read), then by index within a direction.
    fn client_before(&self, k: usize) -> usize {
        // A client frame's position in the merge is its index plus the server frames that
        // are strictly earlier; that grows with the index, so it can be bisected.
        let position = |i: usize| {
            let at = self.client[i].at_us;
            i + self.server.partition_point(|s| s.at_us < at)
        };
        let (mut lo, mut hi) = (0, self.client.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if position(mid) < k {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The frames from position `k` on, in wire order.
    pub fn starting_at(self, k: usize) -> Iter<'a> {
        let client = self.client_before(k);
        Iter {
            wire: self,
            client,
            server: k.saturating_sub(client),
        }
    }

    /// The frame at position `k`.
    pub fn get(self, k: usize) -> Option<Entry<'a>> {
        self.starting_at(k).next()
    }
}

/// Walks the merge from a position; each step is one comparison.
#[derive(Debug, Clone)]
pub(super) struct Iter<'a> {
    wire: Wire<'a>,
    client: usize,
    server: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Entry<'a>;

    fn next(&mut self) -> Option<Entry<'a>> {
        let c = self.wire.client.get(self.client);
        let s = self.wire.server.get(self.server);
        let (direction, timed) = match (c, s) {
            (Some(c), Some(s)) if c.at_us <= s.at_us => (Direction::ClientToServer, c),
            (_, Some(s)) => (Direction::ServerToClient, s),
            (Some(c), None) => (Direction::ClientToServer, c),
            (None, None) => return None,
        };
        match direction {
            Direction::ClientToServer => self.client += 1,
            Direction::ServerToClient => self.server += 1,
        }
        Some(Entry {
            direction,
            at_us: timed.at_us,
            frame: &timed.item,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{Limits, Transcript};
    use crate::proto::OpCode;
    use crate::proto::encode::{FrameSpec, encode};
    use crate::render::exchange::{Item, timeline};

    const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    const RESPONSE: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

    #[test]
    fn every_position_agrees_with_the_sorted_timeline() {
        let mut t = Transcript::new(Limits::default());
        let (conn, _) = t.open("c", None, None, 0).expect("room");
        t.record(conn, Direction::ClientToServer, 1, REQUEST);
        t.record(conn, Direction::ServerToClient, 2, RESPONSE);
        // Shared instants, bursts of one side, and frames read together in one chunk.
        let times = [
            (10, 0),
            (10, 1),
            (10, 0),
            (12, 1),
            (12, 1),
            (15, 0),
            (15, 0),
            (15, 1),
        ];
        for (i, (at, side)) in times.into_iter().enumerate() {
            let (direction, mask) = if side == 0 {
                (Direction::ClientToServer, Some([1, 2, 3, 4]))
            } else {
                (Direction::ServerToClient, None)
            };
            let mut bytes = encode(FrameSpec::new(OpCode::Text, mask), &[b'a'; 3][..i % 3]);
            if i == 7 {
                bytes.extend(encode(FrameSpec::new(OpCode::Ping, None), b""));
            }
            t.record(conn, direction, at, &bytes);
        }
        let connection = t.connection(conn).expect("held");
        let expected: Vec<(Direction, u64)> = timeline(connection)
            .into_iter()
            .filter_map(|e| match e.what {
                Item::Frame(f) => Some((e.direction, f.index)),
                Item::Message(_) => None,
            })
            .collect();
        let wire = Wire::new(connection);
        assert_eq!(wire.len(), expected.len());
        for (k, want) in expected.iter().enumerate() {
            let got = wire.get(k).map(|e| (e.direction, e.frame.index));
            assert_eq!(got, Some(*want), "position {k}");
            let walked: Vec<_> = wire
                .starting_at(k)
                .map(|e| (e.direction, e.frame.index))
                .collect();
            assert_eq!(walked, expected[k..], "from position {k}");
        }
        assert!(wire.get(expected.len()).is_none());
    }
}
