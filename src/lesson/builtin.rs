//! The lessons built into the binary, from `lessons/` at build time (see build.rs).

use super::source::SourceFile;

mod files {
    include!(concat!(env!("OUT_DIR"), "/lessons.rs"));
}

/// The built-in files, shown as `lessons/NAME` in messages.
pub fn files() -> Vec<SourceFile> {
    files::FILES
        .iter()
        .map(|(name, text)| SourceFile::new(name, &format!("lessons/{name}"), text))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_index_is_built_in() {
        assert!(super::files().iter().any(|f| f.name == "index.toml"));
    }
}
