//! The WebSocket endpoints, spoken by tokio-tungstenite over the tapped stream.

use std::sync::Arc;

use futures_util::{Sink, SinkExt as _, Stream, StreamExt as _};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::http::header::SEC_WEBSOCKET_PROTOCOL;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error, Message};

use super::Shared;
use crate::capture::selfcheck::Delivered;
use crate::capture::{ConnId, Direction};
use crate::net::client::app_message;
use crate::net::recorder::Recorder;
use crate::net::session_stream::SessionStream;
use crate::proto::deflate::Agreed;
use crate::proto::encode::close_reason;
use crate::proto::session::Session;
use crate::routes::Endpoint;

/// The lab's half of the self-check: what tungstenite delivered to an endpoint, compared at
/// the end with what the lab's own tap captured from the client.
#[derive(Debug)]
pub(super) struct SelfCheck {
    recorder: Recorder,
    conn: Option<ConnId>,
    delivered: Delivered,
}

impl SelfCheck {
    pub(super) fn new(recorder: Recorder, conn: Option<ConnId>) -> Self {
        Self {
            recorder,
            conn,
            delivered: Delivered::default(),
        }
    }

    fn saw(&mut self, message: &Message) {
        if let Some(app) = app_message(message) {
            self.delivered.push(app);
        }
    }

    // The verdict goes into the transcript, where `serve` shows it when the connection closes.
    fn finish(&self, finished: bool) {
        if let Some(conn) = self.conn {
            self.recorder
                .self_check(conn, Direction::ClientToServer, &self.delivered, finished);
        }
    }
}

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

/// Completes the handshake (the request head is replayed by `stream`) and runs the endpoint.
pub(super) async fn serve<S>(
    stream: S,
    endpoint: Endpoint,
    shared: Arc<Shared>,
    mut check: SelfCheck,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let largest = largest(endpoint);
    let config = WebSocketConfig::default()
        .read_buffer_size(shared.read_buffer)
        .max_message_size(Some(largest))
        .max_frame_size(Some(largest));
    let start = Start::before_the_101(endpoint, &shared);
    let Ok(mut ws) =
        tokio_tungstenite::accept_hdr_async_with_config(stream, choose_subprotocol, Some(config))
            .await
    else {
        return;
    };
    let finished = run(&mut ws, endpoint, start, &shared, &mut check).await;
    // Before the stream (and its tap) is dropped: the connection's close is what `serve`
    // waits for to show the verdict.
    check.finish(finished);
    // Shut down rather than only drop: under TLS this sends close_notify (RFC 8446 §6.1), so
    // the client can tell the end from a truncation; on TCP it is the FIN a drop would send.
    let _ = tokio::time::timeout(SHUTDOWN_TIME, ws.get_mut().shutdown()).await;
    drop(ws);
}

/// Serves an endpoint on wslab's own session, for a connection that agreed permessage-deflate
/// (tokio-tungstenite 0.30 cannot compress): sends `switching`, the 101 the lab wrote, then
/// runs the same endpoint code as [`serve`].
pub(super) async fn serve_session<S>(
    mut stream: S,
    endpoint: Endpoint,
    shared: Arc<Shared>,
    switching: String,
    agreed: Agreed,
    mut check: SelfCheck,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let start = Start::before_the_101(endpoint, &shared);
    if stream.write_all(switching.as_bytes()).await.is_err() {
        return;
    }
    let mut ws = SessionStream::new(stream, Session::server(Some(agreed), largest(endpoint)));
    let finished = run(&mut ws, endpoint, start, &shared, &mut check).await;
    check.finish(finished);
    // Closing the sink writes what is still queued (a pong, the close reply), then shuts the
    // socket down: close_notify under TLS, a FIN on TCP.
    let _ = tokio::time::timeout(SHUTDOWN_TIME, futures_util::SinkExt::close(&mut ws)).await;
}

/// What a WebSocket endpoint reads from and writes to: tokio-tungstenite's stream, or wslab's
/// own session.
pub(super) trait Socket:
    Stream<Item = Result<Message, Error>> + Sink<Message, Error = Error> + Unpin
{
}

impl<T> Socket for T where
    T: Stream<Item = Result<Message, Error>> + Sink<Message, Error = Error> + Unpin
{
}

/// Where a push endpoint starts, taken before the 101 is sent: every chat line and every
/// feed update published after the client sees the 101 then reaches it, however the tasks
/// are scheduled.
pub(super) enum Start {
    /// /chat: the room, joined.
    Chat(broadcast::Receiver<ChatLine>),
    /// /ticker: the feed watched, and the newest update already published, not to be sent.
    Ticker(watch::Receiver<u64>, u64),
    /// The other endpoints start when they run.
    Other,
}

impl Start {
    pub(super) fn before_the_101(endpoint: Endpoint, shared: &Shared) -> Self {
        match endpoint {
            Endpoint::Chat => Self::Chat(shared.chat.subscribe()),
            Endpoint::Ticker => {
                let mut latest = shared.feed.watch();
                let sent = *latest.borrow_and_update();
                Self::Ticker(latest, sent)
            }
            Endpoint::Echo | Endpoint::Goodbye => Self::Other,
        }
    }
}

async fn run<W: Socket>(
    ws: &mut W,
    endpoint: Endpoint,
    start: Start,
    shared: &Shared,
    check: &mut SelfCheck,
) -> bool {
    match (endpoint, start) {
        (_, Start::Chat(lines)) => chat(ws, lines, shared, check).await,
        (_, Start::Ticker(latest, sent)) => ticker(ws, latest, sent, shared, check).await,
        (Endpoint::Goodbye, _) => goodbye(ws, check).await,
        _ => echo(ws, check).await,
    }
}

// The largest message an endpoint accepts.
fn largest(endpoint: Endpoint) -> usize {
    if endpoint == Endpoint::Chat {
        CHAT_MAX_MESSAGE
    } else {
        MAX_MESSAGE
    }
}

// How long the lab waits for its close_notify and FIN to be written to a client that no
// longer reads.
const SHUTDOWN_TIME: std::time::Duration = std::time::Duration::from_secs(5);

/// The first subprotocol offered in these `Sec-WebSocket-Protocol` values that the lab speaks.
pub(super) fn subprotocol<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<&'static str> {
    values
        .into_iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .find_map(|offered| SUBPROTOCOLS.iter().copied().find(|known| *known == offered))
}

// The handshake callback. Signature fixed by tungstenite's `Callback`.
#[allow(clippy::unnecessary_wraps, clippy::result_large_err)]
fn choose_subprotocol(
    request: &Request,
    mut response: Response,
) -> Result<Response, ErrorResponse> {
    let chosen = subprotocol(
        request
            .headers()
            .get_all(SEC_WEBSOCKET_PROTOCOL)
            .iter()
            .filter_map(|value| value.to_str().ok()),
    );
    if let Some(chosen) = chosen {
        response
            .headers_mut()
            .insert(SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static(chosen));
    }
    Ok(response)
}

// Each endpoint returns whether it ended cleanly, for the self-check: true only when the read
// side ran to its end (the close handshake done). Any other way out (a protocol error, a failed
// send, a closed channel) is false, since the client may have sent messages that tungstenite
// never got to deliver, and comparing them all would report a wslab bug that is not one.
async fn echo<W: Socket>(ws: &mut W, check: &mut SelfCheck) -> bool {
    // tungstenite answers a ping and a close while reading; the loop reads on until the close
    // handshake is done and the stream ends.
    while let Some(read) = ws.next().await {
        let message = match read {
            Ok(message) => message,
            Err(error) => {
                refuse(ws, &error).await;
                return false;
            }
        };
        check.saw(&message);
        let sent = match message {
            Message::Text(_) | Message::Binary(_) => ws.send(message).await,
            // The pong is queued on read; flushing sends it now, not with the next reply.
            Message::Ping(_) => ws.flush().await,
            Message::Pong(_) | Message::Close(_) | Message::Frame(_) => Ok(()),
        };
        if sent.is_err() {
            return false;
        }
    }
    true
}

/// What /goodbye says before it closes.
pub(crate) const GOODBYE_TEXT: &str = "the lab is closing this connection";
/// The reason in /goodbye's close frame.
pub(crate) const GOODBYE_REASON: &str = "going away";

/// The server speaks first and closes first: one text message, then a close with 1001, so a
/// lesson can show the closing handshake started from the server's side (§7.1.2).
async fn goodbye<W: Socket>(ws: &mut W, check: &mut SelfCheck) -> bool {
    let close = CloseFrame {
        code: CloseCode::Away,
        reason: GOODBYE_REASON.into(),
    };
    if ws.send(Message::text(GOODBYE_TEXT)).await.is_err()
        || ws.send(Message::Close(Some(close))).await.is_err()
    {
        return false;
    }
    // Read until the client's close reply ends the stream; tungstenite then shuts the socket.
    while let Some(read) = ws.next().await {
        match read {
            Ok(message) => check.saw(&message),
            Err(_) => return false,
        }
    }
    true
}

async fn chat<W: Socket>(
    ws: &mut W,
    mut lines: broadcast::Receiver<ChatLine>,
    shared: &Shared,
    check: &mut SelfCheck,
) -> bool {
    let (mut sink, mut stream) = futures_util::StreamExt::split(ws);
    // After the client's close, only the close reply may be sent (§5.5.1).
    let mut closing = false;
    loop {
        tokio::select! {
            incoming = stream.next() => match on_read(incoming, &mut sink, check).await {
                Read::Data(message) => {
                    // No receiver is fine: the sender itself has just left, say.
                    let _ = shared.chat.send(message);
                }
                Read::Other => {}
                Read::Closing => closing = true,
                Read::End(clean) => return clean,
            },
            line = lines.recv(), if !closing => match line {
                Ok(message) => {
                    if sink.send(message).await.is_err() {
                        return false;
                    }
                }
                // A client too slow for the room misses lines rather than holding it up.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return false,
            },
        }
    }
}

async fn ticker<W: Socket>(
    ws: &mut W,
    mut latest: watch::Receiver<u64>,
    mut sent: u64,
    shared: &Shared,
    check: &mut SelfCheck,
) -> bool {
    let (mut sink, mut stream) = futures_util::StreamExt::split(ws);
    let mut closing = false;
    loop {
        tokio::select! {
            changed = latest.changed(), if !closing => {
                if changed.is_err() {
                    return false;
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
                    return false;
                }
            }
            incoming = stream.next() => match on_read(incoming, &mut sink, check).await {
                // The ticker talks; what the client says is recorded, not answered.
                Read::Data(_) | Read::Other => {}
                Read::Closing => closing = true,
                Read::End(clean) => return clean,
            },
        }
    }
}

/// What a push endpoint (chat, ticker) makes of one read from its client.
enum Read {
    /// A text or binary message.
    Data(Message),
    /// A ping (already answered), a pong, or nothing to act on.
    Other,
    /// The client's close: only the close reply may follow (§5.5.1).
    Closing,
    /// The read side is over; `true` when the closing handshake finished cleanly.
    End(bool),
}

/// Shows a read to the self-check, answers what the library leaves to the endpoint (flushing a
/// queued pong, closing on a broken rule), and says what is left to do.
async fn on_read<S: Sink<Message> + Unpin>(
    read: Option<Result<Message, Error>>,
    sink: &mut S,
    check: &mut SelfCheck,
) -> Read {
    if let Some(Ok(message)) = &read {
        check.saw(message);
    }
    match read {
        Some(Ok(message @ (Message::Text(_) | Message::Binary(_)))) => Read::Data(message),
        // The pong is queued on read; flushing sends it now, not with the next update.
        Some(Ok(Message::Ping(_))) if sink.flush().await.is_err() => Read::End(false),
        Some(Ok(Message::Close(_))) => Read::Closing,
        Some(Ok(_)) => Read::Other,
        Some(Err(error)) => {
            refuse(sink, &error).await;
            Read::End(false)
        }
        None => Read::End(true),
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
        reason: close_reason(&reason).to_owned().into(),
    };
    // The client may be gone already; then there is no one left to tell.
    let _ = sink.send(Message::Close(Some(frame))).await;
}

#[cfg(test)]
#[path = "ws_tests.rs"]
mod tests;
