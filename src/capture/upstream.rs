//! The proxy's word on a connection whose upstream failed: why, when, and which of the bytes
//! the client received were the proxy's own answer rather than the upstream's.

/// The label the proxy records its connections under: what tells a proxied connection, with
/// its two sides, from others.
pub const PROXY_LABEL: &str = "proxy";

/// An upstream that failed one proxied connection, as the proxy recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamFailed {
    /// When the proxy gave up on the upstream, in µs since the capture began.
    pub at_us: u64,
    /// A stable kebab-case id: `refused`, `connect-timeout`, …
    pub id: &'static str,
    /// The sentence, also the body of the proxy's answer when it gave one.
    pub message: String,
    /// Where the proxy's own answer (its `502 Bad Gateway`) begins in the server-to-client
    /// stream, when it answered: every byte from there on is the proxy's, none the
    /// upstream's. `None` when the upstream had begun answering, and the proxy could only
    /// close.
    pub answer_from: Option<u64>,
}

/// The TCP connection a proxy opened to its upstream for one client: a second connection on
/// the wire, whose TLS records (for a wss:// upstream) the capture keeps as `upstream_tls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpstreamConnection {
    /// The proxy's own end of it.
    pub proxy: std::net::SocketAddr,
    /// The upstream's address.
    pub server: std::net::SocketAddr,
    /// When it was connected, in µs since the capture began.
    pub opened_us: u64,
}
