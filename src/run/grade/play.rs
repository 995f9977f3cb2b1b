//! One case played on a real socket: the request written as the case says, the frames sent
//! as the case builds them (lawful or not), and the server read until it closes, answering
//! its close and the probe's pong as a client would.

use std::time::Duration;

use tokio::io::AsyncReadExt as _;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::handshake::client::generate_key;

use super::conn::Player;
use crate::capture::ConnId;
use crate::grade::case::{Case, Finish, Role, request_head};
use crate::grade::heard::{Ending, How};
use crate::grade::outcome::{Grade, Outcome, Verdict};
use crate::grade::{evidence, judge};
use crate::net::client::{self, ClientOptions};
use crate::net::recorder::Recorder;
use crate::net::url::WsUrl;
use crate::proto::deflate::{self, Agreed};
use crate::proto::http::{StartLine, parse_response};

/// Where and how cases connect.
#[derive(Debug, Clone)]
pub struct Target {
    /// The URL.
    pub url: WsUrl,
    /// Connection options: TLS trust, and the timeout of the connection itself.
    pub options: ClientOptions,
    /// The longest a case waits for the server.
    pub timeout: Duration,
}

/// Why a case could not reach the server at all: a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreachable(pub String);

/// Plays `case` and judges it. `Err` only when no connection could be made at all.
///
/// # Errors
/// [`Unreachable`] with the client's sentence (refused, timed out, TLS, name).
pub async fn play(
    case: &Case,
    target: &Target,
    recorder: &Recorder,
) -> Result<Outcome, Unreachable> {
    let started = Instant::now();
    let stream = client::open(&target.url, recorder, &target.options)
        .await
        .map_err(|e| Unreachable(e.to_string()))?;
    let conn = stream.conn();
    let mut player = Player::new(stream, recorder, target.timeout, Role::Server);
    let last_step_us = run(&mut player, case, target).await;
    let how = player.ended.unwrap_or(How::TimedOut);
    let ending = Ending {
        how,
        last_step_us,
        waited_secs: player.limit.as_secs_f64(),
    };
    drop(player);
    let took_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(judged(case, conn, recorder, &ending, took_ms))
}

/// A case not run, with the reason.
pub fn skipped(case: &Case, why: &str) -> Outcome {
    Outcome {
        case: case.clone(),
        verdict: Verdict::new(Grade::Skipped, why),
        evidence: crate::grade::outcome::Evidence::default(),
        took_ms: 0.0,
    }
}

pub(super) fn judged(
    case: &Case,
    conn: Option<ConnId>,
    recorder: &Recorder,
    ending: &Ending,
    took_ms: f64,
) -> Outcome {
    let line = match ending.how {
        How::PeerClosed => format!("the {} closed the TCP connection", case.role.name()),
        How::Closed => {
            "wslab, the server, closed the TCP connection after the closing handshake".to_owned()
        }
        How::Reset => "the connection was reset".to_owned(),
        How::TimedOut => format!(
            "the connection was still open after {:.1} s; wslab closed it",
            ending.waited_secs
        ),
        How::Answered => {
            "wslab closed the connection once the answer's head had arrived".to_owned()
        }
    };
    let (verdict, evidence) = conn
        .and_then(|id| {
            recorder.read(|t| {
                t.connection(id).map(|c| {
                    (
                        judge::judge(case, c, ending),
                        evidence::collect(c, line.clone()),
                    )
                })
            })
        })
        .unwrap_or_else(|| {
            (
                Verdict::new(
                    Grade::Fail,
                    "the connection was not captured (the capture's limits ran out)",
                ),
                crate::grade::outcome::Evidence::default(),
            )
        });
    if let Some(id) = conn {
        recorder.forget(id);
    }
    Outcome {
        case: case.clone(),
        verdict,
        evidence,
        took_ms,
    }
}

// Writes the case's request and reads the answer; plays the rest when it opened. When the
// last step went out, on the capture's clock.
async fn run(player: &mut Player<'_>, case: &Case, target: &Target) -> Option<u64> {
    let key = generate_key();
    let mut extra = Vec::new();
    if let Some(offer) = case.deflate {
        extra.push(("Sec-WebSocket-Extensions".to_owned(), offer.to_owned()));
    }
    if let Some(protocols) = case.protocols {
        extra.push(("Sec-WebSocket-Protocol".to_owned(), protocols.to_owned()));
    }
    let head = request_head(
        &target.url.host_header(),
        &target.url.target,
        &key,
        &extra,
        &case.request,
    );
    if !player.write(head.as_bytes()).await {
        return None;
    }
    let (opened, rest, agreed) = read_head(player, case).await?;
    if !opened {
        player.ended = Some(How::Answered);
        return None;
    }
    player.watch(&rest).await;
    if case.handshake_only() {
        player.finish(Finish::Close).await;
        return None;
    }
    player.steps(case, agreed).await
}

// Reads the answer head; whether it opened, the bytes after it, and the deflate agreed.
async fn read_head(
    player: &mut Player<'_>,
    case: &Case,
) -> Option<(bool, Vec<u8>, Option<Agreed>)> {
    let mut buffered = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let n = match tokio::time::timeout_at(player.deadline, player.stream.read(&mut chunk)).await
        {
            Err(_) => return None,
            Ok(Err(_)) => {
                player.ended = Some(How::Reset);
                return None;
            }
            Ok(Ok(0)) => {
                player.ended = Some(How::PeerClosed);
                return None;
            }
            Ok(Ok(n)) => n,
        };
        buffered.extend_from_slice(&chunk[..n]);
        // parse_response refuses a head past its size limit, so this is bounded.
        match parse_response(&buffered) {
            Ok(None) => {}
            Err(_) => return None,
            Ok(Some(head)) => {
                let opened = matches!(head.start, StartLine::Response { status: 101, .. });
                let rest = buffered.split_off(head.len);
                let agreed = case.deflate.and_then(|offer| {
                    let offered: Vec<_> = deflate::offers([offer])
                        .into_iter()
                        .filter_map(Result::ok)
                        .collect();
                    let answers = head
                        .headers
                        .iter()
                        .filter(|h| h.name.eq_ignore_ascii_case("sec-websocket-extensions"))
                        .map(|h| h.value.as_str());
                    deflate::check_answer(&offered, answers).ok().flatten()
                });
                return Some((opened, rest, agreed));
            }
        }
    }
}
