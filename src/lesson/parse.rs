//! From a lesson file's text to a [`Lesson`], or to problems at `file:line:col`.
//!
//! The file is Markdown with TOML front matter between `+++` lines. Each `## ` heading starts
//! a step; a fenced block whose info string is `wslab` holds the step's actions and checks as
//! TOML. Everything else is prose, kept as written.

use super::model::{FrontMatter, Lesson, Spot, Step, StepBlock, refused_at};
use super::problem::{Lines, Problem};

/// What parsing one file gave: the lesson if it could be read, and every problem found.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The lesson, when its front matter and every step block parsed.
    pub lesson: Option<Lesson>,
    /// Errors and warnings, in file order.
    pub problems: Vec<Problem>,
}

/// A step while its lines are gathered.
struct Draft {
    title: String,
    line: usize,
    prose: String,
    block: Option<(usize, String)>,
    after: String,
}

/// Parses `text`, naming it `file` in problems.
pub fn parse(file: &str, text: &str) -> Parsed {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = Lines::new(text);
    let mut problems = Vec::new();
    let Some((front, front_at, body_at)) = front_matter(text) else {
        problems.push(Problem::error(
            file,
            (1, 1),
            "a lesson file starts with its front matter: a line \"+++\", TOML, then another \"+++\"",
        ));
        return Parsed {
            lesson: None,
            problems,
        };
    };
    let meta = match toml::from_str::<FrontMatter>(front) {
        Ok(meta) => Some(meta),
        Err(e) => {
            problems.push(toml_problem(file, &lines, front_at, front, &e));
            None
        }
    };
    let (intro, drafts) = split_steps(file, &lines, text, body_at, &mut problems);
    let mut steps = Vec::new();
    for draft in drafts {
        if let Some(step) = finish_step(file, &lines, draft, &mut problems) {
            steps.push(step);
        }
    }
    if steps.is_empty() && problems.is_empty() {
        problems.push(Problem::error(
            file,
            lines.at(body_at),
            "the lesson has no steps; each step starts with a \"## \" heading",
        ));
    }
    let lesson = match meta {
        Some(meta) if problems.is_empty() => Some(Lesson {
            id: meta.id,
            title: meta.title,
            minutes: meta.minutes,
            objectives: meta.objectives,
            notes: meta.notes,
            incomplete: meta.incomplete,
            intro: intro.trim().to_owned(),
            steps,
            file: file.to_owned(),
        }),
        _ => None,
    };
    Parsed { lesson, problems }
}

/// The front matter's text, its offset, and where the body starts.
fn front_matter(text: &str) -> Option<(&str, usize, usize)> {
    let first = text.lines().next()?;
    if first.trim_end() != "+++" {
        return None;
    }
    let start = first.len() + usize::from(text[first.len()..].starts_with('\n'));
    let mut at = start;
    for line in text[start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some((&text[start..at], start, at + line.len()));
        }
        at += line.len();
    }
    None
}

/// Splits the body into the intro and step drafts, noting misplaced or unclosed blocks.
fn split_steps(
    file: &str,
    lines: &Lines,
    text: &str,
    body_at: usize,
    problems: &mut Vec<Problem>,
) -> (String, Vec<Draft>) {
    let mut intro = String::new();
    let mut drafts: Vec<Draft> = Vec::new();
    // The open fence: its marker, where it opened, and the block text if it is ours.
    let mut fence: Option<(String, usize, Option<String>)> = None;
    let mut at = body_at;
    for raw in text[body_at..].split_inclusive('\n') {
        let line_at = at;
        at += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if let Some((marker, opened, block)) = &mut fence {
            if is_closing(line, marker) {
                let (opened, block) = (*opened, block.take());
                fence = None;
                if let Some(block) = block {
                    attach_block(file, lines, &mut drafts, opened, block, problems);
                } else {
                    push_prose(&mut intro, &mut drafts, raw);
                }
                continue;
            }
            match block {
                Some(block) => block.push_str(raw),
                None => push_prose(&mut intro, &mut drafts, raw),
            }
            continue;
        }
        if let Some((marker, info)) = opening(line) {
            let ours = info == "wslab";
            fence = Some((marker, at, ours.then(String::new)));
            if !ours {
                push_prose(&mut intro, &mut drafts, raw);
            }
            continue;
        }
        if let Some(title) = line.strip_prefix("## ") {
            drafts.push(Draft {
                title: title.trim().to_owned(),
                line: lines.at(line_at).0,
                prose: String::new(),
                block: None,
                after: String::new(),
            });
            continue;
        }
        push_prose(&mut intro, &mut drafts, raw);
    }
    if let Some((_, opened, block)) = fence {
        let what = if block.is_some() {
            "the ```wslab block"
        } else {
            "this code block"
        };
        // `opened` is just past the fence line; its line is the one before.
        let line = lines.at(opened.saturating_sub(1)).0;
        problems.push(Problem::error(
            file,
            (line, 1),
            format!("{what} is never closed; end it with a line of three backticks"),
        ));
    }
    (intro, drafts)
}

/// Prose goes to the intro, to the step before its block, or after it: plain mode shows the
/// live output where the block stands.
fn push_prose(intro: &mut String, drafts: &mut [Draft], raw: &str) {
    match drafts.last_mut() {
        Some(draft) if draft.block.is_some() => draft.after.push_str(raw),
        Some(draft) => draft.prose.push_str(raw),
        None => intro.push_str(raw),
    }
}

fn attach_block(
    file: &str,
    lines: &Lines,
    drafts: &mut [Draft],
    opened: usize,
    block: String,
    problems: &mut Vec<Problem>,
) {
    let fence_line = lines.at(opened.saturating_sub(1)).0;
    match drafts.last_mut() {
        None => problems.push(Problem::error(
            file,
            (fence_line, 1),
            "a ```wslab block belongs to a step; put a \"## \" heading above it",
        )),
        Some(draft) if draft.block.is_some() => problems.push(Problem::error(
            file,
            (fence_line, 1),
            format!(
                "step \"{}\" already has a ```wslab block; put all its actions and checks in one",
                draft.title
            ),
        )),
        Some(draft) => draft.block = Some((opened, block)),
    }
}

/// A fence opening: three or more backticks or tildes, and the info string.
fn opening(line: &str) -> Option<(String, &str)> {
    let trimmed = line.trim_start();
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let c = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = trimmed.chars().take_while(|x| *x == c).count();
    (n >= 3).then(|| (c.to_string().repeat(n), trimmed[n..].trim()))
}

fn is_closing(line: &str, marker: &str) -> bool {
    let t = line.trim();
    let c = marker.chars().next().unwrap_or('`');
    t.len() >= marker.len() && t.chars().all(|x| x == c)
}

fn finish_step(
    file: &str,
    lines: &Lines,
    draft: Draft,
    problems: &mut Vec<Problem>,
) -> Option<Step> {
    if draft.title.is_empty() {
        problems.push(Problem::error(
            file,
            (draft.line, 1),
            "a step heading needs a title after \"## \"",
        ));
    }
    let prose = draft.prose.trim().to_owned();
    if prose.is_empty() && draft.after.trim().is_empty() {
        problems.push(Problem::error(
            file,
            (draft.line, 1),
            format!(
                "step \"{}\" has no prose; a step says in words what the learner is about to see",
                draft.title
            ),
        ));
    }
    let (block, action_spots, check_spots) = match draft.block {
        None => (StepBlock::default(), Vec::new(), Vec::new()),
        Some((at, text)) => match toml::from_str::<StepBlock>(&text) {
            Ok(block) => {
                let first = lines.at(at).0;
                (
                    block,
                    spots(&text, first, "action"),
                    spots(&text, first, "check"),
                )
            }
            Err(e) => {
                problems.push(toml_problem(file, lines, at, &text, &e));
                return None;
            }
        },
    };
    Some(Step {
        title: draft.title,
        prose,
        after: draft.after.trim().to_owned(),
        notes: block.notes,
        input: block.input,
        actions: block.action,
        checks: block.check,
        line: draft.line,
        action_spots,
        check_spots,
    })
}

/// The `[[table]]` headers of a block and the keys under each; `first` is the block's first
/// line in the file.
fn spots(block: &str, first: usize, table: &str) -> Vec<Spot> {
    let header = format!("[[{table}]]");
    let mut found: Vec<Spot> = Vec::new();
    let mut inside = false;
    for (n, line) in block.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t.replace(' ', "") == header;
            if inside {
                found.push(Spot {
                    line: first + n,
                    keys: Vec::new(),
                });
            }
            continue;
        }
        let Some(spot) = found.last_mut().filter(|_| inside) else {
            continue;
        };
        if let Some((key, _)) = t.split_once('=') {
            let key = key.trim();
            if !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                let col = line.len() - line.trim_start().len() + 1;
                spot.keys.push((key.to_owned(), first + n, col));
            }
        }
    }
    found
}

/// A TOML error as a problem, placed as precisely as the error allows.
fn toml_problem(
    file: &str,
    lines: &Lines,
    base: usize,
    toml: &str,
    e: &toml::de::Error,
) -> Problem {
    let message = e.message().trim().to_owned();
    let span = e.span().unwrap_or(0..0);
    // A typed value the model refused names its key: the problem goes there, in its words.
    if let Some((key, sentence)) = refused_at(&message) {
        let inside = toml.get(span.start..).unwrap_or_default();
        let offset = find_key(inside, key).map_or(span.start, |i| span.start + i);
        return Problem::error(file, lines.at(base + offset), sentence);
    }
    let offset = refine(toml, span.clone(), &message).unwrap_or(span.start);
    let table = table_at(toml, offset);
    Problem::error(file, lines.at(base + offset), describe(&message, table))
}

/// toml places errors inside a tagged table at the whole table; the name in the message says
/// which key or value it means, so look for it there.
fn refine(toml: &str, span: std::ops::Range<usize>, message: &str) -> Option<usize> {
    // The span may cover only the table's header; the key is somewhere after it.
    let inside = toml.get(span.start..)?;
    for (lead, quoted) in [("unknown field `", false), ("unknown variant `", true)] {
        let Some(rest) = message.strip_prefix(lead) else {
            continue;
        };
        let name = rest.split('`').next()?;
        let found = if quoted {
            inside
                .find(&format!("\"{name}\""))
                .or_else(|| inside.find(&format!("'{name}'")))
        } else {
            find_key(inside, name)
        };
        return found.map(|i| span.start + i);
    }
    None
}

/// Where `key` is first written as a key (`key =` or `key.`) in `toml`.
fn find_key(toml: &str, key: &str) -> Option<usize> {
    toml.match_indices(key)
        .find(|(i, _)| {
            let before = toml[..*i].chars().next_back();
            let after = toml[i + key.len()..].trim_start().chars().next();
            before.is_none_or(|c| c == '\n' || c.is_whitespace() || c == '{' || c == ',')
                && matches!(after, Some('=' | '.'))
        })
        .map(|(i, _)| i)
}

/// The `[[name]]` or `[name]` table whose body holds `offset`.
fn table_at(toml: &str, offset: usize) -> Option<&str> {
    let before = toml.get(..offset)?;
    before.lines().rev().find_map(|l| {
        let l = l.trim();
        l.strip_prefix("[[")
            .and_then(|r| r.strip_suffix("]]"))
            .or_else(|| l.strip_prefix('[').and_then(|r| r.strip_suffix(']')))
            .map(str::trim)
    })
}

/// toml's wording, with the names a teacher uses.
fn describe(message: &str, table: Option<&str>) -> String {
    let first = message.lines().next().unwrap_or(message);
    if let Some(rest) = first.strip_prefix("unknown variant `") {
        let name = rest.split('`').next().unwrap_or_default();
        let expected = rest
            .split_once(", expected ")
            .map(|(_, e)| e.replace('`', ""));
        let what = match table {
            Some("action") if first.contains("http") => "action kind",
            Some("check") if first.contains("choice") => "check kind",
            Some(_) if first.contains("heads") => "pane",
            Some("check") if first.contains("frame-bytes") => "computed answer (`of`)",
            _ => "value",
        };
        return match expected {
            Some(e) => format!("unknown {what} \"{name}\"; expected {e}"),
            None => format!("unknown {what} \"{name}\""),
        };
    }
    if let Some(rest) = first.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let expected = rest
            .split_once(", expected ")
            .map(|(_, e)| e.replace('`', ""));
        let place = table.map_or_else(String::new, |t| format!(" in [{t}]"));
        return match expected {
            Some(e) => format!("unknown field \"{name}\"{place}; expected {e}"),
            None => format!("unknown field \"{name}\"{place}"),
        };
    }
    format!("bad TOML: {first}")
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
