//! The YAML parser (strict: tags honoured or refused, YAML 1.2 printable characters) and
//! its position pass: any bytes give a value or a parse error with a position, never a
//! panic; every pointer the position pass returns lies inside the text.
#![no_main]

use digifarm_core::source::{self, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = source::decode(bytes) else {
        return;
    };
    let parsed = source::yaml::parse(text);
    let positions = source::positions(text, Format::Yaml);
    if let Err(e) = parsed {
        let _ = e.to_diagnostic("fuzz.yaml");
    }
    // Lines as YAML and editors count them: a line break is LF, CR LF or a lone CR.
    let lines =
        text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count() + 1;
    for pos in positions.values() {
        assert!(pos.line as usize <= lines, "position {pos:?} past the end");
    }
});
