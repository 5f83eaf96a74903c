//! `sitefeed publish`: merges the shards' `status-K.json` files into the site files
//! (`index.html`, `feeds.opml`, `status.json`), so the index lists every feed whatever shard
//! wrote it.
//!
//! Each shard (`run --shard K/N`) ends by writing `status-K.json` to `output_dir`: per feed
//! of the shard, what the index and OPML need (title, formats, entry count, newest entry,
//! whether its files were written) and its `status.json` record, all read from the shard's
//! own store. Then it merges. Merging reads only those files, never another shard's store, so
//! it is safe while other shards run: every file is replaced atomically by
//! [`crate::output`], a shard whose file is missing or unreadable is reported and left out,
//! and a lock in `output_dir` makes merges take turns, so the last one to finish has read
//! every shard's latest file (with object storage the lock is beside the state store, so only
//! merges on one machine take turns). A feed is listed in the index and the OPML only once its files
//! have been written; `status.json` has every configured feed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context as _;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use tracing::{info, warn};

use crate::config::{Config, Format};
use crate::output::{Output, OutputDir};
use crate::render::site::{self, FeedSummary};
use crate::run::{feed_files_written, feed_info, feed_summary, PassError};
use crate::shard::Shard;
use crate::status::{self, FeedStatus};
use crate::store::Store;
use crate::words::{count, counted};

/// The lock merges take turns on, beside the files they write (a dot-file, which static
/// hosts do not serve).
const PUBLISH_LOCK: &str = ".sitefeed-publish";

/// One shard's `status-K.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardFile {
    pub generator: String,
    pub shard: u32,
    pub shards: u32,
    pub feeds: BTreeMap<String, ShardFeed>,
}

/// What a shard knows about one of its feeds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardFeed {
    pub title: String,
    /// File extensions of the formats written (`rss`, `atom`, `json`).
    pub formats: Vec<String>,
    pub entries: usize,
    pub newest: Option<Newest>,
    /// Whether every format's file exists in `output_dir`.
    pub files: bool,
    pub status: FeedStatus,
}

/// The newest entry of a feed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Newest {
    pub title: String,
    pub url: String,
    pub date: DateTime<FixedOffset>,
}

/// What a merge did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishReport {
    /// Shard files read.
    pub shard_files: usize,
    /// Feeds listed in the index and OPML.
    pub listed: usize,
    /// Configured feeds no shard file has.
    pub missing: Vec<String>,
}

impl PublishReport {
    pub fn summary(&self) -> String {
        format!(
            "published {} from {}{}",
            counted(self.listed, "feed"),
            count(self.shard_files, "shard file", "shard files"),
            if self.missing.is_empty() {
                String::new()
            } else {
                format!(
                    ", {} not yet run by any shard",
                    counted(self.missing.len(), "feed")
                )
            }
        )
    }
}

/// Writes `status-K.json` for `shard`'s feeds from its store.
pub(crate) fn write_shard_status(
    config: &Config,
    shard: Shard,
    store: &Store,
    output: &Output,
) -> Result<(), PassError> {
    let now = chrono::Utc::now();
    let mut feeds = BTreeMap::new();
    for feed in config.feeds.iter().filter(|f| shard.owns(f)) {
        let (summary, _) = feed_summary(config, feed, store, now)?;
        let files = feed_files_written(output, feed);
        feeds.insert(
            feed.name.clone(),
            ShardFeed {
                title: summary.info.title,
                formats: feed
                    .formats
                    .iter()
                    .map(|f| f.extension().to_string())
                    .collect(),
                entries: summary.entries,
                newest: summary
                    .newest
                    .map(|(title, url, date)| Newest { title, url, date }),
                files,
                status: store.feed_status(&feed.name)?.unwrap_or_default(),
            },
        );
    }
    let file = ShardFile {
        generator: format!("sitefeed {}", env!("CARGO_PKG_VERSION")),
        shard: shard.index,
        shards: shard.count,
        feeds,
    };
    let mut bytes = serde_json::to_vec_pretty(&file).expect("status always serialises");
    bytes.push(b'\n');
    output.write_if_changed(&shard.status_file(), &bytes)?;
    Ok(())
}

/// Reads every `status-K.json` in `output`, in index order. A file that cannot be read or
/// parsed is logged and skipped: one broken shard must not hide the others.
pub fn read_shard_files(output: &Output) -> anyhow::Result<Vec<ShardFile>> {
    let shard_index = |name: &str| {
        name.strip_prefix("status-")
            .and_then(|rest| rest.strip_suffix(".json"))
            .and_then(|k| k.parse::<u32>().ok())
    };
    let mut files = Vec::new();
    for (name, bytes) in output.read_matching(&|name| shard_index(name).is_some())? {
        let Some(index) = shard_index(&name) else {
            continue;
        };
        match bytes.and_then(|bytes| {
            serde_json::from_slice::<ShardFile>(&bytes).map_err(|e| format!("{name}: {e}"))
        }) {
            Ok(file) => files.push((index, file)),
            Err(err) => warn!("publish: skipping {err}"),
        }
    }
    files.sort_by_key(|(index, _)| *index);
    Ok(files.into_iter().map(|(_, file)| file).collect())
}

/// The lock merges take turns on: beside the files in a local `output_dir`, beside the state
/// store for object storage (which has no locks).
fn publish_lock(config: &Config) -> PathBuf {
    match &config.output_dir {
        OutputDir::Local(dir) => dir.join(PUBLISH_LOCK),
        OutputDir::Objects(_) => config.state.with_file_name(PUBLISH_LOCK),
    }
}

/// Merges the shard files in `output_dir` into `index.html`, `feeds.opml`, `feed.css` and
/// `status.json`.
pub fn publish(config: &Config) -> anyhow::Result<PublishReport> {
    if let Some(dir) = config.output_dir.local() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create output_dir {}", dir.display()))?;
    }
    publish_to(config, &Output::open(config)?)
}

/// [`publish`] through an output already open (a shard's run ends with it).
pub fn publish_to(config: &Config, output: &Output) -> anyhow::Result<PublishReport> {
    let Some(_lock) = crate::run::acquire_lock(&publish_lock(config), config.lock_timeout, None)?
    else {
        anyhow::bail!("publish was cancelled while waiting for the lock");
    };
    let files = read_shard_files(output)?;
    if files.is_empty() {
        anyhow::bail!(
            "nothing to publish: no status-K.json in {} (run `sitefeed run --shard K/N` first)",
            config.output_dir
        );
    }
    if let Some(count) = files.iter().map(|f| f.shards).max() {
        let missing: Vec<String> = (0..count)
            .filter(|k| !files.iter().any(|f| f.shard == *k && f.shards == count))
            .map(|k| k.to_string())
            .collect();
        if !missing.is_empty() {
            info!(
                "publish: no status file yet from shard {} of {count}",
                missing.join(", ")
            );
        }
    }
    let mut report = PublishReport {
        shard_files: files.len(),
        ..PublishReport::default()
    };
    let mut summaries = Vec::new();
    let mut statuses = Vec::new();
    for feed in &config.feeds {
        // After a change of N, an old shard file may still name the feed: the record of the
        // latest attempt wins.
        let record = files
            .iter()
            .filter_map(|f| f.feeds.get(&feed.name))
            .max_by_key(|r| r.status.last_attempt);
        let Some(record) = record else {
            report.missing.push(feed.name.clone());
            statuses.push((feed.name.clone(), FeedStatus::default()));
            continue;
        };
        let formats: Vec<Format> = Format::ALL
            .into_iter()
            .filter(|f| feed.formats.contains(f))
            .filter(|f| record.formats.iter().any(|r| r == f.extension()))
            .collect();
        if record.files && !formats.is_empty() {
            summaries.push(FeedSummary {
                info: feed_info(config, feed, Some(record.title.clone())),
                formats,
                entries: record.entries,
                newest: record
                    .newest
                    .as_ref()
                    .map(|n| (n.title.clone(), n.url.clone(), n.date)),
            });
        }
        statuses.push((feed.name.clone(), record.status.clone()));
    }
    report.listed = summaries.len();
    let title = &config.title;
    output.write_if_changed(site::INDEX_FILE, &site::index_html(title, &summaries))?;
    output.write_if_changed(site::OPML_FILE, &site::opml(title, &summaries))?;
    output.write_if_changed(site::STYLESHEET_FILE, site::STYLESHEET.as_bytes())?;
    output.write_if_changed(status::STATUS_FILE, &status::render(&statuses))?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::path::Path;

    fn config(dir: &Path) -> Config {
        let text = "base_url = \"https://f.example/\"\ntitle = \"Merged\"\n\
            [[feed]]\nname = \"a\"\nurl = \"https://one.example/a/\"\n\
            [[feed]]\nname = \"b\"\nurl = \"https://two.example/b/\"\nformats = [\"atom\"]\n\
            [[feed]]\nname = \"c\"\nurl = \"https://three.example/c/\"\n";
        Config::parse(text, &dir.join("feeds.toml")).unwrap()
    }

    fn record(title: &str, files: bool, attempt: &str) -> ShardFeed {
        ShardFeed {
            title: title.into(),
            formats: vec!["rss".into(), "atom".into(), "json".into()],
            entries: 2,
            newest: None,
            files,
            status: FeedStatus {
                last_attempt: Some(DateTime::parse_from_rfc3339(attempt).unwrap().to_utc()),
                ..FeedStatus::default()
            },
        }
    }

    fn write(dir: &Path, shard: u32, shards: u32, feeds: Vec<(&str, ShardFeed)>) {
        let file = ShardFile {
            generator: "test".into(),
            shard,
            shards,
            feeds: feeds.into_iter().map(|(n, r)| (n.to_string(), r)).collect(),
        };
        std::fs::write(
            dir.join(format!("status-{shard}.json")),
            serde_json::to_vec(&file).unwrap(),
        )
        .unwrap();
    }

    #[test]
    fn merges_shards_and_lists_only_written_feeds() {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        let out = config.output_dir.local().unwrap();
        std::fs::create_dir_all(out).unwrap();
        write(
            out,
            0,
            2,
            vec![("a", record("Feed A", true, "2026-01-01T00:00:00Z"))],
        );
        write(
            out,
            1,
            2,
            vec![
                ("b", record("Feed B", true, "2026-01-01T00:00:00Z")),
                ("c", record("Feed C", false, "2026-01-01T00:00:00Z")),
            ],
        );
        // A stale file from when there were three shards, older than shard 0's record.
        write(
            out,
            2,
            3,
            vec![("a", record("Old A", true, "2025-01-01T00:00:00Z"))],
        );
        // A half-written or foreign file is skipped, not fatal.
        std::fs::write(out.join("status-7.json"), b"{\"feeds\":").unwrap();

        let report = publish(&config).unwrap();
        assert_eq!(report.shard_files, 3);
        assert_eq!(report.listed, 2);
        assert!(report.missing.is_empty());
        let index = std::fs::read_to_string(out.join("index.html")).unwrap();
        assert!(
            index.contains("<h2>Feed A</h2>") && !index.contains("Old A"),
            "{index}"
        );
        assert!(index.contains("href=\"b.atom\"") && !index.contains("b.rss"));
        assert!(!index.contains("Feed C"), "c has no files yet");
        let opml = std::fs::read_to_string(out.join("feeds.opml")).unwrap();
        assert_eq!(opml.matches("<outline").count(), 2);
        let status: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("status.json")).unwrap()).unwrap();
        let names: Vec<&String> = status["feeds"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(status["feeds"]["a"]["last_attempt"], "2026-01-01T00:00:00Z");
    }

    #[test]
    fn nothing_to_merge_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        let err = publish(&config).unwrap_err().to_string();
        assert!(
            err.contains("nothing to publish: no status-K.json"),
            "{err}"
        );
    }
}
