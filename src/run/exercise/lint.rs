//! A lesson's `cases` against the grader's suite: each pattern must name at least one case,
//! found as the lessons load and placed at the `cases` key, so that a typo is a `file:line:col`
//! problem and never a grade that runs less than the lesson says.

use std::sync::OnceLock;

use crate::grade::case::{Case, Expect};
use crate::grade::select::{SelectError, select};
use crate::grade::suite;
use crate::lesson::model::{Action, Lesson, Spot};
use crate::lesson::problem::Problem;

/// The suite's cases without their payloads (ids, parts and titles are all a pattern reads):
/// the suite builds a 16 MiB message, too much to make every time the lessons load.
fn outlines() -> &'static [Case] {
    static OUTLINES: OnceLock<Vec<Case>> = OnceLock::new();
    OUTLINES.get_or_init(|| {
        suite::all(false)
            .into_iter()
            .map(|c| Case::new(&c.id, c.group, c.title, c.rule, Expect::Opens))
            .collect()
    })
}

/// The cases `patterns` select, in suite order.
///
/// # Errors
/// The first pattern that names no case, in one sentence.
pub fn selected(patterns: &[String]) -> Result<Vec<crate::grade::Case>, String> {
    select(suite::all(false), Some(&patterns.join(","))).map_err(|e| sentence(&e))
}

fn sentence(e: &SelectError) -> String {
    match e {
        SelectError::NoMatch { pattern, groups } => format!(
            "{pattern:?} matches no case of the grader; ids look like 5.2.3 or 7.*, and the parts are {groups}"
        ),
    }
}

/// Every pattern of every grade action in `lesson` that names no case.
pub fn lint(lesson: &Lesson) -> Vec<Problem> {
    let mut out = Vec::new();
    for step in &lesson.steps {
        for (i, action) in step.actions.iter().enumerate() {
            let Action::Grade(grade) = action else {
                continue;
            };
            let at = step
                .action_spots
                .get(i)
                .map_or((step.line, 1), |spot: &Spot| spot.of("cases"));
            for (n, pattern) in grade.cases.iter().enumerate() {
                if let Err(e) = select(outlines().to_vec(), Some(pattern)) {
                    out.push(Problem::error(
                        &lesson.file,
                        at,
                        format!("cases item {}: {}", n + 1, sentence(&e)),
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::parse;

    fn lesson(cases: &str) -> Lesson {
        let text = format!(
            "+++\nid = \"t\"\ntitle = \"T\"\nminutes = 5\nobjectives = [\"o\"]\nnotes = \"n\"\n+++\n## S\nProse.\n```wslab\n[[action]]\nkind = \"grade\"\ncases = {cases}\n```\n"
        );
        parse("l.md", &text).lesson.expect("parses")
    }

    #[test]
    fn patterns_that_name_cases_pass() {
        let l = lesson(r#"["handshake", "5.2", "7.1.*", "utf-8", "permessage-deflate"]"#);
        assert!(lint(&l).is_empty(), "{:?}", lint(&l));
    }

    #[test]
    fn a_pattern_that_names_nothing_is_placed_at_cases() {
        let found: Vec<String> = lint(&lesson(r#"["handshake", "9.9", "hand-shake"]"#))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with(
                "l.md:13:1: error: cases item 2: \"9.9\" matches no case of the grader; ids look like 5.2.3 or 7.*, and the parts are handshake, framing"
            ),
            "{found:?}"
        );
        assert!(
            found[1].contains("cases item 3: \"hand-shake\""),
            "{found:?}"
        );
    }

    #[test]
    fn outlines_select_as_the_suite_does() {
        let ids = |cases: Vec<Case>| cases.into_iter().map(|c| c.id).collect::<Vec<_>>();
        for list in ["5.*", "utf-8", "7.1", "10.4.*"] {
            assert_eq!(
                ids(select(outlines().to_vec(), Some(list)).unwrap()),
                ids(selected(&[list.to_owned()]).unwrap()),
                "{list}"
            );
        }
    }
}
