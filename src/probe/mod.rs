//! `sitefeed probe`: shows what sitefeed sees on one page, so a user can trust (or tune) a feed.
//!
//! Three views: an article page's metadata field by field with where each value came from and
//! the candidates passed over; the same as JSON lines for saved pages (to measure extraction on
//! a corpus); and a section page's discovered links with the rule that found each.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use serde_json::{json, Value};
use url::Url;

use crate::charset;
use crate::cli::ProbeArgs;
use crate::config::Config;
use crate::discover::{self, Rules, SectionPage};
use crate::extract::{self, Extraction};
use crate::fetch::{FetchSettings, Fetched, Fetcher, Policy};
use crate::fulltext::{self, FullText};

mod full_text;

/// Why a probe failed: the arguments (exit 2) or the page (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{0}")]
    Usage(String),
    #[error("{0:#}")]
    Failed(#[from] anyhow::Error),
}

/// Runs `sitefeed probe` and prints its findings on stdout.
pub fn run(args: &ProbeArgs, config_path: &std::path::Path) -> Result<(), ProbeError> {
    let usage = |m: &str| ProbeError::Usage(m.to_string());
    let config = if config_path.is_file() {
        Some(Config::load(config_path).map_err(|e| ProbeError::Usage(e.to_string()))?)
    } else {
        None
    };
    let parse_url = |text: &str| {
        Url::parse(text)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| ProbeError::Usage(format!("\"{text}\" is not an http(s) URL")))
    };
    if args.feed.is_some() && args.section.is_none() && !args.full_text {
        return Err(usage("--feed needs --section or --full-text"));
    }
    let full_text = match (&args.feed, &config) {
        _ if !args.full_text => None,
        (Some(name), Some(config)) => Some(
            config
                .feeds
                .iter()
                .find(|f| &f.name == name)
                .ok_or_else(|| {
                    ProbeError::Usage(format!(
                        "no feed named \"{name}\" in {}",
                        config_path.display()
                    ))
                })?
                .full_text
                .clone()
                .unwrap_or_default(),
        ),
        (Some(_), None) => {
            return Err(ProbeError::Usage(format!(
                "--feed needs a config; {} does not exist",
                config_path.display()
            )))
        }
        (None, _) => Some(FullText::default()),
    };
    if args.json {
        let mut pages = match &args.manifest {
            Some(manifest) => manifest_pages(manifest)?,
            None => Vec::new(),
        };
        let url = args.url.as_deref().map(parse_url).transpose()?;
        pages.extend(saved_pages(&args.targets, url.as_ref())?);
        if pages.is_empty() {
            return Err(usage("probe --json needs FILE arguments or --manifest"));
        }
        let mut failed = 0;
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        for page in &pages {
            match read_saved(&page.file) {
                Ok(html) => {
                    use std::io::Write;
                    let mut line = json_line(page, &html);
                    if let Some(rules) = &full_text {
                        let url = page.url.clone().unwrap_or_else(placeholder_url);
                        let content = fulltext::extract(&html, &url, rules);
                        line["body"] = Value::from(content.map(|c| c.html));
                    }
                    writeln!(out, "{line}").context("cannot write")?;
                }
                Err(err) => {
                    eprintln!("sitefeed: {err:#}");
                    failed += 1;
                }
            }
        }
        if failed > 0 {
            return Err(ProbeError::Failed(anyhow::anyhow!(
                "{failed} of {} pages could not be read",
                pages.len()
            )));
        }
        return Ok(());
    }
    let fetcher = Fetcher::new(match &config {
        Some(config) => config.fetch.clone(),
        None => FetchSettings::default(),
    });
    let policy = Policy {
        allowed_hosts: vec!["*".into()],
        respect_robots: true,
    };
    let feed = args
        .feed
        .as_ref()
        .and_then(|name| config.as_ref()?.feeds.iter().find(|f| &f.name == name));
    let render = match args.render.as_deref() {
        Some(mode) => mode == "browser",
        None => feed.is_some_and(|f| f.render.sections()),
    };
    let wait_for = feed.and_then(|f| f.render.wait_for.clone());
    let browser = crate::browser::Lazy::new(config.as_ref().and_then(|c| c.browser.clone()));
    let fetch = |url: &Url| -> Result<(String, Url), ProbeError> {
        let loaded = if render {
            browser
                .render(&crate::browser::Request {
                    url,
                    fetcher: &fetcher,
                    policy: &policy,
                    wait_for: wait_for.as_deref(),
                    cancel: None,
                })
                .map(Fetched::Page)
        } else {
            fetcher.get(url, None, &policy)
        };
        match loaded {
            Ok(Fetched::Page(page)) => Ok((page.html, page.url)),
            Ok(Fetched::NotModified) => Err(ProbeError::Failed(anyhow::anyhow!(
                "GET {url}: unexpected 304"
            ))),
            Err(err) => Err(ProbeError::Failed(err.into())),
        }
    };
    if let Some(section_url) = &args.section {
        if !args.targets.is_empty() {
            return Err(usage("probe --section takes no other argument"));
        }
        let url = parse_url(section_url)?;
        let rules = match (&args.feed, &config) {
            (Some(name), Some(config)) => config
                .feeds
                .iter()
                .find(|f| &f.name == name)
                .map(|f| f.rules.clone())
                .ok_or_else(|| {
                    ProbeError::Usage(format!(
                        "no feed named \"{name}\" in {}",
                        config_path.display()
                    ))
                })?,
            (Some(_), None) => {
                return Err(ProbeError::Usage(format!(
                    "--feed needs a config; {} does not exist",
                    config_path.display()
                )))
            }
            (None, _) => Rules::default(),
        };
        let (html, final_url) = fetch(&url)?;
        print!(
            "{}",
            describe_section(&discover::discover(&html, &final_url, &rules))
        );
        return Ok(());
    }
    let [target] = args.targets.as_slice() else {
        return Err(usage(
            "probe takes one URL (or --section URL, or --json FILE...)",
        ));
    };
    let url = parse_url(target)?;
    let (html, final_url) = fetch(&url)?;
    print!(
        "{}",
        describe_article(&extract::extract_explained(&html, &final_url, None))
    );
    if let Some(rules) = &full_text {
        let content = fulltext::extract(&html, &final_url, rules);
        print!("{}", full_text::describe(content.as_ref(), rules));
    }
    Ok(())
}

/// One saved page to read, with the address it was fetched from and an optional id that is
/// passed through to the output (a corpus manifest's page id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedPage {
    pub file: PathBuf,
    pub url: Option<Url>,
    pub id: Option<String>,
}

/// Reads `FILE` or `FILE=URL` arguments; a lone `--url` applies to every file without its own.
pub fn saved_pages(files: &[String], url: Option<&Url>) -> anyhow::Result<Vec<SavedPage>> {
    files
        .iter()
        .map(|arg| {
            // `FILE=URL` only when what follows `=` is a URL: file names may contain `=`.
            if let Some((file, address)) = arg.rsplit_once('=') {
                if let Ok(parsed) = Url::parse(address) {
                    return Ok(SavedPage {
                        file: PathBuf::from(file),
                        url: Some(parsed),
                        id: None,
                    });
                }
            }
            Ok(SavedPage {
                file: PathBuf::from(arg),
                url: url.cloned(),
                id: None,
            })
        })
        .collect()
}

/// Reads a JSON-lines manifest: one object per page with `file` (relative to the manifest),
/// and optional `url` and `id`.
pub fn manifest_pages(path: &Path) -> anyhow::Result<Vec<SavedPage>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the manifest {}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut pages = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a JSON object", path.display(), number + 1))?;
        let Some(file) = row["file"].as_str() else {
            bail!("{}:{}: no \"file\"", path.display(), number + 1);
        };
        pages.push(SavedPage {
            file: dir.join(file),
            url: row["url"].as_str().and_then(|u| Url::parse(u).ok()),
            id: row["id"].as_str().map(str::to_string),
        });
    }
    Ok(pages)
}

/// Reads a saved page as text: gunzipped when it is gzip, decoded by BOM, `<meta charset>` or
/// sniffing (a saved page has no Content-Type header).
pub fn read_saved(file: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .with_context(|| format!("{}: broken gzip", file.display()))?;
        out
    } else {
        bytes
    };
    Ok(charset::decode_html(&bytes, None).0)
}

/// The address relative links of a saved page are resolved against when none is given.
fn placeholder_url() -> Url {
    Url::parse("https://unknown.invalid/").expect("a valid URL")
}

/// One JSON line for a saved page: the fields `score.py` reads, plus `sources`.
pub fn json_line(page: &SavedPage, html: &str) -> Value {
    let url = page.url.clone().unwrap_or_else(placeholder_url);
    let extraction = extract::extract(html, &url, None);
    let a = &extraction.article;
    let sources: serde_json::Map<String, Value> = extraction
        .sources
        .iter()
        .map(|p| (p.field.to_string(), Value::from(p.source.clone())))
        .collect();
    let mut line = json!({
        "url": a.url,
        "title": a.title,
        "published": a.published.map(|d| d.to_rfc3339()),
        "updated": a.updated.map(|d| d.to_rfc3339()),
        "image": a.image,
        "keywords": a.keywords,
        "description": a.description,
        "author": a.author,
        "language": a.language,
        "section": a.section,
        "sources": sources,
    });
    if let Some(id) = &page.id {
        line["id"] = Value::from(id.clone());
    }
    line
}

/// The human view of an article page: each field, its value and its source, then what was
/// passed over.
pub fn describe_article(extraction: &Extraction) -> String {
    let a = &extraction.article;
    let source = |field: &str| {
        extraction
            .sources
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.source.as_str())
            .unwrap_or("")
    };
    let rows: Vec<(&str, Option<String>)> = vec![
        ("url", Some(a.url.clone())),
        ("title", a.title.clone()),
        ("published", a.published.map(|d| d.to_rfc3339())),
        ("updated", a.updated.map(|d| d.to_rfc3339())),
        ("image", a.image.clone()),
        (
            "keywords",
            (!a.keywords.is_empty()).then(|| a.keywords.join(", ")),
        ),
        ("description", a.description.clone()),
        ("author", a.author.clone()),
        ("language", a.language.clone()),
        ("section", a.section.clone()),
    ];
    let mut out = String::new();
    for (field, value) in rows {
        match value {
            Some(value) => {
                let _ = writeln!(
                    out,
                    "{field:<12} {:<50}  {}",
                    one_line(&value, 200),
                    source(field)
                );
            }
            None => {
                let _ = writeln!(out, "{field:<12} -");
            }
        }
    }
    if !extraction.rejected.is_empty() {
        out.push_str("\nrejected:\n");
        for r in &extraction.rejected {
            let _ = writeln!(
                out,
                "  {:<11} {:<50}  {} ({})",
                r.field,
                one_line(&r.value, 120),
                r.source,
                r.reason
            );
        }
    }
    let passed_over: Vec<_> = extraction
        .candidates
        .iter()
        .filter(|c| {
            !extraction
                .sources
                .iter()
                .any(|p| p.field == c.field && p.source == c.source)
        })
        .collect();
    if !passed_over.is_empty() {
        out.push_str("\nother candidates, in order of preference:\n");
        for c in passed_over {
            let _ = writeln!(
                out,
                "  {:<11} {:<50}  {}",
                c.field,
                one_line(&c.value, 120),
                c.source
            );
        }
    }
    out
}

/// The human view of a section page: each link found, in order, with the rule that found it.
pub fn describe_section(page: &SectionPage) -> String {
    let mut out = String::new();
    if let Some(title) = &page.title {
        let _ = writeln!(out, "title  {title}");
    }
    let _ = writeln!(out, "links  {}", page.links.len());
    for (i, link) in page.links.iter().enumerate() {
        let _ = writeln!(out, "{:>4}. {}  [{}]", i + 1, link.url, link.rule);
    }
    if let Some(next) = &page.next {
        let _ = writeln!(out, "next   {next}");
    }
    for feed in &page.feeds {
        let _ = writeln!(out, "feed   {feed}");
    }
    if page.links.is_empty() {
        out.push_str(
            "no article links found: set article_selector (a CSS selector for the links) or article_pattern (a regex on their path)\n",
        );
    }
    out
}

/// `text` on one line, cut at `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html lang="en"><head>
      <title>Talks Held - Example News</title>
      <meta property="og:title" content="Talks Held">
      <meta property="article:published_time" content="2026-01-27T12:28+0000">
      <meta name="keywords" content="russia, china">
      </head><body><h1>Talks Held</h1></body></html>"#;

    #[test]
    fn file_url_pairs_and_a_shared_url() {
        let shared = Url::parse("https://e.com/").unwrap();
        let pages = saved_pages(
            &["a.html=https://e.com/a".into(), "b=c.html".into()],
            Some(&shared),
        )
        .unwrap();
        assert_eq!(pages[0].file, PathBuf::from("a.html"));
        assert_eq!(pages[0].url.as_ref().unwrap().as_str(), "https://e.com/a");
        assert_eq!(pages[1].file, PathBuf::from("b=c.html"));
        assert_eq!(pages[1].url.as_ref(), Some(&shared));
    }

    #[test]
    fn json_line_has_every_field_and_sources() {
        let page = SavedPage {
            file: "x".into(),
            url: Some(Url::parse("https://e.com/2026/talks").unwrap()),
            id: Some("p1".into()),
        };
        let line = json_line(&page, PAGE);
        assert_eq!(line["id"], "p1");
        assert_eq!(line["title"], "Talks Held");
        assert_eq!(line["published"], "2026-01-27T12:28:00+00:00");
        assert_eq!(line["keywords"], json!(["russia", "china"]));
        assert_eq!(line["image"], Value::Null);
        assert!(line["sources"]["published"]
            .as_str()
            .unwrap()
            .contains("article:published_time"));
    }

    #[test]
    fn article_view_names_sources() {
        let url = Url::parse("https://e.com/2026/talks").unwrap();
        let text = describe_article(&extract::extract_explained(PAGE, &url, None));
        let published = text.lines().find(|l| l.starts_with("published")).unwrap();
        assert!(published.contains("2026-01-27T12:28:00+00:00"), "{text}");
        assert!(published.contains("article:published_time"), "{text}");
        assert!(
            text.lines().any(|l| l.starts_with("image        -")),
            "{text}"
        );
    }

    #[test]
    fn section_view_says_which_feeds_the_site_publishes() {
        let url = Url::parse("https://e.com/world/").unwrap();
        let html = r#"<link rel="alternate" type="application/atom+xml" title="World" href="/world/atom">
            <ul><li><a href="/world/2026/a">A</a></li></ul>"#;
        let text = describe_section(&discover::discover(html, &url, &Default::default()));
        let line = text
            .lines()
            .find(|l| l.starts_with("feed"))
            .unwrap_or_default();
        assert!(line.contains("https://e.com/world/atom"), "{text}");
        assert!(
            line.contains("Atom") && line.contains("\"World\""),
            "{text}"
        );
    }

    #[test]
    fn saved_pages_are_gunzipped_and_decoded() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.html.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<meta charset=\"windows-1251\"><title>\xcf\xf0\xe8\xe2\xe5\xf2</title>")
            .unwrap();
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
        assert!(read_saved(&path).unwrap().contains("Привет"));
    }
}
