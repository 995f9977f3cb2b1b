//! `GET /events`: the feed as Server-Sent Events (WHATWG HTML §9.2), one response that never
//! ends on its own. Each update is an event with an `id:` line (its number) and a `data:` line
//! (the JSON /ticker sends), written the moment it is published; a client that comes back with
//! `Last-Event-ID` first gets the kept updates after that id.
//!
//! The body is made lazily: hyper asks for the next piece only once it has written the last,
//! so a client that stops reading holds no more than one batch here, and the stream ends when
//! the client leaves (hyper sees the EOF and drops the body) or the lab stops (its connection
//! tasks are aborted). No `retry:` field is sent: the lab has no reason to ask a client to wait
//! longer or shorter than its own default before reconnecting.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream;
use http_body_util::StreamBody;
use hyper::body::Frame;
use tokio::sync::watch;

use super::Shared;
use super::feed::{KEPT_UPDATES, Update};

/// The media type of an event stream (WHATWG HTML §9.2.5).
pub(super) const MEDIA_TYPE: &str = "text/event-stream";

/// Longest part of a `Last-Event-ID` value echoed back in a comment.
const ECHOED: usize = 40;

/// Where a new stream starts: after which update, and what to say first, as comment lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Start {
    /// Updates above this id are sent.
    pub(super) after: u64,
    /// Comment lines (each ending in a line feed) that explain the start, or nothing.
    pub(super) said: String,
}

/// Where a stream starts for a request carrying `last_event_id` (the header's value, if any),
/// on a feed whose newest update is `latest`.
pub(super) fn start(last_event_id: Option<&str>, latest: u64) -> Start {
    let from_now = |said: String| Start {
        after: latest,
        said,
    };
    // EventSource sends the header only when it has seen an id; an empty one means none.
    let Some(value) = last_event_id.map(str::trim).filter(|v| !v.is_empty()) else {
        return from_now(String::new());
    };
    match value.parse::<u64>() {
        Ok(id) if id <= latest => Start {
            after: id,
            said: String::new(),
        },
        // Ids count from 1 again when the lab restarts: a client's older id can be ahead.
        Ok(id) => from_now(format!(
            ": Last-Event-ID {id} is ahead of this feed, whose newest update is {latest}; \
             sending the updates published from now on\n"
        )),
        Err(_) => {
            let shown: String = value.chars().take(ECHOED).collect();
            from_now(format!(
                ": Last-Event-ID {shown:?} is not an update number; sending the updates \
                 published from now on\n"
            ))
        }
    }
}

/// The text of `updates` as events, sent after update `after`: a comment first when the feed
/// no longer keeps some of the updates in between.
pub(super) fn events(updates: &[Update], after: u64) -> String {
    let mut out = String::new();
    if let Some(first) = updates.first()
        && first.id > after + 1
    {
        let (from, to) = (after + 1, first.id - 1);
        let range = if from == to {
            format!("update {from} is")
        } else {
            format!("updates {from} to {to} are")
        };
        let _ = writeln!(
            out,
            ": {range} no longer kept: the feed keeps its last {KEPT_UPDATES}"
        );
    }
    for update in updates {
        // The JSON is one line (serde_json escapes line breaks), so one data: line carries it.
        let _ = write!(out, "id: {}\ndata: {}\n\n", update.id, update.json());
    }
    out
}

struct Reader {
    shared: Arc<Shared>,
    latest: watch::Receiver<u64>,
    after: u64,
    said: String,
}

/// The body of one `/events` response, from `start`.
pub(super) fn body(
    shared: Arc<Shared>,
    start: Start,
) -> StreamBody<impl futures_util::Stream<Item = Result<Frame<Bytes>, Infallible>> + Send> {
    let latest = shared.feed.watch();
    let reader = Reader {
        shared,
        latest,
        after: start.after,
        said: start.said,
    };
    StreamBody::new(stream::unfold(reader, |mut r| async move {
        if !r.said.is_empty() {
            let said = std::mem::take(&mut r.said);
            return Some((Ok(Frame::data(Bytes::from(said))), r));
        }
        // wait_for looks at the current value first, so an update published between two
        // pieces is not missed. It fails only if the feed is gone, which ends the stream.
        let after = r.after;
        r.latest.wait_for(|id| *id > after).await.ok()?;
        let updates = r.shared.feed.since(after);
        let text = events(&updates, after);
        r.after = updates.last().map_or(after, |u| u.id);
        Some((Ok(Frame::data(Bytes::from(text))), r))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(id: u64) -> Update {
        Update {
            id,
            at_ms: 5,
            text: format!("tick {id}"),
        }
    }

    #[test]
    fn each_update_is_an_event_with_its_id_and_json() {
        let text = events(&[update(3), update(4)], 2);
        assert_eq!(
            text,
            "id: 3\ndata: {\"id\":3,\"at_ms\":5,\"text\":\"tick 3\"}\n\n\
             id: 4\ndata: {\"id\":4,\"at_ms\":5,\"text\":\"tick 4\"}\n\n"
        );
    }

    #[test]
    fn a_gap_is_said_in_a_comment() {
        let text = events(&[update(10)], 6);
        assert!(
            text.starts_with(": updates 7 to 9 are no longer kept: the feed keeps its last 1000\n"),
            "{text}"
        );
        let text = events(&[update(8)], 6);
        assert!(text.starts_with(": update 7 is no longer kept"), "{text}");
    }

    #[test]
    fn last_event_id_resumes_or_starts_from_now() {
        assert_eq!(start(None, 9).after, 9);
        assert_eq!(start(Some(""), 9).after, 9);
        assert_eq!(
            start(Some("4"), 9),
            Start {
                after: 4,
                said: String::new()
            }
        );
        let ahead = start(Some("12"), 9);
        assert_eq!(ahead.after, 9);
        assert!(ahead.said.starts_with(": Last-Event-ID 12 is ahead"));
        let odd = start(Some("x\u{1b}y"), 9);
        assert_eq!(odd.after, 9);
        assert!(odd.said.contains("not an update number"), "{}", odd.said);
        // A comment is one line: nothing in it may end it early.
        assert_eq!(odd.said.lines().count(), 1);
        assert!(!odd.said.contains('\r'));
    }
}
