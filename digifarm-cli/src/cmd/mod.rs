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

/// Loads and validates the catalog at `dir` for a command that reports on it (`stats`,
/// `stale`): figures from a catalog whose records did not all load would silently leave
/// them out. A catalog with errors gets its validation report on stderr and `Err` with exit
/// code 1; `what` says what was not done.
pub(crate) fn load_valid(
    dir: &std::path::Path,
    today: chrono::NaiveDate,
    what: &str,
) -> Result<Result<digifarm_core::catalog::Catalog, std::process::ExitCode>, crate::output::CliError>
{
    let (catalog, report) = digifarm_core::validate::validate_path(
        dir,
        &digifarm_core::catalog::LoadOptions::default(),
        today,
    )
    .map_err(|e| crate::output::CliError(e.to_string()))?;
    if report.valid {
        return Ok(Ok(catalog));
    }
    Ok(Err(refuse_invalid(&report, &catalog, &format!("; {what}"))))
}

/// A catalog with errors is refused: its validation report on stderr, then
/// `digifarm: the catalog has errors{consequence}`, exit code 1.
pub(crate) fn refuse_invalid(
    report: &digifarm_core::validate::Report,
    catalog: &digifarm_core::catalog::Catalog,
    consequence: &str,
) -> std::process::ExitCode {
    crate::output::stderr(&validate::render_human(report, catalog, false));
    crate::output::stderr(&format!("digifarm: the catalog has errors{consequence}\n"));
    std::process::ExitCode::from(1)
}

/// Checks text given on the command line (`--by`, `--reason`) before a command writes it
/// into a record: it may hold only what a catalog's text may hold (validation would refuse
/// the record otherwise, and the next CI run would fail), and a name stays on one line.
pub(crate) fn check_text_arg(
    flag: &str,
    value: Option<&str>,
    one_line: bool,
) -> Result<(), crate::output::CliError> {
    let Some(value) = value else {
        return Ok(());
    };
    let bad = digifarm_core::charset::find_unpublishable(value)
        .map(|(_, c)| c)
        .or_else(|| {
            one_line
                .then(|| value.chars().find(|c| c.is_control()))
                .flatten()
        });
    match bad {
        Some(c) => Err(crate::output::CliError(format!(
            "{flag} holds U+{:04X}, {}{}",
            u32::from(c),
            if digifarm_core::charset::is_noncharacter(c) {
                "a Unicode noncharacter"
            } else {
                "a control character"
            },
            if one_line {
                "; give it on one line"
            } else {
                ", which a record cannot hold"
            }
        ))),
        None => Ok(()),
    }
}
