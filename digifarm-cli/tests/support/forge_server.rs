//! A real HTTP server on 127.0.0.1 (tiny_http) that answers like the four forges' public
//! APIs, with the shapes their documentation gives, plus homepages and hostile behaviour
//! (slow drip, redirect loops, oversized and invalid bodies, gzip bombs, rate limits).
//!
//! Shapes (one place per forge, cited by endpoint):
//! - GitHub REST "Get a repository" `GET /repos/{owner}/{repo}`, "List commits"
//!   `GET /repos/{o}/{r}/commits` (Link pagination), "List releases", "List repository tags",
//!   "List repository issues", "List issue comments for a repository".
//! - GitLab v4 "Get a single project" `GET /projects/:id`, "List repository commits"
//!   (X-Next-Page), "List releases", "List project repository tags".
//! - Forgejo/Gitea v1 `GET /repos/{o}/{r}`, `/commits` (Link), `/releases`, `/tags`,
//!   `/licenses`, `/issues`, `/issues/comments`.
//! - Bitbucket 2.0 `GET /repositories/{w}/{r}`, `/commits/{branch}` (`next` in the body),
//!   `/refs/tags`, `/issues` (`size`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// What the server answers.
pub enum Body {
    Bytes(Vec<u8>),
    /// `bytes`, one every `delay`.
    Drip(Vec<u8>, Duration),
    /// `n` bytes of `x`, generated as sent.
    Huge(u64),
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Reply {
    pub fn json(v: &Value) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Body::Bytes(serde_json::to_vec(v).unwrap()),
        }
    }
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Body::Bytes(br#"{"message":"Not Found"}"#.to_vec()),
        }
    }
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
    pub fn redirect(status: u16, to: &str) -> Reply {
        Reply::status(status).header("Location", to)
    }
}

/// A request as the handler sees it.
pub struct Req {
    pub method: String,
    pub path: String,
    pub query: HashMap<String, String>,
    pub headers: Vec<(String, String)>,
    /// How many times this exact path+query was requested before (0 for the first).
    pub seen: u64,
}

impl Req {
    pub fn q(&self, k: &str) -> Option<&str> {
        self.query.get(k).map(String::as_str)
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Handler = dyn Fn(&Req, &str) -> Reply + Send + Sync;

pub struct Server {
    pub base: String,
    server: Arc<tiny_http::Server>,
    pub requests: Arc<AtomicU64>,
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

struct DripReader {
    data: Vec<u8>,
    pos: usize,
    delay: Duration,
}

impl Read for DripReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.data.len() || buf.is_empty() {
            return Ok(0);
        }
        std::thread::sleep(self.delay);
        buf[0] = self.data[self.pos];
        self.pos += 1;
        Ok(1)
    }
}

struct HugeReader(u64);

impl Read for HugeReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (buf.len() as u64).min(self.0) as usize;
        buf[..n].fill(b'x');
        self.0 -= n as u64;
        Ok(n)
    }
}

fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let h = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(h, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Starts a server answering with `handler(request, base_url)`; ETags are added to every 200
/// JSON answer, and a matching `If-None-Match` gets 304.
pub fn start(handler: impl Fn(&Req, &str) -> Reply + Send + Sync + 'static) -> Server {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    let requests = Arc::new(AtomicU64::new(0));
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen: Arc<Mutex<HashMap<String, u64>>> = Arc::new(Mutex::new(HashMap::new()));
    let handler: Arc<Handler> = Arc::new(handler);
    {
        let (server, base, requests, log) =
            (server.clone(), base.clone(), requests.clone(), log.clone());
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                requests.fetch_add(1, Ordering::SeqCst);
                let (handler, base, log, seen) =
                    (handler.clone(), base.clone(), log.clone(), seen.clone());
                std::thread::spawn(move || {
                    let url = request.url().to_owned();
                    log.lock()
                        .unwrap()
                        .push(format!("{} {url}", request.method()));
                    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
                    let query = query
                        .split('&')
                        .filter(|p| !p.is_empty())
                        .map(|p| {
                            let (k, v) = p.split_once('=').unwrap_or((p, ""));
                            (url_decode(k), url_decode(v))
                        })
                        .collect();
                    let n = {
                        let mut s = seen.lock().unwrap();
                        let e = s.entry(url.clone()).or_insert(0);
                        *e += 1;
                        *e - 1
                    };
                    let req = Req {
                        method: request.method().to_string(),
                        path: url_decode(path),
                        query,
                        headers: request
                            .headers()
                            .iter()
                            .map(|h| (h.field.to_string(), h.value.to_string()))
                            .collect(),
                        seen: n,
                    };
                    let mut reply = handler(&req, &base);
                    if reply.status == 200
                        && let Body::Bytes(b) = &reply.body
                        && reply
                            .headers
                            .iter()
                            .all(|(n, _)| !n.eq_ignore_ascii_case("etag"))
                    {
                        let etag = format!("\"{:x}\"", fnv(b));
                        if req.header("if-none-match") == Some(etag.as_str()) {
                            reply = Reply {
                                status: 304,
                                headers: vec![],
                                body: Body::Bytes(vec![]),
                            };
                        }
                        reply.headers.push(("ETag".into(), etag));
                    }
                    let headers: Vec<tiny_http::Header> = reply
                        .headers
                        .iter()
                        .filter_map(|(n, v)| {
                            tiny_http::Header::from_bytes(n.as_bytes(), v.as_bytes()).ok()
                        })
                        .collect();
                    let status = tiny_http::StatusCode(reply.status);
                    let _ = match reply.body {
                        Body::Bytes(b) => {
                            let len = b.len();
                            request.respond(tiny_http::Response::new(
                                status,
                                headers,
                                Cursor::new(b),
                                Some(len),
                                None,
                            ))
                        }
                        Body::Drip(b, delay) => {
                            let len = b.len();
                            request.respond(tiny_http::Response::new(
                                status,
                                headers,
                                DripReader {
                                    data: b,
                                    pos: 0,
                                    delay,
                                },
                                Some(len),
                                None,
                            ))
                        }
                        Body::Huge(n) => request.respond(tiny_http::Response::new(
                            status,
                            headers,
                            HugeReader(n),
                            Some(n as usize),
                            None,
                        )),
                    };
                });
            }
        });
    }
    Server {
        base,
        server,
        requests,
        log,
    }
}

fn fnv(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for x in b {
        h ^= u64::from(*x);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// The reference day of the fixtures.
pub const TODAY: &str = "2026-12-01";

/// A timestamp `days` before [`TODAY`].
pub fn ago(days: i64) -> String {
    let d = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap()
        - chrono::Duration::days(days);
    format!("{d}T10:00:00Z")
}

/// One page of a list: items `from..to` of `items`, with `Link` / `X-Next-Page` / `next`.
fn page(items: Vec<Value>, req: &Req, per_page_key: &str, style: &str, base_url: &str) -> Reply {
    let per: usize = req
        .q(per_page_key)
        .and_then(|v| v.parse().ok())
        .unwrap_or(30)
        .max(1);
    let p: usize = req
        .q("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let start = (p - 1) * per;
    let slice: Vec<Value> = items.iter().skip(start).take(per).cloned().collect();
    let more = start + per < items.len();
    let mut next_q: Vec<String> = req
        .query
        .iter()
        .filter(|(k, _)| k.as_str() != "page")
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.replace(':', "%3A")
                    .replace('"', "%22")
                    .replace(' ', "%20")
            )
        })
        .collect();
    next_q.sort();
    next_q.push(format!("page={}", p + 1));
    let next = format!(
        "{base_url}{}?{}",
        req.path.replace("%2F", "%252F"),
        next_q.join("&")
    );
    match style {
        "bitbucket" => {
            let mut v = json!({"pagelen": per, "page": p, "values": slice});
            if more {
                v["next"] = json!(next);
            }
            Reply::json(&v)
        }
        "gitlab" => {
            let r = Reply::json(&Value::Array(slice));
            if more {
                r.header("X-Next-Page", &(p + 1).to_string())
            } else {
                r.header("X-Next-Page", "")
            }
        }
        _ => {
            let r = Reply::json(&Value::Array(slice));
            if more {
                r.header("Link", &format!("<{next}>; rel=\"next\""))
            } else {
                r
            }
        }
    }
}

/// 120 commits over the last 300 days by 3 authors on GitHub's shape; 7 in the window of
/// 182 days are by 2 authors... see `commit_days`.
pub fn commit_days() -> Vec<(i64, &'static str)> {
    // (days ago, author): 6 commits in the last 182 days by 2 people, older ones by a third.
    vec![
        (3, "anna"),
        (10, "ben"),
        (40, "anna"),
        (70, "anna"),
        (100, "ben"),
        (150, "anna"),
        (200, "carl"),
        (250, "carl"),
        (300, "carl"),
    ]
}

/// The standard forge world, answering under `/github`, `/gitlab`, `/gitea`, `/bitbucket`,
/// homepages under `/home/<status>`.
pub fn forges(req: &Req, base: &str) -> Reply {
    let p = req.path.as_str();
    if let Some(code) = p.strip_prefix("/home/") {
        return Reply::status(code.parse().unwrap_or(200));
    }
    if let Some(rest) = p.strip_prefix("/github/repos/") {
        return github(req, rest, &format!("{base}/github"), base);
    }
    if let Some(rest) = p.strip_prefix("/gitlab/projects/") {
        return gitlab(req, rest, base);
    }
    if let Some(rest) = p.strip_prefix("/gitea/repos/") {
        return gitea(req, rest, base);
    }
    if let Some(rest) = p.strip_prefix("/bitbucket/repositories/") {
        return bitbucket(req, rest, base);
    }
    Reply::status(404)
}

fn in_window(req: &Req, key: &str) -> Vec<(i64, &'static str)> {
    let since = req
        .q(key)
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok());
    commit_days()
        .into_iter()
        .filter(|(d, _)| match since {
            Some(s) => chrono::DateTime::parse_from_rfc3339(&ago(*d)).unwrap() >= s,
            None => true,
        })
        .collect()
}

/// GitHub "Get a repository" and its lists. Repositories: `o/active` (everything),
/// `o/archived`, `o/old` (301 to `o/renamed`), `o/deleted` (404), `o/removed` (410).
fn github(req: &Req, rest: &str, api: &str, base: &str) -> Reply {
    let parts: Vec<&str> = rest.split('/').collect();
    let full = format!("{}/{}", parts[0], parts.get(1).unwrap_or(&""));
    match full.as_str() {
        "o/old" => {
            return Reply::redirect(
                301,
                &format!(
                    "{api}/repos/o/renamed{}",
                    rest.strip_prefix("o/old").unwrap_or("")
                ),
            );
        }
        "o/deleted" => return Reply::status(404),
        "o/removed" => return Reply::status(410),
        _ => {}
    }
    let sub: Vec<&str> = parts[2..].to_vec();
    match sub.as_slice() {
        [] => Reply::json(&json!({
            "id": 1, "name": parts[1], "full_name": full, "private": false,
            "html_url": format!("https://github.com/{full}"),
            "archived": full == "o/archived", "disabled": false,
            "default_branch": "main", "open_issues_count": 3,
            "pushed_at": ago(3),
            "license": {"key": "mit", "name": "MIT License", "spdx_id": "MIT"}
        })),
        ["commits"] => {
            let items = in_window(req, "since")
                .into_iter()
                .map(|(d, a)| json!({
                    "sha": format!("{d:040}"),
                    "commit": {"author": {"name": a, "email": format!("{a}@example.org"), "date": ago(d)},
                               "committer": {"name": a, "email": format!("{a}@example.org"), "date": ago(d)}},
                    "author": {"login": a}
                }))
                .collect();
            // per_page is honoured: 100 asked, but this server pages by 2 to exercise `Link`.
            let mut r = req.query.clone();
            r.insert("per_page".into(), "2".into());
            let req2 = Req {
                method: req.method.clone(),
                path: req.path.clone(),
                query: r,
                headers: vec![],
                seen: 0,
            };
            page(items, &req2, "per_page", "github", base)
        }
        ["releases"] => Reply::json(
            &json!([{"tag_name": "v1.4.0", "name": "1.4", "draft": false, "prerelease": false,
            "created_at": ago(20), "published_at": ago(20)}]),
        ),
        ["tags"] => Reply::json(&json!([{"name": "v1.4.0", "commit": {"sha": "abc"}}])),
        ["issues"] => Reply::json(&json!([
            {"number": 1, "user": {"login": "u1"}, "created_at": ago(30), "comments": 2},
            {"number": 2, "user": {"login": "u2"}, "created_at": ago(10), "comments": 1},
            {"number": 3, "user": {"login": "u3"}, "created_at": ago(5), "comments": 0, "pull_request": {"url": "x"}},
            {"number": 4, "user": {"login": "u4"}, "created_at": ago(200), "comments": 0}
        ])),
        ["issues", "comments"] => Reply::json(&json!([
            {"issue_url": format!("{api}/repos/{full}/issues/1"), "user": {"login": "u1"}, "created_at": ago(30)},
            {"issue_url": format!("{api}/repos/{full}/issues/1"), "user": {"login": "maintainer"}, "created_at": ago(28)},
            {"issue_url": format!("{api}/repos/{full}/issues/2"), "user": {"login": "maintainer"}, "created_at": ago(6)}
        ])),
        _ => Reply::status(404),
    }
}

/// GitLab "Get a single project" (`:id` = URL-encoded path) and its lists.
fn gitlab(req: &Req, rest: &str, base: &str) -> Reply {
    let (id, sub) = match rest.split_once("/repository/") {
        Some((id, s)) => (id.to_owned(), format!("repository/{s}")),
        None => match rest.rsplit_once("/releases") {
            Some((id, _)) => (id.to_owned(), "releases".to_owned()),
            None => (rest.to_owned(), String::new()),
        },
    };
    if !id.starts_with("g/") {
        return Reply::status(404);
    }
    match sub.as_str() {
        "" => Reply::json(&json!({
            "id": 42, "path_with_namespace": id, "web_url": format!("https://gitlab.com/{id}"),
            "archived": false, "default_branch": "main", "open_issues_count": 5,
            "last_activity_at": ago(3),
            "license": {"key": "gpl-3.0", "name": "GNU General Public License v3.0", "nickname": "GNU GPLv3"}
        })),
        "repository/commits" => {
            let items = in_window(req, "since")
                .into_iter()
                .map(|(d, a)| json!({"id": format!("{d:040}"), "author_name": a,
                    "author_email": format!("{a}@example.org"), "committed_date": ago(d), "created_at": ago(d)}))
                .collect();
            let mut r = req.query.clone();
            r.insert("per_page".into(), "4".into());
            let req2 = Req {
                method: req.method.clone(),
                path: req.path.clone(),
                query: r,
                headers: vec![],
                seen: 0,
            };
            page(items, &req2, "per_page", "gitlab", base)
        }
        "releases" => Reply::json(
            &json!([{"tag_name": "v2.0", "name": "2.0", "released_at": ago(400), "created_at": ago(400)}]),
        ),
        "repository/tags" => Reply::json(
            &json!([{"name": "v2.1", "commit": {"id": "x", "committed_date": ago(60)}}]),
        ),
        _ => Reply::status(404),
    }
}

/// Forgejo/Gitea `GET /repos/{o}/{r}` and its lists (Codeberg).
fn gitea(req: &Req, rest: &str, base: &str) -> Reply {
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.len() < 2 || parts[0] != "o" {
        return Reply::status(404);
    }
    match &parts[2..] {
        [] => Reply::json(
            &json!({"id": 7, "full_name": format!("o/{}", parts[1]), "archived": false,
            "archived_at": "1970-01-01T00:00:00Z", "default_branch": "main", "open_issues_count": 1,
            "html_url": "https://codeberg.org/o/f"}),
        ),
        ["commits"] => {
            let items = in_window(req, "since")
                .into_iter()
                .map(|(d, a)| json!({"sha": format!("{d:040}"), "created": ago(d),
                    "commit": {"author": {"name": a, "email": format!("{a}@example.org"), "date": ago(d)},
                               "committer": {"name": a, "email": format!("{a}@example.org"), "date": ago(d)}}}))
                .collect();
            let mut r = req.query.clone();
            r.insert("limit".into(), "3".into());
            let req2 = Req {
                method: req.method.clone(),
                path: req.path.clone(),
                query: r,
                headers: vec![],
                seen: 0,
            };
            page(items, &req2, "limit", "gitea", base)
        }
        ["releases"] => Reply::json(&json!([])),
        ["tags"] => {
            Reply::json(&json!([{"name": "v0.9", "commit": {"sha": "s", "created": ago(100)}}]))
        }
        ["licenses"] => Reply::json(&json!(["EUPL-1.2"])),
        ["issues"] => {
            Reply::json(&json!([{"number": 9, "user": {"login": "x"}, "created_at": ago(20)}]))
        }
        ["issues", "comments"] => Reply::json(&json!([
            {"issue_url": "https://codeberg.org/o/f/issues/9", "user": {"login": "m"}, "created_at": ago(17)}
        ])),
        _ => Reply::status(404),
    }
}

/// Bitbucket `GET /repositories/{w}/{r}` and its lists.
fn bitbucket(req: &Req, rest: &str, base: &str) -> Reply {
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.len() < 2 || parts[..2] != ["w", "b"] {
        return Reply::status(404);
    }
    match &parts[2..] {
        [] => Reply::json(
            &json!({"type": "repository", "full_name": "w/b", "mainbranch": {"name": "dev", "type": "branch"},
            "has_issues": true, "updated_on": ago(40)}),
        ),
        ["commits", "dev"] => {
            // Newest first, no `since`: the reader stops at the window.
            let items = commit_days()
                .into_iter()
                .map(|(d, a)| json!({"hash": format!("{d:040}"), "date": ago(d), "author": {"raw": format!("{a} <{a}@example.org>")}}))
                .collect();
            let mut r = req.query.clone();
            r.insert("pagelen".into(), "3".into());
            let req2 = Req {
                method: req.method.clone(),
                path: req.path.clone(),
                query: r,
                headers: vec![],
                seen: 0,
            };
            page(items, &req2, "pagelen", "bitbucket", base)
        }
        ["refs", "tags"] => Reply::json(
            &json!({"pagelen": 1, "values": [{"name": "r-7", "target": {"hash": "h", "date": ago(400)}}]}),
        ),
        ["issues"] => Reply::json(&json!({"pagelen": 1, "size": 2, "values": [{"id": 1}]})),
        _ => Reply::status(404),
    }
}
