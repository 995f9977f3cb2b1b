//! The rules for actions: values in range and panes that fit their action. The endpoint, the
//! fault, the mask, the sends and a grade's cases are typed values, checked as the file is
//! parsed.

use super::MAX_IDLE;
use crate::lesson::model::{Action, Pane, Spot};
use crate::lesson::problem::Problem;

pub(super) fn lint_action(f: &str, action: &Action, spot: &Spot, out: &mut Vec<Problem>) {
    let mut err = |key: &str, message: String| out.push(Problem::error(f, spot.of(key), message));
    let measured = matches!(
        action,
        Action::Polling(_) | Action::Messages(_) | Action::Idle(_)
    );
    // The grader's connections are its own, one per case: its only pane is the card.
    let graded = matches!(action, Action::Grade(_));
    for pane in action.panes() {
        let fits = match pane {
            Pane::Card => graded,
            _ if graded => false,
            Pane::Compare | Pane::Chart => measured,
            Pane::Tls => action.tls(),
            _ => !measured,
        };
        if !fits && graded {
            err(
                "panes",
                format!(
                    "the pane \"{}\" does not fit a grade action; its only pane is \"card\", since the grader's connections are its own",
                    pane.name()
                ),
            );
        } else if !fits && *pane == Pane::Card {
            err(
                "panes",
                format!(
                    "the pane \"card\" does not fit a {} action; it shows a grade action's card",
                    action.kind()
                ),
            );
        } else if !fits && *pane == Pane::Tls && matches!(action, Action::Websocket(_)) {
            err(
                "panes",
                "the pane \"tls\" shows TLS records, but this websocket action is plain ws://; add tls = true"
                    .to_owned(),
            );
        } else if !fits && *pane == Pane::Tls {
            err(
                "panes",
                format!(
                    "the pane \"tls\" does not fit a {} action; it needs a websocket action with tls = true",
                    action.kind()
                ),
            );
        } else if !fits {
            err(
                "panes",
                format!(
                    "the pane \"{}\" does not fit a {} action",
                    pane.name(),
                    action.kind()
                ),
            );
        }
    }
    match action {
        Action::Http(a) => {
            if !a.path.starts_with('/') {
                err("path", format!("path {:?} must start with '/'", a.path));
            }
            // /events answers with a body that never ends; an http action reads bodies whole.
            let stream = a.path.split('?').next() == Some("/events");
            if stream && a.method != crate::lesson::model::Method::Head {
                err(
                    "path",
                    "/events streams without end, so an http action would wait for it until \
                     its timeout; the polling experiment reads it as it comes"
                        .to_owned(),
                );
            }
            if !(1..=100).contains(&a.repeat) {
                err(
                    "repeat",
                    format!("repeat is {}; it must be 1 to 100", a.repeat),
                );
            }
            header_lines(&a.header, &mut err);
        }
        Action::Websocket(a) => header_lines(&a.header, &mut err),
        _ => lint_other(action, &mut err),
    }
}

/// The conversations and the measured experiments.
fn lint_other(action: &Action, err: &mut impl FnMut(&str, String)) {
    match action {
        // A grade's cases are typed as the file is read, and checked against the suite as the
        // lessons load (`run::exercise::lint`).
        Action::Http(_) | Action::Websocket(_) | Action::Fault(_) | Action::Grade(_) => {}
        Action::Chat(a) => {
            if !(2..=10).contains(&a.clients) {
                err(
                    "clients",
                    format!("clients is {}; a chat has 2 to 10", a.clients),
                );
            }
            if a.lines.is_empty() || a.lines.len() > 100 {
                err("lines", "lines must hold 1 to 100 lines".to_owned());
            }
        }
        Action::Duplex(a) => {
            if a.typing > 1000 || a.updates > 1000 || a.every_ms > 10_000 {
                err(
                    "typing",
                    "typing and updates go up to 1000, every_ms up to 10000".to_owned(),
                );
            }
        }
        Action::Idle(a) => {
            if !(1..=MAX_IDLE).contains(&a.connections) {
                err(
                    "connections",
                    format!(
                        "connections is {}; it must be 1 to {MAX_IDLE}",
                        a.connections
                    ),
                );
            }
        }
        Action::Polling(a) => {
            if !(0.5..=60.0).contains(&a.seconds) {
                err(
                    "seconds",
                    format!("seconds is {}; it must be 0.5 to 60", a.seconds),
                );
            }
            if !(10..=10_000).contains(&a.poll_ms) || !(10..=10_000).contains(&a.update_ms) {
                err(
                    "poll_ms",
                    "poll_ms and update_ms must be 10 to 10000".to_owned(),
                );
            }
        }
        Action::Messages(a) => {
            if !(1..=10_000).contains(&a.count) {
                err(
                    "count",
                    format!("count is {}; it must be 1 to 10000", a.count),
                );
            }
        }
    }
}

fn header_lines(headers: &[String], err: &mut impl FnMut(&str, String)) {
    for h in headers {
        if h.split_once(':').is_none_or(|(n, _)| n.trim().is_empty()) {
            err("header", format!("header {h:?} is not \"Name: value\""));
        }
    }
}
