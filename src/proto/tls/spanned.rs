//! A value read from the wire with the offsets of its bytes: what every field of a hello
//! and a record carries, so that a view can light the bytes it explains.

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
