//! The `wslab` binary: parse the command line, run a command, map errors to exit codes.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser as _};
use wslab::cli::{Cli, Command};
use wslab::cmd::{self, BadInput};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let palette = cmd::palette(cli.color);
    let mut out = std::io::stdout().lock();
    let result = match &cli.command {
        None => {
            // Until the learning mode exists, running wslab bare shows what it can do.
            Cli::command()
                .write_long_help(&mut out)
                .map(|()| ExitCode::SUCCESS)
                .map_err(anyhow::Error::from)
        }
        Some(Command::Accept(args)) => cmd::accept::run(args, palette, &mut out),
        Some(Command::Decode(args)) => cmd::decode::run(args, palette, &mut out),
    };
    let result = result.and_then(|code| out.flush().map(|()| code).map_err(Into::into));
    match result {
        Ok(code) => code,
        // A reader that stops early (`| head`) is not an error worth a message.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) if e.is::<BadInput>() => {
            eprintln!("wslab: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("wslab: {e:#}");
            ExitCode::FAILURE
        }
    }
}
