//! A generated fixture site for the fault, crash and hostile-input tests: sections of
//! numbered stories, each with complete metadata, so a test can list any number of articles
//! and know exactly which entries every feed must end up with.
//!
//! Section `alpha` is served at `/alpha/` and lists `<a class="story">` links to
//! `/alpha/2026/story-N.html`; feeds select them with `article_selector = "a.story"`.
//! Also here: the checks every test repeats (all output parses, ids are unique, the state
//! store is intact) and the feed's stored items read straight from the SQLite store.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use super::{Response, Server, Workdir};

/// Top-level keys that keep every run short: a 2 s timeout, no retries, a short lock wait.
pub const FAST: &str = "timeout = \"2s\"\nconnect_timeout = \"2s\"\nretries = 0\n\
                        retry_backoff = \"50ms\"\nlock_timeout = \"10s\"\nmax_items = 1000\n";

/// Path of story `n` of `section`.
pub fn article_path(section: &str, n: usize) -> String {
    format!("/{section}/2026/story-{n}.html")
}

/// The headline of story `n` of `section`.
pub fn article_title(section: &str, n: usize) -> String {
    format!("{} story number {n}", capitalise(section))
}

/// An article page with title, JSON-LD, OpenGraph, a canonical link and a distinct date.
pub fn article_html(server: &Server, section: &str, n: usize) -> String {
    let url = server.url(&article_path(section, n));
    let title = article_title(section, n);
    let minute = n % 60;
    let hour = (n / 60) % 24;
    let day = 1 + (n / 1440) % 28;
    let date = format!("2026-01-{day:02}T{hour:02}:{minute:02}:00Z");
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} - Synth News</title>
<link rel="canonical" href="{url}">
<meta property="og:title" content="{title}">
<meta property="og:description" content="What happened in story {n} of {section}, told in one sentence.">
<meta property="article:published_time" content="{date}">
<meta name="keywords" content="{section}, story, n{n}">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":"{title}","datePublished":"{date}","author":{{"@type":"Person","name":"Reporter {n}"}}}}</script>
</head><body><article><h1>{title}</h1><p>Story {n} of {section} is a paragraph of text long enough to count as the lead of the article.</p></article></body></html>
"#
    )
}

/// The section page of `section` listing stories `numbers`, newest (highest) first.
pub fn section_html(section: &str, numbers: &[usize]) -> String {
    let mut items: Vec<usize> = numbers.to_vec();
    items.sort_unstable_by(|a, b| b.cmp(a));
    let list: String = items
        .iter()
        .map(|&n| {
            format!(
                "<li><a class=\"story\" href=\"{}\">{}</a></li>\n",
                article_path(section, n),
                article_title(section, n)
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} - Synth News</title></head>\n\
         <body><nav><a href=\"/\">Home</a></nav><ul class=\"list\">\n{list}</ul></body></html>\n",
        capitalise(section)
    )
}

/// Serves section `section` listing stories `numbers`, and each of those stories.
pub fn serve_section(server: &Server, section: &str, numbers: &[usize]) {
    server.route(
        &format!("/{section}/"),
        Response::html(section_html(section, numbers)),
    );
    for &n in numbers {
        server.route(
            &article_path(section, n),
            Response::html(article_html(server, section, n)),
        );
    }
}

/// One `[[feed]]` for section `section` (feed name = section name) plus `extra` lines.
pub fn feed_block(section: &str, extra: &str) -> String {
    format!(
        "\n[[feed]]\nname = \"{section}\"\nurl = \"{{{{BASE}}}}/{section}/\"\n\
         article_selector = \"a.story\"\nrespect_robots = false\n{extra}"
    )
}

/// A complete config: the shared header, [`FAST`], `top` (more top-level keys), then one
/// feed per section.
pub fn synth_config(server: &Server, top: &str, sections: &[&str]) -> String {
    let feeds: String = sections.iter().map(|s| feed_block(s, "")).collect();
    super::config(server, &format!("{FAST}{top}{feeds}"))
}

/// The absolute URLs of stories `numbers` of `section`.
pub fn article_urls(server: &Server, section: &str, numbers: &[usize]) -> BTreeSet<String> {
    numbers
        .iter()
        .map(|&n| server.url(&article_path(section, n)))
        .collect()
}

/// Entry ids of a parsed feed, asserting each appears once.
#[track_caller]
pub fn unique_ids(feed: &feed_rs::model::Feed, what: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for entry in &feed.entries {
        assert!(
            ids.insert(entry.id.clone()),
            "{what}: duplicate entry id {}",
            entry.id
        );
    }
    ids
}

/// Checks every feed of `name` in `work`'s output (rss, atom, json) parses and holds exactly
/// the entry ids `expected`.
#[track_caller]
pub fn assert_feed_ids(work: &Workdir, name: &str, expected: &BTreeSet<String>) {
    for ext in ["rss", "atom", "json"] {
        let file = format!("{name}.{ext}");
        let ids = unique_ids(&work.feed(&file), &file);
        assert_eq!(&ids, expected, "{file} holds the wrong entries");
    }
}

/// Parses every file of `dir` that is served (not a dot-file): feeds with feed-rs,
/// `status.json` with serde_json, `feeds.opml` and `index.html` for a complete ending.
/// Returns the names checked. Panics naming the first broken file.
pub fn assert_output_complete(dir: &Path) -> Vec<String> {
    let mut checked = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return checked;
    };
    for entry in entries {
        let entry = entry.expect("output dir entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            assert!(
                !(name.ends_with(".rss") || name.ends_with(".atom") || name.ends_with(".json")),
                "a temp file is named like a feed: {name}"
            );
            continue;
        }
        assert!(!name.ends_with(".tmp"), "a temp file is served: {name}");
        let bytes = fs::read(entry.path()).expect("read output file");
        if name == "status.json" {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
        } else if name.ends_with(".rss") || name.ends_with(".atom") || name.ends_with(".json") {
            let feed = feed_rs::parser::parse(bytes.as_slice())
                .unwrap_or_else(|e| panic!("{name} does not parse as a feed: {e}"));
            unique_ids(&feed, &name);
        } else if name.ends_with(".opml") {
            let text = String::from_utf8(bytes).expect("opml is UTF-8");
            assert!(text.trim_end().ends_with("</opml>"), "{name} is incomplete");
        } else if name.ends_with(".html") {
            let text = String::from_utf8(bytes).expect("html is UTF-8");
            assert!(text.trim_end().ends_with("</html>"), "{name} is incomplete");
        }
        checked.push(name);
    }
    checked.sort();
    checked
}

/// Opens the state store and asserts `PRAGMA integrity_check` says `ok`.
#[track_caller]
pub fn assert_store_intact(state: &Path) {
    let conn = rusqlite::Connection::open(state)
        .unwrap_or_else(|e| panic!("open state {}: {e}", state.display()));
    let result: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap_or_else(|e| panic!("integrity_check on {}: {e}", state.display()));
    assert_eq!(result, "ok", "state store {} is corrupt", state.display());
}

/// The article URLs (as discovered) the store holds for `feed`, with their titles.
pub fn stored_items(work: &Workdir, feed: &str) -> Vec<(String, Option<String>)> {
    let path = work.path().join("state.db");
    let conn = rusqlite::Connection::open(&path)
        .unwrap_or_else(|e| panic!("open state {}: {e}", path.display()));
    let mut statement = conn
        .prepare(
            "SELECT a.url, a.title FROM feed_items f JOIN articles a ON a.url = f.url
             WHERE f.feed = ?1 ORDER BY a.url",
        )
        .expect("query feed_items");
    let rows = statement
        .query_map([feed], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("read feed_items");
    rows.map(|r| r.expect("row")).collect()
}

/// Bytes and modification time of each of `files` in `output/`.
pub fn snapshot(work: &Workdir, files: &[&str]) -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
    files
        .iter()
        .map(|f| (f.to_string(), work.output(f), work.output_mtime(f)))
        .collect()
}

/// Asserts the files of `before` are byte-identical and were not rewritten.
#[track_caller]
pub fn assert_unchanged(work: &Workdir, before: &[(String, Vec<u8>, std::time::SystemTime)]) {
    for (file, bytes, mtime) in before {
        assert!(
            &work.output(file) == bytes,
            "{file} changed:\n--- before ---\n{}\n--- after ---\n{}",
            String::from_utf8_lossy(bytes),
            work.output_text(file)
        );
        assert_eq!(&work.output_mtime(file), mtime, "{file} was rewritten");
    }
}

/// The lines of `stderr` that mention `needle`.
pub fn lines_naming<'a>(stderr: &'a str, needle: &str) -> Vec<&'a str> {
    stderr.lines().filter(|l| l.contains(needle)).collect()
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
