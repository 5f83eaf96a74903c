//! The embedded state store (SQLite): every article seen, which feeds hold it, and the HTTP
//! validators of the pages fetched.
//!
//! The store is what makes feeds keep their history: a feed is rendered from the store, not from
//! the section page, so an article stays in its feed after it drops off the page, and an article
//! already stored is never fetched again.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use crate::fetch::{RobotsRecord, Validators};
use crate::model::Article;
use crate::status::FeedStatus;

/// The schema version this build writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS articles (
    url         TEXT PRIMARY KEY,   -- the link as discovered (normalised): the lookup key
    canonical   TEXT NOT NULL,      -- the page's canonical URL: the entry id in feeds
    title       TEXT,
    published   TEXT,               -- RFC 3339 with the page's own offset
    updated     TEXT,
    image       TEXT,
    keywords    TEXT NOT NULL,      -- JSON array of strings
    description TEXT,
    author      TEXT,
    language    TEXT,
    section     TEXT,
    first_seen  TEXT NOT NULL,      -- RFC 3339 UTC; stands in for a missing published time
    sort_key    INTEGER NOT NULL,   -- unix seconds of published, else first_seen
    fetched_at  TEXT NOT NULL,      -- last fetch or conditional re-check
    etag          TEXT,
    last_modified TEXT,
    content       BLOB              -- the article's text (full_text feeds), deflated; NULL:
                                    -- never extracted, empty: nothing readable found
);
CREATE INDEX IF NOT EXISTS articles_canonical ON articles(canonical);
CREATE TABLE IF NOT EXISTS feed_items (
    feed       TEXT NOT NULL,
    url        TEXT NOT NULL REFERENCES articles(url),
    added_at   TEXT NOT NULL,
    PRIMARY KEY (feed, url)
);
CREATE TABLE IF NOT EXISTS pages (
    url           TEXT PRIMARY KEY,  -- a section page
    etag          TEXT,
    last_modified TEXT,
    title         TEXT               -- the page's own title, the feed's default title
);
CREATE TABLE IF NOT EXISTS feed_status (
    feed   TEXT PRIMARY KEY,
    status TEXT NOT NULL             -- JSON, see status.rs
);
CREATE TABLE IF NOT EXISTS robots (
    host        TEXT PRIMARY KEY,
    body        TEXT NOT NULL,
    unreachable INTEGER NOT NULL,
    fetched_at  INTEGER NOT NULL     -- unix seconds
);
";

/// A store operation that failed, naming the database file.
#[derive(Debug, thiserror::Error)]
#[error("state store {path}: {source}")]
pub struct StoreError {
    pub path: PathBuf,
    #[source]
    pub source: rusqlite::Error,
}

/// An article fetched in this pass, keyed by the URL it was discovered at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedArticle {
    pub key: String,
    pub article: Article,
    pub validators: Validators,
}

/// An article as stored, with the time sitefeed first saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredArticle {
    pub article: Article,
    pub first_seen: DateTime<Utc>,
}

impl StoredArticle {
    /// The time an entry is sorted and dated by: its publication, else when it was first seen.
    pub fn effective_date(&self) -> DateTime<FixedOffset> {
        self.article
            .published
            .unwrap_or_else(|| self.first_seen.fixed_offset())
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let wrap = |source| StoreError {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(wrap)?;
        // WAL keeps readers and one writer apart; the busy timeout lets two processes share
        // the file instead of failing at once.
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(wrap)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(wrap)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(wrap)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(wrap)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(wrap)?;
        if version > SCHEMA_VERSION {
            return Err(wrap(rusqlite::Error::InvalidParameterName(format!(
                "written by a newer sitefeed (schema {version}, this build knows {SCHEMA_VERSION})"
            ))));
        }
        conn.execute_batch(SCHEMA).map_err(wrap)?;
        migrate(&conn).map_err(wrap)?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(wrap)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn wrap(&self, source: rusqlite::Error) -> StoreError {
        StoreError {
            path: self.path.clone(),
            source,
        }
    }

    /// Whether the article discovered at `url` is stored already, and when `with_content`,
    /// with its text extracted (an article first stored by a feed without full text has none).
    pub fn is_known(&self, url: &str, with_content: bool) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT 1 FROM articles WHERE url = ?1 AND (NOT ?2 OR content IS NOT NULL)",
                params![url, with_content],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(|e| self.wrap(e))
    }

    /// Saves what one feed's pass found, in one transaction: new or refreshed articles
    /// (keyed by the URL they were discovered at) and the feed's membership of every URL its
    /// section pages listed. `now` is the pass's clock reading.
    pub fn save_feed_pass(
        &mut self,
        feed: &str,
        articles: &[FetchedArticle],
        listed: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now_text = now.to_rfc3339();
        let tx = self.conn.transaction().map_err(|e| StoreError {
            path: self.path.clone(),
            source: e,
        })?;
        let result = (|| {
            for FetchedArticle {
                key: url,
                article,
                validators,
            } in articles
            {
                let keywords = serde_json::to_string(&article.keywords)
                    .expect("a list of strings always serialises");
                let first_seen: Option<String> = tx
                    .query_row(
                        "SELECT first_seen FROM articles WHERE url = ?1",
                        [url],
                        |row| row.get(0),
                    )
                    .optional()?;
                let first_seen_at = first_seen
                    .as_deref()
                    .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or(now);
                let sort_key = article
                    .published
                    .map(|p| p.timestamp())
                    .unwrap_or(first_seen_at.timestamp());
                tx.execute(
                    "INSERT INTO articles (url, canonical, title, published, updated, image,
                         keywords, description, author, language, section, first_seen, sort_key,
                         fetched_at, etag, last_modified, content)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17)
                     ON CONFLICT(url) DO UPDATE SET canonical = excluded.canonical,
                         title = excluded.title, published = excluded.published,
                         updated = excluded.updated, image = excluded.image,
                         keywords = excluded.keywords, description = excluded.description,
                         author = excluded.author, language = excluded.language,
                         section = excluded.section, sort_key = excluded.sort_key,
                         fetched_at = excluded.fetched_at, etag = excluded.etag,
                         last_modified = excluded.last_modified,
                         content = COALESCE(excluded.content, articles.content)",
                    params![
                        url,
                        article.url,
                        article.title,
                        article.published.map(|t| t.to_rfc3339()),
                        article.updated.map(|t| t.to_rfc3339()),
                        article.image,
                        keywords,
                        article.description,
                        article.author,
                        article.language,
                        article.section,
                        first_seen_at.to_rfc3339(),
                        sort_key,
                        now_text,
                        validators.etag,
                        validators.last_modified,
                        article.content.as_deref().map(deflate),
                    ],
                )?;
            }
            for url in listed {
                tx.execute(
                    "INSERT OR IGNORE INTO feed_items (feed, url, added_at)
                     SELECT ?1, url, ?3 FROM articles WHERE url = ?2",
                    params![feed, url, now_text],
                )?;
            }
            Ok(())
        })();
        let path = self.path.clone();
        result
            .and_then(|()| tx.commit())
            .map_err(|source| StoreError { path, source })
    }

    /// The feed's newest `limit` articles, newest first, ties broken by canonical URL. Two
    /// discovered URLs with one canonical URL are one entry (the first seen).
    pub fn feed_articles(
        &self,
        feed: &str,
        limit: usize,
    ) -> Result<Vec<StoredArticle>, StoreError> {
        self.feed_articles_where(feed, limit, |_| true)
    }

    /// Like [`Store::feed_articles`], counting only the articles `keep` accepts.
    pub fn feed_articles_where(
        &self,
        feed: &str,
        limit: usize,
        mut keep: impl FnMut(&StoredArticle) -> bool,
    ) -> Result<Vec<StoredArticle>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT canonical, title, published, updated, image, keywords, description,
                        author, language, section, first_seen, content
                 FROM (SELECT a.*, ROW_NUMBER() OVER (
                           PARTITION BY a.canonical ORDER BY a.first_seen, a.url) AS rank
                       FROM articles a JOIN feed_items f ON f.url = a.url
                       WHERE f.feed = ?1)
                 WHERE rank = 1
                 ORDER BY sort_key DESC, canonical ASC",
            )
            .map_err(|e| self.wrap(e))?;
        let rows = statement
            .query_map(params![feed], |row| {
                let date = |i: usize| -> rusqlite::Result<Option<DateTime<FixedOffset>>> {
                    Ok(row
                        .get::<_, Option<String>>(i)?
                        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok()))
                };
                let keywords: String = row.get(5)?;
                Ok(StoredArticle {
                    article: Article {
                        url: row.get(0)?,
                        title: row.get(1)?,
                        published: date(2)?,
                        updated: date(3)?,
                        image: row.get(4)?,
                        keywords: serde_json::from_str(&keywords).unwrap_or_default(),
                        description: row.get(6)?,
                        author: row.get(7)?,
                        language: row.get(8)?,
                        section: row.get(9)?,
                        content: row
                            .get::<_, Option<Vec<u8>>>(11)?
                            .and_then(|bytes| inflate(&bytes))
                            .filter(|text| !text.is_empty()),
                    },
                    first_seen: date(10)?
                        .map(|t| t.with_timezone(&Utc))
                        .unwrap_or(DateTime::UNIX_EPOCH),
                })
            })
            .map_err(|e| self.wrap(e))?;
        let mut kept = Vec::new();
        for row in rows {
            if kept.len() >= limit {
                break;
            }
            let article = row.map_err(|e| self.wrap(e))?;
            if keep(&article) {
                kept.push(article);
            }
        }
        Ok(kept)
    }

    /// Of the stored articles among `keys`, those first seen after `window_start` and last
    /// checked before `checked_before`: due for a conditional re-fetch, with their validators.
    pub fn due_for_refresh(
        &self,
        keys: &[String],
        window_start: DateTime<Utc>,
        checked_before: DateTime<Utc>,
    ) -> Result<Vec<(String, Validators)>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT etag, last_modified FROM articles
                 WHERE url = ?1 AND first_seen > ?2 AND fetched_at < ?3",
            )
            .map_err(|e| self.wrap(e))?;
        let mut due = Vec::new();
        for key in keys {
            let found = statement
                .query_row(
                    params![key, window_start.to_rfc3339(), checked_before.to_rfc3339()],
                    |row| {
                        Ok(Validators {
                            etag: row.get(0)?,
                            last_modified: row.get(1)?,
                        })
                    },
                )
                .optional()
                .map_err(|e| self.wrap(e))?;
            if let Some(validators) = found {
                due.push((key.clone(), validators));
            }
        }
        Ok(due)
    }

    /// Records that the article at `key` was re-checked and found unchanged.
    pub fn mark_checked(&self, key: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE articles SET fetched_at = ?2 WHERE url = ?1",
                params![key, now.to_rfc3339()],
            )
            .map(|_| ())
            .map_err(|e| self.wrap(e))
    }

    /// A feed's status as kept by the last pass, if any.
    pub fn feed_status(&self, feed: &str) -> Result<Option<FeedStatus>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT status FROM feed_status WHERE feed = ?1",
                [feed],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.wrap(e))?;
        // A status from an incompatible build is not worth failing over: start afresh.
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }

    pub fn set_feed_status(&self, feed: &str, status: &FeedStatus) -> Result<(), StoreError> {
        let json = serde_json::to_string(status).expect("status always serialises");
        self.conn
            .execute(
                "INSERT INTO feed_status (feed, status) VALUES (?1, ?2)
                 ON CONFLICT(feed) DO UPDATE SET status = excluded.status",
                params![feed, json],
            )
            .map(|_| ())
            .map_err(|e| self.wrap(e))
    }

    /// The robots.txt records kept from earlier runs.
    pub fn robots(&self) -> Result<Vec<RobotsRecord>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT host, body, unreachable, fetched_at FROM robots ORDER BY host")
            .map_err(|e| self.wrap(e))?;
        let rows = statement
            .query_map([], |row| {
                let seconds: i64 = row.get(3)?;
                Ok(RobotsRecord {
                    host: row.get(0)?,
                    body: row.get(1)?,
                    unreachable: row.get(2)?,
                    fetched_at: std::time::UNIX_EPOCH
                        + std::time::Duration::from_secs(seconds.max(0) as u64),
                })
            })
            .map_err(|e| self.wrap(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.wrap(e))
    }

    /// Keeps robots.txt records for the next run.
    pub fn save_robots(&self, records: &[RobotsRecord]) -> Result<(), StoreError> {
        for record in records {
            let seconds = record
                .fetched_at
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            self.conn
                .execute(
                    "INSERT INTO robots (host, body, unreachable, fetched_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(host) DO UPDATE SET body = excluded.body,
                         unreachable = excluded.unreachable, fetched_at = excluded.fetched_at",
                    params![record.host, record.body, record.unreachable, seconds],
                )
                .map_err(|e| self.wrap(e))?;
        }
        Ok(())
    }

    /// What was kept of section page `url` at its last complete pass, if anything.
    pub fn page_state(&self, url: &str) -> Result<Option<PageState>, StoreError> {
        self.conn
            .query_row(
                "SELECT etag, last_modified, title FROM pages WHERE url = ?1",
                [url],
                |row| {
                    Ok(PageState {
                        validators: Validators {
                            etag: row.get(0)?,
                            last_modified: row.get(1)?,
                        },
                        title: row.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.wrap(e))
    }

    /// Keeps section page `url`'s state for the next pass.
    pub fn set_page_state(&self, url: &str, state: &PageState) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO pages (url, etag, last_modified, title) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,
                     last_modified = excluded.last_modified, title = excluded.title",
                params![
                    url,
                    state.validators.etag,
                    state.validators.last_modified,
                    state.title
                ],
            )
            .map(|_| ())
            .map_err(|e| self.wrap(e))
    }
}

/// Brings a store written by an older build up to [`SCHEMA_VERSION`]; every step keeps
/// what is stored.
fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let has_content: bool = conn.query_row(
        "SELECT COUNT(*) FROM pragma_table_info('articles') WHERE name = 'content'",
        [],
        |row| row.get::<_, i64>(0).map(|n| n > 0),
    )?;
    if !has_content {
        conn.execute_batch("ALTER TABLE articles ADD COLUMN content BLOB")?;
    }
    Ok(())
}

/// Article text is HTML, which deflate shrinks to a fraction: the store stays small when
/// every article of hundreds of feeds carries its text.
fn deflate(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(text.as_bytes())
        .expect("writing to memory cannot fail");
    encoder.finish().expect("writing to memory cannot fail")
}

/// The text [`deflate`] kept; `None` for bytes it did not write (a damaged row loses only
/// its text, not the entry).
fn inflate(bytes: &[u8]) -> Option<String> {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::DeflateDecoder::new(bytes)
        .take(64 * 1024 * 1024)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

/// What is kept of a section page between passes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageState {
    /// Sent back as a conditional request; a 304 means nothing new to parse.
    pub validators: Validators,
    pub title: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn article(url: &str, published: Option<&str>) -> Article {
        Article {
            url: url.to_string(),
            title: Some(format!("Title of {url}")),
            published: published.map(|p| DateTime::parse_from_rfc3339(p).unwrap()),
            keywords: vec!["world".into(), "china".into()],
            ..Article::default()
        }
    }

    fn keys(items: &[&FetchedArticle]) -> Vec<String> {
        items.iter().map(|a| a.key.clone()).collect()
    }

    fn fetched(key: &str, article: Article) -> FetchedArticle {
        FetchedArticle {
            key: key.to_string(),
            article,
            validators: Validators::default(),
        }
    }

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 27, hour, 0, 0).unwrap()
    }

    #[test]
    fn feed_keeps_articles_and_orders_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let a = fetched(
            "https://e.com/a",
            article("https://e.com/a", Some("2026-01-27T10:00:00+03:00")),
        );
        let b = fetched(
            "https://e.com/b",
            article("https://e.com/b", Some("2026-01-27T08:00:00+00:00")),
        );
        store
            .save_feed_pass("world", &[a.clone(), b.clone()], &keys(&[&a, &b]), at(12))
            .unwrap();
        assert!(store.is_known("https://e.com/a", false).unwrap());
        assert!(!store.is_known("https://e.com/c", false).unwrap());
        // A later pass lists only a new article: the old ones stay.
        let c = fetched("https://e.com/c", article("https://e.com/c", None));
        store
            .save_feed_pass("world", std::slice::from_ref(&c), &keys(&[&c]), at(13))
            .unwrap();
        let entries = store.feed_articles("world", 10).unwrap();
        let urls: Vec<_> = entries.iter().map(|e| e.article.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://e.com/c", "https://e.com/b", "https://e.com/a"]
        );
        // Zones survive the round trip; the undated one is dated by first sight.
        assert_eq!(entries[2].article.published, a.article.published);
        assert_eq!(entries[2].article.keywords, ["world", "china"]);
        assert_eq!(entries[0].effective_date(), at(13).fixed_offset());
        assert_eq!(store.feed_articles("world", 2).unwrap().len(), 2);
        assert!(store.feed_articles("other", 10).unwrap().is_empty());
    }

    #[test]
    fn first_seen_is_kept_when_an_article_is_saved_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let a = fetched("https://e.com/a", article("https://e.com/a", None));
        store
            .save_feed_pass("f", std::slice::from_ref(&a), &keys(&[&a]), at(1))
            .unwrap();
        store
            .save_feed_pass("f", std::slice::from_ref(&a), &keys(&[&a]), at(5))
            .unwrap();
        let entries = store.feed_articles("f", 10).unwrap();
        assert_eq!(entries[0].first_seen, at(1));
    }

    #[test]
    fn one_canonical_url_is_one_entry() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let a = fetched(
            "https://e.com/a?from=list",
            article("https://e.com/a", None),
        );
        let b = fetched("https://e.com/a", article("https://e.com/a", None));
        store
            .save_feed_pass("f", &[a.clone(), b.clone()], &keys(&[&a, &b]), at(1))
            .unwrap();
        assert_eq!(store.feed_articles("f", 10).unwrap().len(), 1);
    }

    #[test]
    fn recent_articles_are_due_for_refresh_once_per_interval() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let mut a = fetched("https://e.com/a", article("https://e.com/a", None));
        a.validators.etag = Some("\"v1\"".into());
        let old = fetched("https://e.com/old", article("https://e.com/old", None));
        store
            .save_feed_pass("f", std::slice::from_ref(&old), &keys(&[&old]), at(0))
            .unwrap();
        store
            .save_feed_pass("f", std::slice::from_ref(&a), &keys(&[&a]), at(10))
            .unwrap();
        let listed = keys(&[&a, &old]);
        // Window from 05:00: `old` is past it; checked before 12:00: `a` (checked 10:00) is due.
        let due = store.due_for_refresh(&listed, at(5), at(12)).unwrap();
        assert_eq!(due, [("https://e.com/a".to_string(), a.validators.clone())]);
        store.mark_checked("https://e.com/a", at(13)).unwrap();
        assert!(store
            .due_for_refresh(&listed, at(5), at(12))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn robots_records_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        let record = RobotsRecord {
            host: "e.com".into(),
            body: "User-agent: *\nDisallow: /x\n".into(),
            unreachable: false,
            fetched_at: std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000),
        };
        store.save_robots(std::slice::from_ref(&record)).unwrap();
        store.save_robots(std::slice::from_ref(&record)).unwrap();
        assert_eq!(store.robots().unwrap(), [record]);
    }

    #[test]
    fn page_state_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        assert_eq!(store.page_state("https://e.com/").unwrap(), None);
        let mut state = PageState {
            validators: Validators {
                etag: Some("\"abc\"".into()),
                last_modified: None,
            },
            title: Some("World".into()),
        };
        store.set_page_state("https://e.com/", &state).unwrap();
        assert_eq!(
            store.page_state("https://e.com/").unwrap(),
            Some(state.clone())
        );
        state.validators = Validators::default();
        store.set_page_state("https://e.com/", &state).unwrap();
        assert_eq!(store.page_state("https://e.com/").unwrap(), Some(state));
    }

    #[test]
    fn reopening_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let a = fetched("https://e.com/a", article("https://e.com/a", None));
        Store::open(&path)
            .unwrap()
            .save_feed_pass("f", std::slice::from_ref(&a), &keys(&[&a]), at(1))
            .unwrap();
        assert_eq!(
            Store::open(&path)
                .unwrap()
                .feed_articles("f", 10)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn content_is_kept_compressed_and_survives_a_save_without_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let text = "<p>The council met on Tuesday.</p>".repeat(200);
        let mut with_text = article("https://e.com/a", None);
        with_text.content = Some(text.clone());
        let a = fetched("https://e.com/a", with_text);
        store
            .save_feed_pass("full", std::slice::from_ref(&a), &keys(&[&a]), at(1))
            .unwrap();
        assert!(store.is_known("https://e.com/a", true).unwrap());
        let stored: Vec<u8> = store
            .conn
            .query_row("SELECT content FROM articles", [], |row| row.get(0))
            .unwrap();
        assert!(stored.len() < text.len() / 10, "{} bytes", stored.len());
        // A feed without full text saving the same article again keeps its text.
        let bare = fetched("https://e.com/a", article("https://e.com/a", None));
        store
            .save_feed_pass("bare", std::slice::from_ref(&bare), &keys(&[&bare]), at(2))
            .unwrap();
        let entries = store.feed_articles("full", 10).unwrap();
        assert_eq!(entries[0].article.content.as_deref(), Some(text.as_str()));
    }

    #[test]
    fn an_article_without_extracted_text_is_unknown_to_full_text_feeds() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let a = fetched("https://e.com/a", article("https://e.com/a", None));
        let mut tried = article("https://e.com/b", None);
        tried.content = Some(String::new());
        let b = fetched("https://e.com/b", tried);
        store
            .save_feed_pass("f", &[a.clone(), b.clone()], &keys(&[&a, &b]), at(1))
            .unwrap();
        assert!(store.is_known("https://e.com/a", false).unwrap());
        assert!(!store.is_known("https://e.com/a", true).unwrap());
        // Tried and found nothing readable: not tried again, and no empty content in feeds.
        assert!(store.is_known("https://e.com/b", true).unwrap());
        let entries = store.feed_articles("f", 10).unwrap();
        assert!(entries.iter().all(|e| e.article.content.is_none()));
    }

    #[test]
    fn a_schema_1_store_is_migrated_with_its_articles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        {
            let conn = Connection::open(&path).unwrap();
            // Schema 1 is today's without the content column.
            let old = SCHEMA.replace(",\n    content       BLOB", "\n    --");
            assert_ne!(old, SCHEMA);
            conn.execute_batch(&old).unwrap();
            conn.execute_batch(
                "INSERT INTO articles (url, canonical, keywords, first_seen, sort_key, fetched_at)
                 VALUES ('https://e.com/a', 'https://e.com/a', '[]', '2026-01-27T01:00:00+00:00',
                         0, '2026-01-27T01:00:00+00:00');
                 INSERT INTO feed_items VALUES ('f', 'https://e.com/a', 'x');
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        }
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.feed_articles("f", 10).unwrap().len(), 1);
        assert!(!store.is_known("https://e.com/a", true).unwrap());
        let mut with_text = article("https://e.com/a", None);
        with_text.content = Some("<p>Text</p>".into());
        let a = fetched("https://e.com/a", with_text);
        store
            .save_feed_pass("f", std::slice::from_ref(&a), &keys(&[&a]), at(2))
            .unwrap();
        let entries = store.feed_articles("f", 10).unwrap();
        assert_eq!(entries[0].article.content.as_deref(), Some("<p>Text</p>"));
    }
}
