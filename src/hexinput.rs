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

use std::fmt;
use std::iter::Peekable;
use std::str::CharIndices;

use thiserror::Error;

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

/// One run of characters between separators, with what the dump rules need to know about it.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    /// 1-based column of the first character, in characters.
    column: usize,
    /// Whitespace characters between the previous token (or the line start) and this one.
    gap: usize,
    /// Whether `:` and then whitespace or the line end follows, as after an `xxd` offset.
    colon_follows: bool,
}

/// Splits one line into tokens lazily, so a single enormous line costs no memory beyond itself.
struct Tokens<'a> {
    line: &'a str,
    chars: Peekable<CharIndices<'a>>,
    /// Characters consumed so far, which is the column of the last one.
    column: usize,
}

impl<'a> Tokens<'a> {
    fn new(line: &'a str) -> Self {
        let chars = line.char_indices().peekable();
        Tokens {
            line,
            chars,
            column: 0,
        }
    }

    fn advance(&mut self) {
        self.chars.next();
        self.column += 1;
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let mut gap = 0;
        let start = loop {
            let &(index, c) = self.chars.peek()?;
            if !is_separator(c) {
                break index;
            }
            gap += usize::from(c.is_whitespace());
            self.advance();
        };
        let column = self.column + 1;
        // The first character is always taken, so a token may begin with the backslash of `\x81`.
        self.advance();
        let mut end = self.line.len();
        while let Some(&(index, c)) = self.chars.peek() {
            if is_separator(c) || c == '\\' {
                end = index;
                break;
            }
            self.advance();
        }
        let text = self.line.get(start..end).unwrap_or_default();
        let after = self.line.get(end..).and_then(|rest| rest.strip_prefix(':'));
        let colon_follows =
            after.is_some_and(|rest| rest.chars().next().is_none_or(char::is_whitespace));
        Some(Token {
            text,
            column,
            gap,
            colon_follows,
        })
    }
}

/// Characters that only ever separate bytes, including the punctuation of array literals
/// and a byte-order mark that some editors put at the start of a file.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | ';' | ':' | '[' | ']' | '{' | '}' | '\u{feff}')
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
mod tests {
    use super::*;

    /// The masked "Hello" frame from RFC 6455 section 5.7.
    const HELLO: [u8; 11] = [
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];
    const LIMIT: usize = 1 << 20;

    fn parse(text: &str) -> Result<Vec<u8>, HexError> {
        parse_hex(text, LIMIT)
    }

    fn at(line: usize, column: usize) -> Position {
        Position {
            argument: None,
            line,
            column,
        }
    }

    fn not_hex(line: usize, column: usize, token: &str) -> HexError {
        HexError::NotHex {
            at: at(line, column),
            token: token.to_owned(),
        }
    }

    fn odd(line: usize, column: usize, token: &str) -> HexError {
        HexError::OddDigits {
            at: at(line, column),
            token: token.to_owned(),
        }
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|&s| s.to_owned()).collect()
    }

    #[test]
    fn plain_pairs() {
        assert_eq!(parse("81 85 37 fa"), Ok(vec![0x81, 0x85, 0x37, 0xfa]));
    }

    #[test]
    fn one_run() {
        assert_eq!(parse("818537fa"), Ok(vec![0x81, 0x85, 0x37, 0xfa]));
    }

    #[test]
    fn mixed_case() {
        assert_eq!(parse("81 FA fA"), Ok(vec![0x81, 0xfa, 0xfa]));
    }

    #[test]
    fn tabs_and_newlines() {
        assert_eq!(
            parse("81\t85\n37\r\nfa\n"),
            Ok(vec![0x81, 0x85, 0x37, 0xfa])
        );
    }

    #[test]
    fn commas_and_colons() {
        assert_eq!(parse("81,85"), Ok(vec![0x81, 0x85]));
        assert_eq!(parse("81:85:37"), Ok(vec![0x81, 0x85, 0x37]));
    }

    #[test]
    fn prefixed_tokens() {
        assert_eq!(parse("0x81 0x85"), Ok(vec![0x81, 0x85]));
        assert_eq!(parse("0X81"), Ok(vec![0x81]));
        assert_eq!(parse("0x8185"), Ok(vec![0x81, 0x85]));
    }

    #[test]
    fn c_escapes() {
        assert_eq!(parse(r"\x81\x85"), Ok(vec![0x81, 0x85]));
        assert_eq!(parse(r#""\x81\x85""#), Err(not_hex(1, 1, "\"")));
    }

    #[test]
    fn array_literals() {
        assert_eq!(parse("[0x81, 0x85]"), Ok(vec![0x81, 0x85]));
        assert_eq!(parse("{ 0x81, 0x85 };"), Ok(vec![0x81, 0x85]));
    }

    #[test]
    fn comments_are_ignored() {
        let text = "# client frame\n81 85 // FIN + text\n37 fa # mask\n";
        assert_eq!(parse(text), Ok(vec![0x81, 0x85, 0x37, 0xfa]));
    }

    #[test]
    fn hexdump_canonical() {
        let text = "00000000  81 85 37 fa 21 3d 7f 9f  4d 51 58                 |..7.!=..MQX|\n\
                    000000b\n";
        assert_eq!(parse(text), Ok(HELLO.to_vec()));
    }

    #[test]
    fn xxd_default() {
        let text = "00000000: 8185 37fa 213d 7f9f 4d51 58              ..7.!=..MQX\n";
        assert_eq!(parse(text), Ok(HELLO.to_vec()));
    }

    #[test]
    fn xxd_one_byte_groups() {
        let text = "00000000: 81 85 37 fa 21 3d 7f 9f 4d 51 58                 ..7.!=..MQX";
        assert_eq!(parse(text), Ok(HELLO.to_vec()));
    }

    #[test]
    fn wireshark_hex_dump() {
        let text = "0000   81 85 37 fa 21 3d 7f 9f 4d 51 58                  ..7.!=..MQX";
        assert_eq!(parse(text), Ok(HELLO.to_vec()));
    }

    #[test]
    fn od_hex_offsets() {
        let text =
            "000000 81 85 37 fa 21 3d 7f 9f 4d 51 58                 >..7.!=..MQX<\n00000b\n";
        assert_eq!(parse(text), Ok(HELLO.to_vec()));
    }

    #[test]
    fn tcpdump_offsets_with_0x() {
        let text = "\t0x0000:  8185 37fa 213d 7f9f 4d51 58              ..7.!=..MQX";
        assert_eq!(parse(text), Ok(HELLO.to_vec()));
    }

    /// What each tool printed for `ab cdefghijklmnopqrstuvwxyz#//0123`, whose ASCII looks like hex.
    fn alphabet() -> Vec<u8> {
        b"ab cdefghijklmnopqrstuvwxyz#//0123".to_vec()
    }

    #[test]
    fn hexdump_rows_with_hexlike_ascii() {
        let text = "\
00000000  61 62 20 63 64 65 66 67  68 69 6a 6b 6c 6d 6e 6f  |ab cdefghijklmno|
00000010  70 71 72 73 74 75 76 77  78 79 7a 23 2f 2f 30 31  |pqrstuvwxyz#//01|
00000020  32 33                                             |23|
00000022
";
        assert_eq!(parse(text), Ok(alphabet()));
    }

    #[test]
    fn xxd_rows_with_hexlike_ascii() {
        let text = "\
00000000: 6162 2063 6465 6667 6869 6a6b 6c6d 6e6f  ab cdefghijklmno
00000010: 7071 7273 7475 7677 7879 7a23 2f2f 3031  pqrstuvwxyz#//01
00000020: 3233                                     23
";
        assert_eq!(parse(text), Ok(alphabet()));
    }

    #[test]
    fn od_rows_with_hexlike_ascii() {
        let text = "\
000000 61 62 20 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f  >ab cdefghijklmno<
000010 70 71 72 73 74 75 76 77 78 79 7a 23 2f 2f 30 31  >pqrstuvwxyz#//01<
000020 32 33                                            >23<
000022
";
        assert_eq!(parse(text), Ok(alphabet()));
    }

    #[test]
    fn wireshark_short_row_with_hexlike_ascii() {
        let text = "0000   61 62                                              ab";
        assert_eq!(parse(text), Ok(vec![0x61, 0x62]));
    }

    #[test]
    fn wireshark_full_row_stops_after_sixteen() {
        let text = "0000   61 62 63 64 65 66 61 62 63 64 65 66 61 62 63 64 ab cdef";
        assert_eq!(parse(text), Ok(b"abcdefabcdefabcd".to_vec()));
    }

    #[test]
    fn xxd_offsets_need_not_start_at_zero() {
        assert_eq!(parse("00000100: 8185  .."), Ok(vec![0x81, 0x85]));
    }

    #[test]
    fn run_then_pair_is_data_not_offset() {
        assert_eq!(parse("818537fa 21"), Ok(vec![0x81, 0x85, 0x37, 0xfa, 0x21]));
    }

    #[test]
    fn zero_run_then_pairs_reads_as_offset() {
        assert_eq!(parse("0000 81 85"), Ok(vec![0x81, 0x85]));
    }

    #[test]
    fn lone_run_before_any_dump_is_data() {
        assert_eq!(parse("0000000b"), Ok(vec![0, 0, 0, 0x0b]));
    }

    #[test]
    fn dumps_pasted_one_after_another_concatenate() {
        let text = "0000   81 85 37 fa   ..7.\n0000   88 80   ..\n";
        assert_eq!(parse(text), Ok(vec![0x81, 0x85, 0x37, 0xfa, 0x88, 0x80]));
    }

    #[test]
    fn dump_offset_that_skips_bytes_is_an_error() {
        let text = "000000 81 85 37 fa\n000010 21 3d\n";
        let err = HexError::OffsetMismatch {
            at: at(2, 1),
            token: "000010".into(),
            bytes_before: 4,
        };
        assert_eq!(parse(text), Err(err.clone()));
        assert_eq!(
            err.to_string(),
            "line 2, column 1: the dump offset '000010' does not match the 4 bytes read before it; \
             use hex offsets (od -A x), 16 bytes per line, and paste the whole dump"
        );
    }

    #[test]
    fn od_octal_offsets_are_an_error() {
        let text = "0000000 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70\n0000020 71 72\n";
        let err = HexError::OffsetMismatch {
            at: at(2, 1),
            token: "0000020".into(),
            bytes_before: 16,
        };
        assert_eq!(parse(text), Err(err));
    }

    #[test]
    fn hexdump_repeat_marker_is_an_error() {
        let text =
            "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n";
        let err = HexError::RepeatMarker { at: at(2, 1) };
        assert_eq!(parse(text), Err(err.clone()));
        assert_eq!(
            err.to_string(),
            "line 2: '*' marks lines hexdump left out; run hexdump with -v so every byte is printed"
        );
    }

    #[test]
    fn bad_token_position_and_message() {
        let err = parse("81 85 zz").unwrap_err();
        assert_eq!(err, not_hex(1, 7, "zz"));
        assert_eq!(
            err.to_string(),
            "line 1, column 7: 'zz' is not hex (expected digits 0-9 and a-f)"
        );
    }

    #[test]
    fn odd_token_position_and_message() {
        let err = parse("81\n85 0x5").unwrap_err();
        assert_eq!(err, odd(2, 4, "0x5"));
        assert_eq!(
            err.to_string(),
            "line 2, column 4: '0x5' has an odd number of hex digits; every byte needs two"
        );
    }

    #[test]
    fn bare_prefix_is_not_hex() {
        assert_eq!(parse("0x"), Err(not_hex(1, 1, "0x")));
        assert_eq!(parse(r"81 \x"), Err(not_hex(1, 4, r"\x")));
    }

    #[test]
    fn prefix_with_letters_is_not_hex() {
        assert_eq!(parse("0xzz"), Err(not_hex(1, 1, "0xzz")));
    }

    #[test]
    fn lone_letter_is_not_hex() {
        assert_eq!(parse("81 g"), Err(not_hex(1, 4, "g")));
    }

    #[test]
    fn not_hex_wins_over_odd() {
        assert_eq!(parse("8g1"), Err(not_hex(1, 1, "8g1")));
    }

    #[test]
    fn odd_digit_counts() {
        assert_eq!(parse("8"), Err(odd(1, 1, "8")));
        assert_eq!(parse("818"), Err(odd(1, 1, "818")));
        assert_eq!(parse(r"\x81\x8"), Err(odd(1, 5, r"\x8")));
    }

    #[test]
    fn first_bad_token_is_reported() {
        assert_eq!(parse("81 q 8"), Err(not_hex(1, 4, "q")));
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(parse("81 \u{a0}\u{a0}zz"), Err(not_hex(1, 6, "zz")));
        assert_eq!(parse("é"), Err(not_hex(1, 1, "é")));
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        assert_eq!(parse("\u{feff}81 85"), Ok(vec![0x81, 0x85]));
    }

    #[test]
    fn ascii_column_without_offset_is_an_error() {
        let text = "81 85 37 fa  ..7.";
        assert_eq!(parse(text), Err(not_hex(1, 14, "..7.")));
    }

    #[test]
    fn empty_inputs() {
        assert_eq!(parse(""), Err(HexError::Empty));
        assert_eq!(parse("  \n\t\r\n"), Err(HexError::Empty));
        assert_eq!(parse("# nothing\n// here\n"), Err(HexError::Empty));
        assert_eq!(
            HexError::Empty.to_string(),
            "no hex bytes found in the input"
        );
    }

    #[test]
    fn limit_is_enforced() {
        let err = parse_hex("81 85 37 fa", 3).unwrap_err();
        assert_eq!(err, HexError::TooLarge { limit: 3 });
        assert_eq!(
            err.to_string(),
            "the input holds more than 3 bytes of hex; decode a smaller capture"
        );
        assert_eq!(parse_hex("81 85 37", 3), Ok(vec![0x81, 0x85, 0x37]));
        assert_eq!(parse_hex("81", 0), Err(HexError::TooLarge { limit: 0 }));
    }

    #[test]
    fn huge_input_is_refused_before_growing() {
        let run = "00".repeat(1 << 20);
        assert_eq!(parse_hex(&run, 16), Err(HexError::TooLarge { limit: 16 }));
        let spaced = "00 ".repeat(1 << 20);
        assert_eq!(
            parse_hex(&spaced, 16),
            Err(HexError::TooLarge { limit: 16 })
        );
    }

    #[test]
    fn buffer_never_exceeds_limit() {
        let text = format!("81 85 37 {}", " ".repeat(10_000));
        let bytes = parse_hex(&text, 4).unwrap();
        assert_eq!(bytes, vec![0x81, 0x85, 0x37]);
        assert!(bytes.capacity() <= 4);
    }

    #[test]
    fn args_are_joined() {
        let list = args(&["81", "85 37", "0xfa"]);
        assert_eq!(
            parse_hex_args(&list, LIMIT),
            Ok(vec![0x81, 0x85, 0x37, 0xfa])
        );
    }

    #[test]
    fn args_positions_name_the_argument() {
        let err = parse_hex_args(&args(&["81", "85", "zz"]), LIMIT).unwrap_err();
        let at = Position {
            argument: Some(3),
            line: 1,
            column: 1,
        };
        assert_eq!(
            err,
            HexError::NotHex {
                at,
                token: "zz".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "argument 3, column 1: 'zz' is not hex (expected digits 0-9 and a-f)"
        );
    }

    #[test]
    fn args_with_newlines_add_the_line() {
        let err = parse_hex_args(&args(&["81", "85\n 37 8"]), LIMIT).unwrap_err();
        assert_eq!(
            err.to_string(),
            "argument 2, line 2, column 5: '8' has an odd number of hex digits; every byte needs two"
        );
    }

    #[test]
    fn args_repeat_marker_names_the_argument() {
        let err = parse_hex_args(&args(&["81", "*"]), LIMIT).unwrap_err();
        assert!(
            err.to_string().starts_with("argument 2: '*' marks"),
            "{err}"
        );
    }

    #[test]
    fn args_accept_a_dump_and_enforce_the_limit() {
        let dump = args(&["00000000  81 85 37 fa 21 3d 7f 9f  4d 51 58  |..7.!=..MQX|"]);
        assert_eq!(parse_hex_args(&dump, LIMIT), Ok(HELLO.to_vec()));
        assert_eq!(
            parse_hex_args(&dump, 10),
            Err(HexError::TooLarge { limit: 10 })
        );
        assert_eq!(parse_hex_args(&[], LIMIT), Err(HexError::Empty));
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for text in [
            "\\",
            ":",
            "::::",
            "0x:",
            "*",
            "* *",
            "0000:",
            "00000000:  ",
            "\\x\\x",
            "0x0x81",
            "0000",
            "ffffffffffffffffffffffff 00",
            "#",
            "//",
            "/",
            "\u{feff}",
            "é:é",
            "\r",
        ] {
            let _ = parse_hex(text, 8);
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_respects_the_limit(
            text in "[0-9a-fA-Fx:*#/|>. \t\n\\\\,é]{0,120}",
            limit in 0usize..40,
        ) {
            if let Ok(bytes) = parse_hex(&text, limit) {
                proptest::prop_assert!(!bytes.is_empty() && bytes.len() <= limit);
                proptest::prop_assert!(bytes.capacity() <= limit);
            }
        }

        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,200}") {
            let _ = parse_hex(&text, 64);
        }

        #[test]
        fn spaced_pairs_round_trip(bytes in proptest::collection::vec(proptest::num::u8::ANY, 1..64)) {
            let text: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
            proptest::prop_assert_eq!(parse_hex(&text.join(" "), 64), Ok(bytes));
        }
    }
}
