//! The `chat` and `duplex` actions: more than one voice at once.

use std::time::Duration;

use tokio_tungstenite::tungstenite::Message;

use super::{ActionRun, Runner};
use crate::lesson::model::{Chat, Duplex};
use crate::net::client::{ClientOptions, Outgoing, WsClient};
use crate::net::{ClientError, url};

async fn join(runner: &Runner, path: &str, label: String) -> Result<WsClient, ClientError> {
    let target = runner.lab.url(path);
    let url = url::parse(&target).map_err(|e| ClientError::BadRequest {
        detail: e.to_string(),
    })?;
    let options = ClientOptions {
        timeout: runner.settings.timeout,
        label,
        ..ClientOptions::default()
    };
    WsClient::connect(&url, &runner.recorder, &options).await
}

/// `kind = "chat"`: every client joins /chat; the lines are said in turn, and each is awaited
/// at every client before the next is said, so the order on screen is the order said.
pub(super) async fn chat(runner: &Runner, a: &Chat) -> ActionRun {
    let mut run = ActionRun::default();
    if let Err(e) = chat_inner(runner, a).await {
        run.error = Some(e.to_string());
    }
    run
}

async fn chat_inner(runner: &Runner, a: &Chat) -> Result<(), ClientError> {
    let mut clients = Vec::new();
    for n in 1..=a.clients {
        clients.push(join(runner, "/chat", format!("client {n}")).await?);
    }
    for (i, line) in a.lines.iter().enumerate() {
        let speaker = i % clients.len();
        clients[speaker].send(Outgoing::Text(line.clone())).await?;
        for client in &mut clients {
            wait_for_data(client).await?;
        }
    }
    for client in &mut clients {
        client.close(1000, "").await?;
        client.drain().await?;
    }
    Ok(())
}

async fn wait_for_data(client: &mut WsClient) -> Result<(), ClientError> {
    loop {
        match client.recv().await? {
            Some(Message::Text(_) | Message::Binary(_)) => return Ok(()),
            Some(_) => {}
            None => return Err(ClientError::ClosedDuringHandshake),
        }
    }
}

/// `kind = "duplex"`: over one /ticker connection the client sends typing indicators on its
/// own clock while the lab pushes updates on another, half a period apart, and neither waits
/// for the other: the timeline shows both directions in flight at once.
pub(super) async fn duplex(runner: &Runner, a: &Duplex) -> ActionRun {
    let mut run = ActionRun::default();
    let mut client = match join(runner, "/ticker", "client".to_owned()).await {
        Ok(client) => client,
        Err(e) => {
            run.error = Some(e.to_string());
            return run;
        }
    };
    let every = Duration::from_millis(a.every_ms.max(1));
    let publish = async {
        tokio::time::sleep(every / 2).await;
        let mut tick = spaced(every);
        for n in 1..=a.updates {
            tick.tick().await;
            runner.lab.publish(&format!("update {n}"));
        }
    };
    let talk = async {
        let mut tick = spaced(every);
        let (mut sent, mut got) = (0, 0);
        while sent < a.typing || got < a.updates {
            tokio::select! {
                _ = tick.tick(), if sent < a.typing => {
                    sent += 1;
                    client.send(Outgoing::Text(format!(r#"{{"typing":true,"n":{sent}}}"#))).await?;
                }
                read = client.recv(), if got < a.updates => match read? {
                    Some(Message::Text(_)) => got += 1,
                    Some(_) => {}
                    None => break,
                },
            }
        }
        client.close(1000, "").await?;
        client.drain().await
    };
    let ((), talked) = tokio::join!(publish, talk);
    if let Err(e) = talked {
        run.error = Some(e.to_string());
    }
    run
}

// Ticks at least `every` apart. tokio's interval bursts to catch up after a late tick, which
// on a loaded machine sent every typing indicator at once and hid the interleaving the
// action exists to show.
fn spaced(every: Duration) -> tokio::time::Interval {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick
}
