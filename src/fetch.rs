//! The one HTTP client: every request sitefeed sends goes through [`Fetcher`].
//!
//! It owns politeness (an identifying User-Agent, robots.txt, at most one request in flight per
//! host and a minimum gap between two of them, backoff on 429/503), limits (timeouts, a body
//! cap applied after decompression, a redirect limit, redirects kept to http(s) and to the
//! feed's hosts) and turns the body into text with the right charset. Keeping all of this in
//! one place is what lets the rest of the pipeline stay pure.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use tracing::debug;
use url::Url;

use crate::charset;

mod guard;
mod robots;
mod send;

use guard::check_public;
pub use robots::RobotsRecord;
pub use send::{BodySink, Capped, Streamed};
use send::{Response, SendError};

/// How long a robots.txt is trusted before it is fetched again.
pub const ROBOTS_TTL: Duration = Duration::from_secs(24 * 3600);
/// The longest `Retry-After` or `Crawl-delay` honoured: a `Crawl-delay` above it is cut to it,
/// and a request whose `Retry-After` asks for more fails at once for this pass.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(120);
/// The product token matched against robots.txt groups.
pub const ROBOTS_AGENT: &str = "sitefeed";

/// A response validator pair kept between runs for conditional requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// A page fetched and decoded.
#[derive(Debug, Clone)]
pub struct Page {
    /// Where the page was finally found, after redirects: the base for its relative links.
    pub url: Url,
    pub status: u16,
    pub html: String,
    pub validators: Validators,
}

/// What a conditional request yields.
#[derive(Debug, Clone)]
pub enum Fetched {
    Page(Page),
    /// 304: the page is as it was when the validators sent were stored.
    NotModified,
}

/// Why a request failed; each message names the URL.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("GET {url}: HTTP {status}")]
    Status { url: Url, status: u16 },
    #[error("GET {url}: response body larger than {limit} bytes (max_body_size)")]
    TooLarge { url: Url, limit: u64 },
    #[error("GET {url}: not an HTML page (Content-Type {content_type})")]
    NotHtml { url: Url, content_type: String },
    #[error("GET {url}: disallowed by {robots} (set respect_robots = false to override)")]
    Robots { url: Url, robots: String },
    /// `refusal` says where the redirect led and why it was not followed.
    #[error("GET {url}: redirect to {refusal}")]
    Redirect { url: Url, refusal: String },
    #[error("GET {url}: {message}")]
    Transport { url: Url, message: String },
    #[error("GET {url}: empty response body")]
    Empty { url: Url },
    #[error("GET {url}: {address} is a loopback, private or link-local address (block_private_addresses)")]
    Private { url: Url, address: String },
    /// A request a rendered page made to a host that is not the feed's.
    #[error("GET {url}: {host} is not one of the feed's hosts (add it to allowed_hosts)")]
    OffSite { url: Url, host: String },
    /// `render = "browser"` without a browser to run; the message says how to get one.
    #[error("{message}")]
    NoBrowser { message: String },
}

impl FetchError {
    /// The HTTP status the failure came with, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Settings of a [`Fetcher`]: the config's fetch keys.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    pub user_agent: String,
    pub delay: Duration,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub max_body_size: u64,
    pub max_redirects: u32,
    pub retries: u32,
    /// The first retry's wait; each further retry doubles it.
    pub retry_backoff: Duration,
    /// Refuse loopback, private and link-local addresses (for untrusted configs).
    pub block_private_addresses: bool,
}

impl Default for FetchSettings {
    /// The settings a config with none of the fetch keys gets.
    fn default() -> FetchSettings {
        use crate::config as c;
        FetchSettings {
            user_agent: c::default_user_agent(),
            delay: c::DEFAULT_DELAY,
            connect_timeout: c::DEFAULT_CONNECT_TIMEOUT,
            timeout: c::DEFAULT_TIMEOUT,
            max_body_size: c::DEFAULT_MAX_BODY_SIZE,
            max_redirects: c::DEFAULT_MAX_REDIRECTS,
            retries: c::DEFAULT_RETRIES,
            retry_backoff: c::DEFAULT_RETRY_BACKOFF,
            block_private_addresses: false,
        }
    }
}

/// What one request may do, from the feed it is made for.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Hosts redirects may lead to besides the requested URL's own site (`"*"`: any); empty
    /// keeps redirects on the site.
    pub allowed_hosts: Vec<String>,
    pub respect_robots: bool,
}

/// One host's politeness state; its mutex is held for a whole request, so there is at most
/// one request in flight per host.
struct Host {
    next_slot: Instant,
    crawl_delay: Duration,
    robots: Option<(RobotsRecord, Option<texting_robots::Robot>)>,
}

/// What a fetcher has sent so far, for the run summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchStats {
    pub requests: u64,
    pub not_modified: u64,
}

/// The HTTP client, shared by all worker threads of a pass.
pub struct Fetcher {
    agent: ureq::Agent,
    settings: FetchSettings,
    hosts: Mutex<HashMap<String, Arc<Mutex<Host>>>>,
    requests: AtomicU64,
    not_modified: AtomicU64,
}

impl Fetcher {
    pub fn new(settings: FetchSettings) -> Fetcher {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .user_agent(settings.user_agent.as_str())
            .timeout_global(Some(settings.timeout))
            .timeout_connect(Some(settings.connect_timeout))
            // Redirects are followed here, hop by hop, to check where each one leads.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .http_status_as_error(false)
            .build()
            .into();
        Fetcher {
            agent,
            settings,
            hosts: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
            not_modified: AtomicU64::new(0),
        }
    }

    /// The body cap (`max_body_size`), for readers that decompress a streamed body.
    pub fn max_body_size(&self) -> u64 {
        self.settings.max_body_size
    }

    pub fn stats(&self) -> FetchStats {
        FetchStats {
            requests: self.requests.load(Ordering::Relaxed),
            not_modified: self.not_modified.load(Ordering::Relaxed),
        }
    }

    fn host(&self, name: &str) -> Arc<Mutex<Host>> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(name.to_ascii_lowercase())
            .or_insert_with(|| {
                Arc::new(Mutex::new(Host {
                    next_slot: Instant::now(),
                    crawl_delay: Duration::ZERO,
                    robots: None,
                }))
            })
            .clone()
    }

    /// GETs `url` under `policy`, sending `validators` as `If-None-Match` /
    /// `If-Modified-Since` when given.
    pub fn get(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        policy: &Policy,
    ) -> Result<Fetched, FetchError> {
        let (current, response) = self.follow(url, validators, policy, None)?;
        self.finish(url, current, response, validators.is_some())
    }

    /// Like [`Fetcher::get`], with the same politeness, robots.txt and validators, but the
    /// body of a 2xx answer is handed to `sink` as it arrives, capped at `max_body_size`,
    /// instead of being read into memory: for sitemaps, which may be tens of megabytes.
    pub fn get_streaming(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        policy: &Policy,
        sink: &mut BodySink<'_>,
    ) -> Result<Streamed, FetchError> {
        let (current, response) = self.follow(url, validators, policy, Some(sink))?;
        let status = response.status;
        if status == 304 && validators.is_some() {
            self.not_modified.fetch_add(1, Ordering::Relaxed);
            return Ok(Streamed::NotModified);
        }
        if !(200..300).contains(&status) {
            return Err(FetchError::Status {
                url: url.clone(),
                status,
            });
        }
        let header = |name: &str| {
            response
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Ok(Streamed::Read {
            url: current,
            validators: Validators {
                etag: header("etag"),
                last_modified: header("last-modified"),
            },
        })
    }

    /// Sends the request and follows redirects hop by hop; the final response.
    fn follow(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        policy: &Policy,
        mut sink: Option<&mut BodySink<'_>>,
    ) -> Result<(Url, Response), FetchError> {
        let mut current = url.clone();
        let mut visited = HashSet::new();
        for _ in 0..=self.settings.max_redirects {
            visited.insert(current.clone());
            let response =
                self.request_polite(&current, validators, policy, sink.as_deref_mut())?;
            if !matches!(response.status, 301 | 302 | 303 | 307 | 308) {
                return Ok((current, response));
            }
            let location = response
                .headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let refuse = |to: &str, reason: &str| FetchError::Redirect {
                url: url.clone(),
                refusal: format!("{to} refused: {reason}"),
            };
            let next = current
                .join(location)
                .map_err(|_| refuse(location, "not a URL"))?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(refuse(next.as_str(), "only http and https are followed"));
            }
            if !redirect_allowed(url, &next, &policy.allowed_hosts) {
                return Err(refuse(
                    next.as_str(),
                    "it leaves the feed's hosts (add the host to allowed_hosts)",
                ));
            }
            if visited.contains(&next) {
                return Err(refuse(next.as_str(), "redirect loop"));
            }
            debug!("{current} redirects to {next}");
            current = next;
        }
        Err(FetchError::Transport {
            url: url.clone(),
            message: format!(
                "more than {} redirects (max_redirects)",
                self.settings.max_redirects
            ),
        })
    }

    /// Judges a final (non-redirect) response.
    fn finish(
        &self,
        requested: &Url,
        final_url: Url,
        response: Response,
        conditional: bool,
    ) -> Result<Fetched, FetchError> {
        let status = response.status;
        if status == 304 && conditional {
            self.not_modified.fetch_add(1, Ordering::Relaxed);
            return Ok(Fetched::NotModified);
        }
        if !(200..300).contains(&status) {
            return Err(FetchError::Status {
                url: requested.clone(),
                status,
            });
        }
        let header = |name: &str| {
            response
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type");
        if let Some(ct) = &content_type {
            if !is_html_like(ct) {
                return Err(FetchError::NotHtml {
                    url: requested.clone(),
                    content_type: ct.clone(),
                });
            }
        }
        let body = response.body.unwrap_or_default();
        // An empty page is a server fault (a crashed backend behind a proxy, say), not a page
        // without articles: reading it as one would store or publish nothing as something.
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(FetchError::Empty {
                url: requested.clone(),
            });
        }
        let (html, _) = charset::decode_html(&body, content_type.as_deref());
        Ok(Fetched::Page(Page {
            url: final_url,
            status,
            html,
            validators: Validators {
                etag: header("etag"),
                last_modified: header("last-modified"),
            },
        }))
    }

    /// One request (no redirect following) under the host's lock: robots.txt first, the gap
    /// since the last request, then retries with backoff on transient failures.
    fn request_polite(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        policy: &Policy,
        mut sink: Option<&mut BodySink<'_>>,
    ) -> Result<Response, FetchError> {
        if self.settings.block_private_addresses {
            check_public(url)?;
        }
        let host_name = url.host_str().unwrap_or_default().to_string();
        let host = self.host(&host_name);
        let mut host = host.lock().unwrap_or_else(|e| e.into_inner());
        if policy.respect_robots {
            self.check_robots(&mut host, url)?;
        }
        let mut attempt = 0;
        loop {
            let result = self.send_polite(&mut host, url, validators, sink.as_deref_mut());
            let wait = match &result {
                Ok(response) if is_retryable_status(response.status) => {
                    let asked = retry_after(&response.headers, SystemTime::now());
                    Some(asked.unwrap_or_else(|| self.backoff(attempt)))
                }
                Err(err) if err.retryable => Some(self.backoff(attempt)),
                _ => None,
            };
            match wait {
                Some(wait) if attempt < self.settings.retries && wait <= MAX_SERVER_WAIT => {
                    attempt += 1;
                    debug!("retrying {url} in {wait:?} (attempt {attempt})");
                    std::thread::sleep(wait);
                }
                _ => return result.map_err(|err| *err.error),
            }
        }
    }

    /// Exponential backoff with ±25% jitter, so many clients do not retry in step.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.settings.retry_backoff * 2u32.saturating_pow(attempt.min(10));
        base.mul_f64(0.75 + fastrand::f64() * 0.5)
            .min(MAX_SERVER_WAIT)
    }

    /// Sends one request once the host's gap has passed, and starts the next gap when the
    /// response is read: `delay` is a quiet time between requests, however long each takes.
    fn send_polite(
        &self,
        host: &mut Host,
        url: &Url,
        validators: Option<&Validators>,
        sink: Option<&mut BodySink<'_>>,
    ) -> Result<Response, SendError> {
        let now = Instant::now();
        if host.next_slot > now {
            std::thread::sleep(host.next_slot - now);
        }
        let result = self.send(url, validators, sink);
        host.next_slot = Instant::now() + self.settings.delay.max(host.crawl_delay);
        result
    }

    /// Lets a request that Chromium is about to send for a rendered `page` go out under
    /// `policy`, as if this fetcher sent it: an http(s) URL on the page's site or the feed's
    /// `allowed_hosts`, allowed by robots.txt, after the host's gap (which starts again now,
    /// since when the browser's response ends is not seen here). Counted as a request.
    pub fn admit(&self, url: &Url, page: &Url, policy: &Policy) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Transport {
                url: url.clone(),
                message: "only http and https are loaded".into(),
            });
        }
        if !redirect_allowed(page, url, &policy.allowed_hosts) {
            return Err(FetchError::OffSite {
                url: url.clone(),
                host: url.host_str().unwrap_or_default().to_string(),
            });
        }
        if self.settings.block_private_addresses {
            check_public(url)?;
        }
        let host = self.host(url.host_str().unwrap_or_default());
        let mut host = host.lock().unwrap_or_else(|e| e.into_inner());
        if policy.respect_robots {
            self.check_robots(&mut host, url)?;
        }
        let now = Instant::now();
        if host.next_slot > now {
            std::thread::sleep(host.next_slot - now);
        }
        host.next_slot = Instant::now() + self.settings.delay.max(host.crawl_delay);
        self.requests.fetch_add(1, Ordering::Relaxed);
        debug!("GET {url} (browser)");
        Ok(())
    }

    /// The settings this fetcher was made with: the browser reuses its User-Agent, timeout
    /// and body cap.
    pub fn settings(&self) -> &FetchSettings {
        &self.settings
    }
}

/// 408, 429 and 5xx are worth another try; other statuses are the server's answer.
fn is_retryable_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..600).contains(&status)
}

/// The wait a `Retry-After` header asks for: seconds, or an HTTP date relative to `now`.
fn retry_after(headers: &ureq::http::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Same site (ignoring `www.`), or a host the feed allows.
fn redirect_allowed(from: &Url, to: &Url, allowed_hosts: &[String]) -> bool {
    let bare = |u: &Url| {
        u.host_str()
            .unwrap_or_default()
            .trim_start_matches("www.")
            .to_ascii_lowercase()
    };
    let to_host = bare(to);
    bare(from) == to_host
        || allowed_hosts.iter().any(|h| {
            let h = h.trim_start_matches("www.").to_ascii_lowercase();
            h == "*" || h == to_host
        })
}

/// Pages are sometimes served with sloppy types; refuse only what clearly is not markup.
fn is_html_like(content_type: &str) -> bool {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime.is_empty()
        || mime.starts_with("text/")
        || mime.contains("html")
        || mime.contains("xml")
        || mime == "application/octet-stream"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_like_types() {
        assert!(is_html_like("text/html; charset=utf-8"));
        assert!(is_html_like("application/xhtml+xml"));
        assert!(is_html_like("TEXT/PLAIN"));
        assert!(!is_html_like("image/jpeg"));
        assert!(!is_html_like("application/pdf"));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = ureq::http::HeaderMap::new();
        assert_eq!(retry_after(&headers, SystemTime::now()), None);
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(
            retry_after(&headers, SystemTime::now()),
            Some(Duration::from_secs(7))
        );
        let now = httpdate::parse_http_date("Tue, 27 Jan 2026 12:00:00 GMT").unwrap();
        headers.insert(
            "retry-after",
            "Tue, 27 Jan 2026 12:00:30 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        headers.insert(
            "retry-after",
            "Tue, 27 Jan 2026 11:00:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn retryable_statuses() {
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(status), "{status}");
        }
        for status in [200, 304, 400, 403, 404, 410] {
            assert!(!is_retryable_status(status), "{status}");
        }
    }

    #[test]
    fn redirects_stay_on_the_site_unless_allowed() {
        let from = Url::parse("https://news.example/world/").unwrap();
        let www = Url::parse("https://www.news.example/world/").unwrap();
        let other = Url::parse("https://tracker.example/x").unwrap();
        assert!(redirect_allowed(&from, &www, &[]));
        assert!(!redirect_allowed(&from, &other, &[]));
        assert!(redirect_allowed(&from, &other, &["tracker.example".into()]));
        assert!(redirect_allowed(&from, &other, &["*".into()]));
    }

    #[test]
    fn backoff_doubles_with_jitter() {
        let fetcher = Fetcher::new(FetchSettings {
            retry_backoff: Duration::from_millis(100),
            ..FetchSettings::default()
        });
        for _ in 0..20 {
            let first = fetcher.backoff(0);
            assert!((75..=125).contains(&first.as_millis()), "{first:?}");
            let third = fetcher.backoff(2);
            assert!((300..=500).contains(&third.as_millis()), "{third:?}");
        }
    }

    #[test]
    fn admit_applies_the_feeds_hosts_and_robots_to_browser_requests() {
        let fetcher = Fetcher::new(FetchSettings {
            delay: Duration::ZERO,
            ..FetchSettings::default()
        });
        fetcher.load_robots(vec![RobotsRecord {
            host: "news.example".into(),
            body: "User-agent: *\nDisallow: /api/\n".into(),
            unreachable: false,
            fetched_at: SystemTime::now(),
        }]);
        let page = Url::parse("https://news.example/world/").unwrap();
        let url = |u: &str| Url::parse(u).unwrap();
        let policy = Policy {
            allowed_hosts: vec!["cdn.example".into()],
            respect_robots: true,
        };
        assert!(fetcher
            .admit(&url("https://news.example/app.js"), &page, &policy)
            .is_ok());
        let err = fetcher
            .admit(&url("https://news.example/api/list"), &page, &policy)
            .unwrap_err();
        assert!(matches!(err, FetchError::Robots { .. }), "{err}");
        let err = fetcher
            .admit(&url("https://tracker.example/t.js"), &page, &policy)
            .unwrap_err();
        assert!(err.to_string().contains("allowed_hosts"), "{err}");
        assert!(fetcher
            .admit(&url("data:text/plain,x"), &page, &policy)
            .is_err());
        assert_eq!(
            fetcher.stats().requests,
            1,
            "only what was let through counts"
        );
    }
}
