//! `digifarm refresh` end to end: the real binary against a real HTTP server on 127.0.0.1
//! that answers with the documented shapes of GitHub, GitLab, Forgejo/Gitea and Bitbucket,
//! and with hostile behaviour. No test asserts wall time: timeouts are set small and the
//! outcomes are asserted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use serde_json::Value;
use support::forge_server::{self as fs, Body, Reply, TODAY};
use support::run::{self, run, stderr, stdout};

const CONFIG: &str = "[city]\nname = \"Münster\"\nags = \"05515000\"\n";

/// A catalog with one project per `(id, source, homepage)`.
fn catalog(dir: &Path, projects: &[(&str, &str, Option<&str>)], extra_config: &str) -> PathBuf {
    let root = dir.join("cat");
    std::fs::create_dir_all(root.join("projects")).unwrap();
    std::fs::write(
        root.join("digifarm.toml"),
        format!("{CONFIG}{extra_config}"),
    )
    .unwrap();
    for (id, source, homepage) in projects {
        let mut text = format!(
            "id: {id}\nname: {id}\nsummary: Ein Projekt\nstatus: live\nlifecycle: admitted\nlicense: MIT\nlast_reviewed: 2026-11-01\nlinks:\n  source: {source}\n"
        );
        if let Some(h) = homepage {
            text.push_str(&format!("  homepage: {h}\n"));
        }
        text.push_str("needs:\n  - kind: technical\n    skills: [rust]\n");
        std::fs::write(root.join("projects").join(format!("{id}.yaml")), text).unwrap();
    }
    root
}

fn api_args(base: &str) -> Vec<String> {
    vec![
        "--allow-private".into(),
        "--api-base".into(),
        format!("github.com={base}/github"),
        "--api-base".into(),
        format!("gitlab.com={base}/gitlab"),
        "--api-base".into(),
        format!("codeberg.org={base}/gitea"),
        "--api-base".into(),
        format!("bitbucket.org={base}/bitbucket"),
    ]
}

fn refresh(cat: &Path, base: &str, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec!["refresh".into(), cat.display().to_string()];
    args.extend(api_args(base));
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    if !extra.contains(&"--today") {
        args.extend(["--today".to_owned(), TODAY.to_owned()]);
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&refs)
}

fn refresh_json(cat: &Path, base: &str, extra: &[&str]) -> (Value, Output) {
    let mut e = vec!["--format", "json"];
    e.extend_from_slice(extra);
    let o = refresh(cat, base, &e);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&o), stderr(&o)));
    (v, o)
}

fn health(cat: &Path, id: &str) -> String {
    std::fs::read_to_string(cat.join("health").join(format!("{id}.yaml"))).unwrap_or_default()
}

fn verdict<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["project"] == id)
        .unwrap()
}

#[test]
fn every_forge_every_signal_with_pagination() {
    let server = fs::start(fs::forges);
    let b = server.base.clone();
    let dir = tempfile::tempdir().unwrap();
    let home = format!("{b}/home/200");
    let cat = catalog(
        dir.path(),
        &[
            ("gh", "https://github.com/o/active", Some(&home)),
            (
                "gl",
                "https://gitlab.com/g/sub/p",
                Some(&format!("{b}/home/404")),
            ),
            ("cb", "https://codeberg.org/o/f", None),
            ("bb", "https://bitbucket.org/w/b", None),
        ],
        "",
    );
    let (v, o) = refresh_json(&cat, &b, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // GitHub: 6 commits by 2 authors in 182 days (3 pages of 2 via `Link`), a release 20
    // days ago, median reaction 3 days over 2 issues (a pull request and an old issue left
    // out), MIT detected.
    let gh = health(&cat, "gh");
    for line in [
        "project: gh",
        "first_seen: '2026-12-01'",
        "forge: github",
        "state: active",
        "default_branch: main",
        "last_commit: '2026-11-28'",
        "window_days: 182",
        "commits: 6",
        "authors: 2",
        "name: v1.4.0",
        "open_issues: 3",
        "recent_issues: 2",
        "median_reaction_days: 3.0",
        "license: MIT",
        "status: 200",
    ] {
        assert!(gh.contains(line), "{line} missing in\n{gh}");
    }
    assert!(
        !gh.contains("anna") && !gh.contains("example.org"),
        "no author is stored: {gh}"
    );
    let g = verdict(&v, "gh");
    assert_eq!(g["verdict"]["level"], "active");
    assert_eq!(g["verdict"]["score"], 10);
    assert_eq!(g["status"], "updated");

    // GitLab: the same commits through `X-Next-Page` (pages of 4), the newest tag (60 days)
    // over an old release, GPL-3.0 read from `license.key`, a homepage answering 404.
    let gl = health(&cat, "gl");
    for line in [
        "forge: gitlab",
        "commits: 6",
        "authors: 2",
        "name: v2.1",
        "name: v2.0",
        "license: gpl-3.0",
        "status: 404",
    ] {
        assert!(gl.contains(line), "{line} missing in\n{gl}");
    }
    let checks = &verdict(&v, "gl")["verdict"]["checks"];
    let unreachable = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "homepage-unreachable")
        .unwrap();
    assert_eq!(
        unreachable["message"],
        format!("{b}/home/404 answered 404 on 2026-12-01")
    );

    // Forgejo/Gitea: `Link` pages of 3, licence from `/licenses`, a tag but no release,
    // reaction 3 days.
    let cb = health(&cat, "cb");
    for line in [
        "forge: gitea",
        "commits: 6",
        "name: v0.9",
        "license: EUPL-1.2",
        "median_reaction_days: 3.0",
    ] {
        assert!(cb.contains(line), "{line} missing in\n{cb}");
    }
    // Bitbucket: `next` pages of 3, read until the window ends; open issues from `size`.
    let bb = health(&cat, "bb");
    for line in [
        "forge: bitbucket",
        "default_branch: dev",
        "commits: 6",
        "authors: 2",
        "last_commit: '2026-11-28'",
        "name: r-7",
        "open_issues: 2",
    ] {
        assert!(bb.contains(line), "{line} missing in\n{bb}");
    }

    // validate reads the files: the GitLab licence contradicts the declared MIT, and the
    // homepage is unreachable; nothing else is wrong.
    let o = run(&[
        "validate",
        cat.to_str().unwrap(),
        "--today",
        TODAY,
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .collect();
    assert!(
        codes
            .iter()
            .any(|(c, f)| *c == "forge-license-mismatch" && f.ends_with("gl.yaml")),
        "{codes:?}"
    );
    assert!(
        codes
            .iter()
            .any(|(c, f)| *c == "homepage-unreachable" && f.ends_with("gl.yaml")),
        "{codes:?}"
    );
    assert!(
        codes
            .iter()
            .any(|(c, f)| *c == "forge-license-mismatch" && f.ends_with("cb.yaml")),
        "{codes:?}"
    );
    assert!(
        !codes
            .iter()
            .any(|(c, f)| f.ends_with("gh.yaml") && c.contains('-') && *c != "never-reviewed"),
        "{codes:?}"
    );
    assert_eq!(o.status.code(), Some(0), "health findings are warnings");
}

#[test]
fn the_etag_cache_turns_a_second_run_into_304s() {
    let server = fs::start(fs::forges);
    let dir = tempfile::tempdir().unwrap();
    let cat = catalog(
        dir.path(),
        &[
            ("gh", "https://github.com/o/active", None),
            ("gl", "https://gitlab.com/g/sub/p", None),
            ("cb", "https://codeberg.org/o/f", None),
            ("bb", "https://bitbucket.org/w/b", None),
        ],
        "",
    );
    let (first, _) = refresh_json(&cat, &server.base, &[]);
    let before = health(&cat, "gh");
    let (second, o) = refresh_json(&cat, &server.base, &[]);
    assert_eq!(o.status.code(), Some(0));
    let full1 = first["full_responses"].as_u64().unwrap();
    let full2 = second["full_responses"].as_u64().unwrap();
    assert!(full1 >= 20, "{first}");
    assert_eq!(
        second["not_modified"].as_u64().unwrap(),
        second["requests"].as_u64().unwrap(),
        "{second}"
    );
    assert!(
        full2 * 10 <= full1,
        "second run {full2} full answers, first {full1}"
    );
    assert_eq!(verdict(&second, "gh")["status"], "confirmed");
    assert_eq!(
        health(&cat, "gh"),
        before,
        "same signals, same day: the file is untouched"
    );
    // The cache lives in the catalog, ignored by git.
    assert!(cat.join(".digifarm-cache/.gitignore").is_file());
    // A later run moves only `last_seen`.
    let o = refresh(&cat, &server.base, &["--today", "2026-12-02"]);
    assert_eq!(o.status.code(), Some(0));
    let after = health(&cat, "gh");
    assert!(
        after.contains("first_seen: '2026-12-01'") && after.contains("last_seen: '2026-12-02'"),
        "{after}"
    );
    assert_eq!(after.matches("first_seen").count(), 1);
    // Without the cache every answer is full again.
    let (nocache, _) = refresh_json(&cat, &server.base, &["--no-cache"]);
    assert_eq!(nocache["not_modified"], 0);
}

fn rate_limited(req: &fs::Req, base: &str) -> Reply {
    if req.path == "/github/repos/o/active" && req.seen == 0 {
        let reset = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 1;
        // GitHub's primary rate limit: 403 with x-ratelimit-remaining 0 and the reset time.
        return Reply::status(403)
            .header("x-ratelimit-limit", "60")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", &reset.to_string());
    }
    if req.path == "/gitlab/projects/g/sub/p" && req.seen == 0 {
        // GitLab: 429 with Retry-After.
        return Reply::status(429).header("Retry-After", "1");
    }
    if req.path == "/github/repos/o/limited" {
        let reset = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 3600;
        return Reply::status(403)
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", &reset.to_string());
    }
    fs::forges(req, base)
}

#[test]
fn rate_limits_pause_and_resume_or_give_up_beyond_the_longest_pause() {
    let server = fs::start(rate_limited);
    let dir = tempfile::tempdir().unwrap();
    let cat = catalog(
        dir.path(),
        &[
            ("gh", "https://github.com/o/active", None),
            ("gl", "https://gitlab.com/g/sub/p", None),
            ("limited", "https://github.com/o/limited", None),
        ],
        "[health]\nmax_wait_seconds = 30\n",
    );
    let (v, o) = refresh_json(&cat, &server.base, &[]);
    assert!(v["pauses"].as_u64().unwrap() >= 2, "{v}");
    assert_eq!(verdict(&v, "gh")["status"], "updated");
    assert_eq!(verdict(&v, "gl")["status"], "updated");
    assert_eq!(verdict(&v, "limited")["status"], "failed");
    let d = v["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{v}");
    assert_eq!(d[0]["code"], "forge-rate-limited");
    assert!(d[0]["help"].as_str().unwrap().contains("GITHUB_TOKEN"));
    assert_eq!(o.status.code(), Some(1));
    assert!(!cat.join("health/limited.yaml").exists());
}

/// 64 MiB of zeros, gzipped (about 64 KiB), made once: compressing it on every request would
/// make the server, not the client, the slow part.
fn bomb() -> Vec<u8> {
    static BOMB: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BOMB.get_or_init(|| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            e.write_all(&zeros).unwrap();
        }
        e.finish().unwrap()
    })
    .clone()
}

fn hostile(req: &fs::Req, base: &str) -> Reply {
    let p = req.path.as_str();
    let json = |body: &[u8]| Reply {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: Body::Bytes(body.to_vec()),
    };
    match p {
        "/github/repos/o/error" => Reply::status(500),
        "/github/repos/o/slow" => Reply {
            status: 200,
            headers: vec![],
            body: Body::Drip(
                br#"{"full_name":"o/slow","archived":false,"default_branch":"main"}"#.to_vec(),
                Duration::from_millis(150),
            ),
        },
        "/github/repos/o/malformed" => json(br#"{"full_name": "o/malformed", "archived": fal"#),
        "/github/repos/o/notutf8" => json(b"{\"full_name\": \"o/\xff\xfe\"}"),
        "/github/repos/o/huge" => Reply {
            status: 200,
            headers: vec![],
            body: Body::Huge(50 * 1024 * 1024),
        },
        "/github/repos/o/loop" => Reply::redirect(302, &format!("{base}/github/repos/o/loop2")),
        "/github/repos/o/loop2" => Reply::redirect(302, &format!("{base}/github/repos/o/loop")),
        "/github/repos/o/bomb" => Reply {
            status: 200,
            headers: vec![
                ("Content-Encoding".into(), "gzip".into()),
                ("Content-Type".into(), "application/json".into()),
            ],
            body: Body::Bytes(bomb()),
        },
        "/github/repos/o/shape" => json(br#"[1, 2, 3]"#),
        _ => fs::forges(req, base),
    }
}

#[test]
fn failures_are_diagnostics_and_keep_the_stored_data() {
    let server = fs::start(hostile);
    let dir = tempfile::tempdir().unwrap();
    let projects = [
        ("ok", "https://github.com/o/active"),
        ("error", "https://github.com/o/error"),
        ("slow", "https://github.com/o/slow"),
        ("malformed", "https://github.com/o/malformed"),
        ("notutf8", "https://github.com/o/notutf8"),
        ("huge", "https://github.com/o/huge"),
        ("loop", "https://github.com/o/loop"),
        ("bomb", "https://github.com/o/bomb"),
        ("shape", "https://github.com/o/shape"),
    ];
    let with_home: Vec<(&str, &str, Option<&str>)> =
        projects.iter().map(|(i, s)| (*i, *s, None)).collect();
    let cat = catalog(dir.path(), &with_home, "[health]\nmax_body_mb = 8\n");
    // Stored data from an earlier run, which a failed refresh must leave byte for byte.
    std::fs::create_dir_all(cat.join("health")).unwrap();
    let stored = "project: error\nobservations:\n- first_seen: 2026-01-01\n  last_seen: 2026-01-01\n  source: https://github.com/o/error\n  forge: github\n  api: https://api.github.com/repos/o/error\n  repository:\n    state: active\n    last_commit: 2025-12-24\n";
    for (id, _) in &projects[1..] {
        std::fs::write(
            cat.join(format!("health/{id}.yaml")),
            stored
                .replace("o/error", &format!("o/{id}"))
                .replace("project: error", &format!("project: {id}")),
        )
        .unwrap();
    }
    let before: Vec<String> = projects[1..]
        .iter()
        .map(|(id, _)| health(&cat, id))
        .collect();
    let (v, o) = refresh_json(&cat, &server.base, &["--timeout-ms", "6000"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(verdict(&v, "ok")["status"], "updated");
    assert!(health(&cat, "ok").contains("commits: 6"));
    let diag = |id: &str| -> Value {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| {
                d["file"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("/{id}.yaml"))
            })
            .cloned()
            .unwrap_or_else(|| panic!("no diagnostic for {id}: {v}"))
    };
    for (id, code, text) in [
        ("error", "fetch-failed", "answered 500"),
        ("slow", "fetch-failed", "no complete answer within 6000 ms"),
        ("malformed", "forge-response-invalid", "not valid JSON"),
        ("notutf8", "forge-response-invalid", "not valid UTF-8"),
        ("huge", "fetch-failed", "larger than 8388608 bytes"),
        ("loop", "fetch-failed", "redirect loop"),
        ("bomb", "fetch-failed", "larger than 8388608 bytes"),
        ("shape", "forge-response-invalid", "documented shape"),
    ] {
        let d = diag(id);
        assert_eq!(d["code"], code, "{id}: {d}");
        assert_eq!(d["severity"], "error");
        assert!(d["message"].as_str().unwrap().contains(text), "{id}: {d}");
        assert!(
            d["message"]
                .as_str()
                .unwrap()
                .contains("stored health data is unchanged")
        );
        assert_eq!(d["pointer"], "/links/source");
        assert!(
            d["line"].as_u64().unwrap() > 0 && d["column"].as_u64().unwrap() > 0,
            "{d}"
        );
        assert_eq!(verdict(&v, id)["status"], "failed");
    }
    let after: Vec<String> = projects[1..]
        .iter()
        .map(|(id, _)| health(&cat, id))
        .collect();
    assert_eq!(before, after, "failed projects keep their stored data");
    // The verdicts still come from the stored data.
    assert_eq!(verdict(&v, "error")["verdict"]["level"], "slow");
}

#[test]
fn a_moved_repository_is_reported_and_a_deleted_one_is_gone() {
    let server = fs::start(fs::forges);
    let dir = tempfile::tempdir().unwrap();
    let cat = catalog(
        dir.path(),
        &[
            ("moved", "https://github.com/o/old", None),
            ("deleted", "https://github.com/o/deleted", None),
            ("removed", "https://github.com/o/removed", None),
            ("archived", "https://github.com/o/archived", None),
        ],
        "",
    );
    let (v, o) = refresh_json(&cat, &server.base, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "a gone repository is a finding, not a failure: {v}"
    );
    assert!(health(&cat, "moved").contains("moved_to: https://github.com/o/renamed"));
    assert!(
        health(&cat, "deleted").contains("state: gone")
            && health(&cat, "deleted").contains("http_status: 404")
    );
    assert!(health(&cat, "removed").contains("http_status: 410"));
    assert_eq!(verdict(&v, "deleted")["verdict"]["level"], "gone");
    assert_eq!(verdict(&v, "deleted")["verdict"]["score"], 0);
    assert_eq!(verdict(&v, "archived")["verdict"]["level"], "archived");
    let o = run(&["validate", cat.to_str().unwrap(), "--today", TODAY]);
    let text = stdout(&o);
    assert!(text.contains("warning[repository-moved]: the repository has moved to https://github.com/o/renamed; the record's source URL https://github.com/o/old is outdated"), "{text}");
    assert!(
        text.contains("help: set `links.source` to `https://github.com/o/renamed`"),
        "{text}"
    );
    assert!(text.contains("warning[repository-gone]"), "{text}");
    assert!(
        text.contains(
            "warning[repository-archived]: the repository is archived (seen on 2026-12-01)"
        ),
        "{text}"
    );
    // `stale` lists the same verdicts and exits 1.
    let o = run(&["stale", cat.to_str().unwrap(), "--today", TODAY]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.contains("repository-gone") && text.contains("deleted: gone 0/10"),
        "{text}"
    );
}

#[test]
fn sources_that_are_not_repositories_and_unreachable_forges_fail_alone() {
    let server = fs::start(fs::forges);
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on: bind, read the port, close.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let cat = catalog(
        dir.path(),
        &[
            ("ok", "https://github.com/o/active", None),
            ("org", "https://github.com/KlimaHeroes", None),
            (
                "subdir",
                "https://github.com/o/active/tree/master/Python",
                None,
            ),
            ("bbsrc", "https://bitbucket.org/w/b/src/dev/", None),
            ("group", "https://gitlab.com/groups/g", None),
            ("unknown", "https://git.example.org/o/r", None),
            ("down", "https://gitea.down.example/o/r", None),
        ],
        "[[health.forges]]\nhost = \"gitea.down.example\"\nkind = \"gitea\"\n",
    );
    let mut args = vec![
        "--api-base".to_owned(),
        format!("gitea.down.example=http://127.0.0.1:{closed}/api/v1"),
    ];
    args.push("--timeout-ms".into());
    args.push("3000".into());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (v, o) = refresh_json(&cat, &server.base, &refs);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(verdict(&v, "ok")["status"], "updated");
    let code_of = |id: &str| -> (String, String) {
        let d = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| {
                d["file"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("/{id}.yaml"))
            })
            .unwrap();
        (
            d["code"].as_str().unwrap().to_owned(),
            d["help"].as_str().unwrap_or("").to_owned(),
        )
    };
    assert_eq!(code_of("org").0, "source-not-repository");
    assert_eq!(
        code_of("subdir"),
        (
            "source-not-repository".into(),
            "link the repository itself: `https://github.com/o/active`".into()
        )
    );
    assert_eq!(
        code_of("bbsrc"),
        (
            "source-not-repository".into(),
            "link the repository itself: `https://bitbucket.org/w/b`".into()
        )
    );
    assert_eq!(code_of("group").0, "source-not-repository");
    assert_eq!(code_of("unknown").0, "forge-unknown");
    assert_eq!(code_of("down").0, "fetch-failed");
    for id in ["org", "subdir", "bbsrc", "group", "unknown", "down"] {
        assert!(!cat.join(format!("health/{id}.yaml")).exists(), "{id}");
    }
    // validate reports the non-repository sources as warnings, with the fix.
    let o = run(&["validate", cat.to_str().unwrap(), "--today", TODAY]);
    let text = stdout(&o);
    assert!(text.contains("warning[source-not-repository]: `https://github.com/o/active/tree/master/Python` is a directory or file inside a repository, not a repository"), "{text}");
}

#[test]
fn private_addresses_are_refused_without_allow_private() {
    let server = fs::start(fs::forges);
    let dir = tempfile::tempdir().unwrap();
    let cat = catalog(
        dir.path(),
        &[("gh", "https://github.com/o/active", None)],
        "",
    );
    // Through a host name that resolves to loopback, too: the check is on the address.
    let base = server.base.replace("127.0.0.1", "localhost");
    for b in [&server.base, &base] {
        let o = run(&[
            "refresh",
            cat.to_str().unwrap(),
            "--api-base",
            &format!("github.com={b}/github"),
            "--today",
            TODAY,
            "--format",
            "json",
        ]);
        assert_eq!(o.status.code(), Some(1));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let d = &v["diagnostics"][0];
        assert_eq!(d["code"], "fetch-refused", "{v}");
        assert!(
            d["message"].as_str().unwrap().contains("loopback address"),
            "{d}"
        );
        assert_eq!(
            d["help"],
            "pass --allow-private to reach a forge on a private network"
        );
    }
    assert_eq!(
        server.requests.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "no request reached the server"
    );
    assert!(!cat.join("health").exists());
}

#[test]
fn slow_and_stale_projects_need_help_sooner_in_matching() {
    let dir = tempfile::tempdir().unwrap();
    let cat = catalog(
        dir.path(),
        &[("quiet", "https://github.com/o/quiet", None)],
        "",
    );
    std::fs::create_dir_all(cat.join("partners")).unwrap();
    std::fs::create_dir_all(cat.join("offers")).unwrap();
    std::fs::write(
        cat.join("partners/acme.yaml"),
        "id: acme\nname: Acme\nkind: company\nregion: '05515000'\n",
    )
    .unwrap();
    std::fs::write(
        cat.join("offers/acme-dev.yaml"),
        "id: acme-dev\npartner: acme\nkind: technical\nskills: [rust]\nremote: true\n",
    )
    .unwrap();
    let explain = || {
        stdout(&run(&[
            "match",
            cat.to_str().unwrap(),
            "--project",
            "quiet",
            "--explain",
            "--today",
            TODAY,
        ]))
    };
    let without = explain();
    assert!(
        without.contains("project live\n") || without.contains("project live"),
        "{without}"
    );
    assert!(!without.contains("repository"), "{without}");
    std::fs::create_dir_all(cat.join("health")).unwrap();
    std::fs::write(
        cat.join("health/quiet.yaml"),
        "project: quiet\nobservations:\n- first_seen: 2026-11-30\n  last_seen: 2026-11-30\n  source: https://github.com/o/quiet\n  forge: github\n  api: https://api.github.com/repos/o/quiet\n  repository:\n    last_commit: 2025-06-01\n",
    )
    .unwrap();
    let with = explain();
    assert!(
        with.contains("urgency")
            && with.contains("project live, repository stale (status urgency 1.0)"),
        "{with}"
    );
    let urgency = |t: &str| -> f64 {
        let line = t
            .lines()
            .find(|l| l.trim_start().starts_with("urgency"))
            .unwrap();
        let value = line
            .split('×')
            .nth(1)
            .unwrap()
            .split('→')
            .next()
            .unwrap()
            .trim();
        value.parse().unwrap()
    };
    assert!(urgency(&with) > urgency(&without), "{without}\n{with}");
    // A project declared complete is not urgent for being quiet.
    let p = std::fs::read_to_string(cat.join("projects/quiet.yaml")).unwrap();
    std::fs::write(
        cat.join("projects/quiet.yaml"),
        format!("{p}complete:\n  since: 2025-01-01\n  reason: feature-complete\n"),
    )
    .unwrap();
    let complete = explain();
    assert!(!complete.contains("repository"), "{complete}");
}

#[test]
fn offline_uses_only_what_is_stored() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/muenster");
    let o = run(&[
        "refresh",
        root.to_str().unwrap(),
        "--offline",
        "--today",
        "2026-12-01",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("offline: verdicts on 2026-12-01 from the stored health data of"),
        "{text}"
    );
    assert!(text.contains("no request made"));
}

#[test]
fn exports_carry_the_verdict_and_the_portal_explains_it() {
    let dir = tempfile::tempdir().unwrap();
    let cat = catalog(
        dir.path(),
        &[
            ("quiet", "https://github.com/o/quiet", None),
            ("plain", "https://github.com/o/plain", None),
        ],
        "",
    );
    std::fs::create_dir_all(cat.join("health")).unwrap();
    std::fs::write(
        cat.join("health/quiet.yaml"),
        "project: quiet\nobservations:\n- first_seen: 2026-11-30\n  last_seen: 2026-11-30\n  source: https://github.com/o/quiet\n  forge: github\n  api: https://api.github.com/repos/o/quiet\n  repository:\n    last_commit: 2026-05-03\n",
    )
    .unwrap();
    let out_dir = dir.path().join("csv");
    let o = run(&[
        "export",
        cat.to_str().unwrap(),
        "--format",
        "csv",
        "--csv-dialect",
        "rfc4180",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out_dir.join("projects.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with("health_level,health_score,health_as_of"),
        "{header}"
    );
    let quiet = csv.lines().find(|l| l.starts_with("quiet,")).unwrap();
    assert!(quiet.ends_with(",slow,2,2026-11-30"), "{quiet}");
    let plain = csv.lines().find(|l| l.starts_with("plain,")).unwrap();
    assert!(plain.ends_with(",,,"), "{plain}");

    let out_dir = dir.path().join("json");
    let o = run(&[
        "export",
        cat.to_str().unwrap(),
        "--format",
        "json",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("health.json")).unwrap())
            .unwrap();
    assert_eq!(v[0]["project"], "quiet");
    assert_eq!(v[0]["level"], "slow");
    assert_eq!(v[0]["as_of"], "2026-11-30");
    assert!(
        v[0]["sentence"]["de"]
            .as_str()
            .unwrap()
            .starts_with("Seit 211 Tagen hat sich an der Software nichts geändert")
    );
    assert_eq!(v[0]["checks"][0]["code"], "maintenance-slow");
    // The exported catalog loads back with its health data.
    let o = run(&["stale", out_dir.to_str().unwrap(), "--today", "2026-11-30"]);
    assert!(stdout(&o).contains("quiet: slow 2/10"), "{}", stdout(&o));

    let site = dir.path().join("site");
    let o = run(&[
        "export",
        cat.to_str().unwrap(),
        "--format",
        "html",
        "--out",
        site.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let de = std::fs::read_to_string(site.join("projects/quiet.html")).unwrap();
    assert!(de.contains("<p class=\"health\">Seit 211 Tagen hat sich an der Software nichts geändert; das Projekt braucht Unterstützung. (Stand: 30. November 2026)</p>"), "{de}");
    let en = std::fs::read_to_string(site.join("en/projects/quiet.html")).unwrap();
    assert!(
        en.contains("<p class=\"health\">Nothing has changed in the software for 211 days"),
        "{en}"
    );
    let plain = std::fs::read_to_string(site.join("projects/plain.html")).unwrap();
    assert!(!plain.contains("class=\"health\""));
}

/// The token variable of a self-hosted forge at `host`, as the README states the rule:
/// `DIGIFARM_TOKEN_` and the host in upper case, `.` and `:` as `_`, `-` as `__`.
fn derived_variable(host: &str) -> String {
    let rest: String = host
        .chars()
        .map(|c| match c {
            '-' => "__".to_owned(),
            c if c.is_ascii_alphanumeric() => c.to_ascii_uppercase().to_string(),
            _ => "_".to_owned(),
        })
        .collect();
    format!("DIGIFARM_TOKEN_{rest}")
}

fn token_checking(req: &fs::Req, base: &str) -> Reply {
    if req.path.starts_with("/github/") && req.header("authorization") != Some("Bearer s3cret") {
        return Reply::status(401);
    }
    if req.path.starts_with("/home/") && req.header("authorization").is_some() {
        return Reply::status(418);
    }
    if req.path.starts_with("/gitea/") && req.header("authorization") != Some("token t0ken") {
        return Reply::status(401);
    }
    if req.path == "/github/repos/o/chain" || req.path.starts_with("/chain/") {
        let n: u32 = req
            .path
            .rsplit('/')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        return Reply::redirect(302, &format!("{base}/chain/{}", n + 1));
    }
    fs::forges(req, base)
}

#[test]
fn tokens_go_to_their_forge_only_and_self_hosted_forges_come_from_the_config() {
    let server = fs::start(token_checking);
    let b = server.base.clone();
    // The self-hosted forge serves its API on its own host (here the test server's): only
    // there does its token go.
    let own = b.trim_start_matches("http://").to_owned();
    let dir = tempfile::tempdir().unwrap();
    let cat = catalog(
        dir.path(),
        &[
            (
                "gh",
                "https://github.com/o/active",
                Some(&format!("{b}/home/200")),
            ),
            ("own", &format!("https://{own}/o/f"), None),
            ("chain", "https://github.com/o/chain", None),
        ],
        &format!("[[health.forges]]\nhost = \"{own}\"\nkind = \"gitea\"\napi = \"{b}/gitea\"\n"),
    );
    let o = run::digifarm()
        .args([
            "refresh",
            cat.to_str().unwrap(),
            "--allow-private",
            "--api-base",
            &format!("github.com={b}/github"),
            "--today",
            TODAY,
            "--format",
            "json",
        ])
        // Tokens on purpose (the shared runner removes the forge tokens by default).
        .env("GITHUB_TOKEN", "s3cret")
        .env(derived_variable(&own), "t0ken")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    // The token reached GitHub's API, not the homepage (which would answer 418).
    assert_eq!(verdict(&v, "gh")["status"], "updated", "{v}");
    assert!(health(&cat, "gh").contains("status: 200"));
    // The self-hosted Forgejo from [[health.forges]], with the token of the variable derived
    // from its host (`DIGIFARM_TOKEN_127_0_0_1_<PORT>`).
    assert_eq!(verdict(&v, "own")["status"], "updated", "{v}");
    assert!(health(&cat, "own").contains("forge: gitea"));
    // An endless chain of redirects stops at the limit.
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "fetch-failed");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("more than 5 redirects"),
        "{d}"
    );
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("s3cret")
            && !String::from_utf8_lossy(&o.stderr).contains("s3cret")
    );
    for entry in std::fs::read_dir(cat.join(".digifarm-cache/http")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(
            !text.contains("s3cret") && !text.contains("t0ken"),
            "no token in the cache"
        );
    }
    // Without the token GitHub refuses (401): a failure, stored data kept.
    let o = run(&[
        "refresh",
        cat.to_str().unwrap(),
        "--allow-private",
        "--api-base",
        &format!("github.com={b}/github"),
        "--today",
        "2026-12-02",
        "--project",
        "gh",
        "--no-cache",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("answered 401"), "{}", stdout(&o));
    // Not on a terminal (CI): one plain progress line per project on stderr, no bar.
    assert_eq!(stderr(&o), "refresh 1/1: gh failed\n");
}

#[test]
fn requests_in_flight_are_bounded() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let projects: Vec<(String, String)> = (0..12)
        .map(|i| (format!("p{i}"), format!("https://github.com/o/p{i}")))
        .collect();
    let refs: Vec<(&str, &str, Option<&str>)> = projects
        .iter()
        .map(|(i, s)| (i.as_str(), s.as_str(), None))
        .collect();
    let cat = catalog(dir.path(), &refs, "");
    for (flag, bound) in [(Some("2"), 2), (None, 4)] {
        // Every repository document takes 100 ms, so parallel requests overlap; a request
        // counts as in flight while its answer is being prepared (the client cannot have it
        // yet), which measures the client's parallelism without the server's own delays.
        let (now, max) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let (n2, m2) = (now.clone(), max.clone());
        let server = fs::start(move |req, base| {
            if req.path.starts_with("/github/repos/") && req.path.matches('/').count() == 4 {
                let c = n2.fetch_add(1, Ordering::SeqCst) + 1;
                m2.fetch_max(c, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(100));
                n2.fetch_sub(1, Ordering::SeqCst);
            }
            fs::forges(req, base)
        });
        let mut extra = vec!["--no-cache"];
        if let Some(n) = flag {
            extra.extend(["--concurrency", n]);
        }
        let (v, o) = refresh_json(&cat, &server.base, &extra);
        assert_eq!(o.status.code(), Some(0), "{v}");
        let max = max.load(Ordering::SeqCst);
        assert!(max <= bound, "{max} requests in flight, bound {bound}");
        assert!(max >= 2, "the requests ran one at a time ({max})");
    }
}

/// A server that notes every credential header it receives (and otherwise answers like the
/// forges), to check that none arrives.
fn recording_server() -> (fs::Server, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let server = fs::start(move |req, base| {
        for name in ["authorization", "private-token"] {
            if let Some(v) = req.header(name) {
                log.lock()
                    .unwrap()
                    .push(format!("{} {name}: {v}", req.path));
            }
        }
        fs::forges(req, base)
    });
    (server, seen)
}

/// `digifarm refresh CAT --allow-private --format json` with exactly the environment given
/// (plus the common one), and no `--api-base`: where requests go is the catalog's doing.
fn refresh_env(cat: &Path, env: &[(&str, &str)]) -> (Value, Output) {
    let mut cmd = run::digifarm();
    cmd.args(["refresh", cat.to_str().unwrap(), "--allow-private"])
        .args(["--today", TODAY, "--format", "json", "--no-cache"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&o), stderr(&o)));
    (v, o)
}

#[test]
fn a_catalog_cannot_send_a_built_in_forges_token_elsewhere() {
    let (server, seen) = recording_server();
    let b = server.base.clone();
    let dir = tempfile::tempdir().unwrap();
    // The catalog (a stranger's pull request) points github.com and gitlab.com at its own
    // server: they are read there, but without the city's tokens.
    let cat = catalog(
        dir.path(),
        &[
            ("gh", "https://github.com/o/active", None),
            ("gh2", "https://github.com/o/active-too", None),
            ("gl", "https://gitlab.com/g/sub/p", None),
        ],
        &format!(
            "[[health.forges]]\nhost = \"github.com\"\nkind = \"github\"\napi = \"{b}/github\"\n\n[[health.forges]]\nhost = \"gitlab.com\"\nkind = \"gitlab\"\napi = \"{b}/gitlab\"\n"
        ),
    );
    let env = [("GITHUB_TOKEN", "s3cret"), ("GITLAB_TOKEN", "gl-s3cret")];
    let (v, o) = refresh_env(&cat, &env);
    assert_eq!(verdict(&v, "gh")["status"], "updated", "{v}");
    assert_eq!(verdict(&v, "gl")["status"], "updated", "{v}");
    assert_eq!(
        *seen.lock().unwrap(),
        Vec::<String>::new(),
        "a token reached the catalog's server"
    );
    // Said once per forge, by variable and host, never by value.
    let withheld = v["tokens_withheld"].as_array().unwrap();
    assert_eq!(withheld.len(), 2, "{v}");
    assert_eq!(withheld[0]["variable"], "GITHUB_TOKEN");
    assert_eq!(withheld[0]["host"], "github.com");
    assert!(
        withheld[0]["reason"]
            .as_str()
            .unwrap()
            .contains("https://api.github.com"),
        "{v}"
    );
    assert_eq!(withheld[1]["variable"], "GITLAB_TOKEN");
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!all.contains("s3cret"), "{all}");

    // The human output says so too, once per forge.
    let o = run::digifarm()
        .args(["refresh", cat.to_str().unwrap(), "--allow-private"])
        .args(["--today", TODAY, "--no-cache"])
        .envs(env)
        .output()
        .unwrap();
    let out = stdout(&o);
    assert_eq!(
        out.matches("note: GITHUB_TOKEN is set but was not sent to github.com")
            .count(),
        1,
        "{out}"
    );
    assert!(out.contains("note: GITLAB_TOKEN is set but was not sent to gitlab.com"));
    assert!(!out.contains("s3cret"), "{out}");
    assert!(seen.lock().unwrap().is_empty());

    // The same API base given on the command line is the operator's choice: the token goes.
    let o = run::digifarm()
        .args(["refresh", cat.to_str().unwrap(), "--allow-private"])
        .args(["--today", TODAY, "--no-cache", "--project", "gh"])
        .args(["--api-base", &format!("github.com={b}/github")])
        .envs(env)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(!stdout(&o).contains("note: GITHUB_TOKEN"), "{}", stdout(&o));
    let got = seen.lock().unwrap().clone();
    assert!(!got.is_empty(), "no token sent to the --api-base");
    assert!(
        got.iter()
            .all(|l| l.ends_with("authorization: Bearer s3cret")),
        "{got:?}"
    );
}

#[test]
fn token_env_names_no_secret_and_a_self_hosted_forge_uses_its_derived_variable() {
    let (server, seen) = recording_server();
    let b = server.base.clone();
    let own = b.trim_start_matches("http://").to_owned();
    let dir = tempfile::tempdir().unwrap();
    let cat = catalog(
        dir.path(),
        &[("own", &format!("https://{own}/o/f"), None)],
        &format!(
            "[[health.forges]]\nhost = \"{own}\"\nkind = \"gitea\"\napi = \"{b}/gitea\"\ntoken_env = \"SOME_SECRET\"\n"
        ),
    );
    // The variable the catalog names is not read.
    let (v, o) = refresh_env(&cat, &[("SOME_SECRET", "aws-s3cret")]);
    assert_eq!(verdict(&v, "own")["status"], "updated", "{v}");
    assert!(
        seen.lock().unwrap().is_empty(),
        "{:?}",
        seen.lock().unwrap()
    );
    let d = v["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{v}");
    assert_eq!(d[0]["code"], "health-token-env-ignored");
    assert_eq!(d[0]["severity"], "warning");
    assert_eq!(d[0]["pointer"], "/health/forges/0/token_env");
    assert!(d[0]["file"].as_str().unwrap().ends_with("digifarm.toml"));
    let derived = derived_variable(&own);
    assert!(
        d[0]["message"].as_str().unwrap().contains(&derived),
        "{}",
        d[0]
    );
    // A warning is no failure.
    assert_eq!(o.status.code(), Some(0), "{v}");
    assert!(!String::from_utf8_lossy(&o.stdout).contains("aws-s3cret"));

    // The variable derived from the forge's host is, and its token goes to the forge's own
    // host.
    let (v, _) = refresh_env(&cat, &[("SOME_SECRET", "aws-s3cret"), (&derived, "t0ken")]);
    // The same signals as the first run: confirmed.
    assert_eq!(verdict(&v, "own")["status"], "confirmed", "{v}");
    let got = seen.lock().unwrap().clone();
    assert!(!got.is_empty());
    assert!(
        got.iter()
            .all(|l| l.ends_with("authorization: token t0ken")),
        "{got:?}"
    );

    // `digifarm validate` reports the ignored key as well.
    let o = run(&[
        "validate",
        cat.to_str().unwrap(),
        "--format",
        "json",
        "--today",
        TODAY,
    ]);
    assert!(
        stdout(&o).contains("health-token-env-ignored"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_self_hosted_forges_token_goes_only_to_its_own_host() {
    let (server, seen) = recording_server();
    let b = server.base.clone();
    let dir = tempfile::tempdir().unwrap();
    // git.example.org's API put on another host: its token stays home.
    let cat = catalog(
        dir.path(),
        &[("own", "https://git.example.org/o/f", None)],
        &format!(
            "[[health.forges]]\nhost = \"git.example.org\"\nkind = \"gitea\"\napi = \"{b}/gitea\"\n"
        ),
    );
    let (v, _) = refresh_env(&cat, &[("DIGIFARM_TOKEN_GIT_EXAMPLE_ORG", "t0ken")]);
    assert_eq!(verdict(&v, "own")["status"], "updated", "{v}");
    assert!(
        seen.lock().unwrap().is_empty(),
        "{:?}",
        seen.lock().unwrap()
    );
    assert_eq!(
        v["tokens_withheld"][0]["variable"], "DIGIFARM_TOKEN_GIT_EXAMPLE_ORG",
        "{v}"
    );
}

#[test]
fn a_reset_beyond_any_clock_is_a_rate_limit_not_a_crash() {
    let server = fs::start(|req, base| {
        if req.path == "/github/repos/o/absurd" {
            return Reply::status(403)
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", "18446744073709551615");
        }
        if req.path == "/gitlab/projects/g/sub/p" {
            return Reply::status(429).header("RateLimit-Reset", "18446744073709551615");
        }
        fs::forges(req, base)
    });
    let dir = tempfile::tempdir().unwrap();
    let cat = catalog(
        dir.path(),
        &[
            ("absurd", "https://github.com/o/absurd", None),
            ("gl", "https://gitlab.com/g/sub/p", None),
            ("gh", "https://github.com/o/active", None),
        ],
        "",
    );
    let (v, o) = refresh_json(&cat, &server.base, &["--no-cache"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert_eq!(verdict(&v, "absurd")["status"], "failed");
    assert_eq!(verdict(&v, "gl")["status"], "failed");
    assert_eq!(verdict(&v, "gh")["status"], "updated");
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["forge-rate-limited", "forge-rate-limited"], "{v}");
    assert!(!cat.join("health/absurd.yaml").exists());
}

#[test]
fn the_cache_directory_stays_inside_the_catalog() {
    let server = fs::start(fs::forges);
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let absolute = outside.join("abs");
    for (case, cache_dir) in [
        // From `dir/<case>/cat`: two levels up is `dir`, whose `outside` is checked below.
        ("dot-dot", "../../outside/x".to_owned()),
        ("absolute", absolute.display().to_string()),
        ("link", "linked".to_owned()),
        ("link-below", "cache/inner".to_owned()),
    ] {
        let case_dir = dir.path().join(case);
        std::fs::create_dir(&case_dir).unwrap();
        let cat = catalog(
            &case_dir,
            &[("gh", "https://github.com/o/active", None)],
            &format!("[health]\ncache_dir = {cache_dir:?}\n"),
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, cat.join("linked")).unwrap();
            std::fs::create_dir(cat.join("cache")).unwrap();
            std::os::unix::fs::symlink(&outside, cat.join("cache/inner")).unwrap();
        }
        if case.starts_with("link") && !cfg!(unix) {
            continue;
        }
        let (v, o) = refresh_json(&cat, &server.base, &[]);
        let d = v["diagnostics"].as_array().unwrap();
        assert_eq!(d.len(), 1, "{case}: {v}");
        assert_eq!(d[0]["code"], "outside-catalog", "{case}");
        assert_eq!(d[0]["severity"], "error", "{case}");
        assert_eq!(d[0]["pointer"], "/health/cache_dir", "{case}");
        assert!(d[0]["file"].as_str().unwrap().ends_with("digifarm.toml"));
        assert!(d[0]["message"].as_str().unwrap().contains("cache_dir"));
        // The projects are refreshed all the same, without a cache; the error is exit 1.
        assert_eq!(verdict(&v, "gh")["status"], "updated", "{case}: {v}");
        assert_eq!(o.status.code(), Some(1), "{case}");
        assert_eq!(
            std::fs::read_dir(&outside).unwrap().count(),
            0,
            "{case}: something was written outside the catalog"
        );
        assert!(!dir.path().join("outside/x").exists());
        // `digifarm validate` reports it too.
        let o = run(&["validate", cat.to_str().unwrap(), "--format", "json"]);
        assert!(
            stdout(&o).contains("/health/cache_dir"),
            "{case}: {}",
            stdout(&o)
        );
    }
    // Inside the catalog, spelt with a leading `./` or not, the cache is used.
    for (case, cache_dir) in [
        ("dot", "./.digifarm-cache"),
        ("nested", "cache/http-answers"),
    ] {
        let case_dir = dir.path().join(case);
        std::fs::create_dir(&case_dir).unwrap();
        let cat = catalog(
            &case_dir,
            &[("gh", "https://github.com/o/active", None)],
            &format!("[health]\ncache_dir = {cache_dir:?}\n"),
        );
        let (v, o) = refresh_json(&cat, &server.base, &[]);
        assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0, "{case}: {v}");
        assert_eq!(o.status.code(), Some(0), "{case}: {v}");
        assert!(cat.join(cache_dir).join("http").is_dir(), "{case}");
    }
}

#[cfg(unix)]
#[test]
fn a_health_directory_linked_out_of_the_catalog_is_never_written() {
    let server = fs::start(fs::forges);
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let cat = catalog(
        dir.path(),
        &[
            ("gh", "https://github.com/o/active", None),
            ("cb", "https://codeberg.org/o/f", None),
        ],
        "",
    );
    std::os::unix::fs::symlink(&outside, cat.join("health")).unwrap();

    // Loading reports the link, as any path out of the catalog.
    let o = run(&["validate", cat.to_str().unwrap(), "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let found = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "outside-catalog")
        .unwrap_or_else(|| panic!("{v}"));
    assert!(
        found["file"].as_str().unwrap().ends_with("health"),
        "{found}"
    );
    assert_ne!(o.status.code(), Some(0));

    // Refresh reads every project, writes none through the link, and reports each failed.
    let (v, o) = refresh_json(&cat, &server.base, &[]);
    assert_eq!(o.status.code(), Some(1));
    for id in ["gh", "cb"] {
        assert_eq!(verdict(&v, id)["status"], "failed", "{v}");
    }
    let d = v["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 2, "{v}");
    assert!(d.iter().all(|d| d["code"] == "outside-catalog"), "{v}");
    assert!(v["written"].as_array().unwrap().is_empty());
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
}
