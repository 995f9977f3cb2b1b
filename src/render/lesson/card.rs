//! A grade action's card as lines, each with its tone: the URL, the overall line, the rule to
//! fix first, each part's counts, the failures after the first, and the command that shows
//! every case with its bytes. Plain mode prints them in a block; the card pane paints them.

use crate::lesson::graded::Graded;

/// What a line of the card is, which decides how a screen paints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Plain text.
    Text,
    /// A heading: the URL, the overall line.
    Heading,
    /// Secondary: the rule's words, the command.
    Dim,
    /// Nothing broken.
    Good,
    /// A MUST broken: the rule to fix first, a part with a failure.
    Bad,
    /// A sentence to read with the counts, or a part with a SHOULD missed.
    Warn,
}

/// The card's lines, in the order a learner reads them: the verdict and what to fix first
/// come before the detail, so a small pane shows them first.
pub fn lines(g: &Graded) -> Vec<(String, Tone)> {
    let whose = if g.typed {
        format!("Graded {}", g.url)
    } else {
        format!("Graded the lab's own /echo, {}", g.url)
    };
    let mut out = vec![(whose, Tone::Heading), (g.overall.clone(), Tone::Heading)];
    for warning in &g.warnings {
        out.push((format!("Note: {warning}."), Tone::Warn));
    }
    match g.fix.first() {
        Some(first) => {
            out.push((
                format!("Fix first: {} {} — {}", first.id, first.title, first.did),
                Tone::Bad,
            ));
            out.push((
                format!("  {} ({}): {}", first.section, first.level, first.says),
                Tone::Dim,
            ));
        }
        None => out.push((
            "Fix first: nothing, since no MUST is broken.".to_owned(),
            Tone::Good,
        )),
    }
    let width = g
        .parts
        .iter()
        .map(|p| p.title.chars().count())
        .max()
        .unwrap_or(0);
    out.push((String::new(), Tone::Text));
    for part in &g.parts {
        let tone = if part.tally.fail > 0 {
            Tone::Bad
        } else if part.tally.non_strict > 0 {
            Tone::Warn
        } else {
            Tone::Text
        };
        let pad = width - part.title.chars().count();
        out.push((
            format!("{}{}  {}", part.title, " ".repeat(pad), part.tally.line()),
            tone,
        ));
    }
    if g.fix.len() > 1 {
        out.push((String::new(), Tone::Text));
        out.push(("Then fix, in this order:".to_owned(), Tone::Text));
        for f in &g.fix[1..] {
            out.push((format!("  {} {} — {}", f.id, f.title, f.did), Tone::Text));
        }
    }
    if let Some(command) = &g.command {
        out.push((String::new(), Tone::Text));
        out.push((
            format!("Each case that did not pass, with the bytes that prove it: {command}"),
            Tone::Dim,
        ));
    }
    out
}

/// A moment as a reader anywhere can take it: "2025-06-01 14:03 UTC". The local zone would
/// need the operating system, and this layer does no I/O.
pub fn utc(at_unix: u64) -> String {
    let at = i64::try_from(at_unix)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok());
    match at {
        Some(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ),
        None => "an unknown time".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::graded::{Failure, Part, Tally};

    fn failure(id: &str) -> Failure {
        Failure {
            id: id.into(),
            title: format!("case {id}"),
            did: "it answered 101".into(),
            section: "RFC 6455 §4.2.1".into(),
            level: "MUST".into(),
            says: "the server MUST stop".into(),
        }
    }

    #[test]
    fn the_card_leads_with_the_verdict_and_the_first_fix() {
        let g = Graded {
            url: "ws://127.0.0.1:8080/".into(),
            typed: true,
            overall: "3 cases in 0.1 s: 1 pass · 2 FAIL — 2 MUST broken".into(),
            parts: vec![
                Part {
                    title: "Opening handshake (RFC 6455 §4)".into(),
                    tally: Tally {
                        pass: 1,
                        fail: 2,
                        ..Tally::default()
                    },
                },
                Part {
                    title: "UTF-8 (§8.1)".into(),
                    tally: Tally::default(),
                },
            ],
            fix: vec![failure("4.2"), failure("4.3")],
            command: Some("wslab grade ws://127.0.0.1:8080/ --cases handshake".into()),
            ..Graded::default()
        };
        let shown = lines(&g);
        let text: Vec<&str> = shown.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(text[0], "Graded ws://127.0.0.1:8080/");
        assert_eq!(text[2], "Fix first: 4.2 case 4.2 — it answered 101");
        assert_eq!(shown[2].1, Tone::Bad);
        assert_eq!(text[3], "  RFC 6455 §4.2.1 (MUST): the server MUST stop");
        assert_eq!(text[5], "Opening handshake (RFC 6455 §4)  1 pass · 2 FAIL");
        assert_eq!(text[6], "UTF-8 (§8.1)                     no case ran");
        assert!(text.contains(&"  4.3 case 4.3 — it answered 101"));
        assert!(text.last().unwrap().ends_with("--cases handshake"));
    }

    #[test]
    fn nothing_to_fix_is_said() {
        let text = lines(&Graded::default());
        assert!(
            text.iter()
                .any(|(t, tone)| t.contains("no MUST") && *tone == Tone::Good)
        );
    }

    #[test]
    fn times_are_shown_in_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(1_748_786_580), "2025-06-01 14:03 UTC");
        assert_eq!(utc(u64::MAX), "an unknown time");
    }
}
