//! Text laid into the rows of a pane: sentences wrap at spaces, and preformatted rows (code
//! blocks, bit diagrams) never wrap, since a diagram whose columns move is unreadable. A
//! preformatted row wider than the pane is cut at its edge with `›`, and can be shifted
//! sideways (`shift` columns), with `‹` where it starts off screen. The rows are counted here,
//! so a pane knows whether more is below and can say so.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// One line of text before it is laid out: prose that wraps, or a preformatted row.
#[derive(Debug, Clone)]
pub struct Piece<'a> {
    /// The line.
    pub line: Line<'a>,
    /// A code or diagram row: cut, never wrapped.
    pub pre: bool,
}

impl<'a> Piece<'a> {
    /// A line that wraps.
    pub fn prose(line: Line<'a>) -> Self {
        Self { line, pre: false }
    }
}

/// Pieces laid out at one width.
#[derive(Debug, Clone, Default)]
pub struct Flowed<'a> {
    /// Every row, in order.
    pub rows: Vec<Line<'a>>,
    /// Whether some preformatted row is wider than the pane, so that `< >` have a use.
    pub wide: bool,
}

/// The marks of a cut preformatted row: more to the right, more to the left.
pub const MORE_RIGHT: &str = "›";
/// See [`MORE_RIGHT`].
pub const MORE_LEFT: &str = "‹";

/// Lays `pieces` into rows of `width` columns, preformatted rows shifted `shift` columns
/// left.
pub fn flow<'a>(pieces: &[Piece<'a>], width: usize, shift: usize, mark: Style) -> Flowed<'a> {
    let width = width.max(1);
    // Every preformatted row shifts by the same amount, so a diagram's columns stay
    // aligned; never so far that the widest row's end leaves the pane's right edge.
    let shift = shift.min(widest_pre(pieces).saturating_sub(width));
    let mut out = Flowed::default();
    for piece in pieces {
        if piece.pre {
            let (row, wide) = cut(&piece.line, width, shift, mark);
            out.wide |= wide;
            out.rows.push(row);
        } else {
            out.rows.extend(wrap(&piece.line, width));
        }
    }
    out
}

/// The widest preformatted row, in columns.
pub fn widest_pre(pieces: &[Piece<'_>]) -> usize {
    pieces
        .iter()
        .filter(|p| p.pre)
        .map(|p| columns(&p.line))
        .max()
        .unwrap_or(0)
}

fn columns(line: &Line<'_>) -> usize {
    line.spans.iter().map(|s| s.content.chars().count()).sum()
}

/// A preformatted row cut to `width` after `shift` columns, and whether it is wider than the
/// pane at all.
fn cut<'a>(line: &Line<'a>, width: usize, shift: usize, mark: Style) -> (Line<'a>, bool) {
    let total = columns(line);
    if total <= width && shift == 0 {
        return (line.clone(), false);
    }
    let left = shift > 0;
    let right = total.saturating_sub(shift) > width;
    let room = width - usize::from(left) - usize::from(right);
    let skip = shift + usize::from(left);
    let mut spans = Vec::new();
    if left {
        spans.push(Span::styled(MORE_LEFT, mark));
    }
    let (mut at, mut kept) = (0, 0);
    for span in &line.spans {
        for c in span.content.chars() {
            if at >= skip && kept < room {
                match spans.last_mut() {
                    Some(last) if last.style == span.style && !is_mark(last) => {
                        last.content.to_mut().push(c);
                    }
                    _ => spans.push(Span::styled(c.to_string(), span.style)),
                }
                kept += 1;
            }
            at += 1;
        }
    }
    if right {
        spans.push(Span::styled(MORE_RIGHT, mark));
    }
    (Line::from(spans).style(line.style), total > width)
}

fn is_mark(span: &Span<'_>) -> bool {
    span.content == MORE_LEFT || span.content == MORE_RIGHT
}

/// Characters with their styles.
type Cells = Vec<(char, Style)>;

/// `line` wrapped at spaces into rows of at most `width` columns; a word wider than a row is
/// broken inside. Spaces that open the line (a list's indent) are kept; those a row would
/// start with after a break are dropped.
pub fn wrap<'a>(line: &Line<'a>, width: usize) -> Vec<Line<'a>> {
    let width = width.max(1);
    // The line as words, each a run of non-space characters with their styles, and the
    // spaces before each word.
    let mut words: Vec<(Cells, Cells)> = Vec::new();
    let mut gap: Cells = Vec::new();
    let mut word: Cells = Vec::new();
    for span in &line.spans {
        for c in span.content.chars() {
            if c == ' ' {
                if !word.is_empty() {
                    words.push((std::mem::take(&mut gap), std::mem::take(&mut word)));
                }
                gap.push((c, span.style));
            } else {
                word.push((c, span.style));
            }
        }
    }
    if !word.is_empty() || words.is_empty() {
        words.push((gap, word));
    }
    let mut rows: Vec<Cells> = vec![Vec::new()];
    for (i, (gap, word)) in words.into_iter().enumerate() {
        let row = rows.last().map_or(0, Vec::len);
        let lead = if i == 0 || row > 0 { gap.len() } else { 0 };
        if row > 0 && row + lead + word.len() > width {
            rows.push(Vec::new());
        } else if let Some(last) = rows.last_mut() {
            last.extend(gap.into_iter().take(lead));
        }
        for c in word {
            if rows.last().is_some_and(|r| r.len() >= width) {
                rows.push(Vec::new());
            }
            if let Some(last) = rows.last_mut() {
                last.push(c);
            }
        }
    }
    rows.into_iter()
        .map(|cells| joined(&cells).style(line.style))
        .collect()
}

/// Cells as spans, one per run of one style.
fn joined<'a>(cells: &[(char, Style)]) -> Line<'a> {
    let mut spans: Vec<Span<'a>> = Vec::new();
    for &(c, style) in cells {
        match spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push(c),
            _ => spans.push(Span::styled(c.to_string(), style)),
        }
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn sentences_wrap_at_spaces_and_keep_their_indent() {
        let rows = wrap(&Line::from("  • one two three four"), 10);
        assert_eq!(text(&rows), ["  • one", "two three", "four"]);
        let rows = wrap(&Line::from("abcdefghijkl mn"), 5);
        assert_eq!(text(&rows), ["abcde", "fghij", "kl mn"]);
        assert_eq!(text(&wrap(&Line::default(), 5)), [""]);
    }

    #[test]
    fn a_word_split_across_styles_stays_whole() {
        let line = Line::from(vec![
            Span::raw("see "),
            Span::styled("Hello", Style::new().bold()),
            Span::raw(". next"),
        ]);
        let rows = wrap(&line, 8);
        assert_eq!(text(&rows), ["see", "Hello.", "next"]);
    }

    #[test]
    fn a_wide_diagram_row_is_cut_with_marks_never_wrapped() {
        let pre = |text: &'static str| Piece {
            line: Line::from(text),
            pre: true,
        };
        let pieces = [pre("0123456789abcdef"), pre("0123 5")];
        let mark = Style::new();
        let flowed = flow(&pieces, 8, 0, mark);
        assert_eq!(text(&flowed.rows), ["0123456›", "0123 5"]);
        assert!(flowed.wide);
        // Every row of the block shifts alike, so its columns stay aligned.
        let shifted = flow(&pieces, 8, 4, mark);
        assert_eq!(text(&shifted.rows), ["‹56789a›", "‹5"]);
        // Shifted past its end, the widest row's last columns stay in sight.
        let end = flow(&pieces, 8, 100, mark);
        assert_eq!(text(&end.rows), ["‹9abcdef", "‹"]);
        assert!(!flow(&pieces, 16, 0, mark).wide);
        assert_eq!(widest_pre(&pieces), 16);
    }
}
