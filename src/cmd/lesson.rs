//! `wslab lesson ID --plain` and `--all`: run every live action of a lesson for real and print
//! it from start to finish as Markdown, with the captured values.

use std::io::Write;
use std::process::ExitCode;

use super::BadInput;
use crate::cli::{ColorChoice, LearnArgs, LessonArgs};
use crate::files::save::Target;
use crate::lesson::model::InputField;
use crate::lesson::{Lesson, Severity};
use crate::render::lesson::{Plain, header, step};
use crate::run::{Runner, Settings};
use crate::signals::{Caught, Stop};

/// Runs `wslab lesson`.
///
/// # Errors
/// [`BadInput`] for an unknown lesson or a lesson file with errors; I/O errors on output.
pub fn run(
    args: &LessonArgs,
    learn: &LearnArgs,
    color: ColorChoice,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    // One lesson on a terminal, without --plain: the lesson in the terminal UI, self-paced,
    // its progress saved as the menu's is.
    let printed = args.plain || args.all || args.save.is_some() || args.keylog.is_some();
    // `--lessons DIR` means the same before the subcommand as after it.
    let dir = args.lessons.as_deref().or(learn.lessons.as_deref());
    if !printed && super::learn::has_terminal() {
        return super::learn::open(learn, false, (args.id.as_deref(), None), dir, color);
    }
    let library = super::lessons::library(dir)?;
    let chosen: Vec<&Lesson> = if args.all {
        library.lessons.iter().collect()
    } else {
        let wanted = args.id.as_deref().unwrap_or_default();
        let Some(lesson) = library.find(wanted) else {
            print_errors(&library.problems);
            return Err(BadInput(format!(
                "there is no lesson {wanted:?} that loads; `wslab lessons list` shows them"
            ))
            .into());
        };
        vec![lesson]
    };
    refuse_broken(&library, &chosen, args.all)?;
    if args.input.is_some()
        && chosen
            .iter()
            .all(|l| l.steps.iter().all(|s| s.input.is_none()))
    {
        eprintln!(
            "wslab: note: no step of this lesson takes your own value, so --input is not used"
        );
    }
    let url_ok = url_input(&chosen, args.input.as_deref())?;
    if let Some(why) = why_plain(args) {
        eprintln!("wslab: note: {why}, so the lesson is printed as plain text (--plain)");
    }
    let save = args.save.as_deref().map(Target::check).transpose()?;
    if let Some(path) = &args.keylog {
        crate::net::tls::check_keylog(path).map_err(|e| BadInput(e.to_string()))?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let settings = Settings {
        quick: args.quick,
        keylog: args.keylog.clone(),
        ..Settings::default()
    };
    let opts = Plain::full(args.notes);
    let total = library.order.len();
    let mut failures = Vec::new();
    // Installed before the first lab opens, so a signal never finds the default action.
    let mut stop = runtime.block_on(async { Stop::install() })?;
    for lesson in chosen {
        let number = library.number(lesson);
        writeln!(out, "{}", header(lesson, number, total, opts))?;
        out.flush()?;
        let save = save.as_ref().map(|t| {
            if args.all {
                t.suffixed(&lesson.id)
            } else {
                t.clone()
            }
        });
        let caught = runtime.block_on(run_lesson(
            lesson,
            (settings.clone(), save.as_ref(), &mut stop),
            opts,
            args.input.as_deref().map(|value| (value, url_ok)),
            out,
            (&mut failures, &mut Vec::new()),
        ))?;
        if caught.is_some() {
            return Ok(crate::signals::exit(caught));
        }
    }
    drop(runtime);
    if failures.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for f in &failures {
        eprintln!("wslab: {f}");
    }
    Ok(ExitCode::FAILURE)
}

// `run.1` is where to save the lesson's capture, if anywhere.
/// Why a lesson is printed though `--plain` was not given; `None` when it was.
fn why_plain(args: &LessonArgs) -> Option<&'static str> {
    Some(if args.plain {
        return None;
    } else if args.all {
        "--all prints the whole course; the terminal UI opens one lesson at a time"
    } else if args.save.is_some() || args.keylog.is_some() {
        "--save and --keylog run the lesson as plain text"
    } else {
        "there is no terminal here"
    })
}

/// Whether `--input` may go to the steps that take a URL. A value that breaks a URL's rules
/// is refused when only such steps take it; when other steps take it too (a key, a message),
/// it goes to those, and the grades grade the lab's own /echo, as a note says.
///
/// # Errors
/// [`BadInput`] with the URL's mistake, when only URL steps would take the value.
fn url_input(chosen: &[&Lesson], input: Option<&str>) -> Result<bool, BadInput> {
    let Some(value) = input else {
        return Ok(false);
    };
    let fields: Vec<InputField> = chosen
        .iter()
        .flat_map(|l| {
            l.steps
                .iter()
                .filter_map(|s| s.input.as_ref().map(|i| i.field))
        })
        .collect();
    if !fields.contains(&InputField::Url) {
        return Ok(false);
    }
    let Err(e) = crate::net::url::parse(value) else {
        return Ok(true);
    };
    if fields.iter().all(|f| *f == InputField::Url) {
        return Err(BadInput(format!("--input: {e}")));
    }
    eprintln!(
        "wslab: note: --input is not a URL ({e}), so the steps that grade a server grade the lab's own /echo"
    );
    Ok(false)
}

/// Runs one lesson's actions for real and writes it as Markdown to `out`. What failed goes to
/// `found.0`; each check's step, number and answer entry to `found.1`, for an answer key.
/// `input` is the learner's value, and whether it may go to a step that takes a URL. A signal
/// caught by `stop` ends the lesson early, its capture still saved, and is given back.
pub(super) async fn run_lesson(
    lesson: &Lesson,
    run: (Settings, Option<&Target>, &mut Stop),
    opts: Plain,
    input: Option<(&str, bool)>,
    out: &mut impl Write,
    found: (&mut Vec<String>, &mut Vec<(usize, usize, String)>),
) -> anyhow::Result<Option<Caught>> {
    let (settings, save, stop) = run;
    let (failures, answers) = found;
    let runner = match Runner::start(settings).await {
        Ok(runner) => runner,
        Err(e) => {
            failures.push(format!(
                "{}: the lab server could not start: {e}",
                lesson.id
            ));
            return Ok(None);
        }
    };
    let mut caught = None;
    'steps: for (i, s) in lesson.steps.iter().enumerate() {
        let mut runs = Vec::new();
        for (n, action) in s.actions.iter().enumerate() {
            // The value the learner gave goes to the step's first action, as the format says.
            let typed = match (&s.input, input) {
                (Some(allowed), Some((_, false))) if allowed.field == InputField::Url => None,
                (Some(allowed), Some((value, _))) if n == 0 => Some((allowed.field, value)),
                _ => None,
            };
            // A signal stops the lesson between two bytes, not after the action: what the
            // capture holds so far is still saved below.
            let run = tokio::select! {
                run = runner.run(action, typed) => run,
                signal = stop.wait() => {
                    caught = Some(signal);
                    break 'steps;
                }
            };
            if run.failed() {
                let error = run.error.as_deref().unwrap_or_default();
                failures.push(format!(
                    "{} step {}: {} failed: {error}",
                    lesson.id,
                    i + 1,
                    action.kind()
                ));
            }
            runs.push(run);
        }
        let (text, outcomes) = runner.recorder().read(|t| step(i + 1, s, &runs, t, opts));
        for (n, o) in outcomes.iter().enumerate() {
            answers.push((i + 1, n + 1, o.entry.clone()));
            if let Some(e) = &o.error {
                failures.push(format!(
                    "{} step {} check {}: the answer could not be computed: {e}",
                    lesson.id,
                    i + 1,
                    n + 1
                ));
            }
        }
        out.write_all(text.as_bytes())?;
        out.flush()?;
    }
    if let Some(signal) = caught {
        eprintln!(
            "wslab: stopped by {} during {}; what ran before it is printed above",
            signal.name, lesson.id
        );
    }
    let saved = save.map(|target| (target, target.write(runner.recorder())));
    runner.shutdown().await;
    if let Some((target, result)) = saved {
        result?;
        eprintln!(
            "wslab: saved {}'s capture to {}",
            lesson.id,
            target.path.display()
        );
    }
    Ok(caught)
}

/// A lesson with errors is not run: its actions or checks could not be trusted. With `all`,
/// an error in any file stops the run.
///
/// # Errors
/// [`BadInput`] when a chosen lesson (or, with `all`, any file) has an error; the errors are
/// printed first.
pub(super) fn refuse_broken(
    library: &crate::lesson::source::Library,
    chosen: &[&Lesson],
    all: bool,
) -> Result<(), BadInput> {
    let has_error = |file: Option<&str>| {
        library
            .problems
            .iter()
            .any(|p| p.severity == Severity::Error && file.is_none_or(|f| p.file == f))
    };
    let broken = chosen.iter().any(|l| has_error(Some(&l.file)));
    if broken || (all && has_error(None)) {
        print_errors(&library.problems);
        return Err(BadInput(
            "the lesson files have errors; `wslab lessons check` lists them".to_owned(),
        ));
    }
    Ok(())
}

pub(super) fn print_errors(problems: &[crate::lesson::Problem]) {
    for p in problems.iter().filter(|p| p.severity == Severity::Error) {
        eprintln!("{p}");
    }
}
