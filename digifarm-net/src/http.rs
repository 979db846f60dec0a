//! The one guarded HTTP client of digifarm. Every request any command makes to another host
//! goes through [`Client::fetch`], which enforces:
//!
//! - **addresses**: no private, loopback, link-local, shared, multicast or unspecified
//!   address unless [`Limits::allow_private`]. The check runs in the name resolver on every
//!   resolved address, and the connection is made to exactly the checked addresses, so
//!   neither a DNS name pointing inside nor a redirect to one gets past it. Proxies from the
//!   environment are not used (they would hide the target address from the check).
//! - **time**: one deadline per request covering resolve, connect, send and the whole body
//!   (a slow-drip server is cut off at [`Limits::timeout`]).
//! - **size**: bodies are read up to [`Limits::max_body`] bytes *after* decompression, so a
//!   gzip bomb stops at the cap; response headers are capped by ureq (64 KiB).
//! - **redirects**: followed by hand, at most [`Limits::max_redirects`], only to http(s),
//!   each hop checked like the first; a loop is reported as such; credentials
//!   (`Authorization`, `PRIVATE-TOKEN`) are dropped when a redirect leaves the host.
//!
//! ```no_run
//! use digifarm_net::http::{Client, Limits, Method};
//! let client = Client::new(Limits::default());
//! let r = client.fetch(Method::Get, "https://example.org/", &[], true)?;
//! println!("{} after {} redirects", r.status, r.redirects.len());
//! # Ok::<(), digifarm_net::http::HttpError>(())
//! ```

use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};
use url::Url;

/// The limits of every request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The whole request: resolve, connect, send, headers and body.
    pub timeout: Duration,
    /// The most body bytes read (after decompression).
    pub max_body: u64,
    /// Redirects followed.
    pub max_redirects: u32,
    /// Allow private, loopback and link-local addresses (tests, intranet forges).
    pub allow_private: bool,
    /// The `User-Agent` sent.
    pub user_agent: String,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(20),
            max_body: 10 * 1024 * 1024,
            max_redirects: 5,
            allow_private: false,
            user_agent: format!(
                "digifarm/{} (+https://example.invalid/digifarm)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// GET or HEAD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// HEAD.
    Head,
}

/// A response, after redirects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The final status.
    pub status: u16,
    /// The final response's headers (names in lower case).
    pub headers: Vec<(String, String)>,
    /// The body (empty for HEAD or when not read).
    pub body: Vec<u8>,
    /// The final URL.
    pub url: String,
    /// The redirects followed: status and target of each hop.
    pub redirects: Vec<(u16, String)>,
}

impl Response {
    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the first hop was a permanent redirect (301/308): the address moved.
    pub fn moved_permanently(&self) -> bool {
        matches!(self.redirects.first(), Some((301 | 308, _)))
    }
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// Not an http(s) URL.
    #[error("`{url}` is not an http(s) URL: {reason}")]
    InvalidUrl {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The address is private, loopback or link-local and that is not allowed.
    #[error("{url}: refused to connect to {address} ({kind} address)")]
    Refused {
        /// The URL.
        url: String,
        /// The address.
        address: String,
        /// `loopback`, `private`, `link-local`, …
        kind: String,
    },
    /// No answer within the time limit.
    #[error("{url}: no complete answer within {millis} ms")]
    Timeout {
        /// The URL.
        url: String,
        /// The limit, in milliseconds.
        millis: u64,
    },
    /// The body is larger than the limit.
    #[error("{url}: the answer is larger than {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        limit: u64,
    },
    /// Too many redirects, or a loop.
    #[error("{url}: {what}")]
    Redirects {
        /// The first URL.
        url: String,
        /// "more than 5 redirects", "a redirect loop back to …".
        what: String,
    },
    /// The host name does not resolve.
    #[error("{url}: unknown host")]
    UnknownHost {
        /// The URL.
        url: String,
    },
    /// Connection refused, reset, TLS failure, protocol error, broken compression.
    #[error("{url}: {message}")]
    Connection {
        /// The URL.
        url: String,
        /// What happened.
        message: String,
    },
}

impl HttpError {
    /// Whether the request was refused by the address guard.
    pub fn is_refused(&self) -> bool {
        matches!(self, HttpError::Refused { .. })
    }
}

/// The guarded client (cheap to share between threads: clone or borrow).
#[derive(Debug, Clone)]
pub struct Client {
    agent: ureq::Agent,
    limits: Limits,
}

/// Marker of the guard's refusal inside an I/O error, so it can be told from other failures.
const REFUSED: &str = "digifarm-address-guard:";

/// What kind of address `ip` is, when it must not be reached from a public service.
pub fn restricted_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => restricted_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return restricted_v4(v4);
            }
            restricted_v6(v6)
        }
    }
}

fn restricted_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if ip.is_unspecified() || o[0] == 0 {
        Some("unspecified")
    } else if ip.is_broadcast() || ip.is_multicast() {
        Some("broadcast or multicast")
    } else if o[0] == 100 && (o[1] & 0xc0) == 64 {
        Some("shared (carrier-grade NAT)")
    } else if (o[0] == 192 && o[1] == 0 && o[2] == 0)
        || (o[0] == 198 && (o[1] & 0xfe) == 18)
        || o[0] >= 240
    {
        Some("reserved")
    } else {
        None
    }
}

fn restricted_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_unspecified() {
        Some("unspecified")
    } else if ip.is_unique_local() {
        Some("private")
    } else if ip.is_unicast_link_local() {
        Some("link-local")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if let Some(v4) = ip.to_ipv4() {
        // IPv4-compatible (::a.b.c.d) and NAT64 forms are judged by the embedded address.
        if ip.segments()[..6].iter().all(|s| *s == 0) {
            restricted_v4(v4)
        } else {
            None
        }
    } else {
        None
    }
}

/// Resolves with the system resolver, then refuses restricted addresses.
#[derive(Debug)]
struct GuardResolver {
    inner: DefaultResolver,
    allow_private: bool,
}

impl Resolver for GuardResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let resolved = self.inner.resolve(uri, config, timeout)?;
        if self.allow_private {
            return Ok(resolved);
        }
        let mut out = self.inner.empty();
        let mut refused: Option<(SocketAddr, &'static str)> = None;
        for addr in resolved.iter() {
            match restricted_kind(addr.ip()) {
                Some(kind) => refused = refused.or(Some((*addr, kind))),
                None => out.push(*addr),
            }
        }
        match refused {
            // One restricted address is enough to refuse: a name that resolves both ways
            // is a rebinding attempt or a misconfiguration, and neither should be followed.
            Some((addr, kind)) => Err(ureq::Error::Io(std::io::Error::new(
                ErrorKind::PermissionDenied,
                format!("{REFUSED}{}|{kind}", addr.ip()),
            ))),
            None if out.is_empty() => Err(ureq::Error::HostNotFound),
            None => Ok(out),
        }
    }
}

impl Client {
    /// A client with `limits`.
    pub fn new(limits: Limits) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .timeout_global(Some(limits.timeout))
            .user_agent(limits.user_agent.as_str())
            .build();
        let agent = ureq::Agent::with_parts(
            config,
            DefaultConnector::new(),
            GuardResolver {
                inner: DefaultResolver::default(),
                allow_private: limits.allow_private,
            },
        );
        Client { agent, limits }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Sends `method` to `url` with `headers`, following redirects within the limits, and
    /// reads the final body when `read_body` (GET only).
    ///
    /// # Errors
    /// See [`HttpError`]: an HTTP error status is not an error (it is in the response).
    pub fn fetch(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, String)],
        read_body: bool,
    ) -> Result<Response, HttpError> {
        let first = parse_http(url)?;
        let mut current = first.clone();
        let mut visited = vec![current.as_str().to_owned()];
        let mut redirects = Vec::new();
        let mut headers: Vec<(&str, String)> = headers.to_vec();
        let mut method = method;
        loop {
            let mut response = self.send(method, &current, &headers)?;
            let status = response.status().as_u16();
            if matches!(status, 301 | 302 | 303 | 307 | 308)
                && let Some(location) = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
            {
                if redirects.len() as u32 >= self.limits.max_redirects {
                    return Err(HttpError::Redirects {
                        url: first.to_string(),
                        what: format!("more than {} redirects", self.limits.max_redirects),
                    });
                }
                let next = current.join(location).map_err(|e| HttpError::InvalidUrl {
                    url: location.to_owned(),
                    reason: e.to_string(),
                })?;
                if !matches!(next.scheme(), "http" | "https") {
                    return Err(HttpError::InvalidUrl {
                        url: next.to_string(),
                        reason: "a redirect to a scheme other than http(s)".to_owned(),
                    });
                }
                if visited.iter().any(|v| v == next.as_str()) {
                    return Err(HttpError::Redirects {
                        url: first.to_string(),
                        what: format!("a redirect loop back to {next}"),
                    });
                }
                if next.host_str() != current.host_str()
                    || next.port_or_known_default() != current.port_or_known_default()
                {
                    headers.retain(|(n, _)| {
                        !n.eq_ignore_ascii_case("authorization")
                            && !n.eq_ignore_ascii_case("private-token")
                    });
                }
                if status == 303 {
                    method = Method::Get;
                }
                redirects.push((status, next.to_string()));
                visited.push(next.to_string());
                current = next;
                continue;
            }
            let headers_out: Vec<(String, String)> = response
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_ascii_lowercase(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = if read_body && method == Method::Get {
                response
                    .body_mut()
                    .with_config()
                    .limit(self.limits.max_body)
                    .read_to_vec()
                    .map_err(|e| self.error(current.as_str(), e))?
            } else {
                Vec::new()
            };
            return Ok(Response {
                status,
                headers: headers_out,
                body,
                url: current.to_string(),
                redirects,
            });
        }
    }

    fn send(
        &self,
        method: Method,
        url: &Url,
        headers: &[(&str, String)],
    ) -> Result<ureq::http::Response<ureq::Body>, HttpError> {
        let result = match method {
            Method::Get => {
                let mut r = self.agent.get(url.as_str());
                for (n, v) in headers {
                    r = r.header(*n, v.as_str());
                }
                r.call()
            }
            Method::Head => {
                let mut r = self.agent.head(url.as_str());
                for (n, v) in headers {
                    r = r.header(*n, v.as_str());
                }
                r.call()
            }
        };
        result.map_err(|e| self.error(url.as_str(), e))
    }

    fn error(&self, url: &str, e: ureq::Error) -> HttpError {
        let url = url.to_owned();
        match e {
            ureq::Error::Timeout(_) => HttpError::Timeout {
                url,
                millis: u64::try_from(self.limits.timeout.as_millis()).unwrap_or(u64::MAX),
            },
            ureq::Error::BodyExceedsLimit(limit) => HttpError::TooLarge { url, limit },
            ureq::Error::HostNotFound => HttpError::UnknownHost { url },
            ureq::Error::Io(io) => {
                let text = io.to_string();
                if let Some(rest) = text.strip_prefix(REFUSED) {
                    let (address, kind) = rest.split_once('|').unwrap_or((rest, "restricted"));
                    return HttpError::Refused {
                        url,
                        address: address.to_owned(),
                        kind: kind.to_owned(),
                    };
                }
                match io.kind() {
                    ErrorKind::TimedOut | ErrorKind::WouldBlock => HttpError::Timeout {
                        url,
                        millis: u64::try_from(self.limits.timeout.as_millis()).unwrap_or(u64::MAX),
                    },
                    _ => HttpError::Connection { url, message: text },
                }
            }
            other => HttpError::Connection {
                url,
                message: other.to_string(),
            },
        }
    }
}

fn parse_http(url: &str) -> Result<Url, HttpError> {
    let parsed = Url::parse(url).map_err(|e| HttpError::InvalidUrl {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(HttpError::InvalidUrl {
            url: url.to_owned(),
            reason: "only http(s) URLs with a host can be fetched".to_owned(),
        });
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restricted_addresses() {
        for (ip, kind) in [
            ("127.0.0.1", Some("loopback")),
            ("10.1.2.3", Some("private")),
            ("172.16.0.1", Some("private")),
            ("192.168.1.1", Some("private")),
            ("169.254.169.254", Some("link-local")),
            ("0.0.0.0", Some("unspecified")),
            ("100.64.0.1", Some("shared (carrier-grade NAT)")),
            ("::1", Some("loopback")),
            ("fd00::1", Some("private")),
            ("fe80::1", Some("link-local")),
            ("::ffff:127.0.0.1", Some("loopback")),
            ("::ffff:10.0.0.1", Some("private")),
            ("93.184.216.34", None),
            ("2606:2800:220:1::1", None),
        ] {
            let parsed: IpAddr = ip.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
            assert_eq!(restricted_kind(parsed), kind, "{ip}");
        }
    }
}
