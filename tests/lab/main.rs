//! The lab server and wslab's clients against it on loopback: every endpoint and fault, the HTTP
//! client, and whole exchanges checked through both taps and the self-check.
//!
//! One binary for the theme, so that the tests link once and share tests/common/ (see
//! docs/ARCHITECTURE.md, "Tests").

#[path = "../common/mod.rs"]
mod common;
mod deflate;
mod events;
mod exchanges_faults;
mod exchanges_http;
mod exchanges_ws;
mod faults;
mod http;
mod http_client;
mod routes;
mod ws;
