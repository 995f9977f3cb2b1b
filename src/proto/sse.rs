//! Server-Sent Events read as they arrive (WHATWG HTML §9.2.6, "Interpreting an event
//! stream"): bytes in, however a socket split them, events out. Pure and bounded.
//!
//! Lines end with CRLF, LF or CR; a CR at the end of one read and an LF at the start of the
//! next are one line end. Lines are split on bytes (CR and LF never occur inside a UTF-8
//! sequence) and each complete line is then decoded, so a character split between reads is
//! whole by the time it is decoded; bytes that are not UTF-8 become U+FFFD, as the standard's
//! decoder does.

use crate::proto::limits::{SSE_DATA_MAX, SSE_LINE_MAX};

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// Its type: the `event:` field, or "message" when there was none.
    pub kind: String,
    /// Its data: the `data:` lines joined by line feeds.
    pub data: String,
    /// The last event ID at its dispatch: set by the latest `id:` field of the stream, which
    /// carries on to later events that have none.
    pub last_event_id: String,
}

/// Why a stream cannot be read on. Each is one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    /// A line longer than wslab reads.
    #[error("an event-stream line is longer than {SSE_LINE_MAX} bytes")]
    LineTooLong,
    /// An event whose data is larger than wslab gathers.
    #[error("an event's data is larger than {SSE_DATA_MAX} bytes")]
    DataTooLarge,
}

/// An event-stream reader: feed it bytes as they come.
#[derive(Debug, Clone, Default)]
pub struct SseParser {
    line: Vec<u8>,
    // The last byte fed was a CR: an LF next belongs to that line end.
    after_cr: bool,
    // Whether the stream's first line has been seen (its BOM, if any, is dropped).
    started: bool,
    data: String,
    kind: String,
    last_event_id: String,
    retry_ms: Option<u64>,
    comments: u64,
}

impl SseParser {
    /// A reader at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `bytes`; returns the events they completed, in order.
    ///
    /// # Errors
    /// A line or an event's data past wslab's bounds; the reader should not be fed again.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, SseError> {
        let mut events = Vec::new();
        if bytes.is_empty() {
            return Ok(events);
        }
        let mut rest = bytes;
        if self.after_cr && rest.first() == Some(&b'\n') {
            rest = &rest[1..];
        }
        self.after_cr = false;
        while let Some(end) = rest.iter().position(|b| *b == b'\r' || *b == b'\n') {
            self.take(&rest[..end])?;
            let crlf = rest[end] == b'\r' && rest.get(end + 1) == Some(&b'\n');
            if rest[end] == b'\r' && end + 1 == rest.len() {
                self.after_cr = true;
            }
            rest = &rest[end + if crlf { 2 } else { 1 }..];
            let line = std::mem::take(&mut self.line);
            if let Some(event) = self.line_ended(&line)? {
                events.push(event);
            }
        }
        self.take(rest)?;
        Ok(events)
    }

    /// The latest `id:` field's value, what `EventSource` would send as `Last-Event-ID`.
    pub fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// The reconnection time the latest valid `retry:` field asked for, in ms.
    pub fn retry_ms(&self) -> Option<u64> {
        self.retry_ms
    }

    /// Comment lines (starting with a colon) read so far.
    pub fn comments(&self) -> u64 {
        self.comments
    }

    fn take(&mut self, part: &[u8]) -> Result<(), SseError> {
        if self.line.len() + part.len() > SSE_LINE_MAX {
            return Err(SseError::LineTooLong);
        }
        self.line.extend_from_slice(part);
        Ok(())
    }

    fn line_ended(&mut self, raw: &[u8]) -> Result<Option<SseEvent>, SseError> {
        let mut raw = raw;
        if !self.started {
            self.started = true;
            raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
        }
        if raw.is_empty() {
            return Ok(self.dispatch());
        }
        let line = String::from_utf8_lossy(raw);
        if line.starts_with(':') {
            self.comments += 1;
            return Ok(None);
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => value.clone_into(&mut self.kind),
            "data" => {
                if self.data.len() + value.len() + 1 > SSE_DATA_MAX {
                    return Err(SseError::DataTooLarge);
                }
                self.data.push_str(value);
                self.data.push('\n');
            }
            // An id with a NUL is ignored as a whole.
            "id" if !value.contains('\0') => value.clone_into(&mut self.last_event_id),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Digits past u64 ask for longer than anyone will wait: the most there is.
                self.retry_ms = Some(value.parse().unwrap_or(u64::MAX));
            }
            // Unknown fields, and invalid id and retry values, are ignored.
            _ => {}
        }
        Ok(None)
    }

    // A blank line: the gathered event, unless it has no data; the buffers start again either
    // way, the last event ID excepted.
    fn dispatch(&mut self) -> Option<SseEvent> {
        let kind = std::mem::take(&mut self.kind);
        if self.data.is_empty() {
            return None;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop();
        Some(SseEvent {
            kind: if kind.is_empty() {
                "message".to_owned()
            } else {
                kind
            },
            data,
            last_event_id: self.last_event_id.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, data: &str, id: &str) -> SseEvent {
        SseEvent {
            kind: kind.to_owned(),
            data: data.to_owned(),
            last_event_id: id.to_owned(),
        }
    }

    fn all(stream: &[u8]) -> Vec<SseEvent> {
        SseParser::new().feed(stream).unwrap()
    }

    #[test]
    fn the_labs_events() {
        let stream = b"id: 1\ndata: {\"id\":1}\n\nid: 2\ndata: {\"id\":2}\n\n";
        assert_eq!(
            all(stream),
            [
                event("message", "{\"id\":1}", "1"),
                event("message", "{\"id\":2}", "2")
            ]
        );
    }

    #[test]
    fn the_standards_examples() {
        // §9.2.6's examples: two data lines joined by a line feed; an id that carries on;
        // a field with no colon; one space after the colon removed, not two.
        let stream = b"data: YHOO\ndata: +2\ndata: 10\n\n";
        assert_eq!(all(stream), [event("message", "YHOO\n+2\n10", "")]);
        let stream = b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\n\
                       data:  third event\n\n";
        let mut parser = SseParser::new();
        assert_eq!(
            parser.feed(stream).unwrap(),
            [
                event("message", "first event", "1"),
                event("message", "second event", ""),
                event("message", " third event", ""),
            ]
        );
        assert_eq!(parser.comments(), 1);
        let stream = b"data\n\ndata\ndata\n\ndata:";
        assert_eq!(
            all(stream),
            [event("message", "", ""), event("message", "\n", "")]
        );
    }

    #[test]
    fn event_types_and_an_event_without_data() {
        let stream = b"event: add\ndata: 73857293\n\nevent: remove\n\ndata: x\n\n";
        assert_eq!(
            all(stream),
            [event("add", "73857293", ""), event("message", "x", "")]
        );
    }

    #[test]
    fn crlf_lf_and_cr_all_end_lines() {
        let expected = [event("message", "a", "7"), event("message", "b", "7")];
        assert_eq!(all(b"id: 7\r\ndata: a\r\n\r\ndata: b\r\n\r\n"), expected);
        assert_eq!(all(b"id: 7\rdata: a\r\rdata: b\r\r"), expected);
        assert_eq!(all(b"id: 7\ndata: a\r\n\rdata: b\n\r\n"), expected);
    }

    #[test]
    fn any_split_gives_the_same_events() {
        let stream = "\u{feff}id: 1\r\ndata: caf\u{e9} \u{1f600}\r\n\r\n: note\rid: 2\ndata: b\r\rretry: 250\n"
            .as_bytes();
        let whole = all(stream);
        assert_eq!(
            whole,
            [
                event("message", "caf\u{e9} \u{1f600}", "1"),
                event("message", "b", "2")
            ]
        );
        // Every split into two reads, and one byte at a time: CR|LF and UTF-8 split included.
        for at in 0..=stream.len() {
            let mut parser = SseParser::new();
            let mut got = parser.feed(&stream[..at]).unwrap();
            got.extend(parser.feed(&stream[at..]).unwrap());
            assert_eq!(got, whole, "split at {at}");
            assert_eq!(parser.retry_ms(), Some(250));
        }
        let mut parser = SseParser::new();
        let mut got = Vec::new();
        for byte in stream {
            got.extend(parser.feed(std::slice::from_ref(byte)).unwrap());
        }
        assert_eq!(got, whole);
        assert_eq!(parser.last_event_id(), "2");
        assert_eq!(parser.comments(), 1);
    }

    #[test]
    fn a_cr_then_lf_in_the_next_read_is_one_line_end() {
        let mut parser = SseParser::new();
        assert!(parser.feed(b"data: a\r").unwrap().is_empty());
        // Had the LF been a second line end, the event would be dispatched here.
        assert!(parser.feed(b"\n").unwrap().is_empty());
        assert_eq!(parser.feed(b"\r\n").unwrap(), [event("message", "a", "")]);
    }

    #[test]
    fn invalid_retry_and_id_are_ignored_and_unknown_fields_too() {
        let mut parser = SseParser::new();
        let got = parser
            .feed(b"retry: 1s\nretry:\nid: a\0b\nfoo: bar\ndata: x\n\n")
            .unwrap();
        assert_eq!(got, [event("message", "x", "")]);
        assert_eq!(parser.retry_ms(), None);
        parser.feed(b"retry: 3000\n").unwrap();
        assert_eq!(parser.retry_ms(), Some(3000));
    }

    #[test]
    fn not_utf8_becomes_replacement_characters() {
        assert_eq!(
            all(b"data: a\xffb\n\n"),
            [event("message", "a\u{fffd}b", "")]
        );
    }

    #[test]
    fn an_unfinished_event_is_not_dispatched() {
        let mut parser = SseParser::new();
        assert!(parser.feed(b"id: 5\ndata: half").unwrap().is_empty());
        assert!(parser.feed(b" of it\n").unwrap().is_empty());
        assert_eq!(parser.last_event_id(), "5");
    }

    #[test]
    fn lines_and_data_are_bounded() {
        let mut parser = SseParser::new();
        let long = vec![b'a'; SSE_LINE_MAX / 2 + 1];
        parser.feed(&long).unwrap();
        assert_eq!(parser.feed(&long), Err(SseError::LineTooLong));

        let mut parser = SseParser::new();
        let line = format!("data: {}\n", "x".repeat(SSE_LINE_MAX - 10));
        let mut failed = None;
        for _ in 0..=SSE_DATA_MAX / (SSE_LINE_MAX - 10) {
            if let Err(e) = parser.feed(line.as_bytes()) {
                failed = Some(e);
                break;
            }
        }
        assert_eq!(failed, Some(SseError::DataTooLarge));
    }
}
