//! The classroom over the network, as the screens' state: the presenter's room (counts, the
//! chart, the roster) and a student following the presenter. Messages in, effects out: the
//! hub and the student's connection are the terminal loop's (`tui::class`).

use std::collections::BTreeSet;

use super::{App, Effect, Mode};
use crate::class::{FromHub, FromStudent, Position, Tally};

/// Which end of the class this screen is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// The presenter, with the hub beside them.
    Presenter {
        /// The line a student types to join, shown on the projector.
        join_line: String,
        /// Names may be shown on the projector (`--show-names`).
        show_names: bool,
        /// The roster is open.
        roster: bool,
    },
    /// A student following the presenter.
    Student {
        /// Follow the presenter's steps; false while looking around (`f` follows again).
        following: bool,
        /// The name the hub keeps, neutralised.
        name: Option<String>,
        /// Checks whose answers the presenter revealed.
        revealed: BTreeSet<Position>,
        /// Checks whose answer went to the hub.
        sent: BTreeSet<Position>,
        /// The class is over: the sentence why.
        ended: Option<String>,
    },
}

/// The class link's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Presenter or student.
    pub role: Role,
    /// The room as the hub last told it (presenter).
    pub tally: Tally,
    /// The names connected (presenter), neutralised by the hub.
    pub names: Vec<String>,
    /// Where the presenter is (student: as the hub said; presenter: as last sent).
    pub presenter: Option<Position>,
    /// The connection, in a sentence: connected, reconnecting, ended.
    pub line: String,
}

impl Link {
    /// The presenter's link, with the join line.
    pub fn presenter(join_line: String, show_names: bool) -> Self {
        Self {
            role: Role::Presenter {
                join_line,
                show_names,
                roster: false,
            },
            tally: Tally::default(),
            names: Vec::new(),
            presenter: None,
            line: "class open".to_owned(),
        }
    }

    /// A student's link, before it connects.
    pub fn student() -> Self {
        Self {
            role: Role::Student {
                following: true,
                name: None,
                revealed: BTreeSet::new(),
                sent: BTreeSet::new(),
                ended: None,
            },
            tally: Tally::default(),
            names: Vec::new(),
            presenter: None,
            line: "connecting to the class…".to_owned(),
        }
    }

    /// Whether this is a student's screen.
    pub fn is_student(&self) -> bool {
        matches!(self.role, Role::Student { .. })
    }
}

/// What reaches the screen from the class channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassMsg {
    /// The hub's room changed (presenter).
    Room {
        /// The counts and the chart.
        tally: Tally,
        /// The names connected.
        names: Vec<String>,
    },
    /// A message from the hub (student).
    Hub(FromHub),
    /// The connection's state in a sentence (student): connected, reconnecting.
    Line(String),
    /// The class is over (student): the close's code and sentence.
    Ended {
        /// The close code.
        code: u16,
        /// The hub's sentence.
        reason: String,
    },
}

/// The presenter's position: the open lesson, step and check; `None` off a lesson or on its
/// end card.
pub fn position(app: &App) -> Option<Position> {
    let (lesson, view) = app.current()?;
    if view.ended {
        return None;
    }
    Some(Position {
        lesson: lesson.id.clone(),
        step: u32::try_from(view.step).ok()?,
        check: u32::try_from(view.check).ok()?,
    })
}

/// What a presenter's key changed for the class: a new position goes to every student, a
/// reveal too. Called by `update` around every message.
#[allow(clippy::needless_pass_by_value)] // `update` computes it for this call alone.
pub(super) fn presenter_effects(
    app: &mut App,
    before: Option<Position>,
    was_revealed: bool,
) -> Vec<Effect> {
    let Some(link) = app.link.as_ref().filter(|l| !l.is_student()) else {
        return Vec::new();
    };
    let _ = link;
    let now = position(app);
    let revealed = matches!(app.mode, Mode::Present { revealed: true, .. });
    let mut effects = Vec::new();
    if now != before
        && let Some(at) = now.clone()
    {
        effects.push(Effect::ClassMove(at));
    }
    if revealed
        && (!was_revealed || now != before)
        && let Some(at) = now.clone()
    {
        effects.push(Effect::ClassReveal(at));
    }
    if let Some(link) = app.link.as_mut() {
        link.presenter = now;
    }
    effects
}

/// Where a student's screen goes next, and what it then says: `update` moves it, since the
/// moving is the lesson screen's own (`update::go_to_step`).
#[derive(Debug, Default)]
pub(super) struct Follow {
    /// Go here.
    pub to: Option<Position>,
    /// Then show this sentence.
    pub then: Option<String>,
}

/// A message from the class channel.
pub(super) fn received(app: &mut App, msg: ClassMsg) -> Follow {
    let Some(link) = app.link.as_mut() else {
        return Follow::default();
    };
    match msg {
        ClassMsg::Room { tally, names } => {
            link.tally = tally;
            link.names = names;
            Follow::default()
        }
        ClassMsg::Line(sentence) => {
            link.line = sentence;
            Follow::default()
        }
        ClassMsg::Ended { code, reason } => {
            let sentence = if code == 1001 {
                format!("The class has ended ({code}): {reason} Your screen keeps what it has.")
            } else {
                format!("The hub closed the class channel ({code}): {reason}")
            };
            link.line.clone_from(&sentence);
            if let Role::Student { ended, .. } = &mut link.role {
                *ended = Some(sentence.clone());
            }
            app.status = Some(sentence);
            Follow::default()
        }
        ClassMsg::Hub(m) => hub_said(app, m),
    }
}

fn hub_said(app: &mut App, m: FromHub) -> Follow {
    let Some(link) = app.link.as_mut() else {
        return Follow::default();
    };
    match m {
        FromHub::Welcome {
            name: n,
            at,
            revealed: r,
            ..
        } => {
            link.line = format!("in class as {n}");
            if let Role::Student { name, revealed, .. } = &mut link.role {
                *name = Some(n);
                if r && let Some(at) = &at {
                    revealed.insert(at.clone());
                }
            }
            link.presenter = at;
            follow(app)
        }
        FromHub::Step { at } => {
            link.presenter = Some(at);
            follow(app)
        }
        FromHub::Reveal { at } => {
            if let Role::Student { revealed, .. } = &mut link.role {
                revealed.insert(at.clone());
            }
            link.presenter = Some(at.clone());
            Follow {
                then: Some(verdict_line(app, &at)),
                ..follow(app)
            }
        }
        FromHub::Notice { text } => {
            app.status = Some(text);
            Follow::default()
        }
        FromHub::Pong | FromHub::Room { .. } => Follow::default(),
    }
}

/// The sentence a student reads when the presenter reveals a check's answer.
pub fn verdict_line(app: &App, at: &Position) -> String {
    let verdict = app
        .lessons
        .iter()
        .position(|l| l.id == at.lesson)
        .filter(|i| app.lesson.as_ref().is_some_and(|v| v.index == *i))
        .and(app.lesson.as_ref())
        .and_then(|v| v.answers.get(at.step as usize))
        .and_then(|a| a.get(at.check as usize))
        .and_then(|a| a.verdict);
    match verdict {
        Some(true) => "The presenter revealed the answer: yours was right.".to_owned(),
        Some(false) => {
            "The presenter revealed the answer: yours was not right; the feedback says why."
                .to_owned()
        }
        None => "The presenter revealed the answer; you had not answered this one.".to_owned(),
    }
}

/// A student following goes where the presenter is.
fn follow(app: &App) -> Follow {
    let Some(link) = app.link.as_ref() else {
        return Follow::default();
    };
    let Role::Student {
        following: true, ..
    } = &link.role
    else {
        return Follow::default();
    };
    Follow {
        to: link.presenter.clone(),
        then: None,
    }
}

/// The student moved on their own: they are looking around until `f`.
pub(super) fn looked_around(app: &mut App) {
    if let Some(Link {
        role: Role::Student { following, .. },
        ..
    }) = app.link.as_mut()
    {
        *following = false;
    }
}

/// `f`: back to following the presenter.
pub(super) fn follow_again(app: &mut App) -> Follow {
    if let Some(Link {
        role: Role::Student { following, .. },
        ..
    }) = app.link.as_mut()
    {
        *following = true;
        app.status = None;
        return follow(app);
    }
    Follow::default()
}

/// A student's answer goes to the hub, once per check.
pub(super) fn answered(app: &mut App, given: &str) -> Vec<Effect> {
    let Some(at) = position(app) else {
        return Vec::new();
    };
    let Some(Link {
        role: Role::Student { sent, ended, .. },
        ..
    }) = app.link.as_mut()
    else {
        return Vec::new();
    };
    if ended.is_some() || !sent.insert(at.clone()) {
        return Vec::new();
    }
    let mut answer = given.trim().to_owned();
    while answer.len() > crate::class::limits::MAX_ANSWER {
        answer.pop();
    }
    vec![Effect::ClassSend(FromStudent::Answer { at, answer })]
}

/// `R`: the roster, open or closed.
pub(super) fn toggle_roster(app: &mut App) {
    if let Some(Link {
        role: Role::Presenter { roster, .. },
        ..
    }) = app.link.as_mut()
    {
        *roster = !*roster;
    }
}
