//! Whether a WebSocket request gets permessage-deflate (RFC 7692), and the 101 that says so.
//! tungstenite writes the 101 on the lab's other connections; it cannot compress, so a
//! connection that agrees to the extension gets its answer here and is served on wslab's own
//! session.

use std::fmt::Write as _;

use super::Shared;
use super::ws::subprotocol;
use crate::proto::Derivation;
use crate::proto::deflate::{Agreed, choose};
use crate::proto::http::Head;

/// The 101 and what it agrees, when the client offers permessage-deflate and one of its offers
/// is valid (RFC 7692 §5.1: the first valid one is taken, invalid ones are declined). `None`
/// when the lab declines: no offer, none valid, or `serve --no-deflate`.
pub(super) fn accept(head: &Head, shared: &Shared) -> Option<(String, Agreed)> {
    if !shared.deflate {
        return None;
    }
    let choice = choose(values(head, "sec-websocket-extensions"));
    let (_, answer) = choice.accepted.as_ref()?;
    let key = head.header("sec-websocket-key")?;
    let mut switching = format!(
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Accept: {}\r\n",
        Derivation::new(key.trim()).accept
    );
    if let Some(chosen) = subprotocol(values(head, "sec-websocket-protocol")) {
        let _ = write!(switching, "Sec-WebSocket-Protocol: {chosen}\r\n");
    }
    let _ = write!(
        switching,
        "Sec-WebSocket-Extensions: {}\r\n\r\n",
        answer.header_value()
    );
    Some((switching, choice.agreed()?))
}

// Every value of the header `name`: a header may come more than once (RFC 9110 §5.3).
fn values<'a>(head: &'a Head, name: &'a str) -> impl Iterator<Item = &'a str> {
    head.headers
        .iter()
        .filter(move |h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}
