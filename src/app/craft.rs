//! The inspector's raw composer: the draft parsed by `proto::craft` with the masking keys the
//! terminal loop supplied, and read back as the server will read it. The preview and Enter
//! both come through [`preview`], so what is shown is what is sent.

use crate::proto::Frame;
use crate::proto::craft::{self, CraftError, Crafted, Reading};
use crate::proto::limits::{CRAFTED_FRAMES_MAX, PANE_PAYLOAD};

/// How many fresh masking keys the loop gives the inspector: one for each frame a line may
/// describe, so that no frame shares a key (RFC 6455 §5.3). New ones come after each send.
pub const KEYS: usize = CRAFTED_FRAMES_MAX;

/// What the raw composer would send, and how the server will read it.
#[derive(Debug, Clone)]
pub struct RawPreview {
    /// The bytes and what they do on purpose.
    pub crafted: Crafted,
    /// The frames in them, the rules each breaks, and where they stop inside one.
    pub reading: Reading,
}

impl RawPreview {
    /// The frame taken apart: the last one, which is the one being typed, whether or not
    /// the bytes finish it.
    pub fn shown(&self) -> Option<&Frame> {
        self.reading.pending.as_ref().or(self.reading.frames.last())
    }

    /// The last byte of the shown frame that its dump holds: where the byte cursor stops.
    pub fn last_cursor(&self) -> usize {
        self.shown().map_or(0, |f| {
            let kept = f.payload.len().min(PANE_PAYLOAD);
            usize::try_from(f.header_len())
                .unwrap_or(usize::MAX)
                .saturating_add(kept)
                .saturating_sub(1)
        })
    }
}

/// `draft` crafted with `keys`: frame i without `mask=` takes key i. Until the loop has
/// given keys, a key of zeros stands in, and the preview shows it.
///
/// # Errors
/// Why the draft cannot be sent, in one sentence.
pub fn preview(draft: &str, keys: &[[u8; 4]]) -> Result<RawPreview, CraftError> {
    let mut keys = keys.iter().copied();
    let crafted = craft::parse(draft, &mut || Some(keys.next().unwrap_or_default()))?;
    let reading = craft::read_back(&crafted.bytes);
    Ok(RawPreview { crafted, reading })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: [[u8; 4]; 2] = [[0x37, 0xfa, 0x21, 0x3d], [1, 2, 3, 4]];

    #[test]
    fn each_frame_takes_the_next_key() {
        let p = preview("payload=Hello; opcode=ping", &TWO).expect("crafted");
        assert_eq!(
            p.crafted.bytes,
            [
                0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58, 0x89, 0x80, 1, 2,
                3, 4
            ]
        );
        assert_eq!(p.reading.frames.len(), 2);
        let shown = p.shown().expect("the last frame");
        assert_eq!(shown.header.mask_key(), Some([1, 2, 3, 4]));
        assert_eq!(p.last_cursor(), 5, "a 6-byte header and no payload");
    }

    #[test]
    fn the_frame_being_typed_is_shown_even_when_unfinished() {
        let p = preview("len=300 payload=hi", &TWO).expect("crafted");
        let shown = p.shown().expect("the pending frame");
        assert_eq!(shown.payload_len(), 300);
        // The header (2 + 2 + 4) and the 2 bytes typed: the cursor stops at what is there.
        assert_eq!(p.last_cursor(), 9);
        let half = preview("81", &[]).expect("one byte of hex");
        assert!(half.shown().is_none() && half.reading.incomplete.is_some());
        assert_eq!(half.last_cursor(), 0);
    }

    #[test]
    fn without_keys_a_key_of_zeros_stands_in() {
        let p = preview("payload=a", &[]).expect("crafted");
        assert_eq!(p.crafted.bytes, [0x81, 0x81, 0, 0, 0, 0, b'a']);
    }
}
