//! Where things are on screen, as pure geometry: the screens draw into these areas, and
//! clicks are resolved against the same ones, so the two never disagree.

use ratatui::layout::{Constraint, Layout, Rect};

use super::App;
use crate::lesson::model::CheckKind;

/// The areas of the lesson screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    /// The title line.
    pub title: Rect,
    /// The prose.
    pub prose: Rect,
    /// The live pane (empty when the step has no action).
    pub pane: Rect,
    /// The check panel (empty when the step has no check).
    pub check: Rect,
    /// The key line.
    pub keys: Rect,
}

/// The lesson screen's areas in `area`, as the screen of the app's mode lays them out.
pub fn areas(app: &App, area: Rect) -> Areas {
    match app.mode {
        super::Mode::Learn => lesson_areas(app, area),
        super::Mode::Present { notes, .. } => present_areas(app, area, notes),
    }
}

/// Classroom mode's areas: a two-row title, the prose with the question over the live pane,
/// the speaker notes when shown (in `check`, which classroom mode has no panel for), the keys.
pub fn present_areas(app: &App, area: Rect, notes: bool) -> Areas {
    let (Some(step), Some(view)) = (app.step(), app.lesson.as_ref()) else {
        return Areas::default();
    };
    let notes_height = match notes_text(app) {
        Some(text) if notes => notes_rows(text, area.width, area.height),
        _ => 0,
    };
    let [title, body, notes_area, keys] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(4),
        Constraint::Length(notes_height),
        Constraint::Length(1),
    ])
    .areas(area);
    if let Some((prose, pane, _)) = zoomed(app, body) {
        return Areas {
            title,
            prose,
            pane,
            check: notes_area,
            keys,
        };
    }
    let [prose, pane] = if step.actions.is_empty() {
        [body, Rect::default()]
    } else {
        // Until the step has run its pane has one line to say, and the question needs the
        // room: at 80x24 the options were cut off below the pane.
        let ran = matches!(view.live.get(view.step), Some(super::Live::Done(_)));
        let prose = if ran { 45 } else { 75 };
        Layout::vertical([
            Constraint::Percentage(prose),
            Constraint::Percentage(100 - prose),
        ])
        .areas(body)
    };
    Areas {
        title,
        prose,
        pane,
        check: notes_area,
        keys,
    }
}

/// The lesson screen's areas in `area`, self-paced.
pub fn lesson_areas(app: &App, area: Rect) -> Areas {
    let Some(step) = app.step() else {
        return Areas::default();
    };
    let check_height = if step.checks.is_empty() {
        0
    } else {
        checks_height(app, area)
    };
    let [title, body, check, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(4),
        Constraint::Length(check_height),
        Constraint::Length(key_rows(app, area.width)),
    ])
    .areas(area);
    if let Some((prose, pane, check)) = zoomed(app, body.union(check)) {
        return Areas {
            title,
            prose,
            pane,
            check,
            keys,
        };
    }
    let [prose, pane] = if step.actions.is_empty() {
        [body, Rect::default()]
    } else if body.width >= 100 {
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(body)
    } else {
        Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(body)
    };
    Areas {
        title,
        prose,
        pane,
        check,
        keys,
    }
}

/// The widest row of `text`'s fenced (code and diagram) blocks, in columns: how far `<` `>`
/// can shift them.
pub fn widest_preformatted(text: &str) -> usize {
    let mut inside = false;
    let mut widest = 0;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            inside = !inside;
        } else if inside {
            widest = widest.max(line.chars().count());
        }
    }
    widest
}

/// The rows `text` (lesson Markdown) takes in a pane `width` columns wide, as the prose pane
/// lays it out: the lines of a paragraph or list item joined and wrapped, a fenced row one row
/// (it is cut, not wrapped), a fence none. Inline marks (`` ` ``, `**`) are counted though
/// the pane drops them, so this is never fewer rows than are drawn: scrolling stops at the
/// end, not before it.
pub fn prose_rows(text: &str, width: usize) -> usize {
    let mut rows = 0;
    let mut inside = false;
    let mut paragraph = String::new();
    let flush = |paragraph: &mut String, rows: &mut usize| {
        if !paragraph.is_empty() {
            *rows += wrapped_rows(paragraph, width);
            paragraph.clear();
        }
    };
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            flush(&mut paragraph, &mut rows);
            inside = !inside;
            continue;
        }
        let item = trimmed.starts_with("- ")
            || trimmed.starts_with("* ")
            || trimmed.starts_with('#')
            || trimmed
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if inside || trimmed.is_empty() || item {
            flush(&mut paragraph, &mut rows);
        }
        if inside || trimmed.is_empty() {
            rows += 1;
            continue;
        }
        if !paragraph.is_empty() {
            paragraph.push(' ');
        }
        paragraph.push_str(if item { line } else { trimmed });
    }
    flush(&mut paragraph, &mut rows);
    rows
}

/// How far the prose (and in class, the question under it) can scroll on the screen the app
/// was last sized to: the rows it takes past the rows it is given.
pub fn prose_scroll_max(app: &App) -> u16 {
    let (Some((lesson, view)), Some(step)) = (app.current(), app.step()) else {
        return 0;
    };
    let screen = Rect::new(0, 0, app.size.0, app.size.1);
    let area = areas(app, screen).prose;
    // The border (self-paced) or the margins (in class) take two columns each side at most.
    let (width, height) = match app.mode {
        super::Mode::Learn => (area.width.saturating_sub(2), area.height.saturating_sub(2)),
        super::Mode::Present { .. } => (area.width.saturating_sub(4), area.height),
    };
    let width = usize::from(width).max(1);
    let mut rows = 0;
    if view.step == 0 && !lesson.intro.trim().is_empty() {
        rows += prose_rows(lesson.intro.trim(), width) + 1;
    }
    rows += prose_rows(&step.prose, width);
    if !step.after.trim().is_empty() {
        rows += prose_rows(step.after.trim(), width) + 1;
    }
    if matches!(app.mode, super::Mode::Present { .. })
        && let Some(check) = step.checks.get(view.check)
    {
        // The question, its options, the answer and its feedback, with the blank rows between.
        rows += 3 + wrapped_rows(&format!("? {}", check.question.trim()), width);
        rows += check
            .options
            .iter()
            .map(|o| wrapped_rows(&format!("   a) {o}"), width))
            .sum::<usize>();
        // The answer revealed: an option's text, a value, or "run the step first (r)".
        let answer = check
            .options
            .iter()
            .max_by_key(|o| o.len())
            .cloned()
            .or_else(|| check.answer.as_ref().map(ToString::to_string))
            .unwrap_or_default();
        rows += 2 + wrapped_rows(&format!("→ a) {answer} run the step first (r)"), width);
        rows += wrapped_rows(check.feedback.trim(), width);
    }
    u16::try_from(rows.saturating_sub(usize::from(height))).unwrap_or(u16::MAX)
}

/// The region with the keys given the whole body, as `z` asks: the prose, the live pane or
/// the check panel, whichever the step has and has the focus.
fn zoomed(app: &App, body: Rect) -> Option<(Rect, Rect, Rect)> {
    let (step, view) = (app.step()?, app.lesson.as_ref()?);
    if !view.zoom {
        return None;
    }
    let none = Rect::default();
    Some(match view.focus {
        super::Focus::Pane if !step.actions.is_empty() => (none, body, none),
        super::Focus::Check if !step.checks.is_empty() => (none, none, body),
        _ => (body, none, none),
    })
}

/// The rows of the line under a lesson: one for the keys, or as many as a status sentence
/// needs (up to 3), so that a sentence saying why a typed value was refused is read whole.
fn key_rows(app: &App, width: u16) -> u16 {
    let typing = app.lesson.as_ref().is_some_and(|v| v.typing.is_some());
    match &app.status {
        Some(status) if !typing => {
            let rows = wrapped_rows(&format!(" {status}"), usize::from(width));
            u16::try_from(rows.clamp(1, 3)).unwrap_or(1)
        }
        _ => 1,
    }
}

/// As tall as the check in focus needs (question, options, verdict, hints), within half the
/// screen, so a long choice never hides its verdict.
fn checks_height(app: &App, area: Rect) -> u16 {
    let (Some(step), Some(view)) = (app.step(), app.lesson.as_ref()) else {
        return 0;
    };
    let Some(check) = step.checks.get(view.check) else {
        return 0;
    };
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    let wrapped = |text: &str| wrapped_rows(text, width);
    let answering = view.answers.get(view.step).and_then(|a| a.get(view.check));
    let mut lines = wrapped(check.question.trim());
    lines += if check.kind == CheckKind::Choice {
        check.options.iter().map(|o| wrapped(o)).sum()
    } else {
        1
    };
    if let Some(a) = answering {
        lines += match a.verdict {
            // The feedback, then where Enter goes next.
            Some(true) => wrapped(&format!("✓ Right. {}", check.feedback.trim())) + 1,
            Some(false) => 1,
            None => 0,
        };
        lines += check
            .hints
            .iter()
            .take(a.hints)
            .map(|h| wrapped(&format!("Hint: {h}")))
            .sum::<usize>();
    }
    let needed = u16::try_from(lines + 2).unwrap_or(u16::MAX);
    needed.clamp(4, (area.height / 2).max(4))
}

/// The menu's areas in `area`: title, list (with its border), the selected lesson's
/// objectives, and the key line.
pub fn menu_areas(area: Rect) -> [Rect; 4] {
    let [title, body, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let [list, detail] = if body.width >= 100 {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body)
    } else {
        Layout::vertical([Constraint::Min(6), Constraint::Length(7)]).areas(body)
    };
    [title, list, detail, keys]
}

/// The first menu row shown when `selected` must be visible in `rows` rows: what a fresh
/// list state scrolls to.
pub fn menu_offset(selected: usize, rows: usize) -> usize {
    (selected + 1).saturating_sub(rows.max(1))
}

/// Whether `(x, y)` is inside `r`.
pub fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x.saturating_add(r.width) && y >= r.y && y < r.y.saturating_add(r.height)
}

/// The rows the speaker notes take on a `width` × `height` screen: what their paragraphs need
/// as they wrap, with the border, up to half the screen.
pub fn notes_rows(text: &str, width: u16, height: u16) -> u16 {
    let need = notes_text_rows(text, width) + 1;
    u16::try_from(need)
        .unwrap_or(u16::MAX)
        .clamp(4, (height / 2).max(4))
}

/// The rows the notes' text needs at `width`, each paragraph followed by a blank row.
pub fn notes_text_rows(text: &str, width: u16) -> usize {
    let width = usize::from(width).max(1);
    text.split("\n\n")
        .map(|p| wrapped_rows(&p.replace('\n', " "), width) + 1)
        .sum()
}

/// The notes of the open step (or of the lesson, when the step has none).
pub fn notes_text(app: &super::App) -> Option<&str> {
    let (lesson, view) = app.current()?;
    let step = lesson.steps.get(view.step)?;
    Some(step.notes.as_deref().unwrap_or(&lesson.notes))
}

/// How far the notes can scroll: the rows they need past the rows they are given.
pub fn notes_scroll_max(app: &super::App) -> u16 {
    let Some(text) = notes_text(app) else {
        return 0;
    };
    let (width, height) = app.size;
    let shown = usize::from(notes_rows(text, width, height).saturating_sub(1));
    u16::try_from(notes_text_rows(text, width).saturating_sub(shown)).unwrap_or(u16::MAX)
}

/// How many rows `text` takes when wrapped at word boundaries to `width` columns, as the
/// paragraph that shows it wraps: counting characters alone undercounts, and the last line
/// (the verdict, where Enter goes next) would be cut.
pub fn wrapped_rows(text: &str, width: usize) -> usize {
    let width = width.max(1);
    let mut rows = 0;
    for line in text.lines() {
        let mut used = 0;
        rows += 1;
        for word in line.split(' ') {
            let len = word.chars().count();
            let need = if used == 0 { len } else { used + 1 + len };
            if need <= width {
                used = need;
            } else if len > width {
                // A word longer than the row is broken across rows.
                let rest = if used == 0 { len } else { len + 1 };
                rows += (used + rest).div_ceil(width) - 1;
                used = (used + rest) % width;
            } else {
                rows += 1;
                used = len;
            }
        }
    }
    rows.max(1)
}

#[cfg(test)]
mod tests {
    use super::wrapped_rows;

    #[test]
    fn prose_rows_join_paragraphs_and_keep_fenced_rows_whole() {
        use super::prose_rows;
        let text = "one two\nthree four\n\n- five six\n  seven\n```\na very long fenced row\n```";
        // "one two three four" in 10 columns: 2 rows; a blank; "- five six seven": 2; one
        // fenced row, cut to one row.
        assert_eq!(prose_rows(text, 10), 2 + 1 + 2 + 1);
    }

    #[test]
    fn rows_are_counted_as_words_wrap() {
        assert_eq!(wrapped_rows("", 10), 1);
        assert_eq!(wrapped_rows("one two", 10), 1);
        // "aaaa bbbb" fits 9; "cccc" goes on a second row even though 14 chars < 2 × 10.
        assert_eq!(wrapped_rows("aaaa bbbb cccc", 10), 2);
        assert_eq!(wrapped_rows("aaaaaa bbbbbb", 10), 2);
        assert_eq!(wrapped_rows("a\nb", 10), 2);
        assert_eq!(wrapped_rows("abcdefghijklmnopqrstuvwxy", 10), 3);
    }
}
