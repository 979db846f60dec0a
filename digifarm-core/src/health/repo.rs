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
    /// The environment variable holding a token for this forge, if any.
    pub token_env: Option<String>,
}

impl RepoRef {
    /// The repository's web address, `https://HOST/PATH`.
    pub fn web_url(&self) -> String {
        format!("https://{}/{}", self.host, self.path)
    }
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
/// Returns the kind, API base and token variable.
pub fn forge_for_host(
    host: &str,
    config: &HealthConfig,
) -> Option<(ForgeKind, String, Option<String>)> {
    let host = host.to_ascii_lowercase();
    let bare = host.strip_prefix("www.").unwrap_or(&host);
    if let Some(f) = config
        .forges
        .iter()
        .find(|f| f.host.eq_ignore_ascii_case(bare) || f.host.eq_ignore_ascii_case(&host))
    {
        let builtin = BUILTIN.iter().find(|b| b.0 == bare);
        let api = f.api.clone().unwrap_or_else(|| match builtin {
            Some(b) if b.1 == f.kind => b.2.to_owned(),
            _ => default_api_base(f.kind, bare),
        });
        let token = f
            .token_env
            .clone()
            .or_else(|| builtin.map(|b| b.3.to_owned()));
        return Some((f.kind, api.trim_end_matches('/').to_owned(), token));
    }
    BUILTIN
        .iter()
        .find(|b| b.0 == bare)
        .map(|b| (b.1, b.2.to_owned(), Some(b.3.to_owned())))
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
    let Some((forge, api_base, token_env)) =
        forge_for_host(&host_port, config).or_else(|| forge_for_host(&host, config))
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
        assert_eq!(
            parse("https://gitlab.opencode.de/a/b", &c)
                .unwrap()
                .token_env
                .as_deref(),
            Some("OPENCODE_TOKEN")
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
