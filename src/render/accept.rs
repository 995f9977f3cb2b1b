//! The Sec-WebSocket-Accept derivation as numbered steps.

use std::fmt::Write as _;

use super::style::{Palette, Role};
use crate::proto::fields::hex_bytes;
use crate::proto::{AcceptComparison, Derivation, GUID};

/// The derivation, one step a line, ending with the header a server sends.
pub fn derivation(d: &Derivation, compared: Option<&AcceptComparison>, p: Palette) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}\n",
        p.paint(
            Role::Heading,
            "Sec-WebSocket-Accept, step by step (RFC 6455 §1.3, §4.2.2)"
        )
    );
    let _ = writeln!(out, "1. The key, as sent:          {}", d.key);
    match &d.key_bytes {
        Ok(bytes) => {
            let text = std::str::from_utf8(bytes)
                .ok()
                .filter(|t| t.chars().all(|c| c.is_ascii_graphic() || c == ' '))
                .map(|t| format!(" ({})", crate::proto::shown::quoted(t)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "   {} base64 of 16 bytes: {}{text}",
                p.paint(Role::Good, "✓"),
                hex_bytes(bytes)
            );
        }
        Err(e) => {
            let _ = writeln!(out, "   {} not a valid key: {e}", p.paint(Role::Bad, "✗"));
            let _ = writeln!(
                out,
                "     A server must refuse it; the steps below show what it would hash anyway."
            );
        }
    }
    let _ = writeln!(out, "2. Append the GUID {GUID}:");
    let _ = writeln!(out, "                               {}", d.concatenated);
    let _ = writeln!(out, "3. SHA-1 of that, 20 bytes:   {}", d.sha1_hex());
    let _ = writeln!(out, "4. Base64 of the 20 bytes:    {}", d.accept);
    if let Some(c) = compared {
        if c.matches {
            let _ = writeln!(
                out,
                "5. Compare with the server's: {} {} matches",
                p.paint(Role::Good, "✓"),
                c.received
            );
        } else {
            let _ = writeln!(
                out,
                "5. Compare with the server's: {} the server sent {}, which is not {}; the client must fail the connection",
                p.paint(Role::Bad, "✗"),
                c.received,
                c.expected
            );
        }
    }
    let _ = writeln!(out, "\nSec-WebSocket-Accept: {}", d.accept);
    out
}
