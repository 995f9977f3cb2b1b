//! Stream offsets: frames after the first, and each of their fields, start where the
//! previous ended, and messages count on across frames.

use std::ops::Range;

use wslab::proto::{Config, FieldKind, Frame, Side, fields};

use crate::support::{MASKED_HELLO, every_way, frames, messages};

#[test]
fn second_and_third_frames_start_where_the_previous_ended() {
    let unmasked = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
    let long = [&[0x82, 0x7e, 0x00, 0x7e][..], &[0x55; 126]].concat();
    let bytes = [&unmasked[..], &MASKED_HELLO, &long].concat();
    // Side::Unknown so that both masked and unmasked frames are fine.
    let events = every_way(Config::new(Side::Unknown), &bytes);
    let f = frames(&events);
    assert_eq!(f.len(), 3);
    assert_eq!(
        f.iter().map(|f| (f.index, f.span())).collect::<Vec<_>>(),
        vec![(0, 0..7), (1, 7..18), (2, 18..148)]
    );
    let spans = |frame: &Frame| -> Vec<(FieldKind, Range<u64>)> {
        fields(frame, Side::Unknown)
            .into_iter()
            .map(|field| (field.kind, field.span))
            .collect()
    };
    assert_eq!(
        spans(f[1]),
        vec![
            (FieldKind::Fin, 7..8),
            (FieldKind::Rsv1, 7..8),
            (FieldKind::Rsv2, 7..8),
            (FieldKind::Rsv3, 7..8),
            (FieldKind::Opcode, 7..8),
            (FieldKind::Mask, 8..9),
            (FieldKind::PayloadLen, 8..9),
            (FieldKind::MaskingKey, 9..13),
            (FieldKind::Payload, 13..18),
        ]
    );
    assert_eq!(
        spans(f[2]),
        vec![
            (FieldKind::Fin, 18..19),
            (FieldKind::Rsv1, 18..19),
            (FieldKind::Rsv2, 18..19),
            (FieldKind::Rsv3, 18..19),
            (FieldKind::Opcode, 18..19),
            (FieldKind::Mask, 19..20),
            (FieldKind::PayloadLen, 19..20),
            (FieldKind::ExtendedPayloadLen, 20..22),
            (FieldKind::Payload, 22..148),
        ]
    );
    let ext = &fields(f[2], Side::Unknown)[7];
    assert_eq!(ext.value, "126");
    let m = messages(&events);
    assert_eq!(
        m.iter()
            .map(|m| (m.index, m.first_frame))
            .collect::<Vec<_>>(),
        vec![(0, 0), (1, 1), (2, 2)]
    );
    assert!(f.iter().all(|f| f.violations.is_empty()));
}
