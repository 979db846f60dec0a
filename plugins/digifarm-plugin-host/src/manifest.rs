//! `plugin.toml`: what a plugin is and what it asks for.

use std::path::{Path, PathBuf};

use digifarm_core::model::PluginLimits;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use digifarm_plugin_codec::Version;

/// The version of the WIT package `digifarm:plugin` this host implements.
pub const API_VERSION: &str = "0.1.0";

/// The kind of a plugin: which world of `digifarm:plugin` it implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Projects in, diagnostics out.
    Validator,
    /// Need/offer candidates in, scores out.
    Scorer,
    /// Catalog in, bytes out.
    Exporter,
    /// Bytes in, records out.
    Importer,
}

impl Kind {
    /// The world's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Validator => "validator",
            Kind::Scorer => "scorer",
            Kind::Exporter => "exporter",
            Kind::Importer => "importer",
        }
    }

    /// The function the world exports.
    pub fn export_name(self) -> &'static str {
        match self {
            Kind::Validator => "validate",
            Kind::Scorer => "score",
            Kind::Exporter => "export-catalog",
            Kind::Importer => "import-records",
        }
    }

    /// Every kind.
    pub const ALL: [Kind; 4] = [
        Kind::Validator,
        Kind::Scorer,
        Kind::Exporter,
        Kind::Importer,
    ];
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `plugin.toml`, the manifest beside each `.wasm`.
///
/// ```toml
/// id = "muenster-admission"
/// name = "Münster admission criteria"
/// version = "0.1.0"
/// api_version = "0.1.0"
/// kind = "validator"
/// license = "EUPL-1.2"
/// sha256 = "…64 hex digits of the .wasm…"
/// capabilities = []
/// [limits]
/// memory_mb = 16
/// timeout_ms = 1000
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Stable id, kebab-case; prefixes the plugin's diagnostic codes.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// The plugin's own version.
    pub version: String,
    /// The `digifarm:plugin` version it targets.
    pub api_version: String,
    /// Which world it implements.
    pub kind: Kind,
    /// The plugin's licence, an SPDX expression (checked against the city's policy).
    pub license: String,
    /// sha256 of the `.wasm` file, lowercase hex.
    pub sha256: String,
    /// One line about what it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// WASI capabilities it needs (`clocks`, `random`, `environment`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<String>,
    /// Limits it asks for.
    #[serde(default)]
    pub limits: PluginLimits,
    /// The encoding version of the input it reads: 1 (the default, what Rust plugins read),
    /// 2 (strings as character offsets, and an index of where each record's fields start,
    /// which the Python SDK reads) or 3 (version 2 with text in ASCII, which the JavaScript
    /// SDK reads; see `digifarm-plugin-codec`).
    #[serde(default = "encoding_1", skip_serializing_if = "is_encoding_1")]
    pub encoding: u32,
}

fn encoding_1() -> u32 {
    1
}

fn is_encoding_1(n: &u32) -> bool {
    *n == 1
}

impl Manifest {
    /// Where the manifest of `wasm` lies: `<stem>.plugin.toml` if it exists, else
    /// `plugin.toml`, both in the wasm file's directory.
    pub fn path_for(wasm: &Path) -> PathBuf {
        let dir = wasm.parent().unwrap_or(Path::new("."));
        if let Some(stem) = wasm.file_stem().and_then(|s| s.to_str()) {
            let specific = dir.join(format!("{stem}.plugin.toml"));
            if specific.is_file() {
                return specific;
            }
        }
        dir.join("plugin.toml")
    }

    /// The encoding version of the plugin's input.
    pub fn version(&self) -> Version {
        Version::from_number(self.encoding).unwrap_or_default()
    }

    /// Reads and checks the manifest of `wasm`. `label` names the plugin in errors.
    ///
    /// # Errors
    /// [`ErrorKind::Io`], [`ErrorKind::Manifest`] or [`ErrorKind::IncompatibleApiVersion`].
    pub fn read_for(wasm: &Path, label: &str) -> Result<Manifest> {
        let path = Manifest::path_for(wasm);
        let text = std::fs::read_to_string(&path).map_err(|source| {
            Error::new(
                label,
                ErrorKind::Io {
                    path: path.clone(),
                    source,
                },
            )
        })?;
        Manifest::parse(&text, &path, label)
    }

    /// Parses and checks manifest text.
    ///
    /// # Errors
    /// [`ErrorKind::Manifest`] or [`ErrorKind::IncompatibleApiVersion`].
    pub fn parse(text: &str, path: &Path, label: &str) -> Result<Manifest> {
        let bad = |message: String| {
            Error::new(
                label,
                ErrorKind::Manifest {
                    path: path.to_owned(),
                    message,
                },
            )
        };
        let manifest: Manifest = toml::from_str(text).map_err(|e| bad(e.message().to_owned()))?;
        let label = manifest.id.clone();
        let bad = |message: String| {
            Error::new(
                label.clone(),
                ErrorKind::Manifest {
                    path: path.to_owned(),
                    message,
                },
            )
        };
        if !is_kebab(&manifest.id) || manifest.id.len() > 64 {
            return Err(bad(format!(
                "id `{}` must be kebab-case ([a-z0-9]+(-[a-z0-9]+)*), at most 64 characters",
                manifest.id
            )));
        }
        // Text that `plugin info` and errors show: printable, of sensible length.
        let mut texts: Vec<(&str, &str, usize)> = vec![
            ("name", &manifest.name, 200),
            ("version", &manifest.version, 64),
            ("api_version", &manifest.api_version, 64),
            ("license", &manifest.license, 1000),
        ];
        if let Some(d) = &manifest.description {
            texts.push(("description", d, 500));
        }
        for c in &manifest.capabilities {
            texts.push(("capabilities", c, 64));
        }
        for (field, text, max) in texts {
            if text.chars().any(digifarm_core::diagnostic::is_unprintable) {
                return Err(bad(format!(
                    "`{field}` contains a control character or a bidirectional override (`{}`)",
                    digifarm_core::diagnostic::printable(text, 80)
                )));
            }
            if text.chars().count() > max {
                return Err(bad(format!("`{field}` is longer than {max} characters")));
            }
        }
        if digifarm_core::diagnostic::is_blank(&manifest.name) {
            return Err(bad("`name` is empty".to_owned()));
        }
        if manifest.sha256.len() != 64
            || !manifest
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(bad("sha256 must be 64 lowercase hex digits".to_owned()));
        }
        if Version::from_number(manifest.encoding).is_none() {
            return Err(bad(format!(
                "encoding {} is not one this host writes (1, 2 or 3)",
                manifest.encoding
            )));
        }
        if !api_compatible(&manifest.api_version) {
            return Err(Error::new(
                label,
                ErrorKind::IncompatibleApiVersion {
                    found: manifest.api_version.clone(),
                    supported: API_VERSION.to_owned(),
                },
            ));
        }
        Ok(manifest)
    }
}

/// Whether a plugin built against `version` runs on this host: same `0.minor` (semver rules for
/// 0.x: patch releases are compatible).
pub fn api_compatible(version: &str) -> bool {
    let mut want = version.trim().split('.');
    let mut have = API_VERSION.split('.');
    matches!(
        (want.next(), have.next(), want.next(), have.next()),
        (Some(a), Some(b), Some(c), Some(d)) if a == b && c == d
    ) && want.next().is_some_and(|p| p.parse::<u32>().is_ok())
}

pub(crate) fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions() {
        assert!(api_compatible("0.1.0"));
        assert!(api_compatible("0.1.7"));
        assert!(!api_compatible("0.2.0"));
        assert!(!api_compatible("1.1.0"));
        assert!(!api_compatible("0.1"));
    }

    #[test]
    fn encoding_versions() {
        let text = |extra: &str| {
            format!(
                "id = \"p\"\nname = \"P\"\nversion = \"1\"\napi_version = \"0.1.0\"\n{extra}\
                 kind = \"validator\"\nlicense = \"MIT\"\nsha256 = \"{}\"\n",
                "0".repeat(64)
            )
        };
        let parse = |extra: &str| Manifest::parse(&text(extra), Path::new("plugin.toml"), "p");
        assert_eq!(parse("").map(|m| m.version()).ok(), Some(Version::V1));
        assert_eq!(
            parse("encoding = 2\n").map(|m| m.version()).ok(),
            Some(Version::V2)
        );
        assert_eq!(
            parse("encoding = 3\n").map(|m| m.version()).ok(),
            Some(Version::V3)
        );
        for bad in ["encoding = 4\n", "encoding = 0\n"] {
            let err = parse(bad).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(
                err.contains("is not one this host writes (1, 2 or 3)"),
                "{err}"
            );
        }
        let err = parse("encoding = \"2\"\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("expected u32"), "{err}");
    }

    #[test]
    fn kebab() {
        assert!(is_kebab("city-link"));
        assert!(is_kebab("a1"));
        assert!(!is_kebab("City"));
        assert!(!is_kebab("a--b"));
        assert!(!is_kebab("-a"));
        assert!(!is_kebab(""));
        assert!(!is_kebab("a/b"));
    }
}
