//! Drawing: a pure function of each screen's state onto a ratatui frame (the lessons' [`App`]
//! here, the inspector's in `inspect`, the proxy view's in `proxy_view`). No I/O and no
//! sockets here (tests/architecture.rs checks it); the event loops in `tui/` call them.

mod class;
mod craft;
mod end;
pub mod flow;
pub mod focus;
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

/// As many of `keys` as fit in `width` columns, in order, joined by " · "; when some do not
/// fit, the line ends with "? more" so that nothing is cut unseen.
pub(crate) fn fit_keys(keys: &[&str], width: usize) -> String {
    let all = format!(" {}", keys.join(" · "));
    if all.chars().count() <= width {
        return all;
    }
    let more = " · ? more";
    let mut line = String::new();
    for key in keys {
        let next = if line.is_empty() {
            format!(" {key}")
        } else {
            format!("{line} · {key}")
        };
        if next.chars().count() + more.chars().count() > width {
            break;
        }
        line = next;
    }
    format!("{line}{more}")
}
