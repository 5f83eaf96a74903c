//! One pass over the configured feeds: the stages wired together, and the report of what
//! happened.
//!
//! A failing section page or article never stops the pass. It is logged and counted, and the
//! feed it belongs to keeps its previous files (a section failure) or is written with what did
//! work (an article failure, retried next pass because it is not stored). The report's
//! [`RunReport::exit_code`] tells cron whether anything went wrong.
//!
//! Feeds are grouped by host and the groups run on up to `concurrency` threads, so ten sites
//! take about as long as the slowest one; the fetcher keeps each host to one request at a time.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use tracing::{debug, info, warn};
use url::Url;

use crate::config::{Config, Feed, Format};
use crate::discover::{self, normalize_url};
use crate::fetch::{FetchError, Fetched, Fetcher, Policy, Validators};
use crate::output::{self, Output, Written};
use crate::render::site::{self, FeedSummary};
use crate::render::{self, FeedInfo};
use crate::shard::Shard;
use crate::status::{self, FeedStatus, SectionStatus};
use crate::store::{PageState, Store, StoreError, StoredArticle};

mod articles;
mod lock;
mod report;
pub use lock::{acquire_lock, lock_path, RunLock};
pub use report::{FeedReport, RunReport};

/// How a pass is run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Only these feeds; all when empty.
    pub only: Vec<String>,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Set (by a signal) to stop early: no new fetch is started, what was fetched is stored
    /// and written, and feeds not reached are left as they are.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Run only this shard's feeds, write its `status-K.json` and merge all shards' files
    /// into the site files (`run --shard K/N`); `None` runs every feed.
    pub shard: Option<Shard>,
}

impl RunOptions {
    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    }
}

/// Runs one pass over `config`'s feeds. Errors are only what makes the whole pass impossible
/// (the lock, the store or the output directory); everything else is in the report.
pub fn run(config: &Config, options: &RunOptions) -> anyhow::Result<RunReport> {
    let started = Instant::now();
    let Some(_lock) = acquire_lock(
        &config.state,
        config.lock_timeout,
        options.cancel.as_deref(),
    )?
    else {
        // Stopped while another pass held the lock: nothing was done.
        return Ok(RunReport::default());
    };
    if let Some(dir) = config.output_dir.local() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create output_dir {}", dir.display()))?;
    }
    let store = Store::open(&config.state)?;
    let output = Output::open(config)?;
    let fetcher = Fetcher::new(config.fetch.clone());
    fetcher.load_robots(store.robots()?);

    let feeds: Vec<&Feed> = config
        .feeds
        .iter()
        .filter(|f| options.only.is_empty() || options.only.contains(&f.name))
        .filter(|f| options.shard.is_none_or(|shard| shard.owns(f)))
        .collect();
    for feed in feeds.iter().filter(|f| !f.respect_robots) {
        info!(
            "feed {}: robots.txt is not consulted (respect_robots = false)",
            feed.name
        );
    }
    let progress = progress_bar(options.progress, feeds.len());
    let pass = Pass {
        config,
        fetcher: &fetcher,
        store: Mutex::new(store),
        output: &output,
        progress: &progress,
        articles_done: Default::default(),
        options,
        hints: Default::default(),
        browser: crate::browser::Lazy::new(config.browser.clone()),
    };

    // One group per host: a group runs its feeds one after another, groups run in parallel.
    let mut groups: BTreeMap<String, Vec<&Feed>> = BTreeMap::new();
    for feed in &feeds {
        let host = feed.site.host_str().unwrap_or_default().to_string();
        groups.entry(host).or_default().push(feed);
    }
    let queue = Mutex::new(groups.into_values().collect::<Vec<_>>());
    let results = Mutex::new(Vec::new());
    let workers = config.concurrency.min(feeds.len()).max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let Some(group) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop() else {
                    break;
                };
                for feed in group {
                    if options.cancelled() {
                        break;
                    }
                    let result = pass.run_feed(feed);
                    progress.inc(1);
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((feed.name.clone(), result));
                }
            });
        }
    });
    progress.finish_and_clear();

    let store = pass.store.into_inner().unwrap_or_else(|e| e.into_inner());
    store.save_robots(&fetcher.robots_records())?;
    match options.shard {
        Some(shard) => {
            crate::publish::write_shard_status(config, shard, &store, &output)?;
            crate::publish::publish_to(config, &output)?;
        }
        None => write_site_files(config, &store, &output)?,
    }
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    // Report in config order, whatever order the workers finished in.
    results.sort_by_key(|(name, _)| feeds.iter().position(|f| &f.name == name));
    let mut reports = Vec::new();
    for (name, result) in results {
        let report = result.with_context(|| format!("feed \"{name}\""))?;
        for error in &report.errors {
            warn!("feed {name}: {error}");
        }
        reports.push(report);
    }
    let report = RunReport {
        feeds: reports,
        fetch: fetcher.stats(),
        elapsed: started.elapsed(),
    };
    Ok(report)
}

fn progress_bar(enabled: bool, feeds: usize) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(feeds as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} feeds {pos}/{len} {wide_bar} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// What is shared by the workers of one pass.
struct Pass<'a> {
    config: &'a Config,
    fetcher: &'a Fetcher,
    store: Mutex<Store>,
    output: &'a Output,
    progress: &'a ProgressBar,
    /// Articles fetched so far in this pass, for the progress bar.
    articles_done: std::sync::atomic::AtomicUsize,
    options: &'a RunOptions,
    /// What sitemaps said about the articles they list, by normalised URL.
    hints: Mutex<std::collections::HashMap<String, crate::model::Article>>,
    /// Chromium for `render = "browser"` feeds, started by the first page that needs it and
    /// killed when the pass ends.
    browser: crate::browser::Lazy,
}

/// What one section page gave in this pass.
struct SectionPass {
    url: Url,
    /// The state to keep once every new article of the page is stored (first pages that list
    /// articles only).
    state: Option<PageState>,
    /// Normalised article URLs listed on the page, in page order.
    listed: Vec<String>,
}

impl Pass<'_> {
    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn hint(&self, key: &str) -> Option<crate::model::Article> {
        let hints = self.hints.lock().unwrap_or_else(|e| e.into_inner());
        hints.get(key).cloned()
    }

    fn run_feed(&self, feed: &Feed) -> Result<FeedReport, PassError> {
        let started = Utc::now();
        let mut report = FeedReport {
            name: feed.name.clone(),
            ..FeedReport::default()
        };
        let mut status = self.store().feed_status(&feed.name)?.unwrap_or_default();
        status.last_attempt = Some(started);
        status.sections.clear();
        status.suspect = false;
        let policy = Policy {
            allowed_hosts: feed.allowed_hosts.clone(),
            respect_robots: feed.respect_robots,
        };

        let mut sections = Vec::new();
        let mut section_failed = false;
        let previous = |url: &Url| {
            let state = self.store().page_state(url.as_str());
            state.ok().flatten().map(|p| p.validators)
        };
        if feed.source == crate::config::Source::Feed {
            let found = crate::upstream::collect(self.fetcher, feed, &policy, &previous);
            self.take_collected(found, &mut sections, &mut report, &mut section_failed);
        }
        let section_urls = match feed.source {
            crate::config::Source::Section => feed.urls.as_slice(),
            crate::config::Source::Feed => &[],
        };
        for url in section_urls {
            for page_url in self.section_pages(feed, url, &policy, &mut sections, &mut status) {
                section_failed |= page_url.is_err();
                if let Err(err) = page_url {
                    report.errors.push(err);
                }
            }
        }

        if feed.sitemaps != crate::sitemap::Sitemaps::None {
            let found = crate::sitemap::collect(self.fetcher, feed, &policy, &previous);
            self.take_collected(found, &mut sections, &mut report, &mut section_failed);
        }

        let mut seen = HashSet::new();
        for section in &sections {
            let listed: Vec<String> = section
                .listed
                .iter()
                .filter(|key| seen.insert((*key).clone()))
                .cloned()
                .collect();
            let complete = self.fetch_section_articles(feed, &policy, &listed, &mut report)?;
            if let Some(state) = &section.state {
                // Keep the validators only when every article of the page is stored: otherwise
                // a 304 next time would hide the ones that failed.
                let state = if complete {
                    state.clone()
                } else {
                    PageState {
                        title: state.title.clone(),
                        ..PageState::default()
                    }
                };
                self.store().set_page_state(section.url.as_str(), &state)?;
            }
        }

        status.new_entries = report.new_articles;
        status.last_error = report.errors.first().cloned();
        if !section_failed {
            // Only a feed whose every section answered is rewritten: one made from part of its
            // sections would look as if the rest had gone.
            let (summary, changed) = self.write_feed(feed)?;
            report.entries = summary.entries;
            report.changed = changed;
            status.entries = summary.entries;
            if report.errors.is_empty() {
                status.last_success = Some(started);
            }
        }
        self.store().set_feed_status(&feed.name, &status)?;
        Ok(report)
    }

    /// Adds what sitemaps or an upstream feed gave to the pass: their documents as sections
    /// (stored like section pages, for conditional requests next time), their account of
    /// each article as hints, their failures to the report.
    fn take_collected(
        &self,
        found: crate::sitemap::Collected,
        sections: &mut Vec<SectionPass>,
        report: &mut FeedReport,
        failed: &mut bool,
    ) {
        *failed |= !found.errors.is_empty();
        report.errors.extend(found.errors);
        sections.extend(found.passes.into_iter().map(|p| SectionPass {
            url: p.url,
            state: p.validators.map(|validators| PageState {
                validators,
                title: p.title,
            }),
            listed: p.listed,
        }));
        self.hints
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(found.hints);
    }

    /// Fetches section page `url` and, up to the feed's `pages`, the pages its next links lead
    /// to; records each in `sections` and `status`. Yields one item per page: `Err` for a
    /// failed one.
    fn section_pages(
        &self,
        feed: &Feed,
        url: &Url,
        policy: &Policy,
        sections: &mut Vec<SectionPass>,
        status: &mut FeedStatus,
    ) -> Vec<Result<(), String>> {
        let mut results = Vec::new();
        let mut next = Some(url.clone());
        let mut visited = HashSet::new();
        while let Some(page_url) = next.take() {
            if results.len() >= feed.pages || !visited.insert(page_url.clone()) {
                break;
            }
            // Only the first page is fetched conditionally: the ones after it move as new
            // articles push older ones down.
            let first = results.is_empty();
            let previous = match self.store().page_state(page_url.as_str()) {
                Ok(previous) => previous,
                Err(err) => {
                    results.push(Err(err.to_string()));
                    break;
                }
            };
            let validators = previous
                .as_ref()
                .map(|p| &p.validators)
                .filter(|v| first && !v.is_empty());
            let render = feed.render.sections();
            let wait_for = feed.render.wait_for.as_deref();
            match self.load(&page_url, validators, policy, render, wait_for) {
                Ok(Fetched::NotModified) => {
                    debug!("feed {}: {page_url} not modified", feed.name);
                    status.sections.push(SectionStatus {
                        url: page_url.to_string(),
                        outcome: "not-modified".into(),
                        http_status: Some(304),
                        links: None,
                        error: None,
                    });
                    results.push(Ok(()));
                }
                Ok(Fetched::Page(page)) => {
                    let section = discover::discover(&page.html, &page.url, &feed.rules);
                    if section.links.is_empty() {
                        status.suspect = true;
                        warn!(
                            "feed {}: no article links found on {page_url} (the page changed shape?); keeping the feed's entries",
                            feed.name
                        );
                    }
                    status.sections.push(SectionStatus {
                        url: page_url.to_string(),
                        outcome: "ok".into(),
                        http_status: Some(page.status),
                        links: Some(section.links.len()),
                        error: None,
                    });
                    next = section.next.clone();
                    let mut listed = Vec::new();
                    for link in &section.links {
                        let key = normalize_url(&link.url).to_string();
                        if !listed.contains(&key) {
                            listed.push(key);
                        }
                    }
                    sections.push(SectionPass {
                        url: page_url.clone(),
                        // A page that lists nothing is kept as it was last seen whole: its
                        // title and validators stay, so the feed does not change and the
                        // next pass looks again.
                        state: (first && !section.links.is_empty()).then_some(PageState {
                            validators: page.validators,
                            title: section.title,
                        }),
                        listed,
                    });
                    results.push(Ok(()));
                }
                Err(err) => {
                    status.sections.push(SectionStatus {
                        url: page_url.to_string(),
                        outcome: "error".into(),
                        http_status: err.status(),
                        links: None,
                        error: Some(err.to_string()),
                    });
                    results.push(Err(err.to_string()));
                }
            }
        }
        results
    }

    /// `url` over HTTP, or when `render`, rendered in the pass's browser (never conditional:
    /// a DOM built by scripts has no validators) once `wait_for` matches.
    fn load(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        policy: &Policy,
        render: bool,
        wait_for: Option<&str>,
    ) -> Result<Fetched, FetchError> {
        if !render {
            return self.fetcher.get(url, validators, policy);
        }
        let request = crate::browser::Request {
            url,
            fetcher: self.fetcher,
            policy,
            wait_for,
            cancel: self.options.cancel.as_deref(),
        };
        self.browser.render(&request).map(Fetched::Page)
    }

    /// Renders the feed's chosen formats from the store and writes those that changed.
    fn write_feed(&self, feed: &Feed) -> Result<(FeedSummary, bool), PassError> {
        let (summary, entries) = feed_summary(self.config, feed, &self.store(), Utc::now())?;
        let mut changed = false;
        for &format in &feed.formats {
            let bytes = match format {
                Format::Rss => site::with_stylesheet(render::rss::render(&summary.info, &entries)),
                Format::Atom => {
                    site::with_stylesheet(render::atom::render(&summary.info, &entries))
                }
                Format::Json => render::json::render(&summary.info, &entries),
            };
            let file_name = format!("{}.{}", feed.name, format.extension());
            changed |= self.output.write_if_changed(&file_name, &bytes)? == Written::Changed;
        }
        // A format dropped from `formats` must not linger as a feed that never updates.
        for format in Format::ALL
            .into_iter()
            .filter(|f| !feed.formats.contains(f))
        {
            let file_name = format!("{}.{}", feed.name, format.extension());
            changed |= self.output.remove(&file_name)? == Written::Changed;
        }
        Ok((summary, changed))
    }
}

/// What the feed's documents say about the feed itself; `page_title` is its first section
/// page's title as last seen, the fallback when the config gives none.
pub(crate) fn feed_info(config: &Config, feed: &Feed, page_title: Option<String>) -> FeedInfo {
    FeedInfo {
        name: feed.name.clone(),
        title: feed
            .title
            .clone()
            .or(page_title)
            .unwrap_or_else(|| feed.name.clone()),
        description: format!("Latest articles from {}", feed.site),
        site_url: feed.site.clone(),
        base_url: config.base_url.clone(),
    }
}

/// A feed's description and its entries as the store holds them now: what its documents,
/// the index and the OPML are rendered from.
pub(crate) fn feed_summary(
    config: &Config,
    feed: &Feed,
    store: &Store,
    now: chrono::DateTime<Utc>,
) -> Result<(FeedSummary, Vec<StoredArticle>), StoreError> {
    let page_title = store.page_state(feed.site.as_str())?.and_then(|p| p.title);
    let mut entries = store.feed_articles_where(&feed.name, feed.max_items, |entry| {
        feed.filter.keeps(entry, now)
    })?;
    // An article can be in several feeds; only those with `full_text` carry its text.
    if feed.full_text.is_none() {
        for entry in &mut entries {
            entry.article.content = None;
        }
    }
    let info = feed_info(config, feed, page_title);
    let summary = FeedSummary {
        info,
        formats: feed.formats.clone(),
        entries: entries.len(),
        newest: entries.first().map(|e| {
            (
                e.article
                    .title
                    .clone()
                    .unwrap_or_else(|| e.article.url.clone()),
                e.article.url.clone(),
                e.effective_date(),
            )
        }),
    };
    Ok((summary, entries))
}

/// Writes the files about all feeds: the index, the OPML, the browser stylesheet and
/// status.json. All but status.json are rewritten only when their bytes change.
fn write_site_files(config: &Config, store: &Store, output: &Output) -> Result<(), PassError> {
    let now = Utc::now();
    let mut summaries = Vec::new();
    let mut statuses = Vec::new();
    for feed in &config.feeds {
        // A feed whose first pass failed has no files yet: listing it would send an OPML
        // import to a 404.
        if feed_files_written(output, feed) {
            summaries.push(feed_summary(config, feed, store, now)?.0);
        }
        statuses.push((
            feed.name.clone(),
            store.feed_status(&feed.name)?.unwrap_or_default(),
        ));
    }
    let title = &config.title;
    output.write_if_changed(site::INDEX_FILE, &site::index_html(title, &summaries))?;
    output.write_if_changed(site::OPML_FILE, &site::opml(title, &summaries))?;
    output.write_if_changed(site::STYLESHEET_FILE, site::STYLESHEET.as_bytes())?;
    output.write_if_changed(status::STATUS_FILE, &status::render(&statuses))?;
    Ok(())
}

/// Whether every document `feed` is configured to write is in the output.
pub(crate) fn feed_files_written(output: &Output, feed: &Feed) -> bool {
    feed.formats
        .iter()
        .all(|format| output.has(&format!("{}.{}", feed.name, format.extension())))
}

/// What stops a feed's pass short: the store or the output directory failing.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PassError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Output(#[from] output::OutputError),
}
