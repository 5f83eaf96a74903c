//! What a pass reports: a line per feed for `run -v`, the one-line summary, and the exit code
//! cron reads.

use std::time::Duration;

use crate::fetch::FetchStats;
use crate::words::{count, counted};

/// What happened to one feed in a pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedReport {
    pub name: String,
    /// Articles fetched and stored for the first time.
    pub new_articles: usize,
    /// Entries in the written feed.
    pub entries: usize,
    /// Whether the feed's files were rewritten (false when unchanged or not written).
    pub changed: bool,
    /// One line per failure, each naming the URL.
    pub errors: Vec<String>,
}

impl FeedReport {
    pub fn failed(&self) -> bool {
        !self.errors.is_empty()
    }

    /// One line on what the pass did to this feed, for `run -v`.
    pub fn line(&self) -> String {
        let state = match (self.errors.first(), self.changed) {
            (Some(first), _) if self.errors.len() > 1 => {
                format!(
                    "{}: {first} (and {} more)",
                    counted(self.errors.len(), "failure"),
                    self.errors.len() - 1
                )
            }
            (Some(first), _) => format!("failed: {first}"),
            (None, true) => "written".to_string(),
            (None, false) => "unchanged".to_string(),
        };
        format!(
            "feed {}: {}, {}, {state}",
            self.name,
            count(self.entries, "entry", "entries"),
            counted(self.new_articles, "new article"),
        )
    }
}

/// What a whole pass did.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    pub feeds: Vec<FeedReport>,
    pub fetch: FetchStats,
    pub elapsed: Duration,
}

impl RunReport {
    /// 0 when every feed was fetched and written, 1 when some feed or source failed.
    pub fn exit_code(&self) -> i32 {
        if self.feeds.iter().any(FeedReport::failed) {
            1
        } else {
            0
        }
    }

    /// The one-line summary printed at the end of a run.
    pub fn summary(&self) -> String {
        let failures: usize = self.feeds.iter().map(|f| f.errors.len()).sum();
        format!(
            "{} ({} changed), {}, {}, {} not modified, {}, {:.1}s",
            counted(self.feeds.len(), "feed"),
            self.feeds.iter().filter(|f| f.changed).count(),
            counted(
                self.feeds.iter().map(|f| f.new_articles).sum::<usize>(),
                "new article"
            ),
            counted(self.fetch.requests as usize, "request"),
            self.fetch.not_modified,
            counted(failures, "failure"),
            self.elapsed.as_secs_f64()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_line_says_entries_new_articles_and_outcome() {
        let mut feed = FeedReport {
            name: "world".into(),
            new_articles: 1,
            entries: 1,
            changed: true,
            errors: vec![],
        };
        assert_eq!(feed.line(), "feed world: 1 entry, 1 new article, written");
        feed.changed = false;
        feed.entries = 2;
        feed.new_articles = 0;
        assert_eq!(
            feed.line(),
            "feed world: 2 entries, 0 new articles, unchanged"
        );
        feed.errors = vec!["https://e.com/: HTTP 500".into(), "x".into()];
        assert_eq!(
            feed.line(),
            "feed world: 2 entries, 0 new articles, 2 failures: https://e.com/: HTTP 500 (and 1 more)"
        );
    }

    #[test]
    fn exit_code_reflects_failures() {
        let mut report = RunReport::default();
        report.feeds.push(FeedReport::default());
        assert_eq!(report.exit_code(), 0);
        report.feeds.push(FeedReport {
            errors: vec!["GET x: HTTP 500".into()],
            ..FeedReport::default()
        });
        assert_eq!(report.exit_code(), 1);
        assert!(report.summary().contains("1 failure,"));
    }
}
