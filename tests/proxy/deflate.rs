//! The proxy in front of a server that negotiates permessage-deflate: the compressed frame is
//! relayed byte for byte, and the capture and the JSON Lines show it inflated.

use crate::common::proxy::proxy;
use crate::common::python;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use wslab::capture::{ConnId, Direction, Learned, Update};
use wslab::proto::{Derivation, Inflated};
use wslab::render::lines::{Line, of_update};

const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
// RFC 7692 §7.2.3.1: "Hello" compressed, in one unmasked text frame with RSV1 set.
const HELLO: [u8; 9] = [0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];

pub(crate) fn request() -> Vec<u8> {
    format!(
        "GET /raw HTTP/1.1\r\nHost: upstream\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n"
    )
    .into_bytes()
}

pub(crate) fn response() -> Vec<u8> {
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
        Derivation::new(KEY).accept
    )
    .into_bytes()
}

pub(crate) async fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8];
        if stream.read(&mut byte).await.unwrap() == 0 {
            break;
        }
        head.push(byte[0]);
    }
    head
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compressed_frame_is_relayed_unchanged_and_shown_inflated() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = proxy(listener.local_addr().unwrap()).await;
    let upstream = async {
        let (mut stream, _) = listener.accept().await.unwrap();
        read_head(&mut stream).await;
        stream.write_all(&response()).await.unwrap();
        stream.write_all(&HELLO).await.unwrap();
        stream.shutdown().await.unwrap();
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).await.unwrap();
    };
    let client = async {
        let mut stream = TcpStream::connect(proxy.addr()).await.unwrap();
        stream.write_all(&request()).await.unwrap();
        assert_eq!(read_head(&mut stream).await, response());
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).await.unwrap();
        stream.shutdown().await.unwrap();
        rest
    };
    let ((), got) = tokio::join!(upstream, client);
    assert_eq!(got, HELLO, "the compressed frame changed on the way");
    proxy.idle().await;
    proxy.recorder().read(|t| {
        let c = t.connection(ConnId(0)).unwrap();
        let m = &c.responses().messages[0].item;
        assert!(m.compressed);
        let Some(Inflated::Done {
            preview, length, ..
        }) = &m.inflated
        else {
            panic!("not inflated: {:?}", m.inflated)
        };
        assert_eq!((&preview[..], *length), (&b"Hello"[..], 5));
        // The frame line shows the bytes that crossed; the message line what they inflate to.
        let learned = |l| Update::Learned(c.id, Direction::ServerToClient, l);
        let Some(Line::Frame(frame)) = of_update(t, learned(Learned::Frame(0)), 0, 256).pop()
        else {
            panic!("no frame line")
        };
        assert_eq!(frame.payload_hex, "f248cdc9c90700");
        let Some(Line::Message(message)) = of_update(t, learned(Learned::Message(0)), 0, 256).pop()
        else {
            panic!("no message line")
        };
        assert_eq!(message.inflated.inflated_length, Some(5));
        assert_eq!(message.inflated.inflated_preview.as_deref(), Some("Hello"));
        assert_eq!(message.payload_len, 7);
    });
}

// Python's websockets, compressing: the same 100 KB message twice to the URL it is given.
const PYTHON_CLIENT: &str = r#"
import asyncio, sys, websockets
async def main(url):
    message = ('{"id": 1, "kind": "tick", "symbol": "WSLAB", "price": 101.25} ' * 2000)[:100000]
    async with websockets.connect(url, compression="deflate", max_size=None) as ws:
        for _ in range(2):
            await ws.send(message)
            assert await ws.recv() == message, "the echo differs"
        print(ws.response_headers.get("Sec-WebSocket-Extensions"))
asyncio.run(main(sys.argv[1]))
"#;

/// Two implementations nobody wrote together, Python's websockets and the lab's session,
/// talking permessage-deflate through the proxy: every byte relayed as it came, and the
/// proxy's own capture inflating each message to what the ends sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_websockets_and_the_lab_compress_through_the_proxy() {
    let Some(python) = python::websockets("compression through the proxy") else {
        return;
    };
    let lab = wslab::net::lab::Lab::start(
        wslab::net::lab::LabConfig {
            tick: std::time::Duration::from_secs(3600),
            ..wslab::net::lab::LabConfig::default()
        },
        wslab::net::Recorder::default(),
    )
    .await
    .unwrap();
    let proxy = proxy(lab.addr()).await;
    let url = format!("ws://{}/echo", proxy.addr());
    let said = python::run(python, PYTHON_CLIENT, vec![url]).await;
    assert!(said.contains("permessage-deflate"), "{said}");
    let (proxy_recorder, lab_recorder) = (proxy.recorder().clone(), lab.recorder().clone());
    proxy.shutdown().await;
    lab.shutdown().await;
    // Byte for byte: what the lab received is what the proxy received from the client, and
    // the other way.
    for direction in [Direction::ClientToServer, Direction::ServerToClient] {
        let through: Vec<Vec<u8>> = proxy_recorder.read(|t| {
            let ids: Vec<ConnId> = t.connections().map(|c| c.id).collect();
            ids.iter().map(|&id| t.raw(id, direction)).collect()
        });
        let at_lab: Vec<Vec<u8>> = lab_recorder.read(|t| {
            let ids: Vec<ConnId> = t.connections().map(|c| c.id).collect();
            ids.iter().map(|&id| t.raw(id, direction)).collect()
        });
        assert_eq!(through.len(), 1, "{direction:?}");
        assert_eq!(at_lab, through, "{direction:?}: relayed unchanged");
    }
    proxy_recorder.read(|t| {
        let connection = t.connections().next().expect("the relayed connection");
        for direction in [Direction::ClientToServer, Direction::ServerToClient] {
            let messages: Vec<_> = connection
                .flow(direction)
                .messages
                .iter()
                .filter(|m| m.item.opcode == wslab::proto::OpCode::Text)
                .collect();
            assert_eq!(messages.len(), 2, "{direction:?}");
            for m in messages {
                assert!(m.item.compressed, "{direction:?}");
                assert_eq!(
                    m.item.inflated.as_ref().and_then(Inflated::length),
                    Some(100_000),
                    "{direction:?}"
                );
                assert!(m.item.length < 5_000, "{direction:?}: {}", m.item.length);
            }
        }
    });
}
