//! `wslab present --notes-for URL`: the speaker notes in a second terminal. It attaches to
//! the presenter's hub on this machine with the notes key the hub wrote beside the progress
//! file (students never see it), and prints, at every step change, the step's notes, the
//! answer, and then the room as it changes.

use std::fmt::Write as _;
use std::process::ExitCode;

use tokio::sync::mpsc;

use super::BadInput;
use crate::class::{FromHub, Position};
use crate::lesson::check::right_answer;
use crate::net::Recorder;
use crate::net::class::StudentOptions;
use crate::net::class::student::{StudentEvent, follow};

/// Follows the hub at `url` until the class ends.
///
/// # Errors
/// [`BadInput`] for a URL that is not ws://, or when no hub on this machine wrote its key.
pub fn run(url: &str, dir: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let url = crate::net::url::parse(url).map_err(|e| BadInput(e.to_string()))?;
    let data = crate::files::store::data_dir().ok_or_else(|| {
        BadInput(
            "no data directory (HOME is not set), so the presenter's notes key cannot be found"
                .to_owned(),
        )
    })?;
    let path = crate::tui::class::notes_key_path(&data, url.port);
    let key = std::fs::read_to_string(&path).map_err(|_| {
        BadInput(format!(
            "no class hub on port {} wrote its notes key ({}); start `wslab present --class` on this machine first",
            url.port,
            path.display()
        ))
    })?;
    let library = super::lessons::library(dir)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let options = StudentOptions {
            url,
            code: key.trim().to_owned(),
            name: String::new(),
            notes: true,
        };
        let (events_tx, mut events) = mpsc::unbounded_channel();
        let (_keep, outgoing) = mpsc::unbounded_channel();
        tokio::spawn(follow(options, Recorder::new(crate::capture::Limits::default()), events_tx, outgoing));
        let mut shown: Option<Position> = None;
        while let Some(e) = events.recv().await {
            match e {
                StudentEvent::Hub(FromHub::Welcome { at: Some(at), .. } | FromHub::Step { at })
                    if shown.as_ref() != Some(&at) =>
                {
                    println!("{}", page(&library.lessons, &at));
                    shown = Some(at);
                }
                StudentEvent::Hub(FromHub::Room { connected, answered, step_ms, names }) => {
                    let names: Vec<String> =
                        names.iter().map(|n| crate::class::names::neutralise(n)).collect();
                    println!(
                        "  {connected} connected · {answered} answered · {}:{:02} on this step · {}",
                        step_ms / 60_000,
                        step_ms / 1000 % 60,
                        names.join(", ")
                    );
                }
                StudentEvent::Closed { code, reason, last: true } => {
                    println!("The class has ended ({code}): {}", crate::class::names::clean(&reason));
                    return;
                }
                StudentEvent::Retrying { why, in_ms } => {
                    eprintln!("wslab: {why}; trying again in {in_ms} ms");
                }
                _ => {}
            }
        }
    });
    Ok(ExitCode::SUCCESS)
}

/// The notes and the answer of the step at `at`.
fn page(lessons: &[crate::lesson::Lesson], at: &Position) -> String {
    let Some(lesson) = lessons.iter().find(|l| l.id == at.lesson) else {
        return format!(
            "The presenter is on lesson '{}', which this wslab does not have.",
            crate::class::names::neutralise(&at.lesson)
        );
    };
    let Some(step) = lesson.steps.get(at.step as usize) else {
        return format!("Lesson {} has no step {}.", lesson.id, at.step + 1);
    };
    let mut out = format!(
        "\n── {} · step {} of {}: {} ──\n",
        lesson.title,
        at.step + 1,
        lesson.steps.len(),
        step.title
    );
    out.push_str(step.notes.as_deref().unwrap_or(&lesson.notes).trim());
    out.push('\n');
    if let Some(check) = step.checks.get(at.check as usize) {
        let answer = right_answer(check, None).map_or_else(
            || "read from the bytes the step captures".to_owned(),
            |a| {
                // A choice's answer as its letter and text, as the projector shows it.
                a.parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .filter(|_| check.kind == crate::lesson::model::CheckKind::Choice)
                    .and_then(|i| check.options.get(i).map(|o| (i, o)))
                    .map_or(a.clone(), |(i, o)| {
                        format!(
                            "{}) {o}",
                            char::from(b'a' + u8::try_from(i % 26).unwrap_or(0))
                        )
                    })
            },
        );
        let _ = write!(
            out,
            "\nQuestion {}: {}\nAnswer: {answer}\n",
            at.check + 1,
            check.question.trim()
        );
    }
    out
}
