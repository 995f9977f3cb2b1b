//! The terminal: set up and always restored (on exit, on panic, on Ctrl-C, and on SIGINT,
//! SIGTERM or SIGHUP sent to the process),
//! and the one event loop that selects over keys, network results and signals, feeds them to
//! `app::update`, carries out the effects, and draws.

pub mod class;
pub mod inspect;
pub mod proxy_view;

use std::sync::Arc;

use anyhow::Context as _;
use crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEvent, KeyEventKind,
    KeyModifiers, MouseEventKind,
};
use crossterm::execute;
use tokio::sync::mpsc;

use crate::app::keymap::Key;
use crate::app::{App, Effect, Msg, update};
use crate::files::store::Store;
use crate::run::{Runner, Settings};
use crate::signals::Caught;
use crate::ui::{self, Theme};

/// What reaches the loop.
enum Input {
    /// For the app.
    App(Msg),
    /// A lesson's lab is up.
    Ready(usize, Arc<Runner>),
    /// The input thread gone, or a signal (SIGINT, SIGTERM, SIGHUP) caught.
    Stop(Option<Caught>),
    /// The class hub refused to let this student in: the sentence.
    Refused(String),
}

/// Runs the app in the terminal until it quits; progress is saved through `store`. Gives the
/// signal that ended it, if one did, for the exit status.
///
/// # Errors
/// When the terminal cannot be set up or drawn to.
pub fn run(
    app: App,
    theme: &Theme,
    store: &Store,
    settings: Settings,
) -> anyhow::Result<Option<Caught>> {
    run_class(app, theme, store, settings, None)
}

/// Runs the app as [`run`] does, with the class channel `class` beside it: the presenter's
/// hub (`present --class`) or a student's connection (`join`).
///
/// # Errors
/// When the hub's address cannot be bound, or the terminal cannot be set up or drawn to.
pub fn run_class(
    mut app: App,
    theme: &Theme,
    store: &Store,
    settings: Settings,
    class: Option<class::ClassSetup>,
) -> anyhow::Result<Option<Caught>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let io = match class {
        Some(setup) => Some(
            runtime
                .block_on(class::start(setup, &mut app))
                .context("the class hub could not listen")?,
        ),
        None => None,
    };
    let mut terminal = enter();
    let result = runtime.block_on(async {
        let mut io = io;
        let result = event_loop(&mut terminal, &mut app, theme, store, settings, io.as_mut()).await;
        class::finish(io).await;
        result
    });
    leave();
    if let Err(e) = store.save(&app.progress) {
        store.log(&format!("saving progress failed: {e}"));
    }
    drop(runtime);
    result
}

/// Takes the terminal: raw mode, the alternate screen, mouse capture. A panic restores it:
/// ratatui's hook does the screen, and ours, run first, the mouse.
pub(crate) fn enter() -> ratatui::DefaultTerminal {
    let terminal = ratatui::init();
    let restore_terminal = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        restore_terminal(info);
    }));
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    terminal
}

/// Gives the terminal back as it was.
pub(crate) fn leave() {
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
}

#[allow(clippy::too_many_lines)] // One loop: its arms read best together.
async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    theme: &Theme,
    store: &Store,
    settings: Settings,
    mut class: Option<&mut class::ClassIo>,
) -> anyhow::Result<Option<Caught>> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Input>();
    if let Some(io) = class.as_deref_mut() {
        let tx = tx.clone();
        class::forward(io, move |msg| {
            tx.send(msg.map_or_else(Input::Refused, Input::App)).is_ok()
        });
    }
    spawn_sources(&tx, app);
    let mut runner: Option<(usize, Arc<Runner>)> = None;
    // The capture's change count when the app last got a snapshot of it.
    let mut seen: Option<u64> = None;
    if let Ok(size) = terminal.size() {
        update(
            app,
            Msg::Resize {
                width: size.width,
                height: size.height,
            },
        );
    }
    // A lesson opened before this loop began (resume) needs its lab.
    let mut pending: Vec<Effect> = if app.lesson.is_some() {
        vec![Effect::Open(app.menu)]
    } else {
        Vec::new()
    };
    loop {
        for effect in std::mem::take(&mut pending) {
            if class::carry_out(class.as_deref(), &effect) {
                continue;
            }
            match effect {
                Effect::Quit => return Ok(None),
                Effect::Save => {
                    if let Err(e) = store.save(&app.progress) {
                        store.log(&format!("saving progress failed: {e}"));
                        app.status = Some(format!("progress could not be saved: {e}"));
                    }
                }
                Effect::Open(lesson) => {
                    if let Some((_, old)) = runner.take() {
                        tokio::spawn(async move {
                            if let Ok(old) = Arc::try_unwrap(old) {
                                old.shutdown().await;
                            }
                        });
                    }
                    let (tx, settings) = (tx.clone(), settings.clone());
                    tokio::spawn(async move {
                        let event = match Runner::start(settings).await {
                            Ok(r) => Input::Ready(lesson, Arc::new(r)),
                            Err(e) => Input::App(Msg::StartFailed {
                                lesson,
                                error: e.to_string(),
                            }),
                        };
                        let _ = tx.send(event);
                    });
                }
                Effect::Run {
                    lesson,
                    step,
                    input,
                } => {
                    if let Some((_, r)) = runner.as_ref().filter(|(l, _)| *l == lesson) {
                        run_step(app, Arc::clone(r), lesson, step, input, tx.clone());
                    }
                }
                Effect::ClassMove(_) | Effect::ClassReveal(_) | Effect::ClassSend(_) => {}
            }
        }
        // One consistent view of the capture per frame drawn, copied only when it changed.
        if let Some((lesson, r)) = runner.as_ref() {
            let changes = r.recorder().changes();
            if seen != Some(changes) {
                // The count first: a change during the copy then brings another copy.
                seen = Some(changes);
                let capture = Arc::new(r.recorder().snapshot());
                update(
                    app,
                    Msg::Captured {
                        lesson: *lesson,
                        capture,
                    },
                );
            }
        }
        terminal
            .draw(|frame| ui::draw(frame, app, theme))
            .context("drawing the screen")?;
        let Some(event) = rx.recv().await else {
            return Ok(None);
        };
        match event {
            Input::App(msg) => pending = update(app, msg),
            Input::Ready(lesson, r) => {
                // The count first: a change during the copy then brings another copy.
                seen = Some(r.recorder().changes());
                let capture = Arc::new(r.recorder().snapshot());
                runner = Some((lesson, r));
                pending = update(app, Msg::Started { lesson, capture });
            }
            Input::Stop(caught) => {
                app.quit = true;
                return Ok(caught);
            }
            Input::Refused(said) => {
                app.quit = true;
                return Err(anyhow::anyhow!(said));
            }
        }
    }
}

/// What feeds the loop besides its own work: keys, signals and, in present mode, the clock.
fn spawn_sources(tx: &mpsc::UnboundedSender<Input>, app: &App) {
    spawn_input(tx.clone(), |m| {
        Some(m.map_or(Input::Stop(None), Input::App))
    });
    spawn_signals(tx.clone(), |caught| Input::Stop(Some(caught)));
    if matches!(app.mode, crate::app::Mode::Present { .. }) {
        spawn_clock(tx.clone());
    }
}

/// The presenter's clock moves once a second; the app only reads the time it is told.
fn spawn_clock(tx: mpsc::UnboundedSender<Input>) {
    let start = std::time::Instant::now();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            every.tick().await;
            let now_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
            if tx.send(Input::App(Msg::Tick { now_ms })).is_err() {
                return;
            }
        }
    });
}

/// Runs a step's actions in a task of their own, so the screen stays live meanwhile.
fn run_step(
    app: &App,
    runner: Arc<Runner>,
    lesson: usize,
    step: usize,
    input: Option<(crate::lesson::model::InputField, String)>,
    tx: mpsc::UnboundedSender<Input>,
) {
    let actions = app
        .lessons
        .get(lesson)
        .and_then(|l| l.steps.get(step))
        .map(|s| s.actions.clone())
        .unwrap_or_default();
    tokio::spawn(async move {
        let mut runs = Vec::new();
        // A long action (a grade) says how far it is; the screen shows it while it runs.
        let progress = tx.clone();
        let mut report = move |line: String| {
            let _ = progress.send(Input::App(Msg::Progress { lesson, step, line }));
        };
        for (n, action) in actions.iter().enumerate() {
            let typed = input
                .as_ref()
                .filter(|_| n == 0)
                .map(|(f, v)| (*f, v.as_str()));
            runs.push(runner.run_reporting(action, typed, &mut report).await);
        }
        let _ = tx.send(Input::App(Msg::Ran { lesson, step, runs }));
    });
}

/// Terminal events, read on a thread of their own (crossterm's reads block), turned into the
/// app's messages and sent on through `wrap`; `None` means the terminal is gone.
pub(crate) fn spawn_input<E: Send + 'static>(
    tx: mpsc::UnboundedSender<E>,
    wrap: fn(Option<Msg>) -> Option<E>,
) {
    std::thread::spawn(move || {
        loop {
            let Ok(event) = event::read() else {
                if let Some(e) = wrap(None) {
                    let _ = tx.send(e);
                }
                return;
            };
            let msg = match event {
                Event::Key(k) if k.kind != KeyEventKind::Release => key(k).map(Msg::Key),
                Event::Mouse(m) => match m.kind {
                    MouseEventKind::ScrollUp => Some(Msg::Scroll(-3)),
                    MouseEventKind::ScrollDown => Some(Msg::Scroll(3)),
                    MouseEventKind::Down(_) => Some(Msg::Click {
                        x: m.column,
                        y: m.row,
                    }),
                    _ => None,
                },
                Event::Resize(width, height) => Some(Msg::Resize { width, height }),
                _ => None,
            };
            if let Some(e) = msg.and_then(|m| wrap(Some(m)))
                && tx.send(e).is_err()
            {
                return;
            }
        }
    });
}

/// SIGINT, SIGTERM and SIGHUP end a screen as q does, so the terminal is restored, an open
/// connection closed with 1001 and what was captured kept; the screen's caller then exits
/// 128+N. Without these handlers the default action would end the process at once, leaving
/// the terminal raw. Ctrl-C typed at the keyboard is a key in raw mode, not a signal.
pub(crate) fn spawn_signals<E: Send + 'static>(
    tx: mpsc::UnboundedSender<E>,
    stop: impl FnOnce(Caught) -> E + Send + 'static,
) {
    match crate::signals::Stop::install() {
        Ok(mut signals) => {
            tokio::spawn(async move {
                let caught = signals.wait().await;
                let _ = tx.send(stop(caught));
            });
        }
        // Without handlers the default actions stay: the screen still works, and a signal
        // ends it as it would any program.
        Err(_) => drop((tx, stop)),
    }
}

/// A terminal key as the app's.
fn key(k: KeyEvent) -> Option<Key> {
    if k.modifiers.contains(KeyModifiers::CONTROL) {
        return matches!(k.code, KeyCode::Char('c')).then_some(Key::CtrlC);
    }
    Some(match k.code {
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        _ => return None,
    })
}
