//! The incremental TLS dissector: the bytes of one direction go in, in chunks of any size;
//! records come out, with what an eavesdropper can read of each.

use super::handshake::Reassembler;
use super::names::ContentType;
use super::problem::{MAX_CIPHERTEXT_LEN, MAX_PLAINTEXT_LEN, TlsProblem};
use super::record::{Alert, IncompleteRecord, RECORD_HEADER_LEN, TlsRecord};

const HEADER_LEN: usize = RECORD_HEADER_LEN as usize;

// The record being received: its header is complete, its body is arriving.
#[derive(Debug, Clone)]
struct Receiving {
    record: TlsRecord,
    received: u16,
    // The first two body bytes of an alert in clear.
    alert: Vec<u8>,
}

/// The TLS dissector for one direction of one connection.
///
/// ```
/// use wslab::proto::tls::{ContentType, TlsDissector};
///
/// // An alert record, close_notify, arriving in two reads.
/// let mut tls = TlsDissector::new();
/// assert!(tls.feed(&[0x15, 0x03, 0x03]).is_empty());
/// assert_eq!(tls.incomplete().unwrap().to_string(), "record incomplete: 3 of 5 bytes of its header");
/// let records = tls.feed(&[0x00, 0x02, 0x01, 0x00]);
/// assert_eq!(records[0].content_type, ContentType::Alert);
/// assert_eq!(records[0].alert.unwrap().description_name(), "close_notify");
/// ```
#[derive(Debug, Clone, Default)]
pub struct TlsDissector {
    offset: u64,
    header: Vec<u8>,
    receiving: Option<Receiving>,
    handshake: Reassembler,
    // After this direction's change_cipher_spec, its records are encrypted whatever their type.
    encrypted: bool,
    problem: Option<TlsProblem>,
    records: u64,
}

impl TlsDissector {
    /// A dissector at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes consumed so far: the stream offset of the next byte.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Why the stream is not being dissected: it did not start like TLS. Once set, later bytes
    /// are counted but not read.
    pub fn problem(&self) -> Option<&TlsProblem> {
        self.problem.as_ref()
    }

    /// Feeds the next chunk and returns the records it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<TlsRecord> {
        let mut records = Vec::new();
        let mut bytes = chunk;
        while !bytes.is_empty() {
            if self.problem.is_some() {
                self.offset += bytes.len() as u64;
                break;
            }
            if self.receiving.is_none() {
                bytes = self.take_header(bytes);
            }
            if self.receiving.is_some() {
                bytes = self.take_body(bytes);
            }
            if let Some(r) = &self.receiving
                && r.received == r.record.length
            {
                self.complete(&mut records);
            }
        }
        records
    }

    /// Where the stream would stop if it ended now: `None` between records.
    pub fn incomplete(&self) -> Option<IncompleteRecord> {
        if let Some(Receiving {
            record, received, ..
        }) = &self.receiving
        {
            return Some(IncompleteRecord {
                offset: record.offset,
                have: HEADER_LEN as u64 + u64::from(*received),
                need: HEADER_LEN as u64 + u64::from(record.length),
                header_complete: true,
            });
        }
        (!self.header.is_empty()).then(|| IncompleteRecord {
            offset: self.offset - self.header.len() as u64,
            have: self.header.len() as u64,
            need: HEADER_LEN as u64,
            header_complete: false,
        })
    }

    fn take_header<'a>(&mut self, bytes: &'a [u8]) -> &'a [u8] {
        if self.records == 0
            && self.header.is_empty()
            && let Some(&first) = bytes.first()
            && matches!(ContentType::from_byte(first), ContentType::Unknown(_))
        {
            self.problem = Some(TlsProblem::NotTls { first });
            return bytes;
        }
        let take = (HEADER_LEN - self.header.len()).min(bytes.len());
        self.header.extend_from_slice(&bytes[..take]);
        self.offset += take as u64;
        if let &[kind, v0, v1, l0, l1] = self.header.as_slice() {
            let record = TlsRecord {
                index: self.records,
                offset: self.offset - HEADER_LEN as u64,
                content_type: ContentType::from_byte(kind),
                version: u16::from_be_bytes([v0, v1]),
                length: u16::from_be_bytes([l0, l1]),
                encrypted: false,
                handshakes: Vec::new(),
                alert: None,
                problems: Vec::new(),
            };
            self.header.clear();
            self.start(record);
        }
        &bytes[take..]
    }

    fn start(&mut self, mut record: TlsRecord) {
        let content = record.content_type;
        record.encrypted = content == ContentType::ApplicationData || self.encrypted;
        let problems = &mut record.problems;
        if let ContentType::Unknown(value) = content {
            problems.push(TlsProblem::UnknownContentType { value });
        }
        if record.length > MAX_CIPHERTEXT_LEN {
            problems.push(TlsProblem::RecordTooLong {
                length: record.length,
            });
        } else if !record.encrypted && record.length > MAX_PLAINTEXT_LEN {
            problems.push(TlsProblem::PlaintextTooLong {
                content: content.name(),
                length: record.length,
            });
        }
        if record.length == 0 && matches!(content, ContentType::Handshake | ContentType::Alert) {
            problems.push(TlsProblem::EmptyRecord {
                content: content.name(),
            });
        }
        if content != ContentType::Handshake
            && let Some(open) = self.handshake.open()
        {
            problems.push(TlsProblem::InterleavedHandshake {
                content: content.name(),
                message: open.name(),
            });
        }
        if content == ContentType::ChangeCipherSpec {
            // The keys change after this record; a message still open can never be finished
            // in clear.
            self.encrypted = true;
            self.handshake.reset();
        }
        self.records += 1;
        self.receiving = Some(Receiving {
            record,
            received: 0,
            alert: Vec::new(),
        });
    }

    fn take_body<'a>(&mut self, bytes: &'a [u8]) -> &'a [u8] {
        let Some(Receiving {
            record,
            received,
            alert,
        }) = self.receiving.as_mut()
        else {
            return bytes;
        };
        let take = usize::from(record.length - *received).min(bytes.len());
        let (part, rest) = bytes.split_at(take);
        let at = self.offset;
        if !record.encrypted {
            match record.content_type {
                ContentType::Handshake => {
                    let done = self.handshake.take(part, at, &mut record.problems);
                    record.handshakes.extend(done);
                }
                ContentType::Alert => {
                    let keep = 2usize.saturating_sub(alert.len()).min(part.len());
                    alert.extend_from_slice(&part[..keep]);
                }
                _ => {}
            }
        }
        *received += take as u16;
        self.offset += take as u64;
        rest
    }

    fn complete(&mut self, records: &mut Vec<TlsRecord>) {
        let Some(Receiving {
            mut record, alert, ..
        }) = self.receiving.take()
        else {
            return;
        };
        if let &[level, description] = alert.as_slice() {
            record.alert = Some(Alert {
                level,
                description,
                offset: record.body_span().start,
            });
        }
        records.push(record);
    }
}
