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
    let dir = std::env::var_os("DIGIFARM_PLUGINS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/dist"));
    let required = std::env::var("DIGIFARM_REQUIRE_PLUGINS").is_ok_and(|v| v == "1");
    let complete = [
        "muenster-admission",
        "local-first",
        "atom-feed",
        "civic-json",
        "hostile",
        "hostile-importer",
        "hostile-scorer",
        "hostile-exporter",
    ]
    .iter()
    .all(|id| dir.join(id).join(format!("{id}.wasm")).is_file());
    if complete {
        return Some(dir);
    }
    if required {
        panic!(
            "DIGIFARM_REQUIRE_PLUGINS=1 but the built plugins are missing from {}",
            dir.display()
        );
    }
    eprintln!(
        "skipped: plugins not built in {} (run scripts/test-plugins.sh)",
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
