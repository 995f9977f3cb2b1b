//! One line per event of `wslab serve`: HTTP start lines and exchanges, frames, times and
//! sizes. Kept apart from the printer so the wording can be read without the event loop.

use crate::capture::Connection;
use crate::proto::http::StartLine;
use crate::render::style::{Palette, Role};

/// One finished HTTP exchange: request, status, bytes each way. Nothing for an interim
/// answer (100 Continue) or a 101, whose frames follow instead.
pub(super) fn exchange(connection: &Connection, index: usize, p: Palette) -> String {
    let (Some(request), Some(response)) = (
        connection.request_for(index),
        connection.responses().http.get(index),
    ) else {
        return String::new();
    };
    let (StartLine::Request { method, target, .. }, StartLine::Response { status, .. }) =
        (&request.head.start, &response.head.start)
    else {
        return String::new();
    };
    if *status == 101 {
        return String::new();
    }
    format!(
        "{} {method} {target} → {status} · {} sent, {} received\n",
        p.paint(Role::Heading, &connection.id.to_string()),
        size(request.wire_len()),
        size(response.wire_len())
    )
}

pub(super) fn time(at_us: u64, p: Palette) -> String {
    p.paint(Role::Dim, &format!("{:>9}", seconds(at_us)))
}

fn seconds(us: u64) -> String {
    format!("{}.{:03}s", us / 1_000_000, us % 1_000_000 / 1000)
}

pub(super) fn size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => tenths(bytes, 1024, "KiB"),
        _ => tenths(bytes, 1_048_576, "MiB"),
    }
}

// One decimal place in integer arithmetic: sizes need no float.
fn tenths(bytes: u64, unit: u64, name: &str) -> String {
    let tenths = bytes.saturating_mul(10) / unit;
    format!("{}.{} {name}", tenths / 10, tenths % 10)
}
