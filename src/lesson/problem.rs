//! What `lessons check` reports: a place in a file and one sentence.

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The lesson loads but something is worth knowing: it is incomplete, or unlisted.
    Warning,
    /// The lesson cannot be used as written.
    Error,
}

/// One problem, at a file, line and column (both from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, as the user named it.
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub col: usize,
    /// Error or warning.
    pub severity: Severity,
    /// One sentence.
    pub message: String,
}

impl Problem {
    /// An error at `at`.
    pub fn error(file: &str, at: (usize, usize), message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: at.0,
            col: at.1,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    /// A warning at `at`.
    pub fn warning(file: &str, at: (usize, usize), message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, at, message)
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{}:{}:{}: {level}: {}",
            self.file, self.line, self.col, self.message
        )
    }
}

/// Byte offsets to line and column, for one file.
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, starts }
    }

    /// Line and column (characters, from 1) of byte `offset`; past the end is the end.
    pub fn at(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let lines = Lines::new("ab\nçd\n\nx");
        assert_eq!(lines.at(0), (1, 1));
        assert_eq!(lines.at(2), (1, 3));
        assert_eq!(lines.at(3), (2, 1));
        assert_eq!(lines.at(5), (2, 2), "ç is one character of two bytes");
        assert_eq!(lines.at(7), (3, 1));
        assert_eq!(lines.at(8), (4, 1));
        assert_eq!(lines.at(99), (4, 2));
    }

    #[test]
    fn problems_print_as_compilers_do() {
        let p = Problem::error("lessons/01.md", (3, 7), "unknown action kind \"htp\"");
        assert_eq!(
            p.to_string(),
            "lessons/01.md:3:7: error: unknown action kind \"htp\""
        );
    }
}
