//! A raw WebSocket server written for one test: a tokio `TcpListener` on 127.0.0.1 port 0
//! that answers the handshake correctly, by hand, and then does exactly what the test asks,
//! however wrong. It gives back the request head it read, so a test can see what was sent.

use std::future::Future;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use wslab::proto::accept::Derivation;

/// The request head as it arrived, and the socket after the server's 101.
pub(crate) struct Accepted {
    pub head: String,
    pub stream: TcpStream,
}

/// Starts the server on `rt`; its port, and the head it read once the test's behaviour ended.
pub(crate) fn serve<F, Fut>(
    rt: &tokio::runtime::Runtime,
    extra_101: &'static str,
    then: F,
) -> (u16, oneshot::Receiver<String>)
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = oneshot::channel();
    rt.spawn(async move {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let Some(accepted) = upgrade(stream, extra_101).await else {
            return;
        };
        let _ = tx.send(accepted.head);
        then(accepted.stream).await;
    });
    (port, rx)
}

/// Reads the request head and answers 101 with the right Accept and `extra` header lines.
pub(crate) async fn upgrade(mut stream: TcpStream, extra: &str) -> Option<Accepted> {
    let head = read_head(&mut stream).await?;
    let key = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("sec-websocket-key")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default();
    let accept = Derivation::new(&key).accept;
    let answer = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n{extra}\r\n"
    );
    stream.write_all(answer.as_bytes()).await.ok()?;
    Some(Accepted { head, stream })
}

/// Reads a request head, to its blank line; `None` when the client hung up first.
pub(crate) async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// Reads one whole frame from the client (masked, as a client's must be); its opcode and
/// unmasked payload, or `None` when the client hung up first.
pub(crate) async fn read_frame(stream: &mut TcpStream) -> Option<(u8, Vec<u8>)> {
    let mut first = [0u8; 2];
    stream.read_exact(&mut first).await.ok()?;
    let len = match first[1] & 0x7f {
        126 => u64::from(stream.read_u16().await.ok()?),
        127 => stream.read_u64().await.ok()?,
        n => u64::from(n),
    };
    let mut key = [0u8; 4];
    if first[1] & 0x80 != 0 {
        stream.read_exact(&mut key).await.ok()?;
    }
    let mut payload = vec![0u8; usize::try_from(len).ok()?];
    stream.read_exact(&mut payload).await.ok()?;
    for (i, b) in payload.iter_mut().enumerate() {
        *b ^= key[i % 4];
    }
    Some((first[0] & 0x0f, payload))
}
