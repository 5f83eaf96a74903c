//! The files that describe all feeds at once: `index.html` (a page listing every feed, with
//! autodiscovery links), `feeds.opml` (for importing them all into a reader) and the stylesheet
//! that makes a feed file readable when opened in a browser.

use chrono::{DateTime, FixedOffset};

use super::{xml_text, FeedInfo};
use crate::config::Format;

/// File names of the site-wide documents in `output/`.
pub const INDEX_FILE: &str = "index.html";
pub const OPML_FILE: &str = "feeds.opml";
pub const STYLESHEET_FILE: &str = "feed.css";

/// What the index and OPML say about one feed.
#[derive(Debug, Clone)]
pub struct FeedSummary {
    pub info: FeedInfo,
    pub formats: Vec<Format>,
    pub entries: usize,
    /// Title, link and date of the newest entry.
    pub newest: Option<(String, String, DateTime<FixedOffset>)>,
}

/// Escapes text for HTML and XML text and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in xml_text(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The feed's own link for `format`, relative to the output directory so the page works
/// wherever it is hosted.
fn file_link(info: &FeedInfo, format: Format) -> String {
    format!("{}.{}", info.name, format.extension())
}

/// Renders `index.html`: every feed with its section, newest entry, entry count and links to
/// each format, plus `<link rel="alternate">` tags so browsers and readers find the feeds.
/// No script, no external asset.
pub fn index_html(title: &str, feeds: &[FeedSummary]) -> Vec<u8> {
    let mut html = String::new();
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str(&format!("<title>{}</title>\n", escape(title)));
    for feed in feeds {
        for &format in &feed.formats {
            html.push_str(&format!(
                "<link rel=\"alternate\" type=\"{}\" title=\"{} ({})\" href=\"{}\">\n",
                format.media_type(),
                escape(&feed.info.title),
                format.extension().to_uppercase(),
                escape(&feed.info.self_url(format.extension()))
            ));
        }
    }
    html.push_str(&format!(
        "<style>{INDEX_CSS}</style>\n</head>\n<body>\n<main>\n"
    ));
    html.push_str(&format!("<h1>{}</h1>\n", escape(title)));
    html.push_str(&format!(
        "<p class=\"intro\">{}. Copy a feed's link into your feed reader, or import <a href=\"{OPML_FILE}\">all of them (OPML)</a>.</p>\n",
        crate::words::counted(feeds.len(), "feed")
    ));
    html.push_str("<ul class=\"feeds\">\n");
    for feed in feeds {
        let info = &feed.info;
        html.push_str("<li class=\"feed\">\n");
        html.push_str(&format!("<h2>{}</h2>\n", escape(&info.title)));
        html.push_str(&format!(
            "<p class=\"source\">From <a href=\"{0}\">{0}</a></p>\n",
            escape(info.site_url.as_str())
        ));
        match &feed.newest {
            Some((title, link, date)) => html.push_str(&format!(
                "<p class=\"newest\">Newest: <a href=\"{}\">{}</a> <time datetime=\"{}\">{}</time></p>\n",
                escape(link),
                escape(title),
                date.to_rfc3339(),
                date.format("%Y-%m-%d %H:%M %:z")
            )),
            None => html.push_str("<p class=\"newest\">No entries yet.</p>\n"),
        }
        html.push_str(&format!(
            "<p class=\"count\">{} {}</p>\n<p class=\"formats\">",
            feed.entries,
            if feed.entries == 1 {
                "entry"
            } else {
                "entries"
            }
        ));
        for &format in &feed.formats {
            html.push_str(&format!(
                "<a class=\"format\" type=\"{}\" href=\"{}\">{}</a> ",
                format.media_type(),
                escape(&file_link(info, format)),
                format.extension().to_uppercase()
            ));
        }
        html.push_str("</p>\n</li>\n");
    }
    html.push_str("</ul>\n<footer>Made by sitefeed ");
    html.push_str(env!("CARGO_PKG_VERSION"));
    html.push_str(".</footer>\n</main>\n</body>\n</html>\n");
    html.into_bytes()
}

/// Renders `feeds.opml` (OPML 2.0): one outline per feed, pointing at its RSS file when it has
/// one, else the first format it has.
pub fn opml(title: &str, feeds: &[FeedSummary]) -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<opml version=\"2.0\">\n<head>\n",
    );
    xml.push_str(&format!("<title>{}</title>\n", escape(title)));
    // The newest entry date stands for "modified", so the file only changes with the feeds.
    if let Some(newest) = feeds
        .iter()
        .filter_map(|f| f.newest.as_ref())
        .map(|n| n.2)
        .max()
    {
        xml.push_str(&format!(
            "<dateModified>{}</dateModified>\n",
            newest.to_rfc2822()
        ));
    }
    xml.push_str("</head>\n<body>\n");
    for feed in feeds {
        let format = if feed.formats.contains(&Format::Rss) {
            Format::Rss
        } else {
            feed.formats[0]
        };
        let kind = match format {
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::Json => "json",
        };
        xml.push_str(&format!(
            "<outline type=\"{kind}\" text=\"{0}\" title=\"{0}\" xmlUrl=\"{1}\" htmlUrl=\"{2}\"/>\n",
            escape(&feed.info.title),
            escape(&feed.info.self_url(format.extension())),
            escape(feed.info.site_url.as_str())
        ));
    }
    xml.push_str("</body>\n</opml>\n");
    xml.into_bytes()
}

/// The processing instruction that points a feed file at [`STYLESHEET`]. Relative, so it
/// works wherever `output/` is hosted.
fn stylesheet_instruction() -> String {
    format!("<?xml-stylesheet type=\"text/css\" href=\"{STYLESHEET_FILE}\"?>")
}

/// Puts the stylesheet instruction after the XML declaration of `document`.
pub fn with_stylesheet(document: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8(document).expect("renderers emit UTF-8");
    let instruction = stylesheet_instruction();
    let out = match text.split_once("?>") {
        Some((declaration, rest)) if declaration.starts_with("<?xml ") => {
            format!("{declaration}?>\n{instruction}\n{}", rest.trim_start())
        }
        _ => format!("{instruction}\n{text}"),
    };
    out.into_bytes()
}

const INDEX_CSS: &str = "
:root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fff;--muted:#666;--card:#f5f5f7;--link:#0a58ca}
@media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#111;--muted:#aaa;--card:#1c1c1e;--link:#6ea8fe}}
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:46rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0}
a{color:var(--link)}
.intro,.source,.count,footer{color:var(--muted)}
.feeds{list-style:none;padding:0}
.feed{background:var(--card);border-radius:.6rem;padding:.8rem 1rem;margin:0 0 1rem}
.feed h2{font-size:1.15rem;margin:0 0 .3rem}
.feed p{margin:.2rem 0;overflow-wrap:anywhere}
.format{display:inline-block;padding:.35rem .8rem;margin:.3rem .4rem 0 0;border:1px solid var(--link);border-radius:1rem;text-decoration:none;font-weight:600}
";

/// CSS for feed files opened in a browser. Browsers render XML with a CSS stylesheet the same
/// way everywhere (unlike XSLT, which some are dropping); elements a reader needs but a person
/// does not are hidden.
pub const STYLESHEET: &str = "/* sitefeed: makes RSS and Atom files readable in a browser. */
:root{color-scheme:light dark}
rss,feed{display:block;max-width:46rem;margin:0 auto;padding:1rem;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
rss *,feed *{display:none}
rss>channel,channel>item,feed>entry{display:block}
channel>title,feed>title{display:block;font-size:1.6rem;font-weight:700;margin:.5rem 0}
channel>description,feed>subtitle{display:block;color:#777;margin-bottom:1rem}
channel::before,feed::before{content:'This is a feed: copy this page\\'s address into your feed reader to subscribe.';display:block;padding:.6rem .8rem;margin-bottom:1rem;border-radius:.5rem;background:rgba(127,127,127,.15)}
channel>item,feed>entry{padding:.7rem 0;border-top:1px solid rgba(127,127,127,.3)}
item>title,entry>title{display:block;font-size:1.1rem;font-weight:600}
item>pubDate,entry>published{display:block;color:#777;font-size:.9rem}
item>description,entry>summary{display:block;margin-top:.3rem}
item>link,entry>id{display:block;font-size:.85rem;color:#0a58ca;overflow-wrap:anywhere}
";

#[cfg(test)]
mod tests {
    use super::super::test_support::info;
    use super::*;

    fn summaries() -> Vec<FeedSummary> {
        let mut other = info();
        other.name = "russia".into();
        other.title = "Russia <& more>".into();
        vec![
            FeedSummary {
                info: info(),
                formats: Format::ALL.to_vec(),
                entries: 2,
                newest: Some((
                    "Talks & news".into(),
                    "https://news.example/a.html".into(),
                    DateTime::parse_from_rfc3339("2026-01-27T12:28:00+03:00").unwrap(),
                )),
            },
            FeedSummary {
                info: other,
                formats: vec![Format::Atom],
                entries: 0,
                newest: None,
            },
        ]
    }

    #[test]
    fn index_lists_every_feed_with_autodiscovery_links() {
        let html = String::from_utf8(index_html("Feeds", &summaries())).unwrap();
        assert!(html.contains(r#"<link rel="alternate" type="application/rss+xml" title="Sputnik: World (RSS)" href="https://feeds.example.org/world.rss">"#), "{html}");
        assert!(html.contains(r#"<link rel="alternate" type="application/feed+json" title="Sputnik: World (JSON)" href="https://feeds.example.org/world.json">"#));
        assert!(html
            .contains(r#"type="application/atom+xml" title="Russia &lt;&amp; more&gt; (ATOM)""#));
        assert!(!html.contains("russia.rss"));
        assert!(html
            .contains(r#"<a class="format" type="application/rss+xml" href="world.rss">RSS</a>"#));
        assert!(html.contains(
            r#"<time datetime="2026-01-27T12:28:00+03:00">2026-01-27 12:28 +03:00</time>"#
        ));
        assert!(html.contains("Talks &amp; news"));
        assert!(html.contains("No entries yet."));
        assert!(!html.contains("<script"));
        assert!(html.contains("name=\"viewport\""));
    }

    #[test]
    fn opml_has_an_outline_per_feed() {
        let xml = String::from_utf8(opml("Feeds", &summaries())).unwrap();
        assert!(xml.contains(r#"<outline type="rss" text="Sputnik: World" title="Sputnik: World" xmlUrl="https://feeds.example.org/world.rss" htmlUrl="https://news.example/world/"/>"#), "{xml}");
        assert!(xml.contains(r#"<outline type="atom" text="Russia &lt;&amp; more&gt;""#));
        assert!(xml.contains("<dateModified>Tue, 27 Jan 2026 12:28:00 +0300</dateModified>"));
    }

    #[test]
    fn stylesheet_goes_after_the_declaration() {
        let doc = b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss/>\n".to_vec();
        let out = String::from_utf8(with_stylesheet(doc)).unwrap();
        assert_eq!(
            out,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<?xml-stylesheet type=\"text/css\" href=\"feed.css\"?>\n<rss/>\n"
        );
    }
}
