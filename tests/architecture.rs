//! The architecture of docs/ARCHITECTURE.md, enforced from the code itself.
//!
//! Every `crate::…`, `super::…` and `self::…` path in src/ is parsed (comments and string
//! literals skipped, `use` trees expanded, inline `mod x { … }` blocks tracked) and resolved to
//! the file that defines it. From those edges the tests check:
//! - each top-level module imports only what the table [`ALLOWED`] lets it;
//! - no two top-level modules import each other, directly or through a ring;
//! - inside a module, no files import each other in a ring (a module's root file declaring and
//!   re-exporting its own children is structure, not a dependency, and is not counted);
//! - the pure layers name no I/O, runtime or terminal crate, and only net/ names sockets.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module of src/ and the top-level modules it may import, bottom to top.
/// docs/ARCHITECTURE.md explains each row; change both together.
const ALLOWED: &[(&str, &[&str])] = &[
    ("hexinput", &[]),
    ("proto", &["hexinput"]),
    ("routes", &[]),
    ("class", &[]),
    ("capture", &["proto"]),
    ("lesson", &["proto", "capture", "hexinput", "routes"]),
    ("render", &["proto", "capture", "lesson", "hexinput"]),
    ("export", &["proto", "capture", "render"]),
    ("grade", &["proto", "capture", "render"]),
    ("net", &["proto", "capture", "routes", "class"]),
    (
        "run",
        &[
            "proto", "capture", "hexinput", "lesson", "render", "net", "routes", "grade",
        ],
    ),
    (
        "app",
        &["proto", "capture", "hexinput", "lesson", "render", "class"],
    ),
    (
        "ui",
        &["proto", "capture", "lesson", "render", "app", "class"],
    ),
    ("files", &["proto", "capture", "export", "net", "app"]),
    (
        "tui",
        &[
            "proto", "capture", "hexinput", "lesson", "render", "export", "net", "run", "app",
            "ui", "files", "signals", "class",
        ],
    ),
    ("signals", &[]),
    ("cli", &["proto", "net"]),
    (
        "cmd",
        &[
            "proto", "capture", "hexinput", "lesson", "render", "export", "net", "run", "app",
            "ui", "files", "tui", "cli", "routes", "grade", "signals", "class",
        ],
    ),
];

/// The layers that do no I/O: they take bytes and values and return values.
const PURE: &[&str] = &[
    "proto", "routes", "hexinput", "capture", "lesson", "render", "export", "grade", "class",
];

/// Paths a pure layer never names: the runtime, the terminal, the file system, the network,
/// processes, the environment and the standard streams.
const IMPURE_PATHS: &[&str] = &[
    "tokio",
    "ratatui",
    "crossterm",
    "hyper",
    "rustls",
    "tokio_rustls",
    "std::net::TcpStream",
    "std::net::TcpListener",
    "std::net::UdpSocket",
    "std::fs",
    "std::process",
    "std::env",
    "std::io::stdin",
    "std::io::stdout",
    "std::io::stderr",
];

/// Macros that print: a pure layer returns text instead.
const PRINTING: &[&str] = &["println!", "eprintln!", "print!", "eprint!", "dbg!"];

/// Paths only net/ names: opening sockets is its job alone.
const SOCKETS: &[&str] = &[
    "tokio::net",
    "std::net::TcpStream",
    "std::net::TcpListener",
    "std::net::UdpSocket",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

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
    files.sort();
    files
}

// ---------------------------------------------------------------------------------------------
// Reading source: code without comments and literals, as tokens with their line numbers.

/// A token of code: an identifier or keyword, `::`, or any other single character.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    text: String,
    line: usize,
}

/// The code's tokens, with comments, string, byte-string and char literals left out, so that
/// a path named in a doc comment or a message is not taken for an import.
fn tokens(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let count_lines =
        |from: usize, to: usize| chars[from..to].iter().filter(|c| **c == '\n').count();
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            // Block comments nest in Rust.
            let start = i;
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            line += count_lines(start, i);
        } else if let Some(end) = raw_string_end(&chars, i) {
            line += count_lines(i, end);
            i = end;
        } else if c == '"' || (c == 'b' && next == Some('"')) {
            let start = i;
            i += if c == 'b' { 2 } else { 1 };
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            line += count_lines(start, i.min(chars.len()));
        } else if c == '\'' || (c == 'b' && next == Some('\'')) {
            // A char literal ('x', '\n', '\u{1F600}', b'x'), or else a lifetime or label.
            let at = if c == 'b' { i + 1 } else { i };
            if chars.get(at + 1) == Some(&'\\') {
                i = at + 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(at + 2) == Some(&'\'') {
                i = at + 3;
            } else {
                i += 1;
            }
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let mut text: String = chars[start..i].iter().collect();
            if chars.get(i) == Some(&'!') {
                text.push('!');
                i += 1;
            }
            out.push(Token { text, line });
        } else if c == ':' && next == Some(':') {
            out.push(Token {
                text: "::".to_owned(),
                line,
            });
            i += 2;
        } else {
            out.push(Token {
                text: c.to_string(),
                line,
            });
            i += 1;
        }
    }
    out
}

/// Where a raw string starting at `i` (`r"…"`, `r#"…"#`, `br"…"`) ends, if one starts there.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let mut at = i;
    if chars.get(at) == Some(&'b') {
        at += 1;
    }
    if chars.get(at) != Some(&'r') {
        return None;
    }
    // Not the end of an identifier such as `for` or `bar`.
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    at += 1;
    let mut hashes = 0;
    while chars.get(at) == Some(&'#') {
        hashes += 1;
        at += 1;
    }
    if chars.get(at) != Some(&'"') {
        return None;
    }
    at += 1;
    while at < chars.len() {
        if chars[at] == '"' && (0..hashes).all(|h| chars.get(at + 1 + h) == Some(&'#')) {
            return Some(at + 1 + hashes);
        }
        at += 1;
    }
    Some(chars.len())
}

// ---------------------------------------------------------------------------------------------
// Paths: every `crate::`, `super::` and `self::` path of a file, made absolute.

/// A path as written, resolved to module segments from the crate root, and where it is.
#[derive(Debug, Clone)]
struct UsedPath {
    segments: Vec<String>,
    line: usize,
    /// Inside a `#[cfg(test)]` module: test code, which may reach across files that the
    /// library itself keeps apart.
    in_test: bool,
}

/// The module path of a file under src/: `src/net/lab/ws.rs` is `net::lab::ws`, a `mod.rs` or
/// `lib.rs` is its folder's module.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).unwrap_or(file);
    let mut segments: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(
        segments.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        segments.pop();
    }
    segments
}

/// Every path in `source` (the text of `file`, whose module is `module`) that starts with
/// `crate`, `super` or `self`, resolved to absolute module segments. `use` trees with braces
/// are expanded into one path per leaf.
fn paths(module: &[String], source: &str) -> Vec<UsedPath> {
    let toks = tokens(source);
    let mut out = Vec::new();
    // Inline modules (`mod tests { … }`): their `super` is the file's own module. Each with
    // its brace depth and whether it is `#[cfg(test)]`.
    let mut inline: Vec<(String, usize, bool)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i].text;
        match t.as_str() {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d, _)| *d == depth) {
                    inline.pop();
                }
            }
            "mod" if toks.get(i + 2).is_some_and(|n| n.text == "{") => {
                let test = i >= 6
                    && toks[i - 6..i]
                        .iter()
                        .map(|t| t.text.as_str())
                        .eq(["#", "[", "cfg", "(", "test", ")"])
                    || i >= 7
                        && toks[i - 7..i - 1]
                            .iter()
                            .map(|t| t.text.as_str())
                            .eq(["#", "[", "cfg", "(", "test", ")"]);
                inline.push((toks[i + 1].text.clone(), depth, test));
            }
            _ => {}
        }
        let starts = matches!(t.as_str(), "crate" | "super" | "self")
            && toks.get(i + 1).is_some_and(|n| n.text == "::")
            // `a::self::b` is not a start; `pub(crate)` has no `::` after it.
            && (i == 0 || toks[i - 1].text != "::");
        if starts {
            let mut here: Vec<String> = module.to_vec();
            here.extend(inline.iter().map(|(name, _, _)| name.clone()));
            let in_test = inline.iter().any(|(_, _, test)| *test);
            let (found, next) = use_tree(&toks, i, &here);
            out.extend(found.into_iter().map(|p| UsedPath { in_test, ..p }));
            i = next;
            continue;
        }
        i += 1;
    }
    out
}

/// Reads the path (or `use` tree) starting at token `i` (`crate`, `super` or `self`),
/// relative to module `here`; returns the resolved leaves and the index after it.
fn use_tree(toks: &[Token], i: usize, here: &[String]) -> (Vec<UsedPath>, usize) {
    let mut base: Vec<String> = match toks[i].text.as_str() {
        "crate" => Vec::new(),
        "self" => here.to_vec(),
        _ => here[..here.len().saturating_sub(1)].to_vec(),
    };
    // `super::super::…`: each further `super` climbs one more.
    let mut j = i + 2;
    while toks.get(j).is_some_and(|t| t.text == "super")
        && toks.get(j + 1).is_some_and(|t| t.text == "::")
    {
        base.pop();
        j += 2;
    }
    group_item(toks, j, &base)
}

/// One item of a `{…}` group under `base`: `a::b`, `c::{d, e}`, `self`, `f as g`, `*`.
fn group_item(toks: &[Token], i: usize, base: &[String]) -> (Vec<UsedPath>, usize) {
    let line = toks.get(i).map_or(0, |t| t.line);
    let mut path = base.to_vec();
    let mut j = i;
    while let Some(t) = toks.get(j) {
        match t.text.as_str() {
            // `self` names the base itself; `*` everything in it: the base is the path.
            "self" | "*" => {}
            "{" => {
                let mut leaves = Vec::new();
                j += 1;
                while j < toks.len() && toks[j].text != "}" {
                    if toks[j].text == "," {
                        j += 1;
                        continue;
                    }
                    let (found, next) = group_item(toks, j, &path);
                    leaves.extend(found);
                    j = next;
                }
                return (leaves, j + 1);
            }
            word if word.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                path.push(word.to_owned());
            }
            _ => break,
        }
        j += 1;
        if toks.get(j).map(|t| t.text.as_str()) == Some("::") {
            j += 1;
        } else {
            break;
        }
    }
    // `a::b as c`: the alias is not a path.
    if toks.get(j).is_some_and(|t| t.text == "as") {
        j += 2;
    }
    (
        vec![UsedPath {
            segments: path,
            line,
            in_test: false,
        }],
        j,
    )
}

/// The file that defines the longest prefix of `segments` that names a file, and that
/// prefix's length: `net::lab::ws::X` is src/net/lab/ws.rs, `capture::Transcript` is
/// src/capture/mod.rs.
fn file_of(segments: &[String]) -> Option<(PathBuf, usize)> {
    let root = src();
    for n in (1..=segments.len()).rev() {
        let rel: PathBuf = segments[..n].iter().collect();
        let file = root.join(&rel).with_extension("rs");
        if file.is_file() {
            return Some((file, n));
        }
        let module = root.join(&rel).join("mod.rs");
        if module.is_file() {
            return Some((module, n));
        }
    }
    None
}

/// What module roots re-export from their children (`pub use child::Item;`), as (module,
/// item) → the item's full path, so that an import of `capture::Transcript` counts as one of
/// the file that defines it, and a ring cannot hide behind a `mod.rs`.
type Reexports = BTreeMap<(Vec<String>, String), Vec<String>>;

fn reexports(files: &[(PathBuf, String)]) -> Reexports {
    let mut out = Reexports::new();
    for (file, text) in files {
        let module = module_of(file);
        let toks = tokens(text);
        for i in 0..toks.len() {
            let public = i > 0 && matches!(toks[i - 1].text.as_str(), "pub" | ")");
            let bare = toks
                .get(i + 1)
                .is_some_and(|t| !matches!(t.text.as_str(), "crate" | "super" | "self" | "::"));
            if toks[i].text == "use" && public && bare {
                for leaf in group_item(&toks, i + 1, &module).0 {
                    if let Some(name) = leaf.segments.last() {
                        out.insert((module.clone(), name.clone()), leaf.segments.clone());
                    }
                }
            }
        }
    }
    out
}

/// The file that defines what `segments` names, through re-exports.
fn defining_file(segments: &[String], reexported: &Reexports) -> Option<PathBuf> {
    let mut segments = segments.to_vec();
    // A few hops at most: a re-export of a re-export.
    for _ in 0..4 {
        let (file, n) = file_of(&segments)?;
        let Some(target) = segments
            .get(n)
            .and_then(|item| reexported.get(&(segments[..n].to_vec(), item.clone())))
        else {
            return Some(file);
        };
        let mut next = target.clone();
        next.extend(segments[n + 1..].iter().cloned());
        if next == segments {
            return Some(file);
        }
        segments = next;
    }
    file_of(&segments).map(|(file, _)| file)
}

// ---------------------------------------------------------------------------------------------
// The graph.

/// One import: from a file and line to a file.
#[derive(Debug, Clone)]
struct Edge {
    from: PathBuf,
    line: usize,
    to: PathBuf,
    /// From test code: a `#[cfg(test)]` module, or a file of tests (`tests.rs`,
    /// `*_tests.rs`).
    in_test: bool,
}

fn top_of(file: &Path) -> String {
    module_of(file).first().cloned().unwrap_or_default()
}

/// Every import between files of src/, from the code of `files` (path, text).
fn edges(files: &[(PathBuf, String)]) -> Vec<Edge> {
    let reexported = reexports(files);
    let mut out = Vec::new();
    for (file, text) in files {
        let module = module_of(file);
        for used in paths(&module, text) {
            if let Some(to) = defining_file(&used.segments, &reexported)
                && &to != file
            {
                let test_file = file
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n == "tests.rs" || n.ends_with("_tests.rs"));
                out.push(Edge {
                    from: file.clone(),
                    line: used.line,
                    to,
                    in_test: used.in_test || test_file,
                });
            }
        }
    }
    out
}

fn sources() -> Vec<(PathBuf, String)> {
    rust_files(&src())
        .into_iter()
        .filter(|f| {
            !matches!(
                f.file_name().and_then(|n| n.to_str()),
                Some("lib.rs" | "main.rs")
            ) || f.parent() != Some(&src())
        })
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            (f, text)
        })
        .collect()
}

fn show(path: &Path) -> String {
    path.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Imports that the table forbids, as `file:line: a imports b`.
fn forbidden(edges: &[Edge]) -> Vec<String> {
    let table: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut found = Vec::new();
    for e in edges {
        let (from, to) = (top_of(&e.from), top_of(&e.to));
        if from == to {
            continue;
        }
        match table.get(from.as_str()) {
            Some(allowed) if allowed.contains(&to.as_str()) => {}
            Some(_) => found.push(format!(
                "{}:{}: {from}/ imports {to}/ ({}), which the table in tests/architecture.rs does not allow",
                show(&e.from),
                e.line,
                show(&e.to)
            )),
            None => found.push(format!(
                "{}:{}: {from}/ is not in the table in tests/architecture.rs; add it (and to docs/ARCHITECTURE.md)",
                show(&e.from),
                e.line
            )),
        }
    }
    found
}

/// The rings of a graph (its strongly connected components of more than one node), each
/// with one edge per member as evidence.
fn rings<N: Ord + Clone>(graph: &BTreeMap<N, BTreeSet<N>>) -> Vec<Vec<N>> {
    // Reachability by search from each node: the graphs here have a few hundred nodes.
    let reach = |start: &N| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![start.clone()];
        while let Some(n) = todo.pop() {
            for next in graph.get(&n).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<N, BTreeSet<N>> = graph.keys().map(|n| (n.clone(), reach(n))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for n in graph.keys() {
        if done.contains(n) || !reached[n].contains(n) {
            continue;
        }
        let ring: Vec<N> = graph
            .keys()
            .filter(|m| reached[n].contains(*m) && reached.get(*m).is_some_and(|r| r.contains(n)))
            .cloned()
            .collect();
        done.extend(ring.iter().cloned());
        out.push(ring);
    }
    out
}

fn describe_ring<N: Ord + Clone + std::fmt::Display>(
    ring: &[N],
    evidence: impl Fn(&N, &N) -> Option<String>,
) -> String {
    let mut lines = vec![format!(
        "these import each other in a ring: {}",
        ring.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    )];
    for a in ring {
        for b in ring {
            if let Some(e) = evidence(a, b) {
                lines.push(format!("  {e}"));
            }
        }
    }
    lines.join("\n")
}

fn module_rings(edges: &[Edge]) -> Vec<String> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in edges {
        let (a, b) = (top_of(&e.from), top_of(&e.to));
        if a != b {
            graph.entry(a).or_default().insert(b.clone());
            graph.entry(b).or_default();
        }
    }
    rings(&graph)
        .iter()
        .map(|ring| {
            describe_ring(ring, |a, b| {
                edges
                    .iter()
                    .find(|e| &top_of(&e.from) == a && &top_of(&e.to) == b)
                    .map(|e| format!("{}:{}: {a}/ imports {b}/", show(&e.from), e.line))
            })
        })
        .collect()
}

/// Whether `file` is the root of the module that holds `other`: a `mod.rs` over its folder, or
/// `x.rs` over `x/`.
fn is_parent(file: &Path, other: &Path) -> bool {
    let (m, o) = (module_of(file), module_of(other));
    o.len() > m.len() && o[..m.len()] == m[..]
}

fn file_rings(edges: &[Edge]) -> Vec<String> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in edges {
        // Tests may use what the file under test must not (a dissector to check an encoder).
        if e.in_test || top_of(&e.from) != top_of(&e.to) || is_parent(&e.from, &e.to) {
            continue;
        }
        let (a, b) = (show(&e.from), show(&e.to));
        graph.entry(a).or_default().insert(b.clone());
        graph.entry(b).or_default();
    }
    rings(&graph)
        .iter()
        .map(|ring| {
            describe_ring(ring, |a, b| {
                edges
                    .iter()
                    .find(|e| {
                        &show(&e.from) == a && &show(&e.to) == b && !is_parent(&e.from, &e.to)
                    })
                    .map(|e| format!("{a}:{}: imports {b}", e.line))
            })
        })
        .collect()
}

/// Lines of `files` under the top-level `modules` that name one of `banned` as a path (or a
/// macro), comments and strings excluded.
fn naming(files: &[(PathBuf, String)], modules: &[&str], banned: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (file, text) in files {
        if !modules.contains(&top_of(file).as_str()) {
            continue;
        }
        let toks = tokens(text);
        for (i, t) in toks.iter().enumerate() {
            // A path starts where the previous token is not `::`.
            if i > 0 && toks[i - 1].text == "::" {
                continue;
            }
            let mut path = t.text.clone();
            let mut j = i + 1;
            while toks.get(j).is_some_and(|n| n.text == "::")
                && let Some(next) = toks.get(j + 1)
            {
                path.push_str("::");
                path.push_str(&next.text);
                j += 2;
            }
            for word in banned {
                let hit = path == *word || path.starts_with(&format!("{word}::"));
                if hit {
                    found.push(format!("{}:{}: names {word}", show(file), t.line));
                }
            }
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// The tests.

#[test]
fn every_import_is_allowed_by_the_table() {
    let found = forbidden(&edges(&sources()));
    assert!(
        found.is_empty(),
        "imports the architecture forbids:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_two_top_level_modules_import_each_other() {
    let found = module_rings(&edges(&sources()));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn no_files_of_one_module_import_each_other() {
    let found = file_rings(&edges(&sources()));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn every_top_level_module_is_in_the_table() {
    let on_disk: BTreeSet<String> = sources().iter().map(|(f, _)| top_of(f)).collect();
    let table: BTreeSet<String> = ALLOWED.iter().map(|(m, _)| (*m).to_owned()).collect();
    assert_eq!(
        on_disk, table,
        "src/'s top-level modules and the table differ"
    );
}

#[test]
fn the_pure_layers_do_no_io() {
    let files = sources();
    let mut found = naming(&files, PURE, IMPURE_PATHS);
    found.extend(naming(&files, PURE, PRINTING));
    assert!(
        found.is_empty(),
        "pure layers must do no I/O:\n{}",
        found.join("\n")
    );
}

#[test]
fn app_and_ui_hold_state_and_draw_without_io() {
    // app/ is the state and update, ui/ draws from it: neither reads files, sockets, the
    // environment or the terminal's events; tui/ does that for them.
    let banned: Vec<&str> = IMPURE_PATHS
        .iter()
        .copied()
        .filter(|p| !p.starts_with("ratatui"))
        .collect();
    let files = sources();
    let mut found = naming(&files, &["app", "ui"], &banned);
    found.extend(naming(&files, &["app", "ui"], PRINTING));
    assert!(
        found.is_empty(),
        "app/ and ui/ must do no I/O:\n{}",
        found.join("\n")
    );
}

#[test]
fn only_net_opens_sockets() {
    let modules: Vec<&str> = ALLOWED
        .iter()
        .map(|(m, _)| *m)
        .filter(|m| *m != "net")
        .collect();
    let found = naming(&sources(), &modules, SOCKETS);
    assert!(
        found.is_empty(),
        "only net/ opens sockets:\n{}",
        found.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// The checks themselves, on made-up files, so that none of them can pass by never failing.

fn fake(path: &str, text: &str) -> (PathBuf, String) {
    (src().join(path), text.to_owned())
}

#[test]
fn the_parser_reads_use_trees_and_skips_comments_and_strings() {
    let text = "// use crate::tui::x;\n/* crate::cmd::y /* nested */ crate::cli */\nconst S: &str = \"crate::ui::z\";\nconst R: &str = r#\"crate::ui::z\"#;\nuse crate::{capture::{Transcript, transcript::Update}, proto::*};\nfn f<'a>(c: char) { let _ = 'x'; crate::render::frame::f(); }\nmod tests { use super::*; }\n";
    let found: Vec<Vec<String>> =
        paths(&["net".to_owned(), "lab".to_owned(), "ws".to_owned()], text)
            .into_iter()
            .map(|p| p.segments)
            .collect();
    let expect: Vec<Vec<String>> = [
        vec!["capture", "Transcript"],
        vec!["capture", "transcript", "Update"],
        vec!["proto"],
        vec!["render", "frame", "f"],
        // `super` inside an inline module is the file's own module.
        vec!["net", "lab", "ws"],
    ]
    .iter()
    .map(|v| v.iter().map(|s| (*s).to_owned()).collect())
    .collect();
    assert_eq!(found, expect);
    let lines: Vec<usize> = paths(&["app".to_owned()], text)
        .iter()
        .map(|p| p.line)
        .collect();
    assert_eq!(lines, [5, 5, 5, 6, 7]);
}

#[test]
fn a_forbidden_import_is_reported_with_its_file_and_line() {
    let files = [fake(
        "capture/transcript.rs",
        "fn f() {}\nuse crate::render::frame;\n",
    )];
    let found = forbidden(&edges(&files));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "src/capture/transcript.rs:2: capture/ imports render/ (src/render/frame.rs)"
        ),
        "{found:?}"
    );
}

#[test]
fn modules_that_import_each_other_are_reported() {
    let files = [
        fake("capture/transcript.rs", "use crate::net::Recorder;\n"),
        fake("net/recorder.rs", "use crate::capture::Transcript;\n"),
    ];
    let found = module_rings(&edges(&files));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("capture, net"), "{found:?}");
    assert!(
        found[0].contains("src/capture/transcript.rs:1: capture/ imports net/"),
        "{found:?}"
    );
}

#[test]
fn files_that_import_each_other_in_a_ring_are_reported_but_a_parent_is_not() {
    let files = [
        fake("net/lab/dispatch.rs", "use super::faults::Fault;\n"),
        fake("net/lab/faults.rs", "use super::ws::echo;\n"),
        fake("net/lab/ws.rs", "use crate::net::lab::dispatch::route;\n"),
        // A module root re-exporting its child, and the child using the root: no ring.
        fake("net/lab/mod.rs", "pub use self::ws::echo;\n"),
        fake("net/lab/http.rs", "use super::Lab;\n"),
    ];
    let found = file_rings(&edges(&files));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("src/net/lab/dispatch.rs, src/net/lab/faults.rs, src/net/lab/ws.rs"),
        "{found:?}"
    );
}

#[test]
fn io_in_a_pure_layer_is_reported_but_not_in_a_comment() {
    let files = [fake(
        "render/frame.rs",
        "// tokio would be wrong here\nfn f() { let _ = std::fs::read(\"x\"); println!(\"x\"); }\n",
    )];
    let mut found = naming(&files, PURE, IMPURE_PATHS);
    found.extend(naming(&files, PURE, PRINTING));
    assert_eq!(
        found,
        [
            "src/render/frame.rs:2: names std::fs",
            "src/render/frame.rs:2: names println!"
        ]
    );
}
