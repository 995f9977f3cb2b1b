//! What running an action gave, as plain data: the connections to read from the transcript,
//! the error if any, a measured experiment's figures and a grade's card. `run` fills it; views
//! read it.

use crate::capture::ConnId;
use crate::capture::measure::Measured;
use crate::lesson::graded::Graded;

/// What one action did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionRun {
    /// The connections it opened, in the runner's transcript, oldest first.
    pub conns: Vec<ConnId>,
    /// What went wrong, in one sentence.
    pub error: Option<String>,
    /// Whether `error` is the point of the action: a fault the client rightly refused.
    pub expected: bool,
    /// A measured experiment's results.
    pub measured: Option<Measured>,
    /// A grade action's card.
    pub graded: Option<Graded>,
    /// Things the learner should know about this run: a random key, a value they typed.
    pub notes: Vec<String>,
}

impl ActionRun {
    /// Whether the action failed in a way the lesson did not plan.
    pub fn failed(&self) -> bool {
        self.error.is_some() && !self.expected
    }
}
