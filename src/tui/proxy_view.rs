//! `wslab proxy`'s event loop: the terminal and the keys, over a proxy that runs already.
//! It starts nothing: it reads the running proxy's [`Recorder`] and redraws when the capture
//! changes, at most [`FRAME`] apart, so that a burst of traffic costs a few redraws and the
//! relay never waits on the screen (the recorder's broadcast drops for a slow watcher).

use anyhow::Context as _;
use std::time::Duration;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::mpsc;
use tokio::time::MissedTickBehavior;

use std::sync::Arc;

use crate::app::proxy_view::{Effect, Msg, ProxyView, update};
use crate::files::save::save_here;
use crate::net::Recorder;
use crate::signals::Caught;
use crate::ui::{Theme, proxy_view};

/// The shortest time between two redraws caused by traffic: about 30 a second.
pub const FRAME: Duration = Duration::from_millis(33);

/// What reaches the loop.
enum Input {
    /// A key or the terminal's size.
    Term(crate::app::Msg),
    /// The terminal gone.
    Stop,
    /// SIGINT, SIGTERM or SIGHUP.
    Signal(Caught),
}

/// Shows the capture in `recorder` until the user quits, or a signal ends it (given back, for
/// the exit status); the caller then stops the proxy.
///
/// # Errors
/// When the terminal cannot be drawn to.
pub async fn run(
    recorder: &Recorder,
    title: &str,
    tls: bool,
    theme: &Theme,
) -> anyhow::Result<Option<Caught>> {
    let mut terminal = super::enter();
    let result = event_loop(&mut terminal, recorder, title, tls, theme).await;
    super::leave();
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    recorder: &Recorder,
    title: &str,
    tls: bool,
    theme: &Theme,
) -> anyhow::Result<Option<Caught>> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Input>();
    super::spawn_input(tx.clone(), |msg| Some(msg.map_or(Input::Stop, Input::Term)));
    super::spawn_signals(tx, Input::Signal);
    let mut updates = recorder.subscribe();
    let mut tick = tokio::time::interval(FRAME);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut view = ProxyView::new(title).with_tls(tls);
    let mut listening = true;
    // The capture's change count when the view last got a snapshot of it.
    let mut seen = None;
    loop {
        // One consistent view of the capture per frame drawn, copied only when it changed
        // (the count first: a change during the copy then brings another copy).
        let changes = recorder.changes();
        if seen != Some(changes) {
            seen = Some(changes);
            update(&mut view, Msg::Captured(Arc::new(recorder.snapshot())));
        }
        terminal
            .draw(|f| proxy_view::draw(f, &view, theme))
            .context("drawing the screen")?;
        // Traffic seen since the last redraw.
        let mut pending = false;
        // Wait for a reason to redraw: a key at once, traffic at the next tick.
        loop {
            tokio::select! {
                input = rx.recv() => {
                    let effects = match input {
                        None | Some(Input::Stop) => return Ok(None),
                        Some(Input::Signal(caught)) => return Ok(Some(caught)),
                        Some(Input::Term(crate::app::Msg::Key(key))) => {
                            update(&mut view, Msg::Key(key))
                        }
                        Some(Input::Term(_)) => Vec::new(),
                    };
                    for effect in effects {
                        match effect {
                            Effect::Quit => return Ok(None),
                            Effect::Save => {
                                let said = save_here(recorder, "proxy");
                                update(&mut view, Msg::Status(said));
                            }
                        }
                    }
                    break;
                }
                update = updates.recv(), if listening => {
                    match update {
                        Ok(_) | Err(RecvError::Lagged(_)) => pending = true,
                        Err(RecvError::Closed) => listening = false,
                    }
                    // Everything already queued counts as the same change.
                    while let Ok(_) | Err(TryRecvError::Lagged(_)) = updates.try_recv() {}
                }
                _ = tick.tick(), if pending => break,
            }
        }
    }
}
