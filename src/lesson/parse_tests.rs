use super::*;
use crate::lesson::model::{Action, Pane};

const FRONT: &str =
    "+++\nid = \"t\"\ntitle = \"T\"\nminutes = 5\nobjectives = [\"o\"]\nnotes = \"n\"\n+++\n";

fn errors(text: &str) -> Vec<String> {
    parse("l.md", text)
        .problems
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_whole_lesson_parses() {
    let text = format!(
        "{FRONT}Intro.\n\n## First\n\nSome *prose*.\n\n```wslab\n[[action]]\nkind = \"websocket\"\nkey = \"dGhlIHNhbXBsZSBub25jZQ==\"\nsend = [{{ text = \"Hello\" }}]\n\n[[check]]\nkind = \"choice\"\nquestion = \"Q?\"\noptions = [\"a\", \"b\"]\nanswer = 2\nfeedback = \"f\"\nhints = [\"h\"]\n```\n\nMore prose.\n\n```toml\nnot = \"ours\"\n```\n\n## Second\n\nText.\n"
    );
    let parsed = parse("l.md", &text);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let lesson = parsed.lesson.expect("parsed");
    assert_eq!(lesson.intro, "Intro.");
    assert_eq!(lesson.steps.len(), 2);
    let first = &lesson.steps[0];
    assert_eq!(first.title, "First");
    assert_eq!(first.line, 10);
    assert!(first.prose.starts_with("Some *prose*."));
    assert_eq!(first.prose, "Some *prose*.");
    assert!(
        first.after.starts_with("More prose."),
        "prose after the block follows the live output"
    );
    assert!(
        first.after.contains("not = \"ours\""),
        "other code blocks are prose"
    );
    let Action::Websocket(ws) = &first.actions[0] else {
        panic!("websocket")
    };
    assert_eq!(ws.path, crate::routes::Endpoint::Echo);
    assert_eq!(ws.panes, vec![Pane::Heads, Pane::Accept, Pane::Frames]);
    assert_eq!(ws.send[0], crate::proto::send::Send::Text("Hello".into()));
    assert_eq!(first.checks.len(), 1);
    assert!(lesson.steps[1].actions.is_empty());
}

#[test]
fn bad_front_matter_toml_is_placed() {
    let text = "+++\nid = \"t\"\ntitle = T\n+++\n## S\nx\n";
    let errs = errors(text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].starts_with("l.md:3:9: error: bad TOML"), "{errs:?}");
}

#[test]
fn an_unknown_action_kind_points_at_its_value() {
    let text = format!("{FRONT}## S\n\nProse.\n\n```wslab\n[[action]]\nkind = \"htp\"\n```\n");
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with(
            "l.md:14:8: error: unknown action kind \"htp\"; expected one of http, websocket,"
        ),
        "{errs:?}"
    );
}

#[test]
fn an_unknown_field_points_at_its_key() {
    let text = format!(
        "{FRONT}## S\n\nProse.\n\n```wslab\n[[action]]\nkind = \"http\"\n  methd = \"GET\"\n```\n"
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("l.md:15:3: error: unknown field \"methd\" in [action]"),
        "{errs:?}"
    );
}

#[test]
fn a_step_without_prose_is_an_error_at_its_heading() {
    let text =
        format!("{FRONT}## Empty\n\n```wslab\n[[action]]\nkind = \"http\"\n```\n## Next\nok\n");
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("l.md:8:1: error: step \"Empty\" has no prose"),
        "{errs:?}"
    );
}

#[test]
fn missing_or_unclosed_parts_are_named() {
    assert!(errors("no front matter")[0].contains("starts with its front matter"));
    assert!(errors("+++\nid = 1\n")[0].contains("starts with its front matter"));
    let text = format!("{FRONT}## S\nProse.\n```wslab\n[[action]]\nkind = \"http\"\n");
    let errs = errors(&text);
    assert_eq!(
        errs,
        [
            "l.md:13:1: error: the ```wslab block opened on line 10 is never closed; end it here with a line of three backticks"
        ]
    );
    let text = format!("{FRONT}## S\nProse.\n```text\nx\n");
    assert!(errors(&text)[0].starts_with("l.md:10:1: error: this code block is never closed"));
    let text = format!("{FRONT}```wslab\n```\n## S\nProse.\n");
    assert!(errors(&text)[0].contains("belongs to a step"));
    let text = format!("{FRONT}Only intro.\n");
    assert!(errors(&text)[0].contains("has no steps"));
}

#[test]
fn a_missing_front_matter_field_is_named() {
    let text = "+++\nid = \"t\"\n+++\n## S\nx\n";
    let errs = errors(text);
    assert!(errs[0].contains("missing field `title`"), "{errs:?}");
}

#[test]
fn tables_and_keys_are_located() {
    let text = format!(
        "{FRONT}## S\nProse.\n```wslab\n[[action]]\nkind = \"http\"\n  path = \"/\"\n\n[[check]]\nkind = \"choice\"\nquestion = \"q\"\nfeedback = \"f\"\n```\n"
    );
    let parsed = parse("l.md", &text);
    let step = &parsed.lesson.expect("parsed").steps[0];
    assert_eq!(step.action_spots.len(), 1);
    assert_eq!(step.action_spots[0].line, 11);
    assert_eq!(step.action_spots[0].of("path"), (13, 3));
    assert_eq!(step.check_spots[0].line, 15);
    assert_eq!(
        step.check_spots[0].of("options"),
        (15, 1),
        "absent keys point at the table"
    );
}

#[test]
fn a_block_that_swallows_a_heading_is_unclosed_and_the_next_step_still_reads() {
    let text = format!(
        "{FRONT}## S\nProse.\n```wslab\n[[action]]\nkind = \"http\"\n\n## T\nMore.\n```wslab\n[[action]]\nkind = \"htp\"\n```\n"
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs[0]
            .starts_with("l.md:13:1: error: the ```wslab block opened on line 10 is never closed"),
        "{errs:?}"
    );
    assert!(
        errs[1].starts_with("l.md:18:8: error: unknown action kind \"htp\""),
        "{errs:?}"
    );
}

#[test]
fn a_heading_inside_a_multi_line_string_is_not_a_missing_fence() {
    let text =
        format!("{FRONT}## S\nProse.\n```wslab\nnotes = \"\"\"\n## not a heading\n\"\"\"\n```\n");
    assert!(errors(&text).is_empty(), "{:?}", errors(&text));
}

#[test]
fn one_bad_table_does_not_hide_the_next() {
    let text = format!(
        "{FRONT}## S\nProse.\n```wslab\n[[action]]\nkind = \"http\"\nmethd = 1\n\n[[action]]\nkind = \"websocket\"\nmask = \"zz\"\n```\n"
    );
    let parsed = parse("l.md", &text);
    let errs: Vec<String> = parsed.problems.iter().map(ToString::to_string).collect();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs[0].starts_with("l.md:13:1: error: unknown field \"methd\""),
        "{errs:?}"
    );
    assert!(
        errs[1].starts_with("l.md:17:1: error: mask \"zz\" must be 8 hex digits"),
        "{errs:?}"
    );
    assert!(parsed.lesson.is_none());
    let partial = parsed.partial.expect("read as far as it could be");
    assert_eq!(
        partial.steps[0].actions.len(),
        2,
        "both read, without the keys at fault"
    );
    assert_eq!(partial.steps[0].action_spots[1].line, 15);
}
