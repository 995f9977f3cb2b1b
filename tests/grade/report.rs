//! The card's forms: terminal text, JSON with stable names, Markdown and one self-contained
//! HTML page, and the command's exit statuses, run as a user runs it.

use std::process::Command;

use wslab::grade::report;
use wslab::net::Recorder;
use wslab::net::lab::{Lab, LabConfig};

use crate::peers::{grade_cases, lax_echo};

fn wslab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("wslab runs")
}

#[tokio::test]
async fn the_json_card_has_stable_names() {
    let addr = lax_echo().await;
    let card = grade_cases(&format!("ws://{addr}/"), Some("4.1,5.3.1")).await;
    let json: serde_json::Value = serde_json::from_str(&report::json(&card)).expect("JSON");
    assert_eq!(json["v"], 1);
    assert_eq!(json["must_broken"], true);
    assert_eq!(json["summary"]["total"], 2);
    assert_eq!(json["summary"]["fail"], 1);
    assert_eq!(json["fix_first"], "5.3.1");
    let case = &json["cases"][1];
    assert_eq!(case["id"], "5.3.1");
    assert_eq!(case["group"], "masking");
    assert_eq!(case["grade"], "fail");
    assert_eq!(case["rule"]["section"], "RFC 6455 §5.1");
    assert_eq!(case["rule"]["level"], "MUST");
    assert_eq!(case["evidence"]["frames"][0]["from"], "client");
    assert_eq!(json["groups"][0]["name"], "handshake");
}

#[tokio::test]
async fn the_html_page_stands_alone_and_escapes_what_the_server_sent() {
    let addr = lax_echo().await;
    let card = grade_cases(&format!("ws://{addr}/"), Some("5.3.*,8.1.7")).await;
    let page = report::html(&card);
    assert!(page.starts_with("<!doctype html>"));
    for outside in ["<script", "<link", "src=", "http://", "https://"] {
        assert!(
            !page.contains(outside),
            "the page reaches outside itself: {outside}"
        );
    }
    assert!(page.contains("Fix in this order"));
    assert!(page.contains("class=\"fail\""));
    let markdown = report::markdown(&card);
    assert!(
        markdown.contains("| Masking (§5.1, §5.3) | 3 | 0 | 4 | 0 | 0 |")
            || markdown.contains("| Masking (§5.1, §5.3) |"),
        "{markdown}"
    );
    assert!(markdown.contains("## Fix in this order"));
    assert!(markdown.contains("````text"));
}

#[test]
fn the_command_exits_by_the_verdict_and_saves_the_card() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let lab = rt
        .block_on(Lab::start(LabConfig::default(), Recorder::default()))
        .unwrap();
    let lax = rt.block_on(lax_echo());
    let dir = std::env::temp_dir().join(format!("wslab-grade-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let html = dir.join("card.html");
    let md = dir.join("card.md");
    let good = wslab(&[
        "grade",
        &lab.url("/echo"),
        "--cases",
        "5.2.*",
        "--save",
        html.to_str().unwrap(),
        "--save",
        md.to_str().unwrap(),
    ]);
    let said = String::from_utf8_lossy(&good.stdout);
    assert_eq!(good.status.code(), Some(0), "{said}");
    assert!(said.contains("no MUST broken"), "{said}");
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .contains("Framing (§5.2)")
    );
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .starts_with("# wslab grade")
    );
    let bad = wslab(&[
        "grade",
        &format!("ws://{lax}/"),
        "--cases",
        "5.3.1",
        "--json",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&bad.stdout).expect("JSON");
    assert_eq!(json["cases"][0]["grade"], "fail");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn mistakes_are_one_sentence_and_exit_2() {
    // A port nothing listens on: bound, then let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = wslab(&["grade", &format!("ws://127.0.0.1:{port}/")]);
    assert_eq!(dead.status.code(), Some(2));
    let said = String::from_utf8_lossy(&dead.stderr);
    assert!(said.starts_with("wslab: cannot grade:"), "{said}");
    assert_eq!(said.trim_end().lines().count(), 1, "{said}");
    let typo = wslab(&["grade", "ws://127.0.0.1:1/", "--cases", "9.9"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("\"9.9\" matches no case"));
    let format = wslab(&["grade", "ws://127.0.0.1:1/", "--save", "card.pdf"]);
    assert_eq!(format.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&format.stderr).contains(".md, .html or .json"));
    let list = wslab(&["grade", "--list"]);
    assert_eq!(list.status.code(), Some(0));
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        listed.contains("5.3.1") && listed.trim_end().ends_with("127 cases"),
        "{listed}"
    );
}

#[tokio::test]
async fn grade_client_serves_an_autobahn_driver_and_prints_its_card() {
    use std::io::BufRead as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args([
            "grade",
            "--client",
            "--port",
            "0",
            "--json",
            "--cases",
            "4.*,5.2.*",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("wslab runs");
    let stderr = child.stderr.take().expect("stderr");
    // The first line names the address: "serving N cases on ws://127.0.0.1:PORT: …".
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufReader::new(stderr)
            .read_line(&mut line)
            .map(|_| line)
    })
    .await
    .unwrap()
    .unwrap();
    let addr = line
        .split("ws://")
        .nth(1)
        .and_then(|rest| {
            rest.split(':')
                .take(2)
                .collect::<Vec<_>>()
                .join(":")
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    crate::client::tungstenite_driver(addr).await;
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    // tokio-tungstenite takes an extension it never offered (4.7): a MUST, so exit 1.
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["target"], "the client \"tokio-tungstenite\"");
    assert_eq!(json["fix_first"], "4.7");
    assert_eq!(json["summary"]["total"], 33);
}
