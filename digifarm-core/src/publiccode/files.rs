//! The one place the publiccode checker reads files: the first bytes of a file a
//! publiccode.yml refers to (logo, screenshot, authors file), to see that it exists and, for
//! a PNG logo, how wide it is.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The first `n` bytes of the regular file at `path`; `None` when there is no such file
/// (a directory, a dangling link or nothing at all).
///
/// # Errors
/// An I/O error other than "not found".
pub fn read_head(path: &Path, n: usize) -> std::io::Result<Option<Vec<u8>>> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !meta.is_file() {
        return Ok(None);
    }
    let mut head = Vec::with_capacity(n);
    std::fs::File::open(path)?
        .take(n as u64)
        .read_to_end(&mut head)?;
    Ok(Some(head))
}

/// `relative` under `base` as the path to read, when it really lies inside `base` once every
/// link is followed; `None` when it (or the part of it that exists) leads outside. A path
/// whose file does not exist is returned as written, under `base`, for the caller to find
/// missing. `relative` must not start at a root; its `..` are resolved after the links.
///
/// # Errors
/// Only when `base` itself cannot be resolved.
pub fn contained(base: &Path, relative: &Path) -> std::io::Result<Option<PathBuf>> {
    let root = base.canonicalize()?;
    let wanted = root.join(relative);
    // The longest part of the path that resolves decides: resolved, it must stay inside.
    // Any failure to resolve a longer part (not found, not a directory, no permission, a
    // loop) only moves the decision up: reported as it is, it would tell what lies beyond a
    // link out of the repository (`up/etc/passwd/x.png`: "not a directory").
    let mut probe = wanted.as_path();
    loop {
        if let Ok(real) = probe.canonicalize() {
            if !real.starts_with(&root) {
                return Ok(None);
            }
            return Ok(Some(if probe == wanted { real } else { wanted }));
        }
        // A dangling link points somewhere that does not exist: where, is not ours to say.
        if std::fs::symlink_metadata(probe).is_ok_and(|m| m.file_type().is_symlink()) {
            return Ok(None);
        }
        match probe.parent() {
            Some(parent) if parent.starts_with(&root) => probe = parent,
            _ => return Ok(None),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_base_are_refused() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        let repo = dir.join("repo");
        std::fs::create_dir_all(repo.join("img")).unwrap();
        std::fs::write(dir.join("secret.png"), b"x").unwrap();
        std::fs::write(repo.join("img/logo.png"), b"x").unwrap();
        std::os::unix::fs::symlink(dir.join("secret.png"), repo.join("link.png")).unwrap();
        std::os::unix::fs::symlink(dir, repo.join("up")).unwrap();
        std::os::unix::fs::symlink(dir.join("nowhere"), repo.join("dangling")).unwrap();
        std::os::unix::fs::symlink(repo.join("img/logo.png"), repo.join("inside.png")).unwrap();
        let c = |p: &str| contained(&repo, Path::new(p)).unwrap();
        assert!(c("img/logo.png").is_some());
        assert!(c("inside.png").is_some());
        assert!(c("img/missing.png").is_some());
        assert!(c("link.png").is_none());
        assert!(c("up/secret.png").is_none());
        assert!(c("up/missing.png").is_none());
        assert!(c("dangling").is_none());
        assert!(c("dangling/x.png").is_none());
        assert!(c("img/../img/logo.png").is_some());
        assert!(c("up/repo/../secret.png").is_none());
        // Below a file outside, or a directory outside that cannot be read: refused the same
        // way, so that no error tells what is there.
        assert!(c("up/secret.png/x.png").is_none());
        assert!(c("link.png/x.png").is_none());
        std::fs::create_dir(dir.join("closed")).unwrap();
        std::fs::write(dir.join("closed/inner.png"), b"x").unwrap();
        let mut closed = std::fs::metadata(dir.join("closed")).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut closed, 0o000);
        std::fs::set_permissions(dir.join("closed"), closed).unwrap();
        assert!(c("up/closed/inner.png").is_none());
        assert!(c("up/closed/missing.png").is_none());
        let mut open = std::fs::metadata(dir.join("closed")).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut open, 0o755);
        std::fs::set_permissions(dir.join("closed"), open).unwrap();
    }
}
