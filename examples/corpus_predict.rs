//! Dev tool: runs extraction over the measurement corpus and writes predictions for
//! `score.py`.
//!
//! ```text
//! cargo run --example corpus_predict -- [CORPUS_DIR] [OUT.jsonl]
//! python3 CORPUS_DIR/score.py OUT.jsonl [--by-source]
//! ```
//!
//! `CORPUS_DIR` defaults to `$SITEFEED_CORPUS`, else `/work/shared/corpus`; `OUT` to
//! `preds.jsonl`. Pages are gzipped HTML without HTTP headers, so the charset is found the way a
//! browser would without them: byte-order mark, then `<meta charset>` / `http-equiv`, then
//! statistical detection. When the corpus is absent the tool says so and exits 0, so it can sit
//! in scripts that also run where the corpus is not shipped.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use encoding_rs::Encoding;
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
    let (mut pages, mut failed) = (0usize, 0usize);
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
    Ok(decode(&bytes))
}

/// Header-less charset detection: BOM, then a declared charset near the top, then chardetng.
fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    let enc = declared_charset(&bytes[..bytes.len().min(4096)]).unwrap_or_else(|| {
        let mut det = chardetng::EncodingDetector::new();
        det.feed(bytes, true);
        det.guess(None, true)
    });
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

fn declared_charset(head: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(pos) = rest.find("charset") {
        rest = &rest[pos + "charset".len()..];
        let value = rest
            .trim_start_matches(|c: char| c.is_whitespace() || c == '=' || c == '"' || c == '\'');
        let label: String = value
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
            .collect();
        if let Some(enc) = Encoding::for_label(label.as_bytes()) {
            // A page that declares UTF-16 but parsed as ASCII here cannot be UTF-16.
            return Some(
                if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                    encoding_rs::UTF_8
                } else {
                    enc
                },
            );
        }
    }
    None
}
