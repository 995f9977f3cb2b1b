//! Drawing: a pure function of the [`App`] onto a ratatui frame. No I/O and no sockets here
//! (the architecture test checks it); the event loop in `tui.rs` calls [`draw`].

mod help;
pub mod inspect;
mod lesson;
mod menu;
pub mod panes;
mod present;
pub mod prose;
pub mod proxy_view;
pub mod theme;
pub mod widgets;

use ratatui::Frame;

use crate::app::{App, Mode, Screen};
pub use theme::{Theme, ThemeName};

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    match (app.screen, app.mode) {
        (Screen::Menu, _) => menu::draw(frame, app, theme),
        (Screen::Lesson, Mode::Learn) => lesson::draw(frame, app, theme),
        (Screen::Lesson, Mode::Present { .. }) => present::draw(frame, app, theme),
    }
    if app.help {
        help::draw(frame, app, theme);
    }
}
