//! Answering a client the proxy relays nothing for: a short HTTP answer whose body is the
//! sentence that says why, then the client's side ended, then what the client still sends
//! read until it closes. Closing with its request unread would reset the connection, and the
//! client might lose the answer before reading it.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio::net::TcpStream;

use super::error::Refusal;

// What the drain reads at most, so that a client that never stops sending cannot hold the
// connection.
const DRAIN_LIMIT: usize = 1024 * 1024;

/// Writes `status` (e.g. "502 Bad Gateway") with `sentence` as a plain-text body, and ends
/// the writing side; `false` when the client is gone already.
pub(super) async fn answer<S: AsyncWrite + Unpin>(
    stream: &mut S,
    status: &str,
    sentence: &str,
) -> bool {
    let body = format!("{sentence}\n");
    let answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(answer.as_bytes()).await.is_ok() && stream.shutdown().await.is_ok()
}

/// Reads what the client still sends until it closes, for at most `linger`.
pub(super) async fn drain<S: AsyncRead + Unpin>(stream: &mut S, linger: Duration) {
    let drain = async {
        let mut buf = [0u8; 4096];
        let mut total = 0;
        while total < DRAIN_LIMIT {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => total += n,
            }
        }
    };
    let _ = tokio::time::timeout(linger, drain).await;
}

/// Turns a client away with `503 Service Unavailable` and the refusal's sentence. The
/// whole exchange takes at most `linger`, the write included, so that a client that reads
/// nothing cannot hold the task.
pub(super) async fn turn_away(mut stream: TcpStream, refusal: Refusal, linger: Duration) {
    let sentence = refusal.to_string();
    let _ = tokio::time::timeout(linger, async {
        if answer(&mut stream, "503 Service Unavailable", &sentence).await {
            drain(&mut stream, linger).await;
        }
    })
    .await;
}
