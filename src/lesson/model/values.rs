//! The values of `websocket` and `fault` actions that have rules of their own: the endpoint,
//! the fault, the masking key and each send. They are parsed into typed values as the file is
//! read, so a malformed one is a `file:line:col` error there and the runner never meets one.
//!
//! An error raised here names the key it belongs to, as "`send` send item 2: …", so that
//! the parser can place it at that key: toml places errors inside a tagged table
//! at the whole table.

use std::fmt::Display;

use serde::de::{Deserialize, Deserializer};

use crate::proto::send::{Send, SendError, parse_mask};
use crate::routes::{Endpoint, Fault};

/// The masking key of an action's frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mask {
    /// Every frame the client writes uses this key, so the bytes repeat run after run.
    Key([u8; 4]),
    /// Frames go out unmasked, breaking §5.1 on purpose (`mask = "none"`).
    Unmasked,
}

/// An error for the value under `key`; parse shows `sentence` at the key.
fn refused<E: serde::de::Error>(key: &str, sentence: impl Display) -> E {
    E::custom(format_args!("`{key}` {sentence}"))
}

/// The key and the sentence of an error [`refused`] made; `None` for any other error.
pub fn refused_at(message: &str) -> Option<(&str, &str)> {
    let (key, sentence) = message.strip_prefix('`')?.split_once("` ")?;
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    plain.then_some((key, sentence))
}

pub(super) fn endpoint<'de, D: Deserializer<'de>>(d: D) -> Result<Endpoint, D::Error> {
    Endpoint::deserialize(d).map_err(|e| refused("path", e))
}

pub(super) fn fault<'de, D: Deserializer<'de>>(d: D) -> Result<Fault, D::Error> {
    Fault::deserialize(d).map_err(|e| refused("name", e))
}

pub(super) fn mask<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Mask>, D::Error> {
    let text = String::deserialize(d)?;
    if text == "none" {
        return Ok(Some(Mask::Unmasked));
    }
    match parse_mask(&text) {
        Ok(key) => Ok(Some(Mask::Key(key))),
        Err(e) => Err(refused(
            "mask",
            format!("mask {text:?} must be 8 hex digits, like \"37fa213d\", or \"none\": {e}"),
        )),
    }
}

/// `deflate = "PARAMS"`: a permessage-deflate offer, by its parameters ("" for none), kept as
/// the header value to send once it follows RFC 7692's rules for an offer.
pub(super) fn deflate<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let text = String::deserialize(d)?;
    crate::proto::deflate::offer(&text)
        .map(|(offer, _)| Some(offer))
        .map_err(|broken| refused("deflate", broken.to_string()))
}

/// `cases = ["handshake", "5.*"]`: at least one pattern, each a string of its own. A comma
/// would make one item two patterns, and an error about either would point at the pair.
pub(super) fn cases<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let written = Vec::<String>::deserialize(d)?;
    if written.is_empty() {
        return Err(refused(
            "cases",
            "cases is empty; name at least one part or case of the grader, such as \"handshake\" or \"5.2.*\"",
        ));
    }
    written
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let pattern = item.trim();
            if pattern.is_empty() {
                Err(refused("cases", format!("cases item {} is blank; write a part's name or a case id", i + 1)))
            } else if pattern.contains(',') {
                let parts: Vec<String> = pattern.split(',').map(|p| format!("{:?}", p.trim())).collect();
                Err(refused(
                    "cases",
                    format!(
                        "cases item {} {pattern:?} holds a comma; write each pattern as its own item: [{}]",
                        i + 1,
                        parts.join(", ")
                    ),
                ))
            } else {
                Ok(pattern.to_owned())
            }
        })
        .collect()
}

pub(super) fn sends<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Send>, D::Error> {
    let written = Vec::<Written>::deserialize(d)?;
    written
        .into_iter()
        .enumerate()
        .map(|(i, item)| item.check(i + 1).map_err(|why| refused("send", why)))
        .collect()
}

/// One `send` item as written: exactly one of the value fields, with `ping_between` only
/// beside `fragments` and `reason` only beside `close`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Written {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    binary: Option<String>,
    #[serde(default)]
    bytes: Option<u64>,
    #[serde(default)]
    ping: Option<String>,
    #[serde(default)]
    pong: Option<String>,
    #[serde(default)]
    fragments: Option<Vec<String>>,
    #[serde(default)]
    ping_between: Option<String>,
    #[serde(default)]
    close: Option<u16>,
    #[serde(default)]
    reason: Option<String>,
}

impl Written {
    /// The send it describes, or why item `n` describes none.
    fn check(self, n: usize) -> Result<Send, String> {
        let given = [
            self.text.is_some(),
            self.binary.is_some(),
            self.bytes.is_some(),
            self.ping.is_some(),
            self.pong.is_some(),
            self.fragments.is_some(),
            self.close.is_some(),
        ];
        let one_of = || {
            format!(
                "send item {n} must have exactly one of text, binary, bytes, ping, pong, fragments, close"
            )
        };
        if given.iter().filter(|x| **x).count() != 1 {
            return Err(one_of());
        }
        if self.ping_between.is_some() && self.fragments.is_none() {
            return Err(format!("send item {n}: ping_between goes with fragments"));
        }
        if self.reason.is_some() && self.close.is_none() {
            return Err(format!("send item {n}: reason goes with close"));
        }
        let sent = match self {
            Written { text: Some(t), .. } => Ok(Send::Text(t)),
            Written {
                binary: Some(hex), ..
            } => Send::binary(&hex).map_err(|e| match e {
                SendError::NotHex(why) => format!("binary {hex:?} is not hex: {why}"),
                other => other.to_string(),
            }),
            Written { bytes: Some(n), .. } => Send::generated(n).map_err(|e| e.to_string()),
            Written { ping: Some(p), .. } => Send::ping(&p).map_err(|e| e.to_string()),
            Written { pong: Some(p), .. } => Send::pong(&p).map_err(|e| e.to_string()),
            Written {
                fragments: Some(parts),
                ping_between,
                ..
            } => Send::fragments(parts, ping_between.as_deref()).map_err(|e| e.to_string()),
            Written {
                close: Some(code),
                reason,
                ..
            } => Send::lawful_close(code, reason.as_deref().unwrap_or_default())
                .map_err(|e| e.to_string()),
            Written { .. } => return Err(one_of()),
        };
        sent.map_err(|why| format!("send item {n}: {why}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_its_key() {
        let e: serde::de::value::Error = refused("mask", "mask \"x\" is wrong");
        assert_eq!(
            refused_at(&e.to_string()),
            Some(("mask", "mask \"x\" is wrong"))
        );
        assert_eq!(refused_at("invalid type: string"), None);
        assert_eq!(refused_at("`a b` c"), None);
    }
}
