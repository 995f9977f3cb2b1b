//! Lessons as data: the format, loading, linting, checks and the panes a step shows. Pure: the
//! caller reads files and runs actions (see `run`).

pub mod builtin;
pub mod check;
pub mod graded;
pub mod lint;
pub mod model;
pub mod outcome;
pub mod parse;
pub mod predict;
pub mod problem;
pub mod recover;
pub mod source;
pub mod toml_error;

pub use model::{Action, Check, Lesson, Pane, Probe, Step};
pub use parse::{Parsed, parse};
pub use problem::{Problem, Severity};
