//! The self-check: the messages the dissector reassembled from captured bytes must be the
//! messages the protocol library delivered. A difference is a wslab bug, and says so.

use bytes::Bytes;

use super::Flow;
use crate::proto::{Inflated, Message, OpCode};

/// A message as the application saw it: delivered by the WebSocket library, or handed to it.
/// Only a prefix of the payload is kept, as the capture keeps one; the length is always true.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppMessage {
    /// Text, binary, close, ping or pong.
    pub opcode: OpCode,
    /// The payload's true length (for close: code and reason as on the wire).
    pub length: u64,
    /// The payload's first bytes.
    pub prefix: Bytes,
}

impl AppMessage {
    /// A message whose payload is `data`, keeping at most `cap` bytes of it.
    pub fn new(opcode: OpCode, data: &Bytes, cap: usize) -> Self {
        Self {
            opcode,
            length: data.len() as u64,
            // A copy, not a slice: a slice would keep the library's whole read buffer alive.
            prefix: Bytes::copy_from_slice(&data[..data.len().min(cap)]),
        }
    }
}

/// Where the two accounts first differ.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    /// Different counts.
    #[error(
        "wslab bug: the dissector reassembled {captured} {what} messages but the library handled {delivered}"
    )]
    Count {
        /// Which direction, in words.
        what: &'static str,
        /// From the capture.
        captured: usize,
        /// From the library.
        delivered: usize,
    },
    /// A message differs.
    #[error(
        "wslab bug: {what} message {index} differs: the capture shows {captured}, the library handled {delivered}"
    )]
    Content {
        /// Which direction, in words.
        what: &'static str,
        /// Its position.
        index: usize,
        /// A summary of the captured message.
        captured: String,
        /// A summary of the delivered message.
        delivered: String,
    },
}

fn summary(opcode: OpCode, length: u64, preview: &[u8]) -> String {
    let text = String::from_utf8_lossy(preview);
    let more = preview.len() as u64 > 24 || (preview.len() as u64) < length;
    let shown = crate::proto::shown::quoted_fit(&text, 27, more);
    format!("{} of {length} bytes {shown}", opcode.name())
}

// A captured message as the application receives it: a compressed one (RFC 7692) as the
// capture's own inflater read it, which is a second reading of the bytes, independent of the
// endpoint's. One the capture could not inflate whole is compared by what it can: the
// inflated length it reached is a lower bound, so only the kept bytes stand.
fn as_delivered(message: &Message) -> (u64, &[u8]) {
    match (&message.inflated, message.compressed) {
        (
            Some(Inflated::Done {
                preview, length, ..
            }),
            true,
        ) => (*length, preview),
        _ => (message.length, &message.preview),
    }
}

/// Compares captured messages with delivered ones, in order: opcode, true length, and the
/// payload bytes both sides kept. `what` names the direction in the error.
///
/// # Errors
/// The first difference, as a wslab bug.
pub fn compare(
    what: &'static str,
    captured: &[&Message],
    delivered: &[AppMessage],
) -> Result<(), Mismatch> {
    if captured.len() != delivered.len() {
        return Err(Mismatch::Count {
            what,
            captured: captured.len(),
            delivered: delivered.len(),
        });
    }
    for (index, (c, d)) in captured.iter().zip(delivered).enumerate() {
        let (length, preview) = as_delivered(c);
        // Each side may have kept only a prefix (its cap); the bytes both kept must agree.
        let common = preview.len().min(d.prefix.len());
        let same =
            c.opcode == d.opcode && length == d.length && preview[..common] == d.prefix[..common];
        if !same {
            return Err(Mismatch::Content {
                what,
                index,
                captured: summary(c.opcode, length, preview),
                delivered: summary(d.opcode, d.length, &d.prefix),
            });
        }
    }
    Ok(())
}

/// The self-check's verdict on one direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The two accounts agree on this many messages.
    Agree(usize),
    /// They differ: a wslab bug.
    Differ(Mismatch),
    /// The capture dropped messages (its limits), so the two cannot be compared in full.
    Skipped(&'static str),
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Agree(0) => {
                f.write_str("self-check: no message was delivered, so there is nothing to compare")
            }
            Self::Agree(n) => write!(
                f,
                "self-check: the {n} message{} reassembled from the captured bytes match what the WebSocket library delivered",
                if *n == 1 { "" } else { "s" }
            ),
            Self::Differ(mismatch) => write!(f, "self-check failed: {mismatch}"),
            Self::Skipped(why) => write!(f, "self-check skipped: {why}"),
        }
    }
}

/// Messages a library delivered, kept for the self-check: up to [`Delivered::LIMIT`] of them,
/// each cut to the capture's preview cap, so that checking never costs unbounded memory.
#[derive(Debug, Clone, Default)]
pub struct Delivered {
    messages: Vec<AppMessage>,
    overflowed: bool,
}

impl Delivered {
    /// The most messages kept; past it, the check is skipped.
    pub const LIMIT: usize = 10_000;

    /// Keeps one more.
    pub fn push(&mut self, message: AppMessage) {
        if self.messages.len() >= Self::LIMIT {
            self.overflowed = true;
        } else {
            self.messages.push(message);
        }
    }

    /// Those kept, in order.
    pub fn messages(&self) -> &[AppMessage] {
        &self.messages
    }

    /// Checks them against the captured `flow` of the direction they crossed. With `finished`
    /// false (the exchange stopped on an error), only the messages the library got to deliver
    /// are compared, since the capture may hold the message that broke a rule.
    pub fn check(&self, flow: &Flow, finished: bool) -> Verdict {
        if self.overflowed {
            return Verdict::Skipped("more messages than the self-check keeps");
        }
        if flow.messages_dropped > 0 {
            return Verdict::Skipped("the capture's message limit was reached");
        }
        let mut captured: Vec<&Message> = flow.messages.iter().map(|m| &m.item).collect();
        if !finished {
            captured.truncate(self.messages.len());
        }
        match compare(flow.direction.name(), &captured, &self.messages) {
            Ok(()) => Verdict::Agree(self.messages.len()),
            Err(mismatch) => Verdict::Differ(mismatch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn captured(opcode: OpCode, data: &[u8], length: u64) -> Message {
        Message {
            index: 0,
            opcode,
            first_frame: 0,
            frame_count: 1,
            last_frame: 0,
            length,
            preview: Bytes::copy_from_slice(data),
            utf8_valid: None,
            compressed: false,
            inflated: None,
            close: None,
        }
    }

    fn app(opcode: OpCode, data: &[u8]) -> AppMessage {
        AppMessage::new(opcode, &Bytes::copy_from_slice(data), 64 * 1024)
    }

    #[test]
    fn equal_accounts_agree_and_capped_previews_compare_by_prefix() {
        let whole = captured(OpCode::Text, b"hello", 5);
        let capped = captured(OpCode::Binary, b"abc", 6);
        let delivered = [app(OpCode::Text, b"hello"), app(OpCode::Binary, b"abcdef")];
        assert_eq!(
            compare("server-to-client", &[&whole, &capped], &delivered),
            Ok(())
        );
        let cut = AppMessage::new(OpCode::Binary, &Bytes::from_static(b"abcdef"), 2);
        assert_eq!((cut.length, &cut.prefix[..]), (6, &b"ab"[..]));
        assert_eq!(compare("server-to-client", &[&capped], &[cut]), Ok(()));
    }

    #[test]
    fn any_difference_is_reported_as_a_wslab_bug() {
        let m = captured(OpCode::Text, b"hello", 5);
        let count = compare("server-to-client", &[&m], &[]).unwrap_err();
        assert!(
            count
                .to_string()
                .starts_with("wslab bug: the dissector reassembled 1")
        );
        let content =
            compare("server-to-client", &[&m], &[app(OpCode::Text, b"hellO")]).unwrap_err();
        assert!(
            content.to_string().contains("message 0 differs"),
            "{content}"
        );
        let kind =
            compare("server-to-client", &[&m], &[app(OpCode::Binary, b"hello")]).unwrap_err();
        assert!(matches!(kind, Mismatch::Content { .. }));
        let short = captured(OpCode::Text, b"hel", 5);
        assert!(
            compare(
                "server-to-client",
                &[&short],
                &[app(OpCode::Text, b"hxllo")]
            )
            .is_err()
        );
        let longer = app(OpCode::Text, b"hello!");
        assert!(
            compare("server-to-client", &[&m], &[longer]).is_err(),
            "lengths differ"
        );
    }

    #[test]
    fn past_its_limit_the_check_is_skipped_not_grown() {
        let mut delivered = Delivered::default();
        for _ in 0..=Delivered::LIMIT {
            delivered.push(app(OpCode::Text, b"x"));
        }
        assert_eq!(delivered.messages().len(), Delivered::LIMIT);
    }
}
