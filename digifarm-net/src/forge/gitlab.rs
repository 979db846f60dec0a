//! GitLab REST API v4 (gitlab.com and self-hosted, openCode among them), unauthenticated or
//! with a personal access token (`PRIVATE-TOKEN`):
//!
//! - `GET /projects/:id?license=true` ("Get a single project", `:id` the URL-encoded path):
//!   `archived`, `default_branch`, `open_issues_count` (absent when issues are off),
//!   `path_with_namespace` (an old path of a renamed project still answers, with the new
//!   path), `license.key`. 404 when deleted or private.
//! - `GET /projects/:id/repository/commits?ref_name=&since=&per_page=100` ("List repository
//!   commits"): `committed_date`, `author_email`; pagination by `X-Next-Page` / `Link`.
//! - `GET /projects/:id/releases?per_page=1` ("List releases", by `released_at`, newest
//!   first): `tag_name`, `released_at`.
//! - `GET /projects/:id/repository/tags?order_by=updated&sort=desc&per_page=1` ("List
//!   project repository tags"): `name`, `commit.committed_date`.
//!
//! GitLab gives the first reaction to issues only per issue (its notes), which is not cheap:
//! `median_reaction_days` stays unknown.

use digifarm_core::model::{DatedName, RepoSignals, RepoState};
use serde_json::Value;

use super::{CommitCount, Ctx, ReadError, count, date, moved, optional, repo_document, s};

pub(crate) fn read(ctx: &Ctx<'_>) -> Result<RepoSignals, ReadError> {
    let id = ctx.repo.path.as_str();
    let (_, repo) = repo_document(ctx, &ctx.url(&["projects", id], &[("license", "true")])?)?;
    let archived = repo.get("archived").and_then(Value::as_bool) == Some(true);
    let mut r = RepoSignals {
        state: if archived {
            RepoState::Archived
        } else {
            RepoState::Active
        },
        moved_to: moved(ctx, s(&repo, "/path_with_namespace")),
        default_branch: s(&repo, "/default_branch").map(str::to_owned),
        open_issues: count(&repo, "/open_issues_count"),
        license: s(&repo, "/license/key").map(str::to_owned),
        ..RepoSignals::default()
    };
    if r.state != RepoState::Active {
        return Ok(r);
    }
    let branch = r.default_branch.clone().unwrap_or_default();
    let since = ctx.since(ctx.window_days);
    let mut c = CommitCount::default();
    let url = ctx.url(
        &["projects", id, "repository", "commits"],
        &[
            ("ref_name", &branch),
            ("since", &since),
            ("per_page", "100"),
        ],
    )?;
    let capped = optional(ctx.pages(url, |item| {
        c.add(
            date(item, "/committed_date"),
            s(item, "/author_email").or_else(|| s(item, "/author_name")),
        );
        true
    }))?;
    c.capped = capped.unwrap_or(false);
    if c.commits == 0 {
        let url = ctx.url(
            &["projects", id, "repository", "commits"],
            &[("ref_name", &branch), ("per_page", "1")],
        )?;
        if let Some((_, list)) = optional(ctx.json(&url))? {
            r.last_commit = list.get(0).and_then(|i| date(i, "/committed_date"));
        }
    }
    c.apply(ctx.window_days, &mut r);
    if let Some((_, list)) =
        optional(ctx.json(&ctx.url(&["projects", id, "releases"], &[("per_page", "1")])?))?
    {
        r.last_release = list.get(0).and_then(|rel| {
            Some(DatedName {
                name: s(rel, "/tag_name")?.to_owned(),
                date: date(rel, "/released_at").or_else(|| date(rel, "/created_at"))?,
            })
        });
    }
    let url = ctx.url(
        &["projects", id, "repository", "tags"],
        &[("order_by", "updated"), ("sort", "desc"), ("per_page", "1")],
    )?;
    if let Some((_, list)) = optional(ctx.json(&url))? {
        r.last_tag = list.get(0).and_then(|t| {
            Some(DatedName {
                name: s(t, "/name")?.to_owned(),
                date: date(t, "/commit/committed_date")?,
            })
        });
    }
    Ok(r)
}
