//! The suite: every case, grouped by the part of the RFCs it checks. Each file holds one
//! group, its rules quoted once at the top.

pub mod client;
mod closing;
mod control;
pub mod deflate;
mod fragments;
pub mod framing;
mod handshake;
mod masking;
mod utf8;

use super::case::{Case, Expect, Group, Level, Out, Rule};

const LIMITS: Rule = Rule {
    section: "RFC 6455 §10.4, §7.4.1",
    says: "Implementations that have implementation- and/or platform-specific limitations regarding the frame size or total message size after reassembly from multiple frames MUST protect themselves against exceeding those limits; 1009 indicates that an endpoint is terminating the connection because it has received a message that is too big for it to process.",
    level: Level::Info,
};

fn limits() -> Vec<Case> {
    [(1, 1u64 << 20), (2, 16 << 20)]
        .into_iter()
        .map(|(n, size)| {
            Case::new(
                &format!("10.4.{n}"),
                Group::Limits,
                format!("how a {} MiB binary message is answered", size >> 20),
                LIMITS,
                Expect::Takes(size),
            )
            .send(vec![Out::binary(framing::pattern(size as usize))])
        })
        .collect()
}

/// Every case, in report order; `large` adds the framing case of 8 MiB.
pub fn all(large: bool) -> Vec<Case> {
    let mut cases = handshake::cases();
    cases.extend(framing::cases(large));
    cases.extend(masking::cases());
    cases.extend(fragments::cases());
    cases.extend(control::cases());
    cases.extend(closing::closing());
    cases.extend(closing::codes());
    cases.extend(utf8::cases());
    cases.extend(limits());
    cases.extend(deflate::cases());
    cases
}
