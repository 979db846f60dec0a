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
//! | `echo` | one finding about each project, its fields from the config keys `subject`, `code`, `pointer`, `message`, `help` (defaults: the project, `echo`, empty, `echo`, none) |
//! | `long-pointer` | one finding whose pointer is `/` and 8 MiB of `a` |
//! | `error` | returns the config key `message` as its error |
//! | `panic-with` | panics with the config key `message` |
//! | `stderr` | writes the config key `message` to stderr and stdout, logs it as an error, then traps |
//! | `flood` | `count` (config key) warnings about each project |
//! | `spin` | busy for `spin_ms` (config key) by the monotonic clock on every batch, then no findings (needs the `clocks` capability) |
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
            "echo" => {
                let key = |k: &str| host::config(k);
                Ok(projects
                    .iter()
                    .map(|p| {
                        let mut d = Diagnostic::error(
                            &key("subject").unwrap_or_else(|| p.id.to_owned()),
                            &key("code").unwrap_or_else(|| "echo".to_owned()),
                            &key("pointer").unwrap_or_default(),
                            key("message").unwrap_or_else(|| "echo".to_owned()),
                        );
                        d.help = key("help");
                        d
                    })
                    .collect())
            }
            "long-pointer" => Ok(vec![Diagnostic::error(
                &first,
                "long",
                &format!("/{}", "a".repeat(8 << 20)),
                "a long pointer",
            )]),
            "error" => Err(host::config("message").unwrap_or_default()),
            "panic-with" => panic!("{}", host::config("message").unwrap_or_default()),
            "stderr" => {
                let message = host::config("message").unwrap_or_default();
                eprintln!("{message}");
                println!("{message}");
                host::log(host::Level::Error, &message);
                core::arch::wasm32::unreachable()
            }
            "flood" => {
                let count: usize = host::config("count")
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(1);
                let mut out = Vec::new();
                for p in projects {
                    for i in 0..count {
                        out.push(Diagnostic::warning(
                            p.id,
                            "flood",
                            "",
                            format!("finding {i}"),
                        ));
                    }
                }
                Ok(out)
            }
            "spin" => {
                let ms: u64 = host::config("spin_ms")
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(100);
                let start = std::time::Instant::now();
                while start.elapsed() < std::time::Duration::from_millis(ms) {
                    std::hint::spin_loop();
                }
                Ok(Vec::new())
            }
            _ => Ok(Vec::new()),
        }
    }
}

export!(validator: Hostile);
