//! Polite requests to forge APIs on top of the guarded client: access tokens, conditional
//! requests with an on-disk ETag cache, rate limits that pause and resume, counts of what
//! was sent.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use digifarm_core::catalog::write::create_temp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::http::{Client, HttpError, Method, Response};

/// Why a forge request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The request itself failed (address guard, timeout, size, redirects, connection).
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The forge answered with an error status.
    #[error("{url} answered {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
    },
    /// The answer could not be read (not UTF-8, not JSON, not the documented shape).
    #[error("{url}: {reason}")]
    Invalid {
        /// The URL.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The rate limit resets later than the longest pause allowed.
    #[error(
        "{url}: rate limited; the limit resets in {wait_seconds} s, longer than the {max_seconds} s allowed"
    )]
    RateLimited {
        /// The URL.
        url: String,
        /// Seconds until the reset.
        wait_seconds: u64,
        /// The most the refresh waits.
        max_seconds: u64,
    },
}

/// What was sent and received.
#[derive(Debug, Default)]
pub struct Stats {
    /// Requests sent (every attempt, every page, homepages too).
    pub requests: AtomicU64,
    /// Full responses (2xx with a body from the network).
    pub full: AtomicU64,
    /// 304 Not Modified answers served from the cache.
    pub not_modified: AtomicU64,
    /// Pauses for rate limits.
    pub pauses: AtomicU64,
}

/// An access token and the header it goes in.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    /// The header name (`Authorization`, `PRIVATE-TOKEN`).
    pub header: &'static str,
    /// The header value (`Bearer …`).
    pub value: String,
}

impl std::fmt::Debug for Token {
    // A token never appears in logs or error messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Token({}: ***)", self.header)
    }
}

/// A 2xx answer: from the network or, after a 304, from the cache.
#[derive(Debug, Clone)]
pub struct Got {
    /// The final URL.
    pub url: String,
    /// The final response headers (of the 304 when from the cache).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Redirects followed.
    pub redirects: Vec<(u16, String)>,
    /// Whether the body came from the cache after a 304.
    pub cached: bool,
}

impl Got {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    ///
    /// # Errors
    /// Not UTF-8, or not JSON.
    pub fn json(&self) -> Result<serde_json::Value, FetchError> {
        let text = std::str::from_utf8(&self.body).map_err(|e| FetchError::Invalid {
            url: self.url.clone(),
            reason: format!("the answer is not valid UTF-8 ({e})"),
        })?;
        serde_json::from_str(text).map_err(|e| FetchError::Invalid {
            url: self.url.clone(),
            reason: format!("the answer is not valid JSON ({e})"),
        })
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct CacheEntry {
    url: String,
    #[serde(default)]
    etag: Option<String>,
    #[serde(default)]
    last_modified: Option<String>,
    /// The pagination headers of the full answer (a 304 does not repeat them).
    #[serde(default)]
    headers: Vec<(String, String)>,
    body: String,
}

/// Headers that belong to the cached body: pagination.
const CACHED_HEADERS: [&str; 4] = ["link", "x-next-page", "x-total", "x-total-count"];

/// The HTTP cache: one JSON file per URL (`<sha256>.json`) holding the validators (ETag,
/// Last-Modified) and the body of the last full answer. Lives in the catalog's cache
/// directory, which carries a `.gitignore` so it never lands in the catalog's history.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: &Path) -> Cache {
        Cache {
            dir: dir.join(digifarm_core::catalog::health_config::ANSWERS_DIR),
        }
    }

    fn path(&self, url: &str) -> PathBuf {
        let hash = Sha256::digest(url.as_bytes());
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{hex}.json"))
    }

    fn get(&self, url: &str) -> Option<CacheEntry> {
        let path = self.path(url);
        // Entries are plain files this cache wrote; a link committed in their place (the
        // cache lives in the catalog) is not followed.
        if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        let entry: CacheEntry = serde_json::from_slice(&bytes).ok()?;
        (entry.url == url).then_some(entry)
    }

    fn put(&self, entry: &CacheEntry) {
        let Ok(text) = serde_json::to_vec(entry) else {
            return;
        };
        if let Some(root) = self.dir.parent() {
            let ignore = root.join(".gitignore");
            if !ignore.exists() {
                let _ = digifarm_core::catalog::write::write_atomic(
                    &ignore,
                    b"# digifarm's HTTP cache: not part of the catalog\n*\n",
                    false,
                );
            }
        }
        // Written to a temporary name and renamed (a reader never sees half an entry), but
        // not synced: a lost entry only costs a full answer next time. A cache that cannot
        // be written at all costs the same. The cache lives in the catalog, where a pull
        // request can commit a link under a name this write will use (a hash of a URL the
        // catalog chose): `create_temp` opens the temporary file with `create_new`, which
        // skips a name that is taken instead of following it, and the rename replaces a link
        // at the entry's own name without following it.
        let path = self.path(&entry.url);
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            return;
        };
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let Ok((tmp, mut file)) = create_temp(&self.dir, &name) else {
            return;
        };
        let written = file.write_all(&text);
        drop(file);
        if written.is_err() || std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// Requests with tokens, cache, rate-limit pauses and counts.
#[derive(Debug)]
pub struct Fetcher {
    client: Client,
    cache: Option<Cache>,
    max_wait: Duration,
    /// Per host: no request before this instant (a rate limit pause shared by all threads).
    pauses: Mutex<HashMap<String, Instant>>,
    /// Counts.
    pub stats: Stats,
}

/// How many times one request is retried after a rate-limit pause.
const RATE_LIMIT_RETRIES: u32 = 3;

impl Fetcher {
    /// A fetcher on `client`, with an optional cache; rate-limit pauses up to `max_wait`.
    pub fn new(client: Client, cache: Option<Cache>, max_wait: Duration) -> Fetcher {
        Fetcher {
            client,
            cache,
            max_wait,
            pauses: Mutex::new(HashMap::new()),
            stats: Stats::default(),
        }
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    fn host_of(url: &str) -> String {
        url::Url::parse(url)
            .ok()
            .and_then(|u| {
                u.host_str()
                    .map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0)))
            })
            .unwrap_or_default()
    }

    fn wait_for_host(&self, host: &str) {
        let until = self.pauses.lock().ok().and_then(|p| p.get(host).copied());
        if let Some(until) = until {
            let now = Instant::now();
            if until > now {
                std::thread::sleep(until - now);
            }
        }
    }

    /// Sends one request (counted), waiting for a host pause first.
    pub fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, String)],
        read_body: bool,
    ) -> Result<Response, HttpError> {
        self.wait_for_host(&Self::host_of(url));
        self.stats.requests.fetch_add(1, Ordering::Relaxed);
        self.client.fetch(method, url, headers, read_body)
    }

    /// GETs `url` from a forge API: conditional when cached, pausing on rate limits.
    /// A non-2xx answer (other than a rate limit) is [`FetchError::Status`].
    ///
    /// # Errors
    /// See [`FetchError`].
    pub fn get(&self, url: &str, token: Option<&Token>) -> Result<Got, FetchError> {
        let cached = self.cache.as_ref().and_then(|c| c.get(url));
        let mut headers: Vec<(&str, String)> = vec![("Accept", "application/json".to_owned())];
        if let Some(t) = token {
            headers.push((t.header, t.value.clone()));
        }
        if let Some(entry) = &cached {
            if let Some(etag) = &entry.etag {
                headers.push(("If-None-Match", etag.clone()));
            }
            if let Some(lm) = &entry.last_modified {
                headers.push(("If-Modified-Since", lm.clone()));
            }
        }
        let mut attempt = 0;
        loop {
            let response = self.send(Method::Get, url, &headers, true)?;
            if let Some(wait) = rate_limit_wait(&response) {
                if wait > self.max_wait || attempt >= RATE_LIMIT_RETRIES {
                    return Err(FetchError::RateLimited {
                        url: url.to_owned(),
                        wait_seconds: wait.as_secs(),
                        max_seconds: self.max_wait.as_secs(),
                    });
                }
                // A pause the clock cannot even represent is as good as endless.
                let Some(until) = Instant::now().checked_add(wait) else {
                    return Err(FetchError::RateLimited {
                        url: url.to_owned(),
                        wait_seconds: wait.as_secs(),
                        max_seconds: self.max_wait.as_secs(),
                    });
                };
                attempt += 1;
                self.stats.pauses.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut p) = self.pauses.lock() {
                    let e = p.entry(Self::host_of(url)).or_insert(until);
                    if *e < until {
                        *e = until;
                    }
                }
                continue;
            }
            if response.status == 304
                && let Some(entry) = cached
            {
                self.stats.not_modified.fetch_add(1, Ordering::Relaxed);
                let mut headers = response.headers;
                headers.retain(|(n, _)| !CACHED_HEADERS.contains(&n.as_str()));
                headers.extend(entry.headers);
                return Ok(Got {
                    url: response.url,
                    headers,
                    body: entry.body.into_bytes(),
                    redirects: response.redirects,
                    cached: true,
                });
            }
            if !(200..300).contains(&response.status) {
                return Err(FetchError::Status {
                    url: url.to_owned(),
                    status: response.status,
                });
            }
            self.stats.full.fetch_add(1, Ordering::Relaxed);
            if let Some(cache) = &self.cache {
                let etag = response.header("etag").map(str::to_owned);
                let last_modified = response.header("last-modified").map(str::to_owned);
                if (etag.is_some() || last_modified.is_some())
                    && let Ok(text) = std::str::from_utf8(&response.body)
                {
                    cache.put(&CacheEntry {
                        url: url.to_owned(),
                        etag,
                        last_modified,
                        headers: response
                            .headers
                            .iter()
                            .filter(|(n, _)| CACHED_HEADERS.contains(&n.as_str()))
                            .cloned()
                            .collect(),
                        body: text.to_owned(),
                    });
                }
            }
            return Ok(Got {
                url: response.url,
                headers: response.headers,
                body: response.body,
                redirects: response.redirects,
                cached: false,
            });
        }
    }
}

/// The pause a rate-limited answer asks for, if it is one: 429, or 403 with the rate-limit
/// headers GitHub documents (`x-ratelimit-remaining: 0`, or `retry-after` for its secondary
/// limits). The wait is `Retry-After` (seconds or an HTTP date), else the reset time
/// (`x-ratelimit-reset`, GitHub and Gitea; `ratelimit-reset`, GitLab; epoch seconds), else 60 s.
///
/// The headers come from the server, so every step is checked arithmetic: a reset beyond
/// what the clock can represent is [`Duration::MAX`], which is longer than any pause allowed
/// (the project fails with `forge-rate-limited`), never an overflow.
pub fn rate_limit_wait(r: &Response) -> Option<Duration> {
    let remaining_zero = r
        .header("x-ratelimit-remaining")
        .or_else(|| r.header("ratelimit-remaining"))
        .is_some_and(|v| v.trim() == "0");
    let retry_after = r.header("retry-after");
    let limited = r.status == 429 || (r.status == 403 && (remaining_zero || retry_after.is_some()));
    if !limited {
        return None;
    }
    let now = SystemTime::now();
    if let Some(v) = retry_after {
        if let Ok(secs) = v.trim().parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(at) = httpdate::parse_http_date(v.trim()) {
            return Some(at.duration_since(now).unwrap_or_default());
        }
    }
    let reset = r
        .header("x-ratelimit-reset")
        .or_else(|| r.header("ratelimit-reset"))
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(epoch) = reset {
        let Some(at) = SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(epoch)) else {
            return Some(Duration::MAX);
        };
        // One second more: the reset is given in whole seconds.
        return Some(
            at.duration_since(now)
                .unwrap_or_default()
                .saturating_add(Duration::from_secs(1)),
        );
    }
    Some(Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limited(status: u16, headers: &[(&str, &str)]) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: Vec::new(),
            url: "https://api.github.com/repos/o/r".to_owned(),
            redirects: Vec::new(),
        }
    }

    /// The cache lives in the catalog: links a pull request commits under the names an entry
    /// will be written to are replaced, never written through.
    #[cfg(unix)]
    #[test]
    fn a_cache_entry_is_never_written_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "keep").unwrap();
        let cache = Cache::new(&dir.path().join("catalog/.digifarm-cache"));
        let entry = CacheEntry {
            url: "https://forge.example/api/repos/a/b".to_owned(),
            etag: Some("\"e\"".to_owned()),
            last_modified: None,
            headers: Vec::new(),
            body: "{}".to_owned(),
        };
        let path = cache.path(&entry.url);
        let dir = path.parent().unwrap();
        std::fs::create_dir_all(dir).unwrap();
        // The temporary names `create_temp` tries first, and the entry's own name.
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let tmp = dir.join(format!(".{name}.tmp-{}-0", std::process::id()));
        std::os::unix::fs::symlink(&outside, &tmp).unwrap();
        std::os::unix::fs::symlink(&outside, &path).unwrap();
        cache.put(&entry);
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
        assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
        assert!(
            std::fs::symlink_metadata(&tmp)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(cache.get(&entry.url).map(|e| e.body), Some("{}".to_owned()));
    }

    #[test]
    fn absurd_resets_are_endless_waits_not_overflows() {
        let max = u64::MAX.to_string();
        for (name, value) in [
            ("x-ratelimit-reset", max.as_str()),
            ("ratelimit-reset", max.as_str()),
            // i64::MAX seconds: a valid u64, and past what `SystemTime` holds on some platforms.
            ("x-ratelimit-reset", "9223372036854775807"),
        ] {
            let r = limited(403, &[("x-ratelimit-remaining", "0"), (name, value)]);
            let wait = rate_limit_wait(&r);
            assert!(
                wait.is_some_and(|w| w > Duration::from_secs(86_400 * 365 * 1000)),
                "{name}: {value} gave {wait:?}"
            );
        }
        let r = limited(429, &[("retry-after", max.as_str())]);
        assert_eq!(rate_limit_wait(&r), Some(Duration::from_secs(u64::MAX)));
        // A number too large for u64 is not a number of seconds: the default pause.
        let r = limited(429, &[("retry-after", "99999999999999999999999")]);
        assert_eq!(rate_limit_wait(&r), Some(Duration::from_secs(60)));
        // An ordinary reset still waits until then.
        let r = limited(429, &[("retry-after", "2")]);
        assert_eq!(rate_limit_wait(&r), Some(Duration::from_secs(2)));
    }
}
