//! A student's connection to the hub (and the notes terminal's): tapped from its first byte,
//! so the class channel shows in the student's own capture like any other connection;
//! reconnected with backoff when the network drops, resuming the student's place.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;

use crate::class::limits::MAX_FROM_HUB;
use crate::class::protocol::parse_from_hub;
use crate::class::{Closing, FromHub, FromStudent, join};
use crate::net::Recorder;
use crate::net::url::WsUrl;

/// Where and as whom to join.
#[derive(Debug, Clone)]
pub struct StudentOptions {
    /// The hub's URL, as the projector shows it.
    pub url: WsUrl,
    /// The join code (or the notes key).
    pub code: String,
    /// The name to show in the roster.
    pub name: String,
    /// The presenter's notes terminal rather than a student.
    pub notes: bool,
}

/// What happens on the connection, for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StudentEvent {
    /// Connected (again).
    Connected,
    /// A message from the hub.
    Hub(FromHub),
    /// The hub sent something that is not the protocol: the sentence, and the message ignored.
    Bad(String),
    /// The hub closed: its code and sentence; `last` when no retry follows.
    Closed {
        /// The close code, 1005 when the frame had none (RFC 6455 §7.1.5).
        code: u16,
        /// The sentence.
        reason: String,
        /// Whether this is the end.
        last: bool,
    },
    /// The connection failed or dropped; the next try is in `in_ms`.
    Retrying {
        /// Why, in a sentence.
        why: String,
        /// Milliseconds to the next try.
        in_ms: u64,
    },
}

/// Waits between tries: 250 ms, doubling, at most 5 s.
pub fn backoff_ms(attempt: u32) -> u64 {
    (250u64 << attempt.min(5)).min(5000)
}

/// The URL the hub is asked for.
pub fn join_url(options: &StudentOptions, resume: Option<&str>) -> String {
    let scheme = if options.url.secure { "wss" } else { "ws" };
    format!(
        "{scheme}://{}/class?{}",
        options.url.host_header(),
        join::query(&options.code, &options.name, resume, options.notes)
    )
}

/// Joins and follows until the hub ends the class, refuses, or `outgoing` closes (the
/// student quit: they leave for good). Every connection is recorded by `recorder`.
pub async fn follow(
    options: StudentOptions,
    recorder: Recorder,
    events: mpsc::UnboundedSender<StudentEvent>,
    mut outgoing: mpsc::UnboundedReceiver<FromStudent>,
) {
    let mut token: Option<String> = None;
    let mut attempt = 0u32;
    loop {
        match once(
            &options,
            &recorder,
            &events,
            &mut outgoing,
            &mut token,
            &mut attempt,
        )
        .await
        {
            Ended::Done => return,
            Ended::Retry(why) => {
                let in_ms = backoff_ms(attempt);
                attempt = attempt.saturating_add(1);
                if events.send(StudentEvent::Retrying { why, in_ms }).is_err() {
                    return;
                }
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_millis(in_ms)) => {}
                    // Quitting while waiting: nothing to leave.
                    None = outgoing.recv() => return,
                }
            }
        }
    }
}

enum Ended {
    Done,
    Retry(String),
}

async fn once(
    options: &StudentOptions,
    recorder: &Recorder,
    events: &mpsc::UnboundedSender<StudentEvent>,
    outgoing: &mut mpsc::UnboundedReceiver<FromStudent>,
    token: &mut Option<String>,
    attempt: &mut u32,
) -> Ended {
    let Ok(Some(addr)) = tokio::net::lookup_host((options.url.host.as_str(), options.url.port))
        .await
        .map(|mut a| a.next())
    else {
        return Ended::Retry(format!("{} does not resolve", options.url.host));
    };
    let stream = match crate::net::tcp::connect(addr, recorder, "class").await {
        Ok(s) => s,
        Err(e) => return Ended::Retry(format!("the hub at {addr} cannot be reached: {e}")),
    };
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_FROM_HUB))
        .max_frame_size(Some(MAX_FROM_HUB));
    let url = join_url(options, token.as_deref());
    let mut ws = match tokio_tungstenite::client_async_with_config(url, stream, Some(config)).await
    {
        Ok((ws, _)) => ws,
        Err(e) => return Ended::Retry(format!("the hub's handshake failed: {e}")),
    };
    *attempt = 0;
    let _ = events.send(StudentEvent::Connected);
    loop {
        tokio::select! {
            out = outgoing.recv() => {
                let leaving = out.is_none();
                let message = out.unwrap_or(FromStudent::Leave);
                if ws.send(Message::text(message.encode())).await.is_err() {
                    return if leaving { Ended::Done } else { Ended::Retry("the connection dropped".to_owned()) };
                }
                if leaving {
                    // Wait for the hub's close, briefly, so the leave is heard.
                    let _ = tokio::time::timeout(Duration::from_secs(2), async {
                        while let Some(Ok(_)) = ws.next().await {}
                    }).await;
                    return Ended::Done;
                }
            }
            read = ws.next() => match read {
                Some(Ok(Message::Text(t))) => {
                    let event = match parse_from_hub(t.as_str()) {
                        Ok(m) => {
                            if let FromHub::Welcome { token: t, .. } = &m && !t.is_empty() {
                                *token = Some(t.clone());
                            }
                            StudentEvent::Hub(m)
                        }
                        Err(e) => StudentEvent::Bad(format!("the hub sent a message that is not the class protocol: {e}")),
                    };
                    if events.send(event).is_err() {
                        return Ended::Done;
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame.map_or((1005, String::new()), |f: CloseFrame| (u16::from(f.code), f.reason.to_string()));
                    let retry = Closing::of(code).is_some_and(Closing::retry);
                    // tungstenite answers the close; let it finish.
                    while let Some(Ok(_)) = ws.next().await {}
                    let _ = events.send(StudentEvent::Closed { code, reason, last: !retry });
                    return if retry { Ended::Retry("the hub dropped the connection".to_owned()) } else { Ended::Done };
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Ended::Retry(format!("the connection dropped: {e}")),
                None => return Ended::Retry("the hub closed the connection without a close frame".to_owned()),
            }
        }
    }
}
