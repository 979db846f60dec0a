//! The semantic rules. Each rule reads the typed catalog and reports with the record's file
//! and a pointer; positions are resolved afterwards.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::license::{self, Policy};
use crate::model::{CityConfig, LocalizedText, Project, ProjectStatus, RecordKind, SupportOffer};

/// Where findings about one record go. The record's file and pointer prefix are looked up
/// only when there is a finding.
struct Sink<'a> {
    /// `None` for a record checked on its own (no file, pointers relative to the record).
    catalog: Option<&'a Catalog>,
    kind: RecordKind,
    index: usize,
    location: Option<(String, String, u32)>,
    out: &'a mut Vec<Diagnostic>,
}

impl Sink<'_> {
    fn push(&mut self, code: Code, pointer: &str, message: String) -> &mut Diagnostic {
        let (catalog, kind, index) = (self.catalog, self.kind, self.index);
        let (file, prefix, line) = self.location.get_or_insert_with(|| match catalog {
            Some(catalog) => catalog.locate_record(kind, index),
            None => (String::new(), String::new(), 0),
        });
        let mut d = Diagnostic::new(code, file.clone(), format!("{prefix}{pointer}"), message);
        d.line = *line;
        self.out.push(d);
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}

fn sink<'a>(
    catalog: &'a Catalog,
    kind: RecordKind,
    index: usize,
    out: &'a mut Vec<Diagnostic>,
) -> Sink<'a> {
    Sink {
        catalog: Some(catalog),
        kind,
        index,
        location: None,
        out,
    }
}

/// What every rule needs: the catalog, the policy, the date, and id indexes built once.
struct Ctx<'a> {
    catalog: &'a Catalog,
    policy: Policy,
    today: NaiveDate,
    partners: HashSet<&'a str>,
    offers: HashMap<&'a str, &'a SupportOffer>,
}

impl Ctx<'_> {
    fn has_partner(&self, id: &str) -> bool {
        self.partners.contains(id) || self.catalog.is_broken(RecordKind::Partner, id)
    }
}

/// Only the staleness findings, with the index of the project each is about (positions not
/// yet resolved).
pub(super) fn stale(catalog: &Catalog, today: NaiveDate) -> Vec<(usize, Diagnostic)> {
    let mut all = Vec::new();
    for (i, p) in catalog.projects.iter().enumerate() {
        let mut out = Vec::new();
        let mut s = sink(catalog, RecordKind::Project, i, &mut out);
        stale_rules(p, &catalog.config, today, &mut s);
        all.extend(out.into_iter().map(|d| (i, d)));
    }
    all
}

pub(super) fn run(catalog: &Catalog, today: NaiveDate) -> Vec<Diagnostic> {
    let ctx = Ctx {
        catalog,
        policy: Policy::from_config(&catalog.config.license),
        today,
        partners: catalog.partners.iter().map(|p| p.id.as_str()).collect(),
        offers: catalog.offers.iter().map(|o| (o.id.as_str(), o)).collect(),
    };
    // Each worker keeps its own licence cache: catalogs repeat a handful of expressions.
    let mut out: Vec<Diagnostic> = (0..catalog.projects.len())
        .into_par_iter()
        .fold(
            || (Vec::new(), license::Checker::new(ctx.policy.clone())),
            |(mut out, mut checker), i| {
                project_rules(&ctx, &mut checker, i, &mut out);
                (out, checker)
            },
        )
        .map(|(out, _)| out)
        .reduce(Vec::new, |mut a, mut b| {
            a.append(&mut b);
            a
        });
    for i in 0..catalog.partners.len() {
        partner_rules(catalog, i, &mut out);
    }
    for i in 0..catalog.offers.len() {
        offer_rules(&ctx, i, &mut out);
    }
    duplicate_ids(catalog, &mut out);
    config_rules(catalog, &mut out);
    out
}

fn file_name_rule(catalog: &Catalog, kind: RecordKind, index: usize, id: &str, s: &mut Sink<'_>) {
    if let Some(stem) = catalog.record_file_stem(kind, index)
        && stem != id
    {
        s.push(
            Code::FileNameMismatch,
            "/id",
            format!("the {kind} `{id}` is in a file named `{stem}`"),
        )
        .help = Some(format!(
            "rename the file to `{id}` with its extension, or change the id"
        ));
    }
}

fn text_rule(text: Option<&LocalizedText>, pointer: &str, default_lang: &str, s: &mut Sink<'_>) {
    if let Some(t @ LocalizedText::Localized(_)) = text
        && !t.has_default(default_lang)
    {
        s.push(
            Code::MissingDefaultLanguage,
            pointer,
            format!(
                "the text has no `{default_lang}` version (languages: {})",
                t.languages().join(", ")
            ),
        )
        .help = Some(format!(
            "add `{default_lang}: …`, the catalog's default language"
        ));
    }
}

fn amount_rule(value: Option<f64>, pointer: &str, what: &str, s: &mut Sink<'_>) {
    if let Some(v) = value
        && v <= 0.0
    {
        s.push(
            Code::AmountNotPositive,
            pointer,
            format!("{what} must be positive, found {v}"),
        )
        .help = Some("leave the field out when there is no amount".to_owned());
    }
}

fn future_rule(date: Option<NaiveDate>, pointer: &str, today: NaiveDate, s: &mut Sink<'_>) {
    if let Some(d) = date
        && d > today
    {
        s.push(
            Code::DateInFuture,
            pointer,
            format!("{d} lies in the future (today is {today})"),
        );
    }
}

fn project_rules(
    ctx: &Ctx<'_>,
    checker: &mut license::Checker,
    index: usize,
    out: &mut Vec<Diagnostic>,
) {
    let catalog = ctx.catalog;
    let p: &Project = &catalog.projects[index];
    let mut s = sink(catalog, RecordKind::Project, index, out);
    file_name_rule(catalog, RecordKind::Project, index, &p.id, &mut s);
    project_own_rules(p, &catalog.config, checker, ctx.today, &mut s);
    reference_rules(ctx, p, &mut s);
}

/// The rules for one project on its own, without the rest of its catalog: everything but
/// file names, duplicate ids and references. Pointers are relative to the record; there is
/// no file.
pub(super) fn standalone_project_rules(
    p: &Project,
    config: &CityConfig,
    checker: &mut license::Checker,
    today: NaiveDate,
    out: &mut Vec<Diagnostic>,
) {
    let mut s = Sink {
        catalog: None,
        kind: RecordKind::Project,
        index: 0,
        location: None,
        out,
    };
    project_own_rules(p, config, checker, today, &mut s);
}

/// `need.supported_by` references resolve to a partner and to an offer of that partner.
fn reference_rules(ctx: &Ctx<'_>, p: &Project, s: &mut Sink<'_>) {
    let catalog = ctx.catalog;
    for (i, need) in p.needs.iter().enumerate() {
        for (j, support) in need.supported_by.iter().enumerate() {
            let sp = format!("/needs/{i}/supported_by/{j}");
            if !ctx.has_partner(&support.partner) {
                s.push(
                    Code::DanglingReference,
                    &format!("{sp}/partner"),
                    format!("no partner with id `{}`", support.partner),
                )
                .help = Some(format!(
                    "add partners/{}.yaml or fix the id",
                    support.partner
                ));
            }
            if let Some(offer_id) = &support.offer {
                match ctx.offers.get(offer_id.as_str()) {
                    None if !catalog.is_broken(RecordKind::Offer, offer_id) => {
                        s.push(
                            Code::DanglingReference,
                            &format!("{sp}/offer"),
                            format!("no offer with id `{offer_id}`"),
                        )
                        .help = Some(format!("add offers/{offer_id}.yaml or fix the id"));
                    }
                    Some(o) if o.partner != support.partner => {
                        s.push(
                            Code::ReferenceMismatch,
                            &format!("{sp}/offer"),
                            format!(
                                "the offer `{offer_id}` belongs to partner `{}`, not `{}`",
                                o.partner, support.partner
                            ),
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}

fn project_own_rules(
    p: &Project,
    config: &CityConfig,
    checker: &mut license::Checker,
    today: NaiveDate,
    s: &mut Sink<'_>,
) {
    let lang = config.default_language();
    text_rule(Some(&p.summary), "/summary", lang, s);
    text_rule(p.description.as_ref(), "/description", lang, s);
    text_rule(p.status_note.as_ref(), "/status_note", lang, s);

    // Categories from the city's taxonomy.
    if !config.categories.is_empty() {
        for (i, c) in p.categories.iter().enumerate() {
            if !config.categories.contains(c) {
                let d = s.push(
                    Code::UnknownCategory,
                    &format!("/categories/{i}"),
                    format!("`{c}` is not in the city's categories"),
                );
                d.help = Some(
                    match crate::catalog::closest_name(
                        c,
                        config.categories.iter().map(String::as_str),
                    ) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => format!("use one of: {}", config.categories.join(", ")),
                    },
                );
            }
        }
    }

    // Needs.
    for (i, need) in p.needs.iter().enumerate() {
        let base = format!("/needs/{i}");
        if !config.knows_need_kind(&need.kind) {
            s.push(
                Code::UnknownNeedKind,
                &format!("{base}/kind"),
                format!("unknown kind of need `{}`", need.kind),
            )
            .help = Some(kind_help(config, &need.kind));
        }
        text_rule(
            need.description.as_ref(),
            &format!("{base}/description"),
            lang,
            s,
        );
        amount_rule(
            need.hours_per_month,
            &format!("{base}/hours_per_month"),
            "hours per month",
            s,
        );
        amount_rule(
            need.eur_per_year,
            &format!("{base}/eur_per_year"),
            "euros per year",
            s,
        );
        future_rule(need.since, &format!("{base}/since"), today, s);
        for (j, support) in need.supported_by.iter().enumerate() {
            let sp = format!("{base}/supported_by/{j}");
            future_rule(support.since, &format!("{sp}/since"), today, s);
        }
    }

    // Dates.
    future_rule(p.admitted_on, "/admitted_on", today, s);
    future_rule(p.last_reviewed, "/last_reviewed", today, s);
    future_rule(p.status_since, "/status_since", today, s);
    if let (Some(admitted), Some(started)) = (
        p.admitted_on,
        p.origin.as_ref().and_then(|o| o.started.as_deref()),
    ) && started
        .get(..4)
        .and_then(|y| y.parse::<i32>().ok())
        .is_some_and(|y| y > chrono::Datelike::year(&admitted))
    {
        s.push(
            Code::InconsistentDates,
            "/admitted_on",
            format!("admitted on {admitted}, before the project started ({started})"),
        );
    }
    for (i, pair) in p.history.windows(2).enumerate() {
        if pair[1].date < pair[0].date {
            s.push(
                Code::InconsistentDates,
                &format!("/history/{}/date", i + 1),
                format!(
                    "history is out of order: {} comes after {}",
                    pair[1].date, pair[0].date
                ),
            )
            .help = Some("list decisions oldest first".to_owned());
        }
    }
    for (i, decision) in p.history.iter().enumerate() {
        future_rule(Some(decision.date), &format!("/history/{i}/date"), today, s);
    }
    if let Some(last) = p.history.last()
        && last.to != p.lifecycle
    {
        s.push(
            Code::LifecycleMismatch,
            "/lifecycle",
            format!(
                "lifecycle is `{}` but the last decision moved it to `{}`",
                p.lifecycle.as_str(),
                last.to.as_str()
            ),
        );
    }

    // Licence.
    license_rule(config, p, checker, s);

    // Admission criteria that code can check.
    if p.lifecycle.is_active() && config.admission.require_source && p.links.source.is_none() {
        s.push(
            Code::SourceMissing,
            "/links",
            format!(
                "`{}` is {} but links no source repository",
                p.id,
                p.lifecycle.as_str()
            ),
        )
        .help = Some(
            "add `links: {source: https://…}`: open source means the source can be found"
                .to_owned(),
        );
    }

    stale_rules(p, config, today, s);
}

/// The staleness rules of one project: `never-reviewed`, `stale-listing`, `stale-status`.
fn stale_rules(p: &Project, config: &crate::model::CityConfig, today: NaiveDate, s: &mut Sink<'_>) {
    if p.lifecycle.is_active() {
        match p.last_reviewed {
            None => {
                s.push(
                    Code::NeverReviewed,
                    "",
                    format!("`{}` has never been reviewed", p.id),
                )
                .help =
                    Some("set `last_reviewed: YYYY-MM-DD` after checking the listing".to_owned());
            }
            Some(reviewed) => {
                let days = (today - reviewed).num_days();
                if days > i64::from(config.staleness.review_days) {
                    s.push(
                        Code::StaleListing,
                        "/last_reviewed",
                        format!("last reviewed {days} days ago ({reviewed}); the city's threshold is {} days", config.staleness.review_days),
                    )
                    .help = Some("check the listing with the project and update `last_reviewed`".to_owned());
                }
            }
        }
    }
    if matches!(p.status, ProjectStatus::Paused | ProjectStatus::Broken)
        && let Some(since) = p.status_since
    {
        let days = (today - since).num_days();
        if days > i64::from(config.staleness.status_days) {
            s.push(
                Code::StaleStatus,
                "/status",
                format!(
                    "{} for {days} days (since {since}); the city's threshold is {} days",
                    p.status.as_str(),
                    config.staleness.status_days
                ),
            );
        }
    }
}

fn license_rule(
    config: &CityConfig,
    p: &Project,
    checker: &mut license::Checker,
    s: &mut Sink<'_>,
) {
    let trimmed = p.license.trim();
    let missing = trimmed.is_empty() || trimmed == "NONE" || trimmed == "NOASSERTION";
    if missing && let Some(pending) = config.license.pending.iter().find(|e| e.project == p.id) {
        s.push(
            Code::LicensePending,
            "/license",
            format!(
                "no licence yet (`{trimmed}`); the city is clarifying it: {}",
                pending.reason
            ),
        )
        .help =
            Some("set an SPDX licence expression once the maintainers have chosen one".to_owned());
        return;
    }
    for f in &checker.check_ref(&p.license).findings {
        let message = match &f.span {
            Some(span) if span.len() < p.license.len() => {
                format!(
                    "{} (at {}..{} in `{}`)",
                    f.message, span.start, span.end, p.license
                )
            }
            _ => f.message.clone(),
        };
        let d = s.push(f.code, "/license", message);
        d.severity = f.severity;
        d.help = f.help.clone();
    }
}

fn kind_help(config: &crate::model::CityConfig, kind: &str) -> String {
    let known = crate::model::BUILTIN_NEED_KINDS
        .iter()
        .copied()
        .chain(config.need_kinds.iter().map(String::as_str));
    match crate::catalog::closest_name(kind, known) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            "use content, technical or financial, or add the kind to `need_kinds` in digifarm.toml"
                .to_owned()
        }
    }
}

fn partner_rules(catalog: &Catalog, index: usize, out: &mut Vec<Diagnostic>) {
    let p = &catalog.partners[index];
    let mut s = sink(catalog, RecordKind::Partner, index, out);
    file_name_rule(catalog, RecordKind::Partner, index, &p.id, &mut s);
    text_rule(
        p.description.as_ref(),
        "/description",
        catalog.config.default_language(),
        &mut s,
    );
}

fn offer_rules(ctx: &Ctx<'_>, index: usize, out: &mut Vec<Diagnostic>) {
    let catalog = ctx.catalog;
    let o = &catalog.offers[index];
    let mut s = sink(catalog, RecordKind::Offer, index, out);
    file_name_rule(catalog, RecordKind::Offer, index, &o.id, &mut s);
    text_rule(
        o.description.as_ref(),
        "/description",
        catalog.config.default_language(),
        &mut s,
    );
    if !ctx.has_partner(&o.partner) {
        s.push(
            Code::DanglingReference,
            "/partner",
            format!("no partner with id `{}`", o.partner),
        )
        .help = Some(format!("add partners/{}.yaml or fix the id", o.partner));
    }
    if !catalog.config.knows_need_kind(&o.kind) {
        s.push(
            Code::UnknownNeedKind,
            "/kind",
            format!("unknown kind of support `{}`", o.kind),
        )
        .help = Some(kind_help(&catalog.config, &o.kind));
    }
    amount_rule(
        o.budget_eur_per_year,
        "/budget_eur_per_year",
        "the budget",
        &mut s,
    );
    amount_rule(
        o.capacity.hours_per_month,
        "/capacity/hours_per_month",
        "hours per month",
        &mut s,
    );
    if let (Some(from), Some(until)) = (o.valid_from, o.valid_until)
        && from > until
    {
        s.push(
            Code::InconsistentDates,
            "/valid_until",
            format!("valid until {until}, before it becomes valid on {from}"),
        );
    }
    if let Some(req) = &o.license_requirement
        && let Err(message) = license::parse_requirement(req)
    {
        s.push(Code::LicenseRequirementInvalid, "/license_requirement", message)
                .help = Some("write an SPDX expression (e.g. `GPL-3.0-or-later OR EUPL-1.2`), `copyleft` or `permissive`".to_owned());
    }
}

fn duplicate_ids(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    fn check<'a>(
        catalog: &Catalog,
        kind: RecordKind,
        ids: impl Iterator<Item = &'a str>,
        out: &mut Vec<Diagnostic>,
    ) {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (i, id) in ids.enumerate() {
            if let Some(&j) = first.get(id) {
                let (other, other_prefix, other_line) = catalog.locate_record(kind, j);
                let mut s = sink(catalog, kind, i, out);
                let place = if other_line > 0 {
                    format!("{other}:{other_line}")
                } else {
                    format!("{other}{other_prefix}")
                };
                s.push(
                    Code::DuplicateId,
                    "/id",
                    format!("the {kind} id `{id}` is already used in {place}"),
                )
                .help = Some("ids must be unique within their kind".to_owned());
            } else {
                first.insert(id, i);
            }
        }
    }
    check(
        catalog,
        RecordKind::Project,
        catalog.projects.iter().map(|p| p.id.as_str()),
        out,
    );
    check(
        catalog,
        RecordKind::Partner,
        catalog.partners.iter().map(|p| p.id.as_str()),
        out,
    );
    check(
        catalog,
        RecordKind::Offer,
        catalog.offers.iter().map(|o| o.id.as_str()),
        out,
    );
}

fn config_rules(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let file = catalog.config_file_path();
    let w = &catalog.config.matching.weights;
    for (name, value) in [
        ("skills", w.skills),
        ("topics", w.topics),
        ("region", w.region),
        ("urgency", w.urgency),
        ("budget", w.budget),
    ] {
        if !value.is_finite() || value < 0.0 {
            out.push(
                Diagnostic::new(
                    Code::OutOfRange,
                    file.clone(),
                    format!("/matching/weights/{name}"),
                    format!(
                        "the weight `{name}` is {value}; weights must be finite and not negative"
                    ),
                )
                .with_help("use a number from 0 upwards; weights are normalised"),
            );
        }
    }
    for (i, pending) in catalog.config.license.pending.iter().enumerate() {
        if !catalog.has_id(RecordKind::Project, &pending.project) {
            out.push(
                Diagnostic::new(
                    Code::DanglingReference,
                    file.clone(),
                    format!("/license/pending/{i}/project"),
                    format!("no project with id `{}`", pending.project),
                )
                .with_severity(Severity::Warning),
            );
        }
    }
}
