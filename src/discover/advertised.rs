//! The feeds a page advertises about itself (`<link rel="alternate" type="application/rss+xml">`
//! and its Atom and JSON Feed kin). `probe --section` and `add` report them, since the user may
//! not need sitefeed for that section, and `source = "feed"` starts from one.

use std::sync::LazyLock;

use scraper::{Html, Selector};
use url::Url;

/// The syndication format a `<link rel="alternate">` announces by its `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Rss,
    Atom,
    Json,
}

impl FeedFormat {
    /// The format for a link's `type` attribute; other alternates (translations, AMP) are `None`.
    fn from_mime(mime: &str) -> Option<Self> {
        let mime = mime.split(';').next().unwrap_or_default().trim();
        match mime.to_ascii_lowercase().as_str() {
            "application/rss+xml" | "application/rdf+xml" => Some(Self::Rss),
            "application/atom+xml" => Some(Self::Atom),
            "application/feed+json" | "application/json+feed" => Some(Self::Json),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Rss => "RSS",
            Self::Atom => "Atom",
            Self::Json => "JSON Feed",
        }
    }
}

/// One feed the page points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvertisedFeed {
    pub url: Url,
    pub format: FeedFormat,
    pub title: Option<String>,
}

/// How `probe --section` and `add` show it: the URL, then its format and title.
impl std::fmt::Display for AdvertisedFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}  [{}", self.url, self.format.name())?;
        if let Some(title) = &self.title {
            write!(f, " \"{title}\"")?;
        }
        f.write_str("] the site publishes this feed itself")
    }
}

static ALTERNATE: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("link[rel][type][href]").unwrap());

/// The page's advertised feeds in document order, each URL once, resolved against `base`.
pub(super) fn advertised_feeds(doc: &Html, base: &Url) -> Vec<AdvertisedFeed> {
    let mut feeds: Vec<AdvertisedFeed> = Vec::new();
    for link in doc.select(&ALTERNATE) {
        let is_alternate = link
            .attr("rel")
            .unwrap_or_default()
            .split_ascii_whitespace()
            .any(|r| r.eq_ignore_ascii_case("alternate"));
        let Some(format) = link.attr("type").and_then(FeedFormat::from_mime) else {
            continue;
        };
        let Some(url) = link
            .attr("href")
            .and_then(|h| base.join(h.trim()).ok())
            .filter(super::url_shape::is_web)
        else {
            continue;
        };
        if !is_alternate || feeds.iter().any(|f| f.url == url) {
            continue;
        }
        let title = link
            .attr("title")
            .map(super::collapse_whitespace)
            .filter(|t| !t.is_empty());
        feeds.push(AdvertisedFeed { url, format, title });
    }
    feeds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feeds(html: &str) -> Vec<AdvertisedFeed> {
        let base = Url::parse("https://example.org/world/").unwrap();
        advertised_feeds(&Html::parse_document(html), &base)
    }

    #[test]
    fn finds_rss_atom_and_json_feed_links_resolved_in_order() {
        let found = feeds(
            r#"<head>
            <link rel="alternate" type="application/rss+xml" title=" World  news " href="/world/rss.xml">
            <link rel="Alternate" type="application/atom+xml; charset=utf-8" href="atom.xml">
            <link rel="alternate" type="application/feed+json" href="https://example.org/feed.json">
            </head>"#,
        );
        let urls: Vec<&str> = found.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://example.org/world/rss.xml",
                "https://example.org/world/atom.xml",
                "https://example.org/feed.json"
            ]
        );
        assert_eq!(found[0].title.as_deref(), Some("World news"));
        assert_eq!(
            found.iter().map(|f| f.format).collect::<Vec<_>>(),
            [FeedFormat::Rss, FeedFormat::Atom, FeedFormat::Json]
        );
    }

    #[test]
    fn ignores_other_alternates_non_web_urls_and_repeats() {
        let found = feeds(
            r#"<link rel="alternate" hreflang="de" type="text/html" href="/de/">
            <link rel="stylesheet" type="application/rss+xml" href="/not-alternate.xml">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            <link rel="alternate" type="application/rss+xml" href="/rss">
            <link rel="alternate" type="application/rss+xml" href="/rss">"#,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].url.as_str(), "https://example.org/rss");
    }
}
