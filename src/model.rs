//! The data that flows between the stages: what extraction yields about one article and what
//! the store keeps and the renderers read.

use chrono::{DateTime, FixedOffset};

/// Metadata of one article page. Every field but the URL is optional because real pages omit
/// any of them; the renderers decide what to do with a gap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    /// Canonical absolute URL: the entry's stable identity in every feed.
    pub url: String,
    pub title: Option<String>,
    /// Publication time, with the zone the page gave (UTC when it gave none).
    pub published: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    /// Absolute URL of the lead image.
    pub image: Option<String>,
    /// Trimmed, de-duplicated case-insensitively, in page order.
    pub keywords: Vec<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    /// Primary language subtag, lower case (`en`, `pt-br` stays `pt-br`).
    pub language: Option<String>,
    pub section: Option<String>,
    /// The article's own text as sanitized HTML, for feeds with `full_text = true`.
    pub content: Option<String>,
}
