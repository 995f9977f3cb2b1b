//! Screens drawn on ratatui's `TestBackend`, and read back as text, cell for cell: every
//! space kept but those at the end of a row, so a column that moves shows in a snapshot.

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::{Frame, Terminal};
use wslab::app::App;
use wslab::app::inspect::Inspector;
use wslab::app::proxy_view::ProxyView;
use wslab::ui::{self, Theme, ThemeName};

/// The terminal sizes every screen is snapshot at.
pub const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// The theme the tests draw with.
pub fn theme() -> Theme {
    Theme::new(ThemeName::Dark)
}

/// Draws one frame of `width`×`height` and gives the buffer back.
pub fn draw(width: u16, height: u16, f: impl FnOnce(&mut Frame)) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal.draw(f).expect("drawn");
    terminal.backend().buffer().clone()
}

/// The buffer's rows, each with its trailing spaces trimmed and a newline after it.
pub fn text(buffer: &Buffer) -> String {
    (0..buffer.area.height)
        .map(|y| row(buffer, y).trim_end().to_owned() + "\n")
        .collect()
}

/// The text of row `y`, every cell.
pub fn row(buffer: &Buffer, y: u16) -> String {
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol())
        .collect()
}

/// The lessons' screen as text.
pub fn lessons(app: &App, (w, h): (u16, u16)) -> String {
    text(&draw(w, h, |f| ui::draw(f, app, &theme())))
}

/// The inspector's screen as text.
pub fn inspector(i: &Inspector, (w, h): (u16, u16)) -> String {
    text(&draw(w, h, |f| ui::inspect::draw(f, i, &theme())))
}

/// The proxy view's screen as text.
pub fn proxy(view: &ProxyView, (w, h): (u16, u16)) -> String {
    text(&draw(w, h, |f| ui::proxy_view::draw(f, view, &theme())))
}
