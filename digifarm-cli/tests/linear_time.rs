//! A stranger's catalog must not pin a CI job: findings cost time linear in the input,
//! however many there are. Not a benchmark (that is `cargo bench -p digifarm-core --bench
//! validate`, group `validate_errors`): a guard with a deadline far above the linear cost
//! and far below the quadratic one (resolving each finding's position by walking its file
//! from the start took minutes here).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Runs `digifarm validate` on `path` and returns its exit code, or fails after `deadline`.
fn validate_within(path: &Path, format: &str, deadline: Duration) -> (i32, Vec<u8>) {
    let mut child = run::digifarm()
        .args(["validate", "--today", "2026-11-26", "--format", format])
        .arg(path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Drain stdout while waiting, so a full pipe cannot stall the child.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).unwrap();
        buf
    });
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > deadline {
            child.kill().unwrap();
            let _ = child.wait();
            panic!(
                "validate --format {format} took more than {} s: not linear in the number of findings",
                deadline.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let code = child.wait().unwrap().code().unwrap();
    (code, reader.join().unwrap())
}

#[test]
fn twenty_thousand_erroring_json_lines_records_validate_in_linear_time() {
    const N: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("projects.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..N {
        writeln!(
            f,
            r#"{{"id":"p{i}","name":"P {i}","summary":"x","status":"living","lifecycle":"admitted","license":"MIT"}}"#
        )
        .unwrap();
    }
    drop(f);
    // Linear: a few seconds for an unoptimised build on a loaded machine; quadratic: minutes.
    let deadline = Duration::from_secs(60);
    for format in ["human", "json", "sarif"] {
        let (code, out) = validate_within(&path, format, deadline);
        assert_eq!(code, 1);
        let text = String::from_utf8(out).unwrap();
        // Every finding is there, on its own line of the file.
        let last = format!("projects.jsonl:{N}:");
        let found = match format {
            "human" => text.contains(&last),
            _ => {
                text.contains(&format!("\"line\":{N}"))
                    || text.contains(&format!("\"startLine\":{N}"))
            }
        };
        assert!(found, "{format}: no finding on line {N}");
    }
}
