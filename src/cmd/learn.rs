//! `wslab` alone (the lesson menu, self-paced) and `wslab present` (classroom): load the
//! lessons and the progress, then hand the terminal to `tui`.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use super::BadInput;
use crate::app::progress::Progress;
use crate::app::{App, Mode};
use crate::cli::{ColorChoice, LearnArgs, PresentArgs, ThemeChoice};
use crate::files::store::{self, Store};
use crate::lesson::Severity;
use crate::net::class::HubOptions;
use crate::run::Settings;
use crate::tui;
use crate::tui::class::ClassSetup;
use crate::ui::{Theme, ThemeName};

/// The theme `--theme` and `--color` ask for; `NO_COLOR` wins, as it promises users.
pub fn theme(choice: ThemeChoice, color: ColorChoice) -> Theme {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let name = match choice {
        _ if color == ColorChoice::Never || (no_color && color != ColorChoice::Always) => {
            ThemeName::Plain
        }
        ThemeChoice::Dark => ThemeName::Dark,
        ThemeChoice::Light => ThemeName::Light,
        ThemeChoice::HighContrast => ThemeName::HighContrast,
    };
    Theme::new(name)
}

/// Runs the menu (`present` is `None`) or classroom mode.
///
/// # Errors
/// [`BadInput`] without a terminal, for an unknown lesson, or when the lessons do not load.
pub fn run(
    args: &LearnArgs,
    present: Option<&PresentArgs>,
    color: ColorChoice,
) -> anyhow::Result<ExitCode> {
    let dir = present
        .and_then(|p| p.lessons.as_deref())
        .or(args.lessons.as_deref());
    if let Some(url) = present.and_then(|p| p.notes_for.as_deref()) {
        return super::notes::run(url, dir);
    }
    let wanted = present.and_then(|p| p.lesson.as_deref());
    let step = present.and_then(|p| p.step);
    let class = match present.filter(|p| p.class) {
        Some(p) => Some(hub_setup(p)?),
        None => None,
    };
    open_with(args, present.is_some(), (wanted, step), dir, color, class)
}

/// `present --class`: the hub's address, code and bounds, checked before the terminal.
fn hub_setup(p: &PresentArgs) -> anyhow::Result<ClassSetup> {
    let ip = p
        .bind
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    if !ip.is_loopback() {
        eprintln!(
            "warning: the class hub listens on {ip}, so anyone on that network can reach it; only the join code keeps them out"
        );
    }
    let code = match &p.code {
        Some(c) => crate::class::code::check_chosen(c).map_err(BadInput)?,
        None => random_code()?,
    };
    let notes_key = random_code()? + &random_code()?;
    let mut options = HubOptions::new(
        std::net::SocketAddr::new(ip, p.port.unwrap_or(0)),
        code,
        notes_key,
    );
    options.max_students = usize::from(p.max_students);
    Ok(ClassSetup::Hub {
        options,
        show_names: p.show_names,
    })
}

/// A fresh join code from the system's randomness.
fn random_code() -> anyhow::Result<String> {
    let mut random = [0u8; 64];
    getrandom::fill(&mut random)
        .map_err(|e| anyhow::anyhow!("no randomness for the join code: {e}"))?;
    crate::class::code::from_random(&random)
        .ok_or_else(|| anyhow::anyhow!("64 random bytes gave no join code; try again"))
}

/// Whether the terminal UI can run here: both ends are a terminal.
pub fn has_terminal() -> bool {
    std::io::stdout().is_terminal() && std::io::stdin().is_terminal()
}

/// Opens the terminal UI, self-paced or in classroom mode (`present`), at lesson `wanted`
/// when one is given, else at the menu.
///
/// # Errors
/// [`BadInput`] without a terminal, for an unknown lesson, or when the lessons do not load.
pub fn open(
    args: &LearnArgs,
    present: bool,
    wanted: (Option<&str>, Option<u16>),
    dir: Option<&std::path::Path>,
    color: ColorChoice,
) -> anyhow::Result<ExitCode> {
    open_with(args, present, wanted, dir, color, None)
}

#[allow(clippy::too_many_lines)] // One check after another, in the order they are said.
/// As [`open`], with the class channel `class` beside the screen.
///
/// # Errors
/// As [`open`]; and when the hub cannot listen.
pub fn open_with(
    args: &LearnArgs,
    present: bool,
    (wanted, step): (Option<&str>, Option<u16>),
    dir: Option<&std::path::Path>,
    color: ColorChoice,
    class: Option<ClassSetup>,
) -> anyhow::Result<ExitCode> {
    let library = super::lessons::library(dir)?;
    if library.lessons.is_empty() {
        for p in library
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
        {
            eprintln!("{p}");
        }
        return Err(BadInput("no lesson loads; `wslab lessons check` says why".to_owned()).into());
    }
    // The lesson and step asked for, checked before anything else, so that a wrong one is
    // said even without a terminal.
    let wanted = match wanted {
        Some(wanted) => {
            let Some(index) = library
                .find(wanted)
                .and_then(|l| library.lessons.iter().position(|x| x.id == l.id))
            else {
                return Err(BadInput(format!(
                    "there is no lesson {wanted:?}; `wslab lessons list` shows them"
                ))
                .into());
            };
            let steps = library.lessons[index].steps.len();
            if let Some(step) = step.filter(|s| usize::from(*s) > steps) {
                return Err(BadInput(format!(
                    "lesson {wanted} has {steps} step(s); --step {step} is past its end"
                ))
                .into());
            }
            Some(index)
        }
        None => None,
    };
    // Before the progress file is read, let alone reset.
    if !has_terminal() {
        return Err(BadInput(
            "the lesson menu needs a terminal; without one, `wslab lessons list` and `wslab lesson ID --plain` print the lessons".to_owned(),
        )
        .into());
    }
    let store = store::data_dir().map(Store::new);
    let (progress, mut status) = match &store {
        Some(store) if args.reset_progress => match store.reset() {
            Ok(()) => (
                Progress::default(),
                Some("Progress reset: starting over.".to_owned()),
            ),
            Err(e) => {
                return Err(BadInput(format!(
                    "cannot remove the progress file in {}: {e}",
                    store.dir().display()
                ))
                .into());
            }
        },
        Some(store) => store.load(),
        None => (
            Progress::default(),
            Some("No data directory (HOME is not set), so progress will not be saved.".to_owned()),
        ),
    };
    let broken = library
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    if broken > 0 && status.is_none() {
        status = Some(format!(
            "{broken} lesson file problem(s): `wslab lessons check` lists them."
        ));
    }
    let numbers = library.lessons.iter().map(|l| library.number(l)).collect();
    let mode = if present {
        Mode::Present {
            notes: false,
            blank: false,
            revealed: false,
        }
    } else {
        Mode::Learn
    };
    let mut app = App::new(
        library.lessons.clone(),
        numbers,
        library.order.len(),
        progress,
        mode,
    );
    app.status = status;
    if let Some(index) = wanted {
        app.open(index);
        if let Some(step) = step {
            // In range: checked above.
            app.jump(usize::from(step) - 1);
        }
    }
    let store = store.unwrap_or_else(|| Store::new(std::env::temp_dir().join("wslab")));
    let caught = tui::run_class(
        app,
        &theme(args.theme, color),
        &store,
        Settings::default(),
        class,
    )?;
    Ok(ended(caught))
}

/// The exit status of a screen: 128+N, said in a sentence, when signal N ended it.
fn ended(caught: Option<crate::signals::Caught>) -> ExitCode {
    if let Some(caught) = caught {
        eprintln!(
            "wslab: stopped by {}, as q would stop it: progress is saved as on q",
            caught.name
        );
    }
    crate::signals::exit(caught)
}
