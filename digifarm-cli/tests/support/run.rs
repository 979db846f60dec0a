//! The one way the CLI tests start the built `digifarm` binary.
//!
//! [`digifarm`] returns a [`Command`] with the environment every test wants:
//! - `NO_COLOR=1`: the output is piped, so there is no colour anyway; this only makes sure.
//! - the forge tokens ([`FORGE_TOKENS`]) removed, so that a token in the developer's or the
//!   CI's environment never reaches a test server (or a real forge) nor changes a result;
//! - stdin null: the binary reads none, and a spawned child must not hold the harness's.
//!
//! The working directory, the caches (`DIGIFARM_IMAGE_CACHE`, `DIGIFARM_PLUGIN_CACHE`) and
//! every other variable are inherited: the tests differ on them, so each sets its own on the
//! returned `Command`. A later `.env`, `.env_remove` or `.stdin` on it overrides the defaults,
//! e.g. `.env_remove("NO_COLOR")` to see what a user without it sees, or
//! `.env("GITHUB_TOKEN", …)` to check where a token goes.
//!
//! Included as `support::run` by the tests that use `mod support;` (the forge server), and
//! with `#[path = "support/run.rs"] mod run;` by the others.
#![allow(dead_code, clippy::expect_used)]

use std::ffi::OsStr;
use std::process::{Command, Output, Stdio};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_digifarm");

/// The token variables of the built-in forges (`BUILTIN` in `digifarm_core::health::repo`).
pub const FORGE_TOKENS: [&str; 4] = [
    "GITHUB_TOKEN",
    "GITLAB_TOKEN",
    "CODEBERG_TOKEN",
    "BITBUCKET_TOKEN",
];

/// `digifarm` with the common environment; add the arguments and anything else.
pub fn digifarm() -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("NO_COLOR", "1").stdin(Stdio::null());
    for var in FORGE_TOKENS {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `digifarm <args>` in the test's working directory and waits for it; only failing to
/// start the binary fails here, the exit code is the caller's to check.
pub fn run<S: AsRef<OsStr>>(args: &[S]) -> Output {
    digifarm()
        .args(args)
        .output()
        .expect("the digifarm binary starts")
}

/// Stdout as text (invalid UTF-8 replaced).
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Stderr as text (invalid UTF-8 replaced).
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
