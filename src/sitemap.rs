//! Sitemaps as a source of article URLs: the `<urlset>` and `<sitemapindex>` documents a site
//! publishes (plain or gzipped), with Google News (`news:`) and image (`image:`) extensions.
//!
//! Sitemaps can be tens of megabytes, so a document is read as it streams from the network
//! (quick-xml events, never a tree) and only the entries a feed keeps are held: those on the
//! feed's site, matching its `article_pattern`, and dated within its `max_age`. What a news
//! sitemap says about an entry becomes an [`Article`] hint, used as the entry itself when the
//! feed sets `fetch_articles = false`, and to fill what the article page lacks otherwise.

use std::io::{BufRead, BufReader, Read};

use chrono::{DateTime, FixedOffset};
use quick_xml::events::Event;
use url::Url;

use crate::fetch::Capped;
use crate::model::Article;

/// How many sitemap indexes deep sitemaps are followed (an index of indexes of urlsets is 2).
pub const MAX_INDEX_DEPTH: usize = 2;
/// The most sitemap documents read for one feed in one pass, indexes included.
pub const MAX_SITEMAPS: usize = 50;
/// The `max_age` of a sitemap feed that sets none: the window Google News sitemaps cover.
pub const DEFAULT_SITEMAP_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(2 * 86400);

/// One `<url>` of a urlset: its location and what the sitemap says about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    pub url: String,
    pub lastmod: Option<DateTime<FixedOffset>>,
    pub news_title: Option<String>,
    pub news_date: Option<DateTime<FixedOffset>>,
    pub keywords: Vec<String>,
    pub language: Option<String>,
    pub image: Option<String>,
}

impl Entry {
    /// The entry's date: the news publication date, else `<lastmod>`.
    pub fn date(&self) -> Option<DateTime<FixedOffset>> {
        self.news_date.or(self.lastmod)
    }

    /// What the sitemap tells about the article, as the article model holds it.
    pub fn hint(&self) -> Article {
        Article {
            url: self.url.clone(),
            title: self.news_title.clone(),
            published: self.news_date.or(self.lastmod),
            updated: self.lastmod.filter(|l| Some(*l) != self.news_date),
            image: self.image.clone(),
            keywords: self.keywords.clone(),
            language: self.language.clone(),
            ..Article::default()
        }
    }
}

/// What one sitemap document is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// `<sitemap><loc>` of an index, in order.
    pub children: Vec<String>,
    /// The `<url>` entries `keep` accepted, in order.
    pub entries: Vec<Entry>,
}

/// Fills the gaps of `article` (from the page) with what the sitemap (or upstream feed) said.
pub fn fill_from_hint(article: &mut Article, hint: &Article) {
    if article.title.is_none() {
        article.title = hint.title.clone();
    }
    if article.published.is_none() {
        article.published = hint.published;
    }
    if article.image.is_none() {
        article.image = hint.image.clone();
    }
    if article.keywords.is_empty() {
        article.keywords = hint.keywords.clone();
    }
    if article.language.is_none() {
        article.language = hint.language.clone();
    }
    if article.description.is_none() {
        article.description = hint.description.clone();
    }
    if article.author.is_none() {
        article.author = hint.author.clone();
    }
}

/// Reads a sitemap from `body`, gunzipping it when it starts with the gzip magic bytes (a
/// `.xml.gz` served without `Content-Encoding`); what it decompresses to is capped at `limit`
/// too, so a small gzip bomb is refused like a large body. `keep` sees each entry as it is
/// parsed; only those it accepts are held.
pub fn read(
    body: &mut dyn Read,
    limit: u64,
    keep: &mut dyn FnMut(&Entry) -> bool,
) -> std::io::Result<Document> {
    let mut buffered = BufReader::with_capacity(64 * 1024, body);
    let gzipped = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    if gzipped {
        let mut capped = Capped::new(flate2::bufread::MultiGzDecoder::new(buffered), limit);
        let result = parse(BufReader::with_capacity(64 * 1024, &mut capped), keep);
        if capped.exceeded {
            return Err(std::io::Error::other(format!(
                "sitemap decompresses to more than {limit} bytes (max_body_size)"
            )));
        }
        result
    } else {
        parse(buffered, keep)
    }
}

/// Which element's text is being read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    None,
    Loc,
    Lastmod,
    NewsTitle,
    NewsDate,
    Keywords,
    Language,
    ImageLoc,
}

/// The streaming parser: elements are told apart by local name within their parent, so any
/// namespace prefix a site chose works.
fn parse<R: BufRead>(input: R, keep: &mut dyn FnMut(&Entry) -> bool) -> std::io::Result<Document> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut doc = Document::default();
    let mut in_url = false;
    let mut in_sitemap = false;
    let mut in_image = false;
    let mut field = Field::None;
    let mut text = String::new();
    let mut entry = Entry::default();
    let bad = |err: quick_xml::Error| std::io::Error::other(format!("not a sitemap: {err}"));
    let mut saw_root = false;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(bad)?;
        match event {
            Event::Start(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if !saw_root {
                    saw_root = true;
                    if name != "urlset" && name != "sitemapindex" {
                        return Err(std::io::Error::other(format!(
                            "not a sitemap: the root element is <{}>",
                            name
                        )));
                    }
                    continue;
                }
                text.clear();
                field = match name {
                    "url" => {
                        in_url = true;
                        entry = Entry::default();
                        Field::None
                    }
                    "sitemap" => {
                        in_sitemap = true;
                        Field::None
                    }
                    "image" => {
                        in_image = true;
                        Field::None
                    }
                    "loc" if in_image => Field::ImageLoc,
                    "loc" if in_url || in_sitemap => Field::Loc,
                    "lastmod" if in_url => Field::Lastmod,
                    "title" if in_url => Field::NewsTitle,
                    "publication_date" if in_url => Field::NewsDate,
                    "keywords" if in_url => Field::Keywords,
                    "language" if in_url => Field::Language,
                    _ => Field::None,
                };
            }
            Event::Text(t) if field != Field::None => text.push_str(&t.into_inner()),
            Event::CData(t) if field != Field::None => text.push_str(&t.into_inner()),
            Event::GeneralRef(r) if field != Field::None => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_xml_entity(&r.into_inner()) {
                    text.push_str(s);
                }
            }
            Event::End(e) => {
                let value = text.trim();
                match field {
                    Field::Loc if in_sitemap => doc.children.push(value.to_string()),
                    Field::Loc => entry.url = value.to_string(),
                    Field::Lastmod => entry.lastmod = crate::date::parse_date(value, None),
                    Field::NewsTitle => entry.news_title = Some(value.to_string()),
                    Field::NewsDate => entry.news_date = crate::date::parse_date(value, None),
                    Field::Keywords => {
                        for k in value.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                            if !entry.keywords.iter().any(|e| e.eq_ignore_ascii_case(k)) {
                                entry.keywords.push(k.to_string());
                            }
                        }
                    }
                    Field::Language => entry.language = Some(value.to_ascii_lowercase()),
                    // The first image is the lead one.
                    Field::ImageLoc if entry.image.is_none() => {
                        entry.image = Some(value.to_string())
                    }
                    _ => {}
                }
                field = Field::None;
                text.clear();
                match e.local_name().as_ref() {
                    "url" if in_url => {
                        in_url = false;
                        let done = std::mem::take(&mut entry);
                        if !done.url.is_empty() && keep(&done) {
                            doc.entries.push(done);
                        }
                    }
                    "sitemap" => in_sitemap = false,
                    "image" => in_image = false,
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !saw_root {
        return Err(std::io::Error::other("not a sitemap: no root element"));
    }
    Ok(doc)
}

/// Whether an entry's URL belongs to the feed: on `site`'s host (or one of `allowed_hosts`)
/// and matching `pattern` when given.
pub fn on_site(
    url: &Url,
    site: &Url,
    allowed_hosts: &[String],
    pattern: Option<&regex::Regex>,
) -> bool {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let site_host = site.host_str().unwrap_or_default().to_ascii_lowercase();
    let same = host == site_host
        || host.strip_prefix("www.") == Some(&site_host)
        || site_host.strip_prefix("www.") == Some(&host)
        || allowed_hosts.iter().any(|h| h == "*" || *h == host);
    let matches = pattern.is_none_or(|p| {
        p.is_match(url.path())
            || url
                .query()
                .is_some_and(|q| p.is_match(&format!("{}?{q}", url.path())))
    });
    matches!(url.scheme(), "http" | "https") && same && matches
}

/// Where a feed's sitemaps come from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Sitemaps {
    #[default]
    None,
    /// The `Sitemap:` lines of the robots.txt of the feed's site.
    Robots,
    List(Vec<Url>),
}

/// One urlset (or upstream feed) read, or found unchanged, in a pass.
#[derive(Debug, Clone)]
pub struct SitemapPass {
    pub url: Url,
    /// The validators to keep once its articles are stored; `None` when it answered 304.
    pub validators: Option<crate::fetch::Validators>,
    /// Normalised article URLs it lists that the feed keeps, newest first.
    pub listed: Vec<String>,
    /// The document's own title (an upstream feed's), the feed's default title.
    pub title: Option<String>,
}

/// What a feed's sitemaps gave in one pass.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    pub passes: Vec<SitemapPass>,
    /// The sitemap's own account of each listed article.
    pub hints: Vec<(String, Article)>,
    /// One line per failed sitemap, naming its URL.
    pub errors: Vec<String>,
}

/// Reads the feed's sitemaps, following indexes up to [`MAX_INDEX_DEPTH`] and
/// [`MAX_SITEMAPS`] documents. A urlset is fetched conditionally with the validators
/// `previous` knows; an index never is, since its children change while it stays the same.
/// Of the kept entries only the `max_items` newest are listed, so a big sitemap does not turn
/// into thousands of article fetches.
pub fn collect(
    fetcher: &crate::fetch::Fetcher,
    feed: &crate::config::Feed,
    policy: &crate::fetch::Policy,
    previous: &dyn Fn(&Url) -> Option<crate::fetch::Validators>,
) -> Collected {
    let mut found = Collected::default();
    let roots = match &feed.sitemaps {
        Sitemaps::None => return found,
        Sitemaps::List(list) => list.clone(),
        Sitemaps::Robots => match fetcher.robots_sitemaps(&feed.site) {
            Ok(list) if list.is_empty() => {
                found.errors.push(format!(
                    "sitemaps = \"robots\": the robots.txt of {} names no Sitemap",
                    feed.site
                ));
                return found;
            }
            Ok(list) => list,
            Err(err) => {
                found.errors.push(err.to_string());
                return found;
            }
        },
    };
    let max_age = feed.filter.max_age.unwrap_or(DEFAULT_SITEMAP_MAX_AGE);
    let oldest = chrono::Utc::now()
        - chrono::Duration::from_std(max_age).unwrap_or(chrono::Duration::days(36500));
    let limit = fetcher.max_body_size();
    let mut queue: std::collections::VecDeque<(Url, usize)> =
        roots.into_iter().map(|u| (u, 0)).collect();
    let mut seen = std::collections::HashSet::new();
    let mut read = 0;
    let mut entries: Vec<(usize, Entry)> = Vec::new();
    while let Some((url, depth)) = queue.pop_front() {
        if !seen.insert(url.clone()) {
            continue;
        }
        read += 1;
        if read > MAX_SITEMAPS {
            tracing::warn!(
                "feed {}: more than {MAX_SITEMAPS} sitemaps; {url} and the rest are not read",
                feed.name
            );
            break;
        }
        let validators = previous(&url).filter(|v| !v.is_empty());
        let mut doc = None;
        let mut keep = |e: &Entry| {
            let Ok(u) = Url::parse(&e.url) else {
                return false;
            };
            on_site(&u, &feed.site, &feed.allowed_hosts, feed.rules.pattern.as_deref())
                // An undated entry is kept: plain sitemaps often give no lastmod.
                && e.date().is_none_or(|d| d >= oldest)
                && feed.filter.matches(&e.hint(), !feed.fetch_articles)
        };
        let mut sink = |body: &mut dyn Read| {
            doc = Some(self::read(body, limit, &mut keep)?);
            Ok(())
        };
        match fetcher.get_streaming(&url, validators.as_ref(), policy, &mut sink) {
            Ok(crate::fetch::Streamed::NotModified) => found.passes.push(SitemapPass {
                url,
                validators: None,
                listed: Vec::new(),
                title: None,
            }),
            Ok(crate::fetch::Streamed::Read { validators, .. }) => {
                let doc = doc.unwrap_or_default();
                if !doc.children.is_empty() {
                    if depth >= MAX_INDEX_DEPTH {
                        found.errors.push(format!(
                            "sitemap {url}: an index nested deeper than {MAX_INDEX_DEPTH} levels"
                        ));
                        continue;
                    }
                    for child in &doc.children {
                        match url.join(child) {
                            Ok(c) if matches!(c.scheme(), "http" | "https") => {
                                queue.push_back((c, depth + 1))
                            }
                            _ => tracing::warn!("sitemap {url}: bad <loc> {child}"),
                        }
                    }
                    continue;
                }
                let index = found.passes.len();
                found.passes.push(SitemapPass {
                    url,
                    validators: Some(validators),
                    listed: Vec::new(),
                    title: None,
                });
                entries.extend(doc.entries.into_iter().map(|e| (index, e)));
            }
            Err(err) => found.errors.push(err.to_string()),
        }
    }
    // Newest first, undated last; the sort is stable so sitemap order breaks ties.
    entries.sort_by_key(|e| std::cmp::Reverse(e.1.date()));
    let mut listed = std::collections::HashSet::new();
    for (index, entry) in entries {
        if listed.len() >= feed.max_items {
            break;
        }
        let Ok(url) = Url::parse(&entry.url) else {
            continue;
        };
        let key = crate::discover::normalize_url(&url).to_string();
        if listed.insert(key.clone()) {
            found.passes[index].listed.push(key.clone());
            found.hints.push((key, entry.hint()));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEWS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://e.com/world/a.html</loc>
    <news:news>
      <news:publication><news:name>E</news:name><news:language>EN</news:language></news:publication>
      <news:publication_date>2026-12-06T10:30:00+03:00</news:publication_date>
      <news:title>Tom &amp; Jerry &#8212; <![CDATA[<b>live</b>]]></news:title>
      <news:keywords>world, Politics, politics</news:keywords>
    </news:news>
    <image:image><image:loc>https://e.com/a.jpg</image:loc></image:image>
  </url>
  <url><loc>https://e.com/world/b.html</loc><lastmod>2026-12-05</lastmod></url>
</urlset>"#;

    fn all(body: &[u8]) -> std::io::Result<Document> {
        read(&mut &body[..], 1 << 20, &mut |_| true)
    }

    #[test]
    fn news_entries_carry_title_date_keywords_language_and_image() {
        let doc = all(NEWS.as_bytes()).unwrap();
        assert_eq!(doc.entries.len(), 2);
        let a = &doc.entries[0];
        assert_eq!(a.url, "https://e.com/world/a.html");
        assert_eq!(a.news_title.as_deref(), Some("Tom & Jerry — <b>live</b>"));
        assert_eq!(
            a.news_date.unwrap().to_rfc3339(),
            "2026-12-06T10:30:00+03:00"
        );
        assert_eq!(a.keywords, ["world", "Politics"]);
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(a.image.as_deref(), Some("https://e.com/a.jpg"));
        let b = &doc.entries[1];
        assert!(b.news_title.is_none() && b.lastmod.is_some());
        assert_eq!(b.date(), b.lastmod);
    }

    #[test]
    fn index_lists_children_and_gzip_is_read() {
        let index = br#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://e.com/s1.xml.gz</loc></sitemap><sitemap><loc> https://e.com/s2.xml.gz </loc><lastmod>2026-01-01</lastmod></sitemap></sitemapindex>"#;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, index).unwrap();
        let doc = all(&gz.finish().unwrap()).unwrap();
        assert_eq!(
            doc.children,
            ["https://e.com/s1.xml.gz", "https://e.com/s2.xml.gz"]
        );
        assert!(doc.entries.is_empty());
    }

    #[test]
    fn keep_decides_what_is_held() {
        let doc = read(&mut NEWS.as_bytes(), 1 << 20, &mut |e| {
            e.url.ends_with("b.html")
        })
        .unwrap();
        assert_eq!(doc.entries.len(), 1);
    }

    #[test]
    fn html_and_gzip_bombs_are_refused() {
        let err = all(b"<html><body>hi</body></html>").unwrap_err();
        assert!(err.to_string().contains("root element is <html>"), "{err}");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut gz, &vec![b' '; 4 << 20]).unwrap();
        let bomb = gz.finish().unwrap();
        let err = read(&mut &bomb[..], 1 << 20, &mut |_| true).unwrap_err();
        assert!(err.to_string().contains("max_body_size"), "{err}");
    }

    #[test]
    fn entries_must_be_on_the_site_and_match_the_pattern() {
        let site = Url::parse("https://www.e.com/world/").unwrap();
        let pattern = regex::Regex::new(r"^/world/").unwrap();
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(on_site(
            &url("https://e.com/world/a"),
            &site,
            &[],
            Some(&pattern)
        ));
        assert!(!on_site(
            &url("https://e.com/sport/a"),
            &site,
            &[],
            Some(&pattern)
        ));
        assert!(!on_site(&url("https://evil.com/world/a"), &site, &[], None));
        assert!(on_site(
            &url("https://cdn.e.com/x"),
            &site,
            &["cdn.e.com".into()],
            None
        ));
    }
}
