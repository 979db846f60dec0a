//! One module per subcommand.

pub mod export;
pub mod import;
pub mod init;
pub mod license;
pub mod match_;
pub mod merge;
pub mod plugin;
pub mod propose;
pub mod publiccode;
pub mod refresh;
pub mod review;
pub mod schema;
pub mod stale;
pub mod stats;
pub mod support;
pub mod validate;

/// The error for a project id a command does not find in the catalog at `dir`: when the
/// catalog did not load cleanly (a record file with a syntax error is not among its
/// projects), it names the first error, with file, line and column, and how to see all.
pub(crate) fn no_project(
    id: &str,
    dir: &std::path::Path,
    diagnostics: &[digifarm_core::Diagnostic],
) -> crate::output::CliError {
    let shown = |s: &str| crate::output::shown(s).into_owned();
    let dir = shown(&dir.display().to_string());
    let errors: Vec<&digifarm_core::Diagnostic> =
        diagnostics.iter().filter(|d| d.is_error()).collect();
    // A file named after the id comes first: that is most likely the project's own.
    let own = errors
        .iter()
        .find(|d| {
            std::path::Path::new(&d.file)
                .file_stem()
                .is_some_and(|stem| stem == id)
        })
        .or(errors.first());
    match own {
        None => crate::output::CliError(format!("no project `{}` in {dir}", shown(id))),
        Some(d) => crate::output::CliError(format!(
            "no project `{}` in {dir}; {} file error(s) kept records from loading, e.g. {}:{}:{}: {} [{}] (see `digifarm validate {dir}`)",
            shown(id),
            errors.len(),
            shown(&d.file),
            d.line,
            d.column,
            shown(&d.message),
            shown(&d.code),
        )),
    }
}
