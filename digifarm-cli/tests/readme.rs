//! README.md is a tested document. It lists every diagnostic code, its quick start has the two
//! commands CI runs, its Rust snippet is the one in the runnable example, and every fenced code
//! block is checked according to its info string:
//!
//! - ```` ```toml ````: parses (the `toml` crate). A `digifarm.toml` (a `[city]` with a `name`)
//!   replaces Münster's; a fragment of one (any top-level key of the config schema) is merged
//!   into Münster's (tables merged key by key, everything else replaced). Either way the result
//!   deserialises into `CityConfig` and `digifarm validate` accepts a copy of
//!   `examples/muenster` holding it: exit code 0 and no `unknown-field` (exceptions:
//!   [`TOML_EXPECTED_ERRORS`]). Other TOML (e.g. a `plugin.toml`) only has to parse.
//! - ```` ```yaml ````: parses (digifarm's strict YAML 1.2 parser). A whole record (a project,
//!   partner or offer with a top-level `id`, or a health record) replaces or joins its kind in
//!   a copy of `examples/muenster`, which must validate (exit code 0, no `unknown-field`).
//! - ```` ```json ````: parses.
//! - ```` ```sh ```` and ```` ```console ```` (commands after `$ `): every `digifarm …` command,
//!   and the file commands around them (`cp`, `mkdir`, `printf`, …, `cd`), runs with `sh -c`,
//!   the built binary first on `PATH`, in a temporary directory per README section (`## …`):
//!   the commands of a section run in order in the same directory, so a walkthrough's state
//!   carries from block to block. The directory holds a copy of `examples/`, the repository's
//!   top-level files and `digifarm-cli/tests/fixtures/readme/` (files the README's commands
//!   name: `my-catalog/`, `digifarm.csv`, …). The reader's catalog is called `my-city` or
//!   `catalog/`: a section that uses one without making it first (`cp`, `mkdir`,
//!   `digifarm init`, `--out`) gets a copy of `examples/muenster` under that name.
//!   The expected exit code is 0, or what a trailing `# exit N` (or `# exit N: why`) comment
//!   says, or for a console transcript 1 when its shown output has an `error[…]` and 2 when it
//!   has `digifarm: error`. A console transcript's shown output must appear in the real output
//!   line by line (`…` stands for anything). Usage synopses (`<ARG>`, `[--flag]`) and commands
//!   that are not run ([`NOT_RUN`]) are checked against `digifarm … --help`: every `--flag`
//!   and every listed value exists. Other commands (`cargo`, `pip`, `./scripts/…`) are not
//!   run; the files they name (`./…`, `scripts/…`) must exist, and a script run as a command
//!   must be executable.
//! - ```` ```python ````: tested by `digifarm-py/tests/test_readme.py`.
//! - ```` ```rust ````: the snippet is compared with `digifarm-core/examples/validate_catalog.rs`
//!   (a runnable example, built and run by its own tests) by
//!   `readme_rust_snippet_is_the_runnable_example`.
//! - plain ```` ``` ````: illustrations (a directory tree, a sample output): not checked.
//!
//! A failure names the README line, the block, the command, its exit code and its stderr.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use digifarm_core::Code;
use digifarm_core::model::CityConfig;
use digifarm_core::schema::{SchemaKind, json_schema};
use serde_json::Value;

#[path = "support/files.rs"]
mod files;
#[path = "support/run.rs"]
mod run;
use files::copy_dir;

/// Commands shown in README.md that this test does not run, with the reason. Their
/// subcommands and flags are still checked against `--help`. Keep this list short: prefer a
/// fixture in `digifarm-cli/tests/fixtures/readme/`.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "digifarm match muenster-copy --project data-inspire-me --explain --today 2026-11-26",
        "needs the local-first scorer plugin built for wasm32-wasip2 (scripts/test-plugins.sh) and a Münster copy edited as the text says",
    ),
    (
        "digifarm refresh my-city",
        "reads the forges over the network",
    ),
    (
        "digifarm refresh my-city --project rats-sitzplan --format json",
        "reads the forges over the network",
    ),
    (
        "digifarm export my-city --plugin atom-feed --out feed.atom",
        "needs the atom-feed exporter plugin built and configured (scripts/test-plugins.sh)",
    ),
    (
        "digifarm validate catalog/ --plugin extra.wasm",
        "needs a validator plugin .wasm (scripts/test-plugins.sh)",
    ),
    (
        "digifarm match catalog/ --plugin scorer.wasm --plugin-weight 0.3",
        "needs a scorer plugin .wasm (scripts/test-plugins.sh)",
    ),
    (
        "digifarm export catalog/ --plugin atom-feed --out feed.atom",
        "needs the atom-feed exporter plugin built and configured (scripts/test-plugins.sh)",
    ),
    (
        "digifarm plugin info extra.wasm",
        "needs a plugin .wasm (scripts/test-plugins.sh)",
    ),
    (
        "digifarm import plugin --plugin civic-json.wasm civic.json --out catalog/",
        "needs the civic-json importer plugin .wasm (scripts/test-plugins.sh)",
    ),
    (
        "digifarm import plugin --plugin civic-json civic.json --out catalog/",
        "needs the civic-json importer plugin built and configured (scripts/test-plugins.sh)",
    ),
];

/// Files a command needs that the README only describes in words: written before the command
/// and removed after it (the commands are refused and write nothing, so what follows in the
/// walkthrough sees the state the README shows).
const SCAFFOLD: &[(&str, &str, &str)] = &[(
    // "A project that arrives another way (an import, a hand-written file)": in review, with
    // no attestations and no link to the city.
    "digifarm review my-city radwege-app --admit --by \"Lenkungskreis DIGIFARM\" --reason \"sieht gut aus\"",
    "my-city/projects/radwege-app.yaml",
    "id: radwege-app\nname: Radwege-App\nsummary: Schäden an Radwegen melden.\nstatus: in-development\nlifecycle: in-review\nlicense: MIT\nlinks:\n  source: https://git.example.org/radwege-app\nlast_reviewed: 2026-11-01\n",
)];

/// `digifarm.toml` examples that name files a city adds and the README cannot ship: a line of
/// the block that identifies it, the error codes expected for those files (nothing else may
/// be an error, and `unknown-field` never), and why.
const TOML_EXPECTED_ERRORS: &[(&str, &[&str], &str)] = &[
    (
        "path = \"plugins/local-first.wasm\"",
        &["plugin-failed", "image-missing"],
        "the full example names a plugin .wasm (built by scripts/test-plugins.sh) and a logo.svg of the city's",
    ),
    (
        "path = \"plugins/muenster-admission.wasm\"",
        &["plugin-failed"],
        "names a plugin .wasm (built by scripts/test-plugins.sh)",
    ),
];

/// YAML records that are shown shortened so far that they cannot validate: a line that
/// identifies the block, and why. They still have to parse.
const YAML_NOT_VALIDATED: &[(&str, &str)] = &[];

/// Commands that only handle files; they run so that the commands after them find their
/// files. `cd` changes the directory of the section's later commands.
const FILE_COMMANDS: &[&str] = &[
    "cp", "mv", "rm", "mkdir", "touch", "printf", "echo", "cat", "ls", "cd",
];

/// Names the README uses for the reader's own catalog.
const READER_CATALOGS: &[&str] = &["my-city", "catalog"];

/// How long one command may take.
const TIMEOUT: Duration = Duration::from_secs(300);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

fn muenster() -> PathBuf {
    root().join("examples/muenster")
}

// ------------------------------------------------------------------- the README's blocks

/// A fenced code block.
struct Block {
    /// The info string: `sh`, `console`, `toml`, … or empty.
    info: String,
    /// 1-based line of the opening fence.
    line: usize,
    /// The `## ` heading it is under.
    section: String,
    /// Its lines with their 1-based line numbers.
    lines: Vec<(usize, String)>,
}

impl Block {
    fn text(&self) -> String {
        let mut text = String::new();
        for (_, l) in &self.lines {
            text.push_str(l);
            text.push('\n');
        }
        text
    }

    fn contains_line(&self, needle: &str) -> bool {
        self.lines.iter().any(|(_, l)| l.contains(needle))
    }

    fn name(&self) -> String {
        format!(
            "README.md:{} (```{} block in \"{}\")",
            self.line, self.info, self.section
        )
    }
}

fn blocks(readme: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut section = String::from("(top)");
    let mut open: Option<Block> = None;
    for (i, line) in readme.lines().enumerate() {
        let n = i + 1;
        match open.as_mut() {
            Some(block) => {
                if line.trim() == "```" {
                    out.extend(open.take());
                } else {
                    block.lines.push((n, line.to_owned()));
                }
            }
            None => {
                if let Some(heading) = line.strip_prefix("## ") {
                    section = heading.trim().to_owned();
                } else if let Some(info) = line.trim_start().strip_prefix("```") {
                    open = Some(Block {
                        info: info.trim().to_owned(),
                        line: n,
                        section: section.clone(),
                        lines: Vec::new(),
                    });
                }
            }
        }
    }
    assert!(open.is_none(), "README.md: a code block is not closed");
    out
}

fn readme_blocks() -> Vec<Block> {
    blocks(&read("README.md"))
}

// ------------------------------------------------------------------------------- commands

/// A command line of a ```sh or ```console block.
struct Cmd {
    /// 1-based README line.
    line: usize,
    /// The command without its trailing comment, white space collapsed.
    text: String,
    /// The trailing comment.
    comment: String,
    /// A console transcript's output lines shown after the command.
    shown: Vec<String>,
    console: bool,
}

/// Splits a shell line into the command and its trailing comment (`#` after white space,
/// outside quotes).
fn split_comment(line: &str) -> (&str, &str) {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return (&line[..i], line[i + 1..].trim()),
            None => {}
        }
        prev = c;
    }
    (line, "")
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Shell words (quotes removed; no expansion).
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

fn commands(block: &Block) -> Vec<Cmd> {
    let console = block.info == "console";
    let mut out: Vec<Cmd> = Vec::new();
    let mut continued = false;
    for (n, line) in &block.lines {
        if console {
            if let Some(rest) = line.strip_prefix("$ ") {
                let (cmd, comment) = split_comment(rest);
                out.push(Cmd {
                    line: *n,
                    text: collapse(cmd),
                    comment: comment.to_owned(),
                    shown: Vec::new(),
                    console,
                });
            } else if let Some(last) = out.last_mut() {
                last.shown.push(line.clone());
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continued = false;
            continue;
        }
        let (cmd, comment) = split_comment(line);
        let cmd = cmd.trim_end();
        let joins = continued || line.starts_with(char::is_whitespace);
        let (cmd, next_continues) = match cmd.strip_suffix('\\') {
            Some(c) => (c, true),
            None => (cmd, false),
        };
        match out.last_mut() {
            Some(last) if joins => {
                last.text = collapse(&format!("{} {cmd}", last.text));
                if !comment.is_empty() {
                    last.comment = comment.to_owned();
                }
            }
            _ => out.push(Cmd {
                line: *n,
                text: collapse(cmd),
                comment: comment.to_owned(),
                shown: Vec::new(),
                console,
            }),
        }
        continued = next_continues;
    }
    out.retain(|c| !c.text.is_empty());
    out
}

/// `# exit N` or `# exit N: why`.
fn annotated_exit(comment: &str) -> Option<i32> {
    let rest = comment.strip_prefix("exit ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let after = &rest[digits.len()..];
    if digits.is_empty() || !(after.is_empty() || after.starts_with(':')) {
        return None;
    }
    digits.parse().ok()
}

fn expected_exit(cmd: &Cmd) -> i32 {
    if let Some(code) = annotated_exit(&cmd.comment) {
        return code;
    }
    if cmd
        .shown
        .iter()
        .any(|l| l.trim_start().starts_with("digifarm: error"))
    {
        2
    } else if cmd.shown.iter().any(|l| l.starts_with("error[")) {
        1
    } else {
        0
    }
}

/// A usage synopsis rather than a command: `<ARG>` placeholders or `[--optional]` parts.
fn is_synopsis(text: &str) -> bool {
    text.contains(" [")
        || text
            .match_indices(" <")
            .any(|(at, _)| text[at + 2..].starts_with(|c: char| c.is_ascii_uppercase()))
}

enum Plan {
    /// Run it.
    Run,
    /// A synopsis or an allow-listed command: check its flags against `--help`.
    Help,
    /// Not a digifarm or file command: check the files it names.
    Other,
}

fn plan(cmd: &Cmd) -> Plan {
    let first = cmd.text.split_whitespace().next().unwrap_or("");
    if first == "digifarm" {
        if is_synopsis(&cmd.text) || NOT_RUN.iter().any(|(c, _)| *c == cmd.text) {
            Plan::Help
        } else {
            Plan::Run
        }
    } else if FILE_COMMANDS.contains(&first) {
        Plan::Run
    } else {
        Plan::Other
    }
}

/// The subcommands and `--flags` of a digifarm command line exist, and so does every value of
/// a `--flag a|b|c` list.
fn check_help(cmd: &str) -> Result<(), String> {
    let ws = words(cmd);
    let sub: Vec<&str> = ws[1..]
        .iter()
        .map(String::as_str)
        .take_while(|w| {
            w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && w.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        })
        .collect();
    let out = run::digifarm().args(&sub).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!(
            "`digifarm {} --help` exits with {:?}: {}",
            sub.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let mut problems = Vec::new();
    let bare = |w: &str| w.trim_matches(|c| c == '[' || c == ']').to_owned();
    for (i, w) in ws.iter().enumerate() {
        let w = bare(w);
        let Some(flag) = w.strip_prefix("--") else {
            continue;
        };
        let flag = flag.split('=').next().unwrap_or(flag);
        if !help.contains(&format!("--{flag}")) {
            problems.push(format!("`--{flag}` is not an option"));
            continue;
        }
        // The option's own part of the help, if it lists its possible values.
        let own = help
            .find(&format!("      --{flag}"))
            .map(|at| {
                let rest = &help[at + 8..];
                let end = ["\n  -", "\n      --"]
                    .iter()
                    .filter_map(|next| rest.find(next))
                    .min()
                    .unwrap_or(rest.len());
                &rest[..end]
            })
            .filter(|own| own.contains("ossible values"));
        if let Some(own) = own
            && let Some(value) = ws.get(i + 1).map(|v| bare(v))
            && value.contains('|')
            && value
                .split('|')
                .all(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        {
            for v in value.split('|') {
                if !own
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                    .any(|t| t == v)
                {
                    problems.push(format!("`--{flag}` has no value `{v}`"));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} (checked against `digifarm {} --help`)",
            problems.join("; "),
            sub.join(" ")
        ))
    }
}

/// A command that is not run: the files it names exist; a script run directly is executable.
fn check_other(cmd: &str) -> Result<(), String> {
    let ws = words(cmd);
    let mut problems = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        if !(w.starts_with("./") || w.starts_with("scripts/")) {
            continue;
        }
        let path = root().join(w);
        if !path.exists() {
            problems.push(format!("`{w}` does not exist"));
            continue;
        }
        let runs_it = i == 0 || ws[..i].iter().all(|p| p.contains('='));
        if runs_it && path.is_file() {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            if mode & 0o111 == 0 {
                problems.push(format!("`{w}` is not executable"));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    timed_out: bool,
}

/// Runs `cmd` with `sh -c` in `cwd`, the built binary first on PATH, caches in `aux`.
fn sh(cmd: &str, cwd: &Path, aux: &Path) -> Ran {
    let bin_dir = Path::new(run::BIN).parent().unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin_dir.to_path_buf()];
    paths.extend(std::env::split_paths(&path));
    let out_file = aux.join("stdout");
    let err_file = aux.join("stderr");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .current_dir(cwd)
        .env("PATH", std::env::join_paths(paths).unwrap())
        .env("NO_COLOR", "1")
        .env("DIGIFARM_IMAGE_CACHE", aux.join("image-cache"))
        .env("XDG_CACHE_HOME", aux.join("cache"))
        .stdin(Stdio::null())
        .stdout(File::create(&out_file).unwrap())
        .stderr(File::create(&err_file).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            timed_out = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Ran {
        code: status.code(),
        stdout: String::from_utf8_lossy(&std::fs::read(&out_file).unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&std::fs::read(&err_file).unwrap()).into_owned(),
        timed_out,
    }
}

/// Spaces as a reader sees them: no-break spaces (`71 %`) are spaces.
fn plain_spaces(s: &str) -> String {
    s.replace(['\u{a0}', '\u{202f}'], " ")
}

/// Whether a shown output line appears in the real output; `…` stands for anything.
fn shown_line_found(shown: &str, actual: &[String]) -> bool {
    let shown = plain_spaces(shown);
    let shown = shown.trim_end();
    if shown.trim().is_empty() || shown.trim() == "…" {
        return true;
    }
    let parts: Vec<&str> = shown.split('…').collect();
    actual.iter().any(|line| {
        let line = plain_spaces(line);
        let Some(rest) = line.trim_end().strip_prefix(parts[0]) else {
            return false;
        };
        let mut rest = rest;
        for (i, part) in parts.iter().enumerate().skip(1) {
            let last = i == parts.len() - 1;
            if last && !part.is_empty() {
                return rest.ends_with(part);
            }
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
        parts.len() > 1 || rest.is_empty()
    })
}

fn indent(text: &str, max_lines: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let skip = lines.len().saturating_sub(max_lines);
    let mut out = String::new();
    if skip > 0 {
        out.push_str(&format!("    … ({skip} lines)\n"));
    }
    for l in &lines[skip..] {
        out.push_str("    ");
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// A fresh directory for a section's commands: `examples/`, the repository's top-level files
/// and the README fixtures.
fn section_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    copy_dir(&root().join("examples"), &work.join("examples"));
    for entry in std::fs::read_dir(root()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), work.join(entry.file_name())).unwrap();
        }
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/readme");
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == "README.md" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &work.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), work.join(entry.file_name())).unwrap();
        }
    }
    std::fs::create_dir(dir.path().join("aux")).unwrap();
    dir
}

/// Whether `word` names the catalog `name` (`my-city`, `my-city/projects/x.yaml`).
fn names(word: &str, name: &str) -> bool {
    word == name || word.starts_with(&format!("{name}/"))
}

/// The reader's catalogs a section uses before making them: they start as Münster.
fn catalogs_to_provide(cmds: &[&Cmd]) -> Vec<&'static str> {
    READER_CATALOGS
        .iter()
        .copied()
        .filter(|name| {
            let Some(cmd) = cmds
                .iter()
                .find(|c| words(&c.text).iter().any(|w| names(w, name)))
            else {
                return false;
            };
            let ws = words(&cmd.text);
            let makes = match ws[0].as_str() {
                "cp" | "mv" | "mkdir" => ws.last().is_some_and(|w| names(w, name)),
                "digifarm" => {
                    ws.get(1).is_some_and(|w| w == "init")
                        || ws.windows(2).any(|p| p[0] == "--out" && names(&p[1], name))
                }
                _ => false,
            };
            !makes
        })
        .collect()
}

#[derive(Default)]
struct CommandCounts {
    run: usize,
    shown_checked: usize,
    help_checked: usize,
    not_run: usize,
    other: usize,
}

/// Runs a section's commands in order in one directory; returns the failures.
fn run_section(section: &str, cmds: &[(&Block, &Cmd)], counts: &mut CommandCounts) -> Vec<String> {
    let mut failures = Vec::new();
    let all: Vec<&Cmd> = cmds.iter().map(|(_, c)| *c).collect();
    let mut dir: Option<tempfile::TempDir> = None;
    let mut cwd = PathBuf::new();
    for (block, cmd) in cmds {
        let at = format!(
            "README.md:{} (```{} block at line {}, section \"{section}\"): `{}`",
            cmd.line, block.info, block.line, cmd.text
        );
        match plan(cmd) {
            Plan::Help => {
                if NOT_RUN.iter().any(|(c, _)| *c == cmd.text) {
                    counts.not_run += 1;
                } else {
                    counts.help_checked += 1;
                }
                if let Err(e) = check_help(&cmd.text) {
                    failures.push(format!("{at}\n  {e}"));
                }
                continue;
            }
            Plan::Other => {
                counts.other += 1;
                if let Err(e) = check_other(&cmd.text) {
                    failures.push(format!("{at}\n  {e}"));
                }
                continue;
            }
            Plan::Run => {}
        }
        let dir = dir.get_or_insert_with(|| {
            let d = section_dir();
            cwd = d.path().join("work");
            for name in catalogs_to_provide(&all) {
                copy_dir(&muenster(), &cwd.join(name));
            }
            d
        });
        let work = dir.path().join("work");
        let aux = dir.path().join("aux");
        let ws = words(&cmd.text);
        if ws[0] == "cd" {
            let to = cwd.join(ws.get(1).map_or(".", String::as_str));
            match to.canonicalize() {
                Ok(to) if to.starts_with(work.canonicalize().unwrap()) => cwd = to,
                _ => failures.push(format!(
                    "{at}\n  `cd` leads outside the section's directory or nowhere"
                )),
            }
            counts.run += 1;
            continue;
        }
        let scaffold = SCAFFOLD.iter().find(|(c, _, _)| *c == cmd.text);
        if let Some((_, file, content)) = scaffold {
            std::fs::write(cwd.join(file), content).unwrap();
        }
        let ran = sh(&cmd.text, &cwd, &aux);
        if let Some((_, file, _)) = scaffold {
            let _ = std::fs::remove_file(cwd.join(file));
        }
        counts.run += 1;
        let expected = expected_exit(cmd);
        let report = |what: String| {
            format!(
                "{at}\n  {what}\n  stderr:\n{}  stdout:\n{}",
                indent(&ran.stderr, 30),
                indent(&ran.stdout, 30)
            )
        };
        if ran.timed_out {
            failures.push(report(format!("did not finish within {TIMEOUT:?}")));
            continue;
        }
        if ran.code != Some(expected) {
            failures.push(report(format!(
                "exit code {:?}, expected {expected}{}",
                ran.code,
                if cmd.comment.is_empty() {
                    " (annotate another with a trailing `# exit N`)".to_owned()
                } else {
                    String::new()
                }
            )));
            continue;
        }
        if cmd.console && !cmd.shown.is_empty() {
            counts.shown_checked += 1;
            let actual: Vec<String> = ran
                .stdout
                .lines()
                .chain(ran.stderr.lines())
                .map(str::to_owned)
                .collect();
            let missing: Vec<&String> = cmd
                .shown
                .iter()
                .filter(|l| !shown_line_found(l, &actual))
                .collect();
            if !missing.is_empty() {
                let missing: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                failures.push(report(format!(
                    "the shown output has lines the command does not print:\n{}",
                    indent(&missing.join("\n"), 20)
                )));
            }
        }
    }
    failures
}

// ---------------------------------------------------------------------------------- tests

#[test]
fn readme_lists_every_diagnostic_code() {
    let readme = read("README.md");
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !readme.contains(&format!("| `{c}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes missing from README.md: {missing:?}"
    );
}

#[test]
fn quick_start_has_the_commands_ci_runs() {
    let readme = read("README.md");
    let start = readme.find("## Quick start").unwrap();
    let section = &readme[start
        ..readme[start + 1..]
            .find("\n## ")
            .map_or(readme.len(), |i| start + 1 + i)];
    let block: Vec<&str> = section
        .split("```sh\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap()
        .lines()
        .collect();
    assert_eq!(block.len(), 2, "exactly two commands: {block:?}");
    assert!(block[0].starts_with("./scripts/muenster.sh"));
    assert!(block[1].starts_with("./scripts/test-all.sh"));
    assert!(
        read(".ci/run")
            .lines()
            .any(|l| l.trim() == "./scripts/test-all.sh"),
        ".ci/run runs the README's test command"
    );
}

#[test]
fn readme_rust_snippet_is_the_runnable_example() {
    let readme = read("README.md");
    let example = read("digifarm-core/examples/validate_catalog.rs");
    let snippet = readme
        .split("```rust\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let body = example
        .split("// README: begin\n")
        .nth(1)
        .unwrap()
        .split("    // README: end")
        .next()
        .unwrap();
    let dedented: String = body
        .lines()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(snippet.trim_end(), dedented.trim_end());
}

#[test]
fn every_code_block_has_a_known_kind() {
    let blocks = readme_blocks();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unknown = Vec::new();
    for b in &blocks {
        match b.info.as_str() {
            "" | "sh" | "console" | "toml" | "yaml" | "json" | "python" | "rust" => {
                *counts.entry(b.info.as_str()).or_default() += 1;
            }
            _ => unknown.push(format!("{}: teach tests/readme.rs to check it", b.name())),
        }
    }
    eprintln!("README.md code blocks: {counts:?}");
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));
    let rust = counts.get("rust").copied().unwrap_or(0);
    assert!(
        rust <= 1,
        "more than one ```rust block: readme_rust_snippet_is_the_runnable_example checks only the first"
    );
}

/// Münster's config with `fragment` merged in: tables key by key, everything else replaced.
fn merge(base: &mut toml::Table, fragment: toml::Table) {
    for (key, value) in fragment {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(f)) => merge(b, f),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Runs `digifarm validate <dir> --format json`: exit code and diagnostics.
fn validate_json(dir: &Path) -> (Option<i32>, Vec<Value>, String) {
    let out = run::digifarm()
        .arg("validate")
        .arg(dir)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let diagnostics = report["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    (
        out.status.code(),
        diagnostics,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn describe(d: &Value) -> String {
    format!(
        "{}[{}] {}:{}:{}: {}",
        d["severity"].as_str().unwrap_or("?"),
        d["code"].as_str().unwrap_or("?"),
        d["file"].as_str().unwrap_or("?"),
        d["line"],
        d["column"],
        d["message"].as_str().unwrap_or("?")
    )
}

/// Checks a validation of a catalog holding a README block: exit code 0 (or only the
/// `expected` error codes), never `unknown-field`. `to_readme` maps a diagnostic in the
/// block's own file to its README line.
fn check_validation(
    name: &str,
    dir: &Path,
    expected: &[&str],
    to_readme: &dyn Fn(&Value) -> Option<usize>,
) -> Result<(), String> {
    let (code, diagnostics, stderr) = validate_json(dir);
    let bad: Vec<String> = diagnostics
        .iter()
        .filter(|d| {
            d["code"] == "unknown-field"
                || (d["severity"] == "error"
                    && !expected.contains(&d["code"].as_str().unwrap_or("")))
        })
        .map(|d| match to_readme(d) {
            Some(line) => format!("README.md:{line}: {}", describe(d)),
            None => describe(d),
        })
        .collect();
    let code_ok = code == Some(0) || (!expected.is_empty() && code == Some(1));
    if bad.is_empty() && code_ok {
        return Ok(());
    }
    Err(format!(
        "{name}: `digifarm validate` on a copy of examples/muenster holding it exits with {code:?}\n{}  stderr:\n{}",
        indent(&bad.join("\n"), 40),
        indent(&stderr, 10)
    ))
}

#[test]
fn readme_toml_blocks_parse_and_validate() {
    let blocks = readme_blocks();
    let config_keys: Vec<String> = json_schema(SchemaKind::Config)["properties"]
        .as_object()
        .expect("the config schema has properties")
        .keys()
        .cloned()
        .collect();
    assert!(config_keys.iter().any(|k| k == "city"));
    let base: toml::Table = toml::from_str(&read("examples/muenster/digifarm.toml")).unwrap();
    let mut failures = Vec::new();
    let (mut found, mut parsed, mut validated) = (0, 0, 0);
    let mut used_exceptions = Vec::new();
    for b in blocks.iter().filter(|b| b.info == "toml") {
        found += 1;
        let text = b.text();
        let table: toml::Table = match toml::from_str(&text) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{}: does not parse as TOML: {e}", b.name()));
                continue;
            }
        };
        parsed += 1;
        let full = table
            .get("city")
            .and_then(toml::Value::as_table)
            .is_some_and(|c| c.contains_key("name"));
        if !full && !table.keys().any(|k| config_keys.contains(k)) {
            continue; // not digifarm.toml: parsing is all
        }
        let config_text = if full {
            text.clone()
        } else {
            let mut merged = base.clone();
            merge(&mut merged, table);
            toml::to_string(&merged).unwrap()
        };
        let deserialised = digifarm_core::source::toml::parse(&config_text)
            .map_err(|e| format!("{}:{}: {}", e.pos.line, e.pos.column, e.message))
            .and_then(|v| serde_json::from_value::<CityConfig>(v).map_err(|e| e.to_string()));
        if let Err(e) = deserialised {
            failures.push(format!(
                "{}: as {} is not a valid digifarm.toml: {e}",
                b.name(),
                if full {
                    "digifarm.toml, it"
                } else {
                    "a fragment merged into Münster's digifarm.toml, it"
                }
            ));
        }
        let exception = TOML_EXPECTED_ERRORS
            .iter()
            .find(|(key, _, _)| b.contains_line(key));
        if let Some((key, _, _)) = exception {
            used_exceptions.push(*key);
        }
        let tmp = tempfile::tempdir().unwrap();
        let cat = tmp.path().join("muenster");
        copy_dir(&muenster(), &cat);
        std::fs::write(cat.join("digifarm.toml"), &config_text).unwrap();
        let fence = b.line;
        let to_readme = |d: &Value| -> Option<usize> {
            let in_config = d["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("digifarm.toml"));
            let line = d["line"].as_u64()?;
            (full && in_config).then(|| fence + usize::try_from(line).unwrap_or(0))
        };
        match check_validation(
            &b.name(),
            &cat,
            exception.map_or(&[][..], |(_, codes, _)| codes),
            &to_readme,
        ) {
            Ok(()) => validated += 1,
            Err(e) => failures.push(e),
        }
    }
    for (key, _, _) in TOML_EXPECTED_ERRORS {
        if !used_exceptions.contains(key) {
            failures.push(format!(
                "TOML_EXPECTED_ERRORS: no ```toml block has the line `{key}` any more: remove the entry"
            ));
        }
    }
    eprintln!("README.md TOML: {found} blocks, {parsed} parsed, {validated} validated");
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// Where a YAML record goes in a catalog: its kind's directory and file stem.
fn record_place(value: &Value) -> Result<Option<(&'static str, String)>, String> {
    let Some(obj) = value.as_object() else {
        return Ok(None);
    };
    if let (Some(project), Some(_)) = (obj.get("project"), obj.get("observations")) {
        let id = project.as_str().ok_or("`project` is not a string")?;
        return Ok(Some(("health", id.to_owned())));
    }
    let Some(id) = obj.get("id") else {
        return Ok(None);
    };
    let id = id.as_str().ok_or("`id` is not a string")?.to_owned();
    let kind = if obj.contains_key("partner") {
        "offers"
    } else if ["lifecycle", "summary", "needs", "links", "license"]
        .iter()
        .any(|k| obj.contains_key(*k))
    {
        "projects"
    } else if obj.contains_key("kind") {
        "partners"
    } else {
        return Err("a record with an `id`, but not a project, partner or offer".to_owned());
    };
    Ok(Some((kind, id)))
}

#[test]
fn readme_yaml_blocks_parse_and_validate() {
    let blocks = readme_blocks();
    let mut failures = Vec::new();
    let (mut found, mut parsed, mut validated) = (0, 0, 0);
    for b in blocks.iter().filter(|b| b.info == "yaml") {
        found += 1;
        let text = b.text();
        let value = match digifarm_core::source::yaml::parse(&text) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!(
                    "README.md:{}: {} does not parse as YAML: {} ({})",
                    b.line + e.pos.line as usize,
                    b.name(),
                    e.message,
                    e.code.as_str()
                ));
                continue;
            }
        };
        parsed += 1;
        let place = match record_place(&value) {
            Ok(Some(place)) => place,
            Ok(None) => continue, // a fragment or another file (CI configuration): parsing is all
            Err(e) => {
                failures.push(format!("{}: {e}", b.name()));
                continue;
            }
        };
        if YAML_NOT_VALIDATED
            .iter()
            .any(|(key, _)| b.contains_line(key))
        {
            continue;
        }
        let (kind, id) = place;
        let tmp = tempfile::tempdir().unwrap();
        let cat = tmp.path().join("muenster");
        copy_dir(&muenster(), &cat);
        let file = format!("{kind}/{id}.yaml");
        std::fs::write(cat.join(&file), &text).unwrap();
        let fence = b.line;
        let to_readme = |d: &Value| -> Option<usize> {
            let mine = d["file"].as_str().is_some_and(|f| f.ends_with(&file));
            let line = d["line"].as_u64()?;
            mine.then(|| fence + usize::try_from(line).unwrap_or(0))
        };
        match check_validation(&format!("{} (as {file})", b.name()), &cat, &[], &to_readme) {
            Ok(()) => validated += 1,
            Err(e) => failures.push(e),
        }
    }
    for (key, _) in YAML_NOT_VALIDATED {
        if !blocks
            .iter()
            .any(|b| b.info == "yaml" && b.contains_line(key))
        {
            failures.push(format!(
                "YAML_NOT_VALIDATED: no ```yaml block has the line `{key}` any more"
            ));
        }
    }
    eprintln!("README.md YAML: {found} blocks, {parsed} parsed, {validated} records validated");
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn readme_json_blocks_parse() {
    let blocks = readme_blocks();
    let mut failures = Vec::new();
    let mut found = 0;
    for b in blocks.iter().filter(|b| b.info == "json") {
        found += 1;
        if let Err(e) = serde_json::from_str::<Value>(&b.text()) {
            failures.push(format!(
                "README.md:{}: {} does not parse as JSON: {e}",
                b.line + e.line(),
                b.name()
            ));
        }
    }
    eprintln!("README.md JSON: {found} blocks parsed");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn readme_commands_run_as_shown() {
    let blocks = readme_blocks();
    let mut sections: Vec<(String, Vec<(&Block, Cmd)>)> = Vec::new();
    for b in blocks
        .iter()
        .filter(|b| b.info == "sh" || b.info == "console")
    {
        if sections.last().is_none_or(|(s, _)| *s != b.section) {
            sections.push((b.section.clone(), Vec::new()));
        }
        let cmds = commands(b);
        if let Some((_, list)) = sections.last_mut() {
            list.extend(cmds.into_iter().map(|c| (b, c)));
        }
    }
    let mut failures = Vec::new();
    for (entry, _) in NOT_RUN {
        if !sections
            .iter()
            .any(|(_, cmds)| cmds.iter().any(|(_, c)| c.text == *entry))
        {
            failures.push(format!(
                "NOT_RUN: README.md no longer shows `{entry}`: remove the entry"
            ));
        }
    }
    for (entry, _, _) in SCAFFOLD {
        if !sections
            .iter()
            .any(|(_, cmds)| cmds.iter().any(|(_, c)| c.text == *entry))
        {
            failures.push(format!(
                "SCAFFOLD: README.md no longer shows `{entry}`: remove the entry"
            ));
        }
    }
    let mut counts = CommandCounts::default();
    for (section, cmds) in &sections {
        let cmds: Vec<(&Block, &Cmd)> = cmds.iter().map(|(b, c)| (*b, c)).collect();
        failures.extend(run_section(section, &cmds, &mut counts));
    }
    eprintln!(
        "README.md commands: {} run ({} with their shown output checked), {} synopses checked against --help, {} not run (NOT_RUN, checked against --help), {} other commands not run (files they name checked)",
        counts.run, counts.shown_checked, counts.help_checked, counts.not_run, counts.other
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// The harness itself reads blocks, commands, annotations and shown output as the module
/// documentation says.
#[test]
fn harness_reads_readme_as_documented() {
    let md = "# T\n\n## Start\n\n```sh\ndigifarm init my-city --city X --ags 05515000\n\
              digifarm validate my-city   # exit 1: why\n```\n\n```console\n\
              $ digifarm stale my-city\nerror[stale-listing]: last reviewed … ago\n\
              $ digifarm x \"a # b\"   # exit 0 when allowed, 1 otherwise\n```\n\n## Usage\n\n\
              ```sh\ndigifarm validate <DIR> [--format human|json]\n         [--today DATE]\n\
              ./scripts/muenster.sh\n```\n";
    let bs = blocks(md);
    let kinds: Vec<(usize, &str, &str)> = bs
        .iter()
        .map(|b| (b.line, b.section.as_str(), b.info.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (5, "Start", "sh"),
            (10, "Start", "console"),
            (18, "Usage", "sh")
        ]
    );
    let sh_cmds = commands(&bs[0]);
    assert_eq!(sh_cmds[1].text, "digifarm validate my-city");
    assert_eq!((sh_cmds[1].line, expected_exit(&sh_cmds[1])), (7, 1));
    assert_eq!(expected_exit(&sh_cmds[0]), 0);
    let console = commands(&bs[1]);
    assert_eq!(
        expected_exit(&console[0]),
        1,
        "derived from the shown error"
    );
    assert_eq!(console[1].text, "digifarm x \"a # b\"");
    assert_eq!(expected_exit(&console[1]), 0, "not an annotation");
    let made: Vec<&Cmd> = sh_cmds.iter().collect();
    assert!(catalogs_to_provide(&made).is_empty(), "init makes my-city");
    assert_eq!(catalogs_to_provide(&made[1..]), ["my-city"]);
    let usage = commands(&bs[2]);
    assert_eq!(usage.len(), 2);
    assert_eq!(
        usage[0].text,
        "digifarm validate <DIR> [--format human|json] [--today DATE]"
    );
    assert!(is_synopsis(&usage[0].text) && !is_synopsis("digifarm x < in.json"));
    assert!(matches!(plan(&usage[1]), Plan::Other));
    let actual = [
        "last reviewed 1555 days ago".to_owned(),
        "71\u{a0}%".to_owned(),
    ];
    assert!(shown_line_found("last reviewed … ago", &actual));
    assert!(shown_line_found("71 %", &actual));
    assert!(!shown_line_found("last reviewed … since", &actual));
    assert!(!shown_line_found("last reviewed", &actual));
}
