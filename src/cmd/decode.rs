//! `wslab decode`: frames from hex, every field explained.

use std::io::{IsTerminal as _, Read, Write};
use std::process::ExitCode;

use super::BadInput;
use crate::capture::Direction;
use crate::capture::deflate::{DeflateParams, Inflater};
use crate::cli::{DecodeArgs, From};
use crate::hexinput::{parse_hex, parse_hex_args};
use crate::proto::handshake::{RuleCheck, check_request};
use crate::proto::http::{Head, StartLine, parse_request, parse_response};
use crate::proto::{Config, Dissector, Event, Message, RsvBits, Side};
use crate::render::frame::{self as view, Options};
use crate::render::http as http_view;
use crate::render::json::{FrameJson, HeadJson, IncompleteJson, MessageJson, Stamp, versioned};
use crate::render::style::{Palette, Role};

/// The most bytes `decode` accepts, so that a huge paste cannot exhaust memory.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// The most text read from standard input: hex takes at least two characters a byte, and
/// dumps carry offsets and ASCII columns besides.
const MAX_TEXT: u64 = 5 * MAX_BYTES as u64;

/// Runs the command, reading standard input when no hex is given.
///
/// # Errors
/// [`BadInput`] when the input is not hex; I/O errors otherwise.
pub fn run(args: &DecodeArgs, palette: Palette, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let bytes = if args.raw {
        read_raw_stdin()?
    } else if args.hex.is_empty() || args.hex == ["-"] {
        read_stdin()?
    } else {
        parse_hex_args(&args.hex, MAX_BYTES).map_err(|e| BadInput(e.to_string()))?
    };
    decode(&bytes, args, palette, out)
}

fn read_raw_stdin() -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_BYTES {
        return Err(BadInput(format!(
            "standard input is longer than {} MiB; decode a smaller capture",
            MAX_BYTES / (1024 * 1024)
        ))
        .into());
    }
    if bytes.is_empty() {
        return Err(BadInput("standard input is empty: no bytes to decode".into()).into());
    }
    Ok(bytes)
}

fn read_stdin() -> anyhow::Result<Vec<u8>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        // Waiting on a terminal nobody types into looks like a hang; say what is expected.
        eprintln!("Reading hex from the terminal; end with Ctrl-D. (Or pass bytes as arguments.)");
    }
    let mut text = String::new();
    stdin
        .lock()
        .take(MAX_TEXT + 1)
        .read_to_string(&mut text)
        .map_err(|e| BadInput(format!("standard input is not text: {e}")))?;
    if text.len() as u64 > MAX_TEXT {
        return Err(BadInput(format!(
            "standard input is longer than {} MiB; decode a smaller capture",
            MAX_TEXT / (1024 * 1024)
        ))
        .into());
    }
    Ok(parse_hex(&text, MAX_BYTES).map_err(|e| BadInput(e.to_string()))?)
}

/// Decodes `bytes` and writes the explanation.
///
/// # Errors
/// Fails only if `out` cannot be written.
pub fn decode(
    bytes: &[u8],
    args: &DecodeArgs,
    palette: Palette,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let (head, not_a_head) = match leading_head(bytes) {
        Ok(head) => (head, None),
        Err(why) => (None, Some(why)),
    };
    let frames_at = head.as_ref().map_or(0, |(h, _)| h.len);
    let (side, why) = choose_side(
        args.from,
        head.as_ref().map(|(h, _)| h),
        bytes.get(frames_at + 1),
    );
    let mut config = Config::new(side);
    if args.deflate {
        config.allowed_rsv = RsvBits(0b001);
    }
    let mut dissector = Dissector::starting_at(config, frames_at as u64);
    let head_only = head.as_ref().map(|(h, _)| h);
    let mut inflater = args.deflate.then(|| inflater(head_only, side));
    let opts = Options {
        palette,
        side,
        max_payload: args.max_payload,
        more: Some("--max-payload"),
    };
    if !args.json {
        writeln!(
            out,
            "Decoding {} bytes as {}{why}.\n",
            bytes.len(),
            view::direction(side)
        )?;
        if let Some(why) = not_a_head {
            writeln!(
                out,
                "{} The input starts like an HTTP head, but {why}; reading it as frames instead.\n",
                palette.paint(Role::Bad, "✗")
            )?;
        }
    }
    let mut broken = 0usize;
    if let Some((head, checks)) = &head {
        broken += checks.iter().filter(|c| !c.passed).count();
        if args.json {
            let none = Stamp::default();
            line(out, &HeadJson::new(head, checks, none))?;
        } else {
            writeln!(out, "{}", http_view::head(bytes, head, palette))?;
            if !checks.is_empty() {
                let title = "Opening handshake rules (RFC 6455 §4.1):";
                writeln!(out, "{}", http_view::rules(title, checks, palette))?;
            }
        }
    }
    let (mut frames, mut messages) = (0u64, 0u64);
    for event in dissector.feed(&bytes[frames_at..]) {
        match event {
            Event::Frame(frame) => {
                frames += 1;
                broken += frame.violations.len();
                if args.json {
                    line(out, &FrameJson::new(&frame, side, Stamp::default(), MAX))?;
                } else {
                    writeln!(out, "{}", view::frame(&frame, &opts))?;
                }
            }
            Event::Message(mut message) => {
                inflate(inflater.as_mut(), &mut message, config.preview_cap);
                // Control frames are not messages (§5.5): the count and the numbers are the
                // data messages'; JSON still has an object for each, as the dissector gives.
                if !message.opcode.is_control() {
                    messages += 1;
                }
                if args.json {
                    line(
                        out,
                        &MessageJson::new(&message, side, Stamp::default(), MAX),
                    )?;
                } else if !message.opcode.is_control() {
                    writeln!(out, "{}", view::message(&message, messages, palette))?;
                }
            }
        }
    }
    // A stream that stops inside a frame: the fields that came, the rules they already
    // break, and what is missing, as for a whole frame.
    let stopped = dissector.stopped();
    if let Some(stopped) = &stopped {
        broken += stopped.violations.len();
        if args.json {
            line(out, &IncompleteJson::from(stopped))?;
        } else {
            writeln!(out, "{}", view::stopped(stopped, &opts))?;
        }
    }
    let clean = broken == 0 && stopped.is_none();
    footer(&dissector, (frames, messages, broken), args.json, out)?;
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

// JSON shows the whole preview the dissector kept; --max-payload bounds the hex dumps only.
const MAX: usize = usize::MAX;

// One JSON line with the schema version. Decoded bytes have no connection and no time, so
// their objects' `conn`, `at_us` and `unix_us` are null.
fn line(out: &mut impl Write, item: &impl serde::Serialize) -> anyhow::Result<()> {
    writeln!(out, "{}", serde_json::to_string(&versioned(item))?)?;
    Ok(())
}

/// With --deflate, compressed messages are inflated as a receiver would: with the leading
/// 101's parameters when there is one, and with context takeover otherwise (the default).
fn inflater(head: Option<&Head>, side: Side) -> Inflater {
    let params = head
        .and_then(DeflateParams::from_response)
        .unwrap_or_default();
    let direction = match side {
        Side::Client => Direction::ClientToServer,
        Side::Server | Side::Unknown => Direction::ServerToClient,
    };
    Inflater::new(params, direction)
}

/// Inflates a compressed message for display, when --deflate made an inflater.
fn inflate(inflater: Option<&mut Inflater>, message: &mut Message, cap: usize) {
    if let Some(inflater) = inflater.filter(|_| message.compressed) {
        let complete = !message.is_truncated();
        message.inflated = Some(inflater.inflate(&message.preview, complete, cap));
    }
}

/// How the stream ended, and the counts.
fn footer(
    dissector: &Dissector,
    (frames, messages, broken): (u64, u64, usize),
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    if json {
        return Ok(());
    }
    if let Some(n) = dissector.open_message_frames() {
        writeln!(
            out,
            "Note: a fragmented message is still open after {n} frame{}; no frame with FIN=1 ended it.",
            plural(n)
        )?;
    }
    // The frame the input stops inside is not counted among the frames; said apart.
    let unfinished = match dissector.incomplete() {
        Some(i) => format!(
            ", 1 frame unfinished ({} missing)",
            crate::proto::fields::bytes(i.missing())
        ),
        None => String::new(),
    };
    writeln!(
        out,
        "{frames} frame{}{unfinished}, {messages} message{}, {broken} rule{} broken.",
        plural(frames),
        plural(messages),
        plural(broken as u64)
    )?;
    Ok(())
}

/// An HTTP head at the start of the input, as in a whole captured stream, with the handshake
/// rules checked for a request (a response's Accept needs the request, which is not here).
/// Input that starts like a head but is not one gets the reason, since decoding "GET " as
/// frame bits would only puzzle.
fn leading_head(bytes: &[u8]) -> Result<Option<(Head, Vec<RuleCheck>)>, String> {
    let response = bytes.starts_with(b"HTTP/");
    let request = [
        "GET ", "POST ", "PUT ", "HEAD ", "OPTIONS ", "DELETE ", "PATCH ",
    ]
    .iter()
    .any(|m| bytes.starts_with(m.as_bytes()));
    let parsed = if response {
        parse_response(bytes)
    } else {
        parse_request(bytes)
    };
    match parsed {
        Ok(Some(head)) => {
            let checks = if response {
                Vec::new()
            } else {
                check_request(&head)
            };
            Ok(Some((head, checks)))
        }
        _ if !(request || response) => Ok(None),
        Ok(None) => Err("it never ends with a blank line (CRLF CRLF)".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Who sent the frames, and how that was decided, in words for the first line.
fn choose_side(from: From, head: Option<&Head>, second_byte: Option<&u8>) -> (Side, String) {
    match (from, head) {
        (From::Client, _) => (Side::Client, String::new()),
        (From::Server, _) => (Side::Server, String::new()),
        (From::Auto, Some(head)) => match head.start {
            StartLine::Request { .. } => (
                Side::Client,
                ", since it starts with a request; --from sets it".into(),
            ),
            StartLine::Response { .. } => (
                Side::Server,
                ", since it starts with a response; --from sets it".into(),
            ),
        },
        // A client must mask and a server must not, so the first MASK bit is a fair guess.
        (From::Auto, None) => match second_byte {
            Some(b) if b & 0x80 != 0 => (
                Side::Client,
                ", guessed from the first frame's MASK bit (set); --from sets it".into(),
            ),
            Some(_) => (
                Side::Server,
                ", guessed from the first frame's MASK bit (clear); --from sets it".into(),
            ),
            None => (Side::Unknown, String::new()),
        },
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}
