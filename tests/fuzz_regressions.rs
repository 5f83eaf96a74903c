//! Every input the fuzz targets (`fuzz/fuzz_targets/`) ever found, replayed through the same
//! library calls and invariants on each `cargo test`. New crash inputs go to
//! `fuzz/regressions/<target>/` (file name: what broke); see RELIABILITY.md.

use std::fs;
use std::path::{Path, PathBuf};

use sitefeed::discover::{discover, Rules};
use sitefeed::extract::extract;
use url::Url;

fn inputs(target: &str) -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_none_or(|e| e != "md"))
        .collect();
    files.sort();
    // libFuzzer hands the targets `&str` only for valid UTF-8; do the same.
    files
        .into_iter()
        .filter_map(|p| {
            let bytes = fs::read(&p).expect("read input");
            String::from_utf8(bytes).ok().map(|text| (p, text))
        })
        .collect()
}

#[test]
fn date_regressions() {
    for (path, text) in inputs("date") {
        for tz in [
            None,
            Some(chrono_tz::Europe::Moscow),
            Some(chrono_tz::America::St_Johns),
        ] {
            if let Some(date) = sitefeed::date::parse_date(&text, tz) {
                let back = chrono::DateTime::parse_from_rfc3339(&date.to_rfc3339())
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                assert_eq!(back, date, "{}", path.display());
            }
        }
    }
}

#[test]
fn extract_regressions() {
    let page = Url::parse("https://news.example/20260127/story-1123541207.html").unwrap();
    for (path, html) in inputs("extract") {
        let article = extract(&html, &page, None).article;
        let what = path.display();
        assert!(
            article
                .title
                .as_ref()
                .is_none_or(|t| t.chars().count() <= 1000),
            "{what}"
        );
        assert!(
            article
                .description
                .as_ref()
                .is_none_or(|d| d.chars().count() <= 5000),
            "{what}"
        );
        assert!(article.keywords.len() <= 100, "{what}");
        assert!(
            article
                .keywords
                .iter()
                .all(|k| k.chars().count() <= 100 && !k.is_empty()),
            "{what}"
        );
        let url = Url::parse(&article.url).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(matches!(url.scheme(), "http" | "https"), "{what}");
    }
}

#[test]
fn discover_regressions() {
    let page = Url::parse("https://news.example/world/").unwrap();
    for (path, html) in inputs("discover") {
        let section = discover(&html, &page, &Rules::default());
        let what = path.display();
        let mut seen = std::collections::HashSet::new();
        for link in &section.links {
            assert!(
                matches!(link.url.scheme(), "http" | "https"),
                "{what}: {}",
                link.url
            );
            assert!(link.url.fragment().is_none(), "{what}: {}", link.url);
            assert!(seen.insert(link.url.clone()), "{what}: {} twice", link.url);
        }
    }
}

#[test]
fn fulltext_regressions() {
    use sitefeed::fulltext::{extract, FullText, Removed};
    let page = Url::parse("https://news.example/world/20260127/story.html").unwrap();
    let all = [inputs("fulltext"), inputs("extract"), inputs("discover")].concat();
    assert!(all.iter().any(|(p, _)| p.ends_with("mutation-xss-vectors")));
    for (path, html) in all {
        let what = path.display();
        for selector in [None, Some("article, main, body".to_string())] {
            let rules = FullText {
                selector,
                max_size: 4096,
            };
            let Some(content) = extract(&html, &page, &rules) else {
                continue;
            };
            let lower = content.html.to_ascii_lowercase();
            assert_eq!(
                Removed::found_in(&content.html),
                Removed::default(),
                "{what}: {lower}"
            );
            // Text may say anything (it is escaped); markup and URLs may not.
            for trap in [
                "<script",
                "<style",
                "<svg",
                "<math",
                "<iframe",
                "<object",
                "<embed",
                "<base",
                "<meta",
                "<template",
                "=\"javascript:",
                "=\" javascript:",
                "=\"vbscript:",
                "onerror=",
            ] {
                assert!(
                    !lower.contains(trap),
                    "{what} lets {trap:?} through: {lower}"
                );
            }
            assert!(!content.html.contains("]]>"), "{what}");
            assert_eq!(
                sitefeed::render::xml_text(&content.html),
                content.html,
                "{what}"
            );
            assert!(content.cut || content.html.len() <= 4096, "{what}");
        }
    }
}
