//! A city's licence policy and checking an expression against it.

use std::ops::Range;

use super::ids::{self, LicenseEntry};
use super::parse::{self, Licence, Node, Parsed, Term};
use crate::diagnostic::{Code, Severity};
use crate::model::{LicenseConfig, LicensePolicyKind};

/// A licence policy: the base rule plus the city's allow/deny lists and clarifications.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// The base rule.
    pub kind: LicensePolicyKind,
    /// Ids allowed in addition to the base rule (any case).
    pub allow: Vec<String>,
    /// Ids refused even if the base rule allows them (any case). Deny wins over allow.
    pub deny: Vec<String>,
    /// Clarified `LicenseRef-*` ids (any case), each reviewed by the city.
    pub clarified: Vec<String>,
}

impl Policy {
    /// A policy with only a base rule.
    pub fn new(kind: LicensePolicyKind) -> Self {
        Policy {
            kind,
            ..Policy::default()
        }
    }

    /// The policy a city config describes.
    pub fn from_config(config: &LicenseConfig) -> Self {
        Policy {
            kind: config.policy,
            allow: config.allow.clone(),
            deny: config.deny.clone(),
            clarified: config.clarifications.iter().map(|c| c.id.clone()).collect(),
        }
    }

    fn listed(list: &[String], entry: &LicenseEntry) -> bool {
        let effective = ids::effective(entry);
        list.iter()
            .any(|x| x.eq_ignore_ascii_case(entry.name) || x.eq_ignore_ascii_case(effective.name))
    }

    /// Whether a single term is allowed, and if not, why.
    pub fn term_status(&self, term: &Term) -> TermStatus {
        match &term.licence {
            Licence::Ref(r) => {
                if self.clarified.iter().any(|c| c.eq_ignore_ascii_case(r)) {
                    TermStatus::Allowed
                } else {
                    TermStatus::Unclarified
                }
            }
            Licence::Spdx(entry) => {
                if Self::listed(&self.deny, entry) {
                    return TermStatus::Denied;
                }
                if Self::listed(&self.allow, entry) {
                    return TermStatus::Allowed;
                }
                let l = ids::effective(entry);
                let (osi, fsf) = (ids::is_osi(&l), ids::is_fsf(&l));
                let ok = match self.kind {
                    LicensePolicyKind::Osi => osi,
                    LicensePolicyKind::Fsf => fsf,
                    LicensePolicyKind::OsiOrFsf => osi || fsf,
                    LicensePolicyKind::OsiAndFsf => osi && fsf,
                };
                if ok {
                    TermStatus::Allowed
                } else {
                    TermStatus::NotApproved { osi, fsf }
                }
            }
        }
    }
}

/// The policy's view of one term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermStatus {
    /// Allowed.
    Allowed,
    /// On the deny list.
    Denied,
    /// The base rule refuses it; what the SPDX list says about it.
    NotApproved {
        /// OSI-approved.
        osi: bool,
        /// FSF-free.
        fsf: bool,
    },
    /// A `LicenseRef-*` without a clarification entry.
    Unclarified,
}

/// One reason in a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The diagnostic code.
    pub code: Code,
    /// Its severity.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Byte range in the input of the term or token to blame, where there is one.
    pub span: Option<Range<usize>>,
}

impl Finding {
    /// A finding with the code's default severity.
    pub fn new(code: Code, message: impl Into<String>, span: Option<Range<usize>>) -> Self {
        Finding {
            code,
            severity: code.default_severity(),
            message: message.into(),
            help: None,
            span,
        }
    }

    /// Adds a fix hint.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The outcome of checking one expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The input as given.
    pub input: String,
    /// Whether it parses as an SPDX expression (ids and operators in any case).
    pub valid_expression: bool,
    /// The expression in canonical form, if it parses.
    pub normalized: Option<String>,
    /// Whether the policy allows it: some way of satisfying the expression uses only
    /// allowed terms.
    pub allowed: bool,
    /// Why: errors, warnings and infos, in the order of their position in the input.
    pub findings: Vec<Finding>,
}

impl Verdict {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

fn is_missing(trimmed: &str) -> bool {
    trimmed.is_empty()
        || trimmed.eq_ignore_ascii_case("NONE")
        || trimmed.eq_ignore_ascii_case("NOASSERTION")
}

/// Checks `expr` against `policy`.
pub fn check(expr: &str, policy: &Policy) -> Verdict {
    let mut verdict = Verdict {
        input: expr.to_owned(),
        valid_expression: false,
        normalized: None,
        allowed: false,
        findings: Vec::new(),
    };
    let trimmed = expr.trim();
    if is_missing(trimmed) {
        let start = expr.len() - expr.trim_start().len();
        let span = (!trimmed.is_empty()).then(|| start..start + trimmed.len());
        let message = if trimmed.is_empty() {
            "no licence is given".to_owned()
        } else {
            format!("`{trimmed}` is not a licence")
        };
        verdict.findings.push(
            Finding::new(Code::LicenseMissing, message, span)
                .with_help("give the project's SPDX licence expression, e.g. `EUPL-1.2`"),
        );
        return verdict;
    }
    let parsed = match parse::parse(expr) {
        Ok(p) => p,
        Err(e) => {
            let help = e.help.clone().or_else(|| suggestion(expr));
            let mut f = Finding::new(
                Code::LicenseInvalid,
                format!("`{trimmed}` is not a valid SPDX expression: {}", e.message),
                Some(e.span),
            );
            f.help = help;
            verdict.findings.push(f);
            return verdict;
        }
    };
    verdict.valid_expression = true;
    verdict.normalized = Some(parsed.canonical());
    annotate(&parsed, policy, &mut verdict);
    verdict
}

/// "did you mean …?" from the free-text normaliser, used when strict parsing fails.
fn suggestion(expr: &str) -> Option<String> {
    let n = super::normalize::normalize(expr);
    let names: Vec<String> = n
        .candidates
        .iter()
        .map(|c| format!("`{}`", c.expression))
        .collect();
    match names.as_slice() {
        [] => None,
        [one] => Some(format!("did you mean {one}?")),
        [init @ .., last] => Some(format!("did you mean {} or {last}?", init.join(", "))),
    }
}

fn annotate(parsed: &Parsed, policy: &Policy, verdict: &mut Verdict) {
    let findings = &mut verdict.findings;
    for fix in &parsed.case_fixes {
        findings.push(
            Finding::new(
                Code::LicenseCase,
                format!(
                    "`{}` is written `{}` in SPDX",
                    verdict.input.get(fix.span.clone()).unwrap_or_default(),
                    fix.canonical
                ),
                Some(fix.span.clone()),
            )
            .with_help(format!("write `{}`", fix.canonical)),
        );
    }
    let terms = parsed.terms();
    for term in &terms {
        deprecation(term, findings);
        if let Licence::Spdx(entry) = &term.licence
            && is_content_licence(entry.name)
        {
            findings.push(
                Finding::new(
                    Code::LicenseContentOnly,
                    format!(
                        "`{}` is meant for content (text, images, data), not for software",
                        entry.name
                    ),
                    Some(term.span.clone()),
                )
                .with_help(
                    "license the code under a software licence and the content separately, e.g. `EUPL-1.2 AND CC-BY-4.0`",
                ),
            );
        }
    }
    let mut blame = Vec::new();
    verdict.allowed = evaluate(&parsed.root, policy, &mut blame);
    if !verdict.allowed {
        let alternatives = matches!(parsed.root, Node::Or(_));
        for term in blame {
            findings.push(explain(term, policy, alternatives));
        }
    }
    findings.sort_by_key(|f| (f.span.as_ref().map_or(0, |s| s.start), f.severity));
}

fn deprecation(term: &Term, findings: &mut Vec<Finding>) {
    if let Licence::Spdx(entry) = &term.licence
        && ids::is_deprecated(entry)
    {
        let mut f = Finding::new(
            Code::LicenseDeprecated,
            String::new(),
            Some(term.span.clone()),
        );
        match ids::replacement(entry.name) {
            Some(r) => {
                let with = r.expression();
                f.message = format!("`{}` is deprecated; use `{with}`", entry.name);
                f.help = Some(format!("replace `{}` with `{with}`", entry.name));
            }
            None => {
                f.message = format!(
                    "`{}` is deprecated and has no single replacement in the SPDX list",
                    entry.name
                );
            }
        }
        findings.push(f);
    }
    if let Some(super::parse::Addition::Spdx(e)) = &term.addition
        && ids::exception_is_deprecated(e)
    {
        findings.push(Finding::new(
            Code::LicenseDeprecated,
            format!("the exception `{}` is deprecated", e.name),
            term.addition_span.clone(),
        ));
    }
}

/// Licences written for content, not code: Creative Commons (except CC0, which suits code)
/// and the GNU Free Documentation Licence.
pub fn is_content_licence(id: &str) -> bool {
    (id.starts_with("CC-BY") || id.starts_with("GFDL")) && !id.starts_with("CC0")
}

/// Evaluates the tree; when it is not allowed, `blame` gets the terms that make it fail
/// (for `AND`: the failing operands; for `OR`: every alternative's failures).
fn evaluate<'a>(node: &'a Node, policy: &Policy, blame: &mut Vec<&'a Term>) -> bool {
    match node {
        Node::Term(t) => {
            let ok = policy.term_status(t) == TermStatus::Allowed;
            if !ok {
                blame.push(t);
            }
            ok
        }
        Node::And(children) => {
            let mut ok = true;
            for c in children {
                ok &= evaluate(c, policy, blame);
            }
            ok
        }
        Node::Or(children) => {
            let before = blame.len();
            for c in children {
                if evaluate(c, policy, blame) {
                    blame.truncate(before);
                    return true;
                }
            }
            false
        }
    }
}

fn explain(term: &Term, policy: &Policy, alternatives: bool) -> Finding {
    let name = term.licence_name();
    let span = Some(term.span.clone());
    let suffix = if alternatives {
        " (and no alternative in the expression is allowed)"
    } else {
        ""
    };
    match policy.term_status(term) {
        TermStatus::Unclarified => Finding::new(
            Code::LicenseRefUnclarified,
            format!("`{name}` is not clarified in the city config{suffix}"),
            span,
        )
        .with_help(format!(
            "review the licence text and add `[[license.clarifications]]` with `id = \"{name}\"` and a `reason` to digifarm.toml"
        )),
        TermStatus::Denied => Finding::new(
            Code::LicenseNotAllowed,
            format!("`{name}` is on the city's deny list{suffix}"),
            span,
        ),
        TermStatus::NotApproved { osi, fsf } => {
            let why = match (policy.kind, osi, fsf) {
                (LicensePolicyKind::Osi, ..) => "is not OSI-approved".to_owned(),
                (LicensePolicyKind::Fsf, ..) => "is not on the FSF's list of free licences".to_owned(),
                (LicensePolicyKind::OsiOrFsf, ..) => "is neither OSI-approved nor FSF-free".to_owned(),
                (LicensePolicyKind::OsiAndFsf, true, false) => {
                    "is OSI-approved but not FSF-free, and the policy asks for both".to_owned()
                }
                (LicensePolicyKind::OsiAndFsf, false, true) => {
                    "is FSF-free but not OSI-approved, and the policy asks for both".to_owned()
                }
                (LicensePolicyKind::OsiAndFsf, ..) => {
                    "is neither OSI-approved nor FSF-free".to_owned()
                }
            };
            Finding::new(
                Code::LicenseNotAllowed,
                format!("`{name}` {why} (policy `{}`){suffix}", policy.kind.as_str()),
                span,
            )
            .with_help(format!(
                "choose a licence the `{}` policy allows, or add `{name}` to `license.allow` in digifarm.toml if the city accepts it",
                policy.kind.as_str()
            ))
        }
        TermStatus::Allowed => Finding::new(
            Code::LicenseNotAllowed,
            format!("`{name}` is not allowed{suffix}"),
            span,
        ),
    }
}
