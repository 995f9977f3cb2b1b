//! The rules for actions: values in range, sends with exactly one lawful value, panes that
//! fit their action.

use super::{Known, MAX_IDLE};
use crate::lesson::model::{Action, Pane, Send, Spot};
use crate::lesson::problem::Problem;

pub(super) fn lint_action(
    f: &str,
    action: &Action,
    spot: &Spot,
    known: Known<'_>,
    out: &mut Vec<Problem>,
) {
    let mut err = |key: &str, message: String| out.push(Problem::error(f, spot.of(key), message));
    let measured = matches!(
        action,
        Action::Polling(_) | Action::Messages(_) | Action::Idle(_)
    );
    for pane in action.panes() {
        let fits = match pane {
            Pane::Compare | Pane::Chart => measured,
            Pane::Tls => action.tls(),
            _ => !measured,
        };
        if !fits && *pane == Pane::Tls && matches!(action, Action::Websocket(_)) {
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
            if !(1..=100).contains(&a.repeat) {
                err(
                    "repeat",
                    format!("repeat is {}; it must be 1 to 100", a.repeat),
                );
            }
            header_lines(&a.header, &mut err);
        }
        Action::Websocket(a) => {
            let path = a.path.split('?').next().unwrap_or_default();
            if !known.ws_paths.contains(&path) {
                err(
                    "path",
                    format!(
                        "the lab has no WebSocket endpoint {:?}; it has {}",
                        a.path,
                        known.ws_paths.join(", ")
                    ),
                );
            }
            header_lines(&a.header, &mut err);
            mask(a.mask.as_deref(), &mut err);
            sends(&a.send, &mut err);
        }
        Action::Fault(a) => {
            if !known.faults.contains(&a.name.as_str()) {
                err(
                    "name",
                    format!(
                        "there is no fault {:?}; the lab has {}",
                        a.name,
                        known.faults.join(", ")
                    ),
                );
            }
            mask(a.mask.as_deref(), &mut err);
            sends(&a.send, &mut err);
        }
        _ => lint_other(action, &mut err),
    }
}

/// The conversations and the measured experiments.
fn lint_other(action: &Action, err: &mut impl FnMut(&str, String)) {
    match action {
        Action::Http(_) | Action::Websocket(_) | Action::Fault(_) => {}
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

fn mask(mask: Option<&str>, err: &mut impl FnMut(&str, String)) {
    if let Some(m) = mask
        && m != "none"
        && !(m.len() == 8 && m.chars().all(|c| c.is_ascii_hexdigit()))
    {
        err(
            "mask",
            format!("mask {m:?} must be 8 hex digits, like \"37fa213d\", or \"none\""),
        );
    }
}

fn sends(sends: &[Send], err: &mut impl FnMut(&str, String)) {
    for (i, s) in sends.iter().enumerate() {
        let n = i + 1;
        let set = [
            s.text.is_some(),
            s.binary.is_some(),
            s.bytes.is_some(),
            s.ping.is_some(),
            s.pong.is_some(),
            s.fragments.is_some(),
            s.close.is_some(),
        ];
        if set.iter().filter(|x| **x).count() != 1 {
            err(
                "send",
                format!(
                    "send item {n} must have exactly one of text, binary, bytes, ping, pong, fragments, close"
                ),
            );
            continue;
        }
        if s.ping_between.is_some() && s.fragments.is_none() {
            err(
                "send",
                format!("send item {n}: ping_between goes with fragments"),
            );
        }
        if s.reason.is_some() && s.close.is_none() {
            err("send", format!("send item {n}: reason goes with close"));
        }
        for (what, payload) in [
            ("ping", &s.ping),
            ("pong", &s.pong),
            ("ping_between", &s.ping_between),
        ] {
            if payload.as_ref().is_some_and(|p| p.len() > 125) {
                err(
                    "send",
                    format!("send item {n}: a {what} carries at most 125 bytes (RFC 6455 §5.5)"),
                );
            }
        }
        if let Some(hex) = &s.binary
            && crate::hexinput::parse_hex(hex, 1 << 20).is_err()
        {
            err("send", format!("send item {n}: binary {hex:?} is not hex"));
        }
        if s.bytes.is_some_and(|b| b > 16 * 1024 * 1024) {
            err("send", format!("send item {n}: bytes goes up to 16 MiB"));
        }
        if s.fragments.as_ref().is_some_and(|f| f.len() < 2) {
            err(
                "send",
                format!("send item {n}: a fragmented message has at least 2 fragments"),
            );
        }
        if let Some(code) = s.close
            && (matches!(code, 1004..=1006 | 1015) || !(1000..=4999).contains(&code))
        {
            err(
                "send",
                format!("send item {n}: close code {code} may not be sent (RFC 6455 §7.4)"),
            );
        }
    }
}
