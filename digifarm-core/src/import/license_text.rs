//! Reading the free-text licences of imported data as SPDX expressions.
//!
//! Stand-in with the same result shape as `license::normalize` (being built on its own
//! branch): a small table of the strings Münster's data uses and their close variants. At
//! merge, [`normalize_license`] becomes a call to `license::normalize`.

/// The readings of one free-text licence.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Normalized {
    /// The text as given.
    #[allow(dead_code)]
    pub input: String,
    /// Possible SPDX expressions, most likely (or narrowest) first.
    pub candidates: Vec<Candidate>,
    /// Whether several readings are possible and a person has to choose.
    pub ambiguous: bool,
}

/// One reading.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Candidate {
    /// SPDX expression.
    pub expression: String,
    /// How sure the reading is, 0–1.
    #[allow(dead_code)]
    pub confidence: f32,
}

fn one(input: &str, expression: &str, confidence: f32) -> Normalized {
    Normalized {
        input: input.to_owned(),
        candidates: vec![Candidate {
            expression: expression.to_owned(),
            confidence,
        }],
        ambiguous: false,
    }
}

/// GNU licences written without "only" or "or later": both readings, the narrower first.
fn gnu(input: &str, id: &str) -> Normalized {
    Normalized {
        input: input.to_owned(),
        candidates: vec![
            Candidate {
                expression: format!("{id}-only"),
                confidence: 0.5,
            },
            Candidate {
                expression: format!("{id}-or-later"),
                confidence: 0.5,
            },
        ],
        ambiguous: true,
    }
}

/// `text` with each word that is an SPDX licence id, exception or operator in any case
/// written in its canonical case.
fn canonical_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let upper = word.to_ascii_uppercase();
        let (base, plus) = match word.strip_suffix('+') {
            Some(b) => (b, "+"),
            None => (word.as_str(), ""),
        };
        if matches!(upper.as_str(), "AND" | "OR" | "WITH") {
            out.push_str(&upper);
        } else if let Some(l) = spdx::identifiers::LICENSES
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(base))
        {
            out.push_str(l.name);
            out.push_str(plus);
        } else if let Some(e) = spdx::identifiers::EXCEPTIONS
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(base))
        {
            out.push_str(e.name);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() || c == '(' || c == ')' {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Reads `text` as SPDX: an exact (case-insensitive) SPDX expression, or a known free-text
/// spelling. No candidates means the text names no licence that could be recognised.
pub(crate) fn normalize_license(text: &str) -> Normalized {
    let trimmed = text.trim();
    if !trimmed.is_empty() {
        let lax = spdx::ParseMode {
            allow_deprecated: false,
            ..spdx::ParseMode::STRICT
        };
        if let Ok(expr) = spdx::Expression::parse_mode(trimmed, lax) {
            return one(text, expr.as_ref(), 1.0);
        }
        // SPDX ids are case-insensitive: retry with every id in its canonical case.
        let canonical = canonical_case(trimmed);
        if canonical != trimmed
            && let Ok(expr) = spdx::Expression::parse_mode(&canonical, lax)
        {
            return one(text, expr.as_ref(), 1.0);
        }
    }
    let key: String = trimmed
        .to_lowercase()
        .replace([',', '-', '_', '(', ')'], " ")
        .split_whitespace()
        .filter(|w| !matches!(*w, "the" | "license" | "licence" | "lizenz" | "version"))
        .collect::<Vec<_>>()
        .join(" ");
    match key.as_str() {
        "mit" => one(text, "MIT", 0.95),
        "apache 2.0" | "apache 2" | "apache2" | "apache v2" | "apache v2.0" => {
            one(text, "Apache-2.0", 0.95)
        }
        "bsd 3 clause" => one(text, "BSD-3-Clause", 0.95),
        "bsd 2 clause" => one(text, "BSD-2-Clause", 0.95),
        "eupl 1.2" | "eupl v1.2" => one(text, "EUPL-1.2", 0.95),
        "mpl 2.0" | "mpl v2" | "mpl 2" => one(text, "MPL-2.0", 0.95),
        "gpl v3"
        | "gplv3"
        | "gpl 3"
        | "gpl 3.0"
        | "gnu gpl v3"
        | "gnu gplv3"
        | "gnu gpl 3"
        | "gnu general public v3"
        | "gnu general public 3" => gnu(text, "GPL-3.0"),
        "gpl v2" | "gplv2" | "gpl 2" | "gpl 2.0" | "gnu gpl v2" | "gnu gplv2" => {
            gnu(text, "GPL-2.0")
        }
        "agpl v3" | "agplv3" | "agpl 3" | "agpl 3.0" | "gnu agpl v3" => gnu(text, "AGPL-3.0"),
        "lgpl v3" | "lgplv3" | "lgpl 3" | "lgpl 3.0" => gnu(text, "LGPL-3.0"),
        "lgpl v2.1" | "lgplv2.1" | "lgpl 2.1" => gnu(text, "LGPL-2.1"),
        _ => Normalized {
            input: text.to_owned(),
            candidates: Vec::new(),
            ambiguous: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_license;

    fn exprs(text: &str) -> (Vec<String>, bool) {
        let n = normalize_license(text);
        (
            n.candidates.into_iter().map(|c| c.expression).collect(),
            n.ambiguous,
        )
    }

    #[test]
    fn muenster_strings() {
        assert_eq!(exprs("MIT License"), (vec!["MIT".into()], false));
        assert_eq!(exprs("MIT License "), (vec!["MIT".into()], false));
        assert_eq!(exprs("MIT license "), (vec!["MIT".into()], false));
        assert_eq!(
            exprs("Apache License 2.0"),
            (vec!["Apache-2.0".into()], false)
        );
        assert_eq!(
            exprs("GPL v3"),
            (vec!["GPL-3.0-only".into(), "GPL-3.0-or-later".into()], true)
        );
        assert_eq!(exprs("--"), (vec![], false));
        assert_eq!(exprs(""), (vec![], false));
        assert_eq!(exprs("MIT"), (vec!["MIT".into()], false));
        assert_eq!(
            exprs("mit OR apache-2.0"),
            (vec!["MIT OR Apache-2.0".into()], false)
        );
        assert_eq!(exprs("Frei für alle"), (vec![], false));
    }
}
