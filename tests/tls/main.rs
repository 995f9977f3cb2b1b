//! wss:// end to end: both layers captured, the key log that lets Wireshark decrypt a capture, and
//! which certificates a client trusts.
//!
//! One binary for the theme, so that the tests link once and share tests/common/ (see
//! docs/ARCHITECTURE.md, "Tests").

#[path = "../common/mod.rs"]
mod common;
mod keylog;
mod trust;
mod wss;
