//! A lesson as Markdown, with the real captured values: what `wslab lesson --plain` prints.
//! It reads well in a terminal, to a screen reader, and as a handout (`> handout.md`).

pub mod card;
mod checks;
mod panes;

use std::fmt::Write as _;

pub use checks::{CheckOutcome, checks, computed};
pub use panes::{chart, compare, http_heads, timeline};

use crate::capture::Transcript;
use crate::lesson::model::{Action, HeaderSet, Method, Send};
use crate::lesson::outcome::ActionRun;
use crate::lesson::{Lesson, Step};
use crate::proto::shown;

/// What to include.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Plain {
    /// The speaker notes, for a presenter's copy.
    pub notes: bool,
    /// Each check's answer after its question; without, the answers are left to an answer
    /// key (each [`CheckOutcome::entry`]).
    pub answers: bool,
    /// A shorter copy for print: measured experiments keep their tables and lose their charts
    /// and notes, a list of many HTTP exchanges keeps its first few, heads keep their lines
    /// and byte spans but not the explanation of every header, and the handshake rules that
    /// hold are counted in one line; every frame and byte stays.
    pub brief: bool,
}

impl Plain {
    /// What `lesson --plain` prints: everything, answers inline.
    pub fn full(notes: bool) -> Self {
        Self {
            notes,
            answers: true,
            brief: false,
        }
    }
}

/// The lesson's title block: heading, minutes, objectives, intro.
pub fn header(lesson: &Lesson, number: usize, total: usize, opts: Plain) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Lesson {number} of {total} · {}\n", lesson.title);
    let _ = writeln!(
        out,
        "*About {} minutes. Id: `{}`.*\n",
        lesson.minutes, lesson.id
    );
    out.push_str("**Objectives**\n\n");
    for o in &lesson.objectives {
        let _ = writeln!(out, "- {o}");
    }
    out.push('\n');
    if let Some(why) = &lesson.incomplete {
        let _ = writeln!(out, "> **Not complete yet.** {why}\n");
    }
    if opts.notes {
        let _ = writeln!(
            out,
            "> **Speaker notes.** {}\n",
            lesson.notes.trim().replace('\n', "\n> ")
        );
    }
    if !lesson.intro.is_empty() {
        let _ = writeln!(out, "{}\n", lesson.intro);
    }
    out
}

/// One step: prose, each action with its panes, then the checks with their answers.
/// Returns the text and each check's outcome.
pub fn step(
    number: usize,
    step: &Step,
    runs: &[ActionRun],
    transcript: &Transcript,
    opts: Plain,
) -> (String, Vec<CheckOutcome>) {
    let mut out = String::new();
    let _ = writeln!(out, "## Step {number} · {}\n", step.title);
    let _ = writeln!(out, "{}\n", step.prose);
    if let Some(input) = &step.input {
        let _ = writeln!(
            out,
            "*Your turn: {} Run this lesson with `--input VALUE` to use your own.*\n",
            input.prompt.trim()
        );
    }
    out.push_str(&checks::predictions(step, opts.answers));
    for (i, (action, run)) in step.actions.iter().zip(runs).enumerate() {
        let _ = writeln!(out, "### Live {}: {}\n", i + 1, describe(action));
        for note in &run.notes {
            let _ = writeln!(out, "*Note: {note}.*\n");
        }
        for pane in action.panes() {
            out.push_str(&panes::pane(*pane, action, run, transcript, opts.brief));
        }
        if let Some(error) = &run.error {
            if run.expected {
                let _ = writeln!(out, "**What the client concluded:** {error}\n");
            } else {
                let _ = writeln!(out, "**This action failed:** {error}\n");
            }
        }
    }
    if !step.after.is_empty() {
        let _ = writeln!(out, "{}\n", step.after);
    }
    if opts.notes
        && let Some(notes) = &step.notes
    {
        let _ = writeln!(
            out,
            "> **Speaker notes.** {}\n",
            notes.trim().replace('\n', "\n> ")
        );
    }
    let (text, outcomes) = checks(step, runs, transcript, opts.answers);
    out.push_str(&text);
    (out, outcomes)
}

/// The action in a few words, as the heading of its panes.
pub fn describe(action: &Action) -> String {
    match action {
        Action::Http(a) => {
            let method = match a.method {
                Method::Get => "GET",
                Method::Post => "POST",
                Method::Head => "HEAD",
            };
            let headers = match a.headers {
                HeaderSet::Browser => "a browser's headers",
                HeaderSet::Minimal => "minimal headers",
            };
            let times = if a.repeat > 1 {
                let conn = if a.keep_alive {
                    "over one kept-alive connection"
                } else {
                    "a new connection each"
                };
                format!(", {} times {conn}", a.repeat)
            } else {
                String::new()
            };
            format!("HTTP {method} {} with {headers}{times}", a.path)
        }
        Action::Websocket(a) => {
            let sends: Vec<String> = a.send.iter().map(send).collect();
            let then = if sends.is_empty() {
                String::new()
            } else {
                format!(", then {}", sends.join(", "))
            };
            format!("WebSocket handshake to {}{then}", a.path)
        }
        Action::Fault(a) => format!("a misbehaving server: {}", a.name.path()),
        Action::Chat(a) => format!("{} clients in /chat, {} lines", a.clients, a.lines.len()),
        Action::Duplex(a) => format!(
            "full duplex on /ticker: {} typing indicators up, {} updates down, {} ms apart",
            a.typing, a.updates, a.every_ms
        ),
        Action::Idle(a) => format!(
            "{} idle WebSocket connections{}, and what they cost",
            a.connections,
            if a.deflate.is_some() {
                " offering permessage-deflate"
            } else {
                ""
            }
        ),
        Action::Polling(a) => format!(
            "polling every {} ms, long polling, WebSocket push and SSE, side by side for {} s",
            a.poll_ms, a.seconds
        ),
        Action::Messages(a) => format!(
            "{} messages three ways: HTTP, HTTP kept alive, WebSocket",
            a.count
        ),
        Action::Grade(a) => format!(
            "the grader against an echo endpoint: {}",
            patterns(&a.cases)
        ),
    }
}

/// A grade's patterns in a heading, which cannot wrap: the first two, and how many more.
fn patterns(cases: &[String]) -> String {
    match cases {
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [a, b, rest @ ..] => format!("{a}, {b} and {} more", rest.len()),
        [] => String::new(),
    }
}

/// Bytes of a binary send named in an action's heading.
const HEADING_BYTES: usize = 8;

// Characters of a sent text a heading shows, quotes and ellipsis included.
const HEADING_TEXT: usize = 20;

fn send(s: &Send) -> String {
    let quoted = |payload: &[u8]| shown::quoted(&String::from_utf8_lossy(payload));
    match s {
        // A heading cannot wrap: a long text is named by its start; the panes show it whole.
        Send::Text(t) => format!("text {}", shown::quoted_fit(t, HEADING_TEXT, false)),
        // A long payload is shown in the panes below; the heading names its first bytes.
        Send::Binary(b) if b.len() > HEADING_BYTES => format!(
            "binary {} … ({} bytes)",
            crate::proto::fields::hex_bytes(&b[..HEADING_BYTES]),
            b.len()
        ),
        Send::Binary(b) => format!("binary {}", crate::proto::fields::hex_bytes(b)),
        Send::Generated(n) => format!("{n} binary bytes"),
        Send::Ping(p) => format!("ping {}", quoted(p)),
        Send::Pong(p) => format!("pong {}", quoted(p)),
        Send::Fragments { parts, ping } => {
            let ping = ping
                .as_ref()
                .map(|p| format!(" with ping {} between", quoted(p)))
                .unwrap_or_default();
            format!("a message in {} fragments{ping}", parts.len())
        }
        Send::Close { code, reason } if reason.is_empty() => format!("close {code}"),
        Send::Close { code, reason } => format!("close {code} {}", shown::quoted(reason)),
    }
}
