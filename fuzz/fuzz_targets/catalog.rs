//! One project record file (YAML, JSON or JSON Lines, chosen by the first byte) in a
//! catalog with Münster's `digifarm.toml`, through the loader and every validation rule.
//! Never a panic; and whatever validates without an error also passes the published JSON
//! Schema (`digifarm schema project`), record by record as the loader read it.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use digifarm_core::catalog::{self, LoadOptions};
use digifarm_core::schema::{self, SchemaKind};
use libfuzzer_sys::fuzz_target;

const CONFIG: &str = include_str!("../../examples/muenster/digifarm.toml");

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("digifarm-fuzz-catalog-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("projects")).expect("temporary directory");
        std::fs::write(dir.join("digifarm.toml"), CONFIG).expect("config");
        dir
    })
}

fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        jsonschema::validator_for(&schema::json_schema(SchemaKind::Project))
            .expect("the project schema compiles")
    })
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&selector, body)) = bytes.split_first() else {
        return;
    };
    let extension = ["yaml", "json", "jsonl"][usize::from(selector % 3)];
    let dir = dir();
    for other in ["yaml", "json", "jsonl"] {
        let _ = std::fs::remove_file(dir.join("projects").join(format!("p.{other}")));
    }
    if std::fs::write(dir.join("projects").join(format!("p.{extension}")), body).is_err() {
        return;
    }
    let Ok(loaded) = catalog::load(dir, &LoadOptions::default()) else {
        return;
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(digifarm_core::validate::validate(&loaded.catalog, today));
    if diagnostics.iter().any(|d| d.is_error()) {
        return;
    }
    for project in &loaded.catalog.projects {
        let value = serde_json::to_value(project).expect("a project serialises");
        let errors: Vec<String> = validator()
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "validated clean but fails the JSON Schema: {errors:?}\n{value:#}"
        );
    }
});
