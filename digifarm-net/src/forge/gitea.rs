//! Forgejo and Gitea API v1 (Codeberg runs Forgejo), unauthenticated or with a token
//! (`Authorization: token …`):
//!
//! - `GET /repos/{owner}/{repo}` ("repoGet"): `archived`, `archived_at` (Gitea ≥ 1.21,
//!   `1970-01-01T00:00:00Z` when not archived), `default_branch`, `open_issues_count`,
//!   `full_name`.
//! - `GET /repos/{owner}/{repo}/commits?sha=&since=&limit=&stat=false&verification=false&files=false`
//!   ("repoGetAllCommits"): `commit.committer.date`, `commit.author.email`; `Link`
//!   pagination (and `X-Total-Count`).
//! - `GET /repos/{owner}/{repo}/releases?limit=1` ("repoListReleases"): `tag_name`,
//!   `published_at`; `GET /repos/{owner}/{repo}/tags?limit=1` ("repoListTags"): `name`,
//!   `commit.created`.
//! - `GET /repos/{owner}/{repo}/licenses` ("repoGetLicenses", Gitea ≥ 1.23): SPDX ids; 404
//!   on older servers.
//! - `GET /repos/{owner}/{repo}/issues?state=all&type=issues&since=` and
//!   `GET /repos/{owner}/{repo}/issues/comments?since=`: the median first reaction.

use digifarm_core::model::{DatedName, RepoSignals, RepoState};
use serde_json::Value;

use super::{
    Comment, CommitCount, Ctx, Issue, ReadError, count, date, issue_number, join, median_reaction,
    moved, optional, repo_document, s,
};

pub(crate) fn read(ctx: &Ctx<'_>) -> Result<RepoSignals, ReadError> {
    let p = ctx.path_segments();
    let mut base: Vec<&str> = vec!["repos"];
    base.extend(&p);
    let (_, repo) = repo_document(ctx, &ctx.url(&base, &[])?)?;
    let archived = repo.get("archived").and_then(Value::as_bool) == Some(true);
    let mut r = RepoSignals {
        state: if archived {
            RepoState::Archived
        } else {
            RepoState::Active
        },
        archived_on: date(&repo, "/archived_at")
            .filter(|d| archived && chrono::Datelike::year(d) > 1970),
        moved_to: moved(ctx, s(&repo, "/full_name")),
        default_branch: s(&repo, "/default_branch").map(str::to_owned),
        open_issues: count(&repo, "/open_issues_count"),
        ..RepoSignals::default()
    };
    if r.state != RepoState::Active {
        return Ok(r);
    }
    let branch = r.default_branch.clone().unwrap_or_default();
    let since = ctx.since(ctx.window_days);
    let mut c = CommitCount::default();
    let q = [
        ("sha", branch.as_str()),
        ("since", since.as_str()),
        ("limit", "50"),
        ("stat", "false"),
        ("verification", "false"),
        ("files", "false"),
    ];
    let capped = optional(ctx.pages(ctx.url(&join(&base, &["commits"]), &q)?, |item| {
        c.add(
            date(item, "/commit/committer/date").or_else(|| date(item, "/created")),
            s(item, "/commit/author/email").or_else(|| s(item, "/author/login")),
        );
        true
    }))?;
    c.capped = capped.unwrap_or(false);
    if c.commits == 0 {
        let url = ctx.url(
            &join(&base, &["commits"]),
            &[
                ("sha", &branch),
                ("limit", "1"),
                ("stat", "false"),
                ("verification", "false"),
                ("files", "false"),
            ],
        )?;
        if let Some((_, list)) = optional(ctx.json(&url))? {
            r.last_commit = list
                .get(0)
                .and_then(|i| date(i, "/commit/committer/date").or_else(|| date(i, "/created")));
        }
    }
    c.apply(ctx.window_days, &mut r);
    if let Some((_, list)) =
        optional(ctx.json(&ctx.url(&join(&base, &["releases"]), &[("limit", "1")])?))?
    {
        r.last_release = list.get(0).and_then(|rel| {
            Some(DatedName {
                name: s(rel, "/tag_name")?.to_owned(),
                date: date(rel, "/published_at").or_else(|| date(rel, "/created_at"))?,
            })
        });
    }
    if let Some((_, list)) =
        optional(ctx.json(&ctx.url(&join(&base, &["tags"]), &[("limit", "1")])?))?
    {
        r.last_tag = list.get(0).and_then(|t| {
            Some(DatedName {
                name: s(t, "/name")?.to_owned(),
                date: date(t, "/commit/created")?,
            })
        });
    }
    if let Some((_, list)) = optional(ctx.json(&ctx.url(&join(&base, &["licenses"]), &[])?))? {
        r.license = list.get(0).and_then(Value::as_str).map(str::to_owned);
    }
    let rsince = ctx.since(ctx.reaction_window_days);
    let from = ctx.since_date(ctx.reaction_window_days);
    let mut issues = Vec::new();
    let url = ctx.url(
        &join(&base, &["issues"]),
        &[
            ("state", "all"),
            ("type", "issues"),
            ("since", &rsince),
            ("limit", "50"),
        ],
    )?;
    optional(ctx.pages(url, |item| {
        if let (Some(number), Some(author), Some(opened)) = (
            item.get("number").and_then(Value::as_u64),
            s(item, "/user/login"),
            date(item, "/created_at"),
        ) && opened >= from
        {
            issues.push(Issue {
                number,
                author: author.to_owned(),
                opened,
            });
        }
        true
    }))?;
    let mut comments = Vec::new();
    if !issues.is_empty() {
        let url = ctx.url(
            &join(&base, &["issues", "comments"]),
            &[("since", &rsince), ("limit", "50")],
        )?;
        optional(ctx.pages(url, |item| {
            if let (Some(issue), Some(author), Some(d)) = (
                s(item, "/issue_url").and_then(issue_number),
                s(item, "/user/login"),
                date(item, "/created_at"),
            ) {
                comments.push(Comment {
                    issue,
                    author: author.to_owned(),
                    date: d,
                });
            }
            true
        }))?;
    }
    r.recent_issues = Some(u32::try_from(issues.len()).unwrap_or(u32::MAX));
    r.median_reaction_days = median_reaction(&issues, &comments, ctx.today);
    Ok(r)
}
