//! Round trips measured from a connection's capture: the handshake, each ping to its pong, and
//! each message sent to the next one received. Times are the tap's, so they include the
//! libraries on both ends, which is what a user waits for.

use super::transcript::Connection;
use crate::proto::OpCode;

/// What a connection's round trips took, in µs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundTrips {
    /// From the request's last byte to the response head's last byte.
    pub handshake_us: Option<u64>,
    /// Each ping sent and the time to the pong that echoed its payload.
    pub pings: Vec<u64>,
    /// Each data message sent and the time to the next data message received after it.
    pub replies: Vec<u64>,
}

impl RoundTrips {
    /// Measures a connection as the client saw it.
    pub fn of(connection: &Connection) -> Self {
        let requests = connection.requests();
        let responses = connection.responses();
        let handshake_us = match (requests.http.first(), responses.http.first()) {
            (Some(req), Some(resp)) => resp.at_us.checked_sub(req.at_us),
            _ => None,
        };
        let mut pings = Vec::new();
        let mut pongs_used = vec![false; responses.messages.len()];
        let mut replies = Vec::new();
        let mut next_reply = 0;
        for sent in &requests.messages {
            match sent.item.opcode {
                OpCode::Ping => {
                    let found = responses.messages.iter().enumerate().find(|(i, m)| {
                        !pongs_used[*i]
                            && m.item.opcode == OpCode::Pong
                            && m.at_us >= sent.at_us
                            && m.item.preview == sent.item.preview
                    });
                    if let Some((i, pong)) = found {
                        pongs_used[i] = true;
                        pings.push(pong.at_us - sent.at_us);
                    }
                }
                OpCode::Text | OpCode::Binary => {
                    let found = responses.messages[next_reply.min(responses.messages.len())..]
                        .iter()
                        .position(|m| {
                            matches!(m.item.opcode, OpCode::Text | OpCode::Binary)
                                && m.at_us >= sent.at_us
                        });
                    if let Some(offset) = found {
                        let reply = &responses.messages[next_reply + offset];
                        replies.push(reply.at_us - sent.at_us);
                        next_reply += offset + 1;
                    }
                }
                _ => {}
            }
        }
        Self {
            handshake_us,
            pings,
            replies,
        }
    }
}

/// The mean of some durations, if there are any.
pub fn mean(values: &[u64]) -> Option<u64> {
    let sum: u128 = values.iter().map(|&v| u128::from(v)).sum();
    u64::try_from(sum / values.len().max(1) as u128)
        .ok()
        .filter(|_| !values.is_empty())
}

/// The 95th percentile (nearest rank) of some durations, if there are any.
pub fn p95(values: &[u64]) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    // Nearest rank: ceil(0.95 n), 1-based.
    let rank = (sorted.len() * 95).div_ceil(100).max(1);
    Some(sorted[rank - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_use_nearest_rank() {
        assert_eq!(mean(&[]), None);
        assert_eq!(mean(&[1, 2, 3]), Some(2));
        assert_eq!(p95(&[5]), Some(5));
        let hundred: Vec<u64> = (1..=100).collect();
        assert_eq!(p95(&hundred), Some(95));
        assert_eq!(p95(&[3, 1, 2]), Some(3));
    }
}
