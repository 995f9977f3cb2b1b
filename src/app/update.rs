//! `update`: one `match` from a message to the new state and the effects to carry out.

use ratatui::layout::Rect;

use super::keymap::{self, Command, Key};
use super::layout;
use super::progress::GradeRecord;
use super::{Answering, App, Effect, Focus, Live, Mode, Msg, Screen, panes};
use crate::lesson::check::is_right;
use crate::lesson::model::{CheckKind, InputField};
use crate::lesson::outcome::ActionRun;
use crate::render::lesson::computed;

/// Applies `msg` to `app`; returns what the event loop must do. In a class, a presenter's
/// move or reveal, however it came about, becomes an effect for the hub.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let before = super::class::position(app);
    let was_revealed = matches!(app.mode, Mode::Present { revealed: true, .. });
    let mut effects = apply(app, msg);
    effects.extend(super::class::presenter_effects(app, before, was_revealed));
    effects
}

fn apply(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Class(m) => {
            let follow = super::class::received(app, m);
            followed(app, follow)
        }
        Msg::Key(key) => key_pressed(app, key),
        Msg::Scroll(lines) => {
            let command = if lines < 0 {
                Command::Up
            } else {
                Command::Down
            };
            let mut effects = Vec::new();
            for _ in 0..lines.unsigned_abs().min(10) {
                effects.extend(command_given(app, command));
            }
            effects
        }
        Msg::Click { x, y } => clicked(app, x, y),
        Msg::Resize { width, height } => {
            app.size = (width, height);
            Vec::new()
        }
        Msg::Tick { now_ms } => {
            app.class.now_ms = now_ms;
            Vec::new()
        }
        Msg::Started { lesson, capture } => {
            if app.lesson.as_ref().is_some_and(|v| v.index == lesson) {
                app.capture = Some(capture);
                return run_if_needed(app);
            }
            Vec::new()
        }
        Msg::Captured { lesson, capture } => {
            if app.lesson.as_ref().is_some_and(|v| v.index == lesson) && app.capture.is_some() {
                app.capture = Some(capture);
                open_on_frame(app);
            }
            Vec::new()
        }
        Msg::StartFailed { lesson, error } => {
            if let Some(view) = app.lesson.as_mut().filter(|v| v.index == lesson) {
                for live in &mut view.live {
                    *live = Live::Failed(error.clone());
                }
            }
            app.status = Some(format!("the lab server could not start: {error}"));
            Vec::new()
        }
        Msg::Progress { lesson, step, line } => {
            if let Some(view) = app.lesson.as_mut().filter(|v| v.index == lesson) {
                view.running = Some((step, line));
            }
            Vec::new()
        }
        Msg::Ran { lesson, step, runs } => {
            let effects = keep_grade(app, lesson, step, &runs);
            if let Some(view) = app.lesson.as_mut().filter(|v| v.index == lesson) {
                if view.running.as_ref().is_some_and(|(s, _)| *s == step) {
                    view.running = None;
                }
                if let Some(live) = view.live.get_mut(step) {
                    *live = Live::Done(runs);
                }
                if view.step == step {
                    view.opened = false;
                }
            }
            open_on_frame(app);
            effects
        }
    }
}

/// A grade of the learner's own server goes into their progress, whichever step is on screen
/// by the time it ends; a class's grades, and the lab's own, are not theirs to keep.
fn keep_grade(app: &mut App, lesson: usize, step: usize, runs: &[ActionRun]) -> Vec<Effect> {
    let Some(graded) = runs
        .iter()
        .filter_map(|r| r.graded.as_ref())
        .find(|g| g.typed)
    else {
        return Vec::new();
    };
    let Some(id) = app.lessons.get(lesson).map(|l| l.id.clone()) else {
        return Vec::new();
    };
    if app.mode != Mode::Learn {
        return Vec::new();
    }
    app.progress
        .lesson(&id)
        .grades
        .insert(step, GradeRecord::of(graded));
    vec![Effect::Save]
}

/// The step's input, as the learner typed it, checked where it has rules of its own: a URL
/// must be one `grade` can reach (RFC 6455 §3). `Err` is the sentence saying why not.
fn accepted(field: Option<InputField>, typed: &str) -> Result<(), String> {
    match field {
        Some(InputField::Url) => crate::proto::url::parse(typed)
            .map(|_| ())
            .map_err(|e| format!("{e} (i edits it)")),
        _ => Ok(()),
    }
}

fn key_pressed(app: &mut App, key: Key) -> Vec<Effect> {
    if key == Key::CtrlC {
        return command_given(app, Command::Quit);
    }
    if app.help {
        // Any key closes the help; it never does anything else.
        app.help = false;
        return Vec::new();
    }
    if let Mode::Present { blank, .. } = &mut app.mode
        && *blank
    {
        // A blanked screen is frozen: the first key only brings it back, so the presenter
        // never changes steps blind.
        *blank = false;
        return Vec::new();
    }
    if let Some(effects) = typing(app, key) {
        return effects;
    }
    let command = match (app.screen, app.mode) {
        (Screen::Menu, _) => keymap::menu(key),
        (Screen::Lesson, Mode::Learn) => {
            // Typed answers take their characters before this (see `typing`), so in the
            // check panel only keys that are not text reach the key map.
            let in_check = app.lesson.as_ref().is_some_and(|v| v.focus == Focus::Check);
            let in_pane = app.lesson.as_ref().is_some_and(|v| v.focus == Focus::Pane);
            keymap::lesson(key, in_check, in_pane)
        }
        (Screen::Lesson, Mode::Present { .. }) => {
            let in_pane = app.lesson.as_ref().is_some_and(|v| v.focus == Focus::Pane);
            keymap::present(key, in_pane)
        }
    };
    command.map(|c| command_given(app, c)).unwrap_or_default()
}

/// Keys while the learner types: the step's input, or a typed or computed answer. `None`
/// when the key is not typing.
fn typing(app: &mut App, key: Key) -> Option<Vec<Effect>> {
    let view = app.lesson.as_mut()?;
    if let Some(text) = view.typing.as_mut() {
        match key {
            Key::Char(c) if text.chars().count() < 200 => text.push(c),
            Key::Backspace => {
                text.pop();
            }
            Key::Esc => view.typing = None,
            Key::Enter => {
                let typed = view.typing.take().filter(|t| !t.trim().is_empty());
                let step = view.step;
                let field = app.step().and_then(|s| s.input.as_ref()).map(|i| i.field);
                if let Some(Err(why)) = typed.as_deref().map(|t| accepted(field, t.trim())) {
                    // Refused before anything is sent: the sentence says why, and `i` brings
                    // the text back to mend.
                    app.status = Some(why);
                    if let Some(view) = app.lesson.as_mut() {
                        view.draft = typed;
                    }
                    return Some(Vec::new());
                }
                app.status = None;
                let mut running = false;
                if let Some(view) = app.lesson.as_mut() {
                    view.typed[step] = typed.map(|t| t.trim().to_owned());
                    running = view.live.get(step) == Some(&Live::Running);
                }
                if running {
                    // One run of a step at a time: the value waits for the next.
                    app.status = Some(
                        "Kept: the step is still running, so r runs it with your value once it has ended."
                            .to_owned(),
                    );
                    return Some(Vec::new());
                }
                return Some(rerun(app));
            }
            _ => {}
        }
        return Some(Vec::new());
    }
    if view.focus != Focus::Check || current_check_kind(app) == Some(CheckKind::Choice) {
        return None;
    }
    let view = app.lesson.as_mut()?;
    let answering = view.answers.get_mut(view.step)?.get_mut(view.check)?;
    match key {
        // `?` is the help, as the key line says, even in an answer: no answer holds one.
        Key::Char('?') => return None,
        // An edited answer waits to be judged again.
        Key::Char(c) if answering.typed.chars().count() < 200 => {
            answering.typed.push(c);
            answering.verdict = None;
        }
        Key::Backspace => {
            answering.typed.pop();
            answering.verdict = None;
        }
        // Judged right already: Enter moves on (see `Command::Enter`).
        Key::Enter if answering.verdict == Some(true) => return None,
        Key::Enter => return Some(submit(app)),
        _ => return None,
    }
    Some(Vec::new())
}

fn current_check_kind(app: &App) -> Option<CheckKind> {
    let view = app.lesson.as_ref()?;
    Some(app.step()?.checks.get(view.check)?.kind)
}

#[allow(clippy::too_many_lines)] // One arm per command reads better than a split.
fn command_given(app: &mut App, command: Command) -> Vec<Effect> {
    match command {
        Command::Quit => {
            app.quit = true;
            vec![Effect::Save, Effect::Quit]
        }
        Command::Back => {
            // Esc steps out: from the whole screen first, from a pane or a check to the prose
            // next, then to the menu.
            if let Some(view) = app.lesson.as_mut().filter(|v| v.zoom) {
                view.zoom = false;
                return Vec::new();
            }
            if let Some(view) = app.lesson.as_mut().filter(|v| v.focus != Focus::Prose) {
                view.focus = Focus::Prose;
                return Vec::new();
            }
            if app.screen == Screen::Lesson {
                app.screen = Screen::Menu;
                app.lesson = None;
                app.capture = None;
                return vec![Effect::Save];
            }
            vec![Effect::Save, Effect::Quit]
        }
        Command::Help => {
            app.help = !app.help;
            Vec::new()
        }
        Command::Up
        | Command::Down
        | Command::PageUp
        | Command::PageDown
        | Command::First
        | Command::Last => {
            moved(app, command);
            clamp(app);
            Vec::new()
        }
        Command::Enter => match app.screen {
            Screen::Menu => app.open(app.menu),
            Screen::Lesson => match app.lesson.as_ref().map(|v| v.focus) {
                // A check answered right: Enter moves on, to the step's next check or, after
                // its last, to the next step.
                Some(Focus::Check) if answered_right(app) => {
                    if to_check(app, 1) {
                        Vec::new()
                    } else {
                        go_to_step(app, 1)
                    }
                }
                Some(Focus::Check) => submit(app),
                Some(Focus::Prose) => go_to_step(app, 1),
                _ => Vec::new(),
            },
        },
        // In class the presenter walks through each check of a step before the next step.
        Command::NextStep if matches!(app.mode, Mode::Present { .. }) && to_check(app, 1) => {
            Vec::new()
        }
        Command::PrevStep if matches!(app.mode, Mode::Present { .. }) && to_check(app, -1) => {
            Vec::new()
        }
        Command::PrevStep if matches!(app.mode, Mode::Present { .. }) => {
            // Back into the previous step lands on its last check, the one shown last.
            let before = app.lesson.as_ref().map(|v| v.step);
            let effects = go_to_step(app, -1);
            let last = app.step().map_or(0, |s| s.checks.len().saturating_sub(1));
            if let Some(view) = app.lesson.as_mut().filter(|v| Some(v.step) != before) {
                view.check = last;
            }
            effects
        }
        Command::NextStep => {
            super::class::looked_around(app);
            go_to_step(app, 1)
        }
        Command::PrevStep => {
            super::class::looked_around(app);
            go_to_step(app, -1)
        }
        Command::Follow => {
            let follow = super::class::follow_again(app);
            followed(app, follow)
        }
        Command::Roster => {
            super::class::toggle_roster(app);
            Vec::new()
        }
        Command::NextCheck => {
            to_check(app, 1);
            Vec::new()
        }
        Command::PrevCheck => {
            to_check(app, -1);
            Vec::new()
        }
        Command::NextPane | Command::PrevPane => {
            let n = panes(app).len();
            if let Some(view) = app.lesson.as_mut()
                && n > 0
            {
                view.pane = if command == Command::NextPane {
                    (view.pane + 1) % n
                } else {
                    (view.pane + n - 1) % n
                };
                view.selected = 0;
                view.opened = false;
            }
            open_on_frame(app);
            Vec::new()
        }
        Command::NextFocus => {
            let has_panes = !panes(app).is_empty();
            // In class the question is on the main screen, not in a panel: Tab goes into the
            // live pane and back.
            let has_checks =
                app.mode == Mode::Learn && app.step().is_some_and(|s| !s.checks.is_empty());
            if let Some(view) = app.lesson.as_mut() {
                view.focus = match view.focus {
                    Focus::Prose if has_panes => Focus::Pane,
                    Focus::Prose | Focus::Pane if has_checks => Focus::Check,
                    _ => Focus::Prose,
                };
            }
            Vec::new()
        }
        Command::Zoom => {
            let has_panes = !panes(app).is_empty();
            if let Some(view) = app.lesson.as_mut() {
                if !view.zoom && view.focus == Focus::Prose && has_panes {
                    // The pane is what a small screen is short of; it takes the keys too, so
                    // the arrows choose its frames at once.
                    view.focus = Focus::Pane;
                }
                view.zoom = !view.zoom;
            }
            Vec::new()
        }
        Command::ShiftLeft | Command::ShiftRight => {
            let widest = app.current().map_or(0, |(lesson, view)| {
                let intro = if view.step == 0 {
                    lesson.intro.as_str()
                } else {
                    ""
                };
                let step = lesson.steps.get(view.step);
                let prose = step.map_or("", |s| s.prose.as_str());
                let after = step.map_or("", |s| s.after.as_str());
                [intro, prose, after]
                    .into_iter()
                    .map(layout::widest_preformatted)
                    .max()
                    .unwrap_or(0)
            });
            if let Some(view) = app.lesson.as_mut() {
                // Eight columns a press; the pane keeps the rows' ends in sight.
                view.shift = if command == Command::ShiftRight {
                    view.shift.saturating_add(8)
                } else {
                    view.shift.saturating_sub(8)
                }
                .min(u16::try_from(widest).unwrap_or(u16::MAX));
            }
            Vec::new()
        }
        Command::Rerun => rerun(app),
        Command::Input => {
            let last = last_graded_url(app);
            if app.step().is_some_and(|s| s.input.is_some())
                && let Some(view) = app.lesson.as_mut()
            {
                // What to mend first, then what was typed, then the URL graded last time.
                let start = view
                    .draft
                    .take()
                    .or_else(|| view.typed[view.step].clone())
                    .or(last);
                view.typing = Some(start.unwrap_or_default());
            }
            Vec::new()
        }
        Command::Hint => {
            let hints = app
                .step()
                .and_then(|s| s.checks.get(app.lesson.as_ref().map_or(0, |v| v.check)))
                .map_or(0, |c| c.hints.len());
            if let Some(a) = answering(app) {
                a.hints = (a.hints + 1).min(hints);
            }
            Vec::new()
        }
        Command::Pick(n) => {
            let options = app
                .step()
                .and_then(|s| s.checks.get(app.lesson.as_ref().map_or(0, |v| v.check)))
                .map_or(0, |c| c.options.len());
            let n = usize::from(n);
            if n >= 1 && n <= options {
                if let Some(a) = answering(app) {
                    a.choice = n - 1;
                }
                return submit(app);
            }
            Vec::new()
        }
        Command::CursorLeft | Command::CursorRight => {
            if let Some(view) = app.lesson.as_mut() {
                // The pane clamps the cursor to the frame's length when it draws.
                view.cursor = if command == Command::CursorLeft {
                    view.cursor.saturating_sub(1)
                } else {
                    view.cursor.saturating_add(1)
                };
            }
            clamp(app);
            Vec::new()
        }
        Command::NextField | Command::PrevField => {
            let starts = super::extent::field_starts(app).unwrap_or_default();
            if let Some(view) = app.lesson.as_mut() {
                let at = view.cursor;
                let next = if command == Command::NextField {
                    starts.iter().find(|s| **s > at)
                } else {
                    starts.iter().rev().find(|s| **s < at)
                };
                if let Some(next) = next {
                    view.cursor = *next;
                }
            }
            clamp(app);
            Vec::new()
        }
        Command::NotesDown | Command::NotesUp => {
            let most = layout::notes_scroll_max(app);
            let class = &mut app.class;
            class.notes_scroll = if command == Command::NotesDown {
                class.notes_scroll.saturating_add(3).min(most)
            } else {
                class.notes_scroll.saturating_sub(3).min(most)
            };
            Vec::new()
        }
        Command::Clock => {
            app.class.clock = !app.class.clock;
            Vec::new()
        }
        Command::Notes | Command::Reveal | Command::Blank => {
            if let Mode::Present {
                notes,
                blank,
                revealed,
            } = &mut app.mode
            {
                match command {
                    Command::Notes => *notes = !*notes,
                    Command::Reveal => *revealed = !*revealed,
                    _ => *blank = !*blank,
                }
            }
            Vec::new()
        }
    }
}

/// The URL the learner's last saved grade of this step reached, for a step that takes one.
fn last_graded_url(app: &App) -> Option<String> {
    if app.step()?.input.as_ref()?.field != InputField::Url {
        return None;
    }
    Some(super::card::saved(app)?.url.clone())
}

/// Up, down and the rest: the menu's selection, or whatever has focus on a lesson.
fn moved(app: &mut App, command: Command) {
    let step = |n: usize, at: usize| -> usize {
        let last = n.saturating_sub(1);
        match command {
            Command::Up => at.saturating_sub(1),
            Command::Down => (at + 1).min(last),
            Command::PageUp => at.saturating_sub(10),
            Command::PageDown => (at + 10).min(last),
            Command::First => 0,
            _ => last,
        }
    };
    if app.screen == Screen::Menu {
        app.menu = step(app.lessons.len(), app.menu);
        return;
    }
    let options = app
        .step()
        .and_then(|s| s.checks.get(app.lesson.as_ref().map_or(0, |v| v.check)))
        .map_or(0, |c| c.options.len());
    let most_scroll = layout::prose_scroll_max(app);
    let Some(view) = app.lesson.as_mut() else {
        return;
    };
    match view.focus {
        // Never past the prose's last row, so that ↑ moves at once after End.
        Focus::Prose => {
            let at = usize::from(view.scroll);
            let rows = usize::from(most_scroll) + 1;
            view.scroll = u16::try_from(step(rows, at.min(rows - 1))).unwrap_or(u16::MAX);
        }
        // The pane clamps the selection to what it holds when it draws.
        Focus::Pane => {
            view.selected = step(usize::MAX, view.selected);
            view.cursor = 0;
        }
        Focus::Check => {
            if let Some(a) = view
                .answers
                .get_mut(view.step)
                .and_then(|c| c.get_mut(view.check))
            {
                let choice = step(options, a.choice);
                if choice != a.choice {
                    // Another option selected waits to be judged.
                    a.choice = choice;
                    a.verdict = None;
                }
            }
        }
    }
}

/// Moves to the step's check `delta` away; false when there is none there. In class the
/// answer of the new check starts hidden.
fn to_check(app: &mut App, delta: isize) -> bool {
    let n = app.step().map_or(0, |s| s.checks.len());
    let Some(view) = app.lesson.as_mut().filter(|v| !v.ended) else {
        return false;
    };
    let Some(next) = view.check.checked_add_signed(delta).filter(|c| *c < n) else {
        return false;
    };
    view.check = next;
    if let Mode::Present { revealed, .. } = &mut app.mode {
        *revealed = false;
    }
    app.status = None;
    true
}

/// Whether the check in focus has been answered right.
fn answered_right(app: &App) -> bool {
    app.lesson.as_ref().is_some_and(|view| {
        view.answers
            .get(view.step)
            .and_then(|a| a.get(view.check))
            .is_some_and(|a| a.verdict == Some(true))
    })
}

fn answering(app: &mut App) -> Option<&mut Answering> {
    let view = app.lesson.as_mut()?;
    view.answers.get_mut(view.step)?.get_mut(view.check)
}

pub(super) fn go_to_step(app: &mut App, delta: isize) -> Vec<Effect> {
    let Some((lesson, view)) = app.current() else {
        return Vec::new();
    };
    let n = lesson.steps.len();
    let id = lesson.id.clone();
    if view.ended {
        // From the end card: on to the next lesson, or back to the last step.
        if delta > 0 {
            let next = view.index + 1;
            if next < app.lessons.len() {
                return app.open(next);
            }
            app.status = Some("That was the last lesson. Esc goes back to the menu.".to_owned());
        } else if let Some(view) = app.lesson.as_mut() {
            view.ended = false;
        }
        return Vec::new();
    }
    let Some(next) = view.step.checked_add_signed(delta).filter(|s| *s < n) else {
        if delta > 0
            && let Some(view) = app.lesson.as_mut()
        {
            view.ended = true;
            view.focus = Focus::Prose;
            view.typing = None;
            view.draft = None;
            app.status = None;
            // A lesson presented to its end starts from the top next time.
            if matches!(app.mode, Mode::Present { .. }) {
                app.progress.presented.remove(&id);
                return vec![Effect::Save];
            }
        }
        return Vec::new();
    };
    app.class.notes_scroll = 0;
    if let Some(view) = app.lesson.as_mut() {
        view.step = next;
        view.pane = 0;
        view.selected = 0;
        view.scroll = 0;
        view.zoom = false;
        view.shift = 0;
        view.opened = false;
        view.check = 0;
        view.focus = Focus::Prose;
        view.typing = None;
        view.draft = None;
    }
    if let Mode::Present { revealed, .. } = &mut app.mode {
        *revealed = false;
    }
    app.status = None;
    open_on_frame(app);
    let mut effects = Vec::new();
    if app.mode == Mode::Learn {
        let p = app.progress.lesson(&id);
        p.steps.insert(next);
        p.last_step = next;
        app.progress.last_lesson = Some(id);
        effects.push(Effect::Save);
    } else {
        // Presenting saves only where the lesson is, to reopen there after a quit.
        app.progress.presented.insert(id, next);
        effects.push(Effect::Save);
    }
    effects.extend(run_if_needed(app));
    effects
}

/// Runs the current step if it has actions, has not run, and the lab is up.
pub(super) fn run_if_needed(app: &mut App) -> Vec<Effect> {
    let seen = app.current().map(|(l, v)| (l.id.clone(), v.step));
    if let (Some((id, step)), Mode::Learn) = (seen, app.mode) {
        // The first step counts as seen once shown, like the others.
        let p = app.progress.lesson(&id);
        p.steps.insert(step);
        p.last_step = step;
        app.progress.last_lesson = Some(id);
    }
    let pending = app
        .lesson
        .as_ref()
        .is_some_and(|v| v.live.get(v.step) == Some(&Live::NotRun));
    if !pending || app.capture.is_none() || predicting(app) {
        return Vec::new();
    }
    rerun(app)
}

/// Whether the step still waits for a prediction: a `predict` check not yet answered, asked
/// before the bytes that settle it are on screen. `r` runs the step anyway.
pub fn predicting(app: &App) -> bool {
    let (Some(step), Some(view)) = (app.step(), app.lesson.as_ref()) else {
        return false;
    };
    let answered = |i: usize| {
        view.answers
            .get(view.step)
            .and_then(|a| a.get(i))
            .is_some_and(|a| a.verdict.is_some())
    };
    match app.mode {
        Mode::Learn => step
            .checks
            .iter()
            .enumerate()
            .any(|(i, c)| c.predict && !answered(i)),
        // In class the presenter asks the question aloud and runs the step with r.
        Mode::Present { .. } => step.checks.iter().any(|c| c.predict),
    }
}

fn rerun(app: &mut App) -> Vec<Effect> {
    let has_actions = app.step().is_some_and(|s| !s.actions.is_empty());
    let field = app.step().and_then(|s| s.input.as_ref()).map(|i| i.field);
    if app.capture.is_none() || !has_actions {
        return Vec::new();
    }
    let Some(view) = app.lesson.as_mut() else {
        return Vec::new();
    };
    if view.live.get(view.step) == Some(&Live::Running) {
        return Vec::new();
    }
    view.live[view.step] = Live::Running;
    view.selected = 0;
    let input = field.zip(view.typed[view.step].clone());
    vec![Effect::Run {
        lesson: view.index,
        step: view.step,
        input,
    }]
}

/// Judges the answer in focus; a right one is saved, a wrong one earns the next hint.
fn submit(app: &mut App) -> Vec<Effect> {
    let Some((lesson, view)) = app.current() else {
        return Vec::new();
    };
    let Some(step) = lesson.steps.get(view.step) else {
        return Vec::new();
    };
    let Some(check) = step.checks.get(view.check) else {
        return Vec::new();
    };
    let Some(a) = view.answers.get(view.step).and_then(|c| c.get(view.check)) else {
        return Vec::new();
    };
    let right_value = match (check.kind, view.live.get(view.step)) {
        (CheckKind::Computed, Some(Live::Done(runs))) => app
            .capture
            .as_deref()
            .and_then(|t| computed(step, check, runs, t))
            .and_then(Result::ok),
        (CheckKind::Computed, _) => {
            app.status = Some(
                "This answer is read from the bytes the step captures: let it run first (r)."
                    .to_owned(),
            );
            return Vec::new();
        }
        _ => None,
    };
    let given = if check.kind == CheckKind::Choice {
        (a.choice + 1).to_string()
    } else {
        a.typed.clone()
    };
    if check.kind != CheckKind::Choice && given.trim().is_empty() {
        return Vec::new();
    }
    let right = is_right(check, &given, right_value.as_deref());
    let key = format!("{}.{}", view.step, view.check);
    let id = lesson.id.clone();
    let hints = check.hints.len();
    if let Some(a) = answering(app) {
        a.verdict = Some(right);
        if !right {
            a.hints = (a.hints + 1).min(hints);
        }
    }
    let mut effects = Vec::new();
    if right && app.mode == Mode::Learn {
        app.progress.lesson(&id).checks.insert(key);
        effects.push(Effect::Save);
    }
    // In a class the first answer to each check also goes to the hub.
    effects.extend(super::class::answered(app, &given));
    // A prediction made: now the bytes can settle it.
    effects.extend(run_if_needed(app));
    effects
}

/// A click: on the menu it selects a lesson, and a click on the selected one opens it; on a
/// lesson it moves the focus to what was clicked, and a click on a pane's tab shows it.
fn clicked(app: &mut App, x: u16, y: u16) -> Vec<Effect> {
    let screen = Rect::new(0, 0, app.size.0, app.size.1);
    if app.help {
        app.help = false;
        return Vec::new();
    }
    if app.screen == Screen::Menu {
        let [_, list, _, _] = layout::menu_areas(screen);
        let inner = Rect::new(
            list.x + 1,
            list.y + 1,
            list.width.saturating_sub(2),
            list.height.saturating_sub(2),
        );
        if !layout::contains(inner, x, y) {
            return Vec::new();
        }
        let row =
            usize::from(y - inner.y) + layout::menu_offset(app.menu, usize::from(inner.height));
        if row >= app.lessons.len() {
            return Vec::new();
        }
        if row == app.menu {
            return app.open(row);
        }
        app.menu = row;
        return Vec::new();
    }
    let areas = layout::areas(app, screen);
    let tabs = super::tab_names(app);
    let Some(view) = app.lesson.as_mut() else {
        return Vec::new();
    };
    if layout::contains(areas.pane, x, y) {
        view.focus = Focus::Pane;
        if y == areas.pane.y {
            // The tabs in the pane's top border: " name " each, after one space.
            let mut at = areas.pane.x + 2;
            for (i, name) in tabs.iter().enumerate() {
                let width = u16::try_from(name.chars().count() + 2).unwrap_or(0);
                if x >= at && x < at + width {
                    view.pane = i;
                    view.selected = 0;
                    view.cursor = 0;
                    view.opened = false;
                }
                at += width;
            }
            open_on_frame(app);
        }
    } else if layout::contains(areas.check, x, y) {
        // In class that area is the speaker notes: the question has no panel to focus.
        if app.mode == Mode::Learn {
            view.focus = Focus::Check;
        }
    } else if layout::contains(areas.prose, x, y) {
        view.focus = Focus::Prose;
    }
    Vec::new()
}

/// Puts the pane shown on the frame the step `opens` on, once, when the capture holds it.
fn open_on_frame(app: &mut App) {
    if app.lesson.as_ref().is_none_or(|v| v.opened) {
        return;
    }
    if let Some(row) = super::extent::opening_row(app)
        && let Some(view) = app.lesson.as_mut()
    {
        view.selected = row;
        view.cursor = 0;
        view.opened = true;
    }
}

/// Keeps the pane's selection and cursor within what it shows, where that is known.
fn clamp(app: &mut App) {
    let Some((rows, cursor)) = super::extent::extent(app) else {
        return;
    };
    if let Some(view) = app.lesson.as_mut().filter(|v| v.focus == Focus::Pane) {
        view.selected = view.selected.min(rows.saturating_sub(1));
        if let Some(last) = cursor {
            view.cursor = view.cursor.min(last);
        }
    }
}

/// A student's screen following the presenter: to the lesson, step and check the hub said,
/// then the sentence that goes with it.
fn followed(app: &mut App, follow: super::class::Follow) -> Vec<Effect> {
    let effects = follow.to.map(|at| go_to(app, &at)).unwrap_or_default();
    if let Some(sentence) = follow.then {
        app.status = Some(sentence);
    }
    effects
}

/// Opens the lesson, step and check at `at`.
fn go_to(app: &mut App, at: &crate::class::Position) -> Vec<Effect> {
    let Some(index) = app.lessons.iter().position(|l| l.id == at.lesson) else {
        app.status = Some(format!(
            "The presenter is on lesson '{}', which this wslab does not have.",
            crate::class::names::neutralise(&at.lesson)
        ));
        return Vec::new();
    };
    let mut effects = Vec::new();
    if app.lesson.as_ref().is_none_or(|v| v.index != index) {
        effects.extend(app.open(index));
    }
    let steps = app.lessons[index].steps.len();
    let step = (at.step as usize).min(steps.saturating_sub(1));
    let current = app.lesson.as_ref().map_or(0, |v| v.step);
    if step != current || app.lesson.as_ref().is_some_and(|v| v.ended) {
        if let Some(view) = app.lesson.as_mut() {
            view.ended = false;
        }
        let delta = isize::try_from(step).unwrap_or(0) - isize::try_from(current).unwrap_or(0);
        effects.extend(go_to_step(app, delta));
    }
    let checks = app.step().map_or(0, |s| s.checks.len());
    if let Some(view) = app.lesson.as_mut() {
        view.check = (at.check as usize).min(checks.saturating_sub(1));
        if checks > 0 {
            view.focus = Focus::Check;
        }
    }
    effects
}
