//! Section page -> article links (pure: HTML text and its URL in, links out).

use regex::Regex;
use scraper::Selector;
use url::Url;

/// The feed's overrides for finding article links; both empty means "find the main list".
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub selector: Option<Selector>,
    pub pattern: Option<Regex>,
}

/// One article link and the rule that found it (shown by `sitefeed probe --section`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: Url,
    pub rule: &'static str,
}

/// What a section page yields.
#[derive(Debug, Clone, Default)]
pub struct SectionPage {
    /// The section's own title (og:title, else `<title>`), the default feed title.
    pub title: Option<String>,
    /// Article links in page order, without duplicates.
    pub links: Vec<Link>,
}

/// Finds the article links of the section page `html` fetched from `page_url`.
pub fn discover(_html: &str, _page_url: &Url, _rules: &Rules) -> SectionPage {
    SectionPage::default()
}

/// The form of an article URL used as its identity: fragment and tracking parameters dropped.
pub fn normalize_url(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    url
}
