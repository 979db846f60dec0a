//! The CSV importers (digifarm's own CSV and the generic reader behind it) and the
//! civic.json importer, on any bytes: records or diagnostics, never a panic.
#![no_main]

use digifarm_core::import;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = import::digifarm_csv::import(bytes, "projects.csv");
    let _ = import::civic_json::import(bytes, "civic.json");
    if let Ok(text) = std::str::from_utf8(bytes) {
        let mut diagnostics = Vec::new();
        let _ = digifarm_core::source::csv::read(text, "projects.csv", &mut diagnostics);
    }
});
