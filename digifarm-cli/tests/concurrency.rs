//! Commands that rewrite catalog files, run the way an unlucky operator runs them: several
//! at once on the same project file, while another program holds the catalog's lock and
//! dies, on a full disk, on a read-only catalog. No decision is ever lost, and a write that
//! cannot be made leaves every file as it was.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

#[path = "support/files.rs"]
mod files;
#[path = "support/run.rs"]
mod run;
use files::{copy_dir, snapshot};
use run::run;

fn spawn(args: &[String]) -> Child {
    run::digifarm()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn muenster(dir: &Path) -> PathBuf {
    let cat = dir.join("muenster");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/muenster"),
        &cat,
    );
    cat
}

const PROJECT: &str = "id: app\nname: App\nsummary: Eine App.\nstatus: live\nlifecycle: proposed\nhistory:\n  - {date: 2026-11-01, to: proposed, by: Erika}\nlicense: MIT\nlinks:\n  source: https://example.org/app\nneeds:\n  - kind: content\n  - kind: technical\n  - kind: financial\n";

/// A catalog with one proposed project with three needs and three partners.
fn small_catalog(dir: &Path) -> PathBuf {
    let cat = dir.join("small");
    for sub in ["projects", "partners"] {
        std::fs::create_dir_all(cat.join(sub)).unwrap();
    }
    std::fs::write(
        cat.join("digifarm.toml"),
        "[city]\nname = \"Münster\"\nags = \"05515000\"\n",
    )
    .unwrap();
    for id in ["archiv", "citeq", "verein"] {
        std::fs::write(
            cat.join(format!("partners/{id}.yaml")),
            format!("id: {id}\nname: {id}\nkind: association\n"),
        )
        .unwrap();
    }
    std::fs::write(cat.join("projects/app.yaml"), PROJECT).unwrap();
    cat
}

fn args(cat: &Path, rest: &[&str]) -> Vec<String> {
    let mut a = vec![rest[0].to_owned(), cat.display().to_string()];
    a.extend(rest[1..].iter().map(|s| (*s).to_owned()));
    a
}

/// Rounds of three commands started at the same moment on the same project file: two
/// support changes on different needs and a review decision. Every command that reports
/// success has its change in the file at the end; a command whose step became impossible
/// through the other's (archive first, then start-review) fails cleanly with exit 2.
#[test]
fn concurrent_support_and_review_runs_never_lose_a_write() {
    let dir = tempfile::tempdir().unwrap();
    let cat = small_catalog(dir.path());
    let file = cat.join("projects/app.yaml");
    let rounds = 20;
    let mut applied_both_reviews = 0;
    for round in 0..rounds {
        std::fs::write(&file, PROJECT).unwrap();
        let day = "2026-11-26";
        let commands: Vec<(Vec<String>, &str)> = vec![
            (
                args(
                    &cat,
                    &[
                        "support",
                        "app",
                        "--need",
                        "0",
                        "--partner",
                        "archiv",
                        "--agree",
                        "--by",
                        "A",
                        "--reason",
                        &format!("round {round} content"),
                        "--today",
                        day,
                    ],
                ),
                "content",
            ),
            (
                args(
                    &cat,
                    &[
                        "support",
                        "app",
                        "--need",
                        "1",
                        "--partner",
                        "citeq",
                        "--suggest",
                        "--by",
                        "B",
                        "--reason",
                        &format!("round {round} technical"),
                        "--today",
                        day,
                    ],
                ),
                "technical",
            ),
            (
                args(
                    &cat,
                    &[
                        "review",
                        "app",
                        "--start-review",
                        "--by",
                        "LK",
                        "--reason",
                        &format!("round {round} start"),
                        "--today",
                        day,
                    ],
                ),
                "start",
            ),
            (
                args(
                    &cat,
                    &[
                        "review",
                        "app",
                        "--archive",
                        "--by",
                        "LK",
                        "--reason",
                        &format!("round {round} archive"),
                        "--today",
                        day,
                    ],
                ),
                "archive",
            ),
        ];
        let children: Vec<(Child, &str)> =
            commands.iter().map(|(a, what)| (spawn(a), *what)).collect();
        let results: Vec<(Output, &str)> = children
            .into_iter()
            .map(|(c, what)| (c.wait_with_output().unwrap(), what))
            .collect();
        let after = std::fs::read_to_string(&file).unwrap();
        for (out, what) in &results {
            let code = out.status.code();
            let marker = format!("round {round} {what}");
            match code {
                Some(0) => assert!(
                    after.contains(&marker),
                    "round {round}: `{what}` exited 0 but its change is gone:\n{after}\nstderr: {}",
                    text(&out.stderr)
                ),
                Some(2) if *what == "start" => {
                    // Archived first: starting the review is no longer allowed.
                    assert!(
                        text(&out.stderr).contains("cannot start-review"),
                        "{}",
                        text(&out.stderr)
                    );
                    assert!(!after.contains(&marker));
                }
                other => panic!(
                    "round {round}: `{what}` exited {other:?}: {}{}",
                    text(&out.stdout),
                    text(&out.stderr)
                ),
            }
        }
        if results.iter().all(|(o, _)| o.status.success()) {
            applied_both_reviews += 1;
        }
        // The file is a valid record with one history entry per applied decision.
        let o = run(&["validate", cat.to_str().unwrap(), "--today", day]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    }
    println!("{applied_both_reviews} of {rounds} rounds applied all four commands");
}

/// Two `match --assign --write` runs and a `support` change at once: suggestions are written
/// once, never twice, and the support change survives.
#[test]
fn concurrent_match_writes_suggest_each_need_once() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..6 {
        let cat = muenster(&dir.path().join(format!("r{round}")));
        let c = cat.display().to_string();
        let write = |_: ()| {
            spawn(&[
                "match".into(),
                c.clone(),
                "--assign".into(),
                "--write".into(),
                "--today".into(),
                "2026-11-26".into(),
            ])
        };
        let a = write(());
        let b = write(());
        let s = spawn(&args(
            &cat,
            &[
                "support",
                "rats-sitzplan",
                "--need",
                "0",
                "--partner",
                "joerg-rosteck",
                "--end",
                "--by",
                "LK",
                "--reason",
                "Ende",
                "--today",
                "2026-11-26",
            ],
        ));
        for child in [a, b, s] {
            let out = child.wait_with_output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}{}",
                text(&out.stdout),
                text(&out.stderr)
            );
        }
        let o = run(&["support", &c, "--list", "--format", "json"]);
        let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let rows = rows.as_array().unwrap();
        let suggested = rows
            .iter()
            .filter(|r| r["effective_status"] == "suggested")
            .count();
        // Six pairs in the optimal assignment, plus the content need of rats-sitzplan once
        // its support ended (if the end came before a match run).
        assert!(
            suggested == 6 || suggested == 7,
            "round {round}: {suggested} suggestions"
        );
        let mut needs: Vec<(String, u64)> = rows
            .iter()
            .filter(|r| r["effective_status"] == "suggested")
            .map(|r| {
                (
                    r["project"].as_str().unwrap().to_owned(),
                    r["need"].as_u64().unwrap(),
                )
            })
            .collect();
        needs.sort();
        needs.dedup();
        assert_eq!(
            needs.len(),
            suggested,
            "round {round}: a need was suggested twice"
        );
        assert!(rows.iter().any(|r| r["project"] == "rats-sitzplan"
            && r["partner"] == "joerg-rosteck"
            && r["effective_status"] == "ended"));
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The lock is the kernel's `flock` on the catalog directory: a command waits while another
/// process holds it, and goes ahead the moment the holder dies, even by `kill -9`.
#[test]
fn the_catalog_lock_is_released_when_its_holder_is_killed() {
    if !have("flock") {
        println!("skipped: util-linux `flock` is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cat = small_catalog(dir.path());
    // `-o`: the lock is held by flock itself, not by the sleep it runs.
    let mut holder = Command::new("flock")
        .arg("-o")
        .arg(&cat)
        .args(["sleep", "60"])
        .spawn()
        .unwrap();
    // Wait until the holder has the lock.
    let start = Instant::now();
    while Command::new("flock")
        .args(["-n"])
        .arg(&cat)
        .arg("true")
        .status()
        .unwrap()
        .success()
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "flock never took the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut waiting = spawn(&args(
        &cat,
        &[
            "support",
            "app",
            "--need",
            "0",
            "--partner",
            "archiv",
            "--agree",
            "--by",
            "A",
            "--reason",
            "while locked",
            "--today",
            "2026-11-26",
        ],
    ));
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "the command must wait for the lock"
    );
    assert!(
        !std::fs::read_to_string(cat.join("projects/app.yaml"))
            .unwrap()
            .contains("while locked")
    );
    holder.kill().unwrap(); // SIGKILL
    holder.wait().unwrap();
    let out = waiting.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        std::fs::read_to_string(cat.join("projects/app.yaml"))
            .unwrap()
            .contains("while locked")
    );
}

/// Runs `args` with the file size limit at one block and SIGXFSZ ignored, so that writing a
/// file fails like a full disk does (EFBIG instead of ENOSPC).
fn with_tiny_file_limit(args: &[String]) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"")
        .arg(run::BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn a_write_that_runs_out_of_space_leaves_every_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let cat = muenster(dir.path());
    let before = snapshot(&cat);
    let out = with_tiny_file_limit(&args(
        &cat,
        &["match", "--assign", "--write", "--today", "2026-11-26"],
    ));
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("File too large"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).is_empty());
    assert_eq!(
        snapshot(&cat),
        before,
        "no file changed, no temporary file left"
    );

    let out = with_tiny_file_limit(&args(
        &cat,
        &[
            "support",
            "klimaheroes",
            "--need",
            "1",
            "--partner",
            "codeformuenster",
            "--agree",
            "--by",
            "A",
            "--reason",
            "x",
            "--today",
            "2026-11-26",
        ],
    ));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(snapshot(&cat), before);
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Result<Mount, String> {
        let size = format!("size={size}");
        Mount::new(&["-t", "tmpfs", "-o", &size, "tmpfs"], at)
    }

    /// `mount ARGS… AT`, `at` made first.
    fn new(args: &[&str], at: &Path) -> Result<Mount, String> {
        std::fs::create_dir_all(at).unwrap();
        let out = Command::new("mount")
            .args(args)
            .arg(at)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(Mount(at.to_owned()))
        } else {
            Err(text(&out.stderr))
        }
    }

    /// `from` bind-mounted at `at`: the same file system, so the device numbers of `at` and
    /// its parent agree (as with a container's volume).
    fn bind(from: &Path, at: &Path) -> Result<Mount, String> {
        std::fs::create_dir_all(from).unwrap();
        Mount::new(&["--bind", from.to_str().unwrap()], at)
    }

    fn remount_read_only(&self) {
        let out = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// A real full disk: the catalog on a small tmpfs filled to the last byte (needs the right to
/// mount, as CI's root has; skipped otherwise).
#[test]
fn a_write_onto_a_full_disk_leaves_every_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mount = match Mount::tmpfs(&dir.path().join("disk"), "2m") {
        Ok(m) => m,
        Err(e) => {
            println!(
                "skipped: cannot mount a tmpfs to fill ({e}); the file size limit test covers the same path"
            );
            return;
        }
    };
    let cat = muenster(&mount.0);
    // Fill the disk.
    {
        use std::io::Write;
        let mut filler = std::fs::File::create(mount.0.join("filler")).unwrap();
        let chunk = vec![0u8; 4096];
        while filler
            .write_all(&chunk)
            .and_then(|()| filler.sync_all())
            .is_ok()
        {}
    }
    let before = snapshot(&cat);
    let out = run(&[
        "match",
        cat.to_str().unwrap(),
        "--assign",
        "--write",
        "--today",
        "2026-11-26",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("No space left on device"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        snapshot(&cat),
        before,
        "no file changed, no temporary file left"
    );
    drop(mount);
}

/// A read-only catalog: every rewriting command says so (exit 2) and leaves it alone. As root,
/// a read-only mount (file modes do not stop root); otherwise the directories lose their
/// write permission.
#[test]
fn a_read_only_catalog_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root_user = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| text(&o.stdout).trim() == "0");
    let mut mount = None;
    let cat = if root_user {
        match Mount::tmpfs(&dir.path().join("ro"), "4m") {
            Ok(m) => {
                let cat = muenster(&m.0);
                m.remount_read_only();
                mount = Some(m);
                cat
            }
            Err(e) => {
                println!("skipped: running as root without the right to mount ({e})");
                return;
            }
        }
    } else {
        let cat = muenster(dir.path());
        for sub in ["", "projects", "partners", "offers"] {
            let p = cat.join(sub);
            let mut perms = std::fs::metadata(&p).unwrap().permissions();
            perms.set_readonly(true);
            std::fs::set_permissions(&p, perms).unwrap();
        }
        cat
    };
    let before = snapshot(&cat);
    let c = cat.to_str().unwrap();
    for command in [
        vec![
            "support",
            c,
            "klimaheroes",
            "--need",
            "1",
            "--partner",
            "codeformuenster",
            "--agree",
            "--by",
            "A",
            "--reason",
            "x",
        ],
        vec!["review", c, "klimaheroes", "--confirm"],
        vec!["match", c, "--assign", "--write"],
        vec![
            "propose",
            c,
            "--from",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../examples/proposals/lastenrad-muenster.yaml"
            ),
        ],
    ] {
        let out = run(&command);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{command:?}: {}",
            text(&out.stdout)
        );
        let err = text(&out.stderr);
        assert!(
            err.contains("Read-only file system") || err.contains("Permission denied"),
            "{command:?}: {err}"
        );
        assert_eq!(snapshot(&cat), before, "{command:?} changed the catalog");
    }
    if mount.is_none() {
        for sub in ["", "projects", "partners", "offers"] {
            let p = cat.join(sub);
            let mut perms = std::fs::metadata(&p).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&p, perms).unwrap();
        }
    }
    drop(mount);
}

/// An output directory that is a mount point, where no rename can replace the directory: a
/// tmpfs (another device) and a bind mount of a directory of the same file system (a
/// container's volume; the kernel refuses the rename with `EBUSY`, and the device numbers do
/// not tell). The export is written into it file by file: into the empty mount, then over its
/// own previous export with `--force`, keeping a file someone put there and leaving no
/// staging directory behind (needs the right to mount, as CI's root has; skipped otherwise).
#[test]
fn an_export_into_a_mount_point_is_written_into_it() {
    let dir = tempfile::tempdir().unwrap();
    let cat = muenster(dir.path());
    let tmpfs = match Mount::tmpfs(&dir.path().join("tmpfs"), "64m") {
        Ok(m) => m,
        Err(e) => {
            println!("skipped: cannot mount a tmpfs ({e})");
            return;
        }
    };
    let volume = dir.path().join("volume");
    let bind = Mount::bind(&volume, &dir.path().join("bound")).expect("a bind mount");
    let staging = |names: Vec<String>| -> Vec<String> {
        names
            .into_iter()
            .filter(|n| n.contains("digifarm-staging"))
            .collect()
    };
    let names = |d: &Path| -> Vec<String> {
        std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    for out in [&tmpfs.0, &bind.0] {
        let export = |force: bool| {
            let mut args = vec![
                "export",
                cat.to_str().unwrap(),
                "--format",
                "html",
                "--out",
                out.to_str().unwrap(),
            ];
            if force {
                args.push("--force");
            }
            run(&args)
        };
        let first = export(false);
        assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
        assert!(out.join("index.html").is_file(), "{:?}", names(out));
        assert!(out.join(".digifarm-export").is_file());
        std::fs::write(out.join("CNAME"), "digifarm.example.org").unwrap();
        std::fs::write(out.join("index.html"), "stale").unwrap();
        let second = export(true);
        assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
        assert_ne!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "stale"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("CNAME")).unwrap(),
            "digifarm.example.org"
        );
        assert_eq!(staging(names(out)), Vec::<String>::new());
        assert_eq!(staging(names(dir.path())), Vec::<String>::new());
    }
    // What was written through the bind mount is in the volume.
    assert!(volume.join("index.html").is_file());
    drop(bind);
    drop(tmpfs);
}
