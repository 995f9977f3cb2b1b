//! The `websocket` and `fault` actions: a handshake, the sends, the replies, the close.

use std::sync::Arc;

use tokio_tungstenite::tungstenite::Message;

use super::{ActionRun, Runner};
use crate::lesson::model::{Fault, InputField, Mask, Send, Websocket};
use crate::net::client::{ClientOptions, Masking, Outgoing, WsClient};
use crate::net::tls::{TlsOptions, Trust};
use crate::net::url;
use crate::routes::Endpoint;

/// What a handshake-and-sends action asks for, from either kind.
struct Plan {
    path: String,
    /// Whether the runner publishes updates while it waits, as /ticker needs.
    ticker: bool,
    key: Option<String>,
    protocols: Vec<String>,
    headers: Vec<String>,
    mask: Option<Mask>,
    sends: Vec<Send>,
    receive: u32,
    /// Pongs to wait for: one per ping sent, so that a ping's answer is on screen before the
    /// client closes.
    pongs: u32,
    /// Over wss://, trusting the lab's CA.
    tls: bool,
    /// A permessage-deflate offer to send.
    deflate: Option<String>,
}

/// The gap between two updates the runner publishes for /ticker.
const TICK: std::time::Duration = std::time::Duration::from_millis(100);

/// `kind = "websocket"`.
pub(super) async fn websocket(
    runner: &Runner,
    a: &Websocket,
    input: Option<(InputField, &str)>,
) -> ActionRun {
    let mut sends = a.send.clone();
    let mut key = a.key.clone();
    let mut notes = Vec::new();
    match input {
        Some((InputField::Text, typed)) => {
            let typed_text = Send::Text(typed.to_owned());
            match sends.iter_mut().find(|s| matches!(s, Send::Text(_))) {
                Some(send) => *send = typed_text,
                None => sends.insert(0, typed_text),
            }
            notes.push(format!(
                "sent the text you gave: {}",
                crate::proto::shown::quoted(typed)
            ));
        }
        Some((InputField::Key, typed)) => {
            key = Some(typed.to_owned());
            notes.push(format!("used the key you gave: {typed}"));
        }
        // A URL belongs to a grade action; the lint keeps it from a websocket step.
        Some((InputField::Url, _)) | None => {}
    }
    if key.is_none() {
        notes.push(
            "the Sec-WebSocket-Key is random, so it and the Accept differ each run".to_owned(),
        );
    }
    let echoes = sends.iter().filter(|s| s.is_message()).count();
    let receive = a.receive.unwrap_or(if a.path == Endpoint::Echo {
        u32::try_from(echoes).unwrap_or(u32::MAX)
    } else {
        0
    });
    let plan = Plan {
        path: a.path.path().to_owned(),
        ticker: a.path == Endpoint::Ticker,
        key,
        protocols: a.protocols.clone(),
        headers: a.header.clone(),
        mask: a.mask,
        pongs: pings(&sends),
        sends,
        receive,
        tls: a.tls,
        deflate: a.deflate.clone(),
    };
    let mut run = exchange(runner, &plan).await;
    run.notes.splice(0..0, notes);
    run
}

/// `kind = "fault"`: the client's refusal, or the server's close, is the lesson.
pub(super) async fn fault(runner: &Runner, a: &Fault) -> ActionRun {
    let plan = Plan {
        path: a.name.path(),
        ticker: false,
        key: a.key.clone(),
        protocols: Vec::new(),
        headers: Vec::new(),
        mask: a.mask,
        sends: a.send.clone(),
        receive: u32::MAX,
        // A misbehaving peer may never answer; the fault's own end is what is awaited.
        pongs: 0,
        tls: false,
        deflate: None,
    };
    let mut run = exchange(runner, &plan).await;
    run.expected = true;
    run
}

async fn exchange(runner: &Runner, plan: &Plan) -> ActionRun {
    let mut run = ActionRun::default();
    let (target, tls) = match (plan.tls, runner.lab.cert()) {
        // By name (the lab's wss:// URL says localhost), as a browser would: an IP address is
        // never sent as SNI (RFC 6066 §3), and the ClientHello's server name is what the
        // lesson shows in clear.
        (true, Some(cert)) => {
            let tls = TlsOptions::new(
                Trust::Roots(Arc::new(cert.roots())),
                runner.settings.keylog.clone(),
            );
            (runner.lab.wss_url(&plan.path).unwrap_or_default(), tls)
        }
        (true, None) => {
            run.error =
                Some("the lab does not serve TLS, so it cannot be reached over wss://".into());
            return run;
        }
        (false, _) => (runner.lab.url(&plan.path), TlsOptions::default()),
    };
    let url = match url::parse(&target) {
        Ok(url) => url,
        Err(e) => {
            run.error = Some(e.to_string());
            return run;
        }
    };
    let options = ClientOptions {
        key: plan.key.clone(),
        headers: plan
            .headers
            .iter()
            .filter_map(|h| h.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect(),
        protocols: plan.protocols.clone(),
        timeout: runner.settings.timeout,
        reply_timeout: Some(runner.settings.timeout),
        masking: masking(plan.mask),
        label: "client".to_owned(),
        tls,
        deflate: plan.deflate.clone(),
    };
    let mut client = match WsClient::connect(&url, &runner.recorder, &options).await {
        Ok(client) => client,
        Err(e) => {
            run.error = Some(e.to_string());
            return run;
        }
    };
    if let Err(e) = talk(runner, &mut client, plan).await {
        run.error = Some(e.to_string());
    }
    run
}

/// Sends, waits for the replies, and closes; the server's own close is answered by the
/// library and read to the end.
async fn talk(
    runner: &Runner,
    client: &mut WsClient,
    plan: &Plan,
) -> Result<(), crate::net::ClientError> {
    let mut closed = false;
    for send in &plan.sends {
        // A close starts the closing handshake, after which nothing more may be sent.
        closed = matches!(send, Send::Close { .. });
        client.send(Outgoing::from(send.clone())).await?;
        if closed {
            break;
        }
    }
    let ticker = plan.ticker;
    let (mut data, mut pongs, mut published) = (0, 0, 0);
    while !closed && (data < plan.receive || pongs < plan.pongs) {
        // The runner's lab publishes only when asked: one update per message awaited, at a
        // ticker's pace, so the frames show updates arriving over time.
        if ticker && published <= data && data < plan.receive {
            if published > 0 {
                tokio::time::sleep(TICK).await;
            }
            runner.lab.publish(&format!("update {}", published + 1));
            published += 1;
        }
        match client.recv().await? {
            Some(Message::Text(_) | Message::Binary(_)) => data += 1,
            Some(Message::Pong(_)) => pongs += 1,
            // The server closed first: the library has queued its reply, echoing the code.
            Some(Message::Close(_)) | None => {
                closed = true;
                break;
            }
            Some(_) => {}
        }
    }
    if !closed {
        client.close(1000, "").await?;
    }
    client.drain().await
}

fn pings(sends: &[Send]) -> u32 {
    let n = sends.iter().map(Send::pings).sum::<usize>();
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn masking(mask: Option<Mask>) -> Masking {
    match mask {
        Some(Mask::Key(key)) => Masking::Pinned(key),
        Some(Mask::Unmasked) => Masking::Unmasked,
        None => Masking::Library,
    }
}
