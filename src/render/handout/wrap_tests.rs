use super::*;

fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| {
            !w.chars()
                .all(|c| c == '|' || c == '>' || c == '-' || c == ':')
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn paragraphs_and_items_rewrap_to_the_width_and_keep_every_word() {
    let text = "A first line of prose that goes on\nand on, joined with the next line of the same paragraph before wrapping.\n\n- an item whose text is long enough to need a second line at this narrow width\n  and a continuation\n\n> **Speaker notes.** A quote that is long enough to wrap once at least here.\n> And its next line.\n";
    let out = reflow(text, 40);
    assert!(widest(&out) <= 40, "{out}");
    assert_eq!(words(&out), words(text));
    assert!(
        out.contains("\n  and a continuation") || out.contains("\n  "),
        "{out}"
    );
    for line in out.lines().skip_while(|l| !l.starts_with('>')) {
        assert!(
            line.starts_with('>'),
            "every quote line keeps its marker: {out}"
        );
    }
}

#[test]
fn hard_breaks_and_options_stay_one_a_line() {
    let text = "1. **Which?**\n\n   a) one  \n   b) two  \n\n   *Hint 1:* look.\n";
    assert_eq!(reflow(text, 80), text);
}

#[test]
fn code_lines_break_under_their_last_column() {
    let text = "```text\n  129      ...0....  RSV3         0         reserved; 0 unless an extension uses it\n  00000000  81 05 48 65 6c 6c 6f\n```\n";
    let out = reflow(text, 70);
    let lines: Vec<&str> = out.lines().collect();
    let meaning = text.find("reserved").unwrap_or(0) - "```text\n".len();
    assert_eq!(
        lines[1],
        "  129      ...0....  RSV3         0         reserved; 0 unless an"
    );
    assert_eq!(
        lines[2],
        format!("{}extension uses it", " ".repeat(meaning))
    );
    assert_eq!(
        lines[3], "  00000000  81 05 48 65 6c 6c 6f",
        "short rows stay"
    );
    assert_eq!(words(&out), words(text));
}

#[test]
fn dotted_summaries_break_between_parts() {
    let text = "```\nFrame 1 · server → client · bytes 129–135 · text · FIN · unmasked · 5-byte payload\n```\n";
    let out = reflow(text, 60);
    assert!(widest(&out) <= 60, "{out}");
    assert!(
        out.lines()
            .nth(2)
            .is_some_and(|l| l.trim_start().starts_with("unmasked")),
        "{out}"
    );
}

#[test]
fn wide_tables_split_and_repeat_their_first_column() {
    let text = "| | requests | empty responses | bytes on the wire | updates delivered |\n|---|---:|---:|---:|---:|\n| polling | 11 | 4 | 8,021 B | 7 |\n| push | 1 | – | 659 B | 7 |\n";
    let out = reflow(text, 50);
    assert!(widest(&out) <= 50, "{out}");
    assert!(out.matches("| polling").count() >= 2, "{out}");
    assert!(
        out.contains("| -------: |"),
        "right-aligned columns stay so: {out}"
    );
    assert_eq!(
        words(&out).iter().filter(|w| *w == "8,021").count(),
        1,
        "{out}"
    );
}

#[test]
fn a_word_wider_than_the_page_is_left_whole() {
    let long = "x".repeat(50);
    let out = reflow(&format!("see {long} here\n"), 20);
    assert!(out.contains(&long), "{out}");
}

#[test]
fn a_token_wider_than_a_code_column_is_broken_into_pieces() {
    let long = "p".repeat(130);
    let text = format!("```\n      \"{long}\"\n```\n");
    let out = reflow(&text, 80);
    assert!(widest(&out) <= 80, "{out}");
    assert_eq!(out.matches('p').count(), 130, "{out}");
}

#[test]
fn a_wrapped_line_never_starts_a_list_heading_or_quote() {
    for marker in ["1.", "-", "#", ">", "12)"] {
        let text = format!("aaaa bbbb cccc {marker} dddd\n");
        let out = reflow(&text, 16);
        for line in out.lines().skip(1) {
            assert!(
                !starts_block(line.split(' ').next().unwrap_or("")),
                "{marker}: {out}"
            );
        }
        assert_eq!(words(&out), words(&text), "{out}");
    }
}
