//! What running a case gave: the verdict, the one line that says what the server did, and
//! the captured bytes that prove it.

use serde::Serialize;

use super::case::{Case, Level};

/// A case's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grade {
    /// The server did what the RFC asks.
    Pass,
    /// A SHOULD not met, or a different but allowed choice (a close code other than the
    /// usual one).
    NonStrict,
    /// A MUST broken.
    Fail,
    /// The RFC leaves it to the server; what it did is reported.
    Info,
    /// Not run: what it needs is missing (the server declined permessage-deflate).
    Skipped,
}

impl Grade {
    /// Every grade, in the order a card counts them.
    pub const ALL: [Self; 5] = [
        Self::Pass,
        Self::NonStrict,
        Self::Fail,
        Self::Info,
        Self::Skipped,
    ];

    /// The word a card shows.
    pub fn word(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::NonStrict => "non-strict",
            Self::Fail => "FAIL",
            Self::Info => "info",
            Self::Skipped => "skipped",
        }
    }

    /// A miss of a rule of this level is worth this grade.
    pub fn for_miss(level: Level) -> Self {
        match level {
            Level::Must => Self::Fail,
            Level::Should => Self::NonStrict,
            Level::Info => Self::Info,
        }
    }
}

/// A verdict and the line that explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The grade.
    pub grade: Grade,
    /// What the server did, in one line.
    pub did: String,
}

impl Verdict {
    /// A verdict.
    pub fn new(grade: Grade, did: impl Into<String>) -> Self {
        Self {
            grade,
            did: did.into(),
        }
    }
}

/// One frame as it crossed, for the card: a line, its field table and hex, and the rules it
/// broke.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameShown {
    /// "client" or "server": who sent it.
    pub from: &'static str,
    /// When it crossed, in ms since the connection opened.
    pub at_ms: f64,
    /// One line: opcode, length, FIN, mask, the start of the payload.
    pub summary: String,
    /// The annotated dissection: the field table and the hex dump.
    pub detail: String,
    /// The rules it broke, each with its section.
    pub broke: Vec<String>,
}

/// The captured bytes behind a verdict.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// The opening request, as sent.
    pub request: Option<String>,
    /// The server's answer head, as received.
    pub response: Option<String>,
    /// The frames of both directions in the order they crossed, the first few of each.
    pub frames: Vec<FrameShown>,
    /// Frames not shown, past the first few.
    pub frames_left_out: u64,
    /// How the connection ended, in one line.
    pub ending: String,
}

/// One case, run and judged.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The case.
    pub case: Case,
    /// The verdict.
    pub verdict: Verdict,
    /// The bytes behind it.
    pub evidence: Evidence,
    /// How long the case took, in ms.
    pub took_ms: f64,
}
