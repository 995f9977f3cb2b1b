//! `wslab handout`: the chosen lessons run for real, as `lesson --plain` runs them, laid out
//! to a page width, with the answers inline or in a key at the end.

use std::io::Write;
use std::process::ExitCode;

use super::BadInput;
use super::lesson::{print_errors, refuse_broken, run_lesson};
use crate::cli::{HandoutArgs, LearnArgs};
use crate::lesson::Lesson;
use crate::render::handout::{KeyPart, MAX_WIDTH, MIN_WIDTH, answer_key, reflow};
use crate::render::lesson::{Plain, header};
use crate::run::Settings;

/// Runs `wslab handout`.
///
/// # Errors
/// [`BadInput`] for a width out of range, an unknown lesson or a lesson file with errors; I/O
/// errors on output.
pub fn run(
    args: &HandoutArgs,
    learn: &LearnArgs,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let width = args.width;
    if !(MIN_WIDTH..=MAX_WIDTH).contains(&width) {
        return Err(BadInput(format!(
            "--width {width} is not a page width wslab lays out; give {MIN_WIDTH} to {MAX_WIDTH} columns"
        ))
        .into());
    }
    // `--lessons DIR` means the same before the subcommand as after it.
    let dir = args.lessons.as_deref().or(learn.lessons.as_deref());
    let library = super::lessons::library(dir)?;
    let chosen: Vec<&Lesson> = if args.all {
        library.lessons.iter().collect()
    } else {
        library.select(&args.lessons_chosen).map_err(|why| {
            print_errors(&library.problems);
            BadInput(why)
        })?
    };
    refuse_broken(&library, &chosen, args.all)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let settings = Settings {
        quick: args.quick,
        ..Settings::default()
    };
    let opts = Plain {
        notes: args.notes,
        answers: !args.no_answers,
        brief: args.brief,
    };
    let total = library.order.len();
    let mut failures = Vec::new();
    let mut key = Vec::new();
    let mut stop = runtime.block_on(async { crate::signals::Stop::install() })?;
    for lesson in chosen {
        let number = library.number(lesson);
        // Each lesson is laid out whole, so a paragraph is never cut between two buffers.
        let mut text = header(lesson, number, total, opts).into_bytes();
        text.push(b'\n');
        let mut answers = Vec::new();
        let caught = runtime.block_on(run_lesson(
            lesson,
            (settings.clone(), None, &mut stop),
            opts,
            None,
            &mut text,
            (&mut failures, &mut answers),
        ))?;
        out.write_all(reflow(&String::from_utf8_lossy(&text), width).as_bytes())?;
        out.flush()?;
        // What was laid out is printed above; the rest of the handout is not.
        if caught.is_some() {
            return Ok(crate::signals::exit(caught));
        }
        key.push(KeyPart {
            title: format!("Lesson {number} · {}", lesson.title),
            answers,
        });
    }
    drop(runtime);
    if args.no_answers {
        out.write_all(reflow(&answer_key(&key), width).as_bytes())?;
    }
    if failures.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for f in &failures {
        eprintln!("wslab: {f}");
    }
    Ok(ExitCode::FAILURE)
}
