//! From a project's source URL to the repository on a forge: which forge, which API, which
//! owner and name. A URL that is not a repository (a user or group page, a directory inside a
//! repository) is refused with a reason and the repository's own address where it can be
//! derived.

use url::Url;

use crate::model::{ForgeKind, HealthConfig};

/// A repository on a forge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoRef {
    /// The forge software.
    pub forge: ForgeKind,
    /// The host of the source URL (lower case, with a port if one was given).
    pub host: String,
    /// The repository's path on the forge: `owner/name` (GitLab: `group/subgroup/name`).
    pub path: String,
    /// The API base URL, without a trailing slash.
    pub api_base: String,
    /// The environment variable holding a token for this forge: a built-in forge's own
    /// (`GITHUB_TOKEN`, …) or, for one from `[[health.forges]]`, the name
    /// [`token_variable`] derives from its host. Never a name the catalog chose.
    pub token_env: String,
    /// Which API bases that token may be sent to.
    pub token_scope: TokenScope,
}

impl RepoRef {
    /// The repository's web address, `https://HOST/PATH`.
    pub fn web_url(&self) -> String {
        format!("https://{}/{}", self.host, self.path)
    }

    /// Why this forge's token must not be sent to [`RepoRef::api_base`], or `None` when it
    /// may be. `allow_http`: a self-hosted forge's API may be plain http (an intranet forge,
    /// the tests; `--allow-private`). For an API base given on the command line, the caller
    /// makes that base's origin the scope.
    pub fn token_refusal(&self, allow_http: bool) -> Option<String> {
        let Ok(api) = Url::parse(&self.api_base) else {
            return Some(format!("`{}` is not a URL", self.api_base));
        };
        match &self.token_scope {
            TokenScope::Origin(origin) => {
                let same = Url::parse(origin).is_ok_and(|o| o.origin() == api.origin());
                (!same).then(|| {
                    format!(
                        "the catalog points this forge's API at {}, not at {origin}",
                        origin_of(&api)
                    )
                })
            }
            TokenScope::Host(host) => {
                // `host` is lower case, as `url` gives a domain.
                let split = host
                    .rsplit_once(':')
                    .and_then(|(n, p)| Some((n, p.parse::<u16>().ok()?)));
                let (name, port) = match split {
                    Some((n, p)) => (n, Some(p)),
                    None => (host.as_str(), None),
                };
                if api.host_str() != Some(name)
                    || port.is_some_and(|p| Some(p) != api.port_or_known_default())
                {
                    return Some(format!(
                        "the catalog points this forge's API at {}, which is not on the forge's own host {host}",
                        origin_of(&api)
                    ));
                }
                match api.scheme() {
                    "https" => None,
                    "http" if allow_http => None,
                    _ => Some(format!("the forge's API {} is not https", origin_of(&api))),
                }
            }
        }
    }
}

/// `scheme://host[:port]` of `url`, for messages (never a path or query).
fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// Which API bases may receive a forge's token: the catalog (a stranger's pull request)
/// may configure where a forge's API is, but must not be able to send a token elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenScope {
    /// A built-in forge, or an API base given on the command line: only that API, exactly
    /// this scheme, host and port (`https://api.github.com`).
    Origin(String),
    /// A forge from `[[health.forges]]`: an API on the forge's own host (`host` or
    /// `host:port`, as configured), over https (self-hosted GitLab and Forgejo/Gitea serve
    /// their API there).
    Host(String),
}

/// The environment variable holding the token of the self-hosted forge at `host`:
/// `DIGIFARM_TOKEN_` and the host in upper case, `.` and the port's `:` written `_`, `-`
/// written `__`. Derived, so that a catalog cannot name another secret of the environment;
/// and one to one for names a public host can have, so that a lookalike host a pull request
/// adds (`gitlab-opencode.de` beside `gitlab.opencode.de`) cannot read the city's token.
/// Only names no public host can have share a variable: an empty label (`a..b`), a label
/// that starts or ends with `-` (`a-.b`, `a.-b`), a last label of digits (`x.example.8443`
/// beside `x.example:8443`).
///
/// ```
/// use digifarm_core::health::repo::token_variable;
/// assert_eq!(token_variable("gitlab.opencode.de"), "DIGIFARM_TOKEN_GITLAB_OPENCODE_DE");
/// assert_eq!(token_variable("gitlab-opencode.de"), "DIGIFARM_TOKEN_GITLAB__OPENCODE_DE");
/// assert_eq!(token_variable("git.example.org:8443"), "DIGIFARM_TOKEN_GIT_EXAMPLE_ORG_8443");
/// ```
pub fn token_variable(host: &str) -> String {
    let mut name = String::from("DIGIFARM_TOKEN_");
    for c in host.chars() {
        match c.to_ascii_uppercase() {
            c @ ('A'..='Z' | '0'..='9') => name.push(c),
            '-' => name.push_str("__"),
            // `.` and `:`; `[[health.forges]]` hosts hold nothing else (the schema's pattern).
            _ => name.push('_'),
        }
    }
    name
}

/// The environment variable with the token of the forge at `host` (as `[[health.forges]]`
/// or a source URL names it): a built-in forge's own (`GITHUB_TOKEN`), else the one derived
/// from the host ([`token_variable`]).
pub fn token_env_for(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    let bare = host.strip_prefix("www.").unwrap_or(&host);
    BUILTIN
        .iter()
        .find(|b| b.0 == bare)
        .map_or_else(|| token_variable(&host), |b| b.3.to_owned())
}

/// A forge as [`forge_for_host`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forge {
    /// The forge software.
    pub kind: ForgeKind,
    /// The API base URL, without a trailing slash.
    pub api_base: String,
    /// The environment variable holding its token (see [`RepoRef::token_env`]).
    pub token_env: String,
    /// Where that token may go.
    pub token_scope: TokenScope,
}

/// Why a source URL cannot be read as a repository.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RepoUrlError {
    /// Not a URL at all, or a scheme that is not http(s), git or ssh.
    #[error("`{url}` is not a repository URL: {reason}")]
    Invalid {
        /// The URL.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The host is not a forge digifarm knows.
    #[error(
        "`{host}` is not a forge digifarm knows (github.com, gitlab.com, codeberg.org, bitbucket.org or one in [[health.forges]])"
    )]
    UnknownForge {
        /// The host.
        host: String,
    },
    /// The URL points at something else on a known forge.
    #[error("`{url}` is {what}, not a repository")]
    NotARepository {
        /// The URL.
        url: String,
        /// What it is ("a user or organisation page", "a directory inside a repository").
        what: String,
        /// The repository's own URL, when it can be derived.
        repository: Option<String>,
    },
}

/// The built-in forges: host, kind, API base, token variable.
const BUILTIN: [(&str, ForgeKind, &str, &str); 4] = [
    (
        "github.com",
        ForgeKind::Github,
        "https://api.github.com",
        "GITHUB_TOKEN",
    ),
    (
        "gitlab.com",
        ForgeKind::Gitlab,
        "https://gitlab.com/api/v4",
        "GITLAB_TOKEN",
    ),
    (
        "codeberg.org",
        ForgeKind::Gitea,
        "https://codeberg.org/api/v1",
        "CODEBERG_TOKEN",
    ),
    (
        "bitbucket.org",
        ForgeKind::Bitbucket,
        "https://api.bitbucket.org/2.0",
        "BITBUCKET_TOKEN",
    ),
];

/// The default API base of a self-hosted forge of `kind` at `host`.
pub fn default_api_base(kind: ForgeKind, host: &str) -> String {
    match kind {
        ForgeKind::Github => format!("https://api.{host}"),
        ForgeKind::Gitlab => format!("https://{host}/api/v4"),
        ForgeKind::Gitea => format!("https://{host}/api/v1"),
        ForgeKind::Bitbucket => format!("https://api.{host}/2.0"),
    }
}

/// The forge serving `host`: from `[[health.forges]]` first, then the built-in ones.
///
/// The token variable and where the token may go never come from the catalog: a built-in
/// host keeps its own variable and API (another `api` configured for it gets no token), a
/// self-hosted forge's variable is derived from its host ([`token_variable`]). A
/// `token_env` in the config is ignored (loading reports it).
pub fn forge_for_host(host: &str, config: &HealthConfig) -> Option<Forge> {
    let host = host.to_ascii_lowercase();
    let bare = host.strip_prefix("www.").unwrap_or(&host);
    let builtin = BUILTIN.iter().find(|b| b.0 == bare);
    if let Some(f) = config
        .forges
        .iter()
        .find(|f| f.host.eq_ignore_ascii_case(bare) || f.host.eq_ignore_ascii_case(&host))
    {
        let api = f.api.clone().unwrap_or_else(|| match builtin {
            Some(b) if b.1 == f.kind => b.2.to_owned(),
            _ => default_api_base(f.kind, bare),
        });
        let token_scope = match builtin {
            Some(b) => TokenScope::Origin(b.2.to_owned()),
            None => TokenScope::Host(f.host.to_ascii_lowercase()),
        };
        let token_env = token_env_for(&f.host);
        return Some(Forge {
            kind: f.kind,
            api_base: api.trim_end_matches('/').to_owned(),
            token_env,
            token_scope,
        });
    }
    builtin.map(|b| Forge {
        kind: b.1,
        api_base: b.2.to_owned(),
        token_env: b.3.to_owned(),
        token_scope: TokenScope::Origin(b.2.to_owned()),
    })
}

/// Reads `source` as a repository on a known forge.
///
/// ```
/// use digifarm_core::{health::repo, model::{ForgeKind, HealthConfig}};
/// let config = HealthConfig::default();
/// let r = repo::parse("https://github.com/codeformuenster/sitzplan-rat.git", &config).unwrap();
/// assert_eq!((r.forge, r.path.as_str()), (ForgeKind::Github, "codeformuenster/sitzplan-rat"));
/// assert!(repo::parse("https://github.com/KlimaHeroes", &config).is_err());
/// ```
///
/// # Errors
/// The URL is not a URL, its host is no known forge, or it names no repository.
pub fn parse(source: &str, config: &HealthConfig) -> Result<RepoRef, RepoUrlError> {
    let invalid = |reason: &str| RepoUrlError::Invalid {
        url: source.to_owned(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(source.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https" | "git" | "ssh") {
        return Err(invalid("the scheme must be https, http, git or ssh"));
    }
    let host = url
        .host_str()
        .ok_or_else(|| invalid("it has no host"))?
        .to_ascii_lowercase();
    let host_port = match url.port() {
        Some(p) if url.scheme() == "http" || url.scheme() == "https" => format!("{host}:{p}"),
        _ => host.clone(),
    };
    let Some(Forge {
        kind: forge,
        api_base,
        token_env,
        token_scope,
    }) = forge_for_host(&host_port, config).or_else(|| forge_for_host(&host, config))
    else {
        return Err(RepoUrlError::UnknownForge { host: host_port });
    };
    let web_host = host_port
        .strip_prefix("www.")
        .unwrap_or(&host_port)
        .to_owned();
    let mut segments: Vec<String> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    // An SSH address of GitLab or GitHub may carry the repository as `host:owner/name`,
    // which URL parsing cannot see; those are written `ssh://git@host/owner/name` here.
    if let Some(last) = segments.last_mut()
        && let Some(stripped) = last.strip_suffix(".git")
    {
        *last = stripped.to_owned();
    }
    let not_repo = |what: &str, repository: Option<String>| RepoUrlError::NotARepository {
        url: source.to_owned(),
        what: what.to_owned(),
        repository,
    };
    let repo_url = |parts: &[String]| format!("https://{web_host}/{}", parts.join("/"));
    let path = match forge {
        ForgeKind::Github | ForgeKind::Gitea | ForgeKind::Bitbucket => {
            const PAGES: [&str; 8] = [
                "orgs", "users", "settings", "topics", "explore", "org", "user", "repos",
            ];
            match segments.len() {
                0 => return Err(not_repo("the forge's start page", None)),
                1 => return Err(not_repo("a user or organisation page", None)),
                _ if PAGES.contains(&segments[0].as_str()) => {
                    return Err(not_repo("a user or organisation page", None));
                }
                2 => segments.join("/"),
                _ => {
                    let what = match segments[2].as_str() {
                        "tree" | "src" | "blob" | "raw" => {
                            "a directory or file inside a repository"
                        }
                        _ => "a page inside a repository",
                    };
                    return Err(not_repo(what, Some(repo_url(&segments[..2]))));
                }
            }
        }
        ForgeKind::Gitlab => {
            if let Some(dash) = segments.iter().position(|s| s == "-") {
                if dash >= 2 {
                    return Err(not_repo(
                        "a directory, file or page inside a repository",
                        Some(repo_url(&segments[..dash])),
                    ));
                }
                return Err(not_repo("a page of the forge", None));
            }
            match segments.len() {
                0 => return Err(not_repo("the forge's start page", None)),
                _ if segments[0] == "groups" || segments[0] == "users" => {
                    return Err(not_repo("a user or group page", None));
                }
                1 => return Err(not_repo("a user or group page", None)),
                _ => segments.join("/"),
            }
        }
    };
    Ok(RepoRef {
        forge,
        host: web_host,
        path,
        api_base,
        token_env,
        token_scope,
    })
}

/// Whether two repository paths name the same repository (forges compare them ignoring
/// case).
pub fn same_path(a: &str, b: &str) -> bool {
    a.trim_matches('/')
        .eq_ignore_ascii_case(b.trim_matches('/'))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::ForgeConfig;

    fn cfg() -> HealthConfig {
        HealthConfig {
            forges: vec![ForgeConfig {
                host: "gitlab.opencode.de".to_owned(),
                kind: ForgeKind::Gitlab,
                api: None,
                token_env: Some("OPENCODE_TOKEN".to_owned()),
            }],
            ..HealthConfig::default()
        }
    }

    #[test]
    fn repositories_on_each_forge() {
        let c = cfg();
        for (url, forge, path, api) in [
            (
                "https://github.com/codeformuenster/sitzplan-rat",
                ForgeKind::Github,
                "codeformuenster/sitzplan-rat",
                "https://api.github.com",
            ),
            (
                "https://github.com/meine-stadt-transparent/meine-stadt-transparent/",
                ForgeKind::Github,
                "meine-stadt-transparent/meine-stadt-transparent",
                "https://api.github.com",
            ),
            (
                "https://www.github.com/a/b.git",
                ForgeKind::Github,
                "a/b",
                "https://api.github.com",
            ),
            (
                "ssh://git@github.com/a/b.git",
                ForgeKind::Github,
                "a/b",
                "https://api.github.com",
            ),
            (
                "https://gitlab.com/data-inspire-me/data-inspire-me",
                ForgeKind::Gitlab,
                "data-inspire-me/data-inspire-me",
                "https://gitlab.com/api/v4",
            ),
            (
                "https://gitlab.opencode.de/bmi/opendesk/deployment",
                ForgeKind::Gitlab,
                "bmi/opendesk/deployment",
                "https://gitlab.opencode.de/api/v4",
            ),
            (
                "https://codeberg.org/forgejo/forgejo",
                ForgeKind::Gitea,
                "forgejo/forgejo",
                "https://codeberg.org/api/v1",
            ),
            (
                "https://bitbucket.org/ws/repo",
                ForgeKind::Bitbucket,
                "ws/repo",
                "https://api.bitbucket.org/2.0",
            ),
        ] {
            let r = parse(url, &c).unwrap();
            assert_eq!(
                (r.forge, r.path.as_str(), r.api_base.as_str()),
                (forge, path, api),
                "{url}"
            );
        }
        // The token variable is derived from the host: the config's `token_env` is ignored.
        assert_eq!(
            parse("https://gitlab.opencode.de/a/b", &c)
                .unwrap()
                .token_env,
            "DIGIFARM_TOKEN_GITLAB_OPENCODE_DE"
        );
    }

    /// A lookalike host a pull request could add must not derive the city's variable.
    #[test]
    fn token_variables_keep_lookalike_hosts_apart() {
        let hosts = [
            "gitlab.opencode.de",
            "gitlab-opencode.de",
            "gitlab.opencode-de",
            "git-lab.opencode.de",
            "git.lab.opencode.de",
            "gitlab.opencode.de:8443",
            "gitlab.opencode.de8443",
        ];
        let names: std::collections::BTreeSet<String> =
            hosts.iter().map(|h| token_variable(h)).collect();
        assert_eq!(names.len(), hosts.len(), "{names:?}");
        assert_eq!(
            token_variable("GitLab.OpenCode.DE"),
            token_variable("gitlab.opencode.de")
        );
    }

    #[test]
    fn a_token_goes_only_where_the_catalog_cannot_choose() {
        let forge = |host: &str, kind, api: Option<&str>| ForgeConfig {
            host: host.to_owned(),
            kind,
            api: api.map(str::to_owned),
            token_env: Some("AWS_SECRET_ACCESS_KEY".to_owned()),
        };
        let with = |forges| HealthConfig {
            forges,
            ..HealthConfig::default()
        };
        // A built-in forge: its own variable, and only to its own API.
        let r = parse("https://github.com/o/r", &HealthConfig::default()).unwrap();
        assert_eq!(r.token_env, "GITHUB_TOKEN");
        assert_eq!(r.token_refusal(false), None);
        let c = with(vec![forge(
            "github.com",
            ForgeKind::Github,
            Some("https://attacker.example"),
        )]);
        let r = parse("https://github.com/o/r", &c).unwrap();
        assert_eq!(r.token_env, "GITHUB_TOKEN");
        assert!(
            r.token_refusal(true)
                .unwrap()
                .contains("https://attacker.example")
        );
        for api in [
            "http://api.github.com",
            "https://api.github.com:8443",
            "https://api.github.com.attacker.example",
        ] {
            let c = with(vec![forge("github.com", ForgeKind::Github, Some(api))]);
            assert!(
                parse("https://github.com/o/r", &c)
                    .unwrap()
                    .token_refusal(true)
                    .is_some(),
                "{api}"
            );
        }
        let c = with(vec![forge(
            "gitlab.com",
            ForgeKind::Gitlab,
            Some("https://gitlab.com/api/v4/"),
        )]);
        let r = parse("https://gitlab.com/g/p", &c).unwrap();
        assert_eq!(
            (r.token_env.as_str(), r.token_refusal(false)),
            ("GITLAB_TOKEN", None)
        );

        // A self-hosted forge: the derived variable, only to an API on its own host.
        let c = with(vec![forge("gitlab.opencode.de", ForgeKind::Gitlab, None)]);
        let r = parse("https://gitlab.opencode.de/a/b", &c).unwrap();
        assert_eq!(r.token_env, "DIGIFARM_TOKEN_GITLAB_OPENCODE_DE");
        assert_eq!(r.token_refusal(false), None);
        for (api, allow_http, ok) in [
            ("https://attacker.example/api/v4", true, false),
            (
                "https://gitlab.opencode.de.attacker.example/api/v4",
                true,
                false,
            ),
            ("http://gitlab.opencode.de/api/v4", false, false),
            ("http://gitlab.opencode.de/api/v4", true, true),
            ("https://GITLAB.opencode.de:443/api/v4", false, true),
        ] {
            let c = with(vec![forge(
                "gitlab.opencode.de",
                ForgeKind::Gitlab,
                Some(api),
            )]);
            let r = parse("https://gitlab.opencode.de/a/b", &c).unwrap();
            assert_eq!(r.token_refusal(allow_http).is_none(), ok, "{api}");
        }
        // With a port in the host, the API must use that port.
        let c = with(vec![forge(
            "127.0.0.1:8080",
            ForgeKind::Gitea,
            Some("http://127.0.0.1:8080/gitea"),
        )]);
        let r = parse("https://127.0.0.1:8080/o/f", &c).unwrap();
        assert_eq!(r.token_env, "DIGIFARM_TOKEN_127_0_0_1_8080");
        assert_eq!(r.token_refusal(true), None);
        let c = with(vec![forge(
            "127.0.0.1:8080",
            ForgeKind::Gitea,
            Some("http://127.0.0.1:9090/gitea"),
        )]);
        assert!(
            parse("https://127.0.0.1:8080/o/f", &c)
                .unwrap()
                .token_refusal(true)
                .is_some()
        );
    }

    #[test]
    fn pages_that_are_not_repositories() {
        let c = cfg();
        for (url, what, repo) in [
            (
                "https://github.com/KlimaHeroes",
                "a user or organisation page",
                None,
            ),
            (
                "https://github.com/orgs/codeformuenster/repositories",
                "a user or organisation page",
                None,
            ),
            (
                "https://github.com/o/r/tree/master/Python",
                "a directory or file inside a repository",
                Some("https://github.com/o/r"),
            ),
            (
                "https://bitbucket.org/ws/repo/src/dev/",
                "a directory or file inside a repository",
                Some("https://bitbucket.org/ws/repo"),
            ),
            (
                "https://gitlab.com/groups/data-inspire-me",
                "a user or group page",
                None,
            ),
            ("https://gitlab.com/timohaase", "a user or group page", None),
            (
                "https://gitlab.com/g/sub/p/-/tree/main/src",
                "a directory, file or page inside a repository",
                Some("https://gitlab.com/g/sub/p"),
            ),
            (
                "https://codeberg.org/forgejo",
                "a user or organisation page",
                None,
            ),
        ] {
            match parse(url, &c) {
                Err(RepoUrlError::NotARepository {
                    what: w,
                    repository,
                    ..
                }) => {
                    assert_eq!(w, what, "{url}");
                    assert_eq!(repository.as_deref(), repo, "{url}");
                }
                other => panic!("{url}: {other:?}"),
            }
        }
        assert!(matches!(
            parse("https://git.example.org/a/b", &c),
            Err(RepoUrlError::UnknownForge { .. })
        ));
        assert!(matches!(
            parse("not a url", &c),
            Err(RepoUrlError::Invalid { .. })
        ));
        assert!(matches!(
            parse("ftp://github.com/a/b", &c),
            Err(RepoUrlError::Invalid { .. })
        ));
    }
}
