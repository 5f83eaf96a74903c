//! robots.txt for the fetcher: fetched once per host and kept between runs (a day at most),
//! obeyed before every request of a feed that respects it, its `Crawl-delay` widening the
//! host's gap, and its `Sitemap:` lines read for `sitemaps = "robots"` and `add`.

use std::time::{Duration, Instant, SystemTime};

use tracing::debug;
use url::Url;

use super::guard::check_public;
use super::{FetchError, Fetcher, Host, MAX_SERVER_WAIT, ROBOTS_AGENT, ROBOTS_TTL};

/// A robots.txt as kept between runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotsRecord {
    pub host: String,
    /// The file's body; empty for "allow everything" (no file, or 4xx).
    pub body: String,
    /// Whether the file was unreachable (5xx or network error): RFC 9309 says disallow all.
    pub unreachable: bool,
    pub fetched_at: SystemTime,
}

impl Fetcher {
    /// Seeds the robots.txt cache with records kept from earlier runs.
    pub fn load_robots(&self, records: Vec<RobotsRecord>) {
        for record in records.into_iter().filter(|r| !r.unreachable) {
            let host = self.host(&record.host);
            let robot = parse_robots(&record);
            let mut host = host.lock().unwrap_or_else(|e| e.into_inner());
            host.crawl_delay = crawl_delay(robot.as_ref());
            host.robots = Some((record, robot));
        }
    }

    /// The robots.txt records known now, to keep for the next run. An unreachable one is left
    /// out: it disallows the host for this run only, and is asked for again next time.
    pub fn robots_records(&self) -> Vec<RobotsRecord> {
        let hosts: Vec<_> = self
            .hosts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        let mut records: Vec<_> = hosts
            .iter()
            .filter_map(|h| {
                let host = h.lock().unwrap_or_else(|e| e.into_inner());
                host.robots
                    .as_ref()
                    .filter(|(record, _)| !record.unreachable)
                    .map(|(record, _)| record.clone())
            })
            .collect();
        records.sort_by(|a, b| a.host.cmp(&b.host));
        records
    }

    /// The `Sitemap:` lines of the robots.txt of `url`'s host (fetched now, or as known from an
    /// earlier run), resolved against it; `sitemaps = "robots"` and `add` start from these.
    pub fn robots_sitemaps(&self, url: &Url) -> Result<Vec<Url>, FetchError> {
        if self.settings.block_private_addresses {
            check_public(url)?;
        }
        let host = self.host(url.host_str().unwrap_or_default());
        let mut host = host.lock().unwrap_or_else(|e| e.into_inner());
        self.load_robots_if_stale(&mut host, url)?;
        let base = Url::parse(&robots_url(url)).unwrap_or_else(|_| url.clone());
        let robot = host.robots.as_ref().and_then(|(_, robot)| robot.as_ref());
        let mut sitemaps: Vec<Url> = Vec::new();
        for line in robot.map(|r| r.sitemaps.as_slice()).unwrap_or_default() {
            let Ok(sitemap) = base.join(line.trim()) else {
                continue;
            };
            if matches!(sitemap.scheme(), "http" | "https") && !sitemaps.contains(&sitemap) {
                sitemaps.push(sitemap);
            }
        }
        Ok(sitemaps)
    }

    pub(super) fn load_robots_if_stale(
        &self,
        host: &mut Host,
        url: &Url,
    ) -> Result<(), FetchError> {
        let fresh = host.robots.as_ref().is_some_and(|(record, _)| {
            record
                .fetched_at
                .elapsed()
                .map(|age| age < ROBOTS_TTL)
                .unwrap_or(false)
        });
        if !fresh {
            let record = self.fetch_robots(host, url)?;
            let robot = parse_robots(&record);
            host.crawl_delay = crawl_delay(robot.as_ref());
            // The robots.txt request itself started the gap; a Crawl-delay learnt from it
            // applies to the request that follows.
            host.next_slot = host.next_slot.max(Instant::now() + host.crawl_delay);
            host.robots = Some((record, robot));
        }
        Ok(())
    }

    pub(super) fn check_robots(&self, host: &mut Host, url: &Url) -> Result<(), FetchError> {
        self.load_robots_if_stale(host, url)?;
        let (record, robot) = host.robots.as_ref().expect("robots were just loaded");
        let robots_url = robots_url(url);
        if record.unreachable {
            return Err(FetchError::Robots {
                url: url.clone(),
                robots: format!("{robots_url} (unreachable, so everything is disallowed)"),
            });
        }
        match robot {
            Some(robot) if !robot.allowed(url.as_str()) => Err(FetchError::Robots {
                url: url.clone(),
                robots: robots_url,
            }),
            _ => Ok(()),
        }
    }

    /// Fetches the host's robots.txt. A server error makes a record that disallows everything
    /// (RFC 9309); a network error is this request's error and is not remembered, since the
    /// page itself cannot be fetched either.
    fn fetch_robots(&self, host: &mut Host, url: &Url) -> Result<RobotsRecord, FetchError> {
        let robots_url = robots_url(url);
        let record = |body: String, unreachable: bool| RobotsRecord {
            host: url.host_str().unwrap_or_default().to_ascii_lowercase(),
            body,
            unreachable,
            fetched_at: SystemTime::now(),
        };
        let Ok(robots) = Url::parse(&robots_url) else {
            return Ok(record(String::new(), false));
        };
        // RFC 9309: follow at least five redirects (http -> https is common).
        let mut robots = robots;
        let mut result = self.send_polite(host, &robots, None, None);
        for _ in 0..5 {
            let Ok(response) = &result else { break };
            let location = response
                .headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .and_then(|l| robots.join(l).ok())
                .filter(|u| matches!(u.scheme(), "http" | "https"));
            match location {
                Some(next) if (300..400).contains(&response.status) => {
                    robots = next;
                    result = self.send_polite(host, &robots, None, None);
                }
                _ => break,
            }
        }
        match result {
            Ok(response) if (200..300).contains(&response.status) => {
                let body = response.body.unwrap_or_default();
                // A robots.txt larger than 500 KiB is cut there, as RFC 9309 allows.
                let body = &body[..body.len().min(500 * 1024)];
                Ok(record(String::from_utf8_lossy(body).into_owned(), false))
            }
            // 429 is the server asking to slow down, not saying there are no rules: treated
            // like a server error, as major crawlers do.
            Ok(response) if (300..500).contains(&response.status) && response.status != 429 => {
                Ok(record(String::new(), false))
            }
            Ok(response) => {
                debug!("{robots_url}: HTTP {}", response.status);
                Ok(record(String::new(), true))
            }
            Err(err) => match *err.error {
                FetchError::Transport { message, .. } => Err(FetchError::Transport {
                    url: url.clone(),
                    message,
                }),
                // A robots.txt too large to read is treated as absent.
                _ => Ok(record(String::new(), false)),
            },
        }
    }
}

fn robots_url(url: &Url) -> String {
    let mut robots = url.clone();
    robots.set_path("/robots.txt");
    robots.set_query(None);
    robots.set_fragment(None);
    robots.to_string()
}

fn parse_robots(record: &RobotsRecord) -> Option<texting_robots::Robot> {
    if record.body.is_empty() {
        return None;
    }
    texting_robots::Robot::new(ROBOTS_AGENT, record.body.as_bytes()).ok()
}

fn crawl_delay(robot: Option<&texting_robots::Robot>) -> Duration {
    robot
        .and_then(|r| r.delay)
        .filter(|d| d.is_finite() && *d > 0.0)
        .map(|d| Duration::from_secs_f32(d).min(MAX_SERVER_WAIT))
        .unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::FetchSettings;

    #[test]
    fn robots_rules_and_crawl_delay_are_read() {
        let record = RobotsRecord {
            host: "news.example".into(),
            body: "User-agent: *\nDisallow: /private/\nCrawl-delay: 3\n".into(),
            unreachable: false,
            fetched_at: SystemTime::now(),
        };
        let robot = parse_robots(&record).unwrap();
        assert!(!robot.allowed("https://news.example/private/a.html"));
        assert!(robot.allowed("https://news.example/world/"));
        assert_eq!(crawl_delay(Some(&robot)), Duration::from_secs(3));
        assert_eq!(
            robots_url(&Url::parse("https://news.example/a/b?c#d").unwrap()),
            "https://news.example/robots.txt"
        );
    }

    #[test]
    fn robots_sitemap_lines_are_resolved_once_each() {
        let fetcher = Fetcher::new(FetchSettings::default());
        fetcher.load_robots(vec![RobotsRecord {
            host: "news.example".into(),
            body: "Sitemap: /sitemap_news.xml\nUser-agent: *\nDisallow:\n\
                   Sitemap: https://news.example/sitemap_news.xml\nSitemap: ftp://x/y.xml\n"
                .into(),
            unreachable: false,
            fetched_at: SystemTime::now(),
        }]);
        let page = Url::parse("https://news.example/world/").unwrap();
        let sitemaps = fetcher.robots_sitemaps(&page).unwrap();
        assert_eq!(
            sitemaps.iter().map(Url::as_str).collect::<Vec<_>>(),
            ["https://news.example/sitemap_news.xml"]
        );
        assert_eq!(
            fetcher.stats().requests,
            0,
            "a known robots.txt is not fetched again"
        );
    }
}
