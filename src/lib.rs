//! wslab teaches the WebSocket protocol by doing it for real: every byte it shows crossed a
//! real socket, and every byte is explained.
//!
//! The library is laid out as DESIGN.md describes: `proto` is pure protocol knowledge.

pub mod proto;
