//! The one place the publiccode checker reads files: the first bytes of a file a
//! publiccode.yml refers to (logo, screenshot, authors file), to see that it exists and, for
//! a PNG logo, how wide it is.

use std::io::Read;
use std::path::Path;

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
