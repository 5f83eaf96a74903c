//! The command line: what `sitefeed --help` shows is written here.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Turns news-site section pages into RSS 2.0 and Atom feeds.
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
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch every feed once, write output/, and exit (for cron).
    Run {
        #[command(flatten)]
        config: ConfigArg,
        /// Run only this feed (repeatable).
        #[arg(long = "feed", value_name = "NAME")]
        feeds: Vec<String>,
    },
    /// Keep running: each feed at its own `interval`; SIGHUP re-reads the config,
    /// SIGTERM/SIGINT finish the writes in progress and exit.
    Watch {
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Validate the config without any network access.
    Check {
        #[command(flatten)]
        config: ConfigArg,
    },
}

#[derive(Debug, clap::Args)]
pub struct ConfigArg {
    /// The config file.
    #[arg(
        long = "config",
        short = 'c',
        value_name = "PATH",
        default_value = "feeds.toml"
    )]
    pub path: PathBuf,
}
