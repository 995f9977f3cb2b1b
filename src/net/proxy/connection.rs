//! One proxied connection: finish the client's TLS handshake (with `--tls`), connect to the
//! upstream (over TLS for wss://), relay both ways verbatim, and on an upstream failure close
//! the client's side properly.
//!
//! Only the client's plaintext is tapped as the endpoints' bytes. The relay writes to each
//! side exactly the bytes it read from the other, so the client's side carries both
//! directions as the two peers sent them: the client's frames as its reads, the server's
//! frames as its writes. Tapping the upstream's plaintext too would record every byte twice,
//! for no new information. The upstream's ciphertext, when it is TLS, is new information: its
//! own session's records, tapped under TLS as the connection's upstream layer.

use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use super::error::UpstreamError;
use super::pump::{Half, Pump, PumpError};
use super::{Events, ProxyConfig, Secure, UpstreamFailure};
use crate::capture::{ConnId, Direction, Layer};
use crate::net::recorder::Recorder;
use crate::net::refuse;
use crate::net::tap::Tap;
use crate::net::tcp::TappedTcp;
use crate::net::tls::{self, Stream};

/// A client's connection as accepted: recorded, not tapped yet (TLS may come first).
pub(super) struct Accepted {
    pub(super) stream: TcpStream,
    pub(super) conn: Option<ConnId>,
    pub(super) recorder: Recorder,
}

/// Serves one accepted client until both directions have ended or one side failed.
pub(super) async fn serve(
    accepted: Accepted,
    config: Arc<ProxyConfig>,
    secure: Arc<Secure>,
    events: Events,
) {
    // Taken now: once the socket is shut down, the system no longer says whose it was.
    let peer = accepted.stream.peer_addr().ok();
    let deadline = tokio::time::Instant::now() + config.timeouts.handshake;
    let (recorder, conn) = (accepted.recorder, accepted.conn);
    // A client whose TLS handshake fails has its sentence recorded with its connection by
    // `tls::accept` (the view and the `close` line show it); no upstream was opened yet.
    let Ok(mut client) = tls::accept(
        accepted.stream,
        conn,
        &recorder,
        secure.server.as_ref(),
        deadline,
    )
    .await
    else {
        return;
    };
    let events = Reporter { events, peer };
    let upstream_name = config.upstream.to_string();
    let mut upstream = match open_upstream(&config, &secure, conn, &recorder).await {
        Ok(upstream) => upstream,
        Err(error) => return refuse(&mut client, &config, &events, error).await,
    };
    let (up, down) = relay(&mut client, &mut upstream).await;
    let failure = match (up, down) {
        (Ok(()), Ok(())) => return,
        // A client that fails has failed on its tapped socket, which recorded the error. The
        // upstream is told the end (a TLS one its close_notify), for at most `linger`.
        (Err(e), _) if e.half == Half::Read => return close(&mut upstream, &config).await,
        (_, Err(e)) if e.half == Half::Write => return close(&mut upstream, &config).await,
        (Err(e), _) => UpstreamError::WriteFailed {
            upstream: upstream_name,
            error: e.error,
        },
        (_, Err(e)) if e.error.kind() == io::ErrorKind::UnexpectedEof => {
            UpstreamError::ClosedWithoutAnswer {
                upstream: upstream_name,
            }
        }
        (_, Err(e)) => UpstreamError::ReadFailed {
            upstream: upstream_name,
            error: e.error,
        },
    };
    drop(upstream);
    if client_has_answer(&client) {
        // After the answer began (the upgrade, say), no HTTP can be added: only the TCP
        // connection's end says that the server went away.
        note(&client, &failure, false);
        let _ = client.shutdown().await;
        report(&client, &events, failure);
    } else {
        refuse(&mut client, &config, &events, failure).await;
    }
}

// Ends the proxy's side of the upstream connection after the client failed: a shutdown,
// which under TLS sends close_notify first (RFC 8446 §6.1); bounded, as the upstream may
// not be reading.
async fn close(upstream: &mut Stream, config: &ProxyConfig) {
    let _ = tokio::time::timeout(config.timeouts.linger, upstream.shutdown()).await;
}

// Connects to the upstream and, for wss://, performs the TLS handshake with it, tapped under
// TLS as the connection's upstream layer.
async fn open_upstream(
    config: &ProxyConfig,
    secure: &Secure,
    conn: Option<ConnId>,
    recorder: &Recorder,
) -> Result<Stream, UpstreamError> {
    let upstream_name = config.upstream.to_string();
    let target = (config.upstream.host.as_str(), config.upstream.port);
    let tcp = match tokio::time::timeout(config.timeouts.connect, TcpStream::connect(target)).await
    {
        Ok(Ok(stream)) => stream,
        Ok(Err(error)) => return Err(UpstreamError::connect(upstream_name, error)),
        Err(_) => {
            return Err(UpstreamError::ConnectTimeout {
                upstream: upstream_name,
                after: config.timeouts.connect,
            });
        }
    };
    // Nagle would hold back a small frame until the previous one is acknowledged: latency the
    // user would wrongly blame on their server.
    let _ = tcp.set_nodelay(true);
    let Some(client_config) = &secure.client else {
        return Ok(Stream::Tcp(tcp));
    };
    // Only a TLS upstream's side is recorded (its records are new; its plaintext is the
    // relayed bytes), so only its connection is worth a place in a packet capture.
    if let (Some(conn), Ok(proxy), Ok(server)) = (conn, tcp.local_addr(), tcp.peer_addr()) {
        recorder.upstream_connected(conn, proxy, server);
    }
    let under = Tap::under_upstream_tls(tcp, recorder.clone(), conn);
    let host = config.upstream.host.as_str();
    match tls::handshake(
        under,
        client_config.clone(),
        host,
        config.timeouts.handshake,
    )
    .await
    {
        Ok(session) => Ok(Stream::Tls(Box::new(session.into()))),
        Err(error) => Err(UpstreamError::Tls {
            upstream: upstream_name,
            error,
        }),
    }
}

// Runs both pumps until both end, or one fails; each pump's result.
async fn relay(
    client: &mut TappedTcp,
    upstream: &mut Stream,
) -> (Result<(), PumpError>, Result<(), PumpError>) {
    let mut up = Pump::new();
    let mut down = Pump::new();
    let mut up_result = None;
    let mut down_result = None;
    poll_fn(|cx| {
        if up_result.is_none()
            && let Poll::Ready(r) =
                up.poll_copy(cx, Pin::new(&mut *client), Pin::new(&mut *upstream), false)
        {
            up_result = Some(r);
        }
        if down_result.is_none() {
            // An upstream that ends before any answer, while the client has spoken, leaves
            // the client waiting for nothing: that is a failure, answered with a 502.
            let fails = up.bytes > 0 && !up.read_done();
            if let Poll::Ready(r) =
                down.poll_copy(cx, Pin::new(&mut *upstream), Pin::new(&mut *client), fails)
            {
                down_result = Some(r);
            }
        }
        match (&up_result, &down_result) {
            (Some(Ok(())), Some(Ok(()))) | (Some(Err(_)), _) | (_, Some(Err(_))) => Poll::Ready(()),
            _ => Poll::Pending,
        }
    })
    .await;
    (up_result.unwrap_or(Ok(())), down_result.unwrap_or(Ok(())))
}

// Whether any byte has gone from the upstream to the client.
fn client_has_answer(client: &TappedTcp) -> bool {
    client.conn().is_some_and(|conn| {
        client
            .recorder()
            .read(|t| t.connection(conn).is_some_and(|c| c.responses().bytes > 0))
    })
}

// Answers the client `502 Bad Gateway` with the sentence (see `crate::net::refuse`).
async fn refuse(
    client: &mut TappedTcp,
    config: &ProxyConfig,
    events: &Reporter,
    error: UpstreamError,
) {
    read_request(client, config.timeouts.linger).await;
    let sentence = error.to_string();
    // Noted before the answer is written, so that the capture has the failure, then the
    // proxy's answer, as the client saw them, and can tell the answer's bytes from the
    // upstream's.
    note(client, &error, true);
    let shut = refuse::answer(client, "502 Bad Gateway", &[], &sentence).await;
    // Told before the drain: the answer is out, and a watcher should not wait for the
    // client to hang up to hear why.
    tell(client, events, error, true);
    if shut {
        let _ = tokio::time::timeout(config.timeouts.linger, refuse::drain(client)).await;
    }
    record(client, sentence);
}

// A 502 answers a request (RFC 9110 §15.6.3), so the client's request head is read first,
// through the tap that records it, for at most `linger`: the capture then holds the request,
// the failure and the answer in the order they happened, whether the upstream failed before
// or after the request arrived. A client that says nothing is answered once `linger` is up.
async fn read_request(client: &mut TappedTcp, linger: Duration) {
    let Some(conn) = client.conn() else {
        return;
    };
    let asked = |client: &TappedTcp| {
        client.recorder().read(|t| {
            t.connection(conn).is_none_or(|c| {
                let requests = c.requests();
                !requests.http.is_empty() || requests.http_dropped > 0 || requests.problem.is_some()
            })
        })
    };
    let reading = async {
        let mut chunk = [0u8; 4096];
        let mut total = 0;
        while !asked(client) && total < refuse::DRAIN_LIMIT {
            match client.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => total += n,
            }
        }
    };
    let _ = tokio::time::timeout(linger, reading).await;
}

// Keeps the failure with the connection in the capture; with `answers`, the bytes the client
// gets from now on are the proxy's answer.
fn note(client: &TappedTcp, error: &UpstreamError, answers: bool) {
    if let Some(conn) = client.conn() {
        let failure = (error.id(), error.to_string());
        client.recorder().upstream_failed(conn, failure, answers);
    }
}

// Tells the proxy's watcher, then keeps the sentence with the connection in the capture.
fn report(client: &TappedTcp, events: &Reporter, error: UpstreamError) {
    let sentence = error.to_string();
    tell(client, events, error, false);
    record(client, sentence);
}

fn tell(client: &TappedTcp, events: &Reporter, error: UpstreamError, answered: bool) {
    events.events.send(UpstreamFailure {
        conn: client.conn(),
        client: events.peer,
        error,
        answered,
    });
}

fn record(client: &TappedTcp, sentence: String) {
    if let Some(conn) = client.conn() {
        // The side toward the client ended first: the upstream's, or the proxy's answer in
        // its place (the capture tells which, from the failure noted).
        client
            .recorder()
            .end(Layer::App, conn, Direction::ServerToClient);
        client.recorder().close(conn, Some(sentence));
    }
}

// Where failures go, and whose connection it is.
struct Reporter {
    events: Events,
    peer: Option<SocketAddr>,
}
