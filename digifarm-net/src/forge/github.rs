//! GitHub REST API (v3, "2022-11-28"), unauthenticated or with `GITHUB_TOKEN`:
//!
//! - `GET /repos/{owner}/{repo}` ("Get a repository"): `archived`, `disabled`,
//!   `default_branch`, `open_issues_count` (issues and pull requests), `license.spdx_id`,
//!   `full_name` (a renamed or transferred repository answers through a 301 with its new
//!   name). 404 when deleted or private.
//! - `GET /repos/{owner}/{repo}/commits?sha=&since=&per_page=100` ("List commits"):
//!   `commit.committer.date`, `author.login` / `commit.author.email`; `Link` pagination.
//!   An empty repository answers 409.
//! - `GET /repos/{owner}/{repo}/releases?per_page=1` ("List releases", newest first):
//!   `tag_name`, `published_at`, `draft`.
//! - `GET /repos/{owner}/{repo}/tags?per_page=1` ("List repository tags") and
//!   `GET /repos/{owner}/{repo}/commits/{sha}` for the tag's date, only without releases.
//! - `GET /repos/{owner}/{repo}/issues?state=all&since=` ("List repository issues", which
//!   includes pull requests, marked by `pull_request`) and
//!   `GET /repos/{owner}/{repo}/issues/comments?since=` ("List issue comments for a
//!   repository"): the median first reaction.

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
    let mut r = RepoSignals {
        state: if repo.get("disabled").and_then(Value::as_bool) == Some(true) {
            RepoState::Disabled
        } else if repo.get("archived").and_then(Value::as_bool) == Some(true) {
            RepoState::Archived
        } else {
            RepoState::Active
        },
        moved_to: moved(ctx, s(&repo, "/full_name")),
        default_branch: s(&repo, "/default_branch").map(str::to_owned),
        open_issues: count(&repo, "/open_issues_count"),
        license: s(&repo, "/license/spdx_id").map(str::to_owned),
        ..RepoSignals::default()
    };
    if r.state != RepoState::Active {
        return Ok(r);
    }
    let branch = r.default_branch.clone().unwrap_or_default();

    // Commits in the window; the newest is the last commit.
    let since = ctx.since(ctx.window_days);
    let mut c = CommitCount::default();
    let url = ctx.url(
        &join(&base, &["commits"]),
        &[("sha", &branch), ("since", &since), ("per_page", "100")],
    )?;
    let capped = optional(ctx.pages(url, |item| {
        let author = s(item, "/author/login").or_else(|| s(item, "/commit/author/email"));
        c.add(date(item, "/commit/committer/date"), author);
        true
    }))?;
    c.capped = capped.unwrap_or(false);
    if c.commits == 0 {
        let url = ctx.url(
            &join(&base, &["commits"]),
            &[("sha", &branch), ("per_page", "1")],
        )?;
        if let Some((_, list)) = optional(ctx.json(&url))? {
            r.last_commit = list.get(0).and_then(|i| date(i, "/commit/committer/date"));
        }
    }
    c.apply(ctx.window_days, &mut r);

    // The newest release; a tag only when there is none.
    let url = ctx.url(&join(&base, &["releases"]), &[("per_page", "1")])?;
    if let Some((_, list)) = optional(ctx.json(&url))? {
        r.last_release = list.as_array().into_iter().flatten().find_map(|rel| {
            if rel.get("draft").and_then(Value::as_bool) == Some(true) {
                return None;
            }
            Some(DatedName {
                name: s(rel, "/tag_name")?.to_owned(),
                date: date(rel, "/published_at").or_else(|| date(rel, "/created_at"))?,
            })
        });
    }
    if r.last_release.is_none() {
        let url = ctx.url(&join(&base, &["tags"]), &[("per_page", "1")])?;
        if let Some((_, list)) = optional(ctx.json(&url))?
            && let Some(tag) = list.get(0)
            && let (Some(name), Some(sha)) = (s(tag, "/name"), s(tag, "/commit/sha"))
        {
            let url = ctx.url(&join(&base, &["commits", sha]), &[])?;
            if let Some((_, commit)) = optional(ctx.json(&url))? {
                r.last_tag = date(&commit, "/commit/committer/date").map(|d| DatedName {
                    name: name.to_owned(),
                    date: d,
                });
            }
        }
    }

    // Reaction to the issues opened in the reaction window.
    let rsince = ctx.since(ctx.reaction_window_days);
    let from = ctx.since_date(ctx.reaction_window_days);
    let mut issues = Vec::new();
    let url = ctx.url(
        &join(&base, &["issues"]),
        &[("state", "all"), ("since", &rsince), ("per_page", "100")],
    )?;
    ctx.pages(url, |item| {
        if item.get("pull_request").is_none_or(Value::is_null)
            && let (Some(number), Some(author), Some(opened)) = (
                item.get("number").and_then(Value::as_u64),
                s(item, "/user/login"),
                date(item, "/created_at"),
            )
            && opened >= from
        {
            issues.push(Issue {
                number,
                author: author.to_owned(),
                opened,
            });
        }
        true
    })?;
    let mut comments = Vec::new();
    if !issues.is_empty() {
        let url = ctx.url(
            &join(&base, &["issues", "comments"]),
            &[("since", &rsince), ("per_page", "100")],
        )?;
        ctx.pages(url, |item| {
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
        })?;
    }
    r.recent_issues = Some(u32::try_from(issues.len()).unwrap_or(u32::MAX));
    r.median_reaction_days = median_reaction(&issues, &comments, ctx.today);
    Ok(r)
}
