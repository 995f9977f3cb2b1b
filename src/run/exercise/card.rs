//! The grader's card as the lessons' plain data: the counts, each part, the overall line and
//! the failures in the order to fix them, taken from `grade::report::Card`'s own methods so
//! that the lesson and `wslab grade` never disagree.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::grade::Outcome;
use crate::grade::report::{Card, Counts, level_word};
use crate::lesson::graded::{Failure, Graded, Part, Tally};

/// `card` laid out for a lesson; `typed` when the learner gave the URL, `warning` a sentence
/// to read with the counts, `cases` the lesson's patterns (for the command that shows more).
pub fn laid_out(card: &Card, typed: bool, warning: Option<String>, cases: &[String]) -> Graded {
    let at_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // The lab's port is gone with the lesson: only the learner's own server can be graded
    // again later, so only its command is worth showing.
    let command = typed.then(|| {
        format!(
            "wslab grade {} --cases {}",
            shell_word(&card.target),
            shell_word(&cases.join(","))
        )
    });
    Graded {
        url: card.target.clone(),
        typed,
        at_unix,
        tally: tally(card.counts()),
        parts: card
            .groups()
            .into_iter()
            .map(|(group, counts)| Part {
                title: group.title().to_owned(),
                tally: tally(counts),
            })
            .collect(),
        overall: card.overall(),
        fix: card.fix_order().into_iter().map(failure).collect(),
        warnings: warning.into_iter().collect(),
        command,
    }
}

fn tally(c: Counts) -> Tally {
    Tally {
        pass: c.pass,
        non_strict: c.non_strict,
        fail: c.fail,
        info: c.info,
        skipped: c.skipped,
    }
}

fn failure(o: &Outcome) -> Failure {
    Failure {
        id: o.case.id.clone(),
        title: o.case.title.clone(),
        did: o.verdict.did.clone(),
        section: o.case.rule.section.to_owned(),
        level: level_word(o.case.rule.level).to_owned(),
        says: o.case.rule.says.to_owned(),
    }
}

/// `text` as one word for a POSIX shell: as it is when every character is plain, else in
/// single quotes, since a URL's `?` and `&` and a pattern's `*` mean something to a shell.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/:._-,=@%+".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_says_what_the_grader_s_counts_say() {
        let counts = [
            Counts::default(),
            Counts {
                pass: 80,
                non_strict: 1,
                fail: 3,
                info: 2,
                skipped: 4,
            },
            Counts {
                fail: 1,
                ..Counts::default()
            },
        ];
        for c in counts.into_iter().filter(|c| c.total() > 0) {
            assert_eq!(tally(c).line(), c.line());
            assert_eq!(tally(c).total(), c.total());
        }
    }

    #[test]
    fn shell_words_are_quoted_only_when_a_shell_would_read_them() {
        assert_eq!(
            shell_word("ws://127.0.0.1:8080/echo"),
            "ws://127.0.0.1:8080/echo"
        );
        assert_eq!(shell_word("handshake,5.*"), "'handshake,5.*'");
        assert_eq!(shell_word("ws://h/?a=1&b"), "'ws://h/?a=1&b'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }

    #[test]
    fn a_card_keeps_its_order_and_its_first_fix() {
        let card = Card {
            target: "ws://127.0.0.1:1/".into(),
            outcomes: Vec::new(),
            took_ms: 0.0,
        };
        let g = laid_out(&card, true, Some("w".into()), &["5.*".into()]);
        assert_eq!(g.overall, card.overall());
        assert!(g.fix.is_empty() && g.parts.is_empty());
        assert_eq!(g.warnings, ["w"]);
        assert_eq!(
            g.command.as_deref(),
            Some("wslab grade ws://127.0.0.1:1/ --cases '5.*'")
        );
        assert!(laid_out(&card, false, None, &[]).command.is_none());
    }
}
