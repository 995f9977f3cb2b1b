//! permessage-deflate's negotiation in words (RFC 7692 §5, §7.1): the offer, the answer, and
//! what each parameter the answer settled means for the messages that follow.

use std::fmt::Write as _;

use super::style::{Palette, Role};
use crate::proto::deflate::negotiate::NAME;
use crate::proto::deflate::{Agreed, check_answer, offers};
use crate::proto::http::Head;

/// The negotiation, when the request offered permessage-deflate; empty when it did not.
pub fn negotiation(request: &Head, response: &Head, p: Palette) -> String {
    let offered = values(request);
    if !offered
        .iter()
        .any(|v| v.to_ascii_lowercase().contains(NAME))
    {
        return String::new();
    }
    let mut out = format!(
        "{}\n",
        p.paint(Role::Heading, "── permessage-deflate (RFC 7692) ──")
    );
    let _ = writeln!(out, "  offered: {}", offered.join(", "));
    let valid: Vec<_> = offers(offered.iter().map(String::as_str))
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    let answered = values(response);
    match check_answer(&valid, answered.iter().map(String::as_str)) {
        Ok(None) => {
            let _ = writeln!(
                out,
                "  declined: the answer names no permessage-deflate, so every message crosses uncompressed and RSV1 stays 0 (§5.1)"
            );
        }
        Ok(Some(agreed)) => {
            let _ = writeln!(out, "  accepted: {}", answered.join(", "));
            for line in meanings(agreed) {
                let _ = writeln!(out, "  · {line}");
            }
            let _ = writeln!(
                out,
                "  · each compressed message has RSV1 set on its first frame; its sender cut the 00 00 ff ff that ends a flushed block, and the receiver puts it back before inflating (§7.2.1, §7.2.2)"
            );
        }
        Err(broken) => {
            let _ = writeln!(
                out,
                "  {} the answer breaks a rule: {broken}",
                p.paint(Role::Bad, "✗")
            );
        }
    }
    out
}

/// One sentence per thing the agreement settles, each direction's window and context.
pub fn meanings(agreed: Agreed) -> Vec<String> {
    let side = |who: &str, bits: u8, reset: bool, section: &str, window_section: &str| {
        let window = format!(
            "the {who} compresses with a window of 2^{bits} = {} bytes (§{window_section})",
            1u32 << bits
        );
        let context = if reset {
            format!(
                "and empties it after each message, so each of its messages compresses alone (§{section})"
            )
        } else {
            format!(
                "and keeps it between messages, so a repeat refers back into what it sent before (context takeover, §{section})"
            )
        };
        format!("{window} {context}")
    };
    vec![
        side(
            "client",
            agreed.client_max_window_bits.get(),
            agreed.client_no_context_takeover,
            "7.1.1.2",
            "7.1.2.2",
        ),
        side(
            "server",
            agreed.server_max_window_bits.get(),
            agreed.server_no_context_takeover,
            "7.1.1.1",
            "7.1.2.1",
        ),
    ]
}

// Every Sec-WebSocket-Extensions value of a head, in order.
fn values(head: &Head) -> Vec<String> {
    head.headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("sec-websocket-extensions"))
        .map(|h| h.value.trim().to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::http::{parse_request, parse_response};

    fn heads(offer: &str, answer: Option<&str>) -> (Head, Head) {
        let request =
            format!("GET /echo HTTP/1.1\r\nHost: lab\r\nSec-WebSocket-Extensions: {offer}\r\n\r\n");
        let extra = answer
            .map(|a| format!("Sec-WebSocket-Extensions: {a}\r\n"))
            .unwrap_or_default();
        let response = format!("HTTP/1.1 101 Switching Protocols\r\n{extra}\r\n");
        (
            parse_request(request.as_bytes()).unwrap().unwrap(),
            parse_response(response.as_bytes()).unwrap().unwrap(),
        )
    }

    #[test]
    fn an_accepted_offer_says_what_each_side_does() {
        let (request, response) = heads(
            "permessage-deflate; client_max_window_bits",
            Some("permessage-deflate; server_no_context_takeover; client_max_window_bits=10"),
        );
        let text = negotiation(&request, &response, Palette::new(false));
        assert!(text.contains("accepted: permessage-deflate; server_no_context_takeover"));
        assert!(
            text.contains(
                "the client compresses with a window of 2^10 = 1024 bytes (§7.1.2.2) and keeps it"
            ),
            "{text}"
        );
        assert!(
            text.contains("the server compresses with a window of 2^15 = 32768 bytes (§7.1.2.1) and empties it"),
            "{text}"
        );
        assert!(text.contains("00 00 ff ff"));
    }

    #[test]
    fn a_declined_offer_says_so_and_no_offer_says_nothing() {
        let (request, response) = heads("permessage-deflate", None);
        let text = negotiation(&request, &response, Palette::new(false));
        assert!(text.contains("declined"), "{text}");
        let (request, response) = heads("x-other", None);
        assert_eq!(negotiation(&request, &response, Palette::new(false)), "");
    }

    #[test]
    fn an_answer_that_was_not_offered_is_a_broken_rule() {
        let (request, response) = heads(
            "permessage-deflate",
            Some("permessage-deflate; client_max_window_bits=10"),
        );
        let text = negotiation(&request, &response, Palette::new(false));
        assert!(text.contains("✗ the answer breaks a rule"), "{text}");
    }
}
