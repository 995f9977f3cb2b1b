//! The card as Markdown, for `--save report.md`: a summary table, then every case with its
//! rule, and the bytes of each one that did not pass.

use std::fmt::Write as _;

use super::{Card, LEGEND, level_word};
use crate::grade::outcome::{Grade, Outcome};

/// The card as a Markdown document.
pub fn markdown(card: &Card) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# wslab grade {}\n", card.target);
    let _ = writeln!(out, "**{}**\n", card.overall());
    let _ = writeln!(out, "| part | pass | non-strict | FAIL | info | skipped |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    for (group, c) in card.groups() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            group.title(),
            c.pass,
            c.non_strict,
            c.fail,
            c.info,
            c.skipped
        );
    }
    let fix = card.fix_order();
    if !fix.is_empty() {
        let _ = writeln!(out, "\n## Fix in this order\n");
        for (n, o) in fix.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. **{}** {} — {}",
                n + 1,
                o.case.id,
                o.case.title,
                o.verdict.did
            );
        }
    }
    let _ = writeln!(out, "\n## Legend\n");
    for (word, meaning) in LEGEND {
        let _ = writeln!(out, "- **{word}**: {meaning}");
    }
    for (group, _) in card.groups() {
        let _ = writeln!(out, "\n## {}\n", group.title());
        for o in card.outcomes.iter().filter(|o| o.case.group == group) {
            case(&mut out, o);
        }
    }
    out
}

fn case(out: &mut String, o: &Outcome) {
    let _ = writeln!(
        out,
        "### {} {} — {}\n",
        o.case.id,
        o.case.title,
        o.verdict.grade.word()
    );
    let _ = writeln!(out, "{}\n", o.verdict.did);
    let rule = &o.case.rule;
    let _ = writeln!(
        out,
        "> {} ({}): {}\n",
        rule.section,
        level_word(rule.level),
        rule.says
    );
    if o.verdict.grade == Grade::Pass {
        return;
    }
    let block = super::evidence_text(&o.evidence);
    // A fence longer than any run of backticks in the bytes shown.
    let _ = writeln!(out, "````text\n{}````\n", block.replace("````", "` ` ` `"));
}
