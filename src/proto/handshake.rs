//! The opening handshake checked rule by rule (RFC 6455 §4.1, §4.2): each rule passes or
//! fails with a sentence, so a learner sees every requirement and not just the first failure.

use super::accept::{Derivation, validate_key};
use super::http::{Head, StartLine};

/// A rule of the opening handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// The request is a GET.
    MethodGet,
    /// The request is HTTP/1.1 or later.
    Http11,
    /// The request has a Host header.
    Host,
    /// Upgrade contains `websocket` (request or response).
    Upgrade,
    /// Connection contains `Upgrade` (request or response).
    Connection,
    /// Sec-WebSocket-Key is base64 of 16 bytes.
    Key,
    /// Sec-WebSocket-Version is 13.
    Version,
    /// The response status is 101.
    Status101,
    /// Sec-WebSocket-Accept matches the key.
    Accept,
    /// A subprotocol in the response was offered in the request.
    ProtocolOffered,
    /// Every extension in the response was offered in the request.
    ExtensionsOffered,
}

impl Rule {
    /// The section of RFC 6455 that states the rule.
    pub fn section(self) -> &'static str {
        match self {
            Self::MethodGet | Self::Http11 | Self::Host | Self::Key | Self::Version => "4.1",
            // The server's duties are in 4.2.2; the client's checks of them are in 4.1.
            Self::Upgrade
            | Self::Connection
            | Self::Status101
            | Self::Accept
            | Self::ProtocolOffered
            | Self::ExtensionsOffered => "4.1, 4.2.2",
        }
    }

    /// The rule as a short statement.
    pub fn statement(self) -> &'static str {
        match self {
            Self::MethodGet => "the method is GET",
            Self::Http11 => "the version is HTTP/1.1 or later",
            Self::Host => "a Host header is present",
            Self::Upgrade => "Upgrade contains \"websocket\"",
            Self::Connection => "Connection contains \"Upgrade\"",
            Self::Key => "Sec-WebSocket-Key is base64 of 16 bytes",
            Self::Version => "Sec-WebSocket-Version is 13",
            Self::Status101 => "the status is 101 Switching Protocols",
            Self::Accept => "Sec-WebSocket-Accept matches the key",
            Self::ProtocolOffered => "a chosen subprotocol was one the client offered",
            Self::ExtensionsOffered => "every extension in use was one the client offered",
        }
    }
}

/// One rule, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCheck {
    /// The rule.
    pub rule: Rule,
    /// Whether it holds.
    pub passed: bool,
    /// What was found, in one sentence.
    pub detail: String,
}

fn check(rule: Rule, passed: bool, detail: String) -> RuleCheck {
    RuleCheck {
        rule,
        passed,
        detail,
    }
}

/// Checks a client's opening request.
pub fn check_request(req: &Head) -> Vec<RuleCheck> {
    let (method, minor) = match &req.start {
        StartLine::Request {
            method,
            minor_version,
            ..
        } => (method.as_str(), *minor_version),
        StartLine::Response { .. } => ("(a response)", 0),
    };
    let mut out = vec![
        check(
            Rule::MethodGet,
            method == "GET",
            if method == "GET" {
                "the method is GET".into()
            } else {
                format!("the method is {method}, but the opening handshake must be a GET")
            },
        ),
        check(
            Rule::Http11,
            minor >= 1,
            if minor >= 1 {
                "the request is HTTP/1.1".into()
            } else {
                "the request is HTTP/1.0, but the handshake needs HTTP/1.1 or later".into()
            },
        ),
        check(
            Rule::Host,
            req.header("host").is_some(),
            match req.header("host") {
                Some(host) => format!("Host is {host}"),
                None => "there is no Host header, and the handshake requires one".into(),
            },
        ),
    ];
    out.extend(upgrade_and_connection(req, "request"));
    out.push(match req.header("sec-websocket-key") {
        None => check(
            Rule::Key,
            false,
            "there is no Sec-WebSocket-Key header".into(),
        ),
        Some(key) => match validate_key(key) {
            Ok(_) => check(
                Rule::Key,
                true,
                format!("the key {key} is 16 bytes in base64"),
            ),
            Err(e) => check(Rule::Key, false, format!("Sec-WebSocket-Key is wrong: {e}")),
        },
    });
    let version = req.header("sec-websocket-version");
    out.push(check(
        Rule::Version,
        version == Some("13"),
        match version {
            Some("13") => "the version is 13".into(),
            Some(v) => format!("Sec-WebSocket-Version is {v}, but RFC 6455 is version 13"),
            None => "there is no Sec-WebSocket-Version header".into(),
        },
    ));
    out
}

/// Checks a server's response against the request it answers.
pub fn check_response(req: &Head, resp: &Head) -> Vec<RuleCheck> {
    let status = match &resp.start {
        StartLine::Response { status, reason, .. } => (*status, reason.as_str()),
        StartLine::Request { .. } => (0, "(a request)"),
    };
    let mut out = vec![check(
        Rule::Status101,
        status.0 == 101,
        if status.0 == 101 {
            "the status is 101 Switching Protocols".into()
        } else {
            format!(
                "the status is {} {}, so no upgrade happened and the connection is still plain HTTP",
                status.0, status.1
            )
        },
    )];
    out.extend(upgrade_and_connection(resp, "response"));
    let key = req.header("sec-websocket-key").unwrap_or_default();
    let derivation = Derivation::new(key);
    out.push(match resp.header("sec-websocket-accept") {
        None => check(
            Rule::Accept,
            false,
            "there is no Sec-WebSocket-Accept header".into(),
        ),
        Some(got) if derivation.compare(got).matches => {
            check(Rule::Accept, true, format!("{got} is what the key gives"))
        }
        Some(got) => check(
            Rule::Accept,
            false,
            format!(
                "the server sent {got}, but the key gives {}",
                derivation.accept
            ),
        ),
    });
    out.push(offered(
        Rule::ProtocolOffered,
        &resp.tokens("sec-websocket-protocol"),
        &req.tokens("sec-websocket-protocol"),
        "subprotocol",
    ));
    let names = |head: &Head| -> Vec<String> {
        head.tokens("sec-websocket-extensions")
            .iter()
            .filter_map(|e| e.split(';').next())
            .map(|n| n.trim().to_owned())
            .collect()
    };
    out.push(offered(
        Rule::ExtensionsOffered,
        &names(resp),
        &names(req),
        "extension",
    ));
    out
}

fn upgrade_and_connection(head: &Head, what: &str) -> [RuleCheck; 2] {
    let upgrade = head.has_token("upgrade", "websocket");
    let connection = head.has_token("connection", "upgrade");
    let shown = |name| {
        head.header(name)
            .map_or("missing".to_string(), |v| format!("{v:?}"))
    };
    [
        check(
            Rule::Upgrade,
            upgrade,
            if upgrade {
                format!("the {what} asks to switch to websocket")
            } else {
                format!(
                    "Upgrade is {} in the {what}, but it must contain websocket",
                    shown("upgrade")
                )
            },
        ),
        check(
            Rule::Connection,
            connection,
            if connection {
                format!("the {what}'s Connection header includes Upgrade")
            } else {
                format!(
                    "Connection is {} in the {what}, but it must contain Upgrade",
                    shown("connection")
                )
            },
        ),
    ]
}

fn offered(rule: Rule, chosen: &[String], offers: &[String], what: &str) -> RuleCheck {
    let unoffered: Vec<&String> = chosen
        .iter()
        .filter(|c| !offers.iter().any(|o| o.eq_ignore_ascii_case(c)))
        .collect();
    match (chosen.is_empty(), unoffered.first()) {
        (true, _) => check(rule, true, format!("the server chose no {what}")),
        (false, None) => check(
            rule,
            true,
            format!("the server chose {}, which was offered", chosen.join(", ")),
        ),
        (false, Some(c)) => check(
            rule,
            false,
            format!("the server chose the {what} {c}, which the client never offered"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::http::{parse_request, parse_response};

    const REQ: &[u8] = b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n\r\n";

    fn failed(checks: &[RuleCheck]) -> Vec<Rule> {
        checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.rule)
            .collect()
    }

    #[test]
    fn rfc_example_passes_every_rule() {
        let req = parse_request(REQ).unwrap().unwrap();
        let resp = parse_response(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n").unwrap().unwrap();
        assert_eq!(failed(&check_request(&req)), []);
        assert_eq!(failed(&check_response(&req, &resp)), []);
    }

    #[test]
    fn each_request_rule_fails_alone() {
        let cases: [(&[u8], Rule); 6] = [
            (b"POST / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", Rule::MethodGet),
            (b"GET / HTTP/1.0\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", Rule::Http11),
            (b"GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", Rule::Host),
            (b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", Rule::Upgrade),
            (b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: aGVsbG8=\r\nSec-WebSocket-Version: 13\r\n\r\n", Rule::Key),
            (b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n", Rule::Version),
        ];
        for (bytes, rule) in cases {
            let req = parse_request(bytes).unwrap().unwrap();
            assert_eq!(failed(&check_request(&req)), [rule]);
        }
    }

    #[test]
    fn each_response_rule_fails_alone() {
        let req = parse_request(REQ).unwrap().unwrap();
        let ok = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n";
        let cases = [
            (format!("HTTP/1.1 200 OK\r\n{ok}\r\n"), Rule::Status101),
            ("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n".to_string(), Rule::Upgrade),
            ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n".to_string(), Rule::Connection),
            ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n".to_string(), Rule::Accept),
            (format!("HTTP/1.1 101 Switching Protocols\r\n{ok}Sec-WebSocket-Protocol: mqtt\r\n\r\n"), Rule::ProtocolOffered),
            (format!("HTTP/1.1 101 Switching Protocols\r\n{ok}Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n"), Rule::ExtensionsOffered),
        ];
        for (text, rule) in cases {
            let resp = parse_response(text.as_bytes()).unwrap().unwrap();
            assert_eq!(failed(&check_response(&req, &resp)), [rule], "{text}");
        }
    }

    #[test]
    fn failure_sentences() {
        let req = parse_request(REQ).unwrap().unwrap();
        let resp = parse_response(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n").unwrap().unwrap();
        let accept = check_response(&req, &resp)
            .into_iter()
            .find(|c| c.rule == Rule::Accept)
            .unwrap();
        assert_eq!(
            accept.detail,
            "the server sent AAAAAAAAAAAAAAAAAAAAAAAAAAA=, but the key gives s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }
}
