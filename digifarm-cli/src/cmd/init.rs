//! `digifarm init DIR --city NAME --ags AGS`: a starting catalog that validates at once.
//!
//! It writes `digifarm.toml` with every section commented in the catalog's language, one
//! example project, partner and offer (not with `--bare`), a README for the city's
//! maintainers, `.gitignore`, and CI templates for GitHub and GitLab that validate every
//! pull/merge request and publish the portal from the default branch.
//!
//! Nothing is half-written: the files are written into a staging directory first and moved
//! into place at the end; a failure removes what was staged or moved.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::output::{self, CliError, CmdResult};

/// Arguments of `digifarm init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalog directory to create (it must not exist, or be empty).
    pub dir: PathBuf,
    /// The city's name, as citizens know it (e.g. `Münster`).
    #[arg(long)]
    pub city: String,
    /// The city's official municipality key (Amtlicher Gemeindeschlüssel, 8 digits).
    #[arg(long)]
    pub ags: String,
    /// The catalog's languages, comma-separated; the first is the language of its texts
    /// and of the comments `init` writes (German or English).
    #[arg(long, value_delimiter = ',', default_value = "de,en")]
    pub lang: Vec<String>,
    /// A short code that namespaces the city's ids in merged catalogs (e.g. `ms`).
    #[arg(long)]
    pub code: Option<String>,
    /// Only the configuration, README, .gitignore and CI templates: no example records.
    #[arg(long)]
    pub bare: bool,
    /// Also initialise a directory that is not empty. Files already there are kept, never
    /// overwritten; a directory that already holds a catalog is refused even so.
    #[arg(long)]
    pub force: bool,
    /// Where the CI templates download the digifarm release archive from (an https URL of
    /// `digifarm-<version>-x86_64-unknown-linux-musl.tar.gz`). Without it, the CI variable
    /// `DIGIFARM_URL` must be set before the first run.
    #[arg(long, value_name = "URL")]
    pub download_url: Option<String>,
    /// The date written into the example records (default: today), as YYYY-MM-DD.
    #[arg(long, value_parser = super::validate::parse_date)]
    pub today: Option<chrono::NaiveDate>,
}

/// The Länder by the first two digits of the AGS.
const LAENDER: [(&str, &str); 16] = [
    ("01", "Schleswig-Holstein"),
    ("02", "Hamburg"),
    ("03", "Niedersachsen"),
    ("04", "Bremen"),
    ("05", "Nordrhein-Westfalen"),
    ("06", "Hessen"),
    ("07", "Rheinland-Pfalz"),
    ("08", "Baden-Württemberg"),
    ("09", "Bayern"),
    ("10", "Saarland"),
    ("11", "Berlin"),
    ("12", "Brandenburg"),
    ("13", "Mecklenburg-Vorpommern"),
    ("14", "Sachsen"),
    ("15", "Sachsen-Anhalt"),
    ("16", "Thüringen"),
];

/// The language of the comments and example texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Texts {
    German,
    English,
}

/// What `init` writes, checked.
#[derive(Debug)]
struct Plan {
    city: String,
    ags: String,
    land: &'static str,
    languages: Vec<String>,
    code: Option<String>,
    bare: bool,
    today: chrono::NaiveDate,
    texts: Texts,
    download_url: Option<String>,
}

pub fn run(args: Args) -> CmdResult {
    let plan = Plan::new(&args)?;
    let files = plan.files()?;
    let kept = write_catalog(&args.dir, &files, args.force)?;
    let mut text = format!(
        "initialised the catalog of {} in {} ({} files)\n",
        output::shown(&plan.city),
        output::shown(&args.dir.display().to_string()),
        files.len() - kept.len(),
    );
    for path in &kept {
        text.push_str(&format!(
            "kept the existing {} (not overwritten)\n",
            output::shown(&path.display().to_string())
        ));
    }
    let dir = sh_quote(&args.dir.display().to_string());
    let portal = sh_quote(&portal_beside(&args.dir).display().to_string());
    text.push_str(&format!(
        "next: digifarm validate {dir}, then digifarm export {dir} --format html --out {portal}\n"
    ));
    if plan.download_url.is_none() {
        text.push_str(&plan.say(
            "vor dem ersten CI-Lauf: die CI-Variable DIGIFARM_URL auf die Adresse des digifarm-Archivs setzen (siehe README.md)\n",
            "before the first CI run: set the CI variable DIGIFARM_URL to the address of the digifarm archive (see README.md)\n",
        ));
    }
    // The catalog is written; a closed or full stdout does not undo that.
    let _ = output::stdout(&text);
    Ok(ExitCode::SUCCESS)
}

/// Where the portal goes: beside the catalog, never inside it (`export` refuses that).
fn portal_beside(dir: &Path) -> PathBuf {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|c| c.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "catalog".to_owned());
    match dir.file_name() {
        // `katalog` → `katalog-portal`, `a/katalog` → `a/katalog-portal`.
        Some(_) => dir.with_file_name(format!("{name}-portal")),
        // `.` or `..`: one level up from the catalog.
        None if dir.components().as_path() == Path::new(".") => {
            Path::new("..").join(format!("{name}-portal"))
        }
        None => dir.join("..").join(format!("{name}-portal")),
    }
}

/// `s` as one shell word.
fn sh_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '+' | ':' | ','));
    if plain {
        output::shown(s).into_owned()
    } else {
        format!("'{}'", output::shown(s).replace('\'', "'\\''"))
    }
}

impl Plan {
    fn new(args: &Args) -> Result<Plan, CliError> {
        let city = check_city(&args.city)?;
        let land = check_ags(&args.ags)?;
        let languages = check_languages(&args.lang)?;
        if let Some(code) = &args.code
            && (!digifarm_core::model::is_slug(code) || code.len() > 16)
        {
            return Err(CliError(format!(
                "--code `{}` is not a short id: lowercase letters, digits and `-`, at most 16 characters (e.g. `ms`)",
                output::shown(code)
            )));
        }
        let texts = match languages.first() {
            Some(first) if primary_language(first).eq_ignore_ascii_case("de") => Texts::German,
            _ => Texts::English,
        };
        let download_url = args.download_url.as_deref().map(check_url).transpose()?;
        Ok(Plan {
            city,
            ags: args.ags.clone(),
            land,
            languages,
            code: args.code.clone(),
            bare: args.bare,
            today: args.today.unwrap_or_else(digifarm_core::validate::today),
            texts,
            download_url,
        })
    }

    /// Every file, relative to the catalog root, with its content.
    fn files(&self) -> Result<Vec<(PathBuf, String)>, CliError> {
        let (toml, readme, project, partner, offer) = match self.texts {
            Texts::German => (
                include_str!("../../templates/init/de/digifarm.toml"),
                include_str!("../../templates/init/de/README.md"),
                include_str!("../../templates/init/de/project.yaml"),
                include_str!("../../templates/init/de/partner.yaml"),
                include_str!("../../templates/init/de/offer.yaml"),
            ),
            Texts::English => (
                include_str!("../../templates/init/en/digifarm.toml"),
                include_str!("../../templates/init/en/README.md"),
                include_str!("../../templates/init/en/project.yaml"),
                include_str!("../../templates/init/en/partner.yaml"),
                include_str!("../../templates/init/en/offer.yaml"),
            ),
        };
        let [project_id, partner_id, offer_id] = match self.texts {
            Texts::German => ["beispiel-projekt", "beispiel-partner", "beispiel-angebot"],
            Texts::English => ["example-project", "example-partner", "example-offer"],
        };
        let fill = |template: &str| self.fill(template, [project_id, partner_id, offer_id]);
        let mut files = vec![
            (PathBuf::from("digifarm.toml"), fill(toml)?),
            (PathBuf::from("README.md"), fill(readme)?),
            (
                PathBuf::from(".gitignore"),
                include_str!("../../templates/init/gitignore").to_owned(),
            ),
            (
                PathBuf::from(".github/workflows/digifarm.yml"),
                fill(include_str!("../../templates/init/github.yml"))?,
            ),
            (
                PathBuf::from(".gitlab-ci.yml"),
                fill(include_str!("../../templates/init/gitlab-ci.yml"))?,
            ),
        ];
        for (dir, id, template) in [
            ("projects", project_id, project),
            ("partners", partner_id, partner),
            ("offers", offer_id, offer),
        ] {
            let (path, content) = if self.bare {
                // The record directories exist from the start, so that adding a file is
                // all it takes; git keeps empty directories only with a file in them.
                (format!("{dir}/.gitkeep"), String::new())
            } else {
                (format!("{dir}/{id}.yaml"), fill(template)?)
            };
            files.push((PathBuf::from(path), content));
        }
        Ok(files)
    }

    /// `template` with every `@@key@@` replaced; an unknown key is a defect of the template.
    fn fill(&self, template: &str, examples: [&str; 3]) -> Result<String, CliError> {
        let version = env!("CARGO_PKG_VERSION");
        let dist_dir = format!("digifarm-{version}-x86_64-unknown-linux-musl");
        let bare = self.bare;
        let languages = format!(
            "[{}]",
            self.languages
                .iter()
                .map(|l| format!("\"{l}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let code_line = match &self.code {
            Some(code) => format!("code = \"{code}\""),
            None => "# code = \"…\"".to_owned(),
        };
        let code_line = commented(
            &code_line,
            &self.say(
                "Kürzel für Kennungen in zusammengeführten Katalogen",
                "short code for ids in merged catalogs",
            ),
        );
        let ags_line = commented(
            &format!("ags = \"{}\"", self.ags),
            &self.say(
                &format!("Amtlicher Gemeindeschlüssel ({})", self.land),
                &format!("official municipality key, AGS ({})", self.land),
            ),
        );
        let languages_line = commented(
            &format!("languages = {languages}"),
            &self.say(
                "die erste Sprache ist die Sprache der Texte",
                "the first language is the language of the texts",
            ),
        );
        let mut out = String::with_capacity(template.len() + 256);
        let mut rest = template;
        while let Some(start) = rest.find("@@") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("@@") else {
                return Err(CliError("init template: unclosed `@@`".to_owned()));
            };
            let key = &after[..end];
            let value: String = match key {
                "city_toml" => toml_string(&self.city),
                "city_yaml" => digifarm_core::yaml_emit::double_quoted(&self.city),
                // In a comment, on one line: the name holds no control character (checked).
                "city_comment" | "city_text" => self.city.clone(),
                "ags" => self.ags.clone(),
                "ags_district" => self.ags.chars().take(5).collect(),
                "ags_line" => ags_line.clone(),
                "languages_line" => languages_line.clone(),
                "code_line" => code_line.clone(),
                "today" => self.today.format("%Y-%m-%d").to_string(),
                "month" => self.today.format("%Y-%m").to_string(),
                "dist_dir" => dist_dir.clone(),
                "download_url" => self.download_url.clone().unwrap_or_default(),
                "examples_note" if bare => String::new(),
                "examples_note" => self.say(
                    &format!("Die Einträge `{}`, `{}` und `{}` sind Beispiele: ersetzen oder löschen Sie sie.\n\n", examples[0], examples[1], examples[2]),
                    &format!("The records `{}`, `{}` and `{}` are examples: replace or delete them.\n\n", examples[0], examples[1], examples[2]),
                ),
                "new_record" if bare => self.say(
                    "eine Datei `projects/<id>.yaml` anlegen (Felder: `digifarm schema project`)",
                    "create a file `projects/<id>.yaml` (fields: `digifarm schema project`)",
                ),
                "new_record" => self.say(
                    &format!("`projects/{}.yaml` als `projects/<id>.yaml` kopieren", examples[0]),
                    &format!("copy `projects/{}.yaml` to `projects/<id>.yaml`", examples[0]),
                ),
                "ci_intro" => self.say(
                    "digifarm: prüft jede Änderung am Katalog und veröffentlicht das Portal (angelegt von `digifarm init`).",
                    "digifarm: checks every change to the catalog and publishes the portal (created by `digifarm init`).",
                ),
                "ci_install" => self.say(
                    "digifarm kommt als Archiv mit einem statisch gelinkten Linux-Programm; ein Rust-Compiler ist nicht nötig.",
                    "digifarm comes as an archive holding one statically linked Linux program; no Rust toolchain is needed.",
                ),
                "ci_url" => self.say(
                    "Woher das Archiv kommt: die CI-Variable DIGIFARM_URL (Repository-Variable auf GitHub, CI/CD-Variable auf GitLab).",
                    "Where the archive comes from: the CI variable DIGIFARM_URL (a repository variable on GitHub, a CI/CD variable on GitLab).",
                ),
                "ci_validate" => self.say(
                    "Fehler beenden den Job mit Exit-Code 1; jeder Befund nennt Datei, Zeile und Spalte.",
                    "Errors end the job with exit code 1; every finding names file, line and column.",
                ),
                "ci_match" => self.say(
                    "Zeigt im Log, welcher Partner welchen Bedarf übernehmen könnte.",
                    "Shows in the log which partner could take on which need.",
                ),
                "ci_export" => self.say(
                    "`export` schreibt nie in den Katalog, den es liest: erst daneben, dann an seinen Platz.",
                    "`export` never writes into the catalog it reads: beside it first, then into place.",
                ),
                "ci_gate" => self.say(
                    "Veröffentlicht wird erst, wenn die Variable DIGIFARM_PUBLISH `true` ist: setzen Sie sie, sobald die Beispiele ersetzt und Impressum, Datenschutzerklärung und Erklärung zur Barrierefreiheit in [portal] eingetragen sind.",
                    "Publishing starts once the variable DIGIFARM_PUBLISH is `true`: set it when the examples are replaced and the imprint, privacy and accessibility pages are set in [portal].",
                ),
                "ci_missing_url" => self.say(
                    "Die CI-Variable DIGIFARM_URL fehlt: die Adresse des Archivs",
                    "The CI variable DIGIFARM_URL is missing: the address of the archive",
                ),
                "ci_publish" => self.say(
                    "Nur auf dem Standardbranch: das Portal exportieren und mit Pages veröffentlichen.",
                    "Default branch only: export the portal and publish it with Pages.",
                ),
                other => {
                    return Err(CliError(format!("init template: unknown key `{other}`")));
                }
            };
            out.push_str(&value);
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn say(&self, german: &str, english: &str) -> String {
        match self.texts {
            Texts::German => german.to_owned(),
            Texts::English => english.to_owned(),
        }
    }
}

/// `line` with `# comment` after it, comments aligned as in the templates.
fn commented(line: &str, comment: &str) -> String {
    let width = line.chars().count();
    format!(
        "{line}{:pad$}# {comment}",
        "",
        pad = 33usize.saturating_sub(width).max(1)
    )
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn check_city(name: &str) -> Result<String, CliError> {
    let refuse = |why: &str| Err(CliError(format!("--city `{}` {why}", output::shown(name))));
    if name.trim().is_empty() {
        return refuse("is empty: give the city's name, e.g. --city Münster");
    }
    if name.trim() != name {
        return refuse("starts or ends with a space");
    }
    let invisible = |c: char| {
        digifarm_core::diagnostic::is_unprintable(c)
            || (c.is_whitespace() && c != ' ')
            || matches!(
                c,
                '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
            )
    };
    if name.chars().any(invisible) {
        return refuse("holds a control or invisible formatting character");
    }
    if name.contains(['/', '\\']) {
        return refuse("holds `/` or `\\`; a city's name has neither");
    }
    if name.chars().count() > 100 {
        return refuse("is longer than 100 characters");
    }
    Ok(name.to_owned())
}

/// The primary language subtag of a tag (`de` of `de-AT`).
fn primary_language(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// `--download-url`: an https URL (checked as the portal's links are) that can stand in a
/// YAML string and a GitHub expression.
fn check_url(url: &str) -> Result<String, CliError> {
    match digifarm_core::portal::web_url(url) {
        Ok(url) if url.starts_with("https://") && !url.contains(['\'', '"', '\\', '`', '$']) => {
            Ok(url)
        }
        _ => Err(CliError(format!(
            "--download-url `{}` is not an https URL without quotes, `$` or spaces",
            output::shown(url)
        ))),
    }
}

fn check_ags(ags: &str) -> Result<&'static str, CliError> {
    if ags.len() != 8 || !ags.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CliError(format!(
            "--ags `{}` is not an official municipality key: it has 8 digits, e.g. 05515000 for Münster",
            output::shown(ags)
        )));
    }
    LAENDER
        .iter()
        .find(|(prefix, _)| ags.starts_with(prefix))
        .map(|(_, land)| *land)
        .ok_or_else(|| {
            CliError(format!(
                "--ags `{ags}` names no Land: its first two digits are 01 (Schleswig-Holstein) to 16 (Thüringen)"
            ))
        })
}

fn check_languages(languages: &[String]) -> Result<Vec<String>, CliError> {
    let mut out: Vec<String> = Vec::new();
    for lang in languages {
        let lang = lang.trim();
        // A registered language (IANA subtag registry), with an ISO 639 code of 2 or 3
        // letters, as `validate` requires of `[city] languages`.
        let known = language_tags::LanguageTag::parse(lang).is_ok_and(|tag| {
            tag.validate().is_ok() && (2..=3).contains(&tag.primary_language().len())
        });
        if !known {
            return Err(CliError(format!(
                "--lang `{}` is not a registered language tag: use codes such as de, en, tr or de-AT",
                output::shown(lang)
            )));
        }
        if out.iter().any(|l| l.eq_ignore_ascii_case(lang)) {
            return Err(CliError(format!("--lang lists `{lang}` twice")));
        }
        out.push(lang.to_owned());
    }
    if out.is_empty() {
        return Err(CliError("--lang names no language".to_owned()));
    }
    Ok(out)
}

/// Writes `files` into `dir` all at once, or not at all. Returns the files kept because they
/// already existed (only with `force`).
fn write_catalog(
    dir: &Path,
    files: &[(PathBuf, String)],
    force: bool,
) -> Result<Vec<PathBuf>, CliError> {
    // `link/` and `new/.` name `link` and `new`: a trailing slash must not follow a link.
    let dir = dir.components().as_path();
    let shown = output::shown(&dir.display().to_string()).into_owned();
    match fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => {
            if fs::symlink_metadata(dir.join("digifarm.toml")).is_ok() {
                return Err(CliError(format!(
                    "{shown} already holds a catalog (digifarm.toml); init leaves it as it is"
                )));
            }
            let entries = fs::read_dir(dir)
                .map_err(|e| CliError(format!("cannot read {shown}: {e}")))?
                .count();
            if entries > 0 && !force {
                return Err(CliError(format!(
                    "{shown} is not empty; choose a new directory, or add --force to add the starting files to it (files already there are kept)"
                )));
            }
            fill_existing(dir, files)
        }
        Ok(meta) if meta.is_symlink() => Err(CliError(format!(
            "{shown} is a symbolic link; give the directory itself"
        ))),
        Ok(_) => Err(CliError(format!(
            "{shown} is a file, not a directory; give a new directory for the catalog"
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_new(dir, files),
        Err(e) => Err(CliError(format!("cannot use {shown}: {e}"))),
    }
}

/// A new directory: staged as a sibling, then renamed into place in one step.
fn create_new(dir: &Path, files: &[(PathBuf, String)]) -> Result<Vec<PathBuf>, CliError> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let shown_parent = output::shown(&parent.display().to_string()).into_owned();
    if !parent.is_dir() {
        return Err(CliError(format!(
            "{shown_parent} does not exist; create it first, or give a directory in an existing one"
        )));
    }
    let staging = tempfile::Builder::new()
        .prefix(".digifarm-init-")
        .tempdir_in(parent)
        .map_err(|e| CliError(format!("cannot write in {shown_parent}: {e}")))?;
    stage(staging.path(), files)?;
    fs::rename(staging.path(), dir).map_err(|e| {
        CliError(format!(
            "cannot create {}: {e}",
            output::shown(&dir.display().to_string())
        ))
    })?;
    // Renamed away: nothing left for the guard to remove.
    let _ = staging.keep();
    Ok(Vec::new())
}

/// An existing (empty, or with `--force` non-empty) directory: staged inside it, then each
/// file moved into place; files that exist are kept. A failure removes what was moved and
/// the directories made for it.
fn fill_existing(dir: &Path, files: &[(PathBuf, String)]) -> Result<Vec<PathBuf>, CliError> {
    let shown = output::shown(&dir.display().to_string()).into_owned();
    // Before anything is written: no file may land outside through a directory on its way
    // that is a link leading out (`projects -> /elsewhere` in a directory filled with
    // `--force`).
    let root = dir
        .canonicalize()
        .map_err(|e| CliError(format!("cannot resolve {shown}: {e}")))?;
    for (path, _) in files {
        let mut current = dir.to_path_buf();
        for name in path.parent().into_iter().flat_map(Path::components) {
            current.push(name);
            let Ok(meta) = fs::symlink_metadata(&current) else {
                break;
            };
            let inside = !meta.file_type().is_symlink()
                || current
                    .canonicalize()
                    .is_ok_and(|real| real.starts_with(&root) && real.is_dir());
            if !inside {
                return Err(CliError(format!(
                    "{} is a symbolic link leading outside {shown}; init writes only inside it, and nothing was added",
                    output::shown(&current.display().to_string())
                )));
            }
        }
    }
    let staging = tempfile::Builder::new()
        .prefix(".digifarm-init-")
        .tempdir_in(dir)
        .map_err(|e| CliError(format!("cannot write in {shown}: {e}")))?;
    stage(staging.path(), files)?;
    let mut kept = Vec::new();
    let mut moved: Vec<PathBuf> = Vec::new();
    let mut made: Vec<PathBuf> = Vec::new();
    for (path, _) in files {
        let target = dir.join(path);
        if fs::symlink_metadata(&target).is_ok() {
            kept.push(path.clone());
            continue;
        }
        if let Err(e) = place(&staging.path().join(path), &target, dir, &mut made) {
            for file in moved.iter().rev() {
                let _ = fs::remove_file(file);
            }
            // Deepest first; a directory that is not empty stays.
            for made in made.iter().rev() {
                let _ = fs::remove_dir(made);
            }
            return Err(CliError(format!(
                "cannot write {}: {e}; nothing was added",
                output::shown(&target.display().to_string())
            )));
        }
        moved.push(target);
    }
    Ok(kept)
}

/// Moves `from` to `to`, making the missing directories between `root` and `to` (recorded
/// in `made`, outermost first).
fn place(from: &Path, to: &Path, root: &Path, made: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut missing = Vec::new();
    let mut parent = to.parent();
    while let Some(p) = parent {
        if p == root || fs::symlink_metadata(p).is_ok() {
            break;
        }
        missing.push(p.to_path_buf());
        parent = p.parent();
    }
    for p in missing.into_iter().rev() {
        fs::create_dir(&p)?;
        made.push(p);
    }
    fs::rename(from, to)
}

fn stage(root: &Path, files: &[(PathBuf, String)]) -> Result<(), CliError> {
    for (path, content) in files {
        let target = root.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| {
                CliError(format!(
                    "cannot create {}: {e}",
                    output::shown(&parent.display().to_string())
                ))
            })?;
        }
        fs::write(&target, content).map_err(|e| {
            CliError(format!(
                "cannot write {}: {e}",
                output::shown(&target.display().to_string())
            ))
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ags_needs_eight_digits_and_a_land() {
        assert_eq!(check_ags("05515000").ok(), Some("Nordrhein-Westfalen"));
        assert_eq!(check_ags("16051000").ok(), Some("Thüringen"));
        for bad in [
            "1234",
            "99999999",
            "00000000",
            "17000000",
            "0551500a",
            "055150000",
            "",
        ] {
            assert!(check_ags(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn city_names_are_plain_text() {
        assert!(check_city("Münster").is_ok());
        assert!(check_city("Halle (Saale)").is_ok());
        for bad in [
            "",
            " ",
            "a/b",
            "a\\b",
            "Köln\n",
            "x\u{1b}[31m",
            " Bonn",
            "\u{202e}abc",
        ] {
            assert!(check_city(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn languages_must_be_registered() {
        assert_eq!(
            check_languages(&["de".into(), "en".into()]).ok(),
            Some(vec!["de".to_owned(), "en".to_owned()])
        );
        assert!(check_languages(&["de-AT".into()]).is_ok());
        for bad in [
            vec!["xx"],
            vec!["german"],
            vec!["de", "DE"],
            vec![""],
            vec![],
        ] {
            let bad: Vec<String> = bad.into_iter().map(String::from).collect();
            assert!(check_languages(&bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn names_are_quoted_for_toml_and_yaml() {
        assert_eq!(toml_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(
            digifarm_core::yaml_emit::double_quoted("Halle: \"Saale\""),
            r#""Halle: \"Saale\"""#
        );
    }
}
