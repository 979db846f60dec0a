//! Putting rendered files on disk: the one place of the export that touches the file system.
//!
//! Every file is written to a temporary file in its target directory and then renamed over
//! the target, so a reader (a web server, a city's CMS import) sees the old file or the new
//! one, never half of one. An output directory that already holds files is only written into
//! with [`WriteOptions::force`]; files already there that the export does not produce are
//! left alone. Inputs are never touched.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use super::File;

/// How to write.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Write into a non-empty directory, or over an existing file.
    pub force: bool,
}

/// Why files could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The output directory has files in it and `force` is not set.
    #[error("{0}: the output directory is not empty (use --force to write into it)")]
    NotEmpty(PathBuf),
    /// The output file exists and `force` is not set.
    #[error("{0}: the output file exists (use --force to replace it)")]
    Exists(PathBuf),
    /// The output path is a file but the export has several files.
    #[error("{0}: this export writes several files, so --out must be a directory")]
    NotADirectory(PathBuf),
    /// A rendered path tried to leave the output directory.
    #[error("{0}: refusing to write outside the output directory")]
    UnsafePath(String),
    /// An I/O error.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes `bytes` to `target` through a temporary file in the same directory and a rename.
fn write_atomic(target: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.digifarm-tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(bytes).map_err(io(&tmp))?;
        f.flush().map_err(io(&tmp))?;
        drop(f);
        std::fs::rename(&tmp, target).map_err(io(target))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn checked_relative(path: &str) -> Result<&Path, WriteError> {
    let p = Path::new(path);
    let ok = !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(p)
    } else {
        Err(WriteError::UnsafePath(path.to_owned()))
    }
}

/// Writes `files` to `out`: into the directory `out`, or, for an export of exactly one file
/// when `out` has a file extension and is not an existing directory, to the file `out`.
/// Returns the paths written.
///
/// # Errors
/// See [`WriteError`].
pub fn write(
    files: &[File],
    out: &Path,
    options: &WriteOptions,
) -> Result<Vec<PathBuf>, WriteError> {
    if let [single] = files
        && out.extension().is_some()
        && !out.is_dir()
    {
        if out.exists() && !options.force {
            return Err(WriteError::Exists(out.to_owned()));
        }
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        write_atomic(out, &single.bytes)?;
        return Ok(vec![out.to_owned()]);
    }
    if out.exists() && !out.is_dir() {
        return Err(WriteError::NotADirectory(out.to_owned()));
    }
    if out.is_dir() {
        let mut entries = std::fs::read_dir(out).map_err(io(out))?;
        if entries.next().is_some() && !options.force {
            return Err(WriteError::NotEmpty(out.to_owned()));
        }
    }
    std::fs::create_dir_all(out).map_err(io(out))?;
    let mut targets = Vec::with_capacity(files.len());
    let mut dirs = std::collections::BTreeSet::new();
    for f in files {
        let target = out.join(checked_relative(&f.path)?);
        if let Some(parent) = target.parent() {
            dirs.insert(parent.to_owned());
        }
        targets.push(target);
    }
    for d in &dirs {
        std::fs::create_dir_all(d).map_err(io(d))?;
    }
    files
        .par_iter()
        .zip(targets.par_iter())
        .try_for_each(|(f, target)| write_atomic(target, &f.bytes))?;
    Ok(targets)
}
