//! Where a TOML error in a lesson file is, and how to say it in a teacher's words.

use super::model::refused_at;
use super::problem::{Lines, Problem};

/// A TOML error as a problem, placed as precisely as the error allows.
pub fn toml_problem(
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
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some(key) = key_before(toml, offset)
    {
        let sentence = format!("{key} has the wrong type: {rest}");
        return Problem::error(file, lines.at(base + offset), sentence);
    }
    let table = table_at(toml, offset);
    Problem::error(file, lines.at(base + offset), describe(&message, table))
}

/// The key written before `offset` on its line, as in `key = value`.
pub fn key_before(toml: &str, offset: usize) -> Option<&str> {
    let start = toml.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let (key, _) = toml.get(start..offset)?.split_once('=')?;
    let key = key.trim();
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    plain.then_some(key)
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
pub fn find_key(toml: &str, key: &str) -> Option<usize> {
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

/// Each `key =` written at the start of a line of `toml`, with its line and column; `first` is
/// the file's line of `toml`'s first line. Only the keys of the top table: a line after a
/// `[table]` header belongs to that table.
pub fn top_keys(toml: &str, first: usize) -> Vec<(String, usize, usize)> {
    let mut keys = Vec::new();
    let mut in_string = false;
    for (n, line) in toml.lines().enumerate() {
        let t = line.trim();
        if !in_string && t.starts_with('[') {
            break;
        }
        if !in_string && let Some((key, col)) = key_at(line) {
            keys.push((key.to_owned(), first + n, col));
        }
        // A key's value may be a multi-line string, whose lines are not keys.
        in_string ^= toggles_string(line);
    }
    keys
}

/// Whether `line` opens or closes a TOML multi-line string (an odd number of `"""` or `'''`).
pub fn toggles_string(line: &str) -> bool {
    (line.matches("\"\"\"").count() + line.matches("'''").count()) % 2 == 1
}

/// The bare key a `key = value` line sets, and its 1-based column; `None` for any other line.
pub(super) fn key_at(line: &str) -> Option<(&str, usize)> {
    let (key, _) = line.trim().split_once('=')?;
    let key = key.trim();
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    bare.then(|| (key, line.len() - line.trim_start().len() + 1))
}
