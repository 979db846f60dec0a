//! The `[health]` settings that reach outside the config itself: the cache directory
//! `digifarm refresh` writes to, and the forges' tokens. A catalog arrives as a stranger's
//! pull request while `refresh` may run in CI with secrets in its environment, so neither
//! may lead out of the catalog nor choose a secret: checked here once, for `digifarm
//! validate` (at load) and for `refresh` (before it writes or sends anything).

use std::path::{Path, PathBuf};

use super::Catalog;
use super::confined::{ReadError, Root};
use crate::diagnostic::{Code, Diagnostic};
use crate::health::repo;

/// The directory below `cache_dir` that holds the cached HTTP answers.
pub const ANSWERS_DIR: &str = "http";

/// The HTTP cache directory of `[health] cache_dir` below the catalog directory `root`, or
/// the `outside-catalog` error when it is an absolute path, climbs out with `..` or passes a
/// symbolic link leading out of the catalog (nothing is created or written then). Asked of
/// the catalog's confined view ([`Root::kind`]), as the catalog's own files and plugins are.
///
/// # Errors
/// The diagnostic, at `/health/cache_dir` in `digifarm.toml`.
pub fn cache_dir(catalog: &Catalog, root: &Path) -> Result<PathBuf, Box<Diagnostic>> {
    let relative = Path::new(&catalog.config.health.cache_dir);
    // The cache's own directory for HTTP answers is checked too: a link committed there
    // would lead the writes out just the same.
    let checked = Root::open(root)
        .map_err(|source| ReadError::Io {
            path: root.to_owned(),
            source,
        })
        .and_then(|r| r.kind(&relative.join(ANSWERS_DIR)));
    match checked {
        Ok(_) => Ok(root.join(relative)),
        Err(e) => {
            let why = match e {
                ReadError::Outside { .. } => {
                    "resolves outside the catalog (an absolute path, `..` or a symbolic link leading out)".to_owned()
                }
                other => format!("cannot be checked: {other}"),
            };
            Err(Box::new(
                Diagnostic::new(
                    Code::OutsideCatalog,
                    catalog.config_file_path(),
                    "/health/cache_dir",
                    format!(
                        "`[health] cache_dir = \"{}\"` {why}; refresh does not use a cache there",
                        relative.display()
                    ),
                )
                .with_help(
                    "name a directory inside the catalog, e.g. the default `.digifarm-cache`",
                ),
            ))
        }
    }
}

/// Findings about `[health]` in the catalog at `root`: a `cache_dir` that leads out of the
/// catalog ([`cache_dir`]), and every `token_env` in `[[health.forges]]`
/// ([`token_env_findings`]).
pub fn findings(catalog: &Catalog, root: &Path) -> Vec<Diagnostic> {
    let mut out = token_env_findings(catalog);
    if let Err(d) = cache_dir(catalog, root) {
        out.insert(0, *d);
    }
    out
}

/// Every `token_env` in `[[health.forges]]`, which is ignored (`health-token-env-ignored`,
/// naming the variable to set instead).
pub fn token_env_findings(catalog: &Catalog) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let file = catalog.config_file_path();
    for (i, forge) in catalog.config.health.forges.iter().enumerate() {
        let Some(named) = &forge.token_env else {
            continue;
        };
        let instead = repo::token_env_for(&forge.host);
        out.push(
            Diagnostic::new(
                Code::HealthTokenEnvIgnored,
                file.clone(),
                format!("/health/forges/{i}/token_env"),
                format!(
                    "`token_env = \"{named}\"` is ignored: a catalog does not choose which secret refresh sends; the token of `{}` is read from `{instead}`",
                    forge.host
                ),
            )
            .with_help(format!(
                "remove `token_env` and set {instead} where refresh runs"
            )),
        );
    }
    out
}
