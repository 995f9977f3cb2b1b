//! The HTTP client: hyper over the tap, with browser-like headers, keep-alive on or off.
//!
//! It exists so that a lesson can make "the equivalent HTTP exchange" next to a WebSocket one
//! and measure, for real, what each costs in bytes and in time. Every connection it opens is
//! tapped, so the Transcript holds the exact request and response bytes.

mod error;
mod headers;
mod stream;
mod types;

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Uri};
use hyper_util::rt::TokioIo;
use tokio::task::JoinHandle;

pub use error::HttpError;
pub use headers::HeaderSet;
pub use stream::Streaming;
pub use types::{ClientOptions, Exchange, Request};

use super::recorder::Recorder;
use super::tcp;
use crate::capture::ConnId;

/// An open connection: hyper's handle for sending, and the task that drives the socket.
struct Live {
    sender: SendRequest<Full<Bytes>>,
    conn: Option<ConnId>,
    task: JoinHandle<()>,
}

impl Live {
    // A connection in an unknown state (a timeout mid-response, an unread body) must not be
    // reused, nor left holding a socket that the server may never close.
    fn abort(self) {
        self.task.abort();
    }

    // Ends the connection now and waits until its socket is dropped, so the tap has recorded
    // the close.
    async fn close(self) {
        let Live { sender, task, .. } = self;
        drop(sender);
        task.abort();
        // An aborted task's result says only that it was aborted.
        let _ = task.await;
    }

    // Lets hyper finish a `Connection: close` exchange itself, so that the transcript shows
    // the connection ending before `request` returns; a server that holds on is cut off.
    async fn finish(self, within: Duration) {
        let Live { sender, task, .. } = self;
        drop(sender);
        let abort = task.abort_handle();
        if tokio::time::timeout(within, task).await.is_err() {
            abort.abort();
        }
    }
}

/// An HTTP/1.1 client speaking through hyper over tapped TCP connections to one server.
pub struct HttpClient {
    addr: SocketAddr,
    recorder: Recorder,
    options: ClientOptions,
    live: Option<Live>,
    opened: u64,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("addr", &self.addr)
            .field("options", &self.options)
            .field("connected", &self.live.is_some())
            .field("opened", &self.opened)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    /// A client for the server at `addr`, recording into `recorder`. Connects on the first
    /// request, not here.
    pub fn new(addr: SocketAddr, recorder: Recorder, options: ClientOptions) -> Self {
        Self {
            addr,
            recorder,
            options,
            live: None,
            opened: 0,
        }
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The options it was made with.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// The recorder its connections are tapped into.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// TCP connections opened so far: 1 for any number of keep-alive requests to a server that
    /// keeps the connection open, one per request without keep-alive.
    pub fn connections_opened(&self) -> u64 {
        self.opened
    }

    /// Sends `req` and reads the whole response.
    ///
    /// # Errors
    /// An [`HttpError`] naming the cause; after any error other than an invalid request, the
    /// connection is dropped and the next request opens a new one.
    pub async fn request(&mut self, req: Request) -> Result<Exchange, HttpError> {
        // An invalid target is the caller's mistake, found before any byte is sent.
        let uri = parse_target(&req.target)?;
        let started_us = self.recorder.now_us();
        let started = tokio::time::Instant::now();
        let timeout = self.options.timeout;
        let outcome = tokio::time::timeout(timeout, self.exchange(&req, &uri, started_us)).await;
        let exchange = match outcome {
            Ok(Ok(exchange)) => exchange,
            Ok(Err(error)) => {
                let error = self.explain(error);
                self.discard();
                return Err(error);
            }
            Err(_) => {
                self.discard();
                return Err(HttpError::Timeout { after: timeout });
            }
        };
        if !self.options.keep_alive
            && let Some(live) = self.live.take()
        {
            live.finish(timeout.saturating_sub(started.elapsed())).await;
        }
        Ok(exchange)
    }

    /// Sends `req` on a connection of its own and returns once the response head has come,
    /// for a body read as it arrives ([`Streaming::next`]), such as `/events`, whose body
    /// does not end. The options' timeout bounds the wait for the head only.
    ///
    /// # Errors
    /// An [`HttpError`] naming the cause.
    pub async fn stream(&mut self, req: Request) -> Result<Streaming, HttpError> {
        let uri = parse_target(&req.target)?;
        let timeout = self.options.timeout;
        let mut live = match tokio::time::timeout(timeout, self.connect()).await {
            Ok(live) => live?,
            Err(_) => return Err(HttpError::Timeout { after: timeout }),
        };
        let request = self.build(&req, &uri)?;
        let answer = async {
            live.sender
                .ready()
                .await
                .map_err(|e| HttpError::from_hyper(self.addr, &e))?;
            live.sender
                .send_request(request)
                .await
                .map_err(|e| HttpError::from_hyper(self.addr, &e))
        };
        let response = match tokio::time::timeout(timeout, answer).await {
            Ok(Ok(response)) => response,
            Ok(Err(error)) => {
                live.abort();
                return Err(error);
            }
            Err(_) => {
                live.abort();
                return Err(HttpError::Timeout { after: timeout });
            }
        };
        Ok(Streaming {
            status: response.status().as_u16(),
            headers: header_list(response.headers()),
            conn: live.conn,
            body: response.into_body(),
            live: Some(live),
            addr: self.addr,
        })
    }

    async fn exchange(
        &mut self,
        req: &Request,
        uri: &Uri,
        started_us: u64,
    ) -> Result<Exchange, HttpError> {
        let (response, new_connection, conn) = self.send(req, uri).await?;
        let status = response.status().as_u16();
        let headers = header_list(response.headers());
        let limit = self.options.max_body;
        let body = Limited::new(response.into_body(), limit)
            .collect()
            .await
            .map_err(|error| HttpError::from_body(self.addr, limit, error.as_ref()))?
            .to_bytes();
        Ok(Exchange {
            status,
            headers,
            body,
            conn,
            started_us,
            finished_us: self.recorder.now_us(),
            new_connection,
        })
    }

    // Sends on the kept connection when there is one, else on a new one. A kept connection the
    // server has closed while idle is replaced once, transparently: before the request was
    // written for any method, after it for idempotent ones only (the server may have acted).
    async fn send(
        &mut self,
        req: &Request,
        uri: &Uri,
    ) -> Result<(hyper::Response<hyper::body::Incoming>, bool, Option<ConnId>), HttpError> {
        let mut retried = false;
        loop {
            let reuse = self.options.keep_alive
                && !retried
                && self
                    .live
                    .as_ref()
                    .is_some_and(|live| !live.sender.is_closed());
            if !reuse {
                self.discard();
                self.live = Some(self.connect().await?);
            }
            let request = self.build(req, uri)?;
            let Some(live) = self.live.as_mut() else {
                // connect() above either filled `live` or returned.
                return Err(HttpError::Closed);
            };
            let conn = live.conn;
            if live.sender.ready().await.is_err() {
                if reuse {
                    retried = true;
                    continue;
                }
                return Err(HttpError::Closed);
            }
            match live.sender.try_send_request(request).await {
                Ok(response) => return Ok((response, !reuse, conn)),
                Err(error) => {
                    let unsent = error.message().is_some();
                    let error = error.into_error();
                    let idempotent = matches!(
                        req.method,
                        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
                    );
                    if reuse && (unsent || (idempotent && closed_while_idle(&error))) {
                        retried = true;
                        continue;
                    }
                    return Err(HttpError::from_hyper(self.addr, &error));
                }
            }
        }
    }

    async fn connect(&mut self) -> Result<Live, HttpError> {
        let tap = tcp::connect(self.addr, &self.recorder, &self.options.label)
            .await
            .map_err(|error| HttpError::connect(self.addr, error))?;
        self.opened += 1;
        let conn = tap.conn();
        let mut builder = http1::Builder::new();
        // hyper lower-cases names; browsers and the RFC examples lessons quote use Title-Case.
        builder.title_case_headers(true);
        let (sender, connection) = builder
            .handshake(TokioIo::new(tap))
            .await
            .map_err(|error| HttpError::from_hyper(self.addr, &error))?;
        // The connection's own error also fails the pending request, which is where it is
        // reported; the tap has recorded it in the transcript too.
        let task = tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Live { sender, conn, task })
    }

    // hyper sees a server that speaks something else as a closed or confused connection,
    // depending on when its bytes arrive. The transcript has read those bytes too, and says
    // plainly whether they were HTTP at all.
    fn explain(&self, error: HttpError) -> HttpError {
        if !matches!(error, HttpError::Closed | HttpError::Protocol { .. }) {
            return error;
        }
        let Some(conn) = self.live.as_ref().and_then(|live| live.conn) else {
            return error;
        };
        let problem = self.recorder.read(|t| {
            t.connection(conn)
                .and_then(|c| c.responses().problem.clone())
        });
        match problem {
            Some(crate::capture::Problem::NotHttp { error: why, .. }) => HttpError::NotHttp {
                reason: why.to_string(),
            },
            _ => error,
        }
    }

    fn discard(&mut self) {
        if let Some(live) = self.live.take() {
            live.abort();
        }
    }

    // hyper's connection API writes only what it is given, so Host and the framing headers
    // are ours to add.
    fn build(&self, req: &Request, uri: &Uri) -> Result<hyper::Request<Full<Bytes>>, HttpError> {
        let mut request = hyper::Request::new(Full::new(req.body.clone()));
        *request.method_mut() = req.method.clone();
        *request.uri_mut() = uri.clone();
        let headers = request.headers_mut();
        if !self.options.headers.contains("host") {
            let host = HeaderValue::try_from(self.addr.to_string()).map_err(|_| {
                HttpError::InvalidHeader {
                    name: "Host".to_owned(),
                    reason: "the server's address is not a valid header value",
                }
            })?;
            headers.append(header::HOST, host);
        }
        if !self.options.keep_alive {
            headers.append(header::CONNECTION, HeaderValue::from_static("close"));
        }
        for (name, value) in self.options.headers.iter() {
            headers.append(name.clone(), value.clone());
        }
        let has_body_semantics = matches!(req.method, Method::POST | Method::PUT | Method::PATCH);
        if !req.body.is_empty() || has_body_semantics {
            headers.append(header::CONTENT_LENGTH, HeaderValue::from(req.body.len()));
        }
        Ok(request)
    }
}

// Names and values in order, as the exchange and the stream give them.
fn header_list(headers: &hyper::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

// How a kept connection that the server closed while idle fails when it is tried anyway: the
// request may have reached a closing socket, and no response will come.
fn closed_while_idle(error: &hyper::Error) -> bool {
    if error.is_incomplete_message() || error.is_canceled() || error.is_closed() {
        return true;
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::ConnectionAborted
            );
        }
        source = cause.source();
    }
    false
}

fn parse_target(target: &str) -> Result<Uri, HttpError> {
    let invalid = || HttpError::InvalidTarget {
        target: target.to_owned(),
    };
    if !target.starts_with('/') {
        return Err(invalid());
    }
    let uri: Uri = target.parse().map_err(|_| invalid())?;
    // Uri accepts "//host/path" as an authority form; only path and query may be sent here.
    if uri.authority().is_some() || uri.scheme().is_some() {
        return Err(invalid());
    }
    Ok(uri)
}
