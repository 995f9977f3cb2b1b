//! `ws://` and `wss://` URLs (RFC 6455 §3): what `connect`, `inspect`, `grade` and a lesson's
//! URL input accept, with one sentence per mistake. Pure, so that a screen can check a URL as
//! it is typed; `net::url` names the same module for the code that opens sockets.

use std::fmt;

/// A parsed `ws://host:port/path?query` or `wss://…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsUrl {
    /// `wss://`: WebSocket over TLS.
    pub secure: bool,
    /// The host, as written (a name, an IPv4 address, or an IPv6 address without brackets).
    pub host: String,
    /// The port: given, or 80 (443 for wss://).
    pub port: u16,
    /// Path and query, starting with `/`.
    pub target: String,
}

impl WsUrl {
    /// The Host header's value: the host, with the port unless it is the default.
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == self.default_port() {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}

impl WsUrl {
    /// The scheme's own port (RFC 6455 §3): 80 for ws://, 443 for wss://.
    pub fn default_port(&self) -> u16 {
        if self.secure { 443 } else { 80 }
    }

    /// `ws` or `wss`.
    pub fn scheme(&self) -> &'static str {
        if self.secure { "wss" } else { "ws" }
    }
}

impl fmt::Display for WsUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}://{}{}",
            self.scheme(),
            self.host_header(),
            self.target
        )
    }
}

/// Why a URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// No scheme.
    #[error("{0:?} is not a URL: write it as ws://HOST:PORT/PATH, e.g. ws://127.0.0.1:9001/echo")]
    NoScheme(String),
    /// http:// or anything else.
    #[error("{0}:// is not a WebSocket scheme: use ws:// or wss://")]
    Scheme(String),
    /// `ws://` with nothing after it.
    #[error("the URL has no host: write it as ws://HOST:PORT/PATH")]
    NoHost,
    /// A port that is not 1–65535.
    #[error("{0:?} is not a port: ports are numbers from 1 to 65535")]
    BadPort(String),
    /// Spaces, control characters or a fragment.
    #[error("the URL contains {0}, which a request line cannot carry")]
    BadCharacter(&'static str),
}

/// Parses a `ws://` URL.
///
/// # Errors
/// One [`UrlError`] per mistake.
pub fn parse(text: &str) -> Result<WsUrl, UrlError> {
    let text = text.trim();
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(UrlError::NoScheme(text.to_string()));
    };
    let secure = match scheme.to_ascii_lowercase().as_str() {
        "ws" => false,
        "wss" => true,
        other => return Err(UrlError::Scheme(other.to_string())),
    };
    if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlError::BadCharacter("a space or a control character"));
    }
    if rest.contains('#') {
        // RFC 6455 §3: fragment identifiers are meaningless in WebSocket URIs.
        return Err(UrlError::BadCharacter("a #fragment"));
    }
    let (authority, target) = match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('?') => (&rest[..i], format!("/{}", &rest[i..])),
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    // Credentials have no place in a handshake; drop them rather than send them in clear.
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let default = if secure { 443 } else { 80 };
    let (host, port) = split_host_port(authority, default)?;
    if host.is_empty() {
        return Err(UrlError::NoHost);
    }
    Ok(WsUrl {
        secure,
        host,
        port,
        target,
    })
}

fn split_host_port(authority: &str, default: u16) -> Result<(String, u16), UrlError> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let Some((host, after)) = rest.split_once(']') else {
            return Err(UrlError::NoHost);
        };
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => default,
        Some(text) => match text.parse::<u16>() {
            Ok(p) if p > 0 => p,
            _ => return Err(UrlError::BadPort(text.to_string())),
        },
    };
    Ok((host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_as_rfc_6455_section_3_says() {
        let url = parse("ws://127.0.0.1:9001/echo?x=1").unwrap();
        assert_eq!(
            (url.host.as_str(), url.port, url.target.as_str()),
            ("127.0.0.1", 9001, "/echo?x=1")
        );
        assert_eq!(parse("ws://example.com").unwrap().target, "/");
        assert_eq!(parse("WS://example.com?q").unwrap().target, "/?q");
        assert_eq!(parse("ws://example.com").unwrap().port, 80);
        let v6 = parse("ws://[::1]:8080/chat").unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("::1", 8080));
        assert_eq!(v6.host_header(), "[::1]:8080");
        assert_eq!(
            parse("ws://user:pw@localhost:1/").unwrap().host,
            "localhost"
        );
    }

    #[test]
    fn wss_urls_default_to_port_443() {
        let url = parse("wss://localhost/echo").unwrap();
        assert!(url.secure);
        assert_eq!(url.port, 443);
        assert_eq!(url.to_string(), "wss://localhost/echo");
        let other = parse("WSS://127.0.0.1:8443/").unwrap();
        assert_eq!(other.host_header(), "127.0.0.1:8443");
        assert_eq!(other.to_string(), "wss://127.0.0.1:8443/");
        assert_eq!(parse("ws://h:443/").unwrap().host_header(), "h:443");
    }

    #[test]
    fn each_mistake_gets_its_own_sentence() {
        assert_eq!(
            parse("localhost:9001"),
            Err(UrlError::NoScheme("localhost:9001".into()))
        );
        assert_eq!(
            parse("http://localhost/"),
            Err(UrlError::Scheme("http".into()))
        );
        assert_eq!(parse("ws:///echo"), Err(UrlError::NoHost));
        assert_eq!(
            parse("ws://localhost:99999/"),
            Err(UrlError::BadPort("99999".into()))
        );
        assert_eq!(
            parse("ws://localhost:0/"),
            Err(UrlError::BadPort("0".into()))
        );
        assert!(matches!(
            parse("ws://localhost/a b"),
            Err(UrlError::BadCharacter(_))
        ));
        assert!(matches!(
            parse("ws://localhost/#top"),
            Err(UrlError::BadCharacter(_))
        ));
    }
}
