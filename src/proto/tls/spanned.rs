//! A value read from the wire with where its bytes were: the records and the handshake
//! messages inside them both use it, so it sits below both.

use std::ops::Range;

/// A value read from the wire, with the stream offsets of its bytes.
///
/// A field of a handshake message split over two records has a span that also covers the
/// second record's header, which sits between its bytes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Its bytes, as stream offsets.
    pub span: Range<u64>,
}
