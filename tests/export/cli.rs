//! `--save` as a user runs it: `wslab connect` against a lab in this test process writes a
//! pcap the test's own reader accepts, and a name with no known extension is refused in one
//! sentence with exit status 2, before any connection.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use wslab::net::Recorder;
use wslab::net::lab::{Lab, LabConfig};

fn wslab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wslab-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn connect_saves_a_pcap_that_reads_back() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let config = LabConfig {
        tick: Duration::from_secs(3600),
        ..LabConfig::default()
    };
    let lab: Lab = rt
        .block_on(Lab::start(config, Recorder::default()))
        .expect("the lab starts");
    let dir = temp_dir("save");
    let file = dir.join("out.pcap");
    let out = wslab(&[
        "connect",
        &lab.url("/echo"),
        "--mask",
        "37fa213d",
        "--send",
        "Hello",
        "--brief",
        "--save",
        file.to_str().expect("utf-8 path"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&file).expect("the file was written");
    let packets = crate::common::pcap_reader::read(&bytes);
    let ends = crate::common::pcap_reader::connections(&packets);
    assert_eq!(ends.len(), 1);
    let (client, server) = ends[0];
    assert_eq!(server, lab.addr());
    let up = crate::common::pcap_reader::stream(&packets, client, server);
    let masked_hello = [
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];
    assert!(up.windows(11).any(|w| w == masked_hello), "the §5.7 frame");
    let down = crate::common::pcap_reader::stream(&packets, server, client);
    assert!(down.starts_with(b"HTTP/1.1 101"));
    // Nothing but the file is left behind: the temporary name was renamed.
    let left: Vec<_> = std::fs::read_dir(&dir).expect("dir").collect();
    assert_eq!(left.len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_extension_is_refused_before_connecting() {
    // Nothing listens here, and nothing is tried: the name is checked first.
    let out = wslab(&["connect", "ws://127.0.0.1:9/echo", "--save", "out.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no connection was attempted");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(".pcap, .har, .jsonl or .ndjson"),
        "{stderr}"
    );
}

#[test]
fn a_missing_folder_is_refused() {
    let out = wslab(&[
        "connect",
        "ws://127.0.0.1:9/echo",
        "--save",
        "/no/such/dir/x.har",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
}
