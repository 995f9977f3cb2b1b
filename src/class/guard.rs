//! The hub's guards, as pure state over a clock it is told: wrong codes from one address are
//! slowed down, and each student's messages are rate-limited.

use std::collections::HashMap;
use std::net::IpAddr;

use super::limits::{BURST, PER_SECOND, REMEMBERED_ADDRESSES};

/// Wrong join codes by address: the first two are answered at once (a typo), each after that
/// waits twice as long as the one before, from 250 ms up to 8 s. An address quiet for ten
/// minutes is forgotten; at most [`REMEMBERED_ADDRESSES`] are kept, the quietest dropped.
#[derive(Debug, Default)]
pub struct WrongCodes {
    seen: HashMap<IpAddr, (u32, u64)>,
}

const FORGET_MS: u64 = 10 * 60 * 1000;
const MAX_DELAY_MS: u64 = 8000;

impl WrongCodes {
    /// How long to wait before answering `ip`'s attempt, in ms.
    pub fn delay_ms(&self, ip: IpAddr, now_ms: u64) -> u64 {
        match self.seen.get(&ip) {
            Some((n, last)) if now_ms.saturating_sub(*last) < FORGET_MS && *n >= 2 => {
                (250u64 << (n - 2).min(5)).min(MAX_DELAY_MS)
            }
            _ => 0,
        }
    }

    /// `ip` gave a wrong code.
    pub fn failed(&mut self, ip: IpAddr, now_ms: u64) {
        if self.seen.len() >= REMEMBERED_ADDRESSES && !self.seen.contains_key(&ip) {
            self.seen
                .retain(|_, (_, last)| now_ms.saturating_sub(*last) < FORGET_MS);
            if self.seen.len() >= REMEMBERED_ADDRESSES
                && let Some(quietest) = self
                    .seen
                    .iter()
                    .min_by_key(|(_, (_, l))| *l)
                    .map(|(k, _)| *k)
            {
                self.seen.remove(&quietest);
            }
        }
        let entry = self.seen.entry(ip).or_insert((0, now_ms));
        if now_ms.saturating_sub(entry.1) >= FORGET_MS {
            entry.0 = 0;
        }
        entry.0 = entry.0.saturating_add(1);
        entry.1 = now_ms;
    }

    /// `ip` gave the right code: its count starts over.
    pub fn succeeded(&mut self, ip: IpAddr) {
        self.seen.remove(&ip);
    }

    /// Addresses remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether none is remembered.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

/// A token bucket: [`BURST`] messages at once, then [`PER_SECOND`] a second.
#[derive(Debug, Clone)]
pub struct Rate {
    /// Tokens, in thousandths of a message.
    milli: u64,
    last_ms: u64,
}

impl Rate {
    /// A full bucket at `now_ms`.
    pub fn new(now_ms: u64) -> Self {
        Self {
            milli: u64::from(BURST) * 1000,
            last_ms: now_ms,
        }
    }

    /// Whether one more message at `now_ms` is within the rate; it takes a token if so.
    pub fn allow(&mut self, now_ms: u64) -> bool {
        let gained = now_ms.saturating_sub(self.last_ms) * u64::from(PER_SECOND);
        self.milli = (self.milli + gained).min(u64::from(BURST) * 1000);
        self.last_ms = now_ms.max(self.last_ms);
        if self.milli >= 1000 {
            self.milli -= 1000;
            true
        } else {
            false
        }
    }
}
