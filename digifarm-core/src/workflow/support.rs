//! The support lifecycle: suggested → agreed → active → ended, with a dated history.
//!
//! An entry comes into being as `suggested` (by matching), or directly as `agreed` when a
//! partner's promise is recorded by hand (or `active`, for entries written by hand). From
//! `suggested` the partner agrees or the suggestion ends (declined); `agreed` becomes `active`
//! or ends; `active` ends; `ended` is final — new support is a new entry.

use chrono::NaiveDate;

use crate::catalog::Catalog;
use crate::model::{Need, Project, SupportChange, SupportRef, SupportStatus};

/// A step of the support lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SupportAction {
    /// Propose the partner for the need (a new `suggested` entry).
    Suggest,
    /// The partner agreed: suggested → agreed, or a new `agreed` entry.
    Agree,
    /// The support is being given: agreed → active.
    Activate,
    /// The support is over: suggested, agreed or active → ended.
    End,
}

impl SupportAction {
    /// The CLI flag's name (`agree`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            SupportAction::Suggest => "suggest",
            SupportAction::Agree => "agree",
            SupportAction::Activate => "activate",
            SupportAction::End => "end",
        }
    }

    /// Every action.
    pub const ALL: [SupportAction; 4] = [
        SupportAction::Suggest,
        SupportAction::Agree,
        SupportAction::Activate,
        SupportAction::End,
    ];
}

/// The status `action` leads to from `from` (`None`: the entry does not exist yet), or
/// `None` when the lifecycle has no such step.
pub fn support_target(from: Option<SupportStatus>, action: SupportAction) -> Option<SupportStatus> {
    use SupportAction as A;
    use SupportStatus as S;
    match (from, action) {
        (None, A::Suggest) => Some(S::Suggested),
        (None | Some(S::Suggested), A::Agree) => Some(S::Agreed),
        (Some(S::Agreed), A::Activate) => Some(S::Active),
        (Some(S::Suggested | S::Agreed | S::Active), A::End) => Some(S::Ended),
        _ => None,
    }
}

/// Whether the lifecycle can move from `from` (`None`: the entry's creation) to `to` in one
/// step, as a history records it. An entry may be created as `suggested`, `agreed` or
/// `active` (by hand); `ended` is reached only from a live status and left never.
pub fn support_step_ok(from: Option<SupportStatus>, to: SupportStatus) -> bool {
    use SupportStatus as S;
    matches!(
        (from, to),
        (None, S::Suggested | S::Agreed | S::Active)
            | (Some(S::Suggested), S::Agreed | S::Ended)
            | (Some(S::Agreed), S::Active | S::Ended)
            | (Some(S::Active), S::Ended)
    )
}

/// Why a support change is refused. Nothing is changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SupportError {
    /// The lifecycle has no such step.
    #[error("cannot {action} support that is {from}; allowed from {from}: {allowed}", action = action.as_str(), from = from.map_or("not yet recorded", SupportStatus::as_str))]
    NotAllowed {
        /// The current status (`None`: no entry yet).
        from: Option<SupportStatus>,
        /// The refused action.
        action: SupportAction,
        /// What is allowed instead.
        allowed: String,
    },
    /// No reason given.
    #[error("a support change needs a reason")]
    MissingReason,
    /// Dated before the last change in the support's history (which lists them oldest
    /// first).
    #[error(
        "the change is dated {date}, before the last one in the support's history ({last}); changes are recorded oldest first"
    )]
    BeforeLast {
        /// The change's date.
        date: NaiveDate,
        /// The date of the history's last change.
        last: NaiveDate,
    },
    /// No name given.
    #[error("a support change needs the name of who records it")]
    MissingBy,
    /// The project has no such need.
    #[error("`{project}` has no need {need}")]
    NoSuchNeed {
        /// The project.
        project: String,
        /// The need as given.
        need: String,
    },
    /// A need given by kind is not unique.
    #[error("`{project}` has {count} needs of kind `{kind}`; give the need's number (0, 1, …)")]
    AmbiguousNeed {
        /// The project.
        project: String,
        /// The kind.
        kind: String,
        /// How many needs have it.
        count: usize,
    },
    /// The partner is not in the catalog.
    #[error("no partner `{0}` in the catalog")]
    UnknownPartner(String),
    /// The offer is not in the catalog.
    #[error("no offer `{0}` in the catalog")]
    UnknownOffer(String),
    /// The offer belongs to another partner.
    #[error("the offer `{offer}` belongs to partner `{owner}`, not `{partner}`")]
    OfferOfOtherPartner {
        /// The offer.
        offer: String,
        /// Its partner.
        owner: String,
        /// The partner given.
        partner: String,
    },
    /// The offer is of another kind than the need.
    #[error("the offer `{offer}` is {offer_kind} support; the need is {need_kind}")]
    KindMismatch {
        /// The offer.
        offer: String,
        /// Its kind.
        offer_kind: String,
        /// The need's kind.
        need_kind: String,
    },
    /// Several live entries of the partner; the offer must say which.
    #[error("the need has several entries of partner `{0}`; give --offer to say which")]
    AmbiguousEntry(String),
    /// The need already has live support by this partner and offer.
    #[error("the need already has {status} support by `{partner}`; change that entry instead")]
    AlreadyThere {
        /// The partner.
        partner: String,
        /// Its status.
        status: SupportStatus,
    },
    /// `since` after `until`.
    #[error("the support would start on {since} and end on {until}, before it starts")]
    Dates {
        /// First day.
        since: NaiveDate,
        /// Last day.
        until: NaiveDate,
    },
    /// A commitment that is not a positive, finite number.
    #[error("the committed {what} must be a positive number, found {value}")]
    Amount {
        /// hours per month or euros per year.
        what: &'static str,
        /// The value.
        value: f64,
    },
}

/// A need addressed by its number in the project's `needs` (`0`, `1`, …) or by its kind
/// when the project has exactly one need of that kind.
///
/// # Errors
/// [`SupportError::NoSuchNeed`] or [`SupportError::AmbiguousNeed`].
pub fn find_need(project: &Project, need: &str) -> Result<usize, SupportError> {
    let no = || SupportError::NoSuchNeed {
        project: project.id.clone(),
        need: need.to_owned(),
    };
    if let Ok(i) = need.trim().trim_start_matches('#').parse::<usize>() {
        return if i < project.needs.len() {
            Ok(i)
        } else {
            Err(no())
        };
    }
    let of_kind: Vec<usize> = (0..project.needs.len())
        .filter(|&i| project.needs[i].kind == need.trim())
        .collect();
    match of_kind.as_slice() {
        [i] => Ok(*i),
        [] => Err(no()),
        many => Err(SupportError::AmbiguousNeed {
            project: project.id.clone(),
            kind: need.trim().to_owned(),
            count: many.len(),
        }),
    }
}

/// What to record with a support change.
#[derive(Debug, Clone, PartialEq)]
pub struct SupportChangeRequest {
    /// The step.
    pub action: SupportAction,
    /// The partner.
    pub partner: String,
    /// The offer, if the support goes through one (needed to tell several entries of one
    /// partner apart).
    pub offer: Option<String>,
    /// Who records it.
    pub by: String,
    /// Why.
    pub reason: String,
    /// The day of the change.
    pub date: NaiveDate,
    /// First day of the support (default: the day of agreeing or activating).
    pub since: Option<NaiveDate>,
    /// Last day (default for `end`: the day of the change).
    pub until: Option<NaiveDate>,
    /// Committed hours per month.
    pub hours_per_month: Option<f64>,
    /// Committed euros per year.
    pub eur_per_year: Option<f64>,
}

/// The entry a request is about: the partner's live entry (with the given offer, if any),
/// else `None` (a new entry). Ended entries are final and never changed.
fn locate(need: &Need, partner: &str, offer: Option<&str>) -> Result<Option<usize>, SupportError> {
    let live: Vec<usize> = (0..need.supported_by.len())
        .filter(|&i| {
            let s = &need.supported_by[i];
            s.partner == partner
                && s.is_live()
                && offer.is_none_or(|o| s.offer.as_deref() == Some(o))
        })
        .collect();
    match live.as_slice() {
        [] => Ok(None),
        [i] => Ok(Some(*i)),
        _ => Err(SupportError::AmbiguousEntry(partner.to_owned())),
    }
}

fn positive(value: Option<f64>, what: &'static str) -> Result<(), SupportError> {
    match value {
        Some(v) if !(v.is_finite() && v > 0.0) => Err(SupportError::Amount { what, value: v }),
        _ => Ok(()),
    }
}

/// Applies `request` to need `need` of `project` (checked against `catalog`'s partners and
/// offers): changes the partner's entry (or adds one), appends exactly one dated
/// [`SupportChange`], and returns the entry's index and the change. On error the project
/// is unchanged.
///
/// `agree` sets `since` (default: the day) and `activate` sets it if still unset; `end` sets
/// `until` (default: the day). Commitments given are recorded with any step.
///
/// # Errors
/// A step the lifecycle does not have, unknown partner or offer, an offer of another partner
/// or kind, an ambiguous entry, a missing name or reason, `since` after `until`, or a
/// commitment that is not positive.
pub fn change_support(
    project: &mut Project,
    need: usize,
    catalog: &Catalog,
    request: &SupportChangeRequest,
) -> Result<(usize, SupportChange), SupportError> {
    let r = request;
    if r.by.trim().is_empty() {
        return Err(SupportError::MissingBy);
    }
    if r.reason.trim().is_empty() {
        return Err(SupportError::MissingReason);
    }
    let n = project
        .needs
        .get(need)
        .ok_or_else(|| SupportError::NoSuchNeed {
            project: project.id.clone(),
            need: need.to_string(),
        })?;
    if !catalog.partners.iter().any(|p| p.id == r.partner) {
        return Err(SupportError::UnknownPartner(r.partner.clone()));
    }
    if let Some(offer_id) = &r.offer {
        let offer = catalog
            .offers
            .iter()
            .find(|o| &o.id == offer_id)
            .ok_or_else(|| SupportError::UnknownOffer(offer_id.clone()))?;
        if offer.partner != r.partner {
            return Err(SupportError::OfferOfOtherPartner {
                offer: offer_id.clone(),
                owner: offer.partner.clone(),
                partner: r.partner.clone(),
            });
        }
        if offer.kind != n.kind {
            return Err(SupportError::KindMismatch {
                offer: offer_id.clone(),
                offer_kind: offer.kind.clone(),
                need_kind: n.kind.clone(),
            });
        }
    }
    positive(r.hours_per_month, "hours per month")?;
    positive(r.eur_per_year, "euros per year")?;
    let index = locate(n, &r.partner, r.offer.as_deref())?;
    let mut entry = match index {
        Some(i) => n.supported_by[i].clone(),
        None => SupportRef {
            partner: r.partner.clone(),
            offer: r.offer.clone(),
            ..SupportRef::default()
        },
    };
    let from = index.map(|_| entry.status());
    let to = support_target(from, r.action).ok_or_else(|| {
        let allowed: Vec<&str> = SupportAction::ALL
            .into_iter()
            .filter(|a| *a != r.action && support_target(from, *a).is_some())
            .map(SupportAction::as_str)
            .collect();
        match (from, r.action) {
            (Some(status), SupportAction::Suggest) => SupportError::AlreadyThere {
                partner: r.partner.clone(),
                status,
            },
            _ => SupportError::NotAllowed {
                from,
                action: r.action,
                allowed: if allowed.is_empty() {
                    "nothing".to_owned()
                } else {
                    allowed.join(", ")
                },
            },
        }
    })?;
    if let Some(last) = entry.history.last()
        && r.date < last.date
    {
        return Err(SupportError::BeforeLast {
            date: r.date,
            last: last.date,
        });
    }
    if r.offer.is_some() {
        entry.offer.clone_from(&r.offer);
    }
    match r.action {
        SupportAction::Agree => entry.since = r.since.or(entry.since).or(Some(r.date)),
        SupportAction::Activate => entry.since = r.since.or(entry.since).or(Some(r.date)),
        SupportAction::End => entry.until = r.until.or(Some(r.date)),
        SupportAction::Suggest => {}
    }
    if r.since.is_some() {
        entry.since = r.since;
    }
    if r.until.is_some() {
        entry.until = r.until;
    }
    if let (Some(since), Some(until)) = (entry.since, entry.until)
        && since > until
    {
        return Err(SupportError::Dates { since, until });
    }
    if r.hours_per_month.is_some() {
        entry.hours_per_month = r.hours_per_month;
    }
    if r.eur_per_year.is_some() {
        entry.eur_per_year = r.eur_per_year;
    }
    let change = SupportChange {
        date: r.date,
        from,
        to,
        by: Some(r.by.trim().to_owned()),
        reason: Some(r.reason.trim().to_owned()),
    };
    entry.status = Some(to);
    entry.history.push(change.clone());
    let supported_by = &mut project.needs[need].supported_by;
    let at = match index {
        Some(i) => {
            supported_by[i] = entry;
            i
        }
        None => {
            supported_by.push(entry);
            supported_by.len() - 1
        }
    };
    Ok((at, change))
}

/// A suggestion written by [`suggest`]: which need of which project got which offer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Suggested {
    /// Index of the project.
    pub project: usize,
    /// Index of the need in the project's `needs`.
    pub need: usize,
    /// Index of the offer.
    pub offer: usize,
    /// The pair's score.
    pub score: f64,
}

/// Records assigned pairs `(project, need, offer, score)` as `suggested` support entries
/// (see [`suggestion`]) in copies of the projects. A need that already has live support
/// (suggested, agreed or active) is never touched. Returns the changed projects (index and
/// new record, in project order) and what was suggested, in pair order.
pub fn suggest(
    projects: &[Project],
    offers: &[crate::model::SupportOffer],
    pairs: &[(usize, usize, usize, f64)],
    by: &str,
    date: NaiveDate,
) -> (Vec<(usize, Project)>, Vec<Suggested>) {
    let mut changed: std::collections::BTreeMap<usize, Project> = Default::default();
    let mut done = Vec::new();
    for &(p, n, o, score) in pairs {
        let (Some(project), Some(offer)) = (projects.get(p), offers.get(o)) else {
            continue;
        };
        let copy = changed.entry(p).or_insert_with(|| project.clone());
        let Some(need) = copy.needs.get_mut(n) else {
            continue;
        };
        if need.has_live_support() {
            continue;
        }
        need.supported_by.push(suggestion(
            &offer.partner,
            &offer.id,
            by,
            &format!("optimal assignment, score {score:.3}"),
            date,
        ));
        done.push(Suggested {
            project: p,
            need: n,
            offer: o,
            score,
        });
    }
    let touched: std::collections::BTreeSet<usize> = done.iter().map(|s| s.project).collect();
    (
        changed
            .into_iter()
            .filter(|(p, _)| touched.contains(p))
            .collect(),
        done,
    )
}

/// A new `suggested` entry for an assigned pair, as `match --assign --write` records it:
/// partner and offer, and one history entry dated `date` by `by` with `reason`.
pub fn suggestion(
    partner: &str,
    offer: &str,
    by: &str,
    reason: &str,
    date: NaiveDate,
) -> SupportRef {
    SupportRef {
        partner: partner.to_owned(),
        offer: Some(offer.to_owned()),
        status: Some(SupportStatus::Suggested),
        history: vec![SupportChange {
            date,
            from: None,
            to: SupportStatus::Suggested,
            by: Some(by.to_owned()),
            reason: Some(reason.to_owned()),
        }],
        ..SupportRef::default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use SupportAction as A;
    use SupportStatus as S;

    #[test]
    fn lifecycle_steps() {
        assert_eq!(support_target(None, A::Suggest), Some(S::Suggested));
        assert_eq!(support_target(None, A::Agree), Some(S::Agreed));
        assert_eq!(support_target(None, A::Activate), None);
        assert_eq!(
            support_target(Some(S::Suggested), A::Agree),
            Some(S::Agreed)
        );
        assert_eq!(support_target(Some(S::Suggested), A::Activate), None);
        assert_eq!(
            support_target(Some(S::Agreed), A::Activate),
            Some(S::Active)
        );
        assert_eq!(support_target(Some(S::Active), A::Agree), None);
        assert_eq!(support_target(Some(S::Active), A::End), Some(S::Ended));
        for a in A::ALL {
            assert_eq!(support_target(Some(S::Ended), a), None, "{a:?}");
        }
        // Every step an action takes is a step a history may record.
        for from in [
            None,
            Some(S::Suggested),
            Some(S::Agreed),
            Some(S::Active),
            Some(S::Ended),
        ] {
            for a in A::ALL {
                if let Some(to) = support_target(from, a) {
                    assert!(support_step_ok(from, to), "{from:?} → {to:?}");
                }
            }
        }
        assert!(!support_step_ok(Some(S::Ended), S::Active));
        assert!(!support_step_ok(Some(S::Active), S::Agreed));
        assert!(!support_step_ok(None, S::Ended));
    }
}
