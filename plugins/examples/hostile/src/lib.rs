//! A deliberately hostile validator, used by the host's security tests
//! (`plugins/digifarm-plugin-host/tests/security.rs`). What it does is chosen by the config
//! key `mode` the test grants:
//!
//! | mode | behaviour |
//! |---|---|
//! | `loop` | loops forever |
//! | `alloc` | allocates without bound |
//! | `trap` | executes `unreachable` |
//! | `panic` | panics with a message |
//! | `recurse` | recurses until the stack is exhausted |
//! | `file` | opens `/etc/passwd` |
//! | `env` | reads the environment |
//! | `clock` | reads the wall clock |
//! | `random` | reads random bytes via a HashMap's RandomState |
//! | `exit` | calls `exit(3)` |
//! | `malformed` | returns a diagnostic whose code is not kebab-case |
//! | `bad-subject` | returns a diagnostic about a project it was not given |
//! | `oversized` | returns a diagnostic with a 2 MiB message |
//! | `dump` | returns every field it received as an info diagnostic (for the contact-data test) |
//! | `log-flood` | logs 10 MiB and then succeeds |
//! | anything else | behaves: no findings |

use digifarm_plugin_sdk::{City, Diagnostic, Project, Severity, Validator, export, host};

struct Hostile;

/// Plain recursion: frames on the wasm stack (no address-taken locals), so it exhausts the
/// host's stack limit rather than the guest's shadow stack in linear memory.
#[inline(never)]
#[allow(unconditional_recursion)]
fn recurse(n: u64) -> u64 {
    std::hint::black_box(recurse(std::hint::black_box(n + 1))) + 1
}

fn info(subject: &str, message: String) -> Diagnostic {
    let mut d = Diagnostic::error(subject, "dump", "", message);
    d.severity = Severity::Info;
    d
}

impl Validator for Hostile {
    fn validate(city: &City, projects: &[Project<'_>]) -> Result<Vec<Diagnostic>, String> {
        let mode = host::config("mode").unwrap_or_default();
        let first = projects
            .first()
            .map(|p| p.id.to_owned())
            .unwrap_or_default();
        match mode.as_str() {
            "loop" => {
                let mut x: u64 = 0;
                loop {
                    x = std::hint::black_box(x.wrapping_add(1));
                }
            }
            "alloc" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(std::hint::black_box(vec![1u8; 1 << 20]));
                }
            }
            "trap" => core::arch::wasm32::unreachable(),
            "panic" => panic!("hostile plugin panics on purpose"),
            "recurse" => {
                let n = recurse(0);
                Ok(vec![info(&first, format!("{n}"))])
            }
            "file" => {
                let text = std::fs::read_to_string("/etc/passwd").map_err(|e| e.to_string())?;
                Ok(vec![info(&first, text)])
            }
            "env" => {
                let vars: Vec<String> = std::env::vars().map(|(k, v)| format!("{k}={v}")).collect();
                Ok(vec![info(&first, format!("env: {}", vars.join(",")))])
            }
            "clock" => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_err(|e| e.to_string())?;
                Ok(vec![info(&first, format!("now: {}", now.as_secs()))])
            }
            "random" => {
                let map: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
                Ok(vec![info(&first, format!("map: {}", map.len()))])
            }
            "exit" => std::process::exit(3),
            "malformed" => Ok(vec![Diagnostic::error(
                &first,
                "Not Kebab!",
                "",
                "bad code",
            )]),
            "bad-subject" => Ok(vec![Diagnostic::error(
                "no-such-project",
                "made-up",
                "",
                "about a project the host never sent",
            )]),
            "oversized" => Ok(vec![Diagnostic::error(
                &first,
                "huge",
                "",
                "x".repeat(2 << 20),
            )]),
            "dump" => Ok(projects
                .iter()
                .map(|p| info(p.id, format!("{city:?} {p:?}")))
                .collect()),
            "log-flood" => {
                let line = "y".repeat(1024);
                for _ in 0..10 * 1024 {
                    host::log(host::Level::Info, &line);
                }
                Ok(Vec::new())
            }
            _ => Ok(Vec::new()),
        }
    }
}

export!(validator: Hostile);
