//! The rules a parsed lesson must follow beyond its grammar: values in range, checks that can
//! be answered, panes that fit their action. Each finding is a [`Problem`] placed at the key
//! it is about.

mod actions;

use super::model::{Action, Check, CheckKind, Format, Lesson, Probe, Spot, Step};
use super::predict::{frames_sent, opens_connection};
use super::problem::Problem;
use actions::lint_action;

/// The most idle connections a lesson may open; the lab serves 1,024 at once.
pub const MAX_IDLE: u32 = 1000;

/// Every rule `lesson` breaks.
pub fn lint(lesson: &Lesson) -> Vec<Problem> {
    let mut out = Vec::new();
    let f = lesson.file.as_str();
    if lesson.id.is_empty()
        || !lesson
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        out.push(Problem::error(
            f,
            lesson.front.of("id"),
            format!(
                "the id {:?} must be lower-case letters, digits and '-'",
                lesson.id
            ),
        ));
    }
    if !(1..=60).contains(&lesson.minutes) {
        out.push(Problem::error(
            f,
            lesson.front.of("minutes"),
            format!("minutes is {}; a lesson takes 1 to 60", lesson.minutes),
        ));
    }
    if lesson.objectives.iter().all(|o| o.trim().is_empty()) {
        out.push(Problem::error(
            f,
            lesson.front.of("objectives"),
            "objectives is empty; say what the learner can do afterwards",
        ));
    }
    if lesson.notes.trim().is_empty() {
        out.push(Problem::error(
            f,
            lesson.front.of("notes"),
            "notes is empty; a presenter needs speaker notes",
        ));
    }
    if let Some(why) = &lesson.incomplete {
        out.push(Problem::warning(
            f,
            lesson.front.of("incomplete"),
            format!("incomplete: {why}"),
        ));
    }
    if lesson.steps.iter().all(|s| s.actions.is_empty()) {
        out.push(Problem::warning(
            f,
            (1, 1),
            "the lesson has no live action; every lesson should show real bytes",
        ));
    }
    let checks: usize = lesson.steps.iter().map(|s| s.checks.len()).sum();
    if checks < 2 {
        out.push(Problem::warning(
            f,
            (1, 1),
            format!("the lesson has {checks} check(s); self-paced learners need at least 2"),
        ));
    }
    for step in &lesson.steps {
        for (i, action) in step.actions.iter().enumerate() {
            let spot = step.action_spots.get(i).cloned().unwrap_or_else(|| Spot {
                line: step.line,
                keys: vec![],
            });
            lint_action(f, action, &spot, &mut out);
        }
        for (i, check) in step.checks.iter().enumerate() {
            let spot = step.check_spots.get(i).cloned().unwrap_or_else(|| Spot {
                line: step.line,
                keys: vec![],
            });
            lint_check(f, step, check, &spot, &mut out);
        }
        if let Some(opens) = &step.opens
            && let Err(why) = lint_opens(step, opens)
        {
            out.push(Problem::error(f, (step.line, 1), why));
        }
        if let Some(input) = &step.input {
            // The learner's value replaces the first action's own, so that action must be of
            // the kind the value belongs to.
            let first = step.actions.first().map(Action::kind);
            if first != Some(input.field.action_kind()) {
                out.push(Problem::error(
                    f,
                    (step.line, 1),
                    format!(
                        "input \"{}\" needs a {} action first in step \"{}\"",
                        input.field.name(),
                        input.field.action_kind(),
                        step.title
                    ),
                ));
            }
        }
    }
    out
}

fn lint_check(f: &str, step: &Step, check: &Check, spot: &Spot, out: &mut Vec<Problem>) {
    let mut err = |key: &str, message: String| out.push(Problem::error(f, spot.of(key), message));
    if check.question.trim().is_empty() {
        err("question", "the question is empty".to_owned());
    }
    if check.hints.iter().all(|h| h.trim().is_empty()) {
        err("hints", "every check needs at least one hint".to_owned());
    }
    if check.feedback.trim().is_empty() {
        err(
            "feedback",
            "feedback is empty; say why the answer is right".to_owned(),
        );
    }
    match check.kind {
        CheckKind::Choice => {
            if check.options.len() < 2 {
                err("options", "a choice needs at least 2 options".to_owned());
            }
            let n = match &check.answer {
                Some(super::model::Answer::Number(n)) => Some(*n),
                _ => None,
            };
            if !n.is_some_and(|n| {
                n >= 1 && usize::try_from(n).is_ok_and(|n| n <= check.options.len())
            }) {
                err(
                    "answer",
                    format!(
                        "answer must be the right option's number, 1 to {}",
                        check.options.len()
                    ),
                );
            }
        }
        CheckKind::Typed => {
            let Some(answer) = &check.answer else {
                err("answer", "a typed check needs its answer".to_owned());
                return;
            };
            let format = check.format.unwrap_or(Format::Text);
            if super::check::normalise(format, &answer.to_string()).is_none() {
                err(
                    "answer",
                    format!(
                        "the answer \"{answer}\" is not a valid {} answer",
                        format.name()
                    ),
                );
            }
        }
        CheckKind::Computed => {
            if check.answer.is_some() {
                err(
                    "answer",
                    "a computed check takes its answer from the capture; remove answer".to_owned(),
                );
            }
            match &check.compute {
                None => err(
                    "compute",
                    "a computed check needs compute = { of = … }".to_owned(),
                ),
                Some(probe) => {
                    if let Err(why) = computable(step, probe) {
                        err("compute", why);
                    }
                }
            }
        }
    }
}

/// Whether the step's actions can give `probe` an answer, as far as can be known before
/// running them.
fn computable(step: &Step, probe: &Probe) -> Result<(), String> {
    let Some(index) = super::check::target_action(step, probe) else {
        return Err(match probe.action() {
            Some(n) => format!(
                "action {n} does not exist; this step has {}",
                step.actions.len()
            ),
            None => {
                "the answer needs a capture, but this step has no action that opens a connection"
                    .to_owned()
            }
        });
    };
    let action = &step.actions[index];
    if !opens_connection(action) {
        return Err(format!(
            "action {} is {}, which opens no connection to read an answer from",
            index + 1,
            action.kind()
        ));
    }
    if matches!(probe, Probe::TlsRecords { .. } | Probe::TlsOverhead { .. }) && !action.tls() {
        return Err(format!(
            "the answer reads TLS records, but action {} is not a websocket action with tls = true",
            index + 1
        ));
    }
    let (from, frame) = match probe {
        Probe::FrameBytes { from, frame, .. }
        | Probe::FrameField { from, frame, .. }
        | Probe::TlsOverhead { from, frame, .. } => (*from, *frame),
        Probe::Accept { .. } | Probe::Sha1 { .. } if matches!(action, Action::Http(_)) => {
            return Err(format!(
                "action {} is http; it sends no Sec-WebSocket-Key",
                index + 1
            ));
        }
        _ => return Ok(()),
    };
    if frame == 0 {
        return Err("frames count from 1".to_owned());
    }
    if matches!(action, Action::Http(_)) {
        return Err(format!("action {} is http; it has no frames", index + 1));
    }
    match frames_sent(action, from) {
        Some(n) if frame > n => Err(format!(
            "the answer reads {} frame {frame}, but action {} gives only {n} frame(s) from that side",
            from.name(),
            index + 1
        )),
        _ => Ok(()),
    }
}

/// `opens` must name a frame the step's frames or fields pane can show.
fn lint_opens(step: &Step, opens: &super::model::Opens) -> Result<(), String> {
    use super::model::Pane;
    let Some(index) = opens.action_index(&step.actions) else {
        return Err(match opens.action {
            Some(n) => format!(
                "opens names action {n}, which does not exist; this step has {}",
                step.actions.len()
            ),
            None => "opens needs an action with a frames or fields pane in this step".to_owned(),
        });
    };
    let action = &step.actions[index];
    if !action
        .panes()
        .iter()
        .any(|p| matches!(p, Pane::Frames | Pane::Fields))
    {
        return Err(format!(
            "opens names action {}, which shows no frames or fields pane",
            index + 1
        ));
    }
    if opens.frame == 0 {
        return Err("opens: frames count from 1".to_owned());
    }
    match frames_sent(action, opens.from) {
        Some(n) if opens.frame > n => Err(format!(
            "opens {} frame {}, but action {} gives only {n} frame(s) from that side",
            opens.from.name(),
            opens.frame,
            index + 1
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
