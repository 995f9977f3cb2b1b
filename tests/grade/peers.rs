//! The servers graded: a tokio-tungstenite echo server and a lax one, each on port 0, and
//! the grader run against a URL in this process.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use wslab::grade::report::Card;
use wslab::grade::suite;
use wslab::grade::{Grade, Outcome};
use wslab::net::ClientOptions;
use wslab::net::url;
use wslab::run::grade::{Target, run};

/// Grades `url` with the whole default suite.
pub async fn grade(url: &str) -> Card {
    grade_cases(url, None).await
}

/// Grades `url` with the cases `list` selects.
pub async fn grade_cases(url: &str, list: Option<&str>) -> Card {
    let cases = wslab::grade::select::select(suite::all(false), list).expect("the list selects");
    // A case's wait only matters when a server hangs; these servers answer at once, and a
    // hung one fails its test by the wait.
    let timeout = Duration::from_secs(5);
    let target = Target {
        url: url::parse(url).expect("a URL"),
        options: ClientOptions {
            timeout,
            ..ClientOptions::default()
        },
        timeout,
    };
    run(cases, &target, |_, _, _| {})
        .await
        .expect("the server is reachable")
        .0
}

/// The ids of the cases that got `grade`.
pub fn ids(card: &Card, grade: Grade) -> Vec<String> {
    card.outcomes
        .iter()
        .filter(|o| o.verdict.grade == grade)
        .map(|o| o.case.id.clone())
        .collect()
}

/// One case's outcome.
pub fn outcome<'a>(card: &'a Card, id: &str) -> &'a Outcome {
    card.outcomes
        .iter()
        .find(|o| o.case.id == id)
        .unwrap_or_else(|| panic!("no case {id}"))
}

/// A line per case that did not pass, for a failing assertion's message.
pub fn problems(card: &Card) -> String {
    card.outcomes
        .iter()
        .filter(|o| o.verdict.grade != Grade::Pass)
        .fold(String::new(), |mut out, o| {
            let _ = writeln!(
                out,
                "{} {:?}: {}",
                o.case.id, o.verdict.grade, o.verdict.did
            );
            out
        })
}

/// A tokio-tungstenite echo server, as a project would write one from the crate's docs.
pub async fn tungstenite_echo() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
                    return;
                };
                while let Some(Ok(message)) = ws.next().await {
                    if (message.is_text() || message.is_binary()) && ws.send(message).await.is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// An echo server that keeps every rule but four: it takes unmasked frames, echoes text that
/// is not UTF-8, ignores the reserved bits, and answers every close with 1000 whatever code
/// it was sent. Written for the grader's tests, so that each of its faults is known.
pub async fn lax_echo() -> SocketAddr {
    lax_server(false).await
}

/// The lax server, but one that checks text the way an application that decodes what it
/// reads does: after the next frame has been handled (a ping answered), or a moment later.
/// It then fails with 1007, so it breaks no rule of §8.1, only later than an eager checker.
pub async fn lazy_text_echo() -> SocketAddr {
    lax_server(true).await
}

async fn lax_server(lazy: bool) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = lax_connection(stream, lazy).await;
            });
        }
    });
    addr
}

// The opening handshake, kept by every rule of §4.2.1 and §4.2.2; the bytes read past the
// request, or `None` when the request was refused.
async fn lax_handshake(stream: &mut TcpStream) -> std::io::Result<Option<Vec<u8>>> {
    use wslab::proto::handshake::{Rule, check_request};
    use wslab::proto::http::parse_request;
    let mut buffered = Vec::new();
    let head = loop {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffered.extend_from_slice(&chunk[..n]);
        if let Some(head) = parse_request(&buffered).map_err(std::io::Error::other)? {
            break head;
        }
    };
    let rest = buffered.split_off(head.len);
    let broken: Vec<Rule> = check_request(&head)
        .into_iter()
        .filter(|c| !c.passed)
        .map(|c| c.rule)
        .collect();
    if broken.contains(&Rule::Version) && broken.len() == 1 {
        stream
            .write_all(b"HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await?;
        return Ok(None);
    }
    if !broken.is_empty() {
        stream
            .write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
            .await?;
        return Ok(None);
    }
    let key = head.header("sec-websocket-key").unwrap_or_default();
    let accept = wslab::proto::accept::Derivation::new(key).accept;
    let answer = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    stream.write_all(answer.as_bytes()).await?;
    Ok(Some(rest))
}

async fn lax_connection(mut stream: TcpStream, lazy: bool) -> std::io::Result<()> {
    let Some(mut rest) = lax_handshake(&mut stream).await? else {
        return Ok(());
    };
    let mut message: Option<(u8, Vec<u8>)> = None;
    // A text message read but not yet checked, in lazy mode.
    let mut unchecked: Option<Vec<u8>> = None;
    loop {
        let next = if unchecked.is_some() {
            // The application gets to the message a moment later, if no frame comes first.
            let wait = std::time::Duration::from_millis(50);
            tokio::time::timeout(wait, lax_frame(&mut stream, &mut rest))
                .await
                .ok()
        } else {
            Some(lax_frame(&mut stream, &mut rest).await)
        };
        let frame = match next {
            Some(read) => read?,
            None => None,
        };
        let Some((fin, opcode, payload)) = frame else {
            if let Some(text) = unchecked.take() {
                if std::str::from_utf8(&text).is_err() {
                    return send(&mut stream, 0x8, &1007u16.to_be_bytes()).await;
                }
                send(&mut stream, 0x1, &text).await?;
                continue;
            }
            return Ok(());
        };
        let reply = |op: u8, whole: Vec<u8>| -> (u8, Vec<u8>) { (op, whole) };
        let mut deliver = None;
        match opcode {
            0x0 => match message.as_mut() {
                None => return fail(&mut stream).await,
                Some((_, so_far)) => {
                    so_far.extend_from_slice(&payload);
                    if fin {
                        let (op, whole) = message.take().unwrap_or_default();
                        deliver = Some(reply(op, whole));
                    }
                }
            },
            0x1 | 0x2 if message.is_some() => return fail(&mut stream).await,
            0x1 | 0x2 if fin => deliver = Some(reply(opcode, payload)),
            0x1 | 0x2 => message = Some((opcode, payload)),
            0x8..=0xa if !fin || payload.len() > 125 => return fail(&mut stream).await,
            0x9 => send(&mut stream, 0xa, &payload).await?,
            0xa => {}
            // The fourth fault: whatever the close said, the answer says 1000.
            0x8 => {
                send(&mut stream, 0x8, &1000u16.to_be_bytes()).await?;
                return Ok(());
            }
            _ => return fail(&mut stream).await,
        }
        // The message before this frame is checked only now, after this frame was handled.
        if let Some(text) = unchecked.take() {
            if std::str::from_utf8(&text).is_err() {
                return send(&mut stream, 0x8, &1007u16.to_be_bytes()).await;
            }
            send(&mut stream, 0x1, &text).await?;
        }
        if let Some((op, whole)) = deliver {
            if lazy && op == 0x1 {
                unchecked = Some(whole);
            } else {
                send(&mut stream, op, &whole).await?;
            }
        }
    }
}

/// One frame read as the lax peers read it, for the lax client too.
pub async fn lax_frame_pub(
    stream: &mut TcpStream,
    buffered: &mut Vec<u8>,
) -> std::io::Result<Option<(bool, u8, Vec<u8>)>> {
    lax_frame(stream, buffered).await
}

// One frame: FIN, opcode and the payload unmasked. The reserved bits are not looked at and a
// frame without a mask is taken as it is: two of the server's four faults.
async fn lax_frame(
    stream: &mut TcpStream,
    buffered: &mut Vec<u8>,
) -> std::io::Result<Option<(bool, u8, Vec<u8>)>> {
    async fn need(
        stream: &mut TcpStream,
        buffered: &mut Vec<u8>,
        n: usize,
    ) -> std::io::Result<bool> {
        while buffered.len() < n {
            let mut chunk = [0u8; 4096];
            let got = stream.read(&mut chunk).await?;
            if got == 0 {
                return Ok(false);
            }
            buffered.extend_from_slice(&chunk[..got]);
        }
        Ok(true)
    }
    if !need(stream, buffered, 2).await? {
        return Ok(None);
    }
    let (b0, b1) = (buffered[0], buffered[1]);
    let extra = match b1 & 0x7f {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    let masked = b1 & 0x80 != 0;
    let header = 2 + extra + if masked { 4 } else { 0 };
    if !need(stream, buffered, header).await? {
        return Ok(None);
    }
    let length = match extra {
        2 => u64::from(u16::from_be_bytes([buffered[2], buffered[3]])),
        8 => u64::from_be_bytes(buffered[2..10].try_into().unwrap_or_default()),
        _ => u64::from(b1 & 0x7f),
    };
    // Bounded, so a hostile length cannot make the test server allocate without end.
    let length = usize::try_from(length)
        .ok()
        .filter(|&l| l <= 32 << 20)
        .ok_or_else(|| std::io::Error::other("too long"))?;
    if !need(stream, buffered, header + length).await? {
        return Ok(None);
    }
    let mut payload = buffered[header..header + length].to_vec();
    if masked {
        let key = [
            buffered[header - 4],
            buffered[header - 3],
            buffered[header - 2],
            buffered[header - 1],
        ];
        for (i, b) in payload.iter_mut().enumerate() {
            *b ^= key[i % 4];
        }
    }
    buffered.drain(..header + length);
    Ok(Some((b0 & 0x80 != 0, b0 & 0x0f, payload)))
}

async fn send(stream: &mut TcpStream, opcode: u8, payload: &[u8]) -> std::io::Result<()> {
    let frame = wslab::proto::encode::encode(
        wslab::proto::encode::FrameSpec::new(wslab::proto::OpCode::from_bits(opcode), None),
        payload,
    );
    stream.write_all(&frame).await
}

async fn fail(stream: &mut TcpStream) -> std::io::Result<()> {
    send(stream, 0x8, &1002u16.to_be_bytes()).await
}
