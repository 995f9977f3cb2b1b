//! `wslab inspect`'s event loop: the terminal, the keys, and one task that owns the
//! WebSocket connection and does what the console asks (send, close, reconnect).

use std::sync::Arc;

use anyhow::Context as _;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::app::craft;
use crate::app::inspect::{Effect, Inspector, Msg, close_wording, update};
use crate::files::save::save_here;
use crate::net::Recorder;
use crate::net::client::{ClientOptions, Outgoing, WsClient, fresh_mask};
use crate::net::url::WsUrl;
use crate::proto::send::Send;
use crate::signals::Caught;
use crate::ui::{Theme, inspect};

/// What reaches the loop.
enum Input {
    /// A key or the terminal's size.
    Term(crate::app::Msg),
    /// News from the connection task.
    Conn(Msg),
    /// Bytes crossed: the capture changed.
    Traffic,
    /// The terminal gone.
    Stop,
    /// SIGINT, SIGTERM or SIGHUP.
    Signal(Caught),
}

/// What the console asks of the connection task.
enum Cmd {
    Send(Outgoing),
    Close(u16, String),
}

/// Runs the console until the user quits, or a signal ends it (given back, for the exit
/// status).
///
/// # Errors
/// When the terminal cannot be set up or drawn to.
pub fn run(
    url: &WsUrl,
    shown: &str,
    options: &ClientOptions,
    recorder: &Recorder,
    theme: &Theme,
) -> anyhow::Result<Option<Caught>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut terminal = super::enter();
    let result = runtime.block_on(async {
        let (tx, mut rx) = mpsc::unbounded_channel::<Input>();
        super::spawn_input(tx.clone(), |msg| Some(msg.map_or(Input::Stop, Input::Term)));
        super::spawn_signals(tx.clone(), Input::Signal);
        let mut inspector = Inspector::new(shown);
        update(&mut inspector, Msg::Keys(fresh_keys()));
        if let Ok(size) = terminal.size() {
            update(&mut inspector, Msg::Resize(size.width, size.height));
        }
        let mut link = connect(url, options, recorder, &tx);
        // The capture's change count when the console last got a snapshot of it.
        let mut seen = None;
        loop {
            // One consistent view of the capture per frame drawn, copied only when it changed
            // (the count first: a change during the copy then brings another copy).
            let changes = recorder.changes();
            if seen != Some(changes) {
                seen = Some(changes);
                update(&mut inspector, Msg::Captured(Arc::new(recorder.snapshot())));
            }
            terminal
                .draw(|f| inspect::draw(f, &inspector, theme))
                .context("drawing the screen")?;
            let Some(input) = rx.recv().await else {
                return Ok(None);
            };
            let effects = match input {
                Input::Stop => {
                    link.goodbye().await;
                    return Ok(None);
                }
                Input::Signal(caught) => {
                    link.goodbye().await;
                    return Ok(Some(caught));
                }
                Input::Conn(msg) => update(&mut inspector, msg),
                Input::Term(crate::app::Msg::Key(key)) => update(&mut inspector, Msg::Key(key)),
                Input::Term(crate::app::Msg::Resize { width, height }) => {
                    update(&mut inspector, Msg::Resize(width, height))
                }
                // Traffic only asks for a new snapshot and a redraw, at the loop's top.
                Input::Traffic | Input::Term(_) => Vec::new(),
            };
            for effect in effects {
                match effect {
                    Effect::Quit => {
                        link.goodbye().await;
                        return Ok(None);
                    }
                    Effect::Save => {
                        let said = save_here(recorder, "inspect");
                        update(&mut inspector, Msg::Status(said));
                    }
                    Effect::Connect => link = connect(url, options, recorder, &tx),
                    Effect::Send(send) => {
                        let cmd = match send {
                            Send::Close { code, reason } => Cmd::Close(code, reason),
                            send => Cmd::Send(Outgoing::from(send)),
                        };
                        if link.cmds.send(cmd).is_err() {
                            let said = "Not connected: R reconnects.".to_owned();
                            update(&mut inspector, Msg::Status(said));
                        }
                    }
                    Effect::SendRaw(bytes) => {
                        // The keys those bytes used are spent: the next frames get new ones.
                        update(&mut inspector, Msg::Keys(fresh_keys()));
                        let cmd = Cmd::Send(Outgoing::Raw(bytes.into()));
                        if link.cmds.send(cmd).is_err() {
                            let said = "Not connected: R reconnects.".to_owned();
                            update(&mut inspector, Msg::Status(said));
                        }
                    }
                }
            }
        }
    });
    super::leave();
    drop(runtime);
    result
}

/// Masking keys for the raw composer's next frames, each from the system's random source.
fn fresh_keys() -> Vec<[u8; 4]> {
    (0..craft::KEYS).map(|_| fresh_mask()).collect()
}

/// A connection task and what it is told to send.
struct Link {
    cmds: mpsc::UnboundedSender<Cmd>,
    task: tokio::task::JoinHandle<()>,
}

impl Link {
    /// Lets the connection close with 1001 going away (RFC 6455 §7.4.1) and waits for it, a
    /// little: quitting must not hang on a server that does not answer.
    async fn goodbye(self) {
        drop(self.cmds);
        let _ = tokio::time::timeout(GOODBYE_TIME, self.task).await;
    }
}

/// How long quitting waits for the server's close reply.
const GOODBYE_TIME: std::time::Duration = std::time::Duration::from_secs(2);

/// Starts a connection task. Dropping the link's sender (a reconnect, or quitting) closes the
/// connection it had.
fn connect(
    url: &WsUrl,
    options: &ClientOptions,
    recorder: &Recorder,
    tx: &mpsc::UnboundedSender<Input>,
) -> Link {
    let (cmds, cmd_rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(connection(
        url.clone(),
        options.clone(),
        recorder.clone(),
        cmd_rx,
        tx.clone(),
    ));
    Link { cmds, task }
}

async fn connection(
    url: WsUrl,
    options: ClientOptions,
    recorder: Recorder,
    mut cmds: mpsc::UnboundedReceiver<Cmd>,
    tx: mpsc::UnboundedSender<Input>,
) {
    let event = |m: Msg| {
        let _ = tx.send(Input::Conn(m));
    };
    let before = recorder.read(|t| t.connections().count());
    let mut client = match WsClient::connect(&url, &recorder, &options).await {
        Ok(client) => client,
        Err(e) => {
            let conn = recorder.read(|t| t.connections().last().map(|c| c.id));
            // Only this attempt's own connection: a refused one opened none, and an earlier
            // connection's record must keep its own reason.
            let opened = recorder.read(|t| t.connections().count()) > before;
            if let Some(conn) = conn.filter(|_| opened) {
                recorder.ended_because(conn, e.to_string());
            }
            // A refused upgrade's status line gives the server's words (its body).
            let why = recorder.read(|t| {
                let connection = conn.filter(|_| opened).and_then(|c| t.connection(c));
                crate::render::refusal::sentence(&e.to_string(), connection)
            });
            event(Msg::Closed { conn, why });
            return;
        }
    };
    let conn = client.conn();
    event(Msg::Opened {
        conn,
        protocol: client.protocol().map(str::to_owned),
    });
    // Frames appear in the capture as they cross; each tells the screen to redraw.
    let mut updates = recorder.subscribe();
    let why = loop {
        tokio::select! {
            cmd = cmds.recv() => match cmd {
                None => {
                    // The console moved on: close as an endpoint going away, then read the
                    // server's reply so the capture holds the whole closing handshake.
                    let bye = async {
                        if client.close(1001, "going away").await.is_ok() {
                            let _ = client.drain().await;
                        }
                    };
                    let _ = tokio::time::timeout(GOODBYE_TIME, bye).await;
                    break None;
                }
                Some(Cmd::Send(o)) => {
                    if let Err(e) = client.send(o).await {
                        break Some(e.to_string());
                    }
                }
                Some(Cmd::Close(code, reason)) => {
                    if let Err(e) = client.close(code, &reason).await {
                        break Some(e.to_string());
                    }
                }
            },
            read = client.recv() => match read {
                Ok(Some(Message::Close(_)) | None) => {
                    // No reply timeout here: a server that sent its close and keeps TCP
                    // open must not hold the console.
                    let _ = tokio::time::timeout(GOODBYE_TIME, client.drain()).await;
                    break Some(recorder.read(|t| close_wording(t, conn)));
                }
                Ok(Some(_)) => {
                    let _ = tx.send(Input::Traffic);
                }
                Err(e) => {
                    let why = e.to_string();
                    if let Some(conn) = conn {
                        recorder.ended_because(conn, why.clone());
                    }
                    break Some(why);
                }
            },
            _ = updates.recv() => {
                let _ = tx.send(Input::Traffic);
            }
        }
    };
    if let Some(why) = why {
        event(Msg::Closed { conn, why });
    }
}
