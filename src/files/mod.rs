//! Files wslab writes and reads on the user's disk: the data directory and its progress file
//! (`store`), and captures saved with `--save` or `s` (`save`). Every write goes through
//! [`write_atomically`], so a reader never sees half a file and a crash never loses the old
//! one. The commands (`cmd/`) and the terminal loops (`tui/`) both use this; it sits below
//! them so that neither has to import the other.

pub mod save;
pub mod store;

use std::io::Write as _;
use std::path::Path;

/// The folder a path is in, `.` for a bare name.
pub fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to `path` whole or not at all: to a temporary file beside it, synced, then
/// a rename.
///
/// # Errors
/// The file system's error; the temporary file is removed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Beside the target, so the rename stays on one file system and is atomic.
    let temp = folder(path).join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
