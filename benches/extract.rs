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

/// Rounds of one parse pass and one extraction pass; the fastest pass of each kind is
/// reported as throughput, the median round as the ratio.
const PASSES: usize = 7;

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
        "bench extract: {} pages, {:.1} MB decoded HTML, {PASSES} rounds, 1 thread",
        pages.len(),
        bytes as f64 / 1e6
    );

    // Parse and extraction passes alternate, so both see the same machine weather; the ratio
    // is the median of the rounds' ratios, which a noisy neighbour moves least.
    let mut rounds = Vec::with_capacity(PASSES);
    let run_parse = || {
        for (html, _) in &pages {
            std::hint::black_box(scraper::Html::parse_document(html));
        }
    };
    let run_extract = || {
        for (html, url) in &pages {
            std::hint::black_box(sitefeed::extract::extract(html, url, None));
        }
    };
    run_parse();
    run_extract();
    for _ in 0..PASSES {
        let t = Instant::now();
        run_parse();
        let parse = t.elapsed();
        let t = Instant::now();
        run_extract();
        rounds.push((parse, t.elapsed()));
    }
    let parse = rounds.iter().map(|r| r.0).min().expect("PASSES > 0");
    let extract = rounds.iter().map(|r| r.1).min().expect("PASSES > 0");
    let mut ratios: Vec<f64> = rounds
        .iter()
        .map(|(p, e)| e.as_secs_f64() / p.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
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
        "extraction / bare parse: {:.3}x (median of {PASSES} alternating rounds; per round {})",
        ratios[ratios.len() / 2],
        ratios
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
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
