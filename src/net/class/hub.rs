//! The hub: one task owns the room and every student's outgoing queue; the accept loop and
//! one task per connection feed it events. A step change is encoded once and put in every
//! queue without waiting: a queue that is full belongs to a student too slow to keep up,
//! who is dropped with a sentence (4006) rather than delaying anyone else.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use super::conn;
use super::shared::{Event, Joined, Out, Shared};
use crate::class::guard::WrongCodes;
use crate::class::limits::QUEUE;
use crate::class::room::Admitted;
use crate::class::{Closing, FromHub, Position, Room, Tally};

/// How the hub is started.
#[derive(Debug, Clone)]
pub struct HubOptions {
    /// Where to listen: loopback unless the presenter chose otherwise.
    pub addr: SocketAddr,
    /// The join code.
    pub code: String,
    /// The key of the presenter's notes terminal, which students never see.
    pub notes_key: String,
    /// Students connected at once.
    pub max_students: usize,
    /// Each student's outgoing queue, in messages.
    pub queue: usize,
}

impl HubOptions {
    /// Options with the default bounds.
    pub fn new(addr: SocketAddr, code: String, notes_key: String) -> Self {
        Self {
            addr,
            code,
            notes_key,
            max_students: crate::class::limits::DEFAULT_MAX_STUDENTS,
            queue: QUEUE,
        }
    }
}

/// What the presenter's screen and the notes terminal read of the room.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoomView {
    /// The counts and the chart.
    pub tally: Tally,
    /// The names connected, neutralised.
    pub names: Vec<String>,
    /// Where the presenter is.
    pub at: Option<Position>,
    /// Students dropped for falling behind, since the hub started.
    pub dropped_slow: u64,
}

/// What the presenter tells the hub.
#[derive(Debug)]
enum Command {
    Move(Position),
    Reveal(Position),
    End(oneshot::Sender<()>),
}

/// A running hub.
#[derive(Debug)]
pub struct Hub {
    addr: SocketAddr,
    commands: mpsc::UnboundedSender<Command>,
    view: watch::Receiver<RoomView>,
    task: JoinHandle<()>,
}

/// Half-open and slow handshakes are bounded by count as well as by time: connections beyond
/// the students allowed and this many more are closed at once.
const SPARE_CONNECTIONS: usize = 64;

impl Hub {
    /// Binds and starts serving.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn start(options: HubOptions) -> std::io::Result<Self> {
        let listener = TcpListener::bind(options.addr).await?;
        let addr = listener.local_addr()?;
        let (events_tx, events) = mpsc::unbounded_channel();
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let (view_tx, view) = watch::channel(RoomView::default());
        let shared = Arc::new(Shared {
            code: options.code.clone(),
            notes_key: options.notes_key.clone(),
            wrong: Mutex::new(WrongCodes::default()),
            events: events_tx,
            start: Instant::now(),
        });
        let (stop_tx, stop) = watch::channel(false);
        let permits = Arc::new(Semaphore::new(options.max_students + SPARE_CONNECTIONS));
        let accepting = tokio::spawn(accept(listener, Arc::clone(&shared), permits, stop));
        let central = Central {
            room: Room::new(options.max_students),
            conns: HashMap::new(),
            notes: Vec::new(),
            queue: options.queue,
            serial: 0,
            view: view_tx,
            shared: Arc::clone(&shared),
            dropped_slow: 0,
        };
        let task = tokio::spawn(central.run(events, commands_rx, stop_tx, accepting));
        Ok(Self {
            addr,
            commands,
            view,
            task,
        })
    }

    /// The address the hub listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The presenter is at `at` now: every student follows.
    pub fn moved(&self, at: Position) {
        let _ = self.commands.send(Command::Move(at));
    }

    /// The presenter revealed the answer of the check at `at`.
    pub fn reveal(&self, at: Position) {
        let _ = self.commands.send(Command::Reveal(at));
    }

    /// The room as it is now; `changed()` on it waits for the next change.
    pub fn view(&self) -> watch::Receiver<RoomView> {
        self.view.clone()
    }

    /// Ends the class: every student gets 1001 and a sentence; returns once every connection
    /// has closed, or after 3 seconds.
    pub async fn end(self) {
        let (done, wait) = oneshot::channel();
        if self.commands.send(Command::End(done)).is_ok() {
            let _ = wait.await;
        }
        let _ = tokio::time::timeout(Duration::from_secs(3), self.task).await;
    }
}

async fn accept(
    listener: TcpListener,
    shared: Arc<Shared>,
    permits: Arc<Semaphore>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.changed() => return,
        };
        let Ok((stream, peer)) = accepted else {
            // Out of descriptors and the like: wait a little rather than spin.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            conn::serve(stream, peer, shared).await;
            drop(permit);
        });
    }
}

struct Conn {
    serial: u64,
    queue: mpsc::Sender<Out>,
    kick: Option<oneshot::Sender<Closing>>,
}

struct Central {
    room: Room,
    conns: HashMap<u64, Conn>,
    notes: Vec<Conn>,
    queue: usize,
    serial: u64,
    view: watch::Sender<RoomView>,
    shared: Arc<Shared>,
    dropped_slow: u64,
}

impl Central {
    async fn run(
        mut self,
        mut events: mpsc::UnboundedReceiver<Event>,
        mut commands: mpsc::UnboundedReceiver<Command>,
        stop: watch::Sender<bool>,
        accepting: JoinHandle<()>,
    ) {
        let mut ending: Option<oneshot::Sender<()>> = None;
        loop {
            tokio::select! {
                biased;
                c = commands.recv(), if ending.is_none() => match c {
                    Some(Command::Move(at)) => self.moved(at),
                    Some(Command::Reveal(at)) => self.revealed(at),
                    Some(Command::End(done)) => {
                        let _ = stop.send(true);
                        self.end();
                        ending = Some(done);
                    }
                    // The presenter's handle is gone without an end: end anyway.
                    None => {
                        let _ = stop.send(true);
                        self.end();
                        ending = Some(oneshot::channel().0);
                    }
                },
                e = events.recv() => match e {
                    Some(e) => self.event(e),
                    None => break,
                },
            }
            if ending.is_some() && self.conns.is_empty() && self.notes.is_empty() {
                break;
            }
        }
        accepting.abort();
        if let Some(done) = ending {
            let _ = done.send(());
        }
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Join {
                name,
                resume,
                token,
                reply,
            } => {
                let admitted = self.room.join(&name, resume.as_deref(), token);
                let answer = admitted.map(|a| self.admit(&a));
                let _ = reply.send(answer);
            }
            Event::Notes { reply } => {
                let (joined, conn) = self.place(0);
                let welcome = FromHub::Welcome {
                    token: String::new(),
                    name: "notes".to_owned(),
                    at: self.room.at.clone(),
                    revealed: self.room.revealed,
                }
                .encode();
                let _ = conn.queue.try_send(Out::Text(Message::text(welcome)));
                self.notes.push(conn);
                let _ = reply.send(joined);
            }
            Event::Answer { id, at, answer } => {
                if let Err(sentence) = self.room.answer(id, at, &answer) {
                    let text = FromHub::Notice {
                        text: sentence.to_owned(),
                    }
                    .encode();
                    if let Some(c) = self.conns.get(&id) {
                        let _ = c.queue.try_send(Out::Text(Message::text(text)));
                    }
                }
            }
            Event::Gone {
                id,
                serial,
                for_good,
            } => {
                if id == 0 {
                    self.notes.retain(|c| c.serial != serial);
                } else if self.conns.get(&id).is_some_and(|c| c.serial == serial) {
                    self.conns.remove(&id);
                    self.room.left(id, for_good);
                }
            }
        }
        self.publish();
    }

    fn place(&mut self, id: u64) -> (Joined, Conn) {
        self.serial += 1;
        let (queue, rx) = mpsc::channel(self.queue);
        let (kick, kicked) = oneshot::channel();
        let joined = Joined {
            id,
            serial: self.serial,
            queue: rx,
            kick: kicked,
        };
        let conn = Conn {
            serial: self.serial,
            queue,
            kick: Some(kick),
        };
        (joined, conn)
    }

    fn admit(&mut self, a: &Admitted) -> Joined {
        let (joined, conn) = self.place(a.id);
        let welcome = FromHub::Welcome {
            token: a.token.clone(),
            name: a.name.clone(),
            at: self.room.at.clone(),
            revealed: self.room.revealed,
        }
        .encode();
        // First in the queue, so nothing sent after the admission overtakes it.
        let _ = conn.queue.try_send(Out::Text(Message::text(welcome)));
        // A resumed place whose old connection is still open (the network dropped without a
        // FIN): the old one is replaced, its queue closed, and its end ignored.
        self.conns.insert(a.id, conn);
        joined
    }

    fn moved(&mut self, at: Position) {
        if self.room.at.as_ref() == Some(&at) {
            return;
        }
        self.room.moved(at.clone(), self.shared.now_ms());
        self.broadcast(&FromHub::Step { at }.encode());
        self.publish();
    }

    fn revealed(&mut self, at: Position) {
        self.room.moved(at.clone(), self.shared.now_ms());
        self.room.revealed = true;
        self.broadcast(&FromHub::Reveal { at }.encode());
        self.publish();
    }

    /// Puts `text` in every student's queue, encoded once; a full queue drops its student.
    fn broadcast(&mut self, text: &str) {
        let message = Message::text(text.to_owned());
        let mut slow = Vec::new();
        for (id, c) in &mut self.conns {
            match c.queue.try_send(Out::Text(message.clone())) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(_)) => {
                    if let Some(kick) = c.kick.take() {
                        let _ = kick.send(Closing::TooSlow);
                    }
                    slow.push(*id);
                }
                Err(mpsc::error::TrySendError::Closed(_)) => slow.push(*id),
            }
        }
        for n in &self.notes {
            let _ = n.queue.try_send(Out::Text(message.clone()));
        }
        for id in slow {
            self.conns.remove(&id);
            self.room.left(id, false);
            self.dropped_slow += 1;
        }
    }

    /// The room changed: the presenter's screen and the notes terminals hear of it.
    fn publish(&mut self) {
        let view = RoomView {
            tally: self.room.tally(),
            names: self.room.names(),
            at: self.room.at.clone(),
            dropped_slow: self.dropped_slow,
        };
        if !self.notes.is_empty() {
            let text = FromHub::Room {
                connected: view.tally.connected,
                answered: view.tally.answered,
                step_ms: self.shared.now_ms().saturating_sub(self.room.step_began_ms),
                names: view.names.clone(),
            }
            .encode();
            let message = Message::text(text);
            // A notes terminal that falls behind misses a room update; the next one has it all.
            for n in &self.notes {
                let _ = n.queue.try_send(Out::Text(message.clone()));
            }
        }
        self.view.send_if_modified(|old| {
            let changed = *old != view;
            *old = view;
            changed
        });
    }

    fn end(&mut self) {
        for c in self.conns.values_mut().chain(self.notes.iter_mut()) {
            if c.queue.try_send(Out::Close(Closing::Ended)).is_err()
                && let Some(kick) = c.kick.take()
            {
                let _ = kick.send(Closing::Ended);
            }
        }
    }
}

/// The address students type for a hub bound to every interface (`0.0.0.0` or `::`): this
/// machine's address on the route to the outside, found by connecting a UDP socket (which
/// sends nothing) to a documentation address (RFC 5737's TEST-NET-1); `None` without a route.
pub fn reachable_ip(bound: std::net::IpAddr) -> Option<std::net::IpAddr> {
    if !bound.is_unspecified() {
        return Some(bound);
    }
    let socket = std::net::UdpSocket::bind((bound, 0)).ok()?;
    socket.connect(("192.0.2.1", 9)).ok()?;
    socket.local_addr().ok().map(|a| a.ip())
}
