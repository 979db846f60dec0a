//! `digifarm.toml` through the catalog loader: the TOML parser, the position pass and the
//! config checks (schema, languages, colours, URLs, policy), then validation of the (empty)
//! catalog, on any bytes: diagnostics, never a panic.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use digifarm_core::catalog::{self, LoadOptions};
use libfuzzer_sys::fuzz_target;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("digifarm-fuzz-toml-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("projects")).expect("temporary directory");
        dir
    })
}

fuzz_target!(|bytes: &[u8]| {
    let dir = dir();
    if std::fs::write(dir.join("digifarm.toml"), bytes).is_err() {
        return;
    }
    let Ok(loaded) = catalog::load(dir, &LoadOptions::default()) else {
        return;
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
    let _ = digifarm_core::validate::validate(&loaded.catalog, today);
});
