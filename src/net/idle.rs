//! Idle WebSocket client ends, as cheap as a client end can be: a handshake written by hand
//! over a tapped socket, then nothing but the socket, held. The idle experiment measures what
//! connections cost in memory, and the lab runs in the same process, so a client end that
//! carried a library's buffers and state would be counted with the server's.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use super::recorder::Recorder;
use super::tcp::{self, TappedTcp};
use crate::proto::OpCode;
use crate::proto::accept::random_key;
use crate::proto::encode::{FrameSpec, close_payload, encode};
use crate::proto::handshake::check_response;
use crate::proto::http::{parse_request, parse_response};

/// Why an idle connection did not open or close cleanly, in one sentence.
#[derive(Debug, thiserror::Error)]
pub enum IdleError {
    /// The TCP connection did not open.
    #[error("cannot connect to {addr}: {error}")]
    Connect {
        /// Where.
        addr: SocketAddr,
        /// The operating system's error.
        error: io::Error,
    },
    /// Reading or writing failed.
    #[error("the connection failed: {0}")]
    Io(io::Error),
    /// The server did not answer in time.
    #[error("the server did not answer within {secs} s")]
    Timeout {
        /// The limit.
        secs: f64,
    },
    /// The server hung up before its answer was complete.
    #[error("the server closed the connection before it answered the handshake")]
    Closed,
    /// The answer is not an HTTP response head.
    #[error("the server's answer is not an HTTP response ({0})")]
    NotHttp(String),
    /// The answer breaks a rule of the opening handshake, or refuses the upgrade.
    #[error("the handshake failed: {0}")]
    Rejected(String),
    /// No random bytes for the key or the mask.
    #[error("the random source failed: {0}")]
    Random(String),
}

/// A WebSocket connection that has done its opening handshake and now only sits there.
#[derive(Debug)]
pub struct IdleConnection {
    stream: TappedTcp,
}

impl IdleConnection {
    /// Connects to `addr`, asks to upgrade `path` (e.g. "/echo"), and checks the 101 answer
    /// against every rule of RFC 6455 §4.1, all within `timeout`.
    ///
    /// # Errors
    /// An [`IdleError`] naming the cause.
    pub async fn open(
        addr: SocketAddr,
        path: &str,
        recorder: &Recorder,
        label: &str,
        timeout: Duration,
    ) -> Result<Self, IdleError> {
        Self::open_offering(addr, path, None, recorder, label, timeout).await
    }

    /// The same, offering `extensions` (a `Sec-WebSocket-Extensions` value) in the request.
    ///
    /// # Errors
    /// An [`IdleError`] naming the cause.
    pub async fn open_offering(
        addr: SocketAddr,
        path: &str,
        extensions: Option<&str>,
        recorder: &Recorder,
        label: &str,
        timeout: Duration,
    ) -> Result<Self, IdleError> {
        let secs = timeout.as_secs_f64();
        tokio::time::timeout(
            timeout,
            Self::handshake(addr, path, extensions, recorder, label),
        )
        .await
        .unwrap_or(Err(IdleError::Timeout { secs }))
    }

    async fn handshake(
        addr: SocketAddr,
        path: &str,
        extensions: Option<&str>,
        recorder: &Recorder,
        label: &str,
    ) -> Result<Self, IdleError> {
        // A fresh nonce per connection, as §4.1 asks; every key has the same length, so the
        // handshake's byte count does not depend on it.
        let key = random_key().map_err(|e| IdleError::Random(e.to_string()))?;
        let offer = extensions
            .map(|value| format!("Sec-WebSocket-Extensions: {value}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{offer}\r\n"
        );
        let mut stream = tcp::connect(addr, recorder, label)
            .await
            .map_err(|error| IdleError::Connect { addr, error })?;
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(IdleError::Io)?;
        // The answer is read into a buffer that is gone once the handshake is, so that what
        // stays per connection is the socket and its tap.
        let mut answer = Vec::with_capacity(256);
        let mut chunk = [0u8; 512];
        let head = loop {
            let n = stream.read(&mut chunk).await.map_err(IdleError::Io)?;
            if n == 0 {
                return Err(IdleError::Closed);
            }
            answer.extend_from_slice(&chunk[..n]);
            match parse_response(&answer) {
                Ok(Some(head)) => break head,
                Ok(None) => {}
                Err(error) => return Err(IdleError::NotHttp(error.to_string())),
            }
        };
        let asked = parse_request(request.as_bytes())
            .ok()
            .flatten()
            .ok_or_else(|| {
                IdleError::Rejected("the request this client wrote does not parse".into())
            })?;
        if let Some(broken) = check_response(&asked, &head)
            .into_iter()
            .find(|c| !c.passed)
        {
            return Err(IdleError::Rejected(broken.detail));
        }
        Ok(Self { stream })
    }

    /// Closes as RFC 6455 §5.5.1 asks: a masked close frame (1000), then reading until the
    /// server has answered and hung up, within `timeout`.
    ///
    /// # Errors
    /// When writing fails, the server does not hang up in time, or there are no random bytes
    /// for the mask. The socket is closed in every case.
    pub async fn close(mut self, timeout: Duration) -> Result<(), IdleError> {
        let mut mask = [0u8; 4];
        getrandom::fill(&mut mask).map_err(|e| IdleError::Random(e.to_string()))?;
        let frame = encode(
            FrameSpec::new(OpCode::Close, Some(mask)),
            &close_payload(1000, ""),
        );
        let secs = timeout.as_secs_f64();
        let closing = async {
            self.stream.write_all(&frame).await?;
            self.stream.flush().await?;
            // The server's close frame, then its end of the connection; what it says is in the
            // capture, so it is only read and dropped here.
            let mut sink = [0u8; 64];
            while self.stream.read(&mut sink).await? > 0 {}
            Ok::<(), io::Error>(())
        };
        match tokio::time::timeout(timeout, closing).await {
            Ok(result) => result.map_err(IdleError::Io),
            Err(_) => Err(IdleError::Timeout { secs }),
        }
    }
}
