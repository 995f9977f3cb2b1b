//! `wslab lessons list | check`, and loading lesson folders from disk for every command that
//! takes `--lessons DIR`.

// Lesson files are `.md` and `.toml` in lower case, as docs/lessons.md says.
#![allow(clippy::case_sensitive_file_extension_comparisons)]

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::BadInput;
use crate::cli::LessonsCommand;
use crate::lesson::lint::lint;
use crate::lesson::source::{Library, SourceFile, load};
use crate::lesson::{Lesson, Severity, builtin};
use crate::run::exercise;

/// The biggest lesson file read; far beyond any lesson, small enough to refuse a wrong path.
const MAX_FILE: u64 = 1024 * 1024;

/// The `.md` and `.toml` files of `dir`.
///
/// # Errors
/// [`BadInput`] when the folder or a file cannot be read.
pub fn read_dir(dir: &Path) -> anyhow::Result<Vec<SourceFile>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        BadInput(format!(
            "cannot read the lesson folder {}: {e}",
            dir.display()
        ))
    })?;
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        if !path.is_file() || !(name.ends_with(".md") || name.ends_with(".toml")) {
            continue;
        }
        let size = entry.metadata().map_or(0, |m| m.len());
        if size > MAX_FILE {
            return Err(BadInput(format!(
                "{} is {size} bytes; a lesson file is at most 1 MiB",
                path.display()
            ))
            .into());
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| BadInput(format!("cannot read {}: {e}", path.display())))?;
        files.push(SourceFile::new(&name, &path.display().to_string(), &text));
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// The built-in lessons with `dir` laid over them, linted, their grades' cases checked
/// against the grader's suite.
///
/// # Errors
/// When `dir` cannot be read.
pub fn library(dir: Option<&Path>) -> anyhow::Result<Library> {
    let overlay = match dir {
        Some(dir) => read_dir(dir)?,
        None => Vec::new(),
    };
    let mut library = load(&builtin::files(), &overlay);
    // Every rule of a lesson: the format's own, and a grade's cases against the grader's
    // suite, which only a layer that sees both can check.
    let all = |lesson: &Lesson| {
        let mut found = lint(lesson);
        found.extend(exercise::lint(lesson));
        found
    };
    let mut found = Vec::new();
    for lesson in &library.lessons {
        found.extend(all(lesson));
    }
    // A lesson with errors is linted too, so one error does not hide the others; only its
    // errors count, since what could not be read may be what a warning misses.
    for lesson in &library.partial {
        found.extend(
            all(lesson)
                .into_iter()
                .filter(|p| p.severity == Severity::Error),
        );
    }
    library.problems.extend(found);
    Ok(library)
}

/// Runs `wslab lessons …`.
///
/// # Errors
/// When a folder cannot be read, or output fails.
pub fn run(
    command: &LessonsCommand,
    global: Option<&Path>,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    match command {
        LessonsCommand::List { lessons } => {
            // `--lessons DIR` means the same before the subcommand as after it.
            let dir = lessons.as_deref().or(global);
            let library = library(dir)?;
            for lesson in &library.lessons {
                let mark = if lesson.incomplete.is_some() {
                    "  (incomplete)"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "{:>2}. {:<24} {:>2} min  {}{mark}",
                    library.number(lesson),
                    lesson.id,
                    lesson.minutes,
                    lesson.title
                )?;
            }
            let errors = report(&library, &mut std::io::sink(), Severity::Error)?;
            if errors > 0 {
                let check = dir.map_or_else(
                    || "wslab lessons check".to_owned(),
                    |d| format!("wslab lessons check {}", d.display()),
                );
                eprintln!("wslab: {errors} lesson error(s); run `{check}` to see them");
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        LessonsCommand::Check { dir } => {
            let library = library(dir.as_deref().or(global))?;
            let mut shown = Vec::new();
            let errors = report(&library, &mut shown, Severity::Warning)?;
            // Problems go where compilers put them, so editors can jump to file:line:col.
            std::io::stderr().write_all(&shown)?;
            let warnings = library.problems.len() - errors;
            writeln!(
                out,
                "{} lesson(s) checked: {errors} error(s), {warnings} warning(s)",
                // Every file read, those with errors too, not only those that loaded.
                library.order.len()
            )?;
            Ok(if errors > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// Writes problems of at least `least` severity; returns how many are errors.
fn report(library: &Library, out: &mut impl Write, least: Severity) -> std::io::Result<usize> {
    let mut problems = library.problems.clone();
    problems.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    for p in problems.iter().filter(|p| p.severity >= least) {
        writeln!(out, "{p}")?;
    }
    Ok(problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count())
}
