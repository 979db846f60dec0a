//! The health verdict of a project: a level, a score and one explained check per criterion,
//! derived from the stored signals (no I/O).
//!
//! Levels follow EU PubliCodeHealth (Archived → Active → Slow → Stale), with two additions:
//! Gone (the forge answers 404/410) and Complete (the maintainers declared the software
//! complete). Rules:
//!
//! - **Archived is final**: an archived, disabled or gone repository is Archived/Gone
//!   whatever else is known, scores 0 and is not raised by any other signal (no floor score).
//! - **A release counts more than commits**: the level is the better of the commit level
//!   (`active_days`, `slow_days`) and the release level (`release_active_days`,
//!   `release_slow_days`, by default twice as long), and a recent release weighs more in the
//!   score than recent commits.
//! - **Complete** projects are not judged by activity: no commit or release is expected.
//!
//! The score (0–10) adds the weights of the passed checks over the checks whose signal is
//! known: level 3 (slow counts 1), release 2, commits 1, bus factor 2, issue reaction 1,
//! homepage 1.

use chrono::NaiveDate;
use serde::Serialize;

use crate::i18n::Lang;
use crate::model::{HealthConfig, Observation, Project, RepoState};

/// The health level of a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Activity within `active_days` (or a release within `release_active_days`).
    Active,
    /// Declared complete by its maintainers; activity is not expected.
    Complete,
    /// Activity within `slow_days` (or a release within `release_slow_days`).
    Slow,
    /// No activity within `slow_days`.
    Stale,
    /// The repository is archived or disabled: final.
    Archived,
    /// The repository is gone (404/410): final until the source URL is fixed.
    Gone,
    /// Not enough is known (no health data, or no dated activity).
    Unknown,
}

impl Level {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Active => "active",
            Level::Complete => "complete",
            Level::Slow => "slow",
            Level::Stale => "stale",
            Level::Archived => "archived",
            Level::Gone => "gone",
            Level::Unknown => "unknown",
        }
    }

    /// How much a project at this level needs a partner now, as the status part of a need's
    /// urgency in matching (see `matching`): slow 0.8, stale 1.0 (as a broken project).
    /// Active, complete, unknown, and final levels (archived, gone: the project needs a
    /// decision, not a partner) raise nothing.
    pub fn urgency(self) -> Option<f64> {
        match self {
            Level::Slow => Some(0.8),
            Level::Stale => Some(1.0),
            _ => None,
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The criterion is met.
    Pass,
    /// The criterion is not met.
    Fail,
    /// The signal is not known (the forge does not give it, or it was not recorded).
    Unknown,
    /// Does not apply (e.g. activity checks of a complete project).
    NotApplicable,
}

/// One explained check of a verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// Stable kebab-case code (`maintenance-slow`, `release-recent`, `homepage-unreachable`, …).
    pub code: &'static str,
    /// The outcome.
    pub outcome: Outcome,
    /// Its weight in the score (0 for checks that only inform).
    pub weight: u8,
    /// One sentence saying what was found, with the numbers and the threshold.
    pub message: String,
}

/// The verdict on a project's health.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The level.
    pub level: Level,
    /// 0–10 over the known checks; `None` when nothing scorable is known.
    pub score: Option<u8>,
    /// The day of the newest observation the verdict is based on.
    pub observed: Option<NaiveDate>,
    /// The reference day ages are counted to.
    pub today: NaiveDate,
    /// Days since the last commit or release that decided the level, if any.
    pub last_activity_days: Option<i64>,
    /// The checks, in a fixed order.
    pub checks: Vec<Check>,
}

/// The score over the checks whose signal is known: passed weight / known weight, 0–10.
/// A slow project still earns one of the level's three points.
fn score(checks: &[Check]) -> Option<u8> {
    let (mut got, mut possible) = (0u32, 0u32);
    for c in checks {
        let w = u32::from(c.weight);
        match c.outcome {
            Outcome::Pass => {
                got += w;
                possible += w;
            }
            Outcome::Fail => {
                possible += w;
                if c.code == "maintenance-slow" {
                    got += 1;
                }
            }
            Outcome::Unknown | Outcome::NotApplicable => {}
        }
    }
    (possible > 0).then(|| ((got * 10 + possible / 2) / possible).min(10) as u8)
}

fn days(today: NaiveDate, d: NaiveDate) -> i64 {
    (today - d).num_days().max(0)
}

fn plural(n: i64, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl Verdict {
    /// The verdict on `project` from its newest observation `latest` (None: no data).
    pub fn evaluate(
        project: &Project,
        latest: Option<&Observation>,
        config: &HealthConfig,
        today: NaiveDate,
    ) -> Verdict {
        let mut v = Verdict {
            level: Level::Unknown,
            score: None,
            observed: latest.map(|o| o.last_seen),
            today,
            last_activity_days: None,
            checks: Vec::new(),
        };
        let Some(obs) = latest else {
            v.checks.push(Check {
                code: "health-missing",
                outcome: Outcome::Unknown,
                weight: 0,
                message: "no health data has been recorded; run `digifarm refresh`".to_owned(),
            });
            return v;
        };
        let r = &obs.repository;
        let add =
            |v: &mut Verdict, code: &'static str, outcome: Outcome, weight: u8, message: String| {
                v.checks.push(Check {
                    code,
                    outcome,
                    weight,
                    message,
                });
            };

        // Final states first: nothing else raises them.
        let fin = match r.state {
            RepoState::Archived => Some((
                Level::Archived,
                "repository-archived",
                match r.archived_on {
                    Some(d) => format!("the repository was archived on {d}"),
                    None => format!("the repository is archived (seen on {})", obs.first_seen),
                },
            )),
            RepoState::Disabled => Some((
                Level::Archived,
                "repository-archived",
                format!(
                    "the forge has disabled the repository (seen on {})",
                    obs.first_seen
                ),
            )),
            RepoState::Gone => Some((
                Level::Gone,
                "repository-gone",
                format!(
                    "{} answered {} on {}: the repository was deleted or is no longer public",
                    obs.source,
                    r.http_status
                        .map_or_else(|| "not found".to_owned(), |s| s.to_string()),
                    obs.last_seen
                ),
            )),
            RepoState::Active => None,
        };
        if let Some((level, code, message)) = fin {
            v.level = level;
            v.score = Some(0);
            v.checks.push(Check {
                code,
                outcome: Outcome::Fail,
                weight: 0,
                message,
            });
            return v;
        }
        if let Some(to) = &r.moved_to {
            v.checks.push(Check {
                code: "repository-moved",
                outcome: Outcome::Fail,
                weight: 0,
                message: format!(
                    "the repository has moved to {to}; the record's source URL {} is outdated",
                    obs.source
                ),
            });
        }

        // Activity: the better of the commit level and the release level.
        let commit_days = r.last_commit.map(|d| days(today, d));
        let release = [&r.last_release, &r.last_tag]
            .into_iter()
            .flatten()
            .max_by_key(|n| n.date);
        let release_days = release.map(|n| days(today, n.date));
        let commit_level = commit_days.map(|d| {
            if d <= i64::from(config.active_days) {
                Level::Active
            } else if d <= i64::from(config.slow_days) {
                Level::Slow
            } else {
                Level::Stale
            }
        });
        let release_level = release_days.map(|d| {
            if d <= i64::from(config.release_active_days) {
                Level::Active
            } else if d <= i64::from(config.release_slow_days) {
                Level::Slow
            } else {
                Level::Stale
            }
        });
        let activity = match (commit_level, release_level) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let by_release = release_level.is_some()
            && activity == release_level
            && release_level < commit_level.or(Some(Level::Unknown));
        v.last_activity_days = if by_release {
            release_days
        } else {
            commit_days.or(release_days)
        };
        let what = |by_release: bool| -> String {
            if by_release {
                match (release, release_days) {
                    (Some(n), Some(d)) => format!(
                        "last release {} {} ago ({})",
                        n.name,
                        plural(d, "day"),
                        n.date
                    ),
                    _ => String::new(),
                }
            } else {
                match (r.last_commit, commit_days) {
                    (Some(c), Some(d)) => format!("last commit {} ago ({c})", plural(d, "day")),
                    _ => String::new(),
                }
            }
        };
        let complete = project.complete.as_ref();
        if let Some(c) = complete {
            v.level = Level::Complete;
            let by =
                c.by.as_deref()
                    .map(|b| format!(" by {b}"))
                    .unwrap_or_default();
            let reason = c
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            v.checks.push(Check {
                code: "declared-complete",
                outcome: Outcome::Pass,
                weight: 0,
                message: format!(
                    "declared complete{by} since {}{reason}; activity is not expected",
                    c.since
                ),
            });
        } else {
            match activity {
                Some(level) => {
                    v.level = level;
                    let (thr, rthr) = match level {
                        Level::Active => (config.active_days, config.release_active_days),
                        _ => (config.slow_days, config.release_slow_days),
                    };
                    let threshold = if by_release { rthr } else { thr };
                    let (code, outcome, message) = match level {
                        Level::Active => (
                            "maintenance-active",
                            Outcome::Pass,
                            format!("{} (threshold {threshold})", what(by_release)),
                        ),
                        Level::Slow => (
                            "maintenance-slow",
                            Outcome::Fail,
                            format!(
                                "{} (threshold {})",
                                what(by_release),
                                if by_release {
                                    config.release_active_days
                                } else {
                                    config.active_days
                                }
                            ),
                        ),
                        _ => (
                            "maintenance-stale",
                            Outcome::Fail,
                            format!(
                                "{} (threshold {})",
                                what(by_release),
                                if by_release {
                                    config.release_slow_days
                                } else {
                                    config.slow_days
                                }
                            ),
                        ),
                    };
                    add(&mut v, code, outcome, 3, message);
                }
                None => v.checks.push(Check {
                    code: "maintenance-unknown",
                    outcome: Outcome::Unknown,
                    weight: 3,
                    message: "no dated commit, release or tag is known".to_owned(),
                }),
            }
        }

        // openCode's maintenance criteria (skipped for complete projects).
        let window = r.window_days.unwrap_or(config.window_days);
        let na = |what: &str| format!("{what}: not expected of a complete project");
        if complete.is_some() {
            add(
                &mut v,
                "release-recent",
                Outcome::NotApplicable,
                2,
                na("releases"),
            );
            add(
                &mut v,
                "commits-recent",
                Outcome::NotApplicable,
                1,
                na("commits"),
            );
            add(
                &mut v,
                "bus-factor",
                Outcome::NotApplicable,
                2,
                na("active authors"),
            );
        } else {
            match release {
                Some(n) => {
                    let d = days(today, n.date);
                    let ok = d <= i64::from(config.window_days);
                    add(
                        &mut v,
                        "release-recent",
                        if ok { Outcome::Pass } else { Outcome::Fail },
                        2,
                        format!(
                            "last release or tag {} {} ago (threshold {})",
                            n.name,
                            plural(d, "day"),
                            config.window_days
                        ),
                    );
                }
                None => {
                    let known =
                        r.last_release.is_none() && r.last_tag.is_none() && r.last_commit.is_some();
                    add(
                        &mut v,
                        "release-recent",
                        if known {
                            Outcome::Fail
                        } else {
                            Outcome::Unknown
                        },
                        2,
                        if known {
                            "no release or tag".to_owned()
                        } else {
                            "releases are not known".to_owned()
                        },
                    );
                }
            }
            match r.commits {
                Some(n) => {
                    let at_least = if r.commits_capped { "at least " } else { "" };
                    add(
                        &mut v,
                        "commits-recent",
                        if n >= config.min_commits {
                            Outcome::Pass
                        } else {
                            Outcome::Fail
                        },
                        1,
                        format!(
                            "{at_least}{} in the last {window} days (threshold {})",
                            plural(i64::from(n), "commit"),
                            config.min_commits
                        ),
                    );
                }
                None => add(
                    &mut v,
                    "commits-recent",
                    Outcome::Unknown,
                    1,
                    "recent commits are not known".to_owned(),
                ),
            }
            match r.authors {
                Some(n) => add(
                    &mut v,
                    "bus-factor",
                    if n >= config.min_authors {
                        Outcome::Pass
                    } else {
                        Outcome::Fail
                    },
                    2,
                    format!(
                        "{} committed in the last {window} days (threshold {})",
                        plural(i64::from(n), "author"),
                        config.min_authors
                    ),
                ),
                None => add(
                    &mut v,
                    "bus-factor",
                    Outcome::Unknown,
                    2,
                    "recent authors are not known".to_owned(),
                ),
            }
        }
        match (r.median_reaction_days, r.recent_issues) {
            (Some(m), n) => add(
                &mut v,
                "issue-reaction",
                if m < config.max_reaction_days {
                    Outcome::Pass
                } else {
                    Outcome::Fail
                },
                1,
                format!(
                    "median first reaction {m:.1} days over {} of the last {} days (threshold {})",
                    plural(i64::from(n.unwrap_or(0)), "issue"),
                    config.reaction_window_days,
                    config.max_reaction_days
                ),
            ),
            (None, Some(0)) => add(
                &mut v,
                "issue-reaction",
                Outcome::NotApplicable,
                1,
                format!(
                    "no issue was opened in the last {} days",
                    config.reaction_window_days
                ),
            ),
            (None, _) => add(
                &mut v,
                "issue-reaction",
                Outcome::Unknown,
                1,
                "reaction to issues is not known (the forge does not give it cheaply)".to_owned(),
            ),
        }
        if let Some(h) = &obs.homepage {
            let (outcome, code, message) = if h.reachable() {
                (
                    Outcome::Pass,
                    "homepage-reachable",
                    format!(
                        "{} answered {} on {}",
                        h.url,
                        h.status.unwrap_or(0),
                        obs.last_seen
                    ),
                )
            } else {
                let answer = match (h.status, &h.error) {
                    (Some(s), _) => format!("answered {s}"),
                    (None, Some(e)) => format!("could not be reached ({e})"),
                    (None, None) => "could not be reached".to_owned(),
                };
                (
                    Outcome::Fail,
                    "homepage-unreachable",
                    format!("{} {answer} on {}", h.url, obs.last_seen),
                )
            };
            add(&mut v, code, outcome, 1, message);
        }
        v.score = score(&v.checks);
        v
    }

    /// A check by code, if present.
    pub fn check(&self, code: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.code == code)
    }

    /// One plain-language sentence for citizens and councils, in `lang`: what state the
    /// project's software is in and what that means for helping it.
    ///
    /// ```
    /// use digifarm_core::health::{Level, Verdict};
    /// use digifarm_core::i18n::Lang;
    /// let v = Verdict { level: Level::Stale, score: Some(1), observed: None,
    ///     today: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    ///     last_activity_days: Some(400), checks: vec![] };
    /// assert!(v.sentence(Lang::De).starts_with("Seit über einem Jahr"));
    /// ```
    pub fn sentence(&self, lang: Lang) -> String {
        let when = self.observed.map(|d| lang.date(d));
        let checked = |s: String| match &when {
            Some(w) => match lang {
                Lang::De => format!("{s} (Stand: {w})"),
                Lang::En => format!("{s} (as of {w})"),
            },
            None => s,
        };
        let days = self.last_activity_days.unwrap_or(0);
        let s = match (self.level, lang) {
            (Level::Active, Lang::De) => "Die Software wird aktiv weiterentwickelt.".to_owned(),
            (Level::Active, Lang::En) => "The software is actively maintained.".to_owned(),
            (Level::Complete, Lang::De) => "Die Software gilt als fertig: Sie ist stabil und braucht keine laufende Entwicklung.".to_owned(),
            (Level::Complete, Lang::En) => "The software is complete: it is stable and needs no ongoing development.".to_owned(),
            (Level::Slow, Lang::De) => format!("Seit {} Tagen hat sich an der Software nichts geändert; das Projekt braucht Unterstützung.", lang.integer(days)),
            (Level::Slow, Lang::En) => format!("Nothing has changed in the software for {} days; the project needs support.", lang.integer(days)),
            (Level::Stale, Lang::De) => "Seit über einem Jahr hat sich an der Software nichts geändert; das Projekt braucht dringend Unterstützung.".to_owned(),
            (Level::Stale, Lang::En) => "Nothing has changed in the software for over a year; the project urgently needs support.".to_owned(),
            (Level::Archived, Lang::De) => "Die Software wird nicht mehr weiterentwickelt (das Repository ist archiviert).".to_owned(),
            (Level::Archived, Lang::En) => "The software is no longer developed (its repository is archived).".to_owned(),
            (Level::Gone, Lang::De) => "Der Quellcode ist unter der angegebenen Adresse nicht mehr zu finden.".to_owned(),
            (Level::Gone, Lang::En) => "The source code can no longer be found at the address given.".to_owned(),
            (Level::Unknown, Lang::De) => "Zum Zustand der Software liegen keine Daten vor.".to_owned(),
            (Level::Unknown, Lang::En) => "There is no data on the state of the software.".to_owned(),
        };
        if self.level == Level::Unknown {
            s
        } else {
            checked(s)
        }
    }
}
