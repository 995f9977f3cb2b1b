//! `wslab serve`: the lab server in the foreground, every connection shown as it happens.

mod banner;
mod lines;

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use futures_util::FutureExt as _;
use tokio::sync::broadcast::error::RecvError;

use crate::capture::{ConnId, Connection, Direction, Learned, Transcript, Update};
use crate::cli::ServeArgs;
use crate::files::write_atomically;
use crate::net::Recorder;
use crate::net::lab::{Lab, LabConfig, Timeouts};
use crate::net::tls::LabCert;
use crate::proto::tls::ContentType;
use crate::render::frame::{self as frame_view, Options};
use crate::render::style::{Palette, Role};
use crate::render::tls::record_summary;
use crate::signals::Caught;

use crate::capture::Flow;
use crate::proto::OpCode;
use crate::render::deflate::negotiation;
use crate::render::exchange::frame_summary;
use crate::render::frame::{compressed_sizes, hex_preview};
use crate::render::http::start_line;
pub use banner::banner;
use lines::{exchange, size, time};

/// Runs the lab server until Ctrl-C.
///
/// # Errors
/// When the address cannot be bound, or output fails.
pub fn run(args: &ServeArgs, palette: Palette, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(args, palette, out))
}

/// The signal a listening command waits for, as a future that can be polled once to install
/// its handlers.
pub(crate) type StopSignal =
    std::pin::Pin<Box<dyn std::future::Future<Output = io::Result<Caught>> + Send>>;

/// A watch for SIGINT (Ctrl-C), SIGTERM and SIGHUP, installed now, and whether one came
/// already: `kill` and a closed terminal end `serve` and `proxy` as Ctrl-C does, with the
/// summary printed and `--save` written, never the default action that loses the capture.
/// The handlers are installed on the first poll; polled before anything is printed, a signal
/// that comes as soon as the banner appears (or while a burst of updates keeps the loop busy)
/// reaches them rather than the default, and the summary is printed.
///
/// # Errors
/// When the signal cannot be watched.
pub(crate) fn ctrl_c() -> anyhow::Result<(StopSignal, Option<Caught>)> {
    let mut stop = Box::pin(async {
        let mut signals = crate::signals::Stop::install()?;
        Ok(signals.wait().await)
    });
    let caught = match (&mut stop).now_or_never() {
        Some(result) => Some(result.context("cannot watch for Ctrl-C")?),
        None => None,
    };
    Ok((stop, caught))
}

async fn serve(
    args: &ServeArgs,
    palette: Palette,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let (mut stop, mut caught) = ctrl_c()?;
    let mut stopped = caught.is_some();
    let bind = SocketAddr::new(args.bind, args.port);
    let recorder = Recorder::default();
    // Subscribed before the first connection can open, so none is missed.
    let mut updates = recorder.subscribe();
    let config = LabConfig {
        bind,
        tick: Duration::from_millis(args.tick_ms),
        deflate: !args.no_deflate,
        read_buffer: args.read_buffer,
    };
    let cert = if args.tls {
        Some(LabCert::generate()?)
    } else {
        None
    };
    let started = match &cert {
        Some(cert) => {
            Lab::start_tls(config, Timeouts::default(), recorder.clone(), cert.clone()).await
        }
        None => Lab::start(config, recorder.clone()).await,
    };
    let lab =
        started.map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {}", bind_error(&e)))?;
    let saved = cert
        .as_ref()
        .map(|cert| save_cert(cert, "lab"))
        .transpose()?;
    if !args.bind.is_loopback() {
        eprintln!(
            "wslab: warning: the lab is reachable from other machines at {}; it is a teaching server with no authentication",
            lab.addr()
        );
    }
    let tls = match (&cert, &saved) {
        (Some(cert), Some(saved)) => banner::tls(&lab, cert, saved, palette),
        _ => String::new(),
    };
    out.write_all(banner(&lab, &tls, palette).as_bytes())?;
    out.flush()?;
    let mut printer = Printer {
        palette,
        verbose: args.verbose,
        max_payload: args.max_payload,
        stats: Stats::default(),
    };
    while !stopped {
        tokio::select! {
            biased;
            result = &mut stop => {
                caught = Some(result.context("cannot watch for Ctrl-C")?);
                stopped = true;
            }
            update = updates.recv() => match update {
                Ok(update) => printer.show(&recorder, update, out)?,
                Err(RecvError::Lagged(n)) => {
                    writeln!(out, "({n} updates skipped: the terminal fell behind)")?;
                    printer.sweep(&recorder, out)?;
                }
                Err(RecvError::Closed) => stopped = true,
            },
        }
        out.flush()?;
    }
    lab.shutdown().await;
    writeln!(out, "\n{}", printer.summary(&recorder))?;
    out.flush()?;
    Ok(crate::signals::exit(caught))
}

/// Where the lab's certificates were saved.
#[derive(Debug)]
pub struct SavedCert {
    /// The CA's PEM: what `--ca` takes and what a browser imports.
    pub ca: PathBuf,
    /// The server certificate's PEM.
    pub cert: PathBuf,
}

// Saves both PEMs in the data directory as `{owner}-ca.pem` and `{owner}-cert.pem` (the
// lab's, the proxy's: each its own, so that a proxy in front of a lab leaves the lab's CA in
// place), each replaced whole, so that a client started while the lab restarts reads the old
// CA or the new one, never half of one. The private key is never written: it lives as long
// as the server.
pub(crate) fn save_cert(cert: &LabCert, owner: &str) -> anyhow::Result<SavedCert> {
    let Some(dir) = crate::files::store::data_dir() else {
        anyhow::bail!(
            "cannot find a data directory to save the lab's certificate in; set WSLAB_DATA_DIR to a folder"
        );
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    let saved = SavedCert {
        ca: dir.join(format!("{owner}-ca.pem")),
        cert: dir.join(format!("{owner}-cert.pem")),
    };
    for (path, pem) in [(&saved.ca, cert.ca_pem()), (&saved.cert, cert.leaf_pem())] {
        write_atomically(path, pem.as_bytes())
            .with_context(|| format!("cannot save the certificate as {}", path.display()))?;
    }
    Ok(saved)
}

/// The bind error in words.
pub(crate) fn bind_error(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::AddrInUse => "address already in use".into(),
        io::ErrorKind::AddrNotAvailable => "that address is not one of this machine's".into(),
        io::ErrorKind::PermissionDenied => {
            "permission denied (ports below 1024 need privileges)".into()
        }
        _ => error.to_string(),
    }
}

#[derive(Debug, Default)]
struct Stats {
    connections: u64,
    bytes_in: u64,
    bytes_out: u64,
}

/// Prints each update of the lab's transcript as it comes.
struct Printer {
    palette: Palette,
    verbose: bool,
    max_payload: usize,
    stats: Stats,
}

impl Printer {
    fn show(
        &mut self,
        recorder: &Recorder,
        update: Update,
        out: &mut impl Write,
    ) -> io::Result<()> {
        let p = self.palette;
        let text = match update {
            Update::Opened(conn) => {
                self.stats.connections += 1;
                let peer = recorder.read(|t| t.connection(conn).and_then(|c| c.client));
                let peer = peer.map_or_else(|| "an unknown peer".into(), |a| a.to_string());
                format!(
                    "{} opened from {peer}\n",
                    p.paint(Role::Heading, &conn.to_string())
                )
            }
            Update::Learned(conn, direction, learned) => {
                let text = recorder.read(|t| self.learned(t, conn, direction, learned));
                if let Learned::Frame(index) = learned {
                    // Shown once, never needed again: the frame limit stays for new frames.
                    recorder.release_frames(conn, direction, index);
                }
                text
            }
            // The lab relays nothing, so no upstream of its fails.
            Update::Ended(..) | Update::Failed(_) => String::new(),
            Update::Closed(conn) => {
                let text = recorder.read(|t| self.closed(t, conn));
                recorder.forget(conn);
                text
            }
        };
        out.write_all(text.as_bytes())
    }

    /// After missed updates: shows and forgets every closed connection, whose Closed update
    /// may have been among those missed, so that memory stays bounded.
    fn sweep(&mut self, recorder: &Recorder, out: &mut impl Write) -> io::Result<()> {
        for conn in recorder.closed() {
            self.show(recorder, Update::Closed(conn), out)?;
        }
        Ok(())
    }

    fn learned(
        &self,
        t: &Transcript,
        conn: ConnId,
        direction: Direction,
        learned: Learned,
    ) -> String {
        let p = self.palette;
        let Some(connection) = t.connection(conn) else {
            return String::new();
        };
        let flow = connection.flow(direction);
        let tag = format!(
            "{} {}",
            p.paint(Role::Heading, &conn.to_string()),
            direction.arrow()
        );
        match learned {
            Learned::Head(index) => {
                let Some(message) = flow.http.get(index) else {
                    return String::new();
                };
                let mut text = format!("{tag} {}\n", start_line(&message.head));
                if self.verbose {
                    text.push_str(&crate::render::http::head(&message.raw, &message.head, p));
                }
                // The 101's extensions, in words: what compression, if any, the rest uses.
                if let (Direction::ServerToClient, 0, Some(request)) =
                    (direction, index, connection.requests().http.first())
                {
                    text.push_str(&negotiation(&request.head, &message.head, p));
                }
                // A response with no body is over with its head; one with a body is shown when
                // its body ends (Learned::Body), even if that came in the same read.
                if direction == Direction::ServerToClient
                    && message.body_complete
                    && message.body_len == 0
                {
                    text.push_str(&exchange(connection, index, p));
                }
                text
            }
            Learned::Body(index) if direction == Direction::ServerToClient => {
                exchange(connection, index, p)
            }
            Learned::Frame(index) => {
                let Some(frame) = flow.frames.iter().rev().find(|f| f.item.index == index) else {
                    return format!(
                        "{tag} frame {index} not shown: the capture's frame limit is reached\n"
                    );
                };
                let mut text = format!(
                    "{} {tag} {}\n",
                    time(frame.at_us, p),
                    frame_summary(&frame.item)
                );
                if self.verbose {
                    let options = Options {
                        palette: p,
                        side: direction.sender(),
                        max_payload: self.max_payload,
                        more: Some("--max-payload"),
                    };
                    text.push_str(&frame_view::frame(&frame.item, &options));
                } else if !frame.item.violations.is_empty() {
                    text.push_str(&frame_view::violations(&frame.item.violations, p));
                }
                text
            }
            Learned::Problem => match &flow.problem {
                Some(problem) => format!("{tag} {} {problem}\n", p.paint(Role::Bad, "✗")),
                None => String::new(),
            },
            Learned::Record(index) => self.record(connection, direction, index, &tag),
            Learned::Message(index) => compressed_line(flow, index, &tag, p),
            // The lab is no proxy: it has no upstream side.
            Learned::Body(_) | Learned::UpstreamRecord(_) => String::new(),
        }
    }

    // The hellos and alerts in clear, always: they say who connected and how it went. Every
    // record with -v.
    fn record(
        &self,
        connection: &Connection,
        direction: Direction,
        index: u64,
        tag: &str,
    ) -> String {
        let Some(tls) = &connection.tls else {
            return String::new();
        };
        let Some(sealed) = tls
            .flow(direction)
            .records
            .iter()
            .rev()
            .find(|s| s.record.index == index)
        else {
            return String::new();
        };
        let record = &sealed.record;
        let milestone = !record.encrypted
            && matches!(
                record.content_type,
                ContentType::Handshake | ContentType::Alert
            );
        if !(milestone || self.verbose) {
            return String::new();
        }
        format!(
            "{} {tag} TLS {}\n",
            time(sealed.at_us, self.palette),
            record_summary(record)
        )
    }

    fn closed(&mut self, t: &Transcript, conn: ConnId) -> String {
        let Some(connection) = t.connection(conn) else {
            return String::new();
        };
        let (bytes_in, bytes_out) = (connection.requests().bytes, connection.responses().bytes);
        self.stats.bytes_in += bytes_in;
        self.stats.bytes_out += bytes_out;
        let lasted = connection
            .closed_us
            .unwrap_or(connection.opened_us)
            .saturating_sub(connection.opened_us);
        let error = connection
            .error
            .as_ref()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        let check = match &connection.self_check {
            Some(v @ crate::capture::selfcheck::Verdict::Agree(n)) if *n > 0 => {
                format!("   {} {v}\n", self.palette.paint(Role::Good, "✓"))
            }
            Some(v @ crate::capture::selfcheck::Verdict::Differ(_)) => {
                format!("   {} {v}\n", self.palette.paint(Role::Bad, "✗"))
            }
            _ => String::new(),
        };
        // In and out are what the endpoints exchanged; under TLS, the wire carried more.
        let wire = connection
            .tls
            .as_ref()
            .map(|tls| {
                let (c2s, s2c) = (
                    tls.flow(Direction::ClientToServer).bytes,
                    tls.flow(Direction::ServerToClient).bytes,
                );
                format!(
                    " over TLS ({} in, {} out on the wire)",
                    size(c2s),
                    size(s2c)
                )
            })
            .unwrap_or_default();
        format!(
            "{check}{} closed after {}: {} in, {} out{wire}{error}\n",
            self.palette.paint(Role::Heading, &conn.to_string()),
            crate::render::exchange::ms(lasted),
            size(bytes_in),
            size(bytes_out)
        )
    }

    fn summary(&self, recorder: &Recorder) -> String {
        // Connections still open at Ctrl-C count too.
        let (open_in, open_out) = recorder.read(|t| {
            t.connections().fold((0, 0), |(i, o), c| {
                (i + c.requests().bytes, o + c.responses().bytes)
            })
        });
        let served = self.stats.connections;
        format!(
            "stopped: {served} connection{} served, {} in, {} out",
            if served == 1 { "" } else { "s" },
            size(self.stats.bytes_in + open_in),
            size(self.stats.bytes_out + open_out)
        )
    }
}

// A compressed message's sizes on the wire and inflated, under its frames: the frame lines
// show only the compressed bytes. Other messages say nothing more than their frames did.
fn compressed_line(flow: &Flow, index: u64, tag: &str, p: Palette) -> String {
    let Some(message) = flow.messages.iter().rev().find(|m| m.item.index == index) else {
        return String::new();
    };
    if !message.item.compressed {
        return String::new();
    }
    let shown = compressed_sizes(&message.item, |preview| {
        if message.item.opcode == OpCode::Text {
            let text = String::from_utf8_lossy(preview);
            crate::proto::shown::quoted_fit(&text, 48, false)
        } else {
            hex_preview(preview, 16)
        }
    });
    // Under the time column, so that it reads as a note on the frames above.
    format!(
        "{:>10} {tag} {}\n",
        "",
        p.paint(Role::Dim, &format!("permessage-deflate: {shown}"))
    )
}
