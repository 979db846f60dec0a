//! Outputs never overlap inputs: a command that writes files (export, import, merge, a
//! chart) refuses an output that is its input, lies inside it or contains it, so that a
//! slip such as `export cat --out cat --force` cannot replace a catalog's files.
//!
//! Paths are compared as they resolve on disk: symbolic links and `..` are followed in the
//! part of a path that exists, and `..` is applied lexically to the part that does not yet
//! exist (which holds no links).

use std::path::{Component, Path, PathBuf};

/// An output that is, contains or lies inside an input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{output}: the output {relation} the input {input}; inputs are never modified, so write somewhere outside it"
)]
pub struct OutputOverlapsInput {
    /// The output as given.
    pub output: PathBuf,
    /// The input as given.
    pub input: PathBuf,
    /// `is`, `lies inside` or `contains`.
    pub relation: &'static str,
}

/// How many symbolic links are followed while resolving one path.
const MAX_LINKS: usize = 40;

/// `path` as it resolves on disk: absolute, links followed in the existing part, `.` and `..`
/// applied. Never fails: what cannot be resolved is kept as written.
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir().map_or_else(|_| path.to_owned(), |cwd| cwd.join(path))
    };
    let mut links = 0;
    resolve_from(PathBuf::new(), &absolute, &mut links)
}

fn resolve_from(mut resolved: PathBuf, rest: &Path, links: &mut usize) -> PathBuf {
    for component in rest.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component.as_os_str()),
            Component::CurDir => {}
            // `resolved` holds no links (each was replaced by its target), so `..` is its
            // parent.
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                let next = resolved.join(name);
                match std::fs::read_link(&next) {
                    Ok(target) if *links < MAX_LINKS => {
                        *links += 1;
                        let base = if target.is_absolute() {
                            PathBuf::new()
                        } else {
                            resolved.clone()
                        };
                        resolved = resolve_from(base, &target, links);
                    }
                    _ => resolved = next,
                }
            }
        }
    }
    resolved
}

/// Refuses `output` when it is `input`, lies inside it or contains it (as both resolve on
/// disk).
///
/// # Errors
/// [`OutputOverlapsInput`], naming both paths as given.
pub fn check_output(input: &Path, output: &Path) -> Result<(), OutputOverlapsInput> {
    let (i, o) = (resolve(input), resolve(output));
    let relation = if i == o {
        "is"
    } else if o.starts_with(&i) {
        "lies inside"
    } else if i.starts_with(&o) {
        "contains"
    } else {
        return Ok(());
    };
    Err(OutputOverlapsInput {
        output: output.to_owned(),
        input: input.to_owned(),
        relation,
    })
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn overlaps_are_found_through_links_and_dot_dot() {
        let dir = tempfile::tempdir().unwrap();
        let cat = dir.path().join("cat");
        std::fs::create_dir_all(cat.join("projects")).unwrap();
        std::os::unix::fs::symlink(&cat, dir.path().join("alias")).unwrap();
        std::os::unix::fs::symlink("cat/projects", dir.path().join("rel")).unwrap();
        let relation = |out: PathBuf| check_output(&cat, &out).err().map(|e| e.relation);
        assert_eq!(relation(cat.clone()), Some("is"));
        assert_eq!(relation(cat.join("projects")), Some("lies inside"));
        assert_eq!(relation(cat.join("new/deeper")), Some("lies inside"));
        assert_eq!(relation(dir.path().to_owned()), Some("contains"));
        assert_eq!(relation(dir.path().join("alias")), Some("is"));
        assert_eq!(relation(dir.path().join("alias/x")), Some("lies inside"));
        assert_eq!(relation(dir.path().join("rel/../x")), Some("lies inside"));
        assert_eq!(relation(dir.path().join("new/../cat")), Some("is"));
        assert_eq!(relation(cat.join("../site")), None);
        assert_eq!(relation(dir.path().join("site")), None);
        assert_eq!(relation(dir.path().join("catalog")), None);
    }
}
