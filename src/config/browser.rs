//! The keys of pages that only a browser can read: a feed's `render`, `render_articles` and
//! `wait_for`, and the top-level `browser` (where Chromium is). Kept apart from the rest of
//! the schema because they only matter to [`crate::browser`], and checked as strictly: a
//! misspelt mode or a selector the page can never match is an error at its line and column.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::context::Context;
use super::ConfigError;

/// How a feed's pages are loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RenderMode {
    /// Fetched with the HTTP client: the HTML as the server sends it.
    #[default]
    Http,
    /// Loaded in headless Chromium: the DOM once the page's scripts have built it.
    Browser,
}

/// A feed's rendering keys, validated.
#[derive(Debug, Clone, Default)]
pub struct Rendering {
    pub mode: RenderMode,
    /// Article pages are rendered too (`render_articles = true`), not only section pages.
    pub articles: bool,
    /// A CSS selector the rendered page must match before its DOM is read.
    pub wait_for: Option<String>,
}

impl Rendering {
    /// Whether section pages go through the browser.
    pub fn sections(&self) -> bool {
        self.mode == RenderMode::Browser
    }

    /// Whether article pages go through the browser.
    pub fn articles(&self) -> bool {
        self.sections() && self.articles
    }
}

impl Context<'_> {
    /// `render`, `render_articles` and `wait_for` of feed `name`.
    pub(super) fn rendering(
        &self,
        name: &str,
        render: Option<&Spanned<String>>,
        render_articles: Option<&Spanned<bool>>,
        wait_for: Option<&Spanned<String>>,
    ) -> Result<Rendering, ConfigError> {
        let mode = match render {
            None => RenderMode::Http,
            Some(value) => match value.get_ref().as_str() {
                "http" => RenderMode::Http,
                "browser" => RenderMode::Browser,
                other => {
                    return Err(self.at(
                        value,
                        format!(
                        "feed \"{name}\": unknown render \"{other}\" (use \"http\" or \"browser\")"
                    ),
                    ))
                }
            },
        };
        let needs_browser = |key: &str, at: usize| {
            self.error(
                Some(at),
                format!("feed \"{name}\": `{key}` needs render = \"browser\""),
            )
        };
        if let Some(value) = render_articles {
            if *value.get_ref() && mode != RenderMode::Browser {
                return Err(needs_browser("render_articles", value.span().start));
            }
        }
        let wait_for = match wait_for {
            None => None,
            Some(value) if mode != RenderMode::Browser => {
                return Err(needs_browser("wait_for", value.span().start))
            }
            Some(value) => {
                self.non_empty(value, "wait_for")?;
                self.selector(value, name, "wait_for")?;
                Some(value.get_ref().trim().to_string())
            }
        };
        Ok(Rendering {
            mode,
            articles: render_articles.is_some_and(|v| *v.get_ref()),
            wait_for,
        })
    }

    /// The top-level `browser`: a path (relative to the config's `dir`) or a program name
    /// looked up in `PATH` when the browser is started.
    pub(super) fn browser_path(
        &self,
        value: Option<&Spanned<String>>,
        dir: &Path,
    ) -> Result<Option<PathBuf>, ConfigError> {
        let Some(value) = value else {
            return Ok(None);
        };
        let text = self.non_empty(value, "browser")?;
        Ok(Some(if text.contains('/') {
            dir.join(text)
        } else {
            PathBuf::from(text)
        }))
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, ConfigError};
    use std::path::Path;

    fn parse(feed_keys: &str) -> Result<Config, ConfigError> {
        Config::parse(
            &format!(
                "base_url = \"https://f.example/\"\n[[feed]]\nname = \"spa\"\nurl = \"https://e.com/\"\n{feed_keys}"
            ),
            Path::new("feeds.toml"),
        )
    }

    fn err(feed_keys: &str) -> String {
        parse(feed_keys).unwrap_err().to_string()
    }

    #[test]
    fn http_is_the_default_and_browser_keys_are_read() {
        let feed = &parse("").unwrap().feeds[0];
        assert!(!feed.render.sections() && !feed.render.articles());
        let config =
            parse("render = \"browser\"\nrender_articles = true\nwait_for = \"ul.news a\"\n")
                .unwrap();
        let feed = &config.feeds[0];
        assert!(feed.render.sections() && feed.render.articles());
        assert_eq!(feed.render.wait_for.as_deref(), Some("ul.news a"));
    }

    #[test]
    fn unknown_render_and_wrong_types_are_refused_at_their_position() {
        let message = err("render = \"firefox\"\n");
        assert!(
            message.starts_with("feeds.toml:5:10: feed \"spa\": unknown render \"firefox\""),
            "{message}"
        );
        let message = err("render = true\n");
        assert!(message.starts_with("feeds.toml:5:10: "), "{message}");
        assert!(message.contains("render"), "{message}");
        let message = err("render = \"browser\"\nrender_articles = \"yes\"\n");
        assert!(message.starts_with("feeds.toml:6:19: "), "{message}");
        let message = err("render = \"browser\"\nwait_for = 3\n");
        assert!(message.starts_with("feeds.toml:6:12: "), "{message}");
    }

    #[test]
    fn wait_for_must_be_a_selector_and_needs_the_browser() {
        let message = err("render = \"browser\"\nwait_for = \"ul >> li[\"\n");
        assert!(
            message.starts_with(
                "feeds.toml:6:12: feed \"spa\": wait_for \"ul >> li[\" is not a valid CSS selector"
            ),
            "{message}"
        );
        let message = err("wait_for = \"ul a\"\n");
        assert!(
            message.contains(":5:12: feed \"spa\": `wait_for` needs render = \"browser\""),
            "{message}"
        );
        let message = err("render = \"http\"\nrender_articles = true\n");
        assert!(
            message.contains(":6:19: feed \"spa\": `render_articles` needs render = \"browser\""),
            "{message}"
        );
    }

    #[test]
    fn browser_path_is_relative_to_the_config_unless_a_bare_name() {
        let text = |value: &str| {
            format!("base_url = \"https://f.example/\"\nbrowser = \"{value}\"\n[[feed]]\nname = \"a\"\nurl = \"https://e.com/\"\n")
        };
        let config = Config::parse(&text("bin/chrome"), Path::new("conf/feeds.toml")).unwrap();
        assert_eq!(
            config.browser.as_deref(),
            Some(Path::new("conf/bin/chrome"))
        );
        let config = Config::parse(&text("chromium"), Path::new("conf/feeds.toml")).unwrap();
        assert_eq!(config.browser.as_deref(), Some(Path::new("chromium")));
        let message = Config::parse(&text(" "), Path::new("feeds.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("feeds.toml:2:11: `browser` is empty"),
            "{message}"
        );
    }
}
