//! Turning away a client the proxy has no room for, with the sentence that says why.

use std::time::Duration;

use tokio::net::TcpStream;

use super::error::Refusal;
use crate::net::refuse::refuse;

/// Turns a client away with `503 Service Unavailable` and the refusal's sentence. The
/// whole exchange takes at most `linger`, the write included, so that a client that reads
/// nothing cannot hold the task.
pub(super) async fn turn_away(mut stream: TcpStream, refusal: Refusal, linger: Duration) {
    let sentence = refusal.to_string();
    let turning = refuse(
        &mut stream,
        "503 Service Unavailable",
        &[],
        &sentence,
        linger,
    );
    let _ = tokio::time::timeout(linger, turning).await;
}
