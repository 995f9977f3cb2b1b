//! Colours as data: one [`Theme`] per name, and a plain one for `NO_COLOR`, where emphasis is
//! carried by bold, reverse and underline alone.

use ratatui::style::{Color, Modifier, Style};

/// The theme names `--theme` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeName {
    /// Light text on a dark terminal.
    #[default]
    Dark,
    /// Dark text on a light terminal or a bright projector.
    Light,
    /// Black and white with yellow emphasis, for poor projectors and weak eyes.
    HighContrast,
    /// No colour at all (`NO_COLOR`, `--color never`).
    Plain,
}

/// The styles every screen draws with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Ordinary text.
    pub text: Style,
    /// Less important text: hints of keys, times.
    pub dim: Style,
    /// Titles and headings.
    pub heading: Style,
    /// The selected line or item.
    pub selected: Style,
    /// Borders of the pane with focus.
    pub focus: Style,
    /// Borders of the other panes.
    pub border: Style,
    /// Right, ✓.
    pub good: Style,
    /// Wrong, ✗, a broken rule.
    pub bad: Style,
    /// Code and bytes in prose.
    pub code: Style,
    /// The frame header fields, by kind: flags and opcode, MASK and length, masking key,
    /// payload.
    pub fields: [Style; 4],
}

impl Theme {
    /// The theme called `name`.
    pub fn new(name: ThemeName) -> Self {
        let fg = |c: Color| Style::new().fg(c);
        match name {
            ThemeName::Dark => Self {
                text: Style::new(),
                dim: fg(Color::DarkGray),
                heading: fg(Color::Cyan).add_modifier(Modifier::BOLD),
                selected: Style::new().bg(Color::Blue).fg(Color::White),
                focus: fg(Color::Cyan),
                border: fg(Color::DarkGray),
                good: fg(Color::Green),
                bad: fg(Color::Red).add_modifier(Modifier::BOLD),
                code: fg(Color::Yellow),
                fields: [
                    fg(Color::Magenta),
                    fg(Color::Cyan),
                    fg(Color::Yellow),
                    fg(Color::Green),
                ],
            },
            ThemeName::Light => Self {
                text: fg(Color::Black),
                dim: fg(Color::Gray),
                heading: fg(Color::Blue).add_modifier(Modifier::BOLD),
                selected: Style::new().bg(Color::LightBlue).fg(Color::Black),
                focus: fg(Color::Blue),
                border: fg(Color::Gray),
                good: fg(Color::Green),
                bad: fg(Color::Red).add_modifier(Modifier::BOLD),
                code: fg(Color::Magenta),
                fields: [
                    fg(Color::Magenta),
                    fg(Color::Blue),
                    fg(Color::Red),
                    fg(Color::Green),
                ],
            },
            ThemeName::HighContrast => Self {
                text: fg(Color::White),
                dim: fg(Color::White),
                heading: fg(Color::Yellow).add_modifier(Modifier::BOLD),
                selected: Style::new().bg(Color::Yellow).fg(Color::Black),
                focus: fg(Color::Yellow),
                border: fg(Color::White),
                good: fg(Color::LightGreen).add_modifier(Modifier::BOLD),
                bad: fg(Color::LightRed).add_modifier(Modifier::BOLD),
                code: fg(Color::LightCyan).add_modifier(Modifier::BOLD),
                fields: [
                    fg(Color::LightMagenta),
                    fg(Color::LightCyan),
                    fg(Color::Yellow),
                    fg(Color::LightGreen),
                ],
            },
            ThemeName::Plain => Self {
                text: Style::new(),
                dim: Style::new(),
                heading: Style::new().add_modifier(Modifier::BOLD),
                selected: Style::new().add_modifier(Modifier::REVERSED),
                focus: Style::new().add_modifier(Modifier::BOLD),
                border: Style::new(),
                good: Style::new().add_modifier(Modifier::BOLD),
                bad: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                code: Style::new().add_modifier(Modifier::UNDERLINED),
                fields: [Style::new(); 4],
            },
        }
    }
}
