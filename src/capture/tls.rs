//! A TLS connection's lower layer: the bytes under TLS, what an eavesdropper on the path
//! sees, dissected into records. The chunks themselves live with the transcript's, marked by
//! layer; this keeps what they add up to per direction.

use std::ops::Range;

use super::Direction;
use crate::proto::tls::{ContentType, TlsDissector, TlsProblem, TlsRecord};

/// The plaintext an `application_data` record carried, as offsets in the endpoints' bytes of
/// the same direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carried {
    /// The record's index in its direction.
    pub record: u64,
    /// The plaintext bytes it carried.
    pub plaintext: Range<u64>,
}

/// A record and when the chunk that completed it crossed.
#[derive(Debug, Clone)]
pub struct Sealed {
    /// The record, as dissected.
    pub record: TlsRecord,
    /// When its last byte crossed, in µs since the capture began.
    pub at_us: u64,
}

/// One direction of the ciphertext.
#[derive(Debug, Default)]
pub struct TlsFlow {
    /// Bytes seen so far.
    pub bytes: u64,
    /// When this direction ended (EOF or shutdown), in µs.
    pub ended_us: Option<u64>,
    /// The records, in order, up to the frame limit.
    pub records: Vec<Sealed>,
    /// Records past the limit: counted, not kept.
    pub records_dropped: u64,
    dissector: TlsDissector,
}

impl TlsFlow {
    /// Why this direction is not TLS, if it is not.
    pub fn problem(&self) -> Option<&TlsProblem> {
        self.dissector.problem()
    }

    /// Every record, counting those not kept.
    pub fn record_count(&self) -> u64 {
        self.records.len() as u64 + self.records_dropped
    }

    /// Which plaintext each `application_data` record carried, found by offset: the records
    /// that carry the endpoints' `app_bytes` are the last ones whose plaintext sizes (length
    /// − 17 in TLS 1.3) add up to exactly that many bytes. Earlier ones carried the encrypted
    /// rest of the handshake and session tickets; a last one of 19 bytes is the encrypted
    /// `close_notify` alert (2 bytes of plaintext). `None` when no run of records adds up,
    /// e.g. TLS 1.2, or records past the limit: then nothing is matched rather than guessed.
    pub fn carried(&self, app_bytes: u64) -> Option<Vec<Carried>> {
        let sizes: Vec<(u64, u64)> = self
            .records
            .iter()
            .filter(|s| s.record.content_type == ContentType::ApplicationData)
            .filter_map(|s| {
                Some((
                    s.record.index,
                    u64::from(s.record.tls13_overhead()?.plaintext_max),
                ))
            })
            .collect();
        if self.records_dropped > 0 || app_bytes == 0 {
            return None;
        }
        // With and without a trailing close_notify, the first that adds up wins.
        for trailing in [0usize, 1] {
            let Some(end) = sizes.len().checked_sub(trailing) else {
                continue;
            };
            if trailing == 1 && sizes.get(end).is_none_or(|&(_, size)| size != 2) {
                continue;
            }
            let mut sum = 0u64;
            for start in (0..end).rev() {
                sum += sizes[start].1;
                if sum == app_bytes {
                    let mut at = 0u64;
                    return Some(
                        sizes[start..end]
                            .iter()
                            .map(|&(record, size)| {
                                at += size;
                                Carried {
                                    record,
                                    plaintext: at - size..at,
                                }
                            })
                            .collect(),
                    );
                }
                if sum > app_bytes {
                    break;
                }
            }
        }
        None
    }

    /// Feeds a chunk; returns the indices of the records it completed.
    pub(super) fn feed(&mut self, bytes: &[u8], at_us: u64, max_records: usize) -> Vec<u64> {
        self.bytes += bytes.len() as u64;
        let mut done = Vec::new();
        for record in self.dissector.feed(bytes) {
            done.push(record.index);
            if self.records.len() < max_records {
                self.records.push(Sealed { record, at_us });
            } else {
                self.records_dropped += 1;
            }
        }
        done
    }
}

/// Both directions of a connection's TLS layer.
#[derive(Debug, Default)]
pub struct TlsLayer {
    flows: [TlsFlow; 2],
}

impl TlsLayer {
    /// One direction.
    pub fn flow(&self, direction: Direction) -> &TlsFlow {
        &self.flows[direction.index()]
    }

    pub(super) fn flow_mut(&mut self, direction: Direction) -> &mut TlsFlow {
        &mut self.flows[direction.index()]
    }

    /// The bytes under TLS, both directions.
    pub fn bytes(&self) -> u64 {
        self.flows.iter().map(|f| f.bytes).sum()
    }
}
