//! The proxy: relaying byte for byte, its connection cap, its `--no-tui` output, permessage-deflate
//! relayed and inflated for display, and peers that break the rules or vanish.
//!
//! One binary for the theme, so that the tests link once and share tests/common/ (see
//! docs/ARCHITECTURE.md, "Tests").

mod cap;
mod cli;
mod closing;
#[path = "../common/mod.rs"]
mod common;
mod deflate;
mod faults;
mod order;
mod relay;
mod text;
mod tls;
mod tls_cli;
