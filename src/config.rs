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
use scraper::Selector;
use serde::Deserialize;
use toml::Spanned;
use url::Url;

use crate::discover::Rules;
use crate::fetch::FetchSettings;

/// Where feeds are written when `output_dir` is not set.
pub const DEFAULT_OUTPUT_DIR: &str = "output";
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
const MAX_PAGES: usize = 20;
/// Upper bound for `max_items`, so a typo cannot make a feed of a million entries.
const MAX_ITEMS_LIMIT: usize = 10_000;

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
    pub output_dir: PathBuf,
    pub state: PathBuf,
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
    state: Option<Spanned<String>>,
    base_url: Option<Spanned<String>>,
    user_agent: Option<Spanned<String>>,
    delay: Option<Spanned<String>>,
    connect_timeout: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
    max_body_size: Option<Spanned<u64>>,
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
            ctx.error(err.span().map(|s| s.start), message)
        })?;
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));

        let output_dir = dir.join(
            raw.output_dir
                .as_ref()
                .map(|s| ctx.non_empty(s, "output_dir"))
                .transpose()?
                .unwrap_or(DEFAULT_OUTPUT_DIR),
        );
        let state = dir.join(
            raw.state
                .as_ref()
                .map(|s| ctx.non_empty(s, "state"))
                .transpose()?
                .unwrap_or(DEFAULT_STATE),
        );
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
        let timezone = raw.timezone.as_ref().map(|s| ctx.timezone(s)).transpose()?;

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
            });
        }

        Ok(Config {
            path: path.to_path_buf(),
            output_dir,
            state,
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
            feeds,
        })
    }
}

/// The text being validated, to turn byte offsets into line and column.
struct Context<'a> {
    text: &'a str,
    path: &'a Path,
    /// Regexes compiled so far, by pattern: feeds that share a pattern share one compiled
    /// program and its match caches (a clone of a `Regex` would get caches of its own, one per
    /// thread, which add up over hundreds of feeds).
    regexes: std::cell::RefCell<std::collections::HashMap<String, Arc<Regex>>>,
}

impl Context<'_> {
    fn error(&self, offset: Option<usize>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.path.to_path_buf(),
            position: offset.map(|o| line_column(self.text, o)),
            message: message.into(),
        }
    }

    fn at<T>(&self, value: &Spanned<T>, message: impl Into<String>) -> ConfigError {
        self.error(Some(value.span().start), message)
    }

    fn non_empty<'s>(&self, value: &'s Spanned<String>, key: &str) -> Result<&'s str, ConfigError> {
        let text = value.get_ref().trim();
        if text.is_empty() {
            return Err(self.at(value, format!("`{key}` is empty")));
        }
        Ok(text)
    }

    fn http_url(&self, value: &Spanned<String>, key: &str) -> Result<Url, ConfigError> {
        let text = value.get_ref().trim();
        let url = Url::parse(text)
            .map_err(|err| self.at(value, format!("`{key}` \"{text}\" is not a URL: {err}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(self.at(
                value,
                format!("`{key}` \"{text}\" is not an http(s) URL with a host"),
            ));
        }
        Ok(url)
    }

    fn duration(
        &self,
        value: Option<&Spanned<String>>,
        key: &str,
        default: Duration,
    ) -> Result<Duration, ConfigError> {
        match value {
            None => Ok(default),
            Some(v) => parse_duration(v.get_ref()).ok_or_else(|| {
                self.at(
                    v,
                    format!(
                        "`{key}` \"{}\" is not a duration (write it like \"500ms\", \"1s\", \"15m\", \"2h\")",
                        v.get_ref()
                    ),
                )
            }),
        }
    }

    fn selector(
        &self,
        value: &Spanned<String>,
        feed: &str,
        key: &str,
    ) -> Result<Selector, ConfigError> {
        Selector::parse(value.get_ref()).map_err(|err| {
            self.at(
                value,
                format!(
                    "feed \"{feed}\": {key} \"{}\" is not a valid CSS selector ({})",
                    value.get_ref(),
                    selector_problem(&err)
                ),
            )
        })
    }

    fn regex(
        &self,
        value: &Spanned<String>,
        feed: &str,
        key: &str,
    ) -> Result<Arc<Regex>, ConfigError> {
        if let Some(regex) = self.regexes.borrow().get(value.get_ref()) {
            return Ok(regex.clone());
        }
        let regex = Regex::new(value.get_ref()).map(Arc::new).map_err(|err| {
            self.at(
                value,
                format!(
                    "feed \"{feed}\": {key} is not a valid regex: {}",
                    regex_problem(&err)
                ),
            )
        })?;
        self.regexes
            .borrow_mut()
            .insert(value.get_ref().clone(), regex.clone());
        Ok(regex)
    }

    fn positive_duration(
        &self,
        value: Option<&Spanned<String>>,
        key: &str,
        default: Duration,
    ) -> Result<Duration, ConfigError> {
        let duration = self.duration(value, key, default)?;
        match value {
            Some(v) if duration.is_zero() => Err(self.at(v, format!("`{key}` must be above zero"))),
            _ => Ok(duration),
        }
    }

    fn max_items(
        &self,
        value: Option<&Spanned<i64>>,
        default: usize,
    ) -> Result<usize, ConfigError> {
        match value {
            None => Ok(default),
            Some(v) => match usize::try_from(*v.get_ref()) {
                Ok(n) if (1..=MAX_ITEMS_LIMIT).contains(&n) => Ok(n),
                _ => Err(self.at(
                    v,
                    format!("`max_items` must be between 1 and {MAX_ITEMS_LIMIT}"),
                )),
            },
        }
    }

    fn timezone(&self, value: &Spanned<String>) -> Result<Tz, ConfigError> {
        value.get_ref().trim().parse::<Tz>().map_err(|_| {
            self.at(
                value,
                format!(
                    "`timezone` \"{}\" is not an IANA time zone (like \"Europe/Moscow\" or \"UTC\")",
                    value.get_ref()
                ),
            )
        })
    }

    /// A feed name becomes a file name in `output_dir`, so it must be one plain component.
    fn feed_name<'s>(&self, value: &'s Spanned<String>) -> Result<&'s str, ConfigError> {
        let name = value.get_ref().as_str();
        let safe = !name.is_empty()
            && name.len() <= 100
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        // `status.json` is the run's own file in output_dir.
        let reserved = name.eq_ignore_ascii_case("status");
        if reserved {
            return Err(self.at(
                value,
                format!("feed name \"{name}\" is reserved (output/status.json is the run status)"),
            ));
        }
        if !safe || name.contains("..") {
            return Err(self.at(
                value,
                format!(
                    "feed name \"{name}\" is not safe as a file name (use letters, digits, '-', '_' and '.', not starting with '.')"
                ),
            ));
        }
        Ok(name)
    }
}

/// What is wrong with a selector, in words: the parser's own message is a multi-line
/// apology for most errors, while its error kind names the problem.
fn selector_problem(err: &scraper::error::SelectorErrorKind) -> String {
    let kind = format!("{err:?}");
    // `UnexpectedSelectorParseError(NoQualifiedNameInAttributeSelector(..))` -> "no qualified
    // name in attribute selector": the wrapper says nothing, the variant inside does.
    let name = kind
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|part| !part.is_empty() && *part != "UnexpectedSelectorParseError")
        .unwrap_or(&kind);
    let mut words = String::new();
    for (i, c) in name.char_indices() {
        if c.is_uppercase() && i > 0 {
            words.push(' ');
        }
        words.push(c.to_ascii_lowercase());
    }
    words
}

/// The regex crate's message ends with the problem after `error: `, under a drawing of the
/// pattern; one line needs only the problem.
fn regex_problem(err: &regex::Error) -> String {
    let text = err.to_string();
    match text.rsplit_once("error: ") {
        Some((_, problem)) => problem.trim().replace('\n', " "),
        None => text.replace('\n', " "),
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
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
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("conf/feeds.toml"))
    }

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    const MINIMAL: &str = "base_url = \"https://feeds.example.org/f\"\n[[feed]]\nname = \"world\"\nurl = \"https://example.com/world/\"\n";

    #[test]
    fn minimal_config_gets_defaults_and_paths_relative_to_the_file() {
        let config = parse(MINIMAL).unwrap();
        assert_eq!(config.output_dir, Path::new("conf/output"));
        assert_eq!(config.state, Path::new("conf/sitefeed.db"));
        assert_eq!(config.base_url.as_str(), "https://feeds.example.org/f/");
        assert_eq!(config.fetch.delay, DEFAULT_DELAY);
        assert!(config.fetch.user_agent.starts_with("sitefeed/"));
        let feed = &config.feeds[0];
        assert_eq!(feed.max_items, DEFAULT_MAX_ITEMS);
        assert_eq!(feed.urls[0].as_str(), "https://example.com/world/");
        assert!(feed.rules.selector.is_none() && feed.rules.pattern.is_none());
    }

    #[test]
    fn feed_settings_override_global_ones() {
        let config = parse(
            "base_url = \"https://f.example/\"\ndelay = \"250ms\"\nmax_items = 20\ntimezone = \"UTC\"\n\
             [[feed]]\nname = \"a\"\nurls = [\"https://e.com/a/\", \"https://e.com/b/\"]\nmax_items = 5\n\
             timezone = \"Europe/Moscow\"\narticle_selector = \"a.list__title\"\narticle_pattern = '^/\\d{8}/'\n\
             [[feed]]\nname = \"b\"\nurl = \"https://e.com/c/\"\n",
        )
        .unwrap();
        assert_eq!(config.fetch.delay, Duration::from_millis(250));
        assert_eq!(config.feeds[0].urls.len(), 2);
        assert_eq!(config.feeds[0].max_items, 5);
        assert_eq!(config.feeds[0].timezone, Some(chrono_tz::Europe::Moscow));
        assert!(config.feeds[0].rules.selector.is_some());
        assert!(config.feeds[0].rules.pattern.is_some());
        assert_eq!(config.feeds[1].max_items, 20);
        assert_eq!(config.feeds[1].timezone, Some(chrono_tz::UTC));
    }

    #[test]
    fn unknown_key_names_file_line_and_column() {
        let message = err(&format!("{MINIMAL}colour = \"red\"\n"));
        assert!(message.starts_with("conf/feeds.toml:5:1: "), "{message}");
        assert!(message.contains("colour"), "{message}");
        assert!(!message.contains('\n'));
    }

    #[test]
    fn syntax_error_is_one_line_with_position() {
        let message = err("base_url = \n");
        assert!(message.starts_with("conf/feeds.toml:1:"), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }

    #[test]
    fn missing_url_is_an_error_at_the_feed() {
        let message = err("base_url = \"https://f.example/\"\n[[feed]]\nname = \"a\"\n");
        assert!(
            message.contains("conf/feeds.toml:2:1: feed \"a\": missing `url`"),
            "{message}"
        );
    }

    #[test]
    fn non_http_url_is_refused() {
        let message = err(
            "base_url = \"https://f.example/\"\n[[feed]]\nname = \"a\"\nurl = \"ftp://e.com/\"\n",
        );
        assert!(
            message.contains(":4:7: `url` \"ftp://e.com/\" is not an http(s) URL"),
            "{message}"
        );
    }

    #[test]
    fn unsafe_and_duplicate_names_are_refused() {
        for name in ["../etc", "a/b", "..", ".hidden", "", "a\\\\b"] {
            let message = err(&format!(
                "base_url = \"https://f.example/\"\n[[feed]]\nname = \"{name}\"\nurl = \"https://e.com/\"\n"
            ));
            assert!(message.contains(":3:8: feed name"), "{name}: {message}");
        }
        let message = err(&format!(
            "{MINIMAL}[[feed]]\nname = \"World\"\nurl = \"https://e.com/\"\n"
        ));
        assert!(
            message.contains(":6:8: duplicate feed name \"World\""),
            "{message}"
        );
    }

    #[test]
    fn bad_values_are_refused_with_their_position() {
        let cases = [
            ("delay = \"soon\"\n", "`delay` \"soon\" is not a duration"),
            ("timezone = \"Mars/Olympus\"\n", "is not an IANA time zone"),
            ("max_items = 0\n", "`max_items` must be between"),
            ("max_body_size = 10\n", "max_body_size must be at least"),
        ];
        for (line, expected) in cases {
            let message = err(&format!("{line}{MINIMAL}"));
            assert!(message.starts_with("conf/feeds.toml:1:"), "{message}");
            assert!(message.contains(expected), "{message}");
        }
        let message = err(&format!("{MINIMAL}article_selector = \"a[[\"\n"));
        assert!(
            message.ends_with("article_selector \"a[[\" is not a valid CSS selector (no qualified name in attribute selector)"),
            "{message}"
        );
        let message = err(&format!("{MINIMAL}article_pattern = \"(x\"\n"));
        assert!(
            message.ends_with("article_pattern is not a valid regex: unclosed group"),
            "{message}"
        );
        let message = err(&format!("{MINIMAL}article_selector = \"a[\"\n"));
        assert!(
            message.contains(":5:20: feed \"world\": article_selector \"a[\" is not a valid CSS selector (end of line)"),
            "{message}"
        );
        let message = err(&format!("{MINIMAL}article_pattern = \"(\"\n"));
        assert!(
            message.contains(":5:19: feed \"world\": article_pattern is not a valid regex"),
            "{message}"
        );
    }

    #[test]
    fn selection_and_formats_are_read() {
        let config = parse(&format!(
            "{MINIMAL}formats = [\"json\", \"rss\"]\ninclude = ['(?i)china']\nexclude = ['opinion']\n\
             max_age = \"30d\"\npages = 3\nnext_selector = \"a.more\"\n"
        ))
        .unwrap();
        let feed = &config.feeds[0];
        assert_eq!(feed.formats, [Format::Rss, Format::Json]);
        assert_eq!(feed.filter.include.len(), 1);
        assert_eq!(feed.filter.exclude.len(), 1);
        assert_eq!(feed.filter.max_age, Some(Duration::from_secs(30 * 86400)));
        assert_eq!(feed.pages, 3);
        assert!(feed.rules.next_selector.is_some());
        assert_eq!(parse(MINIMAL).unwrap().feeds[0].formats, Format::ALL);
        let message = err(&format!("{MINIMAL}formats = [\"rdf\"]\n"));
        assert!(
            message.contains(":5:12: feed \"world\": unknown format \"rdf\""),
            "{message}"
        );
        let message = err(&format!("{MINIMAL}pages = 0\n"));
        assert!(
            message.contains(":5:9: feed \"world\": `pages` must be between"),
            "{message}"
        );
        let message = err(&format!("{MINIMAL}exclude = ['(']\n"));
        assert!(
            message.contains(":5:12: feed \"world\": exclude is not a valid regex"),
            "{message}"
        );
    }

    #[test]
    fn base_url_is_required() {
        let message = err("[[feed]]\nname = \"a\"\nurl = \"https://e.com/\"\n");
        assert!(message.contains("missing key `base_url`"), "{message}");
    }

    #[test]
    fn durations_parse_in_the_documented_forms() {
        assert_eq!(parse_duration("0"), Some(Duration::ZERO));
        assert_eq!(parse_duration("0s"), Some(Duration::ZERO));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("15m"), Some(Duration::from_secs(900)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("fast"), None);
    }

    #[test]
    fn shipped_config_loads() {
        let config = Config::parse(include_str!("../feeds.toml"), Path::new("feeds.toml")).unwrap();
        let names: Vec<_> = config.feeds.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "sputnik-world",
                "sputnik-americas",
                "sputnik-russia",
                "sputnik-economy",
                "sputnik-military",
                "sputnik-science"
            ]
        );
        assert!(config
            .feeds
            .iter()
            .all(|f| f.urls[0].host_str() == Some("sputnikglobe.com")));
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\nx", 3), (2, 1));
    }
}
