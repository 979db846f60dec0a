#![allow(missing_docs, clippy::unwrap_used)]
fn main() {
    let cat = digifarm_core::synth::catalog(7, 20000, 200, 600);
    let mut e = digifarm_plugin_host::encode::Encoder::new(1 << 20);
    e.projects(cat.projects[..1000].iter());
    let out = e.finish();
    std::fs::write("/tmp/batch.bin", &out.data).unwrap();
    std::fs::write("/tmp/batch.txt", out.strings.as_bytes()).unwrap();
    println!(
        "{} {} city={}",
        out.data.len(),
        out.strings.len(),
        cat.config.city.name
    );
}
