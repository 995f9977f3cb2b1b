//! What proptest generates: payloads of every length encoding, text or not; frames with any
//! opcode and header bits; messages cut into fragments with control frames between; and the
//! dissector's configuration.

use proptest::prelude::*;
use wslab::proto::{Config, DEFAULT_PREVIEW_CAP, RsvBits, Side};

use crate::wire::{build, encode, messages_stream};

/// A payload, described compactly: proptest shrinks the length, and a 64 KiB payload costs one
/// allocation rather than 65536 generated values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Payload {
    len: usize,
    seed: u64,
    pub(crate) utf8: bool,
}

impl Payload {
    pub(crate) fn bytes(self) -> Vec<u8> {
        let mut state = self.seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut out = Vec::with_capacity(self.len + 8);
        if !self.utf8 {
            while out.len() < self.len {
                out.extend_from_slice(&next().to_le_bytes());
            }
            out.truncate(self.len);
            return out;
        }
        // Characters of every encoded width, so that fragments and chunks cut through them.
        let chars = ['a', ' ', 'é', 'ж', '€', '𝄞'];
        let mut buf = [0u8; 4];
        while out.len() < self.len {
            let c = chars[(next() % chars.len() as u64) as usize];
            let c = if c.len_utf8() > self.len - out.len() {
                'x'
            } else {
                c
            };
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
        out
    }
}

/// Lengths around each boundary of the length encoding; 64 KiB ones rarely, as they are slow
/// in a debug build.
fn payload_len() -> impl Strategy<Value = usize> {
    prop_oneof![
        6 => 0usize..=2,
        6 => 124usize..=128,
        8 => 0usize..=300,
        1 => 65534usize..=65537,
    ]
}

pub(crate) fn payload(
    len: impl Strategy<Value = usize>,
    utf8: bool,
) -> impl Strategy<Value = Payload> {
    (len, any::<u64>()).prop_map(move |(len, seed)| Payload { len, seed, utf8 })
}

/// One frame as tungstenite will be asked to build it; any opcode and any header bits.
#[derive(Debug, Clone)]
pub(crate) struct FrameSpec {
    pub(crate) opcode: u8,
    pub(crate) fin: bool,
    pub(crate) rsv: u8,
    pub(crate) mask: Option<[u8; 4]>,
    pub(crate) payload: Payload,
    pub(crate) close_code: u16,
}

pub(crate) fn frame_spec() -> impl Strategy<Value = FrameSpec> {
    (
        prop_oneof![3 => 0u8..=2, 3 => 8u8..=10, 1 => 0u8..=15],
        prop_oneof![3 => Just(true), 1 => Just(false)],
        prop_oneof![3 => Just(0u8), 1 => 0u8..=7],
        prop::option::of(any::<[u8; 4]>()),
        (payload_len(), any::<u64>(), any::<bool>()),
        any::<u16>(),
    )
        .prop_map(
            |(opcode, fin, rsv, mask, (len, seed, utf8), close_code)| FrameSpec {
                opcode,
                fin,
                rsv,
                mask,
                payload: Payload { len, seed, utf8 },
                close_code,
            },
        )
}

pub(crate) fn any_config() -> impl Strategy<Value = Config> {
    (
        prop_oneof![Just(Side::Unknown), Just(Side::Client), Just(Side::Server)],
        prop_oneof![3 => Just(DEFAULT_PREVIEW_CAP), 1 => 0usize..=130],
        0u8..=7,
    )
        .prop_map(|(side, preview_cap, rsv)| Config {
            side,
            preview_cap,
            allowed_rsv: RsvBits(rsv),
        })
}

/// A text or binary message, cut into 1–5 fragments, with control frames between them.
#[derive(Debug, Clone)]
pub(crate) struct MessageSpec {
    pub(crate) text: bool,
    pub(crate) payload: Payload,
    pub(crate) cuts: Vec<u16>,
    pub(crate) between: Vec<Option<(bool, Payload)>>,
}

pub(crate) fn message_spec(valid_text: bool) -> impl Strategy<Value = MessageSpec> {
    let control = prop::option::weighted(0.4, (any::<bool>(), payload(0usize..=125, false)));
    (
        any::<bool>(),
        (payload_len(), any::<u64>(), any::<u8>()),
        prop::collection::vec(any::<u16>(), 0..=4),
        prop::collection::vec(control, 4),
    )
        .prop_map(move |(text, (len, seed, odd), cuts, between)| MessageSpec {
            text,
            // Now and then a text message carries bytes that are not UTF-8.
            payload: Payload {
                len,
                seed,
                utf8: text && (valid_text || odd > 24),
            },
            cuts,
            between,
        })
}

pub(crate) fn wire_of_either() -> impl Strategy<Value = (Vec<u8>, Config)> {
    let loose = (prop::collection::vec(frame_spec(), 1..=6), any_config())
        .prop_map(|(specs, config)| (encode(specs.iter().map(build).collect()).0, config));
    let messages = (
        any::<bool>(),
        any::<u64>(),
        prop::collection::vec(message_spec(false), 1..=3),
    )
        .prop_map(|(masked, seed, specs)| {
            let wire = encode(messages_stream(masked, seed, &specs, None)).0;
            (
                wire,
                Config::new(if masked { Side::Client } else { Side::Server }),
            )
        });
    prop_oneof![loose, messages]
}
