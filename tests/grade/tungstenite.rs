//! A tokio-tungstenite echo server, as a project writes one from the crate's example, graded:
//! every failure is a MUST it really breaks, shown with its bytes.

use wslab::grade::Grade;

use crate::peers::{grade, ids, outcome, problems, tungstenite_echo};

#[tokio::test]
async fn a_tungstenite_echo_server_is_graded_truly() {
    let addr = tungstenite_echo().await;
    let card = grade(&format!("ws://{addr}/")).await;
    // tokio-tungstenite 0.30's accept_async returns an error for a request it refuses and
    // writes nothing, so the server closes TCP with no HTTP answer, which §4.2.1 forbids
    // ("MUST ... return an HTTP response with an appropriate error code"); it does not look
    // for Host (§4.2.1 item 2). Everything of framing, masking, fragments, control frames,
    // closing and UTF-8 holds.
    let refused_silently = [
        "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10",
    ];
    let mut expected: Vec<&str> = refused_silently.to_vec();
    expected.push("4.14");
    assert_eq!(ids(&card, Grade::Fail), expected, "{}", problems(&card));
    for id in refused_silently {
        let o = outcome(&card, id);
        assert!(o.evidence.request.is_some(), "{id} shows what was sent");
        assert_eq!(o.evidence.response, None, "{id}: no answer came");
        assert_eq!(o.evidence.ending, "the server closed the TCP connection");
    }
    // When it fails a connection, the example's loop drops the stream before tungstenite's
    // close frame is written: §7.1.7 says it SHOULD send one, so those are non-strict.
    let masked = outcome(&card, "5.3.1");
    assert_eq!(
        masked.verdict.grade,
        Grade::NonStrict,
        "{}",
        masked.verdict.did
    );
    assert!(masked.verdict.did.contains("no close frame"));
    assert!(ids(&card, Grade::Pass).len() >= 60, "{}", problems(&card));
}
