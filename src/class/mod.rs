//! The classroom over the network, as pure data: the class protocol's messages (JSON text
//! over WebSocket, each with a type and a version; see docs/classroom.md), the join code, the
//! neutralising of the names students type, the bounds and the guards that keep a hub's costs
//! bounded, and the room's tally. No sockets here: `net::class` speaks it, `app` shows it.

pub mod code;
pub mod guard;
pub mod join;
pub mod limits;
pub mod names;
pub mod protocol;
pub mod room;

#[cfg(test)]
mod tests;

pub use protocol::{Closing, FromHub, FromStudent, Position, ProtocolError};
pub use room::{Room, Tally};
