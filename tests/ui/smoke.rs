//! The one screen test on real sockets: lesson 6's first step run by the `Runner` against
//! the lab on loopback, its capture handed to the app as the terminal loop hands it, and the
//! live pane drawn from it. Everything else in these tests draws from captures made by hand;
//! this proves the two ends meet. Times and the client's close key vary run to run, so it
//! asserts on what does not rather than keeping a snapshot.

use std::sync::Arc;

use wslab::app::{Mode, Msg, update};
use wslab::run::{Runner, Settings};

use crate::fixture::{app, index_of};
use crate::screen;

#[tokio::test]
async fn a_lesson_step_s_pane_draws_from_a_real_run() {
    let mut a = app(Mode::Learn);
    let lesson = index_of(&a, "06-frame");
    a.open(lesson);
    let runner = Runner::start(Settings {
        quick: true,
        ..Settings::default()
    })
    .await
    .expect("the lab starts");
    update(
        &mut a,
        Msg::Started {
            lesson,
            capture: Arc::new(runner.recorder().snapshot()),
        },
    );
    let mut runs = Vec::new();
    for action in &a.lessons[lesson].steps[0].actions {
        runs.push(runner.run(action, None).await);
    }
    assert!(runs.iter().all(|r| !r.failed()), "{runs:?}");
    update(
        &mut a,
        Msg::Ran {
            lesson,
            step: 0,
            runs,
        },
    );
    update(
        &mut a,
        Msg::Captured {
            lesson,
            capture: Arc::new(runner.recorder().snapshot()),
        },
    );
    let shown = screen::lessons(&a, (120, 40));
    // The step opens on the server's frame, where its prose points (`opens`).
    for line in [
        "frame 1 · server → client · 2-byte header + 5-byte payload",
        "81 05 48 65 6c 6c 6f",
        "\"Hello\"",
        "1000 Normal Closure",
        "✓ no rule broken",
    ] {
        assert!(shown.contains(line), "{line:?} not on\n{shown}");
    }
    assert_eq!(
        shown.matches("text     5").count(),
        2,
        "Hello and its echo: {shown}"
    );
    runner.shutdown().await;
}
