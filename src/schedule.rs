//! `sitefeed watch`: the long-running scheduler.
//!
//! Each feed runs at its own `interval`. Due feeds are run together as one pass (the same pass
//! `sitefeed run` makes, under the same lock), so a feed is never run twice at once and a cron
//! `run` on the same config waits its turn instead of interleaving. First passes are spread
//! with jitter so a restart does not hit every site at the same second. SIGHUP re-reads the
//! config (a bad one is reported and the old one kept); SIGTERM and SIGINT let the pass in
//! progress finish its writes, then exit cleanly.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use tracing::{error, info};

use crate::config::Config;
use crate::run::{self, RunOptions};

/// The longest first-pass jitter, however long the interval.
const MAX_JITTER: Duration = Duration::from_secs(30);
/// How often the loop looks at the signal flags while it waits.
const TICK: Duration = Duration::from_millis(100);

/// The signals the scheduler reacts to, as flags set by the handlers.
#[derive(Clone, Default)]
pub struct Signals {
    pub stop: Arc<AtomicBool>,
    pub reload: Arc<AtomicBool>,
}

impl Signals {
    /// Routes SIGTERM and SIGINT to `stop`, SIGHUP to `reload`.
    pub fn install() -> anyhow::Result<Signals> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let signals = Signals::default();
        for signal in [SIGTERM, SIGINT] {
            signal_hook::flag::register(signal, signals.stop.clone())
                .context("cannot install the signal handlers")?;
        }
        signal_hook::flag::register(SIGHUP, signals.reload.clone())
            .context("cannot install the signal handlers")?;
        Ok(signals)
    }
}

/// Runs the feeds of the config at `path` until `signals.stop` is set.
pub fn watch(path: &Path, mut config: Config, signals: &Signals, progress: bool) {
    let mut next_run = first_runs(&config, &HashMap::new(), Instant::now());
    info!(
        "watching {} from {}",
        crate::words::counted(config.feeds.len(), "feed"),
        path.display()
    );
    while !signals.stop.load(Ordering::Relaxed) {
        if signals.reload.swap(false, Ordering::Relaxed) {
            match Config::load(path) {
                Ok(new) => {
                    info!(
                        "reloaded {}: {}",
                        path.display(),
                        crate::words::counted(new.feeds.len(), "feed")
                    );
                    next_run = first_runs(&new, &next_run, Instant::now());
                    config = new;
                }
                Err(err) => error!("keeping the running config: {err}"),
            }
        }
        let now = Instant::now();
        let due: Vec<String> = config
            .feeds
            .iter()
            .filter(|f| next_run.get(&f.name).is_some_and(|t| *t <= now))
            .map(|f| f.name.clone())
            .collect();
        if due.is_empty() {
            let until = next_run.values().min().copied().unwrap_or(now + TICK);
            std::thread::sleep(until.saturating_duration_since(now).min(TICK));
            continue;
        }
        let options = RunOptions {
            only: due.clone(),
            progress,
            cancel: Some(signals.stop.clone()),
            shard: None,
        };
        // A pass that cannot run (say, a cron run holds the lock past lock_timeout) is
        // reported and tried again at the next interval: the scheduler keeps going.
        match run::run(&config, &options) {
            Ok(report) => info!("pass over {}: {}", due.join(", "), report.summary()),
            Err(err) => error!("pass over {} failed: {err:#}", due.join(", ")),
        }
        for name in &due {
            if let Some(feed) = config.feeds.iter().find(|f| &f.name == name) {
                next_run.insert(name.clone(), now + feed.interval);
            }
        }
    }
    info!("stopping: the pass in progress was finished");
}

/// When each feed of `config` runs next: as before for feeds already scheduled, within a
/// jitter window from `now` for new ones.
fn first_runs(
    config: &Config,
    scheduled: &HashMap<String, Instant>,
    now: Instant,
) -> HashMap<String, Instant> {
    config
        .feeds
        .iter()
        .map(|feed| {
            let at = scheduled.get(&feed.name).copied().unwrap_or_else(|| {
                let window = (feed.interval / 2).min(MAX_JITTER);
                now + window.mul_f64(fastrand::f64())
            });
            (feed.name.clone(), at)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        Config::parse(text, Path::new("feeds.toml")).unwrap()
    }

    #[test]
    fn first_runs_are_jittered_within_half_the_interval_and_kept_on_reload() {
        let config = config(
            "base_url = \"https://f.example/\"\ninterval = \"10s\"\n\
             [[feed]]\nname = \"a\"\nurl = \"https://e.com/a/\"\n\
             [[feed]]\nname = \"b\"\nurl = \"https://e.com/b/\"\ninterval = \"2h\"\n",
        );
        let now = Instant::now();
        let runs = first_runs(&config, &HashMap::new(), now);
        assert!(runs["a"] <= now + Duration::from_secs(5));
        assert!(runs["b"] <= now + MAX_JITTER);
        let later = now + Duration::from_secs(100);
        let kept = first_runs(&config, &runs, later);
        assert_eq!(kept, runs);
    }
}
