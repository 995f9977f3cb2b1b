//! The release binary is what a user installs: no debug info in it (issue 23, item 16); the
//! line tables a profiler wants live in a profile of their own.

#[test]
fn release_has_no_debug_info_and_profiling_keeps_line_tables() {
    let manifest = include_str!("../../Cargo.toml");
    let toml: toml::Table = manifest.parse().expect("Cargo.toml parses");
    let profile = &toml["profile"];
    let debug = |name: &str| profile[name].get("debug").cloned();
    assert!(
        matches!(debug("release"), None | Some(toml::Value::Boolean(false))),
        "release must not carry debug info: {:?}",
        debug("release")
    );
    assert_eq!(profile["profiling"]["inherits"].as_str(), Some("release"));
    assert_eq!(
        debug("profiling").and_then(|v| v.as_str().map(str::to_owned)),
        Some("line-tables-only".to_owned())
    );
}
