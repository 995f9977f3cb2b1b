//! A flow's HTTP side: heads, then bodies by Content-Length, chunked framing or close.

use bytes::Bytes;

use super::super::body::{Chunked, Framing, framing};
use super::super::deflate::DeflateParams;
use super::super::parts::{HttpMessage, Learned, Problem};
use super::super::{Direction, Limits};
use super::{BodyMode, Flow, Mode, Used};
use crate::proto::RsvBits;
use crate::proto::http::{self, Head, HeadError};

impl Flow {
    // `asked` holds the requests, when this is the response direction: an answer to HEAD has
    // no body whatever its Content-Length says (RFC 9112 §6.3).
    pub(super) fn feed_head(
        &mut self,
        input: &[u8],
        at_us: u64,
        asked: &[HttpMessage],
        budget: (&Limits, &mut Used),
        learned: &mut Vec<Learned>,
    ) -> usize {
        let (limits, used_budget) = budget;
        let Mode::Head(buf) = &mut self.mode else {
            return 0;
        };
        let before = buf.len();
        // Never hold more than a head can be: the parser's own limit, plus one byte to prove it.
        let room = (http::MAX_HEAD_BYTES + 1).saturating_sub(before);
        let take = input.len().min(room);
        buf.extend_from_slice(&input[..take]);
        let parsed = match self.direction {
            Direction::ClientToServer => http::parse_request(buf),
            Direction::ServerToClient => http::parse_response(buf),
        };
        match parsed {
            Ok(None) => take,
            Ok(Some(head)) => {
                let used = head.len - before;
                let head_len = head.len;
                let raw = Bytes::copy_from_slice(&buf[..head_len]);
                let is_request = self.direction == Direction::ClientToServer;
                let answers_head = asked
                    .get(self.final_responses)
                    .is_some_and(|r| matches!(&r.head.start, http::StartLine::Request { method, .. } if method == "HEAD"));
                if let http::StartLine::Response { status, .. } = head.start
                    && (status >= 200 || status == 101)
                {
                    // Interim answers (100 Continue) come before the final one to the same request.
                    self.final_responses += 1;
                }
                let body = if answers_head {
                    Framing::Empty
                } else {
                    framing(&head, is_request)
                };
                // Earlier chunks of this head are already counted in `bytes`.
                let offset = self.bytes - before as u64;
                let upgrades = upgrades(&head, is_request);
                // A stored head costs its bytes, and about as much again parsed, from the
                // preview budget, so that pipelined requests cannot grow it without end.
                let cost = 2 * head_len;
                let index = if used_budget.http < limits.max_frames
                    && used_budget.preview_bytes + cost <= limits.max_preview_bytes
                {
                    used_budget.http += 1;
                    used_budget.preview_bytes += cost;
                    self.preview_bytes += cost;
                    self.http.push(HttpMessage {
                        offset,
                        at_us,
                        head,
                        raw,
                        body_len: 0,
                        body_preview: Vec::new(),
                        body_complete: body == Framing::Empty,
                        done_us: (body == Framing::Empty).then_some(at_us),
                    });
                    learned.push(Learned::Head(self.http.len() - 1));
                    Some(self.http.len() - 1)
                } else {
                    self.http_dropped += 1;
                    None
                };
                let end = offset + head_len as u64;
                self.mode = match body {
                    _ if upgrades => {
                        if let Some(message) = self.http.last()
                            && !is_request
                        {
                            self.allowed_rsv = negotiated_rsv(&message.head);
                            self.deflate = DeflateParams::from_response(&message.head);
                        }
                        self.upgraded_offset = Some(end);
                        Mode::Frames(None)
                    }
                    Framing::Empty => Mode::Head(Vec::new()),
                    Framing::Length(n) => body_mode(BodyMode::Length(n), index),
                    Framing::Chunked => body_mode(BodyMode::Chunked(Chunked::default()), index),
                    Framing::UntilClose => body_mode(BodyMode::UntilClose, index),
                };
                used
            }
            Err(error) => {
                self.fail(&error, learned);
                take
            }
        }
    }

    fn fail(&mut self, error: &HeadError, learned: &mut Vec<Learned>) {
        self.problem = Some(Problem::NotHttp {
            direction: self.direction,
            error: error.clone(),
        });
        self.mode = Mode::Opaque;
        learned.push(Learned::Problem);
    }

    pub(super) fn feed_body(
        &mut self,
        input: &[u8],
        at_us: u64,
        limits: &Limits,
        used_budget: &mut Used,
        learned: &mut Vec<Learned>,
    ) -> usize {
        let Mode::Body { framing, message } = &mut self.mode else {
            return 0;
        };
        let index = *message;
        // A message past the HTTP limit is not stored: its body is measured, so the next head
        // is found, and nothing is kept.
        let mut scratch = Vec::new();
        let preview = match index {
            Some(i) => &mut self.http[i].body_preview,
            None => &mut scratch,
        };
        let cap = match index {
            Some(_) => limits.preview_cap,
            None => 0,
        };
        let mut kept = 0;
        let mut keep = |piece: &[u8], preview: &mut Vec<u8>| {
            let room = cap.saturating_sub(preview.len()).min(
                limits
                    .max_preview_bytes
                    .saturating_sub(used_budget.preview_bytes + kept),
            );
            let take = piece.len().min(room);
            preview.extend_from_slice(&piece[..take]);
            kept += take;
        };
        let (used, done) = match framing {
            BodyMode::Length(left) => {
                let take = input
                    .len()
                    .min(usize::try_from(*left).unwrap_or(usize::MAX));
                keep(&input[..take], preview);
                *left -= take as u64;
                (take, *left == 0)
            }
            BodyMode::UntilClose => {
                keep(input, preview);
                (input.len(), false)
            }
            BodyMode::Chunked(decoder) => {
                let step = decoder.feed(input, |p| keep(p, preview));
                if decoder.is_broken() {
                    self.problem = Some(Problem::BadChunkedBody);
                    self.mode = Mode::Opaque;
                    learned.push(Learned::Problem);
                    return input.len();
                }
                (step.used, step.done)
            }
        };
        used_budget.preview_bytes += kept;
        self.preview_bytes += kept;
        if let Some(i) = index {
            let target = &mut self.http[i];
            target.body_len += used as u64;
            if done {
                target.body_complete = true;
                target.done_us = Some(at_us);
                learned.push(Learned::Body(i));
            }
        }
        if done {
            self.mode = Mode::Head(Vec::new());
        }
        used
    }
}

pub(super) fn body_mode(framing: BodyMode, message: Option<usize>) -> Mode {
    Mode::Body { framing, message }
}

/// The reserved bits a 101 answer's extensions give a meaning: RSV1 for permessage-deflate.
fn negotiated_rsv(head: &Head) -> RsvBits {
    let deflate = head.tokens("sec-websocket-extensions").iter().any(|t| {
        t.split(';')
            .next()
            .is_some_and(|name| name.trim().eq_ignore_ascii_case("permessage-deflate"))
    });
    // An extension wslab does not know may use any reserved bit (§5.2, §9): the capture
    // cannot say it broke a rule, so it flags none.
    let unknown = head
        .tokens("sec-websocket-extensions")
        .iter()
        .filter_map(|t| t.split(';').next())
        .any(|name| !name.trim().eq_ignore_ascii_case("permessage-deflate"));
    if unknown {
        return RsvBits(0b111);
    }
    // RSV1 is bit 0.
    RsvBits(u8::from(deflate))
}

/// Whether this head switches its own direction to frames. A client that asks to upgrade sends
/// nothing but frames afterwards (it must wait for 101 first, §4.1); a 101 answer switches the
/// server's direction.
fn upgrades(head: &Head, is_request: bool) -> bool {
    if is_request {
        head.has_token("upgrade", "websocket") && head.has_token("connection", "upgrade")
    } else {
        matches!(head.start, http::StartLine::Response { status: 101, .. })
    }
}
