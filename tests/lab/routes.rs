//! Every route the lab lists does its own distinguishing thing, on a real loopback socket:
//! each fault of `Fault::ALL` breaks the rule it names, and each endpoint of `Endpoint::ALL`
//! answers as its description says. The checks are exhaustive matches, so a route added
//! without a test here does not compile. No sleeps, no fixed ports.

use crate::common::lab::{
    KEY, NEVER, exchange, lab, raw_upgrade, server_frames, upgrade_request, ws,
};
use futures_util::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use wslab::net::Recorder;
use wslab::net::lab::Lab;
use wslab::proto::encode::{FrameSpec, encode};
use wslab::proto::limits::CONTROL_PAYLOAD_MAX;
use wslab::proto::{Config, Derivation, Dissector, Event, OpCode, Side, Violation};
use wslab::routes::{Endpoint, Fault};

/// The response head's value of `name`, if it has one.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// A correct 101, then the first frame the server sends unasked.
async fn first_frame(lab: &Lab, fault: Fault) -> wslab::proto::Frame {
    let (mut stream, head, rest) = raw_upgrade(lab, &fault.path()).await;
    assert!(head.starts_with("HTTP/1.1 101"), "{fault}: {head}");
    assert_eq!(
        header(&head, "Sec-WebSocket-Accept"),
        Some(Derivation::new(KEY).accept.as_str()),
        "{fault}"
    );
    server_frames(&mut stream, rest, 1).await.remove(0)
}

/// Proves that `fault` does what makes it that fault.
async fn does_its_own_thing(lab: &Lab, fault: Fault) {
    let right = Derivation::new(KEY).accept;
    match fault {
        Fault::WrongAccept => {
            let (_, head, _) = raw_upgrade(lab, &fault.path()).await;
            assert!(head.starts_with("HTTP/1.1 101"), "{head}");
            let accept = header(&head, "Sec-WebSocket-Accept").expect("an Accept");
            assert_eq!(accept.len(), 28, "still base64 of 20 bytes");
            assert_ne!(accept, right);
        }
        Fault::Status200 => {
            let (_, head, body) = raw_upgrade(lab, &fault.path()).await;
            assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
            assert_eq!(
                header(&head, "Content-Length"),
                Some(body.len().to_string().as_str())
            );
        }
        Fault::NoUpgrade => {
            let (_, head, _) = raw_upgrade(lab, &fault.path()).await;
            assert!(head.starts_with("HTTP/1.1 101"), "{head}");
            assert_eq!(header(&head, "Sec-WebSocket-Accept"), Some(right.as_str()));
            assert_eq!(header(&head, "Upgrade"), None);
        }
        Fault::Version426 => {
            let (_, head, _) = raw_upgrade(lab, &fault.path()).await;
            assert!(head.starts_with("HTTP/1.1 426 Upgrade Required"), "{head}");
            assert_eq!(header(&head, "Sec-WebSocket-Version"), Some("13"));
        }
        Fault::MaskedFrame => {
            let frame = first_frame(lab, fault).await;
            assert_eq!(frame.header.opcode(), OpCode::Text);
            assert!(frame.header.masked());
            assert!(frame.violations.contains(&Violation::MaskedServerFrame));
        }
        Fault::StrictMask => strict_mask(lab).await,
        Fault::BadUtf8 => {
            let frame = first_frame(lab, fault).await;
            assert_eq!(frame.header.opcode(), OpCode::Text);
            assert!(std::str::from_utf8(&frame.payload).is_err());
        }
        Fault::BigPing => {
            let frame = first_frame(lab, fault).await;
            assert_eq!(frame.header.opcode(), OpCode::Ping);
            assert_eq!(frame.payload.len(), CONTROL_PAYLOAD_MAX + 1);
            assert!(
                frame
                    .violations
                    .contains(&Violation::ControlFrameTooLong { length: 126 })
            );
        }
        Fault::Garbage => {
            let answer = exchange(lab, upgrade_request(&fault.path(), "13").as_bytes()).await;
            assert!(!answer.is_empty());
            assert!(!answer.starts_with(b"HTTP/"), "{answer:?}");
        }
        Fault::Hang => {
            // The client says all it has to say; the lab reads it and answers nothing.
            let mut stream = TcpStream::connect(lab.addr()).await.unwrap();
            let request = upgrade_request(&fault.path(), "13");
            stream.write_all(request.as_bytes()).await.unwrap();
            stream.shutdown().await.unwrap();
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await.unwrap();
            assert!(answer.is_empty(), "{answer:?}");
        }
    }
}

// A masked frame is echoed; an unmasked one is answered with a close, 1002.
async fn strict_mask(lab: &Lab) {
    let (mut stream, head, rest) = raw_upgrade(lab, &Fault::StrictMask.path()).await;
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    let masked = encode(FrameSpec::new(OpCode::Text, Some([9, 8, 7, 6])), b"hello");
    stream.write_all(&masked).await.unwrap();
    let echoed = server_frames(&mut stream, rest, 1).await;
    assert_eq!(&echoed[0].payload[..], b"hello");
    let unmasked = encode(FrameSpec::new(OpCode::Text, None), b"hi");
    stream.write_all(&unmasked).await.unwrap();
    let mut after = Vec::new();
    stream.read_to_end(&mut after).await.unwrap();
    let events = Dissector::new(Config::new(Side::Server)).feed(&after);
    let Some(Event::Message(close)) = events.last() else {
        panic!("no close in {after:?}");
    };
    assert_eq!(close.close.as_ref().and_then(|c| c.code), Some(1002));
}

#[tokio::test]
async fn every_fault_does_its_own_thing() {
    let lab = lab(NEVER).await;
    for fault in Fault::ALL {
        does_its_own_thing(&lab, fault).await;
    }
    // A name that is no fault is not served as one.
    let answer = exchange(&lab, upgrade_request("/fault/nonsense", "13").as_bytes()).await;
    assert!(answer.starts_with(b"HTTP/1.1 404"));
    lab.shutdown().await;
}

/// Proves that `endpoint` answers as its description says.
async fn answers_as_documented(lab: &Lab, endpoint: Endpoint) {
    let recorder = Recorder::default();
    let path = endpoint.path();
    match endpoint {
        Endpoint::Echo => {
            let mut client = ws(lab, path, &recorder).await;
            client.send(Message::text("hello")).await.unwrap();
            assert_eq!(
                client.next().await.unwrap().unwrap(),
                Message::text("hello")
            );
            client.send(Message::binary(vec![1, 2])).await.unwrap();
            assert_eq!(
                client.next().await.unwrap().unwrap(),
                Message::binary(vec![1, 2])
            );
            client.close(None).await.unwrap();
        }
        Endpoint::Chat => {
            let mut one = ws(lab, path, &recorder).await;
            let mut two = ws(lab, path, &recorder).await;
            one.send(Message::text("hi all")).await.unwrap();
            // Everyone in the room hears it, the sender included.
            for client in [&mut one, &mut two] {
                assert_eq!(
                    client.next().await.unwrap().unwrap(),
                    Message::text("hi all")
                );
            }
        }
        Endpoint::Ticker => {
            let mut client = ws(lab, path, &recorder).await;
            // The pong says the endpoint is reading, so it has started watching the feed and
            // the update published next is one it pushes.
            client.send(Message::Ping("sync".into())).await.unwrap();
            let pong = client.next().await.unwrap().unwrap();
            assert_eq!(pong, Message::Pong("sync".into()));
            let id = lab.publish("news");
            // Pushed unasked: the client has sent nothing.
            let text = client.next().await.unwrap().unwrap().into_text().unwrap();
            let update: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(update["id"].as_u64(), Some(id));
            assert_eq!(update["text"], "news");
        }
        Endpoint::Goodbye => {
            let mut client = ws(lab, path, &recorder).await;
            let first = client.next().await.unwrap().unwrap();
            assert!(matches!(first, Message::Text(_)), "{first:?}");
            let Message::Close(Some(close)) = client.next().await.unwrap().unwrap() else {
                panic!("a close frame, sent first by the lab")
            };
            assert_eq!(u16::from(close.code), 1001);
        }
    }
}

#[tokio::test]
async fn every_endpoint_answers_as_documented() {
    let lab = lab(NEVER).await;
    for endpoint in Endpoint::ALL {
        answers_as_documented(&lab, endpoint).await;
    }
    lab.shutdown().await;
}
