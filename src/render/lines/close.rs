//! The `close` line: who began the close (the first close frame's sender, RFC 6455 §7.1.2),
//! who dropped TCP, and the bytes each side sent, the proxy's own answer apart.

use serde::Serialize;

use crate::capture::{Connection, Direction, Flow};
use crate::render::json::{IncompleteJson, Stamp};

/// A connection ended.
#[derive(Debug, Serialize)]
pub struct CloseJson {
    /// Always "close".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The connection and when it closed.
    #[serde(flatten)]
    pub at: Stamp,
    /// Who began the close: the side whose close frame came first, "client" or "server";
    /// when no close frame crossed, `tcp_closed_by`.
    pub by: &'static str,
    /// Whether `by` names a close frame's sender (false: no close frame crossed, and `by` is
    /// whoever dropped TCP).
    pub by_close_frame: bool,
    /// Whose side of TCP ended first: "client" or "server"; "proxy" when the proxy stopped
    /// with the connection open.
    pub tcp_closed_by: &'static str,
    /// The first close frame's code, if one crossed.
    pub code: Option<u16>,
    /// Its reason, when not empty.
    pub reason: Option<String>,
    /// Bytes from the client.
    pub bytes_client_to_server: u64,
    /// Bytes from the server; the proxy's own answer (its 502) is not the server's.
    pub bytes_server_to_client: u64,
    /// Bytes of the proxy's own answer to the client; 0 unless the proxy answered.
    pub bytes_proxy_to_client: u64,
    /// Frames not kept, the capture's frame limit being reached.
    pub frames_dropped: u64,
    /// Why it ended, if a socket or the upstream failed.
    pub error: Option<String>,
    /// Each direction whose bytes stopped inside a frame: what came of it, the rules it
    /// already breaks and what is missing, as `decode`'s `incomplete` line says it.
    pub unfinished: Vec<UnfinishedJson>,
}

/// A direction that stopped inside a frame, in a `close` line.
#[derive(Debug, Serialize)]
pub struct UnfinishedJson {
    /// "client-to-server" or "server-to-client".
    pub direction: &'static str,
    /// What came of the frame, as `decode`'s `incomplete` line.
    #[serde(flatten)]
    pub stopped: IncompleteJson,
}

pub(super) fn close(c: &Connection, stamp: impl Fn(u64) -> Stamp) -> CloseJson {
    let (requests, responses) = (c.requests(), c.responses());
    // The closing handshake is begun by whoever sends the first close frame (RFC 6455
    // §7.1.2); the other end's close frame only answers it.
    let first_close = [requests, responses]
        .into_iter()
        .flat_map(|flow: &Flow| flow.messages.iter().map(move |m| (flow.direction, m)))
        .filter_map(|(direction, m)| {
            m.item
                .close
                .as_ref()
                .map(|close| (m.at_us, direction, close))
        })
        .min_by_key(|(at, ..)| *at);
    let tcp_closed_by = tcp_closed_by(c);
    CloseJson {
        kind: "close",
        at: stamp(c.closed_us.unwrap_or(c.opened_us)),
        by: first_close.map_or(tcp_closed_by, |(_, direction, _)| side_name(direction)),
        by_close_frame: first_close.is_some(),
        tcp_closed_by,
        code: first_close.and_then(|(.., close)| close.code),
        reason: first_close
            .map(|(.., close)| close.reason.clone())
            .filter(|r| !r.is_empty()),
        bytes_client_to_server: requests.bytes,
        bytes_server_to_client: c.upstream_bytes(),
        bytes_proxy_to_client: c.proxy_bytes(),
        frames_dropped: requests.frames_dropped + responses.frames_dropped,
        error: c.error.clone(),
        unfinished: [requests, responses]
            .into_iter()
            .filter_map(|flow| {
                flow.stopped().map(|stopped| UnfinishedJson {
                    direction: flow.direction.name(),
                    stopped: IncompleteJson::from(&stopped),
                })
            })
            .collect(),
    }
}

// The sender's name of a direction's bytes.
fn side_name(direction: Direction) -> &'static str {
    match direction {
        Direction::ClientToServer => "client",
        Direction::ServerToClient => "server",
    }
}

// Whose side of TCP ended first: the side whose bytes stopped first; a reset ends both at
// once, on the side that reset. In the proxy, both ending as the connection closed, with no
// error, is its own doing: it stopped (Ctrl-C) with the connection still open.
fn tcp_closed_by(c: &Connection) -> &'static str {
    // A proxy that answered in the upstream's place also ended the connection itself.
    if c.upstream_failed
        .as_ref()
        .is_some_and(|f| f.answer_from.is_some())
    {
        return "proxy";
    }
    match (c.requests().ended_us, c.responses().ended_us) {
        (Some(up), Some(down)) if down < up => "server",
        (Some(up), Some(down))
            if up == down
                && Some(up) == c.closed_us
                && c.error.is_none()
                && c.label == crate::capture::PROXY_LABEL =>
        {
            "proxy"
        }
        (None, Some(_)) => "server",
        _ => "client",
    }
}
