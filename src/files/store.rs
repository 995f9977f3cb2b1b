//! Where progress and logs live: the platform's data directory, and the progress file read
//! and written whole, atomically, so a crash mid-write never loses what was there.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::app::progress::{Progress, ProgressError};

/// The progress file's name in the data directory.
const FILE: &str = "progress.json";

/// The data directory: `WSLAB_DATA_DIR` if set, else the platform's own (XDG on Linux,
/// Application Support on macOS, %APPDATA% on Windows).
pub fn data_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("WSLAB_DATA_DIR") {
        return Some(dir);
    }
    if cfg!(windows) {
        return var("APPDATA").map(|d| d.join("wslab"));
    }
    if cfg!(target_os = "macos") {
        return var("HOME").map(|h| h.join("Library/Application Support/wslab"));
    }
    var("XDG_DATA_HOME")
        .or_else(|| var("HOME").map(|h| h.join(".local/share")))
        .map(|d| d.join("wslab"))
}

/// The progress file of a data directory.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// A store in `dir`, made on the first save.
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The progress saved, or a fresh one. A damaged file, or one from a newer wslab, is kept
    /// beside it as `progress.json.bak` and the learner starts over; the returned sentence
    /// says so.
    pub fn load(&self) -> (Progress, Option<String>) {
        let path = self.dir.join(FILE);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return (Progress::default(), None),
            Err(e) => {
                return (
                    Progress::default(),
                    Some(format!("progress could not be read ({e}); starting fresh")),
                );
            }
        };
        match Progress::parse(&bytes) {
            Ok(progress) => (progress, None),
            Err(error) => {
                let backup = self.dir.join(format!("{FILE}.bak"));
                let kept = std::fs::rename(&path, &backup).is_ok();
                let kept = if kept {
                    format!("; it was kept as {}", backup.display())
                } else {
                    String::new()
                };
                let why = match error {
                    ProgressError::Corrupt(_) | ProgressError::Future(_) => error.to_string(),
                };
                (
                    Progress::default(),
                    Some(format!("{why}, so progress starts over{kept}")),
                )
            }
        }
    }

    /// Writes `progress` atomically: a temporary file, synced, then renamed over the old one.
    ///
    /// # Errors
    /// When the directory cannot be made or written.
    pub fn save(&self, progress: &Progress) -> io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        super::write_atomically(&self.dir.join(FILE), &progress.to_bytes())
    }

    /// Removes the progress file, for `--reset-progress`.
    ///
    /// # Errors
    /// When it exists and cannot be removed.
    pub fn reset(&self) -> io::Result<()> {
        match std::fs::remove_file(self.dir.join(FILE)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Appends a line to the log file; the screen belongs to the UI. Failing to log is not
    /// worth failing for.
    pub fn log(&self, line: &str) {
        let _ = std::fs::create_dir_all(&self.dir);
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("wslab.log"))
        {
            let _ = writeln!(f, "{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("wslab-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn saves_atomically_and_loads_back() {
        let store = Store::new(temp("round"));
        let mut p = Progress::default();
        p.lesson("01-http").steps.insert(2);
        store.save(&p).unwrap();
        assert!(!store.dir().join("progress.json.tmp").exists());
        assert_eq!(store.load(), (p, None));
        store.reset().unwrap();
        assert_eq!(store.load().0, Progress::default());
    }

    #[test]
    fn a_damaged_or_future_file_is_kept_aside_and_reset() {
        for (name, bytes, said) in [
            (
                "corrupt",
                &b"{\"version\": 1, \"lessons\": [}"[..],
                "damaged",
            ),
            (
                "future",
                &b"{\"version\": 99, \"lessons\": {}}"[..],
                "newer wslab",
            ),
        ] {
            let store = Store::new(temp(name));
            std::fs::create_dir_all(store.dir()).unwrap();
            std::fs::write(store.dir().join("progress.json"), bytes).unwrap();
            let (progress, message) = store.load();
            assert_eq!(progress, Progress::default());
            let message = message.expect("a message");
            assert!(
                message.contains(said) && message.contains("starts over"),
                "{message}"
            );
            assert_eq!(
                std::fs::read(store.dir().join("progress.json.bak")).unwrap(),
                bytes
            );
        }
    }
}
