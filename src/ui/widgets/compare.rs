//! The compare and chart panes: a measured experiment as a table of what was compared
//! against what was measured, and as horizontal bars for the columns worth a chart.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use super::{PaneCtx, cut, printable, say, wrap};
use crate::capture::measure::{Figure, Measured};
use crate::ui::Theme;

/// A heading this short or shorter stays on one line; longer ones wrap at their words.
const HEADING: usize = 12;

/// The widest a row label gets before it wraps.
const LABEL: usize = 28;

/// When there is nothing measured: the error if the experiment failed.
fn unmeasured(frame: &mut Frame, area: Rect, theme: &Theme, ctx: &PaneCtx<'_>) {
    match &ctx.run.error {
        Some(e) => say(
            frame,
            area,
            theme.bad,
            &format!("Nothing was measured: {}", printable(e)),
        ),
        None => say(
            frame,
            area,
            theme.dim,
            "Nothing was measured for this pane.",
        ),
    }
}

/// Draws the compare pane: the title, the table (`ctx.selected` picks a row) and, where
/// there is room, the notes.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, ctx: &PaneCtx<'_>) {
    if area.is_empty() {
        return;
    }
    let Some(m) = &ctx.run.measured else {
        unmeasured(frame, area, theme, ctx);
        return;
    };
    let (header, body) = orient(m, area.width);
    let widths = widths(&header, &body);
    let wrapped = |row: &[String], style| -> (Vec<Cell<'static>>, usize) {
        let cells: Vec<(Text<'static>, usize)> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (text, &w))| {
                let lines: Vec<Line<'static>> = wrap(text, w).into_iter().map(Line::from).collect();
                let n = lines.len();
                let text = Text::from(lines).style(style);
                // Figures line up on their units; labels read from the left.
                (if i == 0 { text } else { text.right_aligned() }, n)
            })
            .collect();
        let height = cells.iter().map(|(_, n)| *n).max().unwrap_or(1);
        (
            cells.into_iter().map(|(t, _)| Cell::from(t)).collect(),
            height,
        )
    };
    let (head_cells, head_height) = wrapped(&header, theme.heading);
    let mut table_height = head_height;
    let rows: Vec<Row> = body
        .iter()
        .map(|r| {
            let (cells, h) = wrapped(r, theme.text);
            table_height += h;
            Row::new(cells).height(to_u16(h))
        })
        .collect();
    let n_rows = rows.len();
    let table = Table::new(rows, widths.iter().map(|w| Constraint::Length(to_u16(*w))))
        .header(Row::new(head_cells).height(to_u16(head_height)))
        .column_spacing(2)
        .row_highlight_style(if ctx.focused {
            theme.selected
        } else {
            theme.text
        });
    let notes_height = usize::from(area.height).saturating_sub(1 + table_height + 1);
    let [title, table_area, _, notes_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(to_u16(table_height)),
        Constraint::Length(u16::from(notes_height > 0)),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(super::fit_line(
            &Line::from(Span::styled(printable(&m.title), theme.heading)),
            usize::from(title.width),
        )),
        title,
    );
    let mut state = TableState::default();
    if n_rows > 0 {
        state.select(Some(ctx.selected.min(n_rows - 1)));
    }
    frame.render_stateful_widget(table, table_area, &mut state);
    if notes_height > 0 {
        let notes: Vec<Line> = m
            .notes
            .iter()
            .map(|n| Line::from(Span::styled(format!("· {}", printable(n)), theme.dim)))
            .collect();
        frame.render_widget(Paragraph::new(notes).wrap(Wrap { trim: true }), notes_area);
    }
}

fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// The table as text, a header and rows, the label column first: the things compared as
/// rows, or, when that is too wide for `width` and turning it fits better, as columns.
fn orient(m: &Measured, width: u16) -> (Vec<String>, Vec<Vec<String>>) {
    let figure = |r: usize, c: usize| m.figure(r, c).map(|f| f.to_string()).unwrap_or_default();
    let labels: Vec<String> = m.rows.iter().map(|r| printable(&r.label)).collect();
    let columns: Vec<String> = m.columns.iter().map(|c| printable(c)).collect();
    let mut header = vec![String::new()];
    header.extend(columns.iter().cloned());
    let body: Vec<Vec<String>> = (0..m.rows.len())
        .map(|r| {
            let mut row = vec![labels[r].clone()];
            row.extend((0..m.columns.len()).map(|c| figure(r, c)));
            row
        })
        .collect();
    let mut turned_header = vec![String::new()];
    turned_header.extend(labels.iter().cloned());
    let turned: Vec<Vec<String>> = (0..m.columns.len())
        .map(|c| {
            let mut row = vec![columns[c].clone()];
            row.extend((0..m.rows.len()).map(|r| figure(r, c)));
            row
        })
        .collect();
    let total = |h: &[String], b: &[Vec<String>]| {
        let w = widths(h, b);
        w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1)
    };
    let (straight, across) = (total(&header, &body), total(&turned_header, &turned));
    if straight > usize::from(width) && across < straight {
        (turned_header, turned)
    } else {
        (header, body)
    }
}

/// Each column's width: its widest figure, its longest word, and short headings whole.
fn widths(header: &[String], body: &[Vec<String>]) -> Vec<usize> {
    let chars = |s: &str| s.chars().count();
    let word = |s: &str| s.split_whitespace().map(chars).max().unwrap_or(0);
    (0..header.len())
        .map(|c| {
            let cells = body.iter().filter_map(|r| r.get(c));
            if c == 0 {
                cells
                    .map(|s| chars(s).min(LABEL).max(word(s)))
                    .max()
                    .unwrap_or(0)
            } else {
                let widest = cells.map(|s| chars(s)).max().unwrap_or(0);
                let h = &header[c];
                widest.max(word(h)).max(chars(h).min(HEADING))
            }
        })
        .collect()
}

/// Eighths of a cell, so that close figures get visibly different bars.
const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/// A bar of `value` out of `max` in `width` cells; any figure above zero gets a sliver.
fn bar(value: f64, max: f64, width: usize) -> String {
    if max <= 0.0 || value <= 0.0 || width == 0 {
        return String::new();
    }
    #[allow(clippy::cast_precision_loss)] // A bar is at most a terminal wide.
    let eighths = (value / max * (width * 8) as f64).ceil();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // Positive, bounded.
    let eighths = (eighths as usize).clamp(1, width * 8);
    let mut out = "█".repeat(eighths / 8);
    out.push_str(EIGHTHS[eighths % 8]);
    out
}

/// Draws the chart pane: a bar chart for each column worth one, bars labelled with their
/// rows and figures; `ctx.selected` scrolls it when it does not fit.
pub fn draw_chart(frame: &mut Frame, area: Rect, theme: &Theme, ctx: &PaneCtx<'_>) {
    if area.is_empty() {
        return;
    }
    let Some(m) = &ctx.run.measured else {
        unmeasured(frame, area, theme, ctx);
        return;
    };
    let columns: Vec<usize> = m
        .charts
        .iter()
        .copied()
        .filter(|c| *c < m.columns.len())
        .collect();
    let width = usize::from(area.width);
    let label_width = m
        .rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(width / 3);
    let mut lines = vec![Line::from(Span::styled(printable(&m.title), theme.heading))];
    let mut charts: Vec<Vec<Line>> = Vec::new();
    for (k, &col) in columns.iter().enumerate() {
        let figures: Vec<Figure> = (0..m.rows.len())
            .map(|r| m.figure(r, col).unwrap_or(Figure::None))
            .collect();
        let values: Vec<String> = figures.iter().map(ToString::to_string).collect();
        let value_width = values.iter().map(|v| v.chars().count()).max().unwrap_or(0);
        let max = figures
            .iter()
            .filter_map(|f| f.value())
            .fold(0.0_f64, f64::max);
        let bar_width = width.saturating_sub(label_width + value_width + 2);
        let mut chart = vec![Line::from(Span::styled(
            printable(&m.columns[col]),
            theme.heading,
        ))];
        for ((row, figure), value) in m.rows.iter().zip(&figures).zip(&values) {
            // One row has nothing to be measured against: its bar would always be full.
            let bar = if m.rows.len() > 1 {
                bar(figure.value().unwrap_or(0.0), max, bar_width)
            } else {
                String::new()
            };
            let label = cut(&printable(&row.label), label_width);
            chart.push(Line::from(vec![
                Span::styled(format!("{label:<label_width$} "), theme.text),
                Span::styled(bar.clone(), theme.fields[k % theme.fields.len()]),
                Span::styled(
                    format!(
                        "{:pad$} {value:>value_width$}",
                        "",
                        pad = bar_width.saturating_sub(bar.chars().count())
                    ),
                    theme.text,
                ),
            ]));
        }
        charts.push(chart);
    }
    if charts.is_empty() {
        lines.push(Line::from(Span::styled(
            "No column of this measurement is worth a chart; the compare pane has the table.",
            theme.dim,
        )));
    }
    let bare: usize = charts.iter().map(Vec::len).sum::<usize>() + 1;
    // A blank line between charts, when they all fit with it.
    let spaced = bare + charts.len() <= usize::from(area.height);
    for chart in charts {
        if spaced {
            lines.push(Line::default());
        }
        lines.extend(chart);
    }
    if m.rows.len() == 1 {
        lines.push(Line::from(Span::styled(
            "One row was measured, so there is nothing for a bar to be compared with.",
            theme.dim,
        )));
    }
    let top = ctx
        .selected
        .min(lines.len().saturating_sub(usize::from(area.height)));
    let width = usize::from(area.width);
    let lines: Vec<Line> = lines.iter().map(|l| super::fit_line(l, width)).collect();
    frame.render_widget(Paragraph::new(lines).scroll((to_u16(top), 0)), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_and_long_words_break() {
        assert_eq!(wrap("bytes on the wire", 12), ["bytes on the", "wire"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 3), [""]);
        assert_eq!(wrap("a b", 0), ["a", "b"]);
    }

    #[test]
    fn bars_scale_to_the_largest_and_never_vanish() {
        assert_eq!(bar(10.0, 10.0, 4), "████");
        assert_eq!(bar(5.0, 10.0, 4), "██");
        assert_eq!(bar(0.01, 10.0, 4), "▏");
        assert_eq!(bar(0.0, 10.0, 4), "");
        assert_eq!(bar(1.0, 0.0, 4), "");
        assert_eq!(bar(1.0, 1.0, 0), "");
    }
}
