//! Export throughput on a synthetic catalog (default 10k projects, 1k partners, 3k offers):
//! rendering HTML and CSV (pure, in memory) and rendering plus the atomic write to a
//! temporary directory, and the HTML site with a project image for every project (JPEG
//! screenshot-like drawings, a different file per project): 1000 × 700, to be scaled, once
//! with every image decoded, cropped, scaled and encoded in the run (a first export) and once
//! with the scaled copies from the cache (`assets::prepare_thumbnails`: every image hashed,
//! its copy read and checked; the next export), and 500 × 350, the portal's size, which is
//! published as it is without its metadata; and, as `digifarm export` runs it, from the
//! catalog directory with the cache of an earlier run (`assets::read_site`). Prints the
//! output size once per case.
//!
//! `cargo bench -p digifarm-core --bench export`; set `DIGIFARM_BENCH_PROJECTS` to change
//! the size.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr
)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use digifarm_core::catalog::Catalog;
use digifarm_core::catalog::assets::{self, Asset, Assets};
use digifarm_core::export::{self, Format, Options, WriteOptions};
use digifarm_core::picture::{Kind, THUMBNAIL};

fn projects() -> usize {
    std::env::var("DIGIFARM_BENCH_PROJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

fn bench(c: &mut Criterion) {
    let n = projects();
    let mut s = digifarm_core::synth::catalog(42, n, n / 10, n * 3 / 10);
    // Every project published, so that the site has `n` profiles (the publishing formats
    // list only admitted and sustained projects).
    for p in &mut s.projects {
        if !p.lifecycle.is_active() {
            p.lifecycle = digifarm_core::model::Lifecycle::Admitted;
        }
    }
    let catalog = Catalog::from_records(s.config, s.projects, s.partners, s.offers);
    let options = Options {
        today: Some(digifarm_core::synth::REFERENCE_DATE),
        ..Options::default()
    };
    let mut group = c.benchmark_group("export");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(n as u64));
    for format in [Format::Html, Format::Csv] {
        let files = export::render(&catalog, format, &options).unwrap();
        let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
        eprintln!(
            "{format}: {n} projects -> {} files, {bytes} bytes ({:.1} MB)",
            files.len(),
            bytes as f64 / 1e6
        );
        group.bench_function(format!("render_{format}_{n}"), |b| {
            b.iter(|| export::render(&catalog, format, &options).unwrap());
        });
        let dir = tempfile::tempdir().unwrap();
        group.bench_function(format!("render_and_write_{format}_{n}"), |b| {
            b.iter(|| {
                let files = export::render(&catalog, format, &options).unwrap();
                export::write(&files, dir.path(), &WriteOptions { force: true }).unwrap();
            });
        });
    }
    // With an image for every project: 16 different drawings, each `w` × `h` JPEG, made into
    // a different file per project by a comment segment holding its index (so every file has
    // its own content hash, as real screenshots would).
    for (w, h) in [(1000u32, 700u32), (500, 350)] {
        let drawings = digifarm_core::synth::Images::new(w, h).unwrap();
        let images: HashMap<String, Asset> = catalog
            .projects
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let bytes = drawings.image(i);
                let asset = Asset {
                    path: format!("images/{}.jpg", p.id),
                    bytes: Arc::from(bytes),
                    kind: Kind::Jpeg,
                    width: w,
                    height: h,
                    thumbnail: None,
                };
                (p.id.clone(), asset)
            })
            .collect();
        let plain = Assets { logo: None, images };
        let with_images = Options {
            assets: Some(Arc::new(plain.clone())),
            ..options.clone()
        };
        eprintln!(
            "html with {w}x{h} images ({} bytes each on average), {n} projects",
            drawings.average_len(),
        );
        // Every image scaled in this run (the first export, or one without a cache).
        group.bench_function(format!("render_html_images_{w}x{h}_{n}"), |b| {
            b.iter(|| export::render(&catalog, Format::Html, &with_images).unwrap());
        });
        if w > THUMBNAIL.0 {
            // What `digifarm export` does on the next run, from the catalog directory: the
            // image files, unchanged since the last run, known by their identity on disk
            // (`assets::read_site`: not read again), their scaled copies read from the cache,
            // then the site rendered. Next to `render_html_{n}`, the same site without images.
            let dir = tempfile::tempdir().unwrap();
            let mut on_disk = catalog.clone();
            std::fs::create_dir_all(dir.path().join("images")).unwrap();
            for p in &mut on_disk.projects {
                let asset = &plain.images[&p.id];
                std::fs::write(dir.path().join(&asset.path), &asset.bytes).unwrap();
                p.image = Some(asset.path.clone());
            }
            on_disk.root = Some(dir.path().to_owned());
            // Files changed in the last two seconds are not remembered (racy timestamps).
            std::thread::sleep(Duration::from_millis(2100));
            let cache = tempfile::tempdir().unwrap();
            assert!(assets::check(&on_disk, Some(cache.path()), true).is_empty());
            group.bench_function(
                format!("read_site_and_render_html_{w}x{h}_cached_{n}"),
                |b| {
                    b.iter(|| {
                        let (assets, problems) = assets::read_site(&on_disk, Some(cache.path()));
                        assert!(problems.is_empty());
                        let options = Options {
                            assets: Some(Arc::new(assets)),
                            ..options.clone()
                        };
                        export::render(&on_disk, Format::Html, &options).unwrap()
                    });
                },
            );
            // The next export: the scaled copies come from the cache (each image hashed,
            // its copy read and checked), then the site is rendered.
            let cache = tempfile::tempdir().unwrap();
            let mut warm = plain.clone();
            assert!(assets::prepare_thumbnails(&mut warm, Some(cache.path())).is_empty());
            group.bench_function(format!("render_html_images_{w}x{h}_cached_{n}"), |b| {
                b.iter(|| {
                    let mut assets = plain.clone();
                    let broken = assets::prepare_thumbnails(&mut assets, Some(cache.path()));
                    assert!(broken.is_empty());
                    let options = Options {
                        assets: Some(Arc::new(assets)),
                        ..options.clone()
                    };
                    export::render(&catalog, Format::Html, &options).unwrap()
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
