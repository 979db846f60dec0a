//! Bitbucket Cloud REST API 2.0, unauthenticated or with an access token (`Bearer`):
//!
//! - `GET /repositories/{workspace}/{repo_slug}` ("Get a repository"): `mainbranch.name`,
//!   `full_name`, `has_issues`. Bitbucket has no archived flag and no licence detection.
//! - `GET /repositories/{workspace}/{repo_slug}/commits/{branch}?pagelen=100` ("List commits
//!   for a revision", newest first, no `since`: read until older than the window):
//!   `date`, `author.raw`; paginated by the `next` URL in the body.
//! - `GET /repositories/{workspace}/{repo_slug}/refs/tags?sort=-target.date&pagelen=1`
//!   ("List tags"): `name`, `target.date`.
//! - `GET /repositories/{workspace}/{repo_slug}/issues?q=state="open"&pagelen=1` ("List
//!   issues"): `size`, the number of open issues (404 when the tracker is off).

use digifarm_core::model::{DatedName, RepoSignals};

use super::{CommitCount, Ctx, ReadError, count, date, join, moved, optional, repo_document, s};

pub(crate) fn read(ctx: &Ctx<'_>) -> Result<RepoSignals, ReadError> {
    let p = ctx.path_segments();
    let mut base: Vec<&str> = vec!["repositories"];
    base.extend(&p);
    let (_, repo) = repo_document(ctx, &ctx.url(&base, &[])?)?;
    let mut r = RepoSignals {
        moved_to: moved(ctx, s(&repo, "/full_name")),
        default_branch: s(&repo, "/mainbranch/name").map(str::to_owned),
        ..RepoSignals::default()
    };
    let branch = r
        .default_branch
        .clone()
        .unwrap_or_else(|| "HEAD".to_owned());
    let from = ctx.since_date(ctx.window_days);
    let mut c = CommitCount::default();
    let mut newest = None;
    let capped = optional(ctx.pages(
        ctx.url(&join(&base, &["commits", &branch]), &[("pagelen", "100")])?,
        |item| {
            let d = date(item, "/date");
            if newest.is_none() {
                newest = d;
            }
            match d {
                Some(d) if d >= from => {
                    c.add(Some(d), s(item, "/author/raw"));
                    true
                }
                _ => false,
            }
        },
    ))?;
    c.capped = capped.unwrap_or(false);
    r.last_commit = newest;
    c.apply(ctx.window_days, &mut r);
    let url = ctx.url(
        &join(&base, &["refs", "tags"]),
        &[("sort", "-target.date"), ("pagelen", "1")],
    )?;
    if let Some((_, page)) = optional(ctx.json(&url))? {
        r.last_tag = page.pointer("/values/0").and_then(|t| {
            Some(DatedName {
                name: s(t, "/name")?.to_owned(),
                date: date(t, "/target/date")?,
            })
        });
    }
    if repo.get("has_issues").and_then(serde_json::Value::as_bool) == Some(true) {
        let url = ctx.url(
            &join(&base, &["issues"]),
            &[("q", "state=\"open\""), ("pagelen", "1")],
        )?;
        if let Some((_, page)) = optional(ctx.json(&url))? {
            r.open_issues = count(&page, "/size");
        }
    }
    Ok(r)
}
