//! Lesson 19's grade step on screen: the card pane at 80×24 and 120×40 from a card laid out
//! by the real layout over the suite's own cases (verdicts chosen here, the time pinned), the
//! saved grade shown on return, the URL typed and checked, and one run on real sockets whose
//! grade is saved through the progress file and shown again after a reload.

use std::sync::Arc;

use wslab::app::keymap::Key;
use wslab::app::progress::{FirstFix, GradeRecord};
use wslab::app::{App, Effect, Live, Mode, Msg, update};
use wslab::files::store::Store;
use wslab::grade::outcome::Evidence;
use wslab::grade::{Card, Grade, Outcome, Verdict};
use wslab::lesson::graded::{Graded, Tally};
use wslab::lesson::model::InputField;
use wslab::lesson::outcome::ActionRun;
use wslab::run::exercise::{laid_out, selected};
use wslab::run::{Runner, Settings};

use crate::fixture::{app, index_of, keys};
use crate::screen::{SIZES, lessons as screen};

const LESSON: &str = "19-grade-your-own";
/// The step that takes the learner's URL, from 0.
const OWN: usize = 2;
/// 2025-06-01 14:03 UTC.
const AT: u64 = 1_748_786_580;
const URL: &str = "ws://127.0.0.1:8080/echo";

const PATTERNS: [&str; 5] = [
    "handshake",
    "framing",
    "masking",
    "utf-8",
    "permessage-deflate",
];

/// A card laid out by the real layout over the suite's own cases, with verdicts chosen by
/// `verdict` (from a case's id) and the time pinned.
fn card(url: &str, typed: bool, verdict: impl Fn(&str) -> (Grade, &'static str)) -> Graded {
    let patterns: Vec<String> = PATTERNS.map(String::from).to_vec();
    let outcomes = selected(&patterns)
        .unwrap()
        .into_iter()
        .map(|case| {
            let (grade, did) = verdict(&case.id);
            Outcome {
                case,
                verdict: Verdict::new(grade, did),
                evidence: Evidence::default(),
                took_ms: 1.0,
            }
        })
        .collect();
    let card = Card {
        target: url.to_owned(),
        outcomes,
        took_ms: 412.0,
    };
    let mut g = laid_out(&card, typed, None, &patterns);
    g.at_unix = AT;
    g
}

/// A beginner's server: every case passed but a handshake, a masking and a UTF-8 failure,
/// the fail-fast question reported, and the extension declined.
fn beginner() -> Graded {
    card(URL, true, |id| match id {
        "4.2" => (Grade::Fail, "it answered 101 and opened the connection"),
        "5.3.1" | "8.1.7" => (
            Grade::Fail,
            "it took the frame: the message came back, then close 1000",
        ),
        "8.1.14" => (
            Grade::Info,
            "it echoed the fragment before the message ended",
        ),
        "7692.1" => (Grade::Info, "it declined permessage-deflate"),
        id if id.starts_with("7692.") => (
            Grade::Skipped,
            "the server declined permessage-deflate, so this case could not run",
        ),
        _ => (Grade::Pass, "it did what the rule asks"),
    })
}

/// The lab's own /echo: nothing broken, the fail-fast question reported.
fn lab() -> Graded {
    card("ws://127.0.0.1:9001/echo", false, |id| match id {
        "8.1.14" => (
            Grade::Info,
            "it failed fast, before the message's last fragment was sent",
        ),
        _ => (Grade::Pass, "it did what the rule asks"),
    })
}

/// Lesson 19 open at its own-server step, its lab up, and its grade ended with `graded`.
fn ran(mode: Mode, graded: Option<Graded>, error: Option<&str>) -> App {
    let mut a = app(mode);
    let lesson = index_of(&a, LESSON);
    a.open(lesson);
    assert!(a.jump(OWN));
    update(
        &mut a,
        Msg::Started {
            lesson,
            capture: Arc::default(),
        },
    );
    let runs = vec![ActionRun {
        graded,
        error: error.map(str::to_owned),
        ..ActionRun::default()
    }];
    update(
        &mut a,
        Msg::Ran {
            lesson,
            step: OWN,
            runs,
        },
    );
    a
}

fn saved_earlier() -> GradeRecord {
    GradeRecord {
        url: URL.to_owned(),
        at_unix: AT - 86_400,
        counts: Tally {
            pass: 60,
            fail: 5,
            info: 2,
            skipped: 10,
            ..Tally::default()
        },
        first_fix: Some(FirstFix {
            id: "4.2".into(),
            title: "no Sec-WebSocket-Key".into(),
        }),
    }
}

#[test]
fn the_card_pane_leads_with_the_verdict_and_the_rule_to_fix_first() {
    let a = ran(Mode::Learn, Some(beginner()), None);
    for size in SIZES {
        let shown = screen(&a, size);
        for line in [
            "Graded ws://127.0.0.1:8080/echo",
            "Fix first: 4.2 no Sec-WebSocket-Key",
        ] {
            assert!(shown.contains(line), "{line:?} not at {size:?}:\n{shown}");
        }
        insta::assert_snapshot!(format!("grade_card_{}x{}", size.0, size.1), shown);
    }
}

#[test]
fn scrolled_the_card_shows_every_part_and_the_failures_after_the_first() {
    let mut a = ran(Mode::Learn, Some(beginner()), None);
    keys(&mut a, &[Key::Tab]);
    for _ in 0..6 {
        keys(&mut a, &[Key::Down]);
    }
    let shown = screen(&a, (120, 40));
    for line in [
        "Masking (§5.1, §5.3)             6 pass · 1 FAIL",
        "permessage-deflate (RFC 7692)    1 info · 10 skipped",
        "Then fix, in this order:",
        "  5.3.1 ",
        "  8.1.7 ",
        "handshake,framing,masking,utf-8,permessage-deflate",
    ] {
        assert!(shown.contains(line), "{line:?} not on\n{shown}");
    }
    // The scroll stops at the card's last line.
    for _ in 0..100 {
        keys(&mut a, &[Key::Down]);
    }
    let end = screen(&a, (120, 40));
    assert!(end.contains("Each case that did not pass"), "{end}");
}

#[test]
fn back_at_the_step_the_saved_grade_shows_above_the_lab_s_card() {
    let mut a = app(Mode::Learn);
    a.progress
        .lesson(LESSON)
        .grades
        .insert(OWN, saved_earlier());
    let lesson = index_of(&a, LESSON);
    a.open(lesson);
    assert!(a.jump(OWN));
    // Before the step runs, the pane already shows the saved grade.
    let waiting = screen(&a, (80, 24));
    assert!(
        waiting.contains("Your last grade, saved 2025-05-31 14:03 UTC:"),
        "{waiting}"
    );
    let a = {
        let mut a = a;
        update(
            &mut a,
            Msg::Started {
                lesson,
                capture: Arc::default(),
            },
        );
        update(
            &mut a,
            Msg::Ran {
                lesson,
                step: OWN,
                runs: vec![ActionRun {
                    graded: Some(lab()),
                    ..ActionRun::default()
                }],
            },
        );
        a
    };
    assert_eq!(
        a.progress.lessons[LESSON].grades[&OWN],
        saved_earlier(),
        "the lab's grade is not the learner's to keep"
    );
    for size in SIZES {
        insta::assert_snapshot!(
            format!("grade_returned_{}x{}", size.0, size.1),
            screen(&a, size)
        );
    }
}

#[test]
fn a_server_that_cannot_be_reached_is_one_sentence_in_the_pane() {
    let a = ran(
        Mode::Learn,
        None,
        Some("nothing is listening on 127.0.0.1:8080 (connection refused); is the server running?"),
    );
    let shown = screen(&a, (80, 24));
    assert!(
        shown.contains("This action failed: nothing is listening on 127.0.0.1:8080"),
        "{shown}"
    );
    assert!(shown.contains("No card: no case could run."), "{shown}");
    insta::assert_snapshot!("grade_unreachable_80x24", shown);
}

#[test]
fn a_typed_url_is_checked_before_anything_is_sent_and_mended_with_i() {
    let mut a = ran(Mode::Learn, None, Some("not run"));
    let lesson = index_of(&a, LESSON);
    keys(&mut a, &[Key::Char('i')]);
    let typed: Vec<Key> = "localhost:8080".chars().map(Key::Char).collect();
    keys(&mut a, &typed);
    let effects = keys(&mut a, &[Key::Enter]);
    assert!(effects.is_empty(), "nothing runs: {effects:?}");
    assert_eq!(
        a.status.as_deref(),
        Some(
            "\"localhost:8080\" is not a URL: write it as ws://HOST:PORT/PATH, e.g. ws://127.0.0.1:9001/echo (i edits it)"
        )
    );
    // The whole sentence is on screen, over as many rows as it needs.
    let shown = screen(&a, (80, 24));
    assert!(
        shown.contains("ws://127.0.0.1:9001/echo (i edits it)"),
        "{shown}"
    );
    // `i` brings the text back to mend.
    keys(&mut a, &[Key::Char('i')]);
    assert_eq!(
        a.lesson.as_ref().unwrap().typing.as_deref(),
        Some("localhost:8080")
    );
    for _ in 0.."localhost:8080".len() {
        keys(&mut a, &[Key::Backspace]);
    }
    let typed: Vec<Key> = URL.chars().map(Key::Char).collect();
    keys(&mut a, &typed);
    let effects = keys(&mut a, &[Key::Enter]);
    assert_eq!(
        effects,
        [Effect::Run {
            lesson,
            step: OWN,
            input: Some((InputField::Url, URL.to_owned())),
        }]
    );
    assert!(a.status.is_none());
}

#[test]
fn a_class_s_grade_is_neither_saved_nor_shown() {
    let present = Mode::Present {
        notes: false,
        blank: false,
        revealed: false,
    };
    let mut a = ran(present, Some(beginner()), None);
    assert!(
        a.progress
            .lessons
            .get(LESSON)
            .is_none_or(|l| l.grades.is_empty())
    );
    // Nor is a presenter's own saved grade the room's to see, or to start typing from.
    a.progress
        .lesson(LESSON)
        .grades
        .insert(OWN, saved_earlier());
    assert!(!screen(&a, (120, 40)).contains("Your last grade"));
    keys(&mut a, &[Key::Char('i')]);
    assert_eq!(a.lesson.as_ref().unwrap().typing.as_deref(), Some(""));
}

fn temp_store(name: &str) -> Store {
    let dir = std::env::temp_dir().join(format!("wslab-ui-grade-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    Store::new(dir)
}

/// The step grades the lab's own /echo as it opens; a URL typed while that runs is kept, not
/// run, and comes back with `i` once the lab's grade has ended.
async fn typed_while_the_lab_runs(a: &mut App, runner: &Runner, url: &str) {
    let lesson = index_of(a, LESSON);
    assert_eq!(a.lesson.as_ref().unwrap().live[OWN], Live::Running);
    keys(a, &[Key::Char('i')]);
    let typed: Vec<Key> = url.chars().map(Key::Char).collect();
    keys(a, &typed);
    assert!(keys(a, &[Key::Enter]).is_empty());
    assert!(
        a.status
            .as_deref()
            .is_some_and(|s| s.contains("still running")),
        "{:?}",
        a.status
    );
    let lab = runner
        .run(&a.lessons[lesson].steps[OWN].actions[0], None)
        .await;
    assert!(lab.graded.as_ref().is_some_and(|g| !g.typed));
    let effects = update(
        a,
        Msg::Ran {
            lesson,
            step: OWN,
            runs: vec![lab],
        },
    );
    assert!(effects.is_empty(), "the lab's own grade is not saved");
    keys(a, &[Key::Char('i')]);
    assert_eq!(
        a.lesson.as_ref().unwrap().typing.as_deref(),
        Some(url),
        "the value kept"
    );
    keys(a, &[Key::Esc]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_grade_is_drawn_saved_and_shown_again_after_a_reload() {
    let runner = Runner::start(Settings {
        quick: true,
        ..Settings::default()
    })
    .await
    .expect("the lab starts");
    let mut a = app(Mode::Learn);
    let lesson = index_of(&a, LESSON);
    a.open(lesson);
    assert!(a.jump(OWN));
    update(
        &mut a,
        Msg::Started {
            lesson,
            capture: Arc::new(runner.recorder().snapshot()),
        },
    );
    // The lab's strict-mask fault answers 101 to any request, so its card has failures.
    let url = format!("ws://{}/fault/strict-mask", runner.lab_addr());
    typed_while_the_lab_runs(&mut a, &runner, &url).await;
    keys(&mut a, &[Key::Char('i')]);
    let effects = keys(&mut a, &[Key::Enter]);
    let Some(Effect::Run { step, input, .. }) = effects.into_iter().next() else {
        panic!("the step runs");
    };
    assert_eq!(a.lesson.as_ref().unwrap().live[OWN], Live::Running);
    // As the terminal loop runs a step: each action in turn, the typed value to the first,
    // each case's line handed to the app while it runs.
    let mut runs = Vec::new();
    let mut lines = Vec::new();
    for action in &a.lessons[lesson].steps[step].actions.clone() {
        let typed = input.as_ref().map(|(f, v)| (*f, v.as_str()));
        runs.push(
            runner
                .run_reporting(action, typed, &mut |line| lines.push(line))
                .await,
        );
    }
    update(
        &mut a,
        Msg::Progress {
            lesson,
            step,
            line: lines[0].clone(),
        },
    );
    assert!(
        screen(&a, (80, 24)).contains("case 1 of "),
        "how far the grade is, while it runs"
    );
    let effects = update(&mut a, Msg::Ran { lesson, step, runs });
    assert_eq!(effects, [Effect::Save]);
    let shown = screen(&a, (120, 40));
    assert!(shown.contains(&format!("Graded {url}")), "{shown}");
    assert!(shown.contains("Fix first: 4."), "{shown}");
    let record = a.progress.lessons[LESSON].grades[&OWN].clone();
    assert_eq!(record.url, url);
    assert!(record.counts.fail > 0);
    assert!(
        record
            .first_fix
            .as_ref()
            .is_some_and(|f| f.id.starts_with("4."))
    );
    // Through the progress file and back, atomically as every save.
    let store = temp_store("reload");
    store.save(&a.progress).unwrap();
    let (progress, said) = store.load();
    assert_eq!(said, None);
    assert_eq!(progress.lessons[LESSON].grades[&OWN], record);
    let mut again = app(Mode::Learn);
    again.progress = progress;
    again.open(lesson);
    assert!(again.jump(OWN));
    let shown = screen(&again, (120, 40));
    assert!(shown.contains("Your last grade, saved "), "{shown}");
    assert!(shown.contains(&url), "{shown}");
    keys(&mut again, &[Key::Char('i')]);
    assert_eq!(
        again.lesson.as_ref().unwrap().typing.as_deref(),
        Some(url.as_str()),
        "i starts from the URL graded last"
    );
    store.reset().unwrap();
    runner.shutdown().await;
}

#[test]
fn a_progress_file_from_before_grades_still_loads() {
    let store = temp_store("old");
    std::fs::create_dir_all(store.dir()).unwrap();
    std::fs::write(
        store.dir().join("progress.json"),
        br#"{"version": 1, "lessons": {"19-grade-your-own": {"steps": [0], "checks": [], "last_step": 0}}, "last_lesson": null}"#,
    )
    .unwrap();
    let (progress, said) = store.load();
    assert_eq!(said, None, "no complaint about an old file");
    assert!(progress.lessons[LESSON].grades.is_empty());
    let _ = App::new(Vec::new(), Vec::new(), 0, progress, Mode::Learn);
    store.reset().unwrap();
}
