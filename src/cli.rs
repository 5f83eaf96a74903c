//! The command line: what `sitefeed --help` shows is written here.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Turns news-site section pages into RSS 2.0, Atom and JSON Feed feeds.
///
/// Exit codes: 0 all good, 1 some feed or source failed (the others were written),
/// 2 the config or the command line is wrong.
#[derive(Debug, Parser)]
#[command(name = "sitefeed", version, about, long_about)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    #[command(flatten)]
    pub config: ConfigArg,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch every feed once, write output/, and exit (for cron).
    Run {
        /// Run only this feed (repeatable).
        #[arg(long = "feed", value_name = "NAME")]
        feeds: Vec<String>,
        /// Run only the feeds of shard K of N (by the host of their first URL), then write
        /// status-K.json and merge every shard's into the site files; `/N` takes K from
        /// JOB_COMPLETION_INDEX.
        #[arg(long, value_name = "K/N", allow_hyphen_values = true)]
        shard: Option<String>,
    },
    /// Merge the shards' status-K.json files into index.html, feeds.opml and status.json.
    Publish,
    /// Keep running: each feed at its own `interval`; SIGHUP re-reads the config,
    /// SIGTERM/SIGINT finish the writes in progress and exit.
    Watch,
    /// Show what sitefeed extracts from a page, with where each value came from.
    ///
    /// `probe URL` fetches an article page and prints its fields; `probe --section URL` prints
    /// the article links found on a section page and the rule that found each; `probe --json
    /// FILE...` reads saved pages and prints one JSON object per page.
    Probe(ProbeArgs),
    /// Read a section page, say what sitefeed finds on it, and append its [[feed]] to the
    /// config.
    ///
    /// Prints the links found (the first five with their titles), the feeds the page
    /// advertises and the sitemap robots.txt names; the new block gets a name from the URL's
    /// path (`world` from `/world/`), the page's title, and an article_selector only when
    /// automatic discovery finds nothing. Comments and layout of the config are kept; the
    /// result must pass `check` before it is saved. Uses the global --config.
    Add(AddArgs),
    /// Validate the config without any network access.
    Check {
        /// Also print how many feeds and hosts each of N shards gets.
        #[arg(long, value_name = "N")]
        shards: Option<u32>,
    },
    /// Print a shell completion script, e.g. `sitefeed completions bash >
    /// /etc/bash_completion.d/sitefeed`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `sitefeed man > /usr/local/share/man/man1/sitefeed.1`.
    Man,
}

#[derive(Debug, clap::Args)]
pub struct ConfigArg {
    /// The config file (before or after the command). `probe` uses its user_agent, delay
    /// and limits when it exists.
    #[arg(
        long = "config",
        short = 'c',
        value_name = "PATH",
        default_value = "feeds.toml",
        global = true
    )]
    pub path: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The section page to make a feed of.
    #[arg(value_name = "URL")]
    pub url: String,
    /// The feed's name (its output file stem); derived from the URL's path when not given.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Print the block instead of writing it to the config.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, clap::Args)]
pub struct ProbeArgs {
    /// The page URL; with --json, saved page files (`FILE` or `FILE=URL`).
    #[arg(value_name = "URL|FILE")]
    pub targets: Vec<String>,
    /// Print the article links of this section page instead.
    #[arg(long, value_name = "URL", conflicts_with_all = ["json", "manifest"])]
    pub section: Option<String>,
    /// Use this feed's rules from the config: with --section its article_selector /
    /// article_pattern, with --full-text its full_text_selector and max_content_size.
    #[arg(long, value_name = "NAME")]
    pub feed: Option<String>,
    /// Also print the article's text as a feed would carry it: its length, its first lines
    /// and what the sanitizer removed (with --json: a `body` field of its HTML).
    #[arg(long, conflicts_with = "section")]
    pub full_text: bool,
    /// Read saved pages and print one JSON object per page and line.
    #[arg(long)]
    pub json: bool,
    /// With --json: the address the files were fetched from, for resolving relative links.
    #[arg(long, value_name = "URL", requires = "json")]
    pub url: Option<String>,
    /// Load the page in headless Chromium (`browser`) or over HTTP (`http`); with --feed,
    /// that feed's `render` (and `wait_for`) is the default.
    #[arg(long, value_name = "MODE", value_parser = ["http", "browser"], conflicts_with = "json")]
    pub render: Option<String>,
    /// With --json: a JSON-lines manifest of pages (`file`, `url`, `id`).
    #[arg(long, value_name = "PATH", requires = "json")]
    pub manifest: Option<PathBuf>,
}
