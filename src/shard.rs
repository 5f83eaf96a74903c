//! Shards: splitting one config's feeds over N processes (`run --shard K/N`) so that every
//! request to one host comes from one shard.
//!
//! A feed belongs to shard `fnv1a64(lowercased host of its first section URL) mod N`. The
//! host is the fetcher's politeness key (its per-host gap and robots.txt cache are keyed by
//! it), so the delay between two requests to a host and its robots.txt still hold across all
//! shards. The hash is FNV-1a 64 over the host's UTF-8 bytes, written out here rather than
//! taken from `std` or a crate, so the assignment never changes between releases, platforms or
//! compilers: a host that moves shard would lose its stored articles and validators.
//!
//! Each shard has its own state store: `state` holds a `{shard}` placeholder, replaced by the
//! shard's index (`0` when the run is not sharded).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::config::{Config, Feed};
use crate::words::counted;

/// The placeholder in `state` that each shard replaces with its index.
pub const PLACEHOLDER: &str = "{shard}";
/// The variable Kubernetes sets to a pod's index in an Indexed Job.
pub const INDEX_VAR: &str = "JOB_COMPLETION_INDEX";
/// More shards than this is surely a typo (each one is a process with its own store).
pub const MAX_SHARDS: u32 = 4096;

/// Shard `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// FNV-1a, 64 bits (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The host a feed is sharded by: its site's host (the first section URL, or the first
/// sitemap's when it has no section), lowercased, without port.
pub fn feed_host(feed: &Feed) -> String {
    feed.site
        .host_str()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The shard index of `host` among `count` shards.
pub fn shard_of_host(host: &str, count: u32) -> u32 {
    (fnv1a64(host.to_ascii_lowercase().as_bytes()) % u64::from(count.max(1))) as u32
}

impl Shard {
    /// The whole config as one shard: what an unsharded run is.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parses `--shard` as `K/N`, or `/N` with K from `index_var` (the value of
    /// [`INDEX_VAR`], when set). The error is one line naming the bad value.
    pub fn parse(text: &str, index_var: Option<&str>) -> Result<Shard, String> {
        let (index, count) = text.trim().split_once('/').ok_or_else(|| {
            format!("--shard {text:?}: expected K/N (like 0/4) or /N with {INDEX_VAR} set")
        })?;
        let count: u32 = match count.trim().parse() {
            Ok(n) if (1..=MAX_SHARDS).contains(&n) => n,
            _ => {
                return Err(format!(
                    "--shard {text:?}: N must be a whole number from 1 to {MAX_SHARDS}"
                ))
            }
        };
        let index = index.trim();
        let (index, source) = if index.is_empty() {
            let value = index_var.ok_or_else(|| {
                format!(
                    "--shard {text:?} gives no K and {INDEX_VAR} is not set (it is set by Kubernetes Indexed Jobs)"
                )
            })?;
            (value.trim(), format!("{INDEX_VAR}={value:?}"))
        } else {
            (index, format!("--shard {text:?}"))
        };
        match index.parse::<u32>() {
            Ok(k) if k < count => Ok(Shard { index: k, count }),
            _ => Err(format!(
                "{source}: the shard index must be a whole number from 0 to {}",
                count - 1
            )),
        }
    }

    /// Whether this shard runs `feed`.
    pub fn owns(&self, feed: &Feed) -> bool {
        shard_of_host(&feed_host(feed), self.count) == self.index
    }

    /// The file this shard writes its feeds' status and summaries to, in `output_dir`.
    pub fn status_file(&self) -> String {
        format!("status-{}.json", self.index)
    }
}

/// Whether `state` (as written in the config) has the `{shard}` placeholder.
pub fn has_placeholder(state: &Path) -> bool {
    state.to_string_lossy().contains(PLACEHOLDER)
}

/// `state` with the placeholder replaced by the shard's index.
pub fn state_path(state: &Path, shard: Shard) -> PathBuf {
    PathBuf::from(
        state
            .to_string_lossy()
            .replace(PLACEHOLDER, &shard.index.to_string()),
    )
}

/// The error for a sharded setup whose shards would share one store, or `None`.
pub fn placeholder_error(config: &Config, count: u32) -> Option<String> {
    (count > 1 && !has_placeholder(&config.state_template)).then(|| {
        format!(
            "{}: state \"{}\" needs the {PLACEHOLDER} placeholder with {count} shards, so each shard has its own store and lock (like state = \"state/sitefeed-{PLACEHOLDER}.db\")",
            config.path.display(),
            config.state_template.display()
        )
    })
}

/// Makes `config` the config of `shard`: its own state store (and so its own lock).
pub fn apply(config: &mut Config, shard: Shard) {
    config.state = state_path(&config.state_template, shard);
}

/// How many feeds and hosts each of `count` shards gets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShardLoad {
    pub feeds: usize,
    pub hosts: usize,
    /// Section URLs on hosts other than the shard's own feed hosts (feeds with several
    /// `urls` on other sites): those hosts may also be asked by another shard.
    pub foreign_urls: usize,
}

/// The load of every shard, in index order.
pub fn plan(config: &Config, count: u32) -> Vec<ShardLoad> {
    let mut hosts: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
    let mut loads = vec![ShardLoad::default(); count as usize];
    for feed in &config.feeds {
        let host = feed_host(feed);
        let index = shard_of_host(&host, count);
        let load = &mut loads[index as usize];
        load.feeds += 1;
        load.foreign_urls += feed.urls[1..]
            .iter()
            .filter(|u| u.host_str().map(str::to_ascii_lowercase).as_deref() != Some(&host))
            .count();
        hosts.entry(index).or_default().insert(host);
    }
    for (index, set) in hosts {
        loads[index as usize].hosts = set.len();
    }
    loads
}

/// The lines `check --shards N` prints after the config's own line.
pub fn plan_lines(config: &Config, count: u32) -> Vec<String> {
    let mut lines = Vec::new();
    for (index, load) in plan(config, count).iter().enumerate() {
        let mut line = format!(
            "shard {index}/{count}: {}, {}",
            counted(load.feeds, "feed"),
            counted(load.hosts, "host")
        );
        if load.foreign_urls > 0 {
            line.push_str(&format!(
                " ({} on hosts of other feeds)",
                crate::words::count(load.foreign_urls, "section URL", "section URLs")
            ));
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_reference_vectors() {
        // From the FNV reference test suite: these must never change.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn hosts_map_to_fixed_shards() {
        // Pinned: a change here would move every host's state to another shard.
        assert_eq!(shard_of_host("sputnikglobe.com", 4), 3);
        assert_eq!(shard_of_host("SputnikGlobe.COM", 4), 3);
        assert_eq!(shard_of_host("127.0.0.1", 2), 0);
        assert_eq!(shard_of_host("127.0.0.2", 2), 1);
        assert_eq!(shard_of_host("anything", 1), 0);
        let spread: BTreeSet<u32> = (0..64)
            .map(|i| shard_of_host(&format!("host{i}.example"), 4))
            .collect();
        assert_eq!(spread.len(), 4, "64 hosts cover all 4 shards");
    }

    #[test]
    fn parses_k_of_n() {
        assert_eq!(Shard::parse("2/4", None), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(
            Shard::parse(" 0/1 ", Some("7")),
            Ok(Shard { index: 0, count: 1 })
        );
        assert_eq!(Shard { index: 2, count: 4 }.to_string(), "2/4");
        assert_eq!(Shard { index: 2, count: 4 }.status_file(), "status-2.json");
    }

    #[test]
    fn index_from_the_environment_when_only_n_is_given() {
        assert_eq!(
            Shard::parse("/4", Some("3")),
            Ok(Shard { index: 3, count: 4 })
        );
        let missing = Shard::parse("/4", None).unwrap_err();
        assert!(
            missing.contains("JOB_COMPLETION_INDEX is not set"),
            "{missing}"
        );
        let high = Shard::parse("/4", Some("4")).unwrap_err();
        assert!(
            high.contains("JOB_COMPLETION_INDEX=\"4\"") && high.contains("0 to 3"),
            "{high}"
        );
        let junk = Shard::parse("/4", Some("x")).unwrap_err();
        assert!(junk.contains("JOB_COMPLETION_INDEX=\"x\""), "{junk}");
    }

    #[test]
    fn bad_values_are_one_line_errors() {
        for (text, needle) in [
            ("4", "expected K/N"),
            ("4/4", "from 0 to 3"),
            ("-1/4", "from 0 to 3"),
            ("0/0", "N must be"),
            ("0/x", "N must be"),
            ("0/5000", "N must be"),
            ("a/2", "from 0 to 1"),
        ] {
            let err = Shard::parse(text, None).unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
            assert!(!err.contains('\n'));
        }
    }

    #[test]
    fn state_placeholder_is_replaced() {
        let template = Path::new("/srv/state/sitefeed-{shard}.db");
        assert!(has_placeholder(template));
        assert!(!has_placeholder(Path::new("sitefeed.db")));
        assert_eq!(
            state_path(template, Shard { index: 3, count: 4 }),
            PathBuf::from("/srv/state/sitefeed-3.db")
        );
        assert_eq!(
            state_path(template, Shard::ALL),
            PathBuf::from("/srv/state/sitefeed-0.db")
        );
    }

    #[test]
    fn plan_counts_feeds_and_hosts() {
        let text = "base_url = \"https://f.example/\"\nstate = \"s-{shard}.db\"\n\
            [[feed]]\nname = \"a\"\nurl = \"https://one.example/a/\"\n\
            [[feed]]\nname = \"b\"\nurl = \"https://ONE.example/b/\"\n\
            [[feed]]\nname = \"c\"\nurls = [\"https://two.example/c/\", \"https://one.example/c/\"]\n";
        let config = Config::parse(text, Path::new("feeds.toml")).unwrap();
        assert_eq!(placeholder_error(&config, 4), None);
        let loads = plan(&config, 1);
        assert_eq!(
            loads,
            vec![ShardLoad {
                feeds: 3,
                hosts: 2,
                foreign_urls: 1
            }]
        );
        let loads = plan(&config, 64);
        assert_eq!(loads.iter().map(|l| l.feeds).sum::<usize>(), 3);
        assert_eq!(loads.iter().map(|l| l.hosts).sum::<usize>(), 2);
        let one = shard_of_host("one.example", 64) as usize;
        assert_eq!(loads[one].feeds, 2);
        let lines = plan_lines(&config, 64);
        assert_eq!(lines.len(), 64);
        assert!(lines[one].starts_with(&format!("shard {one}/64: 2 feeds, 1 host")));
    }

    #[test]
    fn shared_store_is_refused_with_several_shards() {
        let text = "base_url = \"https://f.example/\"\n[[feed]]\nname = \"a\"\nurl = \"https://one.example/a/\"\n";
        let config = Config::parse(text, Path::new("feeds.toml")).unwrap();
        assert_eq!(placeholder_error(&config, 1), None);
        let err = placeholder_error(&config, 2).unwrap();
        assert!(
            err.starts_with("feeds.toml: state \"./sitefeed.db\" needs the {shard} placeholder"),
            "{err}"
        );
    }
}
