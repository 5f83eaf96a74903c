//! Parsed page -> [`Signals`]: everything the page says that extraction may use (metas,
//! JSON-LD, headings, times, datelines, tag links, images, the lead paragraph, script
//! stamps), gathered in one walk so that no field's choice walks the document again.

use scraper::{ElementRef, Html};
use serde_json::Value;
use std::sync::LazyLock;
use url::Url;

use super::jsonld;
use super::text::{self, resolve_url};

/// How many elements of each kind are kept; later ones are page furniture.
const MAX_H1: usize = 3;
const MAX_TIMES: usize = 20;
const MAX_DATELINES: usize = 30;
const MAX_JSONLD_BLOCKS: usize = 30;
const MAX_METAS: usize = 2000;
/// A paragraph shorter than this is a label or a button, not the article's lead.
const MIN_LEAD_CHARS: usize = 80;

/// How many `<img>`/`<source>` elements are kept as renditions of the lead picture.
const MAX_IMAGES: usize = 40;

/// Attributes that name an image or its renditions, lazy-loading forms included.
const IMAGE_ATTRS: [&str; 6] = [
    "srcset",
    "data-srcset",
    "src",
    "data-src",
    "data-lazy-src",
    "data-original",
];

/// Attributes that name a `<meta>` element's key, in the order their metas are recorded.
const META_KEY_ATTRS: [&str; 4] = ["property", "name", "itemprop", "http-equiv"];

/// One `<meta>`-like key/value pair: `attr` is the attribute that named it (`property`,
/// `name`, `itemprop`, `http-equiv`), `key` is lower-cased.
#[derive(Debug)]
pub(super) struct Meta {
    pub(super) attr: &'static str,
    pub(super) key: String,
    pub(super) value: String,
}

/// Everything the document says that extraction may use, gathered in one walk.
pub(super) struct Signals<'d> {
    pub(super) root: ElementRef<'d>,
    pub(super) base: Url,
    pub(super) metas: Vec<Meta>,
    pub(super) jsonld: Vec<Value>,
    pub(super) title_tag: Option<String>,
    pub(super) h1: Vec<String>,
    pub(super) html_lang: Option<String>,
    pub(super) canonical: Option<String>,
    pub(super) image_src: Option<String>,
    /// `(datetime attribute, is marked as the publication time)`.
    pub(super) times: Vec<(String, bool)>,
    /// Elements whose class or id suggests a dateline; their text is read only when needed.
    pub(super) datelines: Vec<ElementRef<'d>>,
    /// Texts of links to tag or topic pages (`rel=tag`, `/tag/...`), the visible tag list,
    /// each with the node id of its list container (see [`tag_group`]).
    pub(super) tag_links: Vec<(String, Option<ElementRef<'d>>)>,
    /// `<img>` and `<picture><source>` elements that name an image (`src`, `srcset` or their
    /// lazy-loading `data-` forms) and `<link rel=preload imagesrcset>`, in document order:
    /// renditions of the lead picture.
    pub(super) images: Vec<ElementRef<'d>>,
    /// The first paragraph long enough to be prose, preferring one after the first `<h1>`.
    pub(super) lead_paragraph: Option<String>,
    /// Values of `publish...`/`publication...` keys in inline scripts (`var publication_date =
    /// "..."`, `"publishedAt": "..."`): only used to tell a stamp's zone, never as a date.
    pub(super) script_stamps: Vec<String>,
}

impl<'d> Signals<'d> {
    /// `scripts`: bodies of inline scripts the parse left out of `doc`.
    pub(super) fn gather(doc: &'d Html, scripts: &[&str], page_url: &Url) -> Self {
        let mut s = Signals {
            root: doc.root_element(),
            base: page_url.clone(),
            metas: Vec::new(),
            jsonld: Vec::new(),
            title_tag: None,
            h1: Vec::new(),
            html_lang: None,
            canonical: None,
            image_src: None,
            times: Vec::new(),
            datelines: Vec::new(),
            tag_links: Vec::new(),
            images: Vec::new(),
            lead_paragraph: None,
            script_stamps: Vec::new(),
        };
        let mut seen_h1 = false;
        let mut lead_before_h1 = None;
        let mut base_href = None;
        let mut jsonld_blocks = 0;
        for el in doc.root_element().descendent_elements() {
            let e = el.value();
            match e.name() {
                "html" if s.html_lang.is_none() => {
                    s.html_lang = e
                        .attr("lang")
                        .or_else(|| e.attr("xml:lang"))
                        .map(Into::into)
                }
                "base" if base_href.is_none() => base_href = e.attr("href").map(str::to_string),
                "meta" if s.metas.len() < MAX_METAS => {
                    let mut keys: [Option<&str>; 4] = [None; 4];
                    let (mut content, mut value) = (None, None);
                    for (name, v) in e.attrs() {
                        match name {
                            "content" => content = Some(v),
                            "value" => value = Some(v),
                            _ => {
                                if let Some(i) = META_KEY_ATTRS.iter().position(|a| *a == name) {
                                    keys[i] = Some(v);
                                }
                            }
                        }
                    }
                    let Some(content) = content.or(value) else {
                        continue;
                    };
                    for (attr, key) in META_KEY_ATTRS.into_iter().zip(keys) {
                        if let Some(key) = key {
                            s.metas.push(Meta {
                                attr,
                                key: key.trim().to_ascii_lowercase(),
                                value: content.to_string(),
                            });
                        }
                    }
                }
                "link" => {
                    let rel = e.attr("rel").unwrap_or("").to_ascii_lowercase();
                    let href = e.attr("href");
                    let has = |t: &str| rel.split_ascii_whitespace().any(|r| r == t);
                    if has("canonical") && s.canonical.is_none() {
                        s.canonical = href.map(Into::into);
                    } else if has("image_src") && s.image_src.is_none() {
                        s.image_src = href.map(Into::into);
                    } else if has("preload")
                        && e.attr("imagesrcset").is_some()
                        && s.images.len() < MAX_IMAGES
                    {
                        // The renditions of a picture the page asks for early: its lead picture.
                        s.images.push(el);
                    }
                }
                "script" => {
                    let ty = e.attr("type").unwrap_or("").to_ascii_lowercase();
                    if ty.contains("ld+json") && jsonld_blocks < MAX_JSONLD_BLOCKS {
                        jsonld_blocks += 1;
                        let body: String = el.text().collect();
                        s.jsonld.extend(jsonld::parse_block(&body));
                    } else if s.script_stamps.len() < MAX_SCRIPT_STAMPS {
                        for piece in el.text() {
                            script_stamps(piece, &mut s.script_stamps);
                        }
                    }
                }
                "title" if s.title_tag.is_none() => {
                    s.title_tag = Some(el.text().take(50).collect());
                }
                "h1" => {
                    seen_h1 = true;
                    if s.h1.len() < MAX_H1 {
                        s.h1.push(el.text().take(200).collect());
                    }
                }
                "p" if s.lead_paragraph.is_none() => {
                    let text: String = el.text().take(200).collect();
                    if text.trim().chars().count() >= MIN_LEAD_CHARS {
                        if seen_h1 {
                            s.lead_paragraph = Some(text);
                        } else if lead_before_h1.is_none() {
                            lead_before_h1 = Some(text);
                        }
                    }
                }
                "time" if s.times.len() < MAX_TIMES => {
                    if let Some(dt) = e.attr("datetime") {
                        let marked = e.attr("pubdate").is_some()
                            || e.attr("itemprop")
                                .is_some_and(|p| p.contains("datePublished"));
                        s.times.push((dt.to_string(), marked));
                    } else if s.datelines.len() < MAX_DATELINES {
                        s.datelines.push(el);
                    }
                }
                _ => {
                    // One pass over the attributes: this branch sees nearly every element.
                    let (mut itemprop, mut content, mut datetime) = (None, None, None);
                    let mut date_hint = false;
                    for (name, value) in e.attrs() {
                        match name {
                            "itemprop" => itemprop = Some(value),
                            "content" => content = Some(value),
                            "datetime" => datetime = Some(value),
                            "class" | "id" => date_hint |= has_date_hint(value),
                            _ => {}
                        }
                    }
                    // Microdata on non-meta elements (`<span itemprop=datePublished content=..>`).
                    if let (Some(prop), Some(v)) = (itemprop, content.or(datetime)) {
                        if s.metas.len() < MAX_METAS {
                            s.metas.push(Meta {
                                attr: "itemprop",
                                key: prop.trim().to_ascii_lowercase(),
                                value: v.to_string(),
                            });
                        }
                    }
                    // Custom time elements (`<relative-time datetime>`, `<time-ago>`) are
                    // `<time>`s.
                    if let (None, Some(dt)) = (itemprop, datetime) {
                        if s.times.len() < MAX_TIMES && e.name().contains("time") {
                            s.times.push((dt.to_string(), false));
                        }
                    }
                    if s.datelines.len() < MAX_DATELINES && date_hint {
                        s.datelines.push(el);
                    }
                    if e.name() == "a" && s.tag_links.len() < text::MAX_KEYWORDS && is_tag_link(e) {
                        s.tag_links
                            .push((el.text().take(10).collect(), tag_group(el)));
                    }
                    // `attrs()` rather than `attr()`: a lookup by name interns the name
                    // first, which for `data-` attributes means a locked global set.
                    if matches!(e.name(), "img" | "source")
                        && s.images.len() < MAX_IMAGES
                        && e.attrs().any(|(name, _)| IMAGE_ATTRS.contains(&name))
                    {
                        s.images.push(el);
                    }
                }
            }
        }
        for body in scripts {
            if s.script_stamps.len() >= MAX_SCRIPT_STAMPS {
                break;
            }
            script_stamps(body, &mut s.script_stamps);
        }
        if s.lead_paragraph.is_none() {
            s.lead_paragraph = lead_before_h1;
        }
        if let Some(base) = base_href.and_then(|h| resolve_url(&h, page_url)) {
            if let Ok(base) = Url::parse(&base) {
                s.base = base;
            }
        }
        s
    }

    /// Metas with any of `keys`, in the order of `keys`, then document order.
    pub(super) fn metas<'s>(&'s self, keys: &'s [&'s str]) -> impl Iterator<Item = &'s Meta> + 's {
        keys.iter()
            .flat_map(move |k| self.metas.iter().filter(move |m| m.key == *k))
    }
}

/// How many script values keyed `publish...` are kept (see [`script_stamps`]).
const MAX_SCRIPT_STAMPS: usize = 8;

/// A longer script value is not a timestamp.
const MAX_STAMP_CHARS: usize = 40;

static SCRIPT_KEY: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(b"ubli"));

/// Collects the string values of script variables and script JSON keys that name a
/// publication time (`publication_date = "2026-01-27 21:18:11"`, `"publishedAt":"..."`,
/// escaped `\"datePublished\":\"...\"` too). One substring search over the script.
fn script_stamps(text: &str, out: &mut Vec<String>) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while out.len() < MAX_SCRIPT_STAMPS {
        let Some(i) = SCRIPT_KEY.find(&bytes[at..]) else {
            return;
        };
        at += i + 4;
        let rest = &bytes[at..];
        if !(rest.starts_with(b"sh") || rest.starts_with(b"cation")) {
            continue;
        }
        let mut j = at;
        while bytes
            .get(j)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            j += 1;
        }
        let skip = |j: &mut usize, set: &[u8]| {
            while bytes.get(*j).is_some_and(|b| set.contains(b)) {
                *j += 1;
            }
        };
        skip(&mut j, b"\\\"' ");
        if !matches!(bytes.get(j), Some(b':' | b'=')) {
            continue;
        }
        j += 1;
        skip(&mut j, b" ");
        let open = j;
        skip(&mut j, b"\\\"'");
        if j == open {
            continue;
        }
        let value = &bytes[j..];
        let len = value
            .iter()
            .take(MAX_STAMP_CHARS + 1)
            .position(|b| matches!(b, b'"' | b'\'' | b'\\'));
        if let Some(len) = len.filter(|n| (10..=MAX_STAMP_CHARS).contains(n)) {
            if let Ok(v) = std::str::from_utf8(&value[..len]) {
                out.push(v.to_string());
            }
        }
        at = j;
    }
}

/// Whether a class or id names a date (`article-date`, `publishedAt`, `posted-on`). Runs on
/// nearly every element, so it looks only where a `d` or a `p` starts a word candidate.
fn has_date_hint(value: &str) -> bool {
    let bytes = value.as_bytes();
    let at = |i: usize, needle: &[u8]| {
        bytes
            .get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    };
    (0..bytes.len()).any(|i| match bytes[i] | 0x20 {
        b'd' => at(i, b"date"),
        b'p' => at(i, b"publish") || at(i, b"posted"),
        _ => false,
    })
}

/// The container a tag link belongs to: its parent, or the list around it when it sits in an
/// `<li>`, so that a sidebar tag cloud can be told apart from the article's tags.
fn tag_group(link: ElementRef) -> Option<ElementRef> {
    let parent = link.parent().and_then(ElementRef::wrap)?;
    if parent.value().name() == "li" {
        if let Some(list) = parent.parent().and_then(ElementRef::wrap) {
            return Some(list);
        }
    }
    Some(parent)
}

/// Path segments that name a site's tag or topic pages.
const TAG_PATH_SEGMENTS: [&str; 9] = [
    "tag",
    "tags",
    "topic",
    "topics",
    "schlagworte",
    "stichwort",
    "thema",
    "themen",
    "keyword",
];

/// A link to a tag page: `rel="tag"`, or an href whose path has a tag segment followed by
/// the tag's own segment (`/tag/floods/`).
fn is_tag_link(e: &scraper::node::Element) -> bool {
    let (mut rel, mut href) = (None, None);
    for (name, value) in e.attrs() {
        match name {
            "rel" => rel = Some(value),
            "href" => href = Some(value),
            _ => {}
        }
    }
    if rel.is_some_and(|r| {
        r.split_ascii_whitespace()
            .any(|t| t.eq_ignore_ascii_case("tag"))
    }) {
        return true;
    }
    let Some(href) = href else {
        return false;
    };
    let path = href.split(['?', '#']).next().unwrap_or("");
    // A tag segment (`/tag/`, `/topics/`) followed by at least one more segment.
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    segments
        .by_ref()
        .any(|s| TAG_PATH_SEGMENTS.iter().any(|t| s.eq_ignore_ascii_case(t)))
        && segments.next().is_some()
}

pub(super) fn meta_source(m: &Meta) -> String {
    format!("meta {}={}", m.attr, m.key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_stamps_read_variables_and_json_keys() {
        let mut out = Vec::new();
        script_stamps(
            r#"var isPublic = true; var publication_date = "2026-01-27 21:18:11";
            x = {"datePublished":"2026-01-27T02:18:11Z", publisher: "Example"};
            y = "{\"firstPublished\":\"2026-01-27\"}"; z = {publishedAt: 'a-long-value-that-is-no-date-at-all-really'}"#,
            &mut out,
        );
        assert_eq!(
            out,
            ["2026-01-27 21:18:11", "2026-01-27T02:18:11Z", "2026-01-27"]
        );
    }
}
