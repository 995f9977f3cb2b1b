//! `wslab serve`: the lab server in the foreground, every connection shown as it happens.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::ServeArgs;
use crate::render::style::Palette;

/// Runs the lab server until Ctrl-C.
///
/// # Errors
/// When the address cannot be bound, or output fails.
pub fn run(args: &ServeArgs, palette: Palette, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let _ = (args, palette, out);
    anyhow::bail!("wslab serve is not built yet")
}
