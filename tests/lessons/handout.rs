//! `wslab handout`: the lessons chosen, run for real, laid out to a page, with the answers
//! inline or in a key at the end.

use std::process::{Command, Output};

fn handout(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wslab"))
        .arg("handout")
        .args(args)
        .output()
        .unwrap()
}

fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn the_whole_course_without_answers_asks_every_question_and_keys_every_answer_at_the_end() {
    let out = handout(&["--all", "--no-answers", "--brief", "--quick"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(widest(&text) <= 100, "a line is {} columns", widest(&text));
    let (lessons, key) = text
        .split_once("\n# Answer key\n")
        .expect("an answer key at the end");
    assert!(!lessons.contains("**Answer:**"), "no answer before the key");
    assert!(lessons.contains("### Check yourself"));
    let asked = lessons.matches("### Check yourself").count();
    assert!(asked >= 18, "{asked}");
    let questions = lessons
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()) && l.contains(". **"))
        .count();
    let keyed = key.lines().filter(|l| l.starts_with("- **Step ")).count();
    // Predictions are asked twice (before and after the bytes), answered once.
    assert!(
        keyed > 100 && keyed <= questions,
        "{keyed} answers, {questions} questions"
    );
    assert!(!lessons.contains("(chart)"), "--brief drops the charts");
    assert!(
        !lessons.contains("Request rules (RFC 6455"),
        "--brief counts the rules that hold"
    );
    assert!(lessons.contains("handshake rules hold"));
    assert!(
        lessons.contains("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="),
        "heads stay"
    );
    // The bytes stay: the RFC's own masked Hello, as lesson 6 pins it.
    assert!(
        lessons.contains("81 85 37 fa 21 3d 7f 9f"),
        "the bytes stay"
    );
}

#[test]
fn lessons_are_chosen_by_range_and_list_and_prose_wraps_to_the_width() {
    let out = handout(&["1-2,6", "--width", "72", "--quick"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let titles: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("# Lesson "))
        .collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(titles[2].starts_with("# Lesson 6 of "), "{titles:?}");
    assert!(text.contains("**Answer:**"), "answers inline by default");
    // Headings are one line in Markdown; everything else fits the page.
    let over: Vec<&str> = text
        .lines()
        .filter(|l| l.chars().count() > 72 && !l.starts_with('#'))
        .collect();
    assert!(over.is_empty(), "{over:?}");
}

#[test]
fn a_bad_width_or_lesson_is_one_sentence_and_exit_2() {
    for (args, says) in [
        (
            &["1", "--width", "20"][..],
            "--width 20 is not a page width",
        ),
        (&["99"][..], "there is no lesson \"99\""),
        (&["3-1"][..], "write the lower number first"),
    ] {
        let out = handout(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(out.stdout.is_empty());
    }
}
