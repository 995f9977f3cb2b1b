//! The command line, as clap derive types. Commands arrive issue by issue; each one listed
//! here works.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Learn the WebSocket protocol from real bytes.
#[derive(Debug, Parser)]
#[command(
    name = "wslab",
    version,
    about = "Learn the WebSocket protocol (RFC 6455) from real bytes, every one explained.",
    long_about = "Learn the WebSocket protocol (RFC 6455) from real bytes, every one explained.\n\n\
        wslab derives Sec-WebSocket-Accept step by step and decodes frames field by field, \
        with the rule each byte follows or breaks. The lessons, the lab server and live \
        inspection are on their way; the commands below work today.",
    after_help = "Examples:\n  \
        wslab accept dGhlIHNhbXBsZSBub25jZQ==\n  \
        wslab decode 81 85 37 fa 21 3d 7f 9f 4d 51 58\n  \
        xxd capture.bin | wslab decode --from server -"
)]
pub struct Cli {
    /// When to colour output: auto colours a terminal unless NO_COLOR is set.
    // Backticks would show in --help; these docs are the help text.
    #[allow(clippy::doc_markdown)]
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// When to colour.
#[allow(clippy::doc_markdown)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Derive Sec-WebSocket-Accept from a Sec-WebSocket-Key, step by step.
    Accept(AcceptArgs),
    /// Decode WebSocket frames from hex and explain every field.
    Decode(DecodeArgs),
}

/// `wslab accept`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when the key is valid (and matches --compare), \
    1 when the key is invalid or the comparison fails, 2 on a usage error."
)]
pub struct AcceptArgs {
    /// The Sec-WebSocket-Key, as a client sends it. Without one, a fresh random key is used.
    pub key: Option<String>,
    /// A Sec-WebSocket-Accept a server sent, to check against the derived one.
    #[arg(long, value_name = "ACCEPT")]
    pub compare: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Who sent the bytes given to `decode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum From {
    /// Guess from the first frame's MASK bit: set means a client sent it.
    Auto,
    /// A client sent them: every frame must be masked.
    Client,
    /// A server sent them: no frame may be masked.
    Server,
}

/// `wslab decode`.
#[derive(Debug, Args)]
#[command(
    after_help = "Hex may be spaced or not, with 0x prefixes, colons, commas, \\x escapes, \
    or pasted from xxd, hexdump -C, od or Wireshark (their offset and ASCII columns are skipped). \
    Text after # or // is ignored. A whole captured stream that starts with its HTTP handshake \
    works too: the head is shown line by line, a request's handshake rules are checked, and the \
    frames that follow are decoded.\n\n\
    Exit status: 0 when every frame follows the rules, 1 when a rule is broken or the last \
    frame is incomplete, 2 when the input is not hex."
)]
pub struct DecodeArgs {
    /// Hex bytes. A lone dash, or no hex at all, reads standard input.
    #[arg(value_name = "HEX")]
    pub hex: Vec<String>,
    /// Who sent the bytes, which decides the masking rules.
    #[arg(long, value_enum, default_value_t = From::Auto)]
    pub from: From,
    /// Read raw bytes from standard input instead of hex, e.g. a payload saved from a capture.
    #[arg(long, conflicts_with = "hex")]
    pub raw: bool,
    /// Treat RSV1 as permessage-deflate's "compressed" bit, as if that extension was negotiated.
    #[arg(long)]
    pub deflate: bool,
    /// Payload bytes to show per frame in the hex dump.
    #[arg(long, value_name = "BYTES", default_value_t = 256)]
    pub max_payload: usize,
    /// Print JSON Lines (one object per frame and per message) instead of text.
    #[arg(long)]
    pub json: bool,
}
