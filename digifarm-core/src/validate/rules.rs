//! The semantic rules. Each rule reads the typed catalog and reports with the record's file
//! and a pointer; positions are resolved afterwards.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::license::{self, Policy};
use crate::model::{
    CityConfig, LocalizedText, Project, ProjectStatus, RecordKind, SupportOffer, SupportRef,
    SupportStatus,
};
use crate::weblink;

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
    known: Known<'a>,
}

/// The config's lists as sets, built once per run, so that checking a record against them
/// costs the same however long the lists are (validation stays linear in the input).
struct Known<'a> {
    categories: HashSet<&'a str>,
    need_kinds: HashSet<&'a str>,
    pending: HashMap<&'a str, &'a crate::model::LicensePending>,
}

impl<'a> Known<'a> {
    fn new(config: &'a CityConfig) -> Known<'a> {
        Known {
            categories: config.categories.iter().map(String::as_str).collect(),
            need_kinds: crate::model::BUILTIN_NEED_KINDS
                .iter()
                .copied()
                .chain(config.need_kinds.iter().map(String::as_str))
                .collect(),
            pending: config
                .license
                .pending
                .iter()
                .rev()
                .map(|e| (e.project.as_str(), e))
                .collect(),
        }
    }
}

impl Ctx<'_> {
    fn has_partner(&self, id: &str) -> bool {
        self.partners.contains(id) || self.catalog.is_broken(RecordKind::Partner, id)
    }
}

/// Only the staleness findings, with the kind and index of the record each is about
/// (positions not yet resolved): projects' listings, statuses and support, then offers.
pub(super) fn stale(catalog: &Catalog, today: NaiveDate) -> Vec<(RecordKind, usize, Diagnostic)> {
    let offers: HashMap<&str, &SupportOffer> =
        catalog.offers.iter().map(|o| (o.id.as_str(), o)).collect();
    let mut all = Vec::new();
    for (i, p) in catalog.projects.iter().enumerate() {
        let mut out = Vec::new();
        let mut s = sink(catalog, RecordKind::Project, i, &mut out);
        stale_rules(p, &catalog.config, today, &mut s);
        expired_offer_rule(p, &offers, today, &mut s);
        all.extend(out.into_iter().map(|d| (RecordKind::Project, i, d)));
    }
    for (i, o) in catalog.offers.iter().enumerate() {
        let mut out = Vec::new();
        let mut s = sink(catalog, RecordKind::Offer, i, &mut out);
        offer_expiry_rule(o, &catalog.config, today, &mut s);
        all.extend(out.into_iter().map(|d| (RecordKind::Offer, i, d)));
    }
    all
}

/// `offer-expired-in-use`: live support (suggested, agreed, active) through an offer whose
/// `valid_until` has passed.
fn expired_offer_rule(
    p: &Project,
    offers: &HashMap<&str, &SupportOffer>,
    today: NaiveDate,
    s: &mut Sink<'_>,
) {
    for (i, need) in p.needs.iter().enumerate() {
        for (j, support) in need.supported_by.iter().enumerate() {
            let Some(offer) = support.offer.as_deref().and_then(|o| offers.get(o)) else {
                continue;
            };
            if let Some(until) = offer.valid_until
                && until < today
                && support.is_live()
            {
                s.push(
                    Code::OfferExpiredInUse,
                    &format!("/needs/{i}/supported_by/{j}/offer"),
                    format!(
                        "the offer `{}` expired on {until}, but the support through it is still {}",
                        offer.id,
                        support.status()
                    ),
                )
                .help = Some(
                    "ask the partner to renew the offer (a later `valid_until`), or end the support with `digifarm support … --end`"
                        .to_owned(),
                );
            }
        }
    }
}

/// `offer-expiring`: the offer's last day lies within `staleness.offer_days` from today.
fn offer_expiry_rule(o: &SupportOffer, config: &CityConfig, today: NaiveDate, s: &mut Sink<'_>) {
    if let Some(until) = o.valid_until {
        let days = (until - today).num_days();
        if (0..=i64::from(config.staleness.offer_days)).contains(&days) {
            s.push(
                Code::OfferExpiring,
                "/valid_until",
                format!(
                    "the offer `{}` expires on {until} (in {days} days; the city's threshold is {} days)",
                    o.id, config.staleness.offer_days
                ),
            )
            .help = Some(
                "ask the partner whether the offer continues, and set a later `valid_until`"
                    .to_owned(),
            );
        }
    }
}

impl<'a> Ctx<'a> {
    fn new(catalog: &'a Catalog, today: NaiveDate) -> Ctx<'a> {
        Ctx {
            catalog,
            policy: Policy::from_config(&catalog.config.license),
            today,
            partners: catalog.partners.iter().map(|p| p.id.as_str()).collect(),
            offers: catalog.offers.iter().map(|o| (o.id.as_str(), o)).collect(),
            known: Known::new(&catalog.config),
        }
    }
}

/// The project ids met so far, each with where it was first met (its index among all
/// projects, and its origin), across the batches of a streamed validation.
#[derive(Debug, Default)]
pub(crate) struct SeenIds {
    first: HashMap<Box<str>, (usize, Option<crate::catalog::Origin>)>,
}

impl SeenIds {
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.first.contains_key(id)
    }
}

/// The rules about the projects `catalog` holds (all of them, or one batch of a streamed
/// validation): each project's own rules, its file name, its references and expired offers,
/// and ids already used (in this batch or one before it, as `seen` remembers).
pub(super) fn projects(
    catalog: &Catalog,
    today: NaiveDate,
    seen: &mut SeenIds,
    out: &mut Vec<Diagnostic>,
) {
    let ctx = Ctx::new(catalog, today);
    // Each worker keeps its own licence cache: catalogs repeat a handful of expressions.
    let found: Vec<Diagnostic> = (0..catalog.projects.len())
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
    out.extend(found);
    let before = catalog.project_count() - catalog.projects.len();
    for (i, p) in catalog.projects.iter().enumerate() {
        match seen.first.get(p.id.as_str()) {
            Some(&(j, origin)) => {
                let other = catalog.locate_origin(RecordKind::Project, origin, j);
                duplicate(catalog, RecordKind::Project, i, &p.id, other, out);
            }
            None => {
                let origin = catalog.origin(RecordKind::Project, i);
                seen.first
                    .insert(Box::from(p.id.as_str()), (before + i, origin));
            }
        }
    }
}

/// The rules about everything but the projects: partners, offers, their duplicate ids, the
/// config, the portal. `has_project` answers for every project that passed its schema.
pub(super) fn rest(
    catalog: &Catalog,
    today: NaiveDate,
    has_project: &dyn Fn(&str) -> bool,
    out: &mut Vec<Diagnostic>,
) {
    let ctx = Ctx::new(catalog, today);
    for i in 0..catalog.partners.len() {
        partner_rules(catalog, i, out);
    }
    for i in 0..catalog.offers.len() {
        offer_rules(&ctx, i, out);
    }
    duplicate_ids(catalog, RecordKind::Partner, out);
    duplicate_ids(catalog, RecordKind::Offer, out);
    config_rules(catalog, has_project, out);
    super::portal::rules(catalog, out);
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

/// A link is a URL with an allowed scheme and a host (see [`weblink::check`]).
fn link_rule(link: Option<&str>, pointer: &str, schemes: &[&str], s: &mut Sink<'_>) {
    if let Some(Err(message)) = link.map(|l| weblink::check(l, schemes)) {
        s.push(Code::InvalidFormat, pointer, message).help =
            Some("write the full address, e.g. https://example.org/project".to_owned());
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
    project_own_rules(p, &catalog.config, &ctx.known, checker, ctx.today, &mut s);
    reference_rules(ctx, p, &mut s);
    expired_offer_rule(p, &ctx.offers, ctx.today, &mut s);
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
    project_own_rules(p, config, &Known::new(config), checker, today, &mut s);
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
    known: &Known<'_>,
    checker: &mut license::Checker,
    today: NaiveDate,
    s: &mut Sink<'_>,
) {
    let lang = config.default_language();
    link_rule(
        p.links.homepage.as_deref(),
        "/links/homepage",
        weblink::WEB,
        s,
    );
    link_rule(p.links.info.as_deref(), "/links/info", weblink::WEB, s);
    link_rule(
        p.links.source.as_deref(),
        "/links/source",
        weblink::SOURCE,
        s,
    );
    text_rule(Some(&p.summary), "/summary", lang, s);
    text_rule(p.description.as_ref(), "/description", lang, s);
    text_rule(p.status_note.as_ref(), "/status_note", lang, s);

    // Categories from the city's taxonomy.
    if !config.categories.is_empty() {
        for (i, c) in p.categories.iter().enumerate() {
            if !known.categories.contains(c.as_str()) {
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
                        None => format!("use one of: {}", list_some(&config.categories)),
                    },
                );
            }
        }
    }

    // Needs.
    for (i, need) in p.needs.iter().enumerate() {
        let base = format!("/needs/{i}");
        if !known.need_kinds.contains(need.kind.as_str()) {
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
            support_rules(support, &format!("{base}/supported_by/{j}"), today, s);
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
    license_rule(known, p, checker, s);

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

/// The rules of one support entry on its own: dates (`since` in the past unless the support
/// is only agreed, `since` not after `until`, history in order), commitments positive, and
/// the lifecycle: every history step one the lifecycle has, each starting where the last
/// ended, and the status the last step's.
fn support_rules(support: &SupportRef, sp: &str, today: NaiveDate, s: &mut Sink<'_>) {
    let status = support.status();
    if status != SupportStatus::Agreed {
        future_rule(support.since, &format!("{sp}/since"), today, s);
    }
    if let (Some(since), Some(until)) = (support.since, support.until)
        && since > until
    {
        s.push(
            Code::InconsistentDates,
            &format!("{sp}/until"),
            format!("the support ends on {until}, before it starts on {since}"),
        )
        .help = Some("`since` is the first day of the support, `until` the last".to_owned());
    }
    amount_rule(
        support.hours_per_month,
        &format!("{sp}/hours_per_month"),
        "committed hours per month",
        s,
    );
    amount_rule(
        support.eur_per_year,
        &format!("{sp}/eur_per_year"),
        "committed euros per year",
        s,
    );
    let mut previous: Option<SupportStatus> = None;
    for (k, change) in support.history.iter().enumerate() {
        let hp = format!("{sp}/history/{k}");
        future_rule(Some(change.date), &format!("{hp}/date"), today, s);
        if k > 0 && change.date < support.history[k - 1].date {
            s.push(
                Code::InconsistentDates,
                &format!("{hp}/date"),
                format!(
                    "the support's history is out of order: {} comes after {}",
                    change.date,
                    support.history[k - 1].date
                ),
            )
            .help = Some("list changes oldest first".to_owned());
        }
        // The first change may start from any status: the entry may be older than its
        // history (support recorded before it had a lifecycle is `active`).
        let chained = k == 0 || change.from == previous;
        if !chained || !crate::workflow::support_step_ok(change.from, change.to) {
            let from = change.from.map_or("nothing", SupportStatus::as_str);
            let message = if !chained {
                format!(
                    "the change to `{}` starts from `{from}`, but the entry was `{}` before it",
                    change.to,
                    previous.map_or("not yet recorded", SupportStatus::as_str)
                )
            } else {
                format!(
                    "support cannot go from `{from}` to `{}` (suggested → agreed → active → ended; ended is final)",
                    change.to
                )
            };
            s.push(Code::SupportLifecycle, &format!("{hp}/to"), message)
                .help =
                Some("fix the history, or record the change with `digifarm support`".to_owned());
        }
        previous = Some(change.to);
    }
    if let Some(last) = support.history.last()
        && last.to != status
    {
        s.push(
            Code::SupportLifecycle,
            &format!("{sp}/status"),
            format!(
                "the status is `{status}`{}, but the history's last change leads to `{}`",
                if support.status.is_none() {
                    " (no status means active)"
                } else {
                    ""
                },
                last.to
            ),
        )
        .help =
            Some("change the status with `digifarm support`, which records each step".to_owned());
    }
}

/// The staleness rules of one project: `never-reviewed`, `stale-listing`, `stale-status`,
/// and `support-overdue` for committed support past its `until`.
fn stale_rules(p: &Project, config: &crate::model::CityConfig, today: NaiveDate, s: &mut Sink<'_>) {
    for (i, need) in p.needs.iter().enumerate() {
        for (j, support) in need.supported_by.iter().enumerate() {
            if let Some(until) = support.until
                && support.is_committed()
                && until < today
            {
                s.push(
                    Code::SupportOverdue,
                    &format!("/needs/{i}/supported_by/{j}/until"),
                    format!(
                        "the support by `{}` is still {} but ended on {until} ({} days ago)",
                        support.partner,
                        support.status(),
                        (today - until).num_days()
                    ),
                )
                .help = Some(format!(
                    "record its end: `digifarm support <CATALOG> {} --need {i} --partner {} --end --by … --reason …`, or set a later `until`",
                    p.id, support.partner
                ));
            }
        }
    }
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

fn license_rule(known: &Known<'_>, p: &Project, checker: &mut license::Checker, s: &mut Sink<'_>) {
    let trimmed = p.license.trim();
    let missing = trimmed.is_empty() || trimmed == "NONE" || trimmed == "NOASSERTION";
    if missing && let Some(pending) = known.pending.get(p.id.as_str()) {
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

/// The first few items of a list the city configures, for a help text (the whole list could
/// be long, and help texts are repeated per finding).
fn list_some(items: &[String]) -> String {
    const SHOWN: usize = 12;
    let mut s = items
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        s.push_str(&format!(", … ({} in all)", items.len()));
    }
    s
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
    link_rule(p.website.as_deref(), "/website", weblink::WEB, &mut s);
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
    if !ctx.known.need_kinds.contains(o.kind.as_str()) {
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
    offer_expiry_rule(o, &catalog.config, ctx.today, &mut s);
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

/// `duplicate-id` for the partners or offers whose id an earlier one has.
fn duplicate_ids(catalog: &Catalog, kind: RecordKind, out: &mut Vec<Diagnostic>) {
    let ids: Vec<&str> = match kind {
        RecordKind::Project => catalog.projects.iter().map(|p| p.id.as_str()).collect(),
        RecordKind::Partner => catalog.partners.iter().map(|p| p.id.as_str()).collect(),
        RecordKind::Offer => catalog.offers.iter().map(|o| o.id.as_str()).collect(),
    };
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, id) in ids.into_iter().enumerate() {
        if let Some(&j) = first.get(id) {
            let other = catalog.locate_record(kind, j);
            duplicate(catalog, kind, i, id, other, out);
        } else {
            first.insert(id, i);
        }
    }
}

/// `duplicate-id` for record `index` of `kind`, whose id the record at `other` (file,
/// pointer prefix, line) has.
fn duplicate(
    catalog: &Catalog,
    kind: RecordKind,
    index: usize,
    id: &str,
    other: (String, String, u32),
    out: &mut Vec<Diagnostic>,
) {
    let (other, other_prefix, other_line) = other;
    let mut s = sink(catalog, kind, index, out);
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
}

fn config_rules(catalog: &Catalog, has_project: &dyn Fn(&str) -> bool, out: &mut Vec<Diagnostic>) {
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
    language_rules(catalog, &file, out);
    if let Some(Err(message)) = catalog
        .config
        .city
        .website
        .as_deref()
        .map(|w| weblink::check(w, weblink::WEB))
    {
        out.push(Diagnostic::new(
            Code::InvalidFormat,
            file.clone(),
            "/city/website",
            message,
        ));
    }
    for (i, pending) in catalog.config.license.pending.iter().enumerate() {
        if !has_project(&pending.project)
            && !catalog.is_broken(RecordKind::Project, &pending.project)
        {
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

/// `[city] languages`: at least one, each a well-formed BCP 47 language tag (checked with the
/// `oxilangtag` crate) whose language is an ISO 639 code, none twice (ignoring case, as BCP 47
/// does).
fn language_rules(catalog: &Catalog, file: &str, out: &mut Vec<Diagnostic>) {
    let languages = &catalog.config.city.languages;
    if languages.is_empty() {
        out.push(
            Diagnostic::new(
                Code::InvalidValue,
                file.to_owned(),
                "/city/languages",
                "the catalog names no language; the first one is the default language of its texts",
            )
            .with_help("write e.g. `languages = [\"de\", \"en\"]`"),
        );
        return;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, lang) in languages.iter().enumerate() {
        let pointer = format!("/city/languages/{i}");
        // Well-formed BCP 47, with an ISO 639 language (two or three letters): the longer
        // primary subtags are reserved and catch `german` or `deutsch`.
        let iso_language = oxilangtag::LanguageTag::parse(lang.as_str())
            .is_ok_and(|tag| (2..=3).contains(&tag.primary_language().len()));
        if !iso_language {
            out.push(
                Diagnostic::new(
                    Code::InvalidFormat,
                    file.to_owned(),
                    pointer,
                    format!("`{lang}` is not a BCP 47 language tag"),
                )
                .with_help("use a language code such as `de`, `en`, `tr` or `de-AT`"),
            );
            continue;
        }
        if let Some(first) = seen.insert(lang.to_ascii_lowercase(), i) {
            out.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    file.to_owned(),
                    pointer,
                    format!("`{lang}` is listed twice (also at position {})", first + 1),
                )
                .with_help("list each language once"),
            );
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::NaiveDate;
    use serde_json::{Value, json};

    use crate::catalog::Catalog;
    use crate::diagnostic::Diagnostic;
    use crate::license::{Checker, Policy};
    use crate::model::{CityConfig, Partner, Project, SupportOffer};

    const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 9, 1) {
        Some(d) => d,
        None => panic!(),
    };

    /// A project every rule accepts.
    fn base() -> Value {
        json!({
            "id": "stadtbaum",
            "name": "Stadtbaum",
            "summary": {"de": "Bäume gießen"},
            "status": "live",
            "lifecycle": "admitted",
            "admitted_on": "2024-03-01",
            "last_reviewed": "2026-06-01",
            "license": "MIT",
            "links": {"source": "https://example.org/stadtbaum.git"},
            "origin": {"started": "2023"},
            "history": [
                {"date": "2024-01-10", "to": "proposed"},
                {"date": "2024-03-01", "from": "proposed", "to": "admitted"}
            ],
            "needs": [{"kind": "technical", "hours_per_month": 4, "since": "2025-01-01"}]
        })
    }

    fn config() -> CityConfig {
        toml::from_str("categories = [\"umwelt\"]\n[city]\nname = \"Münster\"\n").unwrap()
    }

    /// The findings of the rules for one project on its own, as (code, pointer).
    fn own(project: &Value, config: &CityConfig) -> Vec<(String, String)> {
        let p: Project = serde_json::from_value(project.clone()).unwrap();
        let mut checker = Checker::new(Policy::from_config(&config.license));
        let mut out = Vec::new();
        super::standalone_project_rules(&p, config, &mut checker, TODAY, &mut out);
        pairs(&out)
    }

    fn pairs(out: &[Diagnostic]) -> Vec<(String, String)> {
        out.iter()
            .map(|d| (d.code.to_string(), d.pointer.clone()))
            .collect()
    }

    fn with(mut v: Value, pointer: &str, new: Value) -> Value {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        match v.pointer_mut(parent).unwrap() {
            Value::Object(m) => {
                m.insert(key.to_owned(), new);
            }
            Value::Array(a) => a[key.parse::<usize>().unwrap()] = new,
            _ => panic!("{pointer}"),
        }
        v
    }

    #[test]
    fn the_base_project_passes_every_rule() {
        assert_eq!(own(&base(), &config()), []);
    }

    /// One change to the base project, the one finding it must give.
    #[test]
    fn each_project_rule_reports_its_code_at_its_pointer() {
        let cases: &[(&str, Value, &str, &str)] = &[
            (
                "/admitted_on",
                json!("2027-01-01"),
                "date-in-future",
                "/admitted_on",
            ),
            (
                "/last_reviewed",
                json!("2026-09-02"),
                "date-in-future",
                "/last_reviewed",
            ),
            (
                "/needs/0/since",
                json!("2030-01-01"),
                "date-in-future",
                "/needs/0/since",
            ),
            (
                "/origin",
                json!({"started": "2025"}),
                "inconsistent-dates",
                "/admitted_on",
            ),
            (
                "/history/0/date",
                json!("2024-04-01"),
                "inconsistent-dates",
                "/history/1/date",
            ),
            (
                "/lifecycle",
                json!("sustained"),
                "lifecycle-mismatch",
                "/lifecycle",
            ),
            (
                "/summary",
                json!({"en": "Watering trees"}),
                "missing-default-language",
                "/summary",
            ),
            (
                "/needs/0/hours_per_month",
                json!(0),
                "amount-not-positive",
                "/needs/0/hours_per_month",
            ),
            (
                "/needs/0/kind",
                json!("legal"),
                "unknown-need-kind",
                "/needs/0/kind",
            ),
            (
                "/categories",
                json!(["umwelt", "verkehr"]),
                "unknown-category",
                "/categories/1",
            ),
            ("/links", json!({}), "source-missing", "/links"),
            (
                "/license",
                json!("NOT A LICENSE"),
                "license-invalid",
                "/license",
            ),
            ("/license", json!("mit"), "license-case", "/license"),
        ];
        for (at, value, code, pointer) in cases {
            let project = with(base(), at, value.clone());
            let found = own(&project, &config());
            assert!(
                found.contains(&((*code).to_owned(), (*pointer).to_owned())),
                "{at} = {value}: expected {code} at {pointer}, found {found:?}"
            );
        }
    }

    #[test]
    fn a_city_without_categories_accepts_any_category() {
        let project = with(base(), "/categories", json!(["irgendwas"]));
        assert_eq!(own(&project, &CityConfig::default()), []);
    }

    /// The rules that need the rest of the catalog: references between records and ids.
    #[test]
    fn catalog_rules_check_references_and_ids() {
        let partner = |id: &str| -> Partner {
            serde_json::from_value(json!({"id": id, "name": id, "kind": "company"})).unwrap()
        };
        let offer: SupportOffer = serde_json::from_value(
            json!({"id": "hosting", "partner": "stadtwerke", "kind": "technical"}),
        )
        .unwrap();
        let supported = |partner: &str, offer: &str| {
            with(
                base(),
                "/needs/0/supported_by",
                json!([{"partner": partner, "offer": offer, "since": "2025-02-01"}]),
            )
        };
        let run = |projects: Vec<Value>| {
            let catalog = Catalog::from_records(
                config(),
                projects
                    .into_iter()
                    .map(|p| serde_json::from_value(p).unwrap())
                    .collect(),
                vec![partner("stadtwerke"), partner("verein")],
                vec![offer.clone()],
            );
            let codes: Vec<(String, String)> = pairs(&super::super::validate(&catalog, TODAY))
                .into_iter()
                .filter(|(c, _)| !c.starts_with("stale") && c != "never-reviewed")
                .collect();
            codes
        };
        assert_eq!(run(vec![supported("stadtwerke", "hosting")]), []);
        for (projects, code, pointer_end) in [
            (
                vec![supported("nobody", "hosting")],
                "dangling-reference",
                "/needs/0/supported_by/0/partner",
            ),
            (
                vec![supported("verein", "hosting")],
                "reference-mismatch",
                "/needs/0/supported_by/0/offer",
            ),
            (
                vec![supported("stadtwerke", "nothing")],
                "dangling-reference",
                "/needs/0/supported_by/0/offer",
            ),
            (vec![base(), base()], "duplicate-id", ""),
        ] {
            let found = run(projects);
            assert!(
                found
                    .iter()
                    .any(|(c, p)| c == code && p.ends_with(pointer_end)),
                "{code} at …{pointer_end}: {found:?}"
            );
        }
    }
}
