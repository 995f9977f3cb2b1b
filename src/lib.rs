//! wslab teaches the WebSocket protocol by doing it for real: every byte it shows crossed a
//! real socket, and every byte is explained.
//!
//! The library is laid out as DESIGN.md describes: `proto` is pure protocol knowledge,
//! `render` turns it into text and JSON without doing I/O, and `cmd` holds the commands'
//! edges, where input is read and output printed.

pub mod app;
pub mod capture;
pub mod cli;
pub mod cmd;
pub mod export;
pub mod files;
pub mod hexinput;
pub mod lesson;
pub mod net;
pub mod proto;
pub mod render;
pub mod routes;
pub mod run;
pub mod tui;
pub mod ui;
