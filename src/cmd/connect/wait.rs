//! What `connect` does between its sends and its close: `--expect`'s wait for N messages, or
//! the default `--linger`, which ends once every message sent has had its reply.

use bytes::Bytes;
use tokio_tungstenite::tungstenite::Message;

use super::Plan;
use crate::net::{ClientError, Outgoing, WsClient};

/// The sends, the wait for the replies, and the closing handshake. `waited` says what the
/// wait was for and what came, even when the server ends the run during it.
pub(super) async fn script(
    plan: &Plan,
    client: &mut WsClient,
    waited: &mut Option<String>,
) -> Result<(), ClientError> {
    for send in &plan.sends {
        client.send(send.clone()).await?;
    }
    let quiet = if plan.expect > 0 {
        expect(plan, client, waited).await?
    } else {
        linger(plan, client, waited).await?;
        None
    };
    client.close(plan.close.0, &plan.close.1).await?;
    client.drain().await?;
    quiet.map_or(Ok(()), Err)
}

/// `--expect N`: N data messages, each within the reply timeout. A quiet server is no fault:
/// wslab ends the wait, and ends it with a close frame (§7.1.2), not a bare FIN; the error
/// it gives back says what happened.
async fn expect(
    plan: &Plan,
    client: &mut WsClient,
    waited: &mut Option<String>,
) -> Result<Option<ClientError>, ClientError> {
    let secs = plan.options.reply_timeout.map_or(0.0, |t| t.as_secs_f64());
    let say = |got: usize| {
        format!(
            "waited for {} (--expect), each up to {secs} s (--timeout): {got} came",
            count(plan.expect, "data message")
        )
    };
    let mut data = 0;
    while data < plan.expect {
        *waited = Some(say(data));
        match client.recv().await {
            Ok(Some(Message::Text(_) | Message::Binary(_))) => data += 1,
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(ClientError::ReplyTimeout { secs }) => {
                return Ok(Some(ClientError::Quiet {
                    got: data,
                    want: plan.expect,
                    secs,
                    code: plan.close.0,
                }));
            }
            Err(error) => return Err(error),
        }
    }
    *waited = Some(say(data));
    Ok(None)
}

/// The default wait: up to `--linger` for what the server sends back, ended early once each
/// text or binary message sent has had a reply (an echo's) and the last ping its pong.
/// Without it, the close would leave right behind the sends, and a server's reply, or its
/// reaction to a broken rule, would cross the client's 1000 on the wire. A server that
/// breaks a rule meanwhile is answered by `recv` with the close code §7.4.1 gives it.
async fn linger(
    plan: &Plan,
    client: &mut WsClient,
    waited: &mut Option<String>,
) -> Result<(), ClientError> {
    let ms = plan.linger.as_millis();
    if plan.linger.is_zero() {
        *waited =
            Some("did not wait for replies (--linger 0): closed right after the sends".into());
        return Ok(());
    }
    // Crafted bytes have no "reply" to count: their point is what the server does, so the
    // whole wait is kept.
    let raw = plan.sends.iter().any(|s| matches!(s, Outgoing::Raw(_)));
    let want = (!raw).then(|| Wanted::of(&plan.sends)).flatten();
    let say = |got: &Got, why: &str| match &want {
        Some(want) => format!(
            "waited up to {ms} ms (--linger) for {}: {}{why}",
            want.said(),
            got.said(want)
        ),
        None => format!(
            "waited {ms} ms (--linger) for {}: {} came{why}",
            if raw {
                "the server's reaction to the crafted bytes"
            } else {
                "anything the server sends unasked"
            },
            count(got.data, "data message")
        ),
    };
    let started = tokio::time::Instant::now();
    let deadline = started + plan.linger;
    let mut got = Got::default();
    while want.as_ref().is_none_or(|want| !got.all(want)) {
        *waited = Some(say(&got, ""));
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match client.recv_within(Some(left)).await {
            // The wait is over, and that is no fault: the server owes no reply.
            Err(ClientError::ReplyTimeout { .. }) => return Ok(()),
            Ok(Some(Message::Text(_) | Message::Binary(_))) => got.data += 1,
            Ok(Some(Message::Pong(data))) => got.pong(&data, want.as_ref()),
            Ok(Some(_)) => {}
            // Its close came, and the library answered it: the server has said all it will.
            Ok(None) => {
                *waited = Some(say(&got, ", before the server closed"));
                return Ok(());
            }
            Err(error) => {
                *waited = Some(say(&got, ", and what the server did then ended the wait"));
                return Err(error);
            }
        }
    }
    let after = crate::render::exchange::ms(started.elapsed().as_micros() as u64);
    *waited = Some(say(
        &got,
        &format!(", the last after {after}, so the wait ended there"),
    ));
    Ok(())
}

/// What the linger waits for: a reply to each data message, and the pong to the last ping.
/// A server may answer only the most recent of several pings (§5.5.3), and a pong carries
/// its ping's data (§5.5.3), so the last ping's own pong says every ping was heard. Pings
/// with the same data cannot be told apart: then one pong for each is waited for.
struct Wanted {
    data: usize,
    pings: usize,
    last_ping: Option<Bytes>,
    same_as_last: usize,
}

impl Wanted {
    fn of(sends: &[Outgoing]) -> Option<Self> {
        let pings: Vec<&Bytes> = sends.iter().filter_map(ping_of).collect();
        let last_ping = pings.last().map(|&p| p.clone());
        let want = Self {
            data: sends.iter().filter(|s| is_data(s)).count(),
            pings: pings.len(),
            same_as_last: pings
                .iter()
                .filter(|&&p| Some(p) == last_ping.as_ref())
                .count(),
            last_ping,
        };
        (want.data + want.pings > 0).then_some(want)
    }

    fn said(&self) -> String {
        let data = format!(
            "a reply to each of the {} sent",
            count(self.data, "message")
        );
        let pings = match self.pings {
            1 => "the pong to the ping".to_owned(),
            n => format!("the pong to the last of the {n} pings"),
        };
        match (self.data, self.pings) {
            (_, 0) => data,
            (0, _) => pings,
            _ => format!("{data} and {pings}"),
        }
    }
}

/// What came during the linger.
#[derive(Default)]
struct Got {
    data: usize,
    pongs: usize,
    last_pongs: usize,
}

impl Got {
    fn pong(&mut self, data: &[u8], want: Option<&Wanted>) {
        self.pongs += 1;
        if want.and_then(|w| w.last_ping.as_deref()) == Some(data) {
            self.last_pongs += 1;
        }
    }

    fn all(&self, want: &Wanted) -> bool {
        self.data >= want.data && self.last_pongs >= want.same_as_last
    }

    fn said(&self, want: &Wanted) -> String {
        let data = format!("{} came", self.data);
        let pongs = format!("{} back", count(self.pongs, "pong"));
        match (want.data, want.pings) {
            (_, 0) => data,
            (0, _) => pongs,
            _ => format!("{data}, {pongs}"),
        }
    }
}

fn ping_of(send: &Outgoing) -> Option<&Bytes> {
    match send {
        Outgoing::Ping(data) | Outgoing::FragmentsWithPing { ping: data, .. } => Some(data),
        _ => None,
    }
}

// A text or binary message, one frame or several: what an echo endpoint answers.
fn is_data(send: &Outgoing) -> bool {
    matches!(
        send,
        Outgoing::Text(_)
            | Outgoing::Binary(_)
            | Outgoing::Fragments { .. }
            | Outgoing::FragmentsWithPing { .. }
    )
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}
