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
    /// The background and foreground painted under everything: each theme paints its own,
    /// so that a light theme on a dark terminal is not black on black.
    pub base: Style,
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
    /// The theme called `name`. Colours are from the xterm 256-colour cube and grey ramp
    /// (16–255), which terminals do not re-theme, so the contrast below holds everywhere;
    /// grey text has at least 4.5:1 against its background (WCAG AA), tested.
    pub fn new(name: ThemeName) -> Self {
        let fg = |c: u8| Style::new().fg(Color::Indexed(c));
        match name {
            ThemeName::Dark => Self {
                base: Style::new().bg(Color::Indexed(234)).fg(Color::Indexed(252)),
                text: fg(252),
                dim: fg(247),
                heading: fg(80).add_modifier(Modifier::BOLD),
                selected: Style::new().bg(Color::Indexed(24)).fg(Color::Indexed(231)),
                focus: fg(80).add_modifier(Modifier::BOLD),
                border: fg(241),
                good: fg(114),
                bad: fg(203).add_modifier(Modifier::BOLD),
                code: fg(222),
                fields: [fg(177), fg(80), fg(222), fg(114)],
            },
            ThemeName::Light => Self {
                base: Style::new().bg(Color::Indexed(231)).fg(Color::Indexed(16)),
                text: fg(16),
                dim: fg(240),
                heading: fg(25).add_modifier(Modifier::BOLD),
                selected: Style::new().bg(Color::Indexed(153)).fg(Color::Indexed(16)),
                focus: fg(25).add_modifier(Modifier::BOLD),
                border: fg(245),
                good: fg(28),
                bad: fg(124).add_modifier(Modifier::BOLD),
                code: fg(127),
                fields: [fg(127), fg(25), fg(124), fg(28)],
            },
            ThemeName::HighContrast => Self {
                base: Style::new().bg(Color::Indexed(16)).fg(Color::Indexed(231)),
                text: fg(231),
                dim: fg(231),
                heading: fg(226).add_modifier(Modifier::BOLD),
                selected: Style::new().bg(Color::Indexed(226)).fg(Color::Indexed(16)),
                focus: fg(226).add_modifier(Modifier::BOLD),
                border: fg(231),
                good: fg(120).add_modifier(Modifier::BOLD),
                bad: fg(210).add_modifier(Modifier::BOLD),
                code: fg(123).add_modifier(Modifier::BOLD),
                fields: [fg(213), fg(123), fg(226), fg(120)],
            },
            ThemeName::Plain => Self {
                base: Style::new(),
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

    /// Paints the theme's background and foreground over `area`, before anything is drawn.
    pub fn paint(&self, frame: &mut ratatui::Frame, area: ratatui::layout::Rect) {
        frame.render_widget(ratatui::widgets::Block::default().style(self.base), area);
    }
}

/// The sRGB colour of an xterm 256-colour index from 16 up (the cube and the grey ramp).
pub fn xterm_rgb(index: u8) -> Option<(u8, u8, u8)> {
    const STEPS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match index {
        16..=231 => {
            let i = index - 16;
            Some((
                STEPS[usize::from(i / 36)],
                STEPS[usize::from(i / 6 % 6)],
                STEPS[usize::from(i % 6)],
            ))
        }
        232..=255 => {
            let v = 8 + 10 * (index - 232);
            Some((v, v, v))
        }
        _ => None,
    }
}

/// WCAG 2's contrast ratio between two sRGB colours, from 1 to 21.
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgb(style: Style, background: bool) -> (u8, u8, u8) {
        let colour = if background { style.bg } else { style.fg };
        match colour {
            Some(Color::Indexed(i)) => xterm_rgb(i).expect("a fixed colour"),
            other => panic!("not a fixed colour: {other:?}"),
        }
    }

    #[test]
    fn every_text_style_is_readable_on_its_theme_s_background() {
        for name in [ThemeName::Dark, ThemeName::Light, ThemeName::HighContrast] {
            let t = Theme::new(name);
            let bg = rgb(t.base, true);
            let mut styles = vec![("text", t.text), ("dim", t.dim), ("heading", t.heading)];
            styles.extend([("good", t.good), ("bad", t.bad), ("code", t.code)]);
            styles.extend(t.fields.iter().map(|f| ("field", *f)));
            for (what, style) in styles {
                let ratio = contrast(rgb(style, false), bg);
                assert!(ratio >= 4.5, "{name:?} {what}: {ratio:.2}:1");
            }
            let selected = contrast(rgb(t.selected, false), rgb(t.selected, true));
            assert!(selected >= 4.5, "{name:?} selected: {selected:.2}:1");
        }
    }

    #[test]
    fn the_palette_and_the_ratio_are_the_standard_ones() {
        assert_eq!(xterm_rgb(16), Some((0, 0, 0)));
        assert_eq!(xterm_rgb(231), Some((255, 255, 255)));
        assert_eq!(xterm_rgb(196), Some((255, 0, 0)));
        assert_eq!(xterm_rgb(244), Some((128, 128, 128)));
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
        // xterm's palette 7 grey on white, the light theme's old dim text: far too faint.
        assert!(contrast((229, 229, 229), (255, 255, 255)) < 1.3);
    }
}
