//! Running the grader's cases against a server, one connection per case, in suite order.

mod conn;
mod play;
mod serve;

pub use play::{Target, Unreachable, play, skipped};
pub use serve::{Event, serve};

use tokio::time::Instant;

use crate::grade::case::{Case, Expect, Group, Out, Reply};
use crate::grade::outcome::{Grade, Outcome};
use crate::grade::report::Card;
use crate::grade::suite;
use crate::net::recorder::Recorder;
use crate::proto::OpCode;

/// What the run found before the cases: a sentence for the user when the endpoint does not
/// look like an echo endpoint, since the cases read every reply as an echo.
#[derive(Debug, Clone, Default)]
pub struct Preflight {
    /// The warning, if any.
    pub warning: Option<String>,
}

/// Runs `cases` against `target`, calling `progress` after each.
///
/// # Errors
/// [`Unreachable`] when the server cannot be reached or does not open a valid handshake, in
/// one sentence: no case could say anything then.
pub async fn run(
    cases: Vec<Case>,
    target: &Target,
    progress: impl FnMut(usize, usize, &Outcome),
) -> Result<(Card, Preflight), Unreachable> {
    run_warning(cases, target, progress, |_| {}).await
}

/// As [`run`], telling `warn` of the preflight's warning before the cases start, so that a
/// user whose endpoint does not echo learns it at once rather than after every case waited.
///
/// # Errors
/// As [`run`].
pub async fn run_warning(
    cases: Vec<Case>,
    target: &Target,
    mut progress: impl FnMut(usize, usize, &Outcome),
    warn: impl FnOnce(&str),
) -> Result<(Card, Preflight), Unreachable> {
    let started = Instant::now();
    let recorder = Recorder::default();
    let preflight = preflight(target, &recorder).await?;
    if let Some(warning) = &preflight.warning {
        warn(warning);
    }
    let needs_deflate = cases
        .iter()
        .any(|c| c.group == Group::Deflate && !c.handshake_only());
    // The deflate part's first case is its gate: the offer, accepted or not.
    let gate = suite::deflate::cases().into_iter().next();
    let declined = match gate {
        Some(gate) if needs_deflate => {
            let outcome = play(&gate, target, &recorder).await?;
            outcome.verdict.grade != Grade::Pass
        }
        _ => false,
    };
    let total = cases.len();
    let mut outcomes = Vec::with_capacity(total);
    for (n, case) in cases.into_iter().enumerate() {
        let outcome = if declined && case.group == Group::Deflate && !case.handshake_only() {
            skipped(
                &case,
                "the server declined permessage-deflate, so this case could not run",
            )
        } else {
            play(&case, target, &recorder).await?
        };
        progress(n + 1, total, &outcome);
        outcomes.push(outcome);
    }
    let card = Card {
        target: target.url.to_string(),
        outcomes,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
    };
    Ok((card, preflight))
}

// A valid handshake and one echoed message, before the suite: a server that cannot be
// reached or refuses the handshake ends the run with one sentence.
async fn preflight(target: &Target, recorder: &Recorder) -> Result<Preflight, Unreachable> {
    let rule = crate::grade::case::Rule {
        section: "",
        says: "",
        level: crate::grade::Level::Must,
    };
    let text = "wslab grade: is this an echo endpoint?";
    let check = Case::new(
        "preflight",
        Group::Framing,
        "echo",
        rule,
        Expect::Echo(vec![Reply::Data(OpCode::Text, text.into())]),
    )
    .send(vec![Out::text(text)]);
    let outcome = play(&check, target, recorder).await?;
    let refused = outcome
        .evidence
        .response
        .as_deref()
        .map(|head| head.lines().next().unwrap_or("").to_owned());
    match (
        &outcome.evidence.response,
        outcome.evidence.frames.is_empty(),
    ) {
        (None, _) => Err(Unreachable(format!(
            "{} did not answer a valid opening handshake within {:.1} s",
            target.url,
            target.timeout.as_secs_f64()
        ))),
        (Some(head), _) if !head.starts_with("HTTP/1.1 101") => Err(Unreachable(format!(
            "{} answered a valid opening handshake with {:?}, not 101 Switching Protocols; grade needs the URL of a WebSocket echo endpoint",
            target.url,
            refused.unwrap_or_default()
        ))),
        _ if outcome.verdict.grade != Grade::Pass => Ok(Preflight {
            warning: Some(format!(
                "the first check of the echo did not pass ({}); grade reads every reply as an echo, so cases will fail for that reason if this is not an echo endpoint",
                outcome.verdict.did
            )),
        }),
        _ => Ok(Preflight::default()),
    }
}
