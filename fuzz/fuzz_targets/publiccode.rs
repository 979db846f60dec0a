//! publiccode.yml: the full check and the importer on any bytes. Never a panic; a file the
//! check accepts without errors imports without errors.
#![no_main]

use digifarm_core::import::publiccode as import;
use digifarm_core::publiccode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let checked = publiccode::check(bytes, "publiccode.yml", &publiccode::Options::default());
    let imported = import::import(bytes, "publiccode.yml", &import::Options::default());
    let check_errors = checked.diagnostics.iter().any(|d| d.is_error());
    let import_errors = imported.diagnostics.iter().any(|d| d.is_error());
    if !check_errors {
        assert!(
            !import_errors,
            "checked clean but the import failed: {:?}",
            imported.diagnostics
        );
    }
});
