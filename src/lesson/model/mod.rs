//! A lesson as data: what the files say, typed. The serde attributes here are the format's
//! grammar; `lessons/README.md` documents the same names for teachers.

use serde::Deserialize;

mod action;
mod quiz;
mod values;

pub use crate::proto::send::Send;
pub use action::*;
pub use quiz::*;
pub use values::{Mask, refused_at};

/// One lesson, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// Stable id, used on the command line and in progress files: "01-http".
    pub id: String,
    /// Title as shown in the menu.
    pub title: String,
    /// How long it takes, in minutes.
    pub minutes: u32,
    /// What the learner can do afterwards.
    pub objectives: Vec<String>,
    /// Speaker notes for the whole lesson.
    pub notes: String,
    /// Why the lesson cannot do everything it describes yet; shown to the learner.
    pub incomplete: Option<String>,
    /// Prose before the first step.
    pub intro: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// The file it came from, for messages.
    pub file: String,
    /// Where the front matter's keys are, for messages about their values.
    pub front: Spot,
}

/// One step of a lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The step's heading.
    pub title: String,
    /// Its prose before the live output, Markdown.
    pub prose: String,
    /// Its prose after the live output: what to notice in it.
    pub after: String,
    /// Speaker notes for this step.
    pub notes: Option<String>,
    /// What the learner may type in place of the first action's value.
    pub input: Option<Input>,
    /// The frame the step's frames and fields panes open on, where its prose points at one.
    pub opens: Option<Opens>,
    /// Live actions, run in order.
    pub actions: Vec<Action>,
    /// Questions about the step.
    pub checks: Vec<Check>,
    /// The line of its heading, for messages.
    pub line: usize,
    /// Where each `[[action]]` table is, in order.
    pub action_spots: Vec<Spot>,
    /// Where each `[[check]]` table is, in order.
    pub check_spots: Vec<Spot>,
}

/// Where a table of a step block is in the file, and the keys in it, so that problems found
/// after parsing can still name a line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spot {
    /// The line of its `[[…]]` header.
    pub line: usize,
    /// Each key written at the start of a line in the table, with its line and column.
    pub keys: Vec<(String, usize, usize)>,
}

impl Spot {
    /// Line and column of `key`, or of the table when the key is not written.
    pub fn of(&self, key: &str) -> (usize, usize) {
        self.keys
            .iter()
            .find(|(k, _, _)| k == key)
            .map_or((self.line, 1), |(_, l, c)| (*l, *c))
    }
}

/// The front matter between the `+++` lines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// See [`Lesson::id`].
    pub id: String,
    /// See [`Lesson::title`].
    pub title: String,
    /// See [`Lesson::minutes`].
    pub minutes: u32,
    /// See [`Lesson::objectives`].
    pub objectives: Vec<String>,
    /// See [`Lesson::notes`].
    pub notes: String,
    /// See [`Lesson::incomplete`].
    #[serde(default)]
    pub incomplete: Option<String>,
}

/// The TOML block of a step.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepBlock {
    /// See [`Step::notes`].
    #[serde(default)]
    pub notes: Option<String>,
    /// See [`Step::input`].
    #[serde(default)]
    pub input: Option<Input>,
    /// See [`Step::opens`].
    #[serde(default)]
    pub opens: Option<Opens>,
    /// `[[action]]` tables.
    #[serde(default)]
    pub action: Vec<Action>,
    /// `[[check]]` tables.
    #[serde(default)]
    pub check: Vec<Check>,
}

/// The frame a step's frames and fields panes open on (`opens = { from = "server", frame = 1
/// }`): the prose says "look at the server's frame", and the pane has it selected. Frames
/// count from 1 on each side, as checks count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opens {
    /// Which side sent it.
    pub from: From,
    /// Its number among that side's frames, from 1.
    pub frame: usize,
    /// The action whose pane it is in, from 1; the first with a frames or fields pane when
    /// not written.
    #[serde(default)]
    pub action: Option<usize>,
}

impl Opens {
    /// The index of the action whose panes open on the frame, among `actions`.
    pub fn action_index(&self, actions: &[Action]) -> Option<usize> {
        match self.action {
            Some(n) => n.checked_sub(1).filter(|i| *i < actions.len()),
            None => actions.iter().position(|a| {
                a.panes()
                    .iter()
                    .any(|p| matches!(p, Pane::Frames | Pane::Fields))
            }),
        }
    }
}

/// A value the learner may type before the step runs; plain mode uses `default`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// What it replaces in the step's first action.
    pub field: InputField,
    /// What to ask.
    pub prompt: String,
}

/// What an [`Input`] replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputField {
    /// The Sec-WebSocket-Key of a `websocket` action.
    Key,
    /// The text of the first `text` send of a `websocket` action.
    Text,
    /// The URL of the server a `grade` action grades, in place of the lab's own `/echo`.
    Url,
}

impl InputField {
    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Key => "key",
            Self::Text => "text",
            Self::Url => "url",
        }
    }

    /// The action kind that must come first in a step taking this input.
    pub fn action_kind(self) -> &'static str {
        match self {
            Self::Key | Self::Text => "websocket",
            Self::Url => "grade",
        }
    }
}
