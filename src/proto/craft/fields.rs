//! The fields form: `fin=0 rsv1=1 opcode=0xb mask=00000000 len=300 payload="a b"`, frames
//! separated by `;`. First the line is split into words (a value may be quoted, so that it
//! holds spaces and `;`), then each frame's words become its header and payload.

use super::error::{CraftError, FieldError};
use crate::hexinput::parse_hex;
use crate::proto::coding::OpCode;
use crate::proto::frame::LengthEncoding;
use crate::proto::limits::{DECLARED_LENGTH_MAX, MESSAGE_MAX};
use crate::proto::send::parse_mask;
use crate::proto::violation::RsvBits;

/// One `key=value` word, unquoted; `value` is `None` for a word without `=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Word {
    pub key: String,
    pub value: Option<String>,
}

/// The line's frames, each a list of words. Empty frames (`;;`, a trailing `;`) are dropped.
pub(super) fn words(line: &str) -> Result<Vec<Vec<Word>>, CraftError> {
    let mut frames = vec![Vec::new()];
    let mut word: Option<Word> = None;
    let mut chars = line.chars().zip(1..).peekable();
    let end_word = |word: &mut Option<Word>, frames: &mut Vec<Vec<Word>>| {
        if let (Some(w), Some(frame)) = (word.take(), frames.last_mut()) {
            frame.push(w);
        }
    };
    while let Some((c, column)) = chars.next() {
        match c {
            ';' => {
                end_word(&mut word, &mut frames);
                frames.push(Vec::new());
            }
            c if c.is_whitespace() => end_word(&mut word, &mut frames),
            '=' if word.as_ref().is_some_and(|w| w.value.is_none()) => {
                let Some(w) = word.as_mut() else { continue };
                let mut value = String::new();
                // A quote opens only where a value starts, so `payload=don't` stays as typed.
                if let Some(&(quote @ ('"' | '\''), _)) = chars.peek() {
                    chars.next();
                    quoted(&mut chars, quote, column + 1, &mut value)?;
                }
                w.value = Some(value);
            }
            c => {
                let w = word.get_or_insert_with(|| Word {
                    key: String::new(),
                    value: None,
                });
                match &mut w.value {
                    Some(value) => value.push(c),
                    None => w.key.push(c),
                }
            }
        }
    }
    end_word(&mut word, &mut frames);
    frames.retain(|f| !f.is_empty());
    Ok(frames)
}

/// Reads a quoted value up to its closing `quote` (opened at `opened`), unescaping it.
fn quoted(
    chars: &mut impl Iterator<Item = (char, usize)>,
    quote: char,
    opened: usize,
    value: &mut String,
) -> Result<(), CraftError> {
    while let Some((c, column)) = chars.next() {
        match c {
            c if c == quote => return Ok(()),
            '\\' => {
                let Some((escape, _)) = chars.next() else {
                    break;
                };
                value.push(match escape {
                    '"' | '\'' | '\\' => escape,
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    '0' => '\0',
                    _ => return Err(CraftError::BadEscape { escape, column }),
                });
            }
            c => value.push(c),
        }
    }
    Err(CraftError::UnclosedQuote { column: opened })
}

/// One frame as its fields describe it: the header's choices, the length it declares, and the
/// payload it carries (not yet masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Described {
    pub fin: bool,
    pub rsv: RsvBits,
    pub opcode: OpCode,
    pub mask: Mask,
    /// The declared length, when `len` gave one; else the payload's.
    pub length: Option<u64>,
    /// The length's form, when one was asked for; else the shortest.
    pub encoding: Option<LengthEncoding>,
    pub payload: Vec<u8>,
}

/// The masking key a frame's fields ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mask {
    /// None given: the caller's fresh key, or none when it has none.
    Fresh,
    /// `mask=HEX8`.
    Key([u8; 4]),
    /// `mask=none`.
    Unmasked,
}

/// Which field set a value that two fields may set, so that a second one is refused by name.
#[derive(Default)]
struct SetBy {
    seen: Vec<String>,
    length: Option<String>,
    encoding: Option<String>,
    payload: Option<String>,
}

impl SetBy {
    fn claim(slot: &mut Option<String>, key: &str, what: &'static str) -> Result<(), FieldError> {
        if let Some(first) = slot {
            return Err(FieldError::Conflict {
                first: first.clone(),
                second: key.to_owned(),
                what,
            });
        }
        *slot = Some(key.to_owned());
        Ok(())
    }
}

/// The frame the words describe, with the defaults: FIN set, RSV clear, text, no length or
/// mask chosen yet.
pub(super) fn describe(words: &[Word]) -> Result<Described, FieldError> {
    let mut d = Described {
        fin: true,
        rsv: RsvBits(0),
        opcode: OpCode::Text,
        mask: Mask::Fresh,
        length: None,
        encoding: None,
        payload: Vec::new(),
    };
    let mut set = SetBy::default();
    for Word { key, value } in words {
        let Some(value) = value else {
            return Err(FieldError::NotKeyValue { word: key.clone() });
        };
        let key = key.to_ascii_lowercase();
        if set.seen.contains(&key) {
            return Err(FieldError::Repeated { key });
        }
        set.seen.push(key.clone());
        field(&mut d, &mut set, &key, value)?;
    }
    Ok(d)
}

fn field(d: &mut Described, set: &mut SetBy, key: &str, value: &str) -> Result<(), FieldError> {
    match key {
        "fin" => d.fin = bit(key, value)?,
        "rsv1" | "rsv2" | "rsv3" => {
            let shift = match key {
                "rsv1" => 0,
                "rsv2" => 1,
                _ => 2,
            };
            d.rsv = RsvBits(d.rsv.0 & !(1 << shift) | u8::from(bit(key, value)?) << shift);
        }
        "opcode" => d.opcode = opcode(value)?,
        "mask" if value.eq_ignore_ascii_case("none") => d.mask = Mask::Unmasked,
        "mask" => {
            let key = parse_mask(value).map_err(|_| FieldError::NotAMask {
                value: value.to_owned(),
            })?;
            d.mask = Mask::Key(key);
        }
        "len" | "len7" | "len16" | "len64" => {
            SetBy::claim(&mut set.length, key, "length")?;
            d.length = Some(length(key, value)?);
            let encoding = match key {
                "len7" => LengthEncoding::Seven,
                "len16" => LengthEncoding::Sixteen,
                "len64" => LengthEncoding::SixtyFour,
                _ => return Ok(()),
            };
            SetBy::claim(&mut set.encoding, key, "length's encoding")?;
            d.encoding = Some(encoding);
        }
        "encoding" => {
            SetBy::claim(&mut set.encoding, key, "length's encoding")?;
            d.encoding = Some(match value {
                "7" => LengthEncoding::Seven,
                "16" => LengthEncoding::Sixteen,
                "64" => LengthEncoding::SixtyFour,
                _ => {
                    return Err(FieldError::NotAnEncoding {
                        value: value.to_owned(),
                    });
                }
            });
        }
        "payload" => {
            SetBy::claim(&mut set.payload, key, "payload")?;
            d.payload = value.as_bytes().to_vec();
        }
        "payload-hex" => {
            SetBy::claim(&mut set.payload, key, "payload")?;
            // An empty value is an empty payload, which hex cannot spell.
            if !value.trim().is_empty() {
                d.payload = parse_hex(value, MESSAGE_MAX).map_err(FieldError::PayloadNotHex)?;
            }
        }
        _ => {
            return Err(FieldError::UnknownKey {
                key: key.to_owned(),
            });
        }
    }
    Ok(())
}

fn bit(key: &str, value: &str) -> Result<bool, FieldError> {
    match value {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => Err(FieldError::NotABit {
            key: key.to_owned(),
            value: value.to_owned(),
        }),
    }
}

fn opcode(value: &str) -> Result<OpCode, FieldError> {
    let named = match value.to_ascii_lowercase().as_str() {
        "text" => Some(OpCode::Text),
        "binary" => Some(OpCode::Binary),
        "close" => Some(OpCode::Close),
        "ping" => Some(OpCode::Ping),
        "pong" => Some(OpCode::Pong),
        "cont" | "continuation" => Some(OpCode::Continuation),
        _ => None,
    };
    named
        .or_else(|| {
            number(value)
                .filter(|n| *n <= 0xf)
                .map(|n| OpCode::from_bits(n as u8))
        })
        .ok_or_else(|| FieldError::NotAnOpcode {
            value: value.to_owned(),
        })
}

fn length(key: &str, value: &str) -> Result<u64, FieldError> {
    let Some((digits, radix)) = digits(value) else {
        return Err(FieldError::NotALength {
            key: key.to_owned(),
            value: value.to_owned(),
        });
    };
    match u64::from_str_radix(digits, radix) {
        Ok(n) if n <= DECLARED_LENGTH_MAX => Ok(n),
        // All digits, yet past the bound (even past u64): a length too large, not a typo.
        _ => Err(FieldError::LengthPastMax {
            key: key.to_owned(),
            length: value.to_owned(),
        }),
    }
}

/// A number in decimal, or in hex after `0x`.
fn number(value: &str) -> Option<u64> {
    let (digits, radix) = digits(value)?;
    u64::from_str_radix(digits, radix).ok()
}

/// The digits of a number and their radix: decimal, or hex after `0x`; `None` when any
/// character is not a digit (`from_str_radix` alone would take a sign).
fn digits(value: &str) -> Option<(&str, u32)> {
    let (digits, radix) = match value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))
    {
        Some(hex) => (hex, 16),
        None => (value, 10),
    };
    (!digits.is_empty() && digits.chars().all(|c| c.is_digit(radix))).then_some((digits, radix))
}
