//! Grading a client: wslab serves the cases on the driver protocol the Autobahn|Testsuite's
//! fuzzing server speaks, so a project's existing Autobahn driver runs unchanged:
//! `/getCaseCount` sends the number of cases, `/runCase?case=N&agent=A` plays case N against
//! the client (which echoes what it is sent), `/getCaseInfo?case=N` describes one, and
//! `/updateReports?agent=A` ends the run and hands back that agent's card. A browser that
//! opens the address gets a page that is such a driver, so a browser can be graded too.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use tokio::io::AsyncReadExt as _;
use tokio::time::Instant;

use super::conn::Player;
use super::play::judged;
use crate::grade::case::{Answer, Case, Out, PROBE, Role};
use crate::grade::heard::{Ending, How};
use crate::grade::outcome::Outcome;
use crate::grade::report::Card;
use crate::net::recorder::Recorder;
use crate::net::tcp::{Listener, TappedTcp};
use crate::proto::accept::Derivation;
use crate::proto::http::{Head, StartLine, parse_request};

/// The page that makes a browser the client under test: an Autobahn driver in JavaScript.
const PAGE: &str = include_str!("page.html");

/// What a driver asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ask {
    Count,
    Info(usize),
    Run(usize, String),
    Report(String),
    Unknown,
}

/// Reads the driver's path and query: `/runCase?case=3&agent=my%20client`.
fn ask(target: &str) -> Ask {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let param = |name: &str| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| percent_decoded(value))
    };
    let case = || param("case").and_then(|n| n.parse::<usize>().ok());
    let agent = || param("agent").unwrap_or_else(|| "client".to_owned());
    match path.trim_end_matches('/') {
        "/getCaseCount" => Ask::Count,
        "/getCaseInfo" => case().map_or(Ask::Unknown, Ask::Info),
        "/runCase" => case().map_or(Ask::Unknown, |n| Ask::Run(n, agent())),
        "/updateReports" => Ask::Report(agent()),
        _ => Ask::Unknown,
    }
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Something the server tells its user as the run goes.
#[derive(Debug)]
pub enum Event<'a> {
    /// A case ran.
    Ran(&'a str, usize, usize, &'a Outcome),
    /// A driver asked for something that is not part of the protocol.
    Stray(String),
}

/// Serves `cases` to clients until a driver asks for the report, and returns that agent's
/// card. `timeout` bounds each case.
///
/// # Errors
/// The listener's error, when accepting fails for a reason not about one connection.
pub async fn serve(
    listener: &Listener,
    cases: &[Case],
    recorder: &Recorder,
    timeout: Duration,
    mut event: impl FnMut(Event<'_>),
) -> std::io::Result<Card> {
    let started = Instant::now();
    let mut ran: BTreeMap<String, BTreeMap<usize, Outcome>> = BTreeMap::new();
    loop {
        let Ok(mut stream) = listener.accept().await else {
            continue;
        };
        let Some((head, rest)) = read_request(&mut stream, timeout).await else {
            continue;
        };
        let target = match &head.start {
            StartLine::Request { target, .. } => target.clone(),
            StartLine::Response { .. } => String::new(),
        };
        // A browser opening the address gets the page that drives it as the client.
        if head.header("upgrade").is_none() && target == "/" {
            let mut player = Player::new(stream, recorder, timeout, Role::Client);
            let page = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{PAGE}",
                PAGE.len()
            );
            let _ = player.write(page.as_bytes()).await;
            continue;
        }
        match ask(&target) {
            Ask::Count => {
                let _ = say(
                    stream,
                    &head,
                    &rest,
                    recorder,
                    timeout,
                    &cases.len().to_string(),
                )
                .await;
            }
            Ask::Info(n) => {
                let text = cases.get(n.wrapping_sub(1)).map_or_else(
                    || format!("{{\"error\":\"there is no case {n}\"}}"),
                    |c| serde_json::json!({ "id": c.id, "description": c.title }).to_string(),
                );
                let _ = say(stream, &head, &rest, recorder, timeout, &text).await;
            }
            Ask::Run(n, agent) => {
                let Some(case) = cases.get(n.wrapping_sub(1)) else {
                    event(Event::Stray(format!(
                        "runCase?case={n}: there are {} cases",
                        cases.len()
                    )));
                    continue;
                };
                let outcome = run_case(stream, &head, &rest, case, recorder, timeout).await;
                event(Event::Ran(&agent, n, cases.len(), &outcome));
                ran.entry(agent).or_default().insert(n, outcome);
            }
            Ask::Report(agent) => {
                let _ = say(stream, &head, &rest, recorder, timeout, "").await;
                let outcomes = ran
                    .remove(&agent)
                    .unwrap_or_default()
                    .into_values()
                    .collect();
                return Ok(Card {
                    target: format!("the client \"{agent}\""),
                    outcomes,
                    took_ms: started.elapsed().as_secs_f64() * 1000.0,
                });
            }
            Ask::Unknown => {
                event(Event::Stray(format!(
                    "{target}: not part of the driver protocol"
                )));
                let mut player = Player::new(stream, recorder, timeout, Role::Client);
                let _ = player
                    .write(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    )
                    .await;
            }
        }
    }
}

// Reads one request head; `None` when the client sent none in time or not HTTP.
async fn read_request(stream: &mut TappedTcp, timeout: Duration) -> Option<(Head, Vec<u8>)> {
    let deadline = Instant::now() + timeout;
    let mut buffered = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let n = tokio::time::timeout_at(deadline, stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        buffered.extend_from_slice(&chunk[..n]);
        // parse_request refuses a head past its size limit, so this is bounded.
        if let Some(head) = parse_request(&buffered).ok()? {
            let rest = buffered.split_off(head.len);
            return Some((head, rest));
        }
    }
}

// The answer to `request` the case asks for: a correct 101, or one broken on purpose.
fn answer(request: &Head, how: &Answer) -> String {
    let key = request.header("sec-websocket-key").unwrap_or_default();
    let accept = Derivation::new(key).accept;
    let mut headers: Vec<(&str, String)> = vec![
        ("Upgrade", "websocket".into()),
        ("Connection", "Upgrade".into()),
        ("Sec-WebSocket-Accept", accept),
    ];
    let mut status = "101 Switching Protocols".to_owned();
    match how {
        Answer::Valid => {}
        // A valid accept, for another key: right shape, wrong value.
        Answer::WrongAccept => headers[2].1 = Derivation::new("dGhlIHNhbXBsZSBub25jZQ==").accept,
        Answer::Without(name) => headers.retain(|(n, _)| n != name),
        Answer::Status(code) => {
            status = format!("{code} {}", if *code == 200 { "OK" } else { "Refused" });
        }
        Answer::Adding(name, value) => headers.push((name, (*value).to_owned())),
    }
    let mut head = format!("HTTP/1.1 {status}\r\n");
    for (name, value) in headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    if matches!(how, Answer::Status(_)) {
        head.push_str("Content-Length: 0\r\n");
    }
    head.push_str("\r\n");
    head
}

// A driver endpoint: a valid 101, one text message when `text` is not empty, then close.
async fn say(
    stream: TappedTcp,
    request: &Head,
    rest: &[u8],
    recorder: &Recorder,
    timeout: Duration,
    text: &str,
) -> bool {
    let mut player = Player::new(stream, recorder, timeout, Role::Client);
    if !player
        .write(answer(request, &Answer::Valid).as_bytes())
        .await
    {
        return false;
    }
    player.watch(rest).await;
    if !text.is_empty() {
        player.write(&Out::text(text).server_bytes()).await;
    }
    player.finish(crate::grade::case::Finish::Close).await;
    true
}

// One case against the client on this connection, judged.
async fn run_case(
    stream: TappedTcp,
    request: &Head,
    rest: &[u8],
    case: &Case,
    recorder: &Recorder,
    timeout: Duration,
) -> Outcome {
    let started = Instant::now();
    let conn = stream.conn();
    let mut player = Player::new(stream, recorder, timeout, Role::Client);
    let mut last_step_us = None;
    if player.write(answer(request, &case.answer).as_bytes()).await {
        player.watch(rest).await;
        if case.handshake_only() {
            // A client that took the bad answer would echo this and answer the ping.
            let mut bytes = Out::text("did you check the answer?").server_bytes();
            bytes.extend(Out::ping(PROBE).server_bytes());
            player.write(&bytes).await;
            let deadline = player.deadline;
            player.read_until(deadline).await;
        } else {
            last_step_us = player.steps(case, None).await;
        }
    }
    let ending = Ending {
        how: player.ended.unwrap_or(How::TimedOut),
        last_step_us,
        waited_secs: player.limit.as_secs_f64(),
    };
    drop(player);
    judged(
        case,
        conn,
        recorder,
        &ending,
        started.elapsed().as_secs_f64() * 1000.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_driver_protocol_is_read_as_autobahn_writes_it() {
        assert_eq!(ask("/getCaseCount"), Ask::Count);
        assert_eq!(
            ask("/runCase?case=3&agent=my%20client"),
            Ask::Run(3, "my client".into())
        );
        assert_eq!(
            ask("/runCase?agent=a+b&case=12"),
            Ask::Run(12, "a b".into())
        );
        assert_eq!(ask("/getCaseInfo?case=1"), Ask::Info(1));
        assert_eq!(
            ask("/updateReports?agent=tungstenite"),
            Ask::Report("tungstenite".into())
        );
        assert_eq!(ask("/runCase?case=x"), Ask::Unknown);
        assert_eq!(ask("/echo"), Ask::Unknown);
    }
}
