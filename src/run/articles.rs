//! The article stage of a feed's pass: which listed articles to fetch (new ones, ones due for
//! a re-check, ones a full-text feed has no text for), fetching and extracting each, and
//! storing what was found with the feed's listing in one transaction.

use std::sync::atomic::Ordering;

use chrono::Utc;
use tracing::warn;
use url::Url;

use super::{FeedReport, Pass, PassError};
use crate::config::Feed;
use crate::extract;
use crate::fetch::{Fetched, Policy, Validators};
use crate::fulltext::FullText;
use crate::store::FetchedArticle;

impl Pass<'_> {
    /// Fetches the new articles among `listed` (and re-checks recent ones that are due), then
    /// stores them with the feed's listing in one transaction. Returns whether every new
    /// article was stored.
    pub(super) fn fetch_section_articles(
        &self,
        feed: &Feed,
        policy: &Policy,
        listed: &[String],
        report: &mut FeedReport,
    ) -> Result<bool, PassError> {
        let now = Utc::now();
        let (new, due) = {
            let store = self.store();
            let mut new = Vec::new();
            for key in listed {
                if !store.is_known(key, feed.full_text.is_some())? {
                    new.push(key.clone());
                }
            }
            let window_start = now - self.config.refresh_window;
            let checked_before = now - self.config.refresh_interval;
            (
                new,
                store.due_for_refresh(listed, window_start, checked_before)?,
            )
        };
        let mut fetched = Vec::new();
        let mut complete = true;
        for key in &new {
            if self.options.cancelled() {
                complete = false;
                break;
            }
            let hint = self.hint(key);
            if let Some(article) = hint.filter(|_| !feed.fetch_articles) {
                fetched.push(FetchedArticle {
                    key: key.clone(),
                    article,
                    validators: Default::default(),
                });
                continue;
            }
            match self.fetch_article(feed, policy, key, None) {
                Ok(Some(article)) => fetched.push(article),
                Ok(None) => {}
                Err(err) => {
                    complete = false;
                    report.errors.push(err);
                }
            }
        }
        report.new_articles += fetched.len();
        // A feed made from its sitemaps alone never fetches an article page.
        let due = if feed.fetch_articles { due } else { Vec::new() };
        for (key, validators) in &due {
            if self.options.cancelled() {
                break;
            }
            let validators = Some(validators).filter(|v| !v.is_empty());
            match self.fetch_article(feed, policy, key, validators) {
                Ok(Some(article)) => fetched.push(article),
                Ok(None) => self.store().mark_checked(key, now)?,
                // A failed re-check loses nothing: the stored version stays.
                Err(err) => warn!("feed {}: re-checking an article: {err}", feed.name),
            }
        }
        self.store()
            .save_feed_pass(&feed.name, &fetched, listed, now)?;
        Ok(complete)
    }

    /// Fetches and extracts one article; `None` when a conditional request found it
    /// unchanged. The error is one line naming the URL.
    fn fetch_article(
        &self,
        feed: &Feed,
        policy: &Policy,
        key: &str,
        validators: Option<&Validators>,
    ) -> Result<Option<FetchedArticle>, String> {
        let url = Url::parse(key).map_err(|err| format!("bad article URL {key}: {err}"))?;
        let result = self.load(&url, validators, policy, feed.render.articles(), None);
        let done = self.articles_done.fetch_add(1, Ordering::Relaxed) + 1;
        self.progress.set_message(format!("{done} articles  {url}"));
        match result {
            Ok(Fetched::Page(page)) => {
                let (extraction, doc) =
                    extract::extract_with_document(&page.html, &page.url, feed.timezone);
                let mut article = extraction.article;
                if let Some(rules) = &feed.full_text {
                    // Empty, not `None`: tried and found nothing, so not tried again.
                    article.content = Some(full_text(feed, &doc, &page, rules).unwrap_or_default());
                }
                if !is_plausible_canonical(&article.url, &url) {
                    article.url = url.to_string();
                }
                if let Some(hint) = self.hint(key) {
                    crate::sitemap::fill_from_hint(&mut article, &hint);
                }
                Ok(Some(FetchedArticle {
                    key: key.to_string(),
                    article,
                    validators: page.validators,
                }))
            }
            Ok(Fetched::NotModified) => Ok(None),
            Err(err) => Err(err.to_string()),
        }
    }
}

/// The article text of `page`.
fn full_text(
    feed: &Feed,
    doc: &scraper::Html,
    page: &crate::fetch::Page,
    rules: &FullText,
) -> Option<String> {
    guarded(&feed.name, &page.url, || {
        crate::fulltext::extract_from_document(doc, &page.html, &page.url, rules).map(|c| c.html)
    })
}

/// `extract` run so that a panic costs only this article its text. Readability is
/// third-party code run on hostile input: should it panic on some page, that article goes
/// without text (said in one line naming it) rather than the pass losing every feed after it.
fn guarded(feed: &str, url: &Url, extract: impl FnOnce() -> Option<String>) -> Option<String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(extract)) {
        Ok(text) => text,
        Err(_) => {
            warn!(
                "feed {feed}: {url}: the article's text could not be extracted (a bug: please report it with this page)"
            );
            None
        }
    }
}

/// Some sites point every page's canonical link at their home page or a section; such a
/// canonical would merge all articles into one entry, so the article's own URL stands instead.
fn is_plausible_canonical(canonical: &str, fetched: &Url) -> bool {
    match Url::parse(canonical) {
        Ok(c) => {
            matches!(c.scheme(), "http" | "https")
                && c.path() != "/"
                && (c.host_str() != fetched.host_str()
                    || c.path().len() * 2 >= fetched.path().len())
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_extraction_costs_only_that_articles_text() {
        let url = Url::parse("https://e.com/20260127/story-1.html").unwrap();
        assert_eq!(
            guarded("world", &url, || Some("<p>Text</p>".into())),
            Some("<p>Text</p>".into())
        );
        assert_eq!(guarded("world", &url, || None), None);
        assert_eq!(guarded("world", &url, || panic!("readability bug")), None);
    }

    #[test]
    fn canonical_home_page_is_not_plausible() {
        let fetched = Url::parse("https://e.com/20260127/story-1.html").unwrap();
        assert!(is_plausible_canonical(
            "https://e.com/20260127/story-1.html",
            &fetched
        ));
        assert!(is_plausible_canonical("https://other.example/a", &fetched));
        assert!(!is_plausible_canonical("https://e.com/", &fetched));
        assert!(!is_plausible_canonical("https://e.com/w/", &fetched));
        assert!(!is_plausible_canonical(
            "ftp://e.com/20260127/story-1.html",
            &fetched
        ));
    }
}
