//! What `digifarm match` shows: the view over a matcher's result (rankings, the assignment,
//! why a need stays unmatched, what `--write` wrote) and its two renderings, the text people
//! read and the JSON report tools read. The command itself (loading, validation, plugins,
//! `--write`) is in the parent module.

use std::fmt::Write as _;

use chrono::NaiveDate;
use digifarm_core::matching::{Assignment, Exclusion, Explanation, Matcher, NeedId, Ranked};
use digifarm_core::workflow;
use digifarm_core::{Code, Diagnostic};
use serde::Serialize;

use super::{Args, LoadedCatalog};
use crate::cmd::plugin::ScorerRun;
use crate::output::CliError;

#[derive(Serialize)]
struct JsonOffer<'a> {
    offer: &'a str,
    partner: &'a str,
    score: f64,
    explanation: Option<Explanation>,
}

#[derive(Serialize)]
struct JsonRanking<'a> {
    project: &'a str,
    need: usize,
    offers: Vec<JsonOffer<'a>>,
    /// With --explain (and no --offer): admissible offers scoring below the minimum score.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    below_minimum: Vec<JsonOffer<'a>>,
}

#[derive(Serialize)]
struct JsonPair<'a> {
    project: &'a str,
    need: usize,
    offer: &'a str,
    score: f64,
}

#[derive(Serialize)]
struct JsonNeed<'a> {
    project: &'a str,
    need: usize,
    /// Why no offer can serve the need, per offer of its kind (empty when some offer could).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    reasons: Vec<JsonReason<'a>>,
}

#[derive(Serialize)]
struct JsonReason<'a> {
    offer: &'a str,
    /// The excluding constraint, or `min-score`.
    constraint: &'static str,
    reason: String,
}

#[derive(Serialize)]
struct JsonWritten<'a> {
    project: &'a str,
    need: usize,
    offer: &'a str,
    partner: &'a str,
    score: f64,
    file: String,
}

#[derive(Serialize)]
struct JsonDiff {
    file: String,
    diff: String,
}

#[derive(Serialize)]
pub(super) struct JsonReport<'a> {
    /// Scorer plugins whose terms are in the scores.
    plugins: Vec<ScorerRun>,
    rankings: Vec<JsonRanking<'a>>,
    assignment: Option<Vec<JsonPair<'a>>>,
    total_score: Option<f64>,
    unmatched: Vec<JsonNeed<'a>>,
    /// Errors that stopped matching (empty when it ran).
    diagnostics: Vec<Diagnostic>,
    /// Pairs scoring below this are not proposed.
    min_score: Option<f64>,
    /// With --write: the suggested support entries written (or, with --dry-run, that would
    /// be).
    #[serde(skip_serializing_if = "Option::is_none")]
    written: Option<Vec<JsonWritten<'a>>>,
    /// With --dry-run: the change to each file, as a unified diff.
    #[serde(skip_serializing_if = "Option::is_none")]
    diffs: Option<Vec<JsonDiff>>,
}

impl JsonReport<'_> {
    pub(super) fn empty(diagnostics: Vec<Diagnostic>) -> Self {
        JsonReport {
            plugins: Vec::new(),
            rankings: Vec::new(),
            assignment: None,
            total_score: None,
            unmatched: Vec::new(),
            diagnostics,
            min_score: None,
            written: None,
            diffs: None,
        }
    }
}

/// `value` as one line of JSON, unprintable characters in its strings escaped (the same
/// JSON value: see `output::json`).
pub(super) fn json_text<T: Serialize>(value: &T) -> Result<String, CliError> {
    let s = serde_json::to_string(value).map_err(|e| CliError(e.to_string()))?;
    let mut s = crate::output::escape_json(&s);
    s.push('\n');
    Ok(s)
}

pub(super) fn render_diagnostics(
    diagnostics: &[Diagnostic],
    sources: &[digifarm_core::catalog::SourceFile],
) -> String {
    let lines = crate::render::SourceLines::of(sources);
    let mut out = crate::render::diagnostics(
        diagnostics,
        |file, line| lines.line(file, line),
        crate::output::use_colour(),
    );
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let plugins = diagnostics
        .iter()
        .filter(|d| d.code == Code::PluginFailed.as_str())
        .count();
    let s = |n: usize| if n == 1 { "" } else { "s" };
    if plugins > 0 && plugins == errors {
        let _ = writeln!(
            out,
            "matching did not run: {plugins} scorer plugin{} failed",
            s(plugins)
        );
    } else {
        let _ = writeln!(
            out,
            "matching did not run: the catalog has {errors} error{}",
            s(errors)
        );
    }
    out
}

/// What `--write` wrote (or, with `--dry-run`, would write).
pub(super) struct Written {
    /// Each suggestion with the file it went into.
    pub(super) entries: Vec<(workflow::Suggested, String)>,
    /// With `--dry-run`: each file's change as a unified diff.
    pub(super) diffs: Option<Vec<(String, String)>>,
}

pub(super) struct View<'v, 'a> {
    pub(super) args: &'v Args,
    pub(super) loaded: &'v LoadedCatalog,
    pub(super) matcher: &'v Matcher<'a>,
    pub(super) plugins: Vec<ScorerRun>,
    pub(super) project: Option<usize>,
    pub(super) offer: Option<usize>,
    pub(super) k: usize,
    /// The optimal assignment, with --assign.
    pub(super) assignment: Option<Assignment>,
    /// With --write: what was written.
    pub(super) written: Option<Written>,
}

impl View<'_, '_> {
    fn in_scope(&self, need: NeedId) -> bool {
        self.project.is_none_or(|p| p == need.project)
    }

    /// The rankings to show: per open need its top offers, or with `--offer` the offer's
    /// top needs (one entry per need).
    fn rankings(&self) -> Vec<(NeedId, Vec<Ranked>)> {
        match self.offer {
            Some(o) => {
                let k = if self.project.is_some() {
                    usize::MAX
                } else {
                    self.k
                };
                self.matcher
                    .rank_needs(o, k)
                    .into_iter()
                    .filter(|r| self.in_scope(r.need))
                    .take(self.k)
                    .map(|r| (r.need, vec![r]))
                    .collect()
            }
            None => {
                let mut scratch = self.matcher.scratch();
                self.matcher
                    .open_needs()
                    .into_iter()
                    .filter(|n| self.in_scope(*n))
                    .map(|n| (n, self.matcher.rank_offers_with(n, self.k, &mut scratch)))
                    .collect()
            }
        }
    }

    pub(super) fn assignment(&self) -> Option<&Assignment> {
        self.assignment.as_ref()
    }

    /// Why no offer can serve `need`, per offer of its kind: the constraint that excludes it
    /// (with its figures), or its score below the minimum; offers of other kinds are counted
    /// per kind. `None` when some offer could serve the need.
    #[allow(clippy::type_complexity)]
    fn reasons(
        &self,
        need: NeedId,
    ) -> Option<(Vec<(usize, &'static str, String)>, Vec<(String, usize)>)> {
        let mut reasons = Vec::new();
        let mut other_kinds: std::collections::BTreeMap<String, usize> = Default::default();
        for o in 0..self.loaded.catalog.offers.len() {
            match self.matcher.check(need, o) {
                Some(Err(Exclusion::Kind { offer, .. })) => {
                    *other_kinds.entry(offer).or_default() += 1
                }
                Some(Err(e)) => reasons.push((o, e.constraint(), e.to_string())),
                Some(Ok(())) => match self.matcher.score(need, o) {
                    Some(score) if self.matcher.below_minimum(score) => reasons.push((
                        o,
                        "min-score",
                        format!(
                            "scores {score:.3}, below the minimum score {:.2}",
                            self.matcher.min_score()
                        ),
                    )),
                    // An offer that could serve the need: there is no "why not".
                    _ => return None,
                },
                None => {}
            }
        }
        Some((reasons, other_kinds.into_iter().collect()))
    }

    /// The human lines for [`View::reasons`], indented, at most ten offers.
    fn reason_lines(&self, out: &mut String, need: NeedId, indent: &str) {
        const SHOWN: usize = 10;
        let Some((reasons, other_kinds)) = self.reasons(need) else {
            return;
        };
        if reasons.is_empty() && other_kinds.is_empty() {
            let _ = writeln!(out, "{indent}the catalog has no offers");
            return;
        }
        for (o, constraint, why) in reasons.iter().take(SHOWN) {
            let _ = writeln!(
                out,
                "{indent}{} ({}) [{constraint}]: {why}",
                self.offer_id(*o),
                self.partner_name(*o)
            );
        }
        if reasons.len() > SHOWN {
            let _ = writeln!(out, "{indent}… and {} more offers", reasons.len() - SHOWN);
        }
        if !other_kinds.is_empty() {
            let total: usize = other_kinds.iter().map(|(_, n)| n).sum();
            let kinds: Vec<String> = other_kinds
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            let _ = writeln!(
                out,
                "{indent}{total} offer{} of other kinds ({})",
                if total == 1 { "" } else { "s" },
                kinds.join(", ")
            );
        }
    }

    fn json_reasons(&self, need: NeedId) -> Vec<JsonReason<'_>> {
        self.reasons(need)
            .map(|r| r.0)
            .unwrap_or_default()
            .into_iter()
            .map(|(o, constraint, reason)| JsonReason {
                offer: self.offer_id(o),
                constraint,
                reason,
            })
            .collect()
    }

    pub(super) fn pair_in_scope(&self, r: &Ranked) -> bool {
        self.in_scope(r.need) && self.offer.is_none_or(|o| o == r.offer)
    }

    fn project_id(&self, need: NeedId) -> &str {
        self.loaded
            .catalog
            .projects
            .get(need.project)
            .map_or("", |p| p.id.as_str())
    }

    fn offer_id(&self, offer: usize) -> &str {
        self.loaded
            .catalog
            .offers
            .get(offer)
            .map_or("", |o| o.id.as_str())
    }

    fn partner_id(&self, offer: usize) -> &str {
        self.loaded
            .catalog
            .offers
            .get(offer)
            .map_or("", |o| o.partner.as_str())
    }

    /// The partner's name, escaped for one line of human output.
    fn partner_name(&self, offer: usize) -> std::borrow::Cow<'_, str> {
        let id = self.partner_id(offer);
        crate::output::shown(
            self.loaded
                .catalog
                .partners
                .iter()
                .find(|p| p.id == id)
                .map_or(id, |p| p.name.as_str()),
        )
    }

    pub(super) fn json(&self) -> JsonReport<'_> {
        let rankings = self
            .rankings()
            .into_iter()
            .map(|(need, offers)| JsonRanking {
                project: self.project_id(need),
                need: need.need,
                offers: offers.iter().map(|r| self.json_offer(r)).collect(),
                below_minimum: if self.args.explain && self.offer.is_none() {
                    self.matcher
                        .below_minimum_offers(need, self.k)
                        .iter()
                        .map(|r| self.json_offer(r))
                        .collect()
                } else {
                    Vec::new()
                },
            })
            .collect::<Vec<_>>();
        let need = |n: NeedId| JsonNeed {
            project: self.project_id(n),
            need: n.need,
            reasons: self.json_reasons(n),
        };
        let written = self.written.as_ref().map(|w| {
            w.entries
                .iter()
                .map(|(s, file)| JsonWritten {
                    project: self.project_id(NeedId {
                        project: s.project,
                        need: s.need,
                    }),
                    need: s.need,
                    offer: self.offer_id(s.offer),
                    partner: self.partner_id(s.offer),
                    score: s.score,
                    file: file.clone(),
                })
                .collect()
        });
        let diffs = self
            .written
            .as_ref()
            .and_then(|w| w.diffs.as_ref())
            .map(|d| {
                d.iter()
                    .map(|(file, diff)| JsonDiff {
                        file: file.clone(),
                        diff: diff.clone(),
                    })
                    .collect()
            });
        match self.assignment() {
            Some(a) => JsonReport {
                plugins: self.plugins.clone(),
                rankings,
                assignment: Some(
                    a.pairs
                        .iter()
                        .filter(|r| self.pair_in_scope(r))
                        .map(|r| JsonPair {
                            project: self.project_id(r.need),
                            need: r.need.need,
                            offer: self.offer_id(r.offer),
                            score: r.score,
                        })
                        .collect(),
                ),
                total_score: Some(a.total_score),
                unmatched: a
                    .unmatched
                    .iter()
                    .filter(|n| self.in_scope(**n))
                    .map(|n| need(*n))
                    .collect(),
                diagnostics: Vec::new(),
                min_score: Some(self.matcher.min_score()),
                written,
                diffs,
            },
            None => {
                // Without --assign: the open needs no offer can serve at all.
                let unmatched = self
                    .matcher
                    .open_needs()
                    .into_iter()
                    .filter(|n| self.in_scope(*n) && self.matcher.rank_offers(*n, 1).is_empty())
                    .map(need)
                    .collect();
                JsonReport {
                    plugins: self.plugins.clone(),
                    rankings,
                    assignment: None,
                    total_score: None,
                    unmatched,
                    diagnostics: Vec::new(),
                    min_score: Some(self.matcher.min_score()),
                    written,
                    diffs,
                }
            }
        }
    }

    fn json_offer(&self, r: &Ranked) -> JsonOffer<'_> {
        JsonOffer {
            offer: self.offer_id(r.offer),
            partner: self.partner_id(r.offer),
            score: r.score,
            explanation: self.matcher.explain(r.need, r.offer).and_then(Result::ok),
        }
    }

    fn need_label(&self, need: NeedId) -> String {
        let p = self.loaded.catalog.projects.get(need.project);
        let n = p.and_then(|p| p.needs.get(need.need));
        let lang = self.loaded.catalog.config.default_language();
        let desc = n
            .and_then(|n| n.description.as_ref())
            .and_then(|d| d.get(lang, lang))
            .map(|d| format!(": {}", one_line(d, 70)))
            .unwrap_or_default();
        format!(
            "{} #{} {}{desc}",
            self.project_id(need),
            need.need,
            n.map_or("", |n| n.kind.as_str())
        )
    }

    fn explain_lines(&self, out: &mut String, need: NeedId, offer: usize, indent: &str) {
        match self.matcher.explain(need, offer) {
            Some(Ok(e)) => {
                // Plugin terms (`plugin:<id>`) are longer than the built-in names.
                let width = e
                    .terms
                    .iter()
                    .map(|t| t.name.chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(8);
                for t in &e.terms {
                    let _ = writeln!(
                        out,
                        "{indent}{:<width$} weight {:.2} × {:.2} → {:.3}  {}",
                        t.name, t.weight, t.value, t.contribution, t.detail
                    );
                }
            }
            Some(Err(why)) => {
                let _ = writeln!(out, "{indent}why not [{}]: {why}", why.constraint());
            }
            None => {}
        }
    }

    pub(super) fn human(&self, today: NaiveDate) -> String {
        let mut out = String::new();
        let city = &self.loaded.catalog.config.city;
        let name = crate::output::shown(&city.name);
        let city_name = match (&city.ags, name.as_ref()) {
            (Some(ags), "") => ags.clone(),
            (Some(ags), name) => format!("{name} ({ags})"),
            (None, "") => "the city".to_owned(),
            (None, name) => name.to_owned(),
        };
        let open = self.matcher.open_needs();
        let _ = writeln!(
            out,
            "{} projects, {} partners, {} offers for {city_name} on {today}; {} open needs",
            self.loaded.catalog.projects.len(),
            self.loaded.catalog.partners.len(),
            self.loaded.catalog.offers.len(),
            open.len()
        );
        for p in &self.plugins {
            let scored = if p.scored < p.admissible {
                let shown = if self.assignment.is_some() {
                    "the rankings or the assignment"
                } else {
                    "the rankings shown"
                };
                format!(
                    "{} of {} admissible pairs scored: the others cannot change {shown}",
                    p.scored, p.admissible
                )
            } else {
                format!("{} pairs scored", p.scored)
            };
            let _ = writeln!(
                out,
                "scorer plugin {}: term {} with weight {:.2} ({scored})",
                p.id, p.term, p.weight
            );
        }

        if let (Some(p), Some(o), true) = (self.project, self.offer, self.args.explain) {
            let _ = writeln!(
                out,
                "\nOffer {} ({}) for project {}:",
                self.offer_id(o),
                self.partner_name(o),
                self.project_id(NeedId {
                    project: p,
                    need: 0
                })
            );
            let n_needs = self
                .loaded
                .catalog
                .projects
                .get(p)
                .map_or(0, |p| p.needs.len());
            for need in (0..n_needs).map(|n| NeedId {
                project: p,
                need: n,
            }) {
                match self.matcher.explain(need, o) {
                    Some(Ok(e)) => {
                        let _ = writeln!(out, "  {}  score {:.3}", self.need_label(need), e.score);
                    }
                    _ => {
                        let _ = writeln!(out, "  {}", self.need_label(need));
                    }
                }
                self.explain_lines(&mut out, need, o, "      ");
            }
            return out;
        }

        if let Some(a) = self.assignment() {
            let shown: Vec<&Ranked> = a.pairs.iter().filter(|r| self.pair_in_scope(r)).collect();
            let _ = writeln!(
                out,
                "\nOptimal assignment: {} of {} open needs matched, total score {:.3}",
                a.pairs.len(),
                a.pairs.len() + a.unmatched.len(),
                a.total_score
            );
            if shown.is_empty() {
                let _ = writeln!(out, "  (no pairs{})", scope_note(self));
            }
            for r in shown {
                let _ = writeln!(
                    out,
                    "  {:.3}  {}  ←  {} ({})",
                    r.score,
                    self.need_label(r.need),
                    self.offer_id(r.offer),
                    self.partner_name(r.offer)
                );
                if self.args.explain {
                    self.explain_lines(&mut out, r.need, r.offer, "         ");
                }
            }
            let left: Vec<&NeedId> = a.unmatched.iter().filter(|n| self.in_scope(**n)).collect();
            if self.offer.is_none() {
                let _ = writeln!(out, "\nLeft open ({}):", left.len());
                if left.is_empty() {
                    let _ = writeln!(out, "  (none)");
                }
                for n in left {
                    let _ = writeln!(out, "  {}", self.need_label(*n));
                    if self.reasons(*n).is_none() {
                        let _ = writeln!(
                            out,
                            "    its admissible offers do more good for other needs (see the ranking without --assign)"
                        );
                    } else {
                        self.reason_lines(&mut out, *n, "    ");
                    }
                }
            }
            if let Some(w) = &self.written {
                self.written_lines(&mut out, w);
            }
            return out;
        }

        match self.offer {
            Some(o) => {
                let _ = writeln!(
                    out,
                    "\nBest needs for offer {} ({}), top {}:",
                    self.offer_id(o),
                    self.partner_name(o),
                    self.k
                );
                let rankings = self.rankings();
                if rankings.is_empty() {
                    let why = match self.matcher.offer_exclusion(o) {
                        Some(e) => format!(": {e}"),
                        None => String::new(),
                    };
                    let _ = writeln!(out, "  (no admissible open need{why})");
                }
                for (i, (need, rs)) in rankings.iter().enumerate() {
                    for r in rs {
                        let _ = writeln!(
                            out,
                            "  {}. {:.3}  {}",
                            i + 1,
                            r.score,
                            self.need_label(*need)
                        );
                        if self.args.explain {
                            self.explain_lines(&mut out, r.need, r.offer, "        ");
                        }
                    }
                }
            }
            None => {
                for (need, offers) in self.rankings() {
                    let _ = writeln!(out, "\n{}", self.need_label(need));
                    if offers.is_empty() {
                        let _ = writeln!(out, "  no admissible offer:");
                        self.reason_lines(&mut out, need, "    ");
                    }
                    for (i, r) in offers.iter().enumerate() {
                        let _ = writeln!(
                            out,
                            "  {}. {:.3}  {} ({})",
                            i + 1,
                            r.score,
                            self.offer_id(r.offer),
                            self.partner_name(r.offer)
                        );
                        if self.args.explain {
                            self.explain_lines(&mut out, r.need, r.offer, "        ");
                        }
                    }
                    if self.args.explain {
                        let weak = self.matcher.below_minimum_offers(need, self.k);
                        if !weak.is_empty() {
                            let _ = writeln!(
                                out,
                                "  below the minimum score {:.2} (not proposed):",
                                self.matcher.min_score()
                            );
                        }
                        for r in weak {
                            let _ = writeln!(
                                out,
                                "  –  {:.3}  {} ({})",
                                r.score,
                                self.offer_id(r.offer),
                                self.partner_name(r.offer)
                            );
                            self.explain_lines(&mut out, r.need, r.offer, "        ");
                        }
                    }
                }
            }
        }
        out
    }

    /// The human report of `--write`: each suggestion written and where, or with
    /// `--dry-run` the diffs.
    fn written_lines(&self, out: &mut String, w: &Written) {
        let files: std::collections::BTreeSet<&str> =
            w.entries.iter().map(|(_, f)| f.as_str()).collect();
        let n = w.entries.len();
        let s = |n: usize| if n == 1 { "" } else { "s" };
        if n == 0 {
            let _ = writeln!(
                out,
                "\nNothing to write: no assigned pair{} for a need without support",
                scope_note(self)
            );
            return;
        }
        let _ = writeln!(
            out,
            "\n{} {n} suggested support entr{} into {} project file{}:",
            if w.diffs.is_some() {
                "Dry run: --write would write"
            } else {
                "Wrote"
            },
            if n == 1 { "y" } else { "ies" },
            files.len(),
            s(files.len())
        );
        for (sg, file) in &w.entries {
            let _ = writeln!(
                out,
                "  {}  ←  {} ({}), suggested: {file}",
                self.need_label(NeedId {
                    project: sg.project,
                    need: sg.need,
                }),
                self.offer_id(sg.offer),
                self.partner_name(sg.offer)
            );
        }
        match &w.diffs {
            Some(diffs) => {
                for (_, diff) in diffs {
                    out.push('\n');
                    out.push_str(diff);
                }
                let _ = writeln!(out, "\nNothing was written (--dry-run).");
            }
            None => {
                let _ = writeln!(
                    out,
                    "When a partner agrees: digifarm support <CATALOG> <PROJECT> --need <N> --partner <PARTNER> --agree --by <NAME> --reason <TEXT>"
                );
            }
        }
    }
}

fn scope_note(view: &View<'_, '_>) -> &'static str {
    if view.project.is_some() || view.offer.is_some() {
        " in the selected scope"
    } else {
        ""
    }
}

fn one_line(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        flat
    }
}
