//! permessage-deflate (RFC 7692) inflated for display: one inflater per direction, fed each
//! compressed message's payload as it was captured. Display only: the captured and relayed
//! bytes are never changed.

use std::ops::ControlFlow;

use bytes::Bytes;
use flate2::Decompress;

use super::Direction;
use crate::proto::Inflated;
use crate::proto::deflate::codec::{Ended, inflate_pieces};
use crate::proto::http::Head;

/// The most bytes one message is inflated to, kept or not: past it, inflating stops and the
/// length is reported as a lower bound, so that a decompression bomb costs bounded memory
/// and time.
pub const INFLATE_BOUND: u64 = 16 * 1024 * 1024;

/// The permessage-deflate parameters a 101 answer settled (RFC 7692 §7.1). The
/// `*_max_window_bits` parameters are left out: they only narrow the sender's window, and an
/// inflater with the full 32 KiB window reads any narrower one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeflateParams {
    /// The server starts each message with an empty window.
    pub server_no_context_takeover: bool,
    /// The client starts each message with an empty window.
    pub client_no_context_takeover: bool,
}

impl DeflateParams {
    /// The parameters of the first permessage-deflate offer a response accepted, or `None`
    /// when it accepted none. The response holds at most one such element (§7.1).
    pub fn from_response(head: &Head) -> Option<Self> {
        head.tokens("sec-websocket-extensions")
            .iter()
            .find_map(|element| {
                let mut parts = element.split(';').map(str::trim);
                let name = parts.next()?;
                if !name.eq_ignore_ascii_case("permessage-deflate") {
                    return None;
                }
                let mut params = Self::default();
                for part in parts {
                    let key = part.split('=').next().unwrap_or_default().trim();
                    if key.eq_ignore_ascii_case("server_no_context_takeover") {
                        params.server_no_context_takeover = true;
                    } else if key.eq_ignore_ascii_case("client_no_context_takeover") {
                        params.client_no_context_takeover = true;
                    }
                }
                Some(params)
            })
    }

    /// Whether the sender in `direction` empties its window after each message.
    pub fn resets(self, direction: Direction) -> bool {
        match direction {
            Direction::ClientToServer => self.client_no_context_takeover,
            Direction::ServerToClient => self.server_no_context_takeover,
        }
    }
}

/// One direction's inflater. With context takeover the LZ77 window carries from message to
/// message (§7.2.3), so one inflater follows the whole direction, in order.
pub struct Inflater {
    state: Decompress,
    reset_each: bool,
    // Under context takeover, a message that could not be inflated whole leaves the window
    // unknown, and every later message of the direction may refer to it.
    lost: Option<String>,
}

impl std::fmt::Debug for Inflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inflater")
            .field("reset_each", &self.reset_each)
            .field("lost", &self.lost)
            .finish_non_exhaustive()
    }
}

impl Inflater {
    /// An inflater for the sender in `direction`.
    pub fn new(params: DeflateParams, direction: Direction) -> Self {
        Self {
            // Raw DEFLATE: RFC 7692 messages carry no zlib header.
            state: Decompress::new(false),
            reset_each: params.resets(direction),
            lost: None,
        }
    }

    /// Inflates one compressed message, keeping up to `cap` inflated bytes. `payload` is the
    /// message's reassembled payload; `complete` is false when it is only a preview of a
    /// longer one, which cannot be inflated.
    pub fn inflate(&mut self, payload: &[u8], complete: bool, cap: usize) -> Inflated {
        self.inflate_bounded(payload, complete, cap, INFLATE_BOUND)
    }

    // `inflate` with the bound as a parameter, so that tests can reach it cheaply.
    fn inflate_bounded(
        &mut self,
        payload: &[u8],
        complete: bool,
        cap: usize,
        bound: u64,
    ) -> Inflated {
        if let Some(why) = &self.lost {
            return Inflated::Failed(why.clone());
        }
        let result = if complete {
            self.run(payload, cap, bound)
        } else {
            Inflated::Failed(
                "too long to inflate for display: only a preview of the compressed payload was kept"
                    .into(),
            )
        };
        let whole = matches!(
            result,
            Inflated::Done {
                beyond_bound: false,
                ..
            }
        );
        if self.reset_each {
            self.state.reset(false);
        } else if !whole {
            self.lost = Some(
                "not inflated: an earlier message of this direction was not inflated whole, \
                 and this one may refer to its window (context takeover, RFC 7692 §7.2.3)"
                    .into(),
            );
        }
        result
    }

    // Reads through proto's one inflating loop; the bound stops it, as the lab's limit does.
    fn run(&mut self, payload: &[u8], cap: usize, bound: u64) -> Inflated {
        let mut preview = Vec::new();
        let mut length = 0u64;
        let ended = inflate_pieces(&mut self.state, payload, |piece| {
            let room = cap.saturating_sub(preview.len()).min(piece.len());
            preview.extend_from_slice(&piece[..room]);
            length += piece.len() as u64;
            if length > bound {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        match ended {
            Err(e) => Inflated::Failed(format!("the compressed payload does not inflate: {e}")),
            Ok(Ended::Stopped) => Inflated::Done {
                preview: Bytes::from(preview),
                length: bound,
                beyond_bound: true,
            },
            Ok(Ended::Flushed | Ended::Final) => Inflated::Done {
                preview: Bytes::from(preview),
                length,
                beyond_bound: false,
            },
        }
    }
}

#[cfg(test)]
#[path = "deflate_tests.rs"]
mod tests;
