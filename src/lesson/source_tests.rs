use super::*;

fn lesson(id: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\ntitle = \"T {id}\"\nminutes = 5\nobjectives = [\"o\"]\nnotes = \"n\"\n+++\n## S\nProse.\n"
    )
}

fn file(name: &str, text: &str) -> SourceFile {
    SourceFile::new(name, &format!("dir/{name}"), text)
}

fn index(names: &[&str]) -> SourceFile {
    let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    file(
        INDEX,
        &format!("format_version = 1\nlessons = [{}]\n", list.join(", ")),
    )
}

#[test]
fn the_index_orders_and_the_overlay_replaces_and_adds() {
    let builtin = [
        index(&["b.md", "a.md"]),
        file("a.md", &lesson("a")),
        file("b.md", &lesson("b")),
    ];
    let overlay = [
        file("a.md", &lesson("a2")),
        file("z.md", &lesson("z")),
        file("README.md", "# not a lesson"),
    ];
    let library = load(&builtin, &overlay);
    assert!(library.problems.is_empty(), "{:?}", library.problems);
    let ids: Vec<&str> = library.lessons.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["b", "a2", "z"]);
    assert_eq!(library.find("2").map(|l| l.id.as_str()), Some("a2"));
    assert_eq!(library.find("z.md").map(|l| l.id.as_str()), Some("z"));
    assert!(library.find("0").is_none());
}

#[test]
fn a_missing_file_is_an_error_at_its_index_entry() {
    let library = load(
        &[index(&["a.md", "gone.md"]), file("a.md", &lesson("a"))],
        &[],
    );
    let problems: Vec<String> = library.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        ["dir/index.toml:2:20: error: the index lists \"gone.md\", but there is no such file"]
    );
    assert_eq!(library.lessons.len(), 1);
    assert_eq!(library.find("2"), None, "lesson 2 is the missing file");
}

#[test]
fn numbers_follow_the_index_even_past_a_broken_file() {
    let library = load(
        &[
            index(&["a.md", "b.md", "c.md"]),
            file("a.md", &lesson("a")),
            file("b.md", "broken"),
            file("c.md", &lesson("c")),
        ],
        &[],
    );
    let c = library.find("3").expect("lesson 3 is c");
    assert_eq!(c.id, "c");
    assert_eq!(library.number(c), 3);
    assert!(library.find("2").is_none());
}

#[test]
fn duplicate_ids_are_errors_at_the_second_id() {
    let library = load(
        &[
            index(&["a.md", "b.md"]),
            file("a.md", &lesson("x")),
            file("b.md", &lesson("x")),
        ],
        &[],
    );
    let problems: Vec<String> = library.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        ["dir/b.md:2:1: error: the id \"x\" is already used by dir/a.md; ids must be unique"]
    );
}

#[test]
fn a_bad_or_future_index_is_named() {
    let library = load(&[file(INDEX, "format_version = 2\nlessons = []\n")], &[]);
    assert!(
        library.problems[0]
            .to_string()
            .starts_with("dir/index.toml:1:18: error: format_version 2")
    );
    let library = load(&[file(INDEX, "format_version = 1\nlessons = [\n")], &[]);
    assert!(
        library.problems[0].to_string().contains("bad index"),
        "{:?}",
        library.problems
    );
    let library = load(
        &[file(INDEX, "format_version = 1\nlessons = []\norder = 1\n")],
        &[],
    );
    assert!(
        library.problems[0]
            .to_string()
            .contains("unknown field `order`"),
        "{:?}",
        library.problems
    );
    let library = load(&[], &[]);
    assert!(library.problems[0].message.contains("no index.toml"));
}

#[test]
fn lessons_are_chosen_by_ranges_lists_and_ids_each_once() {
    let names = ["01-a.md", "02-b.md", "03-c.md", "04-d.md"];
    let mut files = vec![index(&names)];
    for (name, id) in names.iter().zip(["01-a", "02-b", "03-c", "04-d"]) {
        files.push(file(name, &lesson(id)));
    }
    let library = load(&files, &[]);
    let ids = |specs: &[&str]| -> Result<Vec<String>, String> {
        let specs: Vec<String> = specs.iter().map(|s| (*s).to_owned()).collect();
        library
            .select(&specs)
            .map(|l| l.iter().map(|l| l.id.clone()).collect())
    };
    assert_eq!(
        ids(&["1-2,4"]),
        Ok(vec!["01-a".into(), "02-b".into(), "04-d".into()])
    );
    assert_eq!(
        ids(&["3", "1", "03-c"]),
        Ok(vec!["03-c".into(), "01-a".into()])
    );
    assert_eq!(
        ids(&["02-b"]),
        Ok(vec!["02-b".into()]),
        "an id with a dash is not a range"
    );
    assert!(ids(&["3-1"]).unwrap_err().contains("lower number first"));
    assert!(ids(&["2-9"]).unwrap_err().contains("no lesson 5"));
    assert!(ids(&["nine"]).unwrap_err().contains("no lesson \"nine\""));
    assert!(ids(&[","]).unwrap_err().contains("no lesson was named"));
}
