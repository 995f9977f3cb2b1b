//! The `grade` action: the grader's cases (`run::grade`) played against the lab's own `/echo`,
//! or against the server whose URL the learner typed, and its card laid out as the lessons'
//! plain data (`lesson::graded`). Also the one check of a lesson's `cases` against the suite,
//! since only a layer that sees both the lessons and the grader can make it.

mod card;
mod lint;

pub use card::laid_out;
pub use lint::{lint, selected};

use std::time::Duration;

use super::{ActionRun, Runner};
use crate::grade::Outcome;
use crate::grade::report::Card;
use crate::lesson::model::Grade;
use crate::net::ClientOptions;
use crate::net::url;
use crate::run::grade::{Target, Unreachable, run as run_cases};

/// The longest a case waits for the server, as `wslab grade`'s own default: long enough for a
/// server on the same machine, short enough that one which never answers is soon told apart.
pub const CASE_TIMEOUT: Duration = Duration::from_secs(3);

/// `kind = "grade"`; `typed` is the URL the learner gave, if any. `report` hears of each case
/// as it ends, so a screen can say how far the run is.
pub(super) async fn grade(
    runner: &Runner,
    a: &Grade,
    typed: Option<&str>,
    report: &mut (dyn FnMut(String) + Send),
) -> ActionRun {
    let mut run = ActionRun::default();
    let text = typed.map_or_else(|| runner.lab.url("/echo"), str::to_owned);
    let url = match url::parse(&text) {
        Ok(url) => url,
        Err(e) => {
            run.error = Some(e.to_string());
            return run;
        }
    };
    let cases = match selected(&a.cases) {
        Ok(cases) => cases,
        Err(e) => {
            run.error = Some(e);
            return run;
        }
    };
    let timeout = runner.settings.timeout.min(CASE_TIMEOUT);
    let target = Target {
        url,
        options: ClientOptions {
            timeout,
            label: "grade".into(),
            ..ClientOptions::default()
        },
        timeout,
    };
    let total = cases.len();
    let budget = runner.settings.grade_budget;
    let started = tokio::time::Instant::now();
    // Each outcome is kept as it comes, so that a run cut short (by the budget, or by a
    // server that stops answering mid-way) still shows what it found.
    let mut done: Vec<Outcome> = Vec::new();
    let result = tokio::time::timeout(
        budget,
        run_cases(cases, &target, |n, total, outcome| {
            done.push(outcome.clone());
            report(format!(
                "case {n} of {total}: {} {}",
                outcome.case.id, outcome.case.title
            ));
        }),
    )
    .await;
    let partial = |done: Vec<Outcome>| Card {
        target: target.url.to_string(),
        outcomes: done,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
    };
    let (card, warning) = match result {
        Ok(Ok((card, preflight))) => (card, preflight.warning),
        Ok(Err(Unreachable(why))) if done.is_empty() => {
            run.error = Some(why);
            return run;
        }
        Ok(Err(Unreachable(why))) => {
            let n = done.len();
            let said = format!(
                "the grade stopped after {n} of {total} cases, because the server could no longer be reached ({why}); the counts are of those {n}"
            );
            (partial(done), Some(said))
        }
        Err(_) if done.is_empty() => {
            run.error = Some(format!(
                "{} answered no case within {} s, the longest a grade in a lesson may take",
                target.url,
                budget.as_secs()
            ));
            return run;
        }
        Err(_) => {
            let n = done.len();
            let said = format!(
                "the grade stopped after {n} of {total} cases, at the {} s a grade in a lesson may take; the counts are of those {n}",
                budget.as_secs()
            );
            (partial(done), Some(said))
        }
    };
    run.graded = Some(laid_out(&card, typed.is_some(), warning, &a.cases));
    run
}
