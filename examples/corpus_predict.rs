//! Dev tool: runs extraction over the measurement corpus and writes predictions for
//! `score.py`.
//!
//! ```text
//! cargo run --example corpus_predict -- [CORPUS_DIR] [OUT.jsonl]
//! python3 CORPUS_DIR/score.py OUT.jsonl [--by-source]
//! ```
//!
//! `CORPUS_DIR` defaults to `$SITEFEED_CORPUS`, else `/work/shared/corpus`; `OUT` to
//! `preds.jsonl`. Pages are gzipped HTML without HTTP headers, so they are decoded by
//! [`sitefeed::charset::decode_html`] without a `Content-Type`: byte-order mark, then
//! `<meta charset>` / `http-equiv`, then sniffing. Titles that still look like mojibake (U+FFFD,
//! `Ã©`, `â€™`) are counted and reported. When the corpus is absent the tool says so and exits 0, so it can sit
//! in scripts that also run where the corpus is not shipped.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{json, Value};
use url::Url;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .or_else(|| std::env::var("SITEFEED_CORPUS").ok())
        .map_or_else(|| PathBuf::from("/work/shared/corpus"), PathBuf::from);
    let out_path = args.next().unwrap_or_else(|| "preds.jsonl".into());
    let manifest = dir.join("manifest.jsonl");
    if !manifest.is_file() {
        eprintln!(
            "corpus_predict: no corpus at {} (manifest.jsonl missing); nothing to do",
            dir.display()
        );
        return Ok(());
    }
    let mut out = BufWriter::new(File::create(&out_path)?);
    let (mut pages, mut failed, mut mojibake) = (0usize, 0usize, 0usize);
    let started = Instant::now();
    for line in BufReader::new(File::open(&manifest)?).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let row: Value = serde_json::from_str(&line)?;
        let id = row["id"].as_str().unwrap_or_default().to_string();
        let html = match read_page(&dir, row["file"].as_str().unwrap_or_default()) {
            Ok(html) => html,
            Err(e) => {
                eprintln!("corpus_predict: {id}: {e}");
                failed += 1;
                continue;
            }
        };
        let url = row["url"]
            .as_str()
            .and_then(|u| Url::parse(u).ok())
            .unwrap_or_else(|| Url::parse("https://unknown.invalid/").expect("valid URL"));
        let t0 = Instant::now();
        let ex = sitefeed::extract::extract(&html, &url, None);
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        let sources: serde_json::Map<String, Value> = ex
            .sources
            .iter()
            .map(|p| (p.field.to_string(), Value::from(p.source.clone())))
            .collect();
        let cands: Vec<Value> = ex
            .candidates
            .iter()
            .map(|c| json!([c.field, c.source, c.value]))
            .collect();
        let a = ex.article;
        if a.title.as_deref().is_some_and(looks_mojibake) {
            eprintln!("corpus_predict: {id}: mojibake in title {:?}", a.title);
            mojibake += 1;
        }
        let pred = json!({
            "id": id,
            "title": a.title,
            "published": a.published.map(|d| d.to_rfc3339()),
            "image": a.image,
            "keywords": a.keywords,
            "description": a.description,
            "_ms": ms,
            "_sources": sources,
            "_cands": cands,
        });
        writeln!(out, "{pred}")?;
        pages += 1;
    }
    out.flush()?;
    eprintln!(
        "corpus_predict: {pages} pages ({failed} unreadable) in {:.1}s -> {out_path}",
        started.elapsed().as_secs_f64()
    );
    eprintln!("corpus_predict: titles with mojibake: {mojibake}");
    Ok(())
}

fn read_page(dir: &Path, file: &str) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    let raw = File::open(dir.join(file))?;
    if file.ends_with(".gz") {
        flate2::read::MultiGzDecoder::new(raw).read_to_end(&mut bytes)?;
    } else {
        BufReader::new(raw).read_to_end(&mut bytes)?;
    }
    // No HTTP headers were saved with the pages: BOM, `<meta>` prescan, then sniffing.
    Ok(sitefeed::charset::decode_html(&bytes, None).0)
}

/// Text that shows a page was decoded with the wrong charset: the replacement character, or
/// UTF-8 read as windows-1252 (`Ã©` for `é`, `â€™` for `’`).
fn looks_mojibake(s: &str) -> bool {
    const MARKS: [&str; 5] = ["\u{FFFD}", "Ã©", "Ã¨", "â€™", "â€œ"];
    MARKS.iter().any(|m| s.contains(m))
}
