//! The capture and its views, fed bytes directly or through a tap: the transcript, permessage-deflate's
//! inflating for display, the exchange renderer, and renderers that never panic on any input.
//!
//! One binary for the theme, so that the tests link once and share tests/common/ (see
//! docs/ARCHITECTURE.md, "Tests").

#[path = "../common/mod.rs"]
mod common;
mod deflate;
mod render_exchange;
mod render_never_panics;
mod tap;
mod transcript;
