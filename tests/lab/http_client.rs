//! The HTTP client against real hyper servers and misbehaving peers on loopback: what it
//! reports agrees with what the Transcript captured on the wire.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Method, Response};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use wslab::capture::{HttpMessage, Limits};
use wslab::net::Recorder;
use wslab::net::http_client::{ClientOptions, HeaderSet, HttpClient, HttpError, Request};

async fn answer(req: hyper::Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let reply = |status: u16, body: Bytes| {
        let mut response = Response::new(Full::new(body));
        *response.status_mut() = hyper::StatusCode::from_u16(status).expect("a valid status");
        response
    };
    Ok(match (req.method().clone(), req.uri().path()) {
        (Method::GET, "/hello") => reply(200, Bytes::from_static(b"hello")),
        (Method::GET, "/big") => reply(200, Bytes::from(vec![b'x'; 4096])),
        (Method::GET, "/bye") => {
            let mut response = reply(200, Bytes::from_static(b"bye"));
            response.headers_mut().insert(
                hyper::header::CONNECTION,
                hyper::header::HeaderValue::from_static("close"),
            );
            response
        }
        (Method::POST, "/message") => match req.into_body().collect().await {
            Ok(body) => reply(200, body.to_bytes()),
            Err(_) => reply(400, Bytes::new()),
        },
        _ => reply(404, Bytes::new()),
    })
}

/// A hyper server answering `/hello`, `/big`, `/bye` and echoing `POST /message`, for as long
/// as the test runs.
async fn server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), service_fn(answer))
                    .await;
            });
        }
    });
    addr
}

/// Accepts one connection and hands it to `then`.
async fn peer<F, Fut>(then: F) -> SocketAddr
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        then(tcp).await;
    });
    addr
}

/// Reads until the end of a request head (no body expected).
async fn read_head(tcp: &mut TcpStream) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match tcp.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

/// Holds the connection until the client lets go.
async fn drain(mut tcp: TcpStream) {
    let mut buf = [0u8; 1024];
    while matches!(tcp.read(&mut buf).await, Ok(n) if n > 0) {}
}

fn client(addr: SocketAddr, options: ClientOptions) -> (HttpClient, Recorder) {
    let recorder = Recorder::new(Limits::default());
    (HttpClient::new(addr, recorder.clone(), options), recorder)
}

fn raw_requests(recorder: &Recorder) -> Vec<String> {
    recorder.read(|t| {
        t.connections()
            .flat_map(|c| c.requests().http.iter())
            .map(|m| String::from_utf8_lossy(&m.raw).into_owned())
            .collect()
    })
}

#[tokio::test]
async fn get_hello_sends_browser_headers_in_title_case() {
    let addr = server().await;
    let (mut http, recorder) = client(addr, ClientOptions::default());
    let exchange = http.request(Request::get("/hello")).await.unwrap();
    assert_eq!(exchange.status, 200);
    assert_eq!(exchange.body, "hello");
    assert_eq!(exchange.header("Content-Length"), Some("5"));
    assert!(exchange.new_connection);
    assert!(exchange.finished_us >= exchange.started_us);
    assert_eq!(
        exchange.latency_us(),
        exchange.finished_us - exchange.started_us
    );

    let head = &raw_requests(&recorder)[0];
    assert!(head.starts_with("GET /hello HTTP/1.1\r\n"), "{head}");
    assert!(head.contains(&format!("\r\nHost: {addr}\r\n")), "{head}");
    assert!(head.contains("\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)"));
    assert!(head.contains(concat!(" wslab/", env!("CARGO_PKG_VERSION"), "\r\n")));
    assert!(head.contains("\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n"));
    assert!(head.contains("\r\nSec-Fetch-Mode: cors\r\n"));
    assert!(head.contains("\r\nCookie: session="));
    assert!(!head.contains("user-agent"), "names go out Title-Case");
    assert!(
        !head.contains("Connection:"),
        "keep-alive is HTTP/1.1's default"
    );
    assert!(!head.contains("Content-Length"), "a GET has no body");
    assert_eq!(
        recorder.read(|t| t.connections().next().map(|c| c.id)),
        exchange.conn
    );
}

#[tokio::test]
async fn minimal_headers_send_nothing_but_host() {
    let addr = server().await;
    let options = ClientOptions {
        headers: HeaderSet::minimal(),
        ..ClientOptions::default()
    };
    let (mut http, recorder) = client(addr, options);
    http.request(Request::get("/hello?since=3")).await.unwrap();
    assert_eq!(
        raw_requests(&recorder),
        [format!(
            "GET /hello?since=3 HTTP/1.1\r\nHost: {addr}\r\n\r\n"
        )]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_reuses_one_connection_and_the_bytes_add_up() {
    let addr = server().await;
    let (mut http, recorder) = client(addr, ClientOptions::default());
    let mut exchanges = Vec::new();
    for _ in 0..3 {
        exchanges.push(http.request(Request::get("/hello")).await.unwrap());
    }
    assert_eq!(http.connections_opened(), 1);
    let fresh: Vec<bool> = exchanges.iter().map(|e| e.new_connection).collect();
    assert_eq!(fresh, [true, false, false]);
    assert!(exchanges.iter().all(|e| e.conn == exchanges[0].conn));

    recorder.read(|t| {
        assert_eq!(t.connections().count(), 1);
        let connection = t.connections().next().unwrap();
        for flow in [connection.requests(), connection.responses()] {
            assert_eq!(flow.http.len(), 3);
            let sum: u64 = flow.http.iter().map(HttpMessage::wire_len).sum();
            assert_eq!(sum, flow.bytes, "{:?}", flow.direction);
        }
        for (i, exchange) in exchanges.iter().enumerate() {
            let response = &connection.responses().http[i];
            assert_eq!(response.body_len, exchange.body.len() as u64);
            assert!(response.body_complete);
        }
    });
}

// Multi-threaded, as lessons run it: the close must be recorded before `request` returns
// even when hyper's connection task runs on another worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_keep_alive_each_request_has_its_own_closed_connection() {
    let addr = server().await;
    let options = ClientOptions {
        keep_alive: false,
        ..ClientOptions::default()
    };
    let (mut http, recorder) = client(addr, options);
    let mut conns = Vec::new();
    for _ in 0..3 {
        let exchange = http.request(Request::get("/hello")).await.unwrap();
        assert!(exchange.new_connection);
        assert_eq!(exchange.body, "hello");
        conns.push(exchange.conn.unwrap());
    }
    assert_eq!(http.connections_opened(), 3);
    conns.dedup();
    assert_eq!(conns.len(), 3);
    recorder.read(|t| {
        assert_eq!(t.connections().count(), 3);
        for connection in t.connections() {
            assert_eq!(connection.requests().http.len(), 1);
            let head = String::from_utf8_lossy(&connection.requests().http[0].raw);
            assert!(head.contains("\r\nConnection: close\r\n"), "{head}");
            assert!(
                connection.closed_us.is_some(),
                "closed before request returned"
            );
        }
    });
}

#[tokio::test]
async fn post_is_echoed_with_its_content_length() {
    let addr = server().await;
    let (mut http, recorder) = client(addr, ClientOptions::default());
    let body = r#"{"text":"hi there"}"#;
    let exchange = http.request(Request::post("/message", body)).await.unwrap();
    assert_eq!(exchange.status, 200);
    assert_eq!(exchange.body, body);
    recorder.read(|t| {
        let request = &t.connections().next().unwrap().requests().http[0];
        let head = String::from_utf8_lossy(&request.raw);
        assert!(head.starts_with("POST /message HTTP/1.1\r\n"));
        assert_eq!(head.matches("Content-Length").count(), 1, "{head}");
        assert!(head.contains(&format!("\r\nContent-Length: {}\r\n", body.len())));
        assert_eq!(request.body_len, body.len() as u64);
    });
}

#[tokio::test]
async fn an_empty_post_still_says_its_length() {
    let addr = server().await;
    let (mut http, recorder) = client(addr, ClientOptions::default());
    let exchange = http
        .request(Request::post("/message", Bytes::new()))
        .await
        .unwrap();
    assert_eq!(exchange.body, "");
    assert!(raw_requests(&recorder)[0].contains("\r\nContent-Length: 0\r\n"));
}

#[tokio::test]
async fn a_closed_port_is_refused() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let (mut http, _) = client(addr, ClientOptions::default());
    let error = http.request(Request::get("/hello")).await.unwrap_err();
    assert!(matches!(error, HttpError::Refused { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!("nothing is listening on {addr} (connection refused)")
    );
    assert_eq!(http.connections_opened(), 0);
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let addr = peer(drain).await;
    let options = ClientOptions {
        timeout: Duration::from_millis(200),
        ..ClientOptions::default()
    };
    let (mut http, _) = client(addr, options);
    let error = http.request(Request::get("/hello")).await.unwrap_err();
    assert!(matches!(error, HttpError::Timeout { .. }), "{error:?}");
    assert_eq!(error.to_string(), "the server did not answer within 200 ms");
}

#[tokio::test]
async fn a_server_that_answers_garbage_is_not_http() {
    let addr = peer(|mut tcp| async move {
        read_head(&mut tcp).await;
        let _ = tcp.write_all(b"SSH-2.0-OpenSSH_9.6\r\n").await;
        drain(tcp).await;
    })
    .await;
    let (mut http, _) = client(addr, ClientOptions::default());
    let error = http.request(Request::get("/hello")).await.unwrap_err();
    assert!(matches!(error, HttpError::NotHttp { .. }), "{error:?}");
}

#[tokio::test]
async fn a_server_that_speaks_first_is_not_http() {
    let addr = peer(|mut tcp| async move {
        let _ = tcp.write_all(b"SSH-2.0-OpenSSH_9.6\r\n").await;
        drain(tcp).await;
    })
    .await;
    let (mut http, _) = client(addr, ClientOptions::default());
    let error = http.request(Request::get("/hello")).await.unwrap_err();
    assert!(matches!(error, HttpError::NotHttp { .. }), "{error:?}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_and_the_client_recovers() {
    let addr = server().await;
    let options = ClientOptions {
        max_body: 1024,
        ..ClientOptions::default()
    };
    let (mut http, _) = client(addr, options);
    let error = http.request(Request::get("/big")).await.unwrap_err();
    assert!(
        matches!(error, HttpError::BodyTooLarge { limit: 1024 }),
        "{error:?}"
    );
    let exchange = http.request(Request::get("/hello")).await.unwrap();
    assert!(exchange.new_connection);
    assert_eq!(http.connections_opened(), 2);
}

#[tokio::test]
async fn a_server_that_closes_gets_a_new_connection_transparently() {
    let addr = server().await;
    let (mut http, _) = client(addr, ClientOptions::default());
    let bye = http.request(Request::get("/bye")).await.unwrap();
    assert_eq!(bye.header("connection"), Some("close"));
    let hello = http.request(Request::get("/hello")).await.unwrap();
    assert!(hello.new_connection);
    assert_ne!(hello.conn, bye.conn);
    assert_eq!(http.connections_opened(), 2);
}

#[tokio::test]
async fn a_kept_connection_closed_while_idle_is_replaced() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        // Answers as if keeping the connection, then hangs up while it is idle.
        let (mut first, _) = listener.accept().await.unwrap();
        read_head(&mut first).await;
        let _ = first
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            .await;
        drop(first);
        let _ = closed_tx.send(());
        let (mut second, _) = listener.accept().await.unwrap();
        read_head(&mut second).await;
        let _ = second
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain")
            .await;
        drain(second).await;
    });
    let (mut http, _) = client(addr, ClientOptions::default());
    assert_eq!(http.request(Request::get("/a")).await.unwrap().body, "ok");
    closed_rx.await.unwrap();
    let again = http.request(Request::get("/b")).await.unwrap();
    assert_eq!(again.body, "again");
    assert!(again.new_connection);
    assert_eq!(http.connections_opened(), 2);
}

#[tokio::test]
async fn an_invalid_target_fails_before_connecting() {
    let addr = server().await;
    let (mut http, recorder) = client(addr, ClientOptions::default());
    for target in ["hello", "/a b", "http://example.com/", ""] {
        let error = http.request(Request::get(target)).await.unwrap_err();
        assert!(
            matches!(error, HttpError::InvalidTarget { .. }),
            "{target}: {error:?}"
        );
    }
    assert_eq!(recorder.read(|t| t.connections().count()), 0);
}

#[tokio::test]
async fn custom_headers_go_out_in_order() {
    let addr = server().await;
    let headers = HeaderSet::minimal()
        .with("X-Lesson", "3")
        .unwrap()
        .with("Accept", "text/plain")
        .unwrap();
    let options = ClientOptions {
        headers,
        ..ClientOptions::default()
    };
    let (mut http, recorder) = client(addr, options);
    http.request(Request::get("/hello")).await.unwrap();
    assert_eq!(
        raw_requests(&recorder),
        [format!(
            "GET /hello HTTP/1.1\r\nHost: {addr}\r\nX-Lesson: 3\r\nAccept: text/plain\r\n\r\n"
        )]
    );
}
