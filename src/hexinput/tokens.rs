//! Splitting a line into tokens, with the spacing that tells a dump's columns apart.

use std::iter::Peekable;
use std::str::CharIndices;

/// One run of characters between separators, with what the dump rules need to know about it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Token<'a> {
    pub(super) text: &'a str,
    /// 1-based column of the first character, in characters.
    pub(super) column: usize,
    /// Whitespace characters between the previous token (or the line start) and this one.
    pub(super) gap: usize,
    /// Whether `:` and then whitespace or the line end follows, as after an `xxd` offset.
    pub(super) colon_follows: bool,
}

/// Splits one line into tokens lazily, so a single enormous line costs no memory beyond itself.
pub(super) struct Tokens<'a> {
    line: &'a str,
    chars: Peekable<CharIndices<'a>>,
    /// Characters consumed so far, which is the column of the last one.
    column: usize,
}

impl<'a> Tokens<'a> {
    pub(super) fn new(line: &'a str) -> Self {
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
