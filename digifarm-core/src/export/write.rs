//! Putting rendered files on disk: the one place of the export that touches the file system.
//!
//! The whole export is built in a hidden staging directory next to the output directory
//! (`.<name>.digifarm-staging-<pid>-<n>`, same file system) and then switched into place in
//! one step: renamed onto a new or empty output directory, or, over an existing one
//! (`force`), exchanged with it by one atomic `renameat2(RENAME_EXCHANGE)` (Linux; macOS
//! `renameatx_np`), after which the old tree is removed. A reader (a web server serving the
//! output directory, a city's CMS import) sees the whole old export or the whole new one,
//! never a mixture, whenever the process is killed. Where no exchange exists the old tree is
//! first renamed aside (readers briefly find no directory, never a mixture); where the
//! output directory is a mount point (no rename can replace it: another file system, or a
//! bind mount, which the kernel refuses with `EBUSY`) each file is replaced on its own,
//! atomically per file.
//!
//! The export lists the files it wrote in `.digifarm-export` inside the output directory.
//! A later export drops the files of the previous one that it no longer produces, and keeps
//! every other file someone put there (a `CNAME`, an `.htaccess`), hard-linked into the new
//! tree. An output directory that already holds files is only written into with
//! [`WriteOptions::force`]. Inputs are never touched.
//!
//! Exports to the same output are serialised by an advisory lock on
//! `.<name>.digifarm-lock` next to it (released by the system when a process dies). Holding
//! it, an export removes what killed runs left behind: staging directories and old trees of
//! exactly the names this writer gives them, and temporary files of a single-file export,
//! never anything else.

use std::collections::HashSet;
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
    /// The output is, lies inside or contains the input catalog.
    #[error(transparent)]
    OverlapsInput(#[from] crate::catalog::overlap::OutputOverlapsInput),
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

/// The list of files an export wrote, inside the output directory.
pub const MANIFEST: &str = ".digifarm-export";

const MANIFEST_HEADER: &str =
    "# files written by digifarm export, replaced by the next export (others are kept)\n";

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

/// The directory holding `out` (`.` for a bare name).
fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

fn file_name(out: &Path) -> String {
    out.file_name()
        .map_or_else(|| "out".to_owned(), |n| n.to_string_lossy().into_owned())
}

/// Takes the advisory lock that serialises exports to `out` (blocking while another export
/// to it runs). Released when the returned file is dropped or the process dies.
fn lock(out: &Path) -> Result<std::fs::File, WriteError> {
    let path = parent_of(out).join(format!(".{}.digifarm-lock", file_name(out)));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io(&path))?;
    file.lock().map_err(io(&path))?;
    Ok(file)
}

/// Whether `name` is `<prefix><digits>-<digits><suffix>`: a name this writer gives.
fn is_ours(name: &str, prefix: &str, suffix: &str) -> bool {
    let Some(middle) = name
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
    else {
        return false;
    };
    let mut parts = middle.split('-');
    let digits =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    digits(parts.next()) && digits(parts.next()) && parts.next().is_none()
}

/// Removes what killed exports to `out` left behind (called with the lock held, so no live
/// export owns any of it): staging directories and old trees next to `out`, staging
/// directories inside it, and temporary files of a single-file export. Only names this writer
/// gives are touched.
fn remove_debris(out: &Path) {
    let name = file_name(out);
    let parent = parent_of(out);
    let sibling_dirs = [
        (format!(".{name}.digifarm-staging-"), String::new()),
        // Earlier versions of this writer.
        (format!(".{name}."), ".digifarm-tmp".to_owned()),
    ];
    let temp_file = (format!(".{name}.tmp-"), String::new());
    if let Ok(entries) = std::fs::read_dir(&parent) {
        for entry in entries.flatten() {
            let entry_name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() && sibling_dirs.iter().any(|(p, s)| is_ours(&entry_name, p, s)) {
                let _ = std::fs::remove_dir_all(entry.path());
            } else if kind.is_file() && is_ours(&entry_name, &temp_file.0, &temp_file.1) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    // Staging directories inside the output (the per-file switch, and earlier versions).
    if let Ok(entries) = std::fs::read_dir(out) {
        for entry in entries.flatten() {
            let entry_name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().is_ok_and(|t| t.is_dir())
                && is_ours(&entry_name, ".digifarm-staging-", "")
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
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

/// The manifest's text: the relative paths, one per line.
fn manifest_text(relative: &[&Path]) -> String {
    let mut paths: Vec<String> = relative
        .iter()
        .map(|r| r.to_string_lossy().replace('\\', "/"))
        .collect();
    paths.sort();
    let mut text = MANIFEST_HEADER.to_owned();
    for p in paths {
        text.push_str(&p);
        text.push('\n');
    }
    text
}

/// The files the previous export to `out` wrote, from its manifest.
fn previous_export(out: &Path) -> HashSet<PathBuf> {
    std::fs::read_to_string(out.join(MANIFEST))
        .map(|text| {
            text.lines()
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(PathBuf::from)
                .collect()
        })
        .unwrap_or_default()
}

/// Hard-links (or copies) into `staging` every file of `out` that is neither part of the new
/// export nor of the previous one: what someone else put there stays.
fn carry_over(
    out: &Path,
    staging: &Path,
    new: &HashSet<&Path>,
    previous: &HashSet<PathBuf>,
) -> Result<(), WriteError> {
    let mut stack = vec![PathBuf::new()];
    while let Some(dir) = stack.pop() {
        let here = out.join(&dir);
        for entry in std::fs::read_dir(&here).map_err(io(&here))? {
            let entry = entry.map_err(io(&here))?;
            let relative = dir.join(entry.file_name());
            let kind = entry.file_type().map_err(io(&entry.path()))?;
            if relative == Path::new(MANIFEST)
                || new.contains(relative.as_path())
                || previous.contains(&relative)
            {
                continue;
            }
            let target = staging.join(&relative);
            if kind.is_dir() {
                if target.exists() && !target.is_dir() {
                    return Err(WriteError::DirectoryInTheWay(out.join(&relative)));
                }
                std::fs::create_dir_all(&target).map_err(io(&target))?;
                stack.push(relative);
                continue;
            }
            if target.is_dir() {
                // A file someone put where the new export has a directory.
                return Err(WriteError::DirectoryInTheWay(target));
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            let source = entry.path();
            if kind.is_symlink() {
                let link = std::fs::read_link(&source).map_err(io(&source))?;
                symlink(&link, &target).map_err(io(&target))?;
            } else if std::fs::hard_link(&source, &target).is_err() {
                std::fs::copy(&source, &target).map_err(io(&target))?;
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn symlink(link: &Path, target: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(link, target)
}

#[cfg(not(unix))]
fn symlink(_link: &Path, _target: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Swaps the directories `a` and `b` in one atomic step, where the system can.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Whether `out` is a mount point: no rename can replace it.
#[cfg(unix)]
fn is_mount_point(out: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let parent = parent_of(out);
    match (std::fs::metadata(out), std::fs::metadata(parent)) {
        (Ok(o), Ok(p)) => o.dev() != p.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_mount_point(_out: &Path) -> bool {
    false
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
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let _lock = lock(out)?;
        remove_debris(out);
        if out.exists() && !options.force {
            return Err(WriteError::Exists(out.to_owned()));
        }
        write_atomic(out, &single.bytes)?;
        return Ok(vec![out.to_owned()]);
    }
    if out.exists() && !out.is_dir() {
        return Err(WriteError::NotADirectory(out.to_owned()));
    }
    let relative: Vec<&Path> = files
        .iter()
        .map(|f| checked_relative(&f.path))
        .collect::<Result<_, _>>()?;
    let mut seen = HashSet::with_capacity(relative.len());
    if let Some(dup) = relative.iter().find(|r| !seen.insert(**r)) {
        return Err(WriteError::DuplicatePath(dup.display().to_string()));
    }
    if seen.contains(Path::new(MANIFEST)) {
        return Err(WriteError::DuplicatePath(MANIFEST.to_owned()));
    }
    // A link to the published directory (`site -> /srv/site-2`): the directory it names is
    // what gets switched.
    let out: PathBuf = match std::fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => out.canonicalize().map_err(io(out))?,
        _ => out.to_owned(),
    };
    let out = out.as_path();
    let targets: Vec<PathBuf> = relative.iter().map(|r| out.join(r)).collect();
    std::fs::create_dir_all(parent_of(out)).map_err(io(&parent_of(out)))?;
    let _lock = lock(out)?;
    remove_debris(out);
    let empty = match std::fs::read_dir(out) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(io(out)(e)),
    };
    if !empty && !options.force {
        return Err(WriteError::NotEmpty(out.to_owned()));
    }
    if !empty {
        // Checked before anything is replaced.
        if let Some(t) = targets.iter().find(|t| t.is_dir()) {
            return Err(WriteError::DirectoryInTheWay(t.clone()));
        }
    }
    if out.is_dir() && is_mount_point(out) {
        write_file_by_file(files, &relative, out)?;
        return Ok(targets);
    }
    let name = file_name(out);
    let pid = std::process::id();
    let staging = fresh_dir(&parent_of(out), |attempt| {
        format!(".{name}.digifarm-staging-{pid}-{attempt}")
    })
    .ok_or_else(|| WriteError::Io {
        path: parent_of(out),
        source: std::io::Error::other("cannot create a staging directory next to the output"),
    })?;
    let result = build_and_switch(files, &relative, &seen, out, &staging, empty);
    // Whatever is left at the staging path (the old tree after a switch, or a failed build)
    // is ours to remove.
    let _ = std::fs::remove_dir_all(&staging);
    match result {
        // A mount point that the device numbers do not show (a bind mount of a directory of
        // the same file system, as a container's volume often is): the kernel refuses to
        // rename it (`EBUSY`), and nothing was moved; written into, file by file.
        Err(WriteError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::ResourceBusy && out.is_dir() =>
        {
            write_file_by_file(files, &relative, out)?;
        }
        result => result?,
    }
    Ok(targets)
}

/// Builds the export in `staging` and switches it into place at `out`.
fn build_and_switch(
    files: &[File],
    relative: &[&Path],
    new: &HashSet<&Path>,
    out: &Path,
    staging: &Path,
    empty: bool,
) -> Result<(), WriteError> {
    // Files are not synced one by one (that cost 16 s for a 10k-project site): the switch is
    // atomic for readers, not proof against a power cut.
    write_tree(files, relative, staging, |t, b| {
        std::fs::write(t, b).map_err(io(t))
    })?;
    let manifest = staging.join(MANIFEST);
    std::fs::write(&manifest, manifest_text(relative)).map_err(io(&manifest))?;
    if empty {
        // Onto a missing or empty directory: one rename.
        return std::fs::rename(staging, out).map_err(io(out));
    }
    carry_over(out, staging, new, &previous_export(out))?;
    match exchange(staging, out) {
        Ok(()) => Ok(()),
        Err(_) => {
            // No atomic exchange here: move the old tree aside, then the new one in. Readers
            // briefly find no directory, never a mixture.
            let pid = std::process::id();
            let name = file_name(out);
            let aside = fresh_dir(&parent_of(out), |attempt| {
                format!(".{name}.digifarm-staging-{pid}-old{attempt}")
            })
            .ok_or_else(|| WriteError::Io {
                path: parent_of(out),
                source: std::io::Error::other("cannot create a directory next to the output"),
            })?;
            std::fs::remove_dir(&aside).map_err(io(&aside))?;
            std::fs::rename(out, &aside).map_err(io(out))?;
            let moved = std::fs::rename(staging, out).map_err(io(out));
            if moved.is_err() {
                // Put the old tree back.
                let _ = std::fs::rename(&aside, out);
            }
            let _ = std::fs::remove_dir_all(&aside);
            moved
        }
    }
}

/// Into an output directory that is a mount point (no rename can replace it): every file is
/// written to a hidden staging directory inside it (the same file system) and renamed over
/// its target, each file atomically; files of the previous export that this one no longer
/// produces are removed afterwards.
fn write_file_by_file(files: &[File], relative: &[&Path], out: &Path) -> Result<(), WriteError> {
    let previous = previous_export(out);
    let pid = std::process::id();
    let staging = fresh_dir(out, |attempt| format!(".digifarm-staging-{pid}-{attempt}"))
        .ok_or_else(|| WriteError::Io {
            path: out.to_owned(),
            source: std::io::Error::other("cannot create a staging directory in the output"),
        })?;
    let result = write_tree(files, relative, &staging, |t, b| {
        std::fs::write(t, b).map_err(io(t))
    })
    .and_then(|()| {
        make_dirs(relative, out)?;
        relative.par_iter().try_for_each(|r| {
            let target = out.join(r);
            std::fs::rename(staging.join(r), &target).map_err(io(&target))
        })
    })
    .and_then(|()| write_atomic(&out.join(MANIFEST), manifest_text(relative).as_bytes()));
    let _ = std::fs::remove_dir_all(&staging);
    result?;
    let new: HashSet<&Path> = relative.iter().copied().collect();
    for old in previous.iter().filter(|p| !new.contains(p.as_path())) {
        if checked_relative(&old.to_string_lossy()).is_ok() {
            let _ = std::fs::remove_file(out.join(old));
        }
    }
    Ok(())
}
