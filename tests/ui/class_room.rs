//! The class over the network, as the screens see it: a presenter and two students on the
//! `TestBackend`, with the hub's room (`class::Room`, the hub's own tally) carrying what the
//! hub would: the students follow every step change, answer, and on reveal see whether they
//! were right, while the presenter's screen shows the room's chart with the right answer
//! marked and never a name unless asked.

use wslab::app::class::{ClassMsg, Link, position};
use wslab::app::keymap::Key;
use wslab::app::{App, Effect, Mode, Msg, update};
use wslab::class::{FromHub, FromStudent, Room};
use wslab::lesson::check::right_answer;
use wslab::lesson::model::CheckKind;

use crate::fixture::{app, keys};
use crate::screen;

const PRESENT: Mode = Mode::Present {
    notes: false,
    blank: false,
    revealed: false,
};

/// What the hub does with the presenter's effects: moves and reveals go to every student.
fn relay(effects: &[Effect], room: &mut Room, students: &mut [&mut App]) -> usize {
    let mut moved = 0;
    for e in effects {
        let m = match e {
            Effect::ClassMove(at) => {
                moved += 1;
                room.moved(at.clone(), 0);
                FromHub::Step { at: at.clone() }
            }
            Effect::ClassReveal(at) => FromHub::Reveal { at: at.clone() },
            _ => continue,
        };
        for s in students.iter_mut() {
            update(s, Msg::Class(ClassMsg::Hub(m.clone())));
        }
    }
    moved
}

fn tell_presenter(presenter: &mut App, room: &Room) {
    update(
        presenter,
        Msg::Class(ClassMsg::Room {
            tally: room.tally(),
            names: room.names(),
        }),
    );
}

#[test]
#[allow(clippy::too_many_lines, clippy::many_single_char_names)] // One class, start to end.
fn a_presenter_and_two_students_follow_answer_and_see_the_chart() {
    let mut presenter = app(PRESENT);
    // A lesson whose later step asks a choice question.
    let (l, s) = presenter
        .lessons
        .iter()
        .enumerate()
        .find_map(|(l, lesson)| {
            lesson
                .steps
                .iter()
                .position(|s| {
                    s.checks
                        .first()
                        .is_some_and(|c| c.kind == CheckKind::Choice)
                })
                .filter(|s| *s > 0)
                .map(|s| (l, s))
        })
        .expect("a step with a choice question");
    presenter.link = Some(Link::presenter(
        "wslab join ws://127.0.0.1:41234 --code K7M2PQ".to_owned(),
        false,
    ));
    let mut ada = app(Mode::Learn);
    let mut bob = app(Mode::Learn);
    ada.link = Some(Link::student());
    bob.link = Some(Link::student());
    let mut room = Room::new(200);
    let a = room.join("Ada", None, "ta".to_owned()).unwrap();
    let b = room
        .join("\u{1b}[31mBob\u{202e}", None, "tb".to_owned())
        .unwrap();
    presenter.open(l);
    let at = position(&presenter).unwrap();
    room.moved(at.clone(), 0);
    for (student, admitted) in [(&mut ada, &a), (&mut bob, &b)] {
        let welcome = FromHub::Welcome {
            token: admitted.token.clone(),
            name: admitted.name.clone(),
            at: Some(at.clone()),
            revealed: false,
        };
        update(student, Msg::Class(ClassMsg::Hub(welcome)));
    }
    tell_presenter(&mut presenter, &room);
    let first = screen::lessons(&presenter, (120, 36));
    assert!(
        first.contains("wslab join ws://127.0.0.1:41234 --code K7M2PQ"),
        "{first}"
    );
    assert!(first.contains("2 connected · 0 answered"), "{first}");
    // → until the question's step: every move reaches both students, who stay in step.
    let mut moves = 0;
    while position(&presenter).unwrap().step < s as u32 {
        let effects = keys(&mut presenter, &[Key::Right]);
        moves += relay(&effects, &mut room, &mut [&mut ada, &mut bob]);
        let here = position(&presenter).unwrap();
        for student in [&ada, &bob] {
            assert_eq!(position(student), Some(here.clone()), "the student follows");
        }
    }
    assert!(moves >= s, "one move a step at least");
    // Each student answers: Ada right, Bob wrong. The answers go to the hub.
    let check = presenter.step().unwrap().checks[0].clone();
    let right: usize = right_answer(&check, None).unwrap().parse().unwrap();
    let wrong = if right == 1 { 2 } else { 1 };
    for (student, id, pick) in [(&mut ada, a.id, right), (&mut bob, b.id, wrong)] {
        let effects = keys(student, &[Key::Char(char::from(b'0' + pick as u8))]);
        let sent: Vec<&FromStudent> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::ClassSend(m) => Some(m),
                _ => None,
            })
            .collect();
        assert_eq!(sent.len(), 1, "{effects:?}");
        let FromStudent::Answer { at, answer } = sent[0] else {
            panic!("{sent:?}")
        };
        room.answer(id, at.clone(), answer).unwrap();
        // A second answer to the same check is not sent again.
        let again = keys(student, &[Key::Char(char::from(b'0' + pick as u8))]);
        assert!(!again.iter().any(|e| matches!(e, Effect::ClassSend(_))));
    }
    tell_presenter(&mut presenter, &room);
    assert!(screen::lessons(&presenter, (120, 36)).contains("2 connected · 2 answered"));
    // Enter reveals: the students hear of it, and the chart marks the right answer.
    let effects = keys(&mut presenter, &[Key::Enter]);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::ClassReveal(_))),
        "{effects:?}"
    );
    relay(&effects, &mut room, &mut [&mut ada, &mut bob]);
    let shown = screen::lessons(&presenter, (120, 40));
    assert!(shown.contains("The room: 2 of 2 answered"), "{shown}");
    let letter = |n: usize| char::from(b'a' + (n - 1) as u8);
    let right_row = shown
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{})", letter(right))) && l.contains('█'))
        .unwrap_or_else(|| panic!("no bar for the right answer:\n{shown}"));
    assert!(right_row.contains("1 ✓ right"), "{right_row}");
    let wrong_row = shown
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{})", letter(wrong))) && l.contains('█'))
        .unwrap_or_else(|| panic!("no bar for the wrong answer:\n{shown}"));
    assert!(!wrong_row.contains("right"), "{wrong_row}");
    assert!(ada.status.as_deref().unwrap().contains("yours was right"));
    assert!(bob.status.as_deref().unwrap().contains("not right"));
    // No name on the projector, even with the roster open, unless --show-names.
    keys(&mut presenter, &[Key::Char('R')]);
    let roster = screen::lessons(&presenter, (120, 40));
    assert!(
        !roster.contains("Ada") && !roster.contains("Bob"),
        "{roster}"
    );
    assert!(roster.contains("--show-names lists them"), "{roster}");
    presenter.link = Some(Link::presenter(String::new(), true));
    tell_presenter(&mut presenter, &room);
    keys(&mut presenter, &[Key::Char('R')]);
    let named = screen::lessons(&presenter, (120, 40));
    assert!(named.contains("Ada") && named.contains("Bob"), "{named}");
    assert!(
        !named.contains('\u{1b}') && !named.contains('\u{202e}'),
        "{named:?}"
    );
    // A student who looks around stops following, and f brings them back.
    keys(&mut ada, &[Key::Esc, Key::Left]);
    assert_ne!(position(&ada), position(&presenter));
    let effects = keys(&mut presenter, &[Key::Right]);
    relay(&effects, &mut room, &mut [&mut ada, &mut bob]);
    assert_ne!(position(&ada), position(&presenter), "looking around");
    assert_eq!(position(&bob), position(&presenter));
    keys(&mut ada, &[Key::Char('f')]);
    assert_eq!(position(&ada), position(&presenter), "f follows again");
    // The end: one sentence, and the screen keeps what it has.
    update(
        &mut ada,
        Msg::Class(ClassMsg::Ended {
            code: 1001,
            reason: "The presenter ended the class.".to_owned(),
        }),
    );
    let end = screen::lessons(&ada, (120, 36));
    assert!(end.contains("The class has ended (1001)"), "{end}");
    assert_eq!(position(&ada), position(&presenter));
}

/// `?` lists the key the class adds, on the screen where it works: `f` for a student, and not
/// outside a class; the presenter's list names `R` once.
#[test]
fn the_help_names_the_class_keys_where_they_work() {
    let help = |mut a: App| {
        a.open(0);
        update(&mut a, Msg::Key(Key::Char('?')));
        screen::lessons(&a, (100, 40))
    };
    let mut student = app(Mode::Learn);
    student.link = Some(Link::student());
    let shown = help(student);
    assert!(shown.contains("follow the presenter again"), "{shown}");
    let mut presenter = app(PRESENT);
    presenter.link = Some(Link::presenter("wslab join …".to_owned(), false));
    let shown = help(presenter);
    assert_eq!(shown.matches("roster").count(), 1, "{shown}");
    let shown = help(app(Mode::Learn));
    assert!(
        !shown.contains("follow the presenter") && !shown.contains("roster"),
        "{shown}"
    );
}
