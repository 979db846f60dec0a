//! Solves a dense assignment problem from a file with digifarm's exact solver, for the
//! side-by-side comparison with scipy in `bench/compare_matching.py`, which builds and runs it:
//!
//! ```text
//! cargo run --release -p digifarm-tools --bin assign_matrix -- <matrix.bin> [repeats]
//! ```
//!
//! Input: `u64` n (little endian), then n·n `f64` scores row by row (little endian). Every row
//! gets every column (capacity 1); scores are maximised. Prints one JSON line with the solve
//! time (file reading excluded) and the total score.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

use digifarm_core::matching::assign::{Problem, solve};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: assign_matrix <matrix.bin> [repeats]");
        std::process::exit(2);
    };
    let repeats: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let word = |i: usize| -> [u8; 8] {
        let mut w = [0u8; 8];
        if let Some(s) = bytes.get(i * 8..i * 8 + 8) {
            w.copy_from_slice(s);
        }
        w
    };
    let n = u64::from_le_bytes(word(0)) as usize;
    if bytes.len() != 8 + n * n * 8 {
        eprintln!("{path}: expected {} bytes for n = {n}", 8 + n * n * 8);
        std::process::exit(2);
    }
    let t_build = Instant::now();
    let problem = Problem {
        capacities: vec![1; n],
        rows: (0..n)
            .map(|r| {
                (0..n)
                    .map(|c| (c as u32, f64::from_le_bytes(word(1 + r * n + c))))
                    .collect()
            })
            .collect(),
    };
    let build_s = t_build.elapsed().as_secs_f64();
    let mut best = f64::INFINITY;
    let mut total = 0.0;
    for _ in 0..repeats.max(1) {
        let t = Instant::now();
        let s = solve(&problem);
        best = best.min(t.elapsed().as_secs_f64());
        total = s.total_score;
    }
    println!(
        "{{\"n\": {n}, \"solve_s\": {best:.6}, \"build_s\": {build_s:.6}, \"total\": {total:.9}}}"
    );
}
