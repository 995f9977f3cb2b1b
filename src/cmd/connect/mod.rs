//! `wslab connect`: a scripted exchange against a ws:// server, every byte explained.

use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use bytes::Bytes;

mod wait;

use super::BadInput;
use crate::capture::selfcheck::{Delivered, Verdict};
use crate::capture::{ConnId, Direction, Limits, Transcript};
use crate::cli::{ConnectArgs, Send};
use crate::files::save::Target;
use crate::net::client::fresh_mask;
use crate::net::url::{self, WsUrl};
use crate::net::{ClientError, ClientOptions, Masking, Outgoing, Recorder, WsClient};
use crate::proto::OpCode;
use crate::proto::accept::validate_key;
use crate::proto::craft::{self, Form};
use crate::proto::send::{self, Kind, SendError, parse_mask};
use crate::render::exchange::{frames, handshake, handshake_brief, summary};
use crate::render::exchange_json::ExchangeJson;
use crate::render::frame::Options;
use crate::render::reaction;
use crate::render::style::{Palette, Role};
use crate::signals::{Caught, Stop};

/// What to do, checked before any socket opens.
#[derive(Debug)]
pub struct Plan {
    /// Where.
    pub url: WsUrl,
    /// How.
    pub options: ClientOptions,
    /// What to send, in order.
    pub sends: Vec<Outgoing>,
    /// Data messages to wait for before closing.
    pub expect: usize,
    /// Without `expect`: how long to wait for replies before closing.
    pub linger: Duration,
    /// The close frame's code and reason.
    pub close: (u16, String),
    /// Notes for the user about choices that break rules on purpose.
    pub notes: Vec<String>,
}

/// Checks the arguments and builds the plan.
///
/// # Errors
/// [`BadInput`] with one sentence for each mistake.
pub fn plan(args: &ConnectArgs, sends: &[Send]) -> Result<Plan, BadInput> {
    let url = url::parse(&args.url).map_err(|e| BadInput(e.to_string()))?;
    let mut notes = Vec::new();
    if let Some(key) = &args.key
        && let Err(e) = validate_key(key)
    {
        notes.push(format!("the key {key:?} breaks RFC 6455 §4.1 ({e}); it is sent anyway, to see what the server does"));
    }
    let headers = args
        .headers
        .iter()
        .map(|h| {
            h.split_once(':')
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
                .filter(|(n, _)| !n.is_empty())
                .ok_or_else(|| BadInput(format!("--header {h:?} is not 'Name: value'")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    notes.extend(super::unspoken_extensions(&headers));
    let masking = match (&args.mask, args.unmasked) {
        (Some(hex), _) => {
            Masking::Pinned(parse_mask(hex).map_err(|e| BadInput(format!("--mask: {e}")))?)
        }
        (None, true) => {
            notes.push("frames are sent unmasked, breaking RFC 6455 §5.1 on purpose; a server must close the connection, usually with 1002".into());
            Masking::Unmasked
        }
        (None, false) => Masking::Library,
    };
    if !args.timeout.is_finite() || args.timeout <= 0.0 || args.timeout > 3600.0 {
        return Err(BadInput(format!(
            "--timeout {} is not a number of seconds above 0 and at most 3600",
            args.timeout
        )));
    }
    let sends = sends
        .iter()
        .map(|s| outgoing(s, masking, &mut notes).map(|o| fragment(o, usize::from(args.fragments))))
        .collect::<Result<Vec<_>, _>>()?;
    let close = match &args.close {
        None => (1000, String::new()),
        Some(text) => close_arg(text, &mut notes)?,
    };
    let tls = super::tls_options(&args.tls, url.secure, &mut notes)?;
    let deflate = args
        .deflate
        .as_deref()
        .map(super::deflate_offer)
        .transpose()?;
    Ok(Plan {
        url,
        options: ClientOptions {
            key: args.key.clone(),
            headers,
            protocols: args.protocols.clone(),
            timeout: Duration::from_secs_f64(args.timeout),
            reply_timeout: Some(Duration::from_secs_f64(args.timeout)),
            masking,
            label: "connect".into(),
            tls,
            deflate,
        },
        sends,
        expect: args.expect,
        linger: Duration::from_millis(args.linger),
        close,
        notes,
    })
}

fn outgoing(send: &Send, masking: Masking, notes: &mut Vec<String>) -> Result<Outgoing, BadInput> {
    let (kind, text, option) = match send {
        Send::Text(text) => (Kind::Text, text, "--send"),
        Send::Hex(hex) => (Kind::Binary, hex, "--send-hex"),
        Send::Ping(text) => (Kind::Ping, text, "--ping"),
        Send::Pong(text) => (Kind::Pong, text, "--pong"),
        Send::Raw(text) => return raw(text, masking, notes),
    };
    let checked = send::Send::parse(kind, text).map_err(|e| BadInput(format!("{option}: {e}")))?;
    Ok(Outgoing::from(checked))
}

/// `--send-raw`: the bytes it crafts, with what they do on purpose said up front. A frame
/// typed as fields without `mask=` takes the key `--mask` pins, none with `--unmasked`, or a
/// fresh one, as every other send does.
fn raw(text: &str, masking: Masking, notes: &mut Vec<String>) -> Result<Outgoing, BadInput> {
    let mut key = || match masking {
        Masking::Pinned(key) => Some(key),
        Masking::Unmasked => None,
        Masking::Library => Some(fresh_mask()),
    };
    let crafted = craft::parse(text, &mut key).map_err(|e| BadInput(format!("--send-raw: {e}")))?;
    notes.extend(crafted.notes.iter().map(|n| format!("--send-raw: {n}")));
    // A lying length says so itself; hex that stops inside a frame is said here.
    if crafted.form == Form::Hex
        && let Some(incomplete) = craft::read_back(&crafted.bytes).incomplete
    {
        notes.push(format!(
            "--send-raw: the bytes end inside a frame ({incomplete}); the server reads whatever comes next, such as the close, as the rest of it"
        ));
    }
    Ok(Outgoing::Raw(Bytes::from(crafted.bytes)))
}

/// Splits a data message into `n` frames whose sizes differ by at most one byte (fewer when
/// the message is shorter than `n` bytes; an empty message stays one frame).
fn fragment(outgoing: Outgoing, n: usize) -> Outgoing {
    let (opcode, data) = match outgoing {
        Outgoing::Text(text) if n > 1 => (OpCode::Text, Bytes::from(text.into_bytes())),
        Outgoing::Binary(data) if n > 1 => (OpCode::Binary, data),
        other => return other,
    };
    let n = n.min(data.len()).max(1);
    let (base, extra) = (data.len() / n, data.len() % n);
    let mut parts = Vec::with_capacity(n);
    let mut at = 0;
    for i in 0..n {
        let len = base + usize::from(i < extra);
        parts.push(data.slice(at..at + len));
        at += len;
    }
    Outgoing::Fragments { opcode, parts }
}

fn close_arg(text: &str, notes: &mut Vec<String>) -> Result<(u16, String), BadInput> {
    let (code, reason) = text.split_once(':').unwrap_or((text, ""));
    let code: u16 = code.trim().parse().map_err(|_| {
        BadInput(format!(
            "--close {text:?}: the code must be a number from 0 to 65535, e.g. 1000 or 4000:done"
        ))
    })?;
    send::Send::close(code, reason).map_err(|e| BadInput(format!("--close: {e}")))?;
    // Sent anyway, to see what the server does: the note says which rule it breaks.
    if let Err(SendError::CodeNotAllowed { broken }) = send::Send::lawful_close(code, reason) {
        notes.push(format!(
            "{broken} (§{}); it is sent anyway",
            broken.section()
        ));
    }
    Ok((code, reason.to_string()))
}

/// How the exchange went, with what the library delivered for the self-check.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The connection in the transcript.
    pub conn: Option<ConnId>,
    /// What the library delivered.
    pub delivered: Delivered,
    /// What went wrong, if anything did.
    pub error: Option<ClientError>,
    /// Whether the handshake succeeded, so that the library had a chance to deliver messages.
    pub connected: bool,
    /// The signal that cut the run short, if one did.
    pub signal: Option<Caught>,
    /// What the run waited for before closing, and what came, in a sentence.
    pub waited: Option<String>,
}

/// Performs the plan: connect, send, wait for `expect` messages, close, read to the end. A
/// signal from `stop` cuts it short: an open connection is closed with 1001 going away
/// (RFC 6455 §7.4.1), and the outcome keeps what was captured.
pub async fn exchange(plan: &Plan, recorder: &Recorder, stop: &mut Stop) -> Outcome {
    let connecting = WsClient::connect(&plan.url, recorder, &plan.options);
    let failed = |error, signal| Outcome {
        conn: recorder.read(|t| t.connections().last().map(|c| c.id)),
        error: Some(error),
        signal,
        ..Outcome::default()
    };
    let mut client = tokio::select! {
        connected = connecting => match connected {
            Ok(client) => client,
            Err(error) => return failed(error, None),
        },
        caught = stop.wait() => {
            return failed(ClientError::Interrupted { signal: caught.name }, Some(caught));
        }
    };
    let mut waited = None;
    let (result, signal) = tokio::select! {
        result = wait::script(plan, &mut client, &mut waited) => (result, None),
        caught = stop.wait() => (Err(ClientError::Interrupted { signal: caught.name }), Some(caught)),
    };
    if signal.is_some() {
        // Bounded: leaving must not wait long on a server that does not answer.
        let bye = async {
            if client.close(1001, "going away").await.is_ok() {
                let _ = client.drain().await;
            }
        };
        let _ = tokio::time::timeout(GOODBYE_TIME, bye).await;
    }
    Outcome {
        conn: client.conn(),
        delivered: client.delivered().clone(),
        error: result.err(),
        connected: true,
        signal,
        waited,
    }
}

/// How long an interrupted run waits for the server's answer to its close.
const GOODBYE_TIME: Duration = Duration::from_secs(2);

/// Runs the exchange and prints its transcript.
///
/// # Errors
/// [`BadInput`] for arguments that cannot be used; I/O errors writing the output. A failed
/// exchange is not an error here: it is printed, and the exit status is 1.
pub fn run(
    args: &ConnectArgs,
    sends: &[Send],
    palette: Palette,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let plan = plan(args, sends)?;
    let save = args.save.as_deref().map(Target::check).transpose()?;
    for note in &plan.notes {
        eprintln!("wslab: note: {note}");
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let recorder = Recorder::new(Limits::default());
    if !args.json {
        writeln!(
            out,
            "{} {}",
            palette.paint(Role::Heading, "Connecting to"),
            plan.url
        )?;
        out.flush()?;
    }
    let outcome = runtime.block_on(async {
        let mut stop = Stop::install()?;
        anyhow::Ok(exchange(&plan, &recorder, &mut stop).await)
    })?;
    // Everything has been read: the taps are dropped, so the transcript is final.
    drop(runtime);
    // The saved capture says why the run ended, as stderr and --json do.
    if let (Some(conn), Some(error)) = (outcome.conn, &outcome.error) {
        recorder.ended_because(conn, error.to_string());
    }
    let base_unix_us = recorder.unix_base_us();
    let report = recorder.read(|t| report(t, &outcome, args, palette, base_unix_us));
    let (verdict, broken) = if let Some((text, verdict, broken)) = report {
        writeln!(out, "{text}")?;
        (verdict, broken)
    } else {
        // Nothing was captured (the connection never opened): scripts still get an object.
        if args.json {
            let error = outcome.error.as_ref().map(ToString::to_string);
            let failed = crate::render::exchange_json::FailedJson { error };
            let json = crate::render::json::versioned(failed);
            writeln!(out, "{}", serde_json::to_string(&json)?)?;
        }
        (None, 0)
    };
    if !args.json {
        print_verdict(verdict.as_ref(), palette, out)?;
    }
    out.flush()?;
    if let Some(target) = &save {
        target.write(&recorder)?;
        if !args.json {
            eprintln!("wslab: saved the capture to {}", target.path.display());
        }
    }
    let bug = matches!(verdict, Some(Verdict::Differ(_)));
    match (&outcome.error, broken) {
        (Some(error), _) => {
            // A server that refused the upgrade explained why in its body: its words end the
            // sentence (render::refusal).
            let said = recorder.read(|t| {
                let connection = outcome.conn.and_then(|c| t.connection(c));
                crate::render::refusal::sentence(&error.to_string(), connection)
            });
            eprintln!("wslab: {said}");
            // 128+N: the shell's convention for a process a signal ended.
            Ok(outcome
                .signal
                .map_or(ExitCode::FAILURE, |s| ExitCode::from(128 + s.number)))
        }
        (None, n) if n > 0 => {
            eprintln!(
                "wslab: the exchange broke {n} rule{} of RFC 6455; see the ✗ lines above",
                if n == 1 { "" } else { "s" }
            );
            Ok(ExitCode::FAILURE)
        }
        _ if bug => Ok(ExitCode::FAILURE),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The printed transcript (text or JSON), the self-check's verdict, and the count of broken
/// rules; `None` when no connection was recorded.
fn report(
    t: &Transcript,
    outcome: &Outcome,
    args: &ConnectArgs,
    palette: Palette,
    base_unix_us: u64,
) -> Option<(String, Option<Verdict>, usize)> {
    let connection = outcome.conn.and_then(|c| t.connection(c))?;
    let finished = outcome.error.is_none();
    let verdict = outcome.connected.then(|| {
        outcome
            .delivered
            .check(connection.flow(Direction::ServerToClient), finished)
    });
    let flows = [connection.requests(), connection.responses()];
    // A frame the connection ended inside breaks rules too, with the bytes that came.
    let unfinished: usize = flows
        .iter()
        .filter_map(|f| f.stopped())
        .map(|s| s.violations.len())
        .sum();
    let broken: usize = flows
        .iter()
        .flat_map(|f| f.frames.iter())
        .map(|f| f.item.violations.len())
        .sum::<usize>()
        + unfinished;
    let text = if args.json {
        let mut json = ExchangeJson::new(connection, base_unix_us);
        json.error = outcome.error.as_ref().map(ToString::to_string);
        json.self_check = verdict.as_ref().map(ToString::to_string);
        json.waited.clone_from(&outcome.waited);
        // One compact line, as every --json prints (README, "JSON for scripts").
        serde_json::to_string(&crate::render::json::versioned(json)).unwrap_or_default()
    } else {
        let opts = Options {
            palette,
            side: crate::proto::Side::Client,
            max_payload: args.max_payload,
            more: Some("--max-payload"),
        };
        let mut text = format!(
            "{}\n\n",
            palette.paint(
                Role::Dim,
                &format!("{} → {}", show(connection.client), show(connection.server))
            )
        );
        text.push_str(&if args.brief {
            handshake_brief(connection, palette)
        } else {
            handshake(connection, palette)
        });
        let frames = frames(connection, &opts, args.brief);
        if !frames.is_empty() {
            let _ = write!(
                text,
                "\n{}\n",
                palette.paint(
                    Role::Heading,
                    "── Frames, both directions, in the order they crossed ──"
                )
            );
            text.push_str(&frames);
        }
        if !args.send_raw.is_empty() {
            // Crafted frames are sent to see what the server does about them: say it.
            let _ = write!(
                text,
                "\n{}\n  {}\n",
                palette.paint(Role::Heading, "── How the server reacted ──"),
                reaction::server_reaction(connection)
            );
        }
        if let Some(tls) = &connection.tls {
            text.push('\n');
            if args.brief {
                let _ = writeln!(text, "{}", crate::render::tls::totals(connection, tls));
            } else {
                text.push_str(&crate::render::tls::eavesdropper(t, connection, palette));
            }
        }
        if let Some(waited) = &outcome.waited {
            // The JSON's sentence, as a line of its own: capitalised.
            let mut chars = waited.chars();
            let first = chars.next().map(|c| c.to_uppercase().to_string());
            let _ = write!(
                text,
                "\n  {}{}\n",
                first.unwrap_or_default(),
                chars.as_str()
            );
        }
        text.push('\n');
        text.push_str(&summary(connection, palette));
        text
    };
    Some((text, verdict, broken))
}

fn show(addr: Option<std::net::SocketAddr>) -> String {
    addr.map_or_else(|| "?".into(), |a| a.to_string())
}

fn print_verdict(
    verdict: Option<&Verdict>,
    p: Palette,
    out: &mut impl Write,
) -> std::io::Result<()> {
    match verdict {
        None => Ok(()),
        Some(v @ Verdict::Differ(mismatch)) => {
            eprintln!("wslab: {mismatch}. Please report it: the bytes above are the evidence.");
            writeln!(out, "  {} {v}", p.paint(Role::Bad, "✗"))
        }
        Some(v @ Verdict::Agree(n)) if *n > 0 => {
            writeln!(out, "  {} {v}", p.paint(Role::Good, "✓"))
        }
        Some(v) => writeln!(out, "  {v}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_are_as_many_as_asked_and_nearly_equal() {
        for (len, n, sizes) in [
            (9, 4, vec![3, 2, 2, 2]),
            (5, 4, vec![2, 1, 1, 1]),
            (13, 3, vec![5, 4, 4]),
            (2, 5, vec![1, 1]),
            (0, 3, vec![0]),
        ] {
            let Outgoing::Fragments { parts, .. } =
                fragment(Outgoing::Binary(Bytes::from(vec![7u8; len])), n)
            else {
                panic!("not fragmented");
            };
            let got: Vec<usize> = parts.iter().map(Bytes::len).collect();
            assert_eq!(got, sizes, "{len} bytes in {n}");
        }
    }
}
