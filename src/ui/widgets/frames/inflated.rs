//! A permessage-deflate message as the frame views show it: its payload on the wire is
//! compressed, so the row and the detail of the frame that completed it show what it
//! inflated to, as the plain renderer does (`render::frame::message`).

use super::wire::Entry;
use crate::capture::Connection;
use crate::proto::{Inflated, Message, OpCode};
use crate::render::frame::{compressed_sizes, hex_preview};

/// The compressed message that the frame in `entry` completed, if it completed one.
pub(super) fn message_of<'a>(conn: &'a Connection, entry: &Entry<'_>) -> Option<&'a Message> {
    let messages = &conn.flow(entry.direction).messages;
    // Messages are stored in the order they completed, so by their last frame.
    let i = messages
        .binary_search_by_key(&entry.frame.index, |m| m.item.last_frame)
        .ok()?;
    let message = &messages.get(i)?.item;
    message.compressed.then_some(message)
}

/// The row's preview of `message`, in at most `room` characters (the caller cuts), and
/// whether it is a note rather than content; `None` when nothing inflated it, so that the
/// row shows the wire bytes.
pub(super) fn preview(message: &Message, room: usize) -> Option<(String, bool)> {
    match message.inflated.as_ref()? {
        Inflated::Failed(why) => Some((format!("not inflated: {why}"), true)),
        Inflated::Done { preview, .. } => Some((
            format!("inflated {}", shown(message.opcode, preview, room)),
            false,
        )),
    }
}

/// The detail's line: both sizes, then the inflated payload or why there is none.
pub(super) fn sizes(message: &Message, room: usize) -> String {
    compressed_sizes(message, |preview| shown(message.opcode, preview, room))
}

/// Inflated bytes as text when they are UTF-8 (as `proto::shown` shows text), as hex
/// otherwise; about `room` characters of them are read.
fn shown(opcode: OpCode, bytes: &[u8], room: usize) -> String {
    if opcode != OpCode::Binary {
        let head = &bytes[..bytes.len().min(room.saturating_mul(4))];
        let valid = match std::str::from_utf8(head) {
            Ok(s) => Some(s),
            // A cut may split a character; keep what decodes.
            Err(e) if e.error_len().is_none() && head.len() < bytes.len() => {
                std::str::from_utf8(&head[..e.valid_up_to()]).ok()
            }
            Err(_) => None,
        };
        if let Some(text) = valid {
            return crate::proto::shown::quoted_fit(text, room, text.len() < bytes.len());
        }
    }
    hex_preview(bytes, room / 3 + 1)
}
