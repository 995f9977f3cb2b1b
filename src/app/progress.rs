//! Self-paced progress: which steps and checks each lesson has done, and where the learner
//! was. Pure: the bytes of the file come in and go out here; `tui` reads and writes them,
//! atomically (a temporary file, then a rename).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::lesson::graded::{Graded, Tally};

/// The version this build writes. A file from a newer wslab is kept aside, not misread.
pub const VERSION: u32 = 1;

/// Progress in one lesson.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgress {
    /// Steps seen, from 0.
    pub steps: BTreeSet<usize>,
    /// Checks answered right, as "step.check", from 0.
    pub checks: BTreeSet<String>,
    /// The step the learner was on.
    pub last_step: usize,
    /// The last grade of the learner's own server, by step (from 0), shown when they return
    /// to the step. Absent from files of older versions, and left out while empty, so that a
    /// file without grades reads as before.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub grades: BTreeMap<usize, GradeRecord>,
}

/// A grade of a server whose URL the learner typed: what it takes to say, later, how their
/// code did and what to fix first. The lab's own grade is not kept, since it says nothing of
/// the learner's work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeRecord {
    /// The URL graded.
    pub url: String,
    /// When, in seconds since the Unix epoch.
    pub at_unix: u64,
    /// How many cases got each grade.
    pub counts: Tally,
    /// The failure to fix first, if any.
    #[serde(default)]
    pub first_fix: Option<FirstFix>,
}

/// The case to fix first: enough to find it in `wslab grade --list` and on the card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstFix {
    /// Its id: "5.2.3".
    pub id: String,
    /// What it asks, in a few words.
    pub title: String,
}

impl GradeRecord {
    /// What `graded` says that is worth keeping.
    pub fn of(graded: &Graded) -> Self {
        Self {
            url: graded.url.clone(),
            at_unix: graded.at_unix,
            counts: graded.tally,
            first_fix: graded.fix.first().map(|f| FirstFix {
                id: f.id.clone(),
                title: f.title.clone(),
            }),
        }
    }
}

/// Everything saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The file's format.
    pub version: u32,
    /// By lesson id.
    pub lessons: BTreeMap<String, LessonProgress>,
    /// The lesson the learner was in, to resume there.
    pub last_lesson: Option<String>,
    /// Where each lesson was last presented, by lesson id: a presenter who quits mid-lesson
    /// reopens it at that step. Absent from files of older versions.
    #[serde(default)]
    pub presented: BTreeMap<String, usize>,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            version: VERSION,
            lessons: BTreeMap::new(),
            last_lesson: None,
            presented: BTreeMap::new(),
        }
    }
}

/// Why a progress file was not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgressError {
    /// It is not the JSON this wslab writes.
    #[error("the progress file is damaged ({0})")]
    Corrupt(String),
    /// A newer wslab wrote it.
    #[error(
        "the progress file was written by a newer wslab (format {0}, this one reads {VERSION})"
    )]
    Future(u32),
}

impl Progress {
    /// Reads a progress file's bytes.
    ///
    /// # Errors
    /// [`ProgressError`] when the bytes are not a progress file this version reads.
    pub fn parse(bytes: &[u8]) -> Result<Self, ProgressError> {
        #[derive(Deserialize)]
        struct Version {
            version: u32,
        }
        let version: Version =
            serde_json::from_slice(bytes).map_err(|e| ProgressError::Corrupt(e.to_string()))?;
        if version.version > VERSION {
            return Err(ProgressError::Future(version.version));
        }
        serde_json::from_slice(bytes).map_err(|e| ProgressError::Corrupt(e.to_string()))
    }

    /// The file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain maps and sets of strings and numbers cannot fail.
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// The lesson's progress, made if new.
    pub fn lesson(&mut self, id: &str) -> &mut LessonProgress {
        self.lessons.entry(id.to_owned()).or_default()
    }

    /// Whether every step of a lesson of `steps` steps has been seen.
    pub fn is_done(&self, id: &str, steps: usize) -> bool {
        self.lessons
            .get(id)
            .is_some_and(|l| steps > 0 && (0..steps).all(|s| l.steps.contains(&s)))
    }

    /// Whether the lesson has been started.
    pub fn is_started(&self, id: &str) -> bool {
        self.lessons.get(id).is_some_and(|l| !l.steps.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_round_trips() {
        let mut p = Progress::default();
        p.lesson("07-masking").steps.extend([0, 1]);
        p.lesson("07-masking").checks.insert("1.0".into());
        p.last_lesson = Some("07-masking".into());
        let back = Progress::parse(&p.to_bytes()).expect("parses");
        assert_eq!(back, p);
        assert!(back.is_started("07-masking"));
        assert!(back.is_done("07-masking", 2));
        assert!(!back.is_done("07-masking", 3));
        assert!(!back.is_done("01-http", 3));
    }

    #[test]
    fn a_grade_round_trips_and_files_without_one_still_load() {
        let mut p = Progress::default();
        let record = GradeRecord {
            url: "ws://127.0.0.1:8080/".into(),
            at_unix: 1_748_786_580,
            counts: Tally {
                pass: 80,
                fail: 3,
                ..Tally::default()
            },
            first_fix: Some(FirstFix {
                id: "4.2".into(),
                title: "no Sec-WebSocket-Key".into(),
            }),
        };
        p.lesson("19-grade").grades.insert(2, record.clone());
        let bytes = p.to_bytes();
        let back = Progress::parse(&bytes).expect("parses");
        assert_eq!(back.lessons["19-grade"].grades[&2], record);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("\"non_strict\": 0"), "{text}");
        // A file from before grades: no `grades`, no `presented`.
        let old = br#"{"version": 1, "lessons": {"01-http": {"steps": [0, 1], "checks": ["0.0"], "last_step": 1}}, "last_lesson": "01-http"}"#;
        let old = Progress::parse(old).expect("an old file loads");
        assert!(old.lessons["01-http"].grades.is_empty());
        assert!(
            !String::from_utf8(old.to_bytes())
                .unwrap()
                .contains("grades"),
            "a lesson without grades is written as before"
        );
    }

    #[test]
    fn corrupt_and_future_files_are_named() {
        assert!(matches!(
            Progress::parse(b"{not json"),
            Err(ProgressError::Corrupt(_))
        ));
        assert!(matches!(
            Progress::parse(b"{\"version\": 1}"),
            Err(ProgressError::Corrupt(_))
        ));
        assert_eq!(
            Progress::parse(b"{\"version\": 9, \"lessons\": {}}"),
            Err(ProgressError::Future(9))
        );
    }
}
