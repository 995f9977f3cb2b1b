//! The `grade` action on real loopback sockets: the grader against the runner's own lab, a
//! typed URL, a dead port, a server that never answers, one that goes away mid-run, and the
//! lesson in plain mode. Ports are the system's; the only timeouts are in tests about them.

use std::process::Command;
use std::time::Duration;

use wslab::lesson::Action;
use wslab::lesson::model::InputField;
use wslab::net::Recorder;
use wslab::net::lab::{Lab, LabConfig};
use wslab::run::{Runner, Settings};

fn grade(cases: &str) -> Action {
    toml::from_str(&format!("kind = \"grade\"\ncases = {cases}")).expect("a valid action")
}

async fn runner(settings: Settings) -> Runner {
    Runner::start(Settings {
        quick: true,
        ..settings
    })
    .await
    .expect("the lab starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_the_lab_s_own_echo_is_graded_and_its_card_laid_out() {
    let runner = runner(Settings::default()).await;
    let run = runner
        .run(&grade(r#"["handshake", "masking"]"#), None)
        .await;
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(run.conns.is_empty(), "the grader's connections are its own");
    let g = run.graded.expect("a card");
    assert!(!g.typed);
    assert_eq!(g.url, format!("ws://{}/echo", runner.lab_addr()));
    let titles: Vec<&str> = g.parts.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Opening handshake (RFC 6455 §4)", "Masking (§5.1, §5.3)"]
    );
    let selected = wslab::run::exercise::selected(&["handshake".into(), "masking".into()])
        .unwrap()
        .len();
    assert_eq!(g.tally.total(), selected);
    assert_eq!(g.tally.fail, 0, "the lab breaks no MUST: {g:?}");
    assert!(g.fix.is_empty());
    assert!(
        g.overall.starts_with(&format!("{selected} cases in ")),
        "{}",
        g.overall
    );
    assert!(g.overall.ends_with("no MUST broken"), "{}", g.overall);
    assert!(
        g.command.is_none(),
        "the lab's port is gone with the lesson"
    );
    assert!(g.at_unix > 0);
    runner.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_url_is_graded_and_its_failures_come_in_the_order_to_fix() {
    let runner = runner(Settings::default()).await;
    // The lab's strict-mask fault answers 101 to every request, however broken.
    let url = format!("ws://{}/fault/strict-mask", runner.lab_addr());
    let run = runner
        .run(
            &grade(r#"["utf-8", "handshake"]"#),
            Some((InputField::Url, &url)),
        )
        .await;
    assert!(run.error.is_none(), "{:?}", run.error);
    let g = run.graded.expect("a card");
    assert!(g.typed);
    assert_eq!(g.url, url);
    assert!(g.tally.fail > 0 && g.tally.fail == g.fix.len(), "{g:?}");
    // Handshake first, whatever order the lesson named the parts in.
    let first_utf8 = g.fix.iter().position(|f| f.id.starts_with("8.1."));
    let last_handshake = g.fix.iter().rposition(|f| f.id.starts_with("4."));
    assert!(
        last_handshake.is_some_and(|h| first_utf8.is_none_or(|u| h < u)),
        "{:?}",
        g.fix.iter().map(|f| &f.id).collect::<Vec<_>>()
    );
    let first = &g.fix[0];
    assert_eq!(first.level, "MUST");
    assert!(first.section.starts_with("RFC 6455 §4"), "{first:?}");
    assert!(!first.says.is_empty() && !first.did.is_empty());
    assert_eq!(
        g.command.as_deref(),
        Some(format!("wslab grade {url} --cases utf-8,handshake").as_str())
    );
    runner.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_port_is_one_sentence_and_no_card() {
    let runner = runner(Settings::default()).await;
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("ws://127.0.0.1:{port}/");
    let run = runner
        .run(&grade(r#"["handshake"]"#), Some((InputField::Url, &url)))
        .await;
    assert!(run.graded.is_none());
    assert!(run.failed());
    assert_eq!(
        run.error.as_deref(),
        Some(
            format!(
                "nothing is listening on 127.0.0.1:{port} (connection refused); is the server running?"
            )
            .as_str()
        )
    );
    runner.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_the_handshake_is_one_sentence_after_the_timeout() {
    let runner = runner(Settings {
        timeout: Duration::from_secs(1),
        ..Settings::default()
    })
    .await;
    let url = format!("ws://{}/fault/hang", runner.lab_addr());
    let run = runner
        .run(&grade(r#"["handshake"]"#), Some((InputField::Url, &url)))
        .await;
    assert!(run.graded.is_none());
    assert_eq!(
        run.error.as_deref(),
        Some(format!("{url} did not answer a valid opening handshake within 1.0 s").as_str())
    );
    runner.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_the_runner_cannot_use_and_a_spent_budget_are_sentences() {
    let runner = runner(Settings {
        grade_budget: Duration::ZERO,
        ..Settings::default()
    })
    .await;
    let bad = runner
        .run(
            &grade(r#"["handshake"]"#),
            Some((InputField::Url, "localhost:9001")),
        )
        .await;
    assert_eq!(
        bad.error.as_deref(),
        Some(
            "\"localhost:9001\" is not a URL: write it as ws://HOST:PORT/PATH, e.g. ws://127.0.0.1:9001/echo"
        )
    );
    // The budget is spent at once, but the timer fires on the runtime's next turn, by which
    // time a case or two against the lab may have ended: either way the run is cut, and says so.
    let spent = runner.run(&grade(r#"["handshake"]"#), None).await;
    let total = wslab::run::exercise::selected(&["handshake".into()])
        .unwrap()
        .len();
    match (&spent.graded, &spent.error) {
        (None, Some(e)) => assert!(
            e.ends_with("answered no case within 0 s, the longest a grade in a lesson may take"),
            "{e}"
        ),
        (Some(g), None) => {
            let said = g.warnings.join(" ");
            assert!(
                said.starts_with(&format!(
                    "the grade stopped after {} of {total} cases, at the 0 s a grade in a lesson may take",
                    g.tally.total()
                )),
                "{said}"
            );
            assert!(g.tally.total() < total);
        }
        other => panic!("{other:?}"),
    }
    runner.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_goes_away_mid_grade_leaves_the_cases_it_answered() {
    let runner = runner(Settings::default()).await;
    let target = Lab::start(LabConfig::default(), Recorder::default())
        .await
        .unwrap();
    let url = target.url("/echo");
    let mut target = Some(target);
    let mut heard = Vec::new();
    // After the third case the server is gone: its listener closes, so the next case that
    // connects is refused.
    let mut report = |line: String| {
        heard.push(line);
        if heard.len() == 3 {
            drop(target.take());
        }
    };
    let run = runner
        .run_reporting(
            &grade(r#"["handshake"]"#),
            Some((InputField::Url, &url)),
            &mut report,
        )
        .await;
    assert!(run.error.is_none(), "{:?}", run.error);
    let g = run.graded.expect("the cases that ran");
    let total = wslab::run::exercise::selected(&["handshake".into()])
        .unwrap()
        .len();
    assert!(
        (3..total).contains(&g.tally.total()),
        "{} of {total}",
        g.tally.total()
    );
    assert_eq!(heard.len(), g.tally.total(), "one line per case: {heard:?}");
    assert!(
        heard[0].starts_with(&format!("case 1 of {total}: 4.1 ")),
        "{heard:?}"
    );
    let said = g.warnings.join(" ");
    assert!(
        said.starts_with(&format!(
            "the grade stopped after {} of {total} cases, because the server could no longer be reached (",
            g.tally.total()
        )),
        "{said}"
    );
    runner.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_mode_grades_the_url_given_and_refuses_one_that_is_not_a_url() {
    let target = Lab::start(LabConfig::default(), Recorder::default())
        .await
        .unwrap();
    let url = target.url("/echo");
    let wslab = |input: &str| {
        Command::new(env!("CARGO_BIN_EXE_wslab"))
            .args(["lesson", "19", "--plain", "--quick", "--input", input])
            .output()
            .unwrap()
    };
    // The command blocks this worker; the lab answers on the other.
    let out = tokio::task::block_in_place(|| wslab(&url));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&format!("Graded {url}\n")), "{stdout}");
    assert!(
        stdout.contains("Graded the lab's own /echo, ws://127.0.0.1:"),
        "step 1 still grades the lab"
    );
    assert!(stdout.contains("Fix first: nothing, since no MUST is broken."));
    assert!(stdout.contains(&format!("wslab grade {url} --cases handshake,framing,")));
    let bad = tokio::task::block_in_place(|| wslab("http://127.0.0.1/"));
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr).trim(),
        "wslab: --input: http:// is not a WebSocket scheme: use ws:// or wss://"
    );
    target.shutdown().await;
}
