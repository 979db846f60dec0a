//! Putting rendered files on disk: the one place of the export that touches the file system.
//!
//! A new output directory is built as a hidden staging directory next to it and renamed into
//! place in one step; into an existing directory (`force`), every file is written to a hidden
//! staging directory inside it and then renamed over its target. Either way a reader (a web server, a
//! city's CMS import) sees old or new files, never half of one. An output directory that
//! already holds files is only written into with [`WriteOptions::force`]; files already there
//! that the export does not produce are left alone. Inputs are never touched.

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
    /// Two rendered files have the same path.
    #[error("{0}: the export has two files at this path")]
    DuplicatePath(String),
    /// A file of the export would replace a directory in the output.
    #[error("{0}: a directory is in the way of a file of the export; nothing was replaced")]
    DirectoryInTheWay(PathBuf),
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

/// Writes `bytes` to `target` atomically (the catalog's writer: a temporary file in the same
/// directory, synced, then renamed over the target).
fn write_atomic(target: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    crate::catalog::write::write_atomic(target, bytes, true).map_err(|e| match e {
        crate::catalog::write::WriteError::Io { path, source } => WriteError::Io { path, source },
        other => WriteError::Io {
            path: target.to_owned(),
            source: std::io::Error::other(other.to_string()),
        },
    })
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

/// Creates a new directory in `parent` named by `name(attempt)`, trying other attempts while
/// the name is taken; `None` when none can be made.
fn fresh_dir(parent: &Path, name: impl Fn(u32) -> String) -> Option<PathBuf> {
    for attempt in 0..100u32 {
        let dir = parent.join(name(attempt));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Some(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(_) => return None,
        }
    }
    None
}

/// A fresh staging directory next to `out` (same file system, so a rename can move it), or
/// `None` when `out` has no usable parent or the directory cannot be made.
fn staging_dir(out: &Path) -> Option<PathBuf> {
    let name = out.file_name()?.to_string_lossy().into_owned();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).ok()?;
    let pid = std::process::id();
    fresh_dir(&parent, |attempt| {
        format!(".{name}.{pid}-{attempt}.digifarm-tmp")
    })
}

/// A fresh hidden staging directory inside `out`, or `None` when it cannot be made.
fn staging_inside(out: &Path) -> Option<PathBuf> {
    let pid = std::process::id();
    fresh_dir(out, |attempt| format!(".digifarm-staging-{pid}-{attempt}"))
}

/// Creates the parent directories of the `relative` paths below `root`.
fn make_dirs(relative: &[&Path], root: &Path) -> Result<(), WriteError> {
    let dirs: std::collections::BTreeSet<PathBuf> = relative
        .iter()
        .filter_map(|r| r.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .map(|p| root.join(p))
        .collect();
    for d in &dirs {
        std::fs::create_dir_all(d).map_err(io(d))?;
    }
    Ok(())
}

/// Creates the directories of `relative` below `root` and writes each file with `put`, in
/// parallel.
fn write_tree(
    files: &[File],
    relative: &[&Path],
    root: &Path,
    put: impl Fn(&Path, &[u8]) -> Result<(), WriteError> + Sync,
) -> Result<(), WriteError> {
    make_dirs(relative, root)?;
    files
        .par_iter()
        .zip(relative.par_iter())
        .try_for_each(|(f, r)| put(&root.join(r), &f.bytes))
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
    let mut empty = true;
    if out.is_dir() {
        let mut entries = std::fs::read_dir(out).map_err(io(out))?;
        empty = entries.next().is_none();
        if !empty && !options.force {
            return Err(WriteError::NotEmpty(out.to_owned()));
        }
    }
    let relative: Vec<&Path> = files
        .iter()
        .map(|f| checked_relative(&f.path))
        .collect::<Result<_, _>>()?;
    let mut seen = std::collections::HashSet::with_capacity(relative.len());
    if let Some(dup) = relative.iter().find(|r| !seen.insert(**r)) {
        return Err(WriteError::DuplicatePath(dup.display().to_string()));
    }
    let targets: Vec<PathBuf> = relative.iter().map(|r| out.join(r)).collect();
    if empty && let Some(staging) = staging_dir(out) {
        // A new site: build it next to `out` and move it into place with one rename, so a
        // reader sees no site or the whole site, never a part of one.
        let result = write_tree(files, &relative, &staging, |t, b| {
            std::fs::write(t, b).map_err(io(t))
        })
        .and_then(|()| {
            if out.is_dir() {
                std::fs::remove_dir(out).map_err(io(out))?;
            }
            std::fs::rename(&staging, out).map_err(io(out))
        });
        if result.is_err() {
            // Only the staging directory this call created is removed.
            let _ = std::fs::remove_dir_all(&staging);
        }
        result?;
        return Ok(targets);
    }
    // Into an existing directory (with force): every file is written to a hidden staging
    // directory inside `out` first (the same file system as the targets, even when `out` is a
    // mount point), then renamed over its target, so each file is replaced in one step (a
    // reader sees the old or the new file, never a part of one). Files are not synced one by
    // one (that cost 16 s for a 10k-project site; a new site is not synced either): the
    // replacement is atomic for readers, not proof against a power cut.
    std::fs::create_dir_all(out).map_err(io(out))?;
    // Checked before anything is replaced.
    if let Some(t) = targets.iter().find(|t| t.is_dir()) {
        return Err(WriteError::DirectoryInTheWay(t.clone()));
    }
    let Some(staging) = staging_inside(out) else {
        write_tree(files, &relative, out, write_atomic)?;
        return Ok(targets);
    };
    let result = write_tree(files, &relative, &staging, |t, b| {
        std::fs::write(t, b).map_err(io(t))
    })
    .and_then(|()| {
        make_dirs(&relative, out)?;
        relative.par_iter().try_for_each(|r| {
            let target = out.join(r);
            std::fs::rename(staging.join(r), &target).map_err(io(&target))
        })
    });
    // Only the staging directory this call created is removed.
    let _ = std::fs::remove_dir_all(&staging);
    result?;
    Ok(targets)
}
