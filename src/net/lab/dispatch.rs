//! Reads a connection's first request head and sends the stream where it belongs. The head is
//! read here, not by a library, so that one port can serve WebSocket, plain HTTP and the faults.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt as _};
use tokio::time::Instant;

use super::rewind::Rewind;
use super::{DRAIN_TIME, Shared, deflate, faults, http, ws};
use crate::net::refuse::refuse;
use crate::net::tcp::TappedTcp;
use crate::proto::handshake::{Rule, check_request};
use crate::proto::http::{Head, StartLine, parse_request};
use crate::routes::{Endpoint, Fault};

/// Serves one connection, whose request head must be complete by `deadline`. Every failure
/// ends this connection only.
pub(super) async fn handle(mut stream: TappedTcp, shared: Arc<Shared>, deadline: Instant) {
    let limit = shared.timeouts.head;
    let Ok(read) = tokio::time::timeout_at(deadline, read_head(&mut stream)).await else {
        // Within the same limit again, so that a client that neither sends nor reads holds its
        // slot for a bounded time.
        let body = format!(
            "wslab lab: no complete request head within {} s",
            limit.as_secs_f64()
        );
        let answer = refuse(&mut stream, "408 Request Timeout", &[], &body, DRAIN_TIME);
        let _ = tokio::time::timeout(limit, answer).await;
        return;
    };
    let Some((head, buffered)) = read else {
        return;
    };
    let head = match head {
        Ok(head) => head,
        Err(reason) => {
            let body = format!("wslab lab: {reason}");
            refuse(&mut stream, "400 Bad Request", &[], &body, DRAIN_TIME).await;
            return;
        }
    };
    let target = match &head.start {
        StartLine::Request { target, .. } => target.clone(),
        StartLine::Response { .. } => String::new(),
    };
    let path = target.split('?').next().unwrap_or_default();
    if path.starts_with(Fault::PREFIX) {
        let after_head = buffered.get(head.len..).unwrap_or_default().to_vec();
        let mut stream = Rewind::new(after_head, stream);
        let served = async {
            if let Some(fault) = Fault::from_path(path) {
                faults::run(fault, &head, stream).await;
            } else {
                let body = "wslab lab: no such fault; wslab serve lists them";
                refuse(&mut stream, "404 Not Found", &[], body, DRAIN_TIME).await;
            }
        };
        // Past the limit the fault is dropped with its stream, which closes the connection.
        let _ = tokio::time::timeout(shared.timeouts.fault, served).await;
        return;
    }
    let endpoint = Endpoint::from_path(path);
    if let (Some(endpoint), true) = (endpoint, head.has_token("upgrade", "websocket")) {
        if let Some((status, extra, body)) = handshake_refusal(&head) {
            refuse(&mut stream, status, extra, &body, DRAIN_TIME).await;
            return;
        }
        if buffered.len() > head.len {
            // tungstenite would drop such a connection without a word; a learner gets one.
            let body = "wslab lab: the client sent bytes after its request without waiting \
                        for the 101 answer (RFC 6455 §4.1)";
            refuse(&mut stream, "400 Bad Request", &[], body, DRAIN_TIME).await;
            return;
        }
        if let Some((switching, agreed)) = deflate::accept(&head, &shared) {
            // The self-check still means something here: the session inflates with its own
            // window, the capture with another, each from the bytes it saw.
            let check = ws::SelfCheck::new(stream.recorder().clone(), stream.conn());
            ws::serve_session(stream, endpoint, shared, switching, agreed, check).await;
            return;
        }
        let check = ws::SelfCheck::new(stream.recorder().clone(), stream.conn());
        ws::serve(Rewind::new(buffered, stream), endpoint, shared, check).await;
        return;
    }
    http::serve(Rewind::new(buffered, stream), shared).await;
}

/// Reads until a request head is complete. `None` when the peer left first; otherwise the head
/// (or why the bytes are not one) and every byte read, which may run past the head.
async fn read_head<S: AsyncRead + Unpin>(
    stream: &mut S,
) -> Option<(Result<Head, String>, Vec<u8>)> {
    let mut buffered = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffered.extend_from_slice(&chunk[..n]);
        match parse_request(&buffered) {
            Ok(Some(head)) => return Some((Ok(head), buffered)),
            // Past MAX_HEAD_BYTES, parse_request answers TooLarge, so waiting is bounded.
            Ok(None) => {}
            Err(error) => return Some((Err(error.to_string()), buffered)),
        }
    }
}

// A WebSocket request the lab will not accept: the version first, since RFC 6455 §4.4 gives it
// its own answer, then the first other rule of §4.1 that the request breaks (§4.2.1: 400).
fn handshake_refusal(head: &Head) -> Option<(&'static str, &'static [&'static str], String)> {
    let checks = check_request(head);
    let mut failed = checks.iter().filter(|c| !c.passed);
    if let Some(version) = checks.iter().find(|c| c.rule == Rule::Version && !c.passed) {
        return Some((
            "426 Upgrade Required",
            &["Sec-WebSocket-Version: 13"],
            format!("wslab lab: {}; this server speaks 13", version.detail),
        ));
    }
    let first = failed.next()?;
    Some((
        "400 Bad Request",
        &[],
        format!("wslab lab: {}", first.detail),
    ))
}
