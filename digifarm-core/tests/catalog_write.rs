//! The catalog writer never writes outside the directory it is given, whoever calls it: ids
//! that are not plain slugs are refused before they become paths, relative paths that climb
//! out are refused, and so are symbolic links on the way that lead out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use digifarm_core::catalog::write::{self, WriteError};
use digifarm_core::model::{Project, RecordKind};

/// Every file and directory below `dir`, relative to it, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            out.push(path.strip_prefix(dir).unwrap().display().to_string());
            if path.is_dir() && !path.is_symlink() {
                stack.push(path);
            }
        }
    }
    out.sort();
    out
}

fn project(id: &str) -> Project {
    serde_json::from_value(serde_json::json!({
        "id": id, "name": "X", "summary": "s", "status": "live",
        "lifecycle": "proposed", "license": "MIT"
    }))
    .unwrap()
}

const HOSTILE_IDS: &[&str] = &[
    "../../x",
    "../x",
    "..",
    ".",
    "",
    "/tmp/x",
    "ms/x",
    "ms/../../x",
    "a/b",
    "ｐｒｏｊｅｃｔ",
    "X",
    "a\u{0}b",
    "a\nb",
    "-a",
    "a--b",
    "a.yaml",
    "C:x",
    "a\\..\\..\\x",
];

#[test]
fn record_path_refuses_every_id_that_is_not_a_slug() {
    for id in HOSTILE_IDS {
        for kind in RecordKind::ALL {
            match write::record_path(kind, id) {
                Err(WriteError::InvalidFileName { kind: k, id: i }) => {
                    assert_eq!((k, i.as_str()), (kind, *id));
                }
                other => panic!("`{id}` as a {kind}: {other:?}"),
            }
        }
    }
    let long = "a".repeat(81);
    assert!(write::record_path(RecordKind::Project, &long).is_err());
    assert_eq!(
        write::record_path(RecordKind::Partner, "citeq").unwrap(),
        PathBuf::from("partners/citeq.yaml")
    );
    assert_eq!(
        write::record_path(RecordKind::Project, &"a".repeat(80)).unwrap(),
        PathBuf::from(format!("projects/{}.yaml", "a".repeat(80)))
    );
}

/// The catalog lock a writing command holds.
fn lock(root: &Path) -> write::CatalogLock {
    write::CatalogLock::acquire(root).unwrap()
}

#[test]
fn create_project_refuses_a_traversing_id_and_writes_nothing() {
    let sandbox = tempfile::tempdir().unwrap();
    let root = sandbox.path().join("a").join("catalog");
    std::fs::create_dir_all(&root).unwrap();
    for id in HOSTILE_IDS {
        let err = write::create_project(&lock(&root), &project(id)).expect_err(id);
        assert!(
            matches!(
                err,
                WriteError::InvalidFileName {
                    kind: RecordKind::Project,
                    ..
                }
            ),
            "{id}: {err:?}"
        );
        assert!(err.to_string().contains("cannot be a file name"), "{err}");
    }
    assert_eq!(tree(sandbox.path()), ["a", "a/catalog"]);
    let path = write::create_project(&lock(&root), &project("stadtbaum")).unwrap();
    assert_eq!(path, root.join("projects/stadtbaum.yaml"));
}

#[test]
fn contained_path_refuses_paths_that_climb_out() {
    let sandbox = tempfile::tempdir().unwrap();
    let root = sandbox.path().join("catalog");
    for relative in [
        "../x.yaml",
        "projects/../../x.yaml",
        "projects/../x.yaml",
        "./x.yaml",
        "",
        "/tmp/x.yaml",
    ] {
        let err = write::write_within(&root, Path::new(relative), b"x", true).expect_err(relative);
        match err {
            WriteError::OutsideDirectory { path, dir } => {
                assert_eq!(path, PathBuf::from(relative));
                assert_eq!(dir, root);
            }
            other => panic!("{relative}: {other:?}"),
        }
    }
    assert!(!sandbox.path().join("x.yaml").exists());
    assert!(!Path::new("/tmp/x.yaml").exists() || std::fs::read("/tmp/x.yaml").unwrap() != b"x");
    let written =
        write::write_within(&root, Path::new("projects/a.yaml"), b"a: 1\n", false).unwrap();
    assert_eq!(written, root.join("projects/a.yaml"));
    assert_eq!(std::fs::read_to_string(&written).unwrap(), "a: 1\n");
    // Without `replace` an existing file stays.
    assert!(matches!(
        write::write_within(&root, Path::new("projects/a.yaml"), b"b", false),
        Err(WriteError::Exists { .. })
    ));
}

#[cfg(unix)]
#[test]
fn a_symlinked_directory_leading_out_is_refused() {
    let sandbox = tempfile::tempdir().unwrap();
    let root = sandbox.path().join("catalog");
    let elsewhere = sandbox.path().join("elsewhere");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, root.join("projects")).unwrap();
    let err = write::create_project(&lock(&root), &project("stadtbaum")).expect_err("symlink");
    assert!(
        matches!(err, WriteError::OutsideDirectory { .. }),
        "{err:?}"
    );
    assert_eq!(tree(&elsewhere), Vec::<String>::new());
    // A link that stays inside the catalog is followed.
    std::fs::remove_file(root.join("projects")).unwrap();
    std::fs::create_dir_all(root.join("real")).unwrap();
    std::os::unix::fs::symlink(root.join("real"), root.join("projects")).unwrap();
    write::create_project(&lock(&root), &project("stadtbaum")).unwrap();
    assert!(root.join("real/stadtbaum.yaml").is_file());
}
