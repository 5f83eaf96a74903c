//! The keys of feeds that carry their articles' text: `full_text` (per feed or top level),
//! `full_text_selector` (per feed) and `max_content_size` (per feed or top level). Checked as
//! strictly as the rest: a selector on a feed without full text would silently do nothing, so
//! it is an error at its line and column.

use toml::Spanned;

use super::context::Context;
use super::ConfigError;
use crate::fulltext::FullText;

/// The smallest `max_content_size`: below it even one paragraph would be cut.
const MIN_CONTENT_SIZE: u64 = 1024;

/// The top level's full-text keys, which every feed inherits.
#[derive(Debug, Clone, Copy)]
pub(super) struct Defaults {
    pub(super) enabled: bool,
    pub(super) max_size: usize,
}

impl Context<'_> {
    /// The top-level `full_text` and `max_content_size`.
    pub(super) fn full_text_defaults(
        &self,
        enabled: Option<bool>,
        max_size: Option<&Spanned<u64>>,
    ) -> Result<Defaults, ConfigError> {
        Ok(Defaults {
            enabled: enabled.unwrap_or(false),
            max_size: self.content_size(max_size, crate::fulltext::DEFAULT_MAX_CONTENT_SIZE)?,
        })
    }

    /// Feed `name`'s full-text rules, or `None` when its feeds carry metadata only. The text
    /// comes from the article page, so a feed that never fetches one (`fetch_articles =
    /// false`) does not inherit the top level's `full_text` and may not ask for it.
    pub(super) fn full_text(
        &self,
        name: &str,
        defaults: Defaults,
        fetches_articles: bool,
        enabled: Option<&Spanned<bool>>,
        selector: Option<&Spanned<String>>,
        max_size: Option<&Spanned<u64>>,
    ) -> Result<Option<FullText>, ConfigError> {
        let on = match enabled {
            Some(v) if *v.get_ref() && !fetches_articles => {
                return Err(self.at(
                    v,
                    format!("feed \"{name}\": `full_text` needs the article pages, but fetch_articles = false"),
                ))
            }
            Some(v) => *v.get_ref(),
            None => defaults.enabled && fetches_articles,
        };
        if !on {
            let stray = selector
                .map(|s| ("full_text_selector", s.span().start))
                .or(max_size.map(|s| ("max_content_size", s.span().start)));
            if let Some((key, at)) = stray {
                return Err(self.error(
                    Some(at),
                    format!("feed \"{name}\": `{key}` needs full_text = true"),
                ));
            }
            return Ok(None);
        }
        let selector = match selector {
            None => None,
            Some(value) => {
                let text = self.non_empty(value, "full_text_selector")?;
                self.selector(value, name, "full_text_selector")?;
                Some(text.to_string())
            }
        };
        Ok(Some(FullText {
            selector,
            max_size: self.content_size(max_size, defaults.max_size)?,
        }))
    }

    fn content_size(
        &self,
        value: Option<&Spanned<u64>>,
        default: usize,
    ) -> Result<usize, ConfigError> {
        match value {
            None => Ok(default),
            Some(v) if *v.get_ref() < MIN_CONTENT_SIZE => Err(self.at(
                v,
                format!("`max_content_size` must be at least {MIN_CONTENT_SIZE} bytes"),
            )),
            Some(v) => Ok(usize::try_from(*v.get_ref()).unwrap_or(usize::MAX)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, ConfigError};
    use crate::fulltext::{FullText, DEFAULT_MAX_CONTENT_SIZE};
    use std::path::Path;

    fn parse(top: &str, feed_keys: &str) -> Result<Config, ConfigError> {
        Config::parse(
            &format!(
                "base_url = \"https://f.example/\"\n{top}\n[[feed]]\nname = \"news\"\nurl = \"https://e.com/\"\n{feed_keys}"
            ),
            Path::new("feeds.toml"),
        )
    }

    fn err(top: &str, feed_keys: &str) -> String {
        parse(top, feed_keys).unwrap_err().to_string()
    }

    #[test]
    fn off_by_default_and_on_per_feed_or_at_the_top() {
        assert_eq!(parse("", "").unwrap().feeds[0].full_text, None);
        let on = Some(FullText::default());
        assert_eq!(
            parse("", "full_text = true").unwrap().feeds[0].full_text,
            on
        );
        assert_eq!(
            parse("full_text = true", "").unwrap().feeds[0].full_text,
            on
        );
        let config = parse("full_text = true", "full_text = false").unwrap();
        assert_eq!(config.feeds[0].full_text, None);
        let config = parse("full_text = true", "fetch_articles = false").unwrap();
        assert_eq!(config.feeds[0].full_text, None);
    }

    #[test]
    fn selector_and_size_are_read_and_inherited() {
        let config = parse(
            "max_content_size = 50000",
            "full_text = true\nfull_text_selector = \" div.story \"",
        )
        .unwrap();
        let rules = config.feeds[0].full_text.clone().unwrap();
        assert_eq!(rules.selector.as_deref(), Some("div.story"));
        assert_eq!(rules.max_size, 50_000);
        let config = parse(
            "max_content_size = 50000",
            "full_text = true\nmax_content_size = 9000",
        );
        assert_eq!(
            config.unwrap().feeds[0].full_text.clone().unwrap().max_size,
            9000
        );
        assert_eq!(
            parse("", "full_text = true").unwrap().feeds[0]
                .full_text
                .clone()
                .unwrap()
                .max_size,
            DEFAULT_MAX_CONTENT_SIZE
        );
    }

    #[test]
    fn bad_values_name_their_line_and_column() {
        assert_eq!(
            err("", "full_text = true\nfull_text_selector = \"div[\""),
            "feeds.toml:7:22: feed \"news\": full_text_selector \"div[\" is not a valid CSS selector (end of line)"
        );
        assert_eq!(
            err("", "full_text_selector = \"article\""),
            "feeds.toml:6:22: feed \"news\": `full_text_selector` needs full_text = true"
        );
        assert_eq!(
            err("", "full_text = true\nmax_content_size = 100"),
            "feeds.toml:7:20: `max_content_size` must be at least 1024 bytes"
        );
        assert!(err("", "full_text = \"yes\"").starts_with("feeds.toml:6:13:"));
        assert_eq!(
            err("", "fetch_articles = false\nfull_text = true"),
            "feeds.toml:7:13: feed \"news\": `full_text` needs the article pages, but fetch_articles = false"
        );
        assert!(err("", "full_text = true\nfull_text_selector = \" \"").contains("is empty"));
    }
}
