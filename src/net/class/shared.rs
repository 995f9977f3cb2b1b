//! What the hub's task and the connection tasks pass each other.

use std::sync::Mutex;
use std::time::Instant;

use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

use crate::class::guard::WrongCodes;
use crate::class::{Closing, Position};

/// What the hub's task puts in a connection's queue.
#[derive(Debug)]
pub(super) enum Out {
    Text(Message),
    Close(Closing),
}

/// What a connection tells the hub.
pub(super) enum Event {
    /// A student with the right code asks for a place.
    Join {
        name: String,
        resume: Option<String>,
        token: String,
        reply: oneshot::Sender<Result<Joined, Closing>>,
    },
    /// The notes terminal attaches.
    Notes { reply: oneshot::Sender<Joined> },
    /// A student answered.
    Answer {
        id: u64,
        at: Position,
        answer: String,
    },
    /// A connection ended.
    Gone {
        id: u64,
        serial: u64,
        for_good: bool,
    },
}

/// A place given: the connection's queue and the kick that ends it early.
pub(super) struct Joined {
    pub id: u64,
    pub serial: u64,
    pub queue: mpsc::Receiver<Out>,
    pub kick: oneshot::Receiver<Closing>,
}

/// What the connections share: the code, the guard, the way to the hub's task.
pub(super) struct Shared {
    pub code: String,
    pub notes_key: String,
    pub wrong: Mutex<WrongCodes>,
    pub events: mpsc::UnboundedSender<Event>,
    pub start: Instant,
}

impl Shared {
    pub fn now_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}
