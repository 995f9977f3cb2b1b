//! What each header of a handshake or a plain HTTP exchange is for, in one sentence: the words
//! shown beside captured heads.

/// The meaning of a header, by name (any case), if wslab knows it.
pub fn explain(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        "host" => "which site the client wants; required in HTTP/1.1 and in the handshake (§4.1)",
        "upgrade" => "the protocol to switch to: websocket (§4.1, §4.2.2)",
        "connection" => {
            "options for this hop only: Upgrade asks to act on the Upgrade header (§4.1); close ends the connection after this exchange; keep-alive keeps it open"
        }
        "sec-websocket-key" => {
            "16 random bytes in base64, fresh per handshake; the server proves it read them (§4.1)"
        }
        "sec-websocket-version" => {
            "the protocol version; 13 is RFC 6455, and a server that wants another says 426 (§4.4)"
        }
        "sec-websocket-accept" => {
            "base64(SHA-1(key + GUID)): proof the server understood a WebSocket handshake (§4.2.2)"
        }
        "sec-websocket-protocol" => {
            "subprotocols: the client offers a list, the server picks at most one of them (§1.9)"
        }
        "sec-websocket-extensions" => {
            "extensions such as permessage-deflate: the client offers them; the server accepts one by naming it in its response, and silence declines (§9.1)"
        }
        "origin" => {
            "the page's origin; browsers send it so a server can refuse other sites (§10.2)"
        }
        "user-agent" => "the client's software; browsers send a long one on every request",
        "accept" => "the media types the client will take in the response body",
        "accept-encoding" => "compressions the client can undo (gzip, br, …)",
        "accept-language" => "the languages the reader prefers",
        "cookie" => "state the server set earlier, sent back on every request to its site",
        "set-cookie" => "state the client should send back with later requests",
        "cache-control" => "whether and how long a response may be cached",
        "pragma" => "HTTP/1.0's no-cache, still sent by browsers",
        "content-type" => "the media type of the body",
        "content-length" => {
            "the body's length in bytes, so the reader knows where the message ends"
        }
        "transfer-encoding" => {
            "chunked: the body comes in sized pieces, ending with a zero-length one"
        }
        "date" => "when the response was made",
        "server" => "the server's software",
        "keep-alive" => "how long an idle connection stays open for the next request",
        "sec-fetch-mode" | "sec-fetch-site" | "sec-fetch-dest" | "sec-fetch-user" => {
            "fetch metadata: browsers say how and from where the request was made"
        }
        "sec-ch-ua" | "sec-ch-ua-mobile" | "sec-ch-ua-platform" => {
            "client hints: the browser's brand, version, platform and whether it is a phone"
        }
        "referer" => "the page that made the request",
        "authorization" => "credentials; on a handshake, as on any request",
        _ => return None,
    })
}
