//! Atom 1.0 documents.

use atom_syndication::{
    Category, Content, Entry, Feed, Generator, Link, Person, Text, WriteConfig,
};

use super::{entry_updated, feed_language, image_mime, newest, xml_text, FeedInfo};
use crate::store::StoredArticle;

/// Renders the Atom 1.0 document of a feed; `entries` come newest first.
pub fn render(info: &FeedInfo, entries: &[StoredArticle]) -> Vec<u8> {
    let self_url = info.self_url("atom");
    let feed = Feed {
        title: Text::plain(xml_text(&info.title)),
        id: self_url.clone(),
        // An empty feed still needs a fixed date: the epoch keeps the bytes stable.
        updated: newest(entries).unwrap_or(chrono::DateTime::UNIX_EPOCH.fixed_offset()),
        // A feed-level author makes every entry valid, whether or not it names its own.
        authors: vec![Person {
            name: xml_text(&info.site_name()),
            uri: Some(info.site_url.to_string()),
            ..Person::default()
        }],
        subtitle: Some(Text::plain(xml_text(&info.description))),
        generator: Some(Generator {
            value: "sitefeed".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
            uri: None,
        }),
        links: vec![
            Link {
                href: self_url,
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Link::default()
            },
            Link {
                href: info.site_url.to_string(),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Link::default()
            },
        ],
        lang: feed_language(entries),
        entries: entries.iter().map(entry).collect(),
        ..Feed::default()
    };
    let config = WriteConfig {
        write_document_declaration: true,
        indent_size: Some(2),
    };
    let mut bytes = feed
        .write_with_config(Vec::new(), config)
        .expect("writing to memory cannot fail");
    bytes.push(b'\n');
    bytes
}

fn entry(stored: &StoredArticle) -> Entry {
    let article = &stored.article;
    let mut links = vec![Link {
        href: article.url.clone(),
        rel: "alternate".into(),
        mime_type: Some("text/html".into()),
        ..Link::default()
    }];
    if let Some(image) = &article.image {
        links.push(Link {
            href: image.clone(),
            rel: "enclosure".into(),
            mime_type: Some(image_mime(image).into()),
            ..Link::default()
        });
    }
    Entry {
        title: Text::plain(xml_text(article.title.as_deref().unwrap_or(&article.url))),
        id: article.url.clone(),
        updated: entry_updated(stored),
        published: Some(stored.effective_date()),
        authors: article
            .author
            .iter()
            .map(|name| Person {
                name: xml_text(name),
                ..Person::default()
            })
            .collect(),
        categories: article
            .keywords
            .iter()
            .map(|k| Category {
                term: xml_text(k),
                ..Category::default()
            })
            .collect(),
        links,
        summary: article
            .description
            .as_deref()
            .map(|d| Text::plain(xml_text(d))),
        content: article.content.as_deref().map(|html| Content {
            value: Some(xml_text(html)),
            content_type: Some("html".into()),
            ..Content::default()
        }),
        ..Entry::default()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{entries, info};
    use super::*;

    fn rendered() -> String {
        String::from_utf8(render(&info(), &entries())).unwrap()
    }

    #[test]
    fn feed_has_id_self_alternate_author_and_updated() {
        let xml = rendered();
        assert!(
            xml.contains("<id>https://feeds.example.org/world.atom</id>"),
            "{xml}"
        );
        assert!(xml.contains(r#"<link href="https://feeds.example.org/world.atom" rel="self" type="application/atom+xml"/>"#), "{xml}");
        assert!(xml.contains(
            r#"<link href="https://news.example/world/" rel="alternate" type="text/html"/>"#
        ));
        assert!(
            xml.contains("<updated>2026-01-27T14:00:00+03:00</updated>"),
            "{xml}"
        );
        assert!(xml.contains("<name>news.example</name>"));
    }

    #[test]
    fn entries_carry_id_dates_categories_and_image() {
        let xml = rendered();
        assert!(xml.contains("<id>https://news.example/20260127/defense-1.html</id>"));
        assert!(xml.contains("<published>2026-01-27T12:28:00+03:00</published>"));
        assert!(xml.contains(r#"<category term="china"/>"#), "{xml}");
        assert!(xml.contains(r#"<link href="https://cdn.example/img/1.png?w=1920" rel="enclosure" type="image/png"/>"#), "{xml}");
        assert!(
            xml.contains("<summary>Talks ]]&gt; were held.</summary>"),
            "{xml}"
        );
        assert!(xml.contains("<published>2026-01-26T08:00:00+00:00</published>"));
        assert!(!xml.contains('\u{1}'));
    }

    #[test]
    fn same_input_same_bytes_and_parses_back() {
        assert_eq!(rendered(), rendered());
        let feed = Feed::read_from(rendered().as_bytes()).unwrap();
        assert_eq!(feed.entries().len(), 2);
        let empty = String::from_utf8(render(&info(), &[])).unwrap();
        assert!(
            empty.contains("<updated>1970-01-01T00:00:00+00:00</updated>"),
            "{empty}"
        );
    }

    #[test]
    fn article_text_is_html_content_beside_the_summary() {
        let xml = rendered();
        assert!(
            xml.contains(r#"<content type="html">&lt;p&gt;Talks &lt;b&gt;were&lt;/b&gt;"#),
            "{xml}"
        );
        let feed = Feed::read_from(xml.as_bytes()).unwrap();
        let content = feed.entries()[0].content().unwrap();
        assert_eq!(content.content_type(), Some("html"));
        assert_eq!(
            content.value(),
            Some("<p>Talks <b>were</b> held ]]> in <a href=\"https://news.example/a\">Beijing</a>.</p>")
        );
        assert_eq!(
            feed.entries()[0].summary().map(|s| s.as_str()),
            Some("Talks ]]> were held.")
        );
        assert!(feed.entries()[1].content().is_none());
    }
}
