//! The lab speaking permessage-deflate (RFC 7692) on loopback: a client made of proto's own
//! codec and raw frames, and, when it is installed, Python's websockets, an implementation
//! nobody here wrote.

use std::fmt::Write as _;

use crate::common::lab::{KEY, NEVER, lab, split};
use crate::common::python;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use wslab::capture::Direction;
use wslab::net::Recorder;
use wslab::net::lab::{Lab, LabConfig};
use wslab::proto::deflate::{Agreed, Deflater, Inflater, Params, check_answer, offers};
use wslab::proto::encode::{FrameSpec, close_payload, encode};
use wslab::proto::{Config, Dissector, Event, Frame, OpCode, RsvBits, Side};

const MASK: Option<[u8; 4]> = Some([0x37, 0xfa, 0x21, 0x3d]);
const OFFER: &str = "permessage-deflate; client_max_window_bits";

fn request(path: &str, offer: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: lab\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Extensions: {offer}\r\n\r\n"
    )
}

// Opens `path` offering `offer`; the stream, the 101's head, and what the answer agreed.
async fn open(lab: &Lab, path: &str, offer: &str) -> (TcpStream, String, Option<Agreed>) {
    let mut stream = TcpStream::connect(lab.addr()).await.unwrap();
    stream
        .write_all(request(path, offer).as_bytes())
        .await
        .unwrap();
    let mut got = Vec::new();
    let mut byte = [0u8];
    while !got.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).await.unwrap(), 1, "closed early");
        got.push(byte[0]);
    }
    let (head, _) = split(&got);
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    let answer = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("sec-websocket-extensions"))
        .map(|(_, value)| value.trim().to_owned())
        .collect::<Vec<_>>();
    let offered: Vec<Params> = offers([offer]).into_iter().filter_map(Result::ok).collect();
    let agreed =
        check_answer(&offered, answer.iter().map(String::as_str)).expect("a lawful answer");
    (stream, head, agreed)
}

fn compressed(opcode: OpCode, fin: bool, payload: &[u8]) -> Vec<u8> {
    let mut spec = FrameSpec::new(opcode, MASK).fin(fin);
    spec.rsv = RsvBits(1);
    encode(spec, payload)
}

async fn read_frames(stream: &mut TcpStream, count: usize) -> Vec<Frame> {
    let mut config = Config::new(Side::Server);
    config.allowed_rsv = RsvBits(1);
    config.preview_cap = 1 << 20;
    let mut dissector = Dissector::new(config);
    let mut frames = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    while frames.len() < count {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed after {} frames", frames.len());
        frames.extend(
            dissector
                .feed(&chunk[..n])
                .into_iter()
                .filter_map(|e| match e {
                    Event::Frame(f) => Some(f),
                    Event::Message(_) => None,
                }),
        );
    }
    frames
}

fn json(n: usize) -> Vec<u8> {
    let mut out = String::new();
    let mut id = 0;
    while out.len() < n {
        let _ = writeln!(
            out,
            "{{\"id\":{id},\"kind\":\"tick\",\"symbol\":\"WSLAB\",\"price\":101.25,\"ok\":true}}"
        );
        id += 1;
    }
    out.truncate(n);
    out.into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_accepts_the_offer_and_echoes_compressed() {
    let lab = lab(NEVER).await;
    let (mut stream, head, agreed) = open(&lab, "/echo", OFFER).await;
    assert!(
        head.contains("\r\nSec-WebSocket-Extensions: permessage-deflate\r\n"),
        "{head}"
    );
    let agreed = agreed.expect("agreed");
    let mut deflater = Deflater::new(
        agreed.client_max_window_bits,
        agreed.client_no_context_takeover,
    )
    .unwrap();
    let mut inflater = Inflater::new(
        agreed.server_max_window_bits,
        agreed.server_no_context_takeover,
    );

    // One message in one frame, then one in two fragments with a ping between them.
    let message = json(20_000);
    stream
        .write_all(&compressed(
            OpCode::Text,
            true,
            &deflater.compress(&message).unwrap(),
        ))
        .await
        .unwrap();
    let second = deflater
        .compress(b"a second message, in two fragments")
        .unwrap();
    let (a, b) = second.split_at(second.len() / 2);
    let mut bytes = compressed(OpCode::Text, false, a);
    bytes.extend(encode(FrameSpec::new(OpCode::Ping, MASK), b"between"));
    bytes.extend(encode(FrameSpec::new(OpCode::Continuation, MASK), b));
    stream.write_all(&bytes).await.unwrap();

    let back = read_frames(&mut stream, 3).await;
    assert!(back[0].header.rsv().has(1), "RSV1 on the echo");
    let wire = back[0].payload.len();
    assert_eq!(
        inflater.inflate(&back[0].payload, 1 << 20).unwrap(),
        message
    );
    assert_eq!(back[1].header.opcode(), OpCode::Pong);
    assert_eq!(
        inflater.inflate(&back[2].payload, 1 << 20).unwrap(),
        b"a second message, in two fragments"
    );
    println!(
        "a {}-byte JSON message crossed as {wire} bytes: {}x smaller",
        message.len(),
        message.len() / wire
    );
    assert!(wire * 10 < message.len(), "{wire} bytes on the wire");

    stream
        .write_all(&encode(
            FrameSpec::new(OpCode::Close, MASK),
            &close_payload(1000, ""),
        ))
        .await
        .unwrap();
    let close = read_frames(&mut stream, 1).await;
    assert_eq!(&close[0].payload[..], 1000u16.to_be_bytes());
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty(), "the lab closes after its close frame");

    // The lab's own capture shows the echo compressed on the wire and inflated.
    let recorder = lab.recorder().clone();
    lab.shutdown().await;
    recorder.read(|t| {
        let connection = t.connections().last().expect("a connection");
        let echoed = &connection.flow(Direction::ServerToClient).messages[0].item;
        assert!(echoed.compressed);
        assert_eq!(echoed.length, wire as u64);
        assert_eq!(
            echoed
                .inflated
                .as_ref()
                .and_then(wslab::proto::Inflated::length),
            Some(message.len() as u64)
        );
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lab_without_deflate_declines() {
    let config = LabConfig {
        tick: NEVER,
        deflate: false,
        ..LabConfig::default()
    };
    let plain = Lab::start(config, Recorder::default()).await.unwrap();
    for path in ["/echo", "/chat", "/ticker"] {
        let (_, head, agreed) = open(&plain, path, OFFER).await;
        assert!(
            !head
                .to_ascii_lowercase()
                .contains("sec-websocket-extensions"),
            "{head}"
        );
        assert_eq!(agreed, None);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_and_ticker_accept_too() {
    let lab = lab(NEVER).await;
    for path in ["/chat", "/ticker", "/goodbye"] {
        let (_, head, agreed) = open(&lab, path, OFFER).await;
        assert!(agreed.is_some(), "{path}: {head}");
    }
    // The ticker's update crosses compressed.
    let (mut stream, _, agreed) = open(&lab, "/ticker", OFFER).await;
    let agreed = agreed.unwrap();
    lab.publish("compressed tick");
    let back = read_frames(&mut stream, 1).await;
    assert!(back[0].header.rsv().has(1));
    let mut inflater = Inflater::new(agreed.server_max_window_bits, false);
    let text = inflater.inflate(&back[0].payload, 1 << 20).unwrap();
    assert!(
        String::from_utf8_lossy(&text).contains("compressed tick"),
        "{text:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_offer_falls_back_to_the_next() {
    let lab = lab(NEVER).await;
    let offer = "permessage-deflate; server_max_window_bits=16, permessage-deflate; server_no_context_takeover";
    let (_, head, agreed) = open(&lab, "/echo", offer).await;
    assert!(
        head.contains(
            "\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n"
        ),
        "{head}"
    );
    assert!(agreed.expect("agreed").server_no_context_takeover);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_that_does_not_inflate_closes_with_1002_and_a_sentence() {
    let lab = lab(NEVER).await;
    let (mut stream, _, _) = open(&lab, "/echo", OFFER).await;
    stream
        .write_all(&compressed(OpCode::Binary, true, &[0xff, 0xff, 0xff]))
        .await
        .unwrap();
    let close = read_frames(&mut stream, 1).await;
    assert_eq!(close[0].header.opcode(), OpCode::Close);
    assert_eq!(close[0].payload[..2], 1002u16.to_be_bytes());
    let reason = String::from_utf8_lossy(&close[0].payload[2..]).into_owned();
    assert!(reason.contains("does not inflate"), "{reason}");
}

// Python's websockets, a real independent implementation, compressing both ways: each
// configuration sends the same message twice and checks both echoes.
const PYTHON_CLIENT: &str = r#"
import asyncio, sys, websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
async def main(url, configs):
    message = ('{"id": 1, "kind": "tick", "symbol": "WSLAB", "price": 101.25} ' * 2000)[:100000]
    for config in configs.split(","):
        no_takeover, bits = config.split("/")
        bits = int(bits) if bits != "-" else None
        factory = ClientPerMessageDeflateFactory(
            server_no_context_takeover=no_takeover == "off",
            client_no_context_takeover=no_takeover == "off",
            server_max_window_bits=bits,
            client_max_window_bits=bits if bits else True,
        )
        async with websockets.connect(url, extensions=[factory], compression=None, max_size=None) as ws:
            for _ in range(2):
                await ws.send(message)
                assert await ws.recv() == message, "the echo differs"
            print(config, ws.response_headers.get("Sec-WebSocket-Extensions"))
asyncio.run(main(sys.argv[1], sys.argv[2]))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_websockets_compresses_100_kb_through_the_lab() {
    let Some(python) =
        python::websockets("an independent client talking permessage-deflate to the lab")
    else {
        return;
    };
    let lab = lab(NEVER).await;
    let url = lab.url("/echo");
    // Context takeover on and off, at the default window and at 9, 12 and 15 bits.
    let configs = ["on/-", "off/-", "on/9", "off/12", "on/15"];
    let said = python::run(python, PYTHON_CLIENT, vec![url, configs.join(",")]).await;
    println!("{said}");
    assert_eq!(
        said.matches("permessage-deflate").count(),
        configs.len(),
        "{said}"
    );
    let recorder = lab.recorder().clone();
    lab.shutdown().await;
    recorder.read(|t| {
        assert_eq!(t.connections().count(), configs.len());
        for (connection, config) in t.connections().zip(configs) {
            for direction in [Direction::ClientToServer, Direction::ServerToClient] {
                let messages = &connection.flow(direction).messages;
                let sizes: Vec<u64> = messages[..2].iter().map(|m| m.item.length).collect();
                for message in &messages[..2] {
                    let inflated = message
                        .item
                        .inflated
                        .as_ref()
                        .and_then(wslab::proto::Inflated::length);
                    assert!(message.item.compressed, "{config} {direction:?}");
                    assert_eq!(inflated, Some(100_000), "{config} {direction:?}");
                    assert!(
                        message.item.length < 20_000,
                        "{config} {direction:?}: {sizes:?}"
                    );
                }
                // With context takeover the repeat refers back into the window; without it,
                // it costs what the first did.
                if config.starts_with("on") {
                    assert!(sizes[1] < sizes[0], "{config} {direction:?}: {sizes:?}");
                } else {
                    assert_eq!(sizes[1], sizes[0], "{config} {direction:?}: {sizes:?}");
                }
                println!("{config} {direction:?}: 100000 bytes crossed as {sizes:?}");
            }
        }
    });
}
