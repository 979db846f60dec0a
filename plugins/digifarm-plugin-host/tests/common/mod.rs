//! Shared helpers: where the built plugins are, and small catalog fixtures.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use digifarm_core::license::Policy;
use digifarm_core::model::{CityConfig, PluginGrants, Project};
use digifarm_plugin_host::{Host, HostOptions, Plugin, Result};

/// The directory with `<id>/<id>.wasm` and `<id>/plugin.toml` as assembled by
/// `scripts/test-plugins.sh`. `None` (with a printed reason) when they are not built, unless
/// `DIGIFARM_REQUIRE_PLUGINS=1`, in which case a missing plugin fails the test.
pub fn plugins_dir() -> Option<PathBuf> {
    plugins_with(&[
        "muenster-admission",
        "local-first",
        "atom-feed",
        "civic-json",
        "hostile",
        "hostile-importer",
        "hostile-scorer",
        "hostile-exporter",
    ])
}

/// The Python plugins (`scripts/build-plugins-python.sh`).
pub const PYTHON_PLUGINS: &[&str] = &[
    "muenster-admission-py",
    "local-first-py",
    "conformance-py",
    "hostile-py",
];

/// The JavaScript plugins (`scripts/build-plugins-js.sh`).
pub const JS_PLUGINS: &[&str] = &[
    "muenster-admission-js",
    "rss-feed",
    "conformance-js",
    "hostile-js",
];

/// Like [`plugins_dir`], for the plugins `ids`.
pub fn plugins_with(ids: &[&str]) -> Option<PathBuf> {
    let dir = std::env::var_os("DIGIFARM_PLUGINS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/dist"));
    let required = std::env::var("DIGIFARM_REQUIRE_PLUGINS").is_ok_and(|v| v == "1");
    let complete = ids
        .iter()
        .all(|id| dir.join(id).join(format!("{id}.wasm")).is_file());
    if complete {
        return Some(dir);
    }
    if required {
        panic!(
            "DIGIFARM_REQUIRE_PLUGINS=1 but the built plugins ({}) are missing from {}",
            ids.join(", "),
            dir.display()
        );
    }
    eprintln!(
        "skipped: plugins ({}) not built in {} (run scripts/test-plugins.sh)",
        ids.join(", "),
        dir.display()
    );
    None
}

pub fn wasm(dir: &Path, id: &str) -> PathBuf {
    dir.join(id).join(format!("{id}.wasm"))
}

/// One host per test binary (as in production: one engine per process), with a compiled
/// cache so each wasm is compiled once per binary rather than once per test.
pub fn host() -> &'static Host {
    static HOST: std::sync::OnceLock<Host> = std::sync::OnceLock::new();
    HOST.get_or_init(|| {
        Host::new(HostOptions {
            cache_dir: Some(Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-cache")),
            ..HostOptions::default()
        })
        .expect("host")
    })
}

pub fn load(host: &Host, dir: &Path, id: &str, grants: &PluginGrants) -> Result<Plugin> {
    host.load(&wasm(dir, id), grants, &Policy::default())
}

pub fn city() -> CityConfig {
    toml::from_str(
        r#"
[city]
name = "Münster"
ags = "05515000"
languages = ["de", "en"]
website = "https://www.stadt-muenster.de"
"#,
    )
    .expect("city config")
}

pub fn project(json: serde_json::Value) -> Project {
    serde_json::from_value(json).expect("project fixture")
}

/// A copy of plugin `id` in a temp dir whose manifest `edit` may change (the sha256 stays
/// correct unless `edit` changes it).
pub fn copy_with_manifest(
    dir: &Path,
    id: &str,
    edit: impl FnOnce(String) -> String,
) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let target = tmp.path().join(format!("{id}.wasm"));
    std::fs::copy(wasm(dir, id), &target).expect("copy wasm");
    let manifest = std::fs::read_to_string(dir.join(id).join("plugin.toml")).expect("manifest");
    std::fs::write(tmp.path().join("plugin.toml"), edit(manifest)).expect("write manifest");
    (tmp, target)
}

/// Münster's example catalog, as `digifarm validate` loads it.
pub fn muenster() -> digifarm_core::catalog::Catalog {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/muenster");
    digifarm_core::catalog::load(&path, &digifarm_core::catalog::LoadOptions::default())
        .expect("loads")
        .catalog
}

/// Findings as sortable lines (project, code without the plugin's prefix, severity, pointer,
/// message, help), to compare two plugins' findings.
pub fn finding_lines(found: &[digifarm_plugin_host::Finding], prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = found
        .iter()
        .map(|f| {
            let d = &f.diagnostic;
            format!(
                "{} {} {:?} {} {} | {}",
                f.project,
                d.code.to_string().trim_start_matches(prefix),
                d.severity,
                d.pointer,
                d.message,
                d.help.as_deref().unwrap_or("")
            )
        })
        .collect();
    v.sort();
    v
}

/// Münster's projects plus two that trip every admission rule.
pub fn admission_projects() -> Vec<Project> {
    let mut projects = muenster().projects;
    projects.extend([
        project(serde_json::json!({
            "id": "bad", "name": "Bad", "summary": "nope", "status": "live",
            "lifecycle": "admitted", "license": "LicenseRef-Proprietary",
            "origin": {"city": "Berlin"},
        })),
        project(serde_json::json!({
            "id": "proposal", "name": "Proposal", "summary": "soon", "status": "idea",
            "lifecycle": "proposed", "license": "MIT",
            "links": {"source": "http://example.org/repo"},
            "needs": [{"kind": "technical", "supported_by": [{"partner": "citeq"}]}],
        })),
    ]);
    projects
}

/// A plugin `id` (`muenster-admission-py`, `-js`) finds exactly what the Rust
/// `muenster-admission` finds on [`admission_projects`], and every rule fires.
pub fn assert_admission_like_rust(dir: &Path, id: &str) {
    let host = host();
    let mut grants = PluginGrants::default();
    grants
        .config
        .insert("city_partners".into(), "stadt-muenster, citeq".into());
    let other = load(host, dir, id, &grants).expect("loads");
    let rust = load(host, dir, "muenster-admission", &grants).expect("loads");
    let projects = admission_projects();
    let by_other = other.validate(&city(), &projects).expect("validates");
    let by_rust = rust.validate(&city(), &projects).expect("validates");
    let lines = finding_lines(&by_other, &format!("{id}/"));
    assert_eq!(lines, finding_lines(&by_rust, "muenster-admission/"));
    assert!(lines.len() >= 4, "{lines:#?}");
    for code in ["city-link", "source-repository", "license-not-open"] {
        assert!(lines.iter().any(|l| l.contains(code)), "{code}: {lines:#?}");
    }
}

/// The project the hostile plugins get: with contacts, which must never reach them.
pub fn hostile_projects() -> Vec<Project> {
    vec![project(serde_json::json!({
        "id": "stadtbaum", "name": "Stadtbaum", "summary": "Bäume der Stadt", "status": "live",
        "lifecycle": "admitted", "license": "MIT",
        "contacts": [{"name": "Erika Mustermann", "email": "erika@example.org", "public": true}],
    }))]
}

/// A hostile plugin `id` in `mode`, with grants `edit` may change.
pub fn hostile_in(
    host: &Host,
    dir: &Path,
    id: &str,
    mode: &str,
    edit: impl FnOnce(&mut PluginGrants),
) -> Plugin {
    let mut grants = PluginGrants::default();
    grants.config.insert("mode".into(), mode.into());
    edit(&mut grants);
    load(host, dir, id, &grants).unwrap_or_else(|e| panic!("{id} loads: {e}"))
}

/// After a failure the host, and the same plugin, keep working.
pub fn hostile_still_works(host: &Host, dir: &Path, id: &str) {
    let ok = hostile_in(host, dir, id, "behave", |_| {});
    assert_eq!(
        ok.validate(&city(), &hostile_projects())
            .expect("a well-behaved call"),
        vec![]
    );
}
