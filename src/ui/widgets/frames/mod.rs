//! The Frames and Fields panes: every frame of the action's connections in wire order, and the
//! selected frame taken apart — its first two bytes bit by bit, its fields, its bytes coloured
//! by field with a byte cursor, and the unmasking of the byte under the cursor.
//!
//! The two panes are one widget with different weights: Frames gives the list most of the
//! room, Fields the detail. The list is virtual: a draw builds only the rows in sight, since a
//! connection may hold 100,000 frames.

mod detail;
mod fit;
mod inflated;
mod list;
mod wire;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::PaneCtx;
use crate::app::filter::FrameFilter;
use crate::capture::Connection;
use crate::proto::{Frame as WsFrame, Side};
use crate::ui::Theme;
use wire::{Entry, Wire};

/// Draws the Frames pane: the list of frames, with the selected one's detail below it (or
/// beside it, when the pane is wide).
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, ctx: &PaneCtx<'_>) {
    draw_weighted(frame, area, theme, ctx, Weight::List);
}

/// Draws the Fields pane: the same as [`draw`], with most of the room for the selected
/// frame's detail and a few rows of the list to choose it from.
pub fn draw_fields(frame: &mut Frame, area: Rect, theme: &Theme, ctx: &PaneCtx<'_>) {
    draw_weighted(frame, area, theme, ctx, Weight::Detail);
}

/// One frame taken apart on its own, as the Fields pane takes apart the selected one, fitted
/// to `area`: the inspector's raw composer shows so a frame before it is sent.
pub fn lone_detail(
    f: &WsFrame,
    side: Side,
    cursor: usize,
    theme: &Theme,
    area: Rect,
) -> Vec<Line<'static>> {
    let shown = detail::Shown {
        inflated: None,
        cursor,
        hint: Some("← → move the byte cursor"),
        missing: "not in what was typed",
    };
    let width = usize::from(area.width);
    detail::of_frame(f, side, &shown, theme, area)
        .into_iter()
        .map(|l| super::fit_line(&l, width))
        .collect()
}

/// Which part gets the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weight {
    List,
    Detail,
}

/// Narrower than this, the detail goes under the list rather than beside it: a list row with
/// a useful preview needs about 60 columns, and the field table with its meanings about 80.
const SIDE_BY_SIDE: u16 = 140;

/// The width the list and the detail are measured at, to learn what they need.
const MEASURE: u16 = 240;

/// The fewest columns the list takes beside the detail: a row and a short preview.
const LIST_LEAST: u16 = 60;

fn draw_weighted(frame: &mut Frame, area: Rect, theme: &Theme, ctx: &PaneCtx<'_>, weight: Weight) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let rows = Rows::new(ctx.conns, ctx.filter);
    let Some(selected) = rows.select(ctx.selected) else {
        let text = if ctx.filter.is_all() {
            "No frames were captured for this action."
        } else {
            "No frame passes the filters."
        };
        let text = Line::styled(text, theme.dim);
        frame.render_widget(Paragraph::new(text), area);
        return;
    };
    // Side by side, each part is measured as it would draw with room to spare, so that the
    // columns go where the text is.
    let needs = (area.width >= SIDE_BY_SIDE).then(|| {
        let wide = Rect {
            width: MEASURE,
            ..area
        };
        (
            widest(&list::lines(&rows, &selected, theme, ctx.focused, wide)),
            widest(&detail::lines(&selected, ctx, theme, wide)),
        )
    });
    let (list_area, detail_area) = split(area, weight, rows.total(), needs);
    if list_area.height > 0 && list_area.width > 0 {
        let lines = list::lines(&rows, &selected, theme, ctx.focused, list_area);
        frame.render_widget(Paragraph::new(lines), list_area);
    }
    if detail_area.height > 0 && detail_area.width > 0 {
        if detail_area.x > area.x {
            // Side by side: a rule between list and detail, in the gap `split` left.
            let rule = Rect {
                x: detail_area.x - 1,
                width: 1,
                ..detail_area
            };
            let bar: Vec<Line> = (0..rule.height)
                .map(|_| Line::styled("│", theme.border))
                .collect();
            frame.render_widget(Paragraph::new(bar), rule);
        }
        let width = usize::from(detail_area.width);
        let lines: Vec<Line> = detail::lines(&selected, ctx, theme, detail_area)
            .into_iter()
            .map(|l| super::fit_line(&l, width))
            .collect();
        frame.render_widget(Paragraph::new(lines), detail_area);
    }
}

/// The list's area and the detail's: side by side when wide, stacked otherwise. Very short
/// panes show one part only, the one the pane is named for. Stacked, a list of `rows` rows
/// takes no more lines than it needs, leaving the rest to the detail. `needs` is what the list
/// and the detail measured, when the pane is wide enough to set them side by side.
fn split(area: Rect, weight: Weight, rows: usize, needs: Option<(u16, u16)>) -> (Rect, Rect) {
    let empty = Rect::new(area.x, area.y, 0, 0);
    if let Some((list_need, detail_need)) = needs.filter(|_| area.height >= 6) {
        let room = area.width.saturating_sub(1);
        let least = match weight {
            Weight::List => LIST_LEAST,
            Weight::Detail => LIST_LEAST * 2 / 3,
        };
        // When both fit, the part the pane is named for gets what is left over; when not, the
        // detail's field table gets its meanings first and the list, whose rows are short,
        // keeps at least a row with a useful preview.
        let list_width = if list_need.saturating_add(detail_need) <= room {
            match weight {
                Weight::List => room - detail_need,
                Weight::Detail => list_need,
            }
        } else {
            room - detail_need.min(room.saturating_sub(least))
        };
        let list = Rect {
            width: list_width,
            ..area
        };
        // One column for the rule between them.
        let detail = Rect {
            x: area.x.saturating_add(list_width + 1),
            width: area.width - list_width - 1,
            ..area
        };
        return (list, detail);
    }
    if area.height < 4 {
        return match weight {
            Weight::List => (area, empty),
            Weight::Detail => (empty, area),
        };
    }
    let share = match weight {
        Weight::List => (area.height * 11 / 20).max(3),
        Weight::Detail => (area.height * 3 / 10).max(2),
    };
    // The rows and a header line.
    let needed = u16::try_from(rows.saturating_add(1)).unwrap_or(u16::MAX);
    let list_height = share.min(needed.max(2));
    let list = Rect {
        height: list_height,
        ..area
    };
    let detail = Rect {
        y: area.y.saturating_add(list_height),
        height: area.height - list_height,
        ..area
    };
    (list, detail)
}

/// The columns the widest of `lines` takes, its trailing spaces left out.
fn widest(lines: &[Line<'_>]) -> u16 {
    let width = lines
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            text.trim_end().chars().count()
        })
        .max()
        .unwrap_or(0);
    u16::try_from(width).unwrap_or(u16::MAX)
}

/// The list's rows: each connection's frames that the filter shows, after a label row when
/// there are several.
struct Rows<'a> {
    conns: Vec<Shown<'a>>,
    labelled: bool,
    frames: usize,
}

/// One connection's frames as the list shows them.
struct Shown<'a> {
    conn: &'a Connection,
    wire: Wire<'a>,
    /// The wire positions the filter lets through, in order; `None` when it lets all through,
    /// so that an unfiltered list of 100,000 frames is never walked.
    kept: Option<Vec<usize>>,
}

impl<'a> Shown<'a> {
    fn len(&self) -> usize {
        self.kept.as_ref().map_or(self.wire.len(), Vec::len)
    }

    /// The wire position of the `i`th frame shown: its number in the capture, less one.
    fn position(&self, i: usize) -> Option<usize> {
        match &self.kept {
            Some(kept) => kept.get(i).copied(),
            None => (i < self.wire.len()).then_some(i),
        }
    }

    /// The frames shown from the `i`th on, each with its wire position.
    fn starting_at(&self, i: usize) -> Box<dyn Iterator<Item = (usize, Entry<'a>)> + '_> {
        match &self.kept {
            Some(kept) => Box::new(
                kept.iter()
                    .skip(i)
                    .filter_map(|&pos| Some((pos, self.wire.get(pos)?))),
            ),
            None => Box::new((i..).zip(self.wire.starting_at(i))),
        }
    }
}

/// The selected frame and where it sits.
struct Selected<'a> {
    conn: &'a Connection,
    /// Its position among its connection's frames, in wire order, whatever the filter.
    pos: usize,
    /// Its row in the list, label rows included.
    row: usize,
    entry: Entry<'a>,
}

impl<'a> Rows<'a> {
    fn new(conns: &[&'a Connection], filter: FrameFilter) -> Self {
        let conns: Vec<Shown<'a>> = conns
            .iter()
            .map(|c| {
                let wire = Wire::until(c, &filter);
                let kept = (!filter.is_all()).then(|| {
                    wire.starting_at(0)
                        .enumerate()
                        .filter(|(_, e)| filter.passes(e.direction, e.frame.header.opcode()))
                        .map(|(pos, _)| pos)
                        .collect()
                });
                Shown {
                    conn: c,
                    wire,
                    kept,
                }
            })
            .collect();
        let frames = conns.iter().map(Shown::len).sum();
        Self {
            labelled: conns.len() > 1,
            conns,
            frames,
        }
    }

    fn label_rows(&self) -> usize {
        usize::from(self.labelled)
    }

    /// Every row, label rows included.
    fn total(&self) -> usize {
        self.frames + self.label_rows() * self.conns.len()
    }

    /// Frame `index` of those shown, across all connections, clamped to the last; `None`
    /// with none shown.
    fn select(&self, index: usize) -> Option<Selected<'a>> {
        let mut left = index.min(self.frames.checked_sub(1)?);
        let mut row = 0;
        for shown in &self.conns {
            if left < shown.len() {
                let pos = shown.position(left)?;
                return Some(Selected {
                    conn: shown.conn,
                    pos,
                    row: row + self.label_rows() + left,
                    entry: shown.wire.get(pos)?,
                });
            }
            left -= shown.len();
            row += self.label_rows() + shown.len();
        }
        None
    }
}
