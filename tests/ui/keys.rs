//! The app's update logic driven by key sequences, without a terminal: what each key does to
//! the state, and which effects (open a lab, run a step, save) it asks for.

use wslab::app::keymap::Key;
use wslab::app::progress::Progress;
use wslab::app::{App, Effect, Focus, Live, Mode, Msg, Screen, update};
use wslab::cmd::lessons::library;
use wslab::lesson::model::InputField;

use crate::fixture::{app, index_of, keys, lesson_after_hello};
use crate::screen;

/// One lesson of three steps: a plain live step, one that asks for a prediction first, and
/// another plain one.
fn custom() -> App {
    let action = "[[action]]\nkind = \"websocket\"\n";
    let check = "[[check]]\nkind = \"choice\"\nquestion = \"q\"\noptions = [\"a\", \"b\"]\nanswer = 2\nfeedback = \"f\"\nhints = [\"h\"]\n";
    let text = format!(
        "+++\nid = \"t\"\ntitle = \"T\"\nminutes = 5\nobjectives = [\"o\"]\nnotes = \"n\"\n+++\n## One\nProse.\n```wslab\n{action}```\n## Two\nProse.\n```wslab\n{action}{check}predict = true\n```\n## Three\nProse.\n```wslab\n{action}```\n"
    );
    let lesson = wslab::lesson::parse("t.md", &text).lesson.expect("parses");
    App::new(vec![lesson], vec![1], 1, Progress::default(), Mode::Learn)
}

#[test]
fn the_menu_moves_and_opens_a_lesson() {
    let mut a = app(Mode::Learn);
    assert_eq!(a.screen, Screen::Menu);
    keys(&mut a, &[Key::Char('j'), Key::Char('j'), Key::Up]);
    assert_eq!(a.menu, 1);
    keys(&mut a, &[Key::Char('G')]);
    assert_eq!(a.menu, a.lessons.len() - 1);
    keys(&mut a, &[Key::Home]);
    assert_eq!(a.menu, 0);
    let effects = keys(&mut a, &[Key::Enter]);
    assert_eq!(effects, [Effect::Open(0)]);
    assert_eq!(a.screen, Screen::Lesson);
}

#[test]
fn a_lab_that_starts_runs_the_step_and_its_result_is_kept() {
    let mut a = custom();
    keys(&mut a, &[Key::Enter]);
    let effects = update(
        &mut a,
        Msg::Started {
            lesson: 0,
            capture: std::sync::Arc::default(),
        },
    );
    assert_eq!(
        effects,
        [Effect::Run {
            lesson: 0,
            step: 0,
            input: None
        }]
    );
    assert_eq!(a.lesson.as_ref().unwrap().live[0], Live::Running);
    update(
        &mut a,
        Msg::Ran {
            lesson: 0,
            step: 0,
            runs: vec![],
        },
    );
    assert_eq!(a.lesson.as_ref().unwrap().live[0], Live::Done(vec![]));
    // A result for another lesson (one closed meanwhile) changes nothing.
    update(
        &mut a,
        Msg::Ran {
            lesson: 5,
            step: 0,
            runs: vec![],
        },
    );
}

#[test]
fn steps_move_save_progress_and_run_once() {
    let mut a = custom();
    keys(&mut a, &[Key::Enter]);
    update(
        &mut a,
        Msg::Started {
            lesson: 0,
            capture: std::sync::Arc::default(),
        },
    );
    update(
        &mut a,
        Msg::Ran {
            lesson: 0,
            step: 0,
            runs: vec![],
        },
    );
    // Step 2 asks for a prediction first: saved, but not run.
    assert_eq!(keys(&mut a, &[Key::Right]), [Effect::Save]);
    assert!(wslab::app::predicting(&a));
    assert_eq!(a.progress.lessons["t"].last_step, 1);
    // The prediction made (wrong or right), the step runs to settle it.
    a.lesson.as_mut().unwrap().focus = Focus::Check;
    let effects = keys(&mut a, &[Key::Char('a')]);
    assert_eq!(
        effects,
        [Effect::Run {
            lesson: 0,
            step: 1,
            input: None
        }]
    );
    // Step 3 runs at once; back to step 1, which ran already: saved, not run again.
    let effects = keys(&mut a, &[Key::Esc, Key::Right]);
    assert_eq!(
        effects,
        [
            Effect::Save,
            Effect::Run {
                lesson: 0,
                step: 2,
                input: None
            }
        ]
    );
    assert_eq!(
        keys(&mut a, &[Key::Left, Key::Left]),
        [Effect::Save, Effect::Save]
    );
    assert!(a.progress.lessons["t"].steps.contains(&2));
    // Past the last step: the end card, on the last step; the course has no next lesson.
    keys(&mut a, &[Key::Right, Key::Right, Key::Right]);
    assert_eq!(a.lesson.as_ref().unwrap().step, 2);
    assert!(a.lesson.as_ref().unwrap().ended);
    keys(&mut a, &[Key::Right]);
    assert!(
        a.status
            .as_deref()
            .unwrap_or_default()
            .contains("last lesson")
    );
}

#[test]
fn a_choice_is_answered_with_a_letter_and_a_wrong_one_earns_a_hint() {
    let mut a = app(Mode::Learn);
    let lesson = index_of(&a, "07-masking");
    a.open(lesson);
    // Step 2 of lesson 7 opens with a choice: find one.
    let (step, check) = a.lessons[lesson]
        .steps
        .iter()
        .enumerate()
        .find_map(|(s, st)| {
            st.checks
                .iter()
                .position(|c| c.kind == wslab::lesson::model::CheckKind::Choice)
                .map(|c| (s, c))
        })
        .unwrap();
    for _ in 0..step {
        keys(&mut a, &[Key::Right]);
    }
    keys(&mut a, &[Key::Tab]);
    while a.lesson.as_ref().unwrap().focus != Focus::Check {
        keys(&mut a, &[Key::Tab]);
    }
    for _ in 0..check {
        a.lesson.as_mut().unwrap().check += 1;
    }
    let c = &a.lessons[lesson].steps[step].checks[check];
    let right = match c.answer {
        Some(wslab::lesson::model::Answer::Number(n)) => usize::try_from(n).unwrap(),
        _ => panic!("a choice has a number"),
    };
    let wrong = if right == 1 { 2 } else { 1 };
    let wrong_key = Key::Char(char::from(b'a' + u8::try_from(wrong - 1).unwrap()));
    let effects = keys(&mut a, &[wrong_key]);
    assert!(effects.is_empty(), "a wrong answer saves nothing");
    let answering = &a.lesson.as_ref().unwrap().answers[step][check];
    assert_eq!((answering.verdict, answering.hints), (Some(false), 1));
    let right_key = Key::Char(char::from(b'0' + u8::try_from(right).unwrap()));
    let effects = keys(&mut a, &[right_key]);
    assert_eq!(effects, [Effect::Save]);
    assert_eq!(
        a.lesson.as_ref().unwrap().answers[step][check].verdict,
        Some(true)
    );
    let id = a.lessons[lesson].id.clone();
    assert!(
        a.progress.lessons[&id]
            .checks
            .contains(&format!("{step}.{check}"))
    );
}

#[test]
fn a_computed_answer_is_judged_against_the_bytes_just_captured() {
    let mut a = lesson_after_hello(Mode::Learn, "07-masking");
    let lesson = index_of(&a, "07-masking");
    // Step 1's second check asks for byte 10 of the client's frame: the RFC's 58.
    let step = &a.lessons[lesson].steps[0];
    let check = step
        .checks
        .iter()
        .position(|c| c.compute.is_some())
        .expect("a computed check");
    a.lesson.as_mut().unwrap().focus = Focus::Check;
    a.lesson.as_mut().unwrap().check = check;
    keys(
        &mut a,
        &[
            Key::Char('0'),
            Key::Char('x'),
            Key::Char('5'),
            Key::Char('9'),
            Key::Enter,
        ],
    );
    assert_eq!(
        a.lesson.as_ref().unwrap().answers[0][check].verdict,
        Some(false)
    );
    for _ in 0..4 {
        keys(&mut a, &[Key::Backspace]);
    }
    keys(&mut a, &[Key::Char('5'), Key::Char('8'), Key::Enter]);
    assert_eq!(
        a.lesson.as_ref().unwrap().answers[0][check].verdict,
        Some(true)
    );
}

#[test]
fn a_typed_value_reruns_the_step_with_it() {
    let mut a = app(Mode::Learn);
    let lesson = index_of(&a, "04-accept");
    a.open(lesson);
    update(
        &mut a,
        Msg::Started {
            lesson,
            capture: std::sync::Arc::default(),
        },
    );
    let step = a.lessons[lesson]
        .steps
        .iter()
        .position(|s| s.input.is_some())
        .unwrap();
    for _ in 0..step {
        keys(&mut a, &[Key::Right]);
    }
    update(
        &mut a,
        Msg::Ran {
            lesson,
            step,
            runs: vec![],
        },
    );
    keys(&mut a, &[Key::Char('i')]);
    assert_eq!(a.lesson.as_ref().unwrap().typing.as_deref(), Some(""));
    // While typing, q is a letter, not quit.
    let effects = keys(
        &mut a,
        &[Key::Char('q'), Key::Backspace, Key::Char('K'), Key::Enter],
    );
    assert_eq!(
        effects,
        [Effect::Run {
            lesson,
            step,
            input: Some((InputField::Key, "K".to_owned()))
        }]
    );
    assert!(!a.quit);
}

#[test]
fn help_opens_and_any_key_closes_it_doing_nothing_else() {
    let mut a = app(Mode::Learn);
    keys(&mut a, &[Key::Char('?')]);
    assert!(a.help);
    let effects = keys(&mut a, &[Key::Char('q')]);
    assert!(!a.help && !a.quit && effects.is_empty());
}

#[test]
fn esc_goes_back_and_q_quits_saving() {
    let mut a = app(Mode::Learn);
    keys(&mut a, &[Key::Enter, Key::Tab]);
    assert!(
        keys(&mut a, &[Key::Esc]).is_empty(),
        "Esc first leaves the pane for the prose"
    );
    assert_eq!(a.screen, Screen::Lesson);
    assert_eq!(keys(&mut a, &[Key::Esc]), [Effect::Save]);
    assert_eq!(a.screen, Screen::Menu);
    assert_eq!(
        keys(&mut a, &[Key::Char('q')]),
        [Effect::Save, Effect::Quit]
    );
    assert!(a.quit);
    let mut b = app(Mode::Learn);
    b.open(3);
    assert_eq!(keys(&mut b, &[Key::CtrlC]), [Effect::Save, Effect::Quit]);
}

#[test]
fn classroom_keys_toggle_notes_answers_and_blank() {
    let mut a = app(Mode::Present {
        notes: false,
        blank: false,
        revealed: false,
    });
    a.open(0);
    keys(&mut a, &[Key::Char('s'), Key::Enter, Key::Char('.')]);
    assert_eq!(
        a.mode,
        Mode::Present {
            notes: true,
            blank: true,
            revealed: true
        }
    );
    // Any key brings the screen back and does nothing else; a new step hides the answer
    // again; presenting saves no progress, only where the lesson is.
    let effects = keys(&mut a, &[Key::Char('x'), Key::Right]);
    assert_eq!(
        a.mode,
        Mode::Present {
            notes: true,
            blank: false,
            revealed: false
        }
    );
    assert!(effects.iter().all(|e| *e == Effect::Save));
    assert!(a.progress.lessons.is_empty());
}

#[test]
fn the_learner_resumes_where_they_left_off() {
    let mut a = app(Mode::Learn);
    let lesson = index_of(&a, "08-length");
    a.open(lesson);
    keys(&mut a, &[Key::Right, Key::Right]);
    let saved = a.progress.clone();
    let lib = library(None).unwrap();
    let numbers = lib.lessons.iter().map(|l| lib.number(l)).collect();
    let mut again = App::new(
        lib.lessons.clone(),
        numbers,
        lib.order.len(),
        saved,
        Mode::Learn,
    );
    assert_eq!(
        again.menu, lesson,
        "the menu selects the lesson last worked on"
    );
    keys(&mut again, &[Key::Enter]);
    assert_eq!(again.lesson.as_ref().unwrap().step, 2);
}

#[test]
fn clicks_select_and_open_lessons_and_move_the_focus() {
    let mut a = app(Mode::Learn);
    update(
        &mut a,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    // Row 2 is the list's first item (title line, then the border); row 4 the third.
    update(&mut a, Msg::Click { x: 10, y: 4 });
    assert_eq!((a.menu, a.screen), (2, Screen::Menu));
    let effects = update(&mut a, Msg::Click { x: 10, y: 4 });
    assert_eq!(
        effects,
        [Effect::Open(2)],
        "a click on the selected lesson opens it"
    );
    // On the lesson: the pane sits below the prose at 80 columns.
    let areas = wslab::app::layout::lesson_areas(&a, ratatui::layout::Rect::new(0, 0, 80, 24));
    update(
        &mut a,
        Msg::Click {
            x: areas.pane.x + 5,
            y: areas.pane.y + 2,
        },
    );
    assert_eq!(a.lesson.as_ref().unwrap().focus, Focus::Pane);
    update(
        &mut a,
        Msg::Click {
            x: areas.prose.x + 5,
            y: areas.prose.y + 1,
        },
    );
    assert_eq!(a.lesson.as_ref().unwrap().focus, Focus::Prose);
    // The wheel scrolls what has focus.
    update(&mut a, Msg::Scroll(3));
    assert_eq!(a.lesson.as_ref().unwrap().scroll, 3);
}

#[test]
fn the_frame_selection_and_the_byte_cursor_stop_at_the_last_one() {
    let mut a = lesson_after_hello(Mode::Learn, "06-frame");
    keys(&mut a, &[Key::Tab]);
    assert_eq!(a.lesson.as_ref().unwrap().focus, Focus::Pane);
    // Hello, its echo, and the two closes: four frames, so the fifth Down stays on the last.
    for _ in 0..20 {
        keys(&mut a, &[Key::Down]);
    }
    assert_eq!(a.lesson.as_ref().unwrap().selected, 3);
    keys(&mut a, &[Key::Home]);
    // The client's Hello: 6 header bytes and 5 payload bytes, so the cursor stops at 10.
    for _ in 0..40 {
        keys(&mut a, &[Key::Right]);
    }
    assert_eq!(a.lesson.as_ref().unwrap().cursor, 10);
    keys(&mut a, &[Key::Left]);
    assert_eq!(
        a.lesson.as_ref().unwrap().cursor,
        9,
        "one key back is one byte back"
    );
    // Field by field: back to the payload's start (6), the masking key (2), byte 1.
    let cursor = |a: &App| a.lesson.as_ref().unwrap().cursor;
    keys(&mut a, &[Key::Char('b')]);
    assert_eq!(cursor(&a), 6);
    keys(&mut a, &[Key::Char('b')]);
    assert_eq!(cursor(&a), 2);
    keys(&mut a, &[Key::Char('b')]);
    assert_eq!(cursor(&a), 1);
    keys(&mut a, &[Key::Char('w')]);
    assert_eq!(cursor(&a), 2);
}

/// Every (lesson, step, check) of the shipped lessons.
fn every_check(a: &App) -> Vec<(usize, usize, usize)> {
    let mut all = Vec::new();
    for (l, lesson) in a.lessons.iter().enumerate() {
        for (s, step) in lesson.steps.iter().enumerate() {
            all.extend((0..step.checks.len()).map(|c| (l, s, c)));
        }
    }
    all
}

fn at(a: &App) -> (usize, usize, usize) {
    let v = a.lesson.as_ref().unwrap();
    (v.index, v.step, v.check)
}

#[test]
fn every_check_of_every_lesson_is_reached_by_keys_and_shown_self_paced() {
    let mut a = app(Mode::Learn);
    let all = every_check(&a);
    // The shipped lessons hold more checks than steps: a step's later checks must be reachable.
    let steps: usize = a.lessons.iter().map(|l| l.steps.len()).sum();
    assert!(all.len() > steps, "{} checks in {steps} steps", all.len());
    let mut seen = Vec::new();
    for l in 0..a.lessons.len() {
        a.open(l);
        for s in 0..a.lessons[l].steps.len() {
            assert_eq!(at(&a).1, s);
            let n = a.lessons[l].steps[s].checks.len();
            if n > 0 {
                // Tab reaches the check panel from the prose, past the pane if there is one.
                keys(&mut a, &[Key::Tab]);
                if a.lesson.as_ref().unwrap().focus != Focus::Check {
                    keys(&mut a, &[Key::Tab]);
                }
                assert_eq!(a.lesson.as_ref().unwrap().focus, Focus::Check);
                for c in 0..n {
                    assert_eq!(at(&a), (l, s, c));
                    seen.push(at(&a));
                    let screen = screen::lessons(&a, (120, 40));
                    assert!(
                        screen.contains(&format!("Check {} of {n}", c + 1)),
                        "lesson {l} step {s} check {c}:\n{screen}"
                    );
                    keys(&mut a, &[Key::PageDown]);
                }
                // Past the last check PgDn stays there, and PgUp walks back to the first.
                assert_eq!(at(&a), (l, s, n - 1));
                keys(&mut a, &vec![Key::PageUp; n]);
                assert_eq!(at(&a), (l, s, 0));
                keys(&mut a, &[Key::Esc]);
            }
            keys(&mut a, &[Key::Right]);
        }
        keys(&mut a, &[Key::Esc]);
    }
    assert_eq!(seen, all);
}

#[test]
fn every_check_of_every_lesson_is_reached_in_class_with_the_next_key() {
    let mut a = app(Mode::Present {
        notes: false,
        blank: false,
        revealed: false,
    });
    let all = every_check(&a);
    let mut seen = Vec::new();
    for l in 0..a.lessons.len() {
        a.open(l);
        let lesson = a.lessons[l].clone();
        let stops: usize = lesson.steps.iter().map(|s| s.checks.len().max(1)).sum();
        // → alone walks the lesson: each step once per check, then on.
        for _ in 0..stops {
            let (_, s, c) = at(&a);
            let step = &lesson.steps[s];
            if let Some(check) = step.checks.get(c) {
                seen.push(at(&a));
                let screen = screen::lessons(&a, (160, 45));
                let question = check.question.trim();
                let start: String = question.chars().take(30).collect();
                assert!(
                    screen.contains(&format!("? {start}")),
                    "lesson {l} step {s} check {c}: {start:?} not on\n{screen}"
                );
                if step.checks.len() > 1 {
                    assert!(screen.contains(&format!(
                        "question {} of {}",
                        c + 1,
                        step.checks.len()
                    )));
                }
                // Each check's answer is revealed on its own, and hidden again for the next.
                keys(&mut a, &[Key::Enter]);
                assert!(matches!(a.mode, Mode::Present { revealed: true, .. }));
            }
            let before = at(&a);
            keys(&mut a, &[Key::Right]);
            if at(&a) != before {
                assert!(matches!(
                    a.mode,
                    Mode::Present {
                        revealed: false,
                        ..
                    }
                ));
            }
        }
        let last = lesson.steps.len() - 1;
        assert_eq!(at(&a).1, last, "lesson {l}: → stops at the last step");
        // ← walks back over the same stops, to the first check of the first step.
        keys(&mut a, &vec![Key::Left; stops]);
        assert_eq!(at(&a), (l, 0, 0));
        keys(&mut a, &[Key::Esc]);
    }
    assert_eq!(seen, all);
}

#[test]
fn enter_after_a_right_answer_moves_to_the_next_check_then_the_next_step() {
    let mut a = app(Mode::Learn);
    // A step, not a lesson's last, whose several checks are all choices.
    let fits = |s: &wslab::lesson::Step| {
        s.checks.len() > 1
            && s.checks
                .iter()
                .all(|c| c.kind == wslab::lesson::model::CheckKind::Choice)
    };
    let (l, s) = a
        .lessons
        .iter()
        .enumerate()
        .find_map(|(l, lesson)| {
            let last = lesson.steps.len() - 1;
            lesson.steps[..last].iter().position(fits).map(|s| (l, s))
        })
        .expect("a step with several choice checks");
    a.open(l);
    for _ in 0..s {
        keys(&mut a, &[Key::Right]);
    }
    keys(&mut a, &[Key::Tab]);
    if a.lesson.as_ref().unwrap().focus != Focus::Check {
        keys(&mut a, &[Key::Tab]);
    }
    let checks = a.lessons[l].steps[s].checks.clone();
    for (c, check) in checks.iter().enumerate() {
        assert_eq!(at(&a), (l, s, c));
        let right = wslab::lesson::check::right_answer(check, None).unwrap();
        let letter = char::from(b'a' + right.parse::<u8>().unwrap() - 1);
        keys(&mut a, &[Key::Char(letter)]);
        let screen = screen::lessons(&a, (120, 40));
        assert!(screen.contains("✓ Right."), "{screen}");
        let next = if c + 1 < checks.len() {
            format!("Enter: check {} of {}", c + 2, checks.len())
        } else {
            "Enter: the next step".to_owned()
        };
        assert!(screen.contains(&next), "{screen}");
        keys(&mut a, &[Key::Enter]);
    }
    assert_eq!(at(&a), (l, s + 1, 0));
    let id = a.lessons[l].id.clone();
    let done = &a.progress.lessons[&id].checks;
    assert!((0..checks.len()).all(|c| done.contains(&format!("{s}.{c}"))));
}
