//! Reading a TOML table into its typed value, and going on when that fails: the key at fault
//! is reported, taken out, and the rest read again. So one unknown key does not hide the
//! errors after it, and what does read can still be linted.

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

use super::model::refused_at;
use super::problem::{Lines, Problem};
use super::toml_error::{key_before, toml_problem};

/// How many keys one table may lose before reading stops; far more than a table has wrong.
const MAX_TRIES: usize = 16;

/// Where a piece of TOML is: the file's name, its lines, and the piece's byte offset.
#[derive(Clone, Copy)]
pub struct Place<'a> {
    /// The file, as shown in problems.
    pub file: &'a str,
    /// The whole file's lines.
    pub lines: &'a Lines<'a>,
    /// The offset of the piece in the file.
    pub base: usize,
}

/// `text` read as a `T`. Every error met on the way is added to `problems`, each at its own
/// place; the value is returned when it could be read once the keys at fault were taken out.
pub fn read<T: DeserializeOwned>(
    at: Place<'_>,
    text: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let mut error = match toml::from_str::<T>(text) {
        Ok(value) => return Some(value),
        Err(e) => e,
    };
    problems.push(toml_problem(at.file, at.lines, at.base, text, &error));
    // A syntax error leaves no table to read on from. The table keeps its spans, so every
    // later error is placed too.
    let mut table = toml::de::DeTable::parse(text).ok()?;
    table.get_mut().make_owned();
    let mut removed: Vec<String> = Vec::new();
    for _ in 0..MAX_TRIES {
        let culprit = culprit(text, &error)?;
        removed.push(take(table.get_mut(), &culprit)?);
        match T::deserialize(toml::de::Deserializer::from(table.clone())) {
            Ok(value) => return Some(value),
            Err(e) => {
                // A required key that was taken out is missing because of us, not the file.
                if missing_field(e.message()).is_some_and(|k| removed.iter().any(|r| r == k)) {
                    return None;
                }
                let problem = toml_problem(at.file, at.lines, at.base, text, &e);
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
                error = e;
            }
        }
    }
    None
}

/// What an error is about: a key by name, or a key by its (string) value.
#[derive(Debug, PartialEq, Eq)]
enum Culprit {
    Key(String),
    Value(String),
}

fn culprit(text: &str, error: &toml::de::Error) -> Option<Culprit> {
    let message = error.message().trim();
    let quoted = |lead: &str| {
        message
            .strip_prefix(lead)
            .and_then(|r| r.split('`').next())
            .map(str::to_owned)
    };
    if let Some(name) = quoted("unknown field `") {
        return Some(Culprit::Key(name));
    }
    if let Some((key, _)) = refused_at(message) {
        return Some(Culprit::Key(key.to_owned()));
    }
    if let Some(value) = quoted("unknown variant `") {
        return Some(Culprit::Value(value));
    }
    // Otherwise the error's span starts at the value: the key is written before it.
    let start = error.span()?.start;
    key_before(text, start).map(|key| Culprit::Key(key.to_owned()))
}

fn missing_field(message: &str) -> Option<&str> {
    message
        .trim()
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
}

/// Takes the first key `culprit` names out of `table` or the tables inside it; returns its name.
fn take(table: &mut DeTable<'_>, culprit: &Culprit) -> Option<String> {
    let found = table
        .iter()
        .find(|(key, value)| match culprit {
            Culprit::Key(name) => key.get_ref() == name,
            Culprit::Value(text) => holds(value.get_ref(), text),
        })
        .map(|(key, _)| key.clone());
    if let Some(key) = found {
        table.remove(&key);
        return Some(key.into_inner().into_owned());
    }
    table
        .iter_mut()
        .find_map(|(_, value)| match value.get_mut() {
            DeValue::Table(inner) => take(inner, culprit),
            DeValue::Array(items) => items.iter_mut().find_map(|item| match item.get_mut() {
                DeValue::Table(inner) => take(inner, culprit),
                _ => None,
            }),
            _ => None,
        })
}

/// Whether `value` is the string `text`, or an array of plain values holding it.
fn holds(value: &DeValue<'_>, text: &str) -> bool {
    match value {
        DeValue::String(s) => s == text,
        DeValue::Array(items) => items
            .iter()
            .any(|i| matches!(i.get_ref(), DeValue::String(s) if s == text)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::model::FrontMatter;

    fn problems(text: &str) -> (Option<FrontMatter>, Vec<String>) {
        let lines = Lines::new(text);
        let mut found = Vec::new();
        let at = Place {
            file: "f",
            lines: &lines,
            base: 0,
        };
        let value = read::<FrontMatter>(at, text, &mut found);
        (value, found.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn an_unknown_key_is_reported_and_the_rest_still_read() {
        let text = "id = \"t\"\ntitle = \"T\"\nminutes = 5\ncolour = \"red\"\nobjectives = [\"o\"]\nnotes = \"n\"\n";
        let (value, found) = problems(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("f:4:1: error: unknown field \"colour\""));
        assert_eq!(value.map(|v| v.minutes), Some(5));
    }

    #[test]
    fn every_wrong_key_is_reported_at_its_own_line() {
        let text = "id = \"t\"\ncolour = 1\ntitle = \"T\"\nminutes = \"ten\"\nsize = 2\nobjectives = [\"o\"]\nnotes = \"n\"\n";
        let (value, found) = problems(text);
        let places: Vec<&str> = found
            .iter()
            .map(|p| p.split(": error").next().unwrap_or_default())
            .collect();
        assert_eq!(places, ["f:2:1", "f:4:11", "f:5:1"], "{found:?}");
        assert!(found[1].contains("minutes has the wrong type"), "{found:?}");
        assert!(value.is_none(), "minutes is required and was wrong");
    }

    #[test]
    fn a_syntax_error_is_reported_once() {
        let (value, found) = problems("id = \nx\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(value.is_none());
    }
}
