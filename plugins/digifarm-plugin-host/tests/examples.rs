//! The example plugins (`plugins/examples/`), through the real host.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

mod common;

use common::*;
use digifarm_core::Severity;
use digifarm_core::catalog::Catalog;
use digifarm_core::model::{Partner, PluginGrants, SupportOffer};
use digifarm_plugin_host::Candidate;
use serde_json::json;

fn codes(findings: &[digifarm_plugin_host::Finding], project: usize) -> Vec<(String, Severity)> {
    let mut v: Vec<(String, Severity)> = findings
        .iter()
        .filter(|f| f.project == project)
        .map(|f| (f.diagnostic.code.to_string(), f.diagnostic.severity))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
fn muenster_admission_checks_the_criteria() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let mut grants = PluginGrants::default();
    grants
        .config
        .insert("city_partners".into(), "stadt-muenster, citeq".into());
    let plugin = load(host, &dir, "muenster-admission", &grants).expect("loads");
    let projects = vec![
        // Admitted, from Münster, source, open licence: clean.
        project(json!({
            "id": "good", "name": "Good", "summary": "ok", "status": "live",
            "lifecycle": "admitted", "license": "EUPL-1.2",
            "origin": {"city": "Münster"},
            "links": {"source": "https://github.com/example/good"},
        })),
        // Admitted, no link to the city, no source, proprietary: three errors.
        project(json!({
            "id": "bad", "name": "Bad", "summary": "nope", "status": "live",
            "lifecycle": "admitted", "license": "LicenseRef-Proprietary",
            "origin": {"city": "Berlin"},
        })),
        // Proposed, supported by a city partner, http source: one warning.
        project(json!({
            "id": "proposal", "name": "Proposal", "summary": "soon", "status": "idea",
            "lifecycle": "proposed", "license": "MIT",
            "links": {"source": "http://example.org/repo"},
            "needs": [{"kind": "technical", "supported_by": [{"partner": "citeq"}]}],
        })),
    ];
    let findings = plugin.validate(&city(), &projects).expect("validates");
    assert_eq!(codes(&findings, 0), vec![]);
    assert_eq!(
        codes(&findings, 1),
        vec![
            ("muenster-admission/city-link".to_owned(), Severity::Error),
            (
                "muenster-admission/license-not-open".to_owned(),
                Severity::Error
            ),
            (
                "muenster-admission/source-repository".to_owned(),
                Severity::Error
            ),
        ]
    );
    assert_eq!(
        codes(&findings, 2),
        vec![(
            "muenster-admission/source-repository".to_owned(),
            Severity::Warning
        )]
    );
    let licence = findings
        .iter()
        .find(|f| f.diagnostic.code == "muenster-admission/license-not-open")
        .expect("licence finding");
    assert_eq!(licence.diagnostic.pointer, "/license");
    assert!(
        licence
            .diagnostic
            .message
            .contains("license-ref-unclarified"),
        "the host licence engine's verdict is passed through: {}",
        licence.diagnostic.message
    );
}

#[test]
fn muenster_admission_batches_keep_project_indices() {
    let Some(dir) = plugins_dir() else { return };
    let host = &digifarm_plugin_host::Host::new(digifarm_plugin_host::HostOptions {
        batch_size: 7,
        ..Default::default()
    })
    .expect("host");
    let plugin = load(host, &dir, "muenster-admission", &PluginGrants::default()).expect("loads");
    let projects: Vec<_> = (0..30)
        .map(|i| {
            let source = if i % 5 == 0 {
                json!(null)
            } else {
                json!("https://example.org/r")
            };
            project(json!({
                "id": format!("p{i}"), "name": "P", "summary": "s", "status": "live",
                "lifecycle": "admitted", "license": "MIT", "origin": {"city": "Münster"},
                "links": {"source": source},
            }))
        })
        .collect();
    let findings = plugin.validate(&city(), &projects).expect("validates");
    let flagged: Vec<usize> = findings.iter().map(|f| f.project).collect();
    assert_eq!(flagged, vec![0, 5, 10, 15, 20, 25]);
}

#[test]
fn local_first_prefers_partners_in_the_city() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let plugin = load(host, &dir, "local-first", &PluginGrants::default()).expect("loads");
    let p = project(json!({
        "id": "p", "name": "P", "summary": "s", "status": "live", "lifecycle": "admitted",
        "license": "MIT", "origin": {"city": "Münster"},
        "needs": [{"kind": "technical"}],
    }));
    let partner = |id: &str, region: &str| -> Partner {
        serde_json::from_value(json!({"id": id, "name": id, "kind": "company", "region": region}))
            .expect("partner")
    };
    let offer = |id: &str, partner: &str, regions: &[&str]| -> SupportOffer {
        serde_json::from_value(
            json!({"id": id, "partner": partner, "kind": "technical", "regions": regions}),
        )
        .expect("offer")
    };
    let (local, nearby, far, by_ags, spelled) = (
        partner("local", "Münster"),
        partner("nearby", "Osnabrück"),
        partner("far", "Berlin"),
        partner("by-ags", "05515000"),
        partner("spelled", "MUENSTER"),
    );
    let (o1, o2, o3, o4, o5, o6) = (
        offer("o1", "local", &[]),
        offer("o2", "nearby", &["Münster"]),
        offer("o3", "far", &[]),
        offer("o4", "by-ags", &[]),
        offer("o5", "spelled", &[]),
        offer("o6", "far", &["05515000"]),
    );
    // A project from elsewhere: the AGS names the catalog's city only.
    let elsewhere = project(json!({
        "id": "q", "name": "Q", "summary": "s", "status": "live", "lifecycle": "admitted",
        "license": "MIT", "origin": {"city": "Osnabrück"},
        "needs": [{"kind": "technical"}],
    }));
    let pairs = [
        (&p, &o1, &local),
        (&p, &o2, &nearby),
        (&p, &o3, &far),
        (&p, &o4, &by_ags),
        (&p, &o5, &spelled),
        (&p, &o6, &far),
        (&elsewhere, &o4, &by_ags),
        (&elsewhere, &o1, &nearby),
    ];
    let candidates: Vec<Candidate<'_>> = pairs
        .iter()
        .map(|&(project, offer, partner)| Candidate {
            project,
            need_index: 0,
            offer,
            partner,
        })
        .collect();
    let scores = plugin.score(&city(), &candidates).expect("scores");
    let values: Vec<f64> = scores.iter().map(|s| s.value).collect();
    assert_eq!(values, vec![1.0, 0.5, 0.0, 1.0, 1.0, 0.5, 0.0, 1.0]);
    assert_eq!(scores[0].terms[0].name, "local");
    assert_eq!(scores[0].terms[0].explanation, "local is based in Münster");
    assert_eq!(scores[3].terms[0].explanation, "by-ags is based in Münster");
    assert_eq!(scores[5].terms[0].explanation, "far works in Münster");
    assert_eq!(
        scores[2].terms[0].explanation,
        "far is not local to Münster"
    );
    assert_eq!(
        scores[6].terms[0].explanation,
        "by-ags is not local to Osnabrück"
    );
}

#[test]
fn atom_feed_lists_needs_that_want_help() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let mut grants = PluginGrants::default();
    grants
        .config
        .insert("base_url".into(), "https://digifarm.ms".into());
    let plugin = load(host, &dir, "atom-feed", &grants).expect("loads");
    let catalog = Catalog::from_records(
        city(),
        vec![project(json!({
            "id": "klima", "name": "Klima & Co", "summary": "<b>Klima</b>", "status": "live",
            "lifecycle": "admitted", "license": "MIT", "last_reviewed": "2024-03-01",
            "needs": [
                {"kind": "technical", "skills": ["rust"], "since": "2024-05-01"},
                {"kind": "financial", "supported_by": [{"partner": "stadtwerke"}]},
                {"kind": "content"}
            ],
        }))],
        vec![],
        vec![],
    );
    let export = plugin.export(&catalog).expect("exports");
    assert_eq!(export.media_type, "application/atom+xml");
    let xml = String::from_utf8(export.bytes).expect("utf-8");
    assert_eq!(xml.matches("<entry>").count(), 2, "{xml}");
    assert!(
        xml.contains("<title>Klima &amp; Co: technical help wanted</title>"),
        "{xml}"
    );
    assert!(
        xml.contains("<summary>&lt;b&gt;Klima&lt;/b&gt;</summary>"),
        "{xml}"
    );
    assert!(
        xml.contains("<link href=\"https://digifarm.ms/projects/klima\"/>"),
        "{xml}"
    );
    assert!(
        xml.contains("<updated>2024-05-01T00:00:00Z</updated>"),
        "{xml}"
    );
    assert!(xml.contains("<category term=\"rust\"/>"), "{xml}");
    assert!(!xml.contains("financial help wanted"), "{xml}");
}

#[test]
fn civic_json_reads_betanyc_and_dcgov_variants() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let plugin = load(host, &dir, "civic-json", &PluginGrants::default()).expect("loads");
    let input = json!([
        {
            "name": "Heat Seek",
            "description": "Sensors for tenants without heat",
            "status": "Beta",
            "bornAt": "2014",
            "geography": "New York",
            "type": "Web App",
            "needs": [{"need": "Developers"}, {"need": "Funding"}, {"need": "Writers"}],
            "categories": [{"category": "Housing"}],
            "moreInfo": "https://heatseek.org",
            "license": "MIT",
            "contact": {"name": "Jane Doe", "email": "jane@example.org"}
        },
        {
            "status": "Production",
            "description": "DC's open data portal",
            "repository": "https://github.com/DCgov/open-data/",
            "tags": ["open data", "ckan"],
            "contact": {"name": "John Roe", "email": "john@dc.gov", "url": "https://dc.gov"},
            "geography": "Washington, DC"
        },
        "not an object"
    ]);
    let imported = plugin
        .import(&city(), "application/json", input.to_string().as_bytes())
        .expect("imports");
    // The DC record has no licence: the plugin returns NOASSERTION, which the record checks
    // refuse, so it is reported and not admitted.
    let ids: Vec<&str> = imported.projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, vec!["heat-seek"]);
    let heat = &imported.projects[0];
    assert_eq!(heat.status.as_str(), "in-development");
    assert_eq!(heat.license, "MIT");
    assert!(heat.contacts.is_empty(), "contact data is not imported");
    let kinds: Vec<&str> = heat.needs.iter().map(|n| n.kind.as_str()).collect();
    assert_eq!(kinds, vec!["technical", "financial", "content"]);
    let checks: Vec<(&str, &str)> = imported
        .checks
        .iter()
        .map(|d| (d.code.as_ref(), d.pointer.as_str()))
        .collect();
    assert_eq!(checks, vec![("license-missing", "/projects/1/license")]);
    assert!(
        imported.checks[0]
            .message
            .starts_with("project `open-data` is not imported: "),
        "{}",
        imported.checks[0].message
    );
    let diag: Vec<(&str, &str)> = imported
        .diagnostics
        .iter()
        .map(|d| (d.code.as_ref(), d.file.as_str()))
        .collect();
    assert_eq!(
        diag,
        vec![
            ("civic-json/license-missing", "open-data"),
            ("civic-json/not-an-object", "")
        ]
    );
    // Not JSON: the plugin's own error, naming it.
    let err = plugin
        .import(&city(), "application/json", b"{nope")
        .expect_err("not json");
    assert!(
        err.to_string()
            .starts_with("plugin `civic-json`: the plugin reported an error: not JSON:"),
        "{err}"
    );
}

#[test]
fn calling_a_plugin_as_the_wrong_kind_is_an_error() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let plugin = load(host, &dir, "atom-feed", &PluginGrants::default()).expect("loads");
    let err = plugin.validate(&city(), &[]).expect_err("not a validator");
    assert_eq!(
        err.to_string(),
        "plugin `atom-feed`: wrong kind: called as `validator`, but it implements `exporter`"
    );
}
