//! README.md stays true: it lists every diagnostic code, its quick start has the two commands
//! CI runs, and its Rust snippet is the one in the runnable example.
#![allow(clippy::unwrap_used)]

use digifarm_core::Code;

fn read(path: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(path),
    )
    .unwrap()
}

#[test]
fn readme_lists_every_diagnostic_code() {
    let readme = read("README.md");
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !readme.contains(&format!("| `{c}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes missing from README.md: {missing:?}"
    );
}

#[test]
fn quick_start_has_the_commands_ci_runs() {
    let readme = read("README.md");
    let start = readme.find("## Quick start").unwrap();
    let section = &readme[start
        ..readme[start + 1..]
            .find("\n## ")
            .map_or(readme.len(), |i| start + 1 + i)];
    let block: Vec<&str> = section
        .split("```sh\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap()
        .lines()
        .collect();
    assert_eq!(block.len(), 2, "exactly two commands: {block:?}");
    assert!(block[0].starts_with("./scripts/muenster.sh"));
    assert!(block[1].starts_with("./scripts/test-all.sh"));
    assert!(
        read(".ci/run")
            .lines()
            .any(|l| l.trim() == "./scripts/test-all.sh"),
        ".ci/run runs the README's test command"
    );
}

#[test]
fn readme_rust_snippet_is_the_runnable_example() {
    let readme = read("README.md");
    let example = read("digifarm-core/examples/validate_catalog.rs");
    let snippet = readme
        .split("```rust\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let body = example
        .split("// README: begin\n")
        .nth(1)
        .unwrap()
        .split("    // README: end")
        .next()
        .unwrap();
    let dedented: String = body
        .lines()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(snippet.trim_end(), dedented.trim_end());
}
