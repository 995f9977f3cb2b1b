//! `wslab decode`: frames from hex, every field explained.

use std::io::{IsTerminal as _, Read, Write};
use std::process::ExitCode;

use super::BadInput;
use crate::cli::{DecodeArgs, From};
use crate::hexinput::{parse_hex, parse_hex_args};
use crate::proto::{Config, Dissector, Event, RsvBits, Side};
use crate::render::frame::{self as view, Options};
use crate::render::json::{FrameJson, IncompleteJson, MessageJson};
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
    let bytes = if args.hex.is_empty() || args.hex == ["-"] {
        read_stdin()?
    } else {
        parse_hex_args(&args.hex, MAX_BYTES).map_err(|e| BadInput(e.to_string()))?
    };
    decode(&bytes, args, palette, out)
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
    let (side, guessed) = match args.from {
        From::Client => (Side::Client, false),
        From::Server => (Side::Server, false),
        // A client must mask and a server must not, so the first MASK bit is a fair guess.
        From::Auto => match bytes.get(1) {
            Some(b) if b & 0x80 != 0 => (Side::Client, true),
            Some(_) => (Side::Server, true),
            None => (Side::Unknown, true),
        },
    };
    let mut config = Config::new(side);
    if args.deflate {
        config.allowed_rsv = RsvBits(0b001);
    }
    let mut dissector = Dissector::new(config);
    let opts = Options {
        palette,
        side,
        max_payload: args.max_payload,
    };
    if !args.json {
        let how = if guessed && side != Side::Unknown {
            format!(
                ", guessed from the first frame's MASK bit ({}); --from sets it",
                if side == Side::Client { "set" } else { "clear" }
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "Decoding {} bytes as {}{how}.\n",
            bytes.len(),
            view::direction(side)
        )?;
    }
    let (mut frames, mut messages, mut broken) = (0u64, 0u64, 0usize);
    for event in dissector.feed(bytes) {
        match event {
            Event::Frame(frame) => {
                frames += 1;
                broken += frame.violations.len();
                if args.json {
                    writeln!(
                        out,
                        "{}",
                        serde_json::to_string(&FrameJson::new(&frame, side))?
                    )?;
                } else {
                    writeln!(out, "{}", view::frame(&frame, &opts))?;
                }
            }
            Event::Message(message) => {
                messages += 1;
                if args.json {
                    writeln!(
                        out,
                        "{}",
                        serde_json::to_string(&MessageJson::from(&message))?
                    )?;
                } else {
                    writeln!(out, "{}", view::message(&message, palette))?;
                }
            }
        }
    }
    let clean = broken == 0 && dissector.incomplete().is_none();
    footer(
        &dissector,
        (frames, messages, broken),
        args.json,
        palette,
        out,
    )?;
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// How the stream ended, and the counts.
fn footer(
    dissector: &Dissector,
    (frames, messages, broken): (u64, u64, usize),
    json: bool,
    palette: Palette,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let incomplete = dissector.incomplete();
    if json {
        if let Some(i) = &incomplete {
            writeln!(out, "{}", serde_json::to_string(&IncompleteJson::from(i))?)?;
        }
        return Ok(());
    }
    if let Some(i) = &incomplete {
        let sent = dissector.pending_frame().map_or(String::new(), |f| {
            format!(
                " (a {} frame at byte {})",
                f.header.opcode().name(),
                f.offset
            )
        });
        writeln!(out, "{} {i}{sent}", palette.paint(Role::Bad, "✗"))?;
    }
    if let Some(n) = dissector.open_message_frames() {
        writeln!(
            out,
            "Note: a fragmented message is still open after {n} frame{}; no frame with FIN=1 ended it.",
            plural(n)
        )?;
    }
    writeln!(
        out,
        "{frames} frame{}, {messages} message{}, {broken} rule{} broken.",
        plural(frames),
        plural(messages),
        plural(broken as u64)
    )?;
    Ok(())
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}
