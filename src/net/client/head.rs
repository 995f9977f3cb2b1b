//! The opening request's head, written here byte for byte rather than by tungstenite: the
//! `http` crate's `HeaderMap` lower-cases names, reorders them, and keeps one value per
//! `insert`. A teaching tool sends what the user typed, in the order typed, repeated fields
//! included: names are case-insensitive (RFC 9110 §5.1), but the order of a repeated field's
//! lines is its meaning (RFC 9110 §5.3), and the user came to see their own request.

use std::fmt::Write as _;

use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};

use super::{ClientError, ClientOptions};
use crate::net::url::WsUrl;

/// The fields the handshake writes itself, which a user's header of the same name replaces
/// (to see what a server does with a different version or key, say). Sec-WebSocket-Protocol
/// and -Extensions are not among them: RFC 6455 §11.3.2 and §11.3.4 let a request carry each
/// several times, so the user's lines go out beside the handshake's own.
const REPLACEABLE: [&str; 5] = [
    "Host",
    "Connection",
    "Upgrade",
    "Sec-WebSocket-Version",
    "Sec-WebSocket-Key",
];

/// The request head as it goes on the wire: the handshake's fields (RFC 6455 §4.1), then the
/// user's, each exactly as typed (trimmed of the spaces around it), in the order given.
///
/// # Errors
/// [`ClientError::BadRequest`] for a name that is not an HTTP token or a value that cannot be
/// sent on one line.
pub(super) fn request_head(url: &WsUrl, options: &ClientOptions) -> Result<String, ClientError> {
    let bad = |detail: String| ClientError::BadRequest { detail };
    for (name, value) in &options.headers {
        HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| bad(format!("{name:?} is not a header name")))?;
        HeaderValue::from_str(value.trim())
            .map_err(|_| bad(format!("the value of {} cannot be sent", name.trim())))?;
    }
    if let Some(key) = &options.key {
        HeaderValue::from_str(key)
            .map_err(|_| bad(format!("the key {key:?} cannot be a header value")))?;
    }
    let protocols = options.protocols.join(", ");
    if HeaderValue::from_str(&protocols).is_err() {
        return Err(bad("a subprotocol name cannot be a header value".into()));
    }
    if let Some(offer) = &options.deflate
        && HeaderValue::from_str(offer).is_err()
    {
        return Err(bad(format!("the offer {offer:?} cannot be a header value")));
    }
    let replaced = |field: &str| {
        REPLACEABLE.contains(&field)
            && options
                .headers
                .iter()
                .any(|(name, _)| name.trim().eq_ignore_ascii_case(field))
    };
    let key = options.key.clone().unwrap_or_else(generate_key);
    let own = [
        ("Host", url.host_header()),
        ("Connection", "Upgrade".to_owned()),
        ("Upgrade", "websocket".to_owned()),
        ("Sec-WebSocket-Version", "13".to_owned()),
        ("Sec-WebSocket-Key", key),
    ];
    let mut head = format!("GET {} HTTP/1.1\r\n", url.target);
    for (name, value) in own.iter().filter(|(name, _)| !replaced(name)) {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    if !options.protocols.is_empty() {
        let _ = write!(head, "Sec-WebSocket-Protocol: {protocols}\r\n");
    }
    if let Some(offer) = &options.deflate {
        let _ = write!(head, "Sec-WebSocket-Extensions: {offer}\r\n");
    }
    for (name, value) in &options.headers {
        let _ = write!(head, "{}: {}\r\n", name.trim(), value.trim());
    }
    head.push_str("\r\n");
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::url;

    fn head(headers: &[(&str, &str)]) -> String {
        let options = ClientOptions {
            key: Some("dGhlIHNhbXBsZSBub25jZQ==".into()),
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            ..ClientOptions::default()
        };
        let url = url::parse("ws://example.com:9001/chat?x=1").expect("url");
        request_head(&url, &options).expect("head")
    }

    #[test]
    fn the_users_fields_go_out_as_typed_in_order_repeats_kept() {
        let got = head(&[
            ("X-First", "one"),
            ("Authorization", "Bearer abc"),
            ("X-Dup", "1"),
            ("x-dup", "2"),
        ]);
        assert_eq!(
            got,
            "GET /chat?x=1 HTTP/1.1\r\nHost: example.com:9001\r\nConnection: Upgrade\r\n\
             Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-First: one\r\n\
             Authorization: Bearer abc\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n"
        );
    }

    #[test]
    fn a_users_field_replaces_the_handshakes_own() {
        let got = head(&[("sec-websocket-version", "8")]);
        assert!(!got.contains("Sec-WebSocket-Version: 13"), "{got}");
        assert!(got.ends_with("sec-websocket-version: 8\r\n\r\n"), "{got}");
    }
}
