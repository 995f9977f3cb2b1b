//! How long an HTTP message body is, found from its head and then from the bytes themselves
//! (RFC 9112 §6). Pure: the flow feeds bytes in and learns where the body ends.

use crate::proto::http::{Head, StartLine};

/// How a body's end is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// No body at all (a request without Content-Length, 1xx/204/304 answers).
    Empty,
    /// Exactly this many bytes (Content-Length).
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// A response with neither: the body runs until the connection closes.
    UntilClose,
}

/// Where a head says its body ends. `is_request` matters because a request with no length has
/// no body, while such a response runs until close.
pub fn framing(head: &Head, is_request: bool) -> Framing {
    if let StartLine::Response { status, .. } = &head.start
        && (*status < 200 || *status == 204 || *status == 304)
    {
        return Framing::Empty;
    }
    if head.has_token("transfer-encoding", "chunked") {
        return Framing::Chunked;
    }
    if let Some(length) = head.header("content-length") {
        return match length.trim().parse::<u64>() {
            Ok(0) => Framing::Empty,
            Ok(n) => Framing::Length(n),
            // A length that is not a number cannot frame anything; treat the rest as the body
            // rather than misreading it as the next head.
            Err(_) if is_request => Framing::Empty,
            Err(_) => Framing::UntilClose,
        };
    }
    if is_request {
        Framing::Empty
    } else {
        Framing::UntilClose
    }
}

// Where a chunked decoder stands (RFC 9112 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChunkState {
    // Reading hex digits of a chunk size; extensions after `;` are skipped.
    Size {
        value: u64,
        digits: u8,
        in_extension: bool,
    },
    // Expecting the LF that ends the size line.
    SizeLf {
        value: u64,
    },
    Data {
        left: u64,
    },
    DataCr,
    DataLf,
    // After the last chunk: trailer lines until an empty one. `line_len` counts the current line.
    Trailer {
        line_len: u64,
        seen_cr: bool,
    },
    Done,
    Broken,
}

/// Finds the end of a chunked body, however its bytes are split. It counts and never stores.
#[derive(Debug, Clone)]
pub struct Chunked {
    state: ChunkState,
    /// Payload bytes (the data inside the chunks).
    pub payload: u64,
}

impl Default for Chunked {
    fn default() -> Self {
        Self {
            state: ChunkState::Size {
                value: 0,
                digits: 0,
                in_extension: false,
            },
            payload: 0,
        }
    }
}

/// What a chunked decoder made of some bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkedStep {
    /// Bytes of the input that belong to the body.
    pub used: usize,
    /// How many of those bytes were payload, inside the chunks.
    pub payload: usize,
    /// Whether the body ended within the input.
    pub done: bool,
}

impl Chunked {
    /// Whether the body cannot be chunked framing (a bad size line).
    pub fn is_broken(&self) -> bool {
        self.state == ChunkState::Broken
    }

    /// Consumes body bytes from `input`, stopping at the body's end. `on_payload` sees each run
    /// of payload bytes, for previews.
    pub fn feed(&mut self, input: &[u8], mut on_payload: impl FnMut(&[u8])) -> ChunkedStep {
        let mut i = 0;
        let mut payload = 0;
        while i < input.len() {
            let byte = input[i];
            match self.state {
                ChunkState::Done | ChunkState::Broken => break,
                ChunkState::Data { left } => {
                    let take = (input.len() - i).min(usize::try_from(left).unwrap_or(usize::MAX));
                    on_payload(&input[i..i + take]);
                    payload += take;
                    self.payload += take as u64;
                    i += take;
                    let left = left - take as u64;
                    self.state = if left == 0 {
                        ChunkState::DataCr
                    } else {
                        ChunkState::Data { left }
                    };
                    continue;
                }
                ChunkState::Size {
                    value,
                    digits,
                    in_extension,
                } => {
                    self.state = match (byte, in_extension) {
                        (b'\r', _) => ChunkState::SizeLf { value },
                        (b'\n', _) => Self::after_size(value),
                        (_, true) => self.state,
                        (b';' | b' ' | b'\t', false) => ChunkState::Size {
                            value,
                            digits,
                            in_extension: true,
                        },
                        (_, false) => match (byte as char).to_digit(16) {
                            // 15 hex digits is already more than any body wslab will count.
                            Some(d) if digits < 15 => ChunkState::Size {
                                value: value * 16 + u64::from(d),
                                digits: digits + 1,
                                in_extension: false,
                            },
                            _ => ChunkState::Broken,
                        },
                    };
                }
                ChunkState::SizeLf { value } => {
                    self.state = if byte == b'\n' {
                        Self::after_size(value)
                    } else {
                        ChunkState::Broken
                    };
                }
                ChunkState::DataCr => {
                    self.state = match byte {
                        b'\r' => ChunkState::DataLf,
                        b'\n' => Self::next_size(),
                        _ => ChunkState::Broken,
                    };
                }
                ChunkState::DataLf => {
                    self.state = if byte == b'\n' {
                        Self::next_size()
                    } else {
                        ChunkState::Broken
                    };
                }
                ChunkState::Trailer { line_len, seen_cr } => {
                    self.state = match byte {
                        b'\n' if line_len == 0 => ChunkState::Done,
                        b'\n' => ChunkState::Trailer {
                            line_len: 0,
                            seen_cr: false,
                        },
                        b'\r' if !seen_cr => ChunkState::Trailer {
                            line_len,
                            seen_cr: true,
                        },
                        _ => ChunkState::Trailer {
                            line_len: line_len + 1,
                            seen_cr: false,
                        },
                    };
                }
            }
            i += 1;
        }
        ChunkedStep {
            used: i,
            payload,
            done: self.state == ChunkState::Done,
        }
    }

    fn next_size() -> ChunkState {
        ChunkState::Size {
            value: 0,
            digits: 0,
            in_extension: false,
        }
    }

    fn after_size(value: u64) -> ChunkState {
        if value == 0 {
            ChunkState::Trailer {
                line_len: 0,
                seen_cr: false,
            }
        } else {
            ChunkState::Data { left: value }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &[u8], split: usize) -> (ChunkedStep, Vec<u8>, u64) {
        let mut decoder = Chunked::default();
        let mut seen = Vec::new();
        let mut used = 0;
        let mut last = ChunkedStep {
            used: 0,
            payload: 0,
            done: false,
        };
        for piece in body.chunks(split.max(1)) {
            last = decoder.feed(piece, |p| seen.extend_from_slice(p));
            used += last.used;
            if last.done {
                break;
            }
        }
        (last, seen, used as u64)
    }

    #[test]
    fn chunked_bodies_end_where_the_zero_chunk_and_trailers_end() {
        let body = b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nExpires: never\r\n\r\nNEXT";
        for split in 1..body.len() {
            let (step, seen, used) = run(body, split);
            assert!(step.done, "split {split}");
            assert_eq!(seen, b"Wikipedia");
            assert_eq!(used, (body.len() - 4) as u64, "split {split}");
        }
    }

    #[test]
    fn a_bad_size_line_is_reported_not_guessed() {
        let mut decoder = Chunked::default();
        let step = decoder.feed(b"zz\r\n", |_| {});
        assert!(!step.done);
        assert!(decoder.is_broken());
    }

    #[test]
    fn framing_follows_rfc_9112() {
        let response = |text: &str| {
            crate::proto::http::parse_response(text.as_bytes())
                .unwrap()
                .unwrap()
        };
        let request = |text: &str| {
            crate::proto::http::parse_request(text.as_bytes())
                .unwrap()
                .unwrap()
        };
        assert_eq!(
            framing(&response("HTTP/1.1 101 Switching Protocols\r\n\r\n"), false),
            Framing::Empty
        );
        assert_eq!(
            framing(
                &response("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"),
                false
            ),
            Framing::Length(5)
        );
        assert_eq!(
            framing(
                &response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
                false
            ),
            Framing::Chunked
        );
        assert_eq!(
            framing(&response("HTTP/1.1 200 OK\r\n\r\n"), false),
            Framing::UntilClose
        );
        assert_eq!(
            framing(&request("GET / HTTP/1.1\r\n\r\n"), true),
            Framing::Empty
        );
        assert_eq!(
            framing(
                &request("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n"),
                true
            ),
            Framing::Length(3)
        );
    }
}
