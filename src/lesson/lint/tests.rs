use super::*;
use crate::lesson::{Severity, parse};

/// The errors a lesson with one step holding `block` gets: from parsing, where the typed
/// values (endpoint, fault, mask, sends) are checked, or else from `lint`.
fn messages(block: &str) -> Vec<String> {
    let text = format!(
        "+++\nid = \"t\"\ntitle = \"T\"\nminutes = 5\nobjectives = [\"o\"]\nnotes = \"n\"\n+++\n## S\nProse.\n```wslab\n{block}\n```\n"
    );
    let parsed = parse("l.md", &text);
    let problems = match parsed.lesson {
        Some(lesson) => lint(&lesson),
        None => parsed.problems,
    };
    problems
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| format!("{}:{} {}", p.line, p.col, p.message))
        .collect()
}

const CHECKS: &str = "[[check]]\nkind = \"choice\"\nquestion = \"q\"\noptions = [\"a\", \"b\"]\nanswer = 1\nfeedback = \"f\"\nhints = [\"h\"]\n";

#[test]
fn a_sound_step_has_no_error() {
    let block = format!(
        "[[action]]\nkind = \"websocket\"\nsend = [{{ text = \"x\" }}, {{ close = 1000, reason = \"bye\" }}]\n{CHECKS}"
    );
    assert!(messages(&block).is_empty(), "{:?}", messages(&block));
}

#[test]
fn sends_hold_exactly_one_lawful_value() {
    let two = messages("[[action]]\nkind = \"websocket\"\nsend = [{ text = \"x\", ping = \"p\" }]");
    assert!(
        two[0].ends_with(
            "send item 1 must have exactly one of text, binary, bytes, ping, pong, fragments, close"
        ),
        "{two:?}"
    );
    let big = messages(&format!(
        "[[action]]\nkind = \"websocket\"\nsend = [{{ ping = \"{}\" }}]",
        "p".repeat(126)
    ));
    assert!(
        big[0].contains("at most 125 bytes (RFC 6455 §5.5)"),
        "{big:?}"
    );
    let code = messages("[[action]]\nkind = \"websocket\"\nsend = [{ close = 1006 }]");
    assert!(
        code[0].contains("close code 1006 (Abnormal Closure) may not be sent"),
        "{code:?}"
    );
    let hex = messages("[[action]]\nkind = \"websocket\"\nsend = [{ binary = \"zz\" }]");
    assert!(hex[0].contains("binary \"zz\" is not hex"), "{hex:?}");
    let lone = messages("[[action]]\nkind = \"websocket\"\nsend = [{ fragments = [\"a\"] }]");
    assert!(lone[0].contains("at least two fragments"), "{lone:?}");
}

#[test]
fn paths_faults_masks_and_panes_are_checked_at_their_keys() {
    let path = messages("[[action]]\nkind = \"websocket\"\npath = \"/nope\"");
    assert!(
        path[0].starts_with("13:1 the lab has no WebSocket endpoint \"/nope\""),
        "{path:?}"
    );
    let fault = messages("[[action]]\nkind = \"fault\"\nname = \"nope\"");
    assert!(
        fault[0].starts_with("13:1 there is no fault \"nope\"; the lab has wrong-accept"),
        "{fault:?}"
    );
    let mask = messages("[[action]]\nkind = \"websocket\"\nmask = \"37fa\"");
    assert!(mask[0].contains("must be 8 hex digits"), "{mask:?}");
    let pane = messages("[[action]]\nkind = \"http\"\npanes = [\"chart\"]");
    assert!(
        pane[0].ends_with("the pane \"chart\" does not fit a http action"),
        "{pane:?}"
    );
    let events = messages("[[action]]\nkind = \"http\"\npath = \"/events?x=1\"");
    assert!(
        events[0].contains("/events streams without end"),
        "{events:?}"
    );
    let head = messages("[[action]]\nkind = \"http\"\nmethod = \"HEAD\"\npath = \"/events\"");
    assert!(head.is_empty(), "{head:?}");
    let idle = messages("[[action]]\nkind = \"idle\"\nconnections = 5000");
    assert!(
        idle[0].contains("connections is 5000; it must be 1 to 1000"),
        "{idle:?}"
    );
}

#[test]
fn checks_need_hints_feedback_and_a_findable_answer() {
    let no_hint = messages(
        "[[check]]\nkind = \"choice\"\nquestion = \"q\"\noptions = [\"a\", \"b\"]\nanswer = 3\nfeedback = \"f\"",
    );
    assert!(
        no_hint.iter().any(|m| m.contains("at least one hint")),
        "{no_hint:?}"
    );
    assert!(
        no_hint
            .iter()
            .any(|m| m.contains("answer must be the right option's number, 1 to 2")),
        "{no_hint:?}"
    );
    let typed = messages(
        "[[check]]\nkind = \"typed\"\nquestion = \"q\"\nformat = \"hex\"\nanswer = \"xyz\"\nfeedback = \"f\"\nhints = [\"h\"]",
    );
    assert!(
        typed[0].contains("\"xyz\" is not a valid hex answer"),
        "{typed:?}"
    );
    let nothing = messages(
        "[[check]]\nkind = \"computed\"\nquestion = \"q\"\ncompute = { of = \"accept\" }\nfeedback = \"f\"\nhints = [\"h\"]",
    );
    assert!(
        nothing[0].contains("no action that opens a connection"),
        "{nothing:?}"
    );
    let http = messages(
        "[[action]]\nkind = \"http\"\n[[check]]\nkind = \"computed\"\nquestion = \"q\"\ncompute = { of = \"accept\" }\nfeedback = \"f\"\nhints = [\"h\"]",
    );
    assert!(
        http[0].contains("action 1 is http; it sends no Sec-WebSocket-Key"),
        "{http:?}"
    );
    let gone = messages(
        "[[action]]\nkind = \"websocket\"\n[[check]]\nkind = \"computed\"\nquestion = \"q\"\ncompute = { of = \"status\", action = 2 }\nfeedback = \"f\"\nhints = [\"h\"]",
    );
    assert!(
        gone[0].contains("action 2 does not exist; this step has 1"),
        "{gone:?}"
    );
    let stated = messages(
        "[[action]]\nkind = \"websocket\"\n[[check]]\nkind = \"computed\"\nquestion = \"q\"\nanswer = \"101\"\ncompute = { of = \"status\" }\nfeedback = \"f\"\nhints = [\"h\"]",
    );
    assert!(
        stated[0].contains("takes its answer from the capture; remove answer"),
        "{stated:?}"
    );
}

#[test]
fn incomplete_lessons_and_thin_ones_are_warnings_not_errors() {
    let text = "+++\nid = \"t\"\ntitle = \"T\"\nminutes = 5\nobjectives = [\"o\"]\nnotes = \"n\"\nincomplete = \"no TLS yet\"\n+++\n## S\nProse.\n";
    let lesson = parse("l.md", text).lesson.expect("parses");
    let found = lint(&lesson);
    assert!(
        found.iter().all(|p| p.severity == Severity::Warning),
        "{found:?}"
    );
    let said: Vec<&str> = found.iter().map(|p| p.message.as_str()).collect();
    assert!(said.contains(&"incomplete: no TLS yet"), "{said:?}");
    assert!(
        said.iter().any(|m| m.contains("no live action")),
        "{said:?}"
    );
    assert!(said.iter().any(|m| m.contains("0 check(s)")), "{said:?}");
}

#[test]
fn the_tls_pane_fits_only_a_tls_action() {
    let ok = messages(
        "[[action]]\nkind = \"websocket\"\ntls = true\nsend = [{ text = \"x\" }]\npanes = [\"tls\", \"heads\", \"frames\"]",
    );
    assert!(ok.is_empty(), "{ok:?}");
    let plain = messages("[[action]]\nkind = \"websocket\"\npanes = [\"tls\"]");
    assert!(
        plain[0].ends_with(
            "the pane \"tls\" shows TLS records, but this websocket action is plain ws://; add tls = true"
        ),
        "{plain:?}"
    );
    let http = messages("[[action]]\nkind = \"http\"\npanes = [\"tls\"]");
    assert!(
        http[0].ends_with(
            "the pane \"tls\" does not fit a http action; it needs a websocket action with tls = true"
        ),
        "{http:?}"
    );
    let fault =
        messages("[[action]]\nkind = \"fault\"\nname = \"wrong-accept\"\npanes = [\"tls\"]");
    assert!(
        fault[0].contains("does not fit a fault action"),
        "{fault:?}"
    );
}

#[test]
fn tls_answers_need_a_tls_action_and_a_frame_that_exists() {
    let check = |probe: &str| {
        format!(
            "[[check]]\nkind = \"computed\"\nquestion = \"q\"\ncompute = {probe}\nfeedback = \"f\"\nhints = [\"h\"]"
        )
    };
    let tls = "[[action]]\nkind = \"websocket\"\ntls = true\nsend = [{ text = \"x\" }]\n";
    let plain = "[[action]]\nkind = \"websocket\"\nsend = [{ text = \"x\" }]\n";
    let records = check("{ of = \"tls-records\", from = \"client\" }");
    let overhead = check("{ of = \"tls-overhead\", from = \"client\", frame = 1 }");
    assert!(messages(&format!("{tls}{records}")).is_empty());
    assert!(messages(&format!("{tls}{overhead}")).is_empty());
    for probe in [&records, &overhead] {
        let e = messages(&format!("{plain}{probe}"));
        assert!(
            e[0].ends_with(
                "the answer reads TLS records, but action 1 is not a websocket action with tls = true"
            ),
            "{e:?}"
        );
    }
    let past = messages(&format!(
        "{tls}{}",
        check("{ of = \"tls-overhead\", from = \"client\", frame = 3 }")
    ));
    assert!(past[0].contains("gives only 2 frame(s)"), "{past:?}");
}

#[test]
fn a_grade_names_its_cases_as_a_list_of_patterns() {
    let good = messages(&format!(
        "input = {{ field = \"url\", prompt = \"Your server's URL:\" }}\n[[action]]\nkind = \"grade\"\ncases = [\"handshake\", \"5.2.*\"]\n{CHECKS}"
    ));
    assert!(good.is_empty(), "{good:?}");
    let missing = messages("[[action]]\nkind = \"grade\"");
    assert!(missing[0].contains("missing field `cases`"), "{missing:?}");
    let empty = messages("[[action]]\nkind = \"grade\"\ncases = []");
    assert_eq!(
        empty,
        [
            "13:1 cases is empty; name at least one part or case of the grader, such as \"handshake\" or \"5.2.*\""
        ]
    );
    let comma = messages("[[action]]\nkind = \"grade\"\ncases = [\"5.*,7.*\"]");
    assert_eq!(
        comma,
        [
            "13:1 cases item 1 \"5.*,7.*\" holds a comma; write each pattern as its own item: [\"5.*\", \"7.*\"]"
        ]
    );
    let blank = messages("[[action]]\nkind = \"grade\"\ncases = [\"5.*\", \" \"]");
    assert_eq!(
        blank,
        ["13:1 cases item 2 is blank; write a part's name or a case id"]
    );
    let url =
        messages("[[action]]\nkind = \"grade\"\ncases = [\"5.*\"]\nurl = \"ws://example.com/\"");
    assert_eq!(
        url,
        ["14:1 unknown field \"url\" in [action]; expected cases or panes"],
        "a lesson file names no server of its own"
    );
}

#[test]
fn the_card_pane_and_the_url_input_go_with_a_grade() {
    let frames =
        messages("[[action]]\nkind = \"grade\"\ncases = [\"5.*\"]\npanes = [\"card\", \"frames\"]");
    assert_eq!(
        frames,
        [
            "14:1 the pane \"frames\" does not fit a grade action; its only pane is \"card\", since the grader's connections are its own"
        ]
    );
    let card = messages("[[action]]\nkind = \"websocket\"\npanes = [\"card\"]");
    assert_eq!(
        card,
        ["13:1 the pane \"card\" does not fit a websocket action; it shows a grade action's card"]
    );
    let url =
        messages("input = { field = \"url\", prompt = \"p\" }\n[[action]]\nkind = \"websocket\"");
    assert_eq!(
        url,
        ["8:1 input \"url\" needs a grade action first in step \"S\""]
    );
    let key = messages(
        "input = { field = \"key\", prompt = \"p\" }\n[[action]]\nkind = \"grade\"\ncases = [\"5.*\"]",
    );
    assert_eq!(
        key,
        ["8:1 input \"key\" needs a websocket action first in step \"S\""]
    );
}

#[test]
fn opens_names_a_frame_the_step_s_frames_pane_can_show() {
    let ws = "[[action]]\nkind = \"websocket\"\nsend = [{ text = \"x\" }]\npanes = [\"frames\"]";
    let fine = messages(&format!("opens = {{ from = \"server\", frame = 1 }}\n{ws}"));
    assert!(fine.is_empty(), "{fine:?}");
    let past = messages(&format!("opens = {{ from = \"client\", frame = 3 }}\n{ws}"));
    assert_eq!(
        past,
        ["8:1 opens client frame 3, but action 1 gives only 2 frame(s) from that side"]
    );
    let zero = messages(&format!("opens = {{ from = \"server\", frame = 0 }}\n{ws}"));
    assert_eq!(zero, ["8:1 opens: frames count from 1"]);
    let missing = messages(&format!(
        "opens = {{ from = \"server\", frame = 1, action = 2 }}\n{ws}"
    ));
    assert_eq!(
        missing,
        ["8:1 opens names action 2, which does not exist; this step has 1"]
    );
    let heads = messages(
        "opens = { from = \"server\", frame = 1 }\n[[action]]\nkind = \"websocket\"\npanes = [\"heads\"]",
    );
    assert_eq!(
        heads,
        ["8:1 opens needs an action with a frames or fields pane in this step"]
    );
    let unknown = messages(&format!("opens = {{ from = \"server\", row = 1 }}\n{ws}"));
    assert!(
        unknown.iter().any(|m| m.contains("row")),
        "a typo is an error: {unknown:?}"
    );
}
