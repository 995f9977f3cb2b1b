//! Exports of a Transcript to files other tools read: pcap for Wireshark and tshark, HAR for
//! browsers' devtools and HAR viewers, JSON Lines for scripts. Pure: each returns bytes or a
//! string, and `cmd/` writes them.
//!
//! Every export takes `base_unix_us`, the wall-clock time of the transcript's µs zero in µs
//! since the Unix epoch. The transcript's clock is monotonic from the capture's start and
//! knows no calendar, so the caller supplies the base: `SystemTime::now()` at export time
//! minus the transcript's own "now", which `net::Recorder::unix_base_us` gives.

pub mod har;
pub mod jsonl;
pub mod pcap;

use thiserror::Error;

use crate::capture::Transcript;

pub use har::har;
pub use jsonl::jsonl;
pub use pcap::pcap;

/// A file format wslab exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Classic libpcap, synthetic IPv4/TCP packets (`.pcap`).
    Pcap,
    /// HTTP Archive 1.2 with Chrome's `_webSocketMessages` (`.har`).
    Har,
    /// One JSON object per event (`.jsonl`, `.ndjson`).
    JsonLines,
}

/// A file name whose extension names no format.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "{path:?} does not end in .pcap, .har, .jsonl or .ndjson, so wslab cannot tell which format to write"
)]
pub struct UnknownFormat {
    /// The path as given.
    pub path: String,
}

impl Format {
    /// The format a file name asks for, by its extension (case-insensitive).
    ///
    /// # Errors
    /// [`UnknownFormat`] when the extension is none of .pcap, .har, .jsonl, .ndjson.
    pub fn from_path(path: &std::path::Path) -> Result<Self, UnknownFormat> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("pcap") => Ok(Self::Pcap),
            Some("har") => Ok(Self::Har),
            Some("jsonl" | "ndjson") => Ok(Self::JsonLines),
            _ => Err(UnknownFormat {
                path: path.display().to_string(),
            }),
        }
    }
}

/// The transcript in `format`, as the bytes of a file.
pub fn export(t: &Transcript, format: Format, base_unix_us: u64) -> Vec<u8> {
    match format {
        Format::Pcap => pcap(t, base_unix_us),
        Format::Har => har(t, base_unix_us).into_bytes(),
        Format::JsonLines => jsonl(t, base_unix_us).into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::from_path(Path::new("a.pcap")), Ok(Format::Pcap));
        assert_eq!(Format::from_path(Path::new("a.HAR")), Ok(Format::Har));
        assert_eq!(
            Format::from_path(Path::new("x/a.ndjson")),
            Ok(Format::JsonLines)
        );
        assert_eq!(
            Format::from_path(Path::new("a.jsonl")),
            Ok(Format::JsonLines)
        );
        let err = Format::from_path(Path::new("a.txt")).expect_err("txt is no format");
        assert!(err.to_string().contains(".pcap, .har, .jsonl or .ndjson"));
        assert!(Format::from_path(Path::new("noext")).is_err());
    }
}
