//! Reading files only where they resolve inside a directory: the catalog root (record files,
//! `digifarm.toml`, files the config names such as a logo) or a directory of checkouts.
//!
//! A catalog arrives as a pull request written by a stranger, and `digifarm validate` shows
//! lines of what it reads in a CI log. A symbolic link `offers/env.yaml -> /proc/self/environ`
//! or a path `../../secret` must therefore not be read at all: every open goes through
//! [`Root`], which resolves the path beneath the root directory and refuses anything that
//! leaves it ([`ReadError::Outside`]), naming the path inside the catalog, never the target.
//!
//! What this guarantees: the bytes returned come from a file that, at the moment it was
//! opened, was reached from the root without leaving it: through `..`, an absolute path, an
//! absolute symbolic link, a relative link that climbs out, or `/proc` magic links. On Linux
//! the whole path is resolved by the kernel in one step (`openat2` with `RESOLVE_BENEATH`),
//! elsewhere component by component without following links out (the `cap-std` crate), so a
//! link swapped in while the path is resolved cannot lead out either. The opened handle is
//! then checked to be a regular file (FIFOs, devices and sockets are refused before they are
//! read, and are opened non-blocking, so nothing can block the run), and at most `limit`
//! bytes are read from it. Links that stay inside the root (relative ones) are followed; a
//! link loop is an I/O error. Not covered: a hard link or bind mount placed inside the
//! catalog by someone with access to the machine (git cannot create either), and the
//! directory given by the user on the command line, which is trusted as given.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::diagnostic::Code;

/// What a path inside the root is, after following links that stay inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link (only from [`Root::list`], which does not follow links).
    Symlink,
    /// A FIFO, socket or device.
    Other,
}

/// Why a file inside the root could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The path leads outside the root; nothing was read.
    #[error(
        "{path}: resolves outside the catalog (through a symbolic link, `..` or an absolute path); it was not read"
    )]
    Outside {
        /// The path inside the root (the link, not its target).
        path: PathBuf,
    },
    /// Nothing is there.
    #[error("{path}: no such file or directory")]
    NotFound {
        /// The path.
        path: PathBuf,
    },
    /// A directory, FIFO, socket or device where a regular file is expected.
    #[error("{path}: a directory or special file, not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// Larger than the limit.
    #[error("{path}: the file has {size} bytes; the limit is {limit}")]
    TooLarge {
        /// The path.
        path: PathBuf,
        /// Its size (at least; reading stops after the limit).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Any other I/O error (permissions, a link loop, …).
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

impl ReadError {
    /// The diagnostic code for this error.
    pub fn code(&self) -> Code {
        match self {
            ReadError::Outside { .. } => Code::OutsideCatalog,
            ReadError::NotFound { .. } | ReadError::Io { .. } => Code::Io,
            ReadError::NotAFile { .. } => Code::NotAFile,
            ReadError::TooLarge { .. } => Code::FileTooLarge,
        }
    }

    /// The same error about `path`.
    fn with_path(self, path: PathBuf) -> ReadError {
        match self {
            ReadError::Outside { .. } => ReadError::Outside { path },
            ReadError::NotFound { .. } => ReadError::NotFound { path },
            ReadError::NotAFile { .. } => ReadError::NotAFile { path },
            ReadError::TooLarge { size, limit, .. } => ReadError::TooLarge { path, size, limit },
            ReadError::Io { source, .. } => ReadError::Io { path, source },
        }
    }

    /// The path the error is about (inside the root, as shown to people).
    pub fn path(&self) -> &Path {
        match self {
            ReadError::Outside { path }
            | ReadError::NotFound { path }
            | ReadError::NotAFile { path }
            | ReadError::TooLarge { path, .. }
            | ReadError::Io { path, .. } => path,
        }
    }
}

/// Reads a file named on the command line (at most `limit` bytes), only where it resolves
/// beneath the directory it is named from: the working directory, for a relative path or an
/// absolute one inside it (the `..` components a relative path starts with are typed by the
/// user, and trusted); else the file's own directory.
///
/// A stranger's repository can hold a link `proposals/x.yaml -> ~/.ssh/id_rsa`, or a
/// directory link `proposals -> /etc`, and CI names the files in its checkout relative to
/// it (`digifarm propose . --from proposals/x.yaml`); what is read then shows in the log.
/// Links that stay beneath are followed. Errors name the path as given.
///
/// # Errors
/// See [`ReadError`].
pub fn read_named(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (root, relative) = named_root(path).ok_or_else(|| ReadError::Outside {
        path: path.to_owned(),
    })?;
    read_inside(&root, &relative, limit).map_err(|e| e.with_path(path.to_owned()))
}

/// The directory a named file is read beneath, and the file's path below it (see
/// [`read_named`]); `None` for an absolute path outside the working directory whose way
/// passes a link (nothing then says which directory is trusted).
fn named_root(path: &Path) -> Option<(PathBuf, PathBuf)> {
    use std::path::Component;
    let cwd = std::env::current_dir().ok();
    let below_cwd = match &cwd {
        Some(_) if path.is_relative() => Some(path),
        Some(cwd) => path.strip_prefix(cwd).ok(),
        None => None,
    };
    if let (Some(cwd), Some(below)) = (cwd.clone(), below_cwd) {
        let mut root = cwd;
        let mut relative = PathBuf::new();
        for c in below.components() {
            match c {
                Component::ParentDir if relative.as_os_str().is_empty() => root.push(".."),
                Component::CurDir => {}
                other => relative.push(other),
            }
        }
        return Some((root, relative));
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // The directory as named must be the directory as resolved: no link on its way.
    let mut lexical = PathBuf::new();
    for c in parent.components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    if parent.canonicalize().ok()? != lexical {
        return None;
    }
    let name = path.file_name().map(PathBuf::from).unwrap_or_default();
    Some((parent.to_owned(), name))
}

/// A directory whose files are read only when they resolve inside it.
#[derive(Debug)]
pub struct Root {
    path: PathBuf,
    #[cfg(any(unix, windows))]
    dir: cap_std::fs::Dir,
}

/// Reads the file `relative` below the directory `root` (at most `limit` bytes), only if it
/// resolves inside `root`: the one way to read a file a catalog names (a logo, a licence
/// file).
///
/// # Errors
/// See [`ReadError`]; `root` itself not being a readable directory is [`ReadError::Io`].
pub fn read_inside(root: &Path, relative: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    Root::open(root)
        .map_err(|source| ReadError::Io {
            path: root.to_owned(),
            source,
        })?
        .read(relative, limit)
}

#[cfg(any(unix, windows))]
impl Root {
    /// Opens the directory `path` (trusted as given: links in it are followed).
    ///
    /// # Errors
    /// `path` is not a directory that can be opened.
    pub fn open(path: &Path) -> std::io::Result<Root> {
        let dir = cap_std::fs::Dir::open_ambient_dir(path, cap_std::ambient_authority())?;
        Ok(Root {
            path: path.to_owned(),
            dir,
        })
    }

    /// The directory as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `relative` joined to the root, as shown to people.
    pub fn display_path(&self, relative: &Path) -> PathBuf {
        if relative.as_os_str().is_empty() || relative == Path::new(".") {
            self.path.clone()
        } else {
            self.path.join(relative)
        }
    }

    fn classify(&self, relative: &Path, e: std::io::Error) -> ReadError {
        let path = self.display_path(relative);
        if is_escape(&e) {
            ReadError::Outside { path }
        } else if e.kind() == std::io::ErrorKind::NotFound {
            ReadError::NotFound { path }
        } else {
            ReadError::Io { path, source: e }
        }
    }

    /// What `relative` is, following links that stay inside; `Ok(None)` when nothing is there.
    ///
    /// # Errors
    /// The path leads outside ([`ReadError::Outside`]), or another I/O error.
    pub fn kind(&self, relative: &Path) -> Result<Option<EntryKind>, ReadError> {
        match self.dir.metadata(relative) {
            Ok(meta) => Ok(Some(kind_of(meta.file_type()))),
            Err(e) => match self.classify(relative, e) {
                ReadError::NotFound { .. } => Ok(None),
                other => Err(other),
            },
        }
    }

    /// The entries of the directory `relative` (`""` for the root itself), sorted by name,
    /// each with its own type (links are not followed).
    ///
    /// # Errors
    /// The directory leads outside, or cannot be listed.
    pub fn list(&self, relative: &Path) -> Result<Vec<(OsString, EntryKind)>, ReadError> {
        let entries = if relative.as_os_str().is_empty() {
            self.dir.entries()
        } else {
            self.dir.read_dir(relative)
        }
        .map_err(|e| self.classify(relative, e))?;
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| self.classify(relative, e))?;
            let kind = entry
                .file_type()
                .map_or(EntryKind::Other, |t| kind_of_entry(&t));
            out.push((entry.file_name(), kind));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Reads the regular file `relative` (at most `limit` bytes), only if it resolves inside
    /// the root.
    ///
    /// # Errors
    /// See [`ReadError`].
    pub fn read(&self, relative: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        use std::io::Read;
        let (file, len) = self.open_file(relative, limit)?;
        let io = |source| ReadError::Io {
            path: self.display_path(relative),
            source,
        };
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > limit {
            return Err(ReadError::TooLarge {
                path: self.display_path(relative),
                size: bytes.len() as u64,
                limit,
            });
        }
        Ok(bytes)
    }

    /// Opens the regular file `relative` for reading, only if it resolves inside the root and
    /// holds at most `limit` bytes, with its length; for reading a large file piece by piece
    /// (a reader stops at `limit` bytes, see [`Root::read`]).
    ///
    /// # Errors
    /// See [`ReadError`].
    pub fn open_file(
        &self,
        relative: &Path,
        limit: u64,
    ) -> Result<(std::fs::File, u64), ReadError> {
        let path = || self.display_path(relative);
        // Refused before opening: opening a device can have effects of its own.
        match self.kind(relative)? {
            Some(EntryKind::File) => {}
            Some(_) => return Err(ReadError::NotAFile { path: path() }),
            None => return Err(ReadError::NotFound { path: path() }),
        }
        let mut options = cap_std::fs::OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use cap_std::fs::OpenOptionsExt;
            // A FIFO swapped in since the check above must not block the run.
            options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
        }
        let file = self
            .dir
            .open_with(relative, &options)
            .map_err(|e| self.classify(relative, e))?;
        let io = |source| ReadError::Io {
            path: path(),
            source,
        };
        // The handle itself is checked: whatever the path names now, this is what is read.
        let meta = file.metadata().map_err(io)?;
        if !meta.is_file() {
            return Err(ReadError::NotAFile { path: path() });
        }
        if meta.len() > limit {
            return Err(ReadError::TooLarge {
                path: path(),
                size: meta.len(),
                limit,
            });
        }
        Ok((file.into_std(), meta.len()))
    }
}

/// Other targets (WebAssembly) have no file system to confine: every read is refused.
#[cfg(not(any(unix, windows)))]
impl Root {
    /// Refused on this target.
    ///
    /// # Errors
    /// Always.
    pub fn open(path: &Path) -> std::io::Result<Root> {
        let _ = path;
        Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
    }
    /// The directory as given.
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// `relative` joined to the root.
    pub fn display_path(&self, relative: &Path) -> PathBuf {
        self.path.join(relative)
    }
    /// Refused on this target.
    ///
    /// # Errors
    /// Always.
    pub fn kind(&self, relative: &Path) -> Result<Option<EntryKind>, ReadError> {
        Err(self.unsupported(relative))
    }
    /// Refused on this target.
    ///
    /// # Errors
    /// Always.
    pub fn list(&self, relative: &Path) -> Result<Vec<(OsString, EntryKind)>, ReadError> {
        Err(self.unsupported(relative))
    }
    /// Refused on this target.
    ///
    /// # Errors
    /// Always.
    pub fn read(&self, relative: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        let _ = limit;
        Err(self.unsupported(relative))
    }
    /// Refused on this target.
    ///
    /// # Errors
    /// Always.
    pub fn open_file(
        &self,
        relative: &Path,
        limit: u64,
    ) -> Result<(std::fs::File, u64), ReadError> {
        let _ = limit;
        Err(self.unsupported(relative))
    }
    fn unsupported(&self, relative: &Path) -> ReadError {
        ReadError::Io {
            path: self.display_path(relative),
            source: std::io::Error::from(std::io::ErrorKind::Unsupported),
        }
    }
}

/// Whether `e` is cap-std's refusal of a path that leads outside its directory.
#[cfg(any(unix, windows))]
fn is_escape(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::PermissionDenied
        && e.to_string().contains("led outside of the filesystem")
}

#[cfg(any(unix, windows))]
fn kind_of(t: cap_std::fs::FileType) -> EntryKind {
    if t.is_file() {
        EntryKind::File
    } else if t.is_dir() {
        EntryKind::Dir
    } else if t.is_symlink() {
        EntryKind::Symlink
    } else {
        EntryKind::Other
    }
}

#[cfg(any(unix, windows))]
fn kind_of_entry(t: &cap_std::fs::FileType) -> EntryKind {
    kind_of(*t)
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn root_with_secret() -> (tempfile::TempDir, tempfile::TempDir) {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "TOKEN=abc\n").unwrap();
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("projects")).unwrap();
        std::fs::write(root.path().join("projects/ok.yaml"), "id: ok\n").unwrap();
        (root, outside)
    }

    #[test]
    fn a_file_inside_is_read() {
        let (root, _outside) = root_with_secret();
        let r = Root::open(root.path()).unwrap();
        assert_eq!(
            r.read(Path::new("projects/ok.yaml"), 100).unwrap(),
            b"id: ok\n"
        );
    }

    #[test]
    fn links_and_dots_that_lead_out_are_refused() {
        let (root, outside) = root_with_secret();
        let secret = outside.path().join("secret");
        std::os::unix::fs::symlink(&secret, root.path().join("projects/abs.yaml")).unwrap();
        let rel = pathdiff(&secret, &root.path().join("projects"));
        std::os::unix::fs::symlink(&rel, root.path().join("projects/rel.yaml")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("linked")).unwrap();
        let r = Root::open(root.path()).unwrap();
        for p in [
            "projects/abs.yaml",
            "projects/rel.yaml",
            "linked/secret",
            "../secret",
            secret.to_str().unwrap(),
        ] {
            let e = r.read(Path::new(p), 1000).unwrap_err();
            assert!(matches!(e, ReadError::Outside { .. }), "{p}: {e:?}");
            assert!(!e.to_string().contains("TOKEN"));
        }
    }

    #[test]
    fn a_link_that_stays_inside_is_followed() {
        let (root, _outside) = root_with_secret();
        std::os::unix::fs::symlink("ok.yaml", root.path().join("projects/alias.yaml")).unwrap();
        let r = Root::open(root.path()).unwrap();
        assert_eq!(
            r.read(Path::new("projects/alias.yaml"), 100).unwrap(),
            b"id: ok\n"
        );
        assert_eq!(
            r.read(Path::new("projects/../projects/ok.yaml"), 100)
                .unwrap(),
            b"id: ok\n"
        );
    }

    #[test]
    fn the_limit_holds() {
        let (root, _outside) = root_with_secret();
        let r = Root::open(root.path()).unwrap();
        let e = r.read(Path::new("projects/ok.yaml"), 3).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { size: 7, .. }), "{e:?}");
    }

    fn pathdiff(target: &Path, from: &Path) -> PathBuf {
        let depth = from.components().count();
        let mut p = PathBuf::new();
        for _ in 0..depth {
            p.push("..");
        }
        p.join(target.strip_prefix("/").unwrap())
    }
}
