//! The live panes of a lesson step, drawn from the step's capture. Each pane is a list of
//! lines with a selected one: a header, a frame, a row.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, widgets};
use crate::app::filter::FrameFilter;
use crate::app::{App, Live};
use crate::capture::{Connection, Transcript};
use crate::lesson::model::{Action, Pane};
use crate::lesson::outcome::ActionRun;
use crate::render::lesson::card::Tone;

/// Draws a pane's border with the panes' names as tabs in its title, `selected` lit; returns
/// the area inside, for the pane itself.
pub fn tabbed(
    frame: &mut Frame,
    area: Rect,
    panes: impl IntoIterator<Item = Pane>,
    selected: usize,
    focused: bool,
    theme: &Theme,
) -> Rect {
    tabbed_noted(frame, area, panes, selected, focused, theme, None)
}

/// [`tabbed`], with `note` on the bottom border, at the right: what the pane leaves out, say.
/// The top border is the tabs', and a note there would hide the last of them on a narrow
/// screen.
pub fn tabbed_noted(
    frame: &mut Frame,
    area: Rect,
    panes: impl IntoIterator<Item = Pane>,
    selected: usize,
    focused: bool,
    theme: &Theme,
    note: Option<Line<'static>>,
) -> Rect {
    let names: Vec<&str> = panes.into_iter().map(Pane::name).collect();
    tabbed_named(frame, area, &names, selected, focused, theme, note)
}

/// [`tabbed_noted`] with the tabs' own names: a lesson step's, which tell apart two panes of
/// one kind ([`crate::app::tab_names`]).
pub fn tabbed_named(
    frame: &mut Frame,
    area: Rect,
    names: &[impl AsRef<str>],
    selected: usize,
    focused: bool,
    theme: &Theme,
    note: Option<Line<'static>>,
) -> Rect {
    // The mark takes the place of the space before the first tab.
    let mut tabs = vec![if focused {
        super::focus::lead(theme, true)
    } else {
        Span::raw(" ")
    }];
    for (i, name) in names.iter().enumerate() {
        let style = if i == selected {
            theme.selected
        } else {
            theme.dim
        };
        tabs.push(Span::styled(format!(" {} ", name.as_ref()), style));
    }
    let mut block = super::focus::block(theme, focused).title(Line::from(tabs));
    if let Some(note) = note {
        block = block.title_bottom(note.right_aligned());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// What a live connection's panes are told they draw: a WebSocket action, which is what the
/// inspector and the proxy show.
fn websocket_action() -> Option<&'static Action> {
    static ACTION: std::sync::OnceLock<Option<Action>> = std::sync::OnceLock::new();
    ACTION
        .get_or_init(|| toml::from_str::<Action>("kind = \"websocket\"").ok())
        .as_ref()
}

/// One connection of a live capture drawn as `pane`, as the inspector and the proxy view show
/// it, its frames narrowed by `filter`; `false` when the capture no longer holds it.
#[allow(clippy::too_many_arguments)] // The pane's own state, passed as the lessons pass it.
pub fn draw_connection(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    transcript: &Transcript,
    conn: crate::capture::ConnId,
    pane: Pane,
    (selected, cursor): (usize, usize),
    focused: bool,
    filter: FrameFilter,
) -> bool {
    let Some(action) = websocket_action() else {
        return false;
    };
    let conns: Vec<&Connection> = transcript.connection(conn).into_iter().collect();
    if conns.is_empty() {
        return false;
    }
    let run = ActionRun {
        conns: vec![conn],
        ..ActionRun::default()
    };
    let ctx = widgets::PaneCtx {
        action,
        run: &run,
        conns: &conns,
        transcript,
        selected,
        cursor,
        focused,
        filter,
        saved: None,
    };
    widgets::draw(frame, area, theme, pane, &ctx);
    true
}

/// Draws the step's pane number `index` in `area`, with its tabs in the title.
pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect, focused: bool) {
    let list = crate::app::panes(app);
    let Some(view) = app.lesson.as_ref() else {
        return;
    };
    let index = view.pane.min(list.len().saturating_sub(1));
    let names = crate::app::tab_names(app);
    let inner = tabbed_named(frame, area, &names, index, focused, theme, None);
    if let Some(pane) = list.get(index).copied()
        && draw_widget(frame, app, theme, inner, pane, focused)
    {
        return;
    }
    if list.get(index).is_some_and(|(_, p)| *p == Pane::Card) {
        draw_waiting_card(frame, app, theme, inner, focused);
        return;
    }
    // What the pane says until it has run: sentences, wrapped to the pane.
    let lines: Vec<Line> = pane_lines(app, list.get(index).copied(), theme)
        .into_iter()
        .flat_map(|(text, style)| {
            super::flow::wrap(
                &Line::from(Span::styled(text, style)),
                usize::from(inner.width),
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Draws the pane with its widget once its action has run: the action's error and notes
/// first, a line each, then the widget below them. `false` when nothing has run, so the
/// caller says why in a line.
fn draw_widget(
    frame: &mut Frame,
    app: &App,
    theme: &Theme,
    area: Rect,
    (action_index, pane): (usize, Pane),
    focused: bool,
) -> bool {
    let (Some(step), Some(view), Some(capture)) =
        (app.step(), app.lesson.as_ref(), app.capture.as_deref())
    else {
        return false;
    };
    let Some(Live::Done(runs)) = view.live.get(view.step) else {
        return false;
    };
    let (Some(action), Some(run)) = (step.actions.get(action_index), runs.get(action_index)) else {
        return false;
    };
    let mut said: Vec<Line> = Vec::new();
    if let Some(error) = &run.error {
        let (lead, style) = if run.expected {
            ("The client concluded: ", theme.heading)
        } else {
            ("This action failed: ", theme.bad)
        };
        said.push(Line::from(Span::styled(format!("{lead}{error}"), style)));
    }
    for note in &run.notes {
        said.push(Line::from(Span::styled(
            format!("Note: {note}."),
            theme.dim,
        )));
    }
    // Sentences wrap; give them the rows they need, but never more than half the pane.
    let width = usize::from(area.width.max(1));
    let rows: usize = said.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
    let rows = u16::try_from(rows).unwrap_or(u16::MAX).min(area.height / 2);
    let [top, rest] = ratatui::layout::Layout::vertical([
        ratatui::layout::Constraint::Length(rows),
        ratatui::layout::Constraint::Min(0),
    ])
    .areas(area);
    let conns: Vec<&Connection> = run
        .conns
        .iter()
        .filter_map(|id| capture.connection(*id))
        .collect();
    let ctx = widgets::PaneCtx {
        action,
        run,
        conns: &conns,
        transcript: capture,
        selected: view.selected,
        cursor: view.cursor,
        focused,
        filter: FrameFilter::default(),
        saved: crate::app::card::saved(app),
    };
    widgets::draw(frame, rest, theme, pane, &ctx);
    frame.render_widget(
        Paragraph::new(said).wrap(ratatui::widgets::Wrap { trim: false }),
        top,
    );
    true
}

/// What the pane says until its step has run (after that, `draw_widget` draws it).
fn pane_lines(app: &App, pane: Option<(usize, Pane)>, theme: &Theme) -> Vec<(String, Style)> {
    if pane.is_none() {
        return vec![("This step has no live action.".to_owned(), theme.dim)];
    }
    waiting_lines(app)
        .into_iter()
        .map(|(text, tone)| (text, widgets::card::style(tone, theme)))
        .collect()
}

/// A card pane before its grade has run: what the step is doing, then the learner's last
/// saved grade of the step, wrapped and scrolled as the card is.
fn draw_waiting_card(frame: &mut Frame, app: &App, theme: &Theme, area: Rect, focused: bool) {
    let mut lines = waiting_lines(app);
    let saved = crate::app::card::lines(None, crate::app::card::saved(app));
    if !saved.is_empty() {
        lines.push((String::new(), Tone::Text));
        lines.extend(saved);
    }
    let top = app.lesson.as_ref().map_or(0, |v| v.selected);
    widgets::card::draw_lines(frame, area, theme, &lines, top, focused);
}

/// What the pane says while its step waits or runs.
fn waiting_lines(app: &App) -> Vec<(String, Tone)> {
    let Some(view) = app.lesson.as_ref() else {
        return Vec::new();
    };
    match view.live.get(view.step) {
        // Each a sentence: the pane wraps them to its width.
        Some(Live::NotRun) if crate::app::predicting(app) => match app.mode {
            crate::app::Mode::Learn => vec![
                (
                    "Predict first: answer the check below (Tab), and the step runs to show who was right."
                        .to_owned(),
                    Tone::Heading,
                ),
                ("r runs it now.".to_owned(), Tone::Dim),
            ],
            crate::app::Mode::Present { .. } => vec![(
                "The class predicts first: ask the question, then r runs the step to show who was right."
                    .to_owned(),
                Tone::Heading,
            )],
        },
        Some(Live::NotRun) => vec![("Not run yet: r runs it.".to_owned(), Tone::Dim)],
        Some(Live::Running) => {
            let mut lines = vec![("Running on real sockets…".to_owned(), Tone::Dim)];
            // A long action says how far it is: a grade, the case that has just ended.
            if let Some((_, line)) = view.running.as_ref().filter(|(s, _)| *s == view.step) {
                lines.push((line.clone(), Tone::Dim));
            }
            lines
        }
        Some(Live::Failed(e)) => vec![(format!("The lab server could not start: {e}"), Tone::Bad)],
        // A step that has run is drawn by its widget (`draw_widget`); there is no text
        // version of it to fall back to.
        Some(Live::Done(_)) | None => Vec::new(),
    }
}
