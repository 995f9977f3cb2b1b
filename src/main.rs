//! The `wslab` binary: parse the command line, run a command, map errors to exit codes.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _};
use wslab::cli::{Cli, Command};
use wslab::cmd::{self, BadInput};

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let palette = cmd::palette(cli.color);
    let mut out = std::io::stdout().lock();
    let result = match &cli.command {
        None => cmd::learn::run(&cli.learn, None, cli.color),
        Some(Command::Present(args)) => cmd::learn::run(&cli.learn, Some(args), cli.color),
        Some(Command::Join(args)) => cmd::join::run(args, &cli.learn, cli.color),
        Some(Command::Inspect(args)) => cmd::inspect::run(args, &cli.learn, cli.color),
        Some(Command::Accept(args)) => cmd::accept::run(args, palette, &mut out),
        Some(Command::Decode(args)) => cmd::decode::run(args, palette, &mut out),
        Some(Command::Serve(args)) => cmd::serve::run(args, palette, &mut out),
        Some(Command::Lessons(args)) => {
            cmd::lessons::run(&args.command, cli.learn.lessons.as_deref(), &mut out)
        }
        Some(Command::Lesson(args)) => cmd::lesson::run(args, &cli.learn, cli.color, &mut out),
        Some(Command::Handout(args)) => cmd::handout::run(args, &cli.learn, &mut out),
        Some(Command::Proxy(args)) => {
            let theme = cmd::learn::theme(cli.learn.theme, cli.color);
            cmd::proxy::run(args, &theme, &mut out)
        }
        Some(Command::Grade(args)) => cmd::grade::run(args, palette, &mut out),
        Some(Command::Completions(args)) => cmd::shell::completions(args, &mut out),
        Some(Command::Man(args)) => cmd::shell::man(args, &mut out),
        Some(Command::Connect(args)) => {
            let sends = wslab::cli::connect_sends(&matches);
            cmd::connect::run(args, &sends, palette, &mut out)
        }
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
        Err(e) if e.is::<BadInput>() || e.is::<wslab::files::save::SaveError>() => {
            eprintln!("wslab: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("wslab: {e:#}");
            ExitCode::FAILURE
        }
    }
}
