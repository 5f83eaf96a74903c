//! One pass over the configured feeds: the stages wired together, and the report of what
//! happened.
//!
//! A failing section page or article never stops the pass. It is logged and counted, and the
//! feed it belongs to keeps its previous files (a section failure) or is written with what did
//! work (an article failure, retried next pass because it is not stored). The report's
//! [`RunReport::exit_code`] tells cron whether anything went wrong.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::Utc;
use tracing::{debug, info, warn};
use url::Url;

use crate::config::{Config, Feed};
use crate::discover::{self, normalize_url};
use crate::extract;
use crate::fetch::{FetchSettings, FetchStats, Fetched, Fetcher};
use crate::model::Article;
use crate::output::{self, Written};
use crate::render::{self, FeedInfo};
use crate::store::{PageState, Store};

/// What happened to one feed in a pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedReport {
    pub name: String,
    /// Articles fetched and stored for the first time.
    pub new_articles: usize,
    /// Entries in the written feed.
    pub entries: usize,
    /// Whether the feed's files were rewritten (false when unchanged or not written).
    pub changed: bool,
    /// One line per failure, each naming the URL.
    pub errors: Vec<String>,
}

impl FeedReport {
    pub fn failed(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// What a whole pass did.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    pub feeds: Vec<FeedReport>,
    pub fetch: FetchStats,
    pub elapsed: Duration,
}

impl RunReport {
    /// 0 when every feed was fetched and written, 1 when some feed or source failed.
    pub fn exit_code(&self) -> i32 {
        if self.feeds.iter().any(FeedReport::failed) {
            1
        } else {
            0
        }
    }

    /// The one-line summary printed at the end of a run.
    pub fn summary(&self) -> String {
        let failures: usize = self.feeds.iter().map(|f| f.errors.len()).sum();
        format!(
            "{} feeds ({} changed), {} new articles, {} requests, {} not modified, {} failures, {:.1}s",
            self.feeds.len(),
            self.feeds.iter().filter(|f| f.changed).count(),
            self.feeds.iter().map(|f| f.new_articles).sum::<usize>(),
            self.fetch.requests,
            self.fetch.not_modified,
            failures,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Runs one pass over `config`'s feeds (all of them when `only` is empty, else those named).
/// Errors are only what makes the whole pass impossible (the store or the output directory).
pub fn run(config: &Config, only: &[String]) -> anyhow::Result<RunReport> {
    let started = Instant::now();
    std::fs::create_dir_all(&config.output_dir)
        .with_context(|| format!("cannot create output_dir {}", config.output_dir.display()))?;
    let mut store = Store::open(&config.state)?;
    let fetcher = Fetcher::new(FetchSettings {
        user_agent: config.user_agent.clone(),
        delay: config.delay,
        timeout: config.timeout,
        max_body_size: config.max_body_size,
    });
    let mut feeds = Vec::new();
    for feed in &config.feeds {
        if !only.is_empty() && !only.iter().any(|n| n == &feed.name) {
            continue;
        }
        let report = run_feed(config, feed, &fetcher, &mut store)
            .with_context(|| format!("feed \"{}\"", feed.name))?;
        for error in &report.errors {
            warn!("feed {}: {error}", feed.name);
        }
        feeds.push(report);
    }
    let report = RunReport {
        feeds,
        fetch: fetcher.stats(),
        elapsed: started.elapsed(),
    };
    info!("{}", report.summary());
    Ok(report)
}

/// What one section page gave in this pass.
struct SectionPass {
    url: Url,
    /// The state to keep once every new article of the page is stored.
    state: PageState,
    /// Normalised article URLs listed on the page, in page order.
    listed: Vec<String>,
}

fn run_feed(
    config: &Config,
    feed: &Feed,
    fetcher: &Fetcher,
    store: &mut Store,
) -> anyhow::Result<FeedReport> {
    let mut report = FeedReport {
        name: feed.name.clone(),
        ..FeedReport::default()
    };
    let mut sections = Vec::new();
    let mut section_failed = false;
    let mut default_title = None;
    for url in &feed.urls {
        let previous = store.page_state(url.as_str())?;
        let validators = previous
            .as_ref()
            .map(|p| &p.validators)
            .filter(|v| !v.is_empty());
        match fetcher.get(url, validators) {
            Ok(Fetched::NotModified) => {
                debug!("feed {}: {url} not modified", feed.name);
                if default_title.is_none() {
                    default_title = previous.and_then(|p| p.title);
                }
            }
            Ok(Fetched::Page(page)) => {
                let section = discover::discover(&page.html, &page.url, &feed.rules);
                if section.links.is_empty() {
                    warn!(
                        "feed {}: no article links found on {url} (the page changed shape?)",
                        feed.name
                    );
                }
                if default_title.is_none() {
                    default_title = section.title.clone();
                }
                let mut listed = Vec::new();
                for link in &section.links {
                    let key = normalize_url(&link.url).to_string();
                    if !listed.contains(&key) {
                        listed.push(key);
                    }
                }
                sections.push(SectionPass {
                    url: url.clone(),
                    state: PageState {
                        validators: page.validators,
                        title: section.title,
                    },
                    listed,
                });
            }
            Err(err) => {
                section_failed = true;
                report.errors.push(err.to_string());
            }
        }
    }

    // Fetch what is new, then store it with the section's listing in one transaction.
    let mut seen = std::collections::HashSet::new();
    for section in &sections {
        let mut complete = true;
        let mut fetched: Vec<(String, Article)> = Vec::new();
        let mut listed: Vec<String> = Vec::new();
        for key in &section.listed {
            if !seen.insert(key.clone()) {
                continue;
            }
            if store.is_known(key)? {
                listed.push(key.clone());
                continue;
            }
            match fetch_article(fetcher, key, feed) {
                Ok(article) => {
                    fetched.push((key.clone(), article));
                    listed.push(key.clone());
                }
                Err(err) => {
                    complete = false;
                    report.errors.push(err);
                }
            }
        }
        let now = Utc::now();
        store.save_feed_pass(&feed.name, &fetched, &listed, now)?;
        report.new_articles += fetched.len();
        // Keep the validators only when every article of the page is stored: otherwise a 304
        // next time would hide the ones that failed.
        let state = if complete {
            section.state.clone()
        } else {
            PageState {
                title: section.state.title.clone(),
                ..PageState::default()
            }
        };
        store.set_page_state(section.url.as_str(), &state)?;
    }

    if section_failed {
        // Keep the previous files: a feed made from part of its sections would look as if
        // the rest had gone.
        return Ok(report);
    }
    let entries = store.feed_articles(&feed.name, feed.max_items)?;
    let info = FeedInfo {
        name: feed.name.clone(),
        title: feed
            .title
            .clone()
            .or(default_title)
            .unwrap_or_else(|| feed.name.clone()),
        description: format!("Latest articles from {}", feed.urls[0]),
        site_url: feed.urls[0].clone(),
        base_url: config.base_url.clone(),
    };
    report.entries = entries.len();
    for (ext, bytes) in [
        ("rss", render::rss::render(&info, &entries)),
        ("atom", render::atom::render(&info, &entries)),
    ] {
        let file_name = format!("{}.{ext}", feed.name);
        if output::write_if_changed(&config.output_dir, &file_name, &bytes)? == Written::Changed {
            report.changed = true;
        }
    }
    Ok(report)
}

/// Fetches and extracts one article; the error is one line naming the URL.
fn fetch_article(fetcher: &Fetcher, key: &str, feed: &Feed) -> Result<Article, String> {
    let url = Url::parse(key).map_err(|err| format!("bad article URL {key}: {err}"))?;
    match fetcher.get(&url, None) {
        Ok(Fetched::Page(page)) => {
            let mut article = extract::extract(&page.html, &page.url, feed.timezone).article;
            if !is_plausible_canonical(&article.url, &url) {
                article.url = url.to_string();
            }
            Ok(article)
        }
        Ok(Fetched::NotModified) => Err(format!("GET {url}: unexpected 304")),
        Err(err) => Err(err.to_string()),
    }
}

/// Some sites point every page's canonical link at their home page or a section; such a
/// canonical would merge all articles into one entry, so the article's own URL stands instead.
fn is_plausible_canonical(canonical: &str, fetched: &Url) -> bool {
    match Url::parse(canonical) {
        Ok(c) => {
            matches!(c.scheme(), "http" | "https")
                && c.path() != "/"
                && (c.host_str() != fetched.host_str()
                    || c.path().len() * 2 >= fetched.path().len())
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_home_page_is_not_plausible() {
        let fetched = Url::parse("https://e.com/20260127/story-1.html").unwrap();
        assert!(is_plausible_canonical(
            "https://e.com/20260127/story-1.html",
            &fetched
        ));
        assert!(is_plausible_canonical("https://other.example/a", &fetched));
        assert!(!is_plausible_canonical("https://e.com/", &fetched));
        assert!(!is_plausible_canonical("https://e.com/w/", &fetched));
        assert!(!is_plausible_canonical(
            "ftp://e.com/20260127/story-1.html",
            &fetched
        ));
    }

    #[test]
    fn exit_code_reflects_failures() {
        let mut report = RunReport::default();
        report.feeds.push(FeedReport::default());
        assert_eq!(report.exit_code(), 0);
        report.feeds.push(FeedReport {
            errors: vec!["GET x: HTTP 500".into()],
            ..FeedReport::default()
        });
        assert_eq!(report.exit_code(), 1);
        assert!(report.summary().contains("1 failures"));
    }
}
