//! The self-check: the messages the dissector reassembled from captured bytes must be the
//! messages the protocol library delivered. A difference is a wslab bug, and says so.

use bytes::Bytes;

use crate::proto::{Message, OpCode};

/// A message as the application saw it: delivered by the WebSocket library, or handed to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppMessage {
    /// Text, binary, close, ping or pong.
    pub opcode: OpCode,
    /// The payload (for close: code and reason as on the wire).
    pub data: Bytes,
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
    let shown: String = String::from_utf8_lossy(&preview[..preview.len().min(24)]).into();
    format!("{} of {length} bytes {shown:?}", opcode.name())
}

/// Compares captured messages with delivered ones, in order. A captured message whose preview
/// was capped is compared on its length and its kept prefix. `what` names the direction in
/// the error ("server-to-client").
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
        let same_length = c.length == d.data.len() as u64;
        let same_prefix =
            d.data.starts_with(&c.preview) && (c.is_truncated() || c.preview.len() == d.data.len());
        if c.opcode != d.opcode || !same_length || !same_prefix {
            return Err(Mismatch::Content {
                what,
                index,
                captured: summary(c.opcode, c.length, &c.preview),
                delivered: summary(d.opcode, d.data.len() as u64, &d.data),
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

/// Checks the server-to-client messages of `connection` against what the library delivered.
/// With `finished` false (the exchange stopped on an error), only the messages the library got
/// to deliver are compared, since the capture may hold the message that broke a rule.
pub fn check_delivered(
    connection: &super::Connection,
    delivered: &[AppMessage],
    finished: bool,
) -> Verdict {
    let flow = connection.responses();
    if flow.messages_dropped > 0 {
        return Verdict::Skipped("the capture's message limit was reached");
    }
    let mut captured: Vec<&Message> = flow.messages.iter().map(|m| &m.item).collect();
    if !finished {
        captured.truncate(delivered.len());
    }
    match compare("server-to-client", &captured, delivered) {
        Ok(()) => Verdict::Agree(delivered.len()),
        Err(mismatch) => Verdict::Differ(mismatch),
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
            length,
            preview: Bytes::copy_from_slice(data),
            utf8_valid: None,
            compressed: false,
            close: None,
        }
    }

    fn app(opcode: OpCode, data: &[u8]) -> AppMessage {
        AppMessage {
            opcode,
            data: Bytes::copy_from_slice(data),
        }
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
        let wrong_prefix = compare(
            "server-to-client",
            &[&short],
            &[app(OpCode::Text, b"hxllo")],
        );
        assert!(wrong_prefix.is_err());
    }
}
