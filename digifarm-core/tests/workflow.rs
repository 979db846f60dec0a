//! The programme workflow: lifecycle transitions, history, proposals, staleness, statistics,
//! merging cities, and review rewrites that keep every field.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use digifarm_core::catalog::write::CatalogLock;
use digifarm_core::catalog::{self, Catalog, LoadOptions};
use digifarm_core::model::{
    Attestation, CityConfig, CityInfo, CityLink, Complexity, Contact, Decision, Deployment,
    DeploymentMode, Lifecycle, Links, LocalizedText, MemberCity, Need, Origin, Partner,
    PartnerKind, Priority, Project, ProjectStatus, SupportOffer, SupportRef,
};
use digifarm_core::workflow::{
    self, Action, Attestations, CheckStatus, Criterion, Proposal, ProposalProject, Proposer,
    TransitionError,
};
use digifarm_core::{Code, merge, stats, validate};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn config() -> CityConfig {
    CityConfig {
        city: CityInfo {
            name: "Münster".to_owned(),
            ags: Some("05515000".to_owned()),
            code: Some("ms".to_owned()),
            ..CityInfo::default()
        },
        ..CityConfig::default()
    }
}

fn project(id: &str, lifecycle: Lifecycle) -> Project {
    Project {
        id: id.to_owned(),
        name: id.to_owned(),
        summary: "Ein Projekt.".into(),
        description: None,
        status: ProjectStatus::Live,
        status_note: None,
        status_since: None,
        lifecycle,
        history: Vec::new(),
        categories: Vec::new(),
        software_type: None,
        complexity: None,
        technologies: Vec::new(),
        origin: Some(Origin {
            city: Some("Münster".to_owned()),
            ..Origin::default()
        }),
        admitted_on: None,
        links: Links {
            source: Some(format!("https://github.com/example/{id}")),
            ..Links::default()
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
        complete: None,
        approvals: Vec::new(),
    }
}

fn need(kind: &str, supported_by: Vec<SupportRef>) -> Need {
    Need {
        kind: kind.to_owned(),
        description: None,
        skills: Vec::new(),
        hours_per_month: None,
        eur_per_year: None,
        priority: Priority::Medium,
        since: None,
        supported_by,
    }
}

fn partner(id: &str, kind: PartnerKind, region: Option<&str>) -> Partner {
    Partner {
        id: id.to_owned(),
        name: id.to_owned(),
        kind,
        description: None,
        sectors: Vec::new(),
        region: region.map(str::to_owned),
        website: None,
        contacts: Vec::new(),
    }
}

fn offer(id: &str, partner: &str, kind: &str, remote: bool, regions: &[&str]) -> SupportOffer {
    SupportOffer {
        id: id.to_owned(),
        partner: partner.to_owned(),
        kind: kind.to_owned(),
        description: None,
        skills: vec!["rust".to_owned()],
        topics: Vec::new(),
        regions: regions.iter().map(|r| (*r).to_owned()).collect(),
        remote,
        capacity: Default::default(),
        budget_eur_per_year: None,
        license_requirement: None,
        valid_from: None,
        valid_until: None,
    }
}

// ---------------------------------------------------------------- transitions

const STATES: [Lifecycle; 7] = [
    Lifecycle::Proposed,
    Lifecycle::InReview,
    Lifecycle::Admitted,
    Lifecycle::Rejected,
    Lifecycle::Sustained,
    Lifecycle::Retired,
    Lifecycle::Archived,
];

/// The state machine of issue 8, written out as a table.
fn expected(from: Lifecycle, action: Action) -> Option<Lifecycle> {
    use Lifecycle as L;
    match (from, action) {
        (L::Proposed, Action::StartReview) => Some(L::InReview),
        (L::Proposed, Action::RequestChanges) => Some(L::InReview),
        (L::InReview, Action::RequestChanges) => Some(L::InReview),
        (L::InReview, Action::Admit) => Some(L::Admitted),
        (L::InReview, Action::Reject) => Some(L::Rejected),
        (L::Admitted, Action::Sustain) => Some(L::Sustained),
        (L::Sustained, Action::Retire) => Some(L::Retired),
        (L::Archived, Action::Archive) => None,
        (_, Action::Archive) => Some(L::Archived),
        _ => None,
    }
}

#[test]
fn every_transition_is_allowed_or_refused_as_specified() {
    let date = d("2024-03-01");
    let mut allowed = 0;
    let mut refused = 0;
    for from in STATES {
        for action in Action::ALL {
            let mut p = project("p", from);
            p.history.push(Decision {
                date: d("2024-01-01"),
                from: None,
                to: from,
                by: None,
                reason: None,
                overridden: Vec::new(),
            });
            let before = p.clone();
            let result = workflow::apply(&mut p, action, "Lenkungskreis", "because", date);
            match expected(from, action) {
                Some(to) => {
                    allowed += 1;
                    let decision = result.unwrap_or_else(|e| panic!("{from:?} {action:?}: {e}"));
                    assert_eq!(p.lifecycle, to);
                    assert_eq!(p.history.len(), 2, "exactly one decision appended");
                    assert_eq!(p.history[1], decision);
                    assert_eq!(decision.from, Some(from));
                    assert_eq!(decision.to, to);
                    assert_eq!(decision.date, date);
                    assert_eq!(decision.by.as_deref(), Some("Lenkungskreis"));
                    assert_eq!(decision.reason.as_deref(), Some("because"));
                }
                None => {
                    refused += 1;
                    let err = result.expect_err(&format!("{from:?} {action:?} must be refused"));
                    assert!(matches!(err, TransitionError::NotAllowed { .. }));
                    let msg = err.to_string();
                    assert!(
                        msg.contains(action.as_str()) && msg.contains(from.as_str()),
                        "{msg}"
                    );
                    assert_eq!(p, before, "a refused decision changes nothing");
                }
            }
        }
    }
    assert_eq!((allowed, refused), (13, 36));
}

#[test]
fn decisions_need_reviewer_and_reason() {
    let mut p = project("p", Lifecycle::InReview);
    let before = p.clone();
    assert_eq!(
        workflow::apply(&mut p, Action::Admit, " ", "ok", d("2024-01-01")),
        Err(TransitionError::MissingReviewer)
    );
    assert_eq!(
        workflow::apply(&mut p, Action::Admit, "LK", "", d("2024-01-01")),
        Err(TransitionError::MissingReason)
    );
    assert_eq!(p, before);
}

/// The history lists decisions oldest first (a validation rule): a decision dated before
/// the last one is refused and the project stays unchanged; one on the same day is taken.
#[test]
fn a_decision_dated_before_the_last_one_is_refused() {
    let mut p = project("p", Lifecycle::Proposed);
    workflow::apply(&mut p, Action::StartReview, "LK", "go", d("2024-05-01")).unwrap();
    let before = p.clone();
    assert_eq!(
        workflow::apply(&mut p, Action::Admit, "LK", "ok", d("2024-04-30")),
        Err(TransitionError::BeforeLast {
            date: d("2024-04-30"),
            last: d("2024-05-01")
        })
    );
    assert_eq!(p, before);
    workflow::apply(&mut p, Action::Admit, "LK", "ok", d("2024-05-01")).unwrap();
    let findings = validate::validate(&catalog_with(vec![p], vec![]), d("2024-06-01"));
    assert!(
        findings
            .iter()
            .all(|f| f.code != Code::InconsistentDates.as_str()),
        "{findings:?}"
    );
}

#[test]
fn admission_sets_dates_and_the_full_path_keeps_one_entry_per_decision() {
    let mut p = project("p", Lifecycle::Proposed);
    let steps = [
        (Action::StartReview, "2024-01-02"),
        (Action::RequestChanges, "2024-01-10"),
        (Action::Admit, "2024-02-01"),
        (Action::Sustain, "2024-06-01"),
        (Action::Retire, "2025-06-01"),
        (Action::Archive, "2026-01-01"),
    ];
    for (i, (action, date)) in steps.iter().enumerate() {
        workflow::apply(&mut p, *action, "LK", "step", d(date)).unwrap();
        assert_eq!(p.history.len(), i + 1);
    }
    assert_eq!(p.admitted_on, Some(d("2024-02-01")));
    assert_eq!(p.last_reviewed, Some(d("2024-02-01")));
    let path: Vec<Lifecycle> = p.history.iter().map(|h| h.to).collect();
    assert_eq!(
        path,
        [
            Lifecycle::InReview,
            Lifecycle::InReview,
            Lifecycle::Admitted,
            Lifecycle::Sustained,
            Lifecycle::Retired,
            Lifecycle::Archived
        ]
    );
    workflow::confirm(&mut p, d("2026-02-02"));
    assert_eq!(p.last_reviewed, Some(d("2026-02-02")));
    assert_eq!(p.history.len(), 6, "confirming is not a decision");
}

// ---------------------------------------------------------------- proposals

fn proposal(license: &str) -> Proposal {
    Proposal {
        project: ProposalProject {
            id: "radweg-melder".to_owned(),
            name: "Radweg-Melder".to_owned(),
            summary: "Schäden an Radwegen melden.".into(),
            description: None,
            status: ProjectStatus::Live,
            categories: vec!["Umwelt".to_owned()],
            software_type: Some("Web-App".to_owned()),
            complexity: Some(Complexity::Medium),
            technologies: vec!["Rust".to_owned()],
            origin: Some(Origin {
                city: Some("Münster".to_owned()),
                community: Some("Münsterhack".to_owned()),
                started: Some("2023".to_owned()),
            }),
            links: Links {
                source: Some("https://github.com/example/radweg-melder".to_owned()),
                ..Links::default()
            },
            license: license.to_owned(),
            deployment: None,
            needs: vec![need("technical", Vec::new())],
        },
        proposer: Proposer {
            name: "Erika Mustermann".to_owned(),
            email: Some("erika@example.org".to_owned()),
            role: Some("maintainer".to_owned()),
            public: false,
        },
        attestations: Attestations {
            digital: true,
            runs: true,
            gdpr: true,
            lawful: true,
        },
    }
}

fn catalog_with(projects: Vec<Project>, partners: Vec<Partner>) -> Catalog {
    Catalog::from_records(config(), projects, partners, Vec::new())
}

/// The programme must be able to answer the proposer: an address that cannot be written to
/// is an error at its field; a proposal without one is fine.
#[test]
fn a_proposers_email_must_be_an_address() {
    let catalog = catalog_with(vec![], vec![]);
    for bad in [
        "not-an-email",
        "a@b",
        "Erika <erika@example.org>",
        "erika@@example.org",
    ] {
        let mut p = proposal("EUPL-1.2");
        p.proposer.email = Some(bad.to_owned());
        let found = workflow::propose(&p, &catalog, d("2024-05-06"), "form.json").unwrap_err();
        assert!(
            found
                .diagnostics
                .iter()
                .any(|f| f.code == Code::InvalidFormat.as_str() && f.pointer == "/proposer/email"),
            "{bad}: {:?}",
            found.diagnostics
        );
    }
    let mut p = proposal("EUPL-1.2");
    p.proposer.email = None;
    assert!(workflow::propose(&p, &catalog, d("2024-05-06"), "form.json").is_ok());
}

#[test]
fn a_valid_proposal_becomes_a_proposed_project_with_attestations() {
    let date = d("2024-05-06");
    let (p, warnings) = workflow::propose(
        &proposal("EUPL-1.2"),
        &catalog_with(vec![], vec![]),
        date,
        "form.json",
    )
    .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(p.lifecycle, Lifecycle::Proposed);
    assert_eq!(p.history.len(), 1);
    assert_eq!(p.history[0].to, Lifecycle::Proposed);
    assert_eq!(p.history[0].date, date);
    assert_eq!(p.history[0].by.as_deref(), Some("Erika Mustermann"));
    let attested: Vec<(&str, &str, NaiveDate)> = p
        .attestations
        .iter()
        .map(|a| (a.criterion.as_str(), a.by.as_str(), a.date))
        .collect();
    assert_eq!(
        attested,
        [
            ("digital", "Erika Mustermann", date),
            ("runs", "Erika Mustermann", date),
            ("gdpr", "Erika Mustermann", date),
            ("lawful", "Erika Mustermann", date)
        ]
    );
    assert_eq!(p.contacts.len(), 1);
    assert!(
        !p.contacts[0].public,
        "the proposer is private unless they agree"
    );
    // The checklist shows every criterion met or attested.
    let cat = catalog_with(vec![p.clone()], vec![]);
    let list = workflow::checklist(&p, &cat);
    assert_eq!(list.len(), 7);
    assert!(list.iter().all(|c| c.status.is_ok()), "{list:?}");
    // And the new project validates.
    assert!(
        !validate::validate(&cat, date).iter().any(|d| d.is_error()),
        "{:?}",
        validate::validate(&cat, date)
    );
}

#[test]
fn a_proposal_with_a_non_open_licence_is_refused_with_the_licence_diagnostic() {
    for licence in ["BUSL-1.1", "CC-BY-NC-4.0"] {
        let refused = workflow::propose(
            &proposal(licence),
            &catalog_with(vec![], vec![]),
            d("2024-05-06"),
            "form.json",
        )
        .unwrap_err();
        let codes: Vec<&str> = refused
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code.as_ref())
            .collect();
        assert_eq!(codes, [Code::LicenseNotAllowed.as_str()], "{licence}");
        assert_eq!(refused.diagnostics[0].pointer, "/project/license");
        // The same finding as the licence engine's.
        let verdict = digifarm_core::license::check(
            licence,
            &digifarm_core::license::Policy::from_config(&config().license),
        );
        assert!(
            verdict
                .findings
                .iter()
                .any(|f| f.code == Code::LicenseNotAllowed
                    && refused.diagnostics.iter().any(|d| d.message == f.message))
        );
    }
}

#[test]
fn missing_source_city_link_attestation_and_taken_id_are_refused() {
    let mut p = proposal("MIT");
    p.project.links.source = None;
    p.project.origin = Some(Origin {
        city: Some("Köln".to_owned()),
        ..Origin::default()
    });
    p.attestations.gdpr = false;
    let existing = project("radweg-melder", Lifecycle::Admitted);
    let refused = workflow::propose(
        &p,
        &catalog_with(vec![existing], vec![]),
        d("2024-05-06"),
        "f",
    )
    .unwrap_err();
    let mut codes: Vec<&str> = refused
        .diagnostics
        .iter()
        .map(|d| d.code.as_ref())
        .collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        [
            "attestation-missing",
            "city-link-missing",
            "duplicate-id",
            "source-missing"
        ]
    );
    assert!(refused.to_string().contains("4 unmet"));
}

#[test]
fn a_proposal_meets_the_catalogs_own_rules() {
    let mut p = proposal("MIT");
    p.project.needs.push(need("hosting", Vec::new()));
    p.project.categories = vec!["Umwlet".to_owned()];
    let mut cat = catalog_with(vec![], vec![]);
    cat.config.categories = vec!["Umwelt".to_owned()];
    let refused = workflow::propose(&p, &cat, d("2024-05-06"), "form.yaml").unwrap_err();
    let found: Vec<(&str, &str)> = refused
        .diagnostics
        .iter()
        .map(|d| (d.code.as_ref(), d.pointer.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("unknown-category", "/project/categories/0"),
            ("unknown-need-kind", "/project/needs/1/kind")
        ]
    );
    assert!(refused.diagnostics.iter().all(|d| d.file == "form.yaml"));
    // A warning alone does not refuse: it comes back with the project.
    p.project.needs.pop();
    let (_, warnings) = workflow::propose(&p, &cat, d("2024-05-06"), "form.yaml").unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].help.as_deref(), Some("did you mean `Umwelt`?"));
}

#[test]
fn city_link_follows_the_config() {
    let mut p = project("p", Lifecycle::Proposed);
    p.origin = Some(Origin {
        city: Some("Köln".to_owned()),
        ..Origin::default()
    });
    let mut cfg = config();
    let partners = vec![partner("citeq", PartnerKind::PublicBody, Some("05515000"))];
    assert!(workflow::city_link(&p, &cfg, &partners).is_none());
    // A supporter from the city's region links it (the default, origin-or-partner) …
    p.needs.push(need(
        "technical",
        vec![SupportRef {
            partner: "citeq".to_owned(),
            offer: None,
            since: None,
            ..SupportRef::default()
        }],
    ));
    assert!(
        workflow::city_link(&p, &cfg, &partners)
            .unwrap()
            .contains("citeq")
    );
    // … but not with city_link = "origin".
    cfg.admission.city_link = CityLink::Origin;
    assert!(workflow::city_link(&p, &cfg, &partners).is_none());
    // A deployment in the region, with a region prefix from the config.
    cfg.admission.region = vec!["05515".to_owned(), "Münsterland".to_owned()];
    p.deployment = Some(Deployment {
        mode: DeploymentMode::PerCity,
        cities: vec!["05515000".to_owned()],
    });
    assert!(workflow::city_link(&p, &cfg, &partners).is_some());
    p.deployment = None;
    p.origin = Some(Origin {
        city: Some("münsterland".to_owned()),
        ..Origin::default()
    });
    assert!(workflow::city_link(&p, &cfg, &partners).is_some());
    cfg.admission.city_link = CityLink::None;
    p.origin = None;
    assert!(workflow::city_link(&p, &cfg, &partners).is_some());
}

#[test]
fn checklist_shows_unattested_and_unmet_criteria() {
    let mut p = project("p", Lifecycle::InReview);
    p.license = "BUSL-1.1".to_owned();
    p.links.source = None;
    p.attestations.push(Attestation {
        criterion: "gdpr".to_owned(),
        by: "Erika".to_owned(),
        date: d("2024-01-01"),
    });
    let list = workflow::checklist(&p, &catalog_with(vec![], vec![]));
    let status: BTreeMap<&str, CheckStatus> = list
        .iter()
        .map(|c| (c.criterion.as_str(), c.status))
        .collect();
    assert_eq!(status["open-source"], CheckStatus::NotMet);
    assert_eq!(status["source"], CheckStatus::NotMet);
    assert_eq!(status["city-link"], CheckStatus::Met);
    assert_eq!(status["gdpr"], CheckStatus::Attested);
    assert_eq!(status["lawful"], CheckStatus::NotAttested);
    let gdpr = list
        .iter()
        .find(|c| c.criterion == Criterion::Gdpr)
        .unwrap();
    assert_eq!(gdpr.detail, "attested by Erika on 2024-01-01");
}

#[test]
fn the_proposal_form_parses_from_yaml_and_json_and_reports_schema_errors() {
    let json = serde_json::to_string(&proposal("MIT")).unwrap();
    assert_eq!(
        workflow::parse_proposal(&json, true, "f.json").unwrap(),
        proposal("MIT")
    );
    let yaml = digifarm_core::yaml_emit::to_string(&proposal("MIT")).unwrap();
    assert_eq!(
        workflow::parse_proposal(&yaml, false, "f.yaml").unwrap(),
        proposal("MIT")
    );
    let bad = yaml.replace("gdpr: true", "gdpr: yes please");
    let errs = workflow::parse_proposal(&bad, false, "f.yaml").unwrap_err();
    assert!(
        errs.iter()
            .any(|e| e.pointer == "/attestations/gdpr" && e.line > 1),
        "{errs:?}"
    );
    assert!(workflow::parse_proposal("project: [", false, "f.yaml").is_err());
    let typo = yaml.replace("  license: MIT", "  lisence: MIT");
    let errs = workflow::parse_proposal(&typo, false, "f.yaml").unwrap_err();
    let found: Vec<(&str, &str, Option<&str>)> = errs
        .iter()
        .map(|e| (e.code.as_ref(), e.pointer.as_str(), e.help.as_deref()))
        .collect();
    assert!(
        found.contains(&(
            "unknown-field",
            "/project/lisence",
            Some("did you mean `license`?")
        )),
        "{found:?}"
    );
    assert!(found.iter().any(|f| f.0 == "missing-field"), "{found:?}");
}

/// The form's check of answers that are not a proposal yet (required fields missing) still
/// names a criterion answered "no", a missing source link the city requires and a licence
/// that is not open, each once; with the proposal complete, the same findings come from the
/// admission rules, and nothing is reported twice.
#[test]
fn the_form_names_admission_findings_before_the_schema_is_satisfied() {
    let catalog = catalog_with(Vec::new(), Vec::new());
    let today = d("2026-11-26");
    let mut answers = serde_json::to_value(proposal("SSPL-1.0")).unwrap();
    answers["attestations"]["gdpr"] = serde_json::json!(false);
    answers["project"]["links"] = serde_json::json!({});
    let complete = workflow::check_form(&answers, &catalog, &[], today, "p.yaml");
    // Not a proposal yet: no name.
    answers["project"].as_object_mut().unwrap().remove("name");
    let partial = workflow::check_form(&answers, &catalog, &[], today, "p.yaml");
    let codes = |check: &workflow::FormCheck| -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = check
            .diagnostics
            .iter()
            .map(|f| (f.diagnostic.code.to_string(), f.field.clone()))
            .collect();
        found.sort();
        found
    };
    let partial_codes = codes(&partial);
    for (code, pointer) in [
        ("missing-field", "/project/name"),
        ("attestation-missing", "/attestations/gdpr"),
        ("source-missing", "/project/links/source"),
        ("license-not-allowed", "/project/license"),
    ] {
        let n = partial_codes
            .iter()
            .filter(|(c, p)| c == code && p == pointer)
            .count();
        assert_eq!(n, 1, "{code} at {pointer}: {partial_codes:?}");
    }
    assert!(!partial.accepted);
    // Complete, the admission rules report the same three (and no missing field).
    let complete_codes = codes(&complete);
    for found in partial_codes.iter().filter(|(c, _)| c != "missing-field") {
        assert!(
            complete_codes.contains(found),
            "{found:?}: {complete_codes:?}"
        );
    }
    // A criterion that is simply not answered yet is the schema's finding alone.
    answers["attestations"]
        .as_object_mut()
        .unwrap()
        .remove("runs");
    let unanswered = codes(&workflow::check_form(
        &answers,
        &catalog,
        &[],
        today,
        "p.yaml",
    ));
    assert!(
        !unanswered
            .iter()
            .any(|(c, p)| c == "attestation-missing" && p == "/attestations/runs"),
        "{unanswered:?}"
    );
}

// ---------------------------------------------------------------- staleness

#[test]
fn stale_detection_around_the_threshold() {
    let today = d("2025-01-01");
    let mut on_the_day = project("on-the-day", Lifecycle::Admitted);
    on_the_day.last_reviewed = Some(today - chrono::Days::new(365));
    let mut one_past = project("one-past", Lifecycle::Admitted);
    one_past.last_reviewed = Some(today - chrono::Days::new(366));
    let mut paused_ok = project("paused-ok", Lifecycle::Admitted);
    paused_ok.last_reviewed = Some(today);
    paused_ok.status = ProjectStatus::Paused;
    paused_ok.status_since = Some(today - chrono::Days::new(180));
    let mut broken_long = project("broken-long", Lifecycle::Admitted);
    broken_long.last_reviewed = Some(today);
    broken_long.status = ProjectStatus::Broken;
    broken_long.status_since = Some(today - chrono::Days::new(181));
    let never = project("never", Lifecycle::Admitted);
    let cat = catalog_with(
        vec![on_the_day, one_past, paused_ok, broken_long, never],
        vec![],
    );
    let found: Vec<(String, String)> = validate::stale(&cat, today)
        .into_iter()
        .map(|f| (f.id, f.diagnostic.code.into_owned()))
        .collect();
    assert_eq!(
        found,
        [
            ("one-past".to_owned(), "stale-listing".to_owned()),
            ("broken-long".to_owned(), "stale-status".to_owned()),
            ("never".to_owned(), "never-reviewed".to_owned()),
        ]
    );
    // validate reports exactly the same staleness findings.
    let mut from_validate: Vec<String> = validate::validate(&cat, today)
        .into_iter()
        .filter(|d| d.code.starts_with("stale-") || d.code == "never-reviewed")
        .map(|d| format!("{}{}", d.code, d.pointer))
        .collect();
    from_validate.sort();
    let mut from_stale: Vec<String> = validate::stale(&cat, today)
        .into_iter()
        .map(|f| format!("{}{}", f.diagnostic.code, f.diagnostic.pointer))
        .collect();
    from_stale.sort();
    assert_eq!(from_validate, from_stale);
}

// ---------------------------------------------------------------- statistics

fn decision(date: &str, to: Lifecycle) -> Decision {
    Decision {
        date: d(date),
        from: None,
        to,
        by: Some("LK".to_owned()),
        reason: Some("r".to_owned()),
        overridden: Vec::new(),
    }
}

fn support(partner: &str, since: Option<&str>) -> SupportRef {
    SupportRef {
        partner: partner.to_owned(),
        offer: None,
        since: since.map(d),
        ..SupportRef::default()
    }
}

/// Five projects with known figures.
fn stats_fixture() -> Catalog {
    // a: proposed 2024-01-01, admitted 2024-01-11 (10 days), first support 2024-02-10 (30 days).
    let mut a = project("a", Lifecycle::Admitted);
    a.history = vec![
        decision("2024-01-01", Lifecycle::Proposed),
        decision("2024-01-05", Lifecycle::InReview),
        decision("2024-01-11", Lifecycle::Admitted),
    ];
    a.admitted_on = Some(d("2024-01-11"));
    a.last_reviewed = Some(d("2024-06-01"));
    a.categories = vec!["Umwelt".to_owned(), "Politik".to_owned()];
    a.needs = vec![
        need("technical", vec![support("p1", Some("2024-02-10"))]),
        need("content", Vec::new()),
    ];
    // b: proposed 2024-03-01, admitted 2024-03-31 (30 days), support before admission (0 days).
    let mut b = project("b", Lifecycle::Sustained);
    b.status = ProjectStatus::Paused;
    b.status_since = Some(d("2024-01-01"));
    b.history = vec![
        decision("2024-03-01", Lifecycle::Proposed),
        decision("2024-03-31", Lifecycle::Admitted),
        decision("2024-05-01", Lifecycle::Sustained),
    ];
    b.last_reviewed = Some(d("2024-06-01"));
    b.categories = vec!["Umwelt".to_owned()];
    b.needs = vec![
        need("financial", vec![support("p2", Some("2024-03-01"))]),
        need("technical", Vec::new()),
    ];
    // c: proposed 2024-04-01, rejected.
    let mut c = project("c", Lifecycle::Rejected);
    c.status = ProjectStatus::Idea;
    c.history = vec![
        decision("2024-04-01", Lifecycle::Proposed),
        decision("2024-04-20", Lifecycle::Rejected),
    ];
    // d: proposed 2024-05-01, pending.
    let mut d_ = project("d", Lifecycle::InReview);
    d_.status = ProjectStatus::InDevelopment;
    d_.history = vec![
        decision("2024-05-01", Lifecycle::Proposed),
        decision("2024-05-02", Lifecycle::InReview),
    ];
    d_.needs = vec![need("legal", Vec::new())];
    // e: an old listing admitted 2022-01-01 (no proposal on record), reviewed long ago.
    let mut e = project("e", Lifecycle::Admitted);
    e.admitted_on = Some(d("2022-01-01"));
    e.last_reviewed = Some(d("2022-01-01"));
    e.needs = vec![need("content", vec![support("p1", None)])];
    let mut cfg = config();
    cfg.need_kinds = vec!["legal".to_owned()];
    Catalog::from_records(
        cfg,
        vec![a, b, c, d_, e],
        vec![
            partner("p1", PartnerKind::Company, Some("05515000")),
            partner("p2", PartnerKind::Foundation, None),
            partner("p3", PartnerKind::Company, None),
        ],
        vec![
            offer("o1", "p1", "technical", true, &[]),
            offer("o2", "p2", "financial", false, &["05"]),
            offer("o3", "p3", "technical", false, &["05515000"]),
        ],
    )
}

fn count(counts: &[stats::Count], name: &str) -> usize {
    counts
        .iter()
        .find(|c| c.name == name)
        .map_or(0, |c| c.count)
}

/// A figure too large to round to one decimal (× 10 overflows) is written as it is in the
/// CSV, never as `inf`.
#[test]
fn huge_amounts_stay_finite_in_the_csv() {
    let mut cat = stats_fixture();
    for p in &mut cat.projects {
        for n in &mut p.needs {
            n.hours_per_month = Some(1.7e308);
        }
    }
    let s = stats::compute(&cat, d("2025-01-01"), None);
    for dialect in [
        digifarm_core::export::CsvDialect::Excel,
        digifarm_core::export::CsvDialect::Rfc4180,
    ] {
        let csv = stats::csv(&s, dialect);
        assert!(!csv.to_ascii_lowercase().contains("inf"), "{csv}");
    }
}

#[test]
fn stats_on_a_fixture_with_known_figures() {
    let today = d("2025-01-01");
    let s = stats::compute(&stats_fixture(), today, None);
    assert_eq!(s.projects, 5);
    assert_eq!(count(&s.by_lifecycle, "admitted"), 2);
    assert_eq!(count(&s.by_lifecycle, "sustained"), 1);
    assert_eq!(count(&s.by_lifecycle, "rejected"), 1);
    assert_eq!(count(&s.by_lifecycle, "in-review"), 1);
    assert_eq!(count(&s.by_lifecycle, "proposed"), 0);
    assert_eq!(s.by_lifecycle.len(), 7);
    assert_eq!(count(&s.by_status, "live"), 2);
    assert_eq!(count(&s.by_status, "paused"), 1);
    assert_eq!(count(&s.by_status, "idea"), 1);
    assert_eq!(count(&s.by_status, "in-development"), 1);
    assert_eq!(count(&s.by_category, "Umwelt"), 2);
    assert_eq!(count(&s.by_category, "Politik"), 1);
    let cov: Vec<(&str, usize, usize, usize)> = s
        .needs
        .iter()
        .map(|c| (c.kind.as_str(), c.total, c.open, c.supported))
        .collect();
    assert_eq!(
        cov,
        [
            ("content", 2, 1, 1),
            ("technical", 2, 1, 1),
            ("financial", 1, 0, 1),
            ("legal", 1, 1, 0)
        ]
    );
    assert!((s.needs[0].coverage - 0.5).abs() < 1e-12);
    assert!((s.needs[2].coverage - 1.0).abs() < 1e-12);
    assert_eq!(count(&s.partners_by_kind, "company"), 2);
    assert_eq!(count(&s.partners_by_kind, "foundation"), 1);
    assert_eq!(count(&s.offers_by_kind, "technical"), 2);
    assert_eq!(count(&s.offers_by_kind, "financial"), 1);
    assert_eq!(s.admission.admitted, 3);
    assert_eq!(s.admission.rejected, 1);
    assert_eq!(s.admission.pending, 1);
    assert_eq!(s.admission.rate, Some(0.75));
    // a: 10 days, b: 30 days → median 20.
    assert_eq!(s.proposal_to_admission.days, Some(20.0));
    assert_eq!(s.proposal_to_admission.projects, 2);
    // a: 30 days, b: 0 (support already there) → median 15; e has no support date.
    assert_eq!(s.admission_to_first_support.days, Some(15.0));
    assert_eq!(s.admission_to_first_support.projects, 2);
    // b: paused since 2024-01-01 (366 days > 180); e: reviewed 2022-01-01. a is fresh.
    assert_eq!(s.stale, 2);
}

#[test]
fn stats_since_counts_only_projects_that_entered_after() {
    let s = stats::compute(&stats_fixture(), d("2025-01-01"), Some(d("2024-03-01")));
    // b, c, d entered on or after 2024-03-01; a (2024-01-01) and e (2022) did not.
    assert_eq!(s.projects, 3);
    assert_eq!(s.admission.admitted, 1);
    assert_eq!(s.admission.rejected, 1);
    assert_eq!(s.admission.rate, Some(0.5));
    assert_eq!(s.proposal_to_admission.days, Some(30.0));
    assert_eq!(s.stale, 1);
    assert_eq!(
        count(&s.partners_by_kind, "company"),
        2,
        "supply is not filtered"
    );
}

/// A minimal well-formedness check: every tag closes in order, attributes are quoted, and
/// there is no reference to anything outside the file.
fn assert_well_formed_svg(svg: &str) {
    assert!(svg.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "));
    assert!(!svg.contains("href") && !svg.contains("<script") && !svg.contains("url("));
    let body = &svg[svg.find("?>").unwrap() + 2..];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').unwrap() + start;
        let tag = &rest[start + 1..end];
        assert_eq!(tag.matches('"').count() % 2, 0, "{tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name));
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap().to_owned());
        }
        let text = &rest[end + 1
            ..rest[end + 1..]
                .find('<')
                .map_or(rest.len(), |i| i + end + 1)];
        assert!(!text.contains('&') || text.contains("&amp;") || text.contains("&lt;"));
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "{stack:?}");
}

#[test]
fn the_chart_is_self_contained_well_formed_svg() {
    let mut cat = stats_fixture();
    cat.config.city.name = "Münster & <Umland>".to_owned();
    let s = stats::compute(&cat, d("2025-01-01"), None);
    let svg = stats::chart_svg(&s);
    assert_well_formed_svg(&svg);
    assert!(svg.contains("Münster &amp; &lt;Umland&gt;"));
    // In the catalog's default language (German), with its number format.
    assert!(svg.contains("1 von 2 unterstützt (50\u{a0}%)"), "{svg}");
    assert!(svg.contains(">Legal<"));
    // Every lifecycle state is a bar of the pipeline, with its German name.
    for state in STATES {
        let label = s
            .by_lifecycle
            .iter()
            .find(|c| c.name == state.as_str())
            .unwrap();
        assert!(
            svg.contains(&format!(">{}<", label.label)),
            "{}",
            label.label
        );
    }
    // The same figures in English.
    let en = stats::chart_svg(&stats::compute_in(
        &cat,
        d("2025-01-01"),
        None,
        digifarm_core::i18n::Lang::En,
    ));
    assert_well_formed_svg(&en);
    assert!(en.contains("1 of 2 supported (50%)"), "{en}");
    assert!(en.contains(">Admitted<"));
}

// ---------------------------------------------------------------- merging cities

fn city(name: &str, code: &str, ags: &str) -> CityConfig {
    CityConfig {
        city: CityInfo {
            name: name.to_owned(),
            ags: Some(ags.to_owned()),
            code: Some(code.to_owned()),
            ..CityInfo::default()
        },
        ..CityConfig::default()
    }
}

fn two_cities() -> (Catalog, Catalog) {
    let mut giess = project("giess-den-kiez", Lifecycle::Admitted);
    giess.links.source = Some("https://github.com/technologiestiftung/giessdenkiez-de".to_owned());
    giess.origin = None;
    giess.needs = vec![need(
        "technical",
        vec![SupportRef {
            partner: "citeq".to_owned(),
            offer: Some("citeq-hosting".to_owned()),
            since: None,
            ..SupportRef::default()
        }],
    )];
    let ms = Catalog::from_records(
        city("Münster", "ms", "05515000"),
        vec![giess, project("klimaheroes", Lifecycle::Admitted)],
        vec![partner("citeq", PartnerKind::PublicBody, None)],
        vec![
            offer("citeq-hosting", "citeq", "technical", false, &["05515000"]),
            offer("citeq-remote", "citeq", "technical", true, &[]),
        ],
    );
    let mut giess_b = project("giessdenkiez", Lifecycle::Admitted);
    giess_b.links.source =
        Some("http://www.github.com/Technologiestiftung/giessdenkiez-de.git/".to_owned());
    giess_b.origin = Some(Origin {
        city: Some("Berlin".to_owned()),
        ..Origin::default()
    });
    let mut need_b = project("baumkataster", Lifecycle::Admitted);
    need_b.needs = vec![need("technical", Vec::new())];
    need_b.origin = None;
    let b = Catalog::from_records(
        city("Köln", "k", "05315000"),
        vec![giess_b, need_b],
        vec![partner("citeq", PartnerKind::Company, Some("05315000"))],
        vec![offer(
            "citeq-hosting",
            "citeq",
            "financial",
            false,
            &["05315000"],
        )],
    );
    (ms, b)
}

#[test]
fn merge_namespaces_ids_keeps_origins_and_reports_duplicates() {
    let (ms, k) = two_cities();
    let merged = merge::merge(&[("ms".to_owned(), &ms), ("k".to_owned(), &k)]).unwrap();
    let c = &merged.catalog;
    let ids: Vec<&str> = c.projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "ms/giess-den-kiez",
            "ms/klimaheroes",
            "k/giessdenkiez",
            "k/baumkataster"
        ]
    );
    // Same partner id in two cities stays two partners.
    let partners: Vec<&str> = c.partners.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(partners, ["ms/citeq", "k/citeq"]);
    assert_eq!(
        c.partners[0].region.as_deref(),
        Some("05515000"),
        "region from the city"
    );
    // References follow the namespace.
    assert_eq!(c.projects[0].needs[0].supported_by[0].partner, "ms/citeq");
    assert_eq!(
        c.projects[0].needs[0].supported_by[0].offer.as_deref(),
        Some("ms/citeq-hosting")
    );
    assert_eq!(c.offers[2].partner, "k/citeq");
    // Origin cities: kept when given, the catalog's city otherwise.
    let origins: Vec<&str> = c
        .projects
        .iter()
        .map(|p| p.origin.as_ref().unwrap().city.as_deref().unwrap())
        .collect();
    assert_eq!(origins, ["Münster", "Münster", "Berlin", "Köln"]);
    // Kinds and regions of offers intact.
    let offers: Vec<(&str, &str, bool, Vec<String>)> = c
        .offers
        .iter()
        .map(|o| (o.id.as_str(), o.kind.as_str(), o.remote, o.regions.clone()))
        .collect();
    assert_eq!(
        offers,
        [
            (
                "ms/citeq-hosting",
                "technical",
                false,
                vec!["05515000".to_owned()]
            ),
            ("ms/citeq-remote", "technical", true, vec![]),
            (
                "k/citeq-hosting",
                "financial",
                false,
                vec!["05315000".to_owned()]
            ),
        ]
    );
    // The duplicate across cities, once.
    assert_eq!(merged.diagnostics.len(), 1);
    let dup = &merged.diagnostics[0];
    assert_eq!(dup.code, Code::DuplicateSource.as_str());
    assert!(dup.message.contains("k/giessdenkiez") && dup.message.contains("ms/giess-den-kiez"));
    assert_eq!(c.config.city.name, "Münster + Köln");
    assert_eq!(c.config.city.ags, None);
    // Each city is a member, so matching can locate every project in its own city.
    let member = |name: &str, ags: &str, code: &str| MemberCity {
        name: name.to_owned(),
        ags: Some(ags.to_owned()),
        code: Some(code.to_owned()),
    };
    assert_eq!(
        c.config.city.members,
        [
            member("Münster", "05515000", "ms"),
            member("Köln", "05315000", "k")
        ]
    );
    // Merging a merged catalog again keeps its members.
    let os = Catalog::from_records(
        city("Osnabrück", "os", "03404000"),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let again = merge::merge(&[("mk".to_owned(), c), ("os".to_owned(), &os)]).unwrap();
    assert_eq!(
        again.catalog.config.city.members,
        [
            member("Münster", "05515000", "ms"),
            member("Köln", "05315000", "k"),
            member("Osnabrück", "03404000", "os")
        ]
    );
    // A remote offer from Münster can serve a need in Köln: same kind, no region limit.
    let need = &c.projects[3].needs[0];
    let remote = c.offers.iter().find(|o| o.remote).unwrap();
    assert_eq!(need.kind, remote.kind);
    assert!(need.wants_help());
    // Duplicate codes are refused, among nested members too: `ms` is a member of the merged
    // catalog and the code of another input.
    assert!(merge::merge(&[("ms".to_owned(), &ms), ("ms".to_owned(), &k)]).is_err());
    assert_eq!(
        merge::merge(&[("mk".to_owned(), c), ("ms".to_owned(), &os)])
            .err()
            .map(|e| e.to_string()),
        Some(merge::MergeError::DuplicateCode("ms".to_owned()).to_string())
    );
}

#[test]
fn the_merged_catalog_written_to_disk_loads_and_validates() {
    let (ms, k) = two_cities();
    let merged = merge::merge(&[("ms".to_owned(), &ms), ("k".to_owned(), &k)]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("merged");
    std::fs::create_dir_all(&out).unwrap();
    let lock = CatalogLock::acquire(&out).unwrap();
    let files = catalog::write::write_collections(&lock, &merged.catalog).unwrap();
    assert_eq!(files.len(), 4);
    let (loaded, report) =
        validate::validate_path(&out, &LoadOptions::default(), d("2025-01-01")).unwrap();
    let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(loaded.projects, merged.catalog.projects);
    assert_eq!(loaded.partners, merged.catalog.partners);
    assert_eq!(loaded.offers, merged.catalog.offers);
    assert_eq!(
        loaded.config, merged.catalog.config,
        "members and all settings round-trip"
    );
    assert_eq!(loaded.config.city.members.len(), 2);
    // Writing again refuses to replace anything.
    assert!(catalog::write::write_collections(&lock, &merged.catalog).is_err());
}

#[test]
fn city_members_need_a_name_and_a_valid_ags() {
    let check = |members: serde_json::Value| {
        let mut diags = Vec::new();
        let config = catalog::check_config(
            serde_json::json!({"city": {"name": "A + B", "members": members}}),
            &mut diags,
        );
        (config, diags)
    };
    let (config, diags) = check(serde_json::json!([
        {"name": "Münster", "ags": "05515000", "code": "ms"},
        {"name": "Köln"}
    ]));
    assert!(diags.is_empty(), "{diags:#?}");
    let members = config.unwrap().city.members;
    assert_eq!(members[1].name, "Köln");
    assert_eq!(members[1].ags, None);
    for bad in [
        serde_json::json!([{"ags": "05515000"}]),
        serde_json::json!([{"name": ""}]),
        serde_json::json!([{"name": "Münster", "ags": "5515"}]),
        serde_json::json!([{"name": "Münster", "code": "MS"}]),
        serde_json::json!([{"name": "Münster", "region": "05"}]),
    ] {
        let (config, diags) = check(bad.clone());
        assert!(config.is_none(), "{bad}");
        assert!(!diags.is_empty(), "{bad}");
        assert!(
            diags
                .iter()
                .all(|d| d.is_error() && d.pointer.starts_with("/city/members/0")),
            "{bad}: {diags:#?}"
        );
    }
}

#[test]
fn merging_the_muenster_example_with_a_copy_reports_every_project_once() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/muenster");
    let a = catalog::load(&root, &LoadOptions::default())
        .unwrap()
        .catalog;
    let mut b = a.clone();
    b.config.city.name = "Münster-Kopie".to_owned();
    b.config.city.code = Some("ms2".to_owned());
    assert_eq!(merge::city_code(&a.config, "x"), "ms");
    let merged = merge::merge(&[("ms".to_owned(), &a), ("ms2".to_owned(), &b)]).unwrap();
    assert_eq!(merged.catalog.projects.len(), 14);
    let with_source = a
        .projects
        .iter()
        .filter(|p| p.links.source.is_some())
        .count();
    assert_eq!(merged.diagnostics.len(), with_source);
    let dir = tempfile::tempdir().unwrap();
    let lock = CatalogLock::acquire(dir.path()).unwrap();
    catalog::write::write_collections(&lock, &merged.catalog).unwrap();
    let (_, report) =
        validate::validate_path(dir.path(), &LoadOptions::default(), d("2022-09-01")).unwrap();
    assert!(report.valid, "{:#?}", report.diagnostics);
}

// ---------------------------------------------------------------- review rewrites

/// A project with every field set.
fn full_project() -> Project {
    let mut text = BTreeMap::new();
    text.insert(
        "de".to_owned(),
        "Beschreibung: \"zitiert\", mit: Doppelpunkt".to_owned(),
    );
    text.insert("en".to_owned(), "Description\nover two lines".to_owned());
    Project {
        id: "voll".to_owned(),
        name: "Voll: alles gesetzt".to_owned(),
        summary: "Zusammenfassung #1".into(),
        description: Some(LocalizedText::Localized(text)),
        status: ProjectStatus::Paused,
        status_note: Some("wartet auf Server".into()),
        status_since: Some(d("2024-01-01")),
        lifecycle: Lifecycle::InReview,
        history: vec![
            decision("2024-01-01", Lifecycle::Proposed),
            decision("2024-01-02", Lifecycle::InReview),
        ],
        categories: vec!["Umwelt".to_owned()],
        software_type: Some("App".to_owned()),
        complexity: Some(Complexity::VeryHigh),
        technologies: vec!["Rust".to_owned(), "yes".to_owned(), "0123".to_owned()],
        origin: Some(Origin {
            city: Some("Münster".to_owned()),
            community: Some("Münsterhack".to_owned()),
            started: Some("2021-09".to_owned()),
        }),
        admitted_on: None,
        links: Links {
            homepage: Some("https://example.org/".to_owned()),
            source: Some("https://github.com/example/voll".to_owned()),
            info: Some("https://www.stadt-muenster.de/x".to_owned()),
        },
        license: "GPL-3.0-or-later OR EUPL-1.2".to_owned(),
        license_note: Some("from the LICENSE file".to_owned()),
        deployment: Some(Deployment {
            mode: DeploymentMode::Central,
            cities: vec!["05515000".to_owned()],
        }),
        needs: vec![Need {
            kind: "financial".to_owned(),
            description: Some("Server".into()),
            skills: vec!["hosting".to_owned()],
            hours_per_month: Some(2.5),
            eur_per_year: Some(199.99),
            priority: Priority::Critical,
            since: Some(d("2023-12-01")),
            supported_by: vec![SupportRef {
                partner: "citeq".to_owned(),
                offer: Some("citeq-hosting".to_owned()),
                since: Some(d("2024-02-01")),
                ..SupportRef::default()
            }],
        }],
        contacts: vec![Contact {
            name: "Erika".to_owned(),
            role: Some("maintainer".to_owned()),
            email: Some("erika@example.org".to_owned()),
            phone: Some("+49 251 0".to_owned()),
            public: true,
        }],
        last_reviewed: Some(d("2024-01-02")),
        image: Some("images/i.png".to_owned()),
        image_alt: Some(LocalizedText::Plain("Die Karte".to_owned())),
        attestations: vec![Attestation {
            criterion: "gdpr".to_owned(),
            by: "Erika".to_owned(),
            date: d("2024-01-01"),
        }],
        software: Some(Box::new(digifarm_core::model::Software {
            kind: Some("standalone/web".to_owned()),
            development_status: Some("beta".to_owned()),
            platforms: vec!["web".to_owned(), "android".to_owned()],
            version: Some("1.0".to_owned()),
            release_date: Some(d("2023-12-01")),
            used_by: vec!["Stadt Beispiel".to_owned()],
            organisation: Some(digifarm_core::model::Organisation {
                name: None,
                uri: "urn:x-italian-pa:pcm".to_owned(),
            }),
            funded_by: vec![digifarm_core::model::Organisation {
                name: Some("Land".to_owned()),
                uri: "https://land.example.org".to_owned(),
            }],
            maintenance: Some(digifarm_core::model::Maintenance {
                kind: digifarm_core::model::MaintenanceKind::Contract,
                contractors: vec![digifarm_core::model::Contractor {
                    name: "Grün IT".to_owned(),
                    until: d("2026-12-31"),
                    email: Some("info@gruen-it.example".to_owned()),
                    website: None,
                }],
            }),
            audience: Some(digifarm_core::model::Audience {
                scope: vec!["environment".to_owned()],
                countries: vec!["DE".to_owned()],
                unsupported_countries: Vec::new(),
            }),
            features: [("de".to_owned(), vec!["Karte".to_owned()])].into(),
            documentation: [("de".to_owned(), "https://docs.example.org".to_owned())].into(),
            api_documentation: Default::default(),
            supports: vec!["alias:gdpr".to_owned()],
            roadmap: None,
            logo: Some("logo.svg".to_owned()),
            application_suite: None,
            is_based_on: Vec::new(),
            copyright_owner: Some("Stadt Beispiel".to_owned()),
            localisation_ready: Some(true),
            available_languages: vec!["de".to_owned()],
        })),
        complete: Some(digifarm_core::model::Completeness {
            since: d("2024-01-01"),
            by: Some("maintainers".to_owned()),
            reason: Some("feature-complete".to_owned()),
        }),
        approvals: Vec::new(),
    }
}

#[test]
fn a_review_rewrite_keeps_every_field_in_yaml_and_json() {
    for ext in ["yaml", "json"] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("projects")).unwrap();
        std::fs::create_dir_all(root.join("partners")).unwrap();
        std::fs::write(
            root.join("digifarm.toml"),
            "[city]\nname = \"Münster\"\nags = \"05515000\"\n",
        )
        .unwrap();
        let original = full_project();
        let text = if ext == "yaml" {
            digifarm_core::yaml_emit::to_string(&original).unwrap()
        } else {
            serde_json::to_string_pretty(&original).unwrap()
        };
        let file = root.join("projects").join(format!("voll.{ext}"));
        std::fs::write(&file, text).unwrap();
        let other = root.join("partners/citeq.yaml");
        std::fs::write(
            &other,
            "id: citeq\nname: citeq\nkind: public-body\n# a comment\n",
        )
        .unwrap();

        let cat = catalog::load(root, &LoadOptions::default())
            .unwrap()
            .catalog;
        assert_eq!(cat.projects[0], original, "{ext}: loads as written");
        let mut reviewed = cat.projects[0].clone();
        workflow::apply(
            &mut reviewed,
            Action::Admit,
            "Lenkungskreis",
            "meets all criteria",
            d("2024-03-01"),
        )
        .unwrap();
        let lock = CatalogLock::acquire(root).unwrap();
        let written = cat.rewrite_project(&lock, 0, &reviewed).unwrap();
        assert_eq!(written, file);

        let again = catalog::load(root, &LoadOptions::default())
            .unwrap()
            .catalog;
        let mut expected = original.clone();
        expected.lifecycle = Lifecycle::Admitted;
        expected.admitted_on = Some(d("2024-03-01"));
        expected.last_reviewed = Some(d("2024-03-01"));
        expected.history.push(Decision {
            date: d("2024-03-01"),
            from: Some(Lifecycle::InReview),
            to: Lifecycle::Admitted,
            by: Some("Lenkungskreis".to_owned()),
            reason: Some("meets all criteria".to_owned()),
            overridden: Vec::new(),
        });
        assert_eq!(
            again.projects[0], expected,
            "{ext}: nothing lost, one decision added"
        );
        if ext == "json" {
            assert!(
                std::fs::read_to_string(&file)
                    .unwrap()
                    .trim_start()
                    .starts_with('{')
            );
        }
        // Other files untouched, no temporary files left behind.
        assert!(
            std::fs::read_to_string(&other)
                .unwrap()
                .contains("# a comment")
        );
        let names: Vec<String> = std::fs::read_dir(root.join("projects"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [format!("voll.{ext}")]);
    }
}

#[test]
fn records_in_collection_files_are_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let line = serde_json::to_string(&full_project()).unwrap();
    std::fs::write(dir.path().join("projects.jsonl"), format!("{line}\n")).unwrap();
    let cat = catalog::load(dir.path(), &LoadOptions::default())
        .unwrap()
        .catalog;
    let lock = CatalogLock::acquire(dir.path()).unwrap();
    let err = cat.rewrite_project(&lock, 0, &cat.projects[0]).unwrap_err();
    assert!(err.to_string().contains("one of several records"), "{err}");
}

#[test]
fn creating_a_project_never_replaces_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = full_project();
    let lock = CatalogLock::acquire(dir.path()).unwrap();
    let path = catalog::write::create_project(&lock, &p).unwrap();
    assert!(path.ends_with("projects/voll.yaml"));
    std::fs::write(&path, "keep me").unwrap();
    assert!(catalog::write::create_project(&lock, &p).is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
}

#[test]
fn a_file_changed_since_it_was_read_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("projects")).unwrap();
    let file = root.join("projects/voll.yaml");
    std::fs::write(
        &file,
        digifarm_core::yaml_emit::to_string(&full_project()).unwrap(),
    )
    .unwrap();
    let cat = catalog::load(root, &LoadOptions::default())
        .unwrap()
        .catalog;
    // Another program (an editor, `git pull`) changes the file after it was read.
    let theirs = std::fs::read_to_string(&file)
        .unwrap()
        .replace("Voll", "Voll (edited)");
    std::fs::write(&file, &theirs).unwrap();
    let lock = CatalogLock::acquire(root).unwrap();
    let mut mine = cat.projects[0].clone();
    workflow::confirm(&mut mine, d("2024-03-01"));
    let err = cat.rewrite_project(&lock, 0, &mine).unwrap_err();
    assert!(
        matches!(err, catalog::write::WriteError::Changed { .. }),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        theirs,
        "their change is kept"
    );
}

#[test]
fn the_catalog_lock_is_exclusive_and_released_on_drop() {
    let dir = tempfile::tempdir().unwrap();
    let first = CatalogLock::acquire(dir.path()).unwrap();
    let waited = std::time::Instant::now();
    let second = CatalogLock::acquire_within(dir.path(), std::time::Duration::from_millis(200));
    assert!(
        matches!(second, Err(catalog::write::WriteError::Busy { .. })),
        "{second:?}"
    );
    assert!(waited.elapsed() >= std::time::Duration::from_millis(200));
    drop(first);
    assert!(CatalogLock::acquire_within(dir.path(), std::time::Duration::ZERO).is_ok());
    // No lock file is left in the catalog.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_lock_does_not_cover_files_of_another_catalog() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let lock = CatalogLock::acquire(a.path()).unwrap();
    let err =
        catalog::write::write_locked(&lock, &b.path().join("x.yaml"), b"x", false).unwrap_err();
    assert!(
        matches!(err, catalog::write::WriteError::NotLocked { .. }),
        "{err}"
    );
    assert!(!b.path().join("x.yaml").exists());
}

#[test]
fn coverage_per_quarter_counts_support_while_it_lasts_and_never_a_declined_suggestion() {
    use digifarm_core::model::{SupportChange, SupportStatus};
    let change = |date: &str, from: Option<SupportStatus>, to: SupportStatus| SupportChange {
        date: d(date),
        from,
        to,
        by: None,
        reason: None,
    };
    let mut p = project("p", Lifecycle::Admitted);
    p.admitted_on = Some(d("2025-01-15"));
    let mut lasting = support("p1", Some("2025-05-01"));
    lasting.status = Some(SupportStatus::Ended);
    lasting.until = Some(d("2025-08-31"));
    let mut declined = support("p2", None);
    declined.status = Some(SupportStatus::Ended);
    declined.until = Some(d("2025-11-01"));
    declined.history = vec![
        change("2025-02-01", None, SupportStatus::Suggested),
        change(
            "2025-11-01",
            Some(SupportStatus::Suggested),
            SupportStatus::Ended,
        ),
    ];
    p.needs = vec![
        need("content", vec![lasting]),
        need("technical", vec![declined]),
    ];
    let cat = catalog_with(vec![p], Vec::new());
    let s = stats::compute(&cat, d("2025-12-01"), None);
    let q: Vec<(&str, usize, usize)> = s
        .coverage_by_quarter
        .iter()
        .map(|q| (q.label.as_str(), q.needs, q.supported))
        .collect();
    assert_eq!(
        q,
        [
            ("Q1 2025", 2, 0),
            ("Q2 2025", 2, 1),
            ("Q3 2025", 2, 0),
            ("Q4 2025", 2, 0)
        ]
    );
    assert_eq!(
        s.coverage_by_quarter[3].on,
        d("2025-12-01"),
        "the current quarter ends today"
    );
    // Time to first support: 2025-01-15 → 2025-05-01, the declined suggestion does not count.
    assert_eq!(s.admission_to_first_support.days, Some(106.0));
    assert!(
        s.support_by_partner.is_empty(),
        "nothing is agreed or active now"
    );
}
