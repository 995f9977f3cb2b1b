//! `wslab proxy`: the lossless proxy in the foreground, shown in the terminal view
//! (`tui::proxy_view`), or with `--no-tui` (or no terminal) every event written as a JSON line.
//! With `--tls` it serves wss:// with a certificate made now, saved and announced as `serve
//! --tls` does; a wss:// upstream is reached with `connect`'s TLS options.

mod printer;

use std::io::{IsTerminal as _, Write};
use std::process::ExitCode;

use anyhow::Context as _;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::TryRecvError;

use super::BadInput;
use crate::capture::{Limits, Update};
use crate::cli::ProxyArgs;
use crate::net::proxy::{Proxy, ProxyConfig, ProxyTimeouts};
use crate::net::tls::LabCert;
use crate::net::url;
use crate::render::lines::{Line, ListeningJson, ListeningTlsJson, write};
use crate::ui::Theme;
pub use printer::{DEFAULT_MAX_PAYLOAD, Printer};

/// Runs the proxy until Ctrl-C (or `q` in the terminal view).
///
/// # Errors
/// When the upstream URL is not usable, the address cannot be bound, or output fails.
pub fn run(args: &ProxyArgs, theme: &Theme, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let upstream = url::parse(&args.upstream).map_err(|e| BadInput(format!("--upstream: {e}")))?;
    let mut notes = Vec::new();
    // Built now, so that a CA file or key log that cannot be used is said before anything
    // listens; the proxy's connections share the one configuration.
    // With --tls, --keylog takes the client side's secrets as well: it is not ignored.
    let mut tls_args = args.upstream_tls.clone();
    let keylog = tls_args.keylog.take_if(|_| args.tls && !upstream.secure);
    let mut upstream_tls = super::tls_options(&tls_args, upstream.secure, &mut notes)?;
    if let Some(path) = keylog {
        crate::net::tls::check_keylog(&path).map_err(|e| BadInput(e.to_string()))?;
        upstream_tls.keylog = Some(path);
    }
    for note in &notes {
        eprintln!("wslab: note: {note}");
    }
    // Checked before anything listens, so a typo costs no session.
    let save = args
        .save
        .as_deref()
        .map(crate::files::save::Target::check)
        .transpose()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let listen_tls = if args.tls {
        let cert = LabCert::generate()?;
        let saved = super::serve::save_cert(&cert, "proxy")?;
        Some((cert, saved))
    } else {
        None
    };
    let announced = listen_tls.as_ref().map(|(cert, saved)| Announced {
        ca: saved.ca.display().to_string(),
        fingerprint: cert.fingerprint(),
    });
    let config = ProxyConfig {
        listen: args.listen,
        upstream,
        upstream_tls,
        listen_tls: listen_tls.map(|(cert, _)| cert),
        limits: Limits {
            max_frames: usize::try_from(args.max_frames).unwrap_or(usize::MAX),
            ..Limits::default()
        },
        timeouts: ProxyTimeouts::default(),
        max_connections: args.max_connections,
    };
    if !args.no_tui {
        if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
            return runtime.block_on(view(config, announced.as_ref(), save.as_ref(), theme));
        }
        eprintln!(
            "wslab: no terminal for the proxy's view; JSON Lines follow on standard output, as with --no-tui"
        );
    }
    runtime.block_on(serve(
        config,
        announced.as_ref(),
        args.max_payload,
        save.as_ref(),
        out,
    ))
}

/// The certificate a proxy with `--tls` serves: where its CA is, and its fingerprint.
struct Announced {
    ca: String,
    fingerprint: String,
}

impl Announced {
    /// What `serve --tls` says of its certificate, for the proxy: on stderr, where a person
    /// reads, in both modes.
    fn say(&self, listening: std::net::SocketAddr) {
        eprintln!(
            "wslab: wss://{listening} serves a certificate for {}, SHA-256 fingerprint\n    {}\n  signed by a CA made now, saved as {}\n  Clients: wslab connect wss://localhost:{}/PATH --ca {} --send hi",
            crate::net::tls::NAMES.join(", "),
            self.fingerprint,
            self.ca,
            listening.port(),
            self.ca
        );
    }
}

// How clients reach the proxy: wss:// with `--tls` (ws:// still works on the same port).
fn scheme(tls: Option<&Announced>) -> &'static str {
    if tls.is_some() { "wss" } else { "ws" }
}

/// The proxy under the terminal view; the capture is kept (within its limits) for the view
/// and for `--save`, written when the user quits.
async fn view(
    config: ProxyConfig,
    tls: Option<&Announced>,
    save: Option<&crate::files::save::Target>,
    theme: &Theme,
) -> anyhow::Result<ExitCode> {
    let (listen, upstream) = (config.listen, config.upstream.to_string());
    let any_tls = tls.is_some() || config.upstream.secure;
    let max = config.max_connections;
    let recorder = config.recorder();
    let mut proxy = Proxy::start(config, recorder.clone()).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot listen on {listen}: {}",
            super::serve::bind_error(&e)
        )
    })?;
    // The view shows each failure from its connection's record; the channel is drained so
    // that it never fills and reports drops that no one missed.
    if let Some(mut failures) = proxy.failures() {
        tokio::spawn(async move { while failures.recv().await.is_some() {} });
    }
    // Turned-away clients are never recorded, so the view cannot show them: they are
    // counted, and said on stderr once the view is gone.
    if let Some(mut away) = proxy.turned_away() {
        tokio::spawn(async move { while away.recv().await.is_some() {} });
    }
    let exposed = !listen.ip().is_loopback();
    let title = match tls {
        Some(tls) => format!(
            "proxy wss://{} → {upstream} · clients trust {}",
            proxy.addr(),
            tls.ca
        ),
        None => format!("proxy {} → {upstream}", proxy.addr()),
    };
    // Said before the view covers the screen, and again after it, so that it is on the
    // terminal while the view runs (behind it) and once it is gone.
    if let Some(tls) = tls {
        tls.say(proxy.addr());
    }
    let shown = crate::tui::proxy_view::run(&recorder, &title, any_tls, theme).await;
    let turned_away = proxy.turned_away_count();
    let addr = proxy.addr();
    proxy.shutdown().await;
    let caught = shown?;
    if let Some(tls) = tls {
        tls.say(addr);
    }
    if turned_away > 0 {
        eprintln!(
            "wslab: {turned_away} clients were turned away with a 503: too many connections ({max}); --max-connections raises the cap"
        );
    }
    if exposed {
        // Said after the view, which hid the screen while it ran.
        eprintln!(
            "wslab: warning: the proxy was reachable from other machines at {listen}; it relayed to {upstream} with no authentication"
        );
    }
    let connections = recorder.read(|t| t.connections().count());
    let s = if connections == 1 { "" } else { "s" };
    eprintln!("wslab: proxy stopped: {connections} connection{s} in the capture");
    match (save, caught) {
        (Some(target), caught) => {
            if let Some(caught) = caught {
                eprintln!("wslab: stopped by {}", caught.name);
            }
            target.write(&recorder)?;
            eprintln!("wslab: the capture is saved in {}", target.path.display());
        }
        // No --save, but a signal took away the chance to press S: kept here, as S would.
        (None, Some(caught)) => {
            // The relay has no frames of its own to send: it closes both sockets.
            let closed = "the relayed connections were cut at the TCP level";
            super::kept_after(caught, &recorder, "proxy", closed);
        }
        (None, None) => {}
    }
    Ok(crate::signals::exit(caught))
}

async fn serve(
    config: ProxyConfig,
    tls: Option<&Announced>,
    max_payload: usize,
    save: Option<&crate::files::save::Target>,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let (mut stop, mut caught) = super::serve::ctrl_c()?;
    let mut stopped = caught.is_some();
    let (listen, upstream) = (config.listen, config.upstream.to_string());
    let recorder = config.recorder();
    // Subscribed before the first connection can open, so none is missed.
    let mut updates = recorder.subscribe();
    let mut proxy = Proxy::start(config, recorder.clone()).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot listen on {listen}: {}",
            super::serve::bind_error(&e)
        )
    })?;
    if !listen.ip().is_loopback() {
        eprintln!(
            "wslab: warning: the proxy is reachable from other machines at {}; it relays to {upstream} with no authentication",
            proxy.addr()
        );
    }
    eprintln!(
        "wslab: proxy listening on {}://{}, relaying to {upstream}; Ctrl-C stops it",
        scheme(tls),
        proxy.addr()
    );
    if let Some(tls) = tls {
        tls.say(proxy.addr());
    }
    let mut printer = Printer::new(max_payload);
    printer.keep = save.is_some();
    write(
        out,
        &Line::Listening(ListeningJson {
            kind: "listening",
            listen: proxy.addr().to_string(),
            upstream,
            tls: tls.map(|t| ListeningTlsJson {
                ca: t.ca.clone(),
                fingerprint: t.fingerprint.clone(),
            }),
        }),
    )?;
    out.flush()?;
    let mut failures = proxy
        .failures()
        .context("the proxy's failures were taken")?;
    let mut away = proxy
        .turned_away()
        .context("the proxy's turned-away clients were taken")?;
    while !stopped {
        tokio::select! {
            biased;
            result = &mut stop => {
                caught = Some(result.context("cannot watch for Ctrl-C")?);
                stopped = true;
            }
            // Only the failures of connections the capture did not record are written from
            // here; the others come with their connection's updates, in their order.
            Some(failure) = failures.recv() => printer.failure(&failure, out)?,
            Some(turned) = away.recv() => printer.turned_away(&turned, out)?,
            // Its own arm of this loop, on its own receiver: the relay's tasks never wait
            // for it, and what it misses is counted (Printer::take).
            update = updates.recv() => {
                stopped = !printer.take(&recorder, &update, &mut updates, out)?;
            }
        }
        out.flush()?;
    }
    let dropped = proxy.failures_dropped();
    let turned_away = proxy.turned_away_count();
    proxy.shutdown().await;
    // The connections the stop closed, and anything else still queued.
    loop {
        match updates.try_recv() {
            Ok(update) => printer.show(&recorder, update, out)?,
            Err(TryRecvError::Lagged(n)) => printer.lagged(&recorder, n, out)?,
            Err(TryRecvError::Empty | TryRecvError::Closed) => break,
        }
    }
    while let Ok(failure) = failures.try_recv() {
        printer.failure(&failure, out)?;
    }
    while let Ok(turned) = away.try_recv() {
        printer.turned_away(&turned, out)?;
    }
    out.flush()?;
    eprintln!(
        "wslab: proxy stopped: {} connection{} ({} failed upstream, {} turned away), {} bytes from clients, {} bytes from the upstream, {} events dropped",
        printer.connections,
        if printer.connections == 1 { "" } else { "s" },
        printer.upstream_failures,
        turned_away,
        printer.bytes_up,
        printer.bytes_down,
        printer.dropped + dropped
    );
    if let Some(target) = save {
        target.write(&recorder)?;
        eprintln!("wslab: the capture is saved in {}", target.path.display());
    }
    Ok(crate::signals::exit(caught))
}

// Updates taken at once, under one read of the transcript.
const BATCH: usize = 256;

/// `first`, and the updates already waiting behind it (up to a bound); with the count of
/// updates missed, if the watcher fell behind meanwhile.
pub fn batch(
    first: Update,
    updates: &mut broadcast::Receiver<Update>,
) -> (Vec<Update>, Option<u64>) {
    let mut batch = vec![first];
    while batch.len() < BATCH {
        match updates.try_recv() {
            Ok(update) => batch.push(update),
            Err(TryRecvError::Lagged(n)) => return (batch, Some(n)),
            Err(TryRecvError::Empty | TryRecvError::Closed) => break,
        }
    }
    (batch, None)
}
