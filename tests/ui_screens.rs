//! Snapshots of every screen on ratatui's `TestBackend`, at 80×24 and 120×40: the menu, a
//! lesson with its live pane and check, the help overlay, and classroom mode. Live panes
//! come from real runs on loopback; the digits that vary run to run (times, ports, dates,
//! random keys) are masked before comparing.

#[path = "common/screen.rs"]
mod screen;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wslab::app::keymap::Key;
use wslab::app::progress::Progress;
use wslab::app::{App, Mode, Msg, update};
use wslab::cmd::lessons::library;
use wslab::run::{Runner, Settings};
use wslab::ui::{self, Theme, ThemeName};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn app(mode: Mode) -> App {
    let lib = library(None).unwrap();
    let numbers = lib.lessons.iter().map(|l| lib.number(l)).collect();
    App::new(
        lib.lessons.clone(),
        numbers,
        lib.order.len(),
        Progress::default(),
        mode,
    )
}

/// The screen as text, one line per row.
fn screen(app: &App, (w, h): (u16, u16)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let theme = Theme::new(ThemeName::Dark);
    terminal.draw(|f| ui::draw(f, app, &theme)).unwrap();
    let out = screen::text(terminal.backend().buffer());
    screen::squeeze(&mask(&out))
}

/// Replaces the digits of what varies between runs: "12.345 ms", ":40317", and base64 keys.
fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // A number followed by " ms" or preceded by "127.0.0.1:" is a measurement or a port.
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
            let before: String = chars[start.saturating_sub(10)..start].iter().collect();
            // One token whatever the digits, so a slower run's wider number looks the same.
            if rest == " ms" || rest.starts_with("ms") {
                out.push('T');
            } else if before == "127.0.0.1:" {
                out.push('P');
            } else {
                out.push_str(&word);
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

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

/// Lesson 6, step 1, run for real: pinned key and mask, so the bytes are the RFC's.
async fn lesson_six(mode: Mode) -> (App, Runner) {
    let mut a = app(mode);
    let lesson = a.lessons.iter().position(|l| l.id == "06-frame").unwrap();
    a.open(lesson);
    let runner = Runner::start(Settings {
        quick: true,
        ..Settings::default()
    })
    .await
    .unwrap();
    update(
        &mut a,
        Msg::Started {
            lesson,
            capture: std::sync::Arc::new(runner.recorder().snapshot()),
        },
    );
    let mut runs = Vec::new();
    for action in &a.lessons[lesson].steps[0].actions {
        runs.push(runner.run(action, None).await);
    }
    update(
        &mut a,
        Msg::Ran {
            lesson,
            step: 0,
            runs,
        },
    );
    // As the terminal loop does before it draws: the capture as it is now.
    update(
        &mut a,
        Msg::Captured {
            lesson,
            capture: std::sync::Arc::new(runner.recorder().snapshot()),
        },
    );
    (a, runner)
}

#[tokio::test]
async fn a_lesson_step_with_its_live_pane_and_a_check() {
    let (mut a, runner) = lesson_six(Mode::Learn).await;
    for size in SIZES {
        insta::assert_snapshot!(format!("lesson_{}x{}", size.0, size.1), screen(&a, size));
    }
    // Focus on the check and answer it wrong: the verdict and a hint show.
    update(&mut a, Msg::Key(Key::Tab));
    update(&mut a, Msg::Key(Key::Tab));
    update(&mut a, Msg::Key(Key::Char('a')));
    insta::assert_snapshot!("lesson_check_wrong_80x24", screen(&a, (80, 24)));
    runner.shutdown().await;
}

#[tokio::test]
async fn classroom_mode_with_notes_and_the_answer() {
    let (mut a, runner) = lesson_six(Mode::Present {
        notes: false,
        blank: false,
        revealed: false,
    })
    .await;
    insta::assert_snapshot!("present_80x24", screen(&a, (80, 24)));
    update(&mut a, Msg::Key(Key::Char('s')));
    update(&mut a, Msg::Key(Key::Enter));
    insta::assert_snapshot!("present_notes_answer_120x40", screen(&a, (120, 40)));
    update(&mut a, Msg::Key(Key::Char('.')));
    assert!(
        screen(&a, (80, 24)).trim().is_empty(),
        "a blanked screen shows nothing"
    );
    runner.shutdown().await;
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
