//! The opening handshake written and read here rather than by tungstenite, for every
//! connection: the request goes out as the user typed it (see `head.rs`), and a client that
//! offers permessage-deflate needs the 101's extension answer judged by RFC 7692's rules
//! (§5.1: a client fails the connection on an answer it cannot accept) before its session
//! starts, since tungstenite 0.30 would refuse the RSV1 frames that follow.

use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_tungstenite::tungstenite;

use super::ClientError;
use super::error::explain_failed_handshake;
use crate::capture::ConnId;
use crate::net::recorder::Recorder;
use crate::net::tcp::TappedTcp;
use crate::proto::deflate::{Agreed, Params, check_answer};
use crate::proto::handshake::check_response;
use crate::proto::http::{Head, StartLine, extension_names, parse_request, parse_response};

/// What an accepted handshake gave.
pub(super) struct Opened {
    /// The socket, at the first byte after the 101's head.
    pub stream: TappedTcp,
    /// Bytes read past the head: the first frames, if the server sent them at once.
    pub rest: Vec<u8>,
    /// permessage-deflate as agreed, when it was.
    pub agreed: Option<Agreed>,
    /// The subprotocol the server chose.
    pub protocol: Option<String>,
    /// The extensions the 101 accepted that wslab does not speak, by name.
    pub unspoken: Vec<String>,
}

/// Sends `head` (which carries `offer`, if any), reads the answer and checks it.
pub(super) async fn handshake(
    mut stream: TappedTcp,
    head: &str,
    offer: &[Params],
    recorder: &Recorder,
    conn: Option<ConnId>,
    timeout: Duration,
) -> Result<Opened, ClientError> {
    let bytes = head;
    let secs = timeout.as_secs_f64();
    let exchange = async {
        stream
            .write_all(bytes.as_bytes())
            .await
            .map_err(|e| ClientError::from_io(&e))?;
        read_head(&mut stream).await
    };
    let (head, rest) = match tokio::time::timeout(timeout, exchange).await {
        Err(_) => return Err(ClientError::HandshakeTimeout { secs }),
        Ok(Err(error)) => return Err(error),
        Ok(Ok(None)) => {
            return Err(explain_failed_handshake(
                recorder,
                conn,
                &tungstenite::Error::ConnectionClosed,
            ));
        }
        Ok(Ok(Some(read))) => read,
    };
    // The request as sent, parsed back: the rules compare the two heads.
    let sent = parse_request(bytes.as_bytes())
        .ok()
        .flatten()
        .ok_or_else(|| ClientError::BadRequest {
            detail: "the request head could not be read back".into(),
        })?;
    if let Some(error) = refused(&sent, &head) {
        if matches!(error, ClientError::Rejected { .. }) {
            read_refusal_body(&mut stream, &head, rest.len(), timeout).await;
        }
        return Err(error);
    }
    let answers = head
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("sec-websocket-extensions"))
        .map(|h| h.value.as_str());
    let agreed = check_answer(offer, answers).map_err(|broken| ClientError::BadExtension {
        detail: broken.to_string(),
    })?;
    let protocol = head.header("sec-websocket-protocol").map(str::to_owned);
    let unspoken = head
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("sec-websocket-extensions"))
        .flat_map(|h| extension_names(&h.value))
        .filter(|name| !name.eq_ignore_ascii_case("permessage-deflate"))
        .collect();
    Ok(Opened {
        stream,
        rest,
        agreed,
        protocol,
        unspoken,
    })
}

// Reads until the response head is complete; the head and the bytes after it, or `None` when
// the server closed first.
async fn read_head(stream: &mut TappedTcp) -> Result<Option<(Head, Vec<u8>)>, ClientError> {
    let mut buffered = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|e| ClientError::from_io(&e))?;
        if n == 0 {
            return Ok(None);
        }
        buffered.extend_from_slice(&chunk[..n]);
        // Past the head size limit, parse_response answers an error, so this is bounded.
        match parse_response(&buffered) {
            Ok(Some(head)) => {
                let rest = buffered.split_off(head.len);
                return Ok(Some((head, rest)));
            }
            Ok(None) => {}
            Err(error) => {
                return Err(ClientError::NotHttp {
                    detail: error.to_string(),
                });
            }
        }
    }
}

/// The most of a refusal's body read before the connection is given up; the views cut it
/// shorter still.
const REFUSAL_BODY_MAX: usize = 64 * 1024;

/// How long a refusal's body may take to follow its head.
const REFUSAL_BODY_WAIT: Duration = Duration::from_secs(1);

// A refusal's body says why (an Origin not allowed, a version not spoken), and servers often
// write it after the head: it is read, within REFUSAL_BODY_MAX bytes and a short wait, so
// the tap records it for every view. `have` body bytes came with the head.
async fn read_refusal_body(stream: &mut TappedTcp, head: &Head, have: usize, timeout: Duration) {
    let length = head
        .header("content-length")
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = head
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    // Without a length or chunks, the body ends when the server closes.
    let wanted = length.unwrap_or(REFUSAL_BODY_MAX).min(REFUSAL_BODY_MAX);
    let deadline = tokio::time::Instant::now() + REFUSAL_BODY_WAIT.min(timeout);
    let mut got = have;
    let mut last = Vec::new();
    let mut chunk = [0u8; 4096];
    while got < wanted {
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => {
                got += n;
                // The last chunk of a chunked body is "0" and an empty line.
                last.extend_from_slice(&chunk[..n]);
                let keep = last.len().saturating_sub(5);
                last.drain(..keep);
                if chunked && last.ends_with(b"0\r\n\r\n") {
                    return;
                }
            }
            _ => return,
        }
    }
}

// A response that does not open the connection: not 101, or a rule of §4.2.2 broken.
fn refused(request: &Head, response: &Head) -> Option<ClientError> {
    if let StartLine::Response { status, reason, .. } = &response.start
        && *status != 101
    {
        return Some(ClientError::Rejected {
            status: *status,
            reason: reason.clone(),
        });
    }
    check_response(request, response)
        .into_iter()
        .find(|c| !c.passed)
        .map(|c| ClientError::BadHandshake {
            detail: c.detail,
            section: c.rule.section(),
        })
}
