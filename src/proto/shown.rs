//! Text as every view shows it: a text payload, a close reason, a value typed to send.
//!
//! One way, everywhere (the README's "How text is shown" says the same):
//! - the text goes between double quotes as it is written, with nothing escaped, so
//!   `{"msg":"café"}` reads `"{"msg":"café"}"`, its 14 characters as the class counts them;
//! - a control character shows as its Unicode control picture: `␀`…`␟` for bytes 0–31 (a
//!   newline is `␊`, a tab `␉`), `␡` for 127;
//! - any other character that prints nothing (C1 controls, zero-width and direction marks, the
//!   byte-order mark) shows as its code point, `⟨U+200B⟩`;
//! - a text shown only in part ends with `…` after its closing quote: `"Hello wo"…`.

/// The control picture or code point a character shows as, or `None` when it prints itself.
fn stand_in(c: char) -> Option<String> {
    let n = u32::from(c);
    match n {
        0..=0x1f => char::from_u32(0x2400 + n).map(String::from),
        0x7f => Some("␡".to_owned()),
        0x80..=0x9f | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x2064 | 0xfeff => {
            Some(format!("⟨U+{n:04X}⟩"))
        }
        _ => None,
    }
}

/// `text` with every character that prints nothing made visible, without quotes.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match stand_in(c) {
            Some(s) => out.push_str(&s),
            None => out.push(c),
        }
    }
    out
}

/// `text` in quotes, whole.
pub fn quoted(text: &str) -> String {
    format!("\"{}\"", visible(text))
}

/// `text` in quotes in at most `room` characters, quotes and ellipsis included (at least 4):
/// cut with `…` after the closing quote when it does not fit, or when `more` says the text
/// shown is itself only the start of a longer one.
pub fn quoted_fit(text: &str, room: usize, more: bool) -> String {
    let whole = quoted(text);
    if !more && whole.chars().count() <= room {
        return whole;
    }
    // Room for the text between `"` and `"…`.
    let inside = room.max(4) - 3;
    let mut kept = String::new();
    let mut used = 0;
    for c in text.chars() {
        let shown = stand_in(c).unwrap_or_else(|| c.to_string());
        let n = shown.chars().count();
        if used + n > inside {
            break;
        }
        kept.push_str(&shown);
        used += n;
    }
    format!("\"{kept}\"…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_shown_as_written() {
        assert_eq!(quoted(r#"{"msg":"café"}"#), r#""{"msg":"café"}""#);
        assert_eq!(quoted(r"a\b"), r#""a\b""#, "a backslash is a backslash");
    }

    #[test]
    fn control_characters_show_as_control_pictures() {
        assert_eq!(visible("a\nb\tc\r\0\x1b\x7f"), "a␊b␉c␍␀␛␡");
        assert_eq!(visible("x\u{200b}y\u{85}"), "x⟨U+200B⟩y⟨U+0085⟩");
        assert_eq!(visible("é ✓ 漢"), "é ✓ 漢", "printing characters stay");
    }

    #[test]
    fn a_cut_ends_with_an_ellipsis_after_the_quote() {
        assert_eq!(quoted_fit("Hello", 7, false), "\"Hello\"");
        assert_eq!(quoted_fit("Hello world", 10, false), "\"Hello w\"…");
        assert_eq!(
            quoted_fit("Hello", 20, true),
            "\"Hello\"…",
            "the start of more"
        );
        assert_eq!(
            quoted_fit("a\u{85}b", 8, false),
            "\"a\"…",
            "a stand-in is never split"
        );
        assert!(quoted_fit("long text", 0, false).chars().count() <= 4);
    }
}
