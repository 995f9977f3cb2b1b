//! Executes actions through `net/` and hands back what they measured or captured.
pub mod experiment;
