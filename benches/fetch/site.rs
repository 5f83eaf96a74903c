//! The loopback news site of the fetching benchmark: one small threaded std-only HTTP/1.1
//! server per loopback address (127.0.0.1 .. 127.0.0.N), serving generated section pages and
//! article pages, answering `If-None-Match` with 304 on section pages, and counting every
//! request per host.
//!
//! Section page `/section-F/` of feed F lists that feed's article ids as
//! `<div class="list__item"><a class="list__title" href="/20260127/slug-N.html">Headline N
//! words words</a></div>` between a nav and a footer. Article pages are generated from the id
//! in their path, with OpenGraph, `article:*` and JSON-LD NewsArticle metadata, and are
//! about the size of a real news page (~30 KB).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant};

/// Idle keep-alive connections are dropped after this long; every read and write is bounded
/// by it, so a confused client can never keep a handler alive for long.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Request heads larger than this end the connection.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The date segment of every article path.
const ARTICLE_DAY: &str = "20260127";

/// What one host has been asked for.
#[derive(Default)]
pub struct Counters {
    pub total: AtomicU64,
    pub robots: AtomicU64,
    pub sections: AtomicU64,
    pub not_modified: AtomicU64,
    pub articles: AtomicU64,
    pub other: AtomicU64,
    pub connections: AtomicU64,
    /// When the last request arrived, and every gap between two arrivals (both reset by
    /// [`Counters::take`]).
    arrivals: Mutex<(Option<Instant>, Vec<Duration>)>,
}

/// A plain copy of [`Counters`], summed or per host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: u64,
    pub robots: u64,
    pub sections: u64,
    pub not_modified: u64,
    pub articles: u64,
    pub other: u64,
    pub connections: u64,
    /// Every gap between two requests arriving at one host, as the server saw them.
    pub gaps: Vec<Duration>,
}

impl Counts {
    pub fn add(&mut self, other: &Counts) {
        self.total += other.total;
        self.robots += other.robots;
        self.sections += other.sections;
        self.not_modified += other.not_modified;
        self.articles += other.articles;
        self.other += other.other;
        self.connections += other.connections;
        self.gaps.extend_from_slice(&other.gaps);
    }

    /// The same counts, without the timings.
    pub fn requests(&self) -> Counts {
        Counts {
            gaps: Vec::new(),
            ..self.clone()
        }
    }
}

impl Counters {
    fn take(&self) -> Counts {
        let take = |c: &AtomicU64| c.swap(0, Ordering::SeqCst);
        let gaps = std::mem::take(&mut *self.arrivals.lock().unwrap()).1;
        Counts {
            gaps,
            total: take(&self.total),
            robots: take(&self.robots),
            sections: take(&self.sections),
            not_modified: take(&self.not_modified),
            articles: take(&self.articles),
            other: take(&self.other),
            connections: take(&self.connections),
        }
    }
}

/// One section page as currently served.
struct Section {
    /// Article ids listed, newest first.
    ids: Vec<u64>,
    /// The next id handed out to a new article of this feed.
    next_id: u64,
    version: u64,
    html: Arc<Vec<u8>>,
    etag: String,
}

/// What all hosts serve; shared with the handler threads.
struct Content {
    /// Indexed by feed number.
    sections: RwLock<Vec<Section>>,
    /// Feed number by section path, per host.
    paths: Vec<HashMap<String, usize>>,
}

/// One loopback host.
struct Host {
    addr: SocketAddr,
    counters: Arc<Counters>,
}

/// The running site. Its accept threads live until the process exits.
pub struct Site {
    hosts: Vec<Host>,
    content: Arc<Content>,
    feeds: usize,
}

impl Site {
    /// Starts one server on each of 127.0.0.1 .. 127.0.0.`hosts` (on a free port each) and
    /// gives it `feeds` feeds in all, feed F living on host F % `hosts`.
    pub fn start(hosts: usize, feeds: usize) -> std::io::Result<Site> {
        let mut paths = vec![HashMap::new(); hosts];
        for feed in 0..feeds {
            paths[feed % hosts].insert(section_path(feed), feed);
        }
        let content = Arc::new(Content {
            sections: RwLock::new(Vec::new()),
            paths,
        });
        let mut started = Vec::new();
        for index in 0..hosts {
            let ip = Ipv4Addr::new(127, 0, 0, index as u8 + 1);
            let listener = TcpListener::bind((ip, 0))?;
            let addr = listener.local_addr()?;
            let counters = Arc::new(Counters::default());
            let handler = Handler {
                host: index,
                base: format!("http://{addr}"),
                content: Arc::clone(&content),
                counters: Arc::clone(&counters),
            };
            let handler = Arc::new(handler);
            thread::Builder::new()
                .name(format!("site-{index}"))
                .spawn(move || accept_loop(listener, handler))?;
            started.push(Host { addr, counters });
        }
        Ok(Site {
            hosts: started,
            content,
            feeds,
        })
    }

    pub fn feeds(&self) -> usize {
        self.feeds
    }

    /// The section page URL of feed `feed`.
    pub fn section_url(&self, feed: usize) -> String {
        let host = &self.hosts[feed % self.hosts.len()];
        format!("http://{}{}", host.addr, section_path(feed))
    }

    /// Replaces every section page with `per_feed` fresh articles (ids never served before in
    /// this process, so nothing carries over from an earlier scenario).
    pub fn reset(&self, per_feed: usize, generation: u64) {
        let sections = (0..self.feeds)
            .map(|feed| {
                // Feed F of generation G owns ids G*10^9 + F*10^6 + i.
                let first = 1_000_000_000 * (generation + 1) + 1_000_000 * feed as u64;
                let ids: Vec<u64> = (0..per_feed as u64).rev().map(|i| first + i).collect();
                let mut section = Section {
                    ids,
                    next_id: first + per_feed as u64,
                    version: 0,
                    html: Arc::new(Vec::new()),
                    etag: String::new(),
                };
                render_section(feed, &mut section);
                section
            })
            .collect();
        *self.content.sections.write().unwrap() = sections;
    }

    /// Publishes `new[f]` new articles at the top of feed f's page; as many of the oldest drop
    /// off, so each page keeps its length. Returns how many were published.
    pub fn publish(&self, new: &[usize]) -> usize {
        let mut sections = self.content.sections.write().unwrap();
        let mut published = 0;
        for (feed, section) in sections.iter_mut().enumerate() {
            let count = new.get(feed).copied().unwrap_or(0);
            if count == 0 {
                continue;
            }
            let len = section.ids.len();
            for _ in 0..count {
                section.ids.insert(0, section.next_id);
                section.next_id += 1;
            }
            section.ids.truncate(len);
            section.version += 1;
            render_section(feed, section);
            published += count;
        }
        published
    }

    /// The sizes in bytes of feed 0's section page and of one article page, as served now.
    pub fn page_sizes(&self) -> (usize, usize) {
        let sections = self.content.sections.read().unwrap();
        let section = sections.first().map_or(0, |s| s.html.len());
        let article = article_html(&format!("http://{}", self.hosts[0].addr), 1_000_000_001);
        (section, article.len())
    }

    /// The requests counted since the last call, per host, and resets the counters.
    pub fn take_counts(&self) -> Vec<Counts> {
        self.hosts.iter().map(|h| h.counters.take()).collect()
    }
}

fn section_path(feed: usize) -> String {
    format!("/section-{feed}/")
}

fn render_section(feed: usize, section: &mut Section) {
    let mut html = String::with_capacity(16 * 1024 + section.ids.len() * 400);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Section {feed} - Loopback News</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"stylesheet\" href=\"/css/site.css\">\n</head>\n<body>\n\
         <header class=\"header\"><a class=\"logo\" href=\"/\">Loopback News</a>\n<nav class=\"nav\"><ul>\n"
    );
    for other in 0..20 {
        let _ = writeln!(
            html,
            "<li class=\"nav__item\"><a href=\"/section-{other}/\">Section {other}</a></li>"
        );
    }
    let _ = write!(
        html,
        "</ul></nav></header>\n<main class=\"layout\">\n<h1 class=\"section__title\">Section {feed}</h1>\n<div class=\"list\">\n"
    );
    for id in &section.ids {
        let minute = id % 60;
        let _ = writeln!(
            html,
            "<div class=\"list__item\"><a class=\"list__image\" href=\"/{ARTICLE_DAY}/slug-{id}.html\"><img src=\"/img/{id}.jpg\" alt=\"\"></a>\
             <a class=\"list__title\" href=\"/{ARTICLE_DAY}/slug-{id}.html\">Headline {id} words words</a>\
             <div class=\"list__info\"><span class=\"list__date\">12:{minute:02}</span></div></div>"
        );
    }
    html.push_str("</div>\n</main>\n<footer class=\"footer\"><ul>\n");
    for link in [
        "about",
        "contacts",
        "privacy",
        "terms",
        "advertising",
        "rss",
    ] {
        let _ = writeln!(html, "<li><a href=\"/docs/{link}.html\">{link}</a></li>");
    }
    html.push_str("</ul><p>&copy; 2026 Loopback News</p></footer>\n</body>\n</html>\n");
    section.html = Arc::new(html.into_bytes());
    section.etag = format!("\"s{feed}-v{}\"", section.version);
}

/// A generated article page for `id`, with `base` (`http://IP:PORT`) in its absolute URLs.
fn article_html(base: &str, id: u64) -> Vec<u8> {
    let url = format!("{base}/{ARTICLE_DAY}/slug-{id}.html");
    let title = format!("Headline {id} words words");
    let description =
        format!("Lead of article {id}: what happened, where and why it matters to the reader.");
    let minute = id % 60;
    let published = format!("2026-01-27T10:{minute:02}+0000");
    let modified = format!("2026-01-27T11:{minute:02}+0000");
    let image =
        format!("{base}/img/07ea/01/1b/{id}_0:160:3072:1888_1920x0_80_0_0_e887f34a7ad3.jpg");
    let tags = ["World", "Economy", "Energy"];
    let mut html = String::with_capacity(32 * 1024);
    let _ = write!(
        html,
        r#"<!DOCTYPE html>
<html lang="en" prefix="og: http://ogp.me/ns# article: http://ogp.me/ns/article#">
<head>
<meta charset="utf-8">
<title>{title} - Loopback News</title>
<meta name="description" content="{description}">
<meta name="keywords" content="world, economy, energy">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="{url}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="Loopback News">
<meta property="og:title" content="{title}">
<meta property="og:description" content="{description}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="{image}">
<meta property="og:image:width" content="1920">
<meta property="og:image:height" content="1080">
<meta property="article:published_time" content="{published}">
<meta property="article:modified_time" content="{modified}">
<meta property="article:section" content="World">
"#
    );
    for tag in tags {
        let _ = writeln!(html, "<meta property=\"article:tag\" content=\"{tag}\">");
    }
    let _ = write!(
        html,
        r#"<meta name="twitter:card" content="summary_large_image">
<script type="application/ld+json">
{{
  "@context": "https://schema.org",
  "@type": "NewsArticle",
  "mainEntityOfPage": {{"@type": "WebPage", "@id": "{url}"}},
  "url": "{url}",
  "headline": "{title}",
  "description": "{description}",
  "datePublished": "{published}",
  "dateModified": "{modified}",
  "articleSection": "World",
  "keywords": "world, economy, energy",
  "inLanguage": "en",
  "image": [{{"@type": "ImageObject", "url": "{image}", "width": 1920, "height": 1080}}],
  "author": {{"@type": "Person", "name": "Reporter {author}"}},
  "publisher": {{"@type": "Organization", "name": "Loopback News", "logo": {{"@type": "ImageObject", "url": "{base}/i/logo.png"}}}}
}}
</script>
<script>
"#,
        author = id % 17
    );
    // Real news pages carry tens of kilobytes of inline script and markup around the text.
    for line in 0..120 {
        let _ = writeln!(
            html,
            "window.__analytics_{line} = {{\"slot\": {line}, \"article\": {id}, \"enabled\": true, \"ratio\": 0.{line:03}}};"
        );
    }
    html.push_str("</script>\n</head>\n<body>\n<header class=\"header\"><nav class=\"nav\"><ul>\n");
    for other in 0..20 {
        let _ = writeln!(
            html,
            "<li class=\"nav__item\"><a href=\"/section-{other}/\">Section {other}</a></li>"
        );
    }
    let _ = write!(
        html,
        r#"</ul></nav></header>
<main class="layout">
<article class="article">
<h1 class="article__title">{title}</h1>
<div class="article__info"><time datetime="{published}">10:{minute:02} GMT 27.01.2026</time> <span class="article__author">Reporter {author}</span></div>
<figure class="article__announce"><img src="{image}" alt="{title}"><figcaption>A picture for article {id}</figcaption></figure>
<div class="article__body">
"#,
        author = id % 17
    );
    for paragraph in 0..12 {
        let _ = writeln!(
            html,
            "<p>Paragraph {paragraph} of article {id}. Officials said on Tuesday that the talks would continue next \
             week, while analysts warned that markets had already priced in most of the expected outcome, and that \
             the coming months would show whether the agreement holds under pressure from all sides involved.</p>"
        );
    }
    html.push_str("</div>\n<ul class=\"tags\">\n");
    for tag in tags {
        let _ = writeln!(
            html,
            "<li><a class=\"tag\" href=\"/tags/{}/\">{tag}</a></li>",
            tag.to_lowercase()
        );
    }
    html.push_str("</ul>\n</article>\n<aside class=\"related\"><h2>Read more</h2><ul>\n");
    for related in 1..=10 {
        let other = id.saturating_sub(related);
        let _ = writeln!(
            html,
            "<li><a href=\"/{ARTICLE_DAY}/slug-{other}.html\">Headline {other} words words</a></li>"
        );
    }
    html.push_str("</ul></aside>\n</main>\n<footer class=\"footer\"><ul>\n");
    for link in [
        "about",
        "contacts",
        "privacy",
        "terms",
        "advertising",
        "rss",
    ] {
        let _ = writeln!(html, "<li><a href=\"/docs/{link}.html\">{link}</a></li>");
    }
    html.push_str("</ul><p>&copy; 2026 Loopback News</p></footer>\n</body>\n</html>\n");
    html.into_bytes()
}

/// The article id of an article path `/20260127/slug-N.html`.
fn article_id(path: &str) -> Option<u64> {
    path.strip_prefix("/")?
        .strip_prefix(ARTICLE_DAY)?
        .strip_prefix("/slug-")?
        .strip_suffix(".html")?
        .parse()
        .ok()
}

struct Handler {
    host: usize,
    base: String,
    content: Arc<Content>,
    counters: Arc<Counters>,
}

struct Reply {
    status: u16,
    content_type: &'static str,
    etag: Option<String>,
    body: Arc<Vec<u8>>,
}

impl Handler {
    fn answer(&self, path: &str, if_none_match: Option<&str>) -> Reply {
        let c = &self.counters;
        c.total.fetch_add(1, Ordering::Relaxed);
        {
            let now = Instant::now();
            let mut arrivals = c.arrivals.lock().unwrap();
            if let Some(last) = arrivals.0 {
                arrivals.1.push(now - last);
            }
            arrivals.0 = Some(now);
        }
        if path == "/robots.txt" {
            c.robots.fetch_add(1, Ordering::Relaxed);
            return Reply {
                status: 200,
                content_type: "text/plain; charset=utf-8",
                etag: None,
                body: Arc::new(b"User-agent: *\nDisallow: /private/\n".to_vec()),
            };
        }
        if let Some(&feed) = self.content.paths[self.host].get(path) {
            c.sections.fetch_add(1, Ordering::Relaxed);
            let sections = self.content.sections.read().unwrap();
            if let Some(section) = sections.get(feed) {
                if if_none_match.is_some_and(|tags| {
                    tags.split(',')
                        .any(|t| t.trim().trim_start_matches("W/") == section.etag)
                }) {
                    c.not_modified.fetch_add(1, Ordering::Relaxed);
                    return Reply {
                        status: 304,
                        content_type: "text/html; charset=utf-8",
                        etag: Some(section.etag.clone()),
                        body: Arc::new(Vec::new()),
                    };
                }
                return Reply {
                    status: 200,
                    content_type: "text/html; charset=utf-8",
                    etag: Some(section.etag.clone()),
                    body: Arc::clone(&section.html),
                };
            }
        }
        if let Some(id) = article_id(path) {
            c.articles.fetch_add(1, Ordering::Relaxed);
            return Reply {
                status: 200,
                content_type: "text/html; charset=utf-8",
                etag: None,
                body: Arc::new(article_html(&self.base, id)),
            };
        }
        c.other.fetch_add(1, Ordering::Relaxed);
        Reply {
            status: 404,
            content_type: "text/plain; charset=utf-8",
            etag: None,
            body: Arc::new(b"not found".to_vec()),
        }
    }
}

fn accept_loop(listener: TcpListener, handler: Arc<Handler>) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        handler.counters.connections.fetch_add(1, Ordering::Relaxed);
        let handler = Arc::clone(&handler);
        let _ = thread::Builder::new()
            .name("site-conn".into())
            .spawn(move || {
                let _ = serve_connection(stream, &handler);
            });
    }
}

/// Serves HTTP/1.1 requests on one connection until the peer closes it, asks to close, or
/// stays idle past [`IO_TIMEOUT`].
fn serve_connection(stream: TcpStream, handler: &Handler) -> std::io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream);
    loop {
        let Some(head) = read_head(&mut reader)? else {
            return Ok(());
        };
        let mut lines = head.lines();
        let request_line = lines.next().unwrap_or_default();
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default();
        let path = target.split('?').next().unwrap_or_default().to_string();
        let mut if_none_match = None;
        let mut close = false;
        let mut body_len = 0u64;
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("if-none-match") {
                if_none_match = Some(value.to_string());
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            } else if name.eq_ignore_ascii_case("content-length") {
                body_len = value.parse().unwrap_or(0);
            }
        }
        std::io::copy(
            &mut (&mut reader).take(body_len.min(1 << 20)),
            &mut std::io::sink(),
        )?;
        let reply = handler.answer(&path, if_none_match.as_deref());
        let mut out = Vec::with_capacity(256 + reply.body.len());
        let reason = match reply.status {
            200 => "OK",
            304 => "Not Modified",
            _ => "Not Found",
        };
        let _ = write!(
            out,
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\n",
            reply.status, reply.content_type
        );
        if let Some(etag) = &reply.etag {
            let _ = write!(out, "ETag: {etag}\r\n");
        }
        if reply.status != 304 {
            let _ = write!(out, "Content-Length: {}\r\n", reply.body.len());
        }
        let _ = write!(
            out,
            "Connection: {}\r\n\r\n",
            if close { "close" } else { "keep-alive" }
        );
        if reply.status != 304 && !method.eq_ignore_ascii_case("HEAD") {
            out.extend_from_slice(&reply.body);
        }
        reader.get_mut().write_all(&out)?;
        if close {
            return Ok(());
        }
    }
}

/// One request head, without its final empty line; `None` at the end of the connection.
fn read_head(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<String>> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        let n = match reader.read_line(&mut line) {
            Ok(n) => n,
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::ConnectionReset
                ) =>
            {
                return Ok(None)
            }
            Err(err) => return Err(err),
        };
        if n == 0 || head.len() + n > MAX_HEAD_BYTES {
            return Ok(None);
        }
        if line.trim_end_matches(['\r', '\n']).is_empty() {
            if head.is_empty() {
                continue;
            }
            return Ok(Some(head));
        }
        head.push_str(&line);
    }
}
