//! `digifarm license check|normalize|detect`: licence tools.
//!
//! Exit codes: `check` 0 when allowed, 1 when not allowed or not a valid expression;
//! `normalize` 0 when there is at least one candidate, 1 otherwise; `detect` 0 when a
//! licence was identified (and agrees with `--declared`), 1 otherwise; 2 for usage errors.

use std::fmt::Write as _;
use std::process::ExitCode;

use digifarm_core::license::{self, Finding, Normalized, Policy, Verdict};
use digifarm_core::model::LicensePolicyKind;
use serde::Serialize;

use crate::output::{self, CmdResult, Format};

/// Arguments of `digifarm license`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Check an SPDX expression against a licence policy.
    Check(CheckArgs),
    /// Suggest SPDX expressions for free-text licence names ("MIT License ", "GPL v3").
    Normalize(NormalizeArgs),
    /// Identify the licence of a LICENSE/COPYING file, or of those at the top of a directory.
    Detect(DetectArgs),
}

/// Arguments of `digifarm license check`.
#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The SPDX expression, e.g. "MIT OR Apache-2.0".
    expr: String,
    /// Base policy: osi, fsf, osi-or-fsf or osi-and-fsf.
    #[arg(long, default_value = "osi-or-fsf", value_parser = parse_policy)]
    policy: LicensePolicyKind,
    /// Allow a licence id in addition to the policy (repeatable).
    #[arg(long, value_name = "ID")]
    allow: Vec<String>,
    /// Refuse a licence id even if the policy allows it (repeatable).
    #[arg(long, value_name = "ID")]
    deny: Vec<String>,
    /// Accept a reviewed `LicenseRef-*` (repeatable).
    #[arg(long, value_name = "LICENSEREF")]
    clarified: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// Arguments of `digifarm license normalize`.
#[derive(Debug, clap::Args)]
struct NormalizeArgs {
    /// What someone wrote as the licence (a lone `--` must follow `--`: `normalize -- --`).
    #[arg(allow_hyphen_values = true)]
    text: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// Arguments of `digifarm license detect`.
#[derive(Debug, clap::Args)]
struct DetectArgs {
    /// A licence file, or a directory whose LICENSE*/LICENCE*/COPYING* files are read.
    path: std::path::PathBuf,
    /// The licence the project declares; a mismatch with the files is reported.
    #[arg(long, value_name = "EXPR")]
    declared: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

fn parse_policy(s: &str) -> Result<LicensePolicyKind, String> {
    s.parse()
}

pub fn run(args: Args) -> CmdResult {
    match args.command {
        Sub::Check(a) => check(a),
        Sub::Normalize(a) => normalize(a),
        Sub::Detect(a) => detect(a),
    }
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

#[derive(Serialize)]
struct JsonSpan {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    /// Byte offsets into the input.
    span: Option<JsonSpan>,
}

impl<'a> From<&'a Finding> for JsonDiagnostic<'a> {
    fn from(f: &'a Finding) -> Self {
        JsonDiagnostic {
            code: f.code.as_str(),
            severity: f.severity.as_str(),
            message: &f.message,
            help: f.help.as_deref(),
            span: f.span.as_ref().map(|s| JsonSpan {
                start: s.start,
                end: s.end,
            }),
        }
    }
}

#[derive(Serialize)]
struct JsonVerdict<'a> {
    input: &'a str,
    valid_expression: bool,
    normalized: Option<&'a str>,
    allowed: bool,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

fn check(a: CheckArgs) -> CmdResult {
    let policy = Policy {
        kind: a.policy,
        allow: a.allow,
        deny: a.deny,
        clarified: a.clarified,
    };
    let verdict = license::check(&a.expr, &policy);
    match a.format {
        Format::Json => output::json(&JsonVerdict {
            input: &verdict.input,
            valid_expression: verdict.valid_expression,
            normalized: verdict.normalized.as_deref(),
            allowed: verdict.allowed,
            diagnostics: verdict.findings.iter().map(JsonDiagnostic::from).collect(),
        })?,
        Format::Human => output::stdout(&human_verdict(&verdict, &policy, output::use_colour()))?,
    }
    Ok(exit(verdict.allowed))
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

fn human_verdict(v: &Verdict, policy: &Policy, colour: bool) -> String {
    let paint = Paint(colour);
    let mut out = String::new();
    for f in &v.findings {
        let colour_code = match f.severity {
            digifarm_core::Severity::Error => "1;31",
            digifarm_core::Severity::Warning => "1;33",
            digifarm_core::Severity::Info => "1;34",
        };
        let head = format!("{}[{}]", f.severity, f.code);
        let _ = writeln!(
            out,
            "{}: {}",
            paint.wrap(colour_code, &head),
            crate::output::shown(&f.message)
        );
        if let Some(span) = &f.span {
            let before = v.input.get(..span.start).unwrap_or_default();
            let inside = v.input.get(span.clone()).unwrap_or_default();
            // The input is escaped (it may hold control characters); the carets follow.
            let esc = crate::output::shown;
            let pad = esc(before).chars().count();
            let width = esc(inside).chars().count().max(1);
            let _ = writeln!(out, "  | {}", esc(&v.input));
            let carets = "^".repeat(width);
            let _ = writeln!(
                out,
                "  | {}{}",
                " ".repeat(pad),
                paint.wrap(colour_code, &carets)
            );
        }
        if let Some(help) = &f.help {
            let _ = writeln!(out, "  = help: {help}");
        }
    }
    let shown = v.normalized.as_deref().unwrap_or(v.input.trim());
    let status = if v.allowed {
        paint.wrap("1;32", "allowed")
    } else if v.valid_expression {
        paint.wrap("1;31", "not allowed")
    } else {
        paint.wrap("1;31", "invalid")
    };
    let _ = writeln!(
        out,
        "{status}: {} (policy {})",
        crate::output::shown(shown),
        policy.kind.as_str()
    );
    out
}

#[derive(Serialize)]
struct JsonCandidate<'a> {
    expression: &'a str,
    confidence: f64,
}

#[derive(Serialize)]
struct JsonNormalized<'a> {
    input: &'a str,
    candidates: Vec<JsonCandidate<'a>>,
    ambiguous: bool,
}

fn normalize(a: NormalizeArgs) -> CmdResult {
    let n = license::normalize(&a.text);
    match a.format {
        Format::Json => output::json(&JsonNormalized {
            input: &n.input,
            candidates: n
                .candidates
                .iter()
                .map(|c| JsonCandidate {
                    expression: &c.expression,
                    confidence: c.confidence,
                })
                .collect(),
            ambiguous: n.ambiguous,
        })?,
        Format::Human => output::stdout(&human_normalized(&n))?,
    }
    Ok(exit(!n.candidates.is_empty()))
}

fn human_normalized(n: &Normalized) -> String {
    let mut out = String::new();
    if n.candidates.is_empty() {
        let _ = writeln!(
            out,
            "no SPDX licence recognised in {:?}; ask the project, and use a `LicenseRef-…` with a clarification for a custom licence",
            n.input
        );
        return out;
    }
    for c in &n.candidates {
        let _ = writeln!(out, "{}\t(confidence {:.2})", c.expression, c.confidence);
    }
    if n.ambiguous {
        let _ = writeln!(
            out,
            "ambiguous: the text does not decide between these; ask the project which one it means"
        );
    }
    out
}

#[cfg(feature = "detection")]
fn detect(a: DetectArgs) -> CmdResult {
    use crate::output::CliError;

    #[derive(Serialize)]
    struct JsonDetection {
        file: String,
        license: Option<String>,
        confidence: f64,
        best_match: Option<String>,
        note: Option<String>,
    }

    #[derive(Serialize)]
    struct JsonDetect<'a> {
        path: String,
        files: Vec<JsonDetection>,
        declared: Option<&'a str>,
        diagnostics: Vec<JsonDiagnostic<'a>>,
    }

    let found = license::detect_file(&a.path).map_err(|e| CliError(e.to_string()))?;
    let mismatch = a
        .declared
        .as_deref()
        .and_then(|d| license::crosscheck(d, &found));
    let identified = found.iter().any(|d| d.license.is_some());
    match a.format {
        Format::Json => output::json(&JsonDetect {
            path: a.path.display().to_string(),
            files: found
                .iter()
                .map(|d| JsonDetection {
                    file: d.file.display().to_string(),
                    license: d.license.clone(),
                    confidence: d.confidence,
                    best_match: d.best_match.clone(),
                    note: d.note.clone(),
                })
                .collect(),
            declared: a.declared.as_deref(),
            diagnostics: mismatch.iter().map(JsonDiagnostic::from).collect(),
        })?,
        Format::Human => {
            let mut out = String::new();
            if found.is_empty() {
                let _ = writeln!(
                    out,
                    "no LICENSE, LICENCE or COPYING file in {}",
                    a.path.display()
                );
            }
            for d in &found {
                match &d.license {
                    Some(id) => {
                        let _ = writeln!(
                            out,
                            "{}: {id} (confidence {:.2})",
                            d.file.display(),
                            d.confidence
                        );
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "{}: not identified (closest: {}, {:.2})",
                            d.file.display(),
                            d.best_match.as_deref().unwrap_or("none"),
                            d.confidence
                        );
                    }
                }
                if let Some(note) = &d.note {
                    let _ = writeln!(out, "  note: {note}");
                }
            }
            if let Some(f) = &mismatch {
                let _ = writeln!(out, "{}[{}]: {}", f.severity, f.code, f.message);
            }
            output::stdout(&out)?;
        }
    }
    Ok(exit(identified && mismatch.is_none()))
}

#[cfg(not(feature = "detection"))]
fn detect(a: DetectArgs) -> CmdResult {
    let _ = (a.path, a.declared, a.format);
    Err(crate::output::CliError(
        "this digifarm was built without licence detection (cargo feature `detection`)".to_owned(),
    ))
}
