//! The application's state and its one `update` function, The Elm Architecture's way: keys
//! and network results come in as [`Msg`]s, `update` changes the state and returns the
//! [`Effect`]s for the event loop to carry out (start a lab, run a step, save progress).
//! No I/O and no drawing here, so every key sequence is testable without a terminal.

pub mod card;
pub mod class;
pub mod craft;
mod extent;
pub mod filter;
pub mod inspect;
pub mod keymap;
pub mod layout;
pub mod progress;
mod proxy_row;
pub mod proxy_view;
mod update;

pub use extent::pane_extent;
pub use update::{predicting, update};

use std::sync::Arc;

use crate::capture::Snapshot;
use crate::lesson::model::{Action, InputField, Pane};
use crate::lesson::outcome::ActionRun;
use crate::lesson::{Lesson, Step};
use keymap::Key;
use progress::Progress;

/// Which screen is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The lesson menu.
    Menu,
    /// A lesson.
    Lesson,
}

/// Self-paced, or presenting to a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A learner at their own pace: checks are answered, progress is saved.
    Learn,
    /// An instructor at a projector.
    Present {
        /// Speaker notes shown.
        notes: bool,
        /// The screen blanked.
        blank: bool,
        /// The current check's answer shown.
        revealed: bool,
    },
}

/// The presenter's own tools, kept across steps: the notes' scroll and the clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Classroom {
    /// How far the speaker notes are scrolled, in rows.
    pub notes_scroll: u16,
    /// The clock shown: time since the lesson opened, against its planned minutes.
    pub clock: bool,
    /// The time now, in ms on the loop's monotonic clock, as the last [`Msg::Tick`] said.
    pub now_ms: u64,
    /// When the open lesson was opened, on the same clock.
    pub opened_ms: u64,
}

impl Classroom {
    /// Whole seconds since the lesson opened.
    pub fn elapsed_secs(&self) -> u64 {
        self.now_ms.saturating_sub(self.opened_ms) / 1000
    }
}

/// Where the keys go on a lesson screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The prose: arrows scroll it.
    Prose,
    /// The live pane: arrows select headers or frames.
    Pane,
    /// The checks: keys answer.
    Check,
}

/// What a step's live actions have done.
#[derive(Debug, Clone, PartialEq)]
pub enum Live {
    /// Not run yet.
    NotRun,
    /// Running now.
    Running,
    /// Run; one result per action.
    Done(Vec<ActionRun>),
    /// The lab could not start, so nothing ran.
    Failed(String),
}

/// The learner's work on one check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answering {
    /// What they typed so far (typed and computed checks).
    pub typed: String,
    /// The option selected (choice checks), from 0.
    pub choice: usize,
    /// Right or wrong, once answered.
    pub verdict: Option<bool>,
    /// How many hints are shown.
    pub hints: usize,
}

/// A lesson being worked through.
#[derive(Debug, Clone)]
pub struct LessonView {
    /// Which lesson, in [`App::lessons`].
    pub index: usize,
    /// The current step, from 0.
    pub step: usize,
    /// Each step's live state.
    pub live: Vec<Live>,
    /// The live pane shown, among the step's panes.
    pub pane: usize,
    /// Where the keys go.
    pub focus: Focus,
    /// Prose scroll, in lines.
    pub scroll: u16,
    /// The selected line of the live pane: a header, a frame.
    pub selected: usize,
    /// The byte cursor within the selected frame, from its first byte: the field holding it
    /// is highlighted, and the masking lane steps with it.
    pub cursor: usize,
    /// The check in focus, among the step's.
    pub check: usize,
    /// Each check's answering, by step then check.
    pub answers: Vec<Vec<Answering>>,
    /// The value the learner is typing for the step's input, while they type it.
    pub typing: Option<String>,
    /// The value typed for each step's input, used when it runs.
    pub typed: Vec<Option<String>>,
    /// A value refused as typed (a URL that breaks §3's rules): `i` opens it again to be
    /// mended rather than typed anew.
    pub draft: Option<String>,
    /// How far the step running now is, in a line, for an action that says (a grade: the
    /// case that has just ended), by step.
    pub running: Option<(usize, String)>,
    /// Past the last step: the end card is shown, and → opens the next lesson.
    pub ended: bool,
    /// The region with the keys takes the whole screen (`z`), for this step.
    pub zoom: bool,
    /// Whether the pane shown has been put on the frame the step `opens` on since it ran or
    /// was shown; until then each new capture tries again, so a selection the learner made
    /// afterwards is theirs.
    pub opened: bool,
    /// How far the prose's preformatted rows (code, diagrams) are shifted left, in columns,
    /// where they are wider than the pane (`<` `>`), for this step.
    pub shift: u16,
}

impl LessonView {
    fn new(index: usize, lesson: &Lesson, step: usize) -> Self {
        let n = lesson.steps.len();
        Self {
            index,
            step: step.min(n.saturating_sub(1)),
            live: vec![Live::NotRun; n],
            pane: 0,
            focus: Focus::Prose,
            scroll: 0,
            selected: 0,
            cursor: 0,
            check: 0,
            answers: lesson
                .steps
                .iter()
                .map(|s| vec![Answering::default(); s.checks.len()])
                .collect(),
            typing: None,
            typed: vec![None; n],
            draft: None,
            running: None,
            ended: false,
            zoom: false,
            opened: false,
            shift: 0,
        }
    }
}

/// Things `update` asks the event loop to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Start a lab for this lesson, replacing any other; answer with [`Msg::Started`].
    Open(usize),
    /// Run a step's actions; answer with [`Msg::Ran`].
    Run {
        /// Which lesson.
        lesson: usize,
        /// Which step.
        step: usize,
        /// The learner's own value for the step's input.
        input: Option<(InputField, String)>,
    },
    /// Write the progress file.
    Save,
    /// Leave.
    Quit,
    /// Class: the presenter is here now; every student follows.
    ClassMove(crate::class::Position),
    /// Class: the presenter revealed this check's answer.
    ClassReveal(crate::class::Position),
    /// Class: a student's message to the hub (an answer).
    ClassSend(crate::class::FromStudent),
}

/// What happens to the app.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key.
    Key(Key),
    /// The mouse wheel: negative is up.
    Scroll(i8),
    /// A click at a cell of the terminal.
    Click {
        /// Column.
        x: u16,
        /// Row.
        y: u16,
    },
    /// The terminal's size, at start and on every resize: clicks are placed with it.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// A lesson's lab is up, and its capture is as `capture` shows.
    Started {
        /// Which lesson.
        lesson: usize,
        /// The lesson's capture, as it was when the lab came up.
        capture: Arc<Snapshot>,
    },
    /// The lesson's capture changed: the terminal loop took a new snapshot of it.
    Captured {
        /// Which lesson.
        lesson: usize,
        /// The capture now.
        capture: Arc<Snapshot>,
    },
    /// A lesson's lab did not start.
    StartFailed {
        /// Which lesson.
        lesson: usize,
        /// Why, in one sentence.
        error: String,
    },
    /// The time, about once a second while presenting, for the clock: ms on a monotonic clock.
    Tick {
        /// Now.
        now_ms: u64,
    },
    /// How far a step's running action is, in a line.
    Progress {
        /// Which lesson.
        lesson: usize,
        /// Which step.
        step: usize,
        /// What the action says.
        line: String,
    },
    /// Something from the class channel.
    Class(class::ClassMsg),
    /// A step's actions ran.
    Ran {
        /// Which lesson.
        lesson: usize,
        /// Which step.
        step: usize,
        /// One result per action.
        runs: Vec<ActionRun>,
    },
}

/// The whole state.
#[derive(Debug, Clone)]
pub struct App {
    /// The lessons, in order.
    pub lessons: Vec<Lesson>,
    /// Each lesson's number in the course.
    pub numbers: Vec<usize>,
    /// How many lessons the course has.
    pub total: usize,
    /// The screen up.
    pub screen: Screen,
    /// Learning or presenting.
    pub mode: Mode,
    /// Saved progress.
    pub progress: Progress,
    /// The menu's selected lesson.
    pub menu: usize,
    /// The open lesson.
    pub lesson: Option<LessonView>,
    /// The help overlay is up.
    pub help: bool,
    /// One line for the learner: progress reset, a save that failed.
    pub status: Option<String>,
    /// The open lesson's capture, as last taken: what the panes draw and the computed checks
    /// read. `None` until its lab is up.
    pub capture: Option<Arc<Snapshot>>,
    /// Set once the app should end.
    pub quit: bool,
    /// The terminal's size, columns and rows.
    pub size: (u16, u16),
    /// The presenter's tools (classroom mode).
    pub class: Classroom,
    /// The class over the network: the presenter's room or a student's link; `None` alone.
    pub link: Option<class::Link>,
}

impl App {
    /// An app on the menu, with `progress`; the menu selects the lesson last worked on.
    pub fn new(
        lessons: Vec<Lesson>,
        numbers: Vec<usize>,
        total: usize,
        progress: Progress,
        mode: Mode,
    ) -> Self {
        let menu = progress
            .last_lesson
            .as_ref()
            .and_then(|id| lessons.iter().position(|l| &l.id == id))
            .unwrap_or(0);
        Self {
            lessons,
            numbers,
            total,
            screen: Screen::Menu,
            mode,
            progress,
            menu,
            lesson: None,
            help: false,
            status: None,
            capture: None,
            quit: false,
            size: (80, 24),
            class: Classroom::default(),
            link: None,
        }
    }

    /// Opens lesson `index` where the learner left it (self-paced) or at its start (presenting).
    pub fn open(&mut self, index: usize) -> Vec<Effect> {
        let Some(lesson) = self.lessons.get(index) else {
            return Vec::new();
        };
        let step = match self.mode {
            Mode::Learn => self
                .progress
                .lessons
                .get(&lesson.id)
                .map_or(0, |p| p.last_step),
            Mode::Present { .. } => self
                .progress
                .presented
                .get(&lesson.id)
                .copied()
                .unwrap_or(0),
        };
        let id = lesson.id.clone();
        self.lesson = Some(LessonView::new(index, lesson, step));
        match &mut self.mode {
            // The step is on screen from now on, whether or not its lab comes up.
            Mode::Learn => {
                let p = self.progress.lesson(&id);
                p.steps.insert(step);
                p.last_step = step;
                self.progress.last_lesson = Some(id);
            }
            Mode::Present { revealed, .. } => {
                *revealed = false;
                // The clock times this lesson, from now.
                self.class.opened_ms = self.class.now_ms;
                self.class.notes_scroll = 0;
            }
        }
        self.screen = Screen::Lesson;
        self.capture = None;
        self.menu = index;
        vec![Effect::Open(index)]
    }

    /// Goes straight to step `step` (from 0) of the open lesson, as `present --step` asks;
    /// `false` when the lesson has no such step.
    pub fn jump(&mut self, step: usize) -> bool {
        let Some(n) = self.current().map(|(l, _)| l.steps.len()) else {
            return false;
        };
        if step >= n {
            return false;
        }
        let index = self.lesson.as_ref().map_or(0, |v| v.index);
        if let Some(lesson) = self.lessons.get(index) {
            self.lesson = Some(LessonView::new(index, lesson, step));
        }
        true
    }

    /// The open lesson and its view.
    pub fn current(&self) -> Option<(&Lesson, &LessonView)> {
        let view = self.lesson.as_ref()?;
        Some((self.lessons.get(view.index)?, view))
    }

    /// The open step.
    pub fn step(&self) -> Option<&Step> {
        let (lesson, view) = self.current()?;
        lesson.steps.get(view.step)
    }
}

/// The step's panes in order: every action's, as (action, pane).
pub fn panes(app: &App) -> Vec<(usize, Pane)> {
    app.step()
        .map(|s| {
            s.actions
                .iter()
                .enumerate()
                .flat_map(|(i, a)| a.panes().iter().map(move |p| (i, *p)))
                .collect()
        })
        .unwrap_or_default()
}

/// The step's tabs, one per pane of [`panes`], each named by what it shows: the pane's name,
/// and where two panes of the step share a name, the action's label before it ("126 B ·
/// frames", "65535 B · frames"), or its number when the labels do not tell them apart.
pub fn tab_names(app: &App) -> Vec<String> {
    let list = panes(app);
    let Some(step) = app.step() else {
        return Vec::new();
    };
    list.iter()
        .map(|&(action, pane)| {
            let twins: Vec<usize> = list
                .iter()
                .filter(|(_, p)| *p == pane)
                .map(|(a, _)| *a)
                .collect();
            if twins.len() < 2 {
                return pane.name().to_owned();
            }
            let label = |a: usize| step.actions.get(a).and_then(Action::label);
            let labels: Vec<Option<String>> = twins.iter().map(|a| label(*a)).collect();
            let distinct = labels.iter().all(Option::is_some)
                && labels
                    .iter()
                    .enumerate()
                    .all(|(i, l)| !labels[..i].contains(l));
            match label(action) {
                Some(l) if distinct => format!("{l} · {}", pane.name()),
                _ => format!("{} · {}", action + 1, pane.name()),
            }
        })
        .collect()
}
