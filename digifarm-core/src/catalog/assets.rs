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
    /// The copy the portal publishes, when it was made beforehand ([`prepare_thumbnails`]);
    /// otherwise the export makes it.
    pub thumbnail: Option<Arc<picture::Thumbnail>>,
}

impl std::fmt::Debug for Asset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Asset")
            .field("path", &self.path)
            .field("bytes", &self.bytes.len())
            .field("kind", &self.kind)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("thumbnail", &self.thumbnail.as_ref().map(|t| t.bytes.len()))
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
        thumbnail: None,
    })
}

/// Where scaled copies of project images are kept between exports:
/// `$DIGIFARM_IMAGE_CACHE` (`off` disables it), else `$XDG_CACHE_HOME/digifarm/images`,
/// else `~/.cache/digifarm/images`. Outside the catalog on purpose: an export never writes
/// into its input.
pub fn default_cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DIGIFARM_IMAGE_CACHE") {
        return (dir != "off" && !dir.is_empty()).then(|| PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("digifarm").join("images"))
}

/// The layout of the cache: a new version of the scaling (size, quality, format) gets a new
/// directory, so that a copy made by an older one is never published.
const CACHE_VERSION: &str = "v1-500x350-q82";

/// What a cached copy may be: a JPEG or PNG no larger than the portal shows.
const CACHED: Rules = Rules {
    kinds: &[Kind::Jpeg, Kind::Png],
    max_bytes: 8 * 1024 * 1024,
    max_side: picture::THUMBNAIL.0,
    max_pixels: (picture::THUMBNAIL.0 as u64) * (picture::THUMBNAIL.1 as u64),
};

/// Makes the published copy of every project image in `assets` that has to be scaled
/// (larger than 500 × 350 pixels; smaller ones are published as they are and cost nothing),
/// in parallel, and keeps it in `cache` (see [`default_cache_dir`]) under the BLAKE3 hash
/// of the image file (cryptographic, several GB/s), so that the next export of an unchanged
/// image reads the copy instead of decoding, scaling and encoding the image again. A copy read from the cache is checked
/// (type, size) before it is used; one that fails is made again. Writing to the cache is
/// best effort: a cache that cannot be written only makes the export slower. Without
/// `cache`, the copies are made and nothing is kept.
///
/// Returns the images that cannot be decoded, by project id, as
/// [`export::Error::Images`](crate::export::Error::Images) reports them.
pub fn prepare_thumbnails(
    assets: &mut Assets,
    cache: Option<&Path>,
) -> Vec<(String, picture::Problem)> {
    let dir = cache.map(|c| c.join(CACHE_VERSION));
    if let Some(dir) = &dir {
        // Best effort, as every write to the cache.
        let _ = std::fs::create_dir_all(dir);
    }
    let mut problems: Vec<(String, picture::Problem)> = assets
        .images
        .par_iter_mut()
        .filter(|(_, a)| {
            a.kind != Kind::Svg
                && (a.width > picture::THUMBNAIL.0 || a.height > picture::THUMBNAIL.1)
        })
        .filter_map(|(id, asset)| {
            let key = dir
                .as_ref()
                .map(|dir| dir.join(blake3::hash(&asset.bytes).to_hex().as_str()));
            if let Some(cached) = key.as_deref().and_then(read_cached) {
                asset.thumbnail = Some(Arc::new(cached));
                return None;
            }
            match picture::thumbnail(&asset.bytes, picture::PROJECT_IMAGE) {
                Ok(t) => {
                    if let Some(key) = &key {
                        let _ = super::write::write_atomic(
                            &key.with_extension(t.extension),
                            &t.bytes,
                            true,
                        );
                    }
                    asset.thumbnail = Some(Arc::new(t));
                    None
                }
                Err(problem) => Some((id.clone(), problem)),
            }
        })
        .collect();
    problems.sort_by(|a, b| a.0.cmp(&b.0));
    problems
}

/// The cached copy at `key` (`.jpg` or `.png`), if there is one that passes its checks.
fn read_cached(key: &Path) -> Option<picture::Thumbnail> {
    ["jpg", "png"].into_iter().find_map(|extension| {
        let bytes = std::fs::read(key.with_extension(extension)).ok()?;
        let info = picture::inspect(&bytes, CACHED).ok()?;
        (info.kind.extension() == extension).then_some(picture::Thumbnail {
            bytes,
            extension: info.kind.extension(),
            width: info.width,
            height: info.height,
        })
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn jpeg(w: u32, h: u32, shade: u8) -> Arc<[u8]> {
        let mut out = Vec::new();
        image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, shade])
        })
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut out, 85,
        ))
        .unwrap();
        Arc::from(out)
    }

    fn assets(images: &[(&str, Arc<[u8]>, u32, u32)]) -> Assets {
        Assets {
            logo: None,
            images: images
                .iter()
                .map(|(id, bytes, w, h)| {
                    let asset = Asset {
                        path: format!("images/{id}.jpg"),
                        bytes: Arc::clone(bytes),
                        kind: Kind::Jpeg,
                        width: *w,
                        height: *h,
                        thumbnail: None,
                    };
                    ((*id).to_owned(), asset)
                })
                .collect(),
        }
    }

    fn cached_files(dir: &Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(CACHE_VERSION))
            .map(|r| r.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        files.sort();
        files
    }

    #[test]
    fn scaled_copies_are_kept_by_content_and_reused() {
        let cache = tempfile::tempdir().unwrap();
        let big = jpeg(1000, 700, 40);
        let small = jpeg(400, 300, 90);
        let images = [
            ("a", Arc::clone(&big), 1000, 700),
            ("b", Arc::clone(&big), 1000, 700),
            ("c", small, 400, 300),
        ];
        let mut first = assets(&images);
        assert!(prepare_thumbnails(&mut first, Some(cache.path())).is_empty());
        // One copy for the one image that needs scaling (two projects share its bytes);
        // the small one is published as it is and not cached.
        let files = cached_files(cache.path());
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(files[0].extension().unwrap(), "jpg");
        let made = first.images["a"].thumbnail.clone().unwrap();
        assert_eq!((made.width, made.height), (500, 350));
        assert_eq!(std::fs::read(&files[0]).unwrap(), made.bytes);
        assert!(first.images["c"].thumbnail.is_none());

        // The next run reads the copy: replace it by another valid picture and it is used.
        let marker = jpeg(500, 350, 200);
        std::fs::write(&files[0], &marker).unwrap();
        let mut second = assets(&images);
        assert!(prepare_thumbnails(&mut second, Some(cache.path())).is_empty());
        assert_eq!(
            second.images["b"].thumbnail.as_ref().unwrap().bytes,
            &marker[..]
        );

        // A copy that fails its checks (not an image, too large) is made again.
        for bad in [b"not a picture".to_vec(), jpeg(900, 700, 1).to_vec()] {
            std::fs::write(&files[0], &bad).unwrap();
            let mut third = assets(&images);
            assert!(prepare_thumbnails(&mut third, Some(cache.path())).is_empty());
            assert_eq!(
                third.images["a"].thumbnail.as_ref().unwrap().bytes,
                made.bytes
            );
            assert_eq!(std::fs::read(&files[0]).unwrap(), made.bytes);
        }
    }

    #[test]
    fn without_a_cache_copies_are_made_and_a_broken_image_is_reported() {
        // A PNG cut in half: its header promises pixels its data does not hold.
        let mut broken = Vec::new();
        image::RgbImage::from_fn(1000, 700, |x, y| image::Rgb([x as u8, y as u8, 7]))
            .write_to(
                &mut std::io::Cursor::new(&mut broken),
                image::ImageFormat::Png,
            )
            .unwrap();
        broken.truncate(broken.len() / 2);
        let mut set = assets(&[
            ("ok", jpeg(800, 600, 5), 800, 600),
            ("broken", Arc::from(broken), 1000, 700),
        ]);
        if let Some(a) = set.images.get_mut("broken") {
            a.kind = Kind::Png;
        }
        let problems = prepare_thumbnails(&mut set, None);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "broken");
        assert_eq!(problems[0].1.code, Code::ImageInvalid);
        assert!(set.images["ok"].thumbnail.is_some());
        // An unwritable cache only costs time.
        let file = tempfile::NamedTempFile::new().unwrap();
        let mut set = assets(&[("ok", jpeg(800, 600, 5), 800, 600)]);
        assert!(prepare_thumbnails(&mut set, Some(file.path())).is_empty());
        assert!(set.images["ok"].thumbnail.is_some());
    }
}
