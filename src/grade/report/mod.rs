//! The report card: counts per group and overall, the order to fix failures in, and the
//! card as terminal text, JSON, Markdown and one self-contained HTML page.

mod html;
mod json;
mod markdown;
mod text;

pub use html::html;
pub use json::{json, json_line};
pub use markdown::markdown;
pub use text::{Show, text};

use super::case::Group;
use super::outcome::{Grade, Outcome};

/// A finished run.
#[derive(Debug, Clone)]
pub struct Card {
    /// The URL graded.
    pub target: String,
    /// Every case run, in suite order.
    pub outcomes: Vec<Outcome>,
    /// How long the run took, in ms.
    pub took_ms: f64,
}

/// How many cases got each grade.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Passed.
    pub pass: usize,
    /// Non-strict.
    pub non_strict: usize,
    /// Failed.
    pub fail: usize,
    /// Informational.
    pub info: usize,
    /// Not run.
    pub skipped: usize,
}

impl Counts {
    fn add(&mut self, grade: Grade) {
        match grade {
            Grade::Pass => self.pass += 1,
            Grade::NonStrict => self.non_strict += 1,
            Grade::Fail => self.fail += 1,
            Grade::Info => self.info += 1,
            Grade::Skipped => self.skipped += 1,
        }
    }

    /// All cases counted.
    pub fn total(&self) -> usize {
        self.pass + self.non_strict + self.fail + self.info + self.skipped
    }

    /// "12 pass · 1 non-strict · 2 FAIL", the zero counts left out.
    pub fn line(&self) -> String {
        let parts: Vec<String> = [
            (self.pass, Grade::Pass),
            (self.non_strict, Grade::NonStrict),
            (self.fail, Grade::Fail),
            (self.info, Grade::Info),
            (self.skipped, Grade::Skipped),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, g)| format!("{n} {}", g.word()))
        .collect();
        parts.join(" · ")
    }
}

impl Card {
    /// The counts of every case.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for o in &self.outcomes {
            counts.add(o.verdict.grade);
        }
        counts
    }

    /// Each group that ran, with its counts, in report order.
    pub fn groups(&self) -> Vec<(Group, Counts)> {
        Group::ALL
            .into_iter()
            .filter_map(|g| {
                let mut counts = Counts::default();
                for o in self.outcomes.iter().filter(|o| o.case.group == g) {
                    counts.add(o.verdict.grade);
                }
                (counts.total() > 0).then_some((g, counts))
            })
            .collect()
    }

    /// Whether any MUST was broken: the exit status is 1 then.
    pub fn failed(&self) -> bool {
        self.outcomes.iter().any(|o| o.verdict.grade == Grade::Fail)
    }

    /// The failures in the order a beginner should fix them: the handshake first (nothing
    /// works without it), then masking and framing (every later case reads frames), then
    /// fragments, control frames, closing, UTF-8 and the extension.
    pub fn fix_order(&self) -> Vec<&Outcome> {
        let rank = |g: Group| match g {
            Group::Handshake => 0,
            Group::Masking => 1,
            Group::Framing => 2,
            Group::Fragmentation => 3,
            Group::Control => 4,
            Group::Closing => 5,
            Group::CloseCodes => 6,
            Group::Utf8 => 7,
            Group::Deflate => 8,
            Group::Limits => 9,
        };
        let mut failed: Vec<&Outcome> = self
            .outcomes
            .iter()
            .filter(|o| o.verdict.grade == Grade::Fail)
            .collect();
        failed.sort_by_key(|o| rank(o.case.group));
        failed
    }

    /// The overall line.
    pub fn overall(&self) -> String {
        let counts = self.counts();
        let verdict = if self.failed() {
            let n = counts.fail;
            format!("{n} MUST broken")
        } else {
            "no MUST broken".to_owned()
        };
        format!(
            "{} cases in {:.1} s: {} — {verdict}",
            counts.total(),
            self.took_ms / 1000.0,
            counts.line()
        )
    }
}

/// A case's bytes as plain text, for the files: the heads, then each frame's line and its
/// field table and hex, then how the connection ended.
fn evidence_text(e: &super::outcome::Evidence) -> String {
    use std::fmt::Write as _;
    let mut block = String::new();
    for head in [&e.request, &e.response].into_iter().flatten() {
        let _ = writeln!(block, "{head}\n");
    }
    for f in &e.frames {
        let _ = writeln!(block, "{} at {:.3} ms: {}", f.from, f.at_ms, f.summary);
        let _ = writeln!(block, "{}\n", f.detail);
    }
    if e.frames_left_out > 0 {
        let _ = writeln!(block, "… {} frames more", e.frames_left_out);
    }
    let _ = writeln!(block, "{}", e.ending);
    block
}

/// What a level is called on the card.
pub fn level_word(level: super::case::Level) -> &'static str {
    match level {
        super::case::Level::Must => "MUST",
        super::case::Level::Should => "SHOULD",
        super::case::Level::Info => "informational",
    }
}

/// The legend every form of the card carries, so no one needs the RFC open to read it.
pub const LEGEND: &[(&str, &str)] = &[
    ("pass", "it did what the RFC asks"),
    (
        "non-strict",
        "a SHOULD not met, or an allowed choice other than the usual one (another close code); also where the RFC binds only the sender and the receiver let the mistake through",
    ),
    (
        "FAIL",
        "a MUST or MUST NOT broken; the bytes below prove it",
    ),
    (
        "info",
        "the RFC leaves it to the implementation; what it did is reported",
    ),
    (
        "skipped",
        "not run, because what it needs is missing (permessage-deflate was declined)",
    ),
];
