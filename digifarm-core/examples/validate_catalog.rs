//! Embedding digifarm: validate a catalog, print its findings and the needs that want help.
//!
//! `cargo run -p digifarm-core --example validate_catalog -- examples/muenster`
#![allow(clippy::print_stdout)]

use std::error::Error;
use std::path::PathBuf;

use digifarm_core::catalog::LoadOptions;
use digifarm_core::validate::{today, validate_path};

fn main() -> Result<(), Box<dyn Error>> {
    let path = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "examples/muenster".into()),
    );
    // README: begin
    let (catalog, report) = validate_path(&path, &LoadOptions::default(), today())?;
    for d in &report.diagnostics {
        let at = format!("{}:{}:{}", d.file, d.line, d.column);
        println!("{at} {} {}", d.code, d.message);
    }
    for project in &catalog.projects {
        for need in project.needs.iter().filter(|n| n.wants_help()) {
            println!("help wanted: {} needs {} support", project.name, need.kind);
        }
    }
    // README: end
    if !report.valid {
        return Err("the catalog has errors".into());
    }
    Ok(())
}
