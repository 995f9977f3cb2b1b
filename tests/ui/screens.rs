//! The lessons' screens at 80×24 and 120×40: the menu, a lesson with its live pane and a
//! check, a wrong answer, the help overlay, and classroom mode, over a capture made by hand.

use wslab::app::keymap::Key;
use wslab::app::{Mode, Msg, update};

use crate::fixture::{app, lesson_after_hello};
use crate::screen::{SIZES, lessons as screen};

const PRESENT: Mode = Mode::Present {
    notes: false,
    blank: false,
    revealed: false,
};

#[test]
fn the_menu() {
    let mut a = app(Mode::Learn);
    a.progress.lesson("01-http").steps.extend([0, 1, 2, 3, 4]);
    a.progress.lesson("02-polling").steps.insert(0);
    update(&mut a, Msg::Key(Key::Char('j')));
    for size in SIZES {
        insta::assert_snapshot!(format!("menu_{}x{}", size.0, size.1), screen(&a, size));
    }
}

#[test]
fn the_help_overlay() {
    let mut a = app(Mode::Learn);
    a.open(0);
    update(&mut a, Msg::Key(Key::Char('?')));
    insta::assert_snapshot!("help_lesson_80x24", screen(&a, (80, 24)));
}

#[test]
fn a_lesson_step_with_its_live_pane_and_a_check() {
    let mut a = lesson_after_hello(Mode::Learn, "06-frame");
    for size in SIZES {
        insta::assert_snapshot!(format!("lesson_{}x{}", size.0, size.1), screen(&a, size));
    }
    // Focus on the check and answer it wrong: the verdict and a hint show.
    update(&mut a, Msg::Key(Key::Tab));
    update(&mut a, Msg::Key(Key::Tab));
    update(&mut a, Msg::Key(Key::Char('a')));
    for size in SIZES {
        insta::assert_snapshot!(
            format!("lesson_check_wrong_{}x{}", size.0, size.1),
            screen(&a, size)
        );
    }
}

#[test]
fn classroom_mode_with_notes_and_the_answer() {
    let mut a = lesson_after_hello(PRESENT, "06-frame");
    for size in SIZES {
        insta::assert_snapshot!(format!("present_{}x{}", size.0, size.1), screen(&a, size));
    }
    update(&mut a, Msg::Key(Key::Char('s')));
    update(&mut a, Msg::Key(Key::Enter));
    for size in [(120, 40), (160, 45)] {
        insta::assert_snapshot!(
            format!("present_notes_answer_{}x{}", size.0, size.1),
            screen(&a, size)
        );
    }
    update(&mut a, Msg::Key(Key::Char('.')));
    assert!(
        screen(&a, (80, 24)).trim().is_empty(),
        "a blanked screen shows nothing"
    );
}

#[test]
fn tiny_terminals_do_not_panic() {
    let mut a = app(Mode::Learn);
    for size in [(1, 1), (10, 3), (20, 5)] {
        let _ = screen(&a, size);
    }
    a.open(6);
    for size in [(1, 1), (10, 3), (20, 5)] {
        let _ = screen(&a, size);
    }
}
