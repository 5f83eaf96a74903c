//! What the corpus benches share: finding the shared corpus, and timing two kinds of pass
//! against each other, warmed up once, then alternated so both see the same machine weather. Each kind's fastest pass is its
//! throughput; the median of the rounds' ratios (which a noisy neighbour on the 2 shared cores
//! moves least) is the ratio.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The corpus's `manifest.jsonl` (`$SITEFEED_CORPUS`, else `../shared/corpus` beside the
/// repository), or `None` after saying that bench `name` is skipped without it.
pub fn manifest(name: &str) -> Option<PathBuf> {
    let dir = std::env::var("SITEFEED_CORPUS").map_or_else(
        |_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from,
    );
    let manifest = dir.join("manifest.jsonl");
    if manifest.is_file() {
        return Some(manifest);
    }
    println!(
        "bench {name}: no corpus at {} (manifest.jsonl missing); skipped",
        dir.display()
    );
    None
}

pub struct Rounds {
    /// The fastest pass of the first kind and of the second.
    pub best: (Duration, Duration),
    /// Per round, the second kind's time over the first's, sorted.
    pub ratios: Vec<f64>,
}

/// `passes` rounds of `first` then `second`, after one warm-up run of each.
pub fn alternate(passes: usize, first: impl Fn(), second: impl Fn()) -> Rounds {
    first();
    second();
    let mut rounds = Vec::with_capacity(passes);
    for _ in 0..passes {
        let t = Instant::now();
        first();
        let a = t.elapsed();
        let t = Instant::now();
        second();
        rounds.push((a, t.elapsed()));
    }
    let best = (
        rounds.iter().map(|r| r.0).min().expect("passes > 0"),
        rounds.iter().map(|r| r.1).min().expect("passes > 0"),
    );
    let mut ratios: Vec<f64> = rounds
        .iter()
        .map(|(a, b)| b.as_secs_f64() / a.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    Rounds { best, ratios }
}

impl Rounds {
    pub fn median(&self) -> f64 {
        self.ratios[self.ratios.len() / 2]
    }

    /// The rounds' ratios, as `1.23, 1.25, ...`.
    pub fn per_round(&self) -> String {
        self.ratios
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One line of throughput: `pages` pages of `bytes` bytes in `d`, labelled `name`.
pub fn report(name: &str, width: usize, pages: usize, bytes: usize, d: Duration) {
    let s = d.as_secs_f64();
    println!(
        "{name:<width$} {:>8.1} pages/s {:>7.2} MB/s {:>8.3} s",
        pages as f64 / s,
        bytes as f64 / 1e6 / s,
        s
    );
}
