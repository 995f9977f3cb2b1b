//! The key log: the TLS secrets in the SSLKEYLOGFILE format, with which tshark decrypts the
//! pcaps wslab writes, for `connect` and for a lesson.

use std::sync::Arc;

use crate::common::tls::{hello, tls_lab, trusting, wss};
use wslab::export::{Format, export};
use wslab::net::ClientOptions;
use wslab::net::tls::{TlsOptions, Trust};

#[tokio::test]
async fn the_key_log_lets_tshark_decrypt_the_pcap() {
    let lab = tls_lab().await;
    let dir = std::env::temp_dir().join(format!("wslab-keylog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let keys = dir.join("keys.txt");
    let options = ClientOptions {
        tls: TlsOptions::new(
            Trust::Roots(Arc::new(lab.cert().expect("tls").roots())),
            Some(keys.clone()),
        ),
        ..trusting(&lab)
    };
    let (recorder, _client) = hello(&wss(&lab, "/echo"), &options).await;
    let log = std::fs::read_to_string(&keys).expect("the key log is written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&keys)
            .expect("exists")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "session secrets are for their owner only: {mode:o}"
        );
    }
    for label in [
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
        "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "CLIENT_TRAFFIC_SECRET_0",
        "SERVER_TRAFFIC_SECRET_0",
    ] {
        let line = log
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("{label} in {log}"));
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields.len(), 3, "{line}");
        assert_eq!(fields[1].len(), 64, "a 32-byte client random in hex");
    }
    // The pcap holds the wire: the TLS layer, not the plaintext.
    let pcap = recorder.read(|t| export(t, Format::Pcap, 0));
    let packets = crate::common::pcap_reader::read(&pcap);
    let payload: Vec<u8> = packets.iter().flat_map(|p| p.payload.clone()).collect();
    assert_eq!(
        payload[0], 0x16,
        "the first payload byte is a TLS handshake record"
    );
    assert!(!payload.windows(5).any(|w| w == b"Hello"));
    tshark_decrypts(&pcap, &keys);
    let _ = std::fs::remove_dir_all(&dir);
    lab.shutdown().await;
}

/// tshark, when installed, decrypts the pcap with the key log and finds the text frame.
fn tshark_decrypts(pcap: &[u8], keys: &std::path::Path) {
    let keylog = format!("tls.keylog_file:{}", keys.display());
    let args = [
        "-o",
        &keylog,
        "-Y",
        "websocket",
        "-T",
        "fields",
        "-e",
        "websocket.opcode",
        "-e",
        "websocket.payload.text",
    ];
    let Some(text) = crate::common::tshark::read(pcap, &args) else {
        return;
    };
    assert!(
        text.lines()
            .any(|l| l.starts_with("1\t") && l.contains("Hello")),
        "tshark shows the text frame: {text}"
    );
}

#[test]
fn a_lesson_s_pcap_and_key_log_decrypt_together() {
    let dir = std::env::temp_dir().join(format!("wslab-lesson-keylog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let (pcap, keys) = (dir.join("l15.pcap"), dir.join("keys.txt"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["lesson", "15", "--plain", "--save"])
        .arg(&pcap)
        .arg("--keylog")
        .arg(&keys)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = std::fs::read_to_string(&keys).expect("the key log is written");
    let sessions = log
        .lines()
        .filter(|l| l.starts_with("CLIENT_TRAFFIC_SECRET_0 "))
        .count();
    assert!(sessions >= 2, "one session per wss:// action: {log}");
    let file = std::fs::read(&pcap).expect("the pcap is written");
    let keylog = format!("tls.keylog_file:{}", keys.display());
    if let Some(text) = crate::common::tshark::read(
        &file,
        &[
            "-o",
            &keylog,
            "-Y",
            "websocket",
            "-T",
            "fields",
            "-e",
            "websocket.payload.text",
        ],
    ) {
        // Step 1's plain ws:// frames, and step 2's same PIN decrypted from wss://.
        let pins = text.lines().filter(|l| *l == "my PIN is 2468").count();
        assert_eq!(
            pins, 4,
            "sent and echoed, over ws:// and over wss://: {text}"
        );
        assert!(text.lines().any(|l| l == "Hello"), "step 3's Hello: {text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
