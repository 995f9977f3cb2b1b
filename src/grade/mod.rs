//! The grader: a curated suite of cases that asks a WebSocket server every question RFC 6455
//! and RFC 7692 settle, and a report card that explains each answer rule by rule with the
//! bytes that prove it. Pure: the cases are data, the judge reads a captured connection, the
//! card is text. `run::grade` plays the cases on real sockets.

pub mod case;
pub mod evidence;
pub mod heard;
pub mod judge;
pub mod outcome;
pub mod report;
pub mod select;
pub mod suite;

pub use case::{Case, Group, Level};
pub use outcome::{Grade, Outcome, Verdict};
pub use report::Card;
