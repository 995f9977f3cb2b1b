//! `wslab proxy --tls --upstream wss://…` as a person runs it: in front of `wslab serve --tls`,
//! each with its own CA saved in the data directory, a wss:// client trusting the proxy's CA,
//! and the JSON Lines that show each side's TLS records.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use wslab::net::tls::{TlsOptions, Trust};
use wslab::net::url;
use wslab::net::{ClientOptions, Outgoing, Recorder, WsClient};

use crate::cli::Running;
use crate::common::exchange::{finish, options, round_trip};

fn interrupt(running: &Running) {
    let pid = running.0.as_ref().unwrap().id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
}

// `wslab serve --tls` on a free port, saving its CA in `data`; the running lab and its
// wss:// URL without a path. Its output goes on being read on a thread of its own: a lab
// whose standard output is closed stops at its next line.
fn serve_tls(data: &std::path::Path) -> (Running, String) {
    let mut serve = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["serve", "--tls", "--port", "0"])
        .env("WSLAB_DATA_DIR", data)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut banner = BufReader::new(serve.stdout.take().unwrap()).lines();
    let serving = Running(Some(serve));
    // The banner's wss:// line: "  wss://localhost:PORT/echo  /echo over TLS".
    let upstream = banner
        .by_ref()
        .map(Result::unwrap)
        .find_map(|line| {
            let url = line.split_whitespace().find(|w| w.starts_with("wss://"))?;
            Some(url.trim_end_matches("/echo").to_owned())
        })
        .expect("serve --tls prints its wss:// URL");
    std::thread::spawn(move || banner.for_each(drop));
    (serving, upstream)
}

// The proxy's JSON Lines up to the first connection's close.
async fn until_close(
    mut lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
) -> Vec<Value> {
    tokio::task::spawn_blocking(move || {
        let mut events = Vec::new();
        for line in lines.by_ref() {
            let event: Value = serde_json::from_str(&line.unwrap()).unwrap();
            let done = event["type"] == "close";
            events.push(event);
            if done {
                break;
            }
        }
        events
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn proxy_tls_in_front_of_serve_tls_shows_each_sides_records() {
    let data = std::env::temp_dir().join(format!("wslab-proxy-tls-cli-{}", std::process::id()));
    std::fs::create_dir_all(&data).unwrap();
    let (serving, upstream) = serve_tls(&data);
    let lab_ca = data.join("lab-ca.pem");
    assert!(lab_ca.exists(), "serve --tls saves its CA");

    let mut proxy = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args([
            "proxy",
            "--no-tui",
            "--tls",
            "--upstream",
            &upstream,
            "--ca",
        ])
        .arg(&lab_ca)
        .arg("--keylog")
        .arg(data.join("keys.txt"))
        .arg("--save")
        .arg(data.join("both.pcap"))
        .env("WSLAB_DATA_DIR", &data)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(proxy.stdout.take().unwrap()).lines();
    let mut running = Running(Some(proxy));
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["type"], "listening");
    let listen = first["listen"].as_str().unwrap().to_owned();
    let proxy_ca = first["tls"]["ca"]
        .as_str()
        .expect("the CA's path")
        .to_owned();
    assert!(proxy_ca.ends_with("proxy-ca.pem"), "{proxy_ca}");
    assert_eq!(
        first["tls"]["fingerprint"]
            .as_str()
            .unwrap()
            .split(':')
            .count(),
        32,
        "a SHA-256 fingerprint: {first}"
    );

    let port = listen.rsplit(':').next().unwrap();
    let target = url::parse(&format!("wss://localhost:{port}/echo")).unwrap();
    let client_options = ClientOptions {
        tls: TlsOptions::new(Trust::Ca(proxy_ca.clone().into()), None),
        ..options()
    };
    let mut client = WsClient::connect(&target, &Recorder::default(), &client_options)
        .await
        .expect("a wss:// client trusting the proxy's CA gets through");
    round_trip(
        &mut client,
        Outgoing::Text("Hello".into()),
        Message::text("Hello"),
    )
    .await;
    finish(&mut client).await;
    drop(client);

    let events = until_close(lines).await;
    let records = |side: &str| -> Vec<&Value> {
        events
            .iter()
            .filter(|e| e["type"] == "tls-record" && e["side"] == side)
            .collect()
    };
    for side in ["client", "upstream"] {
        let its = records(side);
        assert!(
            its.iter()
                .any(|r| r["summary"].as_str().unwrap().contains("ClientHello")),
            "{side}: {its:?}"
        );
        assert!(
            its.iter().any(|r| r["content_type"] == "application_data"),
            "{side}: {its:?}"
        );
    }
    // The WebSocket frames, once: "Hello", its echo, a close each way.
    let frames: Vec<&Value> = events.iter().filter(|e| e["type"] == "frame").collect();
    assert_eq!(frames.len(), 4, "{frames:?}");
    assert_eq!(frames[0]["payload_text"], "Hello");
    let close = events.last().unwrap();
    assert!(close["error"].is_null(), "{close}");

    interrupt(&running);
    let output = running.0.take().unwrap().wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("proxy listening on wss://"), "{said}");
    assert!(said.contains(&format!("saved as {proxy_ca}")), "{said}");
    // Both sessions' secrets, for Wireshark: two client randoms.
    let keys = std::fs::read_to_string(data.join("keys.txt")).unwrap();
    let randoms: std::collections::BTreeSet<&str> =
        keys.lines().filter_map(|l| l.split(' ').nth(1)).collect();
    assert_eq!(randoms.len(), 2, "{keys}");
    tshark_decrypts_both_sides(&data);
    interrupt(&serving);
    drop(serving);
    let _ = std::fs::remove_dir_all(&data);
}

/// tshark, when installed, decrypts both TCP connections of the saved pcap with the key log:
/// "Hello" and its echo on the client's side and again on the upstream's.
fn tshark_decrypts_both_sides(data: &std::path::Path) {
    let pcap = std::fs::read(data.join("both.pcap")).expect("--save wrote the pcap");
    let keylog = format!("tls.keylog_file:{}", data.join("keys.txt").display());
    let args = [
        "-o",
        &keylog,
        "-Y",
        "websocket.payload.text",
        "-T",
        "fields",
        "-e",
        "tcp.stream",
        "-e",
        "websocket.payload.text",
    ];
    let Some(text) = crate::common::tshark::read(&pcap, &args) else {
        return;
    };
    let hellos: Vec<&str> = text.lines().filter(|l| l.ends_with("\tHello")).collect();
    assert_eq!(hellos.len(), 4, "two per side: {text}");
    let streams: std::collections::BTreeSet<&str> =
        hellos.iter().filter_map(|l| l.split('\t').next()).collect();
    assert_eq!(streams.len(), 2, "one TCP stream per side: {text}");
}
