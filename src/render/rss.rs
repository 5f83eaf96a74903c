//! RSS 2.0 documents, with `atom:link rel="self"`, Media RSS images and Dublin Core authors.

use std::collections::BTreeMap;

use rss::extension::atom::{AtomExtension, Link};
use rss::extension::dublincore::DublinCoreExtension;
use rss::extension::Extension;
use rss::{Category, Channel, Enclosure, Guid, Item};

use super::{feed_language, image_mime, newest, xml_text, FeedInfo};
use crate::store::StoredArticle;

const MEDIA_NAMESPACE: &str = "http://search.yahoo.com/mrss/";
const CONTENT_NAMESPACE: &str = "http://purl.org/rss/1.0/modules/content/";

/// Renders the RSS 2.0 document of a feed; `entries` come newest first.
pub fn render(info: &FeedInfo, entries: &[StoredArticle]) -> Vec<u8> {
    let newest = newest(entries).map(|d| d.to_rfc2822());
    let mut namespaces = BTreeMap::from([("media".to_string(), MEDIA_NAMESPACE.to_string())]);
    // Declared only where used, so a feed without full text keeps its bytes.
    if entries.iter().any(|e| e.article.content.is_some()) {
        namespaces.insert("content".to_string(), CONTENT_NAMESPACE.to_string());
    }
    let channel = Channel {
        title: xml_text(&info.title),
        link: info.site_url.to_string(),
        description: xml_text(&info.description),
        language: feed_language(entries),
        generator: Some(format!("sitefeed {}", env!("CARGO_PKG_VERSION"))),
        docs: Some("https://www.rssboard.org/rss-specification".into()),
        pub_date: newest.clone(),
        last_build_date: newest,
        atom_ext: Some(AtomExtension {
            links: vec![Link {
                href: info.self_url("rss"),
                rel: "self".into(),
                mime_type: Some("application/rss+xml".into()),
                ..Link::default()
            }],
        }),
        namespaces,
        items: entries.iter().map(item).collect(),
        ..Channel::default()
    };
    let bytes = channel
        .pretty_write_to(Vec::new(), b' ', 2)
        .expect("writing to memory cannot fail");
    let mut xml = String::from_utf8(bytes).expect("the writer emits UTF-8");
    // The crate leaves out `isPermaLink="true"` as the default; some readers and validators
    // want it said. Text is escaped, so `<guid>` can only be the element itself.
    xml = xml.replace("<guid>", r#"<guid isPermaLink="true">"#);
    xml.push('\n');
    xml.into_bytes()
}

fn item(entry: &StoredArticle) -> Item {
    let article = &entry.article;
    let mut extensions = BTreeMap::new();
    if let Some(image) = &article.image {
        let content = Extension {
            name: "media:content".into(),
            attrs: BTreeMap::from([
                ("url".to_string(), image.clone()),
                ("medium".to_string(), "image".to_string()),
                ("type".to_string(), image_mime(image).to_string()),
            ]),
            ..Extension::default()
        };
        extensions.insert(
            "media".to_string(),
            BTreeMap::from([("content".to_string(), vec![content])]),
        );
    }
    Item {
        title: Some(xml_text(article.title.as_deref().unwrap_or(&article.url))),
        link: Some(article.url.clone()),
        description: article.description.as_deref().map(xml_text),
        // The crate writes it as CDATA and splits any `]]>`, so the HTML goes in as it is.
        content: article.content.as_deref().map(xml_text),
        categories: article
            .keywords
            .iter()
            .map(|k| Category {
                name: xml_text(k),
                domain: None,
            })
            .collect(),
        enclosure: article.image.as_ref().map(|image| Enclosure {
            url: image.clone(),
            // The size is unknown without fetching the image; 0 is the customary value.
            length: "0".into(),
            mime_type: image_mime(image).into(),
        }),
        guid: Some(Guid {
            value: article.url.clone(),
            permalink: true,
        }),
        pub_date: Some(entry.effective_date().to_rfc2822()),
        dublin_core_ext: article.author.as_ref().map(|author| DublinCoreExtension {
            creators: vec![xml_text(author)],
            ..DublinCoreExtension::default()
        }),
        extensions,
        ..Item::default()
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
    fn channel_carries_self_link_and_dates_from_entries() {
        let xml = rendered();
        assert!(xml.contains(r#"<atom:link href="https://feeds.example.org/world.rss" rel="self" type="application/rss+xml"/>"#), "{xml}");
        assert!(
            xml.contains("<lastBuildDate>Tue, 27 Jan 2026 14:00:00 +0300</lastBuildDate>"),
            "{xml}"
        );
        assert!(xml.contains("<language>en</language>"));
        assert!(xml.contains(r#"xmlns:media="http://search.yahoo.com/mrss/""#));
    }

    #[test]
    fn items_carry_guid_date_categories_and_image() {
        let xml = rendered();
        assert!(
            xml.contains(
                r#"<guid isPermaLink="true">https://news.example/20260127/defense-1.html</guid>"#
            ),
            "{xml}"
        );
        assert!(xml.contains("<pubDate>Tue, 27 Jan 2026 12:28:00 +0300</pubDate>"));
        assert!(xml.contains("<category>china</category>"));
        assert!(xml.contains(r#"<enclosure url="https://cdn.example/img/1.png?w=1920" length="0" type="image/png"/>"#), "{xml}");
        assert!(xml.contains(r#"<media:content medium="image" type="image/png" url="https://cdn.example/img/1.png?w=1920">"#), "{xml}");
        assert!(xml.contains("<dc:creator>Jane Doe</dc:creator>"));
        // The undated entry is dated by first sight.
        assert!(xml.contains("<pubDate>Mon, 26 Jan 2026 08:00:00 +0000</pubDate>"));
    }

    #[test]
    fn text_is_escaped_and_cleaned() {
        let xml = rendered();
        assert!(
            xml.contains("<title>Russia &amp; China &lt;talk&gt;</title>"),
            "{xml}"
        );
        assert!(!xml.contains('\u{1}'));
        let channel = Channel::read_from(xml.as_bytes()).unwrap();
        assert_eq!(
            channel.items()[0].description(),
            Some("Talks ]]> were held.")
        );
    }

    #[test]
    fn same_input_same_bytes_and_parses_back() {
        assert_eq!(rendered(), rendered());
        let channel = Channel::read_from(rendered().as_bytes()).unwrap();
        assert_eq!(channel.items().len(), 2);
    }

    #[test]
    fn article_text_is_content_encoded_in_cdata_and_reads_back_whole() {
        let xml = rendered();
        assert!(
            xml.contains(r#"xmlns:content="http://purl.org/rss/1.0/modules/content/""#),
            "{xml}"
        );
        assert!(
            xml.contains("<content:encoded><![CDATA[<p>Talks <b>were</b>"),
            "{xml}"
        );
        assert!(!xml.contains('\u{0}'));
        let channel = Channel::read_from(xml.as_bytes()).unwrap();
        assert_eq!(
            channel.items()[0].content(),
            Some("<p>Talks <b>were</b> held ]]> in <a href=\"https://news.example/a\">Beijing</a>.</p>")
        );
        assert_eq!(channel.items()[1].content(), None);
        // Without text anywhere, the namespace is not declared.
        let mut bare = entries();
        bare[0].article.content = None;
        let xml = String::from_utf8(render(&info(), &bare)).unwrap();
        assert!(!xml.contains("xmlns:content") && !xml.contains("content:encoded"));
    }
}
