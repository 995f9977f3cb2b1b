//! Turning hex text that a person typed or pasted into bytes.
//!
//! People copy captures out of many tools, so this accepts every common shape
//! rather than asking them to clean it up first: plain pairs (`81 85`, `8185`,
//! `81:85`, `81,85`), prefixed tokens (`0x81`, `0x8185`, `\x81\x85`), array
//! literals (`[0x81, 0x85]`), `#` and `//` comments, and the dumps printed by
//! `hexdump -C`, `xxd`, `od -A x -t x1z`, `tcpdump -X` and Wireshark's
//! "Copy as Hex Dump". Dumps carry an offset column and an ASCII column that
//! are not data, and telling them apart from data follows these rules:
//!
//! - **Colon offsets** (`xxd`, `tcpdump -X`): a line whose first token is four
//!   or more hex digits (optionally after `0x`) followed by `:` and a space.
//!   The value is not checked, because `xxd -s` starts anywhere. The hex area
//!   ends at the first run of two or more spaces, because the ASCII column can
//!   look like hex (bytes `61 62` print as `ab`) and only the spacing is
//!   reliable.
//! - **Bare offsets** (`hexdump -C`, `od`, Wireshark): a line whose first token
//!   is four or more hex digits, followed by a token of exactly two hex digits,
//!   and whose value is either the number of bytes read so far or zero (zero
//!   starts another dump, so several pasted dumps decode as one stream). The
//!   value check is what keeps a plain run such as `818537fa 21` from being
//!   mistaken for an offset. After such an offset the line yields at most 16
//!   two-digit tokens and stops early at any other token (the `|…|` or `>…<`
//!   ASCII column) or at a gap of three or more spaces (Wireshark's undelimited
//!   ASCII column, which is always padded that far).
//! - Once a bare offset has been seen, a line holding only an offset (the final
//!   `0000000b` of `hexdump -C`) adds nothing, and an offset that does not match
//!   the byte count is an error rather than data, since it means rows were
//!   dropped or the offsets are not hex (`od` prints octal by default).
//! - `*` alone on a line is hexdump's "identical lines omitted" marker; the
//!   bytes it stands for are not in the text, so it is an error.
//!
//! The one input this reads differently from what a person might mean is a
//! plain line starting with `0000` followed by pairs, such as `0000 81 85`:
//! the `0000` is taken as an offset. Writing `00 00 81 85` avoids that.

mod tokens;

use std::fmt;

use thiserror::Error;

use tokens::{Token, Tokens};

/// Where in the input a problem is, so the user can find the token in what they pasted.
///
/// Columns count characters, not bytes, because that is what an editor shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The 1-based command-line argument the token came from, or `None` for text
    /// read as a whole (stdin or a file); it changes how the position reads.
    pub argument: Option<usize>,
    /// The 1-based line, counted within the argument when `argument` is set.
    pub line: usize,
    /// The 1-based column of the token's first character, counted in characters.
    pub column: usize,
}

impl Position {
    /// The same line with another column, for each token found on it.
    fn with_column(self, column: usize) -> Self {
        Position { column, ..self }
    }

    /// The position without its column, for problems that concern a whole line.
    fn line_label(self) -> LineLabel {
        LineLabel(self)
    }
}

/// Reads "line 3", "argument 2" or "argument 2, line 3", whichever names the place naturally.
struct LineLabel(Position);

impl fmt::Display for LineLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.argument {
            None => write!(f, "line {}", self.0.line),
            Some(argument) if self.0.line == 1 => write!(f, "argument {argument}"),
            Some(argument) => write!(f, "argument {argument}, line {}", self.0.line),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, column {}", self.line_label(), self.column)
    }
}

/// Why hex text could not be turned into bytes, one variant per rule, each a readable sentence.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HexError {
    /// A token holds something other than hex digits after its optional prefix.
    #[error("{at}: '{token}' is not hex (expected digits 0-9 and a-f)")]
    NotHex {
        /// Where the token starts.
        at: Position,
        /// The token as written.
        token: String,
    },
    /// A token's digits cannot be split into bytes, which usually means a digit was lost.
    #[error("{at}: '{token}' has an odd number of hex digits; every byte needs two")]
    OddDigits {
        /// Where the token starts.
        at: Position,
        /// The token as written.
        token: String,
    },
    /// Nothing to decode, which usually means the wrong file or an empty paste.
    #[error("no hex bytes found in the input")]
    Empty,
    /// The input decodes to more bytes than the caller allows, so memory stays bounded.
    #[error("the input holds more than {limit} bytes of hex; decode a smaller capture")]
    TooLarge {
        /// The most bytes the caller accepts.
        limit: usize,
    },
    /// hexdump printed `*` in place of repeated lines, so the bytes are not in the text.
    #[error(
        "{}: '*' marks lines hexdump left out; run hexdump with -v so every byte is printed",
        .at.line_label()
    )]
    RepeatMarker {
        /// Where the `*` is.
        at: Position,
    },
    /// A dump's offset disagrees with the bytes before it, so rows are missing or the offsets are not hex.
    #[error(
        "{at}: the dump offset '{token}' does not match the {bytes_before} bytes read before it; \
         use hex offsets (od -A x), 16 bytes per line, and paste the whole dump"
    )]
    OffsetMismatch {
        /// Where the offset starts.
        at: Position,
        /// The offset as written.
        token: String,
        /// How many bytes had been decoded when the offset was met.
        bytes_before: usize,
    },
}

/// Parse hex text into bytes.
///
/// `limit` bounds the number of decoded bytes (returning [`HexError::TooLarge`] past it, without
/// allocating beyond it) so that hostile or mistaken input cannot exhaust memory.
///
/// # Errors
///
/// Returns the first problem met, in reading order; see [`HexError`].
pub fn parse_hex(text: &str, limit: usize) -> Result<Vec<u8>, HexError> {
    let mut parser = Parser::new(limit, text.len());
    for (index, line) in text.lines().enumerate() {
        parser.line(
            line,
            Position {
                argument: None,
                line: index + 1,
                column: 1,
            },
        )?;
    }
    parser.finish()
}

/// Parse hex given as command-line arguments into bytes, as if the arguments were lines of one text.
///
/// Positions name the argument ("argument 3, column 1") because that is what the user typed; an
/// argument that itself holds newlines gets a line number within it as well. Dump offsets keep
/// counting across arguments, exactly as across lines.
///
/// # Errors
///
/// Returns the first problem met, in reading order; see [`HexError`].
pub fn parse_hex_args(args: &[String], limit: usize) -> Result<Vec<u8>, HexError> {
    let total = args.iter().map(String::len).fold(0, usize::saturating_add);
    let mut parser = Parser::new(limit, total);
    for (arg_index, arg) in args.iter().enumerate() {
        for (line_index, line) in arg.lines().enumerate() {
            let base = Position {
                argument: Some(arg_index + 1),
                line: line_index + 1,
                column: 1,
            };
            parser.line(line, base)?;
        }
    }
    parser.finish()
}

/// Decoding state carried from line to line, because dump offsets are checked against it.
struct Parser {
    out: Vec<u8>,
    limit: usize,
    /// Set once a bare offset was recognised, so that later offset-only lines can be too.
    in_dump: bool,
}

impl Parser {
    fn new(limit: usize, text_len: usize) -> Self {
        // Every byte takes at least two characters, and never more than `limit` are kept.
        let capacity = limit.min(text_len / 2);
        Parser {
            out: Vec::with_capacity(capacity),
            limit,
            in_dump: false,
        }
    }

    fn finish(self) -> Result<Vec<u8>, HexError> {
        if self.out.is_empty() {
            Err(HexError::Empty)
        } else {
            Ok(self.out)
        }
    }

    fn line(&mut self, line: &str, base: Position) -> Result<(), HexError> {
        let mut tokens = Tokens::new(strip_comment(line)).peekable();
        let Some(first) = tokens.next() else {
            return Ok(());
        };
        let second = tokens.peek().copied();
        let at = base.with_column(first.column);
        if first.text == "*" && second.is_none() {
            return Err(HexError::RepeatMarker { at });
        }
        if first.colon_follows && is_colon_offset(first.text) {
            return self.colon_row(tokens, base);
        }
        let pair_follows = second.is_some_and(|t| is_byte_pair(t.text));
        let offset_only = second.is_none() && self.in_dump;
        if is_bare_offset(first.text) && (pair_follows || offset_only) {
            match offset_value(first.text) {
                Some(value) if value == self.out.len() || value == 0 => {
                    self.in_dump = true;
                    return self.bare_row(tokens, base);
                }
                _ if self.in_dump => {
                    let token = first.text.to_owned();
                    return Err(HexError::OffsetMismatch {
                        at,
                        token,
                        bytes_before: self.out.len(),
                    });
                }
                _ => {}
            }
        }
        self.token(first, base)?;
        tokens.try_for_each(|token| self.token(token, base))
    }

    /// The rest of an `xxd` or `tcpdump -X` row: groups up to the wide gap before the ASCII column.
    fn colon_row<'a>(
        &mut self,
        tokens: impl Iterator<Item = Token<'a>>,
        base: Position,
    ) -> Result<(), HexError> {
        for (index, token) in tokens.enumerate() {
            if index > 0 && token.gap >= 2 {
                break;
            }
            self.token(token, base)?;
        }
        Ok(())
    }

    /// The rest of a `hexdump -C`, `od` or Wireshark row: up to 16 pairs, then the ASCII column.
    fn bare_row<'a>(
        &mut self,
        tokens: impl Iterator<Item = Token<'a>>,
        base: Position,
    ) -> Result<(), HexError> {
        for (index, token) in tokens.enumerate() {
            if index == 16 || !is_byte_pair(token.text) || (index > 0 && token.gap >= 3) {
                break;
            }
            self.token(token, base)?;
        }
        Ok(())
    }

    fn token(&mut self, token: Token<'_>, base: Position) -> Result<(), HexError> {
        let at = base.with_column(token.column);
        let digits = strip_prefix(token.text);
        if !all_hex(digits) {
            return Err(HexError::NotHex {
                at,
                token: token.text.to_owned(),
            });
        }
        if !digits.len().is_multiple_of(2) {
            return Err(HexError::OddDigits {
                at,
                token: token.text.to_owned(),
            });
        }
        // Checked before pushing so that one enormous token is refused without growing the buffer.
        if digits.len() / 2 > self.limit.saturating_sub(self.out.len()) {
            return Err(HexError::TooLarge { limit: self.limit });
        }
        for pair in digits.as_bytes().chunks_exact(2) {
            if let [high, low] = *pair {
                self.out.push(nibble(high) << 4 | nibble(low));
            }
        }
        Ok(())
    }
}

/// The line without its `#` or `//` comment.
fn strip_comment(line: &str) -> &str {
    let cut = [line.find('#'), line.find("//")]
        .into_iter()
        .flatten()
        .min();
    cut.and_then(|cut| line.get(..cut)).unwrap_or(line)
}

/// The digits of a token, without the `0x` or `\x` that marks them as hex.
fn strip_prefix(text: &str) -> &str {
    ["0x", "0X", "\\x", "\\X"]
        .into_iter()
        .find_map(|prefix| text.strip_prefix(prefix))
        .unwrap_or(text)
}

fn all_hex(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_byte_pair(text: &str) -> bool {
    text.len() == 2 && all_hex(text)
}

/// Four digits is the shortest offset any common dump prints, and shorter runs are too likely data.
fn is_bare_offset(text: &str) -> bool {
    text.len() >= 4 && all_hex(text)
}

fn is_colon_offset(text: &str) -> bool {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    is_bare_offset(digits)
}

/// `None` for offsets too large to be a byte count, which then match nothing.
fn offset_value(text: &str) -> Option<usize> {
    usize::from_str_radix(text, 16).ok()
}

/// The value of one hex digit; callers have already checked that it is one.
fn nibble(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => 0,
    }
}

#[cfg(test)]
mod tests;
