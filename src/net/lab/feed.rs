//! The update feed behind /ticker (pushed over WebSocket), /poll (asked for over HTTP) and
//! /events (streamed as Server-Sent Events): one source, so a lesson can set push, polling and
//! SSE side by side on the same updates.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

/// Updates kept for pollers and SSE clients that come back late; older ones are gone.
pub const KEPT_UPDATES: usize = 1000;

/// One update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// Its number, from 1.
    pub id: u64,
    /// When it was made, in ms since the Unix epoch.
    pub at_ms: u64,
    /// What it says.
    pub text: String,
}

impl Update {
    /// The update as one JSON object: `{"id":N,"at_ms":…,"text":"…"}`.
    pub fn json(&self) -> String {
        // Fields in the order a reader expects, which serde_json's sorted maps would not keep.
        let text = serde_json::Value::String(self.text.clone());
        format!(
            r#"{{"id":{},"at_ms":{},"text":{text}}}"#,
            self.id, self.at_ms
        )
    }
}

/// The last [`KEPT_UPDATES`] updates, and a signal that moves on each new one.
#[derive(Debug)]
pub struct Feed {
    kept: Mutex<VecDeque<Update>>,
    latest: watch::Sender<u64>,
}

impl Default for Feed {
    fn default() -> Self {
        Self {
            kept: Mutex::new(VecDeque::new()),
            latest: watch::Sender::new(0),
        }
    }
}

impl Feed {
    /// Adds an update with the next id and wakes whoever waits for it; returns the id.
    pub fn publish(&self, text: &str) -> u64 {
        let at_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let id = kept.back().map_or(*self.latest.borrow() + 1, |u| u.id + 1);
        if kept.len() >= KEPT_UPDATES {
            kept.pop_front();
        }
        kept.push_back(Update {
            id,
            at_ms,
            text: text.to_owned(),
        });
        // Signalled under the lock: two publishers would otherwise race here, and the later
        // id could be sent first, so `latest` would go backwards.
        self.latest.send_replace(id);
        drop(kept);
        id
    }

    /// Updates with an id above `since`, oldest first.
    pub fn since(&self, since: u64) -> Vec<Update> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.iter().filter(|u| u.id > since).cloned().collect()
    }

    /// The newest id, 0 before the first update.
    pub fn latest(&self) -> u64 {
        *self.latest.borrow()
    }

    /// A receiver that wakes on each new update.
    pub fn watch(&self) -> watch::Receiver<u64> {
        self.latest.subscribe()
    }

    /// Updates above `since`, waiting up to `wait` for the first one to exist.
    pub async fn wait_since(&self, since: u64, wait: Duration) -> Vec<Update> {
        let mut latest = self.watch();
        // Timing out is the normal end of a long poll with nothing new: the answer is then [].
        let _ = tokio::time::timeout(wait, latest.wait_for(|id| *id > since)).await;
        self.since(since)
    }

    /// Publishes "tick N" every `every`, forever; the first after one period.
    pub async fn tick(&self, every: Duration) {
        let every = every.max(Duration::from_millis(1));
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            let next = self.latest() + 1;
            self.publish(&format!("tick {next}"));
        }
    }
}

/// Updates as a JSON array.
pub fn json_array(updates: &[Update]) -> String {
    let items: Vec<String> = updates.iter().map(Update::json).collect();
    format!("[{}]", items.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_thousand_and_numbers_on() {
        let feed = Feed::default();
        for _ in 0..1005 {
            feed.publish("x");
        }
        let all = feed.since(0);
        assert_eq!(all.len(), KEPT_UPDATES);
        assert_eq!(all[0].id, 6);
        assert_eq!(feed.latest(), 1005);
        assert_eq!(feed.since(1004).len(), 1);
        assert!(feed.since(1005).is_empty());
    }

    #[test]
    fn latest_never_goes_backwards_under_racing_publishers() {
        let feed = std::sync::Arc::new(Feed::default());
        let mut seen = feed.watch();
        let publishers: Vec<_> = (0..4)
            .map(|_| {
                let feed = feed.clone();
                std::thread::spawn(move || {
                    for _ in 0..500 {
                        feed.publish("x");
                    }
                })
            })
            .collect();
        let mut last = 0;
        while publishers.iter().any(|p| !p.is_finished()) {
            let now = *seen.borrow_and_update();
            assert!(now >= last, "latest went from {last} back to {now}");
            last = now;
        }
        for publisher in publishers {
            publisher.join().unwrap();
        }
        assert_eq!(feed.latest(), 2000);
        assert_eq!(feed.since(0).last().map(|u| u.id), Some(2000));
    }

    #[test]
    fn json_has_the_three_fields() {
        let u = Update {
            id: 3,
            at_ms: 7,
            text: "tick \"3\"".into(),
        };
        assert_eq!(u.json(), r#"{"id":3,"at_ms":7,"text":"tick \"3\""}"#);
        assert_eq!(json_array(&[]), "[]");
    }
}
