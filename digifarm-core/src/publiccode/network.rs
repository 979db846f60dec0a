//! The checks of a publiccode.yml that need the network: whether `url`, `landingURL`,
//! `roadmap`, the documentation links and remote logos and screenshots answer.
//!
//! Built on `ureq` (blocking, rustls): a maintained client whose name resolution can be
//! replaced, which is where the guard against server-side request forgery sits. Every
//! address a host name resolves to, for the first request and for every redirect, must be a
//! public one: loopback, private (RFC 1918, unique local), link-local, carrier-grade NAT,
//! multicast and unspecified addresses are refused unless the checker is built to allow
//! them (for tests against a server on 127.0.0.1). Requests have a timeout for the whole
//! exchange and follow at most five redirects.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use super::check::Network;

/// Checks URLs over HTTP(S).
#[derive(Debug)]
pub struct HttpChecker {
    agent: ureq::Agent,
}

impl HttpChecker {
    /// A checker with a timeout per URL; `allow_private` lets it reach private and loopback
    /// addresses (never for files from strangers).
    pub fn new(timeout: Duration, allow_private: bool) -> HttpChecker {
        let config = Config::builder()
            .timeout_global(Some(timeout))
            .max_redirects(5)
            .http_status_as_error(false)
            .user_agent(concat!("digifarm/", env!("CARGO_PKG_VERSION")))
            .build();
        HttpChecker {
            agent: ureq::Agent::with_parts(
                config,
                DefaultConnector::new(),
                GuardedResolver { allow_private },
            ),
        }
    }
}

impl Network for HttpChecker {
    fn check_url(&self, url: &str) -> Result<(), String> {
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            // git://, ssh://, … are not fetched.
            return Ok(());
        }
        match self.agent.get(url).call() {
            Ok(response) if response.status().is_success() => Ok(()),
            Ok(response) => Err(format!(
                "HTTP GET returned {}; 2xx was expected",
                response.status().as_u16()
            )),
            Err(ureq::Error::Timeout(_)) => Err("no answer within the timeout".to_owned()),
            Err(e) => Err(format!("HTTP GET failed: {e}")),
        }
    }
}

#[derive(Debug)]
struct GuardedResolver {
    allow_private: bool,
}

impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = DefaultResolver::default().resolve(uri, config, timeout)?;
        if !self.allow_private
            && let Some(refused) = addrs.iter().find(|a| !is_public(a))
        {
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "the address {} is not public (private, loopback or link-local addresses are refused)",
                    refused.ip()
                ),
            )));
        }
        Ok(addrs)
    }
}

/// Whether an address is on the public internet.
pub fn is_public(addr: &SocketAddr) -> bool {
    match addr.ip() {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(&SocketAddr::new(IpAddr::V4(v4), addr.port()));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_private_addresses() {
        let p = |s: &str| is_public(&s.parse::<SocketAddr>().unwrap_or_else(|_| unreachable!()));
        assert!(p("93.184.216.34:80") && p("[2606:2800:220:1::1]:443"));
        for private in [
            "127.0.0.1:80",
            "10.1.2.3:80",
            "172.16.0.1:80",
            "192.168.1.1:80",
            "169.254.169.254:80",
            "100.64.0.1:80",
            "0.0.0.0:80",
            "[::1]:80",
            "[fd00::1]:80",
            "[fe80::1]:80",
            "[::ffff:127.0.0.1]:80",
        ] {
            assert!(!p(private), "{private}");
        }
    }
}
