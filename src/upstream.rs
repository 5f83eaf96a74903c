//! `source = "feed"`: a feed that starts from one the site publishes itself (RSS, Atom or
//! JSON Feed, read with feed-rs), and completes each entry from its article page.
//!
//! A site's own feed is often thin: a UTC time without the newsroom's zone, no image, no
//! keywords. Its entries name the articles, as a section page's links do; the article page's
//! metadata then wins and the upstream entry fills what the page lacks (title, date, summary),
//! or stands alone with `fetch_articles = false`. A feed `url` may also be a section page that
//! advertises its feed (`<link rel="alternate">`): that page is read to find the feed, which is
//! then fetched conditionally like a section page, so an unchanged feed costs one 304.

use std::io::Read;

use url::Url;

use crate::config::Feed;
use crate::fetch::{Fetcher, Policy, Streamed, Validators};
use crate::model::Article;
use crate::sitemap::{Collected, SitemapPass};

/// What one document fetched for the feed turned out to be.
enum Body {
    Feed(Box<feed_rs::model::Feed>),
    /// An HTML page, and the feeds it advertises.
    Page {
        title: Option<String>,
        feeds: Vec<crate::discover::AdvertisedFeed>,
    },
}

/// Reads the feed's upstream feeds: each `url` is the feed itself or a page that advertises
/// one. Entries off the feed's site or its `article_pattern` are left out, and only the
/// `max_items` newest are listed.
pub fn collect(
    fetcher: &Fetcher,
    feed: &Feed,
    policy: &Policy,
    previous: &dyn Fn(&Url) -> Option<Validators>,
) -> Collected {
    let mut found = Collected::default();
    for url in &feed.urls {
        let known = previous(url).filter(|v| !v.is_empty());
        let first = match fetch(fetcher, url, known.as_ref(), policy) {
            Ok(first) => first,
            Err(err) => {
                found.errors.push(err);
                continue;
            }
        };
        let (feed_url, validators, doc) = match first {
            None => {
                found.passes.push(unchanged(url.clone()));
                continue;
            }
            Some((validators, Body::Feed(doc))) => (url.clone(), validators, doc),
            Some((_, Body::Page { title, feeds })) => {
                let Some(advertised) = feeds.first() else {
                    found.errors.push(format!(
                        "{url}: neither a feed nor a page that advertises one (source = \"feed\")"
                    ));
                    continue;
                };
                // The page's title stays the feed's default title, as for a section page.
                found.passes.push(SitemapPass {
                    url: url.clone(),
                    validators: Some(Validators::default()),
                    listed: Vec::new(),
                    title,
                });
                let feed_url = advertised.url.clone();
                let known = previous(&feed_url).filter(|v| !v.is_empty());
                match fetch(fetcher, &feed_url, known.as_ref(), policy) {
                    Ok(None) => {
                        found.passes.push(unchanged(feed_url));
                        continue;
                    }
                    Ok(Some((validators, Body::Feed(doc)))) => (feed_url, validators, doc),
                    Ok(Some((_, Body::Page { .. }))) => {
                        found
                            .errors
                            .push(format!("{url} advertises {feed_url}, which is not a feed"));
                        continue;
                    }
                    Err(err) => {
                        found.errors.push(err);
                        continue;
                    }
                }
            }
        };
        let mut entries: Vec<Article> = doc
            .entries
            .iter()
            .filter_map(|e| entry_hint(e, &feed_url, doc.language.as_deref()))
            .filter(|a| {
                Url::parse(&a.url).is_ok_and(|u| {
                    crate::sitemap::on_site(
                        &u,
                        &feed.site,
                        &feed.allowed_hosts,
                        feed.rules.pattern.as_deref(),
                    )
                }) && feed.filter.matches(a, !feed.fetch_articles)
            })
            .collect();
        // Newest first, undated last; stable, so the feed's order breaks ties.
        entries.sort_by_key(|a| std::cmp::Reverse(a.published.or(a.updated)));
        let mut listed = Vec::new();
        for article in entries {
            if listed.len() >= feed.max_items {
                break;
            }
            let Ok(url) = Url::parse(&article.url) else {
                continue;
            };
            let key = crate::discover::normalize_url(&url).to_string();
            if !listed.contains(&key) {
                listed.push(key.clone());
                found.hints.push((key, article));
            }
        }
        found.passes.push(SitemapPass {
            url: feed_url,
            validators: Some(validators),
            listed,
            title: doc
                .title
                .map(|t| t.content)
                .filter(|t| !t.trim().is_empty()),
        });
    }
    found
}

fn unchanged(url: Url) -> SitemapPass {
    SitemapPass {
        url,
        validators: None,
        listed: Vec::new(),
        title: None,
    }
}

/// Fetches `url` (conditionally when `validators` are known) and tells a feed from a page;
/// `None` when it answered 304. The body is read under `max_body_size` whatever its
/// Content-Type, since feeds are served under many.
fn fetch(
    fetcher: &Fetcher,
    url: &Url,
    validators: Option<&Validators>,
    policy: &Policy,
) -> Result<Option<(Validators, Body)>, String> {
    let mut bytes = Vec::new();
    let mut sink = |body: &mut dyn Read| body.read_to_end(&mut bytes).map(|_| ());
    let (final_url, validators) = match fetcher.get_streaming(url, validators, policy, &mut sink) {
        Ok(Streamed::NotModified) => return Ok(None),
        Ok(Streamed::Read { url, validators }) => (url, validators),
        Err(err) => return Err(err.to_string()),
    };
    Ok(Some((validators, classify(&bytes, &final_url)?)))
}

/// A feed when feed-rs reads it; else an HTML page and the feeds it advertises.
fn classify(bytes: &[u8], url: &Url) -> Result<Body, String> {
    match feed_rs::parser::parse(bytes) {
        Ok(doc) => Ok(Body::Feed(Box::new(doc))),
        Err(err) => {
            let (html, _) = crate::charset::decode_html(bytes, None);
            if !html.to_ascii_lowercase().contains("<html") && !html.contains("<link") {
                return Err(format!("GET {url}: not a feed ({err})"));
            }
            let page = crate::discover::discover(&html, url, &Default::default());
            Ok(Body::Page {
                title: page.title,
                feeds: page.feeds,
            })
        }
    }
}

/// What an upstream entry says about its article, resolved against the feed's URL; `None`
/// for an entry without a web link.
fn entry_hint(
    entry: &feed_rs::model::Entry,
    base: &Url,
    language: Option<&str>,
) -> Option<Article> {
    use crate::extract::{clean_text, MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS};
    let link = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .map(|l| l.href.as_str())
        // RSS without <link> often puts the URL in a permalink <guid>.
        .or_else(|| Some(entry.id.as_str()).filter(|id| id.starts_with("http")))?;
    let url = base
        .join(link.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))?;
    let image = entry.media.iter().find_map(|m| {
        m.content
            .iter()
            .find(|c| {
                c.content_type
                    .as_ref()
                    .is_none_or(|t| t.to_string().starts_with("image/"))
            })
            .and_then(|c| c.url.as_ref().map(Url::to_string))
            .or_else(|| m.thumbnails.first().map(|t| t.image.uri.clone()))
    });
    let mut keywords: Vec<String> = Vec::new();
    for category in &entry.categories {
        let term = category.label.as_deref().unwrap_or(&category.term).trim();
        if !term.is_empty() && !keywords.iter().any(|k| k.eq_ignore_ascii_case(term)) {
            keywords.push(term.to_string());
        }
    }
    Some(Article {
        url: url.to_string(),
        title: entry
            .title
            .as_ref()
            .and_then(|t| clean_text(&t.content, MAX_TITLE_CHARS)),
        published: entry.published.or(entry.updated).map(|d| d.fixed_offset()),
        updated: entry
            .updated
            .filter(|u| Some(*u) != entry.published)
            .map(|d| d.fixed_offset()),
        image,
        keywords,
        description: entry
            .summary
            .as_ref()
            .and_then(|t| clean_text(&t.content, MAX_DESCRIPTION_CHARS)),
        author: entry.authors.iter().find_map(|p| p.name.clone()),
        language: language.map(|l| l.trim().to_ascii_lowercase()),
        section: None,
        // The site's feed may carry text, but unsanitized and often cut short: the text
        // comes from the article page, as for every other source.
        content: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
  <title>World news</title><link>https://e.com/world/</link><language>EN</language>
  <item><title>Talks &amp; more</title><link>/world/talks.html</link>
    <pubDate>Tue, 27 Jan 2026 09:28:00 GMT</pubDate>
    <description>&lt;p&gt;Ministers met.&lt;/p&gt;</description>
    <category>Politics</category><category>politics</category>
    <media:content url="https://e.com/talks.jpg" medium="image" type="image/jpeg"/></item>
  <item><title>No link</title></item>
  <item><guid isPermaLink="true">https://e.com/world/guid.html</guid><title>By guid</title></item>
</channel></rss>"#;

    #[test]
    fn rss_items_become_hints_resolved_against_the_feed() {
        let base = Url::parse("https://e.com/world/rss.xml").unwrap();
        let Body::Feed(doc) = classify(RSS.as_bytes(), &base).unwrap() else {
            panic!("not read as a feed");
        };
        let hints: Vec<Article> = doc
            .entries
            .iter()
            .filter_map(|e| entry_hint(e, &base, doc.language.as_deref()))
            .collect();
        assert_eq!(hints.len(), 2);
        let a = &hints[0];
        assert_eq!(a.url, "https://e.com/world/talks.html");
        assert_eq!(a.title.as_deref(), Some("Talks & more"));
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2026-01-27T09:28:00+00:00"
        );
        assert_eq!(a.description.as_deref(), Some("Ministers met."));
        assert_eq!(a.keywords, ["Politics"]);
        assert_eq!(a.image.as_deref(), Some("https://e.com/talks.jpg"));
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(hints[1].url, "https://e.com/world/guid.html");
    }

    #[test]
    fn a_page_is_read_for_the_feeds_it_advertises() {
        let base = Url::parse("https://e.com/world/").unwrap();
        let html = br#"<html><head><title>World</title>
            <link rel="alternate" type="application/rss+xml" href="/world/rss.xml"></head></html>"#;
        let Body::Page { title, feeds } = classify(html, &base).unwrap() else {
            panic!("read as a feed");
        };
        assert_eq!(title.as_deref(), Some("World"));
        assert_eq!(feeds[0].url.as_str(), "https://e.com/world/rss.xml");
        assert!(classify(b"just text", &base)
            .err()
            .unwrap()
            .contains("not a feed"));
    }
}
