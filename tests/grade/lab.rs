//! The lab's own /echo graded: no MUST broken, every part of the suite run.

use wslab::grade::{Grade, Group};
use wslab::net::Recorder;
use wslab::net::lab::{Lab, LabConfig};

use crate::peers::{grade, ids, outcome, problems};

#[tokio::test]
async fn the_labs_echo_breaks_no_must() {
    let lab = Lab::start(LabConfig::default(), Recorder::default())
        .await
        .unwrap();
    let card = grade(&lab.url("/echo")).await;
    assert!(!card.failed(), "{}", problems(&card));
    let ran: Vec<Group> = card.groups().into_iter().map(|(g, _)| g).collect();
    assert_eq!(ran, Group::ALL, "every part of the suite ran");
    assert!(
        ids(&card, Grade::Skipped).is_empty(),
        "the lab accepts permessage-deflate, so no case is skipped"
    );
    // tungstenite, under the lab, takes 1014 (Bad Gateway, registered with IANA since RFC
    // 6455) for an unknown code and fails the connection: an allowed reply, not the usual one.
    assert_eq!(
        ids(&card, Grade::NonStrict),
        ["7.4.12"],
        "{}",
        problems(&card)
    );
    assert!(outcome(&card, "7.4.12").verdict.did.contains("close 1002"));
    assert!(
        outcome(&card, "10.4.2")
            .verdict
            .did
            .contains("took and echoed 16 MiB")
    );
    assert!(
        outcome(&card, "8.1.14")
            .verdict
            .did
            .starts_with("it failed fast")
    );
}

#[tokio::test]
async fn a_lab_without_deflate_skips_the_cases_that_need_it() {
    let config = LabConfig {
        deflate: false,
        ..LabConfig::default()
    };
    let lab = Lab::start(config, Recorder::default()).await.unwrap();
    let card = crate::peers::grade_cases(&lab.url("/echo"), Some("permessage-deflate")).await;
    assert_eq!(
        ids(&card, Grade::Info),
        ["7692.1", "7692.10", "7692.11"],
        "{}",
        problems(&card)
    );
    assert_eq!(ids(&card, Grade::Skipped).len(), 8);
    assert!(!card.failed());
}
