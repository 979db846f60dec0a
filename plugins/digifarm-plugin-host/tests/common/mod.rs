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
    "civic-json-py",
];

/// The JavaScript plugins (`scripts/build-plugins-js.sh`).
pub const JS_PLUGINS: &[&str] = &[
    "muenster-admission-js",
    "rss-feed",
    "conformance-js",
    "hostile-js",
    "local-first-js",
    "civic-json-js",
    "muenster-admission-sm",
    "conformance-sm",
    "hostile-sm",
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

/// Münster's projects, two that trip every admission rule, and place names that test how the
/// rules compare them (trimmed of Unicode white space as Rust's `str::trim` defines it,
/// lower-cased, "muenster" spelt "münster"; a byte-order mark is not white space).
pub fn admission_projects() -> Vec<Project> {
    let mut projects = muenster().projects;
    let places = [
        "  MUENSTER ",
        "münster",
        "",
        "   ",
        "\u{feff}Münster",
        "Münster\u{85}",
        "\u{a0}Münster\u{3000}",
        "\u{1c}Münster",
        "Münsterland",
    ];
    for (i, place) in places.into_iter().enumerate() {
        projects.push(project(serde_json::json!({
            "id": format!("place-{i}"), "name": "Place", "summary": "where", "status": "live",
            "lifecycle": "admitted", "license": "MIT",
            "links": {"source": "https://example.org/repo"},
            "origin": {"city": place},
        })));
        projects.push(project(serde_json::json!({
            "id": format!("deployed-{i}"), "name": "Deployed", "summary": "where", "status": "live",
            "lifecycle": "sustained", "license": "MIT",
            "links": {"source": "https://example.org/repo"},
            "deployment": {"mode": "per-city", "cities": ["Köln", place]},
        })));
    }
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

/// A scorer `id` (`local-first-py`, `-js`) gives the Rust `local-first`'s score, terms and
/// explanations included, on every (need, offer) pair of Münster's catalog.
pub fn assert_scores_like_rust(dir: &Path, id: &str) {
    use digifarm_plugin_host::Candidate;
    let host = host();
    let grants = PluginGrants::default();
    let other = load(host, dir, id, &grants).expect("loads");
    let rust = load(host, dir, "local-first", &grants).expect("loads");
    let catalog = muenster();
    let mut candidates = Vec::new();
    for p in &catalog.projects {
        for (need_index, _) in p.needs.iter().enumerate() {
            for offer in &catalog.offers {
                let partner = catalog
                    .partners
                    .iter()
                    .find(|pa| pa.id == offer.partner)
                    .expect("partner");
                candidates.push(Candidate {
                    project: p,
                    need_index,
                    offer,
                    partner,
                });
            }
        }
    }
    assert!(candidates.len() > 20);
    let by_other = other.score(&catalog.config, &candidates).expect("scores");
    let by_rust = rust.score(&catalog.config, &candidates).expect("scores");
    assert_eq!(by_other.len(), candidates.len());
    assert_eq!(by_other, by_rust);
    let values: std::collections::BTreeSet<u64> =
        by_other.iter().map(|s| s.value.to_bits()).collect();
    assert!(values.len() >= 2, "every score the same: {values:?}");
}

/// civic.json inputs for the importers: both variants, every fallback, and bad entries.
fn civic_json_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let json = |v: serde_json::Value| v.to_string().into_bytes();
    vec![
        (
            "application/json",
            json(serde_json::json!([
                {
                    "name": "Heat Seek", "description": "Sensors for tenants without heat",
                    "status": "Beta", "bornAt": "2014", "geography": "New York", "type": "Web App",
                    "needs": [{"need": "Developers"}, {"need": "Funding"}, {"need": "Writers"}],
                    "categories": [{"category": "Housing"}], "moreInfo": "https://heatseek.org",
                    "license": "MIT", "contact": {"name": "Jane Doe", "email": "jane@example.org"}
                },
                {
                    "status": "Production", "description": "DC's open data portal",
                    "repository": "https://github.com/DCgov/open-data/",
                    "tags": ["open data", "ckan"], "geography": "Washington, DC",
                    "contact": {"name": "John Roe", "email": "john@dc.gov"}
                },
                "not an object"
            ])),
        ),
        (
            "application/vnd.civic+json",
            json(serde_json::json!({
                "name": "  Gießkanne Münster: Öko-Daten für Straßenbäume!  ",
                "status": "Schrödinger", "license": " EUPL-1.2 ", "homepage": "",
                "moreInfo": "https://example.org/mehr",
                "tags": [{"tag": "GIS"}, 3, "Python", {"name": "no tag"}],
                "categories": ["Umwelt", {"category": "Daten"}, {"category": 7}],
                "needs": ["Funding for sensors", {"need": "Translation into Turkish"},
                          {"need": 5}, "Data entry", "DevOps"],
                "type": "   "
            })),
        ),
        (
            "application/json; charset=utf-8",
            json(serde_json::json!([
                {"repositoryUrl": "https://github.com/codeformuenster/parkleitsystem-api//",
                 "status": "archived", "license": "MIT"},
                {"title": "Nur ein Titel", "status": "on hold", "license": "GPL-3.0-or-later",
                 "code": "https://gitlab.com/x/y"},
                {},
                {"name": 42, "repository": 7},
                [1, 2],
                {"name": "Idee", "status": "IDEA", "license": "MIT"}
            ])),
        ),
    ]
}

/// An importer `id` (`civic-json-py`, `-js`) returns what the Rust `civic-json` returns on
/// every input of [`civic_json_inputs`] (projects, its findings, the host's checks), and
/// refuses what it refuses with the same reason.
pub fn assert_civic_json_like_rust(dir: &Path, id: &str) {
    let host = host();
    let grants = PluginGrants::default();
    let other = load(host, dir, id, &grants).expect("loads");
    let rust = load(host, dir, "civic-json", &grants).expect("loads");
    let findings = |d: &[digifarm_core::Diagnostic], prefix: &str| -> Vec<String> {
        d.iter()
            .map(|d| {
                format!(
                    "{} {:?} {} {} {} {:?}",
                    d.code.strip_prefix(prefix).unwrap_or(&d.code),
                    d.severity,
                    d.file,
                    d.pointer,
                    d.message,
                    d.help
                )
            })
            .collect()
    };
    let mut projects = 0;
    for (media_type, bytes) in civic_json_inputs() {
        let a = other.import(&city(), media_type, &bytes).expect("imports");
        let b = rust.import(&city(), media_type, &bytes).expect("imports");
        assert_eq!(
            serde_json::to_value(&a.projects).expect("json"),
            serde_json::to_value(&b.projects).expect("json"),
            "{media_type}"
        );
        assert!(a.partners.is_empty() && a.offers.is_empty());
        assert_eq!(
            findings(&a.diagnostics, &format!("{id}/")),
            findings(&b.diagnostics, "civic-json/")
        );
        assert_eq!(findings(&a.checks, ""), findings(&b.checks, ""));
        projects += a.projects.len();
    }
    assert!(projects >= 5, "{projects} projects imported");
    // Refusals: the Rust plugin's reason, in the other's error.
    for (media_type, bytes, reason) in [
        ("application/json", b"{nope".to_vec(), "not JSON"),
        ("application/json", b"[\"\xff\"]".to_vec(), "not JSON"),
        (
            "application/json",
            b"42".to_vec(),
            "a civic.json is a JSON object",
        ),
        (
            "text/csv",
            b"[]".to_vec(),
            "civic-json reads application/json, not `text/csv`",
        ),
    ] {
        let ours = other
            .import(&city(), media_type, &bytes)
            .expect_err("refused");
        let theirs = rust
            .import(&city(), media_type, &bytes)
            .expect_err("refused");
        assert!(theirs.to_string().contains(reason), "{theirs}");
        assert!(
            ours.to_string()
                .starts_with(&format!("plugin `{id}`: the plugin reported an error: "))
                && ours.to_string().contains(reason),
            "{ours}"
        );
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
