//! Which stored articles a feed shows: its `include` / `exclude` patterns and `max_age`.
//!
//! Applied when a feed is rendered, not when articles are stored, so editing a feed's filters
//! takes effect on the next run over everything already seen.

use chrono::{DateTime, Utc};

use crate::config::Filter;
use crate::store::StoredArticle;

impl Filter {
    /// Whether `entry` belongs in the feed at `now`. Patterns are matched against the title,
    /// the URL and each keyword.
    pub fn keeps(&self, entry: &StoredArticle, now: DateTime<Utc>) -> bool {
        if let Some(max_age) = self.max_age {
            let age = now.signed_duration_since(entry.effective_date());
            if age.to_std().is_ok_and(|age| age > max_age) {
                return false;
            }
        }
        self.matches(&entry.article, true)
    }

    /// Whether `article` passes `exclude` and (when `include_too`) `include`. Sitemaps and
    /// upstream feeds check what they say of an article before it is fetched: an excluded one
    /// is never requested, while `include` may match only what the page says.
    pub fn matches(&self, article: &crate::model::Article, include_too: bool) -> bool {
        let fields = || {
            article
                .title
                .iter()
                .map(String::as_str)
                .chain(std::iter::once(article.url.as_str()))
                .chain(article.keywords.iter().map(String::as_str))
        };
        let matches = |re: &std::sync::Arc<regex::Regex>| fields().any(|f| re.is_match(f));
        (!include_too || self.include.is_empty() || self.include.iter().any(matches))
            && !self.exclude.iter().any(matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Article;
    use chrono::TimeZone;
    use regex::Regex;
    use std::time::Duration;

    fn entry(title: &str, url: &str, keywords: &[&str], day: u32) -> StoredArticle {
        StoredArticle {
            article: Article {
                url: url.into(),
                title: Some(title.into()),
                published: Some(
                    Utc.with_ymd_and_hms(2026, 1, day, 12, 0, 0)
                        .unwrap()
                        .fixed_offset(),
                ),
                keywords: keywords.iter().map(|k| k.to_string()).collect(),
                ..Article::default()
            },
            first_seen: Utc.with_ymd_and_hms(2026, 1, day, 12, 0, 0).unwrap(),
        }
    }

    #[test]
    fn include_exclude_match_title_url_and_keywords() {
        let now = Utc.with_ymd_and_hms(2026, 1, 31, 0, 0, 0).unwrap();
        let filter = Filter {
            include: vec![std::sync::Arc::new(Regex::new("(?i)china").unwrap())],
            exclude: vec![std::sync::Arc::new(Regex::new("^opinion$").unwrap())],
            max_age: None,
        };
        assert!(filter.keeps(&entry("China talks", "https://e.com/a", &[], 27), now));
        assert!(filter.keeps(&entry("Talks", "https://e.com/china/a", &[], 27), now));
        assert!(filter.keeps(&entry("Talks", "https://e.com/a", &["China"], 27), now));
        assert!(!filter.keeps(&entry("Talks", "https://e.com/a", &["Russia"], 27), now));
        assert!(!filter.keeps(&entry("China", "https://e.com/a", &["opinion"], 27), now));
        assert!(Filter::default().keeps(&entry("Anything", "https://e.com/a", &[], 1), now));
    }

    #[test]
    fn max_age_drops_old_entries() {
        let now = Utc.with_ymd_and_hms(2026, 1, 31, 0, 0, 0).unwrap();
        let filter = Filter {
            max_age: Some(Duration::from_secs(7 * 86400)),
            ..Filter::default()
        };
        assert!(filter.keeps(&entry("New", "https://e.com/a", &[], 27), now));
        assert!(!filter.keeps(&entry("Old", "https://e.com/b", &[], 10), now));
    }
}
