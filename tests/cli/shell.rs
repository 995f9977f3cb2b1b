//! `wslab completions` and `wslab man` (issue 18, point 11): scripts and pages generated from
//! the clap definitions, so every command the binary has is in them.

use crate::connect_lab::wslab;

// Every command a user can type, as `--help` lists them.
const COMMANDS: [&str; 13] = [
    "accept",
    "decode",
    "serve",
    "connect",
    "lesson",
    "handout",
    "present",
    "inspect",
    "lessons",
    "proxy",
    "grade",
    "completions",
    "man",
];

#[test]
fn each_shell_gets_a_script_that_names_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = wslab(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).expect("UTF-8");
        assert!(script.lines().count() > 20, "{shell}: {script}");
        for command in COMMANDS {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
        // Options of a command are completed too, not only the command names.
        assert!(script.contains("max-payload"), "{shell}");
    }
}

#[test]
fn an_unknown_shell_is_refused_in_one_sentence() {
    let out = wslab(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid value 'tcsh'"), "{stderr}");
    assert!(
        stderr.contains("bash, zsh, fish, powershell, elvish"),
        "{stderr}"
    );
}

// The first request of a page, past roff's string definitions, and its sections.
fn title_and_sections(page: &str) -> (String, Vec<String>) {
    let title = page
        .lines()
        .find(|l| !l.starts_with(".ie") && !l.starts_with(".el"))
        .unwrap_or_default()
        .to_owned();
    let sections = page
        .lines()
        .filter_map(|l| l.strip_prefix(".SH "))
        .map(str::to_owned)
        .collect();
    (title, sections)
}

#[test]
fn the_man_page_is_roff_with_the_usual_sections() {
    let out = wslab(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).expect("UTF-8");
    let (title, sections) = title_and_sections(&page);
    assert!(title.starts_with(".TH wslab 1"), "{title}");
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SUBCOMMANDS"] {
        assert!(
            sections.iter().any(|s| s == section),
            "{section}: {sections:?}"
        );
    }
    for command in COMMANDS {
        assert!(page.contains(&format!("wslab\\-{command}(1)")), "{command}");
    }
}

#[test]
fn man_dir_writes_one_page_per_command() {
    let dir = std::env::temp_dir().join(format!("wslab-man-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let out = wslab(&["man", "--dir", dir.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(0));
    let listed = String::from_utf8(out.stdout).expect("UTF-8");
    for name in std::iter::once("wslab".to_owned())
        .chain(COMMANDS.iter().map(|c| format!("wslab-{c}")))
        .chain(["wslab-lessons-list".to_owned()])
    {
        let path = dir.join(format!("{name}.1"));
        let page = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (title, _) = title_and_sections(&page);
        assert!(title.starts_with(&format!(".TH {name} 1")), "{title}");
        let version = concat!("\"wslab ", env!("CARGO_PKG_VERSION"), "\"");
        assert!(title.trim_end().ends_with(version), "{title}");
        assert!(listed.contains(&format!("{name}.1")), "{listed}");
        groff_reads_without_a_warning(&path);
    }
    let _ = std::fs::remove_dir_all(&dir);

    let out = wslab(&["man", "--dir", dir.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no such folder"), "{stderr}");
}

// groff, as man(1) runs it (-k: through preconv, for the arrows and ellipses), reads the page
// without a warning; skipped, and said, where groff is not installed.
fn groff_reads_without_a_warning(page: &std::path::Path) {
    let run = std::process::Command::new("groff")
        .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
        .arg(page)
        .output();
    let Ok(out) = run else {
        eprintln!("skipped: groff is not installed, so the pages were not typeset");
        return;
    };
    assert!(out.status.success(), "{}", page.display());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "{}",
        page.display()
    );
}
