//! A read-only copy of a transcript, taken at one moment: what the screens draw from. The
//! taps record under a lock; a screen that drew inside that lock would make them wait, so
//! the terminal loops take a snapshot (a short copy under the lock) and draw from it after.

use std::ops::Deref;

use super::transcript::Transcript;

/// A transcript frozen at one moment, to read and never to record into.
#[derive(Debug, Default)]
pub struct Snapshot {
    transcript: Transcript,
}

impl Snapshot {
    /// A copy of `transcript` as it is now. Frames, messages and raw chunks share their
    /// payload buffers with the original, so the copy costs the lists, not the bytes.
    pub fn of(transcript: &Transcript) -> Self {
        Self {
            transcript: transcript.copy(),
        }
    }
}

impl From<Transcript> for Snapshot {
    /// A finished transcript, kept as it is: nothing records into it again.
    fn from(transcript: Transcript) -> Self {
        Self { transcript }
    }
}

impl Deref for Snapshot {
    type Target = Transcript;

    fn deref(&self) -> &Transcript {
        &self.transcript
    }
}
