//! Helpers shared by the proxy test crates: a proxy on a free port in front of an upstream,
//! and what its capture holds.

// Each test crate uses a different subset of these.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use wslab::capture::{ConnId, Direction, Limits};
use wslab::net::Recorder;
use wslab::net::proxy::{Proxy, ProxyConfig, ProxyTimeouts};
use wslab::net::url;

/// Limits roomy enough that a test's whole traffic is kept.
pub fn roomy() -> Limits {
    Limits {
        max_frames: 1_000_000,
        max_raw_bytes: 512 * 1024 * 1024,
        max_chunks: 10_000_000,
        max_preview_bytes: 512 * 1024 * 1024,
        ..Limits::default()
    }
}

pub fn config(upstream: SocketAddr, connect: Duration) -> ProxyConfig {
    ProxyConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        upstream: url::parse(&format!("ws://{upstream}/")).unwrap(),
        limits: roomy(),
        upstream_tls: wslab::net::tls::TlsOptions::default(),
        listen_tls: None,
        timeouts: ProxyTimeouts {
            connect,
            linger: Duration::from_secs(5),
            handshake: Duration::from_secs(10),
        },
        max_connections: wslab::net::proxy::MAX_CONNECTIONS,
    }
}

pub async fn proxy(upstream: SocketAddr) -> Proxy {
    proxy_with(upstream, Duration::from_secs(10)).await
}

pub async fn proxy_with(upstream: SocketAddr, connect: Duration) -> Proxy {
    let config = config(upstream, connect);
    let recorder = config.recorder();
    Proxy::start(config, recorder).await.unwrap()
}

/// Every recorded connection's bytes one way, sorted, so that two captures of the same
/// connections compare equal whatever order the connections opened in.
pub fn streams(recorder: &Recorder, direction: Direction) -> Vec<Vec<u8>> {
    let mut all: Vec<Vec<u8>> = recorder.read(|t| {
        let ids: Vec<ConnId> = t.connections().map(|c| c.id).collect();
        ids.iter().map(|&id| t.raw(id, direction)).collect()
    });
    all.sort();
    all
}

/// The violation ids the capture flagged one way, over every connection.
pub fn violations(recorder: &Recorder, direction: Direction) -> Vec<&'static str> {
    recorder.read(|t| {
        t.connections()
            .flat_map(|c| c.flow(direction).frames.iter())
            .flat_map(|f| f.item.violations.iter().map(wslab::proto::Violation::id))
            .collect()
    })
}

/// The TCP sockets this process holds open with `port` at either end (Linux: the socket
/// inodes of /proc/self/fd, looked up in /proc/net/tcp); `None` elsewhere. Counting only
/// these, not every descriptor, keeps the count true while other tests in the same process
/// open and close their own.
pub fn sockets_on(port: u16) -> Option<usize> {
    let ours: std::collections::BTreeSet<String> = std::fs::read_dir("/proc/self/fd")
        .ok()?
        .flatten()
        .filter_map(|e| std::fs::read_link(e.path()).ok())
        .filter_map(|l| {
            let l = l.to_string_lossy().into_owned();
            Some(l.strip_prefix("socket:[")?.strip_suffix(']')?.to_owned())
        })
        .collect();
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    let port_of = |addr: &str| {
        addr.rsplit_once(':')
            .and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
    };
    Some(
        table
            .lines()
            .skip(1)
            .filter(|line| {
                let f: Vec<&str> = line.split_whitespace().collect();
                f.len() > 9
                    && ours.contains(f[9])
                    && (port_of(f[1]) == Some(port) || port_of(f[2]) == Some(port))
            })
            .count(),
    )
}
