//! Checks: comparing a learner's answer with the right one, and finding a computed answer in
//! the capture, so that "what is byte 1 of the frame you sent?" is judged against the bytes
//! that were really sent.

use super::model::{Answer, Check, CheckKind, Field, Format, From, Probe, Step};
use super::predict::opens_connection;
use crate::capture::{Connection, Direction};
use crate::proto::accept::Derivation;
use crate::proto::frame::Frame;
use crate::proto::message::parse_close;

/// Why a computed answer could not be read from the capture.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unanswerable {
    /// The action opened no connection that was captured.
    #[error("the action opened no connection, so there is nothing to read the answer from")]
    NoConnection,
    /// Fewer frames went that way than the check counts on.
    #[error(
        "the check reads {from} frame {frame}, but only {have} frame(s) were captured from the {from}"
    )]
    NoFrame {
        /// Which side.
        from: &'static str,
        /// The frame asked for, from 1.
        frame: usize,
        /// How many there are.
        have: usize,
    },
    /// The bytes asked for lie past the frame's end, or past what was kept of it.
    #[error("the check reads bytes {start}..{end} of a frame whose kept bytes end at {len}")]
    PastFrameEnd {
        /// First byte asked for.
        start: usize,
        /// One past the last.
        end: usize,
        /// Bytes available.
        len: usize,
    },
    /// No head was captured from that side.
    #[error("no HTTP head was captured from the {0}")]
    NoHead(&'static str),
    /// The head lacks the header asked for.
    #[error("the {from}'s head has no {name} header")]
    NoHeader {
        /// Which side.
        from: &'static str,
        /// The header.
        name: String,
    },
    /// The frame is not a close frame with a code.
    #[error("frame {0} carries no close code")]
    NoCloseCode(usize),
    /// The frame has no masking key.
    #[error("frame {0} is not masked, so it has no masking key")]
    NotMasked(usize),
    /// The connection was plain TCP, so it has no TLS records.
    #[error("the connection did not use TLS, so it has no records to read")]
    NoTls,
    /// The frame shared its record with other bytes, or none could be matched to it.
    #[error(
        "{from} frame {frame} did not travel alone in one TLS record, so its own cost cannot be told apart"
    )]
    NotAlone {
        /// Which side.
        from: &'static str,
        /// The frame, from 1.
        frame: usize,
    },
}

/// How `format` writes `text` canonically, or `None` if `text` is not of that format.
pub fn normalise(format: Format, text: &str) -> Option<String> {
    let t = text.trim();
    match format {
        Format::Text => Some(t.to_owned()),
        Format::Number => {
            let n = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                Some(hex) => u64::from_str_radix(hex, 16).ok()?,
                None => t.replace([',', '_'], "").parse().ok()?,
            };
            Some(n.to_string())
        }
        Format::Hex => {
            let digits: String = t
                .split(|c: char| c.is_whitespace() || c == ',' || c == ':')
                .map(|w| w.trim_start_matches("0x").trim_start_matches("0X"))
                .collect();
            let ok = !digits.is_empty()
                && digits.len().is_multiple_of(2)
                && digits.chars().all(|c| c.is_ascii_hexdigit());
            ok.then(|| {
                let lower = digits.to_ascii_lowercase();
                let pairs: Vec<&str> = (0..lower.len())
                    .step_by(2)
                    .map(|i| &lower[i..i + 2])
                    .collect();
                pairs.join(" ")
            })
        }
    }
}

/// How answers to `check` are compared.
pub fn format_of(check: &Check) -> Format {
    match (&check.compute, check.format) {
        (_, Some(format)) => format,
        (Some(probe), None) => probe.format(),
        (None, None) => Format::Text,
    }
}

/// The right answer as the learner would type it: for a choice, the option's number; for a
/// typed check, the file's answer; for a computed one, `computed`.
pub fn right_answer(check: &Check, computed: Option<&str>) -> Option<String> {
    match check.kind {
        CheckKind::Choice | CheckKind::Typed => check.answer.as_ref().map(Answer::to_string),
        CheckKind::Computed => computed.map(str::to_owned),
    }
}

/// Whether `given` is right. A choice also accepts the option's letter (a, b, …).
pub fn is_right(check: &Check, given: &str, computed: Option<&str>) -> bool {
    let Some(right) = right_answer(check, computed) else {
        return false;
    };
    if check.kind == CheckKind::Choice {
        let g = given.trim().to_ascii_lowercase();
        let letter = g.len() == 1 && g.as_bytes()[0].is_ascii_lowercase();
        let number = if letter {
            (g.as_bytes()[0] - b'a' + 1).to_string()
        } else {
            g
        };
        return number == right;
    }
    let format = format_of(check);
    match (normalise(format, given), normalise(format, &right)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The step's action a probe reads, from 0: the one it names, or the last that opened a
/// connection.
pub fn target_action(step: &Step, probe: &Probe) -> Option<usize> {
    match probe.action() {
        Some(n) => n.checked_sub(1).filter(|i| *i < step.actions.len()),
        None => step.actions.iter().rposition(opens_connection),
    }
}

fn direction(from: From) -> Direction {
    match from {
        From::Client => Direction::ClientToServer,
        From::Server => Direction::ServerToClient,
    }
}

fn frame(conn: &Connection, from: From, n: usize) -> Result<&Frame, Unanswerable> {
    let frames = &conn.flow(direction(from)).frames;
    n.checked_sub(1)
        .and_then(|i| frames.get(i))
        .map(|t| &t.item)
        .ok_or(Unanswerable::NoFrame {
            from: from.name(),
            frame: n,
            have: frames.len(),
        })
}

/// Reads the answer `probe` asks for from `conn`, as canonical text of its format.
///
/// # Errors
/// When the capture does not hold what the probe points at.
pub fn compute(probe: &Probe, conn: &Connection) -> Result<String, Unanswerable> {
    match probe {
        Probe::FrameBytes {
            from,
            frame: n,
            start,
            len,
            ..
        } => {
            let f = frame(conn, *from, *n)?;
            let mut wire = f.header.bytes().to_vec();
            wire.extend_from_slice(&f.wire_payload());
            let end = start.saturating_add(*len);
            let bytes = wire.get(*start..end).ok_or(Unanswerable::PastFrameEnd {
                start: *start,
                end,
                len: wire.len(),
            })?;
            Ok(crate::proto::fields::hex_bytes(bytes))
        }
        Probe::FrameField {
            from,
            frame: n,
            field,
            ..
        } => {
            let f = frame(conn, *from, *n)?;
            let h = &f.header;
            Ok(match field {
                Field::Fin => u8::from(h.fin()).to_string(),
                Field::Rsv1 => (h.rsv().0 & 1).to_string(),
                Field::Opcode => (h.bytes()[0] & 0x0f).to_string(),
                Field::Mask => u8::from(h.masked()).to_string(),
                Field::Length => f.payload_len().to_string(),
                Field::HeaderLength => f.header_len().to_string(),
                Field::MaskingKey => crate::proto::fields::hex_bytes(
                    &h.mask_key().ok_or(Unanswerable::NotMasked(*n))?,
                ),
                Field::Payload => String::from_utf8_lossy(&f.payload).into_owned(),
                Field::CloseCode => {
                    let (close, _) = parse_close(&f.payload, f.is_complete());
                    close.code.ok_or(Unanswerable::NoCloseCode(*n))?.to_string()
                }
            })
        }
        Probe::FrameCount { from, .. } => Ok(conn.flow(direction(*from)).frames.len().to_string()),
        Probe::Accept { .. } => Ok(Derivation::new(&key(conn)?).accept),
        Probe::Sha1 { .. } => Ok(crate::proto::fields::hex_bytes(
            &Derivation::new(&key(conn)?).sha1,
        )),
        Probe::Header { from, name, .. } => {
            let head = head(conn, *from)?;
            head.header(name)
                .map(str::to_owned)
                .ok_or_else(|| Unanswerable::NoHeader {
                    from: from.name(),
                    name: name.clone(),
                })
        }
        Probe::Status { .. } => match head(conn, From::Server)?.start {
            crate::proto::http::StartLine::Response { status, .. } => Ok(status.to_string()),
            crate::proto::http::StartLine::Request { .. } => Err(Unanswerable::NoHead("server")),
        },
        Probe::HeadBytes { from, .. } => Ok(head(conn, *from)?.len.to_string()),
        Probe::TlsRecords { from, .. } => {
            let tls = conn.tls.as_ref().ok_or(Unanswerable::NoTls)?;
            Ok(tls.flow(direction(*from)).record_count().to_string())
        }
        Probe::TlsOverhead { from, frame: n, .. } => tls_overhead(conn, *from, *n),
    }
}

/// The record that carried frame `n` and nothing else, minus the frame: 5 B of header, the
/// 1 B of hidden content type and the 16 B tag in TLS 1.3, read from this run's records.
fn tls_overhead(conn: &Connection, from: From, n: usize) -> Result<String, Unanswerable> {
    let tls = conn.tls.as_ref().ok_or(Unanswerable::NoTls)?;
    let f = frame(conn, from, n)?;
    let span = f.span();
    let flow = tls.flow(direction(from));
    let alone = Unanswerable::NotAlone {
        from: from.name(),
        frame: n,
    };
    let carried = flow
        .carried(conn.flow(direction(from)).bytes)
        .ok_or_else(|| alone.clone())?;
    let record = carried
        .iter()
        .find(|c| c.plaintext == span)
        .and_then(|c| flow.records.iter().find(|s| s.record.index == c.record))
        .ok_or(alone)?;
    let wire = u64::from(record.record.length) + 5;
    Ok(wire.saturating_sub(span.end - span.start).to_string())
}

fn head(conn: &Connection, from: From) -> Result<&crate::proto::http::Head, Unanswerable> {
    conn.flow(direction(from))
        .http
        .first()
        .map(|m| &m.head)
        .ok_or(Unanswerable::NoHead(from.name()))
}

fn key(conn: &Connection) -> Result<String, Unanswerable> {
    head(conn, From::Client)?
        .header("sec-websocket-key")
        .map(str::to_owned)
        .ok_or(Unanswerable::NoHeader {
            from: "client",
            name: "Sec-WebSocket-Key".to_owned(),
        })
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
