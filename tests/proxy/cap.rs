//! The proxy's connection cap on real loopback sockets: past `max_connections`, a client is
//! answered 503 at once and closed, unrecorded, and the proxy says so; once connections end,
//! the next client is relayed again.

use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use wslab::cmd::proxy::Printer;
use wslab::net::proxy::Proxy;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_cap_a_client_is_turned_away_with_a_503() {
    let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut config =
        crate::common::proxy::config(upstream.local_addr().unwrap(), Duration::from_secs(10));
    config.max_connections = 2;
    let recorder = config.recorder();
    let mut proxy = Proxy::start(config, recorder.clone()).await.unwrap();
    let mut away = proxy.turned_away().unwrap();

    // Two clients fill the cap: the upstream accepting both says the proxy relays both.
    let a = TcpStream::connect(proxy.addr()).await.unwrap();
    let (up_a, _) = upstream.accept().await.unwrap();
    let b = TcpStream::connect(proxy.addr()).await.unwrap();
    let (up_b, _) = upstream.accept().await.unwrap();

    let mut c = TcpStream::connect(proxy.addr()).await.unwrap();
    c.write_all(b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    c.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{answer}"
    );
    assert!(
        answer.ends_with("\r\n\r\nwslab proxy: too many connections (2); try again later\n"),
        "{answer}"
    );
    let turned = away.recv().await.unwrap();
    assert_eq!(turned.refusal.id(), "too-many-connections");
    assert_eq!(turned.client, c.local_addr().unwrap());
    assert_eq!(proxy.turned_away_count(), 1);
    assert_eq!(
        recorder.read(|t| t.connections().count()),
        2,
        "a client turned away is not recorded"
    );

    // The JSON line `--no-tui` writes for it.
    let mut out = Vec::new();
    Printer::default().turned_away(&turned, &mut out).unwrap();
    let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(line["v"], 1);
    assert_eq!(line["type"], "turned-away");
    assert_eq!(line["error"], "too-many-connections");
    assert_eq!(
        line["message"],
        "wslab proxy: too many connections (2); try again later"
    );
    assert_eq!(line["client"], c.local_addr().unwrap().to_string());

    // Once the two end, a client is relayed again.
    drop((a, b, up_a, up_b));
    proxy.idle().await;
    let d = TcpStream::connect(proxy.addr()).await.unwrap();
    let (up_d, _) = upstream.accept().await.unwrap();
    assert_eq!(proxy.turned_away_count(), 1);
    drop((c, d, up_d));
    proxy.shutdown().await;
}
