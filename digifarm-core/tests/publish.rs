//! `export::publish`, the validate-then-export use case both front ends call: nothing is
//! written unless the catalog may be published, and what the reader should know arrives as
//! notices in order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use digifarm_core::catalog::{Catalog, LoadOptions};
use digifarm_core::export::{self, Format, Notice, Options, PublishError, WriteOptions};
use digifarm_core::model::Lifecycle;
use digifarm_core::validate::{self, Report};
use digifarm_core::{Code, Diagnostic};

fn muenster() -> (Catalog, Report, NaiveDate) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/muenster");
    let (catalog, report) = validate::validate_path(&path, &LoadOptions::default(), today).unwrap();
    assert!(report.valid, "{:?}", report.diagnostics);
    (catalog, report, today)
}

fn publish(
    catalog: &Catalog,
    report: &Report,
    format: Format,
    options: &Options,
    out: &Path,
) -> (Result<export::Published, PublishError>, Vec<Notice>) {
    let mut notices = Vec::new();
    let result = export::publish(
        catalog,
        report,
        format,
        options,
        out,
        &WriteOptions::default(),
        &mut |n| notices.push(n),
    );
    (result, notices)
}

fn options(today: NaiveDate) -> Options {
    Options {
        today: Some(today),
        ..Options::default()
    }
}

#[test]
fn a_report_with_an_error_writes_nothing() {
    let (catalog, _, today) = muenster();
    let broken = Diagnostic::new(Code::DanglingReference, "projects/x.yaml", "/needs/0", "x");
    assert!(broken.is_error());
    let report = Report::new(&catalog, vec![broken]);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (result, notices) = publish(&catalog, &report, Format::Json, &options(today), &out);
    assert!(matches!(result, Err(PublishError::Invalid)), "{result:?}");
    assert!(notices.is_empty());
    assert!(!out.exists());
}

#[test]
fn publiccode_refuses_or_skips_the_projects_without_a_valid_file() {
    let (catalog, report, today) = muenster();
    let predicted: Vec<String> = validate::validate(&catalog, today)
        .iter()
        .filter(|d| d.code == Code::PubliccodeExportInvalid.as_str())
        .map(|d| d.message.split('`').nth(1).unwrap().to_owned())
        .collect();
    assert!(!predicted.is_empty());
    let tmp = tempfile::tempdir().unwrap();

    let strict = tmp.path().join("strict");
    let (result, _) = publish(
        &catalog,
        &report,
        Format::Publiccode,
        &options(today),
        &strict,
    );
    let Err(PublishError::PubliccodeRefused { refused, .. }) = result else {
        panic!("{result:?}");
    };
    // `validate` predicts the refusals it can; the export names at least those.
    let named: Vec<String> = refused.iter().map(|r| r.project.clone()).collect();
    for id in &predicted {
        assert!(
            named.contains(id),
            "{id} predicted but not refused: {named:?}"
        );
    }
    assert!(refused.iter().all(|r| !r.fixes.is_empty()));
    assert!(!strict.exists());

    let lenient = tmp.path().join("lenient");
    let skip = Options {
        skip_invalid: true,
        ..options(today)
    };
    let (result, notices) = publish(&catalog, &report, Format::Publiccode, &skip, &lenient);
    let published = result.unwrap();
    let skipped: Vec<&str> = notices
        .iter()
        .filter_map(|n| match n {
            Notice::PubliccodeSkipped(r) => Some(r.iter().map(|r| r.project.as_str())),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(skipped.len(), named.len());
    let written: Vec<PathBuf> = published.paths.clone();
    assert_eq!(written.len() + skipped.len(), published.projects);
    for path in &written {
        let id = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        assert!(!skipped.contains(&id), "{id} written although refused");
        assert!(
            path.starts_with(&lenient) && path.is_file(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn an_output_inside_the_catalog_is_refused_before_anything_is_written() {
    let (catalog, report, today) = muenster();
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("catalog");
    let (copied, copied_report) = {
        std::fs::create_dir_all(&copy).unwrap();
        for entry in walk(catalog.root.as_ref().unwrap()) {
            let to = copy.join(entry.strip_prefix(catalog.root.as_ref().unwrap()).unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&entry, &to).unwrap();
        }
        validate::validate_path(&copy, &LoadOptions::default(), today).unwrap()
    };
    assert_eq!(copied_report.valid, report.valid);
    let before = walk(&copy);
    let out = copy.join("site");
    let (result, _) = publish(&copied, &copied_report, Format::Html, &options(today), &out);
    assert!(
        matches!(
            result,
            Err(PublishError::Write(export::WriteError::OverlapsInput(_)))
        ),
        "{result:?}"
    );
    assert_eq!(walk(&copy), before);
}

#[test]
fn a_data_export_lists_the_whole_catalog_and_a_site_its_published_part() {
    let (catalog, report, today) = muenster();
    let tmp = tempfile::tempdir().unwrap();
    let (result, notices) = publish(
        &catalog,
        &report,
        Format::Json,
        &options(today),
        &tmp.path().join("json"),
    );
    let json = result.unwrap();
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        (json.projects, json.partners, json.offers),
        (
            catalog.projects.len(),
            catalog.partners.len(),
            catalog.offers.len()
        )
    );
    let sizes: usize = json
        .paths
        .iter()
        .map(|p| usize::try_from(std::fs::metadata(p).unwrap().len()).unwrap())
        .sum();
    assert_eq!(sizes, json.bytes);

    // A publishing format lists the published part only: one project still proposed.
    let mut projects = catalog.projects.clone();
    projects[0].lifecycle = Lifecycle::Proposed;
    let partly = Catalog::from_records(
        catalog.config.clone(),
        projects,
        catalog.partners.clone(),
        catalog.offers.clone(),
    );
    let report = Report::new(&partly, Vec::new());
    let (result, _) = publish(
        &partly,
        &report,
        Format::Markdown,
        &options(today),
        &tmp.path().join("md"),
    );
    let md = result.unwrap();
    assert_eq!(md.projects, catalog.projects.len() - 1);
    assert_eq!(
        md.projects,
        export::published(&partly, today).projects.len()
    );
    let text = std::fs::read_to_string(&md.paths[0]).unwrap();
    let name = &partly.projects[0].name;
    assert!(
        !text.contains(&format!("**[{name}]")) && !text.contains(&format!("**{name}**")),
        "a proposed project is listed: {text}"
    );
    // The other projects are.
    let listed = &partly.projects[1].name;
    assert!(text.contains(&format!("**[{listed}]")) || text.contains(&format!("**{listed}**")));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
