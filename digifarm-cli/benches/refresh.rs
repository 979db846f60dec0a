//! `digifarm refresh` of 1,000 projects against the local forge server (the same one the
//! tests use: the four forges' documented shapes, paginated lists, ETags): wall time,
//! requests and full answers of a first run, of a second run with the ETag cache, and of a
//! run without it. Not a timed test: it prints figures, with the machine's load.
//!
//! `cargo bench -p digifarm-cli --bench refresh` (release build of the real binary).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

#[path = "../tests/support/forge_server.rs"]
mod forge_server;

use std::process::Command;
use std::time::Instant;

use serde_json::Value;

const PROJECTS: usize = 1000;

fn main() {
    let server = forge_server::start(forge_server::forges);
    let b = server.base.clone();
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("cat");
    std::fs::create_dir_all(cat.join("projects")).unwrap();
    std::fs::write(
        cat.join("digifarm.toml"),
        "[city]\nname = \"Münster\"\nags = \"05515000\"\n",
    )
    .unwrap();
    for i in 0..PROJECTS {
        // 40 % GitHub, 30 % GitLab, 20 % Forgejo/Gitea, 10 % Bitbucket.
        let source = match i % 10 {
            0..=3 => format!("https://github.com/o/p{i}"),
            4..=6 => format!("https://gitlab.com/g/p{i}"),
            7 | 8 => format!("https://codeberg.org/o/p{i}"),
            _ => format!("https://bitbucket.org/w/p{i}"),
        };
        std::fs::write(
            cat.join(format!("projects/p{i}.yaml")),
            format!("id: p{i}\nname: P {i}\nsummary: Ein Projekt\nstatus: live\nlifecycle: admitted\nlicense: MIT\nlinks:\n  source: {source}\n  homepage: {b}/home/200\n"),
        )
        .unwrap();
    }
    let run = |extra: &[&str]| -> (f64, Value) {
        let mut args = vec![
            "refresh".to_owned(),
            cat.display().to_string(),
            "--allow-private".into(),
            "--format".into(),
            "json".into(),
            "--today".into(),
            forge_server::TODAY.into(),
        ];
        for (host, path) in [
            ("github.com", "github"),
            ("gitlab.com", "gitlab"),
            ("codeberg.org", "gitea"),
            ("bitbucket.org", "bitbucket"),
        ] {
            args.push("--api-base".into());
            args.push(format!("{host}={b}/{path}"));
        }
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        let start = Instant::now();
        let o = Command::new(env!("CARGO_BIN_EXE_digifarm"))
            .args(&args)
            .output()
            .unwrap();
        let secs = start.elapsed().as_secs_f64();
        let v: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
        assert_eq!(o.status.code(), Some(0), "{v}");
        (secs, v)
    };
    let load = || {
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    let show = |what: &str, (secs, v): &(f64, Value), before: &str| {
        println!(
            "{what:<28} {secs:>6.2} s  {:>6} requests  {:>6} full answers  {:>6} not modified  (load before: {before})",
            v["requests"], v["full_responses"], v["not_modified"]
        );
    };
    println!("refresh of {PROJECTS} projects against 127.0.0.1, concurrency 4 (default)");
    let l = load();
    let first = run(&[]);
    show("first run (empty cache)", &first, &l);
    let l = load();
    let second = run(&[]);
    show("second run (ETag cache)", &second, &l);
    let l = load();
    let nocache = run(&["--no-cache"]);
    show("third run (--no-cache)", &nocache, &l);
    let f1 = first.1["full_responses"].as_f64().unwrap();
    let f2 = second.1["full_responses"].as_f64().unwrap();
    println!(
        "second run: {:.1} % of the first run's full answers (target ≤ 10 %), {:.2}× its wall time",
        100.0 * f2 / f1,
        second.0 / first.0
    );
}
