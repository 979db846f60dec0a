//! The proposal form: what a city's web form collects, and turning it into a `proposed`
//! project after checking the admission criteria code can check.

use chrono::NaiveDate;
use serde::Serialize;

use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::license::{Policy, check};
use crate::model::{
    Attestation, Attestations, CityConfig, Contact, Decision, Lifecycle, Project, Proposal,
};

/// A proposal that does not meet the admission criteria; every reason is a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The findings (at least one error).
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        write!(f, "the proposal is refused ({errors} unmet criteria)")
    }
}

impl std::error::Error for Refused {}

/// Turns `proposal` into a project with lifecycle `proposed` and one history entry dated
/// `date`, after checking what code can check against `catalog` (its config, partners and
/// existing ids): the id is free, the licence is open source under the city's policy (the
/// licence engine's own diagnostics), the source repository is given when the city requires
/// it, the project links to the city (`admission.city_link`), and all four attestations are
/// given; the catalog's own rules (need kinds, categories, default language, amounts,
/// references to partners and offers) apply as in `digifarm validate`. Attestations are recorded with the proposer's name and `date`. `file` names the
/// proposal in diagnostics. Warnings (e.g. a deprecated licence id) come back with the
/// project.
///
/// # Errors
/// [`Refused`] with every unmet criterion.
pub fn propose(
    proposal: &Proposal,
    catalog: &Catalog,
    date: NaiveDate,
    file: &str,
) -> Result<(Project, Vec<Diagnostic>), Refused> {
    let config = &catalog.config;
    let form = &proposal.project;
    let mut out = Vec::new();
    let diag = |code: Code, pointer: &str, message: String| {
        Diagnostic::new(code, file, pointer, message).at(0, 0)
    };

    if catalog.projects.iter().any(|p| p.id == form.id) {
        out.push(id_taken(&form.id, file));
    }

    out.extend(license_findings(&form.license, config, file));

    if config.admission.require_source && form.links.source.is_none() {
        out.push(source_missing(Some(&form.id), file));
    }

    let mut project = Project {
        id: form.id.clone(),
        name: form.name.clone(),
        summary: form.summary.clone(),
        description: form.description.clone(),
        status: form.status,
        status_note: None,
        status_since: None,
        lifecycle: Lifecycle::Proposed,
        history: vec![Decision {
            date,
            from: None,
            to: Lifecycle::Proposed,
            by: Some(proposal.proposer.name.trim().to_owned()),
            reason: Some("proposed through the form".to_owned()),
            overridden: Vec::new(),
        }],
        categories: form.categories.clone(),
        software_type: form.software_type.clone(),
        complexity: form.complexity,
        technologies: form.technologies.clone(),
        origin: form.origin.clone(),
        admitted_on: None,
        links: form.links.clone(),
        license: form.license.trim().to_owned(),
        license_note: None,
        deployment: form.deployment.clone(),
        needs: form.needs.clone(),
        contacts: vec![Contact {
            name: proposal.proposer.name.trim().to_owned(),
            role: Some(
                proposal
                    .proposer
                    .role
                    .clone()
                    .unwrap_or_else(|| "proposer".to_owned()),
            ),
            email: proposal.proposer.email.clone(),
            phone: None,
            public: proposal.proposer.public,
        }],
        last_reviewed: None,
        // An image is a file in the catalog, added with the record's pull request, not
        // through the form.
        image: None,
        image_alt: None,
        attestations: Vec::new(),
        software: None,
        complete: None,
        approvals: Vec::new(),
    };

    if super::city_link(&project, config, &catalog.partners).is_none() {
        out.push(
            diag(
                Code::CityLinkMissing,
                "/project/origin",
                format!(
                    "`{}` shows no link to {} (admission.city_link = {})",
                    form.id,
                    if config.city.name.is_empty() {
                        "the city"
                    } else {
                        &config.city.name
                    },
                    serde_json::to_value(config.admission.city_link)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                ),
            )
            .with_help("give `origin: {city: …}` or deployment cities in the city's region"),
        );
    }

    // The programme must be able to answer: an address that cannot be written to is no
    // address.
    if let Some(address) = &proposal.proposer.email
        && let Err(why) = crate::portal::email(address.trim())
    {
        out.push(
            diag(
                Code::InvalidFormat,
                "/proposer/email",
                // The address itself is personal data, and this lands in a CI log.
                format!("the proposer's e-mail is not an address: {why}"),
            )
            .with_help("give an address mail can be sent to (name@domain), or leave it out"),
        );
    }

    for (criterion, given) in proposal.attestations.entries() {
        if given {
            project.attestations.push(Attestation {
                criterion: criterion.to_owned(),
                by: proposal.proposer.name.trim().to_owned(),
                date,
            });
        } else {
            out.push(attestation_missing(criterion, file));
        }
    }

    // The written record must pass the project schema like every other record.
    if let Ok(value) = serde_json::to_value(&project) {
        let mut schema = Vec::new();
        crate::catalog::check_value(crate::model::RecordKind::Project, value, &mut schema);
        for mut d in schema {
            d.file = file.to_owned();
            d.pointer = format!("/project{}", d.pointer);
            out.push(d);
        }
    }

    // The catalog's own rules (need kinds, categories, default language, amounts,
    // references), run on the new project beside the catalog's partners and offers. Licence
    // findings were reported above.
    let probe = Catalog::from_records(
        config.clone(),
        vec![project.clone()],
        catalog.partners.clone(),
        catalog.offers.clone(),
    );
    for mut d in crate::validate::validate(&probe, date) {
        if let Some(rest) = d.pointer.strip_prefix("/0")
            && d.file == "<projects>"
            && !d.code.starts_with("license-")
        {
            d.pointer = format!("/project{rest}");
            d.file = file.to_owned();
            d.line = 0;
            d.column = 0;
            out.push(d);
        }
    }

    crate::diagnostic::sort(&mut out);
    if out.iter().any(|d| d.severity == Severity::Error) {
        Err(Refused { diagnostics: out })
    } else {
        Ok((project, out))
    }
}

/// The finding for a proposal that links no source repository where the city requires one.
fn source_missing(id: Option<&str>, file: &str) -> Diagnostic {
    let who = id.map_or_else(|| "the project".to_owned(), |id| format!("`{id}`"));
    Diagnostic::new(
        Code::SourceMissing,
        file,
        "/project/links/source",
        format!("{who} links no source repository"),
    )
    .at(0, 0)
    .with_help("add `links: {source: https://…}`: open source means the source can be found")
}

/// The finding for a criterion of the checklist the proposal does not attest.
fn attestation_missing(criterion: &str, file: &str) -> Diagnostic {
    Diagnostic::new(
        Code::AttestationMissing,
        file,
        format!("/attestations/{criterion}"),
        format!("the proposal does not attest `{criterion}`"),
    )
    .at(0, 0)
    .with_help(
        "DIGIFARM admits only projects that are digital, run, ensure GDPR and comply with the law",
    )
}

/// The admission's findings that need no complete proposal, read from the form's answers:
/// a criterion answered "no" and, where the city requires one, no source link. Findings the
/// schema already made at the same place are not repeated.
fn early_findings(
    answers: &serde_json::Value,
    config: &CityConfig,
    found: &[Diagnostic],
    file: &str,
) -> Vec<Diagnostic> {
    let covered = |pointer: &str| {
        found.iter().any(|d| {
            d.pointer == pointer
                || d.pointer
                    .strip_prefix(pointer)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    };
    let mut out = Vec::new();
    if let Some(license) = answers.pointer("/project/license").and_then(|v| v.as_str())
        && !covered("/project/license")
    {
        out.extend(license_findings(license, config, file));
    }
    if config.admission.require_source
        && answers
            .pointer("/project/links/source")
            .is_none_or(serde_json::Value::is_null)
        && !covered("/project/links/source")
    {
        let id = answers.pointer("/project/id").and_then(|v| v.as_str());
        out.push(source_missing(id.filter(|id| !id.trim().is_empty()), file));
    }
    for criterion in Attestations::CRITERIA {
        let pointer = format!("/attestations/{criterion}");
        if answers.pointer(&pointer) == Some(&serde_json::Value::Bool(false)) && !covered(&pointer)
        {
            out.push(attestation_missing(criterion, file));
        }
    }
    out
}

/// The licence engine's findings for a proposal's licence under the city's policy.
fn license_findings(
    license: &str,
    config: &crate::model::CityConfig,
    file: &str,
) -> Vec<Diagnostic> {
    check(license, &Policy::from_config(&config.license))
        .findings
        .iter()
        .map(|f| {
            let mut d =
                Diagnostic::new(f.code, file, "/project/license", f.message.clone()).at(0, 0);
            d.severity = f.severity;
            d.help = f.help.clone();
            d
        })
        .collect()
}

/// The finding for a proposal whose id the catalog already uses.
fn id_taken(id: &str, file: &str) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateId,
        file,
        "/project/id",
        format!("the catalog already has a project `{id}`"),
    )
    .at(0, 0)
    .with_help("choose another id, or review the existing project")
}

/// What the proposal form in a browser gets back for the answers given so far: the proposal
/// file `digifarm propose` reads (YAML) and every finding `digifarm propose` would report
/// for it, with the same codes and messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormCheck {
    /// The proposal as a YAML file, exactly as it is offered for download.
    pub yaml: String,
    /// Whether `digifarm propose` would accept it (no error).
    pub accepted: bool,
    /// The findings; pointers are into the proposal (`/project/license`), lines and columns
    /// into `yaml`.
    pub diagnostics: Vec<FormFinding>,
}

/// One finding of [`check_form`] and the form field it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormFinding {
    /// The pointer of the field the finding is about: the diagnostic's pointer, except for a
    /// missing field, whose diagnostic points at the enclosing mapping and names the field
    /// (`/project` and "missing required field `name`" give `/project/name`).
    pub field: String,
    /// The finding, exactly as `digifarm propose` reports it.
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
}

impl FormFinding {
    fn new(diagnostic: Diagnostic) -> FormFinding {
        let mut field = diagnostic.pointer.clone();
        if diagnostic.code == Code::MissingField.as_str()
            && let Some(name) = diagnostic.message.split('`').nth(1)
        {
            crate::source::push_pointer(&mut field, name);
        }
        FormFinding { field, diagnostic }
    }
}

/// The proposal form's check, as the portal's `propose.html` runs it in the browser (compiled
/// to WebAssembly): `answers` (the form's fields as a JSON value shaped like the proposal)
/// is written as YAML, read back with [`parse_proposal`] and, when it is a proposal, checked
/// with [`propose`] against `catalog` (the city's config and the ids already published) and
/// `taken_ids` (ids the catalog uses but does not carry as records, e.g. the ids a public
/// site lists). `file` names the YAML in the findings.
pub fn check_form(
    answers: &serde_json::Value,
    catalog: &Catalog,
    taken_ids: &[String],
    date: NaiveDate,
    file: &str,
) -> FormCheck {
    let yaml = match crate::yaml_emit::value_to_string(answers) {
        Ok(y) => y,
        Err(e) => {
            return FormCheck {
                yaml: String::new(),
                accepted: false,
                diagnostics: vec![FormFinding::new(
                    Diagnostic::new(Code::SchemaViolation, file, "", e.to_string()).at(1, 1),
                )],
            };
        }
    };
    let mut yaml = yaml;
    let mut diagnostics = match parse_proposal(&yaml, false, file) {
        Err(mut diagnostics) => {
            // Not a proposal yet (fields are missing): the licence, the attestations and the
            // source link are checked all the same, so the visitor learns about them while
            // filling in the rest.
            let early = early_findings(answers, &catalog.config, &diagnostics, file);
            diagnostics.extend(early);
            diagnostics
        }
        Ok(proposal) => {
            // Written again from the typed proposal: the fields in the form's order (project,
            // proposer, attestations), which reads back to the same proposal.
            if let Ok(ordered) = crate::yaml_emit::to_string(&proposal) {
                yaml = ordered;
            }
            let mut found = match propose(&proposal, catalog, date, file) {
                Ok((_, warnings)) => warnings,
                Err(refused) => refused.diagnostics,
            };
            if taken_ids.contains(&proposal.project.id)
                && !found.iter().any(|d| d.code == Code::DuplicateId.as_str())
            {
                found.push(id_taken(&proposal.project.id, file));
            }
            found
        }
    };
    let positions = crate::source::positions(&yaml, crate::source::Format::Yaml);
    for d in diagnostics.iter_mut().filter(|d| d.line == 0) {
        let pos = crate::source::lookup(&positions, &d.pointer)
            .unwrap_or(crate::source::Pos { line: 1, column: 1 });
        (d.line, d.column) = (pos.line, pos.column);
    }
    crate::diagnostic::sort(&mut diagnostics);
    FormCheck {
        accepted: !diagnostics.iter().any(Diagnostic::is_error),
        yaml,
        diagnostics: diagnostics.into_iter().map(FormFinding::new).collect(),
    }
}

/// Reads a proposal form from YAML or JSON text (`json` picks the parser), checked against
/// the proposal's JSON Schema; every problem is a diagnostic with its position in `file`.
///
/// # Errors
/// The diagnostics when the text is not a valid proposal.
pub fn parse_proposal(text: &str, json: bool, file: &str) -> Result<Proposal, Vec<Diagnostic>> {
    use crate::source::{self, Format};
    let format = if json { Format::Json } else { Format::Yaml };
    let parsed = if json {
        source::json::parse(text)
    } else {
        source::yaml::parse(text)
    };
    let value = parsed.map_err(|e| vec![e.to_diagnostic(file)])?;
    let mut out = Vec::new();
    let proposal = crate::catalog::check_proposal(value, &mut out);
    for d in &mut out {
        d.file = file.to_owned();
        if d.help.is_none() {
            d.help = Some("see `digifarm schema proposal` for the form's fields".to_owned());
        }
    }
    place(text, format, &mut out);
    match proposal {
        Some(p) if out.is_empty() => Ok(p),
        _ => {
            crate::diagnostic::sort(&mut out);
            Err(out)
        }
    }
}

/// Reads a proposal from its text and turns it into a project ([`parse_proposal`], then
/// [`propose`]): what `digifarm propose` and an embedding web handler do with a submitted
/// form. Every finding, the refusals included, is placed at its line and column in `text`
/// (at the nearest part the proposal has when the pointer names a missing one).
///
/// # Errors
/// The findings, when the text is no proposal or the proposal is refused.
pub fn propose_text(
    text: &str,
    json: bool,
    catalog: &Catalog,
    date: NaiveDate,
    file: &str,
) -> Result<(Project, Vec<Diagnostic>), Vec<Diagnostic>> {
    let format = if json {
        crate::source::Format::Json
    } else {
        crate::source::Format::Yaml
    };
    let proposal = parse_proposal(text, json, file)?;
    match propose(&proposal, catalog, date, file) {
        Ok((project, mut warnings)) => {
            place(text, format, &mut warnings);
            Ok((project, warnings))
        }
        Err(refused) => {
            let mut findings = refused.diagnostics;
            place(text, format, &mut findings);
            Err(findings)
        }
    }
}

/// Sets line and column of the findings that have none from their pointers into `text`.
fn place(text: &str, format: crate::source::Format, findings: &mut [Diagnostic]) {
    use crate::source;
    if findings.iter().all(|d| d.line != 0) {
        return;
    }
    let positions = source::positions(text, format);
    for d in findings.iter_mut().filter(|d| d.line == 0) {
        let pos =
            source::lookup(&positions, &d.pointer).unwrap_or(source::Pos { line: 1, column: 1 });
        (d.line, d.column) = (pos.line, pos.column);
    }
}
