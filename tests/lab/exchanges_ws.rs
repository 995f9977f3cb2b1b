//! Real WebSocket exchanges between wslab's own client and the lab server on loopback: echo at
//! each length boundary, fragments, ping, both ways to close, a pinned mask, subprotocols, chat
//! and the ticker. Each is checked three ways: what the application got, what the client's tap
//! captured, and what the lab's tap captured; the self-check (dissector versus library) must
//! hold in every one. Port 0, no sleeps: every wait is on an event or on the client's own
//! timeout.

use std::time::Duration;

use crate::common::exchange::{
    KEY, NEVER, assert_same_bytes_both_ends, assert_self_check, connect, connect_with, finish, lab,
    options, pinned, round_trip,
};
use bytes::Bytes;
use tokio_tungstenite::tungstenite::Message;
use wslab::capture::Direction;
use wslab::capture::selfcheck::Verdict;
use wslab::capture::timing::RoundTrips;
use wslab::net::{ClientOptions, Masking, Outgoing, Recorder};
use wslab::proto::{LengthEncoding, OpCode, Violation};

#[tokio::test]
async fn handshake_and_echo_at_each_length_boundary() {
    let lab = lab(NEVER).await;
    let recorder = Recorder::default();
    let mut client = connect(&lab, "/echo", &recorder).await;
    let sizes = [0usize, 125, 126, 65_535, 65_536];
    for &size in &sizes {
        let payload = Bytes::from((0..size).map(|i| (i % 251) as u8).collect::<Vec<u8>>());
        client
            .send(Outgoing::Binary(payload.clone()))
            .await
            .expect("sent");
        let Some(Message::Binary(echo)) = client.recv().await.expect("an echo") else {
            panic!("no binary echo")
        };
        assert_eq!(echo, payload);
    }
    round_trip(
        &mut client,
        Outgoing::Text("héllo".into()),
        Message::text("héllo"),
    )
    .await;
    finish(&mut client).await;
    let conn = client.conn().expect("recorded");
    assert_self_check(&recorder, &client, true);
    drop(client);
    recorder.read(|t| {
        let c = t.connection(conn).expect("connection");
        let request = &c.requests().http[0];
        assert_eq!(request.head.header("sec-websocket-key"), Some(KEY));
        let response = &c.responses().http[0];
        assert_eq!(
            response.head.header("sec-websocket-accept"),
            Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        );
        let forms = |d: Direction| -> Vec<(u64, LengthEncoding)> {
            c.flow(d)
                .frames
                .iter()
                .take(sizes.len())
                .map(|f| (f.item.payload_len(), f.item.header.length_encoding()))
                .collect()
        };
        let expected = vec![
            (0, LengthEncoding::Seven),
            (125, LengthEncoding::Seven),
            (126, LengthEncoding::Sixteen),
            (65_535, LengthEncoding::Sixteen),
            (65_536, LengthEncoding::SixtyFour),
        ];
        assert_eq!(forms(Direction::ClientToServer), expected);
        assert_eq!(forms(Direction::ServerToClient), expected);
        for d in Direction::BOTH {
            assert!(
                c.flow(d)
                    .frames
                    .iter()
                    .all(|f| f.item.violations.is_empty())
            );
            assert_eq!(c.flow(d).problem, None);
        }
        assert!(c.requests().frames.iter().all(|f| f.item.header.masked()));
        assert!(c.responses().frames.iter().all(|f| !f.item.header.masked()));
    });
    assert_same_bytes_both_ends(&recorder, conn, &lab);
    // The lab's half of the self-check: what its tungstenite delivered to /echo (5 binary, 1
    // text, 1 close) against what its own tap captured from the client.
    let lab_verdict = lab
        .recorder()
        .read(|t| t.connections().last().and_then(|c| c.self_check.clone()));
    assert_eq!(lab_verdict, Some(Verdict::Agree(7)));
}

#[tokio::test]
async fn a_fragmented_message_with_a_ping_between_its_fragments() {
    let lab = lab(NEVER).await;
    let recorder = Recorder::default();
    let mut client = connect(&lab, "/echo", &recorder).await;
    let parts = ["Hel", "lo, ", "world"]
        .map(|p| Bytes::from_static(p.as_bytes()))
        .to_vec();
    client
        .send(Outgoing::FragmentsWithPing {
            opcode: OpCode::Text,
            parts,
            after: 0,
            ping: Bytes::from_static(b"mid"),
        })
        .await
        .expect("sent");
    // The pong answers at once; the echo comes when the last fragment has arrived.
    assert_eq!(
        client.recv().await.expect("pong"),
        Some(Message::Pong(Bytes::from_static(b"mid")))
    );
    assert_eq!(
        client.recv().await.expect("echo"),
        Some(Message::text("Hello, world"))
    );
    finish(&mut client).await;
    assert_self_check(&recorder, &client, true);
    let conn = client.conn().expect("recorded");
    recorder.read(|t| {
        let sent = t.connection(conn).expect("connection").requests();
        let frames: Vec<(OpCode, bool)> = sent
            .frames
            .iter()
            .map(|f| (f.item.header.opcode(), f.item.header.fin()))
            .collect();
        assert_eq!(
            &frames[..4],
            [
                (OpCode::Text, false),
                (OpCode::Ping, true),
                (OpCode::Continuation, false),
                (OpCode::Continuation, true)
            ]
        );
        let messages: Vec<(OpCode, u64)> = sent
            .messages
            .iter()
            .map(|m| (m.item.opcode, m.item.length))
            .collect();
        assert_eq!(&messages[..2], [(OpCode::Ping, 3), (OpCode::Text, 12)]);
        assert_eq!(sent.messages[1].item.frame_count, 3);
    });
}

#[tokio::test]
async fn ping_gets_its_pong_and_the_round_trip_is_measured() {
    let lab = lab(NEVER).await;
    let recorder = Recorder::default();
    let mut client = connect(&lab, "/echo", &recorder).await;
    round_trip(
        &mut client,
        Outgoing::Ping(Bytes::from_static(b"hb-1")),
        Message::Pong(Bytes::from_static(b"hb-1")),
    )
    .await;
    // An unsolicited pong is lawful (§5.5.3) and gets no answer.
    client
        .send(Outgoing::Pong(Bytes::from_static(b"unasked")))
        .await
        .expect("sent");
    finish(&mut client).await;
    assert_self_check(&recorder, &client, true);
    let conn = client.conn().expect("recorded");
    let trips = recorder.read(|t| RoundTrips::of(t.connection(conn).expect("connection")));
    assert_eq!(trips.pings.len(), 1);
    assert!(trips.handshake_us.is_some());
}

#[tokio::test]
async fn close_started_by_the_client_is_echoed_by_the_server() {
    let lab = lab(NEVER).await;
    let recorder = Recorder::default();
    let mut client = connect(&lab, "/echo", &recorder).await;
    client.close(4000, "bye").await.expect("sent");
    client.drain().await.expect("clean close");
    assert_self_check(&recorder, &client, true);
    let conn = client.conn().expect("recorded");
    recorder.read(|t| {
        let c = t.connection(conn).expect("connection");
        let close = |d: Direction| {
            c.flow(d)
                .messages
                .last()
                .and_then(|m| m.item.close.clone())
                .expect("a close")
        };
        assert_eq!(
            (
                close(Direction::ClientToServer).code,
                close(Direction::ClientToServer).reason.as_str()
            ),
            (Some(4000), "bye")
        );
        assert_eq!(
            close(Direction::ServerToClient).code,
            Some(4000),
            "the server echoes the code (§5.5.1)"
        );
        // The server ends TCP first after the closing handshake (§7.1.1).
        assert!(c.responses().ended_us.is_some());
    });
}

#[tokio::test]
async fn close_started_by_the_server_when_a_client_frame_is_unmasked() {
    let lab = lab(NEVER).await;
    let recorder = Recorder::default();
    let options = ClientOptions {
        masking: Masking::Unmasked,
        ..options()
    };
    let mut client = connect_with(&lab, "/fault/strict-mask", &recorder, &options)
        .await
        .expect("handshake");
    client
        .send(Outgoing::Text("no mask".into()))
        .await
        .expect("sent");
    let Some(Message::Close(Some(frame))) = client.recv().await.expect("a close") else {
        panic!("the server must close")
    };
    assert_eq!(u16::from(frame.code), 1002);
    let _ = client.drain().await;
    assert_self_check(&recorder, &client, true);
    let conn = client.conn().expect("recorded");
    recorder.read(|t| {
        let c = t.connection(conn).expect("connection");
        assert_eq!(
            c.requests().frames[0].item.violations,
            [Violation::UnmaskedClientFrame]
        );
        let reply = c
            .requests()
            .messages
            .last()
            .expect("the client's close reply");
        assert_eq!(reply.item.close.as_ref().and_then(|c| c.code), Some(1002));
    });
}

#[tokio::test]
async fn a_pinned_masking_key_gives_the_rfc_bytes() {
    let lab = lab(NEVER).await;
    let recorder = Recorder::default();
    let options = pinned();
    let mut client = connect_with(&lab, "/echo", &recorder, &options)
        .await
        .expect("handshake");
    round_trip(
        &mut client,
        Outgoing::Text("Hello".into()),
        Message::text("Hello"),
    )
    .await;
    finish(&mut client).await;
    let conn = client.conn().expect("recorded");
    let first = recorder.read(|t| {
        t.connection(conn).expect("connection").requests().frames[0]
            .item
            .span()
    });
    let raw = recorder.read(|t| t.raw(conn, Direction::ClientToServer));
    let span = usize::try_from(first.start).unwrap()..usize::try_from(first.end).unwrap();
    // RFC 6455 §5.7: a single-frame masked text message.
    assert_eq!(
        raw[span],
        [
            0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58
        ]
    );
    assert_self_check(&recorder, &client, true);
}

#[tokio::test]
async fn subprotocol_is_chosen_from_the_offer() {
    let lab = lab(NEVER).await;
    let recorder = Recorder::default();
    let options = ClientOptions {
        protocols: vec!["v2.unknown".into(), "chat".into()],
        ..options()
    };
    let mut client = connect_with(&lab, "/echo", &recorder, &options)
        .await
        .expect("handshake");
    assert_eq!(client.protocol(), Some("chat"));
    finish(&mut client).await;
}

#[tokio::test]
async fn chat_broadcasts_to_three_clients() {
    let lab = lab(NEVER).await;
    let recorder = Recorder::default();
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(connect(&lab, "/chat", &recorder).await);
    }
    for (i, client) in clients.iter_mut().enumerate() {
        client
            .send(Outgoing::Text(format!("from {i}")))
            .await
            .expect("sent");
    }
    for client in &mut clients {
        let mut got = Vec::new();
        while got.len() < 3 {
            if let Some(Message::Text(text)) = client.recv().await.expect("a chat line") {
                got.push(text.to_string());
            }
        }
        got.sort();
        assert!(
            got.iter()
                .zip(["from 0", "from 1", "from 2"])
                .all(|(g, want)| g.contains(want)),
            "{got:?}"
        );
    }
    for client in &mut clients {
        finish(client).await;
        assert_self_check(&recorder, client, true);
    }
}

#[tokio::test]
async fn ticker_pushes_without_being_asked() {
    let lab = lab(Duration::from_millis(10)).await;
    let recorder = Recorder::default();
    let mut client = connect(&lab, "/ticker", &recorder).await;
    let mut ticks = 0;
    while ticks < 2 {
        if let Some(Message::Text(text)) = client.recv().await.expect("a tick") {
            assert!(text.contains("\"id\""), "{text}");
            ticks += 1;
        }
    }
    finish(&mut client).await;
    assert_self_check(&recorder, &client, true);
    let conn = client.conn().expect("recorded");
    let sent_data = recorder.read(|t| {
        t.connection(conn)
            .expect("connection")
            .requests()
            .messages
            .iter()
            .filter(|m| matches!(m.item.opcode, OpCode::Text | OpCode::Binary))
            .count()
    });
    assert_eq!(sent_data, 0, "the client never asked");
}
