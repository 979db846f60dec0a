#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;

use super::*;
use crate::i18n::Lang;
use crate::model::{
    Completeness, DatedName, ForgeKind, HealthConfig, HomepageSignal, Lifecycle, Links,
    LocalizedText, ProjectStatus, RepoSignals, RepoState,
};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn project() -> Project {
    Project {
        id: "p".to_owned(),
        name: "P".to_owned(),
        summary: LocalizedText::Plain("s".to_owned()),
        description: None,
        status: ProjectStatus::Live,
        status_note: None,
        status_since: None,
        lifecycle: Lifecycle::Admitted,
        history: Vec::new(),
        categories: Vec::new(),
        software_type: None,
        complexity: None,
        technologies: Vec::new(),
        origin: None,
        admitted_on: None,
        links: Links {
            homepage: Some("https://p.example".to_owned()),
            source: Some("https://github.com/o/p".to_owned()),
            info: None,
        },
        license: "MIT".to_owned(),
        license_note: None,
        deployment: None,
        needs: Vec::new(),
        contacts: Vec::new(),
        last_reviewed: None,
        image: None,
        image_alt: None,
        attestations: Vec::new(),
        software: None,
        approvals: Vec::new(),
        complete: None,
    }
}

fn obs(repo: RepoSignals) -> Observation {
    Observation {
        first_seen: d("2026-11-01"),
        last_seen: d("2026-12-01"),
        source: "https://github.com/o/p".to_owned(),
        forge: ForgeKind::Github,
        api: "https://api.github.com/repos/o/p".to_owned(),
        repository: repo,
        homepage: Some(HomepageSignal {
            url: "https://p.example".to_owned(),
            status: Some(200),
            error: None,
        }),
    }
}

fn active_repo() -> RepoSignals {
    RepoSignals {
        last_commit: Some(d("2026-11-20")),
        window_days: Some(182),
        commits: Some(12),
        authors: Some(3),
        last_release: Some(DatedName {
            name: "v1".to_owned(),
            date: d("2026-10-01"),
        }),
        median_reaction_days: Some(2.0),
        recent_issues: Some(4),
        ..RepoSignals::default()
    }
}

const TODAY: &str = "2026-12-01";

fn verdict(p: &Project, repo: RepoSignals) -> Verdict {
    Verdict::evaluate(p, Some(&obs(repo)), &HealthConfig::default(), d(TODAY))
}

#[test]
fn an_active_project_passes_every_check_and_scores_ten() {
    let v = verdict(&project(), active_repo());
    assert_eq!(v.level, Level::Active);
    assert_eq!(v.score, Some(10));
    for code in [
        "maintenance-active",
        "release-recent",
        "commits-recent",
        "bus-factor",
        "issue-reaction",
        "homepage-reachable",
    ] {
        assert_eq!(v.check(code).unwrap().outcome, Outcome::Pass, "{code}");
    }
    assert_eq!(
        v.check("commits-recent").unwrap().message,
        "12 commits in the last 182 days (threshold 5)"
    );
}

#[test]
fn levels_follow_the_thresholds_with_the_days_in_the_sentence() {
    let p = project();
    let mut r = RepoSignals {
        last_commit: Some(d("2026-05-03")), // 212 days before 2026-12-01
        ..RepoSignals::default()
    };
    let v = verdict(&p, r.clone());
    assert_eq!(v.level, Level::Slow);
    assert_eq!(
        v.check("maintenance-slow").unwrap().message,
        "last commit 212 days ago (2026-05-03) (threshold 90)"
    );
    r.last_commit = Some(d("2025-01-01"));
    let v = verdict(&p, r.clone());
    assert_eq!(v.level, Level::Stale);
    assert!(
        v.check("maintenance-stale")
            .unwrap()
            .message
            .contains("(threshold 365)")
    );
    r.last_commit = Some(d("2026-11-30"));
    assert_eq!(verdict(&p, r).level, Level::Active);
}

#[test]
fn a_release_counts_more_than_commits() {
    let p = project();
    // The last commit 200 days ago alone is slow; a release 150 days ago keeps it active.
    let r = RepoSignals {
        last_commit: Some(d("2026-05-15")),
        last_release: Some(DatedName {
            name: "v2".to_owned(),
            date: d("2026-07-04"),
        }),
        ..RepoSignals::default()
    };
    let v = verdict(&p, r);
    assert_eq!(v.level, Level::Active);
    assert!(
        v.check("maintenance-active")
            .unwrap()
            .message
            .starts_with("last release v2 150 days ago")
    );
    // And a release weighs 2 in the score, a commit count 1.
    let with_release = verdict(
        &p,
        RepoSignals {
            commits: Some(0),
            last_commit: Some(d("2026-11-01")),
            last_release: Some(DatedName {
                name: "v".into(),
                date: d("2026-11-01"),
            }),
            ..RepoSignals::default()
        },
    );
    let with_commits = verdict(
        &p,
        RepoSignals {
            commits: Some(9),
            last_commit: Some(d("2026-11-01")),
            last_tag: Some(DatedName {
                name: "old".into(),
                date: d("2020-01-01"),
            }),
            ..RepoSignals::default()
        },
    );
    assert!(
        with_release.score > with_commits.score,
        "{with_release:?} {with_commits:?}"
    );
}

#[test]
fn archived_is_final_and_gets_no_floor_score() {
    let p = project();
    let r = RepoSignals {
        state: RepoState::Archived,
        ..active_repo()
    };
    let v = verdict(&p, r);
    assert_eq!(v.level, Level::Archived);
    assert_eq!(v.score, Some(0));
    assert_eq!(v.checks.len(), 1, "nothing else counts: {v:?}");
    assert_eq!(
        v.checks[0].message,
        "the repository is archived (seen on 2026-11-01)"
    );
    let r = RepoSignals {
        state: RepoState::Archived,
        archived_on: Some(d("2025-03-02")),
        ..RepoSignals::default()
    };
    assert_eq!(
        verdict(&p, r).checks[0].message,
        "the repository was archived on 2025-03-02"
    );
    // Even a project declared complete stays archived.
    let mut c = project();
    c.complete = Some(Completeness {
        since: d("2024-01-01"),
        by: None,
        reason: None,
    });
    let v = verdict(
        &c,
        RepoSignals {
            state: RepoState::Gone,
            http_status: Some(410),
            ..RepoSignals::default()
        },
    );
    assert_eq!((v.level, v.score), (Level::Gone, Some(0)));
    assert!(v.checks[0].message.contains("answered 410 on 2026-12-01"));
}

#[test]
fn a_complete_project_is_not_judged_by_activity() {
    let mut p = project();
    p.complete = Some(Completeness {
        since: d("2023-06-01"),
        by: Some("the maintainers".to_owned()),
        reason: Some("feature-complete".to_owned()),
    });
    let r = RepoSignals {
        last_commit: Some(d("2023-05-01")),
        commits: Some(0),
        authors: Some(0),
        ..RepoSignals::default()
    };
    let v = verdict(&p, r.clone());
    assert_eq!(v.level, Level::Complete);
    assert_eq!(
        v.check("commits-recent").unwrap().outcome,
        Outcome::NotApplicable
    );
    assert_eq!(
        v.score,
        Some(10),
        "homepage reachable, nothing else expected: {v:?}"
    );
    assert_eq!(Level::Complete.urgency(), None);
    // Without the declaration the same signals are stale.
    assert_eq!(verdict(&project(), r).level, Level::Stale);
}

#[test]
fn a_moved_repository_and_an_unreachable_homepage_are_findings() {
    let mut o = obs(RepoSignals {
        moved_to: Some("https://github.com/new/p".to_owned()),
        ..active_repo()
    });
    o.homepage = Some(HomepageSignal {
        url: "https://p.example".to_owned(),
        status: Some(404),
        error: None,
    });
    let v = Verdict::evaluate(&project(), Some(&o), &HealthConfig::default(), d(TODAY));
    assert!(
        v.check("repository-moved")
            .unwrap()
            .message
            .contains("https://github.com/new/p")
    );
    assert_eq!(
        v.check("homepage-unreachable").unwrap().message,
        "https://p.example answered 404 on 2026-12-01"
    );
    let mut catalog = Catalog::from_records(Default::default(), vec![project()], vec![], vec![]);
    catalog.health.files.push(StoredHealth {
        file: "health/p.yaml".to_owned(),
        record: HealthRecord {
            project: "p".to_owned(),
            note: None,
            observations: vec![o],
        },
    });
    let codes: Vec<String> = findings(&catalog, d(TODAY))
        .into_iter()
        .map(|(_, d)| d.code.to_string())
        .collect();
    assert_eq!(codes, ["repository-moved", "homepage-unreachable"]);
    let f = findings(&catalog, d(TODAY));
    assert_eq!(
        f[0].1.help.as_deref(),
        Some("set `links.source` to `https://github.com/new/p`")
    );
    // Thirty-one days later the data is outdated.
    let later = findings(&catalog, d("2027-01-15"));
    assert!(later.iter().any(|(_, d)| d.code == "health-outdated"));
}

#[test]
fn orphans_licence_mismatches_and_non_repository_sources() {
    let mut p = project();
    p.links.source = Some("https://github.com/o/p/tree/master/Python".to_owned());
    let mut q = project();
    q.id = "q".to_owned();
    q.license = "MIT".to_owned();
    let mut o = obs(RepoSignals {
        license: Some("GPL-3.0".to_owned()),
        ..active_repo()
    });
    o.source = "https://github.com/o/p".to_owned();
    let mut catalog = Catalog::from_records(Default::default(), vec![p, q], vec![], vec![]);
    catalog.health.files.push(StoredHealth {
        file: "health/q.yaml".to_owned(),
        record: HealthRecord {
            project: "q".to_owned(),
            note: None,
            observations: vec![o],
        },
    });
    catalog.health.files.push(StoredHealth {
        file: "health/gone.yaml".to_owned(),
        record: HealthRecord {
            project: "gone".to_owned(),
            note: None,
            observations: vec![],
        },
    });
    let f = findings(&catalog, d(TODAY));
    let codes: Vec<&str> = f.iter().map(|(_, d)| d.code.as_ref()).collect();
    assert_eq!(
        codes,
        [
            "source-not-repository",
            "forge-license-mismatch",
            "health-orphan"
        ]
    );
    assert_eq!(
        f[0].1.help.as_deref(),
        Some("link the repository itself: `https://github.com/o/p`")
    );
    assert_eq!(f[1].1.pointer, "/1/license");
}

#[test]
fn record_moves_last_seen_or_appends_and_keeps_the_history_bounded() {
    let first = obs(active_repo());
    let rec = record(None, "p", first.clone(), 3);
    let mut again = first.clone();
    again.first_seen = d("2026-12-02");
    again.last_seen = d("2026-12-02");
    let rec = record(Some(&rec), "p", again, 3);
    assert_eq!(rec.observations.len(), 1);
    assert_eq!(rec.observations[0].last_seen, d("2026-12-02"));
    assert_eq!(rec.observations[0].first_seen, d("2026-11-01"));
    let mut rec = rec;
    for i in 0..5u32 {
        let mut changed = first.clone();
        changed.repository.commits = Some(20 + i);
        changed.first_seen = d("2026-12-03") + chrono::Days::new(u64::from(i));
        changed.last_seen = changed.first_seen;
        rec = record(Some(&rec), "p", changed, 3);
    }
    assert_eq!(rec.observations.len(), 3);
    assert_eq!(rec.observations[2].repository.commits, Some(24));
}

#[test]
fn sentences_in_both_languages() {
    let v = verdict(
        &project(),
        RepoSignals {
            last_commit: Some(d("2026-05-03")),
            ..RepoSignals::default()
        },
    );
    assert_eq!(
        v.sentence(Lang::De),
        "Seit 212 Tagen hat sich an der Software nichts geändert; das Projekt braucht Unterstützung. (Stand: 1. Dezember 2026)"
    );
    assert_eq!(
        v.sentence(Lang::En),
        "Nothing has changed in the software for 212 days; the project needs support. (as of 1 December 2026)"
    );
    let none = Verdict::evaluate(&project(), None, &HealthConfig::default(), d(TODAY));
    assert_eq!(none.level, Level::Unknown);
    assert_eq!(
        none.sentence(Lang::De),
        "Zum Zustand der Software liegen keine Daten vor."
    );
}

#[test]
fn forge_licences_are_read_by_the_licence_engine() {
    assert_eq!(license_matches("GPL-3.0-only", "gpl-3.0"), Some(true));
    assert_eq!(license_matches("GPL-3.0-or-later", "GPL-3.0"), Some(true));
    assert_eq!(license_matches("EUPL-1.2", "eupl-1.2"), Some(true));
    assert_eq!(license_matches("MIT", "Apache-2.0"), Some(false));
    assert_eq!(license_matches("NOASSERTION", "MIT"), None);
    assert_eq!(license_matches("MIT", "other"), None);
}
