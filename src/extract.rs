//! Article page -> metadata (pure: HTML text and its URL in, data out).

use crate::model::Article;
use chrono_tz::Tz;
use url::Url;

/// Where one extracted value came from, for `sitefeed probe`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub field: &'static str,
    pub source: String,
}

/// The result of extracting one page.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub article: Article,
    pub sources: Vec<Provenance>,
}

/// Extracts the metadata of the article page `html` fetched from `page_url`. Times without a
/// zone are read in `tz` (UTC when `None`).
pub fn extract(_html: &str, page_url: &Url, _tz: Option<Tz>) -> Extraction {
    Extraction {
        article: Article {
            url: page_url.to_string(),
            ..Article::default()
        },
        sources: Vec::new(),
    }
}
