//! The lossless proxy: it stands between a client and a WebSocket server and relays the
//! WebSocket bytes both ways, verbatim. Nothing is parsed on the way; the tap on each client
//! connection records both directions into the [`Recorder`], and the capture dissects them
//! (HTTP heads, frames, violations). A broken frame is relayed as it came and flagged by the
//! capture, never fixed.
//!
//! Either side may be TLS: `--tls` serves wss:// to clients with the lab's certificate (a
//! client that starts in clear is relayed in clear, as the lab serves both on one port), and
//! a wss:// upstream is reached over a TLS session of the proxy's own. Each side then has its
//! own session, with its own keys and records; the plaintext between them is relayed
//! unchanged and recorded once, and each side's records are kept as that side's eavesdropper
//! sees them (the connection's `tls` and `upstream_tls` layers).
//!
//! Relaying never waits on a watcher: recording is an append under a short lock, the
//! recorder's updates are a bounded broadcast that drops for a slow watcher, and
//! [`UpstreamFailure`]s go through a bounded channel that drops and counts likewise.

mod answer;
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

pub use error::{Refusal, UpstreamError};

use super::recorder::Recorder;
use super::tls::{LabCert, TlsOptions};
use super::url::WsUrl;
use crate::capture::{ConnId, Limits, PROXY_LABEL};

/// Connections relayed at once unless [`ProxyConfig::max_connections`] says otherwise: the
/// lab's figure. Past it, new clients are turned away with a 503.
pub const MAX_CONNECTIONS: usize = super::lab::MAX_CONNECTIONS;

// Upstream failures, or clients turned away, waiting for a slow watcher; more are dropped
// and counted.
const EVENT_BACKLOG: usize = 1024;

// Clients being answered 503 at once. Past it, one is closed without an answer, so that a
// flood costs neither memory nor tasks.
const TURNING_AWAY: usize = 64;

/// How long the proxy waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyTimeouts {
    /// For the upstream to accept a connection; then the client gets a 502.
    pub connect: Duration,
    /// After a 502, for the client to close, reading what it still sends.
    pub linger: Duration,
    /// For each TLS handshake, the client's (`--tls`) and the upstream's (wss://).
    pub handshake: Duration,
}

impl Default for ProxyTimeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            linger: Duration::from_secs(2),
            handshake: Duration::from_secs(10),
        }
    }
}

/// How to run a proxy.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    /// Where to listen; port 0 lets the OS choose.
    pub listen: SocketAddr,
    /// Where to relay to. Only its scheme, host and port are used: the client's own request
    /// line and Host header go through untouched. A wss:// upstream is reached over TLS,
    /// checked for its host name.
    pub upstream: WsUrl,
    /// Whom a wss:// upstream's certificate must be issued by, and where to log the session
    /// keys (`--ca`, `--insecure`, `--keylog`, as `connect` has them); the key log takes the
    /// client side's sessions too, with `--tls`.
    pub upstream_tls: TlsOptions,
    /// The certificate to serve wss:// to clients with (`--tls`); `None` serves ws:// only.
    pub listen_tls: Option<LabCert>,
    /// The capture's bounds; [`ProxyConfig::recorder`] makes a recorder with them.
    pub limits: Limits,
    /// The timeouts.
    pub timeouts: ProxyTimeouts,
    /// Connections relayed at once; past it, a new client is answered 503 and closed, and
    /// is not recorded.
    pub max_connections: usize,
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
    /// Whether the client was answered `502 Bad Gateway` (false: the upstream had begun
    /// answering, and the client's connection was closed).
    pub answered: bool,
}

/// A client the proxy turned away before relaying or recording anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurnedAway {
    /// The client's address.
    pub client: SocketAddr,
    /// Why, as the 503's body says it.
    pub refusal: Refusal,
}

/// The sending side of the event channels: they never wait, and count what they drop.
#[derive(Debug, Clone)]
pub(crate) struct Events {
    sender: mpsc::Sender<UpstreamFailure>,
    away: mpsc::Sender<TurnedAway>,
    away_count: Arc<AtomicU64>,
    dropped: Arc<AtomicU64>,
}

impl Events {
    fn send(&self, failure: UpstreamFailure) {
        if self.sender.try_send(failure).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn turned_away(&self, away: TurnedAway) {
        self.away_count.fetch_add(1, Ordering::Relaxed);
        if self.away.try_send(away).is_err() {
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
    away: Option<mpsc::Receiver<TurnedAway>>,
    away_count: Arc<AtomicU64>,
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
        // Built before anything listens: a CA file or key log that cannot be used fails the
        // start, not every connection.
        let tls = Secure {
            client: if config.upstream.secure {
                Some(
                    config
                        .upstream_tls
                        .client_config()
                        .map_err(io::Error::other)?,
                )
            } else {
                None
            },
            server: match &config.listen_tls {
                Some(cert) => {
                    let built = cert.server_config().map_err(io::Error::other)?;
                    Some(match &config.upstream_tls.keylog {
                        // The client side's secrets too, so that a pcap of it decrypts.
                        Some(path) => {
                            let mut logged = (*built).clone();
                            logged.key_log = super::tls::key_log(path).map_err(io::Error::other)?;
                            Arc::new(logged)
                        }
                        None => built,
                    })
                }
                None => None,
            },
        };
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let (sender, failures) = mpsc::channel(EVENT_BACKLOG);
        let (away_sender, away) = mpsc::channel(EVENT_BACKLOG);
        let dropped = Arc::new(AtomicU64::new(0));
        let away_count = Arc::new(AtomicU64::new(0));
        let events = Events {
            sender,
            away: away_sender,
            away_count: away_count.clone(),
            dropped: dropped.clone(),
        };
        let (active, active_rx) = watch::channel(0);
        let (stop, stopped) = oneshot::channel();
        let accepting = tokio::spawn(accept_loop(Accepting {
            listener,
            recorder: recorder.clone(),
            config: Arc::new(config),
            tls: Arc::new(tls),
            events,
            active: Arc::new(active),
            stop: stopped,
        }));
        Ok(Proxy {
            addr,
            recorder,
            active: active_rx,
            failures: Some(failures),
            away: Some(away),
            away_count,
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

    /// The clients turned away, as it happens; `None` after the first call.
    pub fn turned_away(&mut self) -> Option<mpsc::Receiver<TurnedAway>> {
        self.away.take()
    }

    /// Clients turned away so far, whether or not their event was dropped.
    pub fn turned_away_count(&self) -> u64 {
        self.away_count.load(Ordering::Relaxed)
    }

    /// Upstream failures and clients turned away whose event was dropped because their
    /// watcher fell behind.
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

/// The rustls configurations of the two sides, built once.
#[derive(Debug)]
pub(super) struct Secure {
    /// Toward a wss:// upstream.
    pub(super) client: Option<Arc<rustls::ClientConfig>>,
    /// Toward clients, with `--tls`.
    pub(super) server: Option<Arc<rustls::ServerConfig>>,
}

struct Accepting {
    listener: TcpListener,
    recorder: Recorder,
    config: Arc<ProxyConfig>,
    tls: Arc<Secure>,
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
    let mut turning = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        while turning.try_join_next().is_some() {}
        let accepted = tokio::select! {
            biased;
            _ = &mut a.stop => break,
            accepted = a.listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                super::tcp::after_accept_error(&error).await;
                continue;
            }
        };
        // The live count, not the set's length: a task that has just ended may not have
        // been reaped yet, and its client should not cost a newcomer its place.
        if *a.active.borrow() >= a.config.max_connections {
            let refusal = Refusal::TooManyConnections {
                max: a.config.max_connections,
            };
            a.events.turned_away(TurnedAway {
                client: peer,
                refusal,
            });
            if turning.len() < TURNING_AWAY {
                let linger = a.config.timeouts.linger;
                turning.spawn(answer::turn_away(stream, refusal, linger));
            }
            continue;
        }
        match super::tcp::open_accepted(stream, peer, &a.recorder, PROXY_LABEL) {
            Ok((client, conn)) => {
                let active = Active::new(&a.active);
                let task = connection::serve(
                    connection::Accepted {
                        stream: client,
                        conn,
                        recorder: a.recorder.clone(),
                    },
                    a.config.clone(),
                    a.tls.clone(),
                    a.events.clone(),
                );
                connections.spawn(async move {
                    let _active = active;
                    task.await;
                });
            }
            Err(error) => super::tcp::after_accept_error(&error).await,
        }
    }
    drop(a.listener);
    turning.shutdown().await;
    // Each aborted task drops its sockets; the client's tap records the close.
    connections.shutdown().await;
}
