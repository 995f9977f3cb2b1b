//! The rich live panes. Each widget draws one pane of one action from the capture, given a
//! [`PaneCtx`]; `ui::panes` chooses the widget, and falls back to the plain-mode text for a
//! pane no widget draws.

pub mod frames;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::Theme;
use crate::capture::{Connection, Transcript};
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
}

/// Draws `pane` with its widget; `false` when no widget draws it, so the caller falls back
/// to text.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    pane: crate::lesson::Pane,
    ctx: &PaneCtx<'_>,
) -> bool {
    // Widgets arrive pane by pane; until a pane has one, its text is shown.
    match pane {
        crate::lesson::Pane::Frames => frames::draw(frame, area, theme, ctx),
        crate::lesson::Pane::Fields => frames::draw_fields(frame, area, theme, ctx),
        _ => return false,
    }
    true
}
