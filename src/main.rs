//! The `sitefeed` binary: parses the command line, sets up logging, calls the library and
//! maps the outcome to an exit code (0 ok, 1 some feed failed, 2 config or usage error).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use sitefeed::cli::{Cli, Command};
use sitefeed::config::Config;
use sitefeed::run::RunOptions;
use sitefeed::schedule::Signals;
use sitefeed::shard::{self, Shard};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli);
    let quiet = cli.quiet;
    let verbose = cli.verbose;
    let config = cli.config;
    match cli.command {
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "sitefeed", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man => {
            match clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("sitefeed: cannot write the man page: {err}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Probe(args) => match sitefeed::probe::run(&args, &config.path) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err @ sitefeed::probe::ProbeError::Usage(_)) => {
                eprintln!("sitefeed: {err}");
                ExitCode::from(2)
            }
            Err(err) => {
                eprintln!("sitefeed: {err}");
                ExitCode::from(1)
            }
        },
        Command::Add(args) => match sitefeed::add::run(&args, &config.path) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err @ sitefeed::add::AddError::Usage(_)) => {
                eprintln!("sitefeed: {err}");
                ExitCode::from(2)
            }
            Err(err) => {
                eprintln!("sitefeed: {err}");
                ExitCode::from(1)
            }
        },
        Command::Check { shards } => match Config::load(&config.path) {
            Ok(loaded) => {
                if let Some(err) = shards.and_then(|n| check_shards(&loaded, n).err()) {
                    eprintln!("sitefeed: {err}");
                    return ExitCode::from(2);
                }
                println!(
                    "{}: ok, {}",
                    config.path.display(),
                    sitefeed::words::counted(loaded.feeds.len(), "feed")
                );
                for line in shards.map_or_else(Vec::new, |n| shard::plan_lines(&loaded, n)) {
                    println!("{line}");
                }
                if let Err(lines) = check_browser(&loaded) {
                    for line in lines {
                        eprintln!("sitefeed: {line}");
                    }
                    return ExitCode::from(1);
                }
                ExitCode::SUCCESS
            }
            Err(err) => config_error(err),
        },
        Command::Publish => {
            let loaded = match Config::load(&config.path) {
                Ok(loaded) => loaded,
                Err(err) => return config_error(err),
            };
            match sitefeed::publish::publish(&loaded) {
                Ok(report) => {
                    if !quiet {
                        eprintln!("sitefeed: {}", report.summary());
                    }
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("sitefeed: {err:#}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Watch => {
            let loaded = match Config::load(&config.path) {
                Ok(loaded) => loaded,
                Err(err) => return config_error(err),
            };
            if let Err(err) = prepare_dirs(&loaded) {
                eprintln!("sitefeed: {err}");
                return ExitCode::from(2);
            }
            match Signals::install() {
                Ok(signals) => {
                    sitefeed::schedule::watch(&config.path, loaded, &signals, false);
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("sitefeed: {err:#}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Run { feeds, shard } => {
            let mut loaded = match Config::load(&config.path) {
                Ok(loaded) => loaded,
                Err(err) => return config_error(err),
            };
            let shard = match shard
                .map(|text| select_shard(&mut loaded, &text))
                .transpose()
            {
                Ok(shard) => shard,
                Err(err) => {
                    eprintln!("sitefeed: {err}");
                    return ExitCode::from(2);
                }
            };
            if let Some(unknown) = feeds
                .iter()
                .find(|name| !loaded.feeds.iter().any(|f| &f.name == *name))
            {
                eprintln!(
                    "sitefeed: {}: no feed named \"{unknown}\"",
                    config.path.display()
                );
                return ExitCode::from(2);
            }
            if let Some((shard, feed)) = shard.and_then(|s| {
                feeds
                    .iter()
                    .filter_map(|name| loaded.feeds.iter().find(|f| &f.name == name))
                    .find(|f| !s.owns(f))
                    .map(|f| (s, f))
            }) {
                eprintln!(
                    "sitefeed: feed \"{}\" belongs to shard {}/{}, not {shard}",
                    feed.name,
                    shard::shard_of_host(&shard::feed_host(feed), shard.count),
                    shard.count
                );
                return ExitCode::from(2);
            }
            if let Err(err) = prepare_dirs(&loaded) {
                eprintln!("sitefeed: {err}");
                return ExitCode::from(2);
            }
            if loaded.feeds.iter().any(|f| f.render.sections()) {
                sitefeed::browser::kill_on_termination();
            }
            let options = RunOptions {
                only: feeds,
                progress: std::io::stderr().is_terminal() && !quiet,
                cancel: None,
                shard,
            };
            match sitefeed::run::run(&loaded, &options) {
                Ok(report) => {
                    if verbose > 0 {
                        for feed in &report.feeds {
                            eprintln!("sitefeed: {}", feed.line());
                        }
                    }
                    if !quiet {
                        eprintln!("sitefeed: {}", report.summary());
                    }
                    ExitCode::from(report.exit_code() as u8)
                }
                Err(err) => {
                    eprintln!("sitefeed: {err:#}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// Whether the Chromium that `render = "browser"` feeds need is there: one line per such
/// feed when it is not (their run would fail; the other feeds' would not).
fn check_browser(config: &Config) -> Result<(), Vec<String>> {
    let mut feeds = config
        .feeds
        .iter()
        .filter(|f| f.render.sections())
        .peekable();
    if feeds.peek().is_none() {
        return Ok(());
    }
    match sitefeed::browser::locate(config.browser.as_deref()) {
        Ok(_) => Ok(()),
        Err(message) => Err(feeds
            .map(|f| format!("feed \"{}\": {message}", f.name))
            .collect()),
    }
}

/// Parses `--shard` and points `config` at that shard's store.
fn select_shard(config: &mut Config, text: &str) -> Result<Shard, String> {
    let index = std::env::var(shard::INDEX_VAR).ok();
    let shard = Shard::parse(text, index.as_deref())?;
    check_shards(config, shard.count)?;
    shard::apply(config, shard);
    Ok(shard)
}

/// Refuses `count` shards that would share one state store.
fn check_shards(config: &Config, count: u32) -> Result<(), String> {
    if !(1..=shard::MAX_SHARDS).contains(&count) {
        return Err(format!(
            "--shards {count}: N must be from 1 to {}",
            shard::MAX_SHARDS
        ));
    }
    shard::placeholder_error(config, count).map_or(Ok(()), Err)
}

/// Creates the directories a pass writes to. A config whose output_dir or state cannot exist
/// can never succeed, so this is a config error (exit 2), not a failed run.
fn prepare_dirs(config: &Config) -> Result<(), String> {
    let state_dir = config.state.parent().filter(|d| !d.as_os_str().is_empty());
    for (key, dir) in [
        ("output_dir", config.output_dir.local()),
        ("state", state_dir),
    ] {
        if let Some(dir) = dir {
            std::fs::create_dir_all(dir).map_err(|err| {
                format!(
                    "{}: {key} {}: cannot create the directory: {err}",
                    config.path.display(),
                    dir.display()
                )
            })?;
        }
    }
    Ok(())
}

fn config_error(err: sitefeed::config::ConfigError) -> ExitCode {
    eprintln!("sitefeed: {err}");
    ExitCode::from(2)
}

/// Warnings only by default, so cron mails nothing but problems. Libraries log at error only:
/// the HTML parser's remarks about broken markup are not the user's problem.
fn init_logging(cli: &Cli) {
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "error,sitefeed=warn",
        (false, 1) => "error,sitefeed=info",
        (false, _) => "warn,sitefeed=debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .without_time()
        .init();
}
