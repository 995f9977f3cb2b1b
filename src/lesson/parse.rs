//! From a lesson file's text to a [`Lesson`], or to problems at `file:line:col`.
//!
//! The file is Markdown with TOML front matter between `+++` lines. Each `## ` heading starts
//! a step; a fenced block whose info string is `wslab` holds the step's actions and checks as
//! TOML. Everything else is prose, kept as written.

use super::model::{FrontMatter, Lesson, Spot, Step, StepBlock};
use super::problem::{Lines, Problem};
use super::recover::{self, Place};
use super::toml_error::{key_at, toggles_string, toml_problem, top_keys};

/// What parsing one file gave: the lesson if it could be read, and every problem found.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The lesson, when its front matter and every step block parsed.
    pub lesson: Option<Lesson>,
    /// When there were errors: as much of the lesson as could be read, so that `lessons check`
    /// can still lint its values. Never run.
    pub partial: Option<Lesson>,
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
            partial: None,
            problems,
        };
    };
    let place = Place {
        file,
        lines: &lines,
        base: front_at,
    };
    let meta = recover::read::<FrontMatter>(place, front, &mut problems);
    let front_spot = Spot {
        line: 1,
        keys: top_keys(front, lines.at(front_at).0),
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
    let lesson = meta.map(|meta| Lesson {
        id: meta.id,
        title: meta.title,
        minutes: meta.minutes,
        objectives: meta.objectives,
        notes: meta.notes,
        incomplete: meta.incomplete,
        intro: intro.trim().to_owned(),
        steps,
        file: file.to_owned(),
        front: front_spot,
    });
    if problems.is_empty() {
        Parsed {
            lesson,
            partial: None,
            problems,
        }
    } else {
        Parsed {
            lesson: None,
            partial: lesson,
            problems,
        }
    }
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
    // Whether the open ```wslab block is inside a TOML multi-line string.
    let mut in_string = false;
    let mut at = body_at;
    for raw in text[body_at..].split_inclusive('\n') {
        let line_at = at;
        at += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if let Some((marker, opened, block)) = &mut fence {
            let (opened, closing) = (*opened, is_closing(line, marker));
            // A heading or a new fence cannot be TOML: the block's own closing fence is missing.
            let swallowed = block.is_some()
                && !in_string
                && !closing
                && (line.starts_with("## ") || opening(line).is_some_and(|(_, i)| !i.is_empty()));
            if !closing && !swallowed {
                match block {
                    Some(block) => {
                        block.push_str(raw);
                        in_string ^= toggles_string(line);
                    }
                    None => push_prose(&mut intro, &mut drafts, raw),
                }
                continue;
            }
            let block = block.take();
            fence = None;
            match block {
                Some(block) if swallowed => {
                    let block = unclosed(file, lines, opened, &block, problems);
                    attach_block(file, lines, &mut drafts, opened, block, problems);
                }
                Some(block) => {
                    attach_block(file, lines, &mut drafts, opened, block, problems);
                    continue;
                }
                None => {
                    push_prose(&mut intro, &mut drafts, raw);
                    continue;
                }
            }
            // The swallowed line is Markdown again, read below.
        }
        if let Some((marker, info)) = opening(line) {
            let ours = info == "wslab";
            fence = Some((marker, at, ours.then(String::new)));
            in_string = false;
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
    match fence {
        Some((_, opened, Some(block))) => {
            let block = unclosed(file, lines, opened, &block, problems);
            attach_block(file, lines, &mut drafts, opened, block, problems);
        }
        Some((_, opened, None)) => {
            // `opened` is just past the fence line; its line is the one before.
            let line = lines.at(opened.saturating_sub(1)).0;
            problems.push(Problem::error(
                file,
                (line, 1),
                "this code block is never closed; end it with a line of three backticks",
            ));
        }
        None => {}
    }
    (intro, drafts)
}

/// A `wslab` block whose closing fence is missing: reports it where the fence belongs, after
/// the last line that is still TOML, and keeps that TOML so its values are checked too.
fn unclosed(
    file: &str,
    lines: &Lines,
    opened: usize,
    block: &str,
    problems: &mut Vec<Problem>,
) -> String {
    let fence_line = lines.at(opened.saturating_sub(1)).0;
    let rows: Vec<&str> = block.split_inclusive('\n').collect();
    let toml_rows = (0..=rows.len())
        .rev()
        .find(|&n| toml::de::DeTable::parse(&rows[..n].concat()).is_ok())
        .unwrap_or(0);
    let last = rows[..toml_rows]
        .iter()
        .rposition(|r| !r.trim().is_empty())
        .map_or(0, |i| i + 1);
    problems.push(Problem::error(
        file,
        (fence_line + last + 1, 1),
        format!(
            "the ```wslab block opened on line {fence_line} is never closed; end it here with a line of three backticks"
        ),
    ));
    rows[..last].concat()
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
        Some((at, text)) => read_block(file, lines, at, &text, problems)?,
    };
    Some(Step {
        title: draft.title,
        prose,
        after: draft.after.trim().to_owned(),
        notes: block.notes,
        input: block.input,
        opens: block.opens,
        actions: block.action,
        checks: block.check,
        line: draft.line,
        action_spots,
        check_spots,
    })
}

/// A step block read table by table, so that an error in one `[[action]]` or `[[check]]`
/// does not hide the errors in the others. `None` on a syntax error, which leaves no tables to
/// tell apart.
fn read_block(
    file: &str,
    lines: &Lines,
    at: usize,
    text: &str,
    problems: &mut Vec<Problem>,
) -> Option<(StepBlock, Vec<Spot>, Vec<Spot>)> {
    if let Err(e) = toml::de::DeTable::parse(text) {
        problems.push(toml_problem(file, lines, at, text, &e));
        return None;
    }
    let mut block = StepBlock::default();
    let (mut action_spots, mut check_spots) = (Vec::new(), Vec::new());
    let mut lost_action = false;
    for (offset, piece) in tables(text) {
        let place = Place {
            file,
            lines,
            base: at + offset,
        };
        let first = lines.at(at + offset).0;
        let Some(part) = recover::read::<StepBlock>(place, piece, problems) else {
            lost_action |= !spots(piece, first, "action").is_empty();
            continue;
        };
        block.notes = part.notes.or(block.notes);
        block.input = part.input.or(block.input);
        block.opens = part.opens.or(block.opens);
        block.action.extend(part.action);
        block.check.extend(part.check);
        action_spots.extend(spots(piece, first, "action"));
        check_spots.extend(spots(piece, first, "check"));
    }
    if lost_action {
        // Checks and the input name actions by number; with one unreadable, linting them would
        // report errors the file does not have. The file has an error already.
        block.check.clear();
        check_spots.clear();
        block.input = None;
        block.opens = None;
    }
    Some((block, action_spots, check_spots))
}

/// The block cut before each `[[action]]` and `[[check]]` header, with each piece's offset:
/// what comes before the first one, then one table each.
fn tables(text: &str) -> Vec<(usize, &str)> {
    let mut cuts = vec![0];
    let mut in_string = false;
    let mut at = 0;
    for raw in text.split_inclusive('\n') {
        let header = raw.trim().replace(' ', "");
        if !in_string && at > 0 && (header == "[[action]]" || header == "[[check]]") {
            cuts.push(at);
        }
        in_string ^= toggles_string(raw);
        at += raw.len();
    }
    cuts.push(text.len());
    cuts.windows(2).map(|w| (w[0], &text[w[0]..w[1]])).collect()
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
        if let Some((key, col)) = key_at(line) {
            spot.keys.push((key.to_owned(), first + n, col));
        }
    }
    found
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
