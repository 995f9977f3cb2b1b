//! The permessage-deflate codec (RFC 7692 §7.2): one message's payload compressed or inflated
//! with the window and context takeover a connection agreed, per direction.

use std::ops::ControlFlow;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use thiserror::Error;

use super::negotiate::WindowBits;

/// The empty stored block a sync flush ends with: the sender removes it from each message
/// (§7.2.1), the receiver appends it before inflating (§7.2.2).
pub const TRAILER: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

// Bytes inflated per call: memory held beyond a message's limit is at most this.
const PIECE: usize = 32 * 1024;

/// Why a message cannot be compressed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeflateError {
    /// zlib writes no raw DEFLATE with a 256-byte window: zlib.h says deflateInit2 rejects
    /// windowBits 8 for raw streams (older versions quietly used 9, a 512-byte window, which a
    /// peer that asked for 8 need not be able to read). So a sender held to 8 by
    /// `*_max_window_bits=8` (RFC 7692 §7.1.2) cannot compress; it may still send each message
    /// uncompressed, with RSV1 clear (§6).
    #[error(
        "a 256-byte window (max_window_bits=8) cannot be written by zlib's raw DEFLATE; messages must go uncompressed (RFC 7692 §7.1.2, §6)"
    )]
    WindowTooSmall,
    /// The compressor failed, which only a bug can cause.
    #[error("the compressor failed: {0}")]
    Failed(String),
}

/// Why a compressed message cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InflateError {
    /// The message inflates past the receiver's limit (RFC 6455 §10.4 asks for one); inflating
    /// stopped there, so a small "zip bomb" never costs its inflated size.
    #[error(
        "the compressed message inflates to more than {limit} bytes, this endpoint's limit; it closes with 1009 (RFC 6455 §7.4.1, §10.4)"
    )]
    TooBig {
        /// The limit, in inflated bytes.
        limit: usize,
        /// How many bytes had been inflated when it stopped: at most the limit and one piece.
        inflated: usize,
    },
    /// The payload is not DEFLATE data. RFC 7692 §7.2.2 gives no close code of its own; the
    /// extension's format is broken, which RFC 6455 §7.4.1 calls a protocol error, 1002 (as
    /// Python's websockets also answers).
    #[error(
        "the compressed message does not inflate ({why}); it closes with 1002 (RFC 7692 §7.2.2, RFC 6455 §7.4.1)"
    )]
    Corrupt {
        /// What the inflater said.
        why: String,
    },
}

impl InflateError {
    /// The close code the receiver fails the connection with (RFC 6455 §7.4.1).
    pub fn close_code(&self) -> u16 {
        match self {
            Self::TooBig { .. } => 1009,
            Self::Corrupt { .. } => 1002,
        }
    }
}

/// One direction's compressor: the sender's side of §7.2.1.
pub struct Deflater {
    state: Compress,
    reset_each: bool,
}

impl std::fmt::Debug for Deflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deflater")
            .field("reset_each", &self.reset_each)
            .finish_non_exhaustive()
    }
}

impl Deflater {
    /// A compressor with a window of `window`, emptied after each message when
    /// `no_context_takeover`.
    ///
    /// # Errors
    /// [`DeflateError::WindowTooSmall`] for a window of 8 bits.
    pub fn new(window: WindowBits, no_context_takeover: bool) -> Result<Self, DeflateError> {
        if window == WindowBits::MIN {
            return Err(DeflateError::WindowTooSmall);
        }
        Ok(Self {
            state: Compress::new_with_window_bits(Compression::default(), false, window.get()),
            reset_each: no_context_takeover,
        })
    }

    /// One message compressed: raw DEFLATE, sync-flushed, its trailing `00 00 ff ff` removed
    /// (§7.2.1). An empty message gives the single byte `00` (§7.2.3.6).
    ///
    /// # Errors
    /// Only if the compressor fails, which only a bug can cause.
    pub fn compress(&mut self, message: &[u8]) -> Result<Vec<u8>, DeflateError> {
        let mut out = Vec::with_capacity(message.len() / 2 + 64);
        let mut read = 0usize;
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(1024));
            }
            let before = self.state.total_in();
            self.state
                .compress_vec(&message[read..], &mut out, FlushCompress::Sync)
                .map_err(|e| DeflateError::Failed(e.to_string()))?;
            read += usize::try_from(self.state.total_in() - before).unwrap_or(usize::MAX);
            // A sync flush is complete when all is read and the output had room to spare.
            if read >= message.len() && out.len() < out.capacity() {
                break;
            }
        }
        if out.ends_with(&TRAILER) {
            out.truncate(out.len() - TRAILER.len());
        }
        // With nothing pending (an empty message right after another flush) zlib writes no
        // bytes at all, and an empty payload would make the receiver read the 00 00 ff ff it
        // appends as a block header, garbling every message after. A lone 0x00 opens the
        // empty stored block that the appended bytes then close (RFC 7692 §7.2.3.6).
        if out.is_empty() {
            out.push(0x00);
        }
        if self.reset_each {
            self.state.reset();
        }
        Ok(out)
    }
}

/// One direction's inflater: the receiver's side of §7.2.2.
pub struct Inflater {
    state: Decompress,
    reset_each: bool,
}

impl std::fmt::Debug for Inflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inflater")
            .field("reset_each", &self.reset_each)
            .finish_non_exhaustive()
    }
}

impl Inflater {
    /// An inflater for a sender whose window is `window`, and who empties it after each
    /// message when `no_context_takeover`. A window of 8 is read with 9: zlib's raw inflate
    /// starts at 9, and a larger window reads everything a smaller one wrote (RFC 1951
    /// distances only reach back as far as the writer's window).
    pub fn new(window: WindowBits, no_context_takeover: bool) -> Self {
        Self {
            state: Decompress::new_with_window_bits(false, window.get().max(9)),
            reset_each: no_context_takeover,
        }
    }

    /// One message's payload inflated, at most `limit` bytes of it.
    ///
    /// # Errors
    /// [`InflateError::TooBig`] past `limit`, checked as each piece comes out;
    /// [`InflateError::Corrupt`] when the payload is not DEFLATE data. Either fails the
    /// connection, so the inflater is not used again: its window is no longer known.
    pub fn inflate(&mut self, payload: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
        let mut out = Vec::new();
        let mut over = None;
        let result = inflate_pieces(&mut self.state, payload, |piece| {
            if out.len() + piece.len() > limit {
                over = Some(out.len() + piece.len());
                return ControlFlow::Break(());
            }
            out.extend_from_slice(piece);
            ControlFlow::Continue(())
        });
        if self.reset_each {
            self.state.reset(false);
        }
        match (result, over) {
            (_, Some(inflated)) => Err(InflateError::TooBig { limit, inflated }),
            (Err(why), None) => Err(InflateError::Corrupt { why }),
            (Ok(_), None) => Ok(out),
        }
    }
}

/// How [`inflate_pieces`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The payload and the trailer were read.
    Flushed,
    /// A final block (BFINAL) ended the stream; the state was reset, so the next message
    /// starts a new stream with an empty window.
    Final,
    /// The caller stopped it.
    Stopped,
}

/// Inflates one message's payload and the trailer (§7.2.2) through `state`, handing each
/// inflated piece (at most 32 KiB) to `piece`, which may stop it. The capture's display and
/// the lab's receiver both read messages through this one loop.
///
/// # Errors
/// The inflater's sentence, when the bytes are not DEFLATE data.
pub fn inflate_pieces(
    state: &mut Decompress,
    payload: &[u8],
    mut piece: impl FnMut(&[u8]) -> ControlFlow<()>,
) -> Result<Ended, String> {
    let mut out = vec![0u8; PIECE];
    for mut input in [payload, &TRAILER[..]] {
        loop {
            let (in_before, out_before) = (state.total_in(), state.total_out());
            let status = state
                .decompress(input, &mut out, FlushDecompress::Sync)
                .map_err(|e| e.to_string())?;
            // Each call moves at most one buffer's worth, so the differences fit a usize.
            let read = usize::try_from(state.total_in() - in_before).unwrap_or(input.len());
            let wrote = usize::try_from(state.total_out() - out_before).unwrap_or(out.len());
            input = &input[read.min(input.len())..];
            if wrote > 0 && piece(&out[..wrote]).is_break() {
                return Ok(Ended::Stopped);
            }
            if status == Status::StreamEnd {
                state.reset(false);
                return Ok(Ended::Final);
            }
            // This part is done when it is all read and the output had room to spare, or
            // when a call moved nothing.
            if (input.is_empty() && wrote < out.len()) || (read == 0 && wrote == 0) {
                break;
            }
        }
    }
    Ok(Ended::Flushed)
}

#[cfg(test)]
#[path = "codec_tests.rs"]
mod tests;
