//! The endpoints' own verdicts on how they ended, over in-memory streams.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncWriteExt as _, ReadBuf};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::Role;

use super::*;
use crate::net::lab::feed::Feed;
use crate::proto::OpCode;
use crate::proto::encode::{FrameSpec, close_payload, encode};

const MASK: Option<[u8; 4]> = Some([1, 2, 3, 4]);

fn shared() -> Shared {
    Shared {
        feed: Feed::default(),
        chat: broadcast::channel(CHAT_BACKLOG).0,
        timeouts: crate::net::lab::Timeouts::default(),
        tls: None,
        deflate: true,
        read_buffer: crate::proto::limits::LAB_READ_BUFFER,
    }
}

fn nobody() -> SelfCheck {
    SelfCheck::new(Recorder::default(), None)
}

// A client that has sent `bytes` and is still there, but whose connection fails every write:
// reset while the server still had something to say.
struct WritesFail(Vec<u8>);

impl AsyncRead for WritesFail {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.0.is_empty() {
            // Nothing more comes, ever; the endpoint must end by its failed write.
            return Poll::Pending;
        }
        let n = self.0.len().min(buf.remaining());
        buf.put_slice(&self.0[..n]);
        self.0.drain(..n);
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for WritesFail {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, _: &[u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

async fn server<S: AsyncRead + AsyncWrite + Unpin>(stream: S) -> WebSocketStream<S> {
    WebSocketStream::from_raw_socket(stream, Role::Server, None).await
}

fn frames(list: &[(OpCode, &[u8])]) -> Vec<u8> {
    list.iter()
        .flat_map(|(opcode, payload)| encode(FrameSpec::new(*opcode, MASK), payload))
        .collect()
}

// The client sends `sent`, then waits for the server to hang up.
async fn over_duplex(sent: &[(OpCode, &[u8])], endpoint: Endpoint) -> bool {
    let (mut client, lab) = tokio::io::duplex(64 * 1024);
    client.write_all(&frames(sent)).await.unwrap();
    let shared = shared();
    let mut ws = server(lab).await;
    let mut check = nobody();
    match endpoint {
        Endpoint::Echo => echo(&mut ws, &mut check).await,
        Endpoint::Chat => chat(&mut ws, shared.chat.subscribe(), &shared, &mut check).await,
        Endpoint::Ticker => ticker_from_now(&mut ws, &shared, &mut check).await,
        Endpoint::Goodbye => goodbye(&mut ws, &mut check).await,
    }
}

#[tokio::test]
async fn a_completed_close_handshake_is_a_clean_end() {
    let close = close_payload(1000, "");
    for endpoint in [Endpoint::Echo, Endpoint::Chat, Endpoint::Ticker] {
        let sent = [(OpCode::Text, &b"A"[..]), (OpCode::Close, &close[..])];
        assert!(over_duplex(&sent, endpoint).await, "{endpoint:?}");
    }
}

#[tokio::test]
async fn a_client_gone_without_a_close_is_not_a_clean_end() {
    for endpoint in [
        Endpoint::Echo,
        Endpoint::Chat,
        Endpoint::Ticker,
        Endpoint::Goodbye,
    ] {
        let sent = [(OpCode::Text, &b"A"[..]), (OpCode::Text, &b"B"[..])];
        let (mut client, lab) = tokio::io::duplex(64 * 1024);
        client.write_all(&frames(&sent)).await.unwrap();
        drop(client);
        let shared = shared();
        let mut ws = server(lab).await;
        let mut check = nobody();
        let finished = match endpoint {
            Endpoint::Echo => echo(&mut ws, &mut check).await,
            Endpoint::Chat => chat(&mut ws, shared.chat.subscribe(), &shared, &mut check).await,
            Endpoint::Ticker => ticker_from_now(&mut ws, &shared, &mut check).await,
            Endpoint::Goodbye => goodbye(&mut ws, &mut check).await,
        };
        assert!(!finished, "{endpoint:?}");
    }
}

#[tokio::test]
async fn a_failed_send_is_not_a_clean_end() {
    // A, B and C arrive; answering A fails, so B and C are never delivered, and the
    // self-check must not count them as lost by wslab.
    let sent = frames(&[
        (OpCode::Text, b"A"),
        (OpCode::Text, b"B"),
        (OpCode::Text, b"C"),
    ]);
    let shared = shared();

    let mut ws = server(WritesFail(sent.clone())).await;
    let mut check = nobody();
    assert!(!echo(&mut ws, &mut check).await);
    assert_eq!(check.delivered.messages().len(), 1);

    let mut ws = server(WritesFail(sent)).await;
    let mut check = nobody();
    assert!(!chat(&mut ws, shared.chat.subscribe(), &shared, &mut check).await);

    // The ticker sends nothing unasked here; the pong for a ping is what fails.
    let mut ws = server(WritesFail(frames(&[(OpCode::Ping, b"p")]))).await;
    let mut check = nobody();
    assert!(!ticker_from_now(&mut ws, &shared, &mut check).await);
}

// The ticker as `serve` starts it: watching the feed from now.
async fn ticker_from_now<W: Socket>(ws: &mut W, shared: &Shared, check: &mut SelfCheck) -> bool {
    let Start::Ticker(latest, sent) = Start::before_the_101(Endpoint::Ticker, shared) else {
        unreachable!("the ticker's start is a watch");
    };
    ticker(ws, latest, sent, shared, check).await
}
