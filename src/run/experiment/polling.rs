//! Polling, long polling, WebSocket push and Server-Sent Events, side by side on the same
//! updates.
//!
//! The four ways run at the same time against one lab, rather than one after the other or on
//! four labs: then they see the very same updates at the very same random moments, so their
//! delays and byte counts differ only by how each way asks, and the whole takes `seconds` once
//! instead of four times. The cost is that they share the machine's cores while they run;
//! on loopback their work takes microseconds against delays of tens of milliseconds.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::Message;

mod table;

use super::{ExperimentError, start_lab};
use crate::capture::measure::Measured;
use crate::lesson::model::Polling;
use crate::net::http_client::{self, HeaderSet, HttpClient, Request, Streaming};
use crate::net::lab::Lab;
use crate::net::lab::feed::KEPT_UPDATES;
use crate::net::{Recorder, WsClient, url};
use crate::proto::sse::SseParser;

const POLLING: &str = "polling";
const LONG_POLLING: &str = "long polling";
const PUSH: &str = "push";
const SSE: &str = "server-sent events";
/// The ways, in the table's order.
const WAYS: usize = 4;
/// How long a long poll may wait at the lab before it answers with nothing.
const LONG_WAIT_MS: u64 = 30_000;

/// What the experiment runs with, after quick mode and bounds.
#[derive(Debug, Clone)]
struct Plan {
    seconds: f64,
    poll_ms: u64,
    update_ms: u64,
    /// When each update is published, from the start.
    schedule: Vec<Duration>,
}

impl Plan {
    fn new(p: &Polling, quick: bool) -> Result<Self, ExperimentError> {
        let seconds = if quick { 1.0 } else { p.seconds };
        // A lesson's value outside reason would make the schedule endless or empty.
        let seconds = if seconds.is_finite() {
            seconds.clamp(0.1, 600.0)
        } else {
            5.0
        };
        // Quick mode must still see several updates and several polls within its one second.
        let (update_ms, poll_ms) = if quick {
            (p.update_ms.min(150), p.poll_ms.min(100))
        } else {
            (p.update_ms, p.poll_ms)
        };
        let (update_ms, poll_ms) = (update_ms.max(1), poll_ms.max(1));
        let window = Duration::from_secs_f64(seconds);
        let mut schedule = Vec::new();
        let mut at = Duration::ZERO;
        // The feed keeps KEPT_UPDATES for pollers; more would be lost before polling saw them.
        while schedule.len() < KEPT_UPDATES {
            at += gap(update_ms)?;
            if at > window {
                break;
            }
            schedule.push(at);
        }
        // At least one update, or there would be nothing to deliver.
        if schedule.is_empty() {
            schedule.push(window);
        }
        Ok(Self {
            seconds,
            poll_ms,
            update_ms,
            schedule,
        })
    }

    /// Past this, a way that has not delivered every update stops anyway.
    fn limit(&self) -> Duration {
        Duration::from_secs_f64(self.seconds)
            + Duration::from_millis(self.poll_ms + self.update_ms)
            + Duration::from_secs(5)
    }
}

/// A random gap from half to one and a half times `update_ms`.
fn gap(update_ms: u64) -> Result<Duration, ExperimentError> {
    let random = getrandom::u64().map_err(|e| ExperimentError::Random(e.to_string()))?;
    // The top 53 bits as a fraction in [0, 1): exactly what an f64 can hold.
    #[allow(clippy::cast_precision_loss)]
    let fraction = (random >> 11) as f64 / (1u64 << 53) as f64;
    #[allow(clippy::cast_precision_loss)]
    let ms = update_ms as f64 * (0.5 + fraction);
    Ok(Duration::from_secs_f64(ms / 1000.0))
}

/// What one way saw.
#[derive(Debug, Default)]
struct Way {
    requests: u64,
    empty: u64,
    /// Each update received, with when the client had it (µs, recorder clock).
    received: Vec<(u64, u64)>,
}

impl Way {
    fn delays(&self, published: &HashMap<u64, u64>) -> Vec<u64> {
        self.received
            .iter()
            .filter_map(|(id, at)| published.get(id).map(|sent| at.saturating_sub(*sent)))
            .collect()
    }

    fn delivered(&self) -> u64 {
        self.received
            .iter()
            .map(|(id, _)| id)
            .collect::<HashSet<_>>()
            .len() as u64
    }
}

/// Polling every `poll_ms`, long polling, WebSocket push and Server-Sent Events, for `seconds`
/// each (at once),
/// while updates arrive at random moments. See the module's comment for why at once.
///
/// # Errors
/// When the lab does not start, or a request or connection to it fails.
pub async fn polling(p: &Polling, quick: bool) -> Result<Measured, ExperimentError> {
    let plan = Plan::new(p, quick)?;
    let (lab, recorder) = start_lab().await?;
    let outcome = run(&lab, &recorder, &plan).await;
    // Every connection's close is in the capture once this returns.
    lab.shutdown().await;
    let (ways, published) = outcome?;
    Ok(table::table(&plan, &recorder, &ways, &published))
}

async fn run(
    lab: &Lab,
    recorder: &Recorder,
    plan: &Plan,
) -> Result<([Way; WAYS], HashMap<u64, u64>), ExperimentError> {
    let options = |label: &str, keep: bool| http_client::ClientOptions {
        keep_alive: keep,
        headers: HeaderSet::browser(),
        // A long poll may rightly wait LONG_WAIT_MS before its answer.
        timeout: Duration::from_millis(LONG_WAIT_MS) + Duration::from_secs(10),
        label: label.to_owned(),
        ..http_client::ClientOptions::default()
    };
    let mut poller = HttpClient::new(lab.addr(), recorder.clone(), options(POLLING, true));
    let mut long = HttpClient::new(lab.addr(), recorder.clone(), options(LONG_POLLING, true));
    // Push listens before the first update: /ticker sends only what is published after it
    // joined.
    let ticker =
        url::parse(&lab.url("/ticker")).map_err(|e| ExperimentError::WebSocket(e.to_string()))?;
    let ws_options = crate::net::ClientOptions {
        label: PUSH.to_owned(),
        timeout: plan.limit(),
        ..crate::net::ClientOptions::default()
    };
    let mut push = WsClient::connect(&ticker, recorder, &ws_options)
        .await
        .map_err(|e| ExperimentError::WebSocket(e.to_string()))?;
    // Likewise SSE: its stream starts after the newest update when the lab reads the request,
    // and the lab has answered before this returns.
    let mut events = open_events(lab, recorder).await?;
    let wanted = plan.schedule.len();
    let mut ways: [Way; WAYS] = Default::default();
    let [w_poll, w_long, w_push, w_sse] = &mut ways;
    let limit = plan.limit();
    let every = Duration::from_millis(plan.poll_ms);
    let (published, polling_done, long_done, push_done, sse_done) = tokio::join!(
        publish(lab, recorder, &plan.schedule),
        within(limit, poll(&mut poller, Some(every), wanted, w_poll)),
        within(limit, poll(&mut long, None, wanted, w_long)),
        within(limit, listen(&mut push, recorder, wanted, w_push)),
        within(limit, read_events(&mut events, recorder, wanted, w_sse)),
    );
    polling_done?;
    long_done?;
    push_done?;
    sse_done?;
    // SSE has no closing handshake: the client leaves by closing its connection, as a page
    // that calls EventSource.close() does.
    events.close().await;
    // The closing handshake's bytes belong to push's cost, as they would in a browser.
    push.close(1000, "done")
        .await
        .map_err(|e| ExperimentError::WebSocket(e.to_string()))?;
    push.drain()
        .await
        .map_err(|e| ExperimentError::WebSocket(e.to_string()))?;
    Ok((ways, published))
}

/// Runs `work` for at most `limit`; running out of time is a result, not an error: the way
/// then shows fewer updates delivered.
async fn within(
    limit: Duration,
    work: impl Future<Output = Result<(), ExperimentError>>,
) -> Result<(), ExperimentError> {
    tokio::time::timeout(limit, work).await.unwrap_or(Ok(()))
}

/// Publishes an update at each moment of `schedule`; returns when each was published, by id.
async fn publish(lab: &Lab, recorder: &Recorder, schedule: &[Duration]) -> HashMap<u64, u64> {
    let start = Instant::now();
    let mut published = HashMap::with_capacity(schedule.len());
    for (n, at) in schedule.iter().enumerate() {
        tokio::time::sleep_until(start + *at).await;
        // Read before publishing: a client woken by it cannot have it earlier than this.
        let at_us = recorder.now_us();
        let id = lab.publish(&format!("update {}", n + 1));
        published.insert(id, at_us);
    }
    published
}

/// Asks `/poll` until `wanted` updates have come: every `every`, or, with `None`, as a long
/// poll again as soon as each answer arrives.
async fn poll(
    client: &mut HttpClient,
    every: Option<Duration>,
    wanted: usize,
    way: &mut Way,
) -> Result<(), ExperimentError> {
    let mut ticks = every.map(|every| {
        let mut ticks = tokio::time::interval(every);
        // A slow answer delays the next poll rather than causing a burst to catch up.
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        ticks
    });
    let mut since = 0;
    while way.received.len() < wanted {
        if let Some(ticks) = ticks.as_mut() {
            ticks.tick().await;
        }
        let target = match every {
            Some(_) => format!("/poll?since={since}"),
            None => format!("/poll?since={since}&wait={LONG_WAIT_MS}"),
        };
        let exchange = client
            .request(Request::get(target))
            .await
            .map_err(|e| ExperimentError::Http(e.to_string()))?;
        way.requests += 1;
        if exchange.status != 200 {
            return Err(ExperimentError::Http(format!(
                "the lab answered a poll with status {}",
                exchange.status
            )));
        }
        let ids = update_ids(&exchange.body)?;
        if ids.is_empty() {
            way.empty += 1;
        }
        for id in ids {
            if id > since {
                way.received.push((id, exchange.finished_us));
                since = id;
            }
        }
    }
    Ok(())
}

/// Reads pushed updates from `/ticker` until `wanted` have come.
async fn listen(
    client: &mut WsClient,
    recorder: &Recorder,
    wanted: usize,
    way: &mut Way,
) -> Result<(), ExperimentError> {
    // The opening handshake is push's one request.
    way.requests = 1;
    while way.received.len() < wanted {
        match client.recv().await {
            Ok(Some(Message::Text(text))) => {
                let at_us = recorder.now_us();
                way.received.push((update_id(text.as_str())?, at_us));
            }
            Ok(Some(_)) => {}
            Ok(None) => {
                return Err(ExperimentError::WebSocket(
                    "the lab closed /ticker before the last update".to_owned(),
                ));
            }
            Err(error) => return Err(ExperimentError::WebSocket(error.to_string())),
        }
    }
    Ok(())
}

/// Opens `/events` with the one header an `EventSource` adds, `Accept: text/event-stream`
/// (WHATWG HTML §9.2.2), and no other: like push's handshake, whose headers are only those
/// RFC 6455 requires, so that the two rows that open once compare like with like.
async fn open_events(lab: &Lab, recorder: &Recorder) -> Result<Streaming, ExperimentError> {
    let headers = HeaderSet::minimal()
        .with("Accept", "text/event-stream")
        .map_err(|e| ExperimentError::Events(e.to_string()))?;
    let options = http_client::ClientOptions {
        headers,
        timeout: Duration::from_secs(10),
        label: SSE.to_owned(),
        ..http_client::ClientOptions::default()
    };
    let mut client = HttpClient::new(lab.addr(), recorder.clone(), options);
    let stream = client
        .stream(Request::get("/events"))
        .await
        .map_err(|e| ExperimentError::Events(e.to_string()))?;
    if stream.status != 200 {
        return Err(ExperimentError::Events(format!(
            "the lab answered with status {}",
            stream.status
        )));
    }
    Ok(stream)
}

/// Reads the events of `/events` as they arrive until `wanted` updates have come.
async fn read_events(
    stream: &mut Streaming,
    recorder: &Recorder,
    wanted: usize,
    way: &mut Way,
) -> Result<(), ExperimentError> {
    // The GET /events is SSE's one request; its one response carries every update.
    way.requests = 1;
    let mut parser = SseParser::new();
    while way.received.len() < wanted {
        let piece = stream
            .next()
            .await
            .map_err(|e| ExperimentError::Events(e.to_string()))?
            .ok_or_else(|| {
                ExperimentError::Events("the lab ended the stream before the last update".into())
            })?;
        let at_us = recorder.now_us();
        let events = parser
            .feed(&piece)
            .map_err(|e| ExperimentError::Events(e.to_string()))?;
        for event in events {
            let id = update_id(&event.data)?;
            // The id: line and the JSON's id are the same number, or Last-Event-ID would
            // resume from the wrong place.
            if event.last_event_id != id.to_string() {
                return Err(ExperimentError::Events(format!(
                    "update {id} came with the event id {:?}",
                    event.last_event_id
                )));
            }
            way.received.push((id, at_us));
        }
    }
    Ok(())
}

/// The ids of a `/poll` answer: a JSON array of `{"id":N,…}`.
fn update_ids(body: &[u8]) -> Result<Vec<u64>, ExperimentError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| ExperimentError::Reply(e.to_string()))?;
    let items = value
        .as_array()
        .ok_or_else(|| ExperimentError::Reply("the answer is not a JSON array".to_owned()))?;
    items.iter().map(id_of).collect()
}

/// The id of one pushed update.
fn update_id(text: &str) -> Result<u64, ExperimentError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ExperimentError::Reply(e.to_string()))?;
    id_of(&value)
}

fn id_of(value: &serde_json::Value) -> Result<u64, ExperimentError> {
    value
        .get("id")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| ExperimentError::Reply("an update has no numeric id".to_owned()))
}
