//! The card as JSON, with stable names: `v` is raised if a name ever changes meaning.

use serde::Serialize;

use super::{Card, Counts};
use crate::grade::outcome::{Evidence, Grade};

#[derive(Serialize)]
struct CardJson<'a> {
    v: u32,
    target: &'a str,
    took_ms: f64,
    must_broken: bool,
    summary: CountsJson,
    groups: Vec<GroupJson>,
    fix_first: Option<&'a str>,
    cases: Vec<CaseJson<'a>>,
}

#[derive(Serialize)]
struct CountsJson {
    total: usize,
    pass: usize,
    non_strict: usize,
    fail: usize,
    info: usize,
    skipped: usize,
}

#[derive(Serialize)]
struct GroupJson {
    name: &'static str,
    title: &'static str,
    #[serde(flatten)]
    counts: CountsJson,
}

#[derive(Serialize)]
struct RuleJson {
    section: &'static str,
    says: &'static str,
    level: &'static str,
}

#[derive(Serialize)]
struct CaseJson<'a> {
    id: &'a str,
    group: &'static str,
    title: &'a str,
    grade: Grade,
    did: &'a str,
    rule: RuleJson,
    took_ms: f64,
    evidence: &'a Evidence,
}

// Milliseconds to the microsecond: what was measured, and a number every JSON reader reads
// back as written.
fn ms(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn counts(c: Counts) -> CountsJson {
    CountsJson {
        total: c.total(),
        pass: c.pass,
        non_strict: c.non_strict,
        fail: c.fail,
        info: c.info,
        skipped: c.skipped,
    }
}

/// The card as one JSON document, indented for reading: the file `--save report.json` writes.
pub fn json(card: &Card) -> String {
    let doc = document(card);
    // Serialising plain data with string keys cannot fail.
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// The card as one compact JSON line: what `grade --json` prints, as every `--json` does
/// (README, "JSON for scripts").
pub fn json_line(card: &Card) -> String {
    serde_json::to_string(&document(card)).unwrap_or_default()
}

fn document(card: &Card) -> CardJson<'_> {
    CardJson {
        v: 1,
        target: &card.target,
        took_ms: ms(card.took_ms),
        must_broken: card.failed(),
        summary: counts(card.counts()),
        groups: card
            .groups()
            .into_iter()
            .map(|(g, c)| GroupJson {
                name: g.name(),
                title: g.title(),
                counts: counts(c),
            })
            .collect(),
        fix_first: card.fix_order().first().map(|o| o.case.id.as_str()),
        cases: card
            .outcomes
            .iter()
            .map(|o| CaseJson {
                id: &o.case.id,
                group: o.case.group.name(),
                title: &o.case.title,
                grade: o.verdict.grade,
                did: &o.verdict.did,
                rule: RuleJson {
                    section: o.case.rule.section,
                    says: o.case.rule.says,
                    level: super::level_word(o.case.rule.level),
                },
                took_ms: ms(o.took_ms),
                evidence: &o.evidence,
            })
            .collect(),
    }
}
