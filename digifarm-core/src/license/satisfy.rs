//! Partner licence requirements: does a project's licence satisfy what an offer asks for?
//!
//! A requirement is either a category (`copyleft`, `strong-copyleft`, `network-copyleft`,
//! `weak-copyleft`, `permissive`, `open-source`; a trailing "only" is ignored, so "copyleft
//! only" works) or an SPDX expression / comma-separated list of ids (a list means "any of").
//!
//! Semantics, with the project expression read as its alternatives ("ways of satisfying it",
//! its disjunctive normal form):
//! - *expression*: some alternative of the project makes the requirement true, where a
//!   requirement term is met if a term of the alternative grants it. GNU `-or-later` is a
//!   range: `GPL-3.0-only` meets `GPL-2.0-or-later`, `GPL-2.0-or-later` meets
//!   `GPL-3.0-only`, `GPL-2.0-only` does not meet `GPL-3.0-or-later`. The same holds for `+`
//!   on other ids (`Apache-1.1+`). A requirement with an exception needs that exception; a
//!   project term with an exception still meets a requirement without one. Conversions the
//!   licences themselves allow (LGPL-2.1 §3 to GPL) are not applied: conservative.
//! - *copyleft categories*: a guarantee, so every alternative must contain a term of that
//!   strength (`MIT OR GPL-3.0-only` is not copyleft: users may pick MIT).
//! - *permissive*: some alternative consists of permissive terms only.
//! - *open-source*: some alternative consists of OSI-approved or FSF-free terms only.

use std::cmp::Ordering;
use std::ops::Range;

use super::copyleft::{self, Strength};
use super::ids;
use super::parse::{self, Addition, Licence, Node, Parsed, Term};

/// At most this many alternatives are expanded; larger expressions are refused.
const MAX_ALTERNATIVES: usize = 4096;

/// Why a requirement or project licence cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RequirementError {
    /// What went wrong.
    pub kind: RequirementErrorKind,
    /// A description for people.
    pub message: String,
    /// Byte range in the offending text, where known.
    pub span: Option<Range<usize>>,
}

/// The kind of a [`RequirementError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequirementErrorKind {
    /// The requirement is neither a known category nor an SPDX expression.
    InvalidRequirement,
    /// The project's licence is not a valid SPDX expression.
    InvalidProject,
    /// The expression has too many alternatives to expand.
    TooComplex,
}

/// A category of licences a partner can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Any copyleft (weak, strong or network).
    Copyleft,
    /// Weak copyleft or stronger.
    WeakCopyleft,
    /// Strong or network copyleft.
    StrongCopyleft,
    /// Network copyleft (AGPL, EUPL, OSL, …).
    NetworkCopyleft,
    /// Usable under permissive terms only.
    Permissive,
    /// OSI-approved or FSF-free.
    OpenSource,
}

/// A parsed partner licence requirement.
#[derive(Debug, Clone, PartialEq)]
pub enum Requirement {
    /// A category.
    Category(Category),
    /// An SPDX expression (a comma-separated list is read as `OR`).
    Expression(Parsed),
}

impl Requirement {
    /// Parses a requirement.
    ///
    /// # Errors
    /// Neither a known category nor an SPDX expression.
    pub fn parse(text: &str) -> Result<Requirement, RequirementError> {
        let trimmed = text.trim();
        let lower = trimmed.to_ascii_lowercase();
        let key = lower
            .strip_suffix(" only")
            .unwrap_or(&lower)
            .trim()
            .replace([' ', '_'], "-");
        let category = match key.as_str() {
            "copyleft" | "any-copyleft" => Some(Category::Copyleft),
            "weak-copyleft" => Some(Category::WeakCopyleft),
            "strong-copyleft" => Some(Category::StrongCopyleft),
            "network-copyleft" => Some(Category::NetworkCopyleft),
            "permissive" => Some(Category::Permissive),
            "open-source" | "oss" | "foss" | "free" => Some(Category::OpenSource),
            _ => None,
        };
        if let Some(c) = category {
            return Ok(Requirement::Category(c));
        }
        if trimmed.is_empty() {
            return Err(RequirementError {
                kind: RequirementErrorKind::InvalidRequirement,
                message: "the licence requirement is empty".to_owned(),
                span: None,
            });
        }
        // "A, B, C" means any of them; commas keep their byte length as " OR" would not, so
        // spans are mapped through the comma-free text only when there is no comma.
        let expr_text = if trimmed.contains(',') {
            trimmed
                .split(',')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" OR ")
        } else {
            text.to_owned()
        };
        parse::parse(&expr_text)
            .map(Requirement::Expression)
            .map_err(|e| RequirementError {
                kind: RequirementErrorKind::InvalidRequirement,
                message: format!(
                    "`{trimmed}` is neither a licence category (copyleft, strong-copyleft, network-copyleft, weak-copyleft, permissive, open-source) nor an SPDX expression: {}",
                    e.message
                ),
                span: (!trimmed.contains(',')).then_some(e.span),
            })
    }

    /// Whether a parsed project licence satisfies this requirement.
    ///
    /// # Errors
    /// The project expression has too many alternatives to expand.
    pub fn is_satisfied_by(&self, project: &Parsed) -> Result<bool, RequirementError> {
        let alternatives = alternatives(&project.root)?;
        Ok(match self {
            Requirement::Category(c) => match c {
                Category::Permissive => alternatives.iter().any(|alt| {
                    alt.iter()
                        .all(|t| copyleft::term_strength(t) == Strength::Permissive)
                }),
                Category::OpenSource => alternatives.iter().any(|alt| {
                    alt.iter().all(|t| match &t.licence {
                        Licence::Spdx(l) => {
                            let l = ids::effective(l);
                            ids::is_osi(&l) || ids::is_fsf(&l)
                        }
                        Licence::Ref(_) => false,
                    })
                }),
                _ => {
                    let min = match c {
                        Category::WeakCopyleft | Category::Copyleft => Strength::Weak,
                        Category::StrongCopyleft => Strength::Strong,
                        _ => Strength::Network,
                    };
                    alternatives.iter().all(|alt| {
                        alt.iter().any(|t| {
                            let s = copyleft::term_strength(t);
                            s.is_copyleft() && s >= min
                        })
                    })
                }
            },
            Requirement::Expression(req) => alternatives
                .iter()
                .any(|alt| eval_requirement(&req.root, alt)),
        })
    }
}

/// Checks that an offer's licence requirement is usable (a category or a valid SPDX
/// expression); the catalog validator reports the message as `license-requirement-invalid`.
///
/// # Errors
/// A message saying why the requirement is not usable.
pub fn parse_requirement(requirement: &str) -> Result<(), String> {
    Requirement::parse(requirement)
        .map(|_| ())
        .map_err(|e| e.message)
}

/// Whether the project's licence expression satisfies a partner's requirement.
///
/// # Errors
/// The requirement is neither a category nor an SPDX expression, the project's licence is
/// not a valid SPDX expression, or the expression is too large to expand.
pub fn satisfies(project_expr: &str, requirement: &str) -> Result<bool, RequirementError> {
    let req = Requirement::parse(requirement)?;
    let project = parse::parse(project_expr).map_err(|e| RequirementError {
        kind: RequirementErrorKind::InvalidProject,
        message: format!(
            "the project licence `{}` is not a valid SPDX expression: {}",
            project_expr.trim(),
            e.message
        ),
        span: Some(e.span),
    })?;
    req.is_satisfied_by(&project)
}

/// The expression's alternatives: each a set of terms that together satisfy it.
fn alternatives(node: &Node) -> Result<Vec<Vec<&Term>>, RequirementError> {
    let too_complex = || RequirementError {
        kind: RequirementErrorKind::TooComplex,
        message: "the licence expression has too many alternatives to evaluate".to_owned(),
        span: None,
    };
    Ok(match node {
        Node::Term(t) => vec![vec![t]],
        Node::Or(children) => {
            let mut out = Vec::new();
            for c in children {
                out.extend(alternatives(c)?);
                if out.len() > MAX_ALTERNATIVES {
                    return Err(too_complex());
                }
            }
            out
        }
        Node::And(children) => {
            let mut out: Vec<Vec<&Term>> = vec![Vec::new()];
            for c in children {
                let alts = alternatives(c)?;
                if out.len().saturating_mul(alts.len()) > MAX_ALTERNATIVES {
                    return Err(too_complex());
                }
                let mut next = Vec::with_capacity(out.len() * alts.len());
                for prefix in &out {
                    for alt in &alts {
                        let mut v = prefix.clone();
                        v.extend(alt.iter().copied());
                        next.push(v);
                    }
                }
                out = next;
            }
            out
        }
    })
}

fn eval_requirement(node: &Node, granted: &[&Term]) -> bool {
    match node {
        Node::Term(r) => granted.iter().any(|p| term_satisfies(p, r)),
        Node::And(c) => c.iter().all(|n| eval_requirement(n, granted)),
        Node::Or(c) => c.iter().any(|n| eval_requirement(n, granted)),
    }
}

/// Which versions of a licence family a term stands for.
#[derive(Debug, Clone, PartialEq)]
enum Versions {
    /// Exactly this version.
    Only(Vec<u32>),
    /// This version or any later one.
    OrLater(Vec<u32>),
}

/// `GPL-3.0-or-later` → ("GPL", OrLater [3,0]); `Apache-1.1+` → ("Apache", OrLater [1,1]);
/// `MIT` → ("MIT", None).
fn family_and_versions(term: &Term) -> Option<(String, Option<Versions>)> {
    let Licence::Spdx(entry) = &term.licence else {
        return None;
    };
    let l = ids::effective(entry);
    let mut name = l.name;
    let mut later = term.or_later;
    if let Some(base) = name.strip_suffix("-or-later") {
        name = base;
        later = true;
    } else if let Some(base) = name.strip_suffix("-only") {
        name = base;
    }
    let Some((family, version)) = name.rsplit_once('-') else {
        return Some((name.to_owned(), None));
    };
    let parts: Option<Vec<u32>> = version.split('.').map(|p| p.parse().ok()).collect();
    match parts {
        Some(v) if !family.is_empty() => Some((
            family.to_owned(),
            Some(if later {
                Versions::OrLater(v)
            } else {
                Versions::Only(v)
            }),
        )),
        _ => Some((name.to_owned(), None)),
    }
}

fn cmp_version(a: &[u32], b: &[u32]) -> Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| {
            a.get(i)
                .copied()
                .unwrap_or(0)
                .cmp(&b.get(i).copied().unwrap_or(0))
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Whether project term `p` grants what requirement term `r` asks for.
fn term_satisfies(p: &Term, r: &Term) -> bool {
    if let Some(ra) = &r.addition {
        let same = match (&p.addition, ra) {
            (Some(Addition::Spdx(a)), Addition::Spdx(b)) => a.name == b.name,
            (Some(Addition::Ref(a)), Addition::Ref(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        };
        if !same {
            return false;
        }
    }
    match (&p.licence, &r.licence) {
        (Licence::Ref(a), Licence::Ref(b)) => a.eq_ignore_ascii_case(b),
        (Licence::Spdx(_), Licence::Spdx(_)) => {
            let (Some((pf, pv)), Some((rf, rv))) = (family_and_versions(p), family_and_versions(r))
            else {
                return false;
            };
            if pf != rf {
                return false;
            }
            match (pv, rv) {
                (None, None) => true,
                (Some(pv), Some(rv)) => match (pv, rv) {
                    (Versions::Only(a), Versions::Only(b)) => cmp_version(&a, &b).is_eq(),
                    (Versions::Only(a), Versions::OrLater(b)) => cmp_version(&a, &b).is_ge(),
                    (Versions::OrLater(a), Versions::Only(b)) => cmp_version(&b, &a).is_ge(),
                    (Versions::OrLater(_), Versions::OrLater(_)) => true,
                },
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn gnu_or_later_in_both_directions() {
        let cases = [
            ("GPL-3.0-only", "GPL-2.0-or-later", true),
            ("GPL-3.0-or-later", "GPL-2.0-or-later", true),
            ("GPL-2.0-or-later", "GPL-3.0-or-later", true),
            ("GPL-2.0-or-later", "GPL-3.0-only", true),
            ("GPL-2.0-only", "GPL-3.0-or-later", false),
            ("GPL-2.0-only", "GPL-3.0-only", false),
            ("GPL-3.0-only", "GPL-2.0-only", false),
            ("GPL-2.0-only", "GPL-2.0-or-later", true),
            ("GPL-2.0+", "GPL-3.0-only", true),
            ("GPL-3.0", "GPL-2.0-or-later", true),
            ("gpl-3.0-only", "GPL-3.0-only", true),
            ("LGPL-2.1-or-later", "LGPL-3.0-only", true),
            ("LGPL-2.1-only", "GPL-2.0-or-later", false),
            ("AGPL-3.0-only", "GPL-3.0-or-later", false),
            ("Apache-1.1+", "Apache-2.0", true),
            ("Apache-2.0", "Apache-1.1+", true),
            ("Apache-1.1", "Apache-2.0", false),
            ("MIT", "MIT", true),
            ("MIT", "ISC", false),
            ("MPL-2.0", "MPL-2.0-no-copyleft-exception", false),
        ];
        for (project, req, want) in cases {
            assert_eq!(satisfies(project, req).unwrap(), want, "{project} vs {req}");
        }
    }

    #[test]
    fn expressions_and_lists() {
        let req = "GPL-3.0-or-later OR AGPL-3.0-or-later OR EUPL-1.2";
        let cases = [
            ("EUPL-1.2", req, true),
            ("AGPL-3.0-only", req, true),
            ("GPL-2.0-or-later", req, true),
            ("GPL-2.0-only", req, false),
            ("MIT OR EUPL-1.2", req, true),
            ("MIT AND GPL-3.0-only", req, true),
            ("MIT", req, false),
            (
                "EUPL-1.2",
                "GPL-3.0-or-later, AGPL-3.0-or-later, EUPL-1.2",
                true,
            ),
            ("MIT", "GPL-3.0-or-later, EUPL-1.2", false),
            ("MIT AND Apache-2.0", "MIT AND Apache-2.0", true),
            ("MIT", "MIT AND Apache-2.0", false),
            (
                "GPL-2.0-or-later WITH Classpath-exception-2.0",
                "GPL-2.0-or-later",
                true,
            ),
            (
                "GPL-2.0-or-later",
                "GPL-2.0-or-later WITH Classpath-exception-2.0",
                false,
            ),
            (
                "GPL-3.0-only WITH Classpath-exception-2.0",
                "GPL-2.0-or-later WITH Classpath-exception-2.0",
                true,
            ),
            ("LicenseRef-Muenster", "LicenseRef-muenster", true),
            ("LicenseRef-Muenster", "MIT", false),
        ];
        for (project, req, want) in cases {
            assert_eq!(satisfies(project, req).unwrap(), want, "{project} vs {req}");
        }
    }

    #[test]
    fn categories() {
        let cases = [
            ("GPL-3.0-or-later", "copyleft", true),
            ("GPL-3.0-or-later", "Copyleft only", true),
            ("LGPL-3.0-only", "copyleft", true),
            ("LGPL-3.0-only", "strong-copyleft", false),
            ("MPL-2.0", "weak-copyleft", true),
            ("EPL-2.0", "copyleft", true),
            ("CECILL-B", "copyleft", false),
            ("CECILL-B", "permissive", true),
            ("MIT", "copyleft", false),
            ("MIT OR GPL-3.0-only", "copyleft", false),
            ("MIT OR GPL-3.0-only", "permissive", true),
            ("MIT AND GPL-3.0-only", "copyleft", true),
            ("MIT AND GPL-3.0-only", "permissive", false),
            ("EUPL-1.2 OR AGPL-3.0-only", "network-copyleft", true),
            ("GPL-3.0-only", "network-copyleft", false),
            (
                "GPL-2.0-only WITH Classpath-exception-2.0",
                "strong-copyleft",
                false,
            ),
            (
                "GPL-2.0-only WITH Classpath-exception-2.0",
                "copyleft",
                true,
            ),
            ("SSPL-1.0", "open-source", false),
            ("MIT", "open-source", true),
            ("LicenseRef-x", "permissive", false),
        ];
        for (project, req, want) in cases {
            assert_eq!(satisfies(project, req).unwrap(), want, "{project} vs {req}");
        }
    }

    #[test]
    fn errors() {
        let e = satisfies("MIT", "open sauce").unwrap_err();
        assert_eq!(e.kind, RequirementErrorKind::InvalidRequirement);
        let e = satisfies("MIT", "").unwrap_err();
        assert_eq!(e.kind, RequirementErrorKind::InvalidRequirement);
        let e = satisfies("GPL v3", "copyleft").unwrap_err();
        assert_eq!(e.kind, RequirementErrorKind::InvalidProject);
        assert_eq!(e.span, Some(0..3));
        let big = (0..20)
            .map(|_| "(MIT OR ISC OR Zlib)".to_owned())
            .collect::<Vec<_>>()
            .join(" AND ");
        let e = satisfies(&big, "MIT").unwrap_err();
        assert_eq!(e.kind, RequirementErrorKind::TooComplex);
    }
}
