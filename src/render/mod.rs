//! Stored articles -> feed documents (pure: no clock, no disk).
//!
//! Rendering takes a feed's description and its entries and returns the bytes of one document.
//! Every date in a document comes from the entries, never from the clock, so the same store
//! renders to the same bytes and an unchanged feed is never rewritten. All text passes through
//! [`xml_text`], so no XML-illegal character reaches a file.

pub mod atom;
pub mod json;
pub mod rss;
pub mod site;

use chrono::{DateTime, FixedOffset};
use url::Url;

use crate::store::StoredArticle;

/// What a feed says about itself, beside its entries.
#[derive(Debug, Clone)]
pub struct FeedInfo {
    /// File stem in `output/`.
    pub name: String,
    pub title: String,
    pub description: String,
    /// The (first) section page the feed is made from.
    pub site_url: Url,
    /// Public URL of the output directory, ending in `/`.
    pub base_url: Url,
}

impl FeedInfo {
    /// Where the feed file with extension `ext` is published.
    pub fn self_url(&self, ext: &str) -> String {
        self.base_url
            .join(&format!("{}.{ext}", self.name))
            .map(String::from)
            .unwrap_or_else(|_| format!("{}{}.{ext}", self.base_url, self.name))
    }

    /// Who the feed is by when an entry names no author: the site's host name.
    pub fn site_name(&self) -> String {
        self.site_url
            .host_str()
            .map(|h| h.trim_start_matches("www.").to_string())
            .unwrap_or_else(|| self.title.clone())
    }
}

/// The newest date among the entries: the feed's own update time.
fn newest(entries: &[StoredArticle]) -> Option<DateTime<FixedOffset>> {
    entries
        .iter()
        .map(entry_updated)
        .max_by_key(|d| d.timestamp())
}

/// An entry's last change: its modification time if later than its publication.
fn entry_updated(entry: &StoredArticle) -> DateTime<FixedOffset> {
    let published = entry.effective_date();
    match entry.article.updated {
        Some(updated) if updated > published => updated,
        _ => published,
    }
}

/// `text` with the characters XML 1.0 forbids removed (escaping is the writers' job).
pub fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r')
                || ('\u{20}'..='\u{D7FF}').contains(&c)
                || ('\u{E000}'..='\u{FFFD}').contains(&c)
                || c >= '\u{10000}'
        })
        .collect()
}

/// The MIME type of an image, from its URL's extension; JPEG when it names none, as news
/// sites' image CDNs nearly always serve.
pub fn image_mime(url: &str) -> &'static str {
    let path = Url::parse(url)
        .map(|u| u.path().to_ascii_lowercase())
        .unwrap_or_else(|_| url.to_ascii_lowercase());
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        "bmp" => "image/bmp",
        _ => "image/jpeg",
    }
}

/// The language of a feed: the one most of its entries declare, ties to the alphabetically
/// first so the output is stable.
fn feed_language(entries: &[StoredArticle]) -> Option<String> {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for entry in entries {
        if let Some(lang) = entry.article.language.as_deref() {
            *counts.entry(lang).or_default() += 1;
        }
    }
    let best = counts.values().copied().max()?;
    counts
        .into_iter()
        .find(|(_, n)| *n == best)
        .map(|(lang, _)| lang.to_string())
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::model::Article;
    use chrono::{TimeZone, Utc};

    pub fn info() -> FeedInfo {
        FeedInfo {
            name: "world".into(),
            title: "Sputnik: World".into(),
            description: "Articles from https://news.example/world/".into(),
            site_url: Url::parse("https://news.example/world/").unwrap(),
            base_url: Url::parse("https://feeds.example.org/").unwrap(),
        }
    }

    pub fn entries() -> Vec<StoredArticle> {
        vec![
            StoredArticle {
                article: Article {
                    url: "https://news.example/20260127/defense-1.html".into(),
                    title: Some("Russia & China <talk>\u{1}".into()),
                    published: Some(
                        DateTime::parse_from_rfc3339("2026-01-27T12:28:00+03:00").unwrap(),
                    ),
                    updated: Some(
                        DateTime::parse_from_rfc3339("2026-01-27T14:00:00+03:00").unwrap(),
                    ),
                    image: Some("https://cdn.example/img/1.png?w=1920".into()),
                    keywords: vec!["world".into(), "china".into()],
                    description: Some("Talks ]]> were held.".into()),
                    author: Some("Jane Doe".into()),
                    language: Some("en".into()),
                    section: Some("World".into()),
                    content: Some(
                        "<p>Talks <b>were</b> held ]]> in\u{0} <a href=\"https://news.example/a\">Beijing</a>.</p>"
                            .into(),
                    ),
                },
                first_seen: Utc.with_ymd_and_hms(2026, 1, 27, 10, 0, 0).unwrap(),
            },
            StoredArticle {
                article: Article {
                    url: "https://news.example/20260126/undated-2.html".into(),
                    title: Some("Undated".into()),
                    language: Some("en".into()),
                    ..Article::default()
                },
                first_seen: Utc.with_ymd_and_hms(2026, 1, 26, 8, 0, 0).unwrap(),
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn illegal_xml_characters_are_removed() {
        assert_eq!(
            xml_text("a\u{0}b\u{1b}c\td\u{FFFE}e\u{1F600}"),
            "abc\tde\u{1F600}"
        );
    }

    #[test]
    fn image_types_come_from_the_extension() {
        assert_eq!(image_mime("https://c.example/a.PNG?x=1"), "image/png");
        assert_eq!(image_mime("https://c.example/a.webp"), "image/webp");
        assert_eq!(image_mime("https://c.example/a.jpg"), "image/jpeg");
        assert_eq!(image_mime("https://c.example/img/1234"), "image/jpeg");
    }

    #[test]
    fn self_url_is_under_the_base() {
        let info = test_support::info();
        assert_eq!(info.self_url("rss"), "https://feeds.example.org/world.rss");
        assert_eq!(info.site_name(), "news.example");
    }

    #[test]
    fn feed_date_is_the_newest_entry_change() {
        let entries = test_support::entries();
        assert_eq!(
            newest(&entries).unwrap().to_rfc3339(),
            "2026-01-27T14:00:00+03:00"
        );
        assert_eq!(newest(&[]), None);
    }
}
