//! One connection to the hub: the handshake (bounded in time), the code checked (slowed for
//! an address that keeps guessing), then the loop that writes the student's queue and reads
//! what the student may send: an answer, a ping, a leave. Anything else closes the
//! connection with its code and sentence (docs/classroom.md).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::io::AsyncReadExt as _;
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::{Error, Message};

use super::shared::{Event, Joined, Out, Shared};
use crate::class::guard::Rate;
use crate::class::limits::MAX_MESSAGE;
use crate::class::protocol::parse_from_student;
use crate::class::{Closing, FromHub, FromStudent, code, join};

const HANDSHAKE_TIME: Duration = Duration::from_secs(10);
const WRITE_TIME: Duration = Duration::from_secs(5);
const PING_EVERY: Duration = Duration::from_secs(20);
const SILENT_AFTER: Duration = Duration::from_secs(60);
const CLOSE_TIME: Duration = Duration::from_secs(2);

type Ws = WebSocketStream<TcpStream>;

pub(super) async fn serve(stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE))
        .read_buffer_size(4096);
    let mut target = None;
    // The callback's type is tungstenite's; its error (an HTTP response) is large by design.
    #[allow(clippy::result_large_err)]
    let callback = |req: &Request, resp: Response| {
        target = Some(req.uri().to_string());
        Ok(resp)
    };
    let handshake = tokio_tungstenite::accept_hdr_async_with_config(stream, callback, Some(config));
    let Ok(Ok(mut ws)) = tokio::time::timeout(HANDSHAKE_TIME, handshake).await else {
        return;
    };
    let Ok(asked) = join::parse(target.as_deref().unwrap_or_default()) else {
        close(&mut ws, Closing::BadJoin).await;
        return;
    };
    let ip = peer.ip();
    let delay = shared
        .wrong
        .lock()
        .map_or(0, |w| w.delay_ms(ip, shared.now_ms()));
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let expected = if asked.notes {
        &shared.notes_key
    } else {
        &shared.code
    };
    if !code::matches(expected, &asked.code) {
        if let Ok(mut w) = shared.wrong.lock() {
            w.failed(ip, shared.now_ms());
        }
        close(&mut ws, Closing::WrongCode).await;
        return;
    }
    if let Ok(mut w) = shared.wrong.lock() {
        w.succeeded(ip);
    }
    let joined = if asked.notes {
        let (reply, answer) = oneshot::channel();
        if shared.events.send(Event::Notes { reply }).is_err() {
            return;
        }
        answer.await.map_err(|_| Closing::Ended)
    } else {
        let (reply, answer) = oneshot::channel();
        let event = Event::Join {
            name: asked.name,
            resume: asked.resume,
            token: fresh_token(),
            reply,
        };
        if shared.events.send(event).is_err() {
            return;
        }
        answer.await.unwrap_or(Err(Closing::Ended))
    };
    match joined {
        Ok(joined) => {
            let (id, serial) = (joined.id, joined.serial);
            let for_good = run(&mut ws, joined, &shared).await;
            let _ = shared.events.send(Event::Gone {
                id,
                serial,
                for_good,
            });
        }
        Err(closing) => close(&mut ws, closing).await,
    }
}

/// A resume token: 128 random bits as hex. Without randomness (the OS refused) the token is
/// empty, which resumes nothing.
fn fresh_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        return String::new();
    }
    hex::encode(bytes)
}

/// The connection's life; `true` when the student left for good.
async fn run(ws: &mut Ws, joined: Joined, shared: &Shared) -> bool {
    let Joined {
        id,
        mut queue,
        mut kick,
        ..
    } = joined;
    let mut rate = Rate::new(shared.now_ms());
    let mut heard = Instant::now();
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
    loop {
        tokio::select! {
            out = queue.recv() => match out {
                Some(Out::Text(m)) => {
                    if !matches!(tokio::time::timeout(WRITE_TIME, ws.send(m)).await, Ok(Ok(()))) {
                        return false;
                    }
                }
                Some(Out::Close(c)) => {
                    close(ws, c).await;
                    return false;
                }
                // Replaced by a newer connection of the same student.
                None => return false,
            },
            kicked = &mut kick => {
                if let Ok(c) = kicked {
                    close(ws, c).await;
                }
                return false;
            },
            _ = ping.tick() => {
                if heard.elapsed() > SILENT_AFTER {
                    close(ws, Closing::Silent).await;
                    return false;
                }
                if ws.send(Message::Ping(bytes::Bytes::new())).await.is_err() {
                    return false;
                }
            },
            read = ws.next() => {
                heard = Instant::now();
                let message = match read {
                    Some(Err(Error::Capacity(_))) => {
                        close(ws, Closing::TooBig).await;
                        return false;
                    }
                    // Gone, or broken below the protocol: nothing to answer.
                    None | Some(Err(_)) => return false,
                    Some(Ok(m)) => m,
                };
                let text = match message {
                    Message::Text(t) => t,
                    Message::Binary(_) => {
                        close(ws, Closing::Malformed).await;
                        return false;
                    }
                    // Answered by tungstenite on the next write; a close is replied to the same way.
                    Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => continue,
                    Message::Close(_) => {
                        let _ = tokio::time::timeout(CLOSE_TIME, ws.flush()).await;
                        return false;
                    }
                };
                if !rate.allow(shared.now_ms()) {
                    close(ws, Closing::TooFast).await;
                    return false;
                }
                match parse_from_student(text.as_str()) {
                    Ok(FromStudent::Answer { at, answer }) => {
                        let _ = shared.events.send(Event::Answer { id, at, answer });
                    }
                    Ok(FromStudent::Ping) => {
                        let answer = Message::text(FromHub::Pong.encode());
                        if ws.send(answer).await.is_err() {
                            return false;
                        }
                    }
                    Ok(FromStudent::Leave) => {
                        close(ws, Closing::Left).await;
                        return true;
                    }
                    Err(e) => {
                        close(ws, e.closing()).await;
                        return false;
                    }
                }
            }
        }
    }
}

/// Sends a close frame with `closing`'s code and sentence, then reads until the student's
/// close comes back (or 2 s pass), so that nothing unread is left on the socket: closing a
/// socket with unread bytes sends a reset, which can destroy the close frame before the
/// student reads it.
async fn close(ws: &mut Ws, closing: Closing) {
    let frame = CloseFrame {
        code: closing.code().into(),
        reason: closing.reason().into(),
    };
    let deadline = tokio::time::Instant::now() + CLOSE_TIME;
    if tokio::time::timeout_at(deadline, ws.close(Some(frame)))
        .await
        .is_err()
    {
        return;
    }
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Ok(Some(Ok(_))) => {}
            Ok(None) | Err(_) => return,
            // What follows an oversized frame is not frames: read it raw until the end.
            Ok(Some(Err(_))) => break,
        }
    }
    let mut sink = [0u8; 4096];
    while let Ok(Ok(n)) = tokio::time::timeout_at(deadline, ws.get_mut().read(&mut sink)).await {
        if n == 0 {
            return;
        }
    }
}
