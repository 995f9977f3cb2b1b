//! The plain HTTP endpoints, spoken by hyper over the tapped stream.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};

use super::Shared;
use super::events;
use super::feed::json_array;

/// A response body: whole for every endpoint but /events, whose body streams without end.
type Body = UnsyncBoxBody<Bytes, Infallible>;

/// The largest body POST /message echoes.
pub(super) const MAX_BODY: usize = 1024 * 1024;
/// The longest a long poll waits.
pub(super) const MAX_WAIT_MS: u64 = 60_000;

const PAGE: &str = include_str!("page.html");

/// Serves HTTP/1.1 on `stream` until the client closes it.
pub(super) async fn serve<S>(stream: S, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let head_timeout = shared.timeouts.head;
    let service = hyper::service::service_fn(move |request| {
        let shared = shared.clone();
        async move { Ok::<_, Infallible>(respond(request, shared).await) }
    });
    // Errors end this connection only: a client that sends garbage mid-way, or leaves.
    let _ = hyper::server::conn::http1::Builder::new()
        .title_case_headers(true)
        .keep_alive(true)
        .timer(TokioTimer::new())
        .header_read_timeout(head_timeout)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

async fn respond(request: Request<Incoming>, shared: Arc<Shared>) -> Response<Body> {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    match (request.method(), path.as_str()) {
        (&Method::GET | &Method::HEAD, "/events") => event_stream(&request, shared),
        (&Method::GET | &Method::HEAD, "/") => {
            reply(StatusCode::OK, "text/html; charset=utf-8", PAGE)
        }
        (&Method::GET | &Method::HEAD, "/hello") => {
            text(StatusCode::OK, "Hello from the wslab lab!\n")
        }
        (&Method::POST, "/message") => echo_body(request).await,
        (&Method::GET, "/poll") => poll(&query, &shared).await,
        (&Method::GET, "/echo" | "/chat" | "/ticker") => {
            let mut response = text(
                StatusCode::UPGRADE_REQUIRED,
                "this endpoint speaks WebSocket: send Upgrade: websocket\n",
            );
            response
                .headers_mut()
                .insert(header::UPGRADE, HeaderValue::from_static("websocket"));
            response
        }
        (_, "/" | "/hello" | "/message" | "/poll" | "/events") => not_allowed(&path),
        _ => text(
            StatusCode::NOT_FOUND,
            "not found: wslab serve lists the lab's endpoints\n",
        ),
    }
}

/// 405, with the methods the path does answer (RFC 9110 §15.5.6: the Allow field is required).
fn not_allowed(path: &str) -> Response<Body> {
    let allow = match path {
        "/message" => "POST",
        "/poll" => "GET",
        _ => "GET, HEAD",
    };
    let body = format!("{path} answers {allow} only\n");
    let mut response = text(StatusCode::METHOD_NOT_ALLOWED, &body);
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// The feed as Server-Sent Events, from `Last-Event-ID` when the request carries one. A HEAD
/// gets the same head and no body.
fn event_stream(request: &Request<Incoming>, shared: Arc<Shared>) -> Response<Body> {
    let last = request
        .headers()
        .get("last-event-id")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let start = events::start(last.as_deref(), shared.feed.latest());
    let body = if request.method() == Method::HEAD {
        Full::new(Bytes::new()).boxed_unsync()
    } else {
        events::body(shared, start).boxed_unsync()
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(events::MEDIA_TYPE),
    );
    // A cache that kept the stream would replay old events as new ones.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

async fn echo_body(request: Request<Incoming>) -> Response<Body> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        text(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the body is larger than 1 MiB, the most /message echoes\n",
        )
    };
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return too_large();
    }
    let kind = request
        .headers()
        .get(header::CONTENT_TYPE)
        .cloned()
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(body) => {
            let mut response = Response::new(Full::new(body.to_bytes()).boxed_unsync());
            response.headers_mut().insert(header::CONTENT_TYPE, kind);
            response
        }
        Err(error) if error.is::<http_body_util::LengthLimitError>() => too_large(),
        Err(_) => text(StatusCode::BAD_REQUEST, "the body could not be read\n"),
    }
}

async fn poll(query: &str, shared: &Shared) -> Response<Body> {
    let mut since = 0;
    let mut wait = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let parsed = value.parse::<u64>();
        match (name, parsed) {
            ("since", Ok(n)) => since = n,
            ("wait", Ok(ms)) => wait = Some(ms.min(MAX_WAIT_MS)),
            ("since" | "wait", Err(_)) => {
                let body = format!("{name} must be a whole number, not {value:?}\n");
                return text(StatusCode::BAD_REQUEST, &body);
            }
            _ => {}
        }
    }
    let updates = match wait {
        Some(ms) => {
            shared
                .feed
                .wait_since(since, Duration::from_millis(ms))
                .await
        }
        None => shared.feed.since(since),
    };
    let mut response = reply(StatusCode::OK, "application/json", &json_array(&updates));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn text(status: StatusCode, body: &str) -> Response<Body> {
    reply(status, "text/plain; charset=utf-8", body)
}

fn reply(status: StatusCode, kind: &'static str, body: &str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_owned())).boxed_unsync());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    response
}
