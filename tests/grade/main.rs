//! `wslab grade` judged against servers: the lab, a tokio-tungstenite echo server, Python's
//! websockets (an implementation nobody here wrote) and a deliberately lax server written
//! for these tests, each graded on real loopback sockets with the verdicts it earns.
//!
//! One binary for the theme, so that the tests link once and share tests/common/ (see
//! docs/ARCHITECTURE.md, "Tests").

#[path = "../common/mod.rs"]
mod common;

mod client;
mod lab;
mod lax;
mod peers;
mod python;
mod report;
mod tungstenite;
