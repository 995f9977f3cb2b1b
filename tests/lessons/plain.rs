//! The shipped lessons: every one passes `lessons check`, runs end to end in plain mode
//! against real sockets, and every computed answer agrees with the raw bytes the taps
//! captured, read apart from the dissector that computed it.

use std::process::Command;

use tungstenite::handshake::derive_accept_key;
use wslab::capture::{Connection, Direction, Layer, Transcript};
use wslab::cmd::lessons::library;
use wslab::lesson::check::target_action;
use wslab::lesson::model::{Field, From, Probe};
use wslab::lesson::{Lesson, Severity};
use wslab::render::lesson::computed;
use wslab::run::{Runner, Settings};

/// The lessons that ship knowing they lack a capability, each said in its front matter.
const INCOMPLETE: &[&str] = &[];

/// A folder of its own for one test: the name and the process keep tests apart.
fn folder(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wslab-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_teacher_s_folder_counts_every_file_and_means_the_same_wherever_the_flag_is() {
    let dir = folder("broken-lessons");
    std::fs::write(
        dir.join("99-bad.md"),
        "+++\nid = \"99-bad\"\ntitle = \"Bad\"\nminutes = 5\nobjectives = [\"o\"]\nnotes = \"n\"\n+++\n## One\nProse.\n```wslab\n[[action]]\nkind = \"nosuch\"\n```\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_wslab"))
            .args(args)
            .output()
            .unwrap()
    };
    let d = dir.to_str().unwrap();
    // The broken file is counted with the 19 built-ins, and its error is at its line.
    let out = run(&["lessons", "check", d]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.starts_with("20 lesson(s) checked: 1 error(s)"),
        "{stdout}"
    );
    assert!(
        stderr.contains("99-bad.md:12:8: error: unknown action kind"),
        "{stderr}"
    );
    // The global flag before the subcommand is the same flag, and the advice names the folder.
    for args in [
        vec!["--lessons", d, "lessons", "list"],
        vec!["lessons", "list", "--lessons", d],
    ] {
        let out = run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr.contains(&format!("run `wslab lessons check {d}`")),
            "{args:?}: {stderr}"
        );
    }
    let out = run(&["--lessons", d, "lessons", "check"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("20 lesson(s) checked"));
    // A folder that does not exist is refused, wherever the flag is.
    for args in [
        vec!["--lessons", "/no/such/folder", "lesson", "1", "--plain"],
        vec!["lesson", "1", "--plain", "--lessons", "/no/such/folder"],
    ] {
        let out = run(&args);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("cannot read the lesson folder"),
            "{args:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shipped_lessons_pass_lessons_check() {
    let out = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["lessons", "check"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.starts_with("19 lesson(s) checked: 0 error(s)"),
        "{stdout}"
    );
    for line in stderr.lines() {
        assert!(
            line.contains(": warning: incomplete: "),
            "only incompleteness may be warned of: {line}"
        );
        assert!(INCOMPLETE.iter().any(|id| line.contains(id)), "{line}");
    }
    let lib = library(None).unwrap();
    assert_eq!(lib.lessons.len(), 19);
    for lesson in &lib.lessons {
        let checks: usize = lesson.steps.iter().map(|s| s.checks.len()).sum();
        let actions: usize = lesson.steps.iter().map(|s| s.actions.len()).sum();
        assert!(
            checks >= 2 && actions >= 1,
            "{}: {checks} checks, {actions} actions",
            lesson.id
        );
        assert!(
            !lesson.objectives.is_empty() && !lesson.notes.trim().is_empty(),
            "{}",
            lesson.id
        );
        assert_eq!(
            lesson.incomplete.is_some(),
            INCOMPLETE.contains(&lesson.id.as_str()),
            "{}",
            lesson.id
        );
    }
    assert!(lib.problems.iter().all(|p| p.severity == Severity::Warning));
}

#[test]
fn every_lesson_runs_end_to_end_in_plain_mode() {
    let out = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["lesson", "--all", "--plain", "--quick"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    for n in 1..=19 {
        assert!(
            stdout.contains(&format!("# Lesson {n} of 19 · ")),
            "lesson {n} missing"
        );
    }
    assert!(!stdout.contains("This action failed"), "an action failed");
    assert!(
        !stdout.contains("could not be computed"),
        "a computed answer failed"
    );
    assert!(stdout.contains("### Check yourself"));
    assert!(stdout.contains("**Answer:**"));
}

#[test]
fn a_learner_s_own_key_is_sent_and_its_accept_derived() {
    let out = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args([
            "lesson",
            "4",
            "--plain",
            "--quick",
            "--input",
            "AAAAAAAAAAAAAAAAAAAAAA==",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA=="),
        "the typed key went on the wire"
    );
    let accept = derive_accept_key(b"AAAAAAAAAAAAAAAAAAAAAA==");
    assert!(
        stdout.contains(&format!("✓ {accept} matches")),
        "and the server sent the Accept it gives"
    );
}

/// Runs every step of `lesson` and checks each computed answer against the raw bytes.
async fn verify(lesson: &Lesson) -> usize {
    let runner = Runner::start(Settings {
        quick: true,
        ..Settings::default()
    })
    .await
    .unwrap();
    let mut verified = 0;
    for step in &lesson.steps {
        let mut runs = Vec::new();
        for action in &step.actions {
            let run = runner.run(action, None).await;
            assert!(
                !run.failed(),
                "{} {}: {:?}",
                lesson.id,
                step.title,
                run.error
            );
            runs.push(run);
        }
        for check in &step.checks {
            let Some(answer) = runner.recorder().read(|t| computed(step, check, &runs, t)) else {
                continue;
            };
            let answer = answer.unwrap_or_else(|e| panic!("{} {}: {e}", lesson.id, step.title));
            let probe = check.compute.as_ref().unwrap();
            let index = target_action(step, probe).unwrap();
            let conn = runs[index].conns[0];
            runner.recorder().read(|t| {
                let c = t.connection(conn).unwrap();
                if let Some(expected) = from_raw(probe, c, t) {
                    assert_eq!(
                        answer, expected,
                        "{} {}: {}",
                        lesson.id, step.title, check.question
                    );
                    verified += 1;
                }
            });
        }
    }
    runner.shutdown().await;
    verified
}

/// The answer read straight from the raw chunk log, where that can be done without the
/// dissector: a frame's offset is taken from it, every byte from the log.
fn from_raw(probe: &Probe, c: &Connection, t: &Transcript) -> Option<String> {
    let dir = |from: &From| match from {
        From::Client => Direction::ClientToServer,
        From::Server => Direction::ServerToClient,
    };
    let hex = |b: &[u8]| {
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    match probe {
        Probe::FrameBytes {
            from,
            frame,
            start,
            len,
            ..
        } => {
            let raw = t.raw(c.id, dir(from));
            let offset = usize::try_from(c.flow(dir(from)).frames[frame - 1].item.offset).unwrap();
            Some(hex(&raw[offset + start..offset + start + len]))
        }
        Probe::FrameField {
            from, frame, field, ..
        } => {
            let raw = t.raw(c.id, dir(from));
            let offset = usize::try_from(c.flow(dir(from)).frames[frame - 1].item.offset).unwrap();
            let (b0, b1) = (raw[offset], raw[offset + 1]);
            match field {
                Field::Fin => Some((b0 >> 7).to_string()),
                Field::Opcode => Some((b0 & 0x0f).to_string()),
                Field::Mask => Some((b1 >> 7).to_string()),
                Field::Length if b1 & 0x7f < 126 => Some((b1 & 0x7f).to_string()),
                Field::Length if b1 & 0x7f == 126 => {
                    Some(u16::from_be_bytes([raw[offset + 2], raw[offset + 3]]).to_string())
                }
                _ => None,
            }
        }
        Probe::Accept { .. } => {
            let raw = t.raw(c.id, Direction::ClientToServer);
            let head = String::from_utf8_lossy(&raw);
            let key = head
                .lines()
                .find_map(|l| {
                    l.split_once(':')
                        .filter(|(n, _)| n.eq_ignore_ascii_case("sec-websocket-key"))
                })?
                .1
                .trim()
                .to_owned();
            Some(derive_accept_key(key.as_bytes()))
        }
        Probe::Header { from, name, .. } => {
            let raw = t.raw(c.id, dir(from));
            let text = String::from_utf8_lossy(&raw);
            let head = text.split("\r\n\r\n").next()?;
            head.lines()
                .find_map(|l| {
                    l.split_once(':')
                        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                })
                .map(|(_, v)| v.trim().to_owned())
        }
        Probe::Status { .. } => {
            let raw = t.raw(c.id, Direction::ServerToClient);
            let text = String::from_utf8_lossy(&raw);
            text.split(' ').nth(1).map(str::to_owned)
        }
        Probe::TlsRecords { from, .. } => {
            // Walks the ciphertext by the 5-byte record headers: type, version, length.
            let raw = t.raw_at(Layer::Tls, c.id, dir(from));
            let (mut at, mut records) = (0, 0);
            while at + 5 <= raw.len() {
                at += 5 + usize::from(u16::from_be_bytes([raw[at + 3], raw[at + 4]]));
                records += 1;
            }
            Some(records.to_string())
        }
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn computed_answers_agree_with_the_raw_bytes() {
    let lib = library(None).unwrap();
    let mut verified = 0;
    for lesson in &lib.lessons {
        verified += verify(lesson).await;
    }
    // Most computed checks read bytes, fields, headers or the Accept: all of those are
    // verified here; the rest were computed without error above.
    assert!(verified >= 10, "only {verified} computed answers verified");
}
