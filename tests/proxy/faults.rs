//! The proxy with traffic that breaks the rules, peers that vanish, and upstreams that refuse
//! or hang. Raw sockets on both sides, so that nothing is corrected on the way: what the
//! upstream receives must be exactly what the client wrote, and the capture must flag the
//! rule broken. No sleeps, no fixed ports.

use std::time::Duration;

use crate::common::proxy::{proxy, proxy_with, sockets_on};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use wslab::capture::{ConnId, Direction};
use wslab::proto::Derivation;

const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

fn request() -> Vec<u8> {
    format!(
        "GET /raw HTTP/1.1\r\nHost: upstream\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .into_bytes()
}

fn response() -> Vec<u8> {
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {}\r\n\r\n",
        Derivation::new(KEY).accept
    )
    .into_bytes()
}

// A masked client frame with the all-zero key, so that the payload reads as written.
fn masked(b0: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![b0, 0x80 | payload.len() as u8, 0, 0, 0, 0];
    out.extend_from_slice(payload);
    out
}

/// Each case of the violation list: the id, the client's frames, the server's frames.
fn cases() -> Vec<(&'static str, Vec<u8>, Vec<u8>)> {
    let mut too_long = vec![0x89, 0x80 | 0x7e, 0, 126, 0, 0, 0, 0];
    too_long.extend_from_slice(&[b'p'; 126]);
    let mut non_minimal = vec![0x82, 0x80 | 0x7e, 0, 5, 0, 0, 0, 0];
    non_minimal.extend_from_slice(b"12345");
    let mut msb = vec![0x82, 0x80 | 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    msb.extend_from_slice(b"a few bytes of a frame that never ends");
    let fragmented = [masked(0x01, b"open"), masked(0x81, b"new")].concat();
    vec![
        ("reserved-bits-set", masked(0xC1, b"rsv1"), vec![]),
        ("unknown-opcode", masked(0x83, b""), vec![]),
        ("control-frame-too-long", too_long, vec![]),
        ("fragmented-control-frame", masked(0x09, b"ping"), vec![]),
        (
            "continuation-without-message",
            masked(0x80, b"cont"),
            vec![],
        ),
        ("new-message-while-fragmented", fragmented, vec![]),
        ("length-msb-set", msb, vec![]),
        ("non-minimal-length", non_minimal, vec![]),
        (
            "unmasked-client-frame",
            vec![0x81, 0x02, b'h', b'i'],
            vec![],
        ),
        ("masked-server-frame", vec![], masked(0x81, b"hi")),
        ("invalid-utf8-text", masked(0x81, &[0xff, 0xfe]), vec![]),
        ("close-payload-one-byte", masked(0x88, &[0x03]), vec![]),
        (
            "close-code-not-allowed",
            masked(0x88, &[0x03, 0xed]),
            vec![],
        ),
        (
            "invalid-utf8-close-reason",
            masked(0x88, &[0x03, 0xe8, 0xff]),
            vec![],
        ),
    ]
}

async fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8];
        if stream.read(&mut byte).await.unwrap() == 0 {
            break;
        }
        head.push(byte[0]);
    }
    head
}

/// A raw upstream for one connection: answers 101, writes `frames`, then returns every byte
/// it received, the request included, once the client's side ends.
async fn raw_upstream(listener: &TcpListener, frames: &[u8]) -> Vec<u8> {
    let (mut stream, _) = listener.accept().await.unwrap();
    let mut received = read_head(&mut stream).await;
    stream.write_all(&response()).await.unwrap();
    stream.write_all(frames).await.unwrap();
    stream.read_to_end(&mut received).await.unwrap();
    received
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_violation_is_relayed_unchanged_and_flagged() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = proxy(listener.local_addr().unwrap()).await;
    for (n, (id, client_frames, server_frames)) in cases().into_iter().enumerate() {
        let upstream = raw_upstream(&listener, &server_frames);
        let client = async {
            let mut stream = TcpStream::connect(proxy.addr()).await.unwrap();
            stream.write_all(&request()).await.unwrap();
            let head = read_head(&mut stream).await;
            assert_eq!(head, response(), "{id}: the 101 changed on the way");
            stream.write_all(&client_frames).await.unwrap();
            stream.shutdown().await.unwrap();
            let mut rest = Vec::new();
            stream.read_to_end(&mut rest).await.unwrap();
            rest
        };
        let (received, got) = tokio::join!(upstream, client);
        let sent = [request(), client_frames.clone()].concat();
        assert!(
            received == sent,
            "{id}: the upstream received other bytes than sent"
        );
        assert!(
            got == server_frames,
            "{id}: the client received other bytes than sent"
        );
        proxy.idle().await;
        let (direction, frames) = if server_frames.is_empty() {
            (Direction::ClientToServer, client_frames)
        } else {
            (Direction::ServerToClient, server_frames)
        };
        proxy.recorder().read(|t| {
            let c = t.connection(ConnId(n as u64)).unwrap();
            let flow = c.flow(direction);
            if id == "length-msb-set" {
                // A frame claiming 2^63 bytes never ends, so the capture shows it unfinished.
                assert!(flow.incomplete().is_some(), "{id}: not shown as unfinished");
                return;
            }
            let flagged: Vec<&str> = flow
                .frames
                .iter()
                .flat_map(|f| f.item.violations.iter().map(wslab::proto::Violation::id))
                .collect();
            assert!(flagged.contains(&id), "{id}: flagged only {flagged:?}");
            let upgraded = usize::try_from(flow.upgraded_offset().unwrap()).unwrap();
            assert_eq!(t.raw(c.id, direction)[upgraded..], frames[..]);
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abrupt_disconnects_leak_no_task_and_no_descriptor() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = proxy(listener.local_addr().unwrap()).await;
    // The proxy's sockets: those on its own port (the listener, the clients it accepted) and
    // those to the upstream's.
    let held = || {
        sockets_on(proxy.addr().port())
            .zip(sockets_on(listener.local_addr().unwrap().port()))
            .map(|(a, b)| a + b)
    };
    let before = held();
    for client_vanishes in [true, false, true, false] {
        let mut client = TcpStream::connect(proxy.addr()).await.unwrap();
        client.write_all(&request()).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        read_head(&mut server).await;
        server.write_all(&response()).await.unwrap();
        read_head(&mut client).await;
        client
            .write_all(&masked(0x81, b"half a fr")[..8])
            .await
            .unwrap();
        // Linger 0: the socket is reset, not closed, as a crashed peer's would be.
        let vanishing = if client_vanishes { client } else { server };
        vanishing.set_zero_linger().unwrap();
        drop(vanishing);
        proxy.idle().await;
    }
    assert_eq!(proxy.active(), 0);
    let after = held();
    match (before, after) {
        (Some(before), Some(after)) => {
            // The two listeners at least: a count that sees nothing proves nothing.
            assert!(before >= 2, "only {before} sockets seen");
            assert_eq!(before, after, "sockets leaked");
        }
        _ => eprintln!("skipped the socket count: /proc/self/fd and /proc/net/tcp are Linux only"),
    }
}

#[tokio::test]
async fn a_refusing_upstream_gets_the_client_a_502_with_the_reason() {
    // Bound and kept, but never listening: a connection to it is refused, and no other test
    // can take the port meanwhile (a port bound and dropped could be).
    let closed = TcpSocket::new_v4().unwrap();
    closed.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = closed.local_addr().unwrap();
    let mut proxy = proxy(addr).await;
    let mut failures = proxy.failures().unwrap();
    let mut client = TcpStream::connect(proxy.addr()).await.unwrap();
    client.write_all(&request()).await.unwrap();
    let mut answer = String::new();
    client.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 502 Bad Gateway\r\n"),
        "{answer}"
    );
    let sentence =
        format!("the upstream ws://{addr}/ refused the connection; is the server running?\n");
    assert!(answer.ends_with(&format!("\r\n\r\n{sentence}")), "{answer}");
    let failure = failures.recv().await.unwrap();
    assert_eq!(failure.error.id(), "refused");
    drop(client);
    proxy.idle().await;
}

#[tokio::test]
async fn a_hanging_upstream_times_out_into_a_502() {
    // A backlog of one, filled and never accepted: the kernel stops answering SYNs, so a
    // connect hangs as it would to a stalled server.
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        let socket = TcpSocket::new_v4().unwrap();
        match tokio::time::timeout(Duration::from_millis(200), socket.connect(addr)).await {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    let mut proxy = proxy_with(addr, Duration::from_millis(300)).await;
    let mut failures = proxy.failures().unwrap();
    let mut client = TcpStream::connect(proxy.addr()).await.unwrap();
    client.write_all(&request()).await.unwrap();
    let mut answer = String::new();
    client.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 502 Bad Gateway\r\n"),
        "{answer}"
    );
    assert!(
        answer.contains("did not accept the connection within 300 ms"),
        "{answer}"
    );
    assert_eq!(failures.recv().await.unwrap().error.id(), "connect-timeout");
    drop(listener);
}

#[tokio::test]
async fn an_upstream_that_dies_after_the_upgrade_closes_the_client() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut proxy = proxy(listener.local_addr().unwrap()).await;
    let mut failures = proxy.failures().unwrap();
    let mut client = TcpStream::connect(proxy.addr()).await.unwrap();
    client.write_all(&request()).await.unwrap();
    let (mut server, _) = listener.accept().await.unwrap();
    read_head(&mut server).await;
    server.write_all(&response()).await.unwrap();
    assert_eq!(read_head(&mut client).await, response());
    server.set_zero_linger().unwrap();
    drop(server);
    // No 502 after the upgrade: the connection just ends.
    let mut rest = Vec::new();
    let _ = client.read_to_end(&mut rest).await;
    assert!(rest.is_empty(), "{rest:?}");
    assert_eq!(failures.recv().await.unwrap().error.id(), "read-failed");
    proxy.idle().await;
}
