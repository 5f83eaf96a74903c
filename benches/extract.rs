//! Extraction speed over the measurement corpus, beside a bare `scraper` parse of the same
//! pages (the floor no extractor built on it can beat).
//!
//! ```text
//! cargo bench --bench extract            # corpus from $SITEFEED_CORPUS or ../shared/corpus
//! ```
//!
//! Pages are read and decoded once up front; then each pass runs single-threaded over all of
//! them in memory. The best of [`PASSES`] passes is reported as pages/s and MB/s (of decoded
//! HTML), with the ratio of extraction time to parse time. When the corpus is absent the bench
//! says so and exits 0.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use url::Url;

/// Timed passes per measurement; the fastest is reported (the least disturbed by other load).
const PASSES: usize = 5;

fn main() -> anyhow::Result<()> {
    let dir = std::env::var("SITEFEED_CORPUS").map_or_else(
        |_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from,
    );
    let manifest = dir.join("manifest.jsonl");
    if !manifest.is_file() {
        println!(
            "bench extract: no corpus at {} (manifest.jsonl missing); skipped",
            dir.display()
        );
        return Ok(());
    }
    let pages = load(&manifest)?;
    let bytes: usize = pages.iter().map(|(html, _)| html.len()).sum();
    println!(
        "bench extract: {} pages, {:.1} MB decoded HTML, best of {PASSES} passes, 1 thread",
        pages.len(),
        bytes as f64 / 1e6
    );

    let parse = best_of(|| {
        for (html, _) in &pages {
            std::hint::black_box(scraper::Html::parse_document(html));
        }
    });
    let extract = best_of(|| {
        for (html, url) in &pages {
            std::hint::black_box(sitefeed::extract::extract(html, url, None));
        }
    });
    let report = |name: &str, d: Duration| {
        let s = d.as_secs_f64();
        println!(
            "{name:<28} {:>8.1} pages/s {:>7.2} MB/s {:>8.3} s",
            pages.len() as f64 / s,
            bytes as f64 / 1e6 / s,
            s
        );
    };
    report("bare Html::parse_document", parse);
    report("extract::extract", extract);
    println!(
        "extraction / bare parse: {:.3}x",
        extract.as_secs_f64() / parse.as_secs_f64()
    );
    Ok(())
}

fn best_of(mut f: impl FnMut()) -> Duration {
    f(); // warm-up
    (0..PASSES)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .expect("PASSES > 0")
}

/// Every page of the manifest, read and decoded as `sitefeed probe --json` reads it.
fn load(manifest: &Path) -> anyhow::Result<Vec<(String, Url)>> {
    let fallback = Url::parse("https://unknown.invalid/")?;
    sitefeed::probe::manifest_pages(manifest)?
        .into_iter()
        .map(|page| {
            let html = sitefeed::probe::read_saved(&page.file)?;
            Ok((html, page.url.unwrap_or_else(|| fallback.clone())))
        })
        .collect()
}
