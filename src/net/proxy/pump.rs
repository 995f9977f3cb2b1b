//! One direction of a relay: read a buffer, write it all, repeat. The bytes are never looked
//! at here; the tap on the client's socket records them, and the capture dissects them.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

// Large enough that a 64 KiB frame crosses in a few reads; two per connection.
const BUFFER: usize = 32 * 1024;

/// Which half of a pump failed: the reading side or the writing side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Half {
    Read,
    Write,
}

/// A failure of one pump, with the side it came from.
#[derive(Debug)]
pub(super) struct PumpError {
    pub(super) half: Half,
    pub(super) error: io::Error,
}

/// Copies one direction verbatim, then propagates the end of stream as a shutdown.
#[derive(Debug)]
pub(super) struct Pump {
    buf: Box<[u8]>,
    pos: usize,
    cap: usize,
    read_done: bool,
    shut: bool,
    // Bytes written since the last flush: a TLS writer holds records until flushed.
    unflushed: bool,
    /// Bytes written so far.
    pub(super) bytes: u64,
}

impl Pump {
    pub(super) fn new() -> Self {
        Self {
            buf: vec![0; BUFFER].into_boxed_slice(),
            pos: 0,
            cap: 0,
            read_done: false,
            shut: false,
            unflushed: false,
            bytes: 0,
        }
    }

    /// Whether the reading side has seen the end of its stream.
    pub(super) fn read_done(&self) -> bool {
        self.read_done
    }

    /// Copies until the reader ends and the writer is shut down. With `empty_end_fails`, an
    /// end of stream before any byte is an error (`UnexpectedEof`) and the writer is left
    /// open, so that the caller can still answer on it.
    pub(super) fn poll_copy<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
        empty_end_fails: bool,
    ) -> Poll<Result<(), PumpError>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        let write_err = |error| PumpError {
            half: Half::Write,
            error,
        };
        loop {
            // Flushed before the next read, which may wait long: under TLS the records just
            // written may still sit in the session (a plain socket's flush does nothing).
            if self.unflushed {
                ready!(writer.as_mut().poll_flush(cx)).map_err(write_err)?;
                self.unflushed = false;
            }
            if self.pos == self.cap && !self.read_done {
                let mut buf = ReadBuf::new(&mut self.buf);
                match ready!(reader.as_mut().poll_read(cx, &mut buf)) {
                    Ok(()) => {}
                    // A TLS peer that closes TCP without a close_notify alert (RFC 8446 §6.1
                    // asks for one; many servers skip it) has still ended its stream: rustls
                    // says UnexpectedEof. After bytes, that is an end like any other; a frame
                    // it cut short shows as incomplete in the capture.
                    Err(error)
                        if error.kind() == io::ErrorKind::UnexpectedEof && self.bytes > 0 => {}
                    Err(error) => {
                        return Poll::Ready(Err(PumpError {
                            half: Half::Read,
                            error,
                        }));
                    }
                }
                let n = buf.filled().len();
                self.pos = 0;
                self.cap = n;
                if n == 0 {
                    self.read_done = true;
                    if empty_end_fails && self.bytes == 0 {
                        return Poll::Ready(Err(PumpError {
                            half: Half::Read,
                            error: io::ErrorKind::UnexpectedEof.into(),
                        }));
                    }
                }
            }
            while self.pos < self.cap {
                let n = ready!(
                    writer
                        .as_mut()
                        .poll_write(cx, &self.buf[self.pos..self.cap])
                )
                .map_err(write_err)?;
                if n == 0 {
                    return Poll::Ready(Err(write_err(io::ErrorKind::WriteZero.into())));
                }
                self.pos += n;
                self.bytes += n as u64;
                self.unflushed = true;
            }
            if self.read_done {
                if self.unflushed {
                    ready!(writer.as_mut().poll_flush(cx)).map_err(write_err)?;
                    self.unflushed = false;
                }
                if !self.shut {
                    // A peer that has gone already cannot be told; its own end shows on the
                    // other pump, so a failed shutdown is not a failure of this direction.
                    let _ = ready!(writer.as_mut().poll_shutdown(cx));
                    self.shut = true;
                }
                return Poll::Ready(Ok(()));
            }
        }
    }
}
