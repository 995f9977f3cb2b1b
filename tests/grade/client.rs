//! `wslab grade --client`: wslab serves the cases on the Autobahn driver protocol and grades
//! the client under test, here tokio-tungstenite, Python's websockets and a client lax in
//! known ways, each driven as a project drives its client through Autobahn.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use wslab::grade::report::Card;
use wslab::grade::{Grade, suite};
use wslab::net::Recorder;
use wslab::net::tcp::Listener;
use wslab::run::grade::serve;

use crate::common::python;
use crate::peers::{ids, outcome, problems};

/// Serves every client case on a free port; the card comes when `drive` asks for the report.
async fn graded<F, Fut>(drive: F) -> Card
where
    F: FnOnce(SocketAddr) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let recorder = Recorder::default();
    let listener = Listener::bind("127.0.0.1:0".parse().unwrap(), &recorder, "grade")
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let driver = tokio::spawn(drive(addr));
    let cases = suite::client::all();
    let card = serve(&listener, &cases, &recorder, Duration::from_secs(5), |_| {})
        .await
        .unwrap();
    driver.await.unwrap();
    card
}

type Ws = tokio_tungstenite::WebSocketStream<TcpStream>;

// tokio-tungstenite's client over a TCP stream of our own (wslab builds it without `connect`).
async fn open(addr: SocketAddr, path: &str) -> Option<Ws> {
    let stream = TcpStream::connect(addr).await.ok()?;
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(32 << 20))
        .max_frame_size(Some(32 << 20));
    tokio_tungstenite::client_async_with_config(format!("ws://{addr}{path}"), stream, Some(config))
        .await
        .ok()
        .map(|(ws, _)| ws)
}

/// The driver loop every Autobahn client driver has, with tokio-tungstenite as the client.
pub(crate) async fn tungstenite_driver(addr: SocketAddr) {
    let mut ws = open(addr, "/getCaseCount").await.unwrap();
    let count: usize = ws
        .next()
        .await
        .unwrap()
        .unwrap()
        .to_text()
        .unwrap()
        .parse()
        .unwrap();
    drop(ws);
    for n in 1..=count {
        let Some(mut ws) = open(addr, &format!("/runCase?case={n}&agent=tokio-tungstenite")).await
        else {
            continue;
        };
        while let Some(Ok(message)) = ws.next().await {
            if (message.is_text() || message.is_binary()) && ws.send(message).await.is_err() {
                break;
            }
        }
    }
    if let Some(mut ws) = open(addr, "/updateReports?agent=tokio-tungstenite").await {
        while let Some(Ok(_)) = ws.next().await {}
    }
}

#[tokio::test]
async fn tokio_tungstenite_as_a_client_keeps_every_must() {
    let card = graded(tungstenite_driver).await;
    assert_eq!(card.target, "the client \"tokio-tungstenite\"");
    assert_eq!(
        card.outcomes.len(),
        suite::client::all().len(),
        "every case ran"
    );
    // tokio-tungstenite 0.30, built without its deflate feature as here, does not read
    // Sec-WebSocket-Extensions in the answer: it goes on with an extension it never offered,
    // where §4.1 says a client MUST fail the connection. Every other MUST holds.
    assert_eq!(ids(&card, Grade::Fail), ["4.7"], "{}", problems(&card));
    let answer = outcome(&card, "4.7")
        .evidence
        .response
        .clone()
        .unwrap_or_default();
    assert!(
        answer.contains("Sec-WebSocket-Extensions: x-wslab-unoffered"),
        "{answer}"
    );
    for id in ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6"] {
        assert_eq!(
            outcome(&card, id).verdict.grade,
            Grade::Pass,
            "{}",
            problems(&card)
        );
    }
    assert_eq!(outcome(&card, "5.3.1").evidence.frames[0].from, "server");
}

const DRIVER: &str = r#"
import asyncio, sys, websockets
async def main(base, agent):
    async with websockets.connect(f"{base}/getCaseCount") as ws:
        n = int(await ws.recv())
    for i in range(1, n + 1):
        try:
            async with websockets.connect(f"{base}/runCase?case={i}&agent={agent}", max_size=2**25) as ws:
                async for m in ws:
                    await ws.send(m)
        except Exception:
            pass
    async with websockets.connect(f"{base}/updateReports?agent={agent}") as ws:
        try:
            await ws.recv()
        except Exception:
            pass
asyncio.run(main(sys.argv[1], sys.argv[2]))
"#;

#[tokio::test]
async fn pythons_websockets_as_a_client_keeps_every_must() {
    let Some(python) = python::websockets("grading Python's websockets as a client") else {
        return;
    };
    let card = graded(move |addr| async move {
        python::run(
            python,
            DRIVER,
            vec![format!("ws://{addr}"), "python".into()],
        )
        .await;
    })
    .await;
    assert!(!card.failed(), "{}", problems(&card));
    assert!(
        ids(&card, Grade::NonStrict).is_empty(),
        "{}",
        problems(&card)
    );
}

#[tokio::test]
async fn a_lax_client_fails_exactly_where_it_is_lax() {
    let card = graded(lax_driver).await;
    let mut expected: Vec<&str> = vec!["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7"];
    expected.extend(["5.2.12", "5.2.13", "5.2.14", "5.2.15", "5.2.16"]);
    expected.extend(["5.3.1", "5.3.2"]);
    // Its close echoes whatever code came, so 1005, 1006 and 1015 go on the wire (§7.4.1).
    expected.extend(["7.4.20", "7.4.21", "7.4.22"]);
    expected.extend([
        "8.1.7", "8.1.8", "8.1.9", "8.1.10", "8.1.11", "8.1.12", "8.1.13", "8.1.14",
    ]);
    assert_eq!(ids(&card, Grade::Fail), expected, "{}", problems(&card));
    let took = outcome(&card, "4.1");
    assert!(took.verdict.did.contains("went on"), "{}", took.verdict.did);
    assert!(
        took.evidence
            .response
            .as_deref()
            .unwrap_or_default()
            .contains("Sec-WebSocket-Accept")
    );
}

/// A client that reads no part of the server's answer but the blank line, takes masked
/// frames, ignores the reserved bits, echoes text whatever its bytes and answers a close with
/// the code it got, whatever it is; otherwise it keeps the rules (it masks, answers pings,
/// fails reserved opcodes).
async fn lax_driver(addr: SocketAddr) {
    let count = {
        let (mut stream, mut rest) = lax_open(addr, "/getCaseCount").await;
        let frame = crate::peers::lax_frame_pub(&mut stream, &mut rest)
            .await
            .ok()
            .flatten();
        frame
            .and_then(|(_, _, p)| String::from_utf8(p).ok()?.parse::<usize>().ok())
            .unwrap_or(0)
    };
    for n in 1..=count {
        let (mut stream, mut rest) = lax_open(addr, &format!("/runCase?case={n}&agent=lax")).await;
        let _ = lax_echo(&mut stream, &mut rest).await;
    }
    let (mut stream, mut rest) = lax_open(addr, "/updateReports?agent=lax").await;
    let _ = lax_echo(&mut stream, &mut rest).await;
}

async fn lax_open(addr: SocketAddr, target: &str) -> (TcpStream, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buffered = Vec::new();
    // The first fault: the answer is not read, only waited for.
    while !buffered.windows(4).any(|w| w == b"\r\n\r\n") {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        buffered.extend_from_slice(&chunk[..n]);
    }
    let end = buffered
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(buffered.len(), |at| at + 4);
    let rest = buffered.split_off(end);
    (stream, rest)
}

async fn lax_echo(stream: &mut TcpStream, rest: &mut Vec<u8>) -> std::io::Result<()> {
    let mut message: Option<(u8, Vec<u8>)> = None;
    while let Some((fin, opcode, payload)) = crate::peers::lax_frame_pub(stream, rest).await? {
        let reply = match opcode {
            0x0 => match message.as_mut() {
                None => Some((0x8, 1002u16.to_be_bytes().to_vec())),
                Some((_, so_far)) => {
                    so_far.extend_from_slice(&payload);
                    if fin { message.take() } else { None }
                }
            },
            0x1 | 0x2 if message.is_some() => Some((0x8, 1002u16.to_be_bytes().to_vec())),
            0x1 | 0x2 if fin => Some((opcode, payload)),
            0x1 | 0x2 => {
                message = Some((opcode, payload));
                None
            }
            0x8..=0xa if !fin || payload.len() > 125 => Some((0x8, 1002u16.to_be_bytes().to_vec())),
            0x9 => Some((0xa, payload)),
            0xa => None,
            0x8 => Some((
                0x8,
                payload.get(..2).map(<[u8]>::to_vec).unwrap_or_default(),
            )),
            _ => Some((0x8, 1002u16.to_be_bytes().to_vec())),
        };
        if let Some((op, body)) = reply {
            let frame = wslab::proto::encode::encode(
                wslab::proto::encode::FrameSpec::new(
                    wslab::proto::OpCode::from_bits(op),
                    Some([1, 2, 3, 4]),
                ),
                &body,
            );
            stream.write_all(&frame).await?;
            if op == 0x8 {
                // A client waits for the server to end TCP after the closing handshake.
                let mut sink = Vec::new();
                let _ = stream.read_to_end(&mut sink).await;
                return Ok(());
            }
        }
    }
    Ok(())
}
