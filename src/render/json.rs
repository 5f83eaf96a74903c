//! JSON Feed 1.1 documents (<https://www.jsonfeed.org/version/1.1/>).

use serde::Serialize;

use super::{entry_updated, feed_language, xml_text, FeedInfo};
use crate::store::StoredArticle;

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: String,
    home_page_url: String,
    feed_url: String,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<String>,
    authors: Vec<Author>,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Author {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    url: &'a str,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    /// The article's text, for feeds with full text.
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<String>,
    /// JSON Feed requires content: without the article's text, the summary (or title)
    /// stands in, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    date_published: String,
    date_modified: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
}

/// Renders the JSON Feed of a feed; `entries` come newest first. Text is cleaned as for the
/// XML formats, so an entry reads the same in every format.
pub fn render(info: &FeedInfo, entries: &[StoredArticle]) -> Vec<u8> {
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: xml_text(&info.title),
        home_page_url: info.site_url.to_string(),
        feed_url: info.self_url("json"),
        description: xml_text(&info.description),
        language: feed_language(entries),
        authors: vec![Author {
            name: info.site_name(),
            url: Some(info.site_url.to_string()),
        }],
        items: entries.iter().map(item).collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&feed).expect("a feed always serialises");
    bytes.push(b'\n');
    bytes
}

fn item(entry: &StoredArticle) -> Item<'_> {
    let article = &entry.article;
    let title = xml_text(article.title.as_deref().unwrap_or(&article.url));
    let summary = article.description.as_deref().map(xml_text);
    Item {
        id: &article.url,
        url: &article.url,
        content_html: article.content.as_deref().map(xml_text),
        content_text: article
            .content
            .is_none()
            .then(|| summary.clone().unwrap_or_else(|| title.clone())),
        title,
        summary,
        image: article.image.as_deref(),
        date_published: entry.effective_date().to_rfc3339(),
        date_modified: entry_updated(entry).to_rfc3339(),
        tags: article.keywords.iter().map(|k| xml_text(k)).collect(),
        authors: article
            .author
            .iter()
            .map(|name| Author {
                name: xml_text(name),
                url: None,
            })
            .collect(),
        language: article.language.as_deref(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{entries, info};
    use super::*;

    #[test]
    fn items_carry_the_same_ids_dates_images_and_tags() {
        let bytes = render(&info(), &entries());
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(json["feed_url"], "https://feeds.example.org/world.json");
        let first = &json["items"][0];
        assert_eq!(first["id"], "https://news.example/20260127/defense-1.html");
        assert_eq!(first["date_published"], "2026-01-27T12:28:00+03:00");
        assert_eq!(first["date_modified"], "2026-01-27T14:00:00+03:00");
        assert_eq!(first["image"], "https://cdn.example/img/1.png?w=1920");
        assert_eq!(first["tags"], serde_json::json!(["world", "china"]));
        assert_eq!(first["authors"][0]["name"], "Jane Doe");
        let second = &json["items"][1];
        assert_eq!(second["date_published"], "2026-01-26T08:00:00+00:00");
        assert!(second.get("tags").is_none());
        assert_eq!(bytes, render(&info(), &entries()));
        // The control character in the first title is gone, as in RSS and Atom.
        assert_eq!(first["title"], "Russia & China <talk>");
    }

    #[test]
    fn article_text_is_content_html_and_the_summary_stays() {
        let json: serde_json::Value = serde_json::from_slice(&render(&info(), &entries())).unwrap();
        let first = &json["items"][0];
        assert!(first["content_html"]
            .as_str()
            .unwrap()
            .starts_with("<p>Talks <b>were</b> held ]]> in <a"));
        assert!(first.get("content_text").is_none());
        assert_eq!(first["summary"], "Talks ]]> were held.");
        let second = &json["items"][1];
        assert!(second.get("content_html").is_none());
        assert_eq!(second["content_text"], "Undated");
    }
}
