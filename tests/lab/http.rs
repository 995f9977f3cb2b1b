//! The lab's plain HTTP endpoints and its page over real loopback sockets, and the `wslab
//! serve` binary that shows each connection as it happens. No sleeps, no fixed ports.

use std::time::Duration;

use crate::common::lab::{NEVER, exchange, get, lab, lab_with, split};
use tokio::io::AsyncReadExt as _;
use tokio::net::TcpStream;
use wslab::net::lab::Timeouts;

#[tokio::test]
async fn hello_message_and_the_page() {
    let lab = lab(NEVER).await;
    let (head, body) = get(&lab, "/hello").await;
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(head.contains("Content-Type: text/plain; charset=utf-8\r\n"));
    assert!(head.contains("Content-Length: 26\r\n"));
    assert_eq!(body, b"Hello from the wslab lab!\n");

    let post = b"POST /message HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\
        Content-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello there";
    let (head, body) = split(&exchange(&lab, post).await);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
    assert_eq!(body, b"hello there");

    let too_big = b"POST /message HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\
        Content-Length: 2000000\r\n\r\n";
    let (head, _) = split(&exchange(&lab, too_big).await);
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");

    let (head, body) = get(&lab, "/").await;
    assert!(head.contains("Content-Type: text/html"));
    assert!(String::from_utf8(body).unwrap().contains("new WebSocket"));

    let (head, _) = get(&lab, "/nowhere").await;
    assert!(head.starts_with("HTTP/1.1 404"));
    lab.shutdown().await;
}

#[tokio::test]
async fn poll_is_empty_then_holds_updates_and_long_poll_waits_for_one() {
    let lab = lab(NEVER).await;
    let (head, body) = get(&lab, "/poll?since=0").await;
    assert!(head.contains("Cache-Control: no-store\r\n"));
    assert!(head.contains("Content-Type: application/json\r\n"));
    assert_eq!(body, b"[]");
    let (_, body) = get(&lab, "/poll?since=0&wait=5").await;
    assert_eq!(body, b"[]");

    assert_eq!(lab.publish("first"), 1);
    let (_, body) = get(&lab, "/poll?since=0").await;
    let updates: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(updates[0]["id"], 1);
    assert_eq!(updates[0]["text"], "first");

    // Asked before the update exists; answered when it does, long before the wait ends.
    let waiting = get(&lab, "/poll?since=1&wait=60000");
    let publish = async {
        // Publish once the lab has read the long poll's head, so the poll really waits.
        let mut updates = lab.recorder().subscribe();
        let asked = || {
            lab.recorder().read(|t| {
                t.connections()
                    .filter(|c| c.requests().http.len() == 1)
                    .count()
            }) == 4
        };
        while !asked() {
            updates.recv().await.unwrap();
        }
        lab.publish("second");
    };
    let ((_, body), ()) = tokio::join!(waiting, publish);
    let updates: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(updates.as_array().unwrap().len(), 1);
    assert_eq!(updates[0]["id"], 2);
    lab.shutdown().await;
}

#[tokio::test]
async fn garbage_gets_400() {
    let lab = lab(NEVER).await;
    let answer = exchange(&lab, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03").await;
    let (head, body) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
    let body = String::from_utf8(body).unwrap();
    assert_eq!(body.lines().count(), 1, "{body}");
    let problem = lab
        .recorder()
        .read(|t| t.connections().last().unwrap().requests().problem.clone());
    assert!(problem.is_some());
    lab.shutdown().await;
}

#[tokio::test]
async fn a_head_that_never_ends_gets_400() {
    let lab = lab(NEVER).await;
    let mut request = b"GET /hello HTTP/1.1\r\nX-Long: ".to_vec();
    request.resize(wslab::proto::http::MAX_HEAD_BYTES + 100, b'a');
    let (head, body) = split(&exchange(&lab, &request).await);
    assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("longer than"), "{body}");
    lab.shutdown().await;
}

#[tokio::test]
async fn a_client_that_sends_nothing_gets_408_and_is_closed() {
    let lab = lab_with(Timeouts {
        head: Duration::from_millis(100),
        ..Timeouts::default()
    })
    .await;
    // Connects, sends nothing, and reads: the lab must hang up by itself.
    let mut stream = TcpStream::connect(lab.addr()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let (head, body) = split(&answer);
    assert!(
        head.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{head}"
    );
    assert!(head.contains("Connection: close\r\n"), "{head}");
    let body = String::from_utf8(body).unwrap();
    assert_eq!(body, "wslab lab: no complete request head within 0.1 s\n");

    // Half a head is no better than none.
    let mut stream = TcpStream::connect(lab.addr()).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut stream, b"GET /hello HTTP/1.1\r\nHost: lab\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 408 "));
    lab.shutdown().await;
}

mod serve {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    use std::net::TcpStream;
    use std::process::{Command, Stdio};

    fn wslab() -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_wslab"));
        command.env_remove("NO_COLOR");
        command
    }

    /// Ctrl-C, as a user stops `serve`.
    fn interrupt(child: &std::process::Child) {
        let pid = child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
    }

    #[test]
    fn shows_each_connection_and_sums_up_on_ctrl_c() {
        let mut child = wslab()
            .args(["serve", "--port", "0", "--tick-ms", "3600000"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut next = || lines.next().unwrap().unwrap();
        let first = next();
        let addr = first.rsplit(' ').next().unwrap().to_owned();
        assert!(
            first.starts_with("wslab lab listening on 127.0.0.1:"),
            "{first}"
        );

        let mut stream = TcpStream::connect(&addr).unwrap();
        stream
            .write_all(b"GET /hello HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n")
            .unwrap();
        stream.read_to_end(&mut Vec::new()).unwrap();
        let mut shown = Vec::new();
        while !shown
            .last()
            .is_some_and(|l: &String| l.contains("closed after"))
        {
            shown.push(next());
        }
        let shown = shown.join("\n");
        assert!(shown.contains("#0 opened from 127.0.0.1:"), "{shown}");
        assert!(shown.contains("#0 → GET /hello HTTP/1.1"), "{shown}");
        assert!(shown.contains("#0 ← HTTP/1.1 200 OK"), "{shown}");
        assert_eq!(
            shown.matches("#0 GET /hello → 200 · ").count(),
            1,
            "{shown}"
        );

        let mut stream = TcpStream::connect(&addr).unwrap();
        stream
            .write_all(
                b"GET /echo HTTP/1.1\r\nHost: lab\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                  Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            )
            .unwrap();
        // A client waits for the 101 before it sends a frame (RFC 6455 §4.1).
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut byte = [0u8];
            stream.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        assert!(head.starts_with(b"HTTP/1.1 101"));
        stream
            .write_all(b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58")
            .unwrap();
        let mut frame_lines = Vec::new();
        while frame_lines.len() < 2 {
            let line = next();
            if line.contains(" text ") {
                frame_lines.push(line);
            }
        }
        assert!(frame_lines[0].contains("#1 → text"), "{frame_lines:?}");
        assert!(frame_lines[0].contains("5 B · FIN · masked · \"Hello\""));
        assert!(frame_lines[1].contains("#1 ← text"));
        assert!(frame_lines[1].contains("unmasked · \"Hello\""));

        interrupt(&child);
        let rest: Vec<String> = lines.map(Result::unwrap).collect();
        // Ended by SIGINT: 128 + 2, the shell's convention.
        assert_eq!(child.wait().unwrap().code(), Some(130));
        let summary = rest.last().unwrap();
        assert!(
            summary.starts_with("stopped: 2 connections served, "),
            "{summary}"
        );
        drop(stream);
    }

    #[test]
    fn a_busy_port_is_one_clear_sentence() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port().to_string();
        let out = wslab().args(["serve", "--port", &port]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            stderr,
            format!("wslab: cannot listen on 127.0.0.1:{port}: address already in use\n")
        );
    }

    #[test]
    fn binding_beyond_loopback_warns_once_on_stderr() {
        let mut child = wslab()
            .args([
                "serve",
                "--bind",
                "0.0.0.0",
                "--port",
                "0",
                "--tick-ms",
                "3600000",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = out.next().unwrap().unwrap();
        assert!(
            first.starts_with("wslab lab listening on 0.0.0.0:"),
            "{first}"
        );
        let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
        let warning = err.next().unwrap().unwrap();
        assert!(warning.starts_with("wslab: warning:"), "{warning}");
        assert!(
            warning.contains("reachable from other machines"),
            "{warning}"
        );
        interrupt(&child);
        assert_eq!(child.wait().unwrap().code(), Some(130));
        let rest: Vec<String> = err.map(Result::unwrap).collect();
        assert!(rest.is_empty(), "one warning only: {rest:?}");
    }

    #[test]
    fn bind_takes_a_host_name_and_refuses_a_port_in_one_sentence() {
        let mut child = wslab()
            .args(["serve", "--bind", "localhost", "--port", "0"])
            .args(["--tick-ms", "3600000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kept open to the end: a closed pipe would end the lab before the signal does.
        let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = out.next().unwrap().unwrap();
        // localhost resolves, IPv4 first, as --listen resolves it.
        assert!(
            first.starts_with("wslab lab listening on 127.0.0.1:"),
            "{first}"
        );
        interrupt(&child);
        assert_eq!(child.wait().unwrap().code(), Some(130));
        drop(out);
        let out = wslab()
            .args(["serve", "--bind", "127.0.0.1:9002"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("invalid IP address syntax"), "{err}");
        assert!(
            err.lines().next().unwrap_or_default().contains("--port"),
            "{err}"
        );
    }

    /// The README's two terminals: `wslab serve` in one, `wslab connect` in the other.
    #[test]
    fn connect_against_serve_shows_the_exchange_on_both_sides() {
        let mut child = wslab()
            .args(["serve", "--port", "0", "--tick-ms", "3600000"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let addr = first.rsplit(' ').next().unwrap().to_owned();
        let out = wslab()
            .args([
                "connect",
                &format!("ws://{addr}/echo"),
                "--send",
                "hello",
                "--brief",
            ])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let client = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{client}");
        assert!(client.contains("✓ self-check"), "{client}");
        let mut shown = Vec::new();
        while !shown
            .last()
            .is_some_and(|l: &String| l.contains("closed after"))
        {
            shown.push(lines.next().unwrap().unwrap());
        }
        // The lab's own self-check comes with the close, every time: it is recorded before
        // the connection's socket is let go.
        let before_close = &shown[shown.len() - 2];
        assert!(
            before_close.contains("self-check: the 2 messages"),
            "{shown:?}"
        );
        interrupt(&child);
        assert_eq!(child.wait().unwrap().code(), Some(130));
    }
}
