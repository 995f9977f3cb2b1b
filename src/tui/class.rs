//! The class channel beside the lesson screen: the presenter's hub, or a student's
//! connection to it. The app sees only messages (`app::class::ClassMsg`) and asks only with
//! effects; this file owns the handles.

use tokio::sync::mpsc;

use crate::app::class::{ClassMsg, Link};
use crate::app::{App, Effect, Msg};
use crate::class::{FromHub, FromStudent};
use crate::net::Recorder;
use crate::net::class::student::{self, StudentEvent};
use crate::net::class::{Hub, HubOptions, StudentOptions};

/// What to start.
#[derive(Debug, Clone)]
pub enum ClassSetup {
    /// `present --class`: a hub on `options.addr`.
    Hub {
        /// The hub's options.
        options: HubOptions,
        /// `--show-names`.
        show_names: bool,
    },
    /// `join`: a student's connection.
    Student(StudentOptions),
}

/// The running class channel.
pub(crate) enum ClassIo {
    Hub(Hub),
    Student {
        to_hub: mpsc::UnboundedSender<FromStudent>,
        events: Option<mpsc::UnboundedReceiver<StudentEvent>>,
        /// The student's own capture of the class channel: a tapped socket like any other.
        #[allow(dead_code)]
        recorder: Recorder,
    },
}

/// Starts the hub (binding before the terminal is taken, so a refused address is a sentence
/// on the console) or the student's connection; sets the app's link.
pub(crate) async fn start(setup: ClassSetup, app: &mut App) -> std::io::Result<ClassIo> {
    match setup {
        ClassSetup::Hub {
            options,
            show_names,
        } => {
            let code = options.code.clone();
            let notes_key = options.notes_key.clone();
            let hub = Hub::start(options).await?;
            // The notes terminal (`present --notes-for`) on this machine reads the key here;
            // students never see it. Without a data directory there is no notes terminal.
            if let Some(dir) = crate::files::store::data_dir() {
                let _ = write_notes_key(&dir, hub.local_addr().port(), &notes_key);
            }
            let addr = hub.local_addr();
            let ip = crate::net::class::hub::reachable_ip(addr.ip()).unwrap_or(addr.ip());
            let line = format!(
                "wslab join ws://{} --code {code}",
                std::net::SocketAddr::new(ip, addr.port())
            );
            app.link = Some(Link::presenter(line, show_names));
            // Said on the console before the screen opened, and again on the screen, which
            // covers the console.
            if !hub.local_addr().ip().is_loopback() {
                app.status = Some(format!(
                    "The class hub listens on {}: anyone on that network can reach it, and only the join code keeps them out.",
                    hub.local_addr().ip()
                ));
            }
            // A lesson opened from the command line is where the class starts.
            if let Some(at) = crate::app::class::position(app) {
                hub.moved(at);
            }
            Ok(ClassIo::Hub(hub))
        }
        ClassSetup::Student(options) => {
            let recorder = Recorder::new(crate::capture::Limits::default());
            let (to_hub, outgoing) = mpsc::unbounded_channel();
            let (events_tx, events) = mpsc::unbounded_channel();
            tokio::spawn(student::follow(
                options,
                recorder.clone(),
                events_tx,
                outgoing,
            ));
            app.link = Some(Link::student());
            Ok(ClassIo::Student {
                to_hub,
                events: Some(events),
                recorder,
            })
        }
    }
}

/// Turns what the class channel says into the app's messages, through `send` (false once
/// the loop is gone). A student the hub refuses before ever letting them in (a wrong code,
/// a full class) gets `Err` with the sentence instead: there is no class to keep a screen
/// for, so the screen ends and the command exits 1 with it.
pub(crate) fn forward(
    io: &mut ClassIo,
    send: impl Fn(Result<Msg, String>) -> bool + Send + 'static,
) {
    match io {
        ClassIo::Hub(hub) => {
            let mut view = hub.view();
            tokio::spawn(async move {
                loop {
                    let v = view.borrow_and_update().clone();
                    let msg = Msg::Class(ClassMsg::Room {
                        tally: v.tally,
                        names: v.names,
                    });
                    if !send(Ok(msg)) || view.changed().await.is_err() {
                        return;
                    }
                }
            });
        }
        ClassIo::Student { events, .. } => {
            let Some(mut events) = events.take() else {
                return;
            };
            tokio::spawn(async move {
                let mut welcomed = false;
                while let Some(e) = events.recv().await {
                    if let StudentEvent::Hub(FromHub::Welcome { .. }) = &e {
                        welcomed = true;
                    }
                    if let StudentEvent::Closed {
                        code,
                        reason,
                        last: true,
                    } = &e
                        && !welcomed
                        && (4000..=4999).contains(code)
                    {
                        let said = format!("the class hub did not let you in ({code}): {reason}");
                        send(Err(said));
                        return;
                    }
                    let msg = match e {
                        StudentEvent::Connected => {
                            ClassMsg::Line("connected to the class".to_owned())
                        }
                        StudentEvent::Hub(m) => ClassMsg::Hub(m),
                        StudentEvent::Bad(sentence) => ClassMsg::Line(sentence),
                        StudentEvent::Closed {
                            code,
                            reason,
                            last: true,
                        } => ClassMsg::Ended { code, reason },
                        StudentEvent::Closed { code, reason, .. } => {
                            ClassMsg::Line(format!("the hub closed ({code}): {reason}"))
                        }
                        StudentEvent::Retrying { why, in_ms } => ClassMsg::Line(format!(
                            "{why}; trying again in {:.1} s",
                            f64::from(u32::try_from(in_ms).unwrap_or(u32::MAX)) / 1000.0
                        )),
                    };
                    if !send(Ok(Msg::Class(msg))) {
                        return;
                    }
                }
            });
        }
    }
}

/// Carries out a class effect; `false` when it is not one.
pub(crate) fn carry_out(io: Option<&ClassIo>, effect: &Effect) -> bool {
    match (effect, io) {
        (Effect::ClassMove(at), Some(ClassIo::Hub(hub))) => hub.moved(at.clone()),
        (Effect::ClassReveal(at), Some(ClassIo::Hub(hub))) => hub.reveal(at.clone()),
        (Effect::ClassSend(m), Some(ClassIo::Student { to_hub, .. })) => {
            let _ = to_hub.send(m.clone());
        }
        (Effect::ClassMove(_) | Effect::ClassReveal(_) | Effect::ClassSend(_), _) => {}
        _ => return false,
    }
    true
}

/// The class ends with the screen: the hub closes every student with 1001; a student's
/// connection sends leave as its queue closes.
pub(crate) async fn finish(io: Option<ClassIo>) {
    match io {
        Some(ClassIo::Hub(hub)) => hub.end().await,
        Some(ClassIo::Student { to_hub, .. }) => {
            drop(to_hub);
            // Let the leave go out before the runtime stops.
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        None => {}
    }
}

/// Where the notes key of the hub on `port` is kept.
pub fn notes_key_path(dir: &std::path::Path, port: u16) -> std::path::PathBuf {
    dir.join("class").join(format!("{port}.notes-key"))
}

/// Writes the notes key, readable and writable by its owner alone.
fn write_notes_key(dir: &std::path::Path, port: u16, key: &str) -> std::io::Result<()> {
    let path = notes_key_path(dir, port);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(path)?, key.as_bytes())
}
