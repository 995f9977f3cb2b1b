//! Lesson files are user input: whatever a teacher's editor leaves in one, parsing and linting
//! give problems, never a panic. Shipped lessons, cut and spliced at random, are the input.

use proptest::prelude::*;
use wslab::lesson::builtin;
use wslab::lesson::lint::lint;
use wslab::lesson::parse;

fn texts() -> Vec<String> {
    builtin::files()
        .into_iter()
        .filter(|f| f.text.starts_with("+++"))
        .map(|f| f.text)
        .collect()
}

/// The char boundary at or before `at`.
fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn cut_and_spliced_lessons_never_panic(
        which in 0usize..19,
        cut in 0usize..20_000,
        other in 0usize..19,
        from in 0usize..20_000,
        junk in "[\\[\\]=\"`+#\\n a-z0-9{},.]{0,40}",
    ) {
        let texts = texts();
        let a = &texts[which % texts.len()];
        let b = &texts[other % texts.len()];
        let spliced = format!("{}{junk}{}", &a[..floor(a, cut)], &b[floor(b, from)..]);
        let parsed = parse("fuzz.md", &spliced);
        for p in &parsed.problems {
            prop_assert!(p.line >= 1 && p.col >= 1, "{p}");
        }
        if let Some(lesson) = parsed.lesson {
            let _ = lint(&lesson);
            let _ = wslab::run::exercise::lint(&lesson);
        }
    }
}
