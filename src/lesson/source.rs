//! Loading: the built-in files, a folder laid over them, the index that orders them, and the
//! rules that span lessons (missing files, duplicate ids). The caller reads the files; this
//! only sees names and text.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::model::Lesson;
use super::parse::parse;
use super::problem::{Lines, Problem};

/// The format version this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// The index's name in a lesson folder.
pub const INDEX: &str = "index.toml";

/// One file of a lesson folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Its name in the folder: "07-masking.md".
    pub name: String,
    /// How to name it in messages: "lessons/07-masking.md".
    pub shown: String,
    /// Its text.
    pub text: String,
}

impl SourceFile {
    /// A file named `name`, shown as `shown`.
    pub fn new(name: &str, shown: &str, text: &str) -> Self {
        Self {
            name: name.to_owned(),
            shown: shown.to_owned(),
            text: text.to_owned(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Index {
    format_version: Spanned<u32>,
    lessons: Vec<Spanned<String>>,
}

/// The lessons that loaded, in order, and every problem found on the way.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// Lessons that parsed without errors.
    pub lessons: Vec<Lesson>,
    /// Errors and warnings, by file.
    pub problems: Vec<Problem>,
    /// Every lesson file in order, as shown in messages, whether it loaded or not: lesson
    /// numbers count here, so one broken file does not renumber the others.
    pub order: Vec<String>,
    /// Lessons with errors, read as far as they could be: for linting only, never run.
    pub partial: Vec<Lesson>,
}

impl Library {
    /// The lesson with this id, or whose number matches: "07-masking", "7".
    pub fn find(&self, wanted: &str) -> Option<&Lesson> {
        let wanted = wanted.trim_end_matches(".md");
        self.lessons.iter().find(|l| l.id == wanted).or_else(|| {
            let n: usize = wanted.parse().ok()?;
            let file = self.order.get(n.checked_sub(1)?)?;
            self.lessons.iter().find(|l| &l.file == file)
        })
    }

    /// The lessons `specs` name, in the order named, each once: numbers, ids, ranges of
    /// numbers (`1-3`) and comma lists (`1-3,6`).
    ///
    /// # Errors
    /// One sentence naming the first part that names no lesson that loads.
    pub fn select(&self, specs: &[String]) -> Result<Vec<&Lesson>, String> {
        let mut chosen: Vec<&Lesson> = Vec::new();
        for part in specs.iter().flat_map(|s| s.split(',')).map(str::trim) {
            if part.is_empty() {
                continue;
            }
            let range = part
                .split_once('-')
                .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)));
            let named: Vec<&Lesson> = match range {
                Some((a, b)) if a > b || a == 0 => {
                    return Err(format!(
                        "{part:?} is not a range of lessons; write the lower number first, from 1"
                    ));
                }
                Some((a, b)) => (a..=b)
                    .map(|n| {
                        self.find(&n.to_string())
                            .ok_or_else(|| format!("there is no lesson {n} that loads (in {part:?}); `wslab lessons list` shows them"))
                    })
                    .collect::<Result<_, _>>()?,
                None => vec![self.find(part).ok_or_else(|| {
                    format!("there is no lesson {part:?} that loads; `wslab lessons list` shows them")
                })?],
            };
            for lesson in named {
                if !chosen.iter().any(|c| c.id == lesson.id) {
                    chosen.push(lesson);
                }
            }
        }
        if chosen.is_empty() {
            return Err("no lesson was named; give numbers or ids (1-3,6), or --all".to_owned());
        }
        Ok(chosen)
    }

    /// The lesson's number, from 1, in the index's order.
    pub fn number(&self, lesson: &Lesson) -> usize {
        self.order
            .iter()
            .position(|f| *f == lesson.file)
            .map_or(0, |i| i + 1)
    }
}

/// Loads `overlay` over `builtin`: a file of the same name replaces the built-in one, an
/// overlay index replaces the built-in index, and overlay lessons the index does not list are
/// added after the listed ones, by name.
pub fn load(builtin: &[SourceFile], overlay: &[SourceFile]) -> Library {
    let mut files: BTreeMap<&str, &SourceFile> = BTreeMap::new();
    for file in builtin.iter().chain(overlay) {
        files.insert(file.name.as_str(), file);
    }
    let mut library = Library::default();
    let Some(index_file) = files.get(INDEX).copied() else {
        library.problems.push(Problem::error(
            INDEX,
            (1, 1),
            "there is no index.toml, so no lesson order; see docs/lessons.md",
        ));
        return library;
    };
    let mut order = read_index(index_file, &mut library.problems);
    let listed: Vec<String> = order.iter().map(|(n, _)| n.clone()).collect();
    for file in overlay {
        // Lesson files are lower-case `.md`, as docs/lessons.md says.
        #[allow(clippy::case_sensitive_file_extension_comparisons)]
        let is_lesson = file.name.ends_with(".md")
            && file.text.trim_start_matches('\u{feff}').starts_with("+++");
        if is_lesson && !listed.contains(&file.name) {
            order.push((file.name.clone(), None));
        }
    }
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (name, at) in order {
        let Some(file) = files.get(name.as_str()) else {
            let at = at.unwrap_or((1, 1));
            library.problems.push(Problem::error(
                &index_file.shown,
                at,
                format!("the index lists {name:?}, but there is no such file"),
            ));
            continue;
        };
        library.order.push(file.shown.clone());
        let parsed = parse(&file.shown, &file.text);
        library.problems.extend(parsed.problems);
        library.partial.extend(parsed.partial);
        let Some(lesson) = parsed.lesson else {
            continue;
        };
        if let Some(first) = seen.get(&lesson.id) {
            let at = id_line(&file.text);
            library.problems.push(Problem::error(
                &file.shown,
                at,
                format!(
                    "the id {:?} is already used by {first}; ids must be unique",
                    lesson.id
                ),
            ));
            continue;
        }
        seen.insert(lesson.id.clone(), file.shown.clone());
        library.lessons.push(lesson);
    }
    library
}

/// The index's entries with their places, or none after reporting why.
fn read_index(
    file: &SourceFile,
    problems: &mut Vec<Problem>,
) -> Vec<(String, Option<(usize, usize)>)> {
    let lines = Lines::new(&file.text);
    let index = match toml::from_str::<Index>(&file.text) {
        Ok(index) => index,
        Err(e) => {
            let at = e.span().map_or((1, 1), |s| lines.at(s.start));
            let message = e.message().lines().next().unwrap_or_default().to_owned();
            problems.push(Problem::error(
                &file.shown,
                at,
                format!("bad index: {message}"),
            ));
            return Vec::new();
        }
    };
    let version = *index.format_version.get_ref();
    if version != FORMAT_VERSION {
        let at = lines.at(index.format_version.span().start);
        problems.push(Problem::error(
            &file.shown,
            at,
            format!("format_version {version} is not one this wslab reads ({FORMAT_VERSION}); a newer wslab may read it"),
        ));
        return Vec::new();
    }
    let mut out: Vec<(String, Option<(usize, usize)>)> = Vec::new();
    for entry in index.lessons {
        let at = lines.at(entry.span().start);
        let name = entry.into_inner();
        if out.iter().any(|(n, _)| *n == name) {
            problems.push(Problem::error(
                &file.shown,
                at,
                format!("{name:?} is listed twice"),
            ));
            continue;
        }
        out.push((name, Some(at)));
    }
    out
}

/// Where the `id` line of a front matter is.
fn id_line(text: &str) -> (usize, usize) {
    text.lines()
        .position(|l| l.trim_start().starts_with("id") && l.contains('='))
        .map_or((1, 1), |n| (n + 1, 1))
}

#[cfg(test)]
#[path = "source_tests.rs"]
mod tests;
