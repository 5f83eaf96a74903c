//! `feeds.toml`: the schema, its defaults, and validation into a typed [`Config`].
//!
//! The file is parsed strictly (unknown keys are errors) and validated once; everything after
//! this module works with checked values only. Every error is one line that names the file,
//! line and column it is about, so a user can jump straight to it.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono_tz::Tz;
use regex::Regex;
use serde::Deserialize;
use toml::Spanned;
use url::Url;

use crate::discover::Rules;
use crate::fetch::FetchSettings;

mod browser;
mod context;
mod fulltext;
mod plain;
mod sources;
pub use browser::{RenderMode, Rendering};
use context::Context;
use sources::RawSitemaps;
pub use sources::Source;

/// Where feeds are written when `output_dir` is not set.
pub const DEFAULT_OUTPUT_DIR: &str = "output";
/// `Cache-Control` of objects put to object storage when `cache_control` is not set: feeds
/// are rewritten every few minutes, so caches may keep one that long.
pub const DEFAULT_CACHE_CONTROL: &str = "max-age=300";
/// The state store when `state` is not set.
pub const DEFAULT_STATE: &str = "sitefeed.db";
/// Minimum gap between two requests to one host.
pub const DEFAULT_DELAY: Duration = Duration::from_secs(1);
/// The title of the index page and the OPML list.
pub const DEFAULT_TITLE: &str = "Feeds";
/// Entries per feed.
pub const DEFAULT_MAX_ITEMS: usize = 50;
/// Whole-request timeout (connect, headers and body).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest response body read, after decompression.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 10 * 1024 * 1024;
/// Time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Redirects followed per request.
pub const DEFAULT_MAX_REDIRECTS: u32 = 5;
/// Retries after a connection error, 408, 429 or 5xx.
pub const DEFAULT_RETRIES: u32 = 2;
/// The first retry's wait (doubled for each further one).
pub const DEFAULT_RETRY_BACKOFF: Duration = Duration::from_secs(1);
/// Hosts fetched at once (each host still gets one request at a time). Workers mostly wait
/// on the network and the per-host gap, so this is about sites, not cores.
pub const DEFAULT_CONCURRENCY: usize = 8;
/// How long `sitefeed run` waits for another run holding the lock.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);
/// How often `sitefeed watch` runs a feed.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(15 * 60);
/// Articles first seen this recently are re-checked for corrections...
pub const DEFAULT_REFRESH_WINDOW: Duration = Duration::from_secs(24 * 3600);
/// ...at most this often.
pub const DEFAULT_REFRESH_INTERVAL: Duration = Duration::from_secs(6 * 3600);
/// Upper bound for `pages`: following next links further is crawling, not a feed.
pub(super) const MAX_PAGES: usize = 20;
/// Upper bound for `max_items`, so a typo cannot make a feed of a million entries.
pub(super) const MAX_ITEMS_LIMIT: usize = 10_000;

/// The default User-Agent: names the tool, its version and where to read about it, so site
/// operators can tell who is calling.
pub fn default_user_agent() -> String {
    format!(
        "sitefeed/{} (+https://crates.io/crates/sitefeed)",
        env!("CARGO_PKG_VERSION")
    )
}

/// A config that failed to load: the file, the position when known, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    /// 1-based line and column.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => write!(
                f,
                "{}:{line}:{column}: {}",
                self.file.display(),
                self.message
            ),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// A local directory, or object storage (`s3://bucket/prefix`, `gs://`, `az://`, `file://`).
    pub output_dir: crate::output::OutputDir,
    /// `Cache-Control` of every object put to object storage.
    pub cache_control: String,
    /// The state store of this process: `state_template` with `{shard}` replaced by the
    /// shard's index (`0` until [`crate::shard::apply`] picks another).
    pub state: PathBuf,
    /// `state` as written, possibly with the `{shard}` placeholder.
    pub state_template: PathBuf,
    /// Public URL of `output_dir`, always ending in `/`.
    pub base_url: Url,
    /// Everything the fetcher needs: User-Agent, delay, timeouts, limits, retries.
    pub fetch: FetchSettings,
    pub concurrency: usize,
    pub lock_timeout: Duration,
    pub refresh_window: Duration,
    pub refresh_interval: Duration,
    /// The title of `index.html` and `feeds.opml`.
    pub title: String,
    /// Chromium for `render = "browser"` feeds as the config names it (`browser`); `None`
    /// leaves it to `SITEFEED_CHROMIUM` and `PATH` (see [`crate::browser::locate`]).
    pub browser: Option<PathBuf>,
    pub feeds: Vec<Feed>,
}

/// One `[[feed]]`.
#[derive(Debug, Clone)]
pub struct Feed {
    /// File stem of the feed's output files; checked to be a safe single path component.
    pub name: String,
    pub title: Option<String>,
    /// Section pages, in the order given.
    pub urls: Vec<Url>,
    pub rules: Rules,
    pub max_items: usize,
    /// Zone for page times that carry none (UTC when unset).
    pub timezone: Option<Tz>,
    /// How often `sitefeed watch` runs this feed.
    pub interval: Duration,
    pub respect_robots: bool,
    /// Hosts besides the section pages' own that redirects may lead to (`"*"`: any).
    pub allowed_hosts: Vec<String>,
    /// Which documents are written, in a fixed order.
    pub formats: Vec<Format>,
    pub filter: Filter,
    /// Section pages read per URL, following each page's next link.
    pub pages: usize,
    /// The feed's site: its first section page, else its first sitemap.
    pub site: Url,
    pub sitemaps: crate::sitemap::Sitemaps,
    /// Whether sitemap entries are completed from their article pages (`fetch_articles`).
    pub fetch_articles: bool,
    /// Whether `urls` are section pages or the site's own feeds (`source`).
    pub source: Source,
    /// How its pages are loaded: over HTTP, or rendered in Chromium.
    pub render: Rendering,
    /// How its articles' text is picked and bounded (`full_text`); `None`: metadata only.
    pub full_text: Option<crate::fulltext::FullText>,
}

/// A feed document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    /// The file extension, which is also the name used in `formats`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::Json => "json",
        }
    }

    /// The media type, for autodiscovery links.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml",
            Format::Atom => "application/atom+xml",
            Format::Json => "application/feed+json",
        }
    }
}

/// Which stored articles a feed shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// An article must match one of these (in its title, URL or a keyword), when any is given.
    pub include: Vec<Arc<Regex>>,
    /// An article matching any of these is left out.
    pub exclude: Vec<Arc<Regex>>,
    /// Articles older than this are left out.
    pub max_age: Option<Duration>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    output_dir: Option<Spanned<String>>,
    cache_control: Option<Spanned<String>>,
    state: Option<Spanned<String>>,
    base_url: Option<Spanned<String>>,
    user_agent: Option<Spanned<String>>,
    delay: Option<Spanned<String>>,
    connect_timeout: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
    max_body_size: Option<Spanned<u64>>,
    full_text: Option<bool>,
    max_content_size: Option<Spanned<u64>>,
    max_redirects: Option<Spanned<u32>>,
    retries: Option<Spanned<u32>>,
    retry_backoff: Option<Spanned<String>>,
    concurrency: Option<Spanned<u32>>,
    lock_timeout: Option<Spanned<String>>,
    interval: Option<Spanned<String>>,
    refresh_window: Option<Spanned<String>>,
    refresh_interval: Option<Spanned<String>>,
    respect_robots: Option<bool>,
    block_private_addresses: Option<bool>,
    title: Option<Spanned<String>>,
    max_items: Option<Spanned<i64>>,
    timezone: Option<Spanned<String>>,
    browser: Option<Spanned<String>>,
    #[serde(default)]
    feed: Vec<Spanned<RawFeed>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    name: Spanned<String>,
    title: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    urls: Option<Spanned<Vec<Spanned<String>>>>,
    article_selector: Option<Spanned<String>>,
    article_pattern: Option<Spanned<String>>,
    max_items: Option<Spanned<i64>>,
    timezone: Option<Spanned<String>>,
    interval: Option<Spanned<String>>,
    respect_robots: Option<bool>,
    allowed_hosts: Option<Vec<String>>,
    formats: Option<Spanned<Vec<Spanned<String>>>>,
    include: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    max_age: Option<Spanned<String>>,
    pages: Option<Spanned<i64>>,
    next_selector: Option<Spanned<String>>,
    sitemaps: Option<Spanned<RawSitemaps>>,
    fetch_articles: Option<bool>,
    source: Option<Spanned<String>>,
    render: Option<Spanned<String>>,
    render_articles: Option<Spanned<bool>>,
    wait_for: Option<Spanned<String>>,
    full_text: Option<Spanned<bool>>,
    full_text_selector: Option<Spanned<String>>,
    max_content_size: Option<Spanned<u64>>,
}

impl Config {
    /// Reads and validates the config file at `path`. Relative paths inside it are resolved
    /// against the file's directory, so cron can run sitefeed from anywhere.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|err| ConfigError {
            file: path.to_path_buf(),
            position: None,
            message: format!("cannot read the config file: {err}"),
        })?;
        Config::parse(&text, path)
    }

    /// Validates config `text` as if read from `path` (which names it in errors and anchors
    /// relative paths).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let ctx = Context {
            text,
            path,
            regexes: Default::default(),
        };
        let raw: RawConfig = toml::from_str(text).map_err(|err| {
            let message = err.message().trim().replace('\n', " ");
            let offset = err.span().map(|s| s.start);
            ctx.error(offset, plain::rewrite(&message, text, offset))
        })?;
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));

        let output_dir = match &raw.output_dir {
            Some(s) => ctx.output_dir(s, dir)?,
            None => crate::output::OutputDir::Local(dir.join(DEFAULT_OUTPUT_DIR)),
        };
        let cache_control = ctx.cache_control(raw.cache_control.as_ref(), &output_dir)?;
        let state_template = dir.join(
            raw.state
                .as_ref()
                .map(|s| ctx.state(s))
                .transpose()?
                .unwrap_or(DEFAULT_STATE),
        );
        let state = crate::shard::state_path(&state_template, crate::shard::Shard::ALL);
        if let Some(local) = output_dir.local() {
            ctx.creatable_dir(raw.output_dir.as_ref(), "output_dir", local)?;
        }
        if let Some(state_dir) = state_template.parent() {
            ctx.creatable_dir(raw.state.as_ref(), "state", state_dir)?;
        }
        let base_url = match &raw.base_url {
            None => {
                return Err(ctx.error(
                    Some(0),
                    "missing key `base_url` (the public URL where output_dir is hosted)",
                ))
            }
            Some(s) => {
                let mut url = ctx.http_url(s, "base_url")?;
                if !url.path().ends_with('/') {
                    let path = format!("{}/", url.path());
                    url.set_path(&path);
                }
                url
            }
        };
        let user_agent = match &raw.user_agent {
            Some(s) => ctx.non_empty(s, "user_agent")?.to_string(),
            None => default_user_agent(),
        };
        let delay = ctx.duration(raw.delay.as_ref(), "delay", DEFAULT_DELAY)?;
        let timeout = ctx.positive_duration(raw.timeout.as_ref(), "timeout", DEFAULT_TIMEOUT)?;
        let connect_timeout = ctx.positive_duration(
            raw.connect_timeout.as_ref(),
            "connect_timeout",
            DEFAULT_CONNECT_TIMEOUT,
        )?;
        let retry_backoff = ctx.duration(
            raw.retry_backoff.as_ref(),
            "retry_backoff",
            DEFAULT_RETRY_BACKOFF,
        )?;
        let lock_timeout = ctx.duration(
            raw.lock_timeout.as_ref(),
            "lock_timeout",
            DEFAULT_LOCK_TIMEOUT,
        )?;
        let interval =
            ctx.positive_duration(raw.interval.as_ref(), "interval", DEFAULT_INTERVAL)?;
        let refresh_window = ctx.duration(
            raw.refresh_window.as_ref(),
            "refresh_window",
            DEFAULT_REFRESH_WINDOW,
        )?;
        let refresh_interval = ctx.positive_duration(
            raw.refresh_interval.as_ref(),
            "refresh_interval",
            DEFAULT_REFRESH_INTERVAL,
        )?;
        let max_redirects = match &raw.max_redirects {
            Some(s) if *s.get_ref() > 30 => {
                return Err(ctx.at(s, "`max_redirects` must be at most 30"))
            }
            Some(s) => *s.get_ref(),
            None => DEFAULT_MAX_REDIRECTS,
        };
        let retries = match &raw.retries {
            Some(s) if *s.get_ref() > 10 => return Err(ctx.at(s, "`retries` must be at most 10")),
            Some(s) => *s.get_ref(),
            None => DEFAULT_RETRIES,
        };
        let concurrency = match &raw.concurrency {
            Some(s) if !(1..=64).contains(s.get_ref()) => {
                return Err(ctx.at(s, "`concurrency` must be between 1 and 64"))
            }
            Some(s) => *s.get_ref() as usize,
            None => DEFAULT_CONCURRENCY,
        };
        let respect_robots = raw.respect_robots.unwrap_or(true);
        let max_body_size = match &raw.max_body_size {
            Some(s) if *s.get_ref() < 1024 => {
                return Err(ctx.at(s, "max_body_size must be at least 1024 bytes"))
            }
            Some(s) => *s.get_ref(),
            None => DEFAULT_MAX_BODY_SIZE,
        };
        let max_items = ctx.max_items(raw.max_items.as_ref(), DEFAULT_MAX_ITEMS)?;
        let full_text = ctx.full_text_defaults(raw.full_text, raw.max_content_size.as_ref())?;
        let timezone = raw.timezone.as_ref().map(|s| ctx.timezone(s)).transpose()?;
        let browser = ctx.browser_path(raw.browser.as_ref(), dir)?;

        if raw.feed.is_empty() {
            return Err(ctx.error(None, "no [[feed]] is configured"));
        }
        let mut names = HashSet::new();
        let mut feeds = Vec::with_capacity(raw.feed.len());
        for feed in &raw.feed {
            let feed_start = feed.span().start;
            let feed = feed.get_ref();
            let name = ctx.feed_name(&feed.name)?;
            if !names.insert(name.to_ascii_lowercase()) {
                return Err(ctx.at(&feed.name, format!("duplicate feed name \"{name}\"")));
            }
            let urls = match (&feed.url, &feed.urls) {
                (Some(url), None) => vec![ctx.http_url(url, "url")?],
                (None, Some(urls)) if urls.get_ref().is_empty() => {
                    return Err(ctx.at(urls, format!("feed \"{name}\": `urls` is empty")))
                }
                (None, Some(urls)) => urls
                    .get_ref()
                    .iter()
                    .map(|u| ctx.http_url(u, "urls"))
                    .collect::<Result<Vec<_>, _>>()?,
                (Some(url), Some(_)) => {
                    return Err(ctx.at(
                        url,
                        format!("feed \"{name}\": give `url` or `urls`, not both"),
                    ))
                }
                // `sitemaps` says itself what it lacks without `url`.
                (None, None) if feed.sitemaps.is_some() => Vec::new(),
                (None, None) => {
                    return Err(ctx.error(
                        Some(feed_start),
                        format!("feed \"{name}\": missing `url` (the section page to read)"),
                    ))
                }
            };
            let selector = feed
                .article_selector
                .as_ref()
                .map(|s| ctx.selector(s, name, "article_selector"))
                .transpose()?;
            let pattern = feed
                .article_pattern
                .as_ref()
                .map(|s| ctx.regex(s, name, "article_pattern"))
                .transpose()?;
            let regexes = |list: &Option<Vec<Spanned<String>>>, key: &str| {
                list.iter()
                    .flatten()
                    .map(|s| ctx.regex(s, name, key))
                    .collect::<Result<Vec<_>, _>>()
            };
            let filter = Filter {
                include: regexes(&feed.include, "include")?,
                exclude: regexes(&feed.exclude, "exclude")?,
                max_age: feed
                    .max_age
                    .as_ref()
                    .map(|v| ctx.positive_duration(Some(v), "max_age", Duration::ZERO))
                    .transpose()?,
            };
            let formats = match &feed.formats {
                None => Format::ALL.to_vec(),
                Some(list) => {
                    let mut formats = Vec::new();
                    for f in list.get_ref() {
                        let format = Format::ALL
                            .into_iter()
                            .find(|known| known.extension() == f.get_ref())
                            .ok_or_else(|| {
                                ctx.at(
                                    f,
                                    format!(
                                        "feed \"{name}\": unknown format \"{}\" (use \"rss\", \"atom\", \"json\")",
                                        f.get_ref()
                                    ),
                                )
                            })?;
                        formats.push(format);
                    }
                    formats.sort();
                    formats.dedup();
                    if formats.is_empty() {
                        return Err(ctx.at(list, format!("feed \"{name}\": `formats` is empty")));
                    }
                    formats
                }
            };
            let pages = match &feed.pages {
                None => 1,
                Some(p) => match usize::try_from(*p.get_ref()) {
                    Ok(n) if (1..=MAX_PAGES).contains(&n) => n,
                    _ => {
                        return Err(ctx.at(
                            p,
                            format!("feed \"{name}\": `pages` must be between 1 and {MAX_PAGES}"),
                        ))
                    }
                },
            };
            let next_selector = feed
                .next_selector
                .as_ref()
                .map(|s| ctx.selector(s, name, "next_selector"))
                .transpose()?;
            let title = feed
                .title
                .as_ref()
                .map(|t| ctx.non_empty(t, "title").map(str::to_string))
                .transpose()?;
            let sitemaps = ctx.sitemaps(feed.sitemaps.as_ref(), name, !urls.is_empty())?;
            let section_only = [
                (
                    "article_selector",
                    feed.article_selector.as_ref().map(|s| s.span().start),
                ),
                (
                    "next_selector",
                    feed.next_selector.as_ref().map(|s| s.span().start),
                ),
                ("pages", feed.pages.as_ref().map(|s| s.span().start)),
            ]
            .into_iter()
            .find_map(|(key, at)| Some((key, at?)));
            let source = ctx.source(feed.source.as_ref(), name, section_only, !urls.is_empty())?;
            let site = match (&sitemaps, urls.first()) {
                (_, Some(url)) => url.clone(),
                (crate::sitemap::Sitemaps::List(list), None) => {
                    let mut origin = list[0].clone();
                    origin.set_path("/");
                    origin.set_query(None);
                    origin
                }
                _ => unreachable!("a feed without `url` has a list of sitemaps"),
            };
            feeds.push(Feed {
                name: name.to_string(),
                title,
                urls,
                rules: Rules {
                    selector,
                    pattern,
                    next_selector,
                },
                max_items: ctx.max_items(feed.max_items.as_ref(), max_items)?,
                timezone: match &feed.timezone {
                    Some(tz) => Some(ctx.timezone(tz)?),
                    None => timezone,
                },
                interval: ctx.positive_duration(feed.interval.as_ref(), "interval", interval)?,
                respect_robots: feed.respect_robots.unwrap_or(respect_robots),
                allowed_hosts: feed
                    .allowed_hosts
                    .iter()
                    .flatten()
                    .map(|h| h.trim().to_ascii_lowercase())
                    .filter(|h| !h.is_empty())
                    .collect(),
                formats,
                filter,
                pages,
                site,
                sitemaps,
                fetch_articles: feed.fetch_articles.unwrap_or(true),
                source,
                render: ctx.rendering(
                    name,
                    feed.render.as_ref(),
                    feed.render_articles.as_ref(),
                    feed.wait_for.as_ref(),
                )?,
                full_text: ctx.full_text(
                    name,
                    full_text,
                    feed.fetch_articles.unwrap_or(true),
                    feed.full_text.as_ref(),
                    feed.full_text_selector.as_ref(),
                    feed.max_content_size.as_ref(),
                )?,
            });
        }

        Ok(Config {
            path: path.to_path_buf(),
            output_dir,
            cache_control,
            state,
            state_template,
            base_url,
            fetch: FetchSettings {
                user_agent,
                delay,
                connect_timeout,
                timeout,
                max_body_size,
                max_redirects,
                retries,
                retry_backoff,
                block_private_addresses: raw.block_private_addresses.unwrap_or(false),
            },
            concurrency,
            lock_timeout,
            refresh_window,
            refresh_interval,
            title: match &raw.title {
                Some(t) => ctx.non_empty(t, "title")?.to_string(),
                None => DEFAULT_TITLE.to_string(),
            },
            browser,
            feeds,
        })
    }
}

/// Parses durations written like `"500ms"`, `"1s"`, `"15m"`, `"2h"`, `"1d"`, `"1h30m"`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text == "0" {
        return Some(Duration::ZERO);
    }
    humantime::parse_duration(text).ok()
}

#[cfg(test)]
mod tests;
