//! Licence expressions: the SPDX parser and the normaliser of free-form licence names.
//! Never a panic; a parsed expression's canonical form parses again to the same canonical
//! form (the canonical form is a fixed point).
#![no_main]

use digifarm_core::license;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Ok(parsed) = license::parse(text) {
        let canonical = parsed.canonical();
        let again = license::parse(&canonical).expect("the canonical form does not parse");
        assert_eq!(
            again.canonical(),
            canonical,
            "the canonical form is not stable"
        );
    }
    let normalized = license::normalize(text);
    for candidate in &normalized.candidates {
        let _ = license::parse(&candidate.expression);
    }
});
