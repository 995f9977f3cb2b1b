//! Handshake messages reassembled from the bodies of handshake records. A message may span
//! records (a large `ClientHello` often does) and a record may hold several messages (a TLS
//! 1.2 server's first flight), so messages are cut from the bytes of all handshake records
//! in a row, not from each record alone.

use super::hello::{ClientHello, Segments, ServerHello, client_hello, server_hello};
use super::names::HandshakeType;
use super::problem::TlsProblem;

/// The most bytes of one handshake message kept for reading: 64 KiB. Real hellos are a few
/// hundred bytes to a few KiB; a certificate chain in clear (TLS 1.2) may pass this, and is
/// then counted, not read.
pub const HANDSHAKE_CAP: usize = 64 * 1024;

/// The 4-byte handshake header: type (1) and body length (3).
const HEADER_LEN: usize = 4;

/// What an observer reads in a hello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hello {
    /// A `ClientHello`.
    Client(ClientHello),
    /// A `ServerHello` or `HelloRetryRequest`.
    Server(ServerHello),
}

/// One complete handshake message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeMessage {
    /// Stream offset of its type byte.
    pub offset: u64,
    /// Its type, byte 0.
    pub kind: HandshakeType,
    /// Its body length, bytes 1–3.
    pub length: u32,
    /// How many records it was spread over.
    pub records: usize,
    /// What could be read of it: for a hello in clear, within the cap, that parsed.
    pub hello: Option<Hello>,
}

// The message being received.
#[derive(Debug, Clone, Default)]
struct Pending {
    offset: u64,
    // The whole message so far, header included, while it fits the cap.
    kept: Vec<u8>,
    // Bytes received, header included.
    received: u64,
    // Where the kept bytes sit in the stream; not grown for a message too large to keep,
    // which may arrive one byte per record.
    segments: Segments,
    records: usize,
    // The stream offset just past the last byte received, to tell a new record from more
    // of the same one.
    next_offset: u64,
}

impl Pending {
    fn header(&self) -> Option<(HandshakeType, u32)> {
        let h = self.kept.get(..HEADER_LEN)?;
        Some((
            HandshakeType::from_byte(h[0]),
            u32::from_be_bytes([0, h[1], h[2], h[3]]),
        ))
    }

    fn total(&self) -> Option<u64> {
        self.header()
            .map(|(_, length)| HEADER_LEN as u64 + u64::from(length))
    }
}

/// Cuts handshake messages out of the handshake bytes of one direction.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reassembler {
    pending: Option<Pending>,
}

impl Reassembler {
    /// The type of the message that is split over records, if one is open: `Unknown(0)`
    /// while even its header is incomplete.
    pub(crate) fn open(&self) -> Option<HandshakeType> {
        let pending = self.pending.as_ref()?;
        Some(
            pending
                .header()
                .map_or(HandshakeType::Unknown(0), |(kind, _)| kind),
        )
    }

    /// Forgets an open message: after the keys change its rest cannot be read.
    pub(crate) fn reset(&mut self) {
        self.pending = None;
    }

    /// Takes the handshake bytes `part`, which start at stream offset `offset`, and returns
    /// the messages they complete.
    pub(crate) fn take(
        &mut self,
        mut part: &[u8],
        mut offset: u64,
        problems: &mut Vec<TlsProblem>,
    ) -> Vec<HandshakeMessage> {
        let mut done = Vec::new();
        while !part.is_empty() {
            let pending = self.pending.get_or_insert_with(|| Pending {
                offset,
                ..Pending::default()
            });
            // Until the header is whole, take only header bytes; then up to the message's end.
            let need = pending
                .total()
                .unwrap_or(HEADER_LEN as u64)
                .saturating_sub(pending.received);
            let take = usize::try_from(need).map_or(part.len(), |n| n.min(part.len()));
            let (now, rest) = part.split_at(take);
            let had_header = pending.header().is_some();
            if pending.received == 0 || offset != pending.next_offset {
                pending.records += 1;
            }
            // Past the header, only a message within the cap is kept: memory stays bounded
            // whatever length a header claims.
            let keep = !had_header || pending.total().is_some_and(|t| t <= HANDSHAKE_CAP as u64);
            if keep {
                pending.segments.arrived(pending.received as usize, offset);
                pending.kept.extend_from_slice(now);
            }
            pending.received += take as u64;
            offset += take as u64;
            pending.next_offset = offset;
            part = rest;
            if !had_header
                && let Some((kind, length)) = pending.header()
                && HEADER_LEN as u64 + u64::from(length) > HANDSHAKE_CAP as u64
            {
                problems.push(TlsProblem::HandshakeTooLarge {
                    message: kind.name(),
                    length,
                    cap: HANDSHAKE_CAP,
                });
            }
            if pending.total() == Some(pending.received)
                && let Some(pending) = self.pending.take()
            {
                done.push(finish(&pending, problems));
            }
        }
        done
    }
}

fn finish(pending: &Pending, problems: &mut Vec<TlsProblem>) -> HandshakeMessage {
    let (kind, length) = pending.header().unwrap_or((HandshakeType::Unknown(0), 0));
    let whole = pending.kept.len() as u64 == pending.received;
    let parsed = match kind {
        HandshakeType::ClientHello if whole => {
            Some(client_hello(&pending.kept, &pending.segments).map(Hello::Client))
        }
        HandshakeType::ServerHello if whole => {
            Some(server_hello(&pending.kept, &pending.segments).map(Hello::Server))
        }
        _ => None,
    };
    let hello = match parsed {
        Some(Ok(hello)) => Some(hello),
        Some(Err(field)) => {
            problems.push(TlsProblem::MalformedHello {
                message: kind.name(),
                field,
            });
            None
        }
        None => None,
    };
    HandshakeMessage {
        offset: pending.offset,
        kind,
        length,
        records: pending.records,
        hello,
    }
}
