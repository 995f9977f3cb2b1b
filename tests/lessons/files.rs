//! `wslab lessons check` on malformed lesson folders: each mistake a teacher can make is
//! reported at its exact `file:line:col`, and the exit status says whether anything is wrong.

use std::path::PathBuf;
use std::process::Command;

const FRONT: &str = "+++\nid = \"90-mine\"\ntitle = \"Mine\"\nminutes = 5\nobjectives = [\"see\"]\nnotes = \"n\"\n+++\n";

/// A fresh folder holding one lesson file, `90-mine.md`, with `body` after the front matter.
fn folder(test: &str, body: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("wslab-lesson-files-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("90-mine.md"), format!("{FRONT}{body}")).unwrap();
    // Its own index, so the folder is checked alone, whatever the built-in lessons hold.
    std::fs::write(
        dir.join("index.toml"),
        "format_version = 1\nlessons = [\"90-mine.md\"]\n",
    )
    .unwrap();
    dir
}

/// Runs `lessons check DIR`: exit code, and the problems about our file.
fn check(dir: &PathBuf) -> (i32, Vec<String>) {
    let out = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["lessons", "check"])
        .arg(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mine: Vec<String> = stderr
        .lines()
        .filter(|l| l.contains("90-mine.md"))
        .map(|l| l.rsplit_once('/').map_or(l, |(_, name)| name).to_owned())
        .collect();
    (out.status.code().unwrap_or(-1), mine)
}

const GOOD_STEP: &str = "## Go\n\nProse.\n\n```wslab\n[[action]]\nkind = \"websocket\"\nsend = [{ text = \"Hi\" }]\n\n[[check]]\nkind = \"computed\"\nquestion = \"Opcode?\"\ncompute = { of = \"frame-field\", from = \"client\", frame = 1, field = \"opcode\" }\nfeedback = \"Text is 1.\"\nhints = [\"Byte 0, low 4 bits.\"]\n\n[[check]]\nkind = \"choice\"\nquestion = \"Who masks?\"\noptions = [\"client\", \"server\"]\nanswer = 1\nfeedback = \"The client.\"\nhints = [\"§5.3\"]\n```\n";

#[test]
fn a_good_lesson_passes() {
    let dir = folder("good", GOOD_STEP);
    let (code, mine) = check(&dir);
    assert!(mine.is_empty(), "{mine:?}");
    assert_eq!(code, 0);
}

#[test]
fn bad_toml_is_placed_at_its_line_and_column() {
    let dir = folder(
        "toml",
        "## Go\n\nProse.\n\n```wslab\n[[action]]\nkind = websocket\n```\n",
    );
    let (code, mine) = check(&dir);
    assert_eq!(code, 1);
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert!(
        mine[0].starts_with("90-mine.md:14:8: error: bad TOML"),
        "{mine:?}"
    );
}

#[test]
fn an_unknown_action_is_named_at_its_kind() {
    let dir = folder(
        "action",
        "## Go\n\nProse.\n\n```wslab\n[[action]]\nkind = \"telnet\"\n```\n",
    );
    let (code, mine) = check(&dir);
    assert_eq!(code, 1);
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert!(
        mine[0].starts_with("90-mine.md:14:8: error: unknown action kind \"telnet\"; expected one of http, websocket"),
        "{mine:?}"
    );
}

#[test]
fn a_step_without_prose_is_named_at_its_heading() {
    let dir = folder(
        "prose",
        &format!("## Empty\n\n```wslab\n[[action]]\nkind = \"http\"\n```\n{GOOD_STEP}"),
    );
    let (code, mine) = check(&dir);
    assert_eq!(code, 1);
    assert_eq!(
        mine,
        [
            "90-mine.md:8:1: error: step \"Empty\" has no prose; a step says in words what the learner is about to see"
        ]
    );
}

#[test]
fn an_answer_about_a_frame_that_will_not_exist_is_named_at_compute() {
    // The action sends "Hi" and the final close: 2 client frames, so frame 3 never exists.
    let step = GOOD_STEP.replace("frame = 1, field", "frame = 3, field");
    let dir = folder("frame", &step);
    let (code, mine) = check(&dir);
    assert_eq!(code, 1);
    assert_eq!(
        mine,
        [
            "90-mine.md:20:1: error: the answer reads client frame 3, but action 1 gives only 2 frame(s) from that side"
        ]
    );
}

#[test]
fn an_unknown_field_and_an_unknown_fault_are_named_at_their_keys() {
    let body =
        "## Go\n\nProse.\n\n```wslab\n[[action]]\nkind = \"fault\"\nname = \"slow-loris\"\n```\n";
    let (code, mine) = check(&folder("fault", body));
    assert_eq!(code, 1);
    assert!(
        mine.iter()
            .any(|m| m.starts_with("90-mine.md:15:1: error: there is no fault \"slow-loris\"")),
        "{mine:?}"
    );
    let body = GOOD_STEP.replace(
        "kind = \"websocket\"",
        "kind = \"websocket\"\npth = \"/echo\"",
    );
    let (code, mine) = check(&folder("field", &body));
    assert_eq!(code, 1);
    assert!(
        mine[0].starts_with("90-mine.md:15:1: error: unknown field \"pth\" in [action]"),
        "{mine:?}"
    );
}

#[test]
fn a_missing_file_and_a_duplicate_id_are_errors() {
    let dir = folder("index", GOOD_STEP);
    std::fs::write(
        dir.join("index.toml"),
        "format_version = 1\nlessons = [\"90-mine.md\", \"91-gone.md\"]\n",
    )
    .unwrap();
    std::fs::write(dir.join("92-twin.md"), format!("{FRONT}{GOOD_STEP}")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["lessons", "check"])
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains(
            "index.toml:2:26: error: the index lists \"91-gone.md\", but there is no such file"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("92-twin.md:2:1: error: the id \"90-mine\" is already used by"),
        "{stderr}"
    );
}

#[test]
fn an_unreadable_folder_is_one_sentence_and_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["lessons", "check", "/nonexistent/wslab-lessons"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("wslab: cannot read the lesson folder /nonexistent/wslab-lessons:"),
        "{stderr}"
    );
}

#[test]
fn a_failed_action_or_an_answer_the_capture_lacks_exits_1_and_says_which() {
    // The lab chooses none of these subprotocols, so the client fails the handshake; /ticker
    // sends nothing unasked here, so its server has no third frame to read.
    let body = "## Go\n\nProse.\n\n```wslab\n[[action]]\nkind = \"websocket\"\nprotocols = [\"mqtt\"]\n\n[[action]]\nkind = \"websocket\"\npath = \"/ticker\"\n\n[[check]]\nkind = \"computed\"\nquestion = \"Byte 0 of the third?\"\ncompute = { of = \"frame-bytes\", from = \"server\", frame = 3, start = 0 }\nfeedback = \"f\"\nhints = [\"h\"]\n```\n";
    let dir = folder("fails", body);
    let out = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["lesson", "90-mine", "--plain", "--lessons"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout
            .contains("**This action failed:** the server chose none of the subprotocols offered"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "**Answer:** could not be computed: the check reads server frame 3, but only 1 frame(s)"
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains("wslab: 90-mine step 1: websocket failed: the server chose none"),
        "{stderr}"
    );
    assert!(
        stderr.contains("wslab: 90-mine step 1 check 1: the answer could not be computed"),
        "{stderr}"
    );
}

#[test]
fn every_error_of_a_file_is_reported_each_at_its_own_place() {
    // Issue 22's three errors in one file: a value in the front matter, an unknown key, and a
    // value only the lint can judge. The unknown key must not hide the other two.
    let front = FRONT.replace("minutes = 5", "minutes = 99");
    let step = GOOD_STEP
        .replace("kind = \"choice\"", "kind = \"choice\"\npredikt = true")
        .replace("frame = 1, field", "frame = 0, field");
    let dir = folder("three", &step);
    std::fs::write(dir.join("90-mine.md"), format!("{front}{step}")).unwrap();
    let (code, mine) = check(&dir);
    assert_eq!(code, 1);
    assert_eq!(
        mine,
        [
            "90-mine.md:4:1: error: minutes is 99; a lesson takes 1 to 60",
            "90-mine.md:20:1: error: frames count from 1",
            "90-mine.md:26:1: error: unknown field \"predikt\" in [check]; expected one of kind, question, options, answer, format, compute, feedback, hints, predict",
        ]
    );
}

#[test]
fn a_missing_closing_fence_is_named_where_it_belongs() {
    // The block's closing ``` is gone: the prose and the next code block after it are not TOML.
    let body = "## Go\n\nProse.\n\n```wslab\n[[action]]\nkind = \"websocket\"\nsend = [{ text = \"Hi\" }]\n\nThe frame, drawn:\n\n```text\n81 02\n```\n";
    let (code, mine) = check(&folder("fence", body));
    assert_eq!(code, 1);
    assert_eq!(
        mine,
        [
            "90-mine.md:16:1: error: the ```wslab block opened on line 12 is never closed; end it here with a line of three backticks"
        ]
    );
}

const GRADE_STEP: &str = "## Grade\n\nProse.\n\n```wslab\ninput = { field = \"url\", prompt = \"URL:\" }\n\n[[action]]\nkind = \"grade\"\ncases = [\"handshake\", \"5.2.*\"]\n\n[[check]]\nkind = \"choice\"\nquestion = \"Who masks?\"\noptions = [\"client\", \"server\"]\nanswer = 1\nfeedback = \"The client.\"\nhints = [\"§5.3\"]\n```\n";

#[test]
fn a_grade_step_with_cases_that_exist_passes() {
    let (code, mine) = check(&folder("grade-good", &format!("{GOOD_STEP}{GRADE_STEP}")));
    assert!(mine.is_empty(), "{mine:?}");
    assert_eq!(code, 0);
}

#[test]
fn a_grade_s_cases_that_name_nothing_are_named_at_cases_when_the_lessons_load() {
    // Line 41 holds `cases`: 7 lines of front matter, GOOD_STEP's 24, then the grade step's 10th.
    let step = GRADE_STEP.replace("\"5.2.*\"", "\"5.2.*\", \"9.*\", \"frameing\"");
    let (code, mine) = check(&folder("grade-bad", &format!("{GOOD_STEP}{step}")));
    assert_eq!(code, 1);
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert!(
        mine[0].starts_with(
            "90-mine.md:41:1: error: cases item 3: \"9.*\" matches no case of the grader; ids look like 5.2.3 or 7.*, and the parts are handshake, framing,"
        ),
        "{mine:?}"
    );
    assert!(mine[1].contains("cases item 4: \"frameing\""), "{mine:?}");
    // The same file is refused by `lesson --plain` before anything runs.
    let dir = folder("grade-bad-run", &format!("{GOOD_STEP}{step}"));
    let out = Command::new(env!("CARGO_BIN_EXE_wslab"))
        .args(["lesson", "90-mine", "--plain", "--lessons"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("matches no case of the grader"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_grade_s_malformed_cases_and_panes_are_named_at_their_keys() {
    let comma = GRADE_STEP.replace("[\"handshake\", \"5.2.*\"]", "[\"handshake,5.2.*\"]");
    // GOOD_STEP first, for the lesson's second check: its 24 lines come before these.
    let (code, mine) = check(&folder("grade-comma", &format!("{GOOD_STEP}{comma}")));
    assert_eq!(code, 1);
    assert_eq!(
        mine,
        [
            "90-mine.md:41:1: error: cases item 1 \"handshake,5.2.*\" holds a comma; write each pattern as its own item: [\"handshake\", \"5.2.*\"]"
        ]
    );
    let panes = GRADE_STEP.replace(
        "cases = [\"handshake\", \"5.2.*\"]",
        "cases = [\"handshake\"]\npanes = [\"heads\"]",
    );
    let (code, mine) = check(&folder("grade-panes", &format!("{GOOD_STEP}{panes}")));
    assert_eq!(code, 1);
    assert_eq!(
        mine,
        [
            "90-mine.md:42:1: error: the pane \"heads\" does not fit a grade action; its only pane is \"card\", since the grader's connections are its own"
        ]
    );
    let input = GRADE_STEP.replace("field = \"url\"", "field = \"key\"");
    let (code, mine) = check(&folder("grade-input", &format!("{GOOD_STEP}{input}")));
    assert_eq!(code, 1);
    assert_eq!(
        mine,
        ["90-mine.md:32:1: error: input \"key\" needs a websocket action first in step \"Grade\""]
    );
}
