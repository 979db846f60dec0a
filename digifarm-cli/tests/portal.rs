//! The published portal through the real binary: `[portal]` validation and every bad input
//! (each a diagnostic with file and line, exit 1, nothing written, inputs untouched), project
//! images and the logo, "Ich möchte helfen" routes, the public filter, escaping in every
//! context, and links that resolve in a single and a merged catalog.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn digifarm(args: &[&str]) -> Output {
    let out = run::run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_owned(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

fn text(files: &BTreeMap<PathBuf, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        files
            .get(Path::new(path))
            .unwrap_or_else(|| panic!("no {path} in {:?}", files.keys().collect::<Vec<_>>()))
            .clone(),
    )
    .unwrap()
}

/// A copy of the portal fixture in a temporary directory.
fn portal_copy(tmp: &Path) -> PathBuf {
    let cat = tmp.join("catalog");
    copy_dir(&fixtures().join("portal"), &cat);
    cat
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn export_html(cat: &Path, out: &Path) -> Output {
    digifarm(&[
        "export",
        cat.to_str().unwrap(),
        "--format",
        "html",
        "--out",
        out.to_str().unwrap(),
        "--today",
        "2022-09-01",
    ])
}

#[test]
fn bad_input_is_a_diagnostic_with_file_and_line_and_nothing_is_written() {
    let bad = fixtures().join("portal-bad");
    type Mutate = Box<dyn Fn(&Path)>;
    let image = |file: &'static str| -> Mutate {
        let bad = bad.clone();
        Box::new(move |cat: &Path| {
            std::fs::copy(bad.join(file), cat.join("images/giess-den-kiez.png")).unwrap();
        })
    };
    let config = |from: &'static str, to: &'static str| -> Mutate {
        Box::new(move |cat: &Path| edit(&cat.join("digifarm.toml"), from, to))
    };
    let project = |from: &'static str, to: &'static str| -> Mutate {
        Box::new(move |cat: &Path| edit(&cat.join("projects/giess-den-kiez.yaml"), from, to))
    };
    let cases: Vec<(&str, Mutate, &str, &str, &str)> = vec![
        (
            "a missing logo",
            config("logo = \"logo.svg\"", "logo = \"bilder/logo.svg\""),
            "image-missing",
            "digifarm.toml",
            "does not exist",
        ),
        (
            "a broken logo",
            {
                let bad = bad.clone();
                Box::new(move |cat: &Path| {
                    std::fs::copy(bad.join("truncated.png"), cat.join("logo.png")).unwrap();
                    edit(
                        &cat.join("digifarm.toml"),
                        "logo = \"logo.svg\"",
                        "logo = \"logo.png\"",
                    );
                })
            },
            "image-invalid",
            "digifarm.toml",
            "cannot be decoded",
        ),
        (
            "a logo with a script",
            Box::new(|cat: &Path| {
                edit(
                    &cat.join("logo.svg"),
                    "<title>",
                    "<script>alert(1)</script><title>",
                );
            }),
            "image-unsafe",
            "digifarm.toml",
            "<script>",
        ),
        (
            "a logo whose style loads another file through a CSS escape",
            Box::new(|cat: &Path| {
                edit(
                    &cat.join("logo.svg"),
                    "<title>",
                    "<style>svg{background:u\\72l(http://127.0.0.1:9/x.png)}</style><title>",
                );
            }),
            "image-unsafe",
            "digifarm.toml",
            "<style>",
        ),
        (
            "a logo that animates a link into javascript:",
            Box::new(|cat: &Path| {
                edit(
                    &cat.join("logo.svg"),
                    "<title>",
                    "<a href=\"#t\"><set attributeName=\"href\" to=\"javascript:alert(1)\"/></a><title>",
                );
            }),
            "image-unsafe",
            "digifarm.toml",
            "<set>",
        ),
        (
            "a missing image",
            project(
                "image: images/giess-den-kiez.png",
                "image: images/fehlt.png",
            ),
            "image-missing",
            "giess-den-kiez.yaml",
            "does not exist",
        ),
        (
            "a broken image",
            image("truncated.png"),
            "image-invalid",
            "giess-den-kiez.yaml",
            "cannot be decoded",
        ),
        (
            "an image that is an executable",
            image("program.png"),
            "image-invalid",
            "giess-den-kiez.yaml",
            "executable",
        ),
        (
            "a 100-megapixel decompression bomb",
            image("bomb.png"),
            "image-too-large",
            "giess-den-kiez.yaml",
            "100.0 megapixels",
        ),
        (
            "a remote image",
            project(
                "image: images/giess-den-kiez.png",
                "image: https://od-ms.github.io/digifarm-ms/images/small/giess-den-kiez.png",
            ),
            "image-remote",
            "giess-den-kiez.yaml",
            "URL",
        ),
        (
            "an image outside the catalog",
            project(
                "image: images/giess-den-kiez.png",
                "image: ../../etc/passwd",
            ),
            "image-outside-catalog",
            "giess-den-kiez.yaml",
            "not a path inside",
        ),
        (
            "a contact that is neither e-mail nor URL",
            config(
                "contact = \"digitales@musterstadt.example.org\"",
                "contact = \"Erika Musterfrau, Zimmer 12\"",
            ),
            "portal-contact-invalid",
            "digifarm.toml",
            "neither an e-mail",
        ),
        (
            "an accent colour that is not a colour",
            config("accent_color = \"#7a1f5c\"", "accent_color = \"lila\""),
            "accent-color-invalid",
            "digifarm.toml",
            "#rrggbb",
        ),
        (
            "an accent colour without contrast",
            config("accent_color = \"#7a1f5c\"", "accent_color = \"#9fc5e8\""),
            "accent-color-contrast",
            "digifarm.toml",
            "4.5:1",
        ),
        (
            "a javascript: help link",
            config(
                "[portal]\n",
                "[portal]\nhelp_url = \"javascript:alert(1)\"\n",
            ),
            "portal-url-invalid",
            "digifarm.toml",
            "javascript",
        ),
    ];
    for (what, mutate, code, file, says) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let cat = portal_copy(tmp.path());
        mutate(&cat);
        let before = snapshot(&cat);
        let run = digifarm(&[
            "validate",
            cat.to_str().unwrap(),
            "--today",
            "2022-09-01",
            "--format",
            "json",
        ]);
        assert_eq!(run.status.code(), Some(1), "{what}: {run:?}");
        let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        let found = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("{what}: no {code} in {report:#}"));
        assert!(
            found["file"].as_str().unwrap().ends_with(file),
            "{what}: {found}"
        );
        assert!(
            found["line"].as_u64().unwrap() > 0,
            "{what}: no line: {found}"
        );
        assert!(
            found["column"].as_u64().unwrap() > 0,
            "{what}: no column: {found}"
        );
        assert!(
            found["message"].as_str().unwrap().contains(says),
            "{what}: {found}"
        );
        let site = tmp.path().join("site");
        let run = export_html(&cat, &site);
        assert_eq!(run.status.code(), Some(1), "{what}: {run:?}");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains(&format!("[{code}]")), "{what}: {stderr}");
        assert!(
            !site.exists(),
            "{what}: the export wrote {}",
            site.display()
        );
        assert_eq!(snapshot(&cat), before, "{what}: the catalog was changed");
    }
}

#[test]
fn the_site_has_images_logo_legal_links_and_help_routes() {
    let tmp = tempfile::tempdir().unwrap();
    let cat = portal_copy(tmp.path());
    // A logo as editors save it: a declaration, a comment and metadata naming its author.
    let logo = std::fs::read_to_string(cat.join("logo.svg")).unwrap();
    std::fs::write(
        cat.join("logo.svg"),
        format!(
            "<?xml version=\"1.0\"?>\n<!-- Entwurf: Erika Mustermann -->\n{}",
            logo.replace("<title>", "<metadata>Erika Mustermann</metadata><title>")
        ),
    )
    .unwrap();
    let site = tmp.path().join("site");
    let run = export_html(&cat, &site);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    assert!(
        run.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.starts_with("exported 3 projects"), "{stdout}");
    let files = snapshot(&site);
    // Images: scaled copies with their size, and a meaningful alt.
    let jpg = &files[Path::new("images/giess-den-kiez.jpg")];
    assert!(jpg.starts_with(&[0xff, 0xd8, 0xff]), "not a JPEG");
    let png = &files[Path::new("images/rats-sitzplan.png")];
    assert!(
        png.starts_with(b"\x89PNG"),
        "an image with transparency stays PNG"
    );
    assert_eq!(&png[16..24], &[0, 0, 1, 0xf4, 0, 0, 1, 0x5e], "500 x 350");
    let profile = text(&files, "projects/giess-den-kiez.html");
    assert!(
        profile.contains("<img class=\"shot\" src=\"../images/giess-den-kiez.jpg\" width=\"500\" height=\"350\" alt=\"Zeichnung von vier Straßenbäumen auf einer Wiese\">"),
        "{profile}"
    );
    let en = text(&files, "en/projects/rats-sitzplan.html");
    assert!(en.contains("src=\"../../images/rats-sitzplan.png\" width=\"500\" height=\"350\" alt=\"Preview image of Rats-Sitzplan\""));
    // No remote image, ever.
    for (path, bytes) in &files {
        let t = String::from_utf8_lossy(bytes);
        assert!(!t.contains("src=\"http"), "{}", path.display());
        assert!(!t.contains("src=\"//"), "{}", path.display());
    }
    // Branding and the legal links on every page, embed.html included.
    for (path, bytes) in files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
    {
        let t = String::from_utf8_lossy(bytes);
        for link in ["impressum", "datenschutz", "barrierefreiheit"] {
            assert!(
                t.contains(&format!(
                    "href=\"https://www.musterstadt.example.org/{link}\""
                )),
                "{} lacks the {link} link",
                path.display()
            );
        }
        assert!(
            t.contains("--accent:#7a1f5c") || t.contains("style.css"),
            "{}",
            path.display()
        );
        assert!(
            t.contains("logo.svg\" alt=\"\""),
            "{} has no logo",
            path.display()
        );
    }
    assert!(text(&files, "style.css").contains(":root{--accent:#7a1f5c}"));
    // The logo as published: written anew from what draws, the source's comments and
    // metadata left out.
    let logo = text(&files, "logo.svg");
    assert!(
        logo.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{logo}"
    );
    assert!(!logo.contains("Erika") && !logo.contains("<?xml"), "{logo}");
    assert!(logo.contains("<title>Musterstadt</title>"), "{logo}");
    // "Ich möchte helfen": a mailto to the programme naming the project and the need,
    // percent-encoded as UTF-8.
    let technical = "mailto:digitales@musterstadt.example.org?subject=Ich%20m%C3%B6chte%20helfen%3A%20Gie%C3%9F%20den%20Kiez%20%28Technik%29&amp;body=Guten%20Tag%2C%0D%0A%0D%0Aich%20m%C3%B6chte%20das%20Projekt%20%E2%80%9EGie%C3%9F%20den%20Kiez%E2%80%9C%20%28giess-den-kiez%29%20unterst%C3%BCtzen.";
    assert!(profile.contains(technical), "{profile}");
    let index = text(&files, "index.html");
    assert!(index.contains(technical), "the card has the route too");
    // Dates in the reader's language, jargon in words, the Steckbrief.
    assert!(profile.contains("<dd>31. August 2022</dd>"), "{profile}");
    assert!(text(&files, "en/projects/giess-den-kiez.html").contains("<dd>31 August 2022</dd>"));
    for fact in [
        "Steckbrief",
        "Technologien",
        "Benötigte Fähigkeiten",
        "Komplexität",
        "Status",
    ] {
        assert!(profile.contains(&format!(">{fact}<")), "no {fact}");
    }
    // Only admitted projects: the proposal waiting for review is nowhere.
    for (path, bytes) in &files {
        assert!(
            !String::from_utf8_lossy(bytes).contains("radweg-melder"),
            "{} publishes a proposal",
            path.display()
        );
    }
    // The propose page and its checker.
    assert!(files.contains_key(Path::new("propose.wasm")));
    let propose = text(&files, "propose.html");
    assert!(propose.contains("data-wasm=\"propose.wasm\""));
    assert!(text(&files, "en/propose.html").contains("data-wasm=\"../propose.wasm\""));
    assert!(
        propose.contains(
            "\"forge\":\"https://git.example.org/musterstadt/katalog/new/main/proposals\""
        )
    );
}

#[test]
fn a_help_form_gets_the_project_and_the_need_as_query_parameters() {
    let tmp = tempfile::tempdir().unwrap();
    let cat = portal_copy(tmp.path());
    edit(
        &cat.join("digifarm.toml"),
        "[portal]\n",
        "[portal]\nhelp_url = \"https://www.musterstadt.example.org/mitmachen?quelle=portal\"\n",
    );
    let site = tmp.path().join("site");
    assert_eq!(export_html(&cat, &site).status.code(), Some(0));
    let profile = std::fs::read_to_string(site.join("projects/giess-den-kiez.html")).unwrap();
    assert!(
        profile.contains("href=\"https://www.musterstadt.example.org/mitmachen?quelle=portal&amp;project=giess-den-kiez&amp;need=technical\""),
        "{profile}"
    );
}

#[test]
fn a_site_without_legal_links_is_exported_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let cat = tmp.path().join("catalog");
    copy_dir(&fixtures().join("export"), &cat);
    let site = tmp.path().join("site");
    let run = export_html(&cat, &site);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    for key in ["imprint_url", "privacy_url", "accessibility_url"] {
        assert!(stderr.contains(&format!("no `{key}`")), "{stderr}");
    }
    assert!(stderr.contains("[portal-contact-missing]"), "{stderr}");
    assert!(stderr.contains("digifarm.toml"), "{stderr}");
    assert!(site.join("index.html").is_file());
    // A catalog that sets up [portal] is told by `digifarm validate` too, with file and line.
    let cat = portal_copy(&tmp.path().join("with-portal"));
    edit(
        &cat.join("digifarm.toml"),
        "imprint_url = \"https://www.musterstadt.example.org/impressum\"\n",
        "",
    );
    let run = digifarm(&[
        "validate",
        cat.to_str().unwrap(),
        "--today",
        "2022-09-01",
        "--format",
        "json",
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "a warning, not an error: {run:?}"
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let found: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "portal-legal-link-missing")
        .collect();
    assert_eq!(found.len(), 1, "{report:#}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("imprint_url")
    );
    assert!(
        found[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("digifarm.toml")
    );
    assert!(
        found[0]["line"].as_u64().unwrap() > 1,
        "the line of [portal]: {}",
        found[0]
    );
}

#[test]
fn public_only_filters_the_data_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let cat = fixtures().join("portal");
    for (flags, listed) in [(&[][..], true), (&["--public-only"][..], false)] {
        for format in ["json", "csv"] {
            let out = tmp.path().join(format!("{format}-{listed}"));
            let mut args = vec![
                "export",
                cat.to_str().unwrap(),
                "--format",
                format,
                "--out",
                out.to_str().unwrap(),
                "--today",
                "2022-09-01",
            ];
            args.extend(flags);
            let run = digifarm(&args);
            assert_eq!(run.status.code(), Some(0), "{run:?}");
            let all: String = snapshot(&out)
                .values()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .collect();
            assert_eq!(all.contains("radweg-melder"), listed, "{format} {flags:?}");
            assert!(all.contains("giess-den-kiez"));
        }
    }
    // The publishing formats always filter.
    for format in ["markdown", "atom", "jsonld", "publiccode"] {
        let out = tmp.path().join(format);
        let mut args = vec![
            "export",
            cat.to_str().unwrap(),
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
            "--today",
            "2022-09-01",
        ];
        // The example's projects lack what a valid publiccode.yml needs; the ones refused for
        // that are listed on stderr, and a proposal is not even considered.
        if format == "publiccode" {
            args.push("--skip-invalid");
        }
        let run = digifarm(&args);
        assert_eq!(run.status.code(), Some(0), "{format}: {run:?}");
        assert!(
            !String::from_utf8_lossy(&run.stderr).contains("radweg-melder"),
            "{format} considers a proposal: {run:?}"
        );
        let all: String = snapshot(&out)
            .values()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect();
        assert!(
            !all.contains("radweg-melder"),
            "{format} publishes a proposal"
        );
    }
}

#[test]
fn every_text_is_escaped_for_its_context() {
    let tmp = tempfile::tempdir().unwrap();
    let cat = portal_copy(tmp.path());
    let evil = "</script><script>alert(1)</script>";
    edit(
        &cat.join("projects/giess-den-kiez.yaml"),
        "name: Gieß den Kiez",
        &format!("name: '{evil}'"),
    );
    edit(
        &cat.join("digifarm.toml"),
        "name = \"Musterstadt\"",
        "name = \"\\\"><img src=x onerror=alert(2)>\"",
    );
    edit(
        &cat.join("projects/rats-sitzplan.yaml"),
        "summary: Wer sitzt wo im Rat der Stadt Münster?",
        "summary: \"=HYPERLINK(\\\"https://evil.example\\\")\"",
    );
    let site = tmp.path().join("site");
    let run = export_html(&cat, &site);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    for (path, bytes) in snapshot(&site) {
        let t = String::from_utf8_lossy(&bytes);
        assert!(
            !t.contains("<script>alert"),
            "{}: raw script",
            path.display()
        );
        assert!(!t.contains("<img src=x"), "{}: raw markup", path.display());
        assert!(!t.contains("href=\"javascript:"), "{}", path.display());
        // Every script element is one of the site's own: the class setter, the JSON island
        // or the inline script of the page.
        for (i, _) in t.match_indices("<script") {
            let tag = &t[i..i + 70.min(t.len() - i)];
            assert!(
                tag.starts_with("<script>document.documentElement.className")
                    || tag.starts_with("<script type=\"application/json\" id=\"form-settings\">")
                    || tag.starts_with("<script>\n"),
                "{}: unexpected {tag}",
                path.display()
            );
        }
    }
    let profile = std::fs::read_to_string(site.join("projects/giess-den-kiez.html")).unwrap();
    assert!(profile.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    let propose = std::fs::read_to_string(site.join("propose.html")).unwrap();
    assert!(
        propose.contains("\\u003cimg src=x onerror=alert(2)\\u003e"),
        "the JSON island escapes <"
    );
    // CSV for Excel: a summary that starts like a formula is made text.
    let csv = tmp.path().join("csv");
    let run = digifarm(&[
        "export",
        cat.to_str().unwrap(),
        "--format",
        "csv",
        "--out",
        csv.to_str().unwrap(),
        "--today",
        "2022-09-01",
    ]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let projects = std::fs::read_to_string(csv.join("projects.csv")).unwrap();
    assert!(
        projects.contains(";\"'=HYPERLINK(\"\"https://evil.example\"\")\";"),
        "{projects}"
    );
    // A javascript: link in a record never validates, so it never reaches a page.
    edit(
        &cat.join("projects/rats-sitzplan.yaml"),
        "homepage: https://sitzplan.codeformuenster.org/",
        "homepage: javascript:alert(1)",
    );
    let run = export_html(&cat, &tmp.path().join("site2"));
    assert_eq!(run.status.code(), Some(1));
    assert!(!tmp.path().join("site2").exists());
}

/// The local links (`href`, `src`) of every page of the site at `root`, each resolved and
/// checked to exist.
fn broken_links(root: &Path) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut broken = Vec::new();
    for (path, bytes) in snapshot(root) {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let t = String::from_utf8_lossy(&bytes);
        for attr in ["href=\"", "src=\""] {
            for (i, _) in t.match_indices(attr) {
                let rest = &t[i + attr.len()..];
                let target = &rest[..rest.find('"').unwrap()];
                if target.starts_with("http")
                    || target.starts_with("mailto:")
                    || target.starts_with('#')
                {
                    continue;
                }
                let file = target.split(['#', '?']).next().unwrap();
                let mut resolved = path.parent().unwrap().to_owned();
                for part in file.split('/') {
                    match part {
                        ".." => {
                            if !resolved.pop() {
                                broken
                                    .push(format!("{}: {target} leaves the site", path.display()));
                            }
                        }
                        "" | "." => {}
                        p => resolved.push(p),
                    }
                }
                checked += 1;
                if !root.join(&resolved).is_file() {
                    broken.push(format!("{}: {target}", path.display()));
                }
            }
        }
    }
    (checked, broken)
}

#[test]
fn every_local_link_resolves_in_a_single_and_a_merged_catalog() {
    let tmp = tempfile::tempdir().unwrap();
    let muenster = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/muenster");
    let merged = tmp.path().join("merged");
    let run = digifarm(&[
        "merge",
        muenster.to_str().unwrap(),
        fixtures().join("portal").to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert!(
        run.status.code() == Some(0) || run.status.code() == Some(1),
        "{run:?}"
    );
    for (name, cat) in [("single", fixtures().join("portal")), ("merged", merged)] {
        let site = tmp.path().join(format!("site-{name}"));
        let run = export_html(&cat, &site);
        assert_eq!(run.status.code(), Some(0), "{name}: {run:?}");
        let (checked, broken) = broken_links(&site);
        assert!(checked > 50, "{name}: only {checked} links");
        assert!(
            broken.is_empty(),
            "{name}: {} of {checked} links broken: {broken:#?}",
            broken.len()
        );
    }
    assert!(
        tmp.path()
            .join("site-merged/projects/ms/klimaheroes.html")
            .is_file()
    );
}

#[test]
fn scaled_images_are_kept_in_the_cache_outside_the_catalog_and_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let cat = portal_copy(tmp.path());
    let before = snapshot(&cat);
    let export = |out: &Path, cache: &str| {
        let run = run::digifarm()
            .args(["export", cat.to_str().unwrap(), "--format", "html"])
            .args(["--out", out.to_str().unwrap(), "--today", "2022-09-01"])
            .env("DIGIFARM_IMAGE_CACHE", cache)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(0), "{run:?}");
        snapshot(out)
    };
    let cache = tmp.path().join("cache");
    let first = export(&tmp.path().join("one"), cache.to_str().unwrap());
    // Both fixture images are larger than 500 x 350: one scaled copy each, by content hash
    // (next to `seen/`, which remembers files found good once they are two seconds old).
    let kept: BTreeMap<PathBuf, Vec<u8>> = snapshot(&cache)
        .into_iter()
        .filter(|(p, _)| !p.components().any(|c| c.as_os_str() == "seen"))
        .collect();
    assert_eq!(kept.len(), 2, "{:?}", kept.keys().collect::<Vec<_>>());
    for (path, bytes) in &kept {
        let name = path.file_name().unwrap().to_str().unwrap();
        assert_eq!(name.len(), 64 + 4, "{name}");
        assert!(
            first.values().any(|published| published == bytes),
            "{name} is not what the site publishes"
        );
    }
    // The next export reads the copies: a copy replaced in the cache is what it publishes.
    let (jpg_key, _) = kept
        .iter()
        .find(|(p, _)| p.extension().is_some_and(|e| e == "jpg"))
        .unwrap();
    let mut marker = Vec::new();
    image::RgbImage::from_pixel(500, 350, image::Rgb([200, 30, 30]))
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new(&mut marker))
        .unwrap();
    std::fs::write(cache.join(jpg_key), &marker).unwrap();
    let second = export(&tmp.path().join("two"), cache.to_str().unwrap());
    assert_eq!(second[Path::new("images/giess-den-kiez.jpg")], marker);
    assert_eq!(
        second[Path::new("images/rats-sitzplan.png")],
        first[Path::new("images/rats-sitzplan.png")]
    );
    // Off: nothing kept, the site the same as the first.
    let kept_before = snapshot(&cache);
    let third = export(&tmp.path().join("three"), "off");
    assert!(!Path::new("off").exists(), "`off` taken as a directory");
    assert_eq!(snapshot(&cache), kept_before);
    assert_eq!(third, first);
    // The catalog is never written to.
    assert_eq!(snapshot(&cat), before);
}

/// The catalog's language decides the site's words whatever its tag's region or case
/// (`de-AT` is German, with no second German edition), and text an edition shows in
/// another language, falling back to the catalog's, says so (WCAG 3.1.2).
#[test]
fn a_regional_german_tag_gets_the_german_site_and_fallbacks_are_marked() {
    let tmp = tempfile::tempdir().unwrap();
    let cat = portal_copy(tmp.path());
    let config = cat.join("digifarm.toml");
    edit(
        &config,
        "languages = [\"de\", \"en\"]",
        "languages = [\"de-AT\", \"en\"]",
    );
    edit(&config, "title = { de = ", "title = { \"de-AT\" = ");
    for entry in std::fs::read_dir(cat.join("projects")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("\n  de: ", "\n  de-AT: ")).unwrap();
    }
    let site = tmp.path().join("site");
    let run = export_html(&cat, &site);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let files = snapshot(&site);
    let index = text(&files, "index.html");
    assert!(index.contains("<html lang=\"de-AT\">"), "{index}");
    assert!(index.contains("Zum Inhalt springen"), "{index}");
    assert!(!index.contains("Skip to content"), "{index}");
    assert!(
        !files.keys().any(|p| p.starts_with("de")),
        "a second German edition: {:?}",
        files.keys().collect::<Vec<_>>()
    );
    // The English edition shows the German summaries, marked as German.
    let english = text(&files, "en/projects/rats-sitzplan.html");
    assert!(english.contains("<html lang=\"en\">"), "{english}");
    assert!(
        english.contains(
            "<p class=\"summary\" lang=\"de-AT\">Wer sitzt wo im Rat der Stadt Münster?</p>"
        ),
        "{english}"
    );
    let german = text(&files, "projects/rats-sitzplan.html");
    assert!(
        german.contains("<p class=\"summary\">Wer sitzt wo im Rat der Stadt Münster?</p>"),
        "{german}"
    );
}
