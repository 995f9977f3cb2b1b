//! The architecture of DESIGN.md, checked: pure modules stay free of I/O and UI crates.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Lines of `module` (under src/) that mention any of `banned`, comments included, since a
/// comment that names a crate is usually a sign that code for it is near.
fn mentions(module: &str, banned: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(module);
    let mut found = Vec::new();
    for file in rust_files(&root) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            for word in banned {
                if line.contains(word) {
                    found.push(format!("{}:{}: mentions {word}", file.display(), n + 1));
                }
            }
        }
    }
    found
}

const UI_AND_RUNTIME: &[&str] = &["tokio", "ratatui", "crossterm"];
const IO: &[&str] = &[
    "std::net",
    "std::fs",
    "std::process",
    "std::io::stdin",
    "std::io::stdout",
    "std::env",
    "println!",
    "eprintln!",
    "print!(",
];

#[test]
fn proto_is_pure() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/proto");
    assert!(rust_files(&root).len() >= 5, "src/proto should exist");
    let found: Vec<String> = [mentions("proto", UI_AND_RUNTIME), mentions("proto", IO)].concat();
    assert!(
        found.is_empty(),
        "proto/ must do no I/O:\n{}",
        found.join("\n")
    );
}

#[test]
fn render_is_pure() {
    let found: Vec<String> = [mentions("render", UI_AND_RUNTIME), mentions("render", IO)].concat();
    assert!(
        found.is_empty(),
        "render/ must do no I/O:\n{}",
        found.join("\n")
    );
}

#[test]
fn hex_input_is_pure() {
    let found: Vec<String> = [
        mentions("hexinput", UI_AND_RUNTIME),
        mentions("hexinput", IO),
    ]
    .concat();
    assert!(
        found.is_empty(),
        "hexinput/ must do no I/O:\n{}",
        found.join("\n")
    );
}

#[test]
fn capture_is_pure() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/capture");
    assert!(rust_files(&root).len() >= 3, "src/capture should exist");
    let found: Vec<String> =
        [mentions("capture", UI_AND_RUNTIME), mentions("capture", IO)].concat();
    assert!(
        found.is_empty(),
        "capture/ must do no I/O:\n{}",
        found.join("\n")
    );
}

#[test]
fn lessons_are_pure() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lesson");
    assert!(rust_files(&root).len() >= 5, "src/lesson should exist");
    let found: Vec<String> = [mentions("lesson", UI_AND_RUNTIME), mentions("lesson", IO)].concat();
    assert!(
        found.is_empty(),
        "lesson/ must do no I/O:\n{}",
        found.join("\n")
    );
}

#[test]
fn routes_are_pure() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    assert!(rust_files(&root).len() >= 2, "src/routes should exist");
    let found: Vec<String> = [mentions("routes", UI_AND_RUNTIME), mentions("routes", IO)].concat();
    assert!(
        found.is_empty(),
        "routes/ must do no I/O:\n{}",
        found.join("\n")
    );
}

#[test]
fn app_and_ui_do_no_io() {
    // app/ is the state and update, ui/ draws from it: neither reads files, sockets, the
    // environment or the terminal; tui/ does that for them.
    let banned: Vec<&str> = IO.iter().copied().chain(["tokio", "crossterm"]).collect();
    for module in ["app", "ui"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src")
            .join(module);
        assert!(root.exists(), "src/{module} should exist");
        let found = mentions(module, &banned);
        assert!(
            found.is_empty(),
            "{module}/ must do no I/O:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn only_net_opens_sockets() {
    const SOCKETS: &[&str] = &[
        "TcpStream",
        "TcpListener",
        "UdpSocket",
        "std::net::Tcp",
        "tokio::net",
    ];
    let mut found = Vec::new();
    for module in [
        "ui", "app", "lesson", "capture", "proto", "render", "cmd", "run", "routes",
    ] {
        found.extend(mentions(module, SOCKETS));
    }
    assert!(
        found.is_empty(),
        "only net/ opens sockets:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_itself_catches_a_mention() {
    // Guard against a check that can never fail: the commands module does I/O, and the
    // scan must see it.
    assert!(!mentions("cmd", IO).is_empty());
    assert!(!mentions("net", &["tokio::net"]).is_empty());
}
