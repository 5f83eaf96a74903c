//! The keys that say where a feed's articles come from besides its section pages:
//! `sitemaps` (a list of sitemap URLs, or `"robots"`) and `source` (`"section"` or `"feed"`).
//!
//! `sitemaps` takes two shapes. An untagged serde enum would buffer the value before trying
//! each shape, and toml's `Spanned` does not survive that buffering (a list of URLs failed to
//! parse at all), so the value is read by a visitor that asks the deserializer for a string
//! or a sequence directly; each URL keeps its line and column for errors.

use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

use super::context::Context;
use super::ConfigError;
use crate::sitemap::Sitemaps;

/// `sitemaps = "robots"` or `sitemaps = ["https://...", ...]`, as written.
pub(super) enum RawSitemaps {
    Word(String),
    List(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for RawSitemaps {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Shape;
        impl<'de> Visitor<'de> for Shape {
            type Value = RawSitemaps;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"robots\" or a list of sitemap URLs")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawSitemaps, E> {
                Ok(RawSitemaps::Word(v.to_string()))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawSitemaps, A::Error> {
                let mut list = Vec::new();
                while let Some(url) = seq.next_element::<Spanned<String>>()? {
                    list.push(url);
                }
                Ok(RawSitemaps::List(list))
            }
        }
        deserializer.deserialize_any(Shape)
    }
}

/// Where a feed starts: its section pages (the default) or a feed the site publishes itself,
/// whose entries are completed from their article pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Source {
    #[default]
    Section,
    /// `url`/`urls` are RSS, Atom or JSON feeds, or section pages whose advertised feed is read.
    Feed,
}

impl Context<'_> {
    /// Checks `sitemaps`; `has_url` tells whether the feed has section pages (the site whose
    /// robots.txt `"robots"` reads).
    pub(super) fn sitemaps(
        &self,
        raw: Option<&Spanned<RawSitemaps>>,
        name: &str,
        has_url: bool,
    ) -> Result<Sitemaps, ConfigError> {
        let Some(raw) = raw else {
            return Ok(Sitemaps::None);
        };
        Ok(match raw.get_ref() {
            RawSitemaps::Word(w) if w == "robots" && has_url => Sitemaps::Robots,
            RawSitemaps::Word(w) if w == "robots" => {
                return Err(self.at(
                    raw,
                    format!("feed \"{name}\": sitemaps = \"robots\" needs `url` (the site whose robots.txt is read)"),
                ))
            }
            RawSitemaps::Word(w) => {
                return Err(self.at(
                    raw,
                    format!("feed \"{name}\": `sitemaps` is \"robots\" or a list of sitemap URLs, not \"{w}\""),
                ))
            }
            RawSitemaps::List(list) if list.is_empty() => {
                return Err(self.at(raw, format!("feed \"{name}\": `sitemaps` is empty")))
            }
            RawSitemaps::List(list) => Sitemaps::List(
                list.iter()
                    .map(|u| self.http_url(u, "sitemaps"))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        })
    }

    /// Checks `source`. A feed read from an upstream feed has no section page to apply
    /// `article_selector` or `pages` to, so those are refused rather than ignored.
    pub(super) fn source(
        &self,
        raw: Option<&Spanned<String>>,
        name: &str,
        section_only: Option<(&str, usize)>,
        has_url: bool,
    ) -> Result<Source, ConfigError> {
        let Some(raw) = raw else {
            return Ok(Source::Section);
        };
        let source = match raw.get_ref().trim() {
            "section" => Source::Section,
            "feed" => Source::Feed,
            other => {
                return Err(self.at(
                    raw,
                    format!(
                        "feed \"{name}\": `source` is \"section\" or \"feed\", not \"{other}\""
                    ),
                ))
            }
        };
        if source == Source::Feed {
            if let Some((key, offset)) = section_only {
                return Err(self.error(
                    Some(offset),
                    format!("feed \"{name}\": `{key}` applies to section pages, not to source = \"feed\""),
                ));
            }
            if !has_url {
                return Err(self.at(
                    raw,
                    format!("feed \"{name}\": source = \"feed\" needs `url` (the site's feed, or a page that advertises it)"),
                ));
            }
        }
        Ok(source)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::{Config, ConfigError};
    use crate::sitemap::Sitemaps;

    use super::Source;

    fn parse(feed: &str) -> Result<Config, ConfigError> {
        let text = format!("base_url = \"https://f.example/\"\n[[feed]]\nname = \"w\"\n{feed}");
        Config::parse(&text, Path::new("feeds.toml"))
    }

    fn err(feed: &str) -> String {
        parse(feed).unwrap_err().to_string()
    }

    #[test]
    fn a_list_of_sitemaps_parses_without_url() {
        let config =
            parse("sitemaps = [\"https://e.com/news.xml\",\n  \"https://e.com/more.xml.gz\"]\n")
                .unwrap();
        let feed = &config.feeds[0];
        assert_eq!(
            feed.sitemaps,
            Sitemaps::List(vec![
                "https://e.com/news.xml".parse().unwrap(),
                "https://e.com/more.xml.gz".parse().unwrap()
            ])
        );
        assert_eq!(feed.site.as_str(), "https://e.com/");
        assert!(feed.urls.is_empty());
    }

    #[test]
    fn robots_needs_a_url_and_other_words_are_refused() {
        let config = parse("url = \"https://e.com/world/\"\nsitemaps = \"robots\"\n").unwrap();
        assert_eq!(config.feeds[0].sitemaps, Sitemaps::Robots);
        assert!(err("sitemaps = \"robots\"\n").starts_with("feeds.toml:4:12: "));
        let message = err("url = \"https://e.com/\"\nsitemaps = \"all\"\n");
        assert!(message.contains("not \"all\""), "{message}");
    }

    #[test]
    fn a_bad_url_in_the_list_names_its_line_and_column() {
        let message =
            err("sitemaps = [\n  \"https://e.com/a.xml\",\n  \"ftp://e.com/b.xml\",\n]\n");
        assert!(message.starts_with("feeds.toml:6:3: "), "{message}");
        assert!(message.contains("ftp://e.com/b.xml"), "{message}");
        assert!(err("sitemaps = []\n").contains("`sitemaps` is empty"));
    }

    #[test]
    fn a_value_of_the_wrong_kind_says_what_it_may_be() {
        let message = err("url = \"https://e.com/\"\nsitemaps = 5\n");
        assert!(message.starts_with("feeds.toml:5:12: "), "{message}");
        assert!(
            message.contains("`sitemaps` must be \"robots\" or a list of sitemap URLs, got 5"),
            "{message}"
        );
        let message = err("url = \"https://e.com/\"\nsitemaps = [5]\n");
        assert!(message.contains("feeds.toml:5:"), "{message}");
    }

    #[test]
    fn source_is_section_or_feed() {
        let config = parse("url = \"https://e.com/rss\"\nsource = \"feed\"\n").unwrap();
        assert_eq!(config.feeds[0].source, Source::Feed);
        let config = parse("url = \"https://e.com/world/\"\n").unwrap();
        assert_eq!(config.feeds[0].source, Source::Section);
        let message = err("url = \"https://e.com/\"\nsource = \"rss\"\n");
        assert!(message.starts_with("feeds.toml:5:10: "), "{message}");
        let message =
            err("url = \"https://e.com/\"\nsource = \"feed\"\narticle_selector = \"a\"\n");
        assert!(
            message.contains("`article_selector` applies to section pages"),
            "{message}"
        );
    }
}
