//! `--cases`: which cases to run, as a comma-separated list of ids with `*` wildcards
//! ("5.*,7.1.*") or group names ("utf-8").

use thiserror::Error;

use super::case::{Case, Group};

/// A `--cases` list that selects nothing, or names what is not there.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SelectError {
    /// A pattern matched no case.
    #[error(
        "--cases: {pattern:?} matches no case; ids look like 5.2.3 or 7.*, groups are {groups}"
    )]
    NoMatch {
        /// The pattern.
        pattern: String,
        /// The group names, for the sentence.
        groups: String,
    },
}

/// The cases `list` selects, in suite order; every case when `list` is `None`.
///
/// # Errors
/// A pattern that matches no case, so a typo is never a silent empty run.
pub fn select(cases: Vec<Case>, list: Option<&str>) -> Result<Vec<Case>, SelectError> {
    let Some(list) = list else {
        return Ok(cases);
    };
    let patterns: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    for pattern in &patterns {
        if !cases.iter().any(|c| matches(pattern, c)) {
            return Err(SelectError::NoMatch {
                pattern: (*pattern).to_owned(),
                groups: Group::ALL.map(Group::name).join(", "),
            });
        }
    }
    Ok(cases
        .into_iter()
        .filter(|c| patterns.iter().any(|p| matches(p, c)))
        .collect())
}

fn matches(pattern: &str, case: &Case) -> bool {
    if pattern.eq_ignore_ascii_case(case.group.name()) {
        return true;
    }
    // "5.2" selects 5.2.1, 5.2.2, …: a section number means everything under it.
    if !pattern.contains('*') {
        return case.id == pattern || case.id.starts_with(&format!("{pattern}."));
    }
    glob(pattern.as_bytes(), case.id.as_bytes())
}

// `*` matches any run of characters, including dots.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|i| glob(rest, &text[i..])),
        Some((c, rest)) => text.first() == Some(c) && glob(rest, &text[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::suite::all;

    fn ids(list: &str) -> Vec<String> {
        select(all(false), Some(list))
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect()
    }

    #[test]
    fn wildcards_sections_and_groups_select() {
        assert!(ids("5.*").iter().all(|id| id.starts_with("5.")));
        assert_eq!(ids("7.1.*"), ["7.1.1", "7.1.2", "7.1.3", "7.1.4"]);
        assert_eq!(ids("7.1"), ids("7.1.*"));
        assert_eq!(ids("4.1"), ["4.1"], "an exact id is not a prefix of 4.10");
        assert!(ids("utf-8").iter().all(|id| id.starts_with("8.1.")));
        assert_eq!(ids("4.2,4.3").len(), 2);
    }

    #[test]
    fn a_pattern_that_selects_nothing_is_an_error() {
        let error = select(all(false), Some("5.*,9.9")).unwrap_err();
        assert!(
            error.to_string().contains("\"9.9\" matches no case"),
            "{error}"
        );
    }

    #[test]
    fn ids_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for case in all(true) {
            assert!(seen.insert(case.id.clone()), "{} twice", case.id);
        }
    }
}
