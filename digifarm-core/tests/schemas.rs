//! The committed JSON Schemas are generated from the model; this test fails when they are
//! stale. Run with `DIGIFARM_BLESS=1` to rewrite them.
#![allow(clippy::panic)]

use digifarm_core::schema::{SchemaKind, json_schema_text};

#[test]
fn committed_schemas_are_up_to_date() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let bless = std::env::var_os("DIGIFARM_BLESS").is_some();
    let mut stale = Vec::new();
    for kind in SchemaKind::ALL {
        let path = dir.join(kind.file_name());
        let expected = json_schema_text(kind);
        if bless {
            std::fs::write(&path, &expected)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != expected {
            stale.push(kind.file_name());
        }
    }
    assert!(
        stale.is_empty(),
        "stale schemas {stale:?}: run `DIGIFARM_BLESS=1 cargo test -p digifarm-core --test schemas` and commit"
    );
}
