//! Loading catalogs from disk: a directory (`digifarm.toml`, `projects/`, `partners/`,
//! `offers/`, many-record files at its root such as `projects.jsonl`, and the stored health
//! data in `health/`) or a single record file (YAML, JSON, a JSON array, or JSON Lines).
//!
//! Catalog files are read in this module, through [`confined::Root`]: only where they resolve
//! inside the catalog. [`assets`] reads the image files, [`write`] writes record files back,
//! [`overlap`] keeps outputs out of inputs. Elsewhere in the core only the export's
//! [`crate::export::write`], the publiccode.yml checker's [`crate::publiccode::files`] and
//! licence-file detection (`license::detect_file`, feature `detection`) touch the file system.
//!
//! Loading never stops at the first problem: every file is read (in parallel) and turned into
//! typed records, and every problem becomes a [`Diagnostic`]. A JSON record (a one-record file
//! or a line of JSON Lines) first takes the typed fast path (`fast`): deserialized straight
//! into the model and checked against the schema's patterns and lengths. Every other record,
//! and one the fast path declines, is parsed, checked against the JSON Schema of its kind and
//! converted ([`check_value`]). Positions are computed only for files with findings. Only a
//! missing catalog path or a directory that cannot be opened or listed is an [`Error`]. A
//! validation that does not need the projects afterwards reads them in batches and drops each
//! once checked (`load_with`, behind [`crate::validate::validate_path_with`]).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;

use crate::diagnostic::{self, Code, Diagnostic};
use crate::model::{CityConfig, Partner, Project, RecordKind, SupportOffer};
use crate::source::{self, Format, MAX_COLLECTION_BYTES, MAX_RECORD_BYTES, ParseError};

pub mod assets;
pub mod confined;
mod fast;
pub mod health_config;
pub mod overlap;
mod patch;
mod records;
pub mod write;

use confined::{EntryKind, ReadError, Root};

pub(crate) use records::check_proposal;
pub(crate) use records::closest as closest_name;
pub use records::{RecordValue, check_config, check_value};

/// A catalog path that cannot be opened at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The path does not exist.
    #[error("{path}: no such file or directory")]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// A directory or file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// Options for [`load`].
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The record kind of a single file given directly (default: from its parent directory's
    /// name, else project).
    pub kind: Option<RecordKind>,
    /// Where validation keeps what it learnt about the catalog's image files for the next
    /// run and the export (`catalog::assets::check`; the CLI and Python use
    /// `catalog::assets::default_cache_dir`). `None`: nothing is kept.
    pub image_cache: Option<PathBuf>,
    /// With `image_cache`: validation also makes the scaled copies of the project images
    /// that the HTML export publishes, from the decode it does anyway, so that the export
    /// after it only reads them (`digifarm export --format html` sets it).
    pub prepare_images: bool,
}

/// A file that records were read from, kept for positions and for showing source lines.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown in diagnostics.
    pub path: String,
    /// Its format.
    pub format: Format,
    /// Its text: the whole file, or for JSON Lines read in batches the batch being checked
    /// (empty once the batch is done).
    pub text: Arc<str>,
    /// How many lines of the file come before `text`.
    pub(crate) line_offset: u32,
}

/// Where a record came from: file index and place in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Origin {
    pub file: u32,
    pub place: Place,
}

/// A record's place within its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// The whole file is the record.
    Whole,
    /// Element `i` of a JSON/YAML array.
    Index(u32),
    /// JSON Lines: the record on this 1-based line.
    Line(u32),
}

/// A loaded catalog: the city config and the records that passed their schema.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// The catalog directory, when loaded from one.
    pub root: Option<PathBuf>,
    /// The city config (defaults when there is no `digifarm.toml`).
    pub config: CityConfig,
    /// Projects, in file order.
    pub projects: Vec<Project>,
    /// Partners, in file order.
    pub partners: Vec<Partner>,
    /// Support offers, in file order.
    pub offers: Vec<SupportOffer>,
    /// The stored health data (`health/<id>.yaml`), written by `digifarm refresh`.
    pub health: crate::health::HealthStore,
    pub(crate) sources: Vec<SourceFile>,
    pub(crate) config_file: Option<u32>,
    /// Origins parallel to `projects`, `partners`, `offers` (empty for in-memory catalogs).
    pub(crate) origins: [Vec<Origin>; 3],
    /// Ids of records that exist but failed their schema, so references to them are not
    /// reported as dangling on top of the schema errors.
    pub(crate) broken_ids: [HashSet<String>; 3],
    /// Projects read and checked in batches, then dropped (see [`load_with`]).
    pub(crate) dropped_projects: usize,
    /// The lines of dropped batches that findings point at: path, line, its first
    /// [`EXCERPT_CHARS`] characters.
    pub(crate) excerpts: HashMap<String, HashMap<u32, Box<str>>>,
    /// How many of `sources` are not project files (read before the projects).
    pub(crate) sources_before_projects: usize,
}

/// A catalog and what loading it found.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The catalog.
    pub catalog: Catalog,
    /// Problems found while reading, parsing and schema-checking (positions resolved).
    pub diagnostics: Vec<Diagnostic>,
}

fn kind_index(kind: RecordKind) -> usize {
    match kind {
        RecordKind::Project => 0,
        RecordKind::Partner => 1,
        RecordKind::Offer => 2,
    }
}

impl Catalog {
    /// A catalog from records in memory (no files); diagnostics point at
    /// `<projects>`, `<partners>`, `<offers>` with the record's index in the pointer.
    pub fn from_records(
        config: CityConfig,
        projects: Vec<Project>,
        partners: Vec<Partner>,
        offers: Vec<SupportOffer>,
    ) -> Catalog {
        Catalog {
            config,
            projects,
            partners,
            offers,
            ..Catalog::default()
        }
    }

    /// Refuses an output path that is, lies inside or contains what this catalog was read
    /// from (its directory, or its files), as the paths resolve on disk.
    ///
    /// # Errors
    /// [`overlap::OutputOverlapsInput`].
    pub fn check_output(&self, output: &Path) -> Result<(), overlap::OutputOverlapsInput> {
        match &self.root {
            Some(root) => overlap::check_output(root, output),
            None => self
                .sources
                .iter()
                .try_for_each(|s| overlap::check_output(Path::new(&s.path), output)),
        }
    }

    /// The source files read, in load order.
    pub fn sources(&self) -> &[SourceFile] {
        &self.sources
    }

    /// The findings of a load in output order, the source lines of those in dropped files kept
    /// as excerpts, and what was not listed.
    pub(crate) fn finish_findings(
        &mut self,
        found: Found,
    ) -> (Vec<Diagnostic>, diagnostic::Omitted) {
        let (kept, omitted) = found.finish();
        let mut out = Vec::with_capacity(kept.len());
        for (d, excerpt) in kept {
            if let Some(text) = excerpt {
                self.excerpts
                    .entry(d.file.clone())
                    .or_default()
                    .insert(d.line, text);
            }
            out.push(d);
        }
        (out, omitted)
    }

    /// How many projects passed their schema: those held, and those a streamed validation
    /// checked and dropped.
    pub fn project_count(&self) -> usize {
        self.projects.len() + self.dropped_projects
    }

    /// The first [`EXCERPT_CHARS`] characters of line `line` of `file`, when the file's text
    /// was dropped after a streamed validation and a finding points at that line.
    pub fn excerpt(&self, file: &str, line: u32) -> Option<&str> {
        self.excerpts.get(file)?.get(&line).map(|l| &**l)
    }

    /// The file and JSON pointer prefix of record `index` of `kind`, and the line of a JSON
    /// Lines record.
    pub fn locate_record(&self, kind: RecordKind, index: usize) -> (String, String, u32) {
        self.locate_origin(kind, self.origin(kind, index), index)
    }

    /// Where record `index` of `kind` was read from (`None` for a catalog in memory).
    pub(crate) fn origin(&self, kind: RecordKind, index: usize) -> Option<Origin> {
        self.origins[kind_index(kind)].get(index).copied()
    }

    /// [`Catalog::locate_record`] for a record known by its origin, or by its index in a
    /// catalog in memory.
    pub(crate) fn locate_origin(
        &self,
        kind: RecordKind,
        origin: Option<Origin>,
        index: usize,
    ) -> (String, String, u32) {
        match origin {
            Some(origin) => {
                let path = self
                    .sources
                    .get(origin.file as usize)
                    .map_or_else(String::new, |s| s.path.clone());
                match origin.place {
                    Place::Whole => (path, String::new(), 0),
                    Place::Index(i) => (path, format!("/{i}"), 0),
                    Place::Line(line) => (path, String::new(), line),
                }
            }
            None => (format!("<{}>", kind.dir_name()), format!("/{index}"), 0),
        }
    }

    /// The file name (without extension) of record `index` when it is a one-record file.
    pub(crate) fn record_file_stem(&self, kind: RecordKind, index: usize) -> Option<&str> {
        let origin = self.origins[kind_index(kind)].get(index)?;
        if origin.place != Place::Whole {
            return None;
        }
        let path = &self.sources.get(origin.file as usize)?.path;
        Path::new(path).file_stem()?.to_str()
    }

    /// The config file's path as shown in diagnostics (`digifarm.toml` when there is none).
    pub fn config_file_path(&self) -> String {
        self.config_file
            .and_then(|i| self.sources.get(i as usize))
            .map_or_else(|| "digifarm.toml".to_owned(), |s| s.path.clone())
    }

    /// The path of the file record `index` of `kind` was read from, when it is the whole file.
    pub(crate) fn record_file(&self, kind: RecordKind, index: usize) -> Option<&str> {
        let origin = self.origins[kind_index(kind)].get(index)?;
        if origin.place != Place::Whole {
            return None;
        }
        Some(self.sources.get(origin.file as usize)?.path.as_str())
    }

    /// Keeps the records of `kind` for whose index `keep` says so (their origins with them).
    pub(crate) fn retain_records(&mut self, kind: RecordKind, keep: impl Fn(usize) -> bool) {
        fn retain<T>(items: &mut Vec<T>, keep: &impl Fn(usize) -> bool) {
            let mut i = 0;
            items.retain(|_| {
                i += 1;
                keep(i - 1)
            });
        }
        match kind {
            RecordKind::Project => retain(&mut self.projects, &keep),
            RecordKind::Partner => retain(&mut self.partners, &keep),
            RecordKind::Offer => retain(&mut self.offers, &keep),
        }
        let origins = &mut self.origins[kind_index(kind)];
        if !origins.is_empty() {
            retain(origins, &keep);
        }
    }

    pub(crate) fn is_broken(&self, kind: RecordKind, id: &str) -> bool {
        self.broken_ids[kind_index(kind)].contains(id)
    }

    /// Fills in line and column of `diagnostics` from their file and pointer. Linear overall:
    /// each file with findings gets one line index and one position map (for JSON Lines: one
    /// per record with findings), built once whatever the number of findings.
    pub fn resolve_positions(&self, diagnostics: &mut [Diagnostic]) {
        resolve_in(self.sources.iter(), diagnostics, &mut HashMap::new());
    }
}

/// Up to how many findings in one JSON Lines record are placed by reading the path to each.
const FEW_FINDINGS: usize = 8;

/// [`Catalog::resolve_positions`] among `sources` only (a batch of projects resolves among
/// its own files and the catalog's other files, not among every project file read before it:
/// time stays linear in the number of files). Each file with findings is parsed once for its
/// positions; in a record of JSON Lines with up to [`FEW_FINDINGS`] findings only the path to
/// each finding's value is read, with more the record's positions are mapped once. In
/// parallel; the line indexes of JSON Lines files are kept in `line_indexes` for the caller.
fn resolve_in<'a>(
    sources: impl Iterator<Item = &'a SourceFile>,
    diagnostics: &mut [Diagnostic],
    line_indexes: &mut HashMap<&'a str, source::LineIndex<'a>>,
) {
    use rayon::prelude::*;
    let by_path: HashMap<&str, &SourceFile> = sources.map(|s| (s.path.as_str(), s)).collect();
    // The findings to place, by what one parse serves: a file, or one record of JSON Lines.
    let mut groups: HashMap<(&'a str, u32), (&'a SourceFile, Vec<usize>)> = HashMap::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if d.column != 0 {
            continue;
        }
        let Some(&src) = by_path.get(d.file.as_str()) else {
            continue;
        };
        let record = if src.format == Format::JsonLines {
            line_indexes
                .entry(src.path.as_str())
                .or_insert_with(|| source::LineIndex::new(&src.text));
            d.line
        } else {
            0
        };
        groups
            .entry((src.path.as_str(), record))
            .or_insert_with(|| (src, Vec::new()))
            .1
            .push(i);
    }
    let groups: Vec<_> = groups
        .into_iter()
        .map(|((_, record), (src, members))| (src, record, members))
        .collect();
    let line_indexes = &*line_indexes;
    let found = &*diagnostics;
    let placed: Vec<(usize, source::Pos)> = groups
        .into_par_iter()
        .flat_map_iter(|(src, record, members)| {
            let placed: Vec<(usize, source::Pos)> = if src.format == Format::JsonLines {
                let text = line_indexes
                    .get(src.path.as_str())
                    .and_then(|index| index.line(record.saturating_sub(src.line_offset)))
                    .unwrap_or("");
                // A few findings: the path to each is read. Many in one record: its map of
                // positions is built once (reading the path each time would be quadratic).
                let map = (members.len() > FEW_FINDINGS).then(|| source::json::positions(text));
                members
                    .into_iter()
                    .map(|i| {
                        let pointer = &found[i].pointer;
                        let pos = match &map {
                            Some(map) => source::lookup(map, pointer),
                            None => source::json::position(text, pointer),
                        }
                        .unwrap_or(source::Pos { line: 1, column: 1 });
                        let line = record.max(1) + pos.line - 1;
                        (
                            i,
                            source::Pos {
                                line,
                                column: pos.column,
                            },
                        )
                    })
                    .collect()
            } else {
                let map = source::positions(&src.text, src.format);
                members
                    .into_iter()
                    .map(|i| {
                        let pos = source::lookup(&map, &found[i].pointer)
                            .unwrap_or(source::Pos { line: 1, column: 1 });
                        (i, pos)
                    })
                    .collect()
            };
            placed
        })
        .collect();
    for (i, pos) in placed {
        if let Some(d) = diagnostics.get_mut(i) {
            d.line = pos.line;
            d.column = pos.column;
        }
    }
}

/// Loads a catalog directory or a single record file.
///
/// # Errors
/// [`Error::NotFound`] when `path` does not exist, [`Error::Io`] when a directory cannot be
/// listed. Problems with individual files are diagnostics, not errors.
pub fn load(path: &Path, options: &LoadOptions) -> Result<Loaded, Error> {
    let (mut catalog, found) = load_with(path, options, &|_| true, usize::MAX, &mut |_, _| {})?;
    let (diagnostics, _) = catalog.finish_findings(found);
    Ok(Loaded {
        catalog,
        diagnostics,
    })
}

/// What loading found: each finding with the source line it points at when the line's file
/// was dropped (a streamed batch).
pub(crate) type Found = diagnostic::Findings<Option<Box<str>>>;

/// What a load does with the projects: each batch of them is shown to the caller with its
/// source text (for the rules that look at one project at a time), then kept or dropped.
pub(crate) type OnBatch<'a> = dyn FnMut(&Catalog, &mut Vec<Diagnostic>) + 'a;

/// How many lines of JSON Lines a batch holds at most, and how many bytes it reads before it
/// stops taking lines; how many one-record files a batch holds.
const BATCH_LINES: usize = 8192;
const BATCH_BYTES: usize = 8 << 20;
const BATCH_FILES: usize = 512;

/// [`load`], with the projects handed to `on_batch`. When `keep` says so (asked once the
/// config, partners, offers and health files are read), every project is read and kept, and
/// `on_batch` sees the whole catalog once. Otherwise the projects are read in batches (a few
/// megabytes of JSON Lines, or some hundred files), each shown to `on_batch` with its source
/// text, its diagnostics' positions resolved, then dropped: memory stays near the size of a
/// batch plus what the caller keeps. The catalog returned then holds no projects, and the
/// source lines of findings in their files are kept as excerpts ([`Catalog::excerpt`]).
pub(crate) fn load_with(
    path: &Path,
    options: &LoadOptions,
    keep: &dyn Fn(&Catalog) -> bool,
    limit: usize,
    on_batch: &mut OnBatch<'_>,
) -> Result<(Catalog, Found), Error> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound {
            path: path.to_owned(),
        },
        _ => Error::Io {
            path: path.to_owned(),
            source: e,
        },
    })?;
    let mut jobs = Vec::new();
    let mut diagnostics = Vec::new();
    let mut catalog = Catalog::default();
    // Every file is read through `root`: only where it resolves inside the catalog (for a
    // single file given directly: inside the directory that holds it).
    let root = if meta.is_dir() {
        catalog.root = Some(path.to_owned());
        let root = Root::open(path).map_err(|e| io_error(path, e))?;
        list_catalog_dir(&root, &mut jobs, &mut diagnostics)?;
        root
    } else {
        let kind = options.kind.unwrap_or_else(|| {
            path.parent()
                .and_then(Path::file_name)
                .and_then(|n| n.to_str())
                .and_then(RecordKind::from_dir_name)
                .unwrap_or(RecordKind::Project)
        });
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let root = Root::open(parent).map_err(|e| io_error(parent, e))?;
        jobs.push(Job {
            path: path.to_owned(),
            relative: path.file_name().map_or_else(PathBuf::new, PathBuf::from),
            kind: JobKind::Records(kind),
            single: true,
        });
        root
    };
    let (projects, others): (Vec<Job>, Vec<Job>) = jobs
        .into_iter()
        .partition(|job| job.kind == JobKind::Records(RecordKind::Project));

    let results: Vec<FileResult> = others.par_iter().map(|job| read_job(&root, job)).collect();
    for (job, result) in others.iter().zip(results) {
        absorb(&mut catalog, job, result, &mut diagnostics);
    }
    if let Some(dir) = catalog.root.clone() {
        confine_plugins(&root, &mut catalog, &mut diagnostics);
        diagnostics.extend(health_config::findings(&catalog, &dir));
    }
    catalog.sources_before_projects = catalog.sources.len();
    // Every finding is resolved before it is counted in (the order needs positions).
    let mut found = Found::new(limit);
    if keep(&catalog) {
        let results: Vec<FileResult> = projects
            .par_iter()
            .map(|job| read_job(&root, job))
            .collect();
        for (job, result) in projects.iter().zip(results) {
            absorb(&mut catalog, job, result, &mut diagnostics);
        }
        on_batch(&catalog, &mut diagnostics);
        catalog.resolve_positions(&mut diagnostics);
        for d in diagnostics {
            found.push(d, None);
        }
    } else {
        catalog.resolve_positions(&mut diagnostics);
        for d in diagnostics {
            found.push(d, None);
        }
        let mut files: Vec<&Job> = Vec::new();
        for job in &projects {
            if Format::from_path(&job.path) == Some(Format::JsonLines) {
                read_batch(&root, &files, &mut catalog, on_batch, &mut found);
                files.clear();
                stream_json_lines(&root, job, &mut catalog, on_batch, &mut found);
            } else {
                files.push(job);
                if files.len() == BATCH_FILES {
                    read_batch(&root, &files, &mut catalog, on_batch, &mut found);
                    files.clear();
                }
            }
        }
        read_batch(&root, &files, &mut catalog, on_batch, &mut found);
        free_batch_vectors(&mut catalog);
    }
    Ok((catalog, found))
}

/// Adds what reading `job` found to `catalog`.
fn absorb(catalog: &mut Catalog, job: &Job, result: FileResult, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.extend(result.diagnostics);
    let file_index = u32::try_from(catalog.sources.len()).unwrap_or(u32::MAX);
    let Some(source) = result.source else {
        return;
    };
    catalog.sources.push(source);
    match job.kind {
        JobKind::Config => {
            catalog.config_file = Some(file_index);
            if let Some(config) = result.config {
                catalog.config = config;
            }
        }
        JobKind::Health => {
            if let Some(record) = result.health {
                catalog.health.files.push(crate::health::StoredHealth {
                    file: display(&job.path),
                    record,
                });
            }
        }
        JobKind::Records(kind) => {
            absorb_records(catalog, kind, file_index, result.records, result.broken_ids);
        }
    }
}

fn absorb_records(
    catalog: &mut Catalog,
    kind: RecordKind,
    file: u32,
    records: Vec<(RecordValue, Place)>,
    broken_ids: Vec<String>,
) {
    let k = kind_index(kind);
    catalog.broken_ids[k].extend(broken_ids);
    catalog.origins[k].reserve(records.len());
    if kind == RecordKind::Project {
        catalog.projects.reserve(records.len());
    }
    for (record, place) in records {
        catalog.origins[k].push(Origin { file, place });
        match record {
            RecordValue::Project(p) => catalog.projects.push(*p),
            RecordValue::Partner(p) => catalog.partners.push(*p),
            RecordValue::Offer(o) => catalog.offers.push(*o),
        }
    }
}

/// One batch of one-project files: read in parallel, handed over, dropped.
fn read_batch(
    root: &Root,
    files: &[&Job],
    catalog: &mut Catalog,
    on_batch: &mut OnBatch<'_>,
    diagnostics: &mut Found,
) {
    if files.is_empty() {
        return;
    }
    let first = catalog.sources.len();
    let results: Vec<FileResult> = files.par_iter().map(|job| read_job(root, job)).collect();
    let mut found = Vec::new();
    for (job, result) in files.iter().zip(results) {
        absorb(catalog, job, result, &mut found);
    }
    finish_batch(catalog, first, on_batch, found, diagnostics);
    // A batch of files holds a few hundred projects: kept from one batch to the next, their
    // vectors raised the peak of a directory's validation by a tenth and saved no time.
    free_batch_vectors(catalog);
}

/// Frees the vectors [`finish_batch`] empties and keeps for the next batch.
fn free_batch_vectors(catalog: &mut Catalog) {
    catalog.projects = Vec::new();
    catalog.origins[kind_index(RecordKind::Project)] = Vec::new();
}

/// Hands the batch of projects in `catalog` (read from the sources from `first` on) to
/// `on_batch`, resolves the positions of what was found while their text is there, keeps the
/// lines findings point at, and drops the projects and the text.
fn finish_batch(
    catalog: &mut Catalog,
    first: usize,
    on_batch: &mut OnBatch<'_>,
    mut found: Vec<Diagnostic>,
    diagnostics: &mut Found,
) {
    if !catalog.projects.is_empty() {
        on_batch(catalog, &mut found);
    }
    let base = catalog.sources_before_projects;
    let mut indexes: HashMap<&str, source::LineIndex<'_>> = HashMap::new();
    resolve_in(
        catalog.sources[..base]
            .iter()
            .chain(&catalog.sources[first..]),
        &mut found,
        &mut indexes,
    );
    let batch: HashMap<&str, &SourceFile> = catalog.sources[first..]
        .iter()
        .map(|s| (s.path.as_str(), s))
        .collect();
    for d in found {
        let text = batch.get(d.file.as_str()).and_then(|&src| {
            let line = d.line.checked_sub(src.line_offset).filter(|&l| l > 0)?;
            indexes
                .entry(src.path.as_str())
                .or_insert_with(|| source::LineIndex::of(Some(src.format), &src.text))
                .line(line)
                .map(excerpt)
        });
        diagnostics.push(d, text);
    }
    drop(indexes);
    catalog.dropped_projects += catalog.projects.len();
    // Emptied, not freed: the next batch fills the same memory (allocated anew, each batch's
    // projects cost fresh pages from the kernel, zeroed, and the copies of a growing vector).
    // The projects' own memory is freed on the pool: dropping thousands of records is a
    // sequential step otherwise, one the next batch's reading waits for.
    catalog.projects.par_drain(..).for_each(drop);
    catalog.origins[kind_index(RecordKind::Project)].clear();
    let empty: Arc<str> = Arc::from("");
    for s in &mut catalog.sources[first..] {
        s.text = Arc::clone(&empty);
    }
}

/// How much of a line is kept to show under a finding: what a terminal shows of it.
pub const EXCERPT_CHARS: usize = 160;

fn excerpt(line: &str) -> Box<str> {
    match line.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => Box::from(&line[..end]),
        None => Box::from(line),
    }
}

/// Reads a JSON Lines file of projects in batches of lines. The file is first checked as a
/// whole (UTF-8, not empty, within the limit) as [`read_job`] checks it, without keeping it:
/// a file that fails is read whole and reported exactly as there.
fn stream_json_lines(
    root: &Root,
    job: &Job,
    catalog: &mut Catalog,
    on_batch: &mut OnBatch<'_>,
    diagnostics: &mut Found,
) {
    use std::io::{BufRead, Read, Seek};
    let path = display(&job.path);
    let opened = root.open_file(&job.relative, MAX_COLLECTION_BYTES);
    let Ok((mut file, _)) = opened else {
        return read_batch(root, &[job], catalog, on_batch, diagnostics);
    };
    // The whole-file checks, in one pass over fixed-size pieces.
    let mut utf8 = Utf8Check::default();
    let mut piece = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        match file.read(&mut piece) {
            Ok(0) => break,
            Ok(n) => {
                total += n as u64;
                utf8.feed(&piece[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return read_batch(root, &[job], catalog, on_batch, diagnostics),
        }
        if total > MAX_COLLECTION_BYTES || !utf8.valid {
            return read_batch(root, &[job], catalog, on_batch, diagnostics);
        }
    }
    drop(piece);
    if !utf8.finish() || file.rewind().is_err() {
        return read_batch(root, &[job], catalog, on_batch, diagnostics);
    }
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file.take(total));
    // The file's entry among the sources: its text is each batch in turn.
    let file_index = catalog.sources.len();
    catalog.sources.push(SourceFile {
        path: path.clone(),
        format: Format::JsonLines,
        text: Arc::from(""),
        line_offset: 0,
    });
    let mut lines_before = 0usize;
    let mut buffer: Vec<u8> = Vec::new();
    loop {
        buffer.clear();
        let mut lines = 0usize;
        while lines < BATCH_LINES && buffer.len() < BATCH_BYTES {
            match reader.read_until(b'\n', &mut buffer) {
                Ok(0) => break,
                Ok(_) => lines += 1,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let d = file_diag(
                        Code::Io,
                        &path,
                        format!("cannot read: {e}"),
                        source::Pos::default(),
                    );
                    diagnostics.push(d, None);
                    return;
                }
            }
        }
        if lines == 0 {
            return;
        }
        let Ok(text) = std::str::from_utf8(&buffer) else {
            // Checked above: the file changed while it was read.
            let d = file_diag(
                Code::Io,
                &path,
                "the file changed while it was read".to_owned(),
                source::Pos::default(),
            );
            diagnostics.push(d, None);
            return;
        };
        let text = if lines_before == 0 {
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        };
        let line_offset = u32::try_from(lines_before).unwrap_or(u32::MAX);
        let mut result = FileResult::default();
        read_json_lines(RecordKind::Project, &path, text, line_offset, &mut result);
        catalog.sources[file_index].text = Arc::from(text);
        catalog.sources[file_index].line_offset = line_offset;
        let index = u32::try_from(file_index).unwrap_or(u32::MAX);
        absorb_records(
            catalog,
            RecordKind::Project,
            index,
            result.records,
            result.broken_ids,
        );
        finish_batch(
            catalog,
            file_index,
            on_batch,
            result.diagnostics,
            diagnostics,
        );
        lines_before += lines;
    }
}

/// UTF-8 validity and "holds more than white space" of a file read in pieces, as
/// [`source::decode`] judges the whole text.
#[derive(Default)]
struct Utf8Check {
    /// The start of a character cut by the end of the last piece.
    carry: Vec<u8>,
    valid: bool,
    started: bool,
    content: bool,
}

impl Utf8Check {
    fn feed(&mut self, piece: &[u8]) {
        if !self.started {
            self.started = true;
            self.valid = true;
        }
        if !self.valid {
            return;
        }
        let mut joined;
        let bytes = if self.carry.is_empty() {
            piece
        } else {
            joined = std::mem::take(&mut self.carry);
            joined.extend_from_slice(piece);
            &joined[..]
        };
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) if e.error_len().is_none() => {
                // A character continues in the next piece.
                let (done, rest) = bytes.split_at(e.valid_up_to());
                self.carry = rest.to_vec();
                std::str::from_utf8(done).unwrap_or_default()
            }
            Err(_) => {
                self.valid = false;
                return;
            }
        };
        if !self.content {
            self.content = !text
                .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                .is_empty();
        }
    }

    /// Whether the whole file was valid and held more than white space.
    fn finish(&self) -> bool {
        self.valid && self.carry.is_empty() && self.content
    }
}

/// Plugins `digifarm.toml` lists are files of the catalog too: a plugin whose `.wasm` or
/// manifest resolves outside the catalog is reported (`outside-catalog`) and taken out of the
/// config, so that no front end loads it.
fn confine_plugins(root: &Root, catalog: &mut Catalog, diagnostics: &mut Vec<Diagnostic>) {
    let config_path = catalog.config_file_path();
    let mut index = 0;
    catalog.config.plugins.retain(|plugin| {
        let i = index;
        index += 1;
        let wasm = Path::new(&plugin.path);
        let dir = wasm.parent().unwrap_or(Path::new(""));
        let mut candidates = vec![wasm.to_owned(), dir.join("plugin.toml")];
        if let Some(stem) = wasm.file_stem().and_then(|s| s.to_str()) {
            candidates.push(dir.join(format!("{stem}.plugin.toml")));
        }
        let outside = candidates
            .iter()
            .find(|p| matches!(root.kind(p), Err(ReadError::Outside { .. })));
        let Some(outside) = outside else {
            return true;
        };
        diagnostics.push(
            Diagnostic::new(
                Code::OutsideCatalog,
                config_path.clone(),
                format!("/plugins/{i}/path"),
                format!(
                    "the plugin file `{}` resolves outside the catalog (through a symbolic link, `..` or an absolute path); the plugin was not loaded",
                    outside.display()
                ),
            )
            .with_help("put the plugin and its plugin.toml inside the catalog, e.g. under plugins/"),
        );
        false
    });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobKind {
    Config,
    Records(RecordKind),
    /// A stored health record (`health/<id>.yaml`).
    Health,
}

#[derive(Debug)]
struct Job {
    /// The path as shown to people.
    path: PathBuf,
    /// The path below the catalog root, read through [`Root`].
    relative: PathBuf,
    kind: JobKind,
    /// The file is expected to hold exactly one record (a file in a kind's directory, or a
    /// single file given directly, may still be a JSON array or JSON Lines).
    single: bool,
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::Io {
        path: path.to_owned(),
        source: e,
    }
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// A diagnostic about a path that could not be looked at, naming the path inside the
/// catalog (for a link leading out: the link, never its target).
fn read_error_diag(e: &ReadError) -> Diagnostic {
    let path = display(e.path());
    let message = match e {
        ReadError::Outside { .. } => {
            "this path resolves outside the catalog (through a symbolic link, `..` or an absolute path); it was not read".to_owned()
        }
        ReadError::NotAFile { .. } => {
            "this is a directory or special file, not a record file".to_owned()
        }
        ReadError::TooLarge { size, limit, .. } => {
            format!("the file has {size} bytes; the limit is {limit}")
        }
        ReadError::NotFound { .. } => "cannot read: no such file or directory".to_owned(),
        ReadError::Io { source, .. } => format!("cannot read: {source}"),
    };
    let help = match e {
        ReadError::Outside { .. } => Some(
            "catalog files are read only inside the catalog: replace the link by the file itself, or use a relative link that stays inside",
        ),
        ReadError::NotAFile { .. } => Some("pass a catalog directory or a YAML/JSON record file"),
        ReadError::TooLarge { .. } => {
            Some("split it into one file per record, or use JSON Lines for many records")
        }
        _ => None,
    };
    let d = file_diag(e.code(), &path, message, source::Pos::default());
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// A catalog directory that cannot be listed ends loading.
fn list_error(e: ReadError) -> Error {
    match e {
        ReadError::Io { path, source } => Error::Io { path, source },
        other => Error::Io {
            path: other.path().to_owned(),
            source: std::io::Error::other(other.to_string()),
        },
    }
}

fn list_catalog_dir(
    root: &Root,
    jobs: &mut Vec<Job>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), Error> {
    let config = Path::new("digifarm.toml");
    match root.kind(config) {
        Ok(None) => diagnostics.push(
            Diagnostic::new(
                Code::ConfigMissing,
                display(&root.display_path(config)),
                "",
                "no digifarm.toml: default settings apply",
            )
            .with_help("create digifarm.toml with at least [city] name and ags")
            .at(0, 0),
        ),
        // Anything there, even a link that leads out, is reported when it is read.
        Ok(Some(_)) | Err(_) => jobs.push(Job {
            path: root.display_path(config),
            relative: config.to_owned(),
            kind: JobKind::Config,
            single: true,
        }),
    }
    let list = |relative: &Path| root.list(relative).map_err(list_error);
    // Many-record files at the root: projects.jsonl, partners.json, …
    for (name, entry) in list(Path::new(""))? {
        let relative = PathBuf::from(&name);
        if entry == EntryKind::Dir {
            continue;
        }
        let stem = relative.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if let (Some(kind), Some(format)) = (
            RecordKind::from_dir_name(stem),
            Format::from_path(&relative),
        ) && format != Format::Toml
        {
            jobs.push(Job {
                path: root.display_path(&relative),
                relative,
                kind: JobKind::Records(kind),
                single: false,
            });
        }
    }
    // Stored health data (`health/<id>.yaml`), read like records: only inside the catalog.
    let health = Path::new(crate::health::DIR);
    let health_kind = root.kind(health);
    // A `health/` that links out of the catalog is neither read nor written (refresh
    // writes through a containment check), and is reported like any other path out.
    if let Err(e @ ReadError::Outside { .. }) = &health_kind {
        diagnostics.push(read_error_diag(e));
    }
    if let Ok(Some(EntryKind::Dir)) = health_kind {
        let entries = match root.list(health) {
            Ok(entries) => entries,
            Err(e @ ReadError::Outside { .. }) => {
                diagnostics.push(read_error_diag(&e));
                Vec::new()
            }
            Err(e) => return Err(list_error(e)),
        };
        for (name, entry) in entries {
            let relative = health.join(&name);
            let path = root.display_path(&relative);
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let format =
                Format::from_path(&relative).filter(|f| matches!(f, Format::Yaml | Format::Json));
            match (format, entry) {
                (Some(_), EntryKind::File | EntryKind::Symlink) => jobs.push(Job {
                    path,
                    relative,
                    kind: JobKind::Health,
                    single: true,
                }),
                _ => diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownFile,
                        display(&path),
                        "",
                        format!("`{name}` is not a health file and is ignored"),
                    )
                    .with_help("health files are `health/<id>.yaml`, written by `digifarm refresh`")
                    .at(1, 1),
                ),
            }
        }
    }
    for kind in RecordKind::ALL {
        let dir = Path::new(kind.dir_name());
        match root.kind(dir) {
            Ok(None) => continue,
            Ok(Some(EntryKind::Dir)) => {}
            Ok(Some(_)) => {
                diagnostics.push(Diagnostic::new(
                    Code::NotAFile,
                    display(&root.display_path(dir)),
                    "",
                    format!(
                        "`{}` must be a directory of {} records",
                        kind.dir_name(),
                        kind
                    ),
                ));
                continue;
            }
            Err(e) => {
                diagnostics.push(read_error_diag(&e));
                continue;
            }
        }
        let entries = match root.list(dir) {
            Ok(entries) => entries,
            Err(e @ ReadError::Outside { .. }) => {
                diagnostics.push(read_error_diag(&e));
                continue;
            }
            Err(e) => return Err(list_error(e)),
        };
        for (name, entry) in entries {
            let relative = dir.join(&name);
            let path = root.display_path(&relative);
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let format = Format::from_path(&relative).filter(|f| *f != Format::Toml);
            match (format, entry) {
                // A link is followed when read, and only inside the catalog.
                (Some(_), EntryKind::File | EntryKind::Symlink) => jobs.push(Job {
                    path,
                    relative,
                    kind: JobKind::Records(kind),
                    single: true,
                }),
                (Some(_), EntryKind::Dir | EntryKind::Other) => diagnostics.push(
                    Diagnostic::new(
                        Code::NotAFile,
                        display(&path),
                        "",
                        format!("`{name}` is a directory or special file, not a record file"),
                    )
                    .with_help("a record file must be a regular YAML or JSON file")
                    .at(1, 1),
                ),
                (None, _) => diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownFile,
                        display(&path),
                        "",
                        format!("`{name}` is not a record file and is ignored"),
                    )
                    .with_help("record files end in .yaml, .yml, .json or .jsonl")
                    .at(1, 1),
                ),
            }
        }
    }
    Ok(())
}

#[derive(Default)]
struct FileResult {
    source: Option<SourceFile>,
    diagnostics: Vec<Diagnostic>,
    records: Vec<(RecordValue, Place)>,
    broken_ids: Vec<String>,
    config: Option<CityConfig>,
    health: Option<crate::model::HealthRecord>,
}

fn file_diag(code: Code, path: &str, message: String, pos: source::Pos) -> Diagnostic {
    Diagnostic::new(code, path, "", message).at(pos.line.max(1), pos.column.max(1))
}

fn parse_error(path: &str, e: ParseError) -> Diagnostic {
    e.to_diagnostic(path)
}

fn read_job(root: &Root, job: &Job) -> FileResult {
    let path = display(&job.path);
    let mut result = FileResult::default();
    let limit = if job.single && !matches!(Format::from_path(&job.path), Some(Format::JsonLines)) {
        MAX_RECORD_BYTES
    } else {
        MAX_COLLECTION_BYTES
    };
    let bytes = match root.read(&job.relative, limit) {
        Ok(b) => b,
        Err(e) => {
            let mut d = read_error_diag(&e);
            // The name as the job knows it (a single file given directly keeps its path).
            d.file.clone_from(&path);
            result.diagnostics.push(d);
            return result;
        }
    };
    let text = match source::decode(&bytes) {
        Ok(t) => t,
        Err(e) => {
            result.diagnostics.push(parse_error(&path, e));
            return result;
        }
    };
    let format = match job.kind {
        JobKind::Config => Format::Toml,
        JobKind::Records(_) | JobKind::Health => {
            Format::from_path(&job.path).unwrap_or(Format::Yaml)
        }
    };
    let text: Arc<str> = Arc::from(text);
    result.source = Some(SourceFile {
        path: path.clone(),
        format,
        text: Arc::clone(&text),
        line_offset: 0,
    });
    match job.kind {
        JobKind::Config => read_config(&path, &text, &mut result),
        JobKind::Health => read_health(&job.path, &path, &text, format, &mut result),
        JobKind::Records(kind) => match format {
            Format::JsonLines => read_json_lines(kind, &path, &text, 0, &mut result),
            Format::Json if job.single => match fast::accept(kind, &text) {
                Some(record) => result.records.push((record, Place::Whole)),
                None => read_document(kind, &path, &text, format, &mut result),
            },
            _ => read_document(kind, &path, &text, format, &mut result),
        },
    }
    result
}

/// Reads a YAML or JSON document holding one record or an array of records.
fn read_document(
    kind: RecordKind,
    path: &str,
    text: &str,
    format: Format,
    result: &mut FileResult,
) {
    let parsed = if format == Format::Json {
        source::json::parse(text)
    } else {
        source::yaml::parse(text)
    };
    match parsed {
        Err(e) => result.diagnostics.push(parse_error(path, e)),
        Ok(Value::Null) => result.diagnostics.push(file_diag(
            Code::EmptyFile,
            path,
            "the file holds no record (only comments or `null`)".to_owned(),
            source::Pos::default(),
        )),
        Ok(Value::Array(items)) => {
            for (i, item) in items.into_iter().enumerate() {
                let i = u32::try_from(i).unwrap_or(u32::MAX);
                accept(kind, path, item, Place::Index(i), 0, result);
            }
        }
        Ok(value) => accept(kind, path, value, Place::Whole, 0, result),
    }
}

fn accept(
    kind: RecordKind,
    path: &str,
    value: Value,
    place: Place,
    line: u32,
    result: &mut FileResult,
) {
    let prefix = match place {
        Place::Index(i) => format!("/{i}"),
        Place::Whole | Place::Line(_) => String::new(),
    };
    let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
    let mut diags = Vec::new();
    let record = check_value(kind, value, &mut diags);
    for mut d in diags {
        d.file = path.to_owned();
        d.pointer.insert_str(0, &prefix);
        d.line = line;
        result.diagnostics.push(d);
    }
    match record {
        Some(r) => result.records.push((r, place)),
        None => result.broken_ids.extend(id),
    }
}

/// Reads the records of a JSON Lines text that starts after line `line_offset` of its file.
fn read_json_lines(
    kind: RecordKind,
    path: &str,
    text: &str,
    line_offset: u32,
    result: &mut FileResult,
) {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let parsed: Vec<FileResult> = lines
        .par_chunks(1024)
        .map(|chunk| {
            let mut part = FileResult::default();
            for &(i, line) in chunk {
                let line_no = u32::try_from(i + 1)
                    .unwrap_or(u32::MAX)
                    .saturating_add(line_offset);
                if line.len() as u64 > MAX_RECORD_BYTES {
                    part.diagnostics.push(file_diag(
                        Code::FileTooLarge,
                        path,
                        format!(
                            "the record on this line has {} bytes; the limit is {MAX_RECORD_BYTES}",
                            line.len()
                        ),
                        source::Pos {
                            line: line_no,
                            column: 1,
                        },
                    ));
                    continue;
                }
                if let Some(record) = fast::accept(kind, line) {
                    part.records.push((record, Place::Line(line_no)));
                    continue;
                }
                match source::json::parse(line) {
                    Ok(value) => {
                        accept(kind, path, value, Place::Line(line_no), line_no, &mut part)
                    }
                    Err(mut e) => {
                        e.pos.line = line_no;
                        part.diagnostics.push(parse_error(path, e));
                    }
                }
            }
            part
        })
        .collect();
    for part in parsed {
        result.diagnostics.extend(part.diagnostics);
        result.records.extend(part.records);
        result.broken_ids.extend(part.broken_ids);
    }
}

fn read_health(file: &Path, path: &str, text: &str, format: Format, result: &mut FileResult) {
    let parsed = if format == Format::Json {
        source::json::parse(text)
    } else {
        source::yaml::parse(text)
    };
    let value = match parsed {
        Ok(Value::Null) => {
            result.diagnostics.push(file_diag(
                Code::EmptyFile,
                path,
                "the health file holds nothing".to_owned(),
                source::Pos::default(),
            ));
            return;
        }
        Ok(v) => v,
        Err(e) => {
            result.diagnostics.push(parse_error(path, e));
            return;
        }
    };
    let mut diags = Vec::new();
    let record = records::check_health(value, &mut diags);
    if let Some(r) = &record
        && let Some(stem) = file.file_stem().and_then(|s| s.to_str())
        && stem != r.project.replace('/', "--")
    {
        diags.push(
            Diagnostic::new(
                Code::FileNameMismatch,
                "",
                "/project",
                format!(
                    "the health file is named `{stem}` but is about `{}`",
                    r.project
                ),
            )
            .with_help(format!(
                "rename it to `{}.yaml`",
                r.project.replace('/', "--")
            )),
        );
    }
    for mut d in diags {
        d.file = path.to_owned();
        result.diagnostics.push(d);
    }
    result.health = record;
}

fn read_config(path: &str, text: &str, result: &mut FileResult) {
    let value = match source::toml::parse(text) {
        Ok(v) => v,
        Err(e) => {
            result.diagnostics.push(parse_error(path, e));
            return;
        }
    };
    let mut diags = Vec::new();
    result.config = records::check_config(value, &mut diags);
    for mut d in diags {
        d.file = path.to_owned();
        result.diagnostics.push(d);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Few or many findings in one record of JSON Lines, each is placed where the map of
    /// all the record's positions says.
    #[test]
    fn findings_in_a_json_lines_record_are_placed_by_path_or_by_map_alike() {
        let record = "{\"id\": \"a\", \"categories\": [\"x\", \"y\", \"z\", \"w\", \"v\", \"u\", \"t\", \"s\", \"r\", \"q\"], \"links\": {\"source\": \"s\"}}";
        let text = format!("{{\"id\": \"first\"}}\n\n{record}\n");
        let source = SourceFile {
            path: "projects.jsonl".to_owned(),
            format: Format::JsonLines,
            text: Arc::from(text.as_str()),
            line_offset: 100,
        };
        let map = source::json::positions(record);
        for n in [1, FEW_FINDINGS, FEW_FINDINGS + 1, 10] {
            let mut pointers: Vec<String> = (0..n).map(|i| format!("/categories/{i}")).collect();
            pointers.push("/links/source".to_owned());
            pointers.push("/links/missing".to_owned());
            let mut found: Vec<Diagnostic> = pointers
                .iter()
                .map(|p| {
                    let mut d =
                        Diagnostic::new(Code::InvalidValue, "projects.jsonl", p.clone(), "x");
                    d.line = 103;
                    d
                })
                .collect();
            resolve_in(std::iter::once(&source), &mut found, &mut HashMap::new());
            for (d, p) in found.iter().zip(&pointers) {
                let want = source::lookup(&map, p).unwrap();
                assert_eq!((d.line, d.column), (103, want.column), "{n}: {p}");
            }
        }
    }
}
