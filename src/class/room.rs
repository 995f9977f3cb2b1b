//! The room as the hub keeps it: who is here (and who may come back), where the presenter
//! is, and each student's answers, counted once per check. Pure: the hub's task owns one and
//! tells it what happened.

use std::collections::{BTreeMap, HashMap};

use super::limits::{CHART_BARS, MAX_REMEMBERED};
use super::names::neutralise;
use super::protocol::{Closing, Position};

/// A student's place in the room, kept after a dropped connection so that it can resume.
#[derive(Debug, Clone)]
pub struct Student {
    /// The name, neutralised.
    pub name: String,
    /// The token that resumes this place.
    pub token: String,
    /// Connected now.
    pub connected: bool,
    /// Answers by check: the first one given.
    pub answers: BTreeMap<Position, String>,
    /// When it was last connected or left, for forgetting the longest gone first.
    pub seen: u64,
}

/// How a join went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    /// The student's id in the room.
    pub id: u64,
    /// The name kept, neutralised.
    pub name: String,
    /// The token to resume with.
    pub token: String,
    /// Whether an earlier place was resumed.
    pub resumed: bool,
}

/// What the presenter's screen shows of the room: counts, never names (those are in
/// [`Room::names`], for the roster and the notes terminal).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Students connected.
    pub connected: u32,
    /// Students (connected or not) whose answer to the current check is counted.
    pub answered: u32,
    /// The current check's answers, most given first, as (answer, count); past
    /// [`CHART_BARS`] the rest are summed under `None`.
    pub chart: Vec<(Option<String>, u32)>,
}

/// The room.
#[derive(Debug, Clone)]
pub struct Room {
    max: usize,
    students: HashMap<u64, Student>,
    next_id: u64,
    /// Where the presenter is.
    pub at: Option<Position>,
    /// Whether the current check's answer is revealed.
    pub revealed: bool,
    /// When the current step began, ms on the hub's clock.
    pub step_began_ms: u64,
    clock: u64,
}

/// Why an answer is not counted: a sentence for the student.
pub const ALREADY: &str = "Your first answer to this question is the one counted.";
/// See [`ALREADY`].
pub const TOO_MANY: &str = "You have answered as many questions as one class keeps.";

impl Room {
    /// An empty room for at most `max` students at once.
    pub fn new(max: usize) -> Self {
        Self {
            max,
            students: HashMap::new(),
            next_id: 1,
            at: None,
            revealed: false,
            step_began_ms: 0,
            clock: 0,
        }
    }

    /// Students connected now.
    pub fn connected(&self) -> usize {
        self.students.values().filter(|s| s.connected).count()
    }

    /// A student joins: with `resume`, the place that token holds (if still kept), else a new
    /// place named `raw_name` (neutralised; "student N" when nothing is left of it), whose
    /// token is `fresh_token`.
    ///
    /// # Errors
    /// [`Closing::Full`] when `max` students are connected.
    pub fn join(
        &mut self,
        raw_name: &str,
        resume: Option<&str>,
        fresh_token: String,
    ) -> Result<Admitted, Closing> {
        self.clock += 1;
        // A token resumes its place whether or not its old connection still looks open: a
        // network that drops without a FIN leaves it so, and the new connection replaces it.
        let found = resume.and_then(|t| {
            self.students
                .iter()
                .find(|(_, s)| super::code::equal(&s.token, t))
                .map(|(id, _)| *id)
        });
        let taking_over =
            found.is_some_and(|id| self.students.get(&id).is_some_and(|s| s.connected));
        if !taking_over && self.connected() >= self.max {
            return Err(Closing::Full);
        }
        if let Some(s) = found.and_then(|id| self.students.get_mut(&id)) {
            let id = found.unwrap_or_default();
            s.connected = true;
            s.seen = self.clock;
            return Ok(Admitted {
                id,
                name: s.name.clone(),
                token: s.token.clone(),
                resumed: true,
            });
        }
        // Places of students gone are kept for resuming, up to as many again as may be here.
        if self.students.len() >= 2 * self.max
            && let Some(oldest) = self
                .students
                .iter()
                .filter(|(_, s)| !s.connected)
                .min_by_key(|(_, s)| s.seen)
                .map(|(id, _)| *id)
        {
            self.students.remove(&oldest);
        }
        let id = self.next_id;
        self.next_id += 1;
        let mut name = neutralise(raw_name);
        if name.is_empty() {
            name = format!("student {id}");
        }
        self.students.insert(
            id,
            Student {
                name: name.clone(),
                token: fresh_token.clone(),
                connected: true,
                answers: BTreeMap::new(),
                seen: self.clock,
            },
        );
        Ok(Admitted {
            id,
            name,
            token: fresh_token,
            resumed: false,
        })
    }

    /// A student's connection ended; `for_good` (they left) forgets their place.
    pub fn left(&mut self, id: u64, for_good: bool) {
        self.clock += 1;
        if for_good {
            self.students.remove(&id);
        } else if let Some(s) = self.students.get_mut(&id) {
            s.connected = false;
            s.seen = self.clock;
        }
    }

    /// A student answers the check at `at`; the first answer to each check is counted.
    ///
    /// # Errors
    /// The sentence for the student when it is not counted.
    pub fn answer(&mut self, id: u64, at: Position, answer: &str) -> Result<(), &'static str> {
        let Some(s) = self.students.get_mut(&id) else {
            return Ok(());
        };
        if s.answers.contains_key(&at) {
            return Err(ALREADY);
        }
        if s.answers.len() >= MAX_REMEMBERED {
            return Err(TOO_MANY);
        }
        s.answers.insert(at, answer.trim().to_owned());
        Ok(())
    }

    /// The presenter moved to `at` at `now_ms`.
    pub fn moved(&mut self, at: Position, now_ms: u64) {
        if self
            .at
            .as_ref()
            .is_none_or(|a| a.lesson != at.lesson || a.step != at.step)
        {
            self.step_began_ms = now_ms;
        }
        if self.at.as_ref() != Some(&at) {
            self.revealed = false;
        }
        self.at = Some(at);
    }

    /// The counts and the current check's chart.
    pub fn tally(&self) -> Tally {
        let connected = u32::try_from(self.connected()).unwrap_or(u32::MAX);
        let Some(at) = &self.at else {
            return Tally {
                connected,
                ..Tally::default()
            };
        };
        let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
        let mut answered = 0;
        for s in self.students.values() {
            if let Some(a) = s.answers.get(at) {
                answered += 1;
                *counts.entry(a.as_str()).or_default() += 1;
            }
        }
        let mut bars: Vec<(&str, u32)> = counts.into_iter().collect();
        // Most given first; equal counts in the answers' order, so the chart holds still.
        bars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut chart: Vec<(Option<String>, u32)> = bars
            .iter()
            .take(CHART_BARS)
            .map(|(a, n)| (Some(neutralise(a)), *n))
            .collect();
        let rest: u32 = bars.iter().skip(CHART_BARS).map(|(_, n)| n).sum();
        if rest > 0 {
            chart.push((None, rest));
        }
        Tally {
            connected,
            answered,
            chart,
        }
    }

    /// The names connected, neutralised, in the order they joined.
    pub fn names(&self) -> Vec<String> {
        let mut here: Vec<(&u64, &Student)> =
            self.students.iter().filter(|(_, s)| s.connected).collect();
        here.sort_by_key(|(id, _)| **id);
        here.into_iter().map(|(_, s)| s.name.clone()).collect()
    }
}
