//! What wslab writes for other tools: pcap (read back, and by tshark where installed), HAR, and
//! the one JSON Lines schema shared by `--json`, `--save` and `proxy --no-tui`.
//!
//! One binary for the theme, so that the tests link once and share tests/common/ (see
//! docs/ARCHITECTURE.md, "Tests").

mod cli;
#[path = "../common/mod.rs"]
mod common;
mod json;
mod jsonl_schema;
mod pcap;
mod refusal;
