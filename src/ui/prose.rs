//! Lesson prose, Markdown, as styled lines: headings, `code`, **bold**, lists and fenced
//! blocks. Enough Markdown for what lessons use; the rest shows as written, which reads fine.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::Theme;
use super::flow::Piece;

/// The prose as lines, wrapped later by the paragraph that shows them. Lines of one
/// Markdown paragraph are joined, as Markdown does, so the text wraps to the pane's width
/// rather than to the width the file was written at.
pub fn lines<'a>(text: &'a str, theme: &Theme) -> Vec<Line<'a>> {
    pieces(text, theme).into_iter().map(|p| p.line).collect()
}

/// The prose as [`Piece`]s: [`lines`], each marked preformatted when it is a row of a fenced
/// block, which [`super::flow::flow`] cuts rather than wraps.
pub fn pieces<'a>(text: &'a str, theme: &Theme) -> Vec<Piece<'a>> {
    let mut out: Vec<Line<'a>> = Vec::new();
    let mut pre: Vec<usize> = Vec::new();
    let mut in_code = false;
    // Whether the last line pushed is a paragraph line that the next may continue.
    let mut open = false;
    for raw in text.lines() {
        let trimmed = raw.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
            open = false;
            continue;
        }
        if in_code {
            pre.push(out.len());
            out.push(Line::from(Span::styled(raw, theme.code)));
            continue;
        }
        if trimmed.is_empty() {
            out.push(Line::default());
            open = false;
            continue;
        }
        if let Some(h) = trimmed
            .strip_prefix("### ")
            .or_else(|| trimmed.strip_prefix("## "))
        {
            out.push(Line::from(Span::styled(h, theme.heading)));
            open = false;
            continue;
        }
        let bullet = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
            .or_else(|| numbered(trimmed));
        if let Some(rest) = bullet {
            let indent = raw.len() - trimmed.len();
            let mark = &trimmed[..trimmed.len() - rest.len()];
            let mut spans = vec![
                Span::raw(" ".repeat(indent)),
                Span::styled(
                    if mark.starts_with(['-', '*']) {
                        "• "
                    } else {
                        mark
                    },
                    theme.dim,
                ),
            ];
            spans.extend(inline(rest, theme));
            out.push(Line::from(spans));
            open = true;
            continue;
        }
        match out.last_mut() {
            Some(line) if open => {
                line.spans.push(Span::raw(" "));
                line.spans.extend(inline(trimmed, theme));
            }
            _ => out.push(Line::from(inline(trimmed, theme))),
        }
        open = true;
    }
    out.into_iter()
        .enumerate()
        .map(|(i, line)| Piece {
            line,
            pre: pre.contains(&i),
        })
        .collect()
}

/// The rest of a numbered list item ("1. text"), if the line is one.
fn numbered(line: &str) -> Option<&str> {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    (digits > 0)
        .then(|| line[digits..].strip_prefix(". "))
        .flatten()
}

/// `code` and **bold** within a line.
fn inline<'a>(text: &'a str, theme: &Theme) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let next = [rest.find('`'), rest.find("**")]
            .into_iter()
            .flatten()
            .min();
        let Some(at) = next else {
            spans.push(Span::styled(rest, theme.text));
            break;
        };
        if at > 0 {
            spans.push(Span::styled(&rest[..at], theme.text));
        }
        let (marker, style) = if rest[at..].starts_with('`') {
            ("`", theme.code)
        } else {
            ("**", theme.text.add_modifier(Modifier::BOLD))
        };
        let inner = &rest[at + marker.len()..];
        if let Some(end) = inner.find(marker) {
            spans.push(Span::styled(&inner[..end], style));
            rest = &inner[end + marker.len()..];
        } else {
            spans.push(Span::styled(&rest[at..], theme.text));
            break;
        }
    }
    spans
}

/// A style for dimmed prose, such as speaker notes.
pub fn notes_style(theme: &Theme) -> Style {
    theme.dim.add_modifier(Modifier::ITALIC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::ThemeName;

    #[test]
    fn markdown_marks_become_styles_and_go() {
        let theme = Theme::new(ThemeName::Plain);
        let lines = lines(
            "## Title\nByte `81` is **FIN**,\nand more.\n\n- one\n  goes on\n```text\n81 05\n```",
            &theme,
        );
        let text: Vec<String> = lines.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "Title",
                "Byte 81 is FIN, and more.",
                "",
                "• one goes on",
                "81 05"
            ]
        );
        assert_eq!(lines[1].spans[1].style, theme.code);
    }

    #[test]
    fn an_unclosed_mark_is_shown_as_written() {
        let theme = Theme::new(ThemeName::Plain);
        let text: Vec<String> = lines("a `b", &theme)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(text, ["a `b"]);
    }
}
