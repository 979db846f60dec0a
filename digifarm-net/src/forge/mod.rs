//! Reading a repository's signals from its forge's public API. One module per forge; each
//! cites the documented endpoints it reads. Shared here: JSON access that turns an
//! unexpected shape into an error instead of a panic, pagination (the `Link` header of
//! GitHub, Gitea and GitLab, GitLab's `X-Next-Page`, Bitbucket's `next`), dates, and the
//! median reaction to issues.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate};
use digifarm_core::health::repo::RepoRef;
use digifarm_core::model::{ForgeKind, RepoSignals, RepoState};
use serde_json::Value;
use url::Url;

use crate::fetch::{FetchError, Fetcher, Got, Token};

mod bitbucket;
mod gitea;
mod github;
mod gitlab;

/// What a forge reader needs.
pub(crate) struct Ctx<'a> {
    pub fetcher: &'a Fetcher,
    pub repo: &'a RepoRef,
    pub token: Option<Token>,
    pub today: NaiveDate,
    pub window_days: u32,
    pub reaction_window_days: u32,
    pub max_pages: u32,
}

impl Ctx<'_> {
    /// An API URL: the base, then each path segment percent-encoded, then the query.
    pub fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Result<String, FetchError> {
        let mut url = Url::parse(&self.repo.api_base).map_err(|e| FetchError::Invalid {
            url: self.repo.api_base.clone(),
            reason: format!("the API base is not a URL ({e})"),
        })?;
        {
            let mut path = url.path_segments_mut().map_err(|()| FetchError::Invalid {
                url: self.repo.api_base.clone(),
                reason: "the API base cannot take a path".to_owned(),
            })?;
            path.pop_if_empty();
            for s in segments {
                path.push(s);
            }
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url.to_string())
    }

    /// The repository's own path segments (`owner`, `name`).
    pub fn path_segments(&self) -> Vec<&str> {
        self.repo.path.split('/').collect()
    }

    pub fn get(&self, url: &str) -> Result<Got, FetchError> {
        self.fetcher.get(url, self.token.as_ref())
    }

    pub fn json(&self, url: &str) -> Result<(Got, Value), FetchError> {
        let got = self.get(url)?;
        let value = got.json()?;
        Ok((got, value))
    }

    /// The ISO timestamp `days` before today, 00:00 UTC.
    pub fn since(&self, days: u32) -> String {
        let d = self.today - chrono::Days::new(u64::from(days));
        format!("{d}T00:00:00Z")
    }

    pub fn since_date(&self, days: u32) -> NaiveDate {
        self.today - chrono::Days::new(u64::from(days))
    }

    /// Reads a list through its pages, calling `each` on every item until it returns false.
    /// Items are the body when it is an array, else its `values` (Bitbucket). Returns
    /// whether counting stopped at the page limit.
    pub fn pages(
        &self,
        first: String,
        mut each: impl FnMut(&Value) -> bool,
    ) -> Result<bool, FetchError> {
        let mut url = first;
        let api_host = Url::parse(&self.repo.api_base)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
        for _ in 0..self.max_pages {
            let (got, body) = self.json(&url)?;
            let items = match &body {
                Value::Array(items) => items,
                Value::Object(map) => match map.get("values") {
                    Some(Value::Array(items)) => items,
                    _ => return Err(shape(&got.url, "a list (or an object with `values`)")),
                },
                _ => return Err(shape(&got.url, "a list")),
            };
            for item in items {
                if !each(item) {
                    return Ok(false);
                }
            }
            let next = next_page(&got, &body);
            let Some(next) = next else {
                return Ok(false);
            };
            // A next link elsewhere would carry the token to another host: refuse it.
            let next_host = Url::parse(&next)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned));
            if next_host != api_host {
                return Err(FetchError::Invalid {
                    url: got.url,
                    reason: format!("the next page points to another host ({next})"),
                });
            }
            url = next;
        }
        Ok(true)
    }
}

/// The next page of a list: `Link: <…>; rel="next"` (RFC 8288; GitHub, Gitea, GitLab),
/// GitLab's `X-Next-Page`, or Bitbucket's `next` field.
fn next_page(got: &Got, body: &Value) -> Option<String> {
    if let Some(link) = got.header("link") {
        for part in link.split(',') {
            let mut pieces = part.split(';');
            let target = pieces.next()?.trim();
            if pieces.any(|p| {
                let p = p.trim().replace(' ', "");
                p == "rel=\"next\"" || p == "rel=next"
            }) {
                return Some(
                    target
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_owned(),
                );
            }
        }
    }
    if let Some(page) = got
        .header("x-next-page")
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let mut url = Url::parse(&got.url).ok()?;
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.query_pairs_mut()
            .clear()
            .extend_pairs(pairs)
            .append_pair("page", page);
        return Some(url.to_string());
    }
    body.get("next").and_then(Value::as_str).map(str::to_owned)
}

/// `base` followed by `extra`.
pub(crate) fn join<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = base.to_vec();
    v.extend_from_slice(extra);
    v
}

pub(crate) fn shape(url: &str, expected: &str) -> FetchError {
    FetchError::Invalid {
        url: url.to_owned(),
        reason: format!("the answer does not have the documented shape: expected {expected}"),
    }
}

/// A string at `pointer`, if present.
pub(crate) fn s<'v>(v: &'v Value, pointer: &str) -> Option<&'v str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// A date-time at `pointer` as a UTC date.
pub(crate) fn date(v: &Value, pointer: &str) -> Option<NaiveDate> {
    s(v, pointer).and_then(parse_date)
}

/// An RFC 3339 timestamp (`2026-11-20T08:15:00Z`, `…+01:00`, `….000+03:00`) as a UTC date.
pub(crate) fn parse_date(t: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(t.trim())
        .ok()
        .map(|d| d.with_timezone(&chrono::Utc).date_naive())
}

pub(crate) fn count(v: &Value, pointer: &str) -> Option<u32> {
    v.pointer(pointer)
        .and_then(Value::as_u64)
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// Commits and distinct authors counted over a list.
#[derive(Debug, Default)]
pub(crate) struct CommitCount {
    pub commits: u32,
    pub authors: HashSet<String>,
    pub newest: Option<NaiveDate>,
    pub capped: bool,
}

impl CommitCount {
    pub fn add(&mut self, date: Option<NaiveDate>, author: Option<&str>) {
        self.commits += 1;
        if let Some(a) = author {
            self.authors.insert(a.to_lowercase());
        }
        if let Some(d) = date {
            self.newest = Some(self.newest.map_or(d, |n| n.max(d)));
        }
    }

    pub fn apply(self, window_days: u32, r: &mut RepoSignals) {
        r.window_days = Some(window_days);
        r.commits = Some(self.commits);
        r.commits_capped = self.capped;
        r.authors = Some(u32::try_from(self.authors.len()).unwrap_or(u32::MAX));
        if r.last_commit.is_none() {
            r.last_commit = self.newest;
        }
    }
}

/// An issue for the reaction check: number, author, opened.
pub(crate) struct Issue {
    pub number: u64,
    pub author: String,
    pub opened: NaiveDate,
}

/// A comment: the issue's number, its author, when.
pub(crate) struct Comment {
    pub issue: u64,
    pub author: String,
    pub date: NaiveDate,
}

/// The median days from opening to the first comment by someone other than the issue's
/// author; an issue nobody answered counts with its age (it has waited at least that long).
pub(crate) fn median_reaction(
    issues: &[Issue],
    comments: &[Comment],
    today: NaiveDate,
) -> Option<f64> {
    if issues.is_empty() {
        return None;
    }
    let mut first: HashMap<u64, NaiveDate> = HashMap::new();
    let authors: HashMap<u64, &str> = issues
        .iter()
        .map(|i| (i.number, i.author.as_str()))
        .collect();
    for c in comments {
        if authors
            .get(&c.issue)
            .is_some_and(|a| !a.eq_ignore_ascii_case(&c.author))
        {
            let e = first.entry(c.issue).or_insert(c.date);
            if c.date < *e {
                *e = c.date;
            }
        }
    }
    let mut days: Vec<f64> = issues
        .iter()
        .map(|i| {
            let until = first.get(&i.number).copied().unwrap_or(today);
            (until - i.opened).num_days().max(0) as f64
        })
        .collect();
    days.sort_by(f64::total_cmp);
    let n = days.len();
    Some(if n % 2 == 1 {
        days[n / 2]
    } else {
        (days[n / 2 - 1] + days[n / 2]) / 2.0
    })
}

/// The number at the end of an issue URL (`…/issues/12`).
pub(crate) fn issue_number(url: &str) -> Option<u64> {
    url.trim_end_matches('/').rsplit('/').next()?.parse().ok()
}

/// The signals of the repository `ctx.repo`. A repository the forge does not know (404 or
/// 410 on the repository itself) is reported as gone, not as an error.
pub(crate) fn read(ctx: &Ctx<'_>) -> Result<RepoSignals, FetchError> {
    let result = match ctx.repo.forge {
        ForgeKind::Github => github::read(ctx),
        ForgeKind::Gitlab => gitlab::read(ctx),
        ForgeKind::Gitea => gitea::read(ctx),
        ForgeKind::Bitbucket => bitbucket::read(ctx),
    };
    match result {
        Err(Gone(status)) => Ok(RepoSignals {
            state: RepoState::Gone,
            http_status: Some(status),
            ..RepoSignals::default()
        }),
        Ok(r) => Ok(r),
        Err(Failed(e)) => Err(e),
    }
}

/// The URL of the repository document the signals start from (stored as the observation's
/// `api`).
pub(crate) fn document_url(ctx: &Ctx<'_>) -> String {
    let mut segments: Vec<&str> = match ctx.repo.forge {
        ForgeKind::Github | ForgeKind::Gitea => vec!["repos"],
        ForgeKind::Bitbucket => vec!["repositories"],
        ForgeKind::Gitlab => vec!["projects", ctx.repo.path.as_str()],
    };
    if ctx.repo.forge != ForgeKind::Gitlab {
        segments.extend(ctx.path_segments());
    }
    ctx.url(&segments, &[])
        .unwrap_or_else(|_| ctx.repo.api_base.clone())
}

/// How reading a repository ended when it did not end well.
pub(crate) enum ReadError {
    /// The repository answered 404 or 410.
    Gone(u16),
    /// Anything else.
    Failed(FetchError),
}
use ReadError::{Failed, Gone};

impl From<FetchError> for ReadError {
    fn from(e: FetchError) -> Self {
        Failed(e)
    }
}

/// The repository document itself; 404/410 means gone.
pub(crate) fn repo_document(ctx: &Ctx<'_>, url: &str) -> Result<(Got, Value), ReadError> {
    match ctx.json(url) {
        Err(FetchError::Status {
            status: s @ (404 | 410),
            ..
        }) => Err(Gone(s)),
        Err(e) => Err(Failed(e)),
        Ok((got, v)) if v.is_object() => Ok((got, v)),
        Ok((got, _)) => Err(Failed(shape(
            &got.url,
            "an object describing the repository",
        ))),
    }
}

/// A list endpoint that may legitimately be absent (404: no releases, tracker off).
pub(crate) fn optional<T>(r: Result<T, FetchError>) -> Result<Option<T>, FetchError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(FetchError::Status {
            status: 404 | 409 | 410,
            ..
        }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `moved_to` when the forge's own path differs from the record's.
pub(crate) fn moved(ctx: &Ctx<'_>, forge_path: Option<&str>) -> Option<String> {
    let p = forge_path?;
    (!digifarm_core::health::repo::same_path(p, &ctx.repo.path))
        .then(|| format!("https://{}/{}", ctx.repo.host, p.trim_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn median_reaction_counts_unanswered_issues_with_their_age() {
        let issues = vec![
            Issue {
                number: 1,
                author: "a".into(),
                opened: d("2026-11-01"),
            },
            Issue {
                number: 2,
                author: "b".into(),
                opened: d("2026-11-10"),
            },
            Issue {
                number: 3,
                author: "c".into(),
                opened: d("2026-11-20"),
            },
        ];
        let comments = vec![
            Comment {
                issue: 1,
                author: "a".into(),
                date: d("2026-11-01"),
            }, // own comment
            Comment {
                issue: 1,
                author: "m".into(),
                date: d("2026-11-03"),
            },
            Comment {
                issue: 2,
                author: "m".into(),
                date: d("2026-11-20"),
            },
        ];
        // 2 days, 10 days, 11 days unanswered → median 10.
        assert_eq!(
            median_reaction(&issues, &comments, d("2026-12-01")),
            Some(10.0)
        );
        assert_eq!(median_reaction(&[], &comments, d("2026-12-01")), None);
    }

    #[test]
    fn dates_in_every_documented_form() {
        assert_eq!(parse_date("2026-11-20T08:15:00Z"), Some(d("2026-11-20")));
        assert_eq!(
            parse_date("2012-09-20T09:06:12.000+03:00"),
            Some(d("2012-09-20"))
        );
        assert_eq!(
            parse_date("2026-11-20T23:30:00-02:00"),
            Some(d("2026-11-21"))
        );
        assert_eq!(parse_date("yesterday"), None);
    }
}
