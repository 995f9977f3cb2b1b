//! `wslab accept`: the derivation, for a given or a fresh key.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::AcceptArgs;
use crate::proto::{Derivation, accept};
use crate::render::accept as view;
use crate::render::json::{AcceptJson, versioned};
use crate::render::style::Palette;

/// Runs the command, writing to `out`.
///
/// # Errors
/// Fails if the OS cannot give random bytes, or `out` cannot be written.
pub fn run(args: &AcceptArgs, palette: Palette, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let random = args.key.is_none();
    let key = match &args.key {
        Some(key) => key.clone(),
        None => accept::random_key().context("could not get random bytes for a key")?,
    };
    let derivation = Derivation::new(&key);
    let compared = args.compare.as_deref().map(|got| derivation.compare(got));
    if args.json {
        let json = AcceptJson::new(&derivation, random, compared.as_ref());
        writeln!(out, "{}", serde_json::to_string(&versioned(json))?)?;
    } else {
        if random {
            writeln!(
                out,
                "No key given, so here is a fresh one: 16 random bytes from the OS, in base64.\n"
            )?;
        }
        write!(
            out,
            "{}",
            view::derivation(&derivation, compared.as_ref(), palette)
        )?;
    }
    let ok = derivation.key_bytes.is_ok() && compared.is_none_or(|c| c.matches);
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
