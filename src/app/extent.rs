//! How far the selection and the byte cursor can go in the pane shown, read from the capture,
//! so that keys pressed past the end do not pile up where nothing shows them.

use super::{App, Live};
use crate::capture::{Connection, Direction};
use crate::lesson::model::Pane;
use crate::proto::Frame;
use crate::render::exchange::{Item, timeline};

/// The payload bytes a frame's hex dump shows; the cursor stops at the last of them.
const SHOWN_PAYLOAD: u64 = crate::proto::limits::PANE_PAYLOAD as u64;

/// The rows of the pane shown and, for frames, the last cursor position in the selected
/// frame. `None` where the pane's length is not known here.
pub(super) fn extent(app: &App) -> Option<(usize, Option<usize>)> {
    let view = app.lesson.as_ref()?;
    if let Some(lines) = super::card::extent(app) {
        return Some((lines, None));
    }
    shown(app, |pane, conns| pane_extent(pane, conns, view.selected))
}

/// How far the selection and cursor go in `pane` over `conns`, with row `selected` chosen:
/// the rows, and for frames the last cursor position in the selected frame. `None` where the
/// pane's length is not known here. The lessons and the inspector both keep to it.
pub fn pane_extent(
    pane: Pane,
    conns: &[&Connection],
    selected: usize,
) -> Option<(usize, Option<usize>)> {
    match pane {
        Pane::Frames | Pane::Fields | Pane::Timeline => {
            let rows: usize = conns
                .iter()
                .map(|c| c.requests().frames.len() + c.responses().frames.len())
                .sum();
            let cursor =
                nth_frame(conns, selected.min(rows.saturating_sub(1))).map(|(f, _)| last_cursor(f));
            Some((rows, cursor))
        }
        Pane::Tls => {
            // Both sides of a proxied connection: each its own TLS session.
            let records = conns
                .iter()
                .flat_map(|c| [c.tls.as_ref(), c.upstream_tls.as_ref()])
                .flatten()
                .flat_map(|tls| Direction::BOTH.map(|d| tls.flow(d).records.len()))
                .sum();
            Some((records, None))
        }
        Pane::Heads => {
            let lines: usize = conns
                .iter()
                .flat_map(|c| c.requests().http.iter().chain(c.responses().http.iter()))
                .map(|m| m.head.headers.len() + 2)
                .sum();
            Some((lines, None))
        }
        _ => None,
    }
}

/// The frame the step's `opens` names, as its number in the frames list of the pane shown
/// (what [`super::LessonView::selected`] holds); `None` when the pane shown is not the one
/// it names, or the capture does not hold that frame (yet).
pub(super) fn opening_row(app: &App) -> Option<usize> {
    let (step, view) = (app.step()?, app.lesson.as_ref()?);
    let opens = step.opens?;
    let (action, pane) = *super::panes(app).get(view.pane)?;
    if !matches!(pane, Pane::Frames | Pane::Fields)
        || Some(action) != opens.action_index(&step.actions)
    {
        return None;
    }
    let want = match opens.from {
        crate::lesson::model::From::Client => Direction::ClientToServer,
        crate::lesson::model::From::Server => Direction::ServerToClient,
    };
    shown(app, |_, conns| {
        let directions = conns.iter().flat_map(|c| {
            timeline(c).into_iter().filter_map(|e| match e.what {
                Item::Frame(_) => Some(e.direction),
                Item::Message(_) => None,
            })
        });
        directions
            .enumerate()
            .filter(|(_, d)| *d == want)
            .nth(opens.frame.checked_sub(1)?)
            .map(|(row, _)| row)
    })
}

/// The last byte of `frame` its hex dump shows: the cursor stops there.
pub(super) fn last_cursor(frame: &Frame) -> usize {
    let shown = frame.header_len() + frame.payload_len().min(SHOWN_PAYLOAD);
    usize::try_from(shown.saturating_sub(1)).unwrap_or(usize::MAX)
}

/// Calls `f` with the pane shown and its action's connections, once the step has run.
fn shown<R>(app: &App, f: impl FnOnce(Pane, &[&Connection]) -> Option<R>) -> Option<R> {
    let view = app.lesson.as_ref()?;
    let (action, pane) = *super::panes(app).get(view.pane)?;
    let Some(Live::Done(runs)) = view.live.get(view.step) else {
        return None;
    };
    let run = runs.get(action)?;
    let t = app.capture.as_deref()?;
    let conns: Vec<&Connection> = run
        .conns
        .iter()
        .filter_map(|id| t.connection(*id))
        .collect();
    f(pane, &conns)
}

/// The `n`th frame of the connections, each connection's frames in wire order, one
/// connection after the other, as the frames pane lists them.
fn nth_frame<'a>(conns: &[&'a Connection], mut n: usize) -> Option<(&'a Frame, Direction)> {
    for c in conns {
        let count = c.requests().frames.len() + c.responses().frames.len();
        if n < count {
            return timeline(c)
                .into_iter()
                .filter_map(|e| match e.what {
                    Item::Frame(f) => Some((f, e.direction)),
                    Item::Message(_) => None,
                })
                .nth(n);
        }
        n -= count;
    }
    None
}

/// Where each field of the selected frame starts, from the frame's first byte, in order: the
/// stops of the field-by-field cursor.
pub(super) fn field_starts(app: &App) -> Option<Vec<usize>> {
    let view = app.lesson.as_ref()?;
    shown(app, |pane, conns| {
        if !matches!(pane, Pane::Frames | Pane::Fields) {
            return None;
        }
        let (frame, direction) = nth_frame(conns, view.selected)?;
        let mut starts: Vec<usize> = crate::proto::fields::fields(frame, direction.sender())
            .iter()
            .filter_map(|f| usize::try_from(f.span.start.checked_sub(frame.offset)?).ok())
            .collect();
        starts.sort_unstable();
        starts.dedup();
        Some(starts)
    })
}
