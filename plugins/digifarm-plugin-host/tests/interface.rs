//! Released plugin interfaces are frozen: each lives in `plugins/wit/since_vX.Y.Z/`, this
//! table pins its bytes, and the host's own bindings are generated from the folder of the
//! version it serves. Editing a released file fails here; an interface change gets a new
//! folder, package version and table row, and the old folder stays for the plugins built
//! against it.

use std::path::Path;

use digifarm_plugin_host::API_VERSION;
use sha2::{Digest, Sha256};

/// Every released interface and the sha256 of its `plugin.wit`.
const RELEASED: &[(&str, &str)] = &[(
    "0.1.0",
    "bae08925de3ac21ba2252d1e967fd1d9104d5f55c353b1e153076981bdfc1091",
)];

fn wit_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit")
}

#[test]
fn released_interfaces_are_frozen() {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(wit_dir()).map_err(|e| e.to_string());
    for entry in entries.into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(version) = name.strip_prefix("since_v") else {
            panic!("plugins/wit/{name}: only since_vX.Y.Z folders belong here");
        };
        let bytes = std::fs::read(entry.path().join("plugin.wit")).unwrap_or_default();
        let sha = format!("{:x}", Sha256::digest(&bytes));
        let pinned = RELEASED.iter().find(|(v, _)| *v == version);
        assert_eq!(
            pinned.map(|(_, s)| *s),
            Some(sha.as_str()),
            "plugins/wit/{name}/plugin.wit differs from the released {version}; a released \
             interface is frozen (add a new since_v folder instead)"
        );
        let package = format!("package digifarm:plugin@{version};");
        assert!(
            String::from_utf8_lossy(&bytes).contains(&package),
            "plugins/wit/{name}/plugin.wit does not declare {package}"
        );
        found.push(version.to_owned());
    }
    for (version, _) in RELEASED {
        assert!(
            found.iter().any(|f| f == version),
            "released interface {version} is missing from plugins/wit/"
        );
    }
    assert!(
        found.iter().any(|f| f == API_VERSION),
        "the host serves {API_VERSION} but plugins/wit/since_v{API_VERSION} is missing"
    );
}
