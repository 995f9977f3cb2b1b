//! How the server answered what a client sent, in words read from the capture: what matters
//! after a frame crafted to break a rule is whether the server noticed, and how it said so.

use crate::capture::{Connection, Direction, Timed};
use crate::proto::message::parse_close;
use crate::proto::shown::quoted;
use crate::proto::{Frame, OpCode};

/// A close frame in words: "closed with 1001 (Going Away) "going away"".
pub fn closed_with(frame: &Frame) -> String {
    let (close, _) = parse_close(&frame.payload, true);
    match close.code {
        Some(n) if close.reason.is_empty() => {
            format!("closed with {n} ({})", close.code_name().unwrap_or("?"))
        }
        Some(n) => format!(
            "closed with {n} ({}) {}",
            close.code_name().unwrap_or("?"),
            quoted(&close.reason)
        ),
        None => "closed with no code".to_owned(),
    }
}

/// The first close frame of a direction.
fn first_close(connection: &Connection, direction: Direction) -> Option<&Timed<Frame>> {
    connection
        .flow(direction)
        .frames
        .iter()
        .find(|f| f.item.header.opcode() == OpCode::Close)
}

/// One sentence: the data messages the server sent, and how its side of the connection ended,
/// first or in answer to the client's close.
pub fn server_reaction(connection: &Connection) -> String {
    let replies = connection
        .responses()
        .messages
        .iter()
        .filter(|m| matches!(m.item.opcode, OpCode::Text | OpCode::Binary))
        .count();
    let sent = match replies {
        0 => "sent no message".to_owned(),
        1 => "sent 1 message".to_owned(),
        n => format!("sent {n} messages"),
    };
    let server = first_close(connection, Direction::ServerToClient);
    let client = first_close(connection, Direction::ClientToServer);
    let code = |f: &Frame| parse_close(&f.payload, true).0.code;
    // A close that answers another echoes its code (§5.5.1). A different code is the server's
    // own reason, even when the client's close had gone first: it was not read yet.
    let ended = match (server, client) {
        (Some(s), Some(c)) if c.at_us <= s.at_us && code(&s.item) == code(&c.item) => {
            format!("answered the client's close: it {}", closed_with(&s.item))
        }
        (Some(s), Some(c)) if c.at_us <= s.at_us => format!(
            "{} instead of echoing the client's close{}",
            closed_with(&s.item),
            code(&c.item).map_or_else(String::new, |n| format!(" code {n}"))
        ),
        (Some(s), _) => format!("closed first: it {}", closed_with(&s.item)),
        (None, _) if connection.responses().ended_us.is_some() => {
            "hung up without a close frame".to_owned()
        }
        (None, _) => "sent no close frame".to_owned(),
    };
    format!("the server {sent}, then {ended}")
}
