//! "Check yourself": each check with its answer. A computed answer is read from the capture
//! here, so the handout shows the value of this run's bytes.

use std::fmt::Write as _;

use crate::capture::Transcript;
use crate::lesson::Step;
use crate::lesson::check::{compute, right_answer, target_action};
use crate::lesson::model::{Check, CheckKind, Probe};
use crate::lesson::outcome::ActionRun;

/// What became of one check in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    /// The answer, if it could be given.
    pub answer: Option<String>,
    /// Why a computed answer could not be read from the capture.
    pub error: Option<String>,
    /// The answer and why, as one Markdown paragraph: for an answer key at the end, when the
    /// questions are printed without their answers.
    pub entry: String,
}

/// The computed answer of `check`, read from what `runs` captured.
pub fn computed(
    step: &Step,
    check: &Check,
    runs: &[ActionRun],
    t: &Transcript,
) -> Option<Result<String, String>> {
    let probe = check.compute.as_ref()?;
    let Some(index) = target_action(step, probe) else {
        return Some(Err(
            "the step has no action to read the answer from".to_owned()
        ));
    };
    let conn = runs
        .get(index)
        .and_then(|r| r.conns.first())
        .and_then(|id| t.connection(*id));
    Some(match conn {
        None => Err(format!(
            "action {} opened no connection, so the answer cannot be read",
            index + 1
        )),
        Some(conn) => compute(probe, conn).map_err(|e| e.to_string()),
    })
}

/// The questions to answer before the step's actions run, without their answers: a handout
/// asks for the prediction before it shows the bytes that settle it. Empty when none.
/// `answers` says whether the answers follow in the step, or in a key at the end.
pub fn predictions(step: &Step, answers: bool) -> String {
    let mut out = String::new();
    let asked: Vec<(usize, &Check)> = step
        .checks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.predict)
        .collect();
    if asked.is_empty() {
        return out;
    }
    out.push_str(
        "### Predict first

",
    );
    for (i, check) in asked {
        let _ = writeln!(
            out,
            "{}. **{}**
",
            i + 1,
            check.question.trim()
        );
        options(&mut out, check);
    }
    out.push_str(if answers {
        "*The live output below settles it; the answers are under \"Check yourself\".*\n\n"
    } else {
        "*The live output below settles it; the answers are in the answer key at the end.*\n\n"
    });
    out
}

fn options(out: &mut String, check: &Check) {
    for (n, option) in check.options.iter().enumerate() {
        let letter = char::from(b'a' + u8::try_from(n % 26).unwrap_or(0));
        let _ = writeln!(out, "   {letter}) {option}  ");
    }
    if !check.options.is_empty() {
        out.push('\n');
    }
}

/// The "Check yourself" section of a step, and each check's outcome. With `answers` false,
/// the questions and hints are printed and each answer is left to its outcome's `entry`.
pub fn checks(
    step: &Step,
    runs: &[ActionRun],
    t: &Transcript,
    answers: bool,
) -> (String, Vec<CheckOutcome>) {
    let mut out = String::new();
    let mut outcomes = Vec::new();
    if step.checks.is_empty() {
        return (out, outcomes);
    }
    out.push_str("### Check yourself\n\n");
    for (i, check) in step.checks.iter().enumerate() {
        let computed = computed(step, check, runs, t);
        let (value, error) = match &computed {
            Some(Ok(v)) => (Some(v.as_str()), None),
            Some(Err(e)) => (None, Some(e.clone())),
            None => (None, None),
        };
        let predicted = if check.predict {
            " *(your prediction)*"
        } else {
            ""
        };
        let _ = writeln!(out, "{}. **{}**{predicted}\n", i + 1, check.question.trim());
        options(&mut out, check);
        for (n, hint) in check.hints.iter().enumerate() {
            let _ = writeln!(out, "   *Hint {}:* {}\n", n + 1, hint.trim());
        }
        let answer = right_answer(check, value).map(|a| shown(check, &a));
        let stated = match (&answer, &error) {
            (Some(a), _) => format!("**Answer:** {a}{}", source(step, check.compute.as_ref())),
            (None, Some(e)) => format!("**Answer:** could not be computed: {e}"),
            (None, None) => String::new(),
        };
        let feedback = check.feedback.trim();
        if answers {
            if !stated.is_empty() {
                let _ = writeln!(out, "   {stated}\n");
            }
            let _ = writeln!(out, "   {}\n", feedback.replace('\n', "\n   "));
        }
        let entry = if stated.is_empty() {
            feedback.to_owned()
        } else {
            format!("{stated} — {feedback}")
        };
        outcomes.push(CheckOutcome {
            answer,
            error,
            entry,
        });
    }
    (out, outcomes)
}

/// A choice's answer as its letter and text; others as they are.
fn shown(check: &Check, answer: &str) -> String {
    if check.kind != CheckKind::Choice {
        return format!("`{answer}`");
    }
    let n: usize = answer.parse().unwrap_or(0);
    match n
        .checked_sub(1)
        .and_then(|i| check.options.get(i).map(|o| (i, o)))
    {
        Some((i, option)) => {
            let letter = char::from(b'a' + u8::try_from(i % 26).unwrap_or(0));
            format!("{letter}) {option}")
        }
        None => answer.to_owned(),
    }
}

/// Where a computed answer came from, so the reader can find it in the panes above.
fn source(step: &Step, probe: Option<&Probe>) -> String {
    let Some(probe) = probe else {
        return String::new();
    };
    // With more than one live action, say which one the answer was read from.
    let live = match target_action(step, probe) {
        Some(i) if step.actions.len() > 1 => format!(", live {}", i + 1),
        _ => String::new(),
    };
    let what = match probe {
        Probe::FrameBytes {
            from,
            frame,
            start,
            len,
            ..
        } => {
            let end = start + len.saturating_sub(1);
            if *len == 1 {
                format!("byte {start} of {} frame {frame}", from.name())
            } else {
                format!("bytes {start}–{end} of {} frame {frame}", from.name())
            }
        }
        Probe::FrameField {
            from, frame, field, ..
        } => format!(
            "the {} field of {} frame {frame}",
            field.name(),
            from.name()
        ),
        Probe::FrameCount { from, .. } => format!("the frames the {} sent", from.name()),
        Probe::Accept { .. } => "derived from the key the client sent".to_owned(),
        Probe::Sha1 { .. } => "SHA-1 of the key the client sent plus the GUID".to_owned(),
        Probe::Header { from, name, .. } => format!("the {name} header the {} sent", from.name()),
        Probe::Status { .. } => "the status line the server sent".to_owned(),
        Probe::HeadBytes { from, .. } => format!("the {}'s head, counted", from.name()),
        Probe::TlsRecords { from, .. } => {
            format!("the TLS records the {} sent, under TLS", from.name())
        }
        Probe::TlsOverhead { from, frame, .. } => format!(
            "the TLS record that carried {} frame {frame}, minus the frame",
            from.name()
        ),
    };
    format!(" *(computed from this run's capture: {what}{live})*")
}
