//! Plugins in the CLI: `digifarm validate` runs the validators digifarm.toml lists and the ones
//! given with `--plugin`; `digifarm plugin info` shows a plugin. Needs the plugins built by
//! `scripts/test-plugins.sh`; skips (with a reason) otherwise, unless
//! `DIGIFARM_REQUIRE_PLUGINS=1`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const PROJECT: &str = "id: demo\nname: Demo\nsummary: {de: Ein Demo, en: A demo}\nstatus: live\nlifecycle: admitted\nlicense: MIT\nlinks:\n  source: https://example.org/demo.git\nlast_reviewed: 2026-10-01\nneeds:\n  - kind: technical\n    skills: [rust]\n    supported_by:\n      - partner: citeq\n";
const PARTNER: &str = "id: citeq\nname: citeq\nkind: public-body\nregion: \"05515000\"\n";

fn plugins_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("DIGIFARM_PLUGINS_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/examples/dist"),
        PathBuf::from,
    );
    if dir
        .join("muenster-admission/muenster-admission.wasm")
        .is_file()
    {
        return Some(dir);
    }
    if std::env::var("DIGIFARM_REQUIRE_PLUGINS").is_ok_and(|v| v == "1") {
        panic!(
            "DIGIFARM_REQUIRE_PLUGINS=1 but no built plugins in {}",
            dir.display()
        );
    }
    eprintln!(
        "skipped: plugins not built in {} (run scripts/test-plugins.sh)",
        dir.display()
    );
    None
}

/// A catalog whose digifarm.toml runs muenster-admission with `grants`.
fn catalog(plugins: &Path, grants: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for sub in ["projects", "partners", "offers", "plugins"] {
        std::fs::create_dir(root.join(sub)).unwrap();
    }
    std::fs::write(root.join("projects/demo.yaml"), PROJECT).unwrap();
    std::fs::write(root.join("partners/citeq.yaml"), PARTNER).unwrap();
    let src = plugins.join("muenster-admission");
    std::fs::copy(
        src.join("muenster-admission.wasm"),
        root.join("plugins/muenster-admission.wasm"),
    )
    .unwrap();
    std::fs::copy(
        src.join("plugin.toml"),
        root.join("plugins/muenster-admission.plugin.toml"),
    )
    .unwrap();
    std::fs::write(
        root.join("digifarm.toml"),
        format!(
            "[city]\nname = \"Münster\"\nags = \"05515000\"\nlanguages = [\"de\", \"en\"]\n\n[[plugins]]\npath = \"plugins/muenster-admission.wasm\"\n{grants}"
        ),
    )
    .unwrap();
    dir
}

fn digifarm(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_digifarm"))
        .args(args)
        .env(
            "DIGIFARM_PLUGIN_CACHE",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-plugin-cache"),
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        stderr,
    )
}

fn validate_json(path: &Path, extra: &[&str]) -> (i32, Value) {
    let p = path.to_str().unwrap();
    let mut args = vec!["validate", "--format", "json", "--today", "2026-11-26", p];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = digifarm(&args);
    (
        code,
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}")),
    )
}

fn codes(json: &Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn configured_validator_runs_with_its_grants() {
    let Some(plugins) = plugins_dir() else { return };
    // citeq is a city partner: the project is linked to Münster.
    let dir = catalog(&plugins, "grants.config = { city_partners = \"citeq\" }\n");
    let (code, json) = validate_json(dir.path(), &[]);
    assert_eq!(codes(&json), Vec::<String>::new(), "{json}");
    assert_eq!(code, 0);
}

#[test]
fn configured_validator_findings_have_file_and_position() {
    let Some(plugins) = plugins_dir() else { return };
    // Without the grant the plugin does not know citeq belongs to the city.
    let dir = catalog(&plugins, "");
    let (code, json) = validate_json(dir.path(), &[]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(codes(&json), vec!["muenster-admission/city-link"]);
    let d = &json["diagnostics"][0];
    assert!(
        d["file"].as_str().unwrap().ends_with("projects/demo.yaml"),
        "{d}"
    );
    assert_eq!(d["severity"], "error");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn ad_hoc_plugin_and_tampered_plugin() {
    let Some(plugins) = plugins_dir() else { return };
    let dir = catalog(&plugins, "grants.config = { city_partners = \"citeq\" }\n");
    let hostile = plugins.join("hostile/hostile.wasm");
    let (code, json) = validate_json(dir.path(), &["--plugin", hostile.to_str().unwrap()]);
    assert_eq!((code, codes(&json)), (0, vec![]), "{json}");

    // A tampered configured plugin is refused: a plugin-failed error naming it.
    let wasm = dir.path().join("plugins/muenster-admission.wasm");
    let mut bytes = std::fs::read(&wasm).unwrap();
    bytes.push(0);
    std::fs::write(&wasm, bytes).unwrap();
    let (code, json) = validate_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&json), vec!["plugin-failed"]);
    let message = json["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("plugin `muenster-admission`: hash mismatch: plugin.toml says sha256 "),
        "{message}"
    );
}

#[test]
fn plugin_info_shows_manifest_and_world() {
    let Some(plugins) = plugins_dir() else { return };
    let wasm = plugins.join("local-first/local-first.wasm");
    let (code, stdout, _) = digifarm(&["plugin", "info", wasm.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.starts_with("local-first 0.1.0 (Local partners first)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("world:        digifarm:plugin/scorer@0.1.0\n"),
        "{stdout}"
    );
    assert!(stdout.contains("(matches plugin.toml)"), "{stdout}");
    let (code, stdout, _) =
        digifarm(&["plugin", "info", "--format", "json", wasm.to_str().unwrap()]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["world"], "scorer");
    assert_eq!(json["manifest"]["id"], "local-first");
    assert_eq!(json["hash_matches"], true);
}

#[test]
fn import_with_an_importer_plugin() {
    let Some(plugins) = plugins_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("civic.json");
    std::fs::write(
        &input,
        r#"{"name": "Heat Seek", "description": "Sensors for tenants", "status": "Beta",
            "license": "MIT", "needs": [{"need": "Developers"}],
            "contact": {"name": "Jane Doe", "email": "jane@example.org"}}"#,
    )
    .unwrap();
    let out = dir.path().join("catalog");
    let wasm = plugins.join("civic-json/civic-json.wasm");
    let (code, stdout, stderr) = digifarm(&[
        "import",
        "plugin",
        "--plugin",
        wasm.to_str().unwrap(),
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stdout} {stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["counts"]["projects"], 1);
    assert_eq!(json["help_wanted"]["technical"], 1);
    let yaml = std::fs::read_to_string(out.join("projects/heat-seek.yaml")).unwrap();
    assert!(yaml.contains("name: Heat Seek"), "{yaml}");
    assert!(
        !yaml.contains("jane"),
        "contact data must not be imported: {yaml}"
    );
}
