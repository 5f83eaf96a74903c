//! The one HTTP client: every request sitefeed sends goes through [`Fetcher`].
//!
//! It owns politeness (an identifying User-Agent, a minimum gap between two requests to one
//! host), limits (a whole-request timeout, a body cap applied after decompression, a redirect
//! limit) and turns the body into text with the right charset. Keeping all of this in one
//! place is what lets the rest of the pipeline stay pure.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::ResponseExt;
use url::Url;

use crate::charset;

/// Redirects followed before a request fails.
pub const MAX_REDIRECTS: u32 = 10;

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
    pub html: String,
    pub validators: Validators,
}

/// What a conditional request yields.
#[derive(Debug, Clone)]
pub enum Fetched {
    Page(Page),
    /// 304: the page is as it was when `validators` were stored.
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
    #[error("GET {url}: {message}")]
    Transport { url: Url, message: String },
}

/// Settings of a [`Fetcher`], from the config.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    pub user_agent: String,
    pub delay: Duration,
    pub timeout: Duration,
    pub max_body_size: u64,
}

/// The HTTP client. Shareable between threads: the per-host gap is kept behind a lock.
pub struct Fetcher {
    agent: ureq::Agent,
    settings: FetchSettings,
    /// Per host, the earliest instant the next request may start.
    next_slot: Mutex<HashMap<String, Instant>>,
    requests: AtomicU64,
    not_modified: AtomicU64,
}

/// What a fetcher has sent so far, for the run summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchStats {
    pub requests: u64,
    pub not_modified: u64,
}

impl Fetcher {
    pub fn new(settings: FetchSettings) -> Fetcher {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .user_agent(settings.user_agent.as_str())
            .timeout_global(Some(settings.timeout))
            .max_redirects(MAX_REDIRECTS)
            .http_status_as_error(false)
            .build()
            .into();
        Fetcher {
            agent,
            settings,
            next_slot: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
            not_modified: AtomicU64::new(0),
        }
    }

    pub fn stats(&self) -> FetchStats {
        FetchStats {
            requests: self.requests.load(Ordering::Relaxed),
            not_modified: self.not_modified.load(Ordering::Relaxed),
        }
    }

    /// GETs `url`, sending `validators` as `If-None-Match` / `If-Modified-Since` when given.
    pub fn get(&self, url: &Url, validators: Option<&Validators>) -> Result<Fetched, FetchError> {
        self.wait_turn(url);
        self.requests.fetch_add(1, Ordering::Relaxed);
        let transport = |message: String| FetchError::Transport {
            url: url.clone(),
            message,
        };
        let mut request = self
            .agent
            .get(url.as_str())
            .header("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5");
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(date) = &v.last_modified {
                request = request.header("If-Modified-Since", date);
            }
        }
        let mut response = request.call().map_err(|err| match err {
            ureq::Error::TooManyRedirects => {
                transport(format!("more than {MAX_REDIRECTS} redirects"))
            }
            ureq::Error::Timeout(_) => transport(format!(
                "timed out after {:?} (timeout)",
                self.settings.timeout
            )),
            other => transport(other.to_string()),
        })?;
        let status = response.status().as_u16();
        if status == 304 && validators.is_some() {
            self.not_modified.fetch_add(1, Ordering::Relaxed);
            return Ok(Fetched::NotModified);
        }
        if !(200..300).contains(&status) {
            return Err(FetchError::Status {
                url: url.clone(),
                status,
            });
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type");
        if let Some(ct) = &content_type {
            if !is_html_like(ct) {
                return Err(FetchError::NotHtml {
                    url: url.clone(),
                    content_type: ct.clone(),
                });
            }
        }
        let validators = Validators {
            etag: header("etag"),
            last_modified: header("last-modified"),
        };
        let final_url = Url::parse(&response.get_uri().to_string()).unwrap_or_else(|_| url.clone());
        let limit = self.settings.max_body_size;
        let bytes = response
            .body_mut()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(|err| match err {
                ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge {
                    url: url.clone(),
                    limit,
                },
                other => transport(other.to_string()),
            })?;
        let (html, _) = charset::decode_html(&bytes, content_type.as_deref());
        Ok(Fetched::Page(Page {
            url: final_url,
            html,
            validators,
        }))
    }

    /// Sleeps until this host's next slot, then books the one after it.
    fn wait_turn(&self, url: &Url) {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let start = {
            let mut slots = self.next_slot.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let start = slots
                .get(&host)
                .copied()
                .filter(|t| *t > now)
                .unwrap_or(now);
            slots.insert(host, start + self.settings.delay);
            start
        };
        let now = Instant::now();
        if start > now {
            std::thread::sleep(start - now);
        }
    }
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
    fn requests_to_one_host_keep_the_gap() {
        let fetcher = Fetcher::new(FetchSettings {
            user_agent: "t".into(),
            delay: Duration::from_millis(40),
            timeout: Duration::from_secs(1),
            max_body_size: 1024,
        });
        let a = Url::parse("http://a.example/").unwrap();
        let b = Url::parse("http://b.example/").unwrap();
        let started = Instant::now();
        fetcher.wait_turn(&a);
        fetcher.wait_turn(&b);
        fetcher.wait_turn(&a);
        assert!(started.elapsed() >= Duration::from_millis(40));
    }
}
