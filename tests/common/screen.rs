//! Screens drawn on ratatui's `TestBackend`, as text for snapshots.

#![allow(dead_code)]

use ratatui::buffer::Buffer;

/// The buffer's rows, each with its trailing spaces trimmed and a newline after it.
pub fn text(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let line: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Runs of spaces shrunk to two: a time that needs one more digit under load widens its
/// column and shifts the rest of the row, and that must not fail a snapshot.
pub fn squeeze(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mut out = String::with_capacity(line.len());
            let mut spaces = 0;
            for c in line.chars() {
                if c == ' ' {
                    spaces += 1;
                    if spaces <= 2 {
                        out.push(c);
                    }
                } else {
                    spaces = 0;
                    out.push(c);
                }
            }
            out.push('\n');
            out
        })
        .collect()
}
