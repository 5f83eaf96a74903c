//! `sitefeed add URL`: reads a section page the way a pass would (politely, robots.txt
//! obeyed), says what discovery found on it, and appends the `[[feed]]` for it to the config.
//!
//! The config is edited as a document (`toml_edit`), so the user's comments and layout stay
//! as they were; the result must pass the same validation as `check` before it replaces the
//! file (atomically). A name that exists is refused, and `--dry-run` only prints the block.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use scraper::Selector;
use url::Url;

use crate::cli::AddArgs;
use crate::config::Config;
use crate::discover::{self, normalize_url, Rules, SectionPage};
use crate::fetch::{Fetched, Fetcher, Policy};

/// Links shown with their titles in what `add` prints.
const SHOWN_LINKS: usize = 5;
/// Selectors tried, in order, when automatic discovery finds no list: the first that finds
/// at least [`MIN_SELECTED`] links is written as the feed's `article_selector`.
const FALLBACK_SELECTORS: [&str; 4] = [
    "article a[href]",
    "h2 a[href]",
    "h3 a[href]",
    "main a[href]",
];
const MIN_SELECTED: usize = 3;

/// Why `add` failed: the command line or the config (exit 2), or the page (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Failed(String),
}

/// Runs `sitefeed add`: prints the findings, then the block added (or, with `--dry-run`,
/// the block that would be).
pub fn run(args: &AddArgs, config_path: &Path) -> Result<(), AddError> {
    let usage = |m: String| AddError::Usage(m);
    let url = Url::parse(&args.url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        .ok_or_else(|| usage(format!("\"{}\" is not an http(s) URL", args.url)))?;
    let text = std::fs::read_to_string(config_path).map_err(|err| {
        usage(format!(
            "{}: cannot read the config file: {err} (add appends to an existing config)",
            config_path.display()
        ))
    })?;
    let config = Config::parse(&text, config_path).map_err(|e| usage(e.to_string()))?;
    let name = match &args.name {
        Some(name) => name.clone(),
        None => name_from_url(&url),
    };
    if let Some(existing) = config
        .feeds
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(&name))
    {
        return Err(usage(format!(
            "{}: a feed named \"{}\" exists already (choose another with --name)",
            config_path.display(),
            existing.name
        )));
    }

    let fetcher = Fetcher::new(config.fetch.clone());
    let policy = Policy {
        allowed_hosts: Vec::new(),
        respect_robots: true,
    };
    let page = match fetcher.get(&url, None, &policy) {
        Ok(Fetched::Page(page)) => page,
        Ok(Fetched::NotModified) => {
            return Err(AddError::Failed(format!("GET {url}: unexpected 304")))
        }
        Err(err) => return Err(AddError::Failed(err.to_string())),
    };
    let found = discover::discover(&page.html, &page.url, &Rules::default());
    let selector = if found.links.is_empty() {
        fallback_selector(&page.html, &page.url)
    } else {
        None
    };
    let sitemaps = fetcher.robots_sitemaps(&url).unwrap_or_default();
    print!(
        "{}",
        describe(&found, &page.html, &page.url, selector.as_ref(), &sitemaps)
    );

    let block = Block {
        name: &name,
        title: found.title.as_deref(),
        url: url.as_str(),
        selector: selector.as_ref().map(|(s, _)| *s),
    };
    if args.dry_run {
        println!(
            "\nwould add to {} (--dry-run: nothing written):\n{}",
            config_path.display(),
            block.render()
        );
        return Ok(());
    }
    let edited =
        append(&text, &block).map_err(|err| usage(format!("{}: {err}", config_path.display())))?;
    Config::parse(&edited, config_path).map_err(|e| {
        AddError::Usage(format!(
            "the config with the new feed does not pass check: {e}"
        ))
    })?;
    save(config_path, &edited)?;
    println!(
        "\nadded feed \"{name}\" to {}:\n{}",
        config_path.display(),
        block.render()
    );
    Ok(())
}

/// The feed a section page becomes.
struct Block<'a> {
    name: &'a str,
    title: Option<&'a str>,
    url: &'a str,
    selector: Option<&'a str>,
}

impl Block<'_> {
    fn table(&self) -> toml_edit::Table {
        let mut table = toml_edit::Table::new();
        table["name"] = toml_edit::value(self.name);
        if let Some(title) = self.title {
            table["title"] = toml_edit::value(title);
        }
        table["url"] = toml_edit::value(self.url);
        if let Some(selector) = self.selector {
            table["article_selector"] = toml_edit::value(selector);
        }
        table
    }

    /// The block as it reads in the file.
    fn render(&self) -> String {
        let mut doc = toml_edit::DocumentMut::new();
        let mut feeds = toml_edit::ArrayOfTables::new();
        feeds.push(self.table());
        doc.insert("feed", toml_edit::Item::ArrayOfTables(feeds));
        doc.to_string()
    }
}

/// `text` with `block` appended to its `[[feed]]` tables; everything else as it was.
fn append(text: &str, block: &Block) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.message().to_string())?;
    let feeds = doc
        .entry("feed")
        .or_insert_with(|| toml_edit::Item::ArrayOfTables(Default::default()))
        .as_array_of_tables_mut()
        .ok_or("`feed` is not a list of [[feed]] tables")?;
    let mut table = block.table();
    // A blank line before the new table, as hand-written configs have.
    table.decor_mut().set_prefix("\n");
    feeds.push(table);
    let mut out = doc.to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Replaces the config file atomically (a temporary file beside it, then a rename).
fn save(path: &Path, text: &str) -> Result<(), AddError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = path
        .file_name()
        .and_then(|f| f.to_str())
        .ok_or_else(|| AddError::Usage(format!("{}: not a file name", path.display())))?;
    crate::output::write_if_changed(dir, file, text.as_bytes())
        .map(|_| ())
        .map_err(|e| AddError::Failed(e.to_string()))
}

/// A feed name from the URL's last path segment (`world` from `/world/`), else from its host.
pub fn name_from_url(url: &Url) -> String {
    let segment = url
        .path_segments()
        .and_then(|mut s| s.rfind(|p| !p.is_empty()).map(str::to_string))
        .map(|s| {
            s.rsplit_once('.')
                .map_or(s.clone(), |(stem, _)| stem.to_string())
        });
    let raw = segment.filter(|s| !s.is_empty()).unwrap_or_else(|| {
        let host = url.host_str().unwrap_or("feed");
        let host = host.strip_prefix("www.").unwrap_or(host);
        host.split('.').next().unwrap_or(host).to_string()
    });
    let mut name: String = raw
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    while name.contains("--") {
        name = name.replace("--", "-");
    }
    let name = name.trim_matches('-').to_string();
    if name.is_empty() || name == "status" {
        format!("feed-{name}").trim_end_matches('-').to_string()
    } else {
        name
    }
}

/// The first fallback selector that finds enough links, and how many it found.
fn fallback_selector(html: &str, url: &Url) -> Option<(&'static str, usize)> {
    FALLBACK_SELECTORS.into_iter().find_map(|s| {
        let rules = Rules {
            selector: Some(Selector::parse(s).ok()?),
            ..Rules::default()
        };
        let n = discover::discover(html, url, &rules).links.len();
        (n >= MIN_SELECTED).then_some((s, n))
    })
}

/// The anchor text of each link on the page, by normalised URL (the longest, when a page
/// links an article twice: a headline and a "read more").
fn link_titles(html: &str, base: &Url) -> HashMap<String, String> {
    static ANCHOR: std::sync::LazyLock<Selector> =
        std::sync::LazyLock::new(|| Selector::parse("a[href]").expect("valid selector"));
    let doc = crate::html::parse_document(html);
    let mut titles: HashMap<String, String> = HashMap::new();
    for a in doc.select(&ANCHOR) {
        let Some(url) = a.attr("href").and_then(|h| base.join(h.trim()).ok()) else {
            continue;
        };
        let text = a.text().collect::<Vec<_>>().join(" ");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let entry = titles.entry(normalize_url(&url).to_string()).or_default();
        if text.chars().count() > entry.chars().count() {
            *entry = text;
        }
    }
    titles
}

/// What `add` prints about the page before the block.
fn describe(
    page: &SectionPage,
    html: &str,
    base: &Url,
    selector: Option<&(&str, usize)>,
    sitemaps: &[Url],
) -> String {
    let mut out = String::new();
    if let Some(title) = &page.title {
        let _ = writeln!(out, "title    {title}");
    }
    let _ = writeln!(out, "links    {}", page.links.len());
    let titles = link_titles(html, base);
    for (i, link) in page.links.iter().take(SHOWN_LINKS).enumerate() {
        let key = normalize_url(&link.url).to_string();
        let title = titles.get(&key).map(String::as_str).unwrap_or("");
        let _ = writeln!(out, "{:>7}. {title}  <{}>", i + 1, link.url);
    }
    if page.links.len() > SHOWN_LINKS {
        let _ = writeln!(
            out,
            "         ... and {} more",
            page.links.len() - SHOWN_LINKS
        );
    }
    match selector {
        Some((s, n)) => {
            let _ = writeln!(
                out,
                "no main list found automatically; article_selector = \"{s}\" finds {n} links"
            );
        }
        None if page.links.is_empty() => out.push_str(
            "no article links found: set article_selector (a CSS selector for the links) or article_pattern (a regex on their path)\n",
        ),
        None => {}
    }
    for feed in &page.feeds {
        let _ = writeln!(
            out,
            "feed     {feed}: you may not need sitefeed for it (source = \"feed\" enriches its entries from the article pages)"
        );
    }
    for sitemap in sitemaps {
        let _ = writeln!(
            out,
            "sitemap  {sitemap}  (named by robots.txt; sitemaps = \"robots\" reads it)"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_last_path_segment_or_the_host() {
        let name = |u: &str| name_from_url(&Url::parse(u).unwrap());
        assert_eq!(name("https://e.com/world/"), "world");
        assert_eq!(name("https://e.com/news/World%20Cup/"), "world-20cup");
        assert_eq!(name("https://e.com/section/economy.html"), "economy");
        assert_eq!(name("https://www.example.co.uk/"), "example");
        assert_eq!(name("https://e.com/status/"), "feed-status");
    }

    const CONFIG: &str =
        "# My feeds\nbase_url = \"https://f.example/\"   # where they are served\n\n\
        [[feed]]\n# the first one\nname = \"a\"\nurl = \"https://e.com/a/\"\n";

    #[test]
    fn appending_keeps_comments_and_layout() {
        let block = Block {
            name: "world",
            title: Some("World \"news\""),
            url: "https://e.com/world/",
            selector: None,
        };
        let out = append(CONFIG, &block).unwrap();
        assert!(out.starts_with(CONFIG), "{out}");
        assert!(out.ends_with(
            "\n[[feed]]\nname = \"world\"\ntitle = 'World \"news\"'\nurl = \"https://e.com/world/\"\n"
        ), "{out}");
        let config = Config::parse(&out, Path::new("feeds.toml")).unwrap();
        assert_eq!(config.feeds[1].title.as_deref(), Some("World \"news\""));
    }

    #[test]
    fn the_selector_is_written_only_when_given() {
        let block = Block {
            name: "w",
            title: None,
            url: "https://e.com/w/",
            selector: Some("h2 a[href]"),
        };
        assert_eq!(
            block.render(),
            "[[feed]]\nname = \"w\"\nurl = \"https://e.com/w/\"\narticle_selector = \"h2 a[href]\"\n"
        );
    }
}
