//! `wslab connect`: a scripted exchange against a ws:// server, every byte explained.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::{ConnectArgs, Send};
use crate::render::style::Palette;

/// Runs the exchange and prints its transcript.
///
/// # Errors
/// When the exchange fails; everything captured is printed first.
pub fn run(
    args: &ConnectArgs,
    sends: &[Send],
    palette: Palette,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let _ = (args, sends, palette, out);
    anyhow::bail!("wslab connect is not built yet")
}
