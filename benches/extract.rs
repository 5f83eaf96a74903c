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

use std::path::Path;

use url::Url;

mod corpus;

/// Rounds of one parse pass and one extraction pass; the fastest pass of each kind is
/// reported as throughput, the median round as the ratio.
const PASSES: usize = 7;

fn main() -> anyhow::Result<()> {
    let Some(manifest) = corpus::manifest("extract") else {
        return Ok(());
    };
    let pages = load(&manifest)?;
    let bytes: usize = pages.iter().map(|(html, _)| html.len()).sum();
    println!(
        "bench extract: {} pages, {:.1} MB decoded HTML, {PASSES} rounds, 1 thread",
        pages.len(),
        bytes as f64 / 1e6
    );

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
    let rounds = corpus::alternate(PASSES, run_parse, run_extract);
    let (parse, extract) = rounds.best;
    corpus::report("bare Html::parse_document", 28, pages.len(), bytes, parse);
    corpus::report("extract::extract", 28, pages.len(), bytes, extract);
    println!(
        "extraction / bare parse: {:.3}x (median of {PASSES} alternating rounds; per round {})",
        rounds.median(),
        rounds.per_round()
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
