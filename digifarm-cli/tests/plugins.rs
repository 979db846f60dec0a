//! Plugins in the CLI: `digifarm validate` runs the validators digifarm.toml lists and the ones
//! given with `--plugin`, `digifarm match` the scorers, `digifarm export --plugin` an exporter,
//! `digifarm import plugin` an importer; `digifarm plugin info` shows a plugin. Needs the
//! plugins built by
//! `scripts/test-plugins.sh`; skips (with a reason) otherwise, unless
//! `DIGIFARM_REQUIRE_PLUGINS=1`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

#[path = "support/run.rs"]
mod run;

use std::path::{Path, PathBuf};

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
    let out = run::digifarm()
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
    assert!(
        stdout.contains("input:        encoding version 1\n"),
        "{stdout}"
    );
    let (code, stdout, _) =
        digifarm(&["plugin", "info", "--format", "json", wasm.to_str().unwrap()]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["world"], "scorer");
    assert_eq!(json["manifest"]["id"], "local-first");
    assert_eq!(json["hash_matches"], true);
    // A plugin built with the Python SDK reads version 2, as its manifest says.
    if built(&plugins, "local-first-py") {
        let python = plugins.join("local-first-py/local-first-py.wasm");
        let (code, stdout, _) = digifarm(&["plugin", "info", python.to_str().unwrap()]);
        assert_eq!(code, 0, "{stdout}");
        assert!(
            stdout.contains(
                "input:        encoding version 2 (character offsets and an index of field positions)\n"
            ),
            "{stdout}"
        );
        let (_, stdout, _) = digifarm(&[
            "plugin",
            "info",
            "--format",
            "json",
            python.to_str().unwrap(),
        ]);
        let json: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(json["manifest"]["encoding"], 2);
    }
    // One built with the JavaScript SDK reads version 3.
    if built(&plugins, "local-first-js") {
        let js = plugins.join("local-first-js/local-first-js.wasm");
        let (code, stdout, _) = digifarm(&["plugin", "info", js.to_str().unwrap()]);
        assert_eq!(code, 0, "{stdout}");
        assert!(
            stdout.contains(
                "input:        encoding version 3 (version 2 with text in ASCII, for JavaScript)\n"
            ),
            "{stdout}"
        );
    }
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

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file below `dir` with its bytes, to show that a command left its input alone.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(snapshot(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

/// A copy of examples/muenster in which citeq is based in Köln (test data: in the real
/// catalog it is in Münster, like CodeForMünster), with the named built plugins in
/// `plugins/` and `toml` appended to digifarm.toml. citeq's hosting offer still serves Münster
/// (`regions: ['05515000']`), so the built-in scores are the real ones, while local-first
/// sees a partner working in Münster (0.5) rather than one based there (1.0).
fn muenster(plugins: &Path, names: &[&str], toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/muenster"),
        root,
    );
    let partner = root.join("partners/citeq.yaml");
    let yaml = std::fs::read_to_string(&partner).unwrap();
    assert!(yaml.contains("region: '05515000'\n"), "{yaml}");
    std::fs::write(
        &partner,
        yaml.replace("region: '05515000'\n", "region: Köln\n"),
    )
    .unwrap();
    std::fs::create_dir(root.join("plugins")).unwrap();
    for name in names {
        let src = plugins.join(name);
        std::fs::copy(
            src.join(format!("{name}.wasm")),
            root.join(format!("plugins/{name}.wasm")),
        )
        .unwrap();
        std::fs::copy(
            src.join("plugin.toml"),
            root.join(format!("plugins/{name}.plugin.toml")),
        )
        .unwrap();
    }
    let config = root.join("digifarm.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push('\n');
    text.push_str(toml);
    std::fs::write(&config, text).unwrap();
    dir
}

fn match_json(catalog: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "match",
        catalog.to_str().unwrap(),
        "--today",
        "2026-11-26",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = digifarm(&args);
    (
        code,
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}")),
    )
}

/// `digifarm match` on `catalog` for Data Inspire Me, human output: (exit code, stdout).
fn match_text(catalog: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec![
        "match",
        catalog.to_str().unwrap(),
        "--today",
        "2026-11-26",
        "--project",
        "data-inspire-me",
    ];
    args.extend_from_slice(extra);
    let (code, stdout, _) = digifarm(&args);
    (code, stdout)
}

/// The ranked offers of `project` #`need`: (offer id, score, the plugin terms).
fn ranking(json: &Value, project: &str, need: u64) -> Vec<(String, f64, Vec<Value>)> {
    let r = json["rankings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["project"] == project && r["need"] == need)
        .unwrap_or_else(|| panic!("no ranking for {project} #{need}: {json}"));
    r["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let terms = o["explanation"]["terms"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|t| t["name"].as_str().unwrap().starts_with("plugin:"))
                .cloned()
                .collect();
            (
                o["offer"].as_str().unwrap().to_owned(),
                o["score"].as_f64().unwrap(),
                terms,
            )
        })
        .collect()
}

const LOCAL_FIRST: &str = "[[plugins]]\npath = \"plugins/local-first.wasm\"\nweight = 0.5\n";

#[test]
fn match_with_a_configured_scorer_plugin() {
    let Some(plugins) = plugins_dir() else { return };
    // Every pair is ranked, weak ones too: the plugin's effect on the order is what counts.
    let all_pairs = "[matching]\nmin_score = 0.0\n";
    let without = muenster(&plugins, &[], all_pairs);
    let with = muenster(
        &plugins,
        &["local-first"],
        &format!("{LOCAL_FIRST}{all_pairs}"),
    );
    let untouched = snapshot(with.path());
    let project = ["--project", "data-inspire-me"];

    let (code, base) = match_json(without.path(), &project);
    assert_eq!(code, 0, "{base}");
    assert_eq!(base["plugins"], serde_json::json!([]));
    let before = ranking(&base, "data-inspire-me", 1);
    let ids: Vec<&str> = before.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(ids, ["citeq-hosting", "codeformuenster-entwicklung"]);
    // skills 1/3 · 0.35 + region 1 · 0.15 + urgency 0.35 · 0.15 over 0.85 (no budget term).
    assert!((before[0].1 - 0.375_490_196).abs() < 1e-9, "{before:?}");
    assert!((before[1].1 - 0.238_235_294).abs() < 1e-9, "{before:?}");

    let (code, json) = match_json(with.path(), &project);
    assert_eq!(code, 0, "{json}");
    let run = &json["plugins"][0];
    assert_eq!(run["id"], "local-first");
    assert_eq!(run["term"], "plugin:local-first");
    assert_eq!(run["weight"], 0.5);
    // The project's needs have six admissible pairs, all within a top 5: the plugin scores
    // those, not the 23 of the whole catalog.
    assert_eq!(run["scored"], 6);
    assert_eq!(run["admissible"], 23);
    let after = ranking(&json, "data-inspire-me", 1);
    let ids: Vec<&str> = after.iter().map(|r| r.0.as_str()).collect();
    // The local partner's offer overtakes citeq's.
    assert_eq!(ids, ["codeformuenster-entwicklung", "citeq-hosting"]);
    // (built-in numerator + 0.5 · value) / (0.85 + 0.5)
    let combined = |base: f64, value: f64| (base * 0.85 + 0.5 * value) / 1.35;
    assert!((after[0].1 - combined(before[1].1, 1.0)).abs() < 1e-12);
    assert!((after[1].1 - combined(before[0].1, 0.5)).abs() < 1e-12);
    assert_eq!(
        format!("{:.4} {:.4}", after[0].1, after[1].1),
        "0.5204 0.4216"
    );
    let term = &after[0].2[0];
    assert_eq!(term["name"], "plugin:local-first");
    assert_eq!(term["weight"], 0.5);
    assert_eq!(term["value"], 1.0);
    assert!((term["contribution"].as_f64().unwrap() - 0.5 / 1.35).abs() < 1e-12);
    assert_eq!(term["detail"], "CodeForMünster is based in Münster");
    assert_eq!(after[1].2[0]["detail"], "citeq works in Münster");
    assert_eq!(after[1].2[0]["value"], 0.5);

    let (code, stdout) = match_text(with.path(), &["--explain"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("scorer plugin local-first: term plugin:local-first with weight 0.50 (23 pairs scored)\n"),
        "--explain scores every pair: {stdout}"
    );
    assert!(
        stdout.contains("  1. 0.520  codeformuenster-entwicklung (CodeForMünster)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "plugin:local-first weight 0.50 × 1.00 → 0.370  CodeForMünster is based in Münster\n"
        ),
        "{stdout}"
    );
    let (code, stdout) = match_text(with.path(), &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("scorer plugin local-first: term plugin:local-first with weight 0.50 (6 of 23 admissible pairs scored: the others cannot change the rankings shown)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  1. 0.520  codeformuenster-entwicklung (CodeForMünster)\n"),
        "{stdout}"
    );
    assert_eq!(
        snapshot(with.path()),
        untouched,
        "match modified the catalog"
    );
}

#[test]
fn match_with_an_ad_hoc_scorer_and_its_weight() {
    let Some(plugins) = plugins_dir() else { return };
    let dir = muenster(&plugins, &[], "");
    let wasm = plugins.join("local-first/local-first.wasm");
    let (code, json) = match_json(
        dir.path(),
        &[
            "--project",
            "data-inspire-me",
            "--plugin",
            wasm.to_str().unwrap(),
            "--plugin-weight",
            "1",
        ],
    );
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["plugins"][0]["weight"], 1.0);
    let after = ranking(&json, "data-inspire-me", 1);
    assert_eq!(after[0].0, "codeformuenster-entwicklung");
    assert!((after[0].1 - (0.238_235_294_117_647 * 0.85 + 1.0) / 1.85).abs() < 1e-12);
    let (code, _, stderr) = digifarm(&[
        "match",
        dir.path().to_str().unwrap(),
        "--plugin-weight",
        "-1",
    ]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn a_failing_scorer_plugin_stops_match() {
    let Some(plugins) = plugins_dir() else { return };
    // A configured validator is no scorer: match skips it, even one that would panic.
    let hostile_validator =
        "[[plugins]]\npath = \"plugins/hostile.wasm\"\ngrants.config = { mode = \"panic\" }\n";
    let dir = muenster(
        &plugins,
        &["local-first", "hostile"],
        &format!("{LOCAL_FIRST}\n{hostile_validator}"),
    );
    let (code, json) = match_json(dir.path(), &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["plugins"].as_array().unwrap().len(), 1);

    // The hostile plugin given as a scorer: it implements another world.
    let hostile = plugins.join("hostile/hostile.wasm");
    let (code, json) = match_json(dir.path(), &["--plugin", hostile.to_str().unwrap()]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(codes(&json), ["plugin-failed"]);
    assert_eq!(
        json["diagnostics"][0]["message"],
        "plugin `hostile`: wrong kind: called as `scorer`, but it implements `validator`"
    );
    assert_eq!(json["rankings"], serde_json::json!([]));
    let (code, stdout, _) = digifarm(&[
        "match",
        dir.path().to_str().unwrap(),
        "--plugin",
        hostile.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("error[plugin-failed]: plugin `hostile`"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("matching did not run: 1 scorer plugin failed\n"),
        "{stdout}"
    );

    // A configured scorer that was tampered with is refused, pointing at its entry.
    let wasm = dir.path().join("plugins/local-first.wasm");
    let mut bytes = std::fs::read(&wasm).unwrap();
    bytes.push(0);
    std::fs::write(&wasm, bytes).unwrap();
    let (code, json) = match_json(dir.path(), &["--assign"]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(codes(&json), ["plugin-failed"]);
    let d = &json["diagnostics"][0];
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("plugin `local-first`: hash mismatch"),
        "{d}"
    );
    assert!(
        d["file"].as_str().unwrap().ends_with("digifarm.toml"),
        "{d}"
    );
    assert_eq!(d["pointer"], "/plugins/0");
    assert!(json["assignment"].is_null());
}

/// A minimal XML reader for the tests: elements with attributes and text, checking that tags
/// nest, attribute values are quoted and only the predefined entities are used.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn child(&self, name: &str) -> &Element {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("<{}> has no <{name}>", self.name))
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..]
            .find(';')
            .unwrap_or_else(|| panic!("bare & in {s}"))
            + i;
        out.push(match &rest[i + 1..end] {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            other => panic!("unknown entity &{other}; in {s}"),
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    assert!(!out.is_empty() || s.is_empty());
    out
}

fn parse_xml(xml: &str) -> Element {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
        .unwrap_or_else(|| panic!("no XML declaration: {xml}"));
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        assert!(!text.contains('>'), "stray > in {text}");
        let top = stack.last_mut().unwrap();
        top.text.push_str(&unescape(text));
        let end = rest[start..].find('>').unwrap() + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let done = stack.pop().unwrap();
            assert_eq!(done.name, name, "mismatched closing tag");
            stack.last_mut().unwrap().children.push(done);
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, mut attrs_text) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        let mut element = Element {
            name: name.to_owned(),
            ..Element::default()
        };
        loop {
            attrs_text = attrs_text.trim_start();
            if attrs_text.is_empty() {
                break;
            }
            let (key, after) = attrs_text
                .split_once("=\"")
                .unwrap_or_else(|| panic!("{tag}"));
            let (value, after) = after.split_once('"').unwrap_or_else(|| panic!("{tag}"));
            element.attrs.push((key.to_owned(), unescape(value)));
            attrs_text = after;
        }
        if self_closing {
            stack.last_mut().unwrap().children.push(element);
        } else {
            stack.push(element);
        }
    }
    assert!(rest.trim().is_empty(), "text after the root: {rest}");
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut document = stack.pop().unwrap();
    assert!(document.text.trim().is_empty());
    assert_eq!(document.children.len(), 1, "one root element");
    document.children.pop().unwrap()
}

/// Checks an Atom feed of the Münster catalog in `dir`: one entry per need that wants help,
/// linked below `base`.
fn check_feed(xml: &str, catalog: &Path, base: &str) {
    let feed = parse_xml(xml);
    assert_eq!(feed.name, "feed");
    assert_eq!(feed.attr("xmlns"), Some("http://www.w3.org/2005/Atom"));
    assert_eq!(feed.child("id").text, format!("{base}/help-wanted"));
    assert_eq!(
        feed.child("title").text,
        "Münster: civic-tech projects seeking help"
    );
    let (cat, _) = digifarm_core::validate::validate_path(
        catalog,
        &digifarm_core::catalog::LoadOptions::default(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
    )
    .unwrap();
    let mut wanted = Vec::new();
    for p in &cat.projects {
        for (i, n) in p.needs.iter().enumerate() {
            if n.wants_help() {
                wanted.push((format!("{base}/projects/{}#need-{i}", p.id), p, n));
            }
        }
    }
    assert_eq!(wanted.len(), 8);
    let entries: Vec<&Element> = feed.all("entry").collect();
    assert_eq!(entries.len(), wanted.len());
    for (entry, (id, project, need)) in entries.iter().zip(&wanted) {
        assert_eq!(&entry.child("id").text, id);
        assert_eq!(
            entry.child("title").text,
            format!("{}: {} help wanted", project.name, need.kind)
        );
        assert_eq!(
            entry.child("link").attr("href"),
            Some(format!("{base}/projects/{}", project.id).as_str())
        );
        let kinds: Vec<&str> = entry
            .all("category")
            .filter_map(|c| c.attr("term"))
            .collect();
        assert!(kinds.contains(&need.kind.as_str()), "{kinds:?}");
        assert!(entry.child("updated").text.ends_with("T00:00:00Z"));
    }
}

#[test]
fn export_with_an_exporter_plugin() {
    let Some(plugins) = plugins_dir() else { return };
    let dir = muenster(
        &plugins,
        &["atom-feed", "muenster-admission"],
        "[[plugins]]\npath = \"plugins/atom-feed.wasm\"\ngrants.config = { base_url = \"https://digifarm.ms/\" }\n\n[[plugins]]\npath = \"plugins/muenster-admission.wasm\"\ngrants.config = { city_partners = \"citeq,stadtarchiv-muenster\" }\n",
    );
    let catalog = dir.path();
    let before = snapshot(catalog);
    let out_dir = tempfile::tempdir().unwrap();
    let feed = out_dir.path().join("help-wanted.atom");
    let c = catalog.to_str().unwrap();
    let f = feed.to_str().unwrap();

    // By the id of the configured plugin: its grants (base_url) apply.
    let (code, stdout, stderr) = digifarm(&["export", c, "--plugin", "atom-feed", "--out", f]);
    assert_eq!(code, 0, "{stdout} {stderr}");
    assert!(
        stdout.starts_with("exported 7 projects, 14 partners, 11 offers with plugin atom-feed as application/atom+xml: "),
        "{stdout}"
    );
    let xml = std::fs::read_to_string(&feed).unwrap();
    check_feed(&xml, catalog, "https://digifarm.ms");

    // An existing file is not replaced without --force.
    let (code, _, stderr) = digifarm(&["export", c, "--plugin", "atom-feed", "--out", f]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the output file exists (use --force to replace it)"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&feed).unwrap(), xml);

    // A FILE.wasm runs ad hoc, with no grants: links below the city's website.
    let wasm = plugins.join("atom-feed/atom-feed.wasm");
    let (code, stdout, stderr) = digifarm(&[
        "export",
        c,
        "--plugin",
        wasm.to_str().unwrap(),
        "--out",
        f,
        "--force",
    ]);
    assert_eq!(code, 0, "{stdout} {stderr}");
    let adhoc = std::fs::read_to_string(&feed).unwrap();
    check_feed(&adhoc, catalog, "https://www.stadt-muenster.de/digifarm");

    // Without --out the feed goes to stdout and the summary to stderr.
    let (code, stdout, stderr) = digifarm(&["export", c, "--plugin", "atom-feed"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, xml);
    assert!(stderr.contains("as application/atom+xml"), "{stderr}");

    // Not an exporter: a usage error naming the kind.
    let (code, _, stderr) = digifarm(&[
        "export",
        c,
        "--plugin",
        "muenster-admission",
        "--out",
        out_dir.path().join("x.txt").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("plugin `muenster-admission` is a validator, not an exporter"),
        "{stderr}"
    );
    assert!(!out_dir.path().join("x.txt").exists());

    // Unknown id, private data.
    let (code, _, stderr) = digifarm(&["export", c, "--plugin", "nope"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no plugin with id `nope`")
            && stderr.contains("atom-feed, muenster-admission"),
        "{stderr}"
    );
    let (code, _, stderr) = digifarm(&["export", c, "--plugin", "atom-feed", "--include-private"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--include-private cannot be used with --plugin"),
        "{stderr}"
    );

    assert_eq!(snapshot(catalog), before, "the catalog was modified");
}

#[test]
fn export_with_a_plugin_refuses_an_invalid_catalog() {
    let Some(plugins) = plugins_dir() else { return };
    let dir = muenster(&plugins, &["atom-feed"], "");
    std::fs::write(
        dir.path().join("projects/broken.yaml"),
        "id: broken\nname: Broken\n",
    )
    .unwrap();
    // Outside the catalog: an output inside it is refused before anything else.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("feed.atom");
    let wasm = plugins.join("atom-feed/atom-feed.wasm");
    let (code, _, stderr) = digifarm(&[
        "export",
        dir.path().to_str().unwrap(),
        "--plugin",
        wasm.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("the catalog has errors and was not exported"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn import_with_a_configured_importer_plugin() {
    let Some(plugins) = plugins_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("civic.json");
    std::fs::write(
        &input,
        r#"{"name": "Heat Seek", "description": "Sensors for tenants", "status": "Beta",
            "license": "MIT", "needs": [{"need": "Developers"}]}"#,
    )
    .unwrap();
    let out = dir.path().join("catalog");
    std::fs::create_dir_all(out.join("plugins")).unwrap();
    let src = plugins.join("civic-json");
    std::fs::copy(src.join("civic-json.wasm"), out.join("plugins/civic.wasm")).unwrap();
    std::fs::copy(
        src.join("plugin.toml"),
        out.join("plugins/civic.plugin.toml"),
    )
    .unwrap();
    std::fs::write(
        out.join("digifarm.toml"),
        "[city]\nname = \"Münster\"\nags = \"05515000\"\n\n[[plugins]]\npath = \"plugins/civic.wasm\"\n",
    )
    .unwrap();
    let run = |id: &str| {
        digifarm(&[
            "import",
            "plugin",
            "--plugin",
            id,
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--format",
            "json",
        ])
    };
    // The id is the manifest's, not the file name's.
    let (code, stdout, stderr) = run("civic-json");
    assert_eq!(code, 0, "{stdout} {stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["counts"]["projects"], 1);
    assert!(out.join("projects/heat-seek.yaml").is_file());
    let (code, _, stderr) = run("civic");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no plugin with id `civic`") && stderr.contains("it lists civic-json"),
        "{stderr}"
    );
}

/// Runs `digifarm import plugin` with the hostile importer on `input` (a JSON description of
/// what the importer returns) into `out`; `extra` are more arguments.
fn hostile_import(
    plugins: &Path,
    input: &serde_json::Value,
    out: &Path,
    extra: &[&str],
) -> (i32, String, String) {
    let dir = out.parent().unwrap();
    let file = dir.join("hostile-input.json");
    std::fs::write(&file, serde_json::to_vec(input).unwrap()).unwrap();
    let wasm = plugins.join("hostile-importer/hostile-importer.wasm");
    let mut args = vec![
        "import",
        "plugin",
        "--plugin",
        wasm.to_str().unwrap(),
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    digifarm(&args)
}

/// Every file below `dir`, relative to it.
fn files_below(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_iter()
        .map(|(p, _)| p.strip_prefix(dir).unwrap().display().to_string())
        .collect()
}

#[test]
fn an_importer_cannot_write_outside_the_catalog() {
    let Some(plugins) = plugins_dir() else { return };
    let sandbox = tempfile::tempdir().unwrap();
    let out = sandbox.path().join("work").join("catalog");
    std::fs::create_dir_all(&out).unwrap();
    // A file beside the catalog that `projects/../../victim.yaml` would overwrite.
    let victim = sandbox.path().join("work").join("victim.yaml");
    std::fs::write(&victim, "precious\n").unwrap();
    let absolute = sandbox.path().join("absolute").display().to_string();
    let ids = [
        "../../victim".to_owned(),
        "../../../../../../../../../../../../tmp/digifarm-traversal".to_owned(),
        "../escaped".to_owned(),
        "..".to_owned(),
        absolute.clone(),
        "ms/../../x".to_owned(),
        "ｐｒｏｊｅｃｔ".to_owned(),
    ];
    let mut projects: Vec<Value> = ids.iter().map(|id| serde_json::json!({"id": id})).collect();
    projects.push(serde_json::json!({"id": "gut"}));
    let input = serde_json::json!({
        "projects": projects,
        "partners": [{"id": "../../victim"}],
    });
    for force in [false, true] {
        let extra: &[&str] = if force {
            &["--force", "--format", "json"]
        } else {
            &["--format", "json"]
        };
        let (code, stdout, stderr) = hostile_import(&plugins, &input, &out, extra);
        assert_eq!(code, 1, "force {force}: {stdout} {stderr}");
        let json: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(json["ok"], false, "{json}");
        let diagnostics = json["diagnostics"].as_array().unwrap();
        for id in &ids {
            assert!(
                diagnostics.iter().any(|d| d["severity"] == "error"
                    && d["message"].as_str().unwrap().contains(&format!("`{id}`"))),
                "no error names `{id}`: {json}"
            );
        }
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
        assert!(!Path::new("/tmp/digifarm-traversal.yaml").exists());
        assert!(!Path::new(&format!("{absolute}.yaml")).exists());
        assert!(!sandbox.path().join("work/escaped.yaml").exists());
        assert!(!sandbox.path().join("work/x.yaml").exists());
        // Inside the catalog only the one good project and the starter config were written.
        let mut all = files_below(sandbox.path());
        all.sort();
        assert_eq!(
            all,
            [
                "work/catalog/digifarm.toml",
                "work/catalog/projects/gut.yaml",
                "work/hostile-input.json",
                "work/victim.yaml"
            ]
        );
    }
}

#[test]
fn importer_records_get_the_checks_of_a_record_file() {
    let Some(plugins) = plugins_dir() else { return };
    let sandbox = tempfile::tempdir().unwrap();
    let out = sandbox.path().join("catalog");
    std::fs::create_dir_all(out.join("partners")).unwrap();
    std::fs::write(
        out.join("digifarm.toml"),
        "[city]\nname = \"Münster\"\nags = \"05515000\"\nlanguages = [\"de\", \"en\"]\n",
    )
    .unwrap();
    std::fs::write(out.join("partners/citeq.yaml"), PARTNER).unwrap();
    let input = serde_json::json!({
        "projects": [
            {"id": "gut", "partner": "citeq"},
            {"id": "ｐｒｏｊｅｃｔ"},
            {"id": "/tmp/x"},
            {"id": "leer", "name": ""},
            {"id": "doppelt", "name": "Erstes"},
            {"id": "doppelt", "name": "Zweites"},
            {"id": "lizenzlos", "license": "NOASSERTION"},
            {"id": "haengt", "partner": "niemand"},
            {"id": "ms/x"},
        ],
    });
    for force in [false, true] {
        let mut extra = vec!["--format", "json"];
        if force {
            extra.push("--force");
        }
        let (code, stdout, stderr) = hostile_import(&plugins, &input, &out, &extra);
        assert_eq!(code, 1, "{stdout} {stderr}");
        let json: Value = serde_json::from_str(&stdout).unwrap();
        let found: Vec<(&str, &str)> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| (d["code"].as_str().unwrap(), d["pointer"].as_str().unwrap()))
            .collect();
        assert_eq!(
            found,
            [
                ("invalid-format", "/projects/1/id"),
                ("invalid-format", "/projects/2/id"),
                ("invalid-format", "/projects/3/name"),
                ("duplicate-id", "/projects/5/id"),
                ("license-missing", "/projects/6/license"),
                (
                    "dangling-reference",
                    "/projects/7/needs/0/supported_by/0/partner"
                ),
                ("invalid-format", "/projects/8/id"),
            ],
            "{json}"
        );
        assert_eq!(json["counts"]["projects"], 2, "{json}");
        let mut files = files_below(&out);
        files.sort();
        assert_eq!(
            files,
            [
                "digifarm.toml",
                "partners/citeq.yaml",
                "projects/doppelt.yaml",
                "projects/gut.yaml"
            ]
        );
        // The first of the two `doppelt` is written; the second neither replaces it nor is
        // "skipped" silently, with or without --force.
        let doppelt = std::fs::read_to_string(out.join("projects/doppelt.yaml")).unwrap();
        assert!(doppelt.contains("name: Erstes"), "{doppelt}");
    }
    // What was written validates without errors.
    let (code, json) = validate_json(&out, &[]);
    let errors: Vec<&Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{json}");
    assert_eq!(code, 0, "{json}");
}

/// What a terminal would obey: ESC sequences (clear screen, colours, an OSC 8 link), a line
/// break that forges a report line, a carriage return, C1 CSI, a right-to-left override.
const EVIL: &str = "\u{1b}[2J\u{1b}[31mred\u{1b}]8;;https://evil.example\u{7}link\u{1b}]8;;\u{7}\nok: 0 errors, 0 warnings (FORGED)\r\u{9b}31m\u{202E}txt.exe";

/// `text` with the control characters a catalog may not hold written as the hostile
/// plugins' placeholders (`{ESC}`, `{BEL}`, `{CSI}`, `{CR}`), which they expand: the plugin,
/// not the catalog, sends them to the host.
fn placeholders(text: &str) -> String {
    text.replace('\u{1b}', "{ESC}")
        .replace('\u{7}', "{BEL}")
        .replace('\u{9b}', "{CSI}")
        .replace('\r', "{CR}")
}

/// A TOML basic string holding `text` (JSON's escapes are TOML's).
fn toml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// Nothing in `text` that a terminal would obey; line feeds only as line ends.
fn assert_no_raw_plugin_text(text: &str) {
    for c in text.chars() {
        assert!(
            c == '\n' || !digifarm_core::diagnostic::is_unprintable(c),
            "{c:?} reaches the reader: {text}"
        );
    }
    assert!(
        !text.lines().any(|l| l.starts_with("ok: 0 errors")),
        "a forged line: {text}"
    );
}

/// Every string in a JSON document, recursively.
fn json_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| json_strings(v, out)),
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                json_strings(v, out);
            }
        }
        _ => {}
    }
}

fn assert_json_printable(stdout: &str) {
    let json: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let mut strings = Vec::new();
    json_strings(&json, &mut strings);
    for s in strings {
        assert!(
            !s.chars().any(digifarm_core::diagnostic::is_unprintable),
            "raw plugin text in JSON: {s:?}"
        );
        assert!(
            s.chars().count() <= 4000,
            "uncapped: {} characters",
            s.len()
        );
    }
}

/// `validate` in every format over a catalog that runs the hostile validator with `config`:
/// (exit code, the codes found in the JSON report).
fn validate_everywhere(plugins: &Path, config: &str) -> (i32, Vec<String>) {
    let dir = muenster(
        plugins,
        &["hostile"],
        &format!("[[plugins]]\npath = \"plugins/hostile.wasm\"\ngrants.config = {config}\n"),
    );
    let p = dir.path().to_str().unwrap();
    let (code, stdout, _) = digifarm(&["validate", p, "--today", "2026-11-26"]);
    assert_no_raw_plugin_text(&stdout);
    let mut found = None;
    for format in ["json", "sarif"] {
        let (c, stdout, _) =
            digifarm(&["validate", p, "--today", "2026-11-26", "--format", format]);
        assert_eq!(c, code, "{format}");
        assert!(!stdout.contains('\u{1b}'));
        assert_json_printable(&stdout);
        if format == "json" {
            found = Some(codes(&serde_json::from_str(&stdout).unwrap()));
        }
    }
    (code, found.unwrap())
}

#[test]
fn no_plugin_text_reaches_a_report_raw() {
    let Some(plugins) = plugins_dir() else { return };
    let evil = toml_string(EVIL);
    // Kept, escaped: message and help.
    let (code, found) = validate_everywhere(
        &plugins,
        &format!("{{ mode = \"echo\", code = \"echo\", message = {evil}, help = {evil} }}"),
    );
    assert_eq!(code, 1);
    assert_eq!(
        found.iter().filter(|c| *c == "hostile/echo").count(),
        7,
        "one per project: {found:?}"
    );
    // Refused, echoed escaped: pointer, code, subject, the error value, a panic, stderr.
    for config in [
        format!("{{ mode = \"echo\", pointer = {evil} }}"),
        format!("{{ mode = \"echo\", code = {evil} }}"),
        format!("{{ mode = \"echo\", subject = {evil} }}"),
        format!(
            "{{ mode = \"echo\", message = {} }}",
            toml_string("\u{1b}\u{7}\n")
        ),
        "{ mode = \"long-pointer\" }".to_owned(),
        format!("{{ mode = \"error\", message = {evil} }}"),
        format!("{{ mode = \"panic-with\", message = {evil} }}"),
        format!("{{ mode = \"stderr\", message = {evil} }}"),
    ] {
        let (code, found) = validate_everywhere(&plugins, &config);
        assert_eq!(code, 1, "{config}");
        let plugin: Vec<&String> = found
            .iter()
            .filter(|c| *c == "plugin-failed" || c.starts_with("hostile/"))
            .collect();
        assert_eq!(plugin, ["plugin-failed"], "{config}");
    }
}

#[test]
fn importer_exporter_and_scorer_text_is_printable_too() {
    let Some(plugins) = plugins_dir() else { return };
    // Importer: its diagnostics and its error.
    let sandbox = tempfile::tempdir().unwrap();
    let out = sandbox.path().join("catalog");
    let input = serde_json::json!({
        "projects": [{"id": "gut"}, {"id": "kaputt", "name": EVIL}],
        "diagnostics": [{"subject": "gut", "code": "note", "message": EVIL, "help": EVIL}],
    });
    for format in ["human", "json"] {
        let (code, stdout, stderr) = hostile_import(&plugins, &input, &out, &["--format", format]);
        assert_eq!(code, 1, "{stdout} {stderr}");
        assert_no_raw_plugin_text(&stdout);
        if format == "json" {
            assert_json_printable(&stdout);
        }
    }
    let (code, _, stderr) =
        hostile_import(&plugins, &serde_json::json!({"error": EVIL}), &out, &[]);
    assert_eq!(code, 2);
    assert_no_raw_plugin_text(&stderr);

    // Exporter: its media type and its error.
    let evil = toml_string(&placeholders(EVIL));
    for config in [
        format!(
            "{{ media_type = {} }}",
            toml_string(&placeholders("text/plain\u{1b}[2J"))
        ),
        format!("{{ error = {evil} }}"),
    ] {
        let dir = muenster(
            &plugins,
            &["hostile-exporter"],
            &format!(
                "[[plugins]]\npath = \"plugins/hostile-exporter.wasm\"\ngrants.config = {config}\n"
            ),
        );
        let (code, stdout, stderr) = digifarm(&[
            "export",
            dir.path().to_str().unwrap(),
            "--plugin",
            "hostile-exporter",
        ]);
        assert_eq!(code, 1, "{config}: {stdout} {stderr}");
        // Refused for what the plugin sent, not for the catalog.
        assert!(stderr.contains("plugin-failed"), "{config}: {stderr}");
        assert!(!stderr.contains("invalid-character"), "{config}: {stderr}");
        assert_no_raw_plugin_text(&stdout);
        assert_no_raw_plugin_text(&stderr);
    }

    // Scorer: its explanation (kept, escaped) and a score it may not give.
    for (config, expected) in [
        (format!("{{ explanation = {evil}, term = {evil} }}"), 0),
        ("{ score = \"1e308\" }".to_owned(), 1),
        ("{ score = \"-0.0\" }".to_owned(), 1),
    ] {
        let dir = muenster(
            &plugins,
            &["hostile-scorer"],
            &format!(
                "[[plugins]]\npath = \"plugins/hostile-scorer.wasm\"\ngrants.config = {config}\n"
            ),
        );
        let c = dir.path().to_str().unwrap();
        let (code, stdout, _) = digifarm(&["match", c, "--today", "2026-11-26", "--explain"]);
        assert_eq!(code, expected, "{config}: {stdout}");
        assert_no_raw_plugin_text(&stdout);
        assert!(!stdout.contains(&"0".repeat(100)), "{stdout}");
        let (_, stdout, _) = digifarm(&["match", c, "--today", "2026-11-26", "--format", "json"]);
        assert_json_printable(&stdout);
        if expected == 1 {
            assert!(stdout.contains("is not in [0, 1]"), "{config}: {stdout}");
        }
    }
}

#[test]
fn plugin_info_refuses_an_unknown_capability() {
    let Some(plugins) = plugins_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("hostile.wasm");
    std::fs::copy(plugins.join("hostile/hostile.wasm"), &wasm).unwrap();
    let manifest = std::fs::read_to_string(plugins.join("hostile/plugin.toml")).unwrap();
    std::fs::write(
        dir.path().join("plugin.toml"),
        format!("capabilities = [\"teleport\"]\n{manifest}"),
    )
    .unwrap();
    let (code, stdout, _) = digifarm(&["plugin", "info", wasm.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("capabilities: teleport  (UNKNOWN: teleport;"),
        "{stdout}"
    );
    let (code, stdout, _) =
        digifarm(&["plugin", "info", "--format", "json", wasm.to_str().unwrap()]);
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        json["unknown_capabilities"],
        serde_json::json!(["teleport"])
    );
    // `validate` refuses it the same way.
    let (code, json) = validate_json(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/muenster"),
        &["--plugin", wasm.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    assert!(codes(&json).contains(&"plugin-failed".to_owned()), "{json}");
}

#[test]
fn run_budget_and_findings_cap_end_the_run_with_plugin_failed() {
    let Some(plugins) = plugins_dir() else { return };
    for (grants, expected) in [
        (
            "grants.config = { mode = \"loop\" }\ngrants.limits = { timeout_ms = 20000, run_timeout_ms = 300 }\n",
            "plugin `hostile`: run budget exceeded: the run did not finish within 300 ms (`limits.run_timeout_ms`) and was stopped after 0 complete calls; a city grants more with `limits.run_timeout_ms`",
        ),
        (
            "grants.config = { mode = \"flood\", count = \"5\" }\ngrants.limits = { max_findings = 20 }\n",
            "plugin `hostile`: too many findings: more than 20 in one run; the run was stopped (a city grants more with `limits.max_findings`)",
        ),
    ] {
        let dir = muenster(
            &plugins,
            &["hostile"],
            &format!("[[plugins]]\npath = \"plugins/hostile.wasm\"\n{grants}"),
        );
        let (code, json) = validate_json(dir.path(), &[]);
        assert_eq!(code, 1, "{json}");
        let failed: Vec<&Value> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "plugin-failed")
            .collect();
        assert_eq!(failed.len(), 1, "{json}");
        assert_eq!(failed[0]["message"], expected);
        assert!(
            !codes(&json).iter().any(|c| c == "hostile/flood"),
            "nothing of a stopped run is kept: {json}"
        );
    }
}

// --- plugins written in Python and JavaScript, through the binary as a city runs them ---

/// Whether the Python or JavaScript plugin `id` is built (`scripts/build-plugins-python.sh`,
/// `scripts/build-plugins-js.sh`); with `DIGIFARM_REQUIRE_PLUGINS=1` a missing one fails.
fn built(plugins: &Path, id: &str) -> bool {
    if plugins.join(id).join(format!("{id}.wasm")).is_file() {
        return true;
    }
    if std::env::var("DIGIFARM_REQUIRE_PLUGINS").is_ok_and(|v| v == "1") {
        panic!(
            "DIGIFARM_REQUIRE_PLUGINS=1 but {id} is not built in {}",
            plugins.display()
        );
    }
    eprintln!(
        "skipped: {id} not built (scripts/build-plugins-python.sh, scripts/build-plugins-js.sh)"
    );
    false
}

#[test]
fn python_and_javascript_scorers_match_as_the_rust_one_does() {
    let Some(plugins) = plugins_dir() else { return };
    let toml = |id: &str| {
        format!(
            "[[plugins]]\npath = \"plugins/{id}.wasm\"\nweight = 0.5\n\n[matching]\nmin_score = 0.0\n"
        )
    };
    // The run's origin is the catalog's digifarm.toml, in a different folder for each run.
    let normalized = |mut json: Value, id: &str| {
        json["plugins"][0]["origin"] = Value::Null;
        let text = json.to_string().replace(id, "local-first");
        serde_json::from_str::<Value>(&text).unwrap()
    };
    let rust = muenster(&plugins, &["local-first"], &toml("local-first"));
    let (code, want) = match_json(rust.path(), &[]);
    assert_eq!(code, 0, "{want}");
    assert_eq!(want["plugins"][0]["scored"], 23);
    let want = normalized(want, "local-first");
    assert!(want["rankings"].as_array().unwrap().len() >= 5, "{want}");
    for id in ["local-first-py", "local-first-js"] {
        if !built(&plugins, id) {
            continue;
        }
        let dir = muenster(&plugins, &[id], &toml(id));
        let untouched = snapshot(dir.path());
        let (code, got) = match_json(dir.path(), &[]);
        assert_eq!(code, 0, "{got}");
        assert_eq!(got["plugins"][0]["id"], id);
        // Rankings, assignment and explanations: the Rust plugin's, term names aside.
        let got = normalized(got, id);
        for (g, w) in got["rankings"]
            .as_array()
            .unwrap()
            .iter()
            .zip(want["rankings"].as_array().unwrap())
        {
            assert_eq!(g, w, "{id}");
        }
        assert_eq!(got, want, "{id}");
        assert_eq!(
            snapshot(dir.path()),
            untouched,
            "match modified the catalog"
        );
    }
}

#[test]
fn python_and_javascript_importers_write_what_the_rust_one_writes() {
    let Some(plugins) = plugins_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("civic.json");
    std::fs::write(
        &input,
        r#"[{"name": "Heat Seek", "description": "Sensors for tenants", "status": "Beta",
             "license": "MIT", "needs": [{"need": "Developers"}, {"need": "Funding"}],
             "categories": [{"category": "Housing"}], "geography": "Münster",
             "contact": {"name": "Jane Doe", "email": "jane@example.org"}},
            {"repository": "https://github.com/codeformuenster/Grüne-Welle/", "status": "live",
             "license": "EUPL-1.2", "tags": ["Verkehr", {"tag": "Ampeln"}]},
            {"name": "Ohne Lizenz", "status": "Idee"},
            "kein Objekt"]"#,
    )
    .unwrap();
    let import = |id: &str| {
        let out = dir.path().join(format!("catalog-{id}"));
        let wasm = plugins.join(id).join(format!("{id}.wasm"));
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
        let files: Vec<(PathBuf, Vec<u8>)> = snapshot(&out)
            .into_iter()
            .map(|(p, bytes)| (p.strip_prefix(&out).unwrap().to_owned(), bytes))
            .collect();
        (
            code,
            stdout.replace(id, "civic-json"),
            stderr.replace(id, "civic-json"),
            files,
        )
    };
    let want = import("civic-json");
    // Two projects written; the one without a licence and the non-object reported.
    assert_eq!(want.0, 1, "{} {}", want.1, want.2);
    let written: Vec<&Path> = want.3.iter().map(|(p, _)| p.as_path()).collect();
    assert_eq!(
        written,
        [
            Path::new("digifarm.toml"),
            Path::new("projects/gruene-welle.yaml"),
            Path::new("projects/heat-seek.yaml")
        ]
    );
    assert!(want.1.contains("civic-json/not-an-object"), "{}", want.1);
    for id in ["civic-json-py", "civic-json-js"] {
        if !built(&plugins, id) {
            continue;
        }
        let got = import(id);
        assert_eq!(got.0, want.0, "{id}: {} {}", got.1, got.2);
        assert_eq!(got.1, want.1, "{id}");
        assert_eq!(got.3, want.3, "{id}: the files written");
        for (_, bytes) in &got.3 {
            assert!(
                !String::from_utf8_lossy(bytes).contains("jane"),
                "{id}: contact imported"
            );
        }
    }
}

#[test]
fn a_javascript_exporter_runs_with_its_grants() {
    let Some(plugins) = plugins_dir() else { return };
    if !built(&plugins, "rss-feed") {
        return;
    }
    let dir = muenster(
        &plugins,
        &["rss-feed"],
        "[[plugins]]\npath = \"plugins/rss-feed.wasm\"\ngrants.config = { base_url = \"https://digifarm.ms/\" }\n",
    );
    let catalog = dir.path();
    let before = snapshot(catalog);
    let out_dir = tempfile::tempdir().unwrap();
    let feed = out_dir.path().join("help-wanted.rss");
    let (code, stdout, stderr) = digifarm(&[
        "export",
        catalog.to_str().unwrap(),
        "--plugin",
        "rss-feed",
        "--out",
        feed.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout} {stderr}");
    assert!(
        stdout.starts_with(
            "exported 7 projects, 14 partners, 11 offers with plugin rss-feed as application/rss+xml: "
        ),
        "{stdout}"
    );
    let xml = std::fs::read_to_string(&feed).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("<rss version=\"2.0\""), "{xml}");
    // One item per project that wants help, each linked under the granted base_url.
    let links: Vec<&str> = xml
        .split("<link>https://digifarm.ms/projects/")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap())
        .collect();
    assert_eq!(links.len(), xml.matches("<item>").count(), "{xml}");
    assert!(!links.is_empty(), "{xml}");
    for id in links {
        assert!(
            catalog.join(format!("projects/{id}.yaml")).is_file(),
            "{id} is not a project"
        );
    }
    assert_eq!(snapshot(catalog), before, "export modified the catalog");
}

#[test]
fn a_scorer_sent_only_the_pairs_that_can_reach_a_ranking_prints_what_scoring_all_prints() {
    let Some(plugins) = plugins_dir() else { return };
    for min_score in ["0.0", "0.4"] {
        let dir = muenster(
            &plugins,
            &["local-first"],
            &format!("{LOCAL_FIRST}\n[matching]\nmin_score = {min_score}\n"),
        );
        for top in ["1", "2", "5"] {
            // --explain sends every admissible pair (it shows pairs below the minimum too).
            let (code, bounded) = match_json(dir.path(), &["--top", top]);
            assert_eq!(code, 0, "{bounded}");
            let (code, mut all) = match_json(dir.path(), &["--top", top, "--explain"]);
            assert_eq!(code, 0, "{all}");
            // --explain adds the offers below the minimum to each ranking; the rest is equal.
            for r in all["rankings"].as_array_mut().unwrap() {
                r.as_object_mut().unwrap().remove("below_minimum");
            }
            assert_eq!(
                bounded["rankings"], all["rankings"],
                "top {top}, min {min_score}"
            );
            assert_eq!(
                bounded["unmatched"], all["unmatched"],
                "top {top}, min {min_score}"
            );
            assert_eq!(all["plugins"][0]["scored"], 23);
            let scored = bounded["plugins"][0]["scored"].as_u64().unwrap();
            assert_eq!(bounded["plugins"][0]["admissible"], 23);
            if top == "1" && min_score == "0.0" {
                assert!(scored < 23, "top 1 scored {scored} of 23");
            }
        }
    }
}

#[test]
fn a_scorer_sent_pairs_in_rounds_gives_the_assignment_scoring_all_gives() {
    let Some(plugins) = plugins_dir() else { return };
    // Runs where --assign sent more pairs than the rankings alone: the rounds ran.
    let mut rounds_ran = false;
    for min_score in ["0.0", "0.4"] {
        let dir = muenster(
            &plugins,
            &["local-first"],
            &format!("{LOCAL_FIRST}\n[matching]\nmin_score = {min_score}\n"),
        );
        for top in ["1", "3"] {
            let (code, bounded) = match_json(dir.path(), &["--assign", "--top", top]);
            assert_eq!(code, 0, "{bounded}");
            // --explain sends every admissible pair.
            let (code, mut all) = match_json(dir.path(), &["--assign", "--top", top, "--explain"]);
            assert_eq!(code, 0, "{all}");
            for r in all["rankings"].as_array_mut().unwrap() {
                r.as_object_mut().unwrap().remove("below_minimum");
            }
            let label = format!("top {top}, min {min_score}");
            assert!(
                all["assignment"].as_array().is_some_and(|a| a.len() >= 3),
                "{label}: {all}"
            );
            for key in ["assignment", "total_score", "unmatched", "rankings"] {
                assert_eq!(bounded[key], all[key], "{key}, {label}");
            }
            assert_eq!(all["plugins"][0]["scored"], 23);
            let scored = bounded["plugins"][0]["scored"].as_u64().unwrap();
            assert!(scored <= 23, "{label}: {scored}");
            let (code, ranked) = match_json(dir.path(), &["--top", top]);
            assert_eq!(code, 0, "{ranked}");
            let for_rankings = ranked["plugins"][0]["scored"].as_u64().unwrap();
            assert!(for_rankings <= scored, "{label}");
            rounds_ran |= for_rankings < scored;
            // The human view (here of one project) says why fewer pairs were scored.
            if scored < 23 {
                let (code, text) = match_text(dir.path(), &["--assign", "--top", top]);
                assert_eq!(code, 0, "{text}");
                assert!(
                    text.contains(
                        " of 23 admissible pairs scored: the others cannot change the rankings or the assignment"
                    ),
                    "{text}"
                );
            }
        }
    }
    assert!(
        rounds_ran,
        "--assign never sent more than the rankings' pairs"
    );
}
