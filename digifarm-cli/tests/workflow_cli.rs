//! `digifarm propose`, `review`, `stale`, `stats` and `merge` end to end on a copy of the
//! Münster example.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use std::path::{Path, PathBuf};

use run::{run, stdout};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn muenster_copy(dir: &Path) -> PathBuf {
    let cat = dir.join("muenster");
    copy_dir(&root().join("examples/muenster"), &cat);
    cat
}

/// Lets every admissible pair into rankings and the assignment (`[matching] min_score = 0`),
/// for tests about which offers may serve which projects rather than about weak pairs.
fn without_minimum_score(catalog: &Path) {
    let toml = catalog.join("digifarm.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    assert!(!text.contains("min_score"));
    text.push_str("\n[matching]\nmin_score = 0.0\n");
    std::fs::write(&toml, text).unwrap();
}

fn proposal() -> String {
    root()
        .join("examples/proposals/lastenrad-muenster.yaml")
        .display()
        .to_string()
}

/// Every file of a directory with its content, for "nothing else changed" checks.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(snapshot(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

/// A proposal saved with a byte order mark (as many Windows editors save) is read as the
/// catalog's own files are: the mark skipped, in YAML and in JSON.
#[test]
fn a_proposal_with_a_byte_order_mark_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(proposal()).unwrap();
    let value = digifarm_core::source::yaml::parse(&text).unwrap();
    for (name, body) in [
        ("p.yaml", text.clone()),
        ("p.json", serde_json::to_string(&value).unwrap()),
    ] {
        let cat = dir.path().join(name.replace('.', "-"));
        copy_dir(&root().join("examples/muenster"), &cat);
        let file = dir.path().join(name);
        std::fs::write(&file, format!("\u{feff}{body}")).unwrap();
        let o = run(&[
            "propose",
            cat.to_str().unwrap(),
            "--from",
            file.to_str().unwrap(),
            "--today",
            "2026-11-20",
        ]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stdout(&o));
        assert!(cat.join("projects/lastenrad-muenster.yaml").is_file());
    }
}

#[test]
fn propose_review_and_stats_on_the_muenster_example() {
    let dir = tempfile::tempdir().unwrap();
    let cat = muenster_copy(dir.path());
    let c = cat.to_str().unwrap();
    let before = snapshot(&cat);

    let o = run(&["propose", c, "--from", &proposal(), "--today", "2026-11-20"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("`lastenrad-muenster` proposed"));
    // The proposer (personal data) is not named in what lands in a CI log.
    assert!(
        stdout(&o).contains("by the proposer on 2026-11-20"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("Erika"), "{}", stdout(&o));
    let file = cat.join("projects/lastenrad-muenster.yaml");
    // Only the new record was written.
    let mut after = snapshot(&cat);
    after.retain(|(p, _)| p != &file);
    assert_eq!(after, before);

    // Proposing again is refused: the id is taken; nothing changes.
    let o = run(&["propose", c, "--from", &proposal(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["accepted"], false);
    assert_eq!(v["diagnostics"][0]["code"], "duplicate-id");

    let o = run(&["review", c, "--pending", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["id"], "lastenrad-muenster");
    assert_eq!(v[0]["checklist"].as_array().unwrap().len(), 7);

    // Admitting straight from `proposed` is refused and leaves the file as it was.
    let proposed = std::fs::read(&file).unwrap();
    let o = run(&[
        "review",
        c,
        "lastenrad-muenster",
        "--admit",
        "--by",
        "LK",
        "--reason",
        "ok",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot admit a project that is proposed"));
    assert_eq!(std::fs::read(&file).unwrap(), proposed);

    for (flag, date) in [("--start-review", "2026-11-23"), ("--admit", "2026-11-26")] {
        let o = run(&[
            "review",
            c,
            "lastenrad-muenster",
            flag,
            "--by",
            "Lenkungskreis",
            "--reason",
            "ok",
            "--today",
            date,
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.matches("  - date:").count(), 3, "{text}");
    assert!(text.contains("lifecycle: admitted") && text.contains("admitted_on: '2026-11-26'"));

    let o = run(&["validate", c, "--today", "2026-11-26", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["valid"], true);

    let o = run(&["stats", c, "--today", "2026-11-26", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["projects"], 8);
    assert_eq!(v["admission"]["admitted"], 8);
    assert_eq!(v["proposal_to_admission"]["days"], 6.0);
    assert_eq!(v["proposal_to_admission"]["projects"], 1);
    let o = run(&[
        "stats",
        c,
        "--today",
        "2026-11-26",
        "--since",
        "2026-01-01",
        "--format",
        "csv",
    ]);
    // The catalog speaks German: German Excel CSV (BOM, `;`, CRLF) like `export`.
    let csv = stdout(&o);
    assert!(
        csv.starts_with("\u{feff}Bereich;Bezeichnung;Wert\r\nProjekte;gesamt;1\r\n"),
        "{csv}"
    );
    assert!(csv.contains("Bedarfe: Technik;gesamt;1\r\n"), "{csv}");
}

#[test]
fn refused_proposal_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cat = muenster_copy(dir.path());
    let form = dir.path().join("form.yaml");
    let text = std::fs::read_to_string(proposal())
        .unwrap()
        .replace("AGPL-3.0-or-later", "BUSL-1.1");
    std::fs::write(&form, text).unwrap();
    let before = snapshot(&cat);
    let o = run(&[
        "propose",
        cat.to_str().unwrap(),
        "--from",
        form.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("error[license-not-allowed]"), "{out}");
    assert!(out.contains("refused"));
    assert_eq!(snapshot(&cat), before);
}

#[test]
fn confirm_clears_a_stale_listing() {
    let dir = tempfile::tempdir().unwrap();
    let cat = muenster_copy(dir.path());
    let c = cat.to_str().unwrap();
    let o = run(&["stale", c, "--today", "2026-11-26", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 7);
    // 2022-08-31 + 365 days = 2023-08-31: not yet stale; a day later it is.
    let o = run(&["stale", c, "--today", "2023-08-31"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = run(&["stale", c, "--today", "2023-09-01"]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&[
        "review",
        c,
        "klimaheroes",
        "--confirm",
        "--today",
        "2026-11-26",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["stale", c, "--today", "2026-11-26", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["project"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 6);
    assert!(!ids.contains(&"klimaheroes"));
}

#[test]
fn stats_of_the_example_and_its_chart() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("chart.svg");
    let o = run(&[
        "stats",
        root().join("examples/muenster").to_str().unwrap(),
        "--today",
        "2026-11-26",
        "--chart",
        chart.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("Projekte                            7\n"),
        "{out}"
    );
    assert!(
        out.contains("  Inhalt                            2 / 5 / 7 (71\u{a0}%)\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "Aufnahme                            7 aufgenommen, 0 abgelehnt, 0 offen; Quote 100\u{a0}%\n"
        ),
        "{out}"
    );
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("5 von 7 unterstützt (71\u{a0}%)"), "{svg}");
}

#[test]
fn merge_two_cities_and_validate_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let ms = muenster_copy(dir.path());
    let other = dir.path().join("copy");
    copy_dir(&root().join("examples/muenster"), &other);
    let toml = std::fs::read_to_string(other.join("digifarm.toml"))
        .unwrap()
        .replace("name = \"Münster\"", "name = \"Nachbarstadt\"")
        .replace("code = \"ms\"", "code = \"nb\"");
    std::fs::write(other.join("digifarm.toml"), toml).unwrap();
    let out = dir.path().join("merged");
    let before = (snapshot(&ms), snapshot(&other));
    let o = run(&[
        "merge",
        ms.to_str().unwrap(),
        other.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["codes"], serde_json::json!(["ms", "nb"]));
    assert_eq!(v["projects"], 14);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] == "duplicate-source")
    );
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 7);
    // Each points at the `source` line of the second city's record.
    for d in v["diagnostics"].as_array().unwrap() {
        let file = d["file"].as_str().unwrap();
        assert!(file.starts_with(other.to_str().unwrap()), "{d}");
        assert!(
            d["pointer"].as_str().unwrap().ends_with("/links/source"),
            "{d}"
        );
        let line = d["line"].as_u64().unwrap() as usize;
        let text = std::fs::read_to_string(file).unwrap();
        let at = text.lines().nth(line - 1).unwrap();
        assert!(at.trim_start().starts_with("source:"), "{d}: {at}");
        assert!(d["column"].as_u64().unwrap() >= 1, "{d}");
    }
    assert_eq!(
        (snapshot(&ms), snapshot(&other)),
        before,
        "inputs untouched"
    );
    let o = run(&[
        "validate",
        out.to_str().unwrap(),
        "--today",
        "2022-09-01",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["valid"], true, "{v}");
    let lines = std::fs::read_to_string(out.join("projects.jsonl")).unwrap();
    assert!(lines.contains("\"id\":\"nb/klimaheroes\""));
    // Merging into an existing output refuses and keeps it.
    let o = run(&[
        "merge",
        ms.to_str().unwrap(),
        other.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn proposal_schema_is_published() {
    let o = run(&["schema", "proposal"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["title"], "digifarm proposal");
    assert_eq!(
        v["required"],
        serde_json::json!(["project", "proposer", "attestations"])
    );
}

#[test]
fn matching_on_a_merged_catalog_lets_a_remote_partner_help_another_city() {
    let dir = tempfile::tempdir().unwrap();
    // Münster without its hosting offer: fewer local technical offers than open technical needs.
    let ms = muenster_copy(dir.path());
    without_minimum_score(&ms);
    std::fs::remove_file(ms.join("offers/citeq-hosting.yaml")).unwrap();
    // Köln: one association with a remote technical offer.
    let k = dir.path().join("koeln");
    for sub in ["partners", "offers"] {
        std::fs::create_dir_all(k.join(sub)).unwrap();
    }
    std::fs::write(
        k.join("digifarm.toml"),
        "[city]\nname = \"Köln\"\nags = \"05315000\"\ncode = \"k\"\nlanguages = [\"de\", \"en\"]\n",
    )
    .unwrap();
    std::fs::write(
        k.join("partners/dev-verein.yaml"),
        "id: dev-verein\nname: Dev-Verein Köln\nkind: association\nregion: '05315000'\n",
    )
    .unwrap();
    std::fs::write(
        k.join("offers/remote-dev.yaml"),
        "id: remote-dev\npartner: dev-verein\nkind: technical\nskills: [react, typescript, python, devops]\nremote: true\ncapacity: {projects: 3}\n",
    )
    .unwrap();
    let out = dir.path().join("merged");
    let o = run(&[
        "merge",
        ms.to_str().unwrap(),
        k.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&[
        "match",
        out.to_str().unwrap(),
        "--assign",
        "--format",
        "json",
        "--today",
        "2026-11-26",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let pairs: Vec<(String, String)> = v["assignment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["project"].as_str().unwrap().to_owned(),
                a["offer"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // The Köln offer helps Münster projects (Köln has none), up to its capacity of three.
    let remote: Vec<&(String, String)> =
        pairs.iter().filter(|(_, o)| o == "k/remote-dev").collect();
    assert!(!remote.is_empty(), "{pairs:?}");
    assert!(remote.len() <= 3, "{pairs:?}");
    assert!(
        remote.iter().all(|(p, _)| p.starts_with("ms/")),
        "{pairs:?}"
    );
}

#[test]
fn matching_on_a_merged_catalog_locates_each_project_in_its_own_city() {
    let dir = tempfile::tempdir().unwrap();
    let ms = muenster_copy(dir.path());
    without_minimum_score(&ms);
    // Osnabrück: one project with an open technical need, no offers of its own.
    let os = dir.path().join("osnabrueck");
    std::fs::create_dir_all(os.join("projects")).unwrap();
    std::fs::write(
        os.join("digifarm.toml"),
        "[city]\nname = \"Osnabrück\"\nags = \"03404000\"\ncode = \"os\"\nlanguages = [\"de\", \"en\"]\n",
    )
    .unwrap();
    std::fs::write(
        os.join("projects/stadtrad.yaml"),
        "id: stadtrad\nname: Stadtrad Osnabrück\nsummary: Freie Lastenräder für Osnabrück.\n\
         status: live\nlifecycle: admitted\nlicense: MIT\n\
         links:\n  source: https://example.org/stadtrad\n\
         needs:\n  - kind: technical\n    description: Betrieb der Buchungsplattform.\n    \
         skills: [deployment, docker, postgresql]\n",
    )
    .unwrap();
    let out = dir.path().join("merged");
    let o = run(&[
        "merge",
        ms.to_str().unwrap(),
        os.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let toml = std::fs::read_to_string(out.join("digifarm.toml")).unwrap();
    assert!(
        toml.contains(
            "[[city.members]]\nname = \"Münster\"\nags = \"05515000\"\ncode = \"ms\"\n\n\
             [[city.members]]\nname = \"Osnabrück\"\nags = \"03404000\"\ncode = \"os\"\n"
        ),
        "{toml}"
    );
    let merged = out.to_str().unwrap();
    let o = run(&[
        "match",
        merged,
        "--assign",
        "--format",
        "json",
        "--today",
        "2026-11-26",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let pairs: Vec<(String, u64, String)> = v["assignment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["project"].as_str().unwrap().to_owned(),
                a["need"].as_u64().unwrap(),
                a["offer"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // citeq's hosting (not remote, Münster only) serves Münster's projects, as in a
    // Münster-only catalog: both of its slots.
    let citeq: Vec<(&str, u64)> = pairs
        .iter()
        .filter(|(_, _, o)| o == "ms/citeq-hosting")
        .map(|(p, n, _)| (p.as_str(), *n))
        .collect();
    assert_eq!(
        citeq,
        [("ms/data-inspire-me", 1), ("ms/giess-den-kiez", 1)],
        "{pairs:?}"
    );
    assert_eq!(v["assignment"].as_array().unwrap().len(), 8, "{pairs:?}");
    // The region term of the pair: closeness 1.0 to Münster.
    let ranking = v["rankings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["project"] == "ms/giess-den-kiez" && r["need"] == 1)
        .unwrap();
    let offer = &ranking["offers"][0];
    assert_eq!(offer["offer"], "ms/citeq-hosting");
    let region = offer["explanation"]["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "region")
        .unwrap();
    assert_eq!(region["value"], 1.0);
    assert_eq!(
        region["detail"],
        "serves 05515000; closeness to Münster (05515000) 1.00"
    );
    // Osnabrück's need: only the remote offer of Code for Münster, far from Osnabrück.
    let ranking = v["rankings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["project"] == "os/stadtrad" && r["need"] == 0)
        .unwrap();
    let offers = ranking["offers"].as_array().unwrap();
    assert_eq!(offers.len(), 1, "{ranking}");
    assert_eq!(offers[0]["offer"], "ms/codeformuenster-entwicklung");
    let region = offers[0]["explanation"]["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "region")
        .unwrap();
    assert_eq!(region["value"], 0.125);
    // Why citeq's hosting does not serve Osnabrück's project.
    let o = run(&[
        "match",
        merged,
        "--project",
        "os/stadtrad",
        "--offer",
        "ms/citeq-hosting",
        "--explain",
        "--today",
        "2026-11-26",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = stdout(&o);
    assert!(
        text.contains(
            "  os/stadtrad #0 technical: Betrieb der Buchungsplattform.\n      why not [region]: \
             the offer serves 05515000 and is not remote; it does not cover Osnabrück (03404000)\n"
        ),
        "{text}"
    );
}

/// A project whose file does not load is not "no project": the error names the file's
/// first error with its position, for `review` and `support` alike, and nothing is written.
#[test]
fn a_project_whose_file_does_not_load_is_named_with_its_error() {
    let dir = tempfile::tempdir().unwrap();
    let cat = muenster_copy(dir.path());
    let c = cat.to_str().unwrap();
    let file = cat.join("projects/klimaheroes.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("name: ", "name: [", 1)).unwrap();
    let before = snapshot(&cat);
    for args in [
        vec!["review", "--confirm", c, "klimaheroes"],
        vec![
            "support",
            c,
            "klimaheroes",
            "--need",
            "0",
            "--partner",
            "citeq",
            "--agree",
            "--by",
            "LK",
            "--reason",
            "ok",
        ],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains("no project `klimaheroes`"), "{stderr}");
        assert!(stderr.contains("projects/klimaheroes.yaml:3:"), "{stderr}");
        assert!(stderr.contains("[yaml-syntax]"), "{stderr}");
    }
    assert_eq!(snapshot(&cat), before);
}

/// A finding about the proposer names neither them nor their address, and shows no source
/// line (the proposal's pull request has a public CI log).
#[test]
fn a_finding_about_the_proposer_shows_no_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let cat = muenster_copy(dir.path());
    let form = dir.path().join("form.yaml");
    let text = std::fs::read_to_string(proposal()).unwrap();
    std::fs::write(
        &form,
        text.replace("email: erika@example.org", "email: erika.mustermann@gmx"),
    )
    .unwrap();
    for format in ["human", "json"] {
        let o = run(&[
            "propose",
            cat.to_str().unwrap(),
            "--from",
            form.to_str().unwrap(),
            "--format",
            format,
        ]);
        assert_eq!(o.status.code(), Some(1), "{format}");
        let out = stdout(&o);
        assert!(out.contains("/proposer/email"), "{format}: {out}");
        assert!(
            !out.contains("erika.mustermann") && !out.contains("Erika"),
            "{format}: {out}"
        );
    }
}
