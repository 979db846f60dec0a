//! Times the export of a synthetic catalog:
//!
//! ```text
//! cargo run --release -p digifarm-tools --bin export_synth -- <OUT_DIR> [PROJECTS] [WxH]
//! ```
//!
//! writes the catalog as JSON Lines to
//! `<OUT_DIR>/catalog` (so that `digifarm export` can be timed end to end on it), then renders
//! and writes the HTML site and the CSV files to `<OUT_DIR>/html` and `<OUT_DIR>/csv`, and
//! prints time and size of each step. With `WxH` (e.g. `1000x700`), every project is
//! published (admitted) and has an image: a `W` × `H` JPEG in `<OUT_DIR>/catalog/images/`,
//! 16 drawings made into a different file per project by a comment segment holding its
//! number (so that every file has its own content, as real screenshots would).
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use digifarm_core::catalog::Catalog;
use digifarm_core::export::{self, Format, Options, WriteOptions};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        println!("usage: export_synth <OUT_DIR> [PROJECTS] [WxH]");
        return ExitCode::from(2);
    };
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let size = args.next().and_then(|s| {
        let (w, h) = s.split_once('x')?;
        Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?))
    });
    let mut s = digifarm_core::synth::catalog(42, n, n / 10, n * 3 / 10);
    if let Some((w, h)) = size
        && let Err(e) = write_images(&out.join("catalog"), &mut s.projects, w, h)
    {
        println!("error: {e}");
        return ExitCode::FAILURE;
    }
    let catalog = Catalog::from_records(s.config, s.projects, s.partners, s.offers);
    let write = WriteOptions { force: true };
    let result = (|| -> Result<(), String> {
        let files = export::render(&catalog, Format::Jsonl, &Options::default())
            .map_err(|e| e.to_string())?;
        export::write(&files, &out.join("catalog"), &write).map_err(|e| e.to_string())?;
        println!(
            "synthetic catalog: {n} projects, {} partners, {} offers -> {}",
            catalog.partners.len(),
            catalog.offers.len(),
            out.join("catalog").display()
        );
        for format in [Format::Html, Format::Csv] {
            let start = Instant::now();
            let files =
                export::render(&catalog, format, &Options::default()).map_err(|e| e.to_string())?;
            let rendered = start.elapsed();
            export::write(&files, &out.join(format.as_str()), &write).map_err(|e| e.to_string())?;
            let total = start.elapsed();
            let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
            println!(
                "{format}: {} files, {:.1} MB; render {:.3} s, render + write {:.3} s",
                files.len(),
                bytes as f64 / 1e6,
                rendered.as_secs_f64(),
                total.as_secs_f64()
            );
        }
        Ok(())
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            println!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes a `w` × `h` JPEG for every project to `<catalog>/images/<id>.jpg` and gives the
/// project that image; every project is admitted, so the site shows all of them.
fn write_images(
    catalog: &std::path::Path,
    projects: &mut [digifarm_core::model::Project],
    w: u32,
    h: u32,
) -> Result<(), String> {
    let drawings = digifarm_core::synth::Images::new(w, h).map_err(|e| e.to_string())?;
    let dir = catalog.join("images");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for (i, p) in projects.iter_mut().enumerate() {
        std::fs::write(dir.join(format!("{}.jpg", p.id)), drawings.image(i))
            .map_err(|e| e.to_string())?;
        p.image = Some(format!("images/{}.jpg", p.id));
        p.lifecycle = digifarm_core::model::Lifecycle::Admitted;
    }
    Ok(())
}
