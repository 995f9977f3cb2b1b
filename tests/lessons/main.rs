//! The lessons: the shipped files check clean, every action runs for real, the measured
//! experiments measure, and no lesson file, however broken, makes wslab panic.
//!
//! One binary for the theme, so that the tests link once and share tests/common/ (see
//! docs/ARCHITECTURE.md, "Tests").

mod experiments;
mod files;
mod grade;
mod handout;
mod never_panics;
mod plain;
mod run_actions;
