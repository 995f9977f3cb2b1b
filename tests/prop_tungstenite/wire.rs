//! The frames tungstenite builds from what proptest generates, with its own constructors
//! where it has them, and the bytes its encoder writes for them, with what each frame was.

use tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode as TOpCode};
use tungstenite::protocol::frame::{CloseFrame, Frame as TFrame, FrameHeader as THeader};
use tungstenite::{Bytes, Utf8Bytes};

use crate::strategy::{FrameSpec, MessageSpec, Payload};

/// Builds the frame with tungstenite's own constructors where it has one for the opcode.
pub(crate) fn build(spec: &FrameSpec) -> TFrame {
    let bytes = spec.payload.bytes();
    let opcode = TOpCode::from(spec.opcode);
    let mut frame = match spec.opcode {
        0..=2 => TFrame::message(bytes, opcode, spec.fin),
        8 if spec.payload.utf8 => {
            let reason = Utf8Bytes::try_from(bytes).expect("generated as UTF-8");
            TFrame::close(Some(CloseFrame {
                code: CloseCode::from(spec.close_code),
                reason,
            }))
        }
        9 => TFrame::ping(bytes),
        10 => TFrame::pong(bytes),
        _ => TFrame::from_payload(THeader::default(), Bytes::from(bytes)),
    };
    let header = frame.header_mut();
    header.opcode = opcode;
    header.is_final = spec.fin;
    header.rsv1 = spec.rsv & 1 != 0;
    header.rsv2 = spec.rsv & 2 != 0;
    header.rsv3 = spec.rsv & 4 != 0;
    header.mask = spec.mask;
    frame
}

/// What tungstenite wrote for one frame.
#[derive(Debug)]
pub(crate) struct Sent {
    pub(crate) offset: usize,
    pub(crate) header: THeader,
    pub(crate) plain: Vec<u8>,
}

impl Sent {
    pub(crate) fn header_len(&self) -> usize {
        self.header.len(self.plain.len() as u64)
    }
}

pub(crate) fn encode(frames: Vec<TFrame>) -> (Vec<u8>, Vec<Sent>) {
    let mut wire = Vec::new();
    let mut sent = Vec::new();
    for frame in frames {
        sent.push(Sent {
            offset: wire.len(),
            header: frame.header().clone(),
            plain: frame.payload().to_vec(),
        });
        frame.format(&mut wire).expect("a Vec takes every byte");
    }
    (wire, sent)
}

fn fragment(spec: &MessageSpec, keys: &mut impl FnMut() -> Option<[u8; 4]>) -> Vec<TFrame> {
    let data = spec.payload.bytes();
    let mut cuts: Vec<usize> = spec
        .cuts
        .iter()
        .map(|&c| usize::from(c) * (data.len() + 1) / 65536)
        .collect();
    cuts.sort_unstable();
    cuts.push(data.len());
    let mut frames = Vec::new();
    let mut from = 0;
    for (i, &to) in cuts.iter().enumerate() {
        let opcode = match (i, spec.text) {
            (0, true) => TOpCode::Data(Data::Text),
            (0, false) => TOpCode::Data(Data::Binary),
            _ => TOpCode::Data(Data::Continue),
        };
        frames.push(TFrame::message(
            data[from..to].to_vec(),
            opcode,
            i == cuts.len() - 1,
        ));
        from = to;
        if let (Some(Some((ping, extra))), true) = (spec.between.get(i), i + 1 < cuts.len()) {
            let bytes = extra.bytes();
            frames.push(if *ping {
                TFrame::ping(bytes)
            } else {
                TFrame::pong(bytes)
            });
        }
    }
    for frame in &mut frames {
        frame.header_mut().mask = keys();
    }
    frames
}

/// A client's stream of messages, masked or not, perhaps ended by a close frame.
pub(crate) fn messages_stream(
    masked: bool,
    seed: u64,
    specs: &[MessageSpec],
    close: Option<(u16, Payload)>,
) -> Vec<TFrame> {
    let mut state = seed | 1;
    let mut keys = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        masked.then(|| ((state >> 32) as u32).to_be_bytes())
    };
    let mut frames: Vec<TFrame> = specs.iter().flat_map(|s| fragment(s, &mut keys)).collect();
    if let Some((code, reason)) = close {
        let reason = Utf8Bytes::try_from(reason.bytes()).expect("generated as UTF-8");
        let mut frame = TFrame::close(Some(CloseFrame {
            code: code.into(),
            reason,
        }));
        frame.header_mut().mask = keys();
        frames.push(frame);
    }
    frames
}
