//! Frames crafted by hand: what a person typed, as hex or as fields, turned into the exact
//! bytes to write on a socket, bypassing the WebSocket library, so that any frame can be sent
//! (a reserved opcode, RSV bits, a lying length, half a frame) to watch how a peer reacts.
//! `connect --send-raw` and the inspector's raw composer both read through [`parse`].
//!
//! A line whose first word holds `=` is fields, one frame per `;`-separated group:
//! `fin=0 rsv1=1 opcode=0xb mask=00000000 len=300 payload="a b"`. Any other line is hex in any
//! shape [`crate::hexinput::parse_hex`] reads, sent exactly as typed, whatever it holds.

mod error;
mod fields;

use std::fmt;

pub use error::{CraftError, FieldError, KEYS};

use super::dissector::{Config, Dissector, Event, Incomplete, Side};
use super::encode::{FrameSpec, header};
use super::frame::{Frame, LengthEncoding};
use super::limits::{CRAFTED_FRAMES_MAX, MESSAGE_MAX};
use super::mask::apply_mask;
use crate::hexinput::{HexError, parse_hex};
use fields::{Described, Mask, describe, words};

/// The bytes to send, and what a reader should know about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crafted {
    /// Exactly what goes on the wire.
    pub bytes: Vec<u8>,
    /// How they were typed.
    pub form: Form,
    /// What the bytes alone do not say: a frame whose length is not its payload's.
    pub notes: Vec<Note>,
}

/// How a line was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Hex, sent as typed.
    Hex,
    /// Fields, this many frames.
    Fields(usize),
}

/// Something a crafted line does on purpose that its reader should be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// `len` declares a length the payload does not have: a lie the peer must catch.
    LengthLie {
        /// The 1-based frame.
        frame: usize,
        /// The length the header declares.
        declared: u64,
        /// The payload bytes the frame carries.
        carried: u64,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Note::LengthLie {
            frame,
            declared,
            carried,
        } = *self;
        let unit = if declared == 1 { "byte" } else { "bytes" };
        write!(
            f,
            "frame {frame} declares {declared} payload {unit} but carries {carried}: "
        )?;
        if declared > carried {
            write!(
                f,
                "the server waits for {} more and reads whatever comes next (another frame, the close) as the rest of it",
                declared - carried
            )
        } else {
            write!(
                f,
                "the server reads {declared} and takes the last {} as the start of the next frame",
                carried - declared
            )
        }
    }
}

impl Crafted {
    /// In a few words: how many bytes, and how they were typed.
    pub fn summary(&self) -> String {
        let n = self.bytes.len();
        let bytes = if n == 1 { "byte" } else { "bytes" };
        match self.form {
            Form::Hex => format!("{n} {bytes} typed as hex, sent exactly as typed"),
            Form::Fields(1) => format!("1 frame typed as fields, {n} {bytes}"),
            Form::Fields(k) => format!("{k} frames typed as fields, {n} {bytes}"),
        }
    }
}

/// Turns `text` into the bytes it describes. A frame typed as fields without `mask=` takes
/// the key `fresh` gives (a client's frames are masked with a fresh key each, RFC 6455 §5.3),
/// or none when it gives none.
///
/// # Errors
/// The first mistake, in one sentence; see [`CraftError`].
///
/// ```
/// use wslab::proto::craft::parse;
///
/// // RFC 6455 §5.7's masked "Hello", typed as fields.
/// let crafted = parse("mask=37fa213d payload=Hello", &mut || None).unwrap();
/// assert_eq!(crafted.bytes, [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
/// ```
pub fn parse(
    text: &str,
    fresh: &mut dyn FnMut() -> Option<[u8; 4]>,
) -> Result<Crafted, CraftError> {
    // Every byte takes two characters of hex at least, and no more than a line's worth of
    // fields is kept, so a longer line is refused before anything is built from it.
    if text.len() / 2 > MESSAGE_MAX {
        return Err(CraftError::TooLarge { limit: MESSAGE_MAX });
    }
    let Some(first) = text.split_whitespace().next() else {
        return Err(CraftError::Empty);
    };
    if !first.contains('=') {
        let bytes = parse_hex(text, MESSAGE_MAX).map_err(|e| match e {
            HexError::TooLarge { limit } => CraftError::TooLarge { limit },
            other => CraftError::NotHex(other),
        })?;
        return Ok(Crafted {
            bytes,
            form: Form::Hex,
            notes: Vec::new(),
        });
    }
    let frames = words(text)?;
    if frames.len() > CRAFTED_FRAMES_MAX {
        return Err(CraftError::TooManyFrames {
            limit: CRAFTED_FRAMES_MAX,
        });
    }
    let several = frames.len() > 1;
    let mut crafted = Crafted {
        bytes: Vec::new(),
        form: Form::Fields(frames.len()),
        notes: Vec::new(),
    };
    for (i, words) in frames.iter().enumerate() {
        let frame = i + 1;
        let at = |error| CraftError::Field {
            frame,
            several,
            error,
        };
        let described = describe(words).map_err(at)?;
        put(&mut crafted, frame, &described, fresh).map_err(at)?;
        if crafted.bytes.len() > MESSAGE_MAX {
            return Err(CraftError::TooLarge { limit: MESSAGE_MAX });
        }
    }
    Ok(crafted)
}

/// Appends frame number `frame` as `d` describes it.
fn put(
    crafted: &mut Crafted,
    frame: usize,
    d: &Described,
    fresh: &mut dyn FnMut() -> Option<[u8; 4]>,
) -> Result<(), FieldError> {
    let carried = d.payload.len() as u64;
    let declared = d.length.unwrap_or(carried);
    let most = match d.encoding {
        Some(LengthEncoding::Seven) => Some((7, 125)),
        Some(LengthEncoding::Sixteen) => Some((16, 0xffff)),
        _ => None,
    };
    if let Some((bits, max)) = most.filter(|(_, max)| declared > *max) {
        return Err(FieldError::EncodingTooSmall {
            length: declared,
            bits,
            max,
        });
    }
    let mask = match d.mask {
        Mask::Fresh => fresh(),
        Mask::Key(key) => Some(key),
        Mask::Unmasked => None,
    };
    let spec = FrameSpec {
        fin: d.fin,
        rsv: d.rsv,
        opcode: d.opcode,
        mask,
        length: d.encoding,
    };
    crafted.bytes.extend(header(spec, declared));
    let start = crafted.bytes.len();
    crafted.bytes.extend_from_slice(&d.payload);
    if let Some(key) = mask {
        apply_mask(&mut crafted.bytes[start..], key, 0);
    }
    if declared != carried {
        crafted.notes.push(Note::LengthLie {
            frame,
            declared,
            carried,
        });
    }
    Ok(())
}

/// Crafted bytes read back as a server reads them: the frames they hold, with the rules each
/// breaks, and the frame they stop inside, if they do.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// The complete frames.
    pub frames: Vec<Frame>,
    /// The frame the bytes stop inside, its header complete.
    pub pending: Option<Frame>,
    /// Where the bytes stop inside a frame, if they do.
    pub incomplete: Option<Incomplete>,
}

/// Reads `bytes` as a client's frames, as the server will.
pub fn read_back(bytes: &[u8]) -> Reading {
    let mut dissector = Dissector::new(Config::new(Side::Client));
    let frames = dissector
        .feed(bytes)
        .into_iter()
        .filter_map(|event| match event {
            Event::Frame(frame) => Some(frame),
            Event::Message(_) => None,
        })
        .collect();
    Reading {
        frames,
        pending: dissector.pending_frame(),
        incomplete: dissector.incomplete(),
    }
}

#[cfg(test)]
mod tests;
