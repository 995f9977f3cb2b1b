//! JSON Lines: one object per line, in time order, for scripts; schema version 1, as
//! docs/jsonl.md documents. The lines are those of render/lines/, the very ones `proxy --no-tui`
//! prints as the capture grows, so a saved capture and a live one read alike.

use crate::capture::Transcript;
use crate::render::lines::{of_transcript, write};

/// The transcript as JSON Lines, one object a line. `base_unix_us` is the wall-clock time of
/// the transcript's zero (see the module `export`).
pub fn jsonl(t: &Transcript, base_unix_us: u64) -> String {
    let mut out = Vec::new();
    for line in of_transcript(t, base_unix_us) {
        // Writing to memory fails only when serializing does, and these shapes hold
        // strings, numbers and lists only.
        let _ = write(&mut out, &line);
    }
    String::from_utf8(out).unwrap_or_default()
}
