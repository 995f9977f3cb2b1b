//! Python's websockets, an implementation of RFC 6455 and RFC 7692 nobody here wrote, as a
//! peer for the permessage-deflate tests. Where it is missing the caller skips, and says so.

#![allow(dead_code)]

use std::process::{Command, Output};

/// The first Python with the websockets module: the one on PATH, or Debian's own
/// (python3-websockets, which .ci/run installs), which a version manager's python3 may hide.
/// `None`, after printing that `what` was skipped, when there is none.
pub fn websockets(what: &str) -> Option<&'static str> {
    let found = ["python3", "/usr/bin/python3"].into_iter().find(|python| {
        Command::new(python)
            .args(["-c", "import websockets"])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        println!(
            "skipped: python3 with the websockets module is not installed, so {what} was not checked; .ci/run installs python3-websockets"
        );
    }
    found
}

/// Runs `script` with `args` on a blocking thread; its output, which must be a success.
pub async fn run(python: &'static str, script: &'static str, args: Vec<String>) -> String {
    let output: Output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg("-c")
            .arg(script)
            .args(&args)
            .output()
            .expect("python runs")
    })
    .await
    .expect("the thread ends");
    let said = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    said
}
