//! The wslab binary itself, run as a user runs it: exit statuses, one-sentence errors, and
//! `connect` against the lab.
//!
//! One binary for the theme, so that the tests link once and share tests/common/ (see
//! docs/ARCHITECTURE.md, "Tests").

mod binary;
mod connect_deflate;
mod connect_endings;
mod connect_errors;
mod connect_lab;
mod connect_raw;
mod connect_truth;
mod profile;
#[cfg(unix)]
mod pty;
mod raw_server;
mod screen_signals;
mod shell;
mod signals;
