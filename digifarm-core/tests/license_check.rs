//! Table-driven tests of `license::check`: one row per rule of the licence policy.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::ops::Range;

use digifarm_core::Code;
use digifarm_core::license::{self, Policy};
use digifarm_core::model::{LicenseClarification, LicenseConfig, LicensePolicyKind};

fn default_policy() -> Policy {
    Policy::new(LicensePolicyKind::OsiOrFsf)
}

/// (input, valid, normalized, allowed, findings as (code, span))
type Row = (
    &'static str,
    bool,
    Option<&'static str>,
    bool,
    &'static [(Code, Option<Range<usize>>)],
);

fn run(policy: &Policy, rows: &[Row]) {
    for (input, valid, normalized, allowed, findings) in rows {
        let v = license::check(input, policy);
        let got: Vec<(Code, Option<Range<usize>>)> = v
            .findings
            .iter()
            .map(|f| (f.code, f.span.clone()))
            .collect();
        assert_eq!(v.valid_expression, *valid, "{input:?} valid: {v:#?}");
        assert_eq!(v.normalized.as_deref(), *normalized, "{input:?} normalized");
        assert_eq!(v.allowed, *allowed, "{input:?} allowed: {v:#?}");
        assert_eq!(&got, findings, "{input:?} findings: {v:#?}");
        assert_eq!(v.input, *input);
        for f in &v.findings {
            assert_eq!(f.severity, f.code.default_severity(), "{input:?}");
            assert!(!f.message.is_empty());
            if let Some(span) = &f.span {
                assert!(input.get(span.clone()).is_some(), "{input:?} span {span:?}");
            }
        }
    }
}

#[test]
fn syntax_case_and_operators() {
    run(
        &default_policy(),
        &[
            ("MIT", true, Some("MIT"), true, &[]),
            (
                "mit",
                true,
                Some("MIT"),
                true,
                &[(Code::LicenseCase, Some(0..3))],
            ),
            (
                "apache-2.0",
                true,
                Some("Apache-2.0"),
                true,
                &[(Code::LicenseCase, Some(0..10))],
            ),
            (
                "MIT or Apache-2.0",
                true,
                Some("MIT OR Apache-2.0"),
                true,
                &[(Code::LicenseCase, Some(4..6))],
            ),
            (
                "MIT And Apache-2.0",
                true,
                Some("MIT AND Apache-2.0"),
                true,
                &[(Code::LicenseCase, Some(4..7))],
            ),
            (
                "(MIT OR Apache-2.0) AND BSD-3-Clause",
                true,
                Some("(MIT OR Apache-2.0) AND BSD-3-Clause"),
                true,
                &[],
            ),
            (
                "GPL-2.0-or-later WITH Classpath-exception-2.0",
                true,
                Some("GPL-2.0-or-later WITH Classpath-exception-2.0"),
                true,
                &[],
            ),
            (
                "gpl-2.0-or-later with classpath-exception-2.0",
                true,
                Some("GPL-2.0-or-later WITH Classpath-exception-2.0"),
                true,
                &[
                    (Code::LicenseCase, Some(0..16)),
                    (Code::LicenseCase, Some(17..21)),
                    (Code::LicenseCase, Some(22..45)),
                ],
            ),
            ("Apache-1.1+", true, Some("Apache-1.1+"), true, &[]),
            ("  MIT  ", true, Some("MIT"), true, &[]),
            (
                "MIT AND",
                false,
                None,
                false,
                &[(Code::LicenseInvalid, Some(7..7))],
            ),
            (
                "MIT Apache-2.0",
                false,
                None,
                false,
                &[(Code::LicenseInvalid, Some(4..14))],
            ),
            (
                "MIT/Apache-2.0",
                false,
                None,
                false,
                &[(Code::LicenseInvalid, Some(3..4))],
            ),
            (
                "GPL v3",
                false,
                None,
                false,
                &[(Code::LicenseInvalid, Some(0..3))],
            ),
            (
                "GPL-3.0-only+",
                false,
                None,
                false,
                &[(Code::LicenseInvalid, Some(12..13))],
            ),
        ],
    );
}

#[test]
fn deprecated_ids_warn_with_their_replacement() {
    run(
        &default_policy(),
        &[
            (
                "GPL-3.0",
                true,
                Some("GPL-3.0"),
                true,
                &[(Code::LicenseDeprecated, Some(0..7))],
            ),
            (
                "GPL-2.0+",
                true,
                Some("GPL-2.0+"),
                true,
                &[(Code::LicenseDeprecated, Some(0..8))],
            ),
            (
                "MIT OR lgpl-2.1+",
                true,
                Some("MIT OR LGPL-2.1+"),
                true,
                &[
                    (Code::LicenseDeprecated, Some(7..16)),
                    (Code::LicenseCase, Some(7..15)),
                ],
            ),
            (
                "GPL-2.0-with-classpath-exception",
                true,
                Some("GPL-2.0-with-classpath-exception"),
                true,
                &[(Code::LicenseDeprecated, Some(0..32))],
            ),
        ],
    );
    let cases = [
        ("GPL-3.0", "GPL-3.0-only"),
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("LGPL-2.1", "LGPL-2.1-only"),
        ("AGPL-3.0", "AGPL-3.0-only"),
        (
            "GPL-2.0-with-classpath-exception",
            "GPL-2.0-only WITH Classpath-exception-2.0",
        ),
        ("StandardML-NJ", "SMLNJ"),
    ];
    for (input, replacement) in cases {
        let v = license::check(input, &default_policy());
        let f = v
            .findings
            .iter()
            .find(|f| f.code == Code::LicenseDeprecated)
            .unwrap();
        assert!(
            f.message.contains(&format!("`{replacement}`")),
            "{input}: {}",
            f.message
        );
    }
}

#[test]
fn missing_licences_are_errors() {
    run(
        &default_policy(),
        &[
            ("", false, None, false, &[(Code::LicenseMissing, None)]),
            ("   ", false, None, false, &[(Code::LicenseMissing, None)]),
            (
                "NONE",
                false,
                None,
                false,
                &[(Code::LicenseMissing, Some(0..4))],
            ),
            (
                " NOASSERTION",
                false,
                None,
                false,
                &[(Code::LicenseMissing, Some(1..12))],
            ),
            (
                "none",
                false,
                None,
                false,
                &[(Code::LicenseMissing, Some(0..4))],
            ),
            (
                "MIT OR NONE",
                false,
                None,
                false,
                &[(Code::LicenseInvalid, Some(7..11))],
            ),
        ],
    );
}

#[test]
fn policy_kinds() {
    // (expr, osi, fsf, osi-or-fsf, osi-and-fsf)
    let cases = [
        ("MIT", true, true, true, true),
        ("SSPL-1.0", false, false, false, false),
        ("CC0-1.0", false, true, true, false),
        ("WTFPL", false, true, true, false),
        ("BSD-4-Clause", false, true, true, false),
        ("NASA-1.3", true, false, true, false),
        ("MIT OR SSPL-1.0", true, true, true, true),
        ("MIT AND SSPL-1.0", false, false, false, false),
        (
            "(MIT OR SSPL-1.0) AND (CC0-1.0 OR WTFPL)",
            false,
            true,
            true,
            false,
        ),
        ("CC-BY-NC-4.0", false, false, false, false),
    ];
    for (expr, osi, fsf, either, both) in cases {
        for (kind, want) in [
            (LicensePolicyKind::Osi, osi),
            (LicensePolicyKind::Fsf, fsf),
            (LicensePolicyKind::OsiOrFsf, either),
            (LicensePolicyKind::OsiAndFsf, both),
        ] {
            let v = license::check(expr, &Policy::new(kind));
            assert_eq!(v.allowed, want, "{expr} under {}", kind.as_str());
            assert_eq!(
                v.findings.iter().any(|f| f.code == Code::LicenseNotAllowed),
                !want,
                "{expr} under {}: {v:#?}",
                kind.as_str()
            );
        }
    }
}

#[test]
fn explanations_name_the_failing_term_and_its_span() {
    let v = license::check("MIT AND SSPL-1.0", &default_policy());
    assert_eq!(v.findings.len(), 1);
    let f = &v.findings[0];
    assert_eq!(f.code, Code::LicenseNotAllowed);
    assert_eq!(f.span, Some(8..16));
    assert!(
        f.message
            .contains("`SSPL-1.0` is neither OSI-approved nor FSF-free"),
        "{}",
        f.message
    );

    // Only the terms that make it fail are blamed: SSPL-1.0 is not, MIT covers for it.
    let v = license::check(
        "(MIT OR SSPL-1.0) AND (BUSL-1.1 OR Elastic-2.0)",
        &default_policy(),
    );
    let spans: Vec<_> = v.findings.iter().map(|f| f.span.clone()).collect();
    assert_eq!(spans, vec![Some(23..31), Some(35..46)], "{v:#?}");
    assert!(v.findings[0].message.contains("`BUSL-1.1`"));

    let v = license::check("CC0-1.0", &Policy::new(LicensePolicyKind::OsiAndFsf));
    assert!(
        v.findings[0]
            .message
            .contains("FSF-free but not OSI-approved"),
        "{v:#?}"
    );
    let v = license::check("NASA-1.3", &Policy::new(LicensePolicyKind::Fsf));
    assert!(
        v.findings[0].message.contains("not on the FSF's list"),
        "{v:#?}"
    );
    let v = license::check("SSPL-1.0 OR BUSL-1.1", &default_policy());
    assert_eq!(v.findings.len(), 2);
    assert!(v.findings[0].message.contains("no alternative"), "{v:#?}");
}

#[test]
fn allow_and_deny_lists() {
    let policy = Policy {
        kind: LicensePolicyKind::Osi,
        allow: vec!["cc0-1.0".to_owned()],
        deny: vec!["GPL-3.0-only".to_owned(), "WTFPL".to_owned()],
        clarified: vec![],
    };
    let cases = [
        ("CC0-1.0", true),
        ("MIT", true),
        ("GPL-3.0-only", false),
        ("GPL-3.0", false), // deprecated alias of a denied id
        ("GPL-3.0-or-later", true),
        ("GPL-3.0-only OR MIT", true),
        ("WTFPL", false),
    ];
    for (expr, want) in cases {
        let v = license::check(expr, &policy);
        assert_eq!(v.allowed, want, "{expr}: {v:#?}");
    }
    let v = license::check("WTFPL", &policy);
    assert!(v.findings.iter().any(|f| f.message.contains("deny list")));
    // Deny wins over allow.
    let both = Policy {
        allow: vec!["MIT".to_owned()],
        deny: vec!["MIT".to_owned()],
        ..default_policy()
    };
    assert!(!license::check("MIT", &both).allowed);
}

#[test]
fn content_licences_warn_for_software() {
    run(
        &default_policy(),
        &[
            (
                "CC-BY-4.0",
                true,
                Some("CC-BY-4.0"),
                true,
                &[(Code::LicenseContentOnly, Some(0..9))],
            ),
            (
                "CC-BY-SA-4.0",
                true,
                Some("CC-BY-SA-4.0"),
                true,
                &[(Code::LicenseContentOnly, Some(0..12))],
            ),
            (
                "GFDL-1.3-or-later",
                true,
                Some("GFDL-1.3-or-later"),
                true,
                &[(Code::LicenseContentOnly, Some(0..17))],
            ),
            (
                "EUPL-1.2 AND CC-BY-4.0",
                true,
                Some("EUPL-1.2 AND CC-BY-4.0"),
                true,
                &[(Code::LicenseContentOnly, Some(13..22))],
            ),
            ("CC0-1.0", true, Some("CC0-1.0"), true, &[]),
        ],
    );
}

#[test]
fn licence_refs_need_a_clarification() {
    let config = LicenseConfig {
        clarifications: vec![LicenseClarification {
            id: "LicenseRef-Muenster-Open".to_owned(),
            reason: "reviewed by the legal office, 2024-05".to_owned(),
        }],
        ..LicenseConfig::default()
    };
    let clarified = Policy::from_config(&config);
    run(
        &default_policy(),
        &[
            (
                "LicenseRef-Muenster-Open",
                true,
                Some("LicenseRef-Muenster-Open"),
                false,
                &[(Code::LicenseRefUnclarified, Some(0..24))],
            ),
            (
                "MIT OR LicenseRef-Muenster-Open",
                true,
                Some("MIT OR LicenseRef-Muenster-Open"),
                true,
                &[],
            ),
            (
                "DocumentRef-a:LicenseRef-b",
                true,
                Some("DocumentRef-a:LicenseRef-b"),
                false,
                &[(Code::LicenseRefUnclarified, Some(0..26))],
            ),
        ],
    );
    run(
        &clarified,
        &[
            (
                "LicenseRef-Muenster-Open",
                true,
                Some("LicenseRef-Muenster-Open"),
                true,
                &[],
            ),
            (
                "licenseref-muenster-open",
                true,
                Some("LicenseRef-muenster-open"),
                true,
                &[(Code::LicenseCase, Some(0..24))],
            ),
            (
                "LicenseRef-Other",
                true,
                Some("LicenseRef-Other"),
                false,
                &[(Code::LicenseRefUnclarified, Some(0..16))],
            ),
        ],
    );
    let v = license::check("LicenseRef-Other", &clarified);
    assert!(
        v.findings[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("license.clarifications")
    );
}

#[test]
fn muenster_strings_are_invalid_with_suggestions() {
    // (raw value from the spreadsheet, suggested expressions in the help)
    let cases: &[(&str, &[&str])] = &[
        ("MIT License ", &["MIT"]),
        ("MIT License", &["MIT"]),
        ("MIT license ", &["MIT"]),
        ("GPL v3", &["GPL-3.0-only", "GPL-3.0-or-later"]),
        ("--", &[]),
        ("Apache License 2.0", &["Apache-2.0"]),
        ("Apache-2.0 license", &["Apache-2.0"]),
        (
            "dual-licensed under the EUPL v1.2 and AGPLv3 license",
            &["EUPL-1.2 OR AGPL-3.0-only", "EUPL-1.2 OR AGPL-3.0-or-later"],
        ),
        ("Offene Lizenz mit eigenem Lizenztext", &[]),
        ("Creative Commons Public License - CCPL", &[]),
    ];
    for (input, suggestions) in cases {
        let v = license::check(input, &default_policy());
        assert!(!v.allowed && !v.valid_expression, "{input:?}");
        assert_eq!(v.findings.len(), 1, "{input:?}");
        let f = &v.findings[0];
        assert_eq!(f.code, Code::LicenseInvalid, "{input:?}");
        let help = f.help.clone().unwrap_or_default();
        for s in *suggestions {
            assert!(help.contains(&format!("`{s}`")), "{input:?}: {help}");
        }
        if suggestions.is_empty() {
            assert!(!help.contains("did you mean"), "{input:?}: {help}");
        }
    }
}

#[test]
fn hostile_input_never_panics() {
    let inputs = [
        "(".repeat(100_000),
        ")".repeat(1000),
        "MIT AND ".repeat(10_000) + "MIT",
        "\u{0}\u{feff}ä€𝄞".to_owned(),
        "LicenseRef-".to_owned(),
        "DocumentRef-:LicenseRef-".to_owned(),
        "DocumentRef-a:LicenseRef-b:c".to_owned(),
        "MIT WITH WITH".to_owned(),
        "+".to_owned(),
        "MIT++".to_owned(),
    ];
    for input in &inputs {
        let v = license::check(input, &default_policy());
        let _ = license::normalize(input);
        let _ = license::satisfies(input, "copyleft");
        let _ = license::satisfies("MIT", input);
        for f in &v.findings {
            if let Some(span) = &f.span {
                assert!(input.get(span.clone()).is_some());
            }
        }
    }
}
