//! sitefeed turns news-site section pages into RSS 2.0 and Atom feeds.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`config`]: `feeds.toml` parsed and validated once into a typed [`config::Config`].
//! 2. [`fetch`]: the one HTTP client (politeness, limits, charset decoding).
//! 3. [`discover`]: section page HTML -> article URLs (pure).
//! 4. [`extract`]: article page HTML -> [`model::Article`] metadata (pure), with [`date`] for
//!    lenient timestamps.
//! 5. [`store`]: the embedded SQLite state: every article seen and which feeds hold it.
//! 6. [`render`]: stored articles -> RSS and Atom documents (pure, deterministic).
//! 7. [`output`]: the only code that writes to `output/`, atomically.
//!
//! [`run`] drives one pass over every configured feed and returns a report; `main` maps that
//! report to an exit code.

pub mod charset;
pub mod cli;
pub mod config;
pub mod date;
pub mod discover;
pub mod extract;
pub mod fetch;
pub mod model;
pub mod output;
pub mod probe;
pub mod render;
pub mod run;
pub mod schedule;
pub mod select;
pub mod status;
pub mod store;
