//! Turning a client away over HTTP, for the lab and the proxy alike: a complete answer whose
//! body is one sentence, the writing side ended, then what the client still sends read and
//! dropped, within bounds. Closing with its request unread would reset the connection, and
//! the client could lose the answer before reading it.

use std::fmt::Write as _;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};

/// The most bytes read from a client after the last word has been said to it, so that one
/// that keeps sending cannot keep a task busy for ever.
pub const DRAIN_LIMIT: usize = 1024 * 1024;

/// Writes `status` (e.g. "400 Bad Request") with `extra_headers` and `sentence` as a
/// plain-text body, and ends the writing side; `false` when the client is gone already.
pub async fn answer<S: AsyncWrite + Unpin>(
    stream: &mut S,
    status: &str,
    extra_headers: &[&str],
    sentence: &str,
) -> bool {
    let body = format!("{sentence}\n");
    let mut head = format!("HTTP/1.1 {status}\r\n");
    for line in extra_headers {
        let _ = write!(head, "{line}\r\n");
    }
    let _ = write!(
        head,
        "Content-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.is_ok()
        && stream.flush().await.is_ok()
        && stream.shutdown().await.is_ok()
}

/// Reads and drops bytes until the client closes, an error, or [`DRAIN_LIMIT`].
pub async fn drain<S: AsyncRead + Unpin>(stream: &mut S) {
    let mut chunk = [0u8; 4096];
    let mut total = 0;
    while total < DRAIN_LIMIT {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

/// [`answer`], then [`drain`] for at most `linger`.
pub async fn refuse<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    status: &str,
    extra_headers: &[&str],
    sentence: &str,
    linger: Duration,
) {
    if answer(stream, status, extra_headers, sentence).await {
        let _ = tokio::time::timeout(linger, drain(stream)).await;
    }
}
