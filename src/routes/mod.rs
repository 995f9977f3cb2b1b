//! What the lab serves, as data: its WebSocket endpoints and its misbehaving peers, each with
//! its one list, its path, its description and its parse. The lab, the banner, the lesson
//! files and the runner all name them through these types, so a route cannot exist in one
//! place and be missing in another. Pure: no I/O.

mod endpoint;
mod fault;

pub use endpoint::Endpoint;
pub use fault::Fault;

/// Names joined for a sentence: "a, b, c".
fn listed(names: impl Iterator<Item = &'static str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}
