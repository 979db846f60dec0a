//! From what people really write ("MIT License ", "GPL v3", "Apache License, Version 2.0",
//! "dual-licensed under the EUPL v1.2 and AGPLv3 license") to candidate SPDX expressions.
//!
//! Rules: a strict SPDX expression (any case) is taken as it is; otherwise the text is
//! tokenised, known phrases are folded ("general public" → `gpl`), noise words dropped, and
//! each part between `and`/`or` must be recognised *completely* by one licence pattern.
//! A single unknown word means no candidate: a wrong guess is worse than none. Where the
//! text does not decide (the GPL without "only" or "or later", a bare "BSD"), every reading
//! is returned and `ambiguous` is set. We deliberately do not use the `spdx` crate's
//! imprecise-name table: it maps "gnu gpl v2" to GPL-3.0 and plain "BSD" to BSD-2-Clause.

use std::sync::LazyLock;

use super::parse;

/// The candidates for one free-text licence.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    /// The text as given.
    pub input: String,
    /// Candidate SPDX expressions, most likely first.
    pub candidates: Vec<Candidate>,
    /// The text allows several readings and a person must choose.
    pub ambiguous: bool,
}

/// One candidate SPDX expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// A canonical SPDX expression.
    pub expression: String,
    /// How sure we are, in `0.0..=1.0`.
    pub confidence: f64,
}

/// At most this many candidates are returned.
const MAX_CANDIDATES: usize = 8;

/// Words that say nothing about which licence is meant.
const NOISE: &[&str] = &[
    "the",
    "license",
    "licence",
    "licenses",
    "licences",
    "licensed",
    "lizenz",
    "lizenziert",
    "version",
    "ver",
    "vers",
    "v",
    "under",
    "terms",
    "of",
    "is",
    "released",
    "available",
    "dual",
    "dually",
    "either",
    "at",
    "your",
    "option",
    "choice",
    "spdx",
    "identifier",
    "unter",
    "der",
    "die",
    "steht",
    "software",
    "a",
    "an",
    "open",
    "source",
    "project",
    "universal",
];

/// Words that turn "and" into a choice.
const DUAL: &[&str] = &["dual", "dually", "either", "choice", "wahl"];

/// Placeholders for "nothing given".
const PLACEHOLDERS: &[&str] = &[
    "none",
    "n/a",
    "na",
    "keine",
    "unknown",
    "unbekannt",
    "tbd",
    "k.a.",
    "noassertion",
    "null",
    "nil",
    "-",
    "?",
];

/// Phrases folded into one token before recognition (on space-separated lower-case words).
const PHRASES: &[(&str, &str)] = &[
    ("gnu affero general public", "agpl"),
    ("affero general public", "agpl"),
    ("gnu affero gpl", "agpl"),
    ("affero gpl", "agpl"),
    ("gnu agpl", "agpl"),
    ("gnu lesser general public", "lgpl"),
    ("gnu library general public", "lgpl"),
    ("lesser general public", "lgpl"),
    ("library general public", "lgpl"),
    ("gnu lesser gpl", "lgpl"),
    ("lesser gpl", "lgpl"),
    ("gnu lgpl", "lgpl"),
    ("gnu general public", "gpl"),
    ("general public", "gpl"),
    ("gnu gpl", "gpl"),
    ("mozilla public", "mpl"),
    ("european union public", "eupl"),
    ("eclipse public", "epl"),
    ("boost software", "bsl"),
    ("creative commons zero", "cc0"),
    ("creative commons", "cc"),
    ("cc zero", "cc0"),
    ("cc 0", "cc0"),
    ("zero clause bsd", "0bsd"),
    ("bsd zero clause", "0bsd"),
    ("simplified bsd", "bsd 2 clause"),
    ("freebsd", "bsd 2 clause"),
    ("new bsd", "bsd 3 clause"),
    ("revised bsd", "bsd 3 clause"),
    ("modified bsd", "bsd 3 clause"),
    ("or any later", "+"),
    ("or later", "+"),
    ("or any newer", "+"),
    ("or newer", "+"),
    ("and later", "+"),
    ("oder später", "+"),
    ("oder neuer", "+"),
    ("attribution sharealike", "by sa"),
    ("attribution share alike", "by sa"),
    ("attribution", "by"),
    ("sharealike", "sa"),
    ("share alike", "sa"),
    ("mit no attribution", "mit0"),
    ("mit 0", "mit0"),
    ("the unlicense", "unlicense"),
    ("sil open font", "ofl"),
    ("public domain", "publicdomain"),
];

/// Normalises free text to candidate SPDX expressions.
pub fn normalize(text: &str) -> Normalized {
    let mut out = Normalized {
        input: text.to_owned(),
        candidates: Vec::new(),
        ambiguous: false,
    };
    let trimmed = text.trim();
    let lower = trimmed.to_lowercase();
    if !trimmed.chars().any(char::is_alphanumeric) || PLACEHOLDERS.contains(&lower.as_str()) {
        return out;
    }
    if let Some(c) = strict(trimmed, 1.0) {
        out.candidates.push(c);
        return out;
    }
    if let Some(c) = strict(&strip_licence_words(trimmed), 0.95) {
        out.candidates.push(c);
        return out;
    }
    if let Some((candidates, ambiguous)) = free_text(&lower) {
        out.ambiguous = ambiguous || candidates.len() > 1;
        out.candidates = candidates;
    }
    out
}

/// A strictly parsed expression as a candidate; deprecated ids are replaced.
fn strict(text: &str, confidence: f64) -> Option<Candidate> {
    let p = parse::parse(text).ok()?;
    let (expression, confidence) = if p.has_replaceable_deprecated() {
        (p.canonical_current(), confidence * 0.9)
    } else if p.case_fixes.is_empty() {
        (p.canonical(), confidence)
    } else {
        (p.canonical(), confidence * 0.99)
    };
    Some(Candidate {
        expression,
        confidence,
    })
}

/// "Apache-2.0 license" → "Apache-2.0"; "The MIT License" → "MIT".
fn strip_licence_words(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            !["the", "license", "licence", "lizenz"]
                .iter()
                .any(|n| w.eq_ignore_ascii_case(n))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lower-case words: punctuation to spaces, `+` and `/` their own tokens, letters and
/// digits split apart ("gplv3" → "gplv 3", "agplv3" → "agplv 3").
fn words(lower: &str) -> Vec<String> {
    let mut spaced = String::with_capacity(lower.len() * 2);
    let mut prev: Option<char> = None;
    for c in lower.chars() {
        match c {
            '+' | '/' | '&' => {
                spaced.push(' ');
                spaced.push(if c == '&' { '+' } else { c });
                if c == '&' {
                    spaced.pop();
                    spaced.push_str("and");
                }
                spaced.push(' ');
            }
            c if c.is_alphanumeric() || c == '.' => {
                if c.is_ascii_digit() && prev.is_some_and(char::is_alphabetic) {
                    spaced.push(' ');
                }
                spaced.push(c);
            }
            _ => spaced.push(' '),
        }
        prev = Some(c);
    }
    let mut out: Vec<String> = Vec::new();
    for w in spaced.split_whitespace() {
        let w = w.trim_matches('.');
        if w.is_empty() {
            continue;
        }
        // "gplv" "agplv" "lgplv" from "GPLv3".
        let w = match w {
            "gplv" => "gpl",
            "agplv" => "agpl",
            "lgplv" => "lgpl",
            "mplv" => "mpl",
            "euplv" => "eupl",
            other => other,
        };
        out.push(w.to_owned());
    }
    fold_phrases(out)
}

/// [`PHRASES`] padded with spaces, built once.
static PADDED_PHRASES: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    PHRASES
        .iter()
        .map(|(phrase, token)| (format!(" {phrase} "), format!(" {token} ")))
        .collect()
});

fn fold_phrases(words: Vec<String>) -> Vec<String> {
    let mut joined = format!(" {} ", words.join(" "));
    for (from, to) in PADDED_PHRASES.iter() {
        while joined.contains(from.as_str()) {
            joined = joined.replace(from.as_str(), to);
        }
    }
    joined.split_whitespace().map(str::to_owned).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conj {
    And,
    Or,
}

/// Recognises the whole text; `None` if any part is unknown.
fn free_text(lower: &str) -> Option<(Vec<Candidate>, bool)> {
    let words = words(lower);
    let dual = words.iter().any(|w| DUAL.contains(&w.as_str()));
    let mut segments: Vec<Vec<&str>> = vec![Vec::new()];
    let mut conjs: Vec<Conj> = Vec::new();
    for w in &words {
        let conj = match w.as_str() {
            "and" | "und" => Some(if dual { Conj::Or } else { Conj::And }),
            "or" | "oder" | "/" => Some(Conj::Or),
            _ => None,
        };
        match conj {
            Some(c) => {
                conjs.push(c);
                segments.push(Vec::new());
            }
            None if NOISE.contains(&w.as_str()) => {}
            None => {
                if let Some(last) = segments.last_mut() {
                    last.push(w);
                }
            }
        }
    }
    // "licensed under X and" / stray separators.
    if segments.iter().any(Vec::is_empty) {
        return None;
    }
    let mut ambiguous = false;
    let mut readings: Vec<(String, f64)> = vec![(String::new(), 1.0)];
    for (i, seg) in segments.iter().enumerate() {
        let (options, amb) = segment(seg)?;
        ambiguous |= amb;
        let op = match i.checked_sub(1).and_then(|j| conjs.get(j)) {
            Some(Conj::And) => " AND ",
            Some(Conj::Or) => " OR ",
            None => "",
        };
        let mut next = Vec::with_capacity(readings.len() * options.len());
        for (prefix, conf) in &readings {
            for (expr, c) in &options {
                next.push((format!("{prefix}{op}{expr}"), conf * c));
            }
        }
        next.truncate(MAX_CANDIDATES * 4);
        readings = next;
    }
    let mut candidates: Vec<Candidate> = readings
        .into_iter()
        .filter_map(|(expr, confidence)| {
            // Everything we produce must be a valid expression; re-parse to canonicalise.
            let p = parse::parse(&expr).ok()?;
            Some(Candidate {
                expression: p.canonical(),
                confidence: (confidence * 1000.0).round() / 1000.0,
            })
        })
        .collect();
    candidates.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    candidates.truncate(MAX_CANDIDATES);
    if candidates.is_empty() {
        return None;
    }
    Some((candidates, ambiguous))
}

type Options = (Vec<(String, f64)>, bool);

fn one(expr: &str, confidence: f64) -> Option<Options> {
    Some((vec![(expr.to_owned(), confidence)], false))
}

fn versioned(
    family: &str,
    version: Option<&str>,
    known: &[(&str, &str)],
    default: Option<(&str, f64)>,
) -> Option<Options> {
    match version {
        Some(v) => known
            .iter()
            .find(|(written, _)| *written == v)
            .and_then(|(_, canon)| one(&format!("{family}-{canon}"), 0.9)),
        None => default.and_then(|(canon, conf)| one(&format!("{family}-{canon}"), conf)),
    }
}

/// Recognises one part (noise removed) completely, or not at all.
fn segment(words: &[&str]) -> Option<Options> {
    let mut later = false;
    let mut only = false;
    let mut version: Option<&str> = None;
    let mut rest: Vec<&str> = Vec::new();
    for &w in words {
        match w {
            "+" => later = true,
            "only" | "nur" => only = true,
            w if w.chars().next().is_some_and(|c| c.is_ascii_digit())
                && w.chars().all(|c| c.is_ascii_digit() || c == '.') =>
            {
                if version.is_some() {
                    return None;
                }
                version = Some(w);
            }
            w => rest.push(w),
        }
    }
    if later && only {
        return None;
    }
    // "The MIT License (MIT)".
    rest.dedup();
    let gnu_flags_ok = |fam: &str| matches!(fam, "gpl" | "lgpl" | "agpl");
    if (later || only) && !rest.first().is_some_and(|f| gnu_flags_ok(f)) {
        // "+" on other families: only "Apache 1.1+"-style, which people do not write.
        return None;
    }
    match rest.as_slice() {
        ["mit"] | ["expat"] if version.is_none() => one("MIT", 0.95),
        ["mit"] if version == Some("0") => one("MIT-0", 0.9),
        ["mit0"] if version.is_none() => one("MIT-0", 0.9),
        ["apache"] | ["asl"] => versioned(
            "Apache",
            version,
            &[
                ("2", "2.0"),
                ("2.0", "2.0"),
                ("1.1", "1.1"),
                ("1", "1.0"),
                ("1.0", "1.0"),
            ],
            Some(("2.0", 0.7)),
        ),
        ["isc"] if version.is_none() => one("ISC", 0.95),
        ["zlib"] if version.is_none() => one("Zlib", 0.9),
        ["wtfpl"] if version.is_none() => one("WTFPL", 0.9),
        ["unlicense"] if version.is_none() => one("Unlicense", 0.95),
        ["0bsd"] if version.is_none() => one("0BSD", 0.9),
        ["postgresql"] if version.is_none() => one("PostgreSQL", 0.9),
        ["bsl"] | ["boost"] if matches!(version, None | Some("1") | Some("1.0")) => {
            one("BSL-1.0", 0.9)
        }
        ["cc0"] if matches!(version, None | Some("1") | Some("1.0")) => one("CC0-1.0", 0.95),
        ["mpl"] => versioned(
            "MPL",
            version,
            &[
                ("2", "2.0"),
                ("2.0", "2.0"),
                ("1.1", "1.1"),
                ("1", "1.0"),
                ("1.0", "1.0"),
            ],
            Some(("2.0", 0.7)),
        ),
        ["eupl"] => versioned(
            "EUPL",
            version,
            &[("1.2", "1.2"), ("1.1", "1.1"), ("1.0", "1.0"), ("1", "1.0")],
            Some(("1.2", 0.7)),
        ),
        ["epl"] => match version {
            Some(_) => versioned(
                "EPL",
                version,
                &[("2", "2.0"), ("2.0", "2.0"), ("1", "1.0"), ("1.0", "1.0")],
                None,
            ),
            None => Some((
                vec![("EPL-2.0".to_owned(), 0.6), ("EPL-1.0".to_owned(), 0.4)],
                true,
            )),
        },
        ["artistic"] => versioned("Artistic", version, &[("2", "2.0"), ("2.0", "2.0")], None),
        ["ofl"] => versioned("OFL", version, &[("1.1", "1.1")], Some(("1.1", 0.8))),
        ["odbl"] => versioned(
            "ODbL",
            version,
            &[("1.0", "1.0"), ("1", "1.0")],
            Some(("1.0", 0.9)),
        ),
        ["bsd", "clause"] | ["bsd"] => {
            let clause = rest.len() == 2;
            match version {
                Some("2") => one("BSD-2-Clause", if clause { 0.95 } else { 0.85 }),
                Some("3") => one("BSD-3-Clause", if clause { 0.95 } else { 0.85 }),
                Some("4") => one("BSD-4-Clause", if clause { 0.95 } else { 0.85 }),
                Some(_) => None,
                None if clause => None,
                None => Some((
                    vec![
                        ("BSD-3-Clause".to_owned(), 0.5),
                        ("BSD-2-Clause".to_owned(), 0.4),
                    ],
                    true,
                )),
            }
        }
        ["cc", "by"]
        | ["cc", "by", "sa"]
        | ["cc", "by", "nd"]
        | ["cc", "by", "nc"]
        | ["cc", "by", "nc", "sa"]
        | ["cc", "by", "nc", "nd"] => {
            let v = version?;
            let v = match v {
                "4" => "4.0",
                "3" => "3.0",
                "2" => "2.0",
                "1" => "1.0",
                v => v,
            };
            let id = format!("{}-{v}", rest.join("-").to_uppercase());
            super::ids::license_exact(&id).and_then(|l| one(l.name, 0.9))
        }
        [fam] if gnu_flags_ok(fam) => gnu(fam, version, later, only),
        _ => None,
    }
}

fn gnu(family: &str, version: Option<&str>, later: bool, only: bool) -> Option<Options> {
    let (id, versions): (&str, &[(&str, &str)]) = match family {
        "gpl" => (
            "GPL",
            &[
                ("1", "1.0"),
                ("1.0", "1.0"),
                ("2", "2.0"),
                ("2.0", "2.0"),
                ("3", "3.0"),
                ("3.0", "3.0"),
            ],
        ),
        "lgpl" => (
            "LGPL",
            &[
                ("2", "2.0"),
                ("2.0", "2.0"),
                ("2.1", "2.1"),
                ("3", "3.0"),
                ("3.0", "3.0"),
            ],
        ),
        "agpl" => (
            "AGPL",
            &[("1", "1.0"), ("1.0", "1.0"), ("3", "3.0"), ("3.0", "3.0")],
        ),
        _ => return None,
    };
    let chosen: Vec<&str> = match version {
        Some(v) => vec![versions.iter().find(|(w, _)| *w == v)?.1],
        // No version: the common current ones.
        None => match family {
            "gpl" => vec!["3.0", "2.0"],
            "lgpl" => vec!["3.0", "2.1"],
            _ => vec!["3.0"],
        },
    };
    let suffixes: &[&str] = if later {
        &["or-later"]
    } else if only {
        &["only"]
    } else {
        &["only", "or-later"]
    };
    let n = (chosen.len() * suffixes.len()) as f64;
    let base = if version.is_some() { 0.95 } else { 0.8 };
    let options = chosen
        .iter()
        .flat_map(|v| {
            suffixes
                .iter()
                .map(move |s| (format!("{id}-{v}-{s}"), base / n))
        })
        .collect::<Vec<_>>();
    let ambiguous = options.len() > 1;
    Some((options, ambiguous))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn exprs(text: &str) -> (Vec<String>, bool) {
        let n = normalize(text);
        (
            n.candidates.iter().map(|c| c.expression.clone()).collect(),
            n.ambiguous,
        )
    }

    #[test]
    fn muenster_strings() {
        let cases: &[(&str, &[&str], bool)] = &[
            ("MIT License ", &["MIT"], false),
            ("MIT License", &["MIT"], false),
            ("MIT license ", &["MIT"], false),
            ("GPL v3", &["GPL-3.0-only", "GPL-3.0-or-later"], true),
            ("--", &[], false),
            ("Apache License 2.0", &["Apache-2.0"], false),
            ("Apache-2.0 license", &["Apache-2.0"], false),
            (
                "dual-licensed under the EUPL v1.2 and AGPLv3 license",
                &["EUPL-1.2 OR AGPL-3.0-only", "EUPL-1.2 OR AGPL-3.0-or-later"],
                true,
            ),
            ("Offene Lizenz mit eigenem Lizenztext", &[], false),
            ("Creative Commons Public License - CCPL", &[], false),
        ];
        for (text, want, ambiguous) in cases {
            let (got, amb) = exprs(text);
            assert_eq!(&got, want, "{text:?}");
            assert_eq!(amb, *ambiguous, "{text:?}");
        }
    }

    #[test]
    fn common_spellings() {
        let cases: &[(&str, &[&str])] = &[
            ("MIT", &["MIT"]),
            ("mit", &["MIT"]),
            ("The MIT License (MIT)", &["MIT"]),
            ("Expat", &["MIT"]),
            ("Apache 2", &["Apache-2.0"]),
            ("Apache2", &["Apache-2.0"]),
            ("Apache License, Version 2.0", &["Apache-2.0"]),
            ("apache-2.0", &["Apache-2.0"]),
            ("ASL 2.0", &["Apache-2.0"]),
            ("gnu gpl v2", &["GPL-2.0-only", "GPL-2.0-or-later"]),
            ("GPLv2+", &["GPL-2.0-or-later"]),
            ("GPL-3.0", &["GPL-3.0-only"]),
            ("GPL-3.0-or-later", &["GPL-3.0-or-later"]),
            (
                "GNU General Public License v3.0 or later",
                &["GPL-3.0-or-later"],
            ),
            (
                "GNU General Public License version 2 only",
                &["GPL-2.0-only"],
            ),
            ("LGPL 2.1", &["LGPL-2.1-only", "LGPL-2.1-or-later"]),
            ("LGPLv3+", &["LGPL-3.0-or-later"]),
            (
                "GNU Lesser General Public License v2.1 or later",
                &["LGPL-2.1-or-later"],
            ),
            ("AGPLv3", &["AGPL-3.0-only", "AGPL-3.0-or-later"]),
            (
                "GNU Affero General Public License v3.0",
                &["AGPL-3.0-only", "AGPL-3.0-or-later"],
            ),
            ("AGPL-3.0-or-later", &["AGPL-3.0-or-later"]),
            ("BSD 3-Clause", &["BSD-3-Clause"]),
            ("BSD-2-Clause License", &["BSD-2-Clause"]),
            ("New BSD License", &["BSD-3-Clause"]),
            ("Simplified BSD", &["BSD-2-Clause"]),
            ("BSD", &["BSD-3-Clause", "BSD-2-Clause"]),
            ("ISC License", &["ISC"]),
            ("MPL 2.0", &["MPL-2.0"]),
            ("Mozilla Public License 2.0", &["MPL-2.0"]),
            ("EUPL 1.2", &["EUPL-1.2"]),
            ("European Union Public Licence v. 1.2", &["EUPL-1.2"]),
            ("The Unlicense", &["Unlicense"]),
            ("Unlicense", &["Unlicense"]),
            ("CC0", &["CC0-1.0"]),
            ("CC0 1.0 Universal", &["CC0-1.0"]),
            ("Creative Commons Zero v1.0", &["CC0-1.0"]),
            ("CC BY 4.0", &["CC-BY-4.0"]),
            ("CC BY-SA 4.0", &["CC-BY-SA-4.0"]),
            (
                "Creative Commons Attribution-ShareAlike 4.0",
                &["CC-BY-SA-4.0"],
            ),
            ("MIT or Apache-2.0", &["MIT OR Apache-2.0"]),
            ("MIT/Apache-2.0", &["MIT OR Apache-2.0"]),
            ("n/a", &[]),
            ("", &[]),
            ("proprietary", &[]),
            ("Public Domain", &[]),
            ("BSD 5-Clause", &[]),
            ("GPL v4", &[]),
        ];
        for (text, want) in cases {
            let (got, _) = exprs(text);
            assert_eq!(&got, want, "{text:?}");
        }
    }

    #[test]
    fn confidences_are_ordered_and_bounded() {
        for text in ["MIT", "MIT License", "GPL v3", "BSD", "GPL"] {
            let n = normalize(text);
            assert!(!n.candidates.is_empty(), "{text}");
            for w in n.candidates.windows(2) {
                assert!(w[0].confidence >= w[1].confidence);
            }
            for c in &n.candidates {
                assert!(c.confidence > 0.0 && c.confidence <= 1.0);
            }
        }
        assert_eq!(normalize("MIT").candidates[0].confidence, 1.0);
        assert!(normalize("MIT License").candidates[0].confidence < 1.0);
    }
}
