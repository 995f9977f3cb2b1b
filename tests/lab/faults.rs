//! The lab's misbehaving servers over real loopback sockets: each handshake fault and frame
//! fault breaks the rule it names, checked from the client's side and in the lab's own
//! transcript. No sleeps, no fixed ports.

use std::time::Duration;

use crate::common::lab::{
    KEY, NEVER, exchange, lab, lab_messages, lab_server_frames, lab_with, raw_upgrade,
    server_frames, upgrade_request,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use wslab::capture::Direction;
use wslab::net::lab::Timeouts;
use wslab::net::tcp;
use wslab::proto::encode::{FrameSpec, encode};
use wslab::proto::{Config, Derivation, Dissector, Event, OpCode, Side, Violation};

#[tokio::test]
async fn handshake_faults_break_the_handshake() {
    let lab = lab(NEVER).await;
    let right = Derivation::new(KEY).accept;

    let (_, head, _) = raw_upgrade(&lab, "/fault/wrong-accept").await;
    assert!(head.starts_with("HTTP/1.1 101"));
    let accept = head
        .lines()
        .find_map(|l| l.strip_prefix("Sec-WebSocket-Accept: "))
        .unwrap();
    assert_eq!(accept.len(), 28);
    assert_ne!(accept, right);

    let (_, head, body) = raw_upgrade(&lab, "/fault/status-200").await;
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(head.contains(&format!("Content-Length: {}\r\n", body.len())));

    let (_, head, _) = raw_upgrade(&lab, "/fault/no-upgrade").await;
    assert!(head.starts_with("HTTP/1.1 101"));
    assert!(head.contains(&right));
    assert!(!head.to_ascii_lowercase().contains("upgrade: websocket"));

    let (_, head, _) = raw_upgrade(&lab, "/fault/version-426").await;
    assert!(head.starts_with("HTTP/1.1 426"));
    assert!(head.contains("Sec-WebSocket-Version: 13\r\n"));

    // A real client refuses every one of them.
    for fault in ["wrong-accept", "status-200", "no-upgrade", "version-426"] {
        let tap = tcp::connect(lab.addr(), lab.recorder(), "client")
            .await
            .unwrap();
        let url = lab.url(&format!("/fault/{fault}"));
        assert!(
            tokio_tungstenite::client_async(url, tap).await.is_err(),
            "{fault}"
        );
    }
    lab.shutdown().await;
}

/// Whether a violation is the one a fault means to commit.
type Rule = fn(&Violation) -> bool;

#[tokio::test]
async fn frame_faults_send_frames_that_break_a_rule() {
    let cases: [(&str, OpCode, Rule); 3] = [
        ("/fault/masked-frame", OpCode::Text, |v| {
            *v == Violation::MaskedServerFrame
        }),
        ("/fault/bad-utf8", OpCode::Text, |v| {
            matches!(v, Violation::InvalidUtf8Text { .. })
        }),
        ("/fault/big-ping", OpCode::Ping, |v| {
            *v == Violation::ControlFrameTooLong { length: 126 }
        }),
    ];
    for (path, opcode, broken) in cases {
        let lab = lab(NEVER).await;
        let (mut stream, head, rest) = raw_upgrade(&lab, path).await;
        assert!(head.starts_with("HTTP/1.1 101"));
        assert!(head.contains(&Derivation::new(KEY).accept));
        let frames = server_frames(&mut stream, rest, 1).await;
        assert_eq!(frames[0].header.opcode(), opcode);
        assert!(frames[0].violations.iter().any(broken), "{path}");
        // The lab's own capture saw the same frame, and the same broken rule.
        let recorded = lab_server_frames(&lab);
        assert_eq!(recorded[0].header, frames[0].header);
        assert!(recorded[0].violations.iter().any(broken));

        // A close is answered with a close, then the lab hangs up.
        let close = encode(
            FrameSpec::new(OpCode::Close, Some([1, 2, 3, 4])),
            &[0x03, 0xe8],
        );
        stream.write_all(&close).await.unwrap();
        let mut after = Vec::new();
        stream.read_to_end(&mut after).await.unwrap();
        assert_eq!(after, [0x88, 0x02, 0x03, 0xe8]);
        lab.shutdown().await;
    }
}

#[tokio::test]
async fn strict_mask_echoes_masked_frames_and_closes_on_an_unmasked_one() {
    let lab = lab(NEVER).await;
    let (mut stream, head, rest) = raw_upgrade(&lab, "/fault/strict-mask").await;
    assert!(head.starts_with("HTTP/1.1 101"));
    let masked = encode(FrameSpec::new(OpCode::Text, Some([9, 8, 7, 6])), b"hello");
    stream.write_all(&masked).await.unwrap();
    let echoed = server_frames(&mut stream, rest, 1).await;
    assert_eq!(&echoed[0].payload[..], b"hello");
    assert!(!echoed[0].header.masked());

    stream
        .write_all(&encode(FrameSpec::new(OpCode::Text, None), b"hi"))
        .await
        .unwrap();
    let mut after = Vec::new();
    stream.read_to_end(&mut after).await.unwrap();
    let mut dissector = Dissector::new(Config::new(Side::Server));
    let events = dissector.feed(&after);
    let Some(Event::Message(close)) = events.last() else {
        panic!("no close in {after:?}");
    };
    let close = close.close.clone().unwrap();
    assert_eq!(close.code, Some(1002));
    assert_eq!(close.reason, "client frames must be masked (RFC 6455 §5.1)");

    let recorded = lab_messages(&lab, Direction::ServerToClient);
    assert_eq!(recorded.last().unwrap().0, OpCode::Close);
    let sent = lab.recorder().read(|t| {
        let connection = t.connections().last().unwrap();
        connection.requests().frames[1].item.violations.clone()
    });
    assert_eq!(sent, [Violation::UnmaskedClientFrame]);
    lab.shutdown().await;
}

#[tokio::test]
async fn garbage_and_hang_faults() {
    let lab = lab(NEVER).await;
    let answer = exchange(&lab, upgrade_request("/fault/garbage", "13").as_bytes()).await;
    assert!(answer.starts_with(b"SSH-2.0-OpenSSH_9.6\r\n"));
    let problem = lab
        .recorder()
        .read(|t| t.connections().last().unwrap().responses().problem.clone());
    assert!(
        problem
            .unwrap()
            .to_string()
            .contains("not an HTTP response")
    );

    // The hang fault answers nothing, ever: the client gives up and sees no byte.
    let mut stream = TcpStream::connect(lab.addr()).await.unwrap();
    stream
        .write_all(upgrade_request("/fault/hang", "13").as_bytes())
        .await
        .unwrap();
    stream.shutdown().await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    assert!(answer.is_empty());
    lab.shutdown().await;
}

#[tokio::test]
async fn faults_end_after_their_time_limit() {
    let lab = lab_with(Timeouts {
        fault: Duration::from_millis(100),
        ..Timeouts::default()
    })
    .await;
    // Neither the hang nor a fault reading what comes after its answer waits for a client that
    // stays connected and silent.
    for path in ["/fault/hang", "/fault/masked-frame", "/fault/strict-mask"] {
        let mut stream = TcpStream::connect(lab.addr()).await.unwrap();
        stream
            .write_all(upgrade_request(path, "13").as_bytes())
            .await
            .unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        assert_eq!(answer.is_empty(), path == "/fault/hang", "{path}");
    }
    lab.shutdown().await;
}
