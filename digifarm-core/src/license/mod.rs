//! SPDX licence checking against a city's policy.
//!
//! This is the first, minimal version of the licence engine: strict SPDX parsing (deprecated
//! ids accepted with a warning) and OSI/FSF policy evaluation over the whole expression.

use std::ops::Range;

use crate::diagnostic::{Code, Severity};
use crate::model::{LicenseConfig, LicensePolicyKind};

/// A licence policy: the base rule plus the city's allow/deny lists and clarifications.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The base rule.
    pub kind: LicensePolicyKind,
    /// Ids allowed in addition.
    pub allow: Vec<String>,
    /// Ids refused.
    pub deny: Vec<String>,
    /// Clarified `LicenseRef-*` ids.
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
    /// Byte range of the term in the expression, where one term is to blame.
    pub span: Option<Range<usize>>,
}

/// The outcome of checking one expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The input as given.
    pub input: String,
    /// Whether it parses as an SPDX expression.
    pub valid_expression: bool,
    /// The expression in canonical form, if it parses.
    pub normalized: Option<String>,
    /// Whether the policy allows it.
    pub allowed: bool,
    /// Why (errors and warnings).
    pub findings: Vec<Finding>,
}

fn finding(code: Code, message: String, span: Option<Range<usize>>) -> Finding {
    Finding {
        code,
        severity: code.default_severity(),
        message,
        help: None,
        span,
    }
}

/// Checks `expr` against `policy`.
pub fn check(expr: &str, policy: &Policy) -> Verdict {
    let trimmed = expr.trim();
    let mut verdict = Verdict {
        input: expr.to_owned(),
        valid_expression: false,
        normalized: None,
        allowed: false,
        findings: Vec::new(),
    };
    if trimmed.is_empty() || trimmed == "NONE" || trimmed == "NOASSERTION" {
        verdict.findings.push(finding(
            Code::LicenseMissing,
            format!("no licence is given (`{trimmed}`)"),
            None,
        ));
        return verdict;
    }
    let mode = spdx::ParseMode {
        allow_deprecated: true,
        ..spdx::ParseMode::STRICT
    };
    let parsed = match spdx::Expression::parse_mode(trimmed, mode) {
        Ok(p) => p,
        Err(e) => {
            verdict.findings.push(finding(
                Code::LicenseInvalid,
                format!("`{trimmed}` is not a valid SPDX expression: {}", e.reason),
                Some(e.span.clone()),
            ));
            return verdict;
        }
    };
    verdict.valid_expression = true;
    verdict.normalized = Some(parsed.to_string());
    for req in parsed.requirements() {
        if let spdx::LicenseItem::Spdx { id, .. } = req.req.license
            && id.is_deprecated()
        {
            verdict.findings.push(finding(
                Code::LicenseDeprecated,
                format!("`{}` is a deprecated SPDX identifier", id.name),
                Some(req.span.start as usize..req.span.end as usize),
            ));
        }
    }
    let allowed_term = |req: &spdx::LicenseReq| -> bool {
        match &req.license {
            spdx::LicenseItem::Spdx { id, .. } => {
                if policy.deny.iter().any(|d| d == id.name) {
                    return false;
                }
                if policy.allow.iter().any(|a| a == id.name) {
                    return true;
                }
                let (osi, fsf) = (id.is_osi_approved(), id.is_fsf_free_libre());
                match policy.kind {
                    LicensePolicyKind::Osi => osi,
                    LicensePolicyKind::Fsf => fsf,
                    LicensePolicyKind::OsiOrFsf => osi || fsf,
                    LicensePolicyKind::OsiAndFsf => osi && fsf,
                }
            }
            spdx::LicenseItem::Other(r) => policy.clarified.iter().any(|c| *c == r.to_string()),
        }
    };
    verdict.allowed = parsed.evaluate(allowed_term);
    if !verdict.allowed {
        for req in parsed.requirements() {
            if !allowed_term(&req.req) {
                let span = req.span.start as usize..req.span.end as usize;
                let term = &trimmed[span.clone()];
                let code = match req.req.license {
                    spdx::LicenseItem::Other(_) => Code::LicenseRefUnclarified,
                    spdx::LicenseItem::Spdx { .. } => Code::LicenseNotAllowed,
                };
                verdict.findings.push(finding(
                    code,
                    format!(
                        "`{term}` is not allowed by the `{}` policy",
                        policy.kind.as_str()
                    ),
                    Some(span),
                ));
            }
        }
    }
    verdict
}
