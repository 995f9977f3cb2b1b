//! UTF-8 validation of a message that arrives in pieces: fragments, and chunks of fragments.

/// Validates UTF-8 fed in arbitrary pieces, keeping only the bytes of an unfinished
/// character between pieces, so that memory stays constant however long the message is.
#[derive(Debug, Clone, Default)]
pub struct Utf8Validator {
    // The start of a character split across pieces: at most 3 bytes.
    pending: [u8; 4],
    pending_len: usize,
    // How many bytes have been accepted as complete characters.
    accepted: u64,
    // Offset of the first bad byte, once found.
    error_at: Option<u64>,
}

impl Utf8Validator {
    /// Feeds the next piece. Returns the offset of the first invalid byte, once one is found.
    pub fn feed(&mut self, mut bytes: &[u8]) -> Option<u64> {
        if self.error_at.is_some() {
            return self.error_at;
        }
        // Finish a character that the previous piece cut off, one byte at a time.
        while self.pending_len > 0 {
            let (&first, rest) = bytes.split_first()?;
            self.pending[self.pending_len] = first;
            self.pending_len += 1;
            bytes = rest;
            match std::str::from_utf8(&self.pending[..self.pending_len]) {
                Ok(_) => {
                    self.accepted += self.pending_len as u64;
                    self.pending_len = 0;
                }
                Err(e) if e.error_len().is_none() => {}
                Err(_) => {
                    self.error_at = Some(self.accepted);
                    return self.error_at;
                }
            }
        }
        // The whole piece at once, with SIMD: the same answers as std::str::from_utf8.
        match simdutf8::compat::from_utf8(bytes) {
            Ok(_) => self.accepted += bytes.len() as u64,
            Err(e) => {
                let valid = e.valid_up_to();
                if e.error_len().is_some() {
                    self.error_at = Some(self.accepted + valid as u64);
                    return self.error_at;
                }
                // The piece ends inside a character: keep its start for the next piece.
                let tail = &bytes[valid..];
                self.accepted += valid as u64;
                self.pending[..tail.len()].copy_from_slice(tail);
                self.pending_len = tail.len();
            }
        }
        None
    }

    /// Ends the message. A character still unfinished here is invalid.
    pub fn finish(&mut self) -> Option<u64> {
        if self.error_at.is_none() && self.pending_len > 0 {
            self.error_at = Some(self.accepted);
        }
        self.error_at
    }

    /// The offset of the first invalid byte found so far.
    pub fn error_at(&self) -> Option<u64> {
        self.error_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_split(bytes: &[u8]) -> Vec<Option<u64>> {
        (0..=bytes.len())
            .map(|cut| {
                let mut v = Utf8Validator::default();
                let (a, b) = bytes.split_at(cut);
                v.feed(a);
                v.feed(b);
                v.finish()
            })
            .collect()
    }

    #[test]
    fn valid_text_split_anywhere() {
        let text = "héllo, wörld €𝄞".as_bytes();
        assert!(every_split(text).iter().all(Option::is_none));
    }

    #[test]
    fn invalid_byte_found_at_its_offset_split_anywhere() {
        let bytes = b"ab\xffcd";
        assert!(every_split(bytes).iter().all(|r| *r == Some(2)));
    }

    #[test]
    fn truncated_character_at_end_is_invalid() {
        let bytes = "a€".as_bytes();
        let mut v = Utf8Validator::default();
        assert_eq!(v.feed(&bytes[..3]), None);
        assert_eq!(v.finish(), Some(1));
    }

    #[test]
    fn byte_by_byte() {
        let text = "κόσμε𝄞".as_bytes();
        let mut v = Utf8Validator::default();
        for b in text {
            assert_eq!(v.feed(std::slice::from_ref(b)), None);
        }
        assert_eq!(v.finish(), None);
    }

    #[test]
    fn surrogates_and_overlongs_are_rejected() {
        for bad in [&b"\xed\xa0\x80"[..], b"\xc0\xaf", b"\xf4\x90\x80\x80"] {
            let mut v = Utf8Validator::default();
            v.feed(bad);
            assert_eq!(v.finish(), Some(0), "{bad:x?}");
        }
    }

    use proptest::prelude::Strategy as _;

    proptest::proptest! {
        // The SIMD validator must give std's answer, wherever the pieces are cut: the first
        // bad byte's offset, or none. Bytes drawn from a UTF-8-heavy alphabet plus strays, so
        // that both valid runs and every kind of error occur.
        #[test]
        fn agrees_with_std_split_anywhere(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::prelude::any::<char>().prop_map(|c| c.to_string().into_bytes()),
                    proptest::prelude::any::<u8>().prop_map(|b| vec![b]),
                ],
                0..64,
            ),
            cuts in proptest::collection::vec(0usize..256, 0..4),
        ) {
            let bytes: Vec<u8> = parts.concat();
            let expected = match std::str::from_utf8(&bytes) {
                Ok(_) => None,
                Err(e) => Some(e.valid_up_to() as u64),
            };
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.sort_unstable();
            let mut v = Utf8Validator::default();
            let mut from = 0;
            for cut in cuts.into_iter().chain([bytes.len()]) {
                v.feed(&bytes[from..cut]);
                from = cut;
            }
            proptest::prop_assert_eq!(v.finish(), expected);
        }
    }
}
