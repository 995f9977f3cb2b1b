//! `wslab connect` when things go wrong: each failure a user can cause or meet gets one
//! sentence on stderr and a non-zero exit, never a panic. Servers here are raw loopback
//! sockets on port 0 that misbehave in exactly one way.

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::process::Output;
use std::thread;

use crate::connect_lab::wslab;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exactly one line on stderr that contains `expected`, the given exit code, no panic.
fn assert_one_sentence(out: &Output, code: i32, expected: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| !l.starts_with("wslab: note:"))
        .collect();
    assert_eq!(lines.len(), 1, "one sentence expected, got: {err}");
    assert!(
        lines[0].contains(expected),
        "expected {expected:?} in {err:?}"
    );
}

// A server that reads one request head and then does `then` with the socket.
fn one_shot(then: impl FnOnce(std::net::TcpStream) + Send + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                head.push(byte[0]);
            }
            then(stream);
        }
    });
    port
}

#[test]
fn a_url_that_cannot_be_parsed() {
    assert_one_sentence(&wslab(&["connect", "localhost:9001"]), 2, "is not a URL");
    assert_one_sentence(&wslab(&["connect", "http://localhost/"]), 2, "use ws://");
    assert_one_sentence(
        &wslab(&["connect", "ws://localhost:70000/"]),
        2,
        "is not a port",
    );
}

#[test]
fn wss_to_a_plain_http_server_says_it_is_not_tls() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    // A plain server reads the ClientHello as a garbled request and answers in clear.
    let server = thread::spawn(move || {
        let (mut socket, _) = listener.accept().expect("accept");
        let mut hello = [0u8; 512];
        let _ = socket.read(&mut hello);
        let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    let out = wslab(&[
        "connect",
        &format!("wss://127.0.0.1:{port}/echo"),
        "--insecure",
    ]);
    server.join().expect("server");
    assert_one_sentence(
        &out,
        1,
        "the server did not answer with TLS; is it a plain ws:// server?",
    );
}

#[test]
fn a_ca_file_that_is_not_pem_is_named() {
    let dir = std::env::temp_dir().join(format!("wslab-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("not-a-ca.pem");
    std::fs::write(&path, "hello").expect("write");
    let out = wslab(&[
        "connect",
        "wss://127.0.0.1:1/",
        "--ca",
        path.to_str().expect("utf-8"),
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_one_sentence(&out, 2, "is not a PEM certificate");
}

#[test]
fn a_port_where_nothing_listens() {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    // The listener is dropped: the port is closed now.
    let out = wslab(&["connect", &format!("ws://127.0.0.1:{port}/echo")]);
    assert_one_sentence(
        &out,
        1,
        &format!("nothing is listening on 127.0.0.1:{port}"),
    );
    // Scripts asking for JSON still get one object, with the same sentence.
    let json = wslab(&["connect", &format!("ws://127.0.0.1:{port}/echo"), "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON object");
    assert!(
        value["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("nothing is listening")),
        "{value}"
    );
}

#[test]
fn a_server_that_sends_garbage_instead_of_http() {
    let port = one_shot(|mut s| {
        let _ = s.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02");
    });
    let out = wslab(&["connect", &format!("ws://127.0.0.1:{port}/")]);
    assert_one_sentence(&out, 1, "bytes that are not HTTP");
    // What was captured is still shown: the request went out.
    assert!(String::from_utf8_lossy(&out.stdout).contains("GET / HTTP/1.1"));
}

#[test]
fn a_server_that_hangs_times_out() {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let port = one_shot(move |s| {
        // Hold the socket open, unanswered, until the test is done.
        let _ = rx.recv();
        drop(s);
    });
    let out = wslab(&[
        "connect",
        &format!("ws://127.0.0.1:{port}/"),
        "--timeout",
        "0.3",
    ]);
    drop(tx);
    assert_one_sentence(&out, 1, "did not answer the handshake within 0.3 s");
}

#[test]
fn a_server_that_refuses_the_upgrade() {
    let port = one_shot(|mut s| {
        let _ = s.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    });
    let out = wslab(&["connect", &format!("ws://127.0.0.1:{port}/")]);
    assert_one_sentence(
        &out,
        1,
        "answered 403 Forbidden instead of 101 Switching Protocols",
    );
}

#[test]
fn bad_arguments_are_named() {
    let url = "ws://127.0.0.1:1/";
    assert_one_sentence(
        &wslab(&["connect", url, "--mask", "0102"]),
        2,
        "exactly 4 bytes",
    );
    assert_one_sentence(
        &wslab(&["connect", url, "--close", "abc"]),
        2,
        "the code must be a number",
    );
    assert_one_sentence(
        &wslab(&["connect", url, "--ping", &"x".repeat(126)]),
        2,
        "at most 125 bytes",
    );
    assert_one_sentence(
        &wslab(&["connect", url, "--header", "nocolon"]),
        2,
        "is not 'Name: value'",
    );
    assert_one_sentence(
        &wslab(&["connect", url, "--send-hex", "zz"]),
        2,
        "--send-hex",
    );
    assert_one_sentence(&wslab(&["connect", url, "--timeout=-1"]), 2, "--timeout");
    assert_one_sentence(&wslab(&["connect", url, "--timeout", "0"]), 2, "--timeout");
}

#[test]
fn a_server_that_hangs_in_the_tls_handshake_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    // Accepts, reads nothing, answers nothing, until the test is done.
    let server = thread::spawn(move || {
        let (socket, _) = listener.accept().expect("accept");
        let _ = rx.recv();
        drop(socket);
    });
    let out = wslab(&[
        "connect",
        &format!("wss://127.0.0.1:{port}/"),
        "--insecure",
        "--timeout",
        "0.3",
    ]);
    drop(tx);
    server.join().expect("server");
    assert_one_sentence(&out, 1, "the TLS handshake did not finish within 0.3 s");
}
