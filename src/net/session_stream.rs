//! A [`Session`] on a socket, as a `Stream` of tungstenite messages and a `Sink` for them, so
//! that code written for tokio-tungstenite's `WebSocketStream` runs unchanged over wslab's own
//! endpoint. It is used where tungstenite cannot go: a connection that agreed
//! permessage-deflate (RFC 7692). The socket is the tapped one, so every byte read or written
//! here is in the capture.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_util::{Sink, Stream};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error, Message};

use crate::proto::session::{Outgoing, Received, SendError, Session};

// Bytes read from the socket at a time.
const READ_SIZE: usize = 16 * 1024;
// Queued bytes past which a sender waits for the socket: a peer that does not read holds this
// much of the lab's memory, no more.
const QUEUE_HIGH: usize = 64 * 1024;

/// A session speaking over `io`.
#[derive(Debug)]
pub struct SessionStream<S> {
    io: S,
    session: Session,
    inbox: VecDeque<Message>,
    outbox: Vec<u8>,
    written: usize,
    buf: Box<[u8]>,
    // The socket's read side has ended, or the session is over: after the queued messages and
    // bytes, the stream ends.
    ended: bool,
    // Why the session failed; the stream reports it once, after its close frame is written.
    failure: Option<String>,
    told: bool,
}

impl<S> SessionStream<S> {
    /// The session over `io`, whose handshake is done.
    pub fn new(io: S, session: Session) -> Self {
        Self {
            io,
            session,
            inbox: VecDeque::new(),
            outbox: Vec::new(),
            written: 0,
            buf: vec![0; READ_SIZE].into_boxed_slice(),
            ended: false,
            failure: None,
            told: false,
        }
    }

    /// The session over `io`, where `read` are bytes already read from it past the handshake
    /// (a server may send its first frame with its 101).
    pub fn with_read(io: S, session: Session, read: &[u8]) -> Self {
        let mut stream = Self::new(io, session);
        stream.take(read);
        stream
    }

    /// The socket.
    pub fn get_ref(&self) -> &S {
        &self.io
    }

    /// The socket.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.io
    }

    // Bytes from the peer, through the session.
    fn take(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let mut got = Vec::new();
        let result = self.session.feed(bytes, &mut got, &mut self.outbox);
        self.inbox.extend(got.into_iter().map(message));
        if let Err(failure) = result {
            self.failure = Some(failure.to_string());
        }
        // After the peer's close nothing more is read (RFC 6455 §5.5.1).
        if self.session.is_over() || self.session.peer_closed() {
            self.ended = true;
        }
    }

    /// Why this end failed the connection, once it has: the rule the peer broke.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> SessionStream<S> {
    // Writes the queued bytes, all of them, before saying Ready.
    fn poll_write_out(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.outbox.len() {
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, &self.outbox[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.outbox.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }

    fn read_some(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut read = ReadBuf::new(&mut self.buf);
        ready!(Pin::new(&mut self.io).poll_read(cx, &mut read))?;
        let n = read.filled().len();
        if n == 0 {
            self.ended = true;
            return Poll::Ready(Ok(()));
        }
        let mut got = Vec::new();
        let result = self
            .session
            .feed(&self.buf[..n], &mut got, &mut self.outbox);
        self.inbox.extend(got.into_iter().map(message));
        if let Err(failure) = result {
            self.failure = Some(failure.to_string());
        }
        // After the peer's close nothing more is read (RFC 6455 §5.5.1).
        if self.session.is_over() || self.session.peer_closed() {
            self.ended = true;
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Stream for SessionStream<S> {
    type Item = Result<Message, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(message) = this.inbox.pop_front() {
                // The close is answered once the caller has read (and answered) everything
                // that came before it.
                if matches!(message, Message::Close(_))
                    && let Some(reply) = this.session.reply_to_close()
                {
                    this.outbox.extend(reply);
                }
                return Poll::Ready(Some(Ok(message)));
            }
            if this.ended {
                // A pong, a close reply or a failing close goes out before the end is told.
                if let Err(e) = ready!(this.poll_write_out(cx)) {
                    return Poll::Ready(Some(Err(Error::Io(e))));
                }
                // The close frame says why; tungstenite's caller would send a second one for
                // a protocol error, so the failure is told as a closed connection.
                if this.failure.is_some() && !this.told {
                    this.told = true;
                    return Poll::Ready(Some(Err(Error::ConnectionClosed)));
                }
                return Poll::Ready(None);
            }
            // A pong queued by the last read goes out while the next is awaited.
            if !this.outbox.is_empty()
                && let Poll::Ready(Err(e)) = this.poll_write_out(cx)
            {
                return Poll::Ready(Some(Err(Error::Io(e))));
            }
            if let Err(e) = ready!(this.read_some(cx)) {
                return Poll::Ready(Some(Err(Error::Io(e))));
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Sink<Message> for SessionStream<S> {
    type Error = Error;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        let this = self.get_mut();
        if this.outbox.len() - this.written > QUEUE_HIGH {
            ready!(this.poll_write_out(cx))?;
        }
        Poll::Ready(Ok(()))
    }

    fn start_send(self: Pin<&mut Self>, item: Message) -> Result<(), Error> {
        let this = self.get_mut();
        let close: Option<(u16, String)>;
        let outgoing = match &item {
            Message::Text(text) => Outgoing::Text(text.as_str()),
            Message::Binary(data) => Outgoing::Binary(data),
            Message::Ping(data) => Outgoing::Ping(data),
            Message::Pong(data) => Outgoing::Pong(data),
            Message::Close(frame) => {
                close = frame
                    .as_ref()
                    .map(|f| (u16::from(f.code), f.reason.as_str().to_owned()));
                Outgoing::Close(
                    close
                        .as_ref()
                        .map(|(code, reason)| (*code, reason.as_str())),
                )
            }
            // A raw frame is tungstenite's own escape hatch; nothing here sends one.
            Message::Frame(_) => return Ok(()),
        };
        match this.session.send(outgoing) {
            Ok(bytes) => {
                this.outbox.extend(bytes);
                Ok(())
            }
            Err(SendError::Closed) => Err(Error::AlreadyClosed),
            Err(SendError::Deflate(e)) => Err(Error::Io(io::Error::other(e.to_string()))),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        let this = self.get_mut();
        ready!(this.poll_write_out(cx))?;
        Poll::Ready(ready!(Pin::new(&mut this.io).poll_flush(cx)).map_err(Error::Io))
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        let this = self.get_mut();
        ready!(this.poll_write_out(cx))?;
        Poll::Ready(ready!(Pin::new(&mut this.io).poll_shutdown(cx)).map_err(Error::Io))
    }
}

fn message(received: Received) -> Message {
    match received {
        Received::Text(text) => Message::text(text),
        Received::Binary(data) => Message::binary(data),
        Received::Ping(data) => Message::Ping(data.into()),
        Received::Pong(data) => Message::Pong(data.into()),
        Received::Close(close) => Message::Close(close.map(|(code, reason)| CloseFrame {
            code: code.into(),
            reason: reason.into(),
        })),
    }
}
