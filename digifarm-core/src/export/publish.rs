//! Validate, then export: the one use case `digifarm export` and Python's `Catalog.export`
//! both call. It decides whether a catalog may be published (no validation error, images
//! that can be read and published, every project a valid publiccode.yml unless
//! `skip_invalid`), renders and writes the files, and reports along the way what the reader
//! should know. The front ends keep only argument parsing and presentation.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::catalog::assets;
use crate::diagnostic::Diagnostic;
use crate::validate::{self, Report};

use super::{Error, Format, Options, WriteError, WriteOptions, publiccode, published};

/// What [`publish`] tells its caller on the way, in order, while it goes ahead.
#[derive(Debug)]
pub enum Notice {
    /// publiccode.yml: what the reader should know about the file of `project`.
    PubliccodeWarning {
        /// The project's id.
        project: String,
        /// What to know.
        warning: String,
    },
    /// publiccode.yml with `skip_invalid`: these projects yield no valid file and are left
    /// out, each with its fixes.
    PubliccodeSkipped(Vec<publiccode::Refusal>),
    /// A published site lacks what `[portal]` in digifarm.toml should give it (legal pages,
    /// a route for offers of help): the export goes ahead, the city should know.
    PortalGaps(Vec<Diagnostic>),
}

/// Why nothing was exported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// The validation report has errors (the front end shows the report it has).
    #[error("the catalog has errors and was not exported")]
    Invalid,
    /// The catalog's images cannot be read (the site needs them); the findings.
    #[error("the catalog's images cannot be read; nothing was exported")]
    ImagesUnreadable(Vec<Diagnostic>),
    /// Project images that cannot be decoded or scaled for the site; the findings.
    #[error("project images cannot be published; nothing was exported")]
    ImagesUnpublishable(Vec<Diagnostic>),
    /// publiccode.yml: these projects yield no valid file and `skip_invalid` is not set.
    #[error(
        "{} project(s) cannot be exported as a valid publiccode.yml {version}; nothing was written (fix them, or use --skip-invalid)",
        .refused.len()
    )]
    PubliccodeRefused {
        /// The projects, each with its fixes.
        refused: Vec<publiccode::Refusal>,
        /// The version of the standard asked for.
        version: crate::publiccode::Version,
    },
    /// The output overlaps the catalog, exists without `force`, or cannot be written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The export cannot be rendered (private data for a public format, a language code).
    #[error(transparent)]
    Render(Error),
}

/// What [`publish`] wrote.
#[derive(Debug)]
pub struct Published {
    /// The files written, as paths under the output.
    pub paths: Vec<PathBuf>,
    /// Their size in bytes, together.
    pub bytes: usize,
    /// What the export lists, by kind: the published part for the publishing formats (and
    /// with [`Options::public_only`]), the whole catalog otherwise.
    pub projects: usize,
    /// Partners listed.
    pub partners: usize,
    /// Offers listed.
    pub offers: usize,
}

/// Exports `catalog`, validated as `report` says, in `format` to `out`.
///
/// Nothing is written unless every check passes: `report` has no error; `out` neither is,
/// lies inside nor contains the catalog; for `html`, the images can be read (with
/// [`Options::assets`] unset, from the scaled copies in [`assets::default_cache_dir`]) and
/// published; for `publiccode`, every listed project yields a valid file, or `skip_invalid`
/// is set. `notice` hears, in order, what the reader should know while the export goes ahead.
///
/// # Errors
/// [`PublishError`]: which check failed, with the findings where there are some.
pub fn publish(
    catalog: &Catalog,
    report: &Report,
    format: Format,
    options: &Options,
    out: &Path,
    write_options: &WriteOptions,
    notice: &mut dyn FnMut(Notice),
) -> Result<Published, PublishError> {
    if options.include_private && format.is_public_only() {
        return Err(PublishError::Render(Error::PrivateRefused(format)));
    }
    if !report.valid {
        return Err(PublishError::Invalid);
    }
    catalog.check_output(out).map_err(WriteError::from)?;
    let mut options = options.clone();
    if format == Format::Html && options.assets.is_none() {
        // The image files as the site publishes them, with the scaled copies the validation
        // made or found in the cache; a file changed since is checked again.
        let cache = assets::default_cache_dir();
        let (read, problems) = assets::read_site(catalog, cache.as_deref());
        if problems.iter().any(Diagnostic::is_error) {
            return Err(PublishError::ImagesUnreadable(problems));
        }
        options.assets = Some(Arc::new(read));
    }
    // What the export lists: the published part for the publishing formats (and with
    // `public_only`), the whole catalog otherwise.
    let listed =
        (format.is_publishing() || options.public_only).then(|| published(catalog, options.date()));
    let listed_or_all = listed.as_ref().unwrap_or(catalog);
    if format == Format::Publiccode {
        // Without personal data unless asked.
        let public;
        let view = if options.include_private {
            listed_or_all
        } else {
            public = super::public_view(listed_or_all);
            &public
        };
        let plan = publiccode::plan(view, &options);
        for (project, warning) in plan.warnings {
            notice(Notice::PubliccodeWarning { project, warning });
        }
        if !plan.refused.is_empty() {
            if !options.skip_invalid {
                return Err(PublishError::PubliccodeRefused {
                    refused: plan.refused,
                    version: options.publiccode_version,
                });
            }
            notice(Notice::PubliccodeSkipped(plan.refused));
        }
    }
    let files = match super::render(catalog, format, &options) {
        Ok(files) => files,
        Err(Error::Images(problems)) => {
            return Err(PublishError::ImagesUnpublishable(
                assets::image_diagnostics(catalog, &problems),
            ));
        }
        Err(e) => return Err(PublishError::Render(e)),
    };
    if format.is_publishing() {
        let mut gaps = validate::portal_gaps(catalog);
        catalog.resolve_positions(&mut gaps);
        if !gaps.is_empty() {
            notice(Notice::PortalGaps(gaps));
        }
    }
    let paths = super::write(&files, out, write_options)?;
    let bytes = files.iter().map(|f| f.bytes.len()).sum();
    Ok(Published {
        paths,
        bytes,
        projects: listed_or_all.projects.len(),
        partners: listed_or_all.partners.len(),
        offers: listed_or_all.offers.len(),
    })
}
