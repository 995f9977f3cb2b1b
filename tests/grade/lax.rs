//! A server lax in four known ways is failed on exactly the cases of those ways, and no
//! others: the grader neither misses a fault nor invents one.

use wslab::grade::Grade;

use crate::peers::{grade, ids, lax_echo, outcome, problems};

#[tokio::test]
async fn a_lax_server_fails_exactly_where_it_is_lax() {
    let addr = lax_echo().await;
    let card = grade(&format!("ws://{addr}/")).await;
    let failed = ids(&card, Grade::Fail);
    let expected: Vec<&str> = [
        // Reserved bits ignored (§5.2).
        "5.2.12", "5.2.13", "5.2.14", "5.2.15", "5.2.16",
        // Unmasked frames taken (§5.1).
        "5.3.1", "5.3.2", "5.3.3", "5.3.4",
        // Text that is not UTF-8 echoed (§8.1), the fail-fast case included: it never fails.
        "8.1.7", "8.1.8", "8.1.9", "8.1.10", "8.1.11", "8.1.12", "8.1.13", "8.1.14",
    ]
    .into();
    assert_eq!(failed, expected, "{}", problems(&card));
    // The fourth fault, a close answered with 1000 whatever it said, breaks no MUST: §5.5.1
    // says a reply "typically" echoes the code. So it is non-strict, on exactly those cases.
    let non_strict = ids(&card, Grade::NonStrict);
    let close_cases: Vec<String> = card
        .outcomes
        .iter()
        .filter(|o| o.case.id.starts_with("7.4.") && o.case.id != "7.4.1")
        .map(|o| o.case.id.clone())
        .collect();
    assert_eq!(non_strict, close_cases, "{}", problems(&card));
    assert!(
        outcome(&card, "5.3.1").verdict.did.contains("came back"),
        "{}",
        outcome(&card, "5.3.1").verdict.did
    );
    // It declines permessage-deflate: the cases that need it are not run, and say why.
    assert_eq!(ids(&card, Grade::Skipped).len(), 8);
}

#[tokio::test]
async fn a_failure_shows_the_frames_that_prove_it() {
    let addr = lax_echo().await;
    let card = crate::peers::grade_cases(&format!("ws://{addr}/"), Some("5.3.1")).await;
    let o = outcome(&card, "5.3.1");
    assert_eq!(o.verdict.grade, Grade::Fail);
    let sent = &o.evidence.frames[0];
    assert_eq!(sent.from, "client");
    assert!(sent.summary.contains("unmasked"), "{}", sent.summary);
    assert!(
        sent.broke.iter().any(|b| b.contains("not masked")),
        "{:?}",
        sent.broke
    );
    let echoed = o
        .evidence
        .frames
        .iter()
        .find(|f| f.from == "server")
        .expect("the echo");
    assert!(echoed.summary.contains("\"Hello\""), "{}", echoed.summary);
    assert!(
        echoed.detail.contains("81 05 48 65 6c 6c 6f"),
        "{}",
        echoed.detail
    );
}

#[tokio::test]
async fn a_server_that_checks_text_as_it_reads_it_is_not_failed_for_answering_a_ping_first() {
    let addr = crate::peers::lazy_text_echo().await;
    let card = crate::peers::grade_cases(&format!("ws://{addr}/"), Some("utf-8")).await;
    // It answers the probe's ping before it gets to the text, then fails with 1007: the RFC
    // sets no deadline, so that is a pass, not "it went on".
    let invalid = outcome(&card, "8.1.9");
    assert_eq!(invalid.verdict.grade, Grade::Pass, "{}", problems(&card));
    assert!(
        invalid
            .verdict
            .did
            .contains("then failed the connection with close 1007"),
        "{}",
        invalid.verdict.did
    );
    assert!(!card.failed(), "{}", problems(&card));
}
