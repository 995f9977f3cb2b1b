//! `wslab grade`: the suite run against a server, and its card printed and saved.

use std::io::{IsTerminal as _, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use super::BadInput;
use crate::cli::GradeArgs;
use crate::files::write_atomically;
use crate::grade::Case;
use crate::grade::report::{self, Card, Show};
use crate::grade::select::select;
use crate::grade::suite;
use crate::net::ClientOptions;
use crate::net::Recorder;
use crate::net::tcp::Listener;
use crate::net::url;
use crate::render::style::Palette;
use crate::run::grade::{Event, Target, run_warning, serve};

/// A report format, chosen by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Markdown,
    Html,
    Json,
}

fn format_of(path: &Path) -> Result<Format, BadInput> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let format = match ext.as_str() {
        "md" | "markdown" => Format::Markdown,
        "html" | "htm" => Format::Html,
        "json" => Format::Json,
        _ => {
            return Err(BadInput(format!(
                "--save {}: the report is written as .md, .html or .json; name the file with one of those",
                path.display()
            )));
        }
    };
    let folder = crate::files::folder(path);
    if !folder.is_dir() {
        return Err(BadInput(format!(
            "--save {}: the folder {} does not exist",
            path.display(),
            folder.display()
        )));
    }
    Ok(format)
}

/// Runs `wslab grade`.
///
/// # Errors
/// [`BadInput`] for arguments that cannot be used, or a server that cannot be reached; an
/// I/O error writing the output.
pub fn run(args: &GradeArgs, palette: Palette, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let suite = if args.client {
        suite::client::all()
    } else {
        suite::all(args.large)
    };
    let cases = select(suite, args.cases.as_deref()).map_err(|e| BadInput(e.to_string()))?;
    if args.list {
        for case in &cases {
            writeln!(
                out,
                "{:<9} {:<22} {} — {}",
                case.id,
                case.group.name(),
                case.title,
                case.rule.section
            )?;
        }
        writeln!(out, "{} cases", cases.len())?;
        return Ok(ExitCode::SUCCESS);
    }
    if !args.timeout.is_finite() || args.timeout <= 0.0 || args.timeout > 600.0 {
        return Err(BadInput(format!(
            "--timeout {} is not a number of seconds above 0 and at most 600",
            args.timeout
        ))
        .into());
    }
    let saves = args
        .save
        .iter()
        .map(|p| format_of(p).map(|f| (p.clone(), f)))
        .collect::<Result<Vec<_>, _>>()?;
    let timeout = Duration::from_secs_f64(args.timeout);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let live = std::io::stderr().is_terminal();
    let card = if args.client {
        runtime.block_on(grade_client(args, cases, timeout, live))?
    } else {
        runtime.block_on(grade_server(args, cases, timeout, live))?
    };
    if live {
        eprint!("\r\x1b[2K");
    }
    for (path, format) in &saves {
        write_atomically(path, render(&card, *format).as_bytes())
            .map_err(|e| BadInput(format!("--save {}: {e}", path.display())))?;
    }
    if args.json {
        writeln!(out, "{}", report::json_line(&card))?;
    } else {
        let show = if args.verbose {
            Show::Everything
        } else {
            Show::Problems
        };
        write!(out, "{}", report::text(&card, show, palette))?;
        for (path, _) in &saves {
            writeln!(out, "Saved {}", path.display())?;
        }
    }
    Ok(if card.failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

// `wslab grade URL`: the cases played against a server.
async fn grade_server(
    args: &GradeArgs,
    cases: Vec<Case>,
    timeout: Duration,
    live: bool,
) -> Result<Card, BadInput> {
    let text = args.url.as_deref().unwrap_or_default();
    let url = url::parse(text).map_err(|e| BadInput(e.to_string()))?;
    let mut notes = Vec::new();
    let tls = super::tls_options(&args.tls, url.secure, &mut notes)?;
    for note in &notes {
        eprintln!("wslab: note: {note}");
    }
    let target = Target {
        url,
        options: ClientOptions {
            timeout,
            tls,
            label: "grade".into(),
            ..ClientOptions::default()
        },
        timeout,
    };
    let progress = |n, total, outcome: &crate::grade::Outcome| {
        if live {
            eprint!(
                "\r\x1b[2K[{n}/{total}] {} {}",
                outcome.case.id, outcome.case.title
            );
        }
    };
    let warn = |warning: &str| eprintln!("wslab: warning: {warning}");
    let (card, _) = run_warning(cases, &target, progress, warn)
        .await
        .map_err(|e| BadInput(format!("cannot grade: {}", e.0)))?;
    Ok(card)
}

// `wslab grade --client`: the cases served to a client on the Autobahn driver protocol,
// until its driver asks for the report.
async fn grade_client(
    args: &GradeArgs,
    cases: Vec<Case>,
    timeout: Duration,
    live: bool,
) -> Result<Card, BadInput> {
    let recorder = Recorder::default();
    let addr = std::net::SocketAddr::new(args.bind, args.port);
    let listener = Listener::bind(addr, &recorder, "grade")
        .await
        .map_err(|e| BadInput(format!("cannot listen on {addr}: {e}")))?;
    let at = listener.local_addr().unwrap_or(addr);
    eprintln!(
        "wslab: serving {} cases on ws://{at}: point the client's Autobahn driver here (getCaseCount, runCase, updateReports)",
        cases.len()
    );
    if !args.bind.is_loopback() {
        eprintln!(
            "wslab: note: listening on {}, which other machines can reach",
            args.bind
        );
    }
    serve(&listener, &cases, &recorder, timeout, |event| match event {
        Event::Ran(agent, n, total, outcome) if live => eprint!(
            "\r\x1b[2K[{n}/{total}] {agent}: {} {}",
            outcome.case.id, outcome.case.title
        ),
        Event::Ran(..) => {}
        Event::Stray(what) => eprintln!("\nwslab: note: {what}"),
    })
    .await
    .map_err(|e| BadInput(format!("cannot serve on {at}: {e}")))
}

fn render(card: &Card, format: Format) -> String {
    match format {
        Format::Markdown => report::markdown(card),
        Format::Html => report::html(card),
        Format::Json => report::json(card),
    }
}
