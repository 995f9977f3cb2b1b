//! The proxy with TLS on either side: `--tls` toward clients, a wss:// upstream toward the
//! server. Each side has its own TLS session: the records differ, the WebSocket bytes inside
//! are relayed unchanged and recorded once. Real loopback sockets on port 0: wslab's own TLS
//! lab as the upstream, wslab's client, and Python's websockets as an independent wss://
//! server.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_tungstenite::tungstenite::Message;
use wslab::capture::{Connection, Direction, Layer, Snapshot, Transcript};
use wslab::net::proxy::{Proxy, ProxyConfig};
use wslab::net::tls::{LabCert, TlsOptions, Trust};
use wslab::net::url::{self, WsUrl};
use wslab::net::{ClientOptions, Outgoing, Recorder, WsClient};

use crate::common::exchange::{finish, options, round_trip};
use crate::common::lab::upgrade_request;
use crate::common::proxy::config;
use crate::common::tls::tls_lab;
use crate::common::{pcap_reader, python};

/// A proxy to `upstream` (its scheme decides TLS toward it), trusting `trust` there, and
/// serving TLS to clients with `listen` when given.
async fn proxy(upstream: &str, trust: Trust, listen: Option<LabCert>) -> Proxy {
    let mut config: ProxyConfig = config(
        SocketAddr::from(([127, 0, 0, 1], 1)),
        Duration::from_secs(10),
    );
    config.upstream = url::parse(upstream).expect("the upstream parses");
    config.upstream_tls = TlsOptions::new(trust, None);
    config.listen_tls = listen;
    let recorder = config.recorder();
    Proxy::start(config, recorder)
        .await
        .expect("the proxy starts")
}

fn trusting(cert: &LabCert) -> Trust {
    Trust::Roots(Arc::new(cert.roots()))
}

/// wslab's client options, trusting `cert` for wss://.
fn client_trusting(cert: &LabCert) -> ClientOptions {
    ClientOptions {
        tls: TlsOptions::new(trusting(cert), None),
        ..options()
    }
}

fn target(scheme: &str, proxy: &Proxy, path: &str) -> WsUrl {
    // A name for wss://, as the certificate names localhost; the proxy listens on 127.0.0.1.
    let host = if scheme == "wss" {
        "localhost"
    } else {
        "127.0.0.1"
    };
    url::parse(&format!("{scheme}://{host}:{}{path}", proxy.addr().port())).expect("parses")
}

/// Sends "Hello" through the proxy, reads its echo, closes, and waits until the proxy has
/// closed the connection; the proxy's capture.
async fn hello_through(proxy: &Proxy, target: &WsUrl, options: &ClientOptions) -> Snapshot {
    let recorder = Recorder::default();
    let mut client = WsClient::connect(target, &recorder, options)
        .await
        .expect("the handshake through the proxy succeeds");
    round_trip(
        &mut client,
        Outgoing::Text("Hello".into()),
        Message::text("Hello"),
    )
    .await;
    finish(&mut client).await;
    drop(client);
    proxy.idle().await;
    proxy.recorder().snapshot()
}

fn only(t: &Transcript) -> &Connection {
    let mut all = t.connections();
    let c = all.next().expect("the proxy recorded the connection");
    assert!(all.next().is_none(), "one connection");
    c
}

/// The text frames the capture holds, each way: the relayed WebSocket bytes, once.
fn texts(c: &Connection, direction: Direction) -> Vec<String> {
    c.flow(direction)
        .messages
        .iter()
        .filter(|m| m.item.opcode.name() == "text")
        .map(|m| String::from_utf8_lossy(&m.item.preview).into_owned())
        .collect()
}

fn record_count(c: &Connection, layer: Layer) -> u64 {
    c.tls_at(layer).map_or(0, |tls| {
        Direction::BOTH
            .iter()
            .map(|&d| tls.flow(d).record_count())
            .sum()
    })
}

/// The tls-record lines of a capture's JSON Lines, by side.
fn record_lines(t: &Transcript) -> (usize, usize) {
    let lines = wslab::export::jsonl(t, 0);
    let mut sides = (0, 0);
    for line in lines.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        if v["type"] == "tls-record" {
            match v["side"].as_str() {
                Some("client") => sides.0 += 1,
                Some("upstream") => sides.1 += 1,
                other => panic!("a proxied record without its side: {other:?} in {line}"),
            }
        }
    }
    sides
}

/// The capture as a pcap holds two TCP connections: the client's to the proxy, carrying
/// `client_layer`'s bytes, and the proxy's to the upstream, carrying that side's records.
fn assert_pcap_sides(t: &Transcript, c: &Connection, client_layer: Layer) {
    let packets = pcap_reader::read(&wslab::export::pcap(t, 0));
    let up = c.upstream.expect("the upstream connection is recorded");
    let (client, proxy) = (c.client.unwrap(), c.server.unwrap());
    assert_eq!(
        pcap_reader::connections(&packets),
        [(client, proxy), (up.proxy, up.server)]
    );
    for (d, (src, dst), (usrc, udst)) in [
        (
            Direction::ClientToServer,
            (client, proxy),
            (up.proxy, up.server),
        ),
        (
            Direction::ServerToClient,
            (proxy, client),
            (up.server, up.proxy),
        ),
    ] {
        let client_side = t.raw_at(client_layer, c.id, d);
        assert_eq!(
            pcap_reader::stream(&packets, src, dst),
            client_side,
            "{d:?}"
        );
        let upstream_side = t.raw_at(Layer::UpstreamTls, c.id, d);
        assert!(!upstream_side.is_empty());
        assert_eq!(
            pcap_reader::stream(&packets, usrc, udst),
            upstream_side,
            "{d:?}"
        );
    }
}

#[tokio::test]
async fn wss_on_both_sides_in_front_of_wslabs_own_tls_lab() {
    let lab = tls_lab().await;
    let upstream_cert = lab.cert().expect("a TLS lab").clone();
    let proxy_cert = LabCert::generate().expect("a certificate");
    let proxy = proxy(
        &lab.wss_url("/").expect("wss"),
        trusting(&upstream_cert),
        Some(proxy_cert.clone()),
    )
    .await;
    let t = hello_through(
        &proxy,
        &target("wss", &proxy, "/echo"),
        &client_trusting(&proxy_cert),
    )
    .await;
    let c = only(&t);
    assert!(c.error.is_none(), "{:?}", c.error);
    // The WebSocket bytes, once: the client's text and the server's echo.
    assert_eq!(texts(c, Direction::ClientToServer), ["Hello"]);
    assert_eq!(texts(c, Direction::ServerToClient), ["Hello"]);
    // Both sides have records of their own, each beginning with its own ClientHello.
    let (client_side, upstream_side) = (c.tls.as_ref().unwrap(), c.upstream_tls.as_ref().unwrap());
    for side in [client_side, upstream_side] {
        let first = &side.flow(Direction::ClientToServer).records[0].record;
        assert_eq!(first.content_type.name(), "handshake");
        assert!(side.flow(Direction::ServerToClient).record_count() > 0);
    }
    // Two sessions, two sets of keys: the ciphertext differs although the plaintext is the
    // same.
    let wire = |layer| t.raw_at(layer, c.id, Direction::ClientToServer);
    assert_ne!(wire(Layer::Tls), wire(Layer::UpstreamTls));
    // What the lab received is what the client sent: relayed unchanged.
    let served = lab.recorder().read(|l| {
        let id = l.connections().last().expect("the lab saw the proxy").id;
        Direction::BOTH.map(|d| l.raw(id, d))
    });
    for (i, d) in Direction::BOTH.into_iter().enumerate() {
        assert_eq!(t.raw(c.id, d), served[i], "{d:?}: relayed bytes differ");
    }
    // Each side's records are lines of their own.
    let (client_lines, upstream_lines) = record_lines(&t);
    assert_eq!(client_lines as u64, record_count(c, Layer::Tls));
    assert_eq!(upstream_lines as u64, record_count(c, Layer::UpstreamTls));
    // A packet capture holds both TCP connections, each with its own ciphertext.
    assert_pcap_sides(&t, c, Layer::Tls);
    lab.shutdown().await;
}

#[tokio::test]
async fn a_plain_client_through_to_a_wss_upstream() {
    let lab = tls_lab().await;
    let cert = lab.cert().expect("a TLS lab").clone();
    let proxy = proxy(&lab.wss_url("/").expect("wss"), trusting(&cert), None).await;
    let t = hello_through(&proxy, &target("ws", &proxy, "/echo"), &options()).await;
    let c = only(&t);
    assert!(c.error.is_none(), "{:?}", c.error);
    assert!(c.tls.is_none(), "the client's side is plain ws://");
    assert!(record_count(c, Layer::UpstreamTls) > 0);
    assert_eq!(texts(c, Direction::ClientToServer), ["Hello"]);
    assert_eq!(texts(c, Direction::ServerToClient), ["Hello"]);
    // The upstream saw a ClientHello naming the host it was asked for (SNI).
    let hello = &c
        .upstream_tls
        .as_ref()
        .unwrap()
        .flow(Direction::ClientToServer)
        .records[0];
    let summary = wslab::render::tls::record_summary(&hello.record);
    assert!(summary.contains("SNI localhost"), "{summary}");
    let (client_lines, upstream_lines) = record_lines(&t);
    assert_eq!(client_lines, 0);
    assert_eq!(upstream_lines as u64, record_count(c, Layer::UpstreamTls));
    // On the client's wire the plain bytes, on the upstream's its records: a pcap holds both.
    assert_pcap_sides(&t, c, Layer::App);
    lab.shutdown().await;
}

#[tokio::test]
async fn a_wss_client_through_to_a_plain_upstream() {
    let lab = crate::common::lab::lab(Duration::from_secs(3600)).await;
    let cert = LabCert::generate().expect("a certificate");
    let proxy = proxy(&lab.url("/"), Trust::System, Some(cert.clone())).await;
    let t = hello_through(
        &proxy,
        &target("wss", &proxy, "/echo"),
        &client_trusting(&cert),
    )
    .await;
    let c = only(&t);
    assert!(c.error.is_none(), "{:?}", c.error);
    assert!(
        c.upstream_tls.is_none(),
        "the upstream's side is plain ws://"
    );
    assert!(record_count(c, Layer::Tls) > 0);
    assert_eq!(texts(c, Direction::ServerToClient), ["Hello"]);
    let (client_lines, upstream_lines) = record_lines(&t);
    assert_eq!(
        (client_lines as u64, upstream_lines),
        (record_count(c, Layer::Tls), 0)
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn an_upstream_whose_ca_is_not_trusted_is_refused_with_a_sentence() {
    let lab = tls_lab().await;
    let stranger = LabCert::generate().expect("another CA");
    let proxy = proxy(&lab.wss_url("/").expect("wss"), trusting(&stranger), None).await;
    let mut client = tokio::net::TcpStream::connect(proxy.addr()).await.unwrap();
    client
        .write_all(upgrade_request("/echo", "13").as_bytes())
        .await
        .unwrap();
    let mut answer = Vec::new();
    client.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 502 Bad Gateway\r\n"),
        "{answer}"
    );
    let sentence = answer.split("\r\n\r\n").nth(1).unwrap_or_default().trim();
    assert!(
        sentence.starts_with("the TLS handshake with the upstream wss://localhost:")
            && sentence.contains("unknown issuer")
            && sentence.contains("--ca FILE"),
        "{sentence}"
    );
    proxy.idle().await;
    let t = proxy.recorder().snapshot();
    let c = only(&t);
    let failed = c.upstream_failed.as_ref().expect("the failure is kept");
    assert_eq!(failed.id, "tls-handshake");
    assert_eq!(failed.message, sentence);
    // The proxy's ClientHello, and the server's answer to it, are the upstream side's records.
    assert!(record_count(c, Layer::UpstreamTls) > 0);
    let lines = wslab::export::jsonl(&t, 0);
    assert!(
        lines
            .lines()
            .any(|l| l.contains("\"upstream-error\"") && l.contains("tls-handshake")),
        "{lines}"
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn a_client_that_refuses_the_proxys_certificate_is_one_sentence_and_no_upstream() {
    let lab = crate::common::lab::lab(Duration::from_secs(3600)).await;
    let cert = LabCert::generate().expect("a certificate");
    let proxy = proxy(&lab.url("/"), Trust::System, Some(cert)).await;
    let stranger = LabCert::generate().expect("another CA");
    let refused = WsClient::connect(
        &target("wss", &proxy, "/echo"),
        &Recorder::default(),
        &client_trusting(&stranger),
    )
    .await;
    assert!(refused.is_err(), "the client must not trust the proxy's CA");
    proxy.idle().await;
    let t = proxy.recorder().snapshot();
    let c = only(&t);
    let error = c.error.as_deref().expect("the failure is said");
    // Whether the refusing client's alert arrives before its end of TCP is up to it: the
    // sentence names the handshake either way.
    assert!(error.contains("TLS handshake"), "{error}");
    assert!(!error.contains('\n'), "one sentence: {error}");
    assert_eq!(
        lab.recorder().read(|l| l.connections().count()),
        0,
        "no upstream connection is opened for a client whose handshake failed"
    );
    lab.shutdown().await;
}

/// Python's websockets, serving wss:// with a self-signed certificate made here, echoing.
const PYTHON_WSS: &str = r#"
import asyncio, ssl, sys, websockets

async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)

async def main():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[1], sys.argv[2])
    async with websockets.serve(echo, "127.0.0.1", 0, ssl=context) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        # Serves until the test closes standard input.
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)

asyncio.run(main())
"#;

/// Kills the Python server if the test fails before closing its input.
struct Peer(Option<std::process::Child>);

impl Drop for Peer {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[tokio::test]
async fn wss_to_pythons_websockets_with_a_self_signed_certificate_given_by_ca() {
    let Some(python) = python::websockets("the proxy in front of an independent wss:// server")
    else {
        return;
    };
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let dir = std::env::temp_dir().join(format!("wslab-proxy-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert_path, made.cert.pem()).unwrap();
    std::fs::write(&key_path, made.signing_key.serialize_pem()).unwrap();
    let mut child = Command::new(python)
        .arg("-c")
        .arg(PYTHON_WSS)
        .arg(&cert_path)
        .arg(&key_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python starts");
    let mut said = BufReader::new(child.stdout.take().unwrap());
    let mut peer = Peer(Some(child));
    let port = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        said.read_line(&mut line).unwrap();
        line.trim().parse::<u16>().expect("python prints its port")
    })
    .await
    .unwrap();
    // The certificate itself, by --ca: a self-signed one is its own issuer.
    let proxy = proxy(
        &format!("wss://127.0.0.1:{port}/"),
        Trust::Ca(cert_path.clone()),
        None,
    )
    .await;
    let t = hello_through(&proxy, &target("ws", &proxy, "/"), &options()).await;
    let c = only(&t);
    assert!(
        c.error.is_none() && c.upstream_failed.is_none(),
        "{:?} {:?}",
        c.error,
        c.upstream_failed
    );
    assert_eq!(texts(c, Direction::ClientToServer), ["Hello"]);
    assert_eq!(texts(c, Direction::ServerToClient), ["Hello"]);
    let upstream = c
        .upstream_tls
        .as_ref()
        .expect("the upstream side's records");
    assert!(upstream.flow(Direction::ServerToClient).record_count() > 0);
    assert!(upstream.flow(Direction::ClientToServer).problem().is_none());
    if let Some(mut stdin) = peer.0.as_mut().and_then(|c| c.stdin.take()) {
        let _ = stdin.write_all(b"\n");
    }
    let status = peer.0.take().unwrap().wait().unwrap();
    assert!(status.success(), "python ends cleanly");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A wss:// server that answers the upgrade, sends one text frame and drops TCP without a
/// `close_notify` alert (RFC 8446 §6.1 asks for one; many servers skip it).
async fn abrupt_wss_server(cert: &LabCert) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = cert.server_config().unwrap();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let recorder = Recorder::default();
        let mut tls =
            wslab::net::tls::server(tcp, None, &recorder, config, Duration::from_secs(10))
                .await
                .unwrap();
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut byte = [0u8; 1];
            if tls.read(&mut byte).await.unwrap() == 0 {
                return;
            }
            head.push(byte[0]);
        }
        let accept = wslab::proto::Derivation::new(crate::common::exchange::KEY).accept;
        let answer = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
        );
        tls.write_all(answer.as_bytes()).await.unwrap();
        tls.write_all(&[0x81, 0x03, b'b', b'y', b'e'])
            .await
            .unwrap();
        tls.flush().await.unwrap();
        // Dropped, not shut down: TCP's FIN with no close_notify before it.
    });
    addr
}

#[tokio::test]
async fn an_upstream_that_ends_tls_without_close_notify_is_an_end_not_a_failure() {
    let cert = LabCert::generate().expect("a certificate");
    let server = abrupt_wss_server(&cert).await;
    let proxy = proxy(
        &format!("wss://127.0.0.1:{}/", server.port()),
        trusting(&cert),
        None,
    )
    .await;
    let mut client = tokio::net::TcpStream::connect(proxy.addr()).await.unwrap();
    client
        .write_all(upgrade_request("/", "13").as_bytes())
        .await
        .unwrap();
    let mut answer = Vec::new();
    client.read_to_end(&mut answer).await.unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 101 "), "{answer:?}");
    assert!(
        answer.ends_with(&[0x81, 0x03, b'b', b'y', b'e']),
        "{answer:?}"
    );
    drop(client);
    proxy.idle().await;
    let t = proxy.recorder().snapshot();
    let c = only(&t);
    assert!(c.upstream_failed.is_none(), "{:?}", c.upstream_failed);
    assert_eq!(texts(c, Direction::ServerToClient), ["bye"]);
}
