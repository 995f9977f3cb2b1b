//! The teacher's screen, driven by keys without a terminal: the end of a lesson says so and
//! leads on, a blanked screen is frozen, and the classroom keys never look like answers.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wslab::app::keymap::Key;
use wslab::app::{App, Effect, Mode, Msg, update};
use wslab::ui::{self, Theme, ThemeName};

use crate::fixture::{app, keys};
use crate::screen;

const PRESENT: Mode = Mode::Present {
    notes: false,
    blank: false,
    revealed: false,
};

/// Presses → until the lesson's end card is up.
fn to_the_end(a: &mut App) {
    for _ in 1..200 {
        keys(a, &[Key::Right]);
        if a.lesson.as_ref().unwrap().ended {
            return;
        }
    }
    panic!("→ never reached the end of the lesson");
}

#[test]
fn the_end_of_a_lesson_says_so_and_leads_to_the_next() {
    for mode in [Mode::Learn, PRESENT] {
        let mut a = app(mode);
        a.open(0);
        to_the_end(&mut a);
        let title = a.lessons[0].title.clone();
        let next = a.lessons[1].title.clone();
        for size in [(80, 24), (120, 36), (160, 45)] {
            let screen = screen::lessons(&a, size);
            assert!(
                screen.contains(&format!("End of lesson 1: {title}")),
                "{screen}"
            );
            assert!(
                screen.contains(&format!("→ next: lesson 2, {next}")),
                "{screen}"
            );
        }
        if mode == Mode::Learn {
            let n = a.lessons[0].steps.len();
            assert!(screen::lessons(&a, (120, 36)).contains(&format!("You saw {n} of {n} steps")));
        }
        // ← goes back to the last step; → comes back to the card, and → again opens lesson 2.
        keys(&mut a, &[Key::Left]);
        let view = a.lesson.as_ref().unwrap();
        assert!(!view.ended);
        assert_eq!(view.step, a.lessons[0].steps.len() - 1);
        keys(&mut a, &[Key::Right]);
        assert!(a.lesson.as_ref().unwrap().ended);
        let effects = keys(&mut a, &[Key::Right]);
        assert_eq!(effects, [Effect::Open(1)]);
        let view = a.lesson.as_ref().unwrap();
        assert_eq!((view.index, view.step, view.ended), (1, 0, false));
    }
}

#[test]
fn the_last_lesson_s_end_says_the_course_is_over() {
    let mut a = app(PRESENT);
    let last = a.lessons.len() - 1;
    a.open(last);
    to_the_end(&mut a);
    assert!(screen::lessons(&a, (120, 36)).contains("That was the last lesson of the course."));
    assert!(keys(&mut a, &[Key::Right]).is_empty());
    assert_eq!(a.lesson.as_ref().unwrap().index, last);
}

#[test]
fn a_blanked_screen_is_frozen_until_a_key_brings_it_back() {
    let mut a = app(PRESENT);
    a.open(5);
    keys(&mut a, &[Key::Char('.')]);
    assert!(matches!(a.mode, Mode::Present { blank: true, .. }));
    assert!(
        screen::lessons(&a, (80, 24)).trim().is_empty(),
        "blank shows nothing"
    );
    // The first key only brings the screen back: → does not change the step blind.
    keys(&mut a, &[Key::Right]);
    assert!(matches!(a.mode, Mode::Present { blank: false, .. }));
    assert_eq!(a.lesson.as_ref().unwrap().step, 0);
    keys(&mut a, &[Key::Right]);
    assert_ne!(
        (
            a.lesson.as_ref().unwrap().step,
            a.lesson.as_ref().unwrap().check
        ),
        (0, 0),
        "now it moves"
    );
}

#[test]
fn in_class_enter_reveals_the_answer_and_option_letters_do_nothing() {
    let mut a = app(PRESENT);
    // A step with a choice question.
    let (l, s) = a
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
                        .is_some_and(|c| c.kind == wslab::lesson::model::CheckKind::Choice)
                })
                .map(|s| (l, s))
        })
        .unwrap();
    a.open(l);
    for _ in 0..s {
        // Past each earlier step's questions.
        let step = a.lesson.as_ref().unwrap().step;
        let n = a.lessons[l].steps[step].checks.len().max(1);
        keys(&mut a, &vec![Key::Right; n]);
    }
    assert_eq!(a.lesson.as_ref().unwrap().step, s);
    for c in ['a', 'b', 'c', 'd'] {
        keys(&mut a, &[Key::Char(c)]);
        assert_eq!(a.mode, PRESENT, "{c} changed nothing");
    }
    let footer = screen::lessons(&a, (160, 45));
    assert!(footer.contains("Enter answer"), "{footer}");
    assert!(footer.contains(". blank"), "{footer}");
    keys(&mut a, &[Key::Enter]);
    assert!(matches!(a.mode, Mode::Present { revealed: true, .. }));
    assert!(screen::lessons(&a, (160, 45)).contains("→ "));
}

#[test]
fn the_presenter_s_footer_offers_only_the_keys_the_step_has_a_use_for() {
    let mut a = app(PRESENT);
    // The first step of any lesson with neither a question nor an action.
    let (l, s) = a
        .lessons
        .iter()
        .enumerate()
        .find_map(|(l, lesson)| {
            lesson
                .steps
                .iter()
                .position(|s| s.checks.is_empty() && s.actions.is_empty())
                .map(|s| (l, s))
        })
        .expect("a step with prose only");
    a.open(l);
    for _ in 0..s {
        let step = a.lesson.as_ref().unwrap().step;
        let n = a.lessons[l].steps[step].checks.len().max(1);
        keys(&mut a, &vec![Key::Right; n]);
    }
    assert_eq!(a.lesson.as_ref().unwrap().step, s);
    let footer = screen::lessons(&a, (160, 45));
    assert!(
        !footer.contains("Enter answer"),
        "no question here: {footer}"
    );
    assert!(!footer.contains("r run"), "nothing to run here: {footer}");
    assert!(footer.contains("→ next"), "{footer}");
}

#[test]
fn every_theme_paints_its_own_background_on_every_cell() {
    use ratatui::style::Color;
    for name in [ThemeName::Dark, ThemeName::Light, ThemeName::HighContrast] {
        let theme = Theme::new(name);
        let mut a = app(PRESENT);
        a.open(5);
        for (mode, help) in [(PRESENT, false), (Mode::Learn, true)] {
            a.mode = mode;
            a.help = help;
            let mut terminal = Terminal::new(TestBackend::new(120, 36)).unwrap();
            terminal.draw(|f| ui::draw(f, &a, &theme)).unwrap();
            let buffer = terminal.backend().buffer();
            let unpainted = buffer
                .content()
                .iter()
                .filter(|c| matches!(c.bg, Color::Reset))
                .count();
            assert_eq!(
                unpainted, 0,
                "{name:?}: cells left on the terminal's own background"
            );
        }
    }
}

#[test]
fn a_presenter_who_quits_mid_lesson_reopens_where_they_were() {
    let mut a = app(PRESENT);
    a.open(5);
    keys(&mut a, &[Key::Right, Key::Right, Key::Right]);
    let at = a.lesson.as_ref().unwrap().step;
    assert!(at > 0);
    assert_eq!(
        keys(&mut a, &[Key::Char('q')]),
        [Effect::Save, Effect::Quit]
    );
    // The next start, with the same progress file.
    let mut b = app(PRESENT);
    b.progress = a.progress.clone();
    b.open(5);
    assert_eq!(b.lesson.as_ref().unwrap().step, at);
    assert!(
        b.progress.lessons.is_empty(),
        "presenting is no learner's progress"
    );
    // Presented to its end, the lesson starts from the top next time.
    to_the_end(&mut b);
    let mut c = app(PRESENT);
    c.progress = b.progress.clone();
    c.open(5);
    assert_eq!(c.lesson.as_ref().unwrap().step, 0);
    // `present 6 --step 3` goes straight there.
    assert!(c.jump(2));
    assert_eq!(c.lesson.as_ref().unwrap().step, 2);
    assert!(!c.jump(99));
}

#[test]
fn in_class_the_presenter_types_the_room_s_value_and_the_step_runs_with_it() {
    use wslab::lesson::model::InputField;
    let mut a = app(PRESENT);
    let l = a
        .lessons
        .iter()
        .position(|l| l.steps.iter().any(|s| s.input.is_some()))
        .expect("a lesson with an input");
    let s = a.lessons[l]
        .steps
        .iter()
        .position(|s| s.input.is_some())
        .unwrap();
    a.open(l);
    assert!(a.jump(s));
    update(
        &mut a,
        Msg::Started {
            lesson: l,
            capture: std::sync::Arc::default(),
        },
    );
    // Whatever the lab's start ran has finished.
    update(
        &mut a,
        Msg::Ran {
            lesson: l,
            step: s,
            runs: Vec::new(),
        },
    );
    keys(&mut a, &[Key::Char('i')]);
    assert!(
        a.lesson.as_ref().unwrap().typing.is_some(),
        "i opens the prompt"
    );
    let prompt = a.lessons[l].steps[s].input.as_ref().unwrap().prompt.clone();
    let screen = screen::lessons(&a, (120, 36));
    assert!(screen.contains(prompt.trim()), "{screen}");
    let typed: Vec<Key> = "AAAAAAAAAAAAAAAAAAAAAA==".chars().map(Key::Char).collect();
    keys(&mut a, &typed);
    let effects = keys(&mut a, &[Key::Enter]);
    let field: InputField = a.lessons[l].steps[s].input.as_ref().unwrap().field;
    assert_eq!(
        effects,
        [Effect::Run {
            lesson: l,
            step: s,
            input: Some((field, "AAAAAAAAAAAAAAAAAAAAAA==".to_owned()))
        }]
    );
}

#[test]
fn without_colour_a_lane_names_every_byte_s_field() {
    let mut a = crate::fixture::lesson_after_hello(Mode::Learn, "06-frame");
    // The step opens on the server's frame; the client's is the one above it.
    keys(&mut a, &[Key::Tab, Key::Up]);
    let plain = Theme::new(ThemeName::Plain);
    let buffer = screen::draw(120, 40, |f| ui::draw(f, &a, &plain));
    let text = screen::text(&buffer);
    // RFC 6455 §5.7's masked Hello, and under it each byte's field.
    let row = text
        .lines()
        .position(|l| l.contains("81 85 37 fa 21 3d 7f 9f"))
        .expect("the dump");
    let lane = text.lines().nth(row + 1).unwrap();
    assert!(lane.contains("fo ml kk kk kk kk pp pp"), "{text}");
    assert!(text.contains("fo FIN/RSV/opcode"), "{text}");
    // With colour the dump needs no lane.
    let coloured = screen::text(&screen::draw(120, 40, |f| {
        ui::draw(f, &a, &Theme::new(ThemeName::Dark));
    }));
    assert!(!coloured.contains("fo ml kk"), "{coloured}");
}

#[test]
fn at_80x24_a_question_not_yet_run_shows_every_option() {
    let mut a = app(PRESENT);
    a.open(crate::fixture::index_of(&a, "06-frame"));
    let step = &a.lessons[a.lesson.as_ref().unwrap().index].steps[0];
    let last = step.checks[0].options.last().unwrap().clone();
    let screen = screen::lessons(&a, (80, 24));
    assert!(screen.contains(&format!("d) {last}")), "{screen}");
}

#[test]
fn question_mark_opens_the_help_even_in_a_typed_answer() {
    let mut a = app(Mode::Learn);
    a.open(crate::fixture::index_of(&a, "06-frame"));
    // Step 1's second check is typed: the check panel, then PgDn to it.
    keys(&mut a, &[Key::Tab, Key::Tab, Key::PageDown]);
    assert_eq!(a.lesson.as_ref().unwrap().check, 1);
    keys(&mut a, &[Key::Char('4'), Key::Char('?')]);
    assert!(a.help, "? opened the help");
    assert_eq!(a.lesson.as_ref().unwrap().answers[0][1].typed, "4");
}

#[test]
fn at_80x24_the_notes_scroll_to_their_last_word() {
    let mut a = app(PRESENT);
    update(
        &mut a,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    // The first step, in any lesson, whose notes need more rows than 80×24 gives them.
    let mut found = None;
    'lessons: for lesson in 0..a.lessons.len() {
        a.open(lesson);
        for step in 0..a.lessons[lesson].steps.len() {
            a.jump(step);
            if wslab::app::layout::notes_scroll_max(&a) > 0 {
                found = Some((lesson, step));
                break 'lessons;
            }
        }
    }
    let (lesson, step) = found.expect("some notes are longer than half of 24 rows");
    keys(&mut a, &[Key::Char('s')]);
    let notes = wslab::app::layout::notes_text(&a).unwrap().to_owned();
    let last = notes.split_whitespace().last().unwrap().to_owned();
    let before = screen::lessons(&a, (80, 24));
    assert!(before.contains("more below: J"), "{before}");
    for _ in 0..40 {
        keys(&mut a, &[Key::Char('J')]);
    }
    let after = screen::lessons(&a, (80, 24));
    assert!(
        after.contains("notes · end: K"),
        "lesson {lesson} step {step}: {after}"
    );
    let tail: Vec<&str> = after.lines().rev().skip(1).take(3).collect();
    assert!(
        tail.iter().any(|l| l.contains(&last)),
        "the notes' last word {last:?} shows at the bottom: {after}"
    );
    // K scrolls back; a new step starts its notes at the top.
    keys(&mut a, &[Key::Char('K')]);
    assert!(screen::lessons(&a, (80, 24)).contains("more below: J"));
    keys(&mut a, &[Key::Char('J')]);
    assert!(a.class.notes_scroll > 0);
    // → walks the step's questions first, with the notes where they were.
    while a.lesson.as_ref().unwrap().step == step && !a.lesson.as_ref().unwrap().ended {
        keys(&mut a, &[Key::Right]);
    }
    assert_eq!(a.class.notes_scroll, 0);
}

#[test]
fn the_presenter_s_clock_shows_time_since_the_lesson_opened_and_its_minutes() {
    let mut a = app(PRESENT);
    update(&mut a, Msg::Tick { now_ms: 10_000 });
    a.open(0);
    let minutes = a.lessons[0].minutes;
    update(&mut a, Msg::Tick { now_ms: 135_400 });
    assert!(
        !screen::lessons(&a, (80, 24)).contains("elapsed"),
        "off at first"
    );
    keys(&mut a, &[Key::Char('t')]);
    for size in [(80, 24), (120, 36), (160, 45)] {
        let shown = screen::lessons(&a, size);
        assert!(
            shown
                .lines()
                .next()
                .unwrap()
                .contains(&format!("elapsed 2:05 of {minutes} min")),
            "{shown}"
        );
    }
    // Past the planned minutes it is drawn in the warning colour.
    update(
        &mut a,
        Msg::Tick {
            now_ms: 10_000 + u64::from(minutes) * 60_000 + 1_000,
        },
    );
    let buffer = screen::draw(80, 24, |f| ui::draw(f, &a, &Theme::new(ThemeName::Dark)));
    let row = screen::row(&buffer, 0);
    let at = row.find("elapsed").unwrap();
    let x = u16::try_from(row[..at].chars().count()).unwrap();
    assert_eq!(
        buffer[(x, 0)].fg,
        Theme::new(ThemeName::Dark).bad.fg.unwrap()
    );
    keys(&mut a, &[Key::Char('t')]);
    assert!(!screen::lessons(&a, (80, 24)).contains("elapsed"));
}

#[test]
fn in_class_tab_gives_the_pane_the_arrows_without_leaving_the_step() {
    let mut a = crate::fixture::lesson_after_hello(PRESENT, "06-frame");
    update(
        &mut a,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    let before = screen::lessons(&a, (80, 24));
    assert!(
        !before.contains("← → move the byte cursor"),
        "no pane hint while the arrows move through the lesson: {before}"
    );
    assert!(before.contains("Tab pane keys"), "{before}");
    keys(&mut a, &[Key::Tab]);
    let view = a.lesson.as_ref().unwrap();
    assert_eq!(view.focus, wslab::app::Focus::Pane);
    let (step, check) = (view.step, view.check);
    // The step opened on the server's frame (its `opens`); ↑ goes to the client's.
    assert_eq!(view.selected, 1, "opened on the server's frame");
    keys(&mut a, &[Key::Up, Key::Right, Key::Right, Key::Char('w')]);
    let view = a.lesson.as_ref().unwrap();
    assert_eq!((view.step, view.check), (step, check), "the step stays");
    assert_eq!(view.selected, 0, "↑ chose the client's frame");
    assert!(
        view.cursor >= 2,
        "→ and w moved the byte cursor: {}",
        view.cursor
    );
    let inside = screen::lessons(&a, (80, 24));
    assert!(inside.contains("↑ ↓ frame · ← → byte"), "{inside}");
    // The key line says only what the pane shown does: a heads pane has no byte cursor.
    let mut heads = crate::fixture::lesson_after_hello(PRESENT, "05-switching");
    keys(&mut heads, &[Key::Tab]);
    let line = screen::lessons(&heads, (80, 24));
    assert!(line.contains("↑ ↓ header · [ ] pane"), "{line}");
    assert!(!line.contains("← → byte"), "{line}");
    keys(&mut a, &[Key::Char('?')]);
    let help = screen::lessons(&a, (80, 24));
    assert!(
        help.contains("move the byte cursor in the selected frame"),
        "{help}"
    );
    keys(&mut a, &[Key::Esc, Key::Esc]);
    assert_eq!(a.lesson.as_ref().unwrap().focus, wslab::app::Focus::Prose);
    assert_eq!(
        a.lesson.as_ref().unwrap().step,
        step,
        "Esc leaves the pane, not the lesson"
    );
    // Clicks land where present mode draws, not where the self-paced screen would.
    for size in [(80u16, 24u16), (120, 36), (160, 45)] {
        update(
            &mut a,
            Msg::Resize {
                width: size.0,
                height: size.1,
            },
        );
        let areas = wslab::app::layout::areas(&a, ratatui::layout::Rect::new(0, 0, size.0, size.1));
        let drawn = screen::draw(size.0, size.1, |f| {
            ui::draw(f, &a, &Theme::new(ThemeName::Dark));
        });
        assert!(
            screen::row(&drawn, areas.pane.y).contains(" frames "),
            "the pane's tabs are on the row clicks expect at {size:?}"
        );
        update(
            &mut a,
            Msg::Click {
                x: areas.pane.x + 5,
                y: areas.pane.y + 3,
            },
        );
        assert_eq!(
            a.lesson.as_ref().unwrap().focus,
            wslab::app::Focus::Pane,
            "{size:?}"
        );
        update(
            &mut a,
            Msg::Click {
                x: areas.prose.x + 5,
                y: areas.prose.y + 1,
            },
        );
        assert_eq!(
            a.lesson.as_ref().unwrap().focus,
            wslab::app::Focus::Prose,
            "{size:?}"
        );
    }
}

#[test]
fn at_projector_sizes_values_are_whole_and_the_room_goes_to_the_text() {
    // 120×36: the response's Accept is whole, its final '=' included.
    let a = crate::fixture::lesson_after_hello(PRESENT, "05-switching");
    let shown = screen::lessons(&a, (120, 36));
    let accept = shown
        .lines()
        .find(|l| l.contains("sec-websocket-accept:") && l.contains('│'))
        .expect("the Accept line");
    assert!(
        accept.contains(&format!("sec-websocket-accept: {}", crate::fixture::ACCEPT)),
        "{accept}"
    );
    // 160×45, the frames pane: the list keeps its rows and the meanings are whole.
    let a = crate::fixture::lesson_after_hello(PRESENT, "06-frame");
    let shown = screen::lessons(&a, (160, 45));
    assert!(
        shown.contains("reserved; 0 unless an extension uses it"),
        "{shown}"
    );
    assert!(shown.contains("1000 Normal Closure \"\""), "{shown}");
    // Where a line still does not fit, its cut is marked.
    let narrow = screen::lessons(&a, (80, 24));
    for line in narrow.lines().filter(|l| l.contains("reserved; 0")) {
        assert!(line.contains("uses it") || line.contains('…'), "{line}");
    }
}

#[test]
fn the_help_lists_every_key_whole_at_80x24_in_both_modes() {
    for (mode, keys_shown) in [
        (Mode::Learn, wslab::app::keymap::HELP_LESSON),
        (PRESENT, wslab::app::keymap::HELP_PRESENT),
    ] {
        let mut a = crate::fixture::lesson_after_hello(mode, "06-frame");
        keys(&mut a, &[Key::Char('?')]);
        let shown = screen::lessons(&a, (80, 24));
        for (_, what) in keys_shown {
            assert!(shown.contains(what), "{what:?} is cut or missing: {shown}");
        }
    }
}
