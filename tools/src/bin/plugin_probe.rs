//! Per-record time of validator plugins, each loaded once in this process:
//!
//! ```text
//! cargo run --release -p digifarm-tools --bin plugin_probe -- PROJECTS PLUGIN.wasm…
//! ```
//!
//! Validates a synthetic catalog of `PROJECTS` projects (`digifarm_core::synth`, seed 7;
//! Münster's city config, `city_partners = p0001,p0002`) with each plugin the way
//! `digifarm validate` calls it (batches of 1,000, a fresh instance each), seven times after
//! one warm-up call, and prints the best call's time per record and the findings. Plugins'
//! compiled code is cached in `target/plugin-probe-cache`. Quicker than the criterion bench
//! (`scripts/bench-plugins.sh`) and easier to run on variants of a plugin side by side:
//! plugins named twice are measured twice, in the order given, so that a slower stretch of a
//! shared machine shows up as a pair that disagrees.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use digifarm_core::license::Policy;
use digifarm_core::model::PluginGrants;
use digifarm_plugin_host::{Host, HostOptions};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(n) = args.next().and_then(|s| s.parse::<usize>().ok()) else {
        eprintln!("usage: plugin_probe PROJECTS PLUGIN.wasm…");
        return ExitCode::from(2);
    };
    let cat = digifarm_core::synth::catalog(7, n, 200, 600);
    let policy = Policy::from_config(&cat.config.license);
    let mut grants = PluginGrants::default();
    grants
        .config
        .insert("city_partners".into(), "p0001,p0002".into());
    let host = match Host::new(HostOptions {
        cache_dir: Some(Path::new("target/plugin-probe-cache").to_owned()),
        ..HostOptions::default()
    }) {
        Ok(host) => host,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    for path in args {
        let run = || -> Result<(f64, usize), digifarm_plugin_host::Error> {
            let plugin = host.load(Path::new(&path), &grants, &policy)?;
            let found = plugin.validate(&cat.config, &cat.projects)?.len();
            let mut best = f64::MAX;
            for _ in 0..7 {
                let started = Instant::now();
                plugin.validate(&cat.config, &cat.projects)?;
                best = best.min(started.elapsed().as_secs_f64());
            }
            Ok((best, found))
        };
        match run() {
            Ok((best, found)) => println!(
                "{path}: {:.2} µs/record, {found} findings",
                best * 1e6 / n.max(1) as f64
            ),
            Err(e) => {
                eprintln!("{path}: {e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
