//! A published site is switched, never torn: `digifarm export --force` killed with SIGKILL
//! at any moment leaves the output directory exactly as the previous export wrote it or
//! exactly as the new one does, never a mixture; the next export removes what killed runs
//! left behind (and nothing that is not its own); files someone else put into the site stay.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use digifarm_core::catalog::Catalog;
use digifarm_core::synth;

const TODAY: &str = "2026-09-01";

/// A synthetic catalog of `n` projects for the city `city`, written as a catalog directory.
fn write_catalog(dir: &Path, seed: u64, n: usize, city: &str) {
    let mut s = synth::catalog(seed, n, n / 20 + 2, n / 10 + 2);
    s.config.city.name = city.to_owned();
    let c = Catalog::from_records(s.config, s.projects, s.partners, s.offers);
    std::fs::create_dir_all(dir).unwrap();
    let lock = digifarm_core::catalog::write::CatalogLock::acquire(dir).unwrap();
    digifarm_core::catalog::write::write_collections(&lock, &c).unwrap();
}

type Tree = BTreeMap<PathBuf, Vec<u8>>;

/// Every file below `dir` (relative path → bytes).
fn tree(dir: &Path) -> Tree {
    let mut files = Tree::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for e in std::fs::read_dir(dir.join(&rel)).unwrap() {
            let e = e.unwrap();
            let r = rel.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                stack.push(r);
            } else {
                files.insert(r.clone(), std::fs::read(dir.join(&r)).unwrap());
            }
        }
    }
    files
}

fn export_cmd(catalog: &Path, out: &Path, force: bool) -> Command {
    let mut cmd = run::digifarm();
    cmd.args(["export", "--format", "html", "--today", TODAY, "--out"])
        .arg(out)
        .arg(catalog)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        // Every run the same cost, so that the kills spread over the export as timed: with
        // the image cache, the first run scales the images and the next ones read copies.
        .env("DIGIFARM_IMAGE_CACHE", "off");
    if force {
        cmd.arg("--force");
    }
    cmd
}

fn export(catalog: &Path, out: &Path, force: bool) -> Duration {
    let start = Instant::now();
    let run = export_cmd(catalog, out, force).output().unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    start.elapsed()
}

/// A small deterministic pseudo-random sequence (no dependency needed for test delays).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// How two trees differ, in a few words (not their bytes).
fn diff(now: &Tree, expected: &Tree) -> String {
    let extra = now.keys().filter(|k| !expected.contains_key(*k)).count();
    let missing = expected.keys().filter(|k| !now.contains_key(*k)).count();
    let changed: Vec<&PathBuf> = now
        .iter()
        .filter(|(k, v)| expected.get(*k).is_some_and(|e| e != *v))
        .map(|(k, _)| k)
        .collect();
    let first_extra = now.keys().find(|k| !expected.contains_key(*k));
    format!(
        "{extra} extra files (e.g. {first_extra:?}), {missing} missing, {} changed (e.g. {:?})",
        changed.len(),
        changed.first()
    )
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_killed_export_leaves_the_old_site_or_the_new_one_never_a_mixture() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    // Two versions of a catalog: B names the city differently (every page changes) and has
    // fewer projects than A (pages go away).
    let (cat_a, cat_b) = (root.join("cat-a"), root.join("cat-b"));
    write_catalog(&cat_a, 1, 300, "Münster");
    write_catalog(&cat_b, 1, 240, "Münster (Westf.)");
    // What each export is on its own.
    let refs = root.join("refs");
    std::fs::create_dir(&refs).unwrap();
    export(&cat_a, &refs.join("a"), false);
    export(&cat_b, &refs.join("b"), false);
    let (tree_a, tree_b) = (tree(&refs.join("a")), tree(&refs.join("b")));
    assert!(tree_a != tree_b);
    assert!(tree_a.len() > tree_b.len());

    let public = root.join("public");
    std::fs::create_dir(&public).unwrap();
    let site = public.join("site");
    export(&cat_a, &site, false);
    // A file the city put into its site, and names next to it that only look like ours.
    std::fs::write(site.join("CNAME"), "digifarm.example.org\n").unwrap();
    let decoys = [
        ".site.digifarm-staging-mine",
        ".site.digifarm-staging-1-2-3",
        "site.digifarm-staging-1-2",
        ".site.tmp-notes",
    ];
    for d in decoys {
        std::fs::create_dir(public.join(d)).unwrap();
        std::fs::write(public.join(d).join("keep"), "not digifarm's").unwrap();
    }
    let expected = |t: &Tree| {
        let mut t = t.clone();
        t.insert(PathBuf::from("CNAME"), b"digifarm.example.org\n".to_vec());
        t
    };
    let (full_a, full_b) = (expected(&tree_a), expected(&tree_b));
    let full = |target_is_a: bool| if target_is_a { &full_a } else { &full_b };

    // How long one export over the site takes, to spread the kills over it.
    let mut current_is_a = false;
    let duration = export(&cat_b, &site, true);
    assert!(tree(&site) == full_b, "{}", diff(&tree(&site), &full_b));

    let mut rng = Lcg(0x5eed);
    let (mut killed, mut left_debris) = (0, 0);
    let rounds = 24;
    let mut round = 0;
    // Kills spread over a whole run first. The staging directory exists only while the files
    // are written, late in a run and briefly: until a kill has landed there, more runs follow
    // with kills aimed at the second half of a run (on a busy machine the spread ones can all
    // miss it).
    while round < rounds || (left_debris == 0 && round < rounds + 200) {
        let u = (rng.next() % 1000) as f64 / 1000.0;
        let fraction = if round < rounds {
            u * 1.1
        } else {
            0.5 + 0.6 * u
        };
        let target_is_a = !current_is_a;
        let catalog = if target_is_a { &cat_a } else { &cat_b };
        let mut child = export_cmd(catalog, &site, true).spawn().unwrap();
        let delay = duration.mul_f64(fraction);
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.signal() == Some(9) {
            killed += 1;
        }
        let now = tree(&site);
        if &now == full(target_is_a) {
            current_is_a = target_is_a;
        } else {
            assert!(
                &now == full(current_is_a),
                "round {round}: the site is neither the old export nor the new one; against the old: {}; against the new: {}",
                diff(&now, full(current_is_a)),
                diff(&now, full(target_is_a))
            );
        }
        if names(&public)
            .iter()
            .any(|n| n.starts_with(".site.digifarm-staging-") && !decoys.contains(&n.as_str()))
        {
            left_debris += 1;
        }
        round += 1;
    }
    // The kills really landed while exports ran and left their staging behind.
    assert!(
        killed >= rounds / 2,
        "only {killed} of {round} runs were killed"
    );
    assert!(
        left_debris > 0,
        "no killed run of {round} left a staging directory"
    );

    // The next export completes, is exactly the new site, and removes every killed run's
    // debris, and only that.
    let target_is_a = !current_is_a;
    export(if target_is_a { &cat_a } else { &cat_b }, &site, true);
    let now = tree(&site);
    assert!(
        &now == full(target_is_a),
        "{}",
        diff(&now, full(target_is_a))
    );
    let mut left = names(&public);
    left.retain(|n| !decoys.contains(&n.as_str()));
    assert_eq!(left, [".site.digifarm-lock", "site"]);
    for d in decoys {
        assert_eq!(
            std::fs::read_to_string(public.join(d).join("keep")).unwrap(),
            "not digifarm's"
        );
    }
}

#[test]
fn debris_of_a_killed_run_is_removed_by_the_next_export() {
    let tmp = tempfile::tempdir().unwrap();
    let cat = tmp.path().join("cat");
    write_catalog(&cat, 3, 20, "Münster");
    let site = tmp.path().join("site");
    export(&cat, &site, false);
    // What runs killed at different points leave: a staging directory next to the site, one
    // inside it (the per-file switch of a mount point), the temporary file of a single-file
    // export.
    let staging = tmp.path().join(".site.digifarm-staging-4242-0");
    std::fs::create_dir_all(staging.join("projects")).unwrap();
    std::fs::write(staging.join("projects/x.html"), "half").unwrap();
    std::fs::create_dir(site.join(".digifarm-staging-4242-1")).unwrap();
    export(&cat, &site, true);
    assert!(!staging.exists());
    assert!(!site.join(".digifarm-staging-4242-1").exists());
    let feed = tmp.path().join("feed.atom");
    std::fs::write(tmp.path().join(".feed.atom.tmp-4242-0"), "half").unwrap();
    let run = run::digifarm()
        .args(["export", "--format", "atom", "--today", TODAY, "--out"])
        .arg(&feed)
        .arg(&cat)
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(!tmp.path().join(".feed.atom.tmp-4242-0").exists());
    assert!(feed.is_file());
}
