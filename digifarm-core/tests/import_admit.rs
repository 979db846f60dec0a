//! Admission of incoming records into a catalog on disk: a record replaces its namesake in
//! the file it would be written to, and collides with one anywhere else.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use digifarm_core::catalog::{self, LoadOptions};
use digifarm_core::import::admit::{Incoming, admit};
use serde_json::json;

fn project(id: &str) -> serde_json::Value {
    json!({"id": id, "name": "P", "summary": "s", "status": "live",
           "lifecycle": "proposed", "license": "MIT"})
}

#[test]
fn replaced_files_and_collisions_in_a_catalog_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("projects")).unwrap();
    std::fs::write(
        root.join("projects/alt.yaml"),
        "id: alt\nname: Alt\nsummary: s\nstatus: live\nlifecycle: proposed\nlicense: MIT\n",
    )
    .unwrap();
    std::fs::write(
        root.join("projects.jsonl"),
        format!("{}\n", project("gesammelt")),
    )
    .unwrap();
    let loaded = catalog::load(root, &LoadOptions::default()).unwrap();
    assert_eq!(loaded.catalog.projects.len(), 2);
    let incoming = Incoming {
        projects: vec![project("alt"), project("gesammelt"), project("neu")],
        ..Incoming::default()
    };
    let admitted = admit(incoming, &loaded.catalog, digifarm_core::validate::today());
    let ids: Vec<&str> = admitted.projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["alt", "neu"]);
    assert_eq!(admitted.diagnostics.len(), 1, "{:?}", admitted.diagnostics);
    let d = &admitted.diagnostics[0];
    assert_eq!(
        (d.code.as_ref(), d.pointer.as_str()),
        ("duplicate-id", "/projects/1/id")
    );
    assert!(
        d.message.contains("projects.jsonl:1"),
        "the message names where the id is used: {}",
        d.message
    );
}
