//! How a region says it has the keys: a heavy border and a `▶` before its title. Both are
//! glyphs, not colours, so the mark survives every theme, `NO_COLOR` and a monochrome
//! projector; the theme's focus colour comes on top where there is colour.

use ratatui::text::Span;
use ratatui::widgets::{Block, BorderType, Borders};

use super::Theme;

/// The mark before a focused region's title.
pub const MARK: &str = "▶";

/// A bordered region, heavy and in the focus style when `focused`.
pub fn block(theme: &Theme, focused: bool) -> Block<'static> {
    let block = Block::default().borders(Borders::ALL);
    if focused {
        block
            .border_type(BorderType::Thick)
            .border_style(theme.focus)
    } else {
        block.border_style(theme.border)
    }
}

/// The lead of a region's title: the mark when it has the keys, nothing otherwise.
pub fn lead(theme: &Theme, focused: bool) -> Span<'static> {
    if focused {
        Span::styled(MARK, theme.focus)
    } else {
        Span::raw("")
    }
}
