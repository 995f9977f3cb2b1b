//! What a newcomer meets first (issue 18's terminal points), at 80×24 and 120×36 and in every
//! theme where the point is about appearance: diagrams that never wrap, a focus that shows
//! without colour, a live pane that can take the screen, sentences that wrap and say when more
//! is below, tabs named by what they show, and a pane that opens on the frame the prose names.

use std::sync::Arc;

use wslab::app::keymap::Key;
use wslab::app::{App, Focus, Mode, Msg, tab_names, update};
use wslab::ui::{self, Theme, ThemeName};

use crate::fixture::{app, index_of, keys, lesson_after_hello};
use crate::screen;

const PRESENT: Mode = Mode::Present {
    notes: false,
    blank: false,
    revealed: false,
};

/// The sizes issue 18 names.
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 36)];

const THEMES: [ThemeName; 4] = [
    ThemeName::Dark,
    ThemeName::Light,
    ThemeName::HighContrast,
    ThemeName::Plain,
];

fn resize(a: &mut App, (width, height): (u16, u16)) {
    update(a, Msg::Resize { width, height });
}

fn drawn(a: &App, (w, h): (u16, u16), theme: ThemeName) -> String {
    let theme = Theme::new(theme);
    screen::text(&screen::draw(w, h, |f| ui::draw(f, a, &theme)))
}

/// The bit diagram of lesson 6, step 1: every row must be whole on its row, or cut with `›`.
const DIAGRAM: [&str; 4] = [
    "byte 0: 0x81",
    "  1     0     0     0     0001",
    "  FIN   RSV1  RSV2  RSV3  opcode",
    "  last  no extension      1 = text",
];

#[test]
fn a_diagram_in_the_prose_is_cut_with_a_mark_and_shifts_never_wraps() {
    for size in SIZES {
        let mut a = lesson_after_hello(Mode::Learn, "06-frame");
        resize(&mut a, size);
        // The diagram is at the end of the step's prose: scroll there.
        keys(&mut a, &[Key::End]);
        let shown = screen::lessons(&a, size);
        assert!(
            shown.contains(DIAGRAM[2].trim_start()),
            "{size:?}:\n{shown}"
        );
        // The rows in sight (80×24 has room for the last four).
        for start in DIAGRAM {
            let Some(row) = shown.lines().find(|l| l.contains(start.trim_start())) else {
                continue;
            };
            // Wrapped, "payload length" or "MASK" would start a row of its own.
            assert!(
                row.contains("MASK")
                    || row.contains("byte 1")
                    || row.contains("not")
                    || row.contains('›')
                    || row.contains("0      0000101"),
                "{size:?}: the diagram row is cut without a mark: {row}"
            );
        }
        for orphan in ["payload length", "0000101", "5 bytes"] {
            assert!(
                !shown
                    .lines()
                    .any(|l| l.trim_start_matches(['┃', '│', ' ']).starts_with(orphan)),
                "{size:?}: {orphan:?} wrapped onto a row of its own:\n{shown}"
            );
        }
        insta::assert_snapshot!(format!("diagram_{}x{}", size.0, size.1), shown);
    }
    // At 120×36 the prose column is narrower than the diagram: cut, marked, and `>` shows
    // its other end, every row shifted alike.
    let mut a = lesson_after_hello(Mode::Learn, "06-frame");
    resize(&mut a, (120, 36));
    keys(&mut a, &[Key::End]);
    let cut = screen::lessons(&a, (120, 36));
    assert!(cut.contains("< > wide rows"), "{cut}");
    assert!(
        cut.lines()
            .any(|l| l.contains("FIN   RSV1") && l.contains('›')),
        "{cut}"
    );
    keys(&mut a, &[Key::Char('>'), Key::Char('>'), Key::Char('>')]);
    let shifted = screen::lessons(&a, (120, 36));
    let ends: Vec<&str> = shifted.lines().filter(|l| l.contains("‹")).collect();
    assert_eq!(ends.len(), 5, "every diagram row shifted: {shifted}");
    assert!(
        shifted.contains("MASK   payload length"),
        "the diagram's right end in sight: {shifted}"
    );
    insta::assert_snapshot!("diagram_shifted_120x36", shifted);
    // The marks are glyphs: every theme, and no colour at all, shows them.
    for theme in THEMES {
        let shown = drawn(&a, (120, 36), theme);
        assert!(
            shown.contains('‹') && shown.contains("< > wide rows"),
            "{theme:?}"
        );
    }
    keys(&mut a, &[Key::Char('<'), Key::Char('<'), Key::Char('<')]);
    assert_eq!(screen::lessons(&a, (120, 36)), cut, "< brings it back");
}

/// The title of the region marked as having the keys, and how many are marked.
fn marked(shown: &str) -> (usize, String) {
    let rows: Vec<&str> = shown.lines().filter(|l| l.contains('▶')).collect();
    let title = rows.first().map_or(String::new(), |r| {
        r.split('▶')
            .nth(1)
            .unwrap_or("")
            .trim_start()
            .chars()
            .take(9)
            .collect()
    });
    (shown.matches('▶').count(), title)
}

#[test]
fn the_focus_is_marked_after_every_tab_in_every_theme_and_without_colour() {
    for theme in THEMES {
        for size in SIZES {
            let mut a = lesson_after_hello(Mode::Learn, "06-frame");
            for (expected, focus) in [
                ("the step", Focus::Prose),
                ("frames", Focus::Pane),
                ("Check 1 o", Focus::Check),
                ("the step", Focus::Prose),
            ] {
                assert_eq!(a.lesson.as_ref().unwrap().focus, focus);
                let shown = drawn(&a, size, theme);
                let (count, title) = marked(&shown);
                assert_eq!(count, 1, "{theme:?} {size:?}: one region marked:\n{shown}");
                assert!(
                    title.starts_with(expected),
                    "{theme:?} {size:?}: {title:?} marked, not {expected:?}:\n{shown}"
                );
                // A heavy border: a glyph, so the mark needs no colour.
                let heavy = shown.lines().find(|l| l.contains('▶')).unwrap();
                assert!(heavy.contains("┏▶"), "{theme:?} {size:?}: {heavy}");
                keys(&mut a, &[Key::Tab]);
            }
        }
    }
    // In class, Tab goes into the pane and back.
    for theme in THEMES {
        let mut a = lesson_after_hello(PRESENT, "06-frame");
        assert_eq!(marked(&drawn(&a, (80, 24), theme)).0, 0, "the step: no box");
        keys(&mut a, &[Key::Tab]);
        let shown = drawn(&a, (80, 24), theme);
        assert_eq!(marked(&shown), (1, "frames  f".to_owned()), "{shown}");
    }
}

#[test]
fn at_80x24_z_gives_the_live_pane_the_screen_with_its_fields_and_bits() {
    for mode in [Mode::Learn, PRESENT] {
        let mut a = lesson_after_hello(mode, "06-frame");
        let before = screen::lessons(&a, (80, 24));
        assert!(
            before.contains("z zoom"),
            "the key line offers z:\n{before}"
        );
        assert!(!before.contains("payload len "), "{before}");
        keys(&mut a, &[Key::Char('z')]);
        let zoomed = screen::lessons(&a, (80, 24));
        for part in [
            // The bit diagram, the field table, the dump.
            "FIN RSV1 RSV2 RSV3 opcode │ MASK length",
            " 1   0    0    0    0001  │  0   0000101",
            "payload len  5",
            "81 05 48 65 6c 6c 6f",
            "z unzoom",
        ] {
            assert!(zoomed.contains(part), "{mode:?}: {part:?} not on\n{zoomed}");
        }
        assert_eq!(
            a.lesson.as_ref().unwrap().focus,
            Focus::Pane,
            "the keys follow"
        );
        let name = if mode == Mode::Learn {
            "learn"
        } else {
            "present"
        };
        insta::assert_snapshot!(format!("zoomed_{name}_80x24"), zoomed);
        assert!(screen::lessons(&a, (120, 36)).contains("payload len  5"));
        keys(&mut a, &[Key::Char('z')]);
        let back = screen::lessons(&a, (80, 24));
        assert!(
            back.contains("z zoom") && !back.contains("payload len "),
            "{back}"
        );
        // The pane keeps the keys; Tab back to the prose, and the screen is as it was.
        keys(&mut a, &[Key::Esc]);
        assert_eq!(screen::lessons(&a, (80, 24)), before, "z gives it back");
        keys(&mut a, &[Key::Char('z'), Key::Esc]);
        assert!(!a.lesson.as_ref().unwrap().zoom, "Esc steps out of it too");
    }
}

#[test]
fn sentences_wrap_and_a_cut_pane_says_more_is_below() {
    // Before it runs, the pane's sentence wraps whole in a pane of any width.
    let mut a = app(Mode::Learn);
    let lesson = index_of(&a, "06-frame");
    a.open(lesson);
    update(
        &mut a,
        Msg::Started {
            lesson,
            capture: Arc::default(),
        },
    );
    for size in [(80, 24), (100, 30), (120, 36)] {
        let shown = screen::lessons(&a, size);
        let said: String = shown
            .lines()
            // The pane's column: the last one drawn on each row.
            .filter_map(|l| l.split(['│', '┃']).rfind(|s| !s.trim().is_empty()))
            .collect::<Vec<_>>()
            .join(" ");
        let said = said.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            said.contains("Predict first: answer the check below (Tab), and the step runs to show who was right."),
            "{size:?}:\n{shown}"
        );
        assert!(!shown.contains('…'), "{size:?}: a sentence cut:\n{shown}");
    }
    // The prose is cut at 80×24: its border says so, until it is scrolled to its end.
    let mut a = lesson_after_hello(Mode::Learn, "06-frame");
    for theme in THEMES {
        let shown = drawn(&a, (80, 24), theme);
        assert!(shown.contains("↓ more ┛"), "{theme:?}:\n{shown}");
    }
    keys(&mut a, &[Key::End]);
    let end = screen::lessons(&a, (80, 24));
    assert!(!end.contains("↓ more"), "{end}");
    // The scroll stops at the last row, so ↑ moves at once.
    keys(&mut a, &[Key::Up]);
    let up = screen::lessons(&a, (80, 24));
    assert_ne!(up, end, "↑ after End scrolls back a row");
    assert!(up.contains("↓ more"), "{up}");
}

/// Every check of every shipped lesson, at 80×24, with every hint shown: the panel shows its
/// last hint to its last word, or says that more is below (and z gives it the screen).
#[test]
fn a_check_cut_at_80x24_says_so() {
    let base = app(Mode::Learn);
    let mut cut = 0;
    for (l, lesson) in base.lessons.iter().enumerate() {
        for (s, step) in lesson.steps.iter().enumerate() {
            for (c, check) in step.checks.iter().enumerate() {
                let mut a = app(Mode::Learn);
                a.open(l);
                assert!(a.jump(s));
                while a.lesson.as_ref().unwrap().focus != Focus::Check {
                    keys(&mut a, &[Key::Tab]);
                }
                keys(&mut a, &vec![Key::PageDown; c]);
                let hints = check.hints.len();
                match check.kind {
                    wslab::lesson::model::CheckKind::Choice => {
                        keys(&mut a, &vec![Key::Char('h'); hints]);
                    }
                    // Each wrong answer earns the next hint.
                    wslab::lesson::model::CheckKind::Typed => {
                        keys(&mut a, &[Key::Char('~')]);
                        keys(&mut a, &vec![Key::Enter; hints]);
                    }
                    // Its answer comes from a run, which this test does not make.
                    wslab::lesson::model::CheckKind::Computed => continue,
                }
                let shown = screen::lessons(&a, (80, 24));
                let last = check
                    .hints
                    .last()
                    .and_then(|h| h.split_whitespace().last())
                    .unwrap_or_default();
                if shown.contains("↓ more · z") {
                    cut += 1;
                    keys(&mut a, &[Key::Char('z')]);
                    let whole = screen::lessons(&a, (80, 24));
                    assert!(
                        whole.contains(last) || whole.contains("↓ more"),
                        "{}: z shows the check whole:\n{whole}",
                        lesson.id
                    );
                } else {
                    assert!(
                        shown.contains(last),
                        "{} step {s} check {c}: cut without a mark ({last:?}):\n{shown}",
                        lesson.id
                    );
                }
            }
        }
    }
    // None is, with the hints alone; a shorter screen cuts one, which says so.
    assert_eq!(cut, 0);
    let mut a = lesson_after_hello(Mode::Learn, "06-frame");
    keys(&mut a, &[Key::Tab, Key::Tab, Key::Char('a')]);
    let short = screen::lessons(&a, (80, 16));
    assert!(short.contains("↓ more · z ┛"), "{short}");
    assert!(!short.contains("Hint: Count the payload first"), "{short}");
    keys(&mut a, &[Key::Char('z')]);
    let whole = screen::lessons(&a, (80, 16));
    assert!(whole.contains("Hint: Count the payload first"), "{whole}");
    assert!(!whole.contains("↓ more"), "{whole}");
}

#[test]
fn two_panes_of_one_kind_are_named_by_what_they_show() {
    let mut a = app(PRESENT);
    a.open(index_of(&a, "08-length"));
    keys(&mut a, &[Key::Right, Key::Right]);
    assert_eq!(a.lesson.as_ref().unwrap().step, 1);
    assert_eq!(
        tab_names(&a),
        ["126 B · frames", "fields", "65535 B · frames"]
    );
    for size in SIZES {
        let shown = screen::lessons(&a, size);
        assert!(
            shown.contains(" 126 B · frames  fields  65535 B · frames "),
            "{size:?}:\n{shown}"
        );
    }
    // A click on a tab chooses it, by its width as drawn.
    update(
        &mut a,
        Msg::Resize {
            width: 120,
            height: 36,
        },
    );
    let pane = wslab::app::layout::areas(&a, ratatui::layout::Rect::new(0, 0, 120, 36)).pane;
    let third = pane.x + 2 + 16 + 8 + 3;
    update(
        &mut a,
        Msg::Click {
            x: third,
            y: pane.y,
        },
    );
    assert_eq!(a.lesson.as_ref().unwrap().pane, 2, "the 65535 B tab");

    let mut b = app(Mode::Learn);
    let l17 = index_of(&b, "17-subprotocols");
    b.open(l17);
    let step = b.lessons[l17]
        .steps
        .iter()
        .position(|s| s.title == "What compression costs")
        .expect("the step");
    assert!(b.jump(step));
    assert_eq!(tab_names(&b), ["no deflate · compare", "deflate · compare"]);
    // No step of a shipped lesson shows two tabs alike.
    for (l, lesson) in b.lessons.clone().iter().enumerate() {
        b.open(l);
        for s in 0..lesson.steps.len() {
            assert!(b.jump(s));
            let names = tab_names(&b);
            for (i, n) in names.iter().enumerate() {
                assert!(
                    !names[..i].contains(n),
                    "{} step {}: two tabs read {n:?}",
                    lesson.id,
                    s + 1
                );
            }
        }
    }
}

#[test]
fn a_step_opens_its_frames_pane_on_the_frame_its_prose_names() {
    for mode in [Mode::Learn, PRESENT] {
        let a = lesson_after_hello(mode, "06-frame");
        assert_eq!(
            a.lesson.as_ref().unwrap().selected,
            1,
            "the server's frame 1"
        );
        for size in SIZES {
            let shown = screen::lessons(&a, size);
            assert!(
                shown.contains("frame 1 · server → client · 2-byte header + 5-byte payload"),
                "{mode:?} {size:?}:\n{shown}"
            );
        }
    }
    // The fields pane opens on it too; a step without `opens` opens on the first frame.
    let mut a = lesson_after_hello(Mode::Learn, "06-frame");
    keys(&mut a, &[Key::Char(']')]);
    assert_eq!(a.lesson.as_ref().unwrap().selected, 1);
    let b = lesson_after_hello(Mode::Learn, "07-masking");
    assert_eq!(b.lesson.as_ref().unwrap().selected, 0);
}

#[test]
fn tabs_alike_without_a_label_are_numbered_by_their_action() {
    let text = "+++\nid = \"t\"\ntitle = \"T\"\nminutes = 5\nobjectives = [\"o\"]\nnotes = \"n\"\n+++\n## S\nProse.\n```wslab\n[[action]]\nkind = \"websocket\"\nsend = [{ text = \"a\" }, { text = \"b\" }]\npanes = [\"frames\"]\n\n[[action]]\nkind = \"websocket\"\nsend = [{ text = \"c\" }, { text = \"d\" }]\npanes = [\"frames\", \"heads\"]\n```\n";
    let lesson = wslab::lesson::parse("t.md", text)
        .lesson
        .expect("the lesson parses");
    let mut a = App::new(
        vec![lesson],
        vec![1],
        1,
        wslab::app::progress::Progress::default(),
        Mode::Learn,
    );
    a.open(0);
    assert_eq!(tab_names(&a), ["1 · frames", "2 · frames", "heads"]);
}
