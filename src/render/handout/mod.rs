//! `wslab handout`: the lessons as a Markdown handout to print, laid out to a page width,
//! with the answers inline or in a key at the end. The lesson text itself comes from
//! `render::lesson`, from the real runs; this only lays it out.

mod wrap;

use std::fmt::Write as _;

pub use wrap::reflow;

/// The narrowest page: a hex row of 16 bytes with its offset takes 55 columns, a field table's
/// columns before their meaning about 45.
pub const MIN_WIDTH: usize = 60;
/// The widest page worth laying out for.
pub const MAX_WIDTH: usize = 200;

/// One lesson's answers, for the key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPart {
    /// "Lesson 6 · Anatomy of a frame".
    pub title: String,
    /// Step number, check number within the step, and the answer with why.
    pub answers: Vec<(usize, usize, String)>,
}

/// The answer key: every lesson's answers, by step and check, as the questions number them.
pub fn answer_key(parts: &[KeyPart]) -> String {
    let mut out = String::from("# Answer key\n\n");
    for part in parts.iter().filter(|p| !p.answers.is_empty()) {
        let _ = writeln!(out, "## {}\n", part.title);
        for (step, check, answer) in &part.answers {
            let _ = writeln!(out, "- **Step {step}, check {check}.** {answer}");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_names_each_answer_by_step_and_check() {
        let parts = [
            KeyPart {
                title: "Lesson 6 · Anatomy of a frame".into(),
                answers: vec![(1, 2, "**Answer:** `5` — Five.".into())],
            },
            KeyPart {
                title: "Lesson 7 · Masking".into(),
                answers: vec![],
            },
        ];
        assert_eq!(
            answer_key(&parts),
            "# Answer key\n\n## Lesson 6 · Anatomy of a frame\n\n- **Step 1, check 2.** **Answer:** `5` — Five.\n\n"
        );
    }
}
