//! The card as one self-contained HTML page, for `--save report.html`: no scripts, no
//! fonts, no network, so it opens the same anywhere and can be mailed as it is.

use std::fmt::Write as _;

use super::{Card, LEGEND, level_word};
use crate::grade::outcome::{Grade, Outcome};

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}\
h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse}td,th{padding:.2em .7em;border-bottom:1px solid #eee;text-align:right}\
td:first-child,th:first-child{text-align:left}\
.pass{color:#176a2c}.non-strict{color:#8a5a00}.fail{color:#b00020;font-weight:bold}.info,.skipped{color:#666}\
.case{margin:.4em 0}.rule{color:#555;margin:.2em 0 .2em 1.5em}\
pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:13px}summary{cursor:pointer}";

/// Escapes text for HTML element content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn class(grade: Grade) -> &'static str {
    match grade {
        Grade::Pass => "pass",
        Grade::NonStrict => "non-strict",
        Grade::Fail => "fail",
        Grade::Info => "info",
        Grade::Skipped => "skipped",
    }
}

/// The card as an HTML document.
pub fn html(card: &Card) -> String {
    let mut out = String::new();
    let title = esc(&format!("wslab grade {}", card.target));
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{STYLE}</style></head><body>\n<h1>{title}</h1>\n<p><strong>{}</strong></p>\n",
        esc(&card.overall())
    );
    let _ = writeln!(
        out,
        "<table><tr><th>part</th><th>pass</th><th>non-strict</th><th>FAIL</th><th>info</th><th>skipped</th></tr>"
    );
    for (group, c) in card.groups() {
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            group.name(),
            esc(group.title()),
            c.pass,
            c.non_strict,
            c.fail,
            c.info,
            c.skipped
        );
    }
    out.push_str("</table>\n");
    let fix = card.fix_order();
    if !fix.is_empty() {
        out.push_str("<h2>Fix in this order</h2>\n<ol>\n");
        for o in fix {
            let _ = writeln!(
                out,
                "<li><a href=\"#case-{id}\">{id}</a> {} — {}</li>",
                esc(&o.case.title),
                esc(&o.verdict.did),
                id = esc(&o.case.id)
            );
        }
        out.push_str("</ol>\n");
    }
    out.push_str("<h2>Legend</h2>\n<ul>\n");
    for (word, meaning) in LEGEND {
        let _ = writeln!(
            out,
            "<li><strong>{}</strong>: {}</li>",
            esc(word),
            esc(meaning)
        );
    }
    out.push_str("</ul>\n");
    for (group, counts) in card.groups() {
        let _ = writeln!(
            out,
            "<h2 id=\"{}\">{} <small>{}</small></h2>",
            group.name(),
            esc(group.title()),
            esc(&counts.line())
        );
        for o in card.outcomes.iter().filter(|o| o.case.group == group) {
            case(&mut out, o);
        }
    }
    out.push_str("</body></html>\n");
    out
}

fn case(out: &mut String, o: &Outcome) {
    let grade = o.verdict.grade;
    let rule = &o.case.rule;
    let _ = writeln!(
        out,
        "<div class=\"case\" id=\"case-{id}\"><span class=\"{}\">{}</span> <strong>{id}</strong> {} — {}\n<div class=\"rule\">{} ({}): {}</div>",
        class(grade),
        esc(grade.word()),
        esc(&o.case.title),
        esc(&o.verdict.did),
        esc(rule.section),
        level_word(rule.level),
        esc(rule.says),
        id = esc(&o.case.id)
    );
    let block = super::evidence_text(&o.evidence);
    // What did not pass is open; what passed is one click away.
    let open = if matches!(grade, Grade::Fail | Grade::NonStrict) {
        " open"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<details{open}><summary>the bytes</summary><pre>{}</pre></details></div>",
        esc(&block)
    );
}
