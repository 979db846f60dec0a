//! Writing records back: atomic (a temporary file in the same directory, synced, then
//! renamed or hard-linked into place) so a reader never sees half a file and a crash leaves
//! the old file intact. Only the file a command is meant to write is touched.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Catalog, Place, kind_index};
use crate::model::{Project, RecordKind};
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
    /// The record cannot be serialized.
    #[error("cannot serialize `{id}`: {message}")]
    Serialize {
        /// The record's id.
        id: String,
        /// Why.
        message: String,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// A new temporary file next to the target; a name left over from a crashed run is skipped.
fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
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

/// Writes a new project to `<root>/projects/<id>.yaml`; an existing file is never replaced.
///
/// # Errors
/// The file exists, or it cannot be written.
pub fn create_project(root: &Path, project: &Project) -> Result<PathBuf, WriteError> {
    let path = root.join("projects").join(format!("{}.yaml", project.id));
    write_atomic(&path, serialize(project, Format::Yaml)?.as_bytes(), false)?;
    Ok(path)
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
    /// JSON). Comments in a YAML file are not kept.
    ///
    /// # Errors
    /// The project is not alone in a file on disk, or the file cannot be written.
    pub fn rewrite_project(&self, index: usize, project: &Project) -> Result<PathBuf, WriteError> {
        let (path, format) = self.project_file(index)?;
        write_atomic(&path, serialize(project, format)?.as_bytes(), true)?;
        Ok(path)
    }
}

/// Writes a whole catalog into the new directory `out`: `digifarm.toml` and one JSON Lines
/// file per kind (`projects.jsonl`, `partners.jsonl`, `offers.jsonl`), which hold namespaced
/// ids such as `ms/klimaheroes` that cannot be file names. Existing files are not replaced.
///
/// # Errors
/// A file exists already, or cannot be written.
pub fn write_collections(out: &Path, catalog: &Catalog) -> Result<Vec<PathBuf>, WriteError> {
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
        write_atomic(&path, content.as_bytes(), false)?;
        written.push(path);
    }
    Ok(written)
}
