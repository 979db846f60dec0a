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

/// Directories of the catalog and where they resolve to (links followed).
type Parents = HashMap<PathBuf, PathBuf>;

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
/// this; the export decodes when it scales). Returns what passed, with every file's bytes,
/// and a diagnostic, with file, line and column, for each that did not.
pub fn read(catalog: &Catalog, decode: bool) -> (Assets, Vec<Diagnostic>) {
    let want = if decode { Want::Decoded } else { Want::Bytes };
    read_as(catalog, want, None)
}

/// Checks the logo and every project image of `catalog` as [`read`] with `decode` does (what
/// `digifarm validate` reports), keeping nothing in memory. With `cache` (see
/// [`default_cache_dir`]), an image file found good before, unchanged on disk since, is not
/// read again (see [`read_site`]); with `prepare` as well, each image that has to be scaled
/// for the portal gets its scaled copy made from the same decode and kept, so that the
/// export after the validation only reads it (`digifarm export --format html` does this; a
/// validation on its own does not spend the time).
pub fn check(catalog: &Catalog, cache: Option<&Path>, prepare: bool) -> Vec<Diagnostic> {
    let want = if prepare && cache.is_some() {
        Want::Prepared
    } else {
        Want::Checked
    };
    read_as(catalog, want, cache).1
}

/// What the HTML export publishes: the logo and every project image of `catalog`, checked as
/// [`check`] checks them, each project image that has to be scaled (larger than 500 × 350
/// pixels) with its scaled copy made ([`Asset::thumbnail`]; the original's bytes are then not
/// kept, [`Asset::bytes`] is empty), the others with their bytes (published as they are,
/// without their metadata).
///
/// With `cache` (see [`default_cache_dir`]), the work of earlier runs is reused, safely:
/// - a scaled copy is kept under the BLAKE3 hash of the image file (cryptographic), and a
///   copy is only ever made from a file that decoded without error, so a file whose hash has
///   a copy is known good and is not decoded again (a fresh clone of the same catalog costs
///   reading and hashing its images);
/// - a file found good is remembered by its identity on disk (path, device, inode, size,
///   modification and change time to the nanosecond, as git's index does): while none of
///   them changes, the file is not read at all. The change time cannot be set by a program
///   and changes with every write, so a changed file is always read and checked again; a
///   file changed less than two seconds before it was checked is not remembered (a second
///   write within the file system's clock tick would leave its times as they were).
///
/// Reading or writing the cache is best effort: a copy that fails its checks is made again,
/// a cache that cannot be written only makes the next run slower.
pub fn read_site(catalog: &Catalog, cache: Option<&Path>) -> (Assets, Vec<Diagnostic>) {
    read_as(catalog, Want::Site, cache)
}

/// What a read keeps of each image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// The bytes, checked by their header ([`read`] without `decode`).
    Bytes,
    /// The bytes, decoded once ([`read`] with `decode`).
    Decoded,
    /// Nothing; every image decoded once, or known good ([`check`]).
    Checked,
    /// Nothing, as [`Want::Checked`], with the scaled copies made and kept in the cache
    /// ([`check`] with `prepare`).
    Prepared,
    /// What the portal publishes ([`read_site`]).
    Site,
}

impl Want {
    /// Whether the read returns the assets (a check returns only its diagnostics).
    fn keeps_assets(self) -> bool {
        !matches!(self, Want::Checked | Want::Prepared)
    }
}

fn read_as(catalog: &Catalog, want: Want, cache: Option<&Path>) -> (Assets, Vec<Diagnostic>) {
    read_parts(catalog, want, cache, Parts::All)
}

/// The logo only, checked as [`check`] checks it (for a validation that checks the project
/// images batch by batch, see [`check_projects`]).
pub(crate) fn check_logo(catalog: &Catalog) -> Vec<Diagnostic> {
    read_parts(catalog, Want::Checked, None, Parts::Logo).1
}

/// The project images `catalog` holds, checked as [`check`] checks them.
pub(crate) fn check_projects(
    catalog: &Catalog,
    cache: Option<&Path>,
    prepare: bool,
) -> Vec<Diagnostic> {
    let want = if prepare && cache.is_some() {
        Want::Prepared
    } else {
        Want::Checked
    };
    read_parts(catalog, want, cache, Parts::Projects).1
}

/// Which images a read looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parts {
    All,
    Logo,
    Projects,
}

fn read_parts(
    catalog: &Catalog,
    want: Want,
    cache: Option<&Path>,
    parts: Parts,
) -> (Assets, Vec<Diagnostic>) {
    let mut assets = Assets::default();
    let mut diagnostics = Vec::new();
    let Some(root) = catalog.root.as_deref() else {
        return (assets, diagnostics);
    };
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_owned());
    if parts != Parts::Projects
        && let Some(logo) = &catalog.config.portal.logo
    {
        let decode = want != Want::Bytes;
        match load(
            &canonical_root,
            logo,
            picture::LOGO,
            decode,
            &Parents::new(),
        ) {
            Ok(asset) => assets.logo = Some(asset),
            Err((code, message)) => diagnostics.push(
                Diagnostic::new(code, catalog.config_file_path(), "/portal/logo", message)
                    .with_help(help(code, "logo.svg")),
            ),
        }
    }
    if parts == Parts::Logo {
        catalog.resolve_positions(&mut diagnostics);
        return (assets, diagnostics);
    }
    // The directories the images are in, each resolved once.
    let parents: Parents = catalog
        .projects
        .iter()
        .filter_map(|p| {
            let full = relative(&canonical_root, p.image.as_deref()?).ok()?;
            full.parent().map(Path::to_owned)
        })
        .collect::<std::collections::HashSet<PathBuf>>()
        .into_iter()
        .filter_map(|d| std::fs::canonicalize(&d).ok().map(|resolved| (d, resolved)))
        .collect();
    let dir = cache.map(|c| c.join(CACHE_VERSION));
    if let Some(dir) = &dir {
        // Best effort, as every write to the cache.
        let _ = std::fs::create_dir_all(dir.join(SEEN));
    }
    let results: Vec<(usize, Loaded)> = catalog
        .projects
        .par_iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.image.as_deref().map(|path| {
                let loaded = match want {
                    Want::Bytes | Want::Decoded => load(
                        &canonical_root,
                        path,
                        picture::PROJECT_IMAGE,
                        want == Want::Decoded,
                        &parents,
                    ),
                    Want::Checked | Want::Prepared | Want::Site => {
                        load_project_image(&canonical_root, path, want, dir.as_deref(), &parents)
                    }
                };
                (i, loaded)
            })
        })
        .collect();
    for (i, result) in results {
        let project = &catalog.projects[i];
        match result {
            Ok(asset) => {
                if want.keeps_assets() {
                    assets.images.insert(project.id.clone(), asset);
                }
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

/// The file `path` (as a record gives it) names under `root`, resolved, with its metadata,
/// once it passes the checks that need no reading: inside the catalog, a regular file,
/// within the size limit.
fn locate(
    root: &Path,
    path: &str,
    rules: Rules,
    parents: &Parents,
) -> Result<(PathBuf, std::fs::Metadata), (Code, String)> {
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
    // A link (or a linked directory on the way) must not lead out of the catalog. A file
    // that is no link lies where its directory, resolved once for all its files, is.
    let known = match (full.parent(), full.file_name()) {
        (Some(dir), Some(name)) if !meta.file_type().is_symlink() => {
            parents.get(dir).map(|d| d.join(name))
        }
        _ => None,
    };
    let resolved = match known {
        Some(resolved) => resolved,
        None => std::fs::canonicalize(&full).map_err(|e| {
            (
                Code::ImageMissing,
                format!("`{shown}` cannot be resolved: {e}"),
            )
        })?,
    };
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
    Ok((resolved, meta))
}

fn load(
    root: &Path,
    path: &str,
    rules: Rules,
    decode: bool,
    parents: &Parents,
) -> Result<Asset, (Code, String)> {
    let shown = path.trim();
    let (resolved, _) = locate(root, path, rules, parents)?;
    let bytes = std::fs::read(&resolved)
        .map_err(|e| (Code::ImageMissing, format!("`{shown}` cannot be read: {e}")))?;
    let problem = |p: picture::Problem| (p.code, format!("`{shown}`: {}", p.message));
    let info = picture::inspect(&bytes, rules).map_err(problem)?;
    if decode && info.kind != Kind::Svg {
        picture::decode(&bytes, rules).map_err(problem)?;
    }
    Ok(asset(shown, Arc::from(bytes), info, None))
}

fn asset(
    path: &str,
    bytes: Arc<[u8]>,
    info: picture::Info,
    thumbnail: Option<picture::Thumbnail>,
) -> Asset {
    Asset {
        path: path.to_owned(),
        bytes,
        kind: info.kind,
        width: info.width,
        height: info.height,
        thumbnail: thumbnail.map(Arc::new),
    }
}

/// A project image for [`check`] (`want` [`Want::Checked`] or [`Want::Prepared`]) or
/// [`read_site`] ([`Want::Site`]), with the cache at `dir` (its version directory) if there
/// is one.
fn load_project_image(
    root: &Path,
    path: &str,
    want: Want,
    dir: Option<&Path>,
    parents: &Parents,
) -> Result<Asset, (Code, String)> {
    let rules = picture::PROJECT_IMAGE;
    let shown = path.trim();
    let (resolved, meta) = locate(root, path, rules, parents)?;
    let identity = dir.and_then(|_| identity(&resolved, &meta));
    let none: Arc<[u8]> = Arc::from(Vec::new());
    // Known good and unchanged on disk: not read again.
    if let (Some(dir), Some(id)) = (dir, &identity)
        && let Some((hash, info)) = read_seen(&dir.join(SEEN).join(id))
    {
        let copy = dir.join(&hash);
        if want == Want::Checked {
            return Ok(asset(shown, none, info, None));
        }
        if !picture::needs_scaling(info) {
            if want == Want::Prepared {
                return Ok(asset(shown, none, info, None));
            }
            // Published as it is: its bytes are needed.
            if let Ok(bytes) = std::fs::read(&resolved)
                && picture::inspect(&bytes, rules) == Ok(info)
            {
                return Ok(asset(shown, Arc::from(bytes), info, None));
            }
        } else if want == Want::Prepared {
            if CACHED_EXTENSIONS
                .iter()
                .any(|e| copy.with_extension(e).is_file())
            {
                return Ok(asset(shown, none, info, None));
            }
        } else if let Some(made) = read_cached(&copy) {
            return Ok(asset(shown, none, info, Some(made)));
        }
    }
    let bytes = std::fs::read(&resolved)
        .map_err(|e| (Code::ImageMissing, format!("`{shown}` cannot be read: {e}")))?;
    let problem = |p: picture::Problem| (p.code, format!("`{shown}`: {}", p.message));
    let info = picture::inspect(&bytes, rules).map_err(problem)?;
    let scaled = picture::needs_scaling(info);
    let hash = dir.map(|_| blake3::hash(&bytes).to_hex().to_string());
    let key = dir.zip(hash.as_deref()).map(|(d, h)| d.join(h));
    // A copy made from these very bytes proves they decode.
    let mut thumbnail = None;
    if scaled && let Some(key) = &key {
        thumbnail = read_cached(key);
    }
    if thumbnail.is_none() {
        let image = picture::decode(&bytes, rules).map_err(problem)?;
        if scaled && (want == Want::Site || (want == Want::Prepared && key.is_some())) {
            let made = picture::thumbnail_of(&image).map_err(problem)?;
            if let Some(key) = &key {
                cache_put(&key.with_extension(made.extension), &made.bytes);
            }
            thumbnail = Some(made);
        }
    }
    if let (Some(dir), Some(id), Some(hash)) = (dir, &identity, &hash) {
        let entry = format!(
            "{hash} {} {} {}\n",
            info.kind.extension(),
            info.width,
            info.height
        );
        cache_put(&dir.join(SEEN).join(id), entry.as_bytes());
    }
    Ok(match want {
        Want::Site if scaled => asset(shown, none, info, thumbnail),
        Want::Site => asset(shown, Arc::from(bytes), info, None),
        _ => asset(shown, none, info, None),
    })
}

/// The subdirectory of the cache that remembers files found good, by [`identity`].
const SEEN: &str = "seen";

/// A file's identity on disk, as the name of its entry in [`SEEN`]: a hash of its path,
/// device, inode, size, and modification and change times (seconds and nanoseconds). `None`
/// where there is no such identity, and for a file changed less than two seconds ago, which
/// could still change within the same clock tick without a trace in its times.
#[cfg(unix)]
fn identity(path: &Path, meta: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::MetadataExt;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    let now = i64::try_from(now).ok()?;
    if now.saturating_sub(meta.ctime().max(meta.mtime())) < 2 {
        return None;
    }
    let mut hasher = blake3::Hasher::new();
    hasher.update(path.as_os_str().as_bytes());
    hasher.update(&[0]);
    for value in [
        meta.dev(),
        meta.ino(),
        meta.size(),
        meta.mtime().cast_unsigned(),
        meta.mtime_nsec().cast_unsigned(),
        meta.ctime().cast_unsigned(),
        meta.ctime_nsec().cast_unsigned(),
    ] {
        hasher.update(&value.to_le_bytes());
    }
    Some(hasher.finalize().to_hex().to_string())
}

#[cfg(not(unix))]
fn identity(_path: &Path, _meta: &std::fs::Metadata) -> Option<String> {
    None
}

/// A [`SEEN`] entry: the file's content hash and what its header said, if the entry is
/// whole and within the limits of a project image.
fn read_seen(entry: &Path) -> Option<(String, picture::Info)> {
    let text = std::fs::read_to_string(entry).ok()?;
    let mut fields = text.strip_suffix('\n')?.split(' ');
    let hash = fields.next()?;
    let kind = match fields.next()? {
        "png" => Kind::Png,
        "jpg" => Kind::Jpeg,
        "webp" => Kind::Webp,
        _ => return None,
    };
    let width: u32 = fields.next()?.parse().ok()?;
    let height: u32 = fields.next()?.parse().ok()?;
    let rules = picture::PROJECT_IMAGE;
    let fits = width > 0
        && height > 0
        && width <= rules.max_side
        && height <= rules.max_side
        && u64::from(width) * u64::from(height) <= rules.max_pixels;
    let hex = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    (fields.next().is_none() && fits && hex).then(|| {
        (
            hash.to_owned(),
            picture::Info {
                kind,
                width,
                height,
            },
        )
    })
}

/// Writes a cache file: whole or not at all (a temporary file renamed into place), without
/// waiting for the disk (a cache file lost in a crash is made again). Best effort.
fn cache_put(path: &Path, bytes: &[u8]) {
    use std::io::Write;
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let Ok((tmp, mut file)) = super::write::create_temp(dir, &name.to_string_lossy()) else {
        return;
    };
    let written = file.write_all(bytes).is_ok();
    drop(file);
    if !written || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
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

/// The file extensions of cached copies ([`CACHED`]'s kinds).
const CACHED_EXTENSIONS: [&str; 2] = ["jpg", "png"];

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
    CACHED_EXTENSIONS.into_iter().find_map(|extension| {
        let bytes = std::fs::read(key.with_extension(extension)).ok()?;
        let info = picture::inspect(&bytes, CACHED).ok()?;
        (info.kind.extension() == extension).then_some(picture::Thumbnail {
            bytes: bytes.into(),
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

    fn png(w: u32, h: u32, shade: u8) -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, shade])
        })
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
        out
    }

    /// A catalog of two projects in `dir`: `a` with a 1000 × 700 PNG (scaled for the
    /// portal), `b` with a 300 × 200 one (published as it is).
    fn catalog_with_images(dir: &Path) -> Catalog {
        let s = crate::synth::catalog(7, 2, 0, 0);
        let mut projects = s.projects;
        std::fs::create_dir_all(dir.join("images")).unwrap();
        for (p, (name, bytes)) in projects.iter_mut().zip([
            ("images/a.png", png(1000, 700, 40)),
            ("images/b.png", png(300, 200, 90)),
        ]) {
            std::fs::write(dir.join(name), &bytes).unwrap();
            p.image = Some(name.to_owned());
        }
        let mut catalog = Catalog::from_records(s.config, projects, Vec::new(), Vec::new());
        catalog.root = Some(dir.to_owned());
        catalog
    }

    fn seen_entries(cache: &Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(cache.join(CACHE_VERSION).join(SEEN))
            .map(|r| r.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        files.sort();
        files
    }

    #[cfg(unix)]
    #[test]
    fn a_file_just_changed_has_no_identity_yet() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.png");
        std::fs::write(&path, png(10, 10, 1)).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(identity(&path, &meta), None);
    }

    #[test]
    fn files_found_good_are_not_read_again_until_they_change() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("catalog");
        let cache = tmp.path().join("cache");
        let before_writing = std::time::Instant::now();
        let catalog = catalog_with_images(&dir);
        let (a, b) = (&catalog.projects[0].id, &catalog.projects[1].id);
        let original_b = std::fs::read(dir.join("images/b.png")).unwrap();

        // A validation on its own makes no copies. The files, just written, are checked but
        // not remembered (a second write within the same clock tick would leave no trace in
        // their times). "Just" is within two whole seconds of the clock: on a machine so busy
        // that writing and checking took a second, the files may already count as settled
        // (`a_file_just_changed_has_no_identity_yet` checks the rule itself).
        assert!(check(&catalog, Some(&cache), false).is_empty());
        assert_eq!(cached_files(&cache), [cache.join(CACHE_VERSION).join(SEEN)]);
        if before_writing.elapsed() < std::time::Duration::from_millis(900) {
            assert!(seen_entries(&cache).is_empty());
        }
        // The validation before an export keeps the scaled copy.
        assert!(check(&catalog, Some(&cache), true).is_empty());
        let copies = cached_files(&cache);
        assert_eq!(copies.len(), 2, "{copies:?}"); // the copy of a, and the `seen` directory
        let copy = copies.iter().find(|p| p.is_file()).unwrap().clone();
        assert_eq!(copy.extension().unwrap(), "jpg");

        // Two seconds later they are remembered, by their identity on disk.
        std::thread::sleep(std::time::Duration::from_millis(2100));
        assert!(check(&catalog, Some(&cache), false).is_empty());
        let seen = seen_entries(&cache);
        assert_eq!(seen.len(), 2, "{seen:?}");
        let hash = copy.file_stem().unwrap().to_str().unwrap().to_owned();
        let entry_of_a = seen
            .iter()
            .find(|e| std::fs::read_to_string(e).unwrap().starts_with(&hash))
            .unwrap()
            .clone();
        assert_eq!(
            std::fs::read_to_string(&entry_of_a).unwrap(),
            format!("{hash} png 1000 700\n")
        );

        // The site's images: a's scaled copy (the original's bytes not kept), b as it is.
        let (site, problems) = read_site(&catalog, Some(&cache));
        assert!(problems.is_empty(), "{problems:?}");
        let made = site.images[a].thumbnail.clone().unwrap();
        assert_eq!((made.width, made.height), (500, 350));
        assert_eq!(made.bytes, std::fs::read(&copy).unwrap());
        assert!(site.images[a].bytes.is_empty());
        assert!(site.images[b].thumbnail.is_none());
        assert_eq!(&*site.images[b].bytes, &original_b[..]);

        // An unchanged file is not read: the entry decides which copy is published. Point
        // a's entry at another copy, and that copy is what the site gets.
        let other = "f".repeat(64);
        let marker = jpeg(500, 350, 200);
        std::fs::write(copy.with_file_name(format!("{other}.jpg")), &marker).unwrap();
        std::fs::write(&entry_of_a, format!("{other} png 1000 700\n")).unwrap();
        let (site, _) = read_site(&catalog, Some(&cache));
        assert_eq!(
            site.images[a].thumbnail.as_ref().unwrap().bytes,
            &marker[..]
        );

        // An entry that is not whole is no entry: the file is read and hashed again.
        std::fs::write(&entry_of_a, "ffff png 1000").unwrap();
        let (site, _) = read_site(&catalog, Some(&cache));
        assert_eq!(site.images[a].thumbnail.as_ref().unwrap().bytes, made.bytes);

        // A changed file is checked again, whatever the cache holds: broken now, it is
        // reported (by validation and by the export), though its old self was found good.
        let mut broken = std::fs::read(dir.join("images/a.png")).unwrap();
        broken.truncate(broken.len() / 3);
        std::fs::write(dir.join("images/a.png"), &broken).unwrap();
        for problems in [
            check(&catalog, Some(&cache), false),
            check(&catalog, Some(&cache), true),
            read_site(&catalog, Some(&cache)).1,
        ] {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].code, Code::ImageInvalid.as_str());
            assert!(problems[0].pointer.ends_with("/image"), "{problems:?}");
        }
        // Replaced by another picture: the new picture is published.
        let new_picture = png(1000, 700, 41);
        std::fs::write(dir.join("images/a.png"), &new_picture).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2100));
        assert!(check(&catalog, Some(&cache), true).is_empty());
        let (site, _) = read_site(&catalog, Some(&cache));
        let now = site.images[a].thumbnail.clone().unwrap();
        assert_ne!(now.bytes, made.bytes);
        assert_eq!(
            now.bytes,
            picture::thumbnail(&new_picture, picture::PROJECT_IMAGE)
                .unwrap()
                .bytes
        );
    }

    #[test]
    fn without_a_cache_every_image_is_decoded_and_nothing_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let catalog = catalog_with_images(tmp.path());
        assert!(check(&catalog, None, true).is_empty());
        let (site, problems) = read_site(&catalog, None);
        assert!(problems.is_empty(), "{problems:?}");
        let a = &site.images[&catalog.projects[0].id];
        assert_eq!(a.thumbnail.as_ref().map(|t| t.width), Some(500));
        // A file that is an image only by its header: refused without a cache too.
        let mut head = std::fs::read(tmp.path().join("images/b.png")).unwrap();
        head.truncate(head.len() / 2);
        std::fs::write(tmp.path().join("images/b.png"), &head).unwrap();
        let problems = check(&catalog, None, false);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(read_site(&catalog, None).1.len(), 1);
        // Only validation and the site decode: `read` without `decode` reads the header.
        assert!(read(&catalog, false).1.is_empty());
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
