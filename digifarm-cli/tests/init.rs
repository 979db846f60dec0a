//! `digifarm init` through the real binary: the starting catalog (snapshot), that it
//! validates, matches and exports at once, that every `digifarm` command of the GitHub and
//! GitLab CI templates runs against it, and that bad input leaves nothing behind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/files.rs"]
mod files;
#[path = "support/run.rs"]
mod run;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn digifarm_in(cwd: &Path, args: &[&str]) -> Output {
    let out = run::digifarm()
        .args(args)
        .current_dir(cwd)
        .env("DIGIFARM_IMAGE_CACHE", "off")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    out
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `init` with a fixed date, so that the snapshot does not change with the day.
fn init(parent: &Path, dir: &str, extra: &[&str]) -> PathBuf {
    let mut args = vec![
        "init",
        dir,
        "--city",
        "Münster",
        "--ags",
        "05515000",
        "--today",
        "2026-12-03",
    ];
    args.extend_from_slice(extra);
    let out = digifarm_in(parent, &args);
    assert_eq!(code(&out), 0, "init failed: {}", text(&out.stderr));
    parent.join(dir)
}

/// Every file of the catalog as `=== path ===` and its text, for a snapshot.
fn listing(dir: &Path) -> String {
    let mut out = String::new();
    for (path, bytes) in files::snapshot(dir) {
        let rel = path.strip_prefix(dir).unwrap().display().to_string();
        out.push_str(&format!("=== {rel} ===\n{}\n", text(&bytes)));
    }
    out
}

#[test]
fn the_german_starting_catalog_is_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = init(tmp.path(), "katalog", &["--code", "ms"]);
    insta::assert_snapshot!("init_german", listing(&dir));
}

#[test]
fn the_english_bare_catalog_is_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = init(tmp.path(), "catalog", &["--lang", "en,de", "--bare"]);
    insta::assert_snapshot!("init_english_bare", listing(&dir));
}

fn validate_json(cwd: &Path, dir: &str) -> Value {
    let out = digifarm_in(cwd, &["validate", dir, "--format", "json"]);
    assert_eq!(code(&out), 0, "{}{}", text(&out.stdout), text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The number of errors in a `validate --format json` report.
fn errors(report: &Value) -> usize {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .count()
}

#[test]
fn a_new_catalog_validates_matches_and_exports_at_once() {
    for (extra, project) in [
        (&[][..], Some("beispiel-projekt")),
        (&["--lang", "en"][..], Some("example-project")),
        (&["--bare"][..], None),
        (&["--lang", "tr,de"][..], Some("example-project")),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        init(tmp.path(), "c", extra);
        let report = validate_json(tmp.path(), "c");
        assert_eq!(report["valid"], true, "{extra:?}: {report}");
        assert_eq!(errors(&report), 0, "{extra:?}: {report}");
        // What is left to do before publishing is said, as warnings: the role address and
        // the three legal pages of a municipal site.
        let codes: Vec<&str> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&"portal-legal-link-missing"), "{codes:?}");
        assert!(
            codes
                .iter()
                .all(|c| c.starts_with("portal-legal") || *c == "portal-contact-missing"),
            "{extra:?}: unexpected findings {codes:?}"
        );

        let matched = digifarm_in(tmp.path(), &["match", "c", "--assign", "--format", "json"]);
        assert_eq!(code(&matched), 0, "{}", text(&matched.stderr));
        let matched: Value = serde_json::from_slice(&matched.stdout).unwrap();
        let site = digifarm_in(
            tmp.path(),
            &["export", "c", "--format", "html", "--out", "site"],
        );
        assert_eq!(code(&site), 0, "{}", text(&site.stderr));
        let index = std::fs::read_to_string(tmp.path().join("site/index.html")).unwrap();
        assert!(index.contains("Münster"), "the portal names the city");
        match project {
            Some(id) => {
                // The example offer is assigned to the example project's technical need.
                let text = matched.to_string();
                assert!(text.contains(id), "{extra:?}: {text}");
                assert!(
                    index.contains(id),
                    "{extra:?}: the example is on the portal"
                );
            }
            None => {
                let records = ["projects", "partners", "offers"];
                for kind in records {
                    let names: Vec<_> = std::fs::read_dir(tmp.path().join("c").join(kind))
                        .unwrap()
                        .map(|e| e.unwrap().file_name())
                        .collect();
                    assert_eq!(names, [".gitkeep"], "--bare writes no {kind}");
                }
            }
        }
    }
}

/// The shell lines of a CI template's jobs, in order, without the installation of the
/// binary (which downloads it; the test puts the built one on PATH instead).
fn commands(yaml: &Value, gitlab: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut take = |script: &str| {
        lines.extend(
            script
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from),
        );
    };
    if gitlab {
        for (_, job) in yaml.as_object().unwrap() {
            for line in job["script"].as_array().into_iter().flatten() {
                take(line.as_str().unwrap());
            }
        }
    } else {
        for (_, job) in yaml["jobs"].as_object().unwrap() {
            for step in job["steps"].as_array().unwrap() {
                if step["name"] == "Install digifarm" {
                    continue;
                }
                if let Some(run) = step["run"].as_str() {
                    take(run);
                }
            }
        }
    }
    lines
}

#[test]
fn every_command_of_the_ci_templates_runs_against_the_new_catalog() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = init(tmp.path(), "c", &[]);
    let bin_dir = Path::new(run::BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (file, gitlab) in [
        (".github/workflows/digifarm.yml", false),
        (".gitlab-ci.yml", true),
    ] {
        let source = std::fs::read_to_string(dir.join(file)).unwrap();
        let yaml = digifarm_core::source::yaml::parse(&source)
            .unwrap_or_else(|e| panic!("{file} is not YAML: {e:?}"));
        if gitlab {
            // Every script line is a string (a `: ` in a plain scalar would make a mapping,
            // which GitLab refuses).
            for (name, job) in yaml.as_object().unwrap() {
                let job = if name == "default" {
                    job
                } else {
                    &yaml[name.as_str()]
                };
                for key in ["before_script", "script"] {
                    for line in job[key].as_array().into_iter().flatten() {
                        assert!(line.is_string(), "{file}: {name}.{key}: {line}");
                    }
                }
            }
            assert_eq!(yaml["stages"], serde_json::json!(["validate", "publish"]));
            let validate = &yaml["validate"];
            assert!(
                validate["rules"]
                    .to_string()
                    .contains("merge_request_event")
            );
            assert_eq!(validate["artifacts"]["when"], "always");
            assert_eq!(
                validate["artifacts"]["paths"],
                serde_json::json!(["digifarm-report.json"])
            );
            // GitLab Pages publishes the job named `pages` from `public/`.
            let pages = &yaml["pages"];
            assert!(pages["rules"].to_string().contains("CI_DEFAULT_BRANCH"));
            assert!(
                pages["rules"]
                    .to_string()
                    .contains("$DIGIFARM_PUBLISH == \\\"true\\\"")
            );
            assert_eq!(pages["artifacts"]["paths"], serde_json::json!(["public"]));
        } else {
            assert!(
                yaml["on"]["pull_request"].is_null() && yaml["on"].get("pull_request").is_some()
            );
            let steps = yaml["jobs"]["validate"]["steps"].to_string();
            assert!(
                steps.contains("github/codeql-action/upload-sarif"),
                "{steps}"
            );
            assert!(steps.contains("digifarm.sarif"), "{steps}");
            let publish = &yaml["jobs"]["publish"];
            let gate = publish["if"].as_str().unwrap();
            assert!(gate.contains("default_branch"), "{gate}");
            // Nothing is published before the city says so (examples replaced, legal pages).
            assert!(gate.contains("vars.DIGIFARM_PUBLISH == 'true'"), "{gate}");
            assert_eq!(publish["permissions"]["pages"], "write");
            let steps = publish["steps"].to_string();
            assert!(steps.contains("actions/deploy-pages"), "{steps}");
        }
        // Both templates install the archive that scripts/dist.sh builds.
        let version = env!("CARGO_PKG_VERSION");
        assert!(source.contains(&format!("digifarm-{version}-x86_64-unknown-linux-musl")));

        let lines = commands(&yaml, gitlab);
        assert!(
            lines.iter().any(|l| l.starts_with("digifarm validate"))
                && lines.iter().any(|l| l.starts_with("digifarm export")),
            "{file}: {lines:?}"
        );
        let runner_temp = tempfile::tempdir().unwrap();
        // The commands run in order in a fresh clone of the catalog, as on the runner.
        let clone = tmp
            .path()
            .join(format!("clone-{}", lines.len() + usize::from(gitlab)));
        files::copy_dir(&dir, &clone);
        for line in &lines {
            let out = Command::new("sh")
                .args(["-c", line])
                .current_dir(&clone)
                .env("PATH", &path)
                .env("RUNNER_TEMP", runner_temp.path())
                .env("TMPDIR", runner_temp.path())
                .env("NO_COLOR", "1")
                .env("DIGIFARM_IMAGE_CACHE", "off")
                .output()
                .unwrap();
            assert_eq!(
                code(&out),
                0,
                "{file}: `{line}` failed: {}{}",
                text(&out.stdout),
                text(&out.stderr)
            );
        }
        if gitlab {
            let report: Value =
                serde_json::from_slice(&std::fs::read(clone.join("digifarm-report.json")).unwrap())
                    .unwrap();
            assert_eq!(report["valid"], true);
            assert!(clone.join("public/index.html").is_file());
        } else {
            let sarif: Value =
                serde_json::from_slice(&std::fs::read(clone.join("digifarm.sarif")).unwrap())
                    .unwrap();
            assert_eq!(sarif["version"], "2.1.0");
            // Code scanning finds the file only by a path relative to the checkout.
            let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
            assert_eq!(
                location["artifactLocation"]["uri"], "digifarm.toml",
                "{location}"
            );
            assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            assert!(runner_temp.path().join("site/index.html").is_file());
        }
        // What the jobs write is ignored by git, and the catalog still validates with it.
        let ignore = std::fs::read_to_string(clone.join(".gitignore")).unwrap();
        for written in ["/public/", "/digifarm.sarif", "/digifarm-report.json"] {
            assert!(ignore.contains(written), "{written} not in .gitignore");
        }
        assert_eq!(errors(&validate_json(&clone, ".")), 0);
    }
}

/// Every entry of `dir`, for "nothing was written" checks.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn bad_input_is_refused_with_exit_2_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let existing = init(tmp.path(), "existing", &[]);
    std::fs::write(tmp.path().join("a-file"), "x").unwrap();
    let before = entries(tmp.path());
    let catalog_before = files::snapshot(&existing);
    let cases: &[(&[&str], &str)] = &[
        (
            &["init", "new", "--city", "Münster", "--ags", "1234"],
            "8 digits",
        ),
        (
            &["init", "new", "--city", "Münster", "--ags", "99999999"],
            "no Land",
        ),
        (
            &["init", "new", "--city", "Münster", "--ags", "0551500x"],
            "8 digits",
        ),
        (
            &["init", "new", "--city", "Mün/ster", "--ags", "05515000"],
            "`/`",
        ),
        (
            &[
                "init",
                "new",
                "--city",
                "Mün\u{1b}[2Jster",
                "--ags",
                "05515000",
            ],
            "control",
        ),
        (
            &["init", "new", "--city", "Mün\nster", "--ags", "05515000"],
            "control",
        ),
        (&["init", "new", "--city", "", "--ags", "05515000"], "empty"),
        (
            &[
                "init", "new", "--city", "Münster", "--ags", "05515000", "--lang", "xx",
            ],
            "xx",
        ),
        (
            &[
                "init", "new", "--city", "Münster", "--ags", "05515000", "--lang", "de,de",
            ],
            "twice",
        ),
        (
            &[
                "init", "new", "--city", "Münster", "--ags", "05515000", "--code", "Ms!",
            ],
            "--code",
        ),
        (
            &["init", "existing", "--city", "Münster", "--ags", "05515000"],
            "already holds a catalog",
        ),
        (
            &[
                "init", "existing", "--city", "Münster", "--ags", "05515000", "--force",
            ],
            "already holds a catalog",
        ),
        (
            &["init", "a-file", "--city", "Münster", "--ags", "05515000"],
            "is a file",
        ),
        (
            &[
                "init",
                "no/such/parent",
                "--city",
                "Münster",
                "--ags",
                "05515000",
            ],
            "does not exist",
        ),
        // A place where nothing can be created, even by root.
        (
            &[
                "init",
                "/proc/self/new",
                "--city",
                "Münster",
                "--ags",
                "05515000",
            ],
            "cannot write",
        ),
    ];
    for (args, expect) in cases {
        let out = digifarm_in(tmp.path(), args);
        let stderr = text(&out.stderr);
        assert_eq!(code(&out), 2, "{args:?}: {stderr}");
        assert!(stderr.contains(expect), "{args:?}: {stderr}");
        assert!(
            !stderr.contains('\u{1b}'),
            "{args:?}: raw escape in {stderr:?}"
        );
        assert_eq!(
            entries(tmp.path()),
            before,
            "{args:?} left something behind"
        );
        assert_eq!(
            files::snapshot(&existing),
            catalog_before,
            "{args:?} changed the catalog"
        );
    }
}

#[test]
fn a_non_empty_directory_needs_force_and_keeps_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join("README.md"), "our own readme\n").unwrap();
    let args = ["init", "repo", "--city", "Münster", "--ags", "05515000"];

    let out = digifarm_in(tmp.path(), &args);
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        entries(&repo),
        [".git", "README.md"],
        "nothing written without --force"
    );

    let out = digifarm_in(tmp.path(), &[&args[..], &["--force"]].concat());
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("kept the existing README.md"), "{stdout}");
    assert!(
        stdout.contains("(7 files)"),
        "8 files less the kept README: {stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("README.md")).unwrap(),
        "our own readme\n"
    );
    assert_eq!(
        entries(&repo),
        [
            ".git",
            ".github",
            ".gitignore",
            ".gitlab-ci.yml",
            "README.md",
            "digifarm.toml",
            "offers",
            "partners",
            "projects"
        ]
    );
    assert_eq!(errors(&validate_json(tmp.path(), "repo")), 0);
}

#[test]
fn force_adds_missing_files_inside_existing_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".github")).unwrap();
    std::fs::write(repo.join(".github/dependabot.yml"), "version: 2\n").unwrap();
    let out = digifarm_in(
        tmp.path(),
        &[
            "init", "repo/", "--city", "Bonn", "--ags", "05314000", "--force",
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(repo.join(".github/workflows/digifarm.yml").is_file());
    assert_eq!(
        std::fs::read_to_string(repo.join(".github/dependabot.yml")).unwrap(),
        "version: 2\n"
    );
    assert!(!text(&out.stdout).contains("kept"), "{}", text(&out.stdout));
}

/// `--force` fills a directory that may hold a stranger's links: a directory on a file's way
/// that links outside is refused before anything is written (exit 2, nothing added on
/// either side); one that links inside the directory is followed.
#[cfg(unix)]
#[test]
fn force_writes_nothing_through_a_directory_linked_outside() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    for linked in ["projects", ".github"] {
        let repo = tmp.path().join(format!("repo-{linked}"));
        std::fs::create_dir(&repo).unwrap();
        std::fs::write(repo.join("README.md"), "mine\n").unwrap();
        symlink(&outside, repo.join(linked)).unwrap();
        let out = digifarm_in(
            &repo,
            &[
                "init", ".", "--city", "Bonn", "--ags", "05314000", "--force",
            ],
        );
        assert_eq!(code(&out), 2, "{linked}: {}", text(&out.stdout));
        assert!(
            text(&out.stderr).contains("symbolic link leading outside"),
            "{}",
            text(&out.stderr)
        );
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0, "{linked}");
        let mut left: Vec<_> = std::fs::read_dir(&repo)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        let mut expected = ["README.md", linked];
        expected.sort();
        assert_eq!(left, expected, "{linked}");
    }
    // A link to a directory inside is followed.
    let repo = tmp.path().join("repo-inside");
    std::fs::create_dir_all(repo.join("records/projects")).unwrap();
    symlink("records/projects", repo.join("projects")).unwrap();
    let out = digifarm_in(
        &repo,
        &[
            "init", ".", "--city", "Bonn", "--ags", "05314000", "--force",
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        std::fs::read_dir(repo.join("records/projects"))
            .unwrap()
            .count()
            > 0
    );
}

#[test]
fn the_next_steps_export_beside_the_catalog_and_name_the_missing_download_url() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("mein katalog")).unwrap();
    let out = digifarm_in(
        &tmp.path().join("mein katalog"),
        &["init", ".", "--city", "Bonn", "--ags", "05314000"],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("digifarm export . --format html --out '../mein katalog-portal'"),
        "{stdout}"
    );
    assert!(stdout.contains("DIGIFARM_URL"), "{stdout}");
    // The command it names works.
    let export = digifarm_in(
        &tmp.path().join("mein katalog"),
        &[
            "export",
            ".",
            "--format",
            "html",
            "--out",
            "../mein katalog-portal",
        ],
    );
    assert_eq!(code(&export), 0, "{}", text(&export.stderr));

    let url = "https://downloads.stadt.example/digifarm.tar.gz";
    let out = digifarm_in(
        tmp.path(),
        &[
            "init",
            "k",
            "--city",
            "Bonn",
            "--ags",
            "05314000",
            "--download-url",
            url,
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("DIGIFARM_URL"));
    for file in [".github/workflows/digifarm.yml", ".gitlab-ci.yml"] {
        let ci = std::fs::read_to_string(tmp.path().join("k").join(file)).unwrap();
        assert!(ci.contains(url), "{file}");
    }
    for bad in [
        "http://x.example/a.tar.gz",
        "https://x.example/a'b",
        "https://",
        "ftp://x",
    ] {
        let out = digifarm_in(
            tmp.path(),
            &[
                "init",
                "bad",
                "--city",
                "Bonn",
                "--ags",
                "05314000",
                "--download-url",
                bad,
            ],
        );
        assert_eq!(code(&out), 2, "{bad}");
        assert!(!tmp.path().join("bad").exists());
    }
}

#[test]
fn an_empty_existing_directory_is_filled() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    init(tmp.path(), "empty", &[]);
    assert_eq!(errors(&validate_json(tmp.path(), "empty")), 0);
    // No staging directory is left inside or beside it.
    assert!(
        entries(tmp.path())
            .iter()
            .all(|n| !n.starts_with(".digifarm-init"))
    );
    assert!(
        entries(&tmp.path().join("empty"))
            .iter()
            .all(|n| !n.starts_with(".digifarm-init"))
    );
}

#[test]
fn a_read_only_directory_is_refused_and_left_empty() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let ro = tmp.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(ro.join("probe"), "").is_ok() {
        // Root ignores permissions; `/proc/self/new` in the bad-input test covers a place
        // where nothing can be written for root as well.
        eprintln!("skipped: running with privileges that ignore directory permissions");
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    for target in ["ro", "ro/new"] {
        let out = digifarm_in(
            tmp.path(),
            &["init", target, "--city", "Münster", "--ags", "05515000"],
        );
        assert_eq!(code(&out), 2, "{target}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("cannot write"),
            "{}",
            text(&out.stderr)
        );
        assert!(entries(&ro).is_empty());
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}
