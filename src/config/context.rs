//! Validation helpers: turn raw TOML values with their spans into checked values, and
//! errors into one line naming the file, line and column.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono_tz::Tz;
use regex::Regex;
use scraper::Selector;
use toml::Spanned;
use url::Url;

use super::{parse_duration, ConfigError, MAX_ITEMS_LIMIT};

/// The text being validated, to turn byte offsets into line and column.
pub(super) struct Context<'a> {
    pub(super) text: &'a str,
    pub(super) path: &'a Path,
    /// Regexes compiled so far, by pattern: feeds that share a pattern share one compiled
    /// program and its match caches (a clone of a `Regex` would get caches of its own, one per
    /// thread, which add up over hundreds of feeds).
    pub(super) regexes: std::cell::RefCell<std::collections::HashMap<String, Arc<Regex>>>,
}

impl Context<'_> {
    pub(super) fn error(&self, offset: Option<usize>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.path.to_path_buf(),
            position: offset.map(|o| line_column(self.text, o)),
            message: message.into(),
        }
    }

    pub(super) fn at<T>(&self, value: &Spanned<T>, message: impl Into<String>) -> ConfigError {
        self.error(Some(value.span().start), message)
    }

    pub(super) fn non_empty<'s>(
        &self,
        value: &'s Spanned<String>,
        key: &str,
    ) -> Result<&'s str, ConfigError> {
        let text = value.get_ref().trim();
        if text.is_empty() {
            return Err(self.at(value, format!("`{key}` is empty")));
        }
        Ok(text)
    }

    /// `state`: a path in which `{shard}` is the only placeholder (a misspelt one would
    /// silently make every shard share one store).
    pub(super) fn state<'s>(&self, value: &'s Spanned<String>) -> Result<&'s str, ConfigError> {
        let text = self.non_empty(value, "state")?;
        if text
            .replace(crate::shard::PLACEHOLDER, "")
            .contains(['{', '}'])
        {
            return Err(self.at(
                value,
                format!(
                    "`state` \"{text}\": the only placeholder is {}",
                    crate::shard::PLACEHOLDER
                ),
            ));
        }
        Ok(text)
    }

    /// Refuses a directory that can never be created: the nearest part of `dir` that exists
    /// must be a directory. Only looks, never creates, so `check` stays side-effect free.
    pub(super) fn creatable_dir(
        &self,
        value: Option<&Spanned<String>>,
        key: &str,
        dir: &Path,
    ) -> Result<(), ConfigError> {
        let Some(existing) = dir
            .ancestors()
            .find(|p| p.as_os_str().is_empty() || p.exists())
        else {
            return Ok(());
        };
        if existing.as_os_str().is_empty() || existing.is_dir() {
            return Ok(());
        }
        let message = if existing == dir {
            format!("`{key}` {}: is a file, not a directory", dir.display())
        } else {
            format!(
                "`{key}` {}: cannot be a directory, {} is a file",
                dir.display(),
                existing.display()
            )
        };
        Err(match value {
            Some(value) => self.at(value, message),
            None => self.error(None, message),
        })
    }

    /// `output_dir`: a directory (relative to the config's `dir`), or an object storage URL
    /// with a bucket (`s3://`, `gs://`, `az://`) or a local path (`file://`).
    pub(super) fn output_dir(
        &self,
        value: &Spanned<String>,
        dir: &Path,
    ) -> Result<crate::output::OutputDir, ConfigError> {
        use crate::output::{object, OutputDir};
        let text = self.non_empty(value, "output_dir")?;
        let Some((scheme, _)) = text.split_once("://") else {
            return Ok(OutputDir::Local(dir.join(text)));
        };
        let schemes = object::SCHEMES.map(|s| format!("{s}://")).join(", ");
        if !object::SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) {
            return Err(self.at(
                value,
                format!("`output_dir` \"{text}\": object storage URLs start with {schemes}"),
            ));
        }
        let url = Url::parse(text).map_err(|err| {
            self.at(
                value,
                format!("`output_dir` \"{text}\" is not a URL: {err}"),
            )
        })?;
        let problem = match url.scheme() {
            "file" if url.to_file_path().is_err() => Some("is not a local path"),
            "file" => None,
            _ if url.host_str().is_none_or(str::is_empty) => Some("names no bucket"),
            _ if url.query().is_some() || url.fragment().is_some() => {
                Some("has a query or fragment (credentials and options come from the environment)")
            }
            _ if !url.username().is_empty() || url.password().is_some() => {
                Some("has credentials in it (they come from the environment)")
            }
            _ => None,
        };
        match problem {
            Some(problem) => Err(self.at(value, format!("`output_dir` \"{text}\" {problem}"))),
            None => Ok(OutputDir::Objects(url)),
        }
    }

    /// `cache_control`: one header value, sent with objects only.
    pub(super) fn cache_control(
        &self,
        value: Option<&Spanned<String>>,
        output_dir: &crate::output::OutputDir,
    ) -> Result<String, ConfigError> {
        let Some(value) = value else {
            return Ok(super::DEFAULT_CACHE_CONTROL.to_string());
        };
        let text = self.non_empty(value, "cache_control")?;
        if !text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            return Err(self.at(
                value,
                "`cache_control` must be printable ASCII on one line (it is sent as a header)",
            ));
        }
        if output_dir.local().is_some() {
            return Err(self.at(
                value,
                "`cache_control` applies to object storage only (output_dir = \"s3://bucket/prefix\"); a web server serving a directory sets its own",
            ));
        }
        Ok(text.to_string())
    }

    pub(super) fn http_url(&self, value: &Spanned<String>, key: &str) -> Result<Url, ConfigError> {
        let text = value.get_ref().trim();
        let url = Url::parse(text)
            .map_err(|err| self.at(value, format!("`{key}` \"{text}\" is not a URL: {err}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(self.at(
                value,
                format!("`{key}` \"{text}\" is not an http(s) URL with a host"),
            ));
        }
        Ok(url)
    }

    pub(super) fn duration(
        &self,
        value: Option<&Spanned<String>>,
        key: &str,
        default: Duration,
    ) -> Result<Duration, ConfigError> {
        match value {
            None => Ok(default),
            Some(v) => parse_duration(v.get_ref()).ok_or_else(|| {
                self.at(
                    v,
                    format!(
                        "`{key}` \"{}\" is not a duration (write it like \"500ms\", \"1s\", \"15m\", \"2h\")",
                        v.get_ref()
                    ),
                )
            }),
        }
    }

    pub(super) fn selector(
        &self,
        value: &Spanned<String>,
        feed: &str,
        key: &str,
    ) -> Result<Selector, ConfigError> {
        Selector::parse(value.get_ref()).map_err(|err| {
            self.at(
                value,
                format!(
                    "feed \"{feed}\": {key} \"{}\" is not a valid CSS selector ({})",
                    value.get_ref(),
                    selector_problem(&err)
                ),
            )
        })
    }

    pub(super) fn regex(
        &self,
        value: &Spanned<String>,
        feed: &str,
        key: &str,
    ) -> Result<Arc<Regex>, ConfigError> {
        if let Some(regex) = self.regexes.borrow().get(value.get_ref()) {
            return Ok(regex.clone());
        }
        let regex = Regex::new(value.get_ref()).map(Arc::new).map_err(|err| {
            self.at(
                value,
                format!(
                    "feed \"{feed}\": {key} is not a valid regex: {}",
                    regex_problem(&err)
                ),
            )
        })?;
        self.regexes
            .borrow_mut()
            .insert(value.get_ref().clone(), regex.clone());
        Ok(regex)
    }

    pub(super) fn positive_duration(
        &self,
        value: Option<&Spanned<String>>,
        key: &str,
        default: Duration,
    ) -> Result<Duration, ConfigError> {
        let duration = self.duration(value, key, default)?;
        match value {
            Some(v) if duration.is_zero() => Err(self.at(v, format!("`{key}` must be above zero"))),
            _ => Ok(duration),
        }
    }

    pub(super) fn max_items(
        &self,
        value: Option<&Spanned<i64>>,
        default: usize,
    ) -> Result<usize, ConfigError> {
        match value {
            None => Ok(default),
            Some(v) => match usize::try_from(*v.get_ref()) {
                Ok(n) if (1..=MAX_ITEMS_LIMIT).contains(&n) => Ok(n),
                _ => Err(self.at(
                    v,
                    format!("`max_items` must be between 1 and {MAX_ITEMS_LIMIT}"),
                )),
            },
        }
    }

    pub(super) fn timezone(&self, value: &Spanned<String>) -> Result<Tz, ConfigError> {
        value.get_ref().trim().parse::<Tz>().map_err(|_| {
            self.at(
                value,
                format!(
                    "`timezone` \"{}\" is not an IANA time zone (like \"Europe/Moscow\" or \"UTC\")",
                    value.get_ref()
                ),
            )
        })
    }

    /// A feed name becomes a file name in `output_dir`, so it must be one plain component.
    pub(super) fn feed_name<'s>(&self, value: &'s Spanned<String>) -> Result<&'s str, ConfigError> {
        let name = value.get_ref().as_str();
        let safe = !name.is_empty()
            && name.len() <= 100
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        // `status.json` is the run's own file in output_dir.
        let reserved = name.eq_ignore_ascii_case("status");
        if reserved {
            return Err(self.at(
                value,
                format!("feed name \"{name}\" is reserved (output/status.json is the run status)"),
            ));
        }
        if !safe || name.contains("..") {
            return Err(self.at(
                value,
                format!(
                    "feed name \"{name}\" is not safe as a file name (use letters, digits, '-', '_' and '.', not starting with '.')"
                ),
            ));
        }
        Ok(name)
    }
}

/// What is wrong with a selector, in words: the parser's own message is a multi-line
/// apology for most errors, while its error kind names the problem.
fn selector_problem(err: &scraper::error::SelectorErrorKind) -> String {
    let kind = format!("{err:?}");
    // `UnexpectedSelectorParseError(NoQualifiedNameInAttributeSelector(..))` -> "no qualified
    // name in attribute selector": the wrapper says nothing, the variant inside does.
    let name = kind
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|part| !part.is_empty() && *part != "UnexpectedSelectorParseError")
        .unwrap_or(&kind);
    let mut words = String::new();
    for (i, c) in name.char_indices() {
        if c.is_uppercase() && i > 0 {
            words.push(' ');
        }
        words.push(c.to_ascii_lowercase());
    }
    words
}

/// The regex crate's message ends with the problem after `error: `, under a drawing of the
/// pattern; one line needs only the problem.
fn regex_problem(err: &regex::Error) -> String {
    let text = err.to_string();
    match text.rsplit_once("error: ") {
        Some((_, problem)) => problem.trim().replace('\n', " "),
        None => text.replace('\n', " "),
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}
