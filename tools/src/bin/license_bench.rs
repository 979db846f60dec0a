//! Times licence checking on a file of expressions (one per line) and prints ns/expression,
//! for `bench/compare_license.py`.
//!
//! ```text
//! cargo run --release -p digifarm-tools --bin license_bench -- --write exprs.txt 1000000
//! cargo run --release -p digifarm-tools --bin license_bench -- exprs.txt
//! ```
//!
//! Prints one JSON object: `{"n", "distinct", "uncached_ns", "cached_ns", "parse_ns",
//! "allowed"}`. Timing: best of 5 passes over the whole file (wall clock, one thread).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::time::Instant;

use digifarm_core::license::{self, Checker, Policy};
use digifarm_core::model::LicensePolicyKind;

// The same mix as the criterion bench (`cargo bench -p digifarm-core --bench license`): one
// definition, so that both measure the same thing.
#[path = "../../../digifarm-core/benches/common/license_mix.rs"]
mod mix;

fn best_of<F: FnMut() -> usize>(passes: usize, n: usize, mut f: F) -> (f64, usize) {
    let mut best = f64::INFINITY;
    let mut result = 0;
    for _ in 0..passes {
        let start = Instant::now();
        result = std::hint::black_box(f());
        let ns = start.elapsed().as_nanos() as f64 / n.max(1) as f64;
        best = best.min(ns);
    }
    (best, result)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--write") {
        let (Some(path), n) = (
            args.get(1),
            args.get(2)
                .and_then(|n| n.parse().ok())
                .unwrap_or(1_000_000),
        ) else {
            eprintln!("usage: license_bench --write FILE [N]");
            return ExitCode::from(2);
        };
        let mut text = mix::expressions(n, 42).join("\n");
        text.push('\n');
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("cannot write {path}: {e}");
            return ExitCode::from(2);
        }
        return ExitCode::SUCCESS;
    }
    let Some(path) = args.first() else {
        eprintln!("usage: license_bench FILE | --write FILE [N]");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let exprs: Vec<&str> = text.lines().collect();
    let n = exprs.len();
    let policy = Policy::new(LicensePolicyKind::OsiOrFsf);
    let (uncached, allowed) = best_of(5, n, || {
        exprs
            .iter()
            .filter(|e| license::check(e, &policy).allowed)
            .count()
    });
    let (cached, allowed_cached) = best_of(5, n, || {
        let mut checker = Checker::new(policy.clone());
        exprs.iter().filter(|e| checker.is_allowed(e)).count()
    });
    let (parse, _) = best_of(5, n, || {
        exprs.iter().filter(|e| license::parse(e).is_ok()).count()
    });
    let mut distinct: Vec<&str> = exprs.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if allowed != allowed_cached {
        eprintln!("cached and uncached verdicts differ: {allowed} vs {allowed_cached}");
        return ExitCode::from(1);
    }
    println!(
        "{{\"n\": {n}, \"distinct\": {}, \"uncached_ns\": {uncached:.1}, \"cached_ns\": {cached:.1}, \"parse_ns\": {parse:.1}, \"allowed\": {allowed}}}",
        distinct.len()
    );
    ExitCode::SUCCESS
}
