//! Views as plain text and JSON, built from `proto` data with no I/O: the caller prints them.

pub mod accept;
pub mod deflate;
pub mod exchange;
pub mod exchange_json;
pub mod frame;
pub mod handout;
pub mod hexdump;
pub mod http;
pub mod json;
pub mod lesson;
pub mod lines;
pub mod reaction;
pub mod refusal;
pub mod style;
pub mod tls;
