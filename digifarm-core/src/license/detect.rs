//! Licence-file detection (cargo feature `detection`): which licence a LICENSE/COPYING text
//! is, with a confidence, and whether it matches the licence a project declares.
//!
//! Built on the `spdx` crate's detection (askalono's n-gram matcher with its inline cache of
//! SPDX licence texts). Known quirk handled here: the Apache-2.0 text without its appendix
//! ("APPENDIX: How to apply the Apache License…") scores highest as `Pixar`, whose licence
//! is Apache-2.0 with a modified appendix; unless the text mentions Pixar we report
//! Apache-2.0.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use crate::catalog::confined::{EntryKind, ReadError, Root};

use spdx::detection::{Store, TextData};

use super::parse::{self, Licence};
use super::policy::Finding;
use crate::diagnostic::Code;

/// Scores below this are not reported as a licence.
const MIN_SCORE: f32 = 0.8;
/// Licence files larger than this are not read.
const MAX_FILE_BYTES: u64 = 1 << 20;

static STORE: LazyLock<Option<Store>> = LazyLock::new(|| Store::load_inline().ok());

/// What a licence text was detected as.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// The file the text came from (empty for [`detect_text`]).
    pub file: PathBuf,
    /// The SPDX id, if the best match is good enough.
    pub license: Option<String>,
    /// The best match's score, `0.0..=1.0`.
    pub confidence: f64,
    /// The best match even when below the threshold, for explanations.
    pub best_match: Option<String>,
    /// A remark (e.g. the Pixar quirk).
    pub note: Option<String>,
}

/// Why detection failed.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct DetectError {
    /// What went wrong.
    pub message: String,
    /// The underlying I/O error.
    #[source]
    pub source: Option<std::io::Error>,
    /// The file resolves outside the directory it was read from and was not read.
    pub outside: bool,
}

/// Detects the licence of a text.
pub fn detect_text(text: &str) -> Result<Detection, DetectError> {
    let Some(store) = STORE.as_ref() else {
        return Err(DetectError {
            message: "the licence text database could not be loaded".to_owned(),
            source: None,
            outside: false,
        });
    };
    let m = store.analyze(&TextData::new(text));
    let mut name = m.name.to_owned();
    let mut note = None;
    if name == "Pixar" && !text.to_lowercase().contains("pixar") {
        name = "Apache-2.0".to_owned();
        note = Some(
            "matched the Pixar licence, which is Apache-2.0 with a different appendix; the text does not mention Pixar, so this is Apache-2.0 without its appendix"
                .to_owned(),
        );
    }
    let confidence = f64::from(m.score);
    Ok(Detection {
        file: PathBuf::new(),
        license: (m.score >= MIN_SCORE).then(|| name.clone()),
        confidence: (confidence * 1000.0).round() / 1000.0,
        best_match: Some(name),
        note,
    })
}

fn is_licence_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["license", "licence", "copying", "unlicense", "copyright"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// Detects the licence of a file, or of every LICENSE*/LICENCE*/COPYING* file at the top of
/// a directory (sorted by name). In a directory, links are followed only while they stay
/// inside it.
pub fn detect_file(path: &Path) -> Result<Vec<Detection>, DetectError> {
    let meta = std::fs::metadata(path).map_err(|e| DetectError {
        message: format!("cannot read {}: {e}", path.display()),
        source: Some(e),
        outside: false,
    })?;
    let (root, relative) = if meta.is_dir() {
        (path, Path::new(""))
    } else {
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        (parent, Path::new(path.file_name().unwrap_or_default()))
    };
    let root = Root::open(root).map_err(|e| DetectError {
        message: format!("cannot read {}: {e}", root.display()),
        source: Some(e),
        outside: false,
    })?;
    if meta.is_dir() {
        detect_in(&root, relative)
    } else {
        Ok(vec![detect_one(&root, relative)?])
    }
}

/// Detects the licence of every LICENSE*/LICENCE*/COPYING* file at the top of the directory
/// `relative` below `root` (e.g. a project's checkout in a directory of checkouts), reading
/// only what resolves inside `root`.
///
/// # Errors
/// The directory or a licence file resolves outside `root` ([`DetectError::outside`]), or
/// cannot be read.
pub fn detect_in(root: &Root, relative: &Path) -> Result<Vec<Detection>, DetectError> {
    let entries = root.list(relative).map_err(read_error)?;
    let mut out = Vec::new();
    for (name, kind) in entries {
        if matches!(kind, EntryKind::File | EntryKind::Symlink)
            && is_licence_file_name(&name.to_string_lossy())
        {
            out.push(detect_one(root, &relative.join(name))?);
        }
    }
    Ok(out)
}

fn detect_one(root: &Root, relative: &Path) -> Result<Detection, DetectError> {
    let bytes = root.read(relative, MAX_FILE_BYTES).map_err(|e| match e {
        ReadError::TooLarge { path, .. } => DetectError {
            message: format!(
                "{} is larger than 1 MiB; not a licence file",
                path.display()
            ),
            source: None,
            outside: false,
        },
        e => read_error(e),
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let mut d = detect_text(&text)?;
    d.file = root.display_path(relative);
    Ok(d)
}

fn read_error(e: ReadError) -> DetectError {
    let outside = matches!(e, ReadError::Outside { .. });
    let message = match &e {
        ReadError::Outside { .. } | ReadError::NotAFile { .. } => e.to_string(),
        _ => format!("cannot read {e}"),
    };
    let source = match e {
        ReadError::Io { source, .. } => Some(source),
        _ => None,
    };
    DetectError {
        message,
        source,
        outside,
    }
}

/// The licence family and version a text can show: licence texts do not say "only" or "or
/// later" (that is in the notice), so `GPL-3.0-only` and `GPL-3.0-or-later` share one text.
fn text_key(id: &str) -> String {
    let l = super::ids::license(id).map(|l| super::ids::effective(&l));
    let name = l.map_or(id, |l| l.name);
    name.strip_suffix("-only")
        .or_else(|| name.strip_suffix("-or-later"))
        .unwrap_or(name)
        .to_ascii_lowercase()
}

/// Compares a project's declared licence with what its licence files say. Returns a
/// `license-file-mismatch` warning when a confidently detected licence does not occur in
/// the declared expression; `None` when they agree, nothing was detected or the declared
/// licence does not parse (that is reported elsewhere).
pub fn crosscheck(declared: &str, detected: &[Detection]) -> Option<Finding> {
    let parsed = parse::parse(declared).ok()?;
    let declared_keys: Vec<String> = parsed
        .terms()
        .iter()
        .filter_map(|t| match &t.licence {
            Licence::Spdx(l) => Some(text_key(l.name)),
            Licence::Ref(_) => None,
        })
        .collect();
    let has_refs = parsed
        .terms()
        .iter()
        .any(|t| matches!(t.licence, Licence::Ref(_)));
    let missing: Vec<String> = detected
        .iter()
        .filter_map(|d| {
            let id = d.license.as_ref()?;
            (!declared_keys.contains(&text_key(id))).then(|| {
                let file = d
                    .file
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if file.is_empty() {
                    format!("`{id}` ({:.0} %)", d.confidence * 100.0)
                } else {
                    format!("`{id}` in {file} ({:.0} %)", d.confidence * 100.0)
                }
            })
        })
        .collect();
    if missing.is_empty() || has_refs && declared_keys.is_empty() {
        return None;
    }
    Some(
        Finding::new(
            Code::LicenseFileMismatch,
            format!(
                "the declared licence `{}` does not match the licence file: detected {}",
                declared.trim(),
                missing.join(", ")
            ),
            None,
        )
        .with_help("correct the declared licence or the LICENSE file so that they agree"),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn text(id: &str) -> &'static str {
        spdx::license_id(id).unwrap().text()
    }

    #[test]
    fn detects_common_licence_texts() {
        for id in [
            "MIT",
            "Apache-2.0",
            "GPL-3.0-only",
            "BSD-3-Clause",
            "EUPL-1.2",
            "MPL-2.0",
        ] {
            let d = detect_text(text(id)).unwrap();
            let got = d.license.clone().unwrap_or_default();
            assert_eq!(text_key(&got), text_key(id), "{id}: {d:?}");
            assert!(d.confidence >= 0.9, "{id}: {d:?}");
        }
    }

    #[test]
    fn apache_without_appendix_is_apache_not_pixar() {
        let full = text("Apache-2.0");
        let cut = full.find("APPENDIX").map_or(full, |i| &full[..i]);
        let d = detect_text(cut).unwrap();
        assert_eq!(d.license.as_deref(), Some("Apache-2.0"), "{d:?}");
    }

    #[test]
    fn unrelated_text_is_not_a_licence() {
        let d = detect_text("Dies ist eine Einkaufsliste: Milch, Brot, Äpfel.").unwrap();
        assert_eq!(d.license, None, "{d:?}");
    }

    #[test]
    fn crosscheck_reports_mismatches_only() {
        let mit = Detection {
            file: PathBuf::from("LICENSE"),
            license: Some("MIT".to_owned()),
            confidence: 0.99,
            best_match: Some("MIT".to_owned()),
            note: None,
        };
        let gpl = Detection {
            license: Some("GPL-3.0-only".to_owned()),
            ..mit.clone()
        };
        assert!(crosscheck("MIT", std::slice::from_ref(&mit)).is_none());
        assert!(crosscheck("MIT OR Apache-2.0", std::slice::from_ref(&mit)).is_none());
        assert!(crosscheck("GPL-3.0-or-later", std::slice::from_ref(&gpl)).is_none());
        let f = crosscheck("Apache-2.0", &[mit]).unwrap();
        assert_eq!(f.code, Code::LicenseFileMismatch);
        assert!(f.message.contains("`MIT` in LICENSE"), "{}", f.message);
        assert!(crosscheck("not valid", &[gpl]).is_none());
    }

    #[test]
    fn detect_file_reads_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("LICENSE-MIT"), text("MIT")).unwrap();
        std::fs::write(dir.path().join("README.md"), "# hello").unwrap();
        let found = detect_file(dir.path()).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].license.as_deref(), Some("MIT"));
        assert!(detect_file(&dir.path().join("missing")).is_err());
    }
}
