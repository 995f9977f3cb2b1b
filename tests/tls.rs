//! wss:// on loopback with the lab's generated certificate: both layers captured, the
//! plaintext layer the same as ws://, the ciphertext layer free of it, the record dissector
//! against real hellos, trust as documented, and the key log decrypting a pcap in tshark.

#[path = "common/exchange.rs"]
mod common;
#[path = "common/pcap_reader.rs"]
mod pcap_reader;
#[path = "common/tshark.rs"]
mod tshark;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use common::{KEY, NEVER, assert_self_check, finish};
use wslab::capture::export::{Format, export};
use wslab::capture::{Direction, Layer};
use wslab::net::lab::{Lab, LabConfig, Timeouts};
use wslab::net::tls::{LabCert, TlsError, TlsOptions, Trust};
use wslab::net::url::{self, WsUrl};
use wslab::net::{ClientError, ClientOptions, Masking, Outgoing, Recorder, WsClient};
use wslab::proto::tls::{ContentType, Hello};

const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

async fn tls_lab() -> Lab {
    let config = LabConfig {
        tick: NEVER,
        ..LabConfig::default()
    };
    let cert = LabCert::generate().expect("a certificate is made");
    Lab::start_tls(config, Timeouts::default(), Recorder::default(), cert)
        .await
        .expect("the lab starts")
}

fn trusting(lab: &Lab) -> ClientOptions {
    let roots = lab.cert().expect("a TLS lab").roots();
    ClientOptions {
        key: Some(KEY.into()),
        masking: Masking::Pinned(MASK),
        timeout: Duration::from_secs(10),
        tls: TlsOptions {
            trust: Trust::Roots(Arc::new(roots)),
            keylog: None,
        },
        ..ClientOptions::default()
    }
}

fn wss(lab: &Lab, path: &str) -> WsUrl {
    url::parse(&lab.wss_url(path).expect("a TLS lab")).expect("parses")
}

/// The same lab by the same name over plain ws://, so that the Host header matches.
fn ws_by_name(lab: &Lab, path: &str) -> WsUrl {
    let secure = lab.wss_url(path).expect("a TLS lab");
    url::parse(&secure.replacen("wss://", "ws://", 1)).expect("parses")
}

/// Sends "Hello" with the pinned mask, reads the echo, closes; returns the client's capture.
async fn hello(lab: &Lab, target: &WsUrl, options: &ClientOptions) -> (Recorder, WsClient) {
    let recorder = Recorder::default();
    let mut client = WsClient::connect(target, &recorder, options)
        .await
        .expect("the handshake succeeds");
    client
        .send(Outgoing::Text("Hello".into()))
        .await
        .expect("sent");
    let echo = client.recv().await.expect("no error").expect("an echo");
    assert_eq!(echo.into_text().expect("text").as_str(), "Hello");
    finish(&mut client).await;
    let _ = lab;
    (recorder, client)
}

#[tokio::test]
async fn an_echo_over_wss_is_captured_at_both_layers() {
    let lab = tls_lab().await;
    let (recorder, client) = hello(&lab, &wss(&lab, "/echo"), &trusting(&lab)).await;
    assert_self_check(&recorder, &client, true);
    let conn = client.conn().expect("recorded");
    recorder.read(|t| {
        let c = t.connection(conn).expect("connection");
        let tls = c.tls.as_ref().expect("a TLS layer");
        for d in Direction::BOTH {
            assert!(tls.flow(d).bytes > c.flow(d).bytes, "{d:?}: TLS adds bytes");
            assert!(tls.flow(d).problem().is_none());
            assert_eq!(
                t.raw_at(Layer::Tls, conn, d).len() as u64,
                tls.flow(d).bytes,
                "{d:?}: every ciphertext byte kept"
            );
        }
        // The client's hello frame and the echo are in the plaintext layer.
        assert_eq!(c.requests().frames[0].item.payload_len(), 5);
        assert!(
            c.responses()
                .frames
                .iter()
                .any(|f| f.item.payload == Bytes::from_static(b"Hello"))
        );
    });
    // What the client wrote under TLS is what the lab read under TLS, and likewise above;
    // once the lab has let go of the connection, so that its side is complete.
    let lab_recorder = lab.recorder().clone();
    lab.shutdown().await;
    let last = lab_recorder.read(|t| t.connections().last().expect("lab saw it").id);
    for layer in [Layer::App, Layer::Tls] {
        for d in Direction::BOTH {
            let ours = recorder.read(|t| t.raw_at(layer, conn, d));
            let theirs = lab_recorder.read(|t| t.raw_at(layer, last, d));
            if layer == Layer::Tls && d == Direction::ClientToServer {
                // The lab stops reading once the close handshake is done, so the client's
                // close_notify (a 24-byte record) may cross after the lab's last read.
                assert!(
                    ours.starts_with(&theirs),
                    "the lab read a prefix of what was sent"
                );
                assert!(
                    ours.len() - theirs.len() <= 24,
                    "at most the close_notify unread"
                );
            } else {
                assert_eq!(ours, theirs, "{layer:?} {d:?} differs between the ends");
            }
        }
    }
}

#[tokio::test]
async fn the_plaintext_layer_dissects_exactly_as_ws_does() {
    let lab = tls_lab().await;
    let options = trusting(&lab);
    let (secure, s) = hello(&lab, &wss(&lab, "/echo"), &options).await;
    let (plain, p) = hello(&lab, &ws_by_name(&lab, "/echo"), &options).await;
    let (s, p) = (s.conn().expect("s"), p.conn().expect("p"));
    let view = |r: &Recorder, conn| {
        r.read(|t| {
            let c = t.connection(conn).expect("connection");
            let heads: Vec<String> = Direction::BOTH
                .iter()
                .map(|&d| String::from_utf8_lossy(&c.flow(d).http[0].raw).into_owned())
                .collect();
            // The pinned frames: the client's Hello and the server's echo. The close frames
            // carry the library's fresh masking keys, so they are compared by field.
            let first: Vec<Vec<u8>> = Direction::BOTH
                .iter()
                .map(|&d| {
                    let f = &c.flow(d).frames[0].item;
                    let raw = t.raw(conn, d);
                    raw[f.span().start as usize..f.span().end as usize].to_vec()
                })
                .collect();
            let kinds: Vec<(u8, u64, bool)> = Direction::BOTH
                .iter()
                .flat_map(|&d| c.flow(d).frames.iter())
                .map(|f| {
                    (
                        f.item.header.opcode().bits(),
                        f.item.payload_len(),
                        f.item.violations.is_empty(),
                    )
                })
                .collect();
            (heads, first, kinds)
        })
    };
    let (secure_heads, secure_first, secure_kinds) = view(&secure, s);
    let (plain_heads, plain_first, plain_kinds) = view(&plain, p);
    assert_eq!(secure_heads, plain_heads, "same request and response heads");
    assert_eq!(secure_first, plain_first, "same frame bytes");
    assert_eq!(
        secure_first[0],
        [
            0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58
        ],
        "RFC 6455 §5.7"
    );
    assert_eq!(secure_kinds, plain_kinds);
    lab.shutdown().await;
}

#[tokio::test]
async fn the_ciphertext_holds_none_of_the_plaintext() {
    let lab = tls_lab().await;
    let (recorder, client) = hello(&lab, &wss(&lab, "/echo"), &trusting(&lab)).await;
    let conn = client.conn().expect("recorded");
    let needles: [&[u8]; 6] = [
        b"Upgrade",
        b"websocket",
        b"Hello",
        KEY.as_bytes(),
        b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        &[0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d],
    ];
    for d in Direction::BOTH {
        let wire = recorder.read(|t| t.raw_at(Layer::Tls, conn, d));
        for needle in needles {
            assert!(
                !wire.windows(needle.len()).any(|w| w == needle),
                "{d:?}: {:?} visible on the wire",
                String::from_utf8_lossy(needle)
            );
        }
        let app = recorder.read(|t| t.raw(conn, d));
        assert!(
            app.windows(7).any(|w| w == b"Upgrade"),
            "but the endpoints see it"
        );
    }
    lab.shutdown().await;
}

#[tokio::test]
async fn the_record_dissector_reads_the_real_hellos() {
    let lab = tls_lab().await;
    let target = url::parse(&lab.wss_url("/echo").expect("tls")).expect("parses");
    let (recorder, client) = hello(&lab, &target, &trusting(&lab)).await;
    let conn = client.conn().expect("recorded");
    recorder.read(|t| {
        let tls = t.connection(conn).expect("c").tls.as_ref().expect("tls");
        let ours = &tls.flow(Direction::ClientToServer).records;
        assert_eq!(ours[0].record.content_type, ContentType::Handshake);
        let Some(Hello::Client(hello)) = &ours[0].record.handshakes[0].hello else {
            panic!(
                "the first record holds the ClientHello: {:?}",
                ours[0].record
            );
        };
        assert_eq!(
            hello.server_name.as_ref().map(|n| n.value.as_str()),
            Some("localhost")
        );
        assert_eq!(
            hello
                .alpn
                .iter()
                .map(|a| a.value.as_str())
                .collect::<Vec<_>>(),
            ["http/1.1"]
        );
        assert!(hello.supported_versions.iter().any(|v| v.value == 0x0304));
        // The span of the SNI points at those bytes on the wire.
        let wire = t.raw_at(Layer::Tls, conn, Direction::ClientToServer);
        let span = hello.server_name.as_ref().expect("sni").span.clone();
        assert_eq!(&wire[span.start as usize..span.end as usize], b"localhost");

        let theirs = &tls.flow(Direction::ServerToClient).records;
        let Some(Hello::Server(server)) = &theirs[0].record.handshakes[0].hello else {
            panic!("the server's first record holds the ServerHello");
        };
        // What the dissector read off the wire is what rustls agreed.
        let (version, suite) = client.tls_agreed().expect("a TLS client");
        assert_eq!(
            server.selected_version.as_ref().map(|v| v.value),
            Some(version)
        );
        assert_eq!(version, 0x0304, "TLS 1.3");
        assert_eq!(server.cipher_suite.value, suite);
        assert_eq!(
            server.cipher_suite_name(),
            "TLS_AES_256_GCM_SHA384",
            "rustls' first choice"
        );
        // After the hellos, everything is application_data (but TLS 1.3's compatibility CCS).
        for d in Direction::BOTH {
            let rest = tls.flow(d).records.iter().skip(1);
            assert!(rest.clone().all(|s| matches!(
                s.record.content_type,
                ContentType::ApplicationData | ContentType::ChangeCipherSpec
            )));
            // Each frame's record is found by offset; the client's Hello went alone in 5+22 bytes.
            let map = tls
                .flow(d)
                .carried(t.connection(conn).expect("c").flow(d).bytes)
                .expect("matched");
            assert!(!map.is_empty());
        }
    });
    let overheads =
        recorder.read(|t| wslab::render::tls::overheads(t.connection(conn).expect("c")));
    let hello_frame = overheads
        .iter()
        .find(|o| o.direction == Direction::ClientToServer && o.frame == 1)
        .expect("frame 1 alone");
    assert_eq!(
        (hello_frame.frame_bytes, hello_frame.record_bytes),
        (11, 11 + 22),
        "5 header + 16 tag + 1 type"
    );
    lab.shutdown().await;
}

async fn refused(lab: &Lab, trust: Trust) -> ClientError {
    let options = ClientOptions {
        tls: TlsOptions {
            trust,
            keylog: None,
        },
        ..trusting(lab)
    };
    WsClient::connect(&wss(lab, "/echo"), &Recorder::default(), &options)
        .await
        .expect_err("refused")
}

#[tokio::test]
async fn trust_is_as_documented() {
    let lab = tls_lab().await;
    let dir = std::env::temp_dir().join(format!("wslab-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");

    // --ca with the lab's CA: trusted.
    let ca = dir.join("lab-ca.pem");
    std::fs::write(&ca, lab.cert().expect("tls").ca_pem()).expect("written");
    let options = ClientOptions {
        tls: TlsOptions {
            trust: Trust::Ca(ca),
            keylog: None,
        },
        ..trusting(&lab)
    };
    hello(&lab, &wss(&lab, "/echo"), &options).await;

    // --insecure: any certificate.
    let options = ClientOptions {
        tls: TlsOptions {
            trust: Trust::Insecure,
            keylog: None,
        },
        ..trusting(&lab)
    };
    hello(&lab, &wss(&lab, "/echo"), &options).await;

    // --ca with another CA (another run's): the plain unknown-issuer sentence.
    let other = dir.join("other-ca.pem");
    std::fs::write(&other, LabCert::generate().expect("made").ca_pem()).expect("written");
    let error = refused(&lab, Trust::Ca(other)).await;
    assert!(
        matches!(error, ClientError::Tls(TlsError::UnknownIssuer)),
        "{error:?}"
    );
    assert!(error.to_string().starts_with(
        "the server's certificate was issued by a CA this client does not trust (unknown issuer)"
    ));

    // A CA the lab did not use, given in memory, fails the same way; the lab's own log says
    // why the client hung up.
    let stranger = LabCert::generate().expect("made").roots();
    let error = refused(&lab, Trust::Roots(Arc::new(stranger))).await;
    assert!(
        matches!(error, ClientError::Tls(TlsError::UnknownIssuer)),
        "{error:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let recorder = lab.recorder().clone();
    lab.shutdown().await;
    // The lab's side of each refusal is closed with what the lab saw: the client hung up
    // mid-handshake (rustls' client does not always get its alert out before it does).
    recorder.read(|t| {
        let refused: Vec<_> = t
            .connections()
            .filter(|c| c.flow(Direction::ClientToServer).bytes == 0)
            .collect();
        assert_eq!(refused.len(), 2);
        for c in refused {
            assert!(c.closed_us.is_some());
            if let Some(error) = &c.error {
                assert!(
                    error.starts_with("the connection closed during the TLS handshake")
                        || error.starts_with("the peer refused the TLS handshake"),
                    "{error}"
                );
            }
        }
    });
}

#[tokio::test]
async fn a_client_that_stops_mid_handshake_is_let_go_with_a_reason() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let config = LabConfig {
        tick: NEVER,
        ..LabConfig::default()
    };
    let timeouts = Timeouts {
        head: Duration::from_millis(200),
        ..Timeouts::default()
    };
    let cert = LabCert::generate().expect("made");
    let lab = Lab::start_tls(config, timeouts, Recorder::default(), cert)
        .await
        .expect("starts");
    let mut socket = tokio::net::TcpStream::connect(lab.addr())
        .await
        .expect("connects");
    // A handshake record's header, promising 512 bytes that never come.
    socket
        .write_all(&[0x16, 0x03, 0x01, 0x02, 0x00])
        .await
        .expect("written");
    let mut rest = Vec::new();
    let _ = socket.read_to_end(&mut rest).await;
    let recorder = lab.recorder().clone();
    lab.shutdown().await;
    let error = recorder.read(|t| t.connections().next().and_then(|c| c.error.clone()));
    assert_eq!(
        error.as_deref(),
        Some("the TLS handshake did not finish within 0.2 s")
    );
}

#[tokio::test]
async fn wss_to_a_plain_lab_says_it_is_not_tls() {
    let lab = common::lab(NEVER).await;
    let target = url::parse(&lab.url("/echo").replace("ws://", "wss://")).expect("parses");
    let options = ClientOptions {
        tls: TlsOptions {
            trust: Trust::Insecure,
            keylog: None,
        },
        ..common::options()
    };
    let error = WsClient::connect(&target, &Recorder::default(), &options)
        .await
        .expect_err("not TLS");
    assert!(
        matches!(error, ClientError::Tls(TlsError::NotTls(_))),
        "{error:?}"
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn the_key_log_lets_tshark_decrypt_the_pcap() {
    let lab = tls_lab().await;
    let dir = std::env::temp_dir().join(format!("wslab-keylog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let keys = dir.join("keys.txt");
    let options = ClientOptions {
        tls: TlsOptions {
            trust: Trust::Roots(Arc::new(lab.cert().expect("tls").roots())),
            keylog: Some(keys.clone()),
        },
        ..trusting(&lab)
    };
    let (recorder, _client) = hello(&lab, &wss(&lab, "/echo"), &options).await;
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
    let packets = pcap_reader::read(&pcap);
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
    let Some(text) = tshark::read(pcap, &args) else {
        return;
    };
    assert!(
        text.lines()
            .any(|l| l.starts_with("1\t") && l.contains("Hello")),
        "tshark shows the text frame: {text}"
    );
}

#[tokio::test]
async fn the_har_names_the_secure_scheme() {
    let lab = tls_lab().await;
    let (recorder, _client) = hello(&lab, &wss(&lab, "/echo"), &trusting(&lab)).await;
    let har = recorder.read(|t| export(t, Format::Har, 0));
    let har: serde_json::Value = serde_json::from_slice(&har).expect("valid JSON");
    let url = har["log"]["entries"][0]["request"]["url"]
        .as_str()
        .expect("a URL");
    assert!(url.starts_with("wss://"), "{url}");
    let messages = har["log"]["entries"][0]["_webSocketMessages"]
        .as_array()
        .expect("messages");
    assert!(
        messages.iter().any(|m| m["data"] == "Hello"),
        "{messages:?}"
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn json_lines_list_the_records_with_what_they_carried() {
    let lab = tls_lab().await;
    let (recorder, _client) = hello(&lab, &wss(&lab, "/echo"), &trusting(&lab)).await;
    let lines = recorder.read(|t| export(t, Format::JsonLines, 0));
    let records: Vec<serde_json::Value> = String::from_utf8(lines)
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .filter(|v: &serde_json::Value| v["type"] == "tls-record")
        .collect();
    assert_eq!(records[0]["content_type"], "handshake");
    assert!(
        records[0]["summary"]
            .as_str()
            .expect("text")
            .contains("ClientHello")
    );
    assert!(
        records.iter().any(|r| r["direction"] == "client-to-server"
            && r["carried"]
                .as_str()
                .is_some_and(|c| c.starts_with("frame 1 (text, 11 B)"))),
        "the Hello frame's record is named: {records:?}"
    );
    lab.shutdown().await;
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
    if let Some(text) = tshark::read(
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

#[tokio::test]
async fn a_silent_client_of_a_tls_lab_gets_the_plain_408() {
    use tokio::io::AsyncReadExt as _;
    let config = LabConfig {
        tick: NEVER,
        ..LabConfig::default()
    };
    let timeouts = Timeouts {
        head: Duration::from_millis(200),
        ..Timeouts::default()
    };
    let cert = LabCert::generate().expect("made");
    let lab = Lab::start_tls(config, timeouts, Recorder::default(), cert)
        .await
        .expect("starts");
    let mut socket = tokio::net::TcpStream::connect(lab.addr())
        .await
        .expect("connects");
    // Nothing sent: neither TLS nor HTTP. The lab answers as a plain lab does.
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 408 Request Timeout"),
        "{answer}"
    );
    assert!(
        answer.contains("no complete request head within 0.2 s"),
        "{answer}"
    );
    lab.shutdown().await;
}
