//! The WebSocket endpoints, spoken by tokio-tungstenite over the tapped stream.

use std::sync::Arc;

use futures_util::{Sink, SinkExt as _, StreamExt as _};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::http::header::SEC_WEBSOCKET_PROTOCOL;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error, Message};

use super::Shared;

/// The subprotocols the lab speaks, for Sec-WebSocket-Protocol. Of those a client offers, the
/// lab picks the first it knows; if it knows none, it answers without the header and leaves the
/// client to decide whether to go on.
pub const SUBPROTOCOLS: &[&str] = &["wslab.v1", "chat", "json"];

/// What a /chat message is passed around as.
pub(crate) type ChatLine = Message;

/// Chat messages waiting for the slowest /chat client; one further behind skips ahead.
pub(super) const CHAT_BACKLOG: usize = 256;

// A chat message is copied into the backlog, so its size bounds the backlog's memory:
// 256 × 64 KiB = 16 MiB at most.
const CHAT_MAX_MESSAGE: usize = 64 * 1024;
const MAX_MESSAGE: usize = 16 * 1024 * 1024;

/// A WebSocket endpoint of the lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Endpoint {
    Echo,
    Chat,
    Ticker,
}

impl Endpoint {
    pub(super) fn from_path(path: &str) -> Option<Self> {
        match path {
            "/echo" => Some(Self::Echo),
            "/chat" => Some(Self::Chat),
            "/ticker" => Some(Self::Ticker),
            _ => None,
        }
    }
}

/// Completes the handshake (the request head is replayed by `stream`) and runs the endpoint.
pub(super) async fn serve<S>(stream: S, endpoint: Endpoint, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let largest = if endpoint == Endpoint::Chat {
        CHAT_MAX_MESSAGE
    } else {
        MAX_MESSAGE
    };
    let config = WebSocketConfig::default()
        .max_message_size(Some(largest))
        .max_frame_size(Some(largest));
    // Joining the room before the 101 is sent means every line sent after the client sees the
    // 101 reaches it.
    let lines = (endpoint == Endpoint::Chat).then(|| shared.chat.subscribe());
    let Ok(ws) =
        tokio_tungstenite::accept_hdr_async_with_config(stream, choose_subprotocol, Some(config))
            .await
    else {
        return;
    };
    match (endpoint, lines) {
        (Endpoint::Chat, Some(lines)) => chat(ws, lines, &shared).await,
        (Endpoint::Ticker, _) => ticker(ws, &shared).await,
        _ => echo(ws).await,
    }
}

// The handshake callback. Signature fixed by tungstenite's `Callback`.
#[allow(clippy::unnecessary_wraps, clippy::result_large_err)]
fn choose_subprotocol(
    request: &Request,
    mut response: Response,
) -> Result<Response, ErrorResponse> {
    let chosen = request
        .headers()
        .get_all(SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .find_map(|offered| SUBPROTOCOLS.iter().find(|known| **known == offered));
    if let Some(chosen) = chosen {
        response
            .headers_mut()
            .insert(SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static(chosen));
    }
    Ok(response)
}

async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut ws: WebSocketStream<S>) {
    // tungstenite answers a ping and a close while reading; the loop reads on until the close
    // handshake is done and the stream ends.
    while let Some(read) = ws.next().await {
        let message = match read {
            Ok(message) => message,
            Err(error) => return refuse(&mut ws, &error).await,
        };
        let sent = match message {
            Message::Text(_) | Message::Binary(_) => ws.send(message).await,
            // The pong is queued on read; flushing sends it now, not with the next reply.
            Message::Ping(_) => ws.flush().await,
            Message::Pong(_) | Message::Close(_) | Message::Frame(_) => Ok(()),
        };
        if sent.is_err() {
            break;
        }
    }
}

async fn chat<S: AsyncRead + AsyncWrite + Unpin>(
    ws: WebSocketStream<S>,
    mut lines: broadcast::Receiver<ChatLine>,
    shared: &Shared,
) {
    let (mut sink, mut stream) = ws.split();
    // After the client's close, only the close reply may be sent (§5.5.1).
    let mut closing = false;
    loop {
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(message @ (Message::Text(_) | Message::Binary(_)))) => {
                    // No receiver is fine: the sender itself has just left, say.
                    let _ = shared.chat.send(message);
                }
                Some(Ok(Message::Ping(_))) => {
                    if sink.flush().await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) => closing = true,
                Some(Ok(_)) => {}
                Some(Err(error)) => return refuse(&mut sink, &error).await,
                None => break,
            },
            line = lines.recv(), if !closing => match line {
                Ok(message) => {
                    if sink.send(message).await.is_err() {
                        break;
                    }
                }
                // A client too slow for the room misses lines rather than holding it up.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            },
        }
    }
}

async fn ticker<S: AsyncRead + AsyncWrite + Unpin>(ws: WebSocketStream<S>, shared: &Shared) {
    let mut latest = shared.feed.watch();
    let mut sent = *latest.borrow_and_update();
    let (mut sink, mut stream) = ws.split();
    let mut closing = false;
    loop {
        tokio::select! {
            changed = latest.changed(), if !closing => {
                if changed.is_err() {
                    break;
                }
                latest.borrow_and_update();
                let mut failed = false;
                for update in shared.feed.since(sent) {
                    sent = update.id;
                    if sink.feed(Message::text(update.json())).await.is_err() {
                        failed = true;
                        break;
                    }
                }
                if failed || sink.flush().await.is_err() {
                    break;
                }
            }
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Ping(_))) => {
                    if sink.flush().await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) => closing = true,
                Some(Ok(_)) => {}
                Some(Err(error)) => return refuse(&mut sink, &error).await,
                None => break,
            },
        }
    }
}

/// Tells a client that broke a rule which one, as RFC 6455 §7.4.1 asks: 1002 for a protocol
/// error, 1007 for text that is not UTF-8, 1009 for a message too big. tungstenite reports the
/// error but leaves the close frame to us.
async fn refuse<S: Sink<Message> + Unpin>(sink: &mut S, error: &Error) {
    let (code, reason) = match error {
        Error::Protocol(broken) => (CloseCode::Protocol, broken.to_string()),
        Error::Utf8(_) => (
            CloseCode::Invalid,
            "a text message is not valid UTF-8".into(),
        ),
        Error::Capacity(limit) => (CloseCode::Size, limit.to_string()),
        _ => return,
    };
    let frame = CloseFrame {
        code,
        reason: cut(&reason, MAX_CLOSE_REASON).to_owned().into(),
    };
    // The client may be gone already; then there is no one left to tell.
    let _ = sink.send(Message::Close(Some(frame))).await;
}

// A close frame's payload is at most 125 bytes, two of them the code (§5.5).
const MAX_CLOSE_REASON: usize = 123;

fn cut(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
