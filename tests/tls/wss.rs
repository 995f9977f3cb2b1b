//! wss:// on loopback with the lab's generated certificate: both layers captured, the
//! plaintext layer the same as ws://, the ciphertext layer free of it, the record dissector
//! against real hellos, and the exports that name the secure scheme.

use crate::common::exchange::{KEY, assert_self_check};
use crate::common::tls::{hello, tls_lab, trusting, ws_by_name, wss};
use bytes::Bytes;
use wslab::capture::{Direction, Layer};
use wslab::export::{Format, export};
use wslab::net::Recorder;
use wslab::net::url;
use wslab::proto::tls::{ContentType, Hello};

#[tokio::test]
async fn an_echo_over_wss_is_captured_at_both_layers() {
    let lab = tls_lab().await;
    let (recorder, client) = hello(&wss(&lab, "/echo"), &trusting(&lab)).await;
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
    let (secure, s) = hello(&wss(&lab, "/echo"), &options).await;
    let (plain, p) = hello(&ws_by_name(&lab, "/echo"), &options).await;
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
    let (recorder, client) = hello(&wss(&lab, "/echo"), &trusting(&lab)).await;
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
    let (recorder, client) = hello(&target, &trusting(&lab)).await;
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

#[tokio::test]
async fn the_har_names_the_secure_scheme() {
    let lab = tls_lab().await;
    let (recorder, _client) = hello(&wss(&lab, "/echo"), &trusting(&lab)).await;
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
    let (recorder, _client) = hello(&wss(&lab, "/echo"), &trusting(&lab)).await;
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
