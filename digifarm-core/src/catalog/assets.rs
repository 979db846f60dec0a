//! The image files of a catalog: each project's `image` and the portal's `logo`, read from
//! the catalog directory and checked (inside the catalog, type by content, size limits,
//! optionally decodable) by [`crate::picture`]. Reading files is this module's job; the
//! export receives the bytes as [`Assets`] and stays pure.
//!
//! A path is relative to the catalog root. A URL is refused (`image-remote`: the portal never
//! fetches or hot-links an image), and so is a path that leaves the catalog (`..`, an
//! absolute path, or a symbolic link pointing out of it: `image-outside-catalog`).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::RecordKind;
use crate::picture::{self, Kind, Rules};

/// A loaded image, or the code and message of why it cannot be used.
type Loaded = Result<Asset, (Code, String)>;

/// One image file of the catalog, read and checked.
#[derive(Clone)]
pub struct Asset {
    /// The path as the catalog gives it (relative to the root).
    pub path: String,
    /// The file's bytes.
    pub bytes: Arc<[u8]>,
    /// Its type, by content.
    pub kind: Kind,
    /// Width in pixels (0 for an SVG).
    pub width: u32,
    /// Height in pixels (0 for an SVG).
    pub height: u32,
}

impl std::fmt::Debug for Asset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Asset")
            .field("path", &self.path)
            .field("bytes", &self.bytes.len())
            .field("kind", &self.kind)
            .field("width", &self.width)
            .field("height", &self.height)
            .finish()
    }
}

/// The catalog's images that passed their checks: what the HTML export publishes.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// The portal's logo (`[portal] logo`).
    pub logo: Option<Asset>,
    /// Project images by project id.
    pub images: HashMap<String, Asset>,
}

/// Reads and checks the logo and every project image of `catalog` (loaded from a directory;
/// a catalog without a root has no files to read). With `decode`, every image is also
/// decoded, so a file that is broken past its header is found (`digifarm validate` does
/// this; the export decodes when it scales). Returns what passed and a diagnostic, with file,
/// line and column, for each that did not.
pub fn read(catalog: &Catalog, decode: bool) -> (Assets, Vec<Diagnostic>) {
    let mut assets = Assets::default();
    let mut diagnostics = Vec::new();
    let Some(root) = catalog.root.as_deref() else {
        return (assets, diagnostics);
    };
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_owned());
    if let Some(logo) = &catalog.config.portal.logo {
        match load(&canonical_root, logo, picture::LOGO, decode) {
            Ok(asset) => assets.logo = Some(asset),
            Err((code, message)) => diagnostics.push(
                Diagnostic::new(code, catalog.config_file_path(), "/portal/logo", message)
                    .with_help(help(code, "logo.svg")),
            ),
        }
    }
    let results: Vec<(usize, Loaded)> = catalog
        .projects
        .par_iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.image.as_deref().map(|path| {
                (
                    i,
                    load(&canonical_root, path, picture::PROJECT_IMAGE, decode),
                )
            })
        })
        .collect();
    for (i, result) in results {
        let project = &catalog.projects[i];
        match result {
            Ok(asset) => {
                assets.images.insert(project.id.clone(), asset);
            }
            Err((code, message)) => {
                let (file, prefix, line) = catalog.locate_record(RecordKind::Project, i);
                let mut d = Diagnostic::new(code, file, format!("{prefix}/image"), message)
                    .with_help(help(code, &format!("images/{}.png", project.id)));
                d.line = line;
                diagnostics.push(d);
            }
        }
    }
    catalog.resolve_positions(&mut diagnostics);
    (assets, diagnostics)
}

fn help(code: Code, example: &str) -> String {
    match code {
        Code::ImageRemote => format!(
            "save the image in the catalog (e.g. {example}) and give its path; remote images are never fetched or hot-linked"
        ),
        Code::ImageOutsideCatalog => format!(
            "put the file inside the catalog directory and give its path relative to the catalog root (e.g. {example})"
        ),
        Code::ImageMissing => {
            format!(
                "add the file, or correct the path (relative to the catalog root, e.g. {example})"
            )
        }
        Code::ImageTooLarge => {
            "scale the image down: the portal shows it at 500 × 350 pixels".to_owned()
        }
        Code::ImageUnsafe => {
            "export the logo again as plain SVG without scripts or links, or use a PNG".to_owned()
        }
        _ => "use a PNG, JPEG or WebP file (a logo: SVG or PNG)".to_owned(),
    }
}

/// Where `path` (as a record gives it) lies under `root`, if it is a plain relative path.
fn relative(root: &Path, path: &str) -> Result<PathBuf, (Code, String)> {
    let p = path.trim();
    let lower = p.to_ascii_lowercase();
    if lower.contains("://") || lower.starts_with("//") || lower.starts_with("data:") {
        return Err((
            Code::ImageRemote,
            format!("`{p}` is a URL; an image must be a file in the catalog"),
        ));
    }
    let rel = Path::new(p);
    let plain = !p.is_empty()
        && !p.contains('\\')
        && rel
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !plain {
        return Err((
            Code::ImageOutsideCatalog,
            format!("`{p}` is not a path inside the catalog"),
        ));
    }
    Ok(root.join(rel))
}

fn load(root: &Path, path: &str, rules: Rules, decode: bool) -> Result<Asset, (Code, String)> {
    let full = relative(root, path)?;
    let shown = path.trim();
    let meta = match std::fs::symlink_metadata(&full) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err((
                Code::ImageMissing,
                format!("`{shown}` does not exist in the catalog"),
            ));
        }
        Err(e) => return Err((Code::ImageMissing, format!("`{shown}` cannot be read: {e}"))),
    };
    // A link (or a linked directory on the way) must not lead out of the catalog.
    let resolved = std::fs::canonicalize(&full).map_err(|e| {
        (
            Code::ImageMissing,
            format!("`{shown}` cannot be resolved: {e}"),
        )
    })?;
    if !resolved.starts_with(root) {
        return Err((
            Code::ImageOutsideCatalog,
            format!("`{shown}` is a link to a file outside the catalog"),
        ));
    }
    let meta = if meta.file_type().is_symlink() {
        std::fs::metadata(&resolved)
            .map_err(|e| (Code::ImageMissing, format!("`{shown}` cannot be read: {e}")))?
    } else {
        meta
    };
    if !meta.is_file() {
        return Err((
            Code::ImageInvalid,
            format!("`{shown}` is a directory or special file, not an image file"),
        ));
    }
    if meta.len() > rules.max_bytes {
        return Err((
            Code::ImageTooLarge,
            format!(
                "`{shown}` has {} bytes; the limit is {}",
                meta.len(),
                rules.max_bytes
            ),
        ));
    }
    let bytes = std::fs::read(&resolved)
        .map_err(|e| (Code::ImageMissing, format!("`{shown}` cannot be read: {e}")))?;
    let problem = |p: picture::Problem| (p.code, format!("`{shown}`: {}", p.message));
    let info = picture::inspect(&bytes, rules).map_err(problem)?;
    if decode && info.kind != Kind::Svg {
        picture::decode(&bytes, rules).map_err(problem)?;
    }
    Ok(Asset {
        path: shown.to_owned(),
        bytes: Arc::from(bytes),
        kind: info.kind,
        width: info.width,
        height: info.height,
    })
}

/// Diagnostics, with file, line and column, for project images the export could not scale
/// (`export::Error::Images`): each points at the project's `image` in `catalog`.
pub fn image_diagnostics(
    catalog: &Catalog,
    problems: &[(String, picture::Problem)],
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = problems
        .iter()
        .map(|(id, problem)| {
            let index = catalog.projects.iter().position(|p| &p.id == id);
            let (file, prefix, line) = index.map_or_else(
                || (String::new(), String::new(), 0),
                |i| catalog.locate_record(RecordKind::Project, i),
            );
            let path = index
                .and_then(|i| catalog.projects[i].image.as_deref())
                .unwrap_or("");
            let mut d = Diagnostic::new(
                problem.code,
                file,
                format!("{prefix}/image"),
                format!("`{path}`: {}", problem.message),
            )
            .with_help(help(problem.code, &format!("images/{id}.png")));
            d.line = line;
            d
        })
        .collect();
    catalog.resolve_positions(&mut out);
    crate::diagnostic::sort(&mut out);
    out
}

/// Copies the image files of `catalog` that pass their checks (the project images, and the
/// logo when `with_logo`) to `out/<prefix>/<path>`, as `digifarm merge` needs for the paths
/// it prefixes with the city code. An existing file is never replaced. Returns the files
/// written; an image that fails its checks is not copied (validating the merged catalog
/// reports it as missing).
///
/// # Errors
/// A file exists already, or the file system refuses.
pub fn copy_into(
    catalog: &Catalog,
    prefix: &str,
    with_logo: bool,
    out: &Path,
) -> Result<Vec<PathBuf>, super::write::WriteError> {
    let (assets, _) = read(catalog, false);
    let logo = assets.logo.iter().filter(|_| with_logo);
    let mut written = Vec::new();
    for asset in logo.chain(assets.images.values()) {
        let target = out.join(prefix).join(&asset.path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|source| super::write::WriteError::Io {
                path: dir.to_owned(),
                source,
            })?;
        }
        super::write::write_atomic(&target, &asset.bytes, false)?;
        written.push(target);
    }
    written.sort();
    Ok(written)
}
