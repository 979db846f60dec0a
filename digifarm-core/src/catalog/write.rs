//! Writing records back: atomic (a temporary file in the same directory, synced, then
//! renamed or hard-linked into place) so a reader never sees half a file and a crash leaves
//! the old file intact. Only the file a command is meant to write is touched.
//!
//! Record files are written below a catalog directory only: [`record_path`] refuses an id
//! that is not a plain slug (so `../../x`, `/tmp/x` or `ms/x` never become paths), and
//! [`write_within`] refuses a relative path that would leave the directory, lexically (`..`,
//! an absolute path) or through a symbolic link on the way.
//!
//! Commands that rewrite catalog files serialise through [`CatalogLock`]: an advisory lock
//! (`flock`) on the catalog directory, taken before the catalog is read and held until the
//! last file is written, so a second command reads the first one's result and applies its
//! change on top. The kernel releases the lock when the process ends, crash or not. Writers
//! that do not take the lock (an editor, `git`) are caught by the check that a file is
//! unchanged since it was read ([`WriteError::Changed`]).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{Catalog, Place, kind_index};
use crate::model::{self, Project, RecordKind};
use crate::source::Format;

/// A record that cannot be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The file system refused.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file to create exists already.
    #[error("{path} exists already; nothing was written")]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// The record lives inside a collection file (JSON array or JSON Lines), which is not
    /// rewritten record by record.
    #[error("`{id}` is one of several records in {path}; move it into its own file to review it")]
    InCollection {
        /// The record's id.
        id: String,
        /// The collection file.
        path: PathBuf,
    },
    /// The catalog was not loaded from a directory, or the record is not in it.
    #[error("no file on disk holds the project `{id}`")]
    NotOnDisk {
        /// The record's id.
        id: String,
    },
    /// A record id that cannot be a file name in its kind's directory.
    #[error(
        "the {kind} id `{id}` cannot be a file name: ids of record files are lower-case slugs (letters, digits, single hyphens, at most 80 characters); nothing was written"
    )]
    InvalidFileName {
        /// The record kind.
        kind: RecordKind,
        /// The id, as given.
        id: String,
    },
    /// A path that would leave the directory it is to be written in.
    #[error("{path} would leave the output directory {dir}; nothing was written")]
    OutsideDirectory {
        /// The path, as given (relative to `dir`).
        path: PathBuf,
        /// The directory.
        dir: PathBuf,
    },
    /// A YAML record file that cannot be edited in place (flow style, anchors shared between
    /// members, an unusual layout) holds comments, which writing it anew would drop.
    #[error(
        "{path} cannot be edited in place (flow style, anchors or an unusual layout) and writing it anew would drop its comments; nothing was written: write the part to change in block style, or remove the comments"
    )]
    WouldDropComments {
        /// The file.
        path: PathBuf,
    },
    /// The record cannot be serialized.
    #[error("cannot serialize `{id}`: {message}")]
    Serialize {
        /// The record's id.
        id: String,
        /// Why.
        message: String,
    },
    /// Another command has held the catalog's lock for longer than the wait.
    #[error(
        "{root}: another digifarm command is writing this catalog and has held its lock for {} s; nothing was written",
        waited.as_secs()
    )]
    Busy {
        /// The catalog directory.
        root: PathBuf,
        /// How long this command waited.
        waited: Duration,
    },
    /// The file changed on disk after it was read (a writer that does not take the lock).
    #[error(
        "{path} changed on disk since it was read (by another program); nothing was written: run the command again"
    )]
    Changed {
        /// The file.
        path: PathBuf,
    },
    /// The lock held is not the lock of the catalog being written.
    #[error("{path} is not in the locked catalog {root}")]
    NotLocked {
        /// The file to write.
        path: PathBuf,
        /// The locked catalog.
        root: PathBuf,
    },
}

/// How long a command waits for another one to finish writing the catalog.
pub const LOCK_WAIT: Duration = Duration::from_secs(30);

/// An exclusive advisory lock on a catalog directory, held while a command reads and
/// rewrites the catalog. Dropping it (or the process ending, even by a crash or `kill -9`)
/// releases it. It is a `flock` on the directory itself, so no lock file is left in the
/// catalog; every digifarm command that rewrites catalog files takes it before reading.
#[derive(Debug)]
pub struct CatalogLock {
    root: PathBuf,
    canonical: PathBuf,
    _handle: std::fs::File,
}

impl CatalogLock {
    /// Locks the catalog directory `root`, waiting up to [`LOCK_WAIT`] for another command
    /// to finish.
    ///
    /// # Errors
    /// [`WriteError::Io`] when the directory cannot be opened or locked,
    /// [`WriteError::Busy`] when the wait runs out.
    pub fn acquire(root: &Path) -> Result<CatalogLock, WriteError> {
        CatalogLock::acquire_within(root, LOCK_WAIT)
    }

    /// [`CatalogLock::acquire`] with another wait.
    ///
    /// # Errors
    /// As [`CatalogLock::acquire`].
    pub fn acquire_within(root: &Path, wait: Duration) -> Result<CatalogLock, WriteError> {
        let handle = open_for_lock(root).map_err(io(root))?;
        let start = Instant::now();
        loop {
            match handle.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(WriteError::Busy {
                        root: root.to_owned(),
                        waited: start.elapsed(),
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(root)(e)),
            }
        }
        let canonical = root.canonicalize().map_err(io(root))?;
        Ok(CatalogLock {
            root: root.to_owned(),
            canonical,
            _handle: handle,
        })
    }

    /// The locked catalog directory, as given.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether `path` lies in the locked catalog.
    fn covers(&self, path: &Path) -> bool {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        dir.canonicalize()
            .is_ok_and(|d| d.starts_with(&self.canonical))
    }

    fn check(&self, path: &Path) -> Result<(), WriteError> {
        if self.covers(path) {
            Ok(())
        } else {
            Err(WriteError::NotLocked {
                path: path.to_owned(),
                root: self.root.clone(),
            })
        }
    }
}

/// The handle the lock is taken on: the directory itself (Unix), else a lock file in it.
#[cfg(unix)]
fn open_for_lock(root: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(root)
}

#[cfg(not(unix))]
fn open_for_lock(root: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(root.join(".digifarm.lock"))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// A new temporary file in `dir` for a file `name`, opened with `create_new`: a name that is
/// taken (left over from a crashed run, or a link someone placed there) is skipped, never
/// opened or followed.
///
/// # Errors
/// The file system refuses, or 100 names in a row are taken.
pub fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut attempt = 0u32;
    loop {
        let tmp = dir.join(format!(".{name}.tmp-{}-{attempt}", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Writes `content` to `path` atomically. With `replace` an existing file is replaced;
/// without, an existing file is an error ([`WriteError::Exists`]) and is left alone.
///
/// # Errors
/// The file exists (without `replace`), or the file system refuses.
pub fn write_atomic(path: &Path, content: &[u8], replace: bool) -> Result<(), WriteError> {
    if replace {
        return stage(path, content)?.commit();
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (tmp, mut file) = create_temp(dir, &name).map_err(io(path))?;
    let result = (|| {
        file.write_all(content)?;
        file.sync_all()?;
        drop(file);
        if replace {
            return std::fs::rename(&tmp, path).map(|()| true);
        }
        // A hard link fails if the target exists: no window in which another writer's file
        // could be replaced.
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => std::fs::remove_file(&tmp).map(|()| true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(_) if !path.exists() => std::fs::rename(&tmp, path).map(|()| true),
            Err(e) => Err(e),
        }
    })();
    let _ = std::fs::remove_file(&tmp);
    match result {
        Ok(true) => Ok(()),
        Ok(false) => Err(WriteError::Exists {
            path: path.to_owned(),
        }),
        Err(e) => Err(io(path)(e)),
    }
}

/// A file's new content written to a temporary name next to it and synced, waiting to be
/// renamed over the file. Dropped without [`Staged::commit`], the temporary file is removed
/// and the file stays as it was.
#[derive(Debug)]
struct Staged {
    tmp: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staged {
    /// Renames the new content over the target: one atomic step.
    fn commit(mut self) -> Result<(), WriteError> {
        std::fs::rename(&self.tmp, &self.target).map_err(io(&self.target))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `content` to a new temporary file next to `path` and syncs it: everything that can
/// fail for lack of space or rights happens here, before the target is touched.
fn stage(path: &Path, content: &[u8]) -> Result<Staged, WriteError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (tmp, mut file) = create_temp(dir, &name).map_err(io(path))?;
    let staged = Staged {
        tmp,
        target: path.to_owned(),
        committed: false,
    };
    file.write_all(content)
        .and_then(|()| file.sync_all())
        .map_err(io(path))?;
    // A file replaced keeps its permissions (one readable by its owner only stays so).
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && meta.is_file()
    {
        file.set_permissions(meta.permissions()).map_err(io(path))?;
    }
    Ok(staged)
}

/// A project's record file as a rewrite would leave it.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The file.
    pub path: PathBuf,
    /// Its new text.
    pub text: String,
    /// Whether only what changed is new (the rest of the file as it was), or the record is
    /// written anew (a JSON file, or a YAML file the edit cannot be made in).
    pub in_place: bool,
}

/// Whether the file at `path` starts with a UTF-8 byte order mark.
fn starts_with_bom(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 3];
    std::fs::File::open(path)
        .and_then(|f| f.take(3).read_exact(&mut head))
        .is_ok_and(|()| head == [0xEF, 0xBB, 0xBF])
}

fn serialize(project: &Project, format: Format) -> Result<String, WriteError> {
    let fail = |message: String| WriteError::Serialize {
        id: project.id.clone(),
        message,
    };
    match format {
        Format::Json => serde_json::to_string_pretty(project)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| fail(e.to_string())),
        _ => crate::yaml_emit::to_string(project).map_err(|e| fail(e.to_string())),
    }
}

/// The file of a record of `kind` with `id` in a catalog directory, relative to it:
/// `projects/<id>.yaml`, `partners/<id>.yaml`, `offers/<id>.yaml`.
///
/// # Errors
/// [`WriteError::InvalidFileName`] when `id` is not a plain slug ([`model::is_slug`]): a
/// path separator, `..`, a namespaced id, anything outside `[a-z0-9-]` or longer than 80.
pub fn record_path(kind: RecordKind, id: &str) -> Result<PathBuf, WriteError> {
    if !model::is_slug(id) {
        return Err(WriteError::InvalidFileName {
            kind,
            id: id.to_owned(),
        });
    }
    Ok(Path::new(kind.dir_name()).join(format!("{id}.yaml")))
}

/// `dir` joined with `relative`, checked to stay inside `dir`: `relative` must consist of
/// plain names only (no `..`, `.`, root or drive), and no directory on the way that exists
/// may be a symbolic link leading out of `dir`. Missing directories on the way are created
/// (inside `dir` only).
///
/// # Errors
/// [`WriteError::OutsideDirectory`], or [`WriteError::Io`] when a directory cannot be
/// created or resolved.
pub fn contained_path(dir: &Path, relative: &Path) -> Result<PathBuf, WriteError> {
    use std::path::Component;
    let outside = || WriteError::OutsideDirectory {
        path: relative.to_owned(),
        dir: dir.to_owned(),
    };
    let names: Vec<&std::ffi::OsStr> = relative
        .components()
        .map(|c| match c {
            Component::Normal(name) => Ok(name),
            _ => Err(outside()),
        })
        .collect::<Result<_, _>>()?;
    let Some((_file, parents)) = names.split_last() else {
        return Err(outside());
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let root = dir.canonicalize().map_err(io(dir))?;
    let mut current = dir.to_path_buf();
    for name in parents {
        current.push(name);
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = current.canonicalize().map_err(io(&current))?;
                if !target.starts_with(&root) || !target.is_dir() {
                    return Err(outside());
                }
            }
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(WriteError::Io {
                    path: current.clone(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::NotADirectory,
                        "not a directory",
                    ),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&current).map_err(io(&current))?;
            }
            Err(e) => return Err(io(&current)(e)),
        }
    }
    // The directory the file lands in, resolved, is still below `dir`.
    let parent = current.canonicalize().map_err(io(&current))?;
    if !parent.starts_with(&root) {
        return Err(outside());
    }
    Ok(dir.join(relative))
}

/// Writes `content` atomically to `relative` below `dir` (see [`write_atomic`]), after
/// [`contained_path`] has made sure the file stays inside `dir`. Returns the full path.
///
/// # Errors
/// [`WriteError::OutsideDirectory`], [`WriteError::Exists`] (without `replace`), or the
/// file system refuses.
pub fn write_within(
    dir: &Path,
    relative: &Path,
    content: &[u8],
    replace: bool,
) -> Result<PathBuf, WriteError> {
    let path = contained_path(dir, relative)?;
    write_atomic(&path, content, replace)?;
    Ok(path)
}

/// Writes a new project to `<catalog>/projects/<id>.yaml` in the locked catalog; an existing
/// file is never replaced.
///
/// # Errors
/// The id cannot be a file name, the file exists, or it cannot be written.
pub fn create_project(lock: &CatalogLock, project: &Project) -> Result<PathBuf, WriteError> {
    let relative = record_path(RecordKind::Project, &project.id)?;
    write_within(
        lock.root(),
        &relative,
        serialize(project, Format::Yaml)?.as_bytes(),
        false,
    )
}

/// Writes `content` to `path` in the locked catalog, atomically; see [`write_atomic`].
///
/// # Errors
/// `path` is not in the locked catalog, the file exists (without `replace`), or the file
/// system refuses.
pub fn write_locked(
    lock: &CatalogLock,
    path: &Path,
    content: &[u8],
    replace: bool,
) -> Result<(), WriteError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    lock.check(path)?;
    write_atomic(path, content, replace)
}

impl Catalog {
    /// The file holding project `index` alone, with its format; an error when the project
    /// is one of several records in a file or was not read from disk.
    ///
    /// # Errors
    /// [`WriteError::InCollection`] or [`WriteError::NotOnDisk`].
    pub fn project_file(&self, index: usize) -> Result<(PathBuf, Format), WriteError> {
        let id = self
            .projects
            .get(index)
            .map_or_else(String::new, |p| p.id.clone());
        let origin = self.origins[kind_index(RecordKind::Project)]
            .get(index)
            .ok_or_else(|| WriteError::NotOnDisk { id: id.clone() })?;
        let source = self
            .sources
            .get(origin.file as usize)
            .ok_or_else(|| WriteError::NotOnDisk { id: id.clone() })?;
        let path = PathBuf::from(&source.path);
        match origin.place {
            Place::Whole => Ok((path, source.format)),
            _ => Err(WriteError::InCollection { id, path }),
        }
    }

    /// Rewrites project `index` as `project`, in place and in its file's format (YAML or
    /// JSON), under the catalog's lock. The file must still hold what was read when the
    /// catalog was loaded: a change by a program that does not take the lock is refused
    /// ([`WriteError::Changed`]) rather than overwritten. The file keeps its line breaks and
    /// byte order mark; in a YAML file, what did not change keeps its lines as written
    /// (comments, quoting, order: see `patch`). A YAML file that cannot be edited so is
    /// written anew, unless it has comments ([`WriteError::WouldDropComments`]).
    ///
    /// # Errors
    /// The project is not alone in a file on disk, the file is not in the locked catalog or
    /// changed since it was read, or it cannot be written.
    pub fn rewrite_project(
        &self,
        lock: &CatalogLock,
        index: usize,
        project: &Project,
    ) -> Result<PathBuf, WriteError> {
        let mut paths = self.rewrite_projects(lock, &[(index, project)])?;
        paths.pop().ok_or_else(|| WriteError::NotOnDisk {
            id: project.id.clone(),
        })
    }

    /// Rewrites several projects (`(index, new record)`) as [`Catalog::rewrite_project`]
    /// does, all or none: every file is checked (alone in its file, in the locked catalog,
    /// unchanged since it was read), then every new text is written to a temporary file and
    /// synced, and only when all of them are on disk are they renamed into place. A full
    /// disk or a refused write leaves every file as it was.
    ///
    /// # Errors
    /// As [`Catalog::rewrite_project`], for the first file that fails.
    pub fn rewrite_projects(
        &self,
        lock: &CatalogLock,
        changes: &[(usize, &Project)],
    ) -> Result<Vec<PathBuf>, WriteError> {
        let mut planned = Vec::with_capacity(changes.len());
        for &(index, project) in changes {
            let (path, content) = self.render_project(index, project)?;
            lock.check(&path)?;
            self.unchanged_on_disk(index, &path)?;
            planned.push((path, content));
        }
        let mut staged = Vec::with_capacity(planned.len());
        for (path, content) in &planned {
            staged.push(stage(path, content.as_bytes())?);
        }
        for s in staged {
            s.commit()?;
        }
        Ok(planned.into_iter().map(|(path, _)| path).collect())
    }

    /// What [`Catalog::rewrite_project`] would write for project `index`: the file and its
    /// new text (e.g. for a dry run that shows the change as a diff). Nothing is written.
    ///
    /// # Errors
    /// The project is not alone in a file on disk, or cannot be serialized, or its YAML file
    /// cannot be edited in place and has comments.
    pub fn render_project(
        &self,
        index: usize,
        project: &Project,
    ) -> Result<(PathBuf, String), WriteError> {
        self.render_project_edit(index, project)
            .map(|r| (r.path, r.text))
    }

    /// [`Catalog::render_project`], and whether the file is edited in place (only what
    /// changed is new) or written anew.
    ///
    /// # Errors
    /// As [`Catalog::render_project`].
    pub fn render_project_edit(
        &self,
        index: usize,
        project: &Project,
    ) -> Result<Rendered, WriteError> {
        let (path, format) = self.project_file(index)?;
        let Some(source) = self.project_source_text(index).filter(|t| !t.is_empty()) else {
            return Ok(Rendered {
                text: serialize(project, format)?,
                path,
                in_place: false,
            });
        };
        // The file keeps its line breaks (CR LF, when it has them and no lone CR) and its
        // byte order mark; a YAML file keeps what did not change as written (comments,
        // quoting, key order: see `patch`).
        let crlf = source.contains("\r\n");
        let lf_text = if crlf {
            source.replace("\r\n", "\n")
        } else {
            source.to_owned()
        };
        let lone_cr = lf_text.contains('\r');
        let patched = match (format, self.projects.get(index)) {
            (Format::Yaml, Some(old)) if !lone_cr => super::patch::yaml(&lf_text, old, project),
            _ => None,
        };
        let in_place = patched.is_some();
        let mut text = match patched {
            Some(text) => text,
            None if format == Format::Yaml && super::patch::has_comments(&lf_text) => {
                return Err(WriteError::WouldDropComments { path });
            }
            None => serialize(project, format)?,
        };
        if crlf && !lone_cr {
            text = text.replace('\n', "\r\n");
        }
        if starts_with_bom(&path) {
            text.insert(0, '\u{feff}');
        }
        Ok(Rendered {
            path,
            text,
            in_place,
        })
    }

    /// The text project `index` was loaded from (its whole file), if it came from a file.
    pub fn project_source_text(&self, index: usize) -> Option<&str> {
        self.origins[kind_index(RecordKind::Project)]
            .get(index)
            .and_then(|o| self.sources.get(o.file as usize))
            .map(|s| &*s.text)
    }

    /// Checks that the file of project `index` still holds the text it was loaded from.
    fn unchanged_on_disk(&self, index: usize, path: &Path) -> Result<(), WriteError> {
        let now = std::fs::read(path).map_err(io(path))?;
        let same = match (self.project_source_text(index), crate::source::decode(&now)) {
            (Some(text), Ok(current)) => text == current,
            _ => false,
        };
        if same {
            Ok(())
        } else {
            Err(WriteError::Changed {
                path: path.to_owned(),
            })
        }
    }
}

/// Writes a whole catalog into the locked directory: `digifarm.toml` and one JSON Lines file
/// per kind (`projects.jsonl`, `partners.jsonl`, `offers.jsonl`), which hold namespaced ids
/// such as `ms/klimaheroes` that cannot be file names. Existing files are not replaced.
///
/// # Errors
/// A file exists already, or cannot be written.
pub fn write_collections(
    lock: &CatalogLock,
    catalog: &Catalog,
) -> Result<Vec<PathBuf>, WriteError> {
    let out = lock.root();
    fn lines<T: serde::Serialize>(items: &[T]) -> Result<String, String> {
        let mut s = String::new();
        for item in items {
            s.push_str(&serde_json::to_string(item).map_err(|e| e.to_string())?);
            s.push('\n');
        }
        Ok(s)
    }
    let fail = |message: String| WriteError::Serialize {
        id: "digifarm.toml".to_owned(),
        message,
    };
    let config = toml::to_string(&catalog.config).map_err(|e| fail(e.to_string()))?;
    let files = [
        ("digifarm.toml", config),
        ("projects.jsonl", lines(&catalog.projects).map_err(fail)?),
        ("partners.jsonl", lines(&catalog.partners).map_err(fail)?),
        ("offers.jsonl", lines(&catalog.offers).map_err(fail)?),
    ];
    for (name, _) in &files {
        let path = out.join(name);
        if path.exists() {
            return Err(WriteError::Exists { path });
        }
    }
    let mut written = Vec::new();
    for (name, content) in files {
        let path = out.join(name);
        write_locked(lock, &path, content.as_bytes(), false)?;
        written.push(path);
    }
    Ok(written)
}
