//! The card pane: a grade action's card, led by the learner's last saved grade when that is
//! not the card on screen. Lines wrap at their words, keeping their indent; `selected` is the
//! first line shown, so ↑↓ scroll, and a last row says how much is below.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{PaneCtx, printable, say, wrap};
use crate::render::lesson::card::Tone;
use crate::ui::Theme;

/// The theme's style for a line of `tone`.
pub(crate) fn style(tone: Tone, theme: &Theme) -> Style {
    match tone {
        Tone::Text => theme.text,
        Tone::Heading => theme.heading,
        Tone::Dim => theme.dim,
        Tone::Good => theme.good,
        Tone::Bad => theme.bad,
        // The themes have no warning colour; the code colour is the one apart from right,
        // wrong, headings and dim text, and every theme tests its contrast.
        Tone::Warn => theme.code,
    }
}

/// `text` in rows of `width`, each row after the first indented as the text is.
fn rows(text: &str, width: usize) -> Vec<String> {
    let indent = text.len() - text.trim_start().len();
    if text.chars().count() <= width || indent >= width {
        return vec![text.to_owned()];
    }
    let pad = " ".repeat(indent);
    wrap(text.trim_start(), width - indent)
        .into_iter()
        .map(|row| format!("{pad}{row}"))
        .collect()
}

/// Draws the card pane.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, ctx: &PaneCtx<'_>) {
    if area.is_empty() {
        return;
    }
    let lines = crate::app::card::lines(ctx.run.graded.as_ref(), ctx.saved);
    if lines.is_empty() {
        // An unreachable server's sentence is drawn above the pane by its caller.
        let why = if ctx.run.error.is_some() {
            "No card: no case could run."
        } else {
            "No card: nothing was graded."
        };
        say(frame, area, theme.dim, why);
        return;
    }
    draw_lines(frame, area, theme, &lines, ctx.selected, ctx.focused);
}

/// `lines` from line `top`, each wrapped at its words under its indent; when they do not
/// fit, the last row says how many more there are and how to reach them.
pub(crate) fn draw_lines(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    lines: &[(String, Tone)],
    top: usize,
    focused: bool,
) {
    if area.is_empty() || lines.is_empty() {
        return;
    }
    let width = usize::from(area.width);
    let top = top.min(lines.len() - 1);
    let mut shown: Vec<Line> = Vec::new();
    for (text, tone) in &lines[top..] {
        for row in rows(&printable(text), width) {
            shown.push(Line::from(Span::styled(row, style(*tone, theme))));
        }
    }
    let height = usize::from(area.height);
    if shown.len() > height && height > 1 {
        let below = shown.len() - (height - 1);
        shown.truncate(height - 1);
        let how = if focused { "↓" } else { "Tab here, then ↓" };
        shown.push(Line::from(Span::styled(
            format!("… {below} more row(s): {how}"),
            theme.dim,
        )));
    }
    frame.render_widget(Paragraph::new(shown), area);
}

#[cfg(test)]
mod tests {
    use super::rows;

    #[test]
    fn a_long_line_wraps_under_its_indent() {
        assert_eq!(
            rows("  RFC 6455 §5.1 (MUST): a server MUST close", 20),
            ["  RFC 6455 §5.1", "  (MUST): a server", "  MUST close"]
        );
        assert_eq!(rows("short", 20), ["short"]);
    }
}
