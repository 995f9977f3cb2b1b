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
#[derive(Debug, Clone, Default)]
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
#[derive(Debug, Clone, Default)]
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u8, body: usize) -> Vec<u8> {
        let mut out = vec![kind, 0x03, 0x03];
        out.extend_from_slice(&u16::try_from(body).unwrap().to_be_bytes());
        out.resize(5 + body, 0xaa);
        out
    }

    // The shape of a TLS 1.3 client's direction: hello, CCS, encrypted Finished, then data.
    fn flow(data: &[usize], close_notify: bool) -> TlsFlow {
        let mut flow = TlsFlow::default();
        let mut bytes = record(22, 40);
        bytes.extend(record(20, 1));
        bytes.extend(record(23, 53));
        for &n in data {
            bytes.extend(record(23, n + 17));
        }
        if close_notify {
            bytes.extend(record(23, 19));
        }
        flow.feed(&bytes, 1, 100);
        flow
    }

    #[test]
    fn records_are_matched_to_plaintext_by_offset() {
        let flow = flow(&[158, 11, 8], false);
        let carried = flow.carried(177).expect("158 + 11 + 8 add up");
        let ranges: Vec<_> = carried.iter().map(|c| c.plaintext.clone()).collect();
        assert_eq!(ranges, [0..158, 158..169, 169..177]);
        assert_eq!(
            carried[0].record, 3,
            "after the hello, the CCS and the Finished"
        );
    }

    #[test]
    fn a_trailing_close_notify_is_set_aside() {
        let flow = flow(&[158, 11], true);
        let carried = flow.carried(169).expect("matched without the alert");
        assert_eq!(carried.len(), 2);
        assert_eq!(carried[1].plaintext, 158..169);
    }

    #[test]
    fn nothing_is_guessed_when_no_run_adds_up() {
        let flow = flow(&[158, 11], false);
        assert_eq!(flow.carried(170), None);
        assert_eq!(flow.carried(0), None);
    }

    #[test]
    fn records_past_the_limit_are_counted_and_matching_stops() {
        let mut flow = TlsFlow::default();
        let bytes: Vec<u8> = (0..5).flat_map(|_| record(23, 20)).collect();
        let done = flow.feed(&bytes, 1, 3);
        assert_eq!(done.len(), 5, "every completed record is announced");
        assert_eq!((flow.records.len(), flow.records_dropped), (3, 2));
        assert_eq!(flow.record_count(), 5);
        assert_eq!(flow.carried(15), None);
    }
}
