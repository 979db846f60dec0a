//! Running the programme to the end through the real binary: support entries with a
//! lifecycle (`match --assign --write`, `digifarm support`), gated admission (`review --admit`
//! with `--attest`, `--approve`, `--override`), the warnings that keep the programme honest,
//! matching's reasons and minimum score, and the council's figures in German.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

#[path = "support/files.rs"]
mod files;
#[path = "support/run.rs"]
mod run;
use files::{copy_dir, snapshot};
use run::{stderr, stdout};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn digifarm(args: &[&str]) -> Output {
    let out = run::run(args);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn muenster_copy(dir: &Path) -> PathBuf {
    let cat = dir.join("my-city");
    copy_dir(&root().join("examples/muenster"), &cat);
    cat
}

const TODAY: &str = "2026-11-26";

/// A small catalog: Münster, two partners with one offer each, one admitted project with
/// a content and a technical need.
fn small_catalog(dir: &Path) -> PathBuf {
    let cat = dir.join("small");
    for sub in ["projects", "partners", "offers"] {
        std::fs::create_dir_all(cat.join(sub)).unwrap();
    }
    std::fs::write(
        cat.join("digifarm.toml"),
        "[city]\nname = \"Münster\"\nags = \"05515000\"\nlanguages = [\"de\", \"en\"]\n",
    )
    .unwrap();
    for (id, name) in [("citeq", "citeq"), ("archiv", "Stadtarchiv")] {
        std::fs::write(
            cat.join(format!("partners/{id}.yaml")),
            format!("id: {id}\nname: {name}\nkind: public-body\nregion: '05515000'\n"),
        )
        .unwrap();
    }
    std::fs::write(
        cat.join("offers/citeq-hosting.yaml"),
        "id: citeq-hosting\npartner: citeq\nkind: technical\nskills: [hosting]\nregions: ['05515000']\ncapacity: {projects: 2, hours_per_month: 12}\n",
    )
    .unwrap();
    std::fs::write(
        cat.join("offers/archiv-inhalte.yaml"),
        "id: archiv-inhalte\npartner: archiv\nkind: content\nskills: [geschichte]\nregions: ['05515000']\n",
    )
    .unwrap();
    std::fs::write(cat.join("projects/app.yaml"), PROJECT).unwrap();
    cat
}

const PROJECT: &str = "id: app\nname: App\nsummary: Eine App.\nstatus: live\nlifecycle: admitted\nadmitted_on: 2026-01-10\nlicense: MIT\nlinks:\n  source: https://example.org/app\nlast_reviewed: 2026-10-01\nneeds:\n  - kind: content\n    skills: [geschichte]\n  - kind: technical\n    skills: [hosting]\n    hours_per_month: 4\n";

fn validate(cat: &Path, today: &str) -> Value {
    let o = digifarm(&[
        "validate",
        cat.to_str().unwrap(),
        "--format",
        "json",
        "--today",
        today,
    ]);
    json(&o)
}

fn codes(report: &Value) -> Vec<(String, String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["severity"].as_str().unwrap().to_owned(),
                d["pointer"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn has(report: &Value, code: &str, pointer: &str) -> bool {
    codes(report)
        .iter()
        .any(|(c, _, p)| c == code && p == pointer)
}

// ---------------------------------------------------------------- match --assign --write

#[test]
fn match_write_records_the_assignment_as_suggestions_and_touches_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let cat = muenster_copy(dir.path());
    let c = cat.to_str().unwrap();
    let before = snapshot(&cat);

    // A dry run shows the change as a diff and writes nothing.
    let o = digifarm(&[
        "match",
        c,
        "--assign",
        "--write",
        "--dry-run",
        "--today",
        TODAY,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains(
            "Dry run: --write would write 6 suggested support entries into 4 project files"
        ),
        "{text}"
    );
    assert!(text.contains("+        status: suggested"), "{text}");
    assert!(text.contains("Nothing was written (--dry-run)."));
    assert_eq!(snapshot(&cat), before);

    let o = digifarm(&[
        "match", c, "--assign", "--write", "--today", TODAY, "--format", "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    let written = v["written"].as_array().unwrap();
    assert_eq!(written.len(), 6, "{v}");
    assert_eq!(v["assignment"].as_array().unwrap().len(), 6);
    for w in written {
        assert!(w["file"].as_str().unwrap().ends_with(".yaml"));
    }

    // Only the four project files changed, each only by its new entries.
    let after = snapshot(&cat);
    let changed: Vec<&PathBuf> = after
        .iter()
        .zip(&before)
        .filter(|(a, b)| a.1 != b.1)
        .map(|(a, _)| &a.0)
        .collect();
    assert_eq!(changed.len(), 4, "{changed:?}");
    assert!(
        changed
            .iter()
            .all(|p| p.parent().unwrap().ends_with("projects"))
    );
    let klima = std::fs::read_to_string(cat.join("projects/klimaheroes.yaml")).unwrap();
    assert!(klima.contains(
        "    supported_by:\n      - partner: codeformuenster\n        offer: codeformuenster-entwicklung\n        status: suggested\n        history:\n          - date: '2026-11-26'\n            to: suggested\n            by: digifarm match\n            reason: optimal assignment, score 0.686\n"
    ), "{klima}");
    // Existing support is untouched: rats-sitzplan was fully supported and is unchanged.
    let rats = |s: &[(PathBuf, Vec<u8>)]| {
        s.iter()
            .find(|(p, _)| p.ends_with("rats-sitzplan.yaml"))
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(rats(&after), rats(&before));

    // The catalog still validates, and the suggestions still want help.
    let report = validate(&cat, TODAY);
    assert_eq!(report["valid"], true, "{report}");
    // Suggested needs are not matched again: a second run has nothing to write.
    let o = digifarm(&["match", c, "--assign", "--write", "--today", TODAY]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("Nothing to write: no assigned pair for a need without support"),
        "{}",
        stdout(&o)
    );
    assert_eq!(snapshot(&cat), after);
}

#[test]
fn capacity_counts_suggested_agreed_and_active_support_but_not_ended() {
    let dir = tempfile::tempdir().unwrap();
    let cat = small_catalog(dir.path());
    // A second project wants the same content offer, which has one slot.
    std::fs::write(
        cat.join("projects/zweite.yaml"),
        PROJECT
            .replace("id: app", "id: zweite")
            .replace("name: App", "name: Zweite"),
    )
    .unwrap();
    let c = cat.to_str().unwrap();
    let assign = || {
        json(&digifarm(&[
            "match", c, "--assign", "--today", TODAY, "--format", "json",
        ]))
    };
    let content_pairs = |v: &Value| {
        v["assignment"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["offer"] == "archiv-inhalte")
            .map(|p| p["project"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(content_pairs(&assign()), ["app"]);
    // Suggest the slot to `app`: it is taken, `zweite` gets nothing.
    let o = digifarm(&[
        "support",
        c,
        "app",
        "--need",
        "content",
        "--partner",
        "archiv",
        "--offer",
        "archiv-inhalte",
        "--suggest",
        "--by",
        "LK",
        "--reason",
        "Idee",
        "--today",
        TODAY,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(content_pairs(&assign()).is_empty());
    for step in ["--agree", "--activate"] {
        let o = digifarm(&[
            "support",
            c,
            "app",
            "--need",
            "0",
            "--partner",
            "archiv",
            step,
            "--by",
            "LK",
            "--reason",
            "ok",
            "--today",
            TODAY,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(content_pairs(&assign()).is_empty(), "{step} keeps the slot");
    }
    // Ended support frees the slot.
    let o = digifarm(&[
        "support",
        c,
        "app",
        "--need",
        "0",
        "--partner",
        "archiv",
        "--end",
        "--by",
        "LK",
        "--reason",
        "Projekt abgeschlossen",
        "--today",
        TODAY,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = assign();
    assert_eq!(content_pairs(&v).len(), 1, "{v}");
}

// ---------------------------------------------------------------- digifarm support

#[test]
fn support_moves_an_entry_along_its_lifecycle_with_a_dated_history() {
    let dir = tempfile::tempdir().unwrap();
    let cat = small_catalog(dir.path());
    let c = cat.to_str().unwrap();
    let file = cat.join("projects/app.yaml");
    let run = |args: &[&str]| {
        let mut a = vec!["support", c, "app"];
        a.extend_from_slice(args);
        digifarm(&a)
    };
    let o = run(&[
        "--need",
        "technical",
        "--partner",
        "citeq",
        "--offer",
        "citeq-hosting",
        "--agree",
        "--by",
        "Lenkungskreis",
        "--reason",
        "Zusage per Mail",
        "--hours-per-month",
        "4",
        "--today",
        "2026-11-02",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["entry"]["status"], "agreed");
    assert_eq!(v["entry"]["since"], "2026-11-02");
    assert_eq!(v["entry"]["hours_per_month"], 4.0);
    assert_eq!(v["wants_help"], false);
    // A step dated before the last one would put the history out of order (a validation
    // error): refused, the file unchanged.
    let agreed = std::fs::read(&file).unwrap();
    let activate = |today: &str| {
        run(&[
            "--need",
            "1",
            "--partner",
            "citeq",
            "--activate",
            "--by",
            "LK",
            "--reason",
            "läuft",
            "--today",
            today,
        ])
    };
    let o = activate("2026-11-01");
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("before the last one in the support's history (2026-11-02)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&file).unwrap(), agreed);
    let o = activate("2026-11-10");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("`app` #1 technical: citeq (offer citeq-hosting) agreed → active on 2026-11-10 by LK; the need no longer wants help"),
        "{}",
        stdout(&o)
    );
    let o = run(&[
        "--need",
        "1",
        "--partner",
        "citeq",
        "--end",
        "--by",
        "LK",
        "--reason",
        "Vertrag endet",
        "--today",
        "2026-11-20",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains(
            "      - partner: citeq\n        offer: citeq-hosting\n        status: ended\n        since: '2026-11-02'\n        until: '2026-11-20'\n        hours_per_month: 4.0\n        history:\n          - date: '2026-11-02'\n            to: agreed\n"
        ),
        "{text}"
    );
    assert_eq!(text.matches("          - date:").count(), 3, "{text}");
    let report = validate(&cat, TODAY);
    assert_eq!(report["valid"], true, "{report}");

    // The list shows it; ended support is final: every step from it is refused (exit 2).
    let o = digifarm(&["support", c, "--list", "--format", "json"]);
    let rows = json(&o);
    assert_eq!(rows[0]["effective_status"], "ended");
    let before = std::fs::read(&file).unwrap();
    for step in ["--activate", "--end"] {
        let o = run(&[
            "--need",
            "1",
            "--partner",
            "citeq",
            "--offer",
            "citeq-hosting",
            step,
            "--by",
            "LK",
            "--reason",
            "x",
            "--today",
            TODAY,
        ]);
        assert_eq!(o.status.code(), Some(2), "{step}: {}", stdout(&o));
        assert!(stderr(&o).contains("cannot"), "{}", stderr(&o));
        assert_eq!(
            std::fs::read(&file).unwrap(),
            before,
            "{step} wrote nothing"
        );
    }
}

#[test]
fn support_refuses_bad_requests_with_exit_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cat = small_catalog(dir.path());
    let c = cat.to_str().unwrap();
    let file = cat.join("projects/app.yaml");
    let before = std::fs::read(&file).unwrap();
    let cases: [(&[&str], &str); 8] = [
        (
            &["--need", "1", "--partner", "citeq", "--activate"],
            "cannot activate support that is not yet recorded",
        ),
        (
            &["--need", "1", "--partner", "nobody", "--agree"],
            "no partner `nobody`",
        ),
        (
            &[
                "--need",
                "1",
                "--partner",
                "citeq",
                "--offer",
                "nope",
                "--agree",
            ],
            "no offer `nope`",
        ),
        (
            &[
                "--need",
                "1",
                "--partner",
                "citeq",
                "--offer",
                "archiv-inhalte",
                "--agree",
            ],
            "belongs to partner `archiv`",
        ),
        (
            &[
                "--need",
                "0",
                "--partner",
                "citeq",
                "--offer",
                "citeq-hosting",
                "--agree",
            ],
            "is technical support; the need is content",
        ),
        (
            &[
                "--need",
                "1",
                "--partner",
                "citeq",
                "--agree",
                "--since",
                "2026-12-01",
                "--until",
                "2026-11-01",
            ],
            "before it starts",
        ),
        (
            &[
                "--need",
                "1",
                "--partner",
                "citeq",
                "--agree",
                "--hours-per-month=-3",
            ],
            "must be a positive number",
        ),
        (
            &["--need", "7", "--partner", "citeq", "--agree"],
            "has no need 7",
        ),
    ];
    for (args, message) in cases {
        let mut a = vec!["support", c, "app"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--by", "LK", "--reason", "x", "--today", TODAY]);
        let o = digifarm(&a);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert_eq!(
            std::fs::read(&file).unwrap(),
            before,
            "{args:?} wrote nothing"
        );
    }
}

// ---------------------------------------------------------------- validation of support

fn with_support(dir: &Path, support: &str) -> PathBuf {
    let cat = small_catalog(dir);
    std::fs::write(
        cat.join("projects/app.yaml"),
        format!("{PROJECT}    supported_by:\n{support}"),
    )
    .unwrap();
    cat
}

#[test]
fn support_entries_without_status_are_active_and_keep_validating() {
    let dir = tempfile::tempdir().unwrap();
    let cat = with_support(
        dir.path(),
        "      - partner: citeq\n        offer: citeq-hosting\n",
    );
    let report = validate(&cat, TODAY);
    assert_eq!(report["valid"], true, "{report}");
    let o = digifarm(&["support", cat.to_str().unwrap(), "--list"]);
    assert!(stdout(&o).contains("citeq"), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 suggested, 0 agreed, 1 active, 0 ended"));
    // Its end is recorded like any other step; its history starts where the entry was.
    let o = digifarm(&[
        "support",
        cat.to_str().unwrap(),
        "app",
        "--need",
        "1",
        "--partner",
        "citeq",
        "--end",
        "--by",
        "LK",
        "--reason",
        "Vertrag endet",
        "--today",
        TODAY,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(cat.join("projects/app.yaml")).unwrap();
    assert!(
        text.contains("from: active\n            to: ended\n"),
        "{text}"
    );
    let report = validate(&cat, TODAY);
    assert_eq!(report["valid"], true, "{report}");
}

#[test]
fn bad_support_entries_are_findings_with_positions() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str); 6] = [
        (
            "      - partner: nobody\n        status: agreed\n",
            "dangling-reference",
            "/needs/1/supported_by/0/partner",
        ),
        (
            "      - partner: citeq\n        offer: ghost\n        status: active\n",
            "dangling-reference",
            "/needs/1/supported_by/0/offer",
        ),
        (
            "      - partner: citeq\n        since: 2026-05-01\n        until: 2026-04-01\n        status: ended\n",
            "inconsistent-dates",
            "/needs/1/supported_by/0/until",
        ),
        (
            "      - partner: citeq\n        status: active\n        history:\n          - {date: 2026-01-01, to: suggested}\n          - {date: 2026-02-01, from: suggested, to: agreed}\n",
            "support-lifecycle",
            "/needs/1/supported_by/0/status",
        ),
        (
            "      - partner: citeq\n        status: active\n        history:\n          - {date: 2026-01-01, to: agreed}\n          - {date: 2026-02-01, from: agreed, to: ended}\n          - {date: 2026-03-01, from: ended, to: active}\n",
            "support-lifecycle",
            "/needs/1/supported_by/0/history/2/to",
        ),
        (
            "      - partner: citeq\n        status: finished\n",
            "invalid-value",
            "/needs/1/supported_by/0/status",
        ),
    ];
    for (support, code, pointer) in cases {
        let sub = tempfile::tempdir_in(dir.path()).unwrap();
        let cat = with_support(sub.path(), support);
        let before = snapshot(&cat);
        let o = digifarm(&[
            "validate",
            cat.to_str().unwrap(),
            "--format",
            "json",
            "--today",
            TODAY,
        ]);
        assert_eq!(o.status.code(), Some(1), "{support}");
        let report = json(&o);
        let d = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code && d["pointer"] == pointer)
            .unwrap_or_else(|| panic!("no {code} at {pointer}: {report}"));
        assert_eq!(d["severity"], "error");
        assert!(d["line"].as_u64().unwrap() > 12, "{d}");
        assert!(d["column"].as_u64().unwrap() > 0, "{d}");
        assert!(d["file"].as_str().unwrap().ends_with("projects/app.yaml"));
        assert_eq!(snapshot(&cat), before, "validation changes nothing");
    }
}

#[test]
fn validate_and_stale_warn_about_expiring_offers_expired_offers_in_use_and_overdue_support() {
    let dir = tempfile::tempdir().unwrap();
    let cat = with_support(
        dir.path(),
        "      - partner: citeq\n        offer: citeq-hosting\n        status: active\n        since: 2026-01-01\n        until: 2026-10-31\n",
    );
    // The content offer ends in 20 days; citeq's hosting ended before today.
    let archiv = cat.join("offers/archiv-inhalte.yaml");
    let text = std::fs::read_to_string(&archiv).unwrap();
    std::fs::write(&archiv, format!("{text}valid_until: 2026-12-16\n")).unwrap();
    let hosting = cat.join("offers/citeq-hosting.yaml");
    let text = std::fs::read_to_string(&hosting).unwrap();
    std::fs::write(&hosting, format!("{text}valid_until: 2026-11-01\n")).unwrap();
    let report = validate(&cat, TODAY);
    assert_eq!(report["valid"], true, "warnings only: {report}");
    assert!(has(&report, "offer-expiring", "/valid_until"), "{report}");
    assert!(
        has(
            &report,
            "offer-expired-in-use",
            "/needs/1/supported_by/0/offer"
        ),
        "{report}"
    );
    assert!(
        has(&report, "support-overdue", "/needs/1/supported_by/0/until"),
        "{report}"
    );
    let o = digifarm(&["stale", cat.to_str().unwrap(), "--today", TODAY]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    for needle in [
        "offer archiv-inhalte",
        "offer-expiring",
        "expires on 2026-12-16 (in 20 days; the city's threshold is 30 days)",
        "offer-expired-in-use",
        "support-overdue",
        "offer_days = 30",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    // `[staleness] offer_days` moves the threshold.
    let toml = cat.join("digifarm.toml");
    let t = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{t}\n[staleness]\noffer_days = 10\n")).unwrap();
    let report = validate(&cat, TODAY);
    assert!(!has(&report, "offer-expiring", "/valid_until"), "{report}");
}

#[test]
fn public_exports_show_only_agreed_and_active_support_without_history() {
    let dir = tempfile::tempdir().unwrap();
    let cat = with_support(
        dir.path(),
        "      - partner: citeq\n        offer: citeq-hosting\n        status: suggested\n        history:\n          - {date: 2026-11-01, to: suggested, by: digifarm match}\n",
    );
    let c = cat.to_str().unwrap();
    let out = dir.path().join("json");
    let o = digifarm(&[
        "export",
        c,
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("projects.json")).unwrap();
    assert!(
        !text.contains("supported_by") && !text.contains("history"),
        "{text}"
    );
    // With private data: the full record.
    let private = dir.path().join("private");
    digifarm(&[
        "export",
        c,
        "--format",
        "json",
        "--out",
        private.to_str().unwrap(),
        "--include-private",
    ]);
    let text = std::fs::read_to_string(private.join("projects.json")).unwrap();
    assert!(
        text.contains("\"status\": \"suggested\"") && text.contains("history"),
        "{text}"
    );
    // The feed still lists the technical need as wanting help.
    let feed = dir.path().join("feed.atom");
    digifarm(&[
        "export",
        c,
        "--format",
        "atom",
        "--out",
        feed.to_str().unwrap(),
    ]);
    let atom = std::fs::read_to_string(&feed).unwrap();
    assert_eq!(atom.matches("<entry>").count(), 2, "{atom}");
    // Once agreed, the support is public (without its history) and help is no longer wanted.
    digifarm(&[
        "support",
        c,
        "app",
        "--need",
        "1",
        "--partner",
        "citeq",
        "--agree",
        "--by",
        "LK",
        "--reason",
        "ok",
        "--today",
        TODAY,
    ]);
    let again = dir.path().join("json2");
    digifarm(&[
        "export",
        c,
        "--format",
        "json",
        "--out",
        again.to_str().unwrap(),
    ]);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(again.join("projects.json")).unwrap())
            .unwrap();
    let support = &v[0]["needs"][1]["supported_by"][0];
    assert_eq!(support["status"], "agreed");
    assert!(support.get("history").is_none(), "{support}");
    let csv = dir.path().join("csv");
    digifarm(&[
        "export",
        c,
        "--format",
        "csv",
        "--out",
        csv.to_str().unwrap(),
    ]);
    let needs = std::fs::read_to_string(csv.join("needs.csv")).unwrap();
    assert!(
        needs.contains("app;technical;;hosting;4;;medium;;false;citeq/citeq-hosting"),
        "{needs}"
    );
}

// ---------------------------------------------------------------- gated admission

/// A project as an import leaves it: in review, no attestations, no link to the city.
fn imported(dir: &Path, approvals: u32) -> PathBuf {
    let cat = small_catalog(dir);
    std::fs::write(
        cat.join("projects/import.yaml"),
        "id: import\nname: Importiert\nsummary: Aus einer Liste.\nstatus: live\nlifecycle: in-review\nlicense: MIT\nlinks:\n  source: https://example.org/import\nhistory:\n  - {date: 2026-11-01, to: in-review, by: import}\n",
    )
    .unwrap();
    if approvals > 0 {
        let toml = cat.join("digifarm.toml");
        let t = std::fs::read_to_string(&toml).unwrap();
        std::fs::write(
            &toml,
            format!("{t}\n[admission]\napprovals = {approvals}\n"),
        )
        .unwrap();
    }
    cat
}

fn review(cat: &Path, args: &[&str]) -> Output {
    let mut a = vec!["review", cat.to_str().unwrap(), "import"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--today", TODAY]);
    digifarm(&a)
}

#[test]
fn admission_is_refused_while_criteria_are_open_and_attested_criteria_close_them() {
    let dir = tempfile::tempdir().unwrap();
    let cat = imported(dir.path(), 0);
    let file = cat.join("projects/import.yaml");
    let before = std::fs::read(&file).unwrap();
    let o = review(&cat, &["--admit", "--by", "LK", "--reason", "ok"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let text = stdout(&o);
    for criterion in ["digital", "runs", "gdpr", "lawful", "city-link"] {
        assert!(
            text.contains(&format!("`{criterion}` is not")),
            "{criterion}: {text}"
        );
    }
    assert!(text.contains("error[admission-criterion-open]"));
    assert!(text.contains("--> "), "with a location: {text}");
    assert!(text.contains("nothing was written"));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    // JSON: one finding per open criterion.
    let o = review(
        &cat,
        &[
            "--admit", "--by", "LK", "--reason", "ok", "--format", "json",
        ],
    );
    let v = json(&o);
    assert_eq!(v["admitted"], false);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 5, "{v}");

    // Reviewers attest what they checked; an unknown criterion or a second attestation is a
    // usage error.
    for criterion in ["digital", "runs", "gdpr", "lawful"] {
        let o = review(&cat, &["--attest", criterion, "--by", "Erika Reviewerin"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let o = review(&cat, &["--attest", "gdpr", "--by", "Max"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already attested by Erika Reviewerin"));
    let o = review(&cat, &["--attest", "open-source", "--by", "Max"]);
    assert_eq!(o.status.code(), Some(2));

    // The city link is still missing: refused, then admitted with a recorded override.
    let o = review(
        &cat,
        &[
            "--admit", "--by", "LK", "--reason", "ok", "--format", "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let message = json(&o)["diagnostics"][0]["message"].clone();
    assert!(message.as_str().unwrap().contains("city-link"), "{message}");
    let o = review(
        &cat,
        &[
            "--admit",
            "--override",
            "--by",
            "Lenkungskreis",
            "--reason",
            "Regionales Projekt, Partner folgt",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("(override of open criteria: city-link)"),
        "{}",
        stdout(&o)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains(
            "    reason: Regionales Projekt, Partner folgt\n    overridden:\n      - city-link\n"
        ),
        "{text}"
    );
    assert!(text.contains("lifecycle: admitted"));
    assert_eq!(validate(&cat, TODAY)["valid"], true);
}

#[test]
fn the_four_eyes_rule_needs_two_different_reviewers() {
    let dir = tempfile::tempdir().unwrap();
    let cat = imported(dir.path(), 2);
    for criterion in ["digital", "runs", "gdpr", "lawful"] {
        assert_eq!(
            review(&cat, &["--attest", criterion, "--by", "A"])
                .status
                .code(),
            Some(0)
        );
    }
    let admit = ["--admit", "--override", "--by", "LK", "--reason", "ok"];
    let o = review(&cat, &admit);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("error[approvals-missing]"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        review(&cat, &["--approve", "--by", "Anna"]).status.code(),
        Some(0)
    );
    let o = review(&cat, &["--approve", "--by", "anna "]);
    assert_eq!(o.status.code(), Some(2), "the same reviewer twice");
    assert!(stderr(&o).contains("already approved"));
    let o = review(&cat, &admit);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("2 approvals by different reviewers, 1 given (Anna)"));
    // A request for changes starts a new round: approvals are cleared.
    assert_eq!(
        review(
            &cat,
            &[
                "--request-changes",
                "--by",
                "LK",
                "--reason",
                "Lizenz klären"
            ]
        )
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        review(&cat, &["--approve", "--by", "Anna"]).status.code(),
        Some(0)
    );
    assert_eq!(review(&cat, &admit).status.code(), Some(1));
    assert_eq!(
        review(&cat, &["--approve", "--by", "Bert"]).status.code(),
        Some(0)
    );
    let o = review(&cat, &admit);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = std::fs::read_to_string(cat.join("projects/import.yaml")).unwrap();
    assert!(text.contains("approvals:\n  - by: Anna\n"), "{text}");
    assert!(text.contains("  - by: Bert\n"), "{text}");
}

// ---------------------------------------------------------------- matching says why

#[test]
fn match_says_why_a_need_has_no_admissible_offer() {
    let dir = tempfile::tempdir().unwrap();
    let cat = small_catalog(dir.path());
    // The technical need asks for 8 h; citeq's 12 h are shared by 2 projects.
    let file = cat.join("projects/app.yaml");
    std::fs::write(
        &file,
        PROJECT.replace("hours_per_month: 4", "hours_per_month: 8"),
    )
    .unwrap();
    // A third offer for content that scores low: no skill, remote, far (all of NRW).
    std::fs::write(
        cat.join("offers/fern.yaml"),
        "id: fern\npartner: archiv\nkind: content\nskills: [texte]\nregions: ['05']\nremote: true\n",
    )
    .unwrap();
    std::fs::write(
        cat.join("offers/archiv-inhalte.yaml"),
        "id: archiv-inhalte\npartner: archiv\nkind: content\nskills: [geschichte]\nregions: ['05515000']\nlicense_requirement: copyleft\n",
    )
    .unwrap();
    let o = digifarm(&["match", cat.to_str().unwrap(), "--today", TODAY]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    for needle in [
        "app #1 technical\n  no admissible offer:\n    citeq-hosting (citeq) [capacity]: the need asks for 8 h/month; the offer gives 12 h/month for 2 projects, so 6.0 h/month for each free slot\n    2 offers of other kinds (content 2)\n",
        "archiv-inhalte (Stadtarchiv) [license]: the project's licence `MIT` does not satisfy the partner's requirement `copyleft`",
        "fern (Stadtarchiv) [min-score]: scores 0.",
        "below the minimum score 0.30",
    ] {
        assert!(text.contains(needle), "{needle}\n---\n{text}");
    }
    // --explain shows the weak pair term by term, marked as below the minimum.
    let o = digifarm(&[
        "match",
        cat.to_str().unwrap(),
        "--today",
        TODAY,
        "--explain",
    ]);
    let text = stdout(&o);
    assert!(
        text.contains("  below the minimum score 0.30 (not proposed):\n  –  0."),
        "{text}"
    );
    assert!(
        text.contains("covers 0 of 1 skills (missing: geschichte)"),
        "{text}"
    );
    // `[matching] min_score = 0` lets it in.
    let toml = cat.join("digifarm.toml");
    let t = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{t}\n[matching]\nmin_score = 0.0\n")).unwrap();
    let v = json(&digifarm(&[
        "match",
        cat.to_str().unwrap(),
        "--today",
        TODAY,
        "--format",
        "json",
        "--assign",
    ]));
    assert_eq!(v["min_score"], 0.0);
    assert!(
        v["assignment"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["offer"] == "fern"),
        "{v}"
    );
    // A minimum score outside [0, 1] is a finding in digifarm.toml.
    std::fs::write(&toml, format!("{t}\n[matching]\nmin_score = 1.5\n")).unwrap();
    let o = digifarm(&["match", cat.to_str().unwrap(), "--today", TODAY]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("out-of-range"), "{}", stdout(&o));
}

// ---------------------------------------------------------------- the council's figures

#[test]
fn stats_of_the_muenster_example_speak_german() {
    let cat = root().join("examples/muenster");
    let c = cat.to_str().unwrap();
    let o = digifarm(&["stats", c, "--today", TODAY]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(
        text.starts_with("Münster: Programmstatistik am 26. November 2026\n"),
        "{text}"
    );
    let line = |label: &str| {
        text.lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("{label}: {text}"))
            .to_owned()
    };
    assert!(
        line("  Inhalt ").ends_with(" 2 / 5 / 7 (71\u{a0}%)"),
        "{text}"
    );
    assert!(line("Aufnahme ").ends_with(" 7 aufgenommen, 0 abgelehnt, 0 offen; Quote 100\u{a0}%"));
    // CSV for German Excel: byte order mark, `;`, CRLF, German words and decimal commas.
    let o = digifarm(&["stats", c, "--today", TODAY, "--format", "csv"]);
    let csv = stdout(&o);
    assert!(
        csv.starts_with("\u{feff}Bereich;Bezeichnung;Wert\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("Bedarfe: Inhalt;Abdeckung in %;71,4\r\n"),
        "{csv}"
    );
    let o = digifarm(&[
        "stats",
        c,
        "--today",
        TODAY,
        "--format",
        "csv",
        "--csv-dialect",
        "rfc4180",
    ]);
    assert!(stdout(&o).contains("Bedarfe: Inhalt,Abdeckung in %,71.4\r\n"));
    // JSON keeps catalog names and adds the labels.
    let v = json(&digifarm(&[
        "stats", c, "--today", TODAY, "--format", "json",
    ]));
    assert_eq!(v["language"], "de");
    assert_eq!(v["needs"][0]["kind"], "content");
    assert_eq!(v["needs"][0]["label"], "Inhalt");
    assert_eq!(v["coverage_by_quarter"][0]["label"], "Q3 2021");
    // The HTML report, written atomically where asked; never over a catalog file.
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    let o = digifarm(&[
        "stats",
        c,
        "--today",
        TODAY,
        "--format",
        "html",
        "--out",
        report.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"de\">"));
    assert!(html.contains("Unterstützung je Partner") && html.contains("<svg"));
    assert!(
        !html.contains("http://") || html.matches("http://").count() == 1,
        "only the SVG namespace"
    );
    let o = digifarm(&[
        "stats",
        c,
        "--format",
        "html",
        "--out",
        cat.join("digifarm.toml").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn stats_count_support_per_partner_and_time_to_first_support() {
    let dir = tempfile::tempdir().unwrap();
    let cat = small_catalog(dir.path());
    let c = cat.to_str().unwrap();
    for (need, partner, day) in [("0", "archiv", "2026-02-10"), ("1", "citeq", "2026-03-01")] {
        let o = digifarm(&[
            "support",
            c,
            "app",
            "--need",
            need,
            "--partner",
            partner,
            "--agree",
            "--by",
            "LK",
            "--reason",
            "ok",
            "--today",
            day,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let v = json(&digifarm(&[
        "stats", c, "--today", TODAY, "--format", "json",
    ]));
    let partners = v["support_by_partner"].as_array().unwrap();
    assert_eq!(partners.len(), 2);
    let citeq = partners.iter().find(|p| p["partner"] == "citeq").unwrap();
    assert_eq!(citeq["projects"], 1);
    assert_eq!(
        citeq["hours_per_month"], 4.0,
        "the need's hours when none were committed"
    );
    // Admitted 2026-01-10, first support 2026-02-10: 31 days.
    assert_eq!(v["admission_to_first_support"]["days"], 31.0);
    let quarters = v["coverage_by_quarter"].as_array().unwrap();
    let q: Vec<(String, Value)> = quarters
        .iter()
        .map(|q| {
            (
                q["label"].as_str().unwrap().to_owned(),
                q["coverage"].clone(),
            )
        })
        .collect();
    assert_eq!(
        q[0],
        ("Q1 2026".to_owned(), serde_json::json!(1.0)),
        "{q:?}"
    );
    assert_eq!(q.len(), 4);
}

/// `review` and `support` edit a record file, not rewrite it: its byte order mark, CR LF
/// line breaks, permissions, comments, quoting and flow lists stay; only the changed members
/// change.
#[test]
fn review_and_support_keep_what_they_do_not_change() {
    let dir = tempfile::tempdir().unwrap();
    let cat = small_catalog(dir.path());
    let c = cat.to_str().unwrap();
    let file = cat.join("projects/app.yaml");
    let lines = [
        "# Die App der Stadt.",
        "id: app",
        "name: \"App\"            # Anzeigename",
        "summary: Eine App.",
        "status: live",
        "lifecycle: admitted     # proposed, in-review, admitted, sustained",
        "admitted_on: 2026-01-10",
        "license: MIT",
        "links: {source: 'https://example.org/app'}",
        "last_reviewed: 2026-10-01",
        "needs:                  # Bedarfe",
        "  - kind: content       # Inhalte",
        "    skills: [geschichte]",
        "  # Betrieb",
        "  - kind: technical",
        "    skills: [hosting]",
        "    hours_per_month: 4",
        "",
    ];
    let text = format!("\u{feff}{}", lines.join("\r\n"));
    std::fs::write(&file, &text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let o = digifarm(&[
        "review",
        c,
        "app",
        "--sustain",
        "--by",
        "LK",
        "--reason",
        "läuft",
        "--today",
        "2026-11-02",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = digifarm(&[
        "support",
        c,
        "app",
        "--need",
        "technical",
        "--partner",
        "citeq",
        "--agree",
        "--by",
        "LK",
        "--reason",
        "Zusage",
        "--today",
        "2026-11-03",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let after = std::fs::read_to_string(&file).unwrap();
    let mut expected = lines.to_vec();
    expected[5] = "lifecycle: sustained     # proposed, in-review, admitted, sustained";
    let history = [
        "history:",
        "  - date: '2026-11-02'",
        "    from: admitted",
        "    to: sustained",
        "    by: LK",
        "    reason: läuft",
    ];
    let support = [
        "    supported_by:",
        "      - partner: citeq",
        "        status: agreed",
        "        since: '2026-11-03'",
        "        history:",
        "          - date: '2026-11-03'",
        "            to: agreed",
        "            by: LK",
        "            reason: Zusage",
    ];
    expected.splice(
        16..17,
        ["    hours_per_month: 4"].into_iter().chain(support),
    );
    expected.splice(6..6, history);
    assert_eq!(
        after,
        format!("\u{feff}{}", expected.join("\r\n")),
        "{after}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    let report = validate(&cat, "2026-11-04");
    assert_eq!(report["valid"], true, "{report}");
}

/// Hostile text in a catalog or on the command line around `match --write`: JSON output
/// stays valid JSON, a `--by` with control characters writes nothing, a dry run shows no
/// contact, and a file that cannot be edited in place keeps its comments (refused).
#[test]
fn match_output_and_writes_hold_against_hostile_text() {
    let dir = tempfile::tempdir().unwrap();
    let cat = small_catalog(dir.path());
    let c = cat.to_str().unwrap();
    let file = cat.join("projects/app.yaml");
    // A bidi override in a skill both sides share: valid, and written as \u202e in JSON.
    let text = PROJECT.replace("skills: [hosting]", "skills: [\"host\u{202e}ing\"]");
    std::fs::write(&file, &text).unwrap();
    let offer = cat.join("offers/citeq-hosting.yaml");
    let o = std::fs::read_to_string(&offer).unwrap();
    std::fs::write(
        &offer,
        o.replace("skills: [hosting]", "skills: [\"host\u{202e}ing\"]"),
    )
    .unwrap();
    let o = digifarm(&[
        "match",
        c,
        "--explain",
        "--format",
        "json",
        "--today",
        TODAY,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("host\\u202eing"), "{}", stdout(&o));
    let _ = json(&o);

    // A contact next to the need the suggestion goes into.
    let with_contact =
        format!("{text}contacts:\n  - name: Erika Mustermann\n    email: erika@example.org\n");
    std::fs::write(&file, &with_contact).unwrap();
    let before = snapshot(&cat);
    let o = digifarm(&[
        "match",
        c,
        "--assign",
        "--write",
        "--by",
        "LK\u{1b}[31m",
        "--today",
        TODAY,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("--by holds U+001B"), "{}", stderr(&o));
    assert_eq!(snapshot(&cat), before);
    let o = digifarm(&[
        "match",
        c,
        "--assign",
        "--write",
        "--dry-run",
        "--today",
        TODAY,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("+    supported_by:"), "{}", stdout(&o));
    assert!(
        !stdout(&o).contains("Erika") && !stdout(&o).contains("erika@"),
        "{}",
        stdout(&o)
    );
    // A file with a byte order mark and no final line break: only added lines.
    std::fs::write(&file, format!("\u{feff}{}", with_contact.trim_end())).unwrap();
    let o = digifarm(&[
        "match",
        c,
        "--assign",
        "--write",
        "--dry-run",
        "--today",
        TODAY,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let shown = stdout(&o);
    let removed: Vec<&str> = shown
        .lines()
        .filter(|l| l.starts_with('-') && !l.starts_with("---"))
        .collect();
    assert!(removed.is_empty(), "{removed:?}: {}", stdout(&o));
    assert!(!stdout(&o).contains("written anew"), "{}", stdout(&o));

    // A flow-style record with a comment cannot be edited in place: refused, not rewritten.
    let flow = "# Die App.\n{id: app, name: App, summary: Eine App., status: live, lifecycle: admitted, admitted_on: 2026-01-10, license: MIT, links: {source: 'https://example.org/app'}, last_reviewed: 2026-10-01, needs: [{kind: content, skills: [geschichte]}, {kind: technical, skills: [hosting], hours_per_month: 4}]}\n";
    std::fs::write(&file, flow).unwrap();
    std::fs::write(&offer, o_text(&cat)).unwrap();
    let o = digifarm(&["match", c, "--assign", "--write", "--today", TODAY]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("would drop its comments"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), flow);
    // An empty flow list in a block-style record is written whole, the rest kept.
    let empty = format!(
        "# Die App.\n{}",
        PROJECT.replace(
            "    hours_per_month: 4\n",
            "    hours_per_month: 4\n    supported_by: []\n"
        )
    );
    std::fs::write(&file, &empty).unwrap();
    let o = digifarm(&["match", c, "--assign", "--write", "--today", TODAY]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let now = std::fs::read_to_string(&file).unwrap();
    assert!(now.starts_with("# Die App.\nid: app\n"), "{now}");
    assert!(
        now.contains("    supported_by:\n      - partner: citeq\n"),
        "{now}"
    );
}

/// The offer file of the small catalog as written.
fn o_text(cat: &Path) -> String {
    std::fs::read_to_string(cat.join("offers/citeq-hosting.yaml"))
        .unwrap()
        .replace("skills: [\"host\u{202e}ing\"]", "skills: [hosting]")
}

/// `stats` and `stale` report on every record or on none: a record that did not load (an
/// unknown field) is an error with its position, exit 1, not a smaller count.
#[test]
fn stats_and_stale_refuse_a_catalog_whose_records_did_not_all_load() {
    let dir = tempfile::tempdir().unwrap();
    let cat = small_catalog(dir.path());
    let c = cat.to_str().unwrap();
    let file = cat.join("projects/app.yaml");
    std::fs::write(&file, format!("{PROJECT}lastreviewed_typo: x\n")).unwrap();
    for args in [
        vec!["stats", c],
        vec!["stale", c],
        vec!["stats", c, "--format", "csv"],
    ] {
        let mut args = args.clone();
        args.extend(["--today", TODAY]);
        let o = digifarm(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stdout(&o));
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
        assert!(
            stderr(&o).contains("projects/app.yaml:17:1"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains("the catalog has errors"),
            "{}",
            stderr(&o)
        );
    }
}
