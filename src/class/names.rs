//! Names are data, not terminal commands: what a student types as a name is neutralised
//! before the hub keeps it and before any screen draws it.

use super::limits::MAX_NAME_CHARS;

/// The name as it may be drawn: escape sequences (CSI, OSC, and the rest, ECMA-48 §5.4)
/// removed whole, control characters (C0, DEL, C1) removed, bidirectional controls and other
/// invisible format characters removed (an RLO, U+202E, would reverse the text after it, and
/// with it a screen's columns, Unicode TR #9), runs of spaces made one, cut to
/// [`MAX_NAME_CHARS`] characters.
pub fn neutralise(raw: &str) -> String {
    let mut out: String = clean(raw).chars().take(MAX_NAME_CHARS).collect();
    out.truncate(out.trim_end().len());
    out
}

/// As [`neutralise`], without the cut: for sentences from the other end (a close reason),
/// which are drawn whole.
pub fn clean(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            skip_escape(&mut chars);
            continue;
        }
        if c == '\u{9b}' {
            // The one-character CSI (C1): its parameters go with it.
            skip_csi(&mut chars);
            continue;
        }
        if c == '\u{9d}' {
            // The one-character OSC.
            skip_string(&mut chars);
            continue;
        }
        // Whitespace (tabs, newlines) is a space: it separates words, and a newline must not
        // start a new row on a screen.
        let c = if c.is_whitespace() { ' ' } else { c };
        if c.is_control() || invisible(c) {
            continue;
        }
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out
}

/// Characters that draw nothing but change how what follows is drawn or read: the bidi
/// embeddings, overrides and isolates and the marks, zero-width characters, the BOM, and the
/// Unicode tag characters.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
        | '\u{feff}' | '\u{fff9}'..='\u{fffb}' | '\u{e0000}'..='\u{e007f}' | '\u{00ad}'
    )
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        // OSC, DCS, SOS, PM, APC: a string up to BEL or ST.
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        // Two-character sequences with intermediates (ESC ( B): the intermediates, then the
        // final character.
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            for n in chars.by_ref() {
                if !('\u{20}'..='\u{2f}').contains(&n) {
                    break;
                }
            }
        }
        // ESC and one final character (ESC c resets the terminal): both go.
        _ => {}
    }
}

/// CSI's parameter and intermediate bytes, through its final byte (0x40–0x7E).
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            // Not a CSI byte: the sequence is broken, and what broke it is dropped with it.
            return;
        }
    }
}

/// A control string, through BEL, ESC \ or ST.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{07}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}
