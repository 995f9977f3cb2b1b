//! What a `grade` action found, as plain data. `run` lays it out from the grader's own card,
//! so that the views and the progress file, which sit beside the grader and may not import
//! it, still show its counts, its overall line and the rule to fix first.

use serde::{Deserialize, Serialize};

/// How many cases got each grade. The progress file keeps it too, under these names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// The server did what the RFC asks.
    pub pass: usize,
    /// A SHOULD not met, or an allowed choice other than the usual one.
    pub non_strict: usize,
    /// A MUST broken.
    pub fail: usize,
    /// Left to the server by the RFC; reported, never graded.
    pub info: usize,
    /// Not run, because what it needs is missing.
    pub skipped: usize,
}

impl Tally {
    /// Every case counted.
    pub fn total(&self) -> usize {
        self.pass + self.non_strict + self.fail + self.info + self.skipped
    }

    /// "12 pass · 1 non-strict · 2 FAIL", the zero counts left out: the grader's card says
    /// it in these words (a test in `run::exercise` holds the two together).
    pub fn line(&self) -> String {
        let parts: Vec<String> = [
            (self.pass, "pass"),
            (self.non_strict, "non-strict"),
            (self.fail, "FAIL"),
            (self.info, "info"),
            (self.skipped, "skipped"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| format!("{n} {word}"))
        .collect();
        if parts.is_empty() {
            "no case ran".to_owned()
        } else {
            parts.join(" · ")
        }
    }
}

/// One part of the suite that ran, as the card heads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Its heading, with the sections it covers: "Framing (§5.2)".
    pub title: String,
    /// Its counts.
    pub tally: Tally,
}

/// A case that failed, with the rule it checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Its id: "5.2.3".
    pub id: String,
    /// What it asks, in a few words.
    pub title: String,
    /// What the server did, in one line.
    pub did: String,
    /// Where the rule is written: "RFC 6455 §5.2".
    pub section: String,
    /// How strongly it binds: "MUST".
    pub level: String,
    /// The rule, in the RFC's words.
    pub says: String,
}

/// A grade action's card.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graded {
    /// The URL graded.
    pub url: String,
    /// Whether the learner typed it; otherwise it is the lab's own `/echo`.
    pub typed: bool,
    /// When the grade ran, in seconds since the Unix epoch.
    pub at_unix: u64,
    /// How many cases got each grade.
    pub tally: Tally,
    /// Each part that ran, in the card's order.
    pub parts: Vec<Part>,
    /// The card's overall line: cases, time, counts, and how many MUSTs were broken.
    pub overall: String,
    /// The failures in the order a beginner should fix them; the first is the one to fix
    /// first.
    pub fix: Vec<Failure>,
    /// Sentences the learner must read with the counts: a run cut short, an endpoint that
    /// does not answer as an echo.
    pub warnings: Vec<String>,
    /// The command that shows each case of this run that did not pass, with its bytes; only
    /// for a URL the learner typed, since the lab's port is gone with the lesson.
    pub command: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_line_leaves_out_the_zeros() {
        let t = Tally {
            pass: 12,
            fail: 2,
            non_strict: 1,
            ..Tally::default()
        };
        assert_eq!(t.line(), "12 pass · 1 non-strict · 2 FAIL");
        assert_eq!(t.total(), 15);
        assert_eq!(Tally::default().line(), "no case ran");
    }
}
