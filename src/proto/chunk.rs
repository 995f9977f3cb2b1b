//! One read's bytes, copied once, so that every payload in it can be handed out as a slice
//! of the same buffer: one copy per read instead of one allocation and copy per frame, as
//! tungstenite's read buffer does. A frame's payload then shares its allocation with the
//! other frames of that read, which is bounded by the read's size.

use bytes::{Buf as _, BytesMut};

/// The copy of one chunk given to `Dissector::feed`, made on first need.
#[derive(Debug, Default)]
pub(crate) struct ChunkCopy {
    copy: Option<BytesMut>,
    // Position in the chunk of the copy's first byte.
    start: usize,
}

impl ChunkCopy {
    /// `chunk[at..at + len]` as a buffer of its own that shares the chunk's copy. Calls must
    /// come in order of `at`, each past the last one's end.
    pub(crate) fn split(&mut self, chunk: &[u8], at: usize, len: usize) -> BytesMut {
        let Some(wanted) = chunk.get(at..at + len) else {
            return BytesMut::new();
        };
        let copy = self.copy.get_or_insert_with(|| {
            // Copy from here to the end of the chunk: what comes before is already handled.
            self.start = at;
            BytesMut::from(&chunk[at..])
        });
        if at < self.start {
            // Out of order: cannot happen in the dissector, but never hand back wrong bytes.
            return BytesMut::from(wanted);
        }
        copy.advance(at - self.start);
        self.start = at + len;
        copy.split_to(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_in_order_share_one_copy() {
        let chunk = b"..abc..de";
        let mut copy = ChunkCopy::default();
        let a = copy.split(chunk, 2, 3).freeze();
        let d = copy.split(chunk, 7, 2).freeze();
        assert_eq!(&a[..], b"abc");
        assert_eq!(&d[..], b"de");
        // Both point into the same allocation, 5 bytes apart.
        assert_eq!(d.as_ptr() as usize - a.as_ptr() as usize, 5);
    }

    #[test]
    fn out_of_range_or_order_is_still_right() {
        let chunk = b"abcdef";
        let mut copy = ChunkCopy::default();
        assert_eq!(&copy.split(chunk, 3, 2)[..], b"de");
        assert_eq!(&copy.split(chunk, 0, 2)[..], b"ab");
        assert!(copy.split(chunk, 5, 9).is_empty());
    }
}
