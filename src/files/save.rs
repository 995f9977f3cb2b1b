//! `--save FILE`: a capture written as pcap, HAR or JSON Lines, chosen by the file's
//! extension. The format and the folder are checked before any socket opens, so a typo costs
//! no exchange; the file is written to a temporary name beside it and renamed into place, so
//! a reader never sees half a capture and a failed write leaves any older file whole.

use std::path::{Path, PathBuf};

use super::{folder, write_atomically};
use crate::export::{Format, export};
use crate::net::Recorder;

/// A capture that cannot be saved there, in one sentence; the commands exit 2 with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SaveError(pub String);

/// Where to save, and as what.
#[derive(Debug, Clone)]
pub struct Target {
    /// The file as given.
    pub path: PathBuf,
    /// The format its extension names.
    pub format: Format,
}

impl Target {
    /// Checks a `--save` path: a known extension, and a folder that exists.
    ///
    /// # Errors
    /// [`SaveError`] in one sentence naming the extensions or the missing folder.
    pub fn check(path: &Path) -> Result<Self, SaveError> {
        let format = Format::from_path(path).map_err(|e| SaveError(format!("--save: {e}")))?;
        let folder = folder(path);
        if !folder.is_dir() {
            return Err(SaveError(format!(
                "--save: cannot write {}: the folder {} does not exist",
                path.display(),
                folder.display()
            )));
        }
        Ok(Self {
            path: path.to_path_buf(),
            format,
        })
    }

    /// The same format at `path` with `suffix` before the extension: `out.pcap` and
    /// `07-masking` give `out-07-masking.pcap`. For `lesson --all`, one file per lesson.
    #[must_use]
    pub fn suffixed(&self, suffix: &str) -> Self {
        let stem = self
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = self
            .path
            .extension()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self {
            path: self.path.with_file_name(format!("{stem}-{suffix}.{ext}")),
            format: self.format,
        }
    }

    /// Exports the recorder's transcript and writes it.
    ///
    /// # Errors
    /// [`SaveError`] in one sentence when the file cannot be written.
    pub fn write(&self, recorder: &Recorder) -> Result<(), SaveError> {
        // The wall-clock base is taken now, with the transcript's "now", so both clocks agree.
        let base = recorder.unix_base_us();
        let bytes = recorder.read(|t| export(t, self.format, base));
        write_atomically(&self.path, &bytes)
            .map_err(|e| SaveError(format!("--save: cannot write {}: {e}", self.path.display())))
    }
}

/// Writes the capture beside the user as `wslab-<name>-<secs>.pcap` (for Wireshark) and
/// `.har`, for the `s` key of the inspector and the proxy view; says where, or why not.
pub fn save_here(recorder: &Recorder, name: &str) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut written = Vec::new();
    for ext in ["pcap", "har"] {
        let path = PathBuf::from(format!("wslab-{name}-{secs}.{ext}"));
        match Target::check(&path).and_then(|t| t.write(recorder)) {
            Ok(()) => written.push(path.display().to_string()),
            Err(e) => return e.to_string(),
        }
    }
    format!(
        "Saved {}: open the pcap in Wireshark, the HAR in a browser's devtools.",
        written.join(" and ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_and_suffixes() {
        let err = Target::check(Path::new("out.txt")).expect_err("txt");
        assert!(err.0.contains(".pcap, .har, .jsonl or .ndjson"), "{err}");
        let err = Target::check(Path::new("/no/such/folder/x.pcap")).expect_err("folder");
        assert!(err.0.contains("does not exist"), "{err}");
        let t = Target::check(Path::new("out.pcap")).expect("fine");
        assert_eq!(
            t.suffixed("07-masking").path,
            Path::new("out-07-masking.pcap")
        );
    }
}
