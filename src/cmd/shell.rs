//! `wslab completions` and `wslab man`: the shell's completion scripts and the man pages,
//! generated from the same clap definitions as `--help`, so they never drift from it.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::CommandFactory as _;

use super::BadInput;
use crate::cli::{Cli, CompletionsArgs, ManArgs, Shell};

/// Prints the completion script for the shell.
///
/// # Errors
/// Fails only if `out` cannot be written.
pub fn completions(args: &CompletionsArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
        Shell::Elvish => clap_complete::Shell::Elvish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "wslab", &mut script);
    out.write_all(&script)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the man page, or writes one page per command into `--dir`.
///
/// # Errors
/// [`BadInput`] when `--dir` is not a folder; I/O errors writing.
pub fn man(args: &ManArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let Some(dir) = &args.dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(Cli::command()).render(&mut page)?;
        out.write_all(&page)?;
        return Ok(ExitCode::SUCCESS);
    };
    if !dir.is_dir() {
        return Err(BadInput(format!(
            "--dir {}: no such folder; create it first (e.g. mkdir -p {})",
            dir.display(),
            dir.display()
        ))
        .into());
    }
    let mut written = Vec::new();
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    pages(&root, dir, &mut written)?;
    for path in &written {
        writeln!(out, "{}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

// The page of `cmd`, then those of its subcommands, each written whole or not at all. clap
// names them as man(1) expects: wslab.1, wslab-connect.1, wslab-lessons-list.1.
fn pages(
    cmd: &clap::Command,
    dir: &Path,
    written: &mut Vec<std::path::PathBuf>,
) -> anyhow::Result<()> {
    // A subcommand has no version of its own; its page's footer names wslab's, as the main
    // page's does.
    let man =
        clap_mangen::Man::new(cmd.clone()).source(format!("wslab {}", env!("CARGO_PKG_VERSION")));
    let path = dir.join(man.get_filename());
    let mut page = Vec::new();
    man.render(&mut page)?;
    crate::files::write_atomically(&path, &page)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    written.push(path);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages(sub, dir, written)?;
    }
    Ok(())
}
