//! Every test of the terminal screens, in one binary: the lessons' screens and their keys, the
//! panes, the inspector and the proxy view, all drawn on ratatui's `TestBackend` from
//! captures made by hand (`fixture`), with one smoke test on real sockets (`smoke`).
//! Snapshots live in `tests/ui/snapshots/`.

mod class_room;
mod classroom;
mod first_hour;
mod fixture;
mod frames;
mod grade;
mod inspect;
mod keys;
mod panes;
mod proxy_view;
mod screen;
mod screens;
mod smoke;
mod wss_capture;
