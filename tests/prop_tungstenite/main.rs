//! Property tests against tungstenite, the reference implementation: frames it encodes dissect
//! to the same fields and payloads, fragmented messages reassemble to what its server reads,
//! and the events do not depend on how the bytes are split into chunks.
//!
//! This file holds the properties and the model each dissected frame is checked against; the
//! rest is in modules:
//! - `strategy`: what proptest generates: payloads, frames, messages and configurations;
//! - `wire`: the frames tungstenite builds and the bytes it writes for them;
//! - `feed`: feeding a wire in pieces, to the dissector and to tungstenite's server.

mod feed;
mod strategy;
mod wire;

use std::io::Cursor;

use feed::{Duplex, as_tungstenite, feed_in};
use proptest::prelude::*;
use strategy::{any_config, frame_spec, message_spec, payload, wire_of_either};
use tungstenite::protocol::frame::FrameHeader as THeader;
use tungstenite::protocol::{Role, WebSocket};
use tungstenite::{Bytes, Error as TError, error::ProtocolError};
use wire::{Sent, build, encode, messages_stream};
use wslab::proto::{
    Close, Config, DEFAULT_PREVIEW_CAP, Dissector, Event, Frame, Message, OpCode, RsvBits, Side,
    Violation,
};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Payload bytes the dissector keeps of a frame: a lawful control frame whole, whatever the cap.
fn frame_cap(opcode: u8, config: Config) -> usize {
    if opcode & 8 == 0 {
        config.preview_cap
    } else {
        config.preview_cap.max(125)
    }
}

/// The messages RFC 6455 §5.4 makes of these frames, and the sequence rules each frame breaks.
fn model(sent: &[Sent], config: Config) -> Vec<(Option<Message>, Vec<Violation>)> {
    let mut open: Option<(OpCode, u64, u64, Vec<u8>, bool)> = None;
    let mut out = Vec::new();
    let mut messages = 0;
    for (index, s) in (0u64..).zip(sent) {
        let opcode = OpCode::from_bits(u8::from(s.header.opcode));
        let mut violations = Vec::new();
        let mut message = None;
        let cap = config.preview_cap;
        let preview = |all: &[u8]| all[..all.len().min(cap)].to_vec();
        match opcode {
            OpCode::Continuation if open.is_none() => {
                violations.push(Violation::ContinuationWithoutMessage);
            }
            OpCode::Text | OpCode::Binary | OpCode::Continuation => {
                if opcode != OpCode::Continuation {
                    if open.is_some() {
                        violations.push(Violation::NewMessageWhileFragmented {
                            opcode: opcode.name(),
                        });
                    }
                    let compressed = s.header.rsv1 && config.allowed_rsv.has(1);
                    open = Some((opcode, index, 0, Vec::new(), compressed));
                }
                let (_, _, count, data, _) = open.as_mut().expect("opened above");
                *count += 1;
                data.extend_from_slice(&s.plain);
                if s.header.is_final {
                    let (opcode, first_frame, frame_count, data, compressed) =
                        open.take().expect("opened above");
                    message = Some(Message {
                        index: 0,
                        opcode,
                        first_frame,
                        frame_count,
                        last_frame: index,
                        length: data.len() as u64,
                        preview: Bytes::from(preview(&data)),
                        utf8_valid: (opcode == OpCode::Text && !compressed)
                            .then(|| std::str::from_utf8(&data).is_ok()),
                        compressed,
                        inflated: None,
                        close: None,
                    });
                }
            }
            _ if opcode.is_control() => {
                let kept = s.plain[..s.plain.len().min(frame_cap(opcode.bits(), config))].to_vec();
                message = Some(Message {
                    index: 0,
                    opcode,
                    first_frame: index,
                    frame_count: 1,
                    last_frame: index,
                    length: s.plain.len() as u64,
                    preview: Bytes::from(kept.clone()),
                    utf8_valid: None,
                    compressed: false,
                    inflated: None,
                    close: (opcode == OpCode::Close).then(|| close_of(&kept)),
                });
            }
            _ => {}
        }
        if let Some(m) = message.as_mut() {
            m.index = messages;
            messages += 1;
        }
        out.push((message, violations));
    }
    out
}

fn close_of(payload: &[u8]) -> Close {
    match payload {
        [hi, lo, reason @ ..] => Close {
            code: Some(u16::from_be_bytes([*hi, *lo])),
            reason: String::from_utf8_lossy(reason).into_owned(),
        },
        _ => Close {
            code: None,
            reason: String::new(),
        },
    }
}

/// The header rules (§5.2, §5.5, §5.1) that tungstenite's encoder lets a caller break.
fn header_violations(s: &Sent, config: Config) -> Vec<Violation> {
    let h = &s.header;
    let rsv = RsvBits(u8::from(h.rsv1) | u8::from(h.rsv2) << 1 | u8::from(h.rsv3) << 2);
    let opcode = u8::from(h.opcode);
    // An extension's RSV1 (permessage-deflate) belongs on a message's first frame only.
    let allowed = if matches!(opcode, 1 | 2) {
        config.allowed_rsv.0
    } else {
        config.allowed_rsv.0 & !1
    };
    let unexpected = RsvBits(rsv.0 & !allowed);
    let control = opcode & 8 != 0;
    let length = s.plain.len() as u64;
    let mut v = Vec::new();
    if !unexpected.is_empty() {
        v.push(Violation::ReservedBitsSet { bits: unexpected });
    }
    if matches!(opcode, 3..=7 | 11..=15) {
        v.push(Violation::UnknownOpcode { opcode });
    }
    if control && length > 125 {
        v.push(Violation::ControlFrameTooLong { length });
    }
    if control && !h.is_final {
        v.push(Violation::FragmentedControlFrame);
    }
    match (config.side, h.mask.is_some()) {
        (Side::Client, false) => v.push(Violation::UnmaskedClientFrame),
        (Side::Server, true) => v.push(Violation::MaskedServerFrame),
        _ => {}
    }
    v
}

fn check_frame(ours: &Frame, s: &Sent, wire: &[u8], config: Config) -> Result<(), TestCaseError> {
    let (start, header_len) = (s.offset, s.header_len());
    let shown = s
        .plain
        .len()
        .min(frame_cap(u8::from(s.header.opcode), config));
    let body = start + header_len;
    prop_assert_eq!(ours.offset, start as u64);
    prop_assert_eq!(ours.header.bytes(), &wire[start..body]);
    prop_assert_eq!(ours.header.fin(), s.header.is_final);
    prop_assert_eq!(ours.header.rsv().has(1), s.header.rsv1);
    prop_assert_eq!(ours.header.rsv().has(2), s.header.rsv2);
    prop_assert_eq!(ours.header.rsv().has(3), s.header.rsv3);
    prop_assert_eq!(ours.header.opcode().bits(), u8::from(s.header.opcode));
    prop_assert_eq!(ours.header.masked(), s.header.mask.is_some());
    prop_assert_eq!(ours.header.mask_key(), s.header.mask);
    prop_assert_eq!(ours.payload_len(), s.plain.len() as u64);
    prop_assert_eq!(ours.received, s.plain.len() as u64);
    prop_assert_eq!(&ours.wire_payload()[..], &wire[body..body + shown]);
    prop_assert_eq!(&ours.payload[..], &s.plain[..shown]);
    prop_assert_eq!(ours.is_truncated(), shown < s.plain.len());
    // tungstenite reads its own bytes back the same way, and refuses reserved opcodes.
    let mut cursor = Cursor::new(&wire[start..]);
    match THeader::parse(&mut cursor) {
        Ok(Some((header, length))) => {
            prop_assert_eq!(&header, &s.header);
            prop_assert_eq!(length, s.plain.len() as u64);
            prop_assert_eq!(cursor.position(), header_len as u64);
        }
        Ok(None) => prop_assert!(false, "tungstenite wants more bytes of a whole frame"),
        Err(e) => prop_assert!(!ours.header.opcode().is_known(), "tungstenite: {e}"),
    }
    Ok(())
}

/// Dissects `wire` whole and checks every event against tungstenite's frames and the model.
fn check_stream(wire: &[u8], sent: &[Sent], config: Config) -> Result<Vec<Event>, TestCaseError> {
    let events = Dissector::new(config).feed(wire);
    let mut rest = events.iter();
    for (s, (message, sequence_rules)) in sent.iter().zip(model(sent, config)) {
        let Some(Event::Frame(frame)) = rest.next() else {
            return Err(TestCaseError::fail(format!(
                "no frame event at {}",
                s.offset
            )));
        };
        check_frame(frame, s, wire, config)?;
        let mut expected = header_violations(s, config);
        expected.extend(sequence_rules);
        prop_assert_eq!(&frame.violations[..expected.len()], &expected[..]);
        // What follows depends on the payload: the close rules and the UTF-8 of text.
        for extra in &frame.violations[expected.len()..] {
            let allowed = match extra {
                Violation::InvalidUtf8Text { .. } => !frame.header.opcode().is_control(),
                Violation::ClosePayloadOneByte
                | Violation::CloseCodeNotAllowed { .. }
                | Violation::InvalidUtf8CloseReason { .. } => {
                    frame.header.opcode() == OpCode::Close
                }
                _ => false,
            };
            prop_assert!(allowed, "unexpected {:?} on frame {}", extra, frame.index);
        }
        if let Some(message) = message {
            prop_assert_eq!(rest.next(), Some(&Event::Message(message)));
        }
    }
    prop_assert_eq!(rest.next(), None);
    Ok(events)
}

proptest! {
    #![proptest_config(config())]

    /// Any frame tungstenite encodes, whatever its opcode, bits, mask and length, dissects to
    /// the fields tungstenite wrote, and the messages RFC 6455 §5.4 makes of them.
    #[test]
    fn frames_dissect_to_what_tungstenite_wrote(
        specs in prop::collection::vec(frame_spec(), 1..=6),
        config in any_config(),
    ) {
        let (wire, sent) = encode(specs.iter().map(build).collect());
        check_stream(&wire, &sent, config)?;
    }

    /// Fragmented messages, with pings and pongs between the fragments, reassemble to the
    /// concatenated payload, with no rule broken.
    #[test]
    fn fragmented_messages_reassemble(
        masked in any::<bool>(),
        seed in any::<u64>(),
        specs in prop::collection::vec(message_spec(true), 1..=3),
    ) {
        let (wire, sent) = encode(messages_stream(masked, seed, &specs, None));
        let config = Config::new(if masked { Side::Client } else { Side::Server });
        let events = check_stream(&wire, &sent, config)?;
        let data: Vec<&Message> = events.iter().filter_map(|e| match e {
            Event::Message(m) if !m.opcode.is_control() => Some(m),
            _ => None,
        }).collect();
        prop_assert_eq!(data.len(), specs.len());
        for (m, spec) in data.iter().zip(&specs) {
            let whole = spec.payload.bytes();
            prop_assert_eq!(m.opcode, if spec.text { OpCode::Text } else { OpCode::Binary });
            prop_assert_eq!(m.frame_count, spec.cuts.len() as u64 + 1);
            prop_assert_eq!(m.length, whole.len() as u64);
            prop_assert_eq!(&m.preview[..], &whole[..whole.len().min(DEFAULT_PREVIEW_CAP)]);
            prop_assert_eq!(m.utf8_valid, spec.text.then_some(true));
        }
        for e in &events {
            if let Event::Frame(f) = e {
                prop_assert!(f.violations.is_empty(), "{:?}", f.violations);
            }
        }
    }

    /// Whole, byte by byte, or in chunks of any sizes, a stream (cut short or not) gives the
    /// same events and leaves the dissector in the same state.
    #[test]
    fn chunking_does_not_change_events(
        (wire, config) in wire_of_either(),
        cut in prop_oneof![3 => Just(0usize), 1 => 1usize..=20],
        sizes in prop::collection::vec(prop_oneof![1usize..=16, 1usize..=4096, 1usize..=70_000], 1..=24),
    ) {
        let wire = &wire[..wire.len().saturating_sub(cut)];
        let (whole, w) = feed_in(config, wire, std::iter::once(wire.len()));
        let (bytewise, b) = feed_in(config, wire, std::iter::repeat(1));
        let (chunked, c) = feed_in(config, wire, sizes.iter().copied().cycle());
        prop_assert_eq!(&whole, &bytewise);
        prop_assert_eq!(&whole, &chunked);
        for d in [&b, &c] {
            prop_assert_eq!(d.offset(), w.offset());
            prop_assert_eq!(d.incomplete(), w.incomplete());
            prop_assert_eq!(d.pending_frame(), w.pending_frame());
            prop_assert_eq!(d.open_message_frames(), w.open_message_frames());
        }
        prop_assert_eq!(w.offset(), wire.len() as u64);
    }

    /// tungstenite's server, reading a client's masked frames, gets the messages we reassemble.
    #[test]
    fn tungstenite_server_reads_what_we_reassemble(
        seed in any::<u64>(),
        specs in prop::collection::vec(message_spec(true), 1..=3),
        close in prop::option::of((
            prop::sample::select(vec![1000u16, 1001, 1002, 1003, 1007, 1008, 1011, 3000, 4999]),
            payload(0usize..=100, true),
        )),
        read_size in prop_oneof![1usize..=64, 1usize..=70_000],
    ) {
        let (wire, _) = encode(messages_stream(true, seed, &specs, close));
        let config = Config { preview_cap: usize::MAX, ..Config::new(Side::Client) };
        let mut ours = Vec::new();
        for event in Dissector::new(config).feed(&wire) {
            match event {
                Event::Message(m) => ours.push(as_tungstenite(&m)),
                Event::Frame(f) => prop_assert!(f.violations.is_empty(), "{:?}", f.violations),
            }
        }
        let stream = Duplex { input: wire, at: 0, read_size, output: Vec::new() };
        let mut socket = WebSocket::from_raw_socket(stream, Role::Server, None);
        let mut theirs = Vec::new();
        let end = loop {
            match socket.read() {
                Ok(m) => theirs.push(m),
                Err(e) => break e,
            }
        };
        // Any other error means tungstenite refused a frame and stopped early.
        match end {
            TError::ConnectionClosed => prop_assert!(close.is_some()),
            TError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => prop_assert!(close.is_none()),
            other => prop_assert!(false, "tungstenite stopped: {}", other),
        }
        prop_assert_eq!(ours, theirs);
    }
}

/// A preview cap shorter than a lawful close frame must not make it look broken: with the cap
/// applied to control frames, cap 1 turned `88 04 03 e8 c3 a9` into a one-byte close payload
/// and cap 3 cut "é" into an invalid reason (fixed in de02b77).
#[test]
fn close_frame_is_judged_on_its_whole_payload_whatever_the_cap() {
    // Close 1000, reason "é" (c3 a9), unmasked.
    let wire = [0x88, 0x04, 0x03, 0xe8, 0xc3, 0xa9];
    for preview_cap in 0..=4 {
        let config = Config {
            preview_cap,
            ..Config::new(Side::Server)
        };
        let events = Dissector::new(config).feed(&wire);
        let Some(Event::Frame(frame)) = events.first() else {
            panic!("no frame");
        };
        assert_eq!(frame.violations, [], "cap {preview_cap}");
        let Some(Event::Message(message)) = events.get(1) else {
            panic!("no message");
        };
        let close = message.close.as_ref().expect("a close message");
        assert_eq!(
            (close.code, close.reason.as_str()),
            (Some(1000), "é"),
            "cap {preview_cap}"
        );
    }
}
