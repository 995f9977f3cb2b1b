//! The lossless proxy: it stands between a client and a `ws://` server and relays TCP bytes
//! both ways, verbatim. Nothing is parsed on the way; the tap on each client socket records
//! both directions into the [`Recorder`], and the capture dissects them (HTTP heads, frames,
//! violations). A broken frame is relayed as it came and flagged by the capture, never fixed.
//!
//! Relaying never waits on a watcher: recording is an append under a short lock, the
//! recorder's updates are a bounded broadcast that drops for a slow watcher, and
//! [`UpstreamFailure`]s go through a bounded channel that drops and counts likewise.

mod connection;
mod error;
mod pump;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

pub use error::UpstreamError;

use super::recorder::Recorder;
use super::url::WsUrl;
use crate::capture::{ConnId, Limits};

/// Connections relayed at once; past it, new clients wait in the kernel's backlog.
pub const MAX_CONNECTIONS: usize = 4096;

// Upstream failures waiting for a slow watcher; more are dropped and counted.
const EVENT_BACKLOG: usize = 1024;

/// How long the proxy waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyTimeouts {
    /// For the upstream to accept a connection; then the client gets a 502.
    pub connect: Duration,
    /// After a 502, for the client to close, reading what it still sends.
    pub linger: Duration,
}

impl Default for ProxyTimeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            linger: Duration::from_secs(2),
        }
    }
}

/// How to run a proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyConfig {
    /// Where to listen; port 0 lets the OS choose.
    pub listen: SocketAddr,
    /// Where to relay to. Only its host and port are used: the client's own request line
    /// and Host header go through untouched.
    pub upstream: WsUrl,
    /// The capture's bounds; [`ProxyConfig::recorder`] makes a recorder with them.
    pub limits: Limits,
    /// The timeouts.
    pub timeouts: ProxyTimeouts,
}

impl ProxyConfig {
    /// A recorder bounded by these limits, for [`Proxy::start`].
    pub fn recorder(&self) -> Recorder {
        Recorder::new(self.limits)
    }
}

/// An upstream that failed one client's connection; the client was answered 502 or closed,
/// and the other connections went on.
#[derive(Debug)]
pub struct UpstreamFailure {
    /// The connection in the capture, if it was recorded.
    pub conn: Option<ConnId>,
    /// The client's address.
    pub client: Option<SocketAddr>,
    /// What went wrong, as a sentence.
    pub error: UpstreamError,
}

/// The sending side of the failure channel: it never waits, and counts what it drops.
#[derive(Debug, Clone)]
pub(crate) struct Events {
    sender: mpsc::Sender<UpstreamFailure>,
    dropped: Arc<AtomicU64>,
}

impl Events {
    fn send(&self, failure: UpstreamFailure) {
        if self.sender.try_send(failure).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// A running proxy. Dropping it stops it without waiting; [`Proxy::shutdown`] waits until
/// every connection is closed.
#[derive(Debug)]
pub struct Proxy {
    addr: SocketAddr,
    recorder: Recorder,
    active: watch::Receiver<usize>,
    failures: Option<mpsc::Receiver<UpstreamFailure>>,
    dropped: Arc<AtomicU64>,
    stop: Option<oneshot::Sender<()>>,
    accepting: JoinHandle<()>,
}

impl Proxy {
    /// Binds `config.listen` and starts relaying to `config.upstream`, recording into
    /// `recorder`.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn start(config: ProxyConfig, recorder: Recorder) -> io::Result<Proxy> {
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let (sender, failures) = mpsc::channel(EVENT_BACKLOG);
        let dropped = Arc::new(AtomicU64::new(0));
        let events = Events {
            sender,
            dropped: dropped.clone(),
        };
        let (active, active_rx) = watch::channel(0);
        let (stop, stopped) = oneshot::channel();
        let accepting = tokio::spawn(accept_loop(Accepting {
            listener,
            recorder: recorder.clone(),
            config: Arc::new(config),
            events,
            active: Arc::new(active),
            stop: stopped,
        }));
        Ok(Proxy {
            addr,
            recorder,
            active: active_rx,
            failures: Some(failures),
            dropped,
            stop: Some(stop),
            accepting,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where connections are recorded.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// Connections being relayed now.
    pub fn active(&self) -> usize {
        *self.active.borrow()
    }

    /// Waits until no connection is being relayed: every task has ended and dropped its
    /// sockets.
    pub async fn idle(&self) {
        let mut active = self.active.clone();
        // The sender lives as long as the accept loop; once it is gone, so are the tasks.
        let _ = active.wait_for(|n| *n == 0).await;
    }

    /// The upstream failures, as they happen; `None` after the first call.
    pub fn failures(&mut self) -> Option<mpsc::Receiver<UpstreamFailure>> {
        self.failures.take()
    }

    /// Upstream failures dropped because their watcher fell behind.
    pub fn failures_dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Stops accepting, closes every connection, and waits until they are gone: when it
    /// returns, the recorder holds every connection's close.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            // Gone already only if the loop panicked; then no one is left to tell.
            let _ = stop.send(());
        }
        // The loop returns once its connections have ended; its result says only that.
        let _ = (&mut self.accepting).await;
    }
}

impl Drop for Proxy {
    // Aborting the loop drops its JoinSet, which aborts every connection task.
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

struct Accepting {
    listener: TcpListener,
    recorder: Recorder,
    config: Arc<ProxyConfig>,
    events: Events,
    active: Arc<watch::Sender<usize>>,
    stop: oneshot::Receiver<()>,
}

// Counts a connection for as long as its task lives, however the task ends (abort included).
struct Active(Arc<watch::Sender<usize>>);

impl Active {
    fn new(count: &Arc<watch::Sender<usize>>) -> Self {
        count.send_modify(|n| *n += 1);
        Self(count.clone())
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n -= 1);
    }
}

async fn accept_loop(mut a: Accepting) {
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        if connections.len() >= MAX_CONNECTIONS {
            tokio::select! {
                biased;
                _ = &mut a.stop => break,
                _ = connections.join_next() => continue,
            }
        }
        let accepted = tokio::select! {
            biased;
            _ = &mut a.stop => break,
            accepted = super::tcp::accept(&a.listener, &a.recorder, "proxy") => accepted,
        };
        match accepted {
            Ok(client) => {
                let active = Active::new(&a.active);
                let task = connection::serve(client, a.config.clone(), a.events.clone());
                connections.spawn(async move {
                    let _active = active;
                    task.await;
                });
            }
            Err(error) => super::tcp::after_accept_error(&error).await,
        }
    }
    drop(a.listener);
    // Each aborted task drops its sockets; the client's tap records the close.
    connections.shutdown().await;
}
