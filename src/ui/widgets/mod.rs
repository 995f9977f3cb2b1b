//! The rich live panes. Each widget draws one pane of one action from the capture, given a
//! [`PaneCtx`]; `ui::panes` chooses the widget, and falls back to the plain-mode text for a
//! pane no widget draws.

pub mod card;
pub mod compare;
pub mod derivation;
pub mod frames;
pub mod heads;
pub mod timeline;
pub mod tls;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::Theme;
use crate::app::filter::FrameFilter;
use crate::app::progress::GradeRecord;
use crate::capture::{Connection, Transcript};
use crate::lesson::Pane;
use crate::lesson::model::Action;
use crate::lesson::outcome::ActionRun;

/// What a widget draws from.
#[derive(Debug, Clone, Copy)]
pub struct PaneCtx<'a> {
    /// The action whose pane this is.
    pub action: &'a Action,
    /// What the action did: its connections, error and measured figures.
    pub run: &'a ActionRun,
    /// The action's connections, in the order they opened.
    pub conns: &'a [&'a Connection],
    /// The whole transcript, for raw bytes.
    pub transcript: &'a Transcript,
    /// The selected line: a header line, a frame (across both directions, in wire order).
    /// It may be past the end; widgets clamp it.
    pub selected: usize,
    /// The byte cursor within the selected frame, from its first byte; widgets clamp it.
    pub cursor: usize,
    /// Whether the pane has the keyboard.
    pub focused: bool,
    /// Which frames the frames panes list; `selected` counts only these.
    pub filter: FrameFilter,
    /// The learner's last saved grade of the step, for the card pane.
    pub saved: Option<&'a GradeRecord>,
}

/// Draws `pane` with its widget: every pane has one.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, pane: Pane, ctx: &PaneCtx<'_>) {
    match pane {
        Pane::Heads => heads::draw(frame, area, theme, ctx),
        Pane::Accept => derivation::draw(frame, area, theme, ctx),
        Pane::Compare => compare::draw(frame, area, theme, ctx),
        Pane::Chart => compare::draw_chart(frame, area, theme, ctx),
        Pane::Timeline => timeline::draw(frame, area, theme, ctx),
        Pane::Frames => frames::draw(frame, area, theme, ctx),
        Pane::Fields => frames::draw_fields(frame, area, theme, ctx),
        Pane::Tls => tls::draw(frame, area, theme, ctx),
        Pane::Card => card::draw(frame, area, theme, ctx),
    }
}

/// The first of `len` rows to show in `height` rows so that `selected` is in sight, a third
/// of the way down, where the rows around it give it context.
pub(crate) fn top_for(selected: usize, len: usize, height: usize) -> usize {
    selected
        .saturating_sub(height / 3)
        .min(len.saturating_sub(height))
}

/// A sentence in place of a pane that has nothing to draw.
pub(crate) fn say(frame: &mut Frame, area: Rect, style: Style, text: &str) {
    frame.render_widget(
        Paragraph::new(text.to_owned())
            .style(style)
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// Row `row` of `area` restyled, for the selected line; nothing when it is out of sight.
pub(crate) fn highlight(frame: &mut Frame, area: Rect, row: usize, style: Style) {
    let Ok(row) = u16::try_from(row) else {
        return;
    };
    if row < area.height {
        let line = Rect {
            y: area.y + row,
            height: 1,
            ..area
        };
        frame.buffer_mut().set_style(line, style);
    }
}

/// Captured text made safe to draw, as every view shows text (`proto::shown`): a peer's control
/// bytes would move the terminal's cursor.
pub(crate) fn printable(text: &str) -> String {
    crate::proto::shown::visible(text)
}

/// `line` in `width` columns: whole when it fits, otherwise cut with `…` as its last column,
/// so that a value cut by the pane's edge never looks whole. Each span keeps its style.
pub(crate) fn fit_line(line: &Line<'_>, width: usize) -> Line<'static> {
    let total: usize = line.spans.iter().map(|s| s.content.chars().count()).sum();
    let owned = |s: &Span<'_>| Span::styled(s.content.to_string(), s.style);
    if total <= width {
        return Line::from(line.spans.iter().map(owned).collect::<Vec<_>>()).style(line.style);
    }
    let mut room = width.saturating_sub(1);
    let mut spans = Vec::new();
    for span in &line.spans {
        if room == 0 {
            break;
        }
        let kept: String = span.content.chars().take(room).collect();
        room -= kept.chars().count();
        spans.push(Span::styled(kept, span.style));
    }
    if width > 0 {
        let style = line.spans.last().map(|s| s.style).unwrap_or_default();
        spans.push(Span::styled("…", style));
    }
    Line::from(spans).style(line.style)
}

/// `text` in lines of at most `width` characters, broken at spaces, and inside a word only
/// when the word alone is wider.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.drain(..width).collect());
        }
        let word: String = word.into_iter().collect();
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub(crate) fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut kept: String = text.chars().take(max.saturating_sub(1)).collect();
    if max > 0 {
        kept.push('…');
    }
    kept
}
