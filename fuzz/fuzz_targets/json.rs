//! The JSON parser and its position pass: any bytes give a value or a parse error with a
//! position, never a panic; a value it accepts is one serde_json accepts too (after the
//! strict checks: no duplicate keys, no non-finite numbers), and every position lies
//! inside the text.
#![no_main]

use digifarm_core::source::{self, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = source::decode(bytes) else {
        return;
    };
    let parsed = source::json::parse(text);
    let positions = source::positions(text, Format::Json);
    match parsed {
        Ok(value) => {
            let plain: serde_json::Value =
                serde_json::from_str(text).expect("accepted JSON that serde_json refuses");
            assert_eq!(value, plain, "the strict parse changed the value");
        }
        Err(e) => {
            let _ = e.to_diagnostic("fuzz.json");
        }
    }
    // Lines as YAML and editors count them: a line break is LF, CR LF or a lone CR.
    let lines =
        text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count() + 1;
    for pos in positions.values() {
        assert!(pos.line as usize <= lines, "position {pos:?} past the end");
    }
});
