//! Drawing: a pure function of each screen's state onto a ratatui frame (the lessons' [`App`]
//! here, the inspector's in `inspect`, the proxy view's in `proxy_view`). No I/O and no
//! sockets here (tests/architecture.rs checks it); the event loops in `tui/` call them.

mod class;
mod craft;
mod end;
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
    theme.paint(frame, frame.area());
    let ended = app.lesson.as_ref().is_some_and(|v| v.ended);
    let blank = matches!(app.mode, Mode::Present { blank: true, .. });
    match (app.screen, app.mode) {
        (Screen::Menu, _) => menu::draw(frame, app, theme),
        (Screen::Lesson, _) if ended && !blank => end::draw(frame, app, theme),
        (Screen::Lesson, Mode::Learn) => lesson::draw(frame, app, theme),
        (Screen::Lesson, Mode::Present { .. }) => present::draw(frame, app, theme),
    }
    if app.screen == Screen::Lesson && !blank {
        class::draw_roster(frame, app, theme);
    }
    if app.help {
        help::draw(frame, app, theme);
    }
}
