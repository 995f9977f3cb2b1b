//! The card on the terminal: one line per case, and under each case that did not pass the
//! rule it checks and the frames that crossed.

use std::fmt::Write as _;

use super::{Card, LEGEND, level_word};
use crate::grade::outcome::{Evidence, Grade, Outcome};
use crate::render::style::{Palette, Role};

/// How much of each case the card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// The rule and the bytes of every case that did not pass.
    Problems,
    /// The rule and the bytes of every case.
    Everything,
}

fn mark(grade: Grade, p: Palette) -> String {
    let (sign, role) = match grade {
        Grade::Pass => ("✓", Role::Good),
        Grade::NonStrict => ("~", Role::Warn),
        Grade::Fail => ("✗", Role::Bad),
        Grade::Info => ("i", Role::Dim),
        Grade::Skipped => ("-", Role::Dim),
    };
    p.paint(role, sign)
}

/// The card as terminal text.
pub fn text(card: &Card, show: Show, p: Palette) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        p.paint(Role::Heading, &format!("wslab grade {}", card.target))
    );
    for (group, counts) in card.groups() {
        let _ = writeln!(
            out,
            "\n{}  {}",
            p.paint(Role::Heading, group.title()),
            counts.line()
        );
        for o in card.outcomes.iter().filter(|o| o.case.group == group) {
            let _ = writeln!(
                out,
                "  {} {:<8} {} — {}",
                mark(o.verdict.grade, p),
                o.case.id,
                o.case.title,
                o.verdict.did
            );
            let detailed = show == Show::Everything
                || matches!(o.verdict.grade, Grade::Fail | Grade::NonStrict);
            if detailed {
                details(&mut out, o, p);
            }
        }
    }
    let fix = card.fix_order();
    if let Some(first) = fix.first() {
        let _ = writeln!(
            out,
            "\nFix first: {} {} — {}",
            first.case.id, first.case.title, first.verdict.did
        );
    }
    let _ = writeln!(out, "\n{}", p.paint(Role::Heading, &card.overall()));
    for (word, meaning) in LEGEND {
        let _ = writeln!(
            out,
            "{}",
            p.paint(Role::Dim, &format!("  {word:<10} {meaning}"))
        );
    }
    out
}

fn details(out: &mut String, o: &Outcome, p: Palette) {
    let pad = "             ";
    let rule = &o.case.rule;
    let _ = writeln!(
        out,
        "{pad}{} ({}): {}",
        rule.section,
        level_word(rule.level),
        p.paint(Role::Dim, rule.says)
    );
    let heads = o.case.handshake_only() || o.evidence.frames.is_empty();
    evidence(out, &o.evidence, pad, heads, o.verdict.grade == Grade::Fail);
}

fn evidence(out: &mut String, e: &Evidence, pad: &str, heads: bool, with_hex: bool) {
    if heads {
        if let Some(request) = &e.request {
            for line in request.lines() {
                let _ = writeln!(out, "{pad}→ {line}");
            }
        }
        match &e.response {
            Some(response) => {
                for line in response.lines() {
                    let _ = writeln!(out, "{pad}← {line}");
                }
            }
            None => {
                let _ = writeln!(out, "{pad}← (no answer)");
            }
        }
    }
    for f in &e.frames {
        let arrow = if f.from == "server" { "←" } else { "→" };
        let _ = writeln!(out, "{pad}{arrow} {:>8.3} ms  {}", f.at_ms, f.summary);
        for broke in &f.broke {
            let _ = writeln!(out, "{pad}    ✗ {broke}");
        }
        // The field table and hex of what the server sent: the proof of a failure.
        if with_hex && f.from == "server" {
            for line in f.detail.lines() {
                let _ = writeln!(out, "{pad}    {line}");
            }
        }
    }
    if e.frames_left_out > 0 {
        let _ = writeln!(out, "{pad}… {} frames more", e.frames_left_out);
    }
    let _ = writeln!(out, "{pad}{}", e.ending);
}
