//! The embedded lab server: WebSocket and HTTP endpoints on one port, every connection tapped.
//!
//! Each accepted stream is tapped first, then its request head is read here to choose a route
//! (see [`dispatch`]): tokio-tungstenite for `/echo`, `/chat` and `/ticker`, hyper for the
//! plain HTTP endpoints (`/events` among them, a response that streams), hand-written bytes for the misbehaving peers under `/fault/`.

mod deflate;
mod dispatch;
mod events;
mod faults;
pub mod feed;
mod http;
pub mod rewind;
mod secure;
mod ws;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{broadcast, oneshot};
use tokio::task::{JoinHandle, JoinSet};

pub use ws::SUBPROTOCOLS;

use super::recorder::Recorder;
use super::tls::LabCert;
use feed::Feed;

/// The plain HTTP endpoints, with what each does.
pub const HTTP_ENDPOINTS: &[(&str, &str)] = &[
    ("GET /", "a page whose JavaScript talks to /echo"),
    ("GET /hello", "a short text answer"),
    ("POST /message", "echoes the request body (up to 1 MiB)"),
    ("GET /poll?since=N", "updates after N, as a JSON array"),
    (
        "GET /poll?since=N&wait=MS",
        "long poll: answers when an update after N exists",
    ),
    (
        "GET /events",
        "Server-Sent Events: each update as it is published; resumes after Last-Event-ID",
    ),
];

/// How to run the lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabConfig {
    /// Where to listen; port 0 lets the OS choose.
    pub bind: SocketAddr,
    /// Time between the feed's updates.
    pub tick: Duration,
    /// Whether the WebSocket endpoints accept permessage-deflate (RFC 7692) when a client
    /// offers it; when false every offer is declined, as `serve --no-deflate` asks.
    pub deflate: bool,
    /// Bytes of the buffer each WebSocket connection is read into
    /// ([`crate::proto::limits::LAB_READ_BUFFER`] unless `serve --read-buffer` says otherwise).
    pub read_buffer: usize,
}

impl Default for LabConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tick: Duration::from_secs(1),
            deflate: true,
            read_buffer: crate::proto::limits::LAB_READ_BUFFER,
        }
    }
}

/// How long the lab waits on a client before it hangs up, so that idle or stalled sockets
/// cannot hold the [`MAX_CONNECTIONS`] slots for ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// From accept until the request head is complete; then the lab answers `408 Request
    /// Timeout` and closes. hyper's limit for later requests on a kept-alive connection too.
    pub head: Duration,
    /// The whole life of a `/fault/` connection, head excluded: `/fault/hang` never answers,
    /// and the others read what the client does afterwards.
    pub fault: Duration,
}

impl Timeouts {
    /// The head's default, as hyper's `header_read_timeout`.
    pub const HEAD: Duration = Duration::from_secs(30);
    /// The faults' default.
    pub const FAULT: Duration = Duration::from_secs(120);
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            head: Self::HEAD,
            fault: Self::FAULT,
        }
    }
}

/// What every connection task shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) feed: Feed,
    pub(crate) chat: broadcast::Sender<ws::ChatLine>,
    pub(crate) timeouts: Timeouts,
    /// The TLS configuration, when the lab also serves wss:// and https://.
    pub(crate) tls: Option<Arc<rustls::ServerConfig>>,
    /// Whether the WebSocket endpoints accept permessage-deflate.
    pub(crate) deflate: bool,
    /// The read buffer of each WebSocket connection, in bytes.
    pub(crate) read_buffer: usize,
}

/// A running lab server. Dropping it stops it too, without waiting; [`Lab::shutdown`] waits
/// until every connection is gone.
#[derive(Debug)]
pub struct Lab {
    addr: SocketAddr,
    recorder: Recorder,
    shared: Arc<Shared>,
    cert: Option<LabCert>,
    stop: Option<oneshot::Sender<()>>,
    accepting: JoinHandle<()>,
    ticking: JoinHandle<()>,
}

impl Lab {
    /// Binds `config.bind` and starts serving; every connection is recorded into `recorder`.
    ///
    /// # Errors
    /// When the address cannot be bound (in use, not local, not permitted).
    pub async fn start(config: LabConfig, recorder: Recorder) -> io::Result<Lab> {
        Self::start_with(config, Timeouts::default(), recorder).await
    }

    /// As [`Lab::start`], with other [`Timeouts`] than the defaults.
    ///
    /// # Errors
    /// When the address cannot be bound (in use, not local, not permitted).
    pub async fn start_with(
        config: LabConfig,
        timeouts: Timeouts,
        recorder: Recorder,
    ) -> io::Result<Lab> {
        Self::launch(config, timeouts, recorder, None).await
    }

    /// As [`Lab::start`], also serving wss:// and https:// on the same port with `cert`. The
    /// first byte a client sends tells TLS (a handshake record, 0x16) from plain HTTP.
    ///
    /// # Errors
    /// When the address cannot be bound, or rustls refuses the certificate.
    pub async fn start_tls(
        config: LabConfig,
        timeouts: Timeouts,
        recorder: Recorder,
        cert: LabCert,
    ) -> io::Result<Lab> {
        Self::launch(config, timeouts, recorder, Some(cert)).await
    }

    async fn launch(
        config: LabConfig,
        timeouts: Timeouts,
        recorder: Recorder,
        cert: Option<LabCert>,
    ) -> io::Result<Lab> {
        let tls = match &cert {
            Some(cert) => Some(cert.server_config().map_err(io::Error::other)?),
            None => None,
        };
        let listener = TcpListener::bind(config.bind).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            feed: Feed::default(),
            chat: broadcast::channel(ws::CHAT_BACKLOG).0,
            timeouts,
            tls,
            deflate: config.deflate,
            read_buffer: config.read_buffer,
        });
        let ticking = tokio::spawn({
            let shared = shared.clone();
            async move { shared.feed.tick(config.tick).await }
        });
        let (stop, stopped) = oneshot::channel();
        let accepting = tokio::spawn(accept_loop(
            listener,
            recorder.clone(),
            shared.clone(),
            stopped,
        ));
        Ok(Lab {
            addr,
            recorder,
            shared,
            cert,
            stop: Some(stop),
            accepting,
            ticking,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A `ws://` URL for `path` (e.g. "/echo"). An unspecified bind address (0.0.0.0) is
    /// written as loopback, which reaches it from this machine.
    pub fn url(&self, path: &str) -> String {
        format!("ws://{}{path}", self.reachable())
    }

    /// A `wss://` URL for `path`, when the lab serves TLS. It names `localhost` when the lab
    /// listens on loopback, as the certificate does; an address works too.
    pub fn wss_url(&self, path: &str) -> Option<String> {
        self.cert.as_ref()?;
        let addr = self.reachable();
        // A name, because a client sends no server name (SNI) for an address, and the
        // eavesdropper's view should show the one a browser would send.
        if addr.ip().is_loopback() {
            Some(format!("wss://localhost:{}{path}", addr.port()))
        } else {
            Some(format!("wss://{addr}{path}"))
        }
    }

    /// The certificate, when the lab serves TLS.
    pub fn cert(&self) -> Option<&LabCert> {
        self.cert.as_ref()
    }

    /// An `http://` URL for `path`, as [`Lab::url`].
    pub fn http_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.reachable())
    }

    /// Where connections are recorded.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// Adds an update to the feed now (on top of the ticks), for /ticker, /poll and /events;
    /// returns its id.
    pub fn publish(&self, text: &str) -> u64 {
        self.shared.feed.publish(text)
    }

    /// Stops accepting, ends every connection and the feed, and waits until they are gone:
    /// when it returns, the recorder holds every connection's close.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            // The loop is only gone already if it panicked; then there is no one to tell.
            let _ = stop.send(());
        }
        self.ticking.abort();
        // The accept loop returns once its connections have ended; the ticker by cancellation.
        // Their results say only that (or carry a panic, which the lab has no use for).
        let _ = (&mut self.accepting).await;
        let _ = (&mut self.ticking).await;
    }

    fn reachable(&self) -> SocketAddr {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(if addr.is_ipv4() {
                Ipv4Addr::LOCALHOST.into()
            } else {
                std::net::Ipv6Addr::LOCALHOST.into()
            });
        }
        addr
    }
}

impl Drop for Lab {
    // Without `shutdown`, no one can wait: aborting the accept loop drops its JoinSet, which
    // aborts every connection task. After `shutdown`, both tasks are over and this does nothing.
    fn drop(&mut self) {
        self.accepting.abort();
        self.ticking.abort();
    }
}

// How long the lab waits for a refused client to hang up before it hangs up itself.
const DRAIN_TIME: Duration = Duration::from_secs(30);

/// Connections the lab serves at once.
pub const MAX_CONNECTIONS: usize = 1024;

async fn accept_loop(
    listener: TcpListener,
    recorder: Recorder,
    shared: Arc<Shared>,
    mut stop: oneshot::Receiver<()>,
) {
    // The set owns every connection task: on `stop` they are aborted and waited for; if this
    // loop is aborted instead, the set is dropped, which aborts them without waiting.
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        tokio::select! {
            biased;
            // A sent stop, or a Lab dropped without one: both end the loop.
            _ = &mut stop => break,
            () = accept_one(&listener, &recorder, &shared, &mut connections) => {}
        }
    }
    drop(listener);
    // Each aborted task drops its stream, whose tap records the close.
    connections.shutdown().await;
}

// One step of the accept loop: a new connection, or room for one.
async fn accept_one(
    listener: &TcpListener,
    recorder: &Recorder,
    shared: &Arc<Shared>,
    connections: &mut JoinSet<()>,
) {
    // Each connection may hold a head buffer and a capture; past the cap, new clients wait
    // in the kernel's backlog until one leaves, so a flood cannot exhaust memory.
    if connections.len() >= MAX_CONNECTIONS {
        connections.join_next().await;
        return;
    }
    match super::tcp::accept_untapped(listener, recorder, "lab").await {
        Ok((stream, conn)) => {
            let (recorder, shared) = (recorder.clone(), shared.clone());
            connections.spawn(async move {
                // One budget from accept to a complete head, the TLS handshake included.
                let deadline = tokio::time::Instant::now() + shared.timeouts.head;
                if let Some(stream) = secure::tap(stream, conn, &recorder, &shared, deadline).await
                {
                    dispatch::handle(stream, shared, deadline).await;
                }
            });
        }
        Err(error) => super::tcp::after_accept_error(&error).await,
    }
}
