//! Section page -> article links (pure: HTML text and its URL in, links out).
//!
//! This is the pipeline stage between fetching a section page and fetching its articles. A feed
//! may say which links are articles (`article_selector`, `article_pattern`); without either, the
//! automatic heuristic (`auto.rs`) finds the page's main list and leaves navigation, tag links,
//! sidebars and footers out. Either way links are resolved against the page (or its
//! `<base href>`), kept to http(s), put in their identity form by [`normalize_url`] and returned
//! once each, in page order. The page's title and its `rel="next"` page come along for the
//! feed's defaults and for paging.

mod advertised;
mod auto;
mod url_shape;

pub use advertised::{AdvertisedFeed, FeedFormat};
pub use url_shape::{normalize_url, same_site, url_score};

use std::sync::Arc;

use regex::Regex;
use scraper::{ElementRef, Html, Selector};
use std::collections::HashSet;
use std::sync::LazyLock;
use url::Url;

/// The feed's overrides for finding article links; both empty means "find the main list".
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// Selects the `<a>` elements, or elements containing them. Links it selects may point to
    /// another host (articles on a `news.` subdomain, say): the user asked for them.
    pub selector: Option<Selector>,
    /// Matched against the URL path, and against path plus `?query`; either match counts.
    /// Alone it keeps same-site links only.
    /// Shared: cloning a `Regex` gives the clone its own match caches, one per thread.
    pub pattern: Option<Arc<Regex>>,
    /// Finds the link to the next page when `rel="next"` does not.
    pub next_selector: Option<Selector>,
}

/// One article link and the rule that found it (shown by `sitefeed probe --section`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: Url,
    /// `"selector"`, `"pattern"`, `"selector+pattern"`, or for the heuristic a description like
    /// `"auto: main list <div.list> item <div.list__item>"` that hints at a selector to write.
    pub rule: String,
}

/// What a section page yields.
#[derive(Debug, Clone, Default)]
pub struct SectionPage {
    /// The section's own title (og:title, else `<title>`), the default feed title.
    pub title: Option<String>,
    /// Article links in page order, without duplicates.
    pub links: Vec<Link>,
    /// The next page of the section (`<link rel="next">` or `<a rel="next">`), if it says so.
    pub next: Option<Url>,
    /// The feeds the page advertises (`<link rel="alternate" type="application/rss+xml">`...).
    pub feeds: Vec<AdvertisedFeed>,
}

static BASE: LazyLock<Selector> = LazyLock::new(|| Selector::parse("base[href]").unwrap());
static OG_TITLE: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse(r#"meta[property="og:title" i][content], meta[name="og:title" i][content]"#)
        .unwrap()
});
static TITLE: LazyLock<Selector> = LazyLock::new(|| Selector::parse("title").unwrap());
static REL: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("link[rel][href], a[rel][href]").unwrap());
static ANCHOR: LazyLock<Selector> = LazyLock::new(|| Selector::parse("a[href]").unwrap());

/// Finds the article links of the section page `html` fetched from `page_url`.
pub fn discover(html: &str, page_url: &Url, rules: &Rules) -> SectionPage {
    let doc = crate::html::parse_document(html);
    let base = base_url(&doc, page_url);
    let next = match &rules.next_selector {
        Some(selector) => next_by_selector(&doc, &base, selector),
        None => next_page(&doc, &base),
    };
    let links = if rules.selector.is_some() || rules.pattern.is_some() {
        by_rules(&doc, &base, page_url, rules)
    } else {
        let mut skip = vec![normalize_url(page_url)];
        skip.extend(next.clone());
        auto::main_list(&doc, &base, page_url, &skip)
    };
    SectionPage {
        title: title(&doc),
        links,
        next,
        feeds: advertised::advertised_feeds(&doc, &base),
    }
}

/// The URL relative links are resolved against: the page's `<base href>` when it has one.
fn base_url(doc: &Html, page_url: &Url) -> Url {
    doc.select(&BASE)
        .next()
        .and_then(|b| page_url.join(b.attr("href")?.trim()).ok())
        .filter(url_shape::is_web)
        .unwrap_or_else(|| page_url.clone())
}

/// og:title, else `<title>`, with whitespace collapsed (entities are decoded by the parser).
fn title(doc: &Html) -> Option<String> {
    let og = doc
        .select(&OG_TITLE)
        .filter_map(|m| m.attr("content"))
        .map(collapse_whitespace)
        .find(|t| !t.is_empty());
    og.or_else(|| {
        // The document's own title, not an SVG `<title>` in the body.
        doc.select(&TITLE)
            .find(|t| {
                t.ancestors()
                    .filter_map(ElementRef::wrap)
                    .all(|a| a.value().name() != "svg")
            })
            .map(|t| collapse_whitespace(&t.text().collect::<String>()))
            .filter(|t| !t.is_empty())
    })
}

/// The first `rel="next"` link or anchor, resolved.
fn next_page(doc: &Html, base: &Url) -> Option<Url> {
    doc.select(&REL)
        .filter(|e| {
            e.attr("rel")
                .unwrap_or_default()
                .split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case("next"))
        })
        .filter_map(|e| base.join(e.attr("href")?.trim()).ok())
        .find(url_shape::is_web)
        .map(|u| normalize_url(&u))
}

/// The next page as the feed's `next_selector` finds it: the first selected element's own
/// `href`, or that of the first link inside it.
fn next_by_selector(doc: &Html, base: &Url, selector: &Selector) -> Option<Url> {
    let element = doc.select(selector).next()?;
    let href = element
        .attr("href")
        .or_else(|| element.select(&ANCHOR).next()?.attr("href"))?;
    base.join(href.trim())
        .ok()
        .filter(url_shape::is_web)
        .map(|u| normalize_url(&u))
}

/// Links chosen by the feed's selector and/or pattern, in page order.
fn by_rules(doc: &Html, base: &Url, page_url: &Url, rules: &Rules) -> Vec<Link> {
    let rule = match (&rules.selector, &rules.pattern) {
        (Some(_), Some(_)) => "selector+pattern",
        (Some(_), None) => "selector",
        _ => "pattern",
    };
    let anchors: Vec<ElementRef> = match &rules.selector {
        Some(selector) => {
            // A selected element is a link or contains links; nested selections (a card and its
            // title both matching) yield the same anchors, which dedup removes below.
            doc.select(selector)
                .flat_map(|e| {
                    let own = (e.value().name() == "a" && e.attr("href").is_some()).then_some(e);
                    own.into_iter().chain(e.select(&ANCHOR))
                })
                .collect()
        }
        None => doc.select(&ANCHOR).collect(),
    };
    let mut seen = HashSet::new();
    anchors
        .into_iter()
        .filter_map(|a| base.join(a.attr("href")?.trim()).ok())
        .filter(url_shape::is_web)
        .map(|u| normalize_url(&u))
        .filter(|u| rules.selector.is_some() || same_site(u, page_url))
        .filter(|u| rules.pattern.as_ref().is_none_or(|p| pattern_matches(p, u)))
        .filter(|u| seen.insert(u.clone()))
        .map(|url| Link {
            url,
            rule: rule.to_owned(),
        })
        .collect()
}

/// Whether `pattern` matches the URL's path, or its path and query.
fn pattern_matches(pattern: &Regex, url: &Url) -> bool {
    if pattern.is_match(url.path()) {
        return true;
    }
    url.query()
        .is_some_and(|q| pattern.is_match(&format!("{}?{q}", url.path())))
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
