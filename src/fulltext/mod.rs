//! Article page -> the article's own text as safe HTML, for feeds with `full_text = true`
//! (pure: the page sitefeed already fetched, no second request).
//!
//! The main content is picked by `dom_smoothie`, a port of Mozilla's Readability (the
//! algorithm behind Firefox's reader view, so its picks are what readers already expect), or
//! by the feed's `full_text_selector`. What it picks is then put through [`sanitize`]: an
//! allow-list, so a hostile page can never put markup that runs into a feed reader.

mod region;
mod sanitize;
mod tree;

use scraper::{Html, Selector};
use url::Url;

pub use sanitize::{sanitize, Removed};

/// The default cap on an article's HTML in a feed (`max_content_size`).
pub const DEFAULT_MAX_CONTENT_SIZE: usize = 200 * 1024;

/// How a feed picks and bounds its articles' text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullText {
    /// A CSS selector whose first match is the content, instead of Readability's pick.
    pub selector: Option<String>,
    /// Bytes of HTML kept per article; past it the text is cut at an element boundary.
    pub max_size: usize,
}

impl Default for FullText {
    fn default() -> Self {
        FullText {
            selector: None,
            max_size: DEFAULT_MAX_CONTENT_SIZE,
        }
    }
}

/// An article's text, ready for a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// Sanitized HTML with absolute links, at most about `max_size` bytes.
    pub html: String,
    /// What the sanitizer took out of the picked content; [`extract_from_document`] (the
    /// run, which never shows it) counts only the tracking pixels.
    pub removed: Removed,
    /// Whether the text was cut at `max_size`.
    pub cut: bool,
}

/// The article text of `page` (fetched from `url`), or `None` when nothing readable was found;
/// with a count of everything the sanitizer removed, for `probe`.
pub fn extract(page: &str, url: &Url, rules: &FullText) -> Option<Content> {
    let (doc, _) = crate::html::parse_with_scripts(page);
    extract_in(&doc, page, url, rules, Count::Everything)
}

/// Like [`extract`], from `doc`, the page as metadata extraction parsed it
/// ([`crate::extract::extract_with_document`]), so the page is not parsed again; counting
/// only the tracking pixels, which the sanitizer finds anyway (the run never shows the rest).
pub fn extract_from_document(
    doc: &Html,
    page: &str,
    url: &Url,
    rules: &FullText,
) -> Option<Content> {
    extract_in(doc, page, url, rules, Count::Pixels)
}

/// What [`Content::removed`] counts: the full count costs a parse of its own.
#[derive(Clone, Copy)]
enum Count {
    Everything,
    Pixels,
}

fn extract_in(
    doc: &Html,
    page: &str,
    url: &Url,
    rules: &FullText,
    count: Count,
) -> Option<Content> {
    let picked = match &rules.selector {
        // From the page as it came: a selector may name any attribute, and metadata
        // extraction's tree keeps only those it reads. Cut where hostile nesting would make
        // parsing quadratic, and without the script and style bodies no reader shows (see
        // `crate::html`).
        Some(selector) => by_selector(
            &crate::html::prune(page, crate::html::MAX_NESTING),
            selector,
        )?,
        // The article region when the page marks one (see `region`), else the whole page;
        // either copied from `doc`, not parsed again.
        None => by_readability(
            match region::article_region(doc) {
                Some(region) => tree::region_document(region, region::title(doc)),
                None => tree::page_document(doc),
            },
            url,
        )?,
    };
    let (html, removed) = match count {
        Count::Everything => sanitize(&picked, url),
        Count::Pixels => {
            let (html, pixels) = sanitize::clean(&picked, url);
            let removed = Removed {
                pixels,
                ..Removed::default()
            };
            (html, removed)
        }
    };
    let (html, cut) = sanitize::cap(&html, url, rules.max_size);
    sanitize::has_text(&html).then_some(Content { html, removed, cut })
}

fn by_selector(page: &str, selector: &str) -> Option<String> {
    let selector = Selector::parse(selector).ok()?;
    let document = Html::parse_document(page);
    let found = document.select(&selector).next()?.html();
    Some(found)
}

fn by_readability(document: dom_query::Document, url: &Url) -> Option<String> {
    // Readability's own threshold (500 characters) keeps short items: a pick shorter than it
    // only makes Readability try again with gentler cleaning, and when no try reaches it the
    // longest pick is returned. A lower one accepts the first short pick, which on pages of
    // dense scripts (Japanese) was a byline box or a newsletter panel beside the article.
    // Its JSON-LD reading is for metadata, which sitefeed has from its own extraction.
    let config = dom_smoothie::Config {
        disable_json_ld: true,
        ..Default::default()
    };
    let mut readability =
        dom_smoothie::Readability::with_document(document, Some(url.as_str()), Some(config))
            .ok()?;
    let article = readability.parse().ok()?;
    Some(article.content.to_string())
}

/// The plain text of sanitized `html`, paragraphs on lines of their own (for `probe`).
pub fn text_lines(html: &str) -> Vec<String> {
    let fragment = Html::parse_fragment(html);
    let blocks = Selector::parse("p, h1, h2, h3, h4, h5, h6, li, blockquote, pre, figcaption")
        .expect("a valid selector");
    let lines: Vec<String> = fragment
        .select(&blocks)
        .map(|e| e.text().collect::<Vec<_>>().join(" "))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .collect();
    if lines.is_empty() {
        let all = fragment.root_element().text().collect::<Vec<_>>().join(" ");
        let all = all.split_whitespace().collect::<Vec<_>>().join(" ");
        return if all.is_empty() { vec![] } else { vec![all] };
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://news.example/world/20260301/story.html").unwrap()
    }

    fn page(body: &str) -> String {
        format!(
            "<!doctype html><html><head><title>Story</title></head><body>\
             <nav><a href=\"/\">Home</a> <a href=\"/world/\">World</a></nav>{body}\
             <footer>Copyright News Example</footer></body></html>"
        )
    }

    const PARAGRAPHS: &str = "<p>The council met on Tuesday to vote on the new budget, which \
        raises spending on schools and roads for the third year in a row.</p>\
        <p>Opponents said the plan leaves too little for emergencies, while supporters pointed \
        to the surplus left over from last year's careful accounting.</p>\
        <p>The vote passed by seven to four after a debate that lasted late into the night.</p>";

    #[test]
    fn readability_picks_the_article_not_the_navigation() {
        let html = page(&format!(
            "<article><h1>Budget passes</h1>{PARAGRAPHS}<img src=\"/img/vote.jpg\" alt=\"vote\"></article>"
        ));
        let content = extract(&html, &url(), &FullText::default()).unwrap();
        assert!(content.html.contains("seven to four"), "{}", content.html);
        assert!(!content.html.contains("Copyright"), "{}", content.html);
        assert!(!content.html.contains(">Home<"), "{}", content.html);
        assert!(
            content
                .html
                .contains("src=\"https://news.example/img/vote.jpg\""),
            "{}",
            content.html
        );
        assert!(!content.cut);
    }

    #[test]
    fn a_short_item_is_still_picked_alone() {
        let html = page(
            "<article><h1>Road closed</h1><p>The bridge on Mill Street is closed to traffic \
             until Friday while crews repair storm damage to its railings, the city said on \
             Monday; buses will take the river road instead.</p></article>",
        );
        let content = extract(&html, &url(), &FullText::default()).unwrap();
        assert!(content.html.contains("storm damage"), "{}", content.html);
        assert!(!content.html.contains("Copyright"), "{}", content.html);
        assert!(!content.html.contains(">Home<"), "{}", content.html);
    }

    #[test]
    fn a_consent_dialog_with_more_prose_is_not_picked() {
        let consent = "<p>We and our partners store and access information on your device, \
            such as cookies, and process personal data such as unique identifiers and standard \
            information sent by a device for personalised advertising and content.</p>"
            .repeat(6);
        let html = page(&format!(
            "<div id=\"preferences\" role=\"region\" aria-modal=\"true\">{consent}</div>\
             <div class=\"story\"><h1>Budget passes</h1>{PARAGRAPHS}</div>"
        ));
        let content = extract(&html, &url(), &FullText::default()).unwrap();
        assert!(content.html.contains("seven to four"), "{}", content.html);
        assert!(!content.html.contains("cookies"), "{}", content.html);
    }

    #[test]
    fn a_selector_overrides_the_pick() {
        let html = page(&format!(
            "<article>{PARAGRAPHS}</article><div class=\"box\"><p>Only this.</p></div>"
        ));
        let rules = FullText {
            selector: Some("div.box".into()),
            ..FullText::default()
        };
        let content = extract(&html, &url(), &rules).unwrap();
        assert!(content.html.contains("Only this."));
        assert!(!content.html.contains("council"));
        let missing = FullText {
            selector: Some("div.none".into()),
            ..FullText::default()
        };
        assert_eq!(extract(&html, &url(), &missing), None);
    }

    #[test]
    fn a_page_with_no_text_has_no_content() {
        let html = page("<div class=\"box\"><img src=\"a.jpg\"></div>");
        let rules = FullText {
            selector: Some("div.box".into()),
            ..FullText::default()
        };
        assert_eq!(extract(&html, &url(), &rules), None);
    }

    #[test]
    fn text_lines_are_the_blocks() {
        let lines = text_lines("<p>One  two</p><ul><li>three</li></ul><p> </p>");
        assert_eq!(lines, vec!["One two", "three"]);
        assert_eq!(text_lines("just <b>text</b>"), vec!["just text"]);
    }
}
