//! How long the course takes to run for real: every lesson's actions through the runner, as
//! `wslab lesson --all --plain` does, lesson by lesson, with the plain text rendered too.
//! The aim (issue 4) is the whole course in under 60 s on a 2-core machine.
//!
//! Run with `cargo bench --bench lessons`; `WSLAB_BENCH_QUICK=1` runs the experiments in their
//! `--quick` form, as the tests do.

use std::time::Instant;

use wslab::cmd::lessons::library;
use wslab::render::lesson::{Plain, step};
use wslab::run::{Runner, Settings};

fn main() {
    let quick = std::env::var_os("WSLAB_BENCH_QUICK").is_some();
    let library = match library(None) {
        Ok(library) => library,
        Err(e) => {
            eprintln!("the built-in lessons did not load: {e}");
            std::process::exit(1);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let settings = Settings {
        quick,
        ..Settings::default()
    };
    println!(
        "Each lesson run for real{}, rendered as plain text",
        if quick { " (--quick)" } else { "" }
    );
    println!("{:<22} {:>10} {:>10}", "lesson", "ms", "bytes out");
    let all = Instant::now();
    let mut failed = 0;
    for lesson in &library.lessons {
        let started = Instant::now();
        let bytes = runtime.block_on(async {
            let runner = Runner::start(settings.clone())
                .await
                .expect("the lab starts");
            let mut bytes = 0;
            for (i, s) in lesson.steps.iter().enumerate() {
                let mut runs = Vec::new();
                for action in &s.actions {
                    let run = runner.run(action, None).await;
                    failed += usize::from(run.failed());
                    runs.push(run);
                }
                let (text, _) = runner
                    .recorder()
                    .read(|t| step(i + 1, s, &runs, t, Plain::default()));
                bytes += text.len();
            }
            runner.shutdown().await;
            bytes
        });
        println!(
            "{:<22} {:>10.1} {:>10}",
            lesson.id,
            started.elapsed().as_secs_f64() * 1000.0,
            bytes
        );
    }
    println!(
        "{:<22} {:>10.1}",
        "all",
        all.elapsed().as_secs_f64() * 1000.0
    );
    if failed > 0 {
        eprintln!("{failed} action(s) failed");
        std::process::exit(1);
    }
}
