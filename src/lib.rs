//! wslab teaches the WebSocket protocol by doing it for real: every byte it shows crossed a
//! real socket, and every byte is explained.
//!
//! The library is laid out in layers, bottom to top, as docs/ARCHITECTURE.md describes and
//! tests/architecture.rs enforces: `proto` is pure protocol knowledge, `capture` the pure
//! transcript of what crossed, `render` and `export` its views, `net` the only code with
//! sockets, `app` and `ui` the screens' state and drawing, `tui` the terminal loops, and
//! `cmd` the commands' edges, where input is read and output printed.

pub mod app;
pub mod capture;
pub mod class;
pub mod cli;
pub mod cmd;
pub mod export;
pub mod files;
pub mod grade;
pub mod hexinput;
pub mod lesson;
pub mod net;
pub mod proto;
pub mod render;
pub mod routes;
pub mod run;
pub mod signals;
pub mod tui;
pub mod ui;
