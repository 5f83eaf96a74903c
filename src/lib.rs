//! sitefeed turns news-site section pages into RSS 2.0, Atom and JSON feeds.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`config`]: `feeds.toml` parsed and validated once into a typed [`config::Config`].
//! 2. [`fetch`]: the one HTTP client (robots.txt, per-host gaps, retries, limits, conditional
//!    requests), with [`charset`] turning bytes into text; [`browser`] renders the pages of
//!    `render = "browser"` feeds in Chromium, each of its requests admitted by the fetcher.
//! 3. [`discover`]: section page HTML -> article URLs (pure).
//! 4. [`extract`]: article page HTML -> [`model::Article`] metadata (pure), with [`date`] for
//!    lenient timestamps. Both parse through [`html`], which defuses hostile nesting and leaves out
//!    the script, style and drawing bodies no stage reads.
//! 5. [`store`]: the embedded SQLite state: every article seen, which feeds hold it, section
//!    pages' validators, robots.txt files and each feed's [`status`].
//! 6. [`render`]: stored articles, chosen by [`select`] -> RSS, Atom and JSON Feed documents,
//!    the index page and the OPML list (pure, deterministic).
//! 7. [`output`]: the only code that writes to `output/`, atomically.
//!
//! Besides section pages, a feed's articles may come from the site's [`sitemap`]s or from
//! the feed it publishes itself ([`upstream`], `source = "feed"`).
//!
//! [`run`] drives one pass over the configured feeds and returns a report; [`schedule`] runs
//! passes for `sitefeed watch`; [`probe`] shows one page's extraction; [`add`] appends a
//! feed for a section page to the config. `main` parses the
//! command line ([`cli`]) and maps outcomes to exit codes.

pub mod add;
pub mod browser;
pub mod charset;
pub mod cli;
pub mod config;
pub mod date;
pub mod discover;
pub mod extract;
pub mod fetch;
pub mod fulltext;
pub mod html;
pub mod model;
pub mod output;
pub mod probe;
pub mod publish;
pub mod render;
pub mod run;
pub mod schedule;
pub mod select;
pub mod shard;
pub mod sitemap;
pub mod status;
pub mod store;
pub mod upstream;
pub mod words;
