//! Article page -> metadata (pure: HTML text and its URL in, data out).
//!
//! A page states its metadata several times over, in JSON-LD, OpenGraph and `article:*`
//! metas, Twitter cards, classic `<meta name>` tags, microdata, `<time>` elements and the
//! visible text, and no one source is present or right everywhere. So the document is parsed
//! once, every signal is gathered in one walk ([`Signals`]), and each field then takes the first
//! usable candidate from an ordered list of sources, most structured first. Every choice is
//! recorded as [`Provenance`] and every candidate that failed validation as [`Rejected`], so
//! `sitefeed probe` can explain a result.

mod jsonld;
mod text;
// The upstream feed's entries are cleaned like page values.
pub(crate) use text::{clean_text, MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS};

use crate::date::{parse_date_detailed, ParsedDate};
use crate::model::Article;
use chrono::{DateTime, FixedOffset, Timelike};
use chrono_tz::Tz;
use jsonld::{Node, Rank};
use regex::Regex;
use scraper::{ElementRef, Html};
use serde_json::Value;
use std::sync::LazyLock;
use text::{normalize_lang, push_keywords, resolve_url, strip_site_suffix};
use url::Url;

/// Where one extracted value came from, for `sitefeed probe`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub field: &'static str,
    pub source: String,
}

/// A candidate value that was found but not used because it failed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub field: &'static str,
    pub source: String,
    pub value: String,
    pub reason: &'static str,
}

/// A usable value a source offered for a field, chosen or not (for `sitefeed probe`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub field: &'static str,
    pub source: String,
    pub value: String,
}

/// The result of extracting one page.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub article: Article,
    pub sources: Vec<Provenance>,
    /// Every usable title, description, image and keyword candidate, in preference order.
    pub candidates: Vec<Candidate>,
    pub rejected: Vec<Rejected>,
}

/// How many elements of each kind are kept; later ones are page furniture.
const MAX_H1: usize = 3;
const MAX_TIMES: usize = 20;
const MAX_DATELINES: usize = 30;
const MAX_JSONLD_BLOCKS: usize = 30;
const MAX_METAS: usize = 2000;
/// A paragraph shorter than this is a label or a button, not the article's lead.
const MIN_LEAD_CHARS: usize = 80;
/// The visible-text date scan looks at this many nodes at most.
const MAX_SCANNED_NODES: usize = 20_000;
/// A text longer than this is a sentence, not a dateline.
const MAX_DATELINE_CHARS: usize = 80;
/// A text up to this long is little more than a date.
const SHORT_DATELINE_CHARS: usize = 32;
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
/// More tag links than this in one container is a tag cloud or an index, not the article's tags.
const MAX_TAG_GROUP: usize = 30;
/// Elements whose text is not shown to readers.
const NON_VISIBLE: [&str; 7] = [
    "script", "style", "noscript", "template", "title", "textarea", "option",
];

/// Extracts the metadata of the article page `html` fetched from `page_url`. Times without a
/// zone are read in `tz` (UTC when `None`). `sources` says where each value came from;
/// `candidates` and `rejected` stay empty (see [`extract_explained`]).
pub fn extract(html: &str, page_url: &Url, tz: Option<Tz>) -> Extraction {
    extract_with(html, page_url, tz, false)
}

/// Like [`extract`], and also records every candidate value considered and every one
/// rejected, with the reason (what `sitefeed probe` shows). Costs more: each candidate is
/// cleaned, not just the first usable one.
pub fn extract_explained(html: &str, page_url: &Url, tz: Option<Tz>) -> Extraction {
    extract_with(html, page_url, tz, true)
}

/// Like [`extract`], also giving the document it parsed (pruned of scripts, styles and the
/// attributes extraction does not read), so full text can start from it without a parse of
/// its own.
pub fn extract_with_document(html: &str, page_url: &Url, tz: Option<Tz>) -> (Extraction, Html) {
    let (doc, scripts) = crate::html::parse_with_scripts(html);
    let extraction = extract_from(&doc, &scripts, page_url, tz, false);
    (extraction, doc)
}

fn extract_with(html: &str, page_url: &Url, tz: Option<Tz>, explain: bool) -> Extraction {
    let (doc, scripts) = crate::html::parse_with_scripts(html);
    extract_from(&doc, &scripts, page_url, tz, explain)
}

fn extract_from(
    doc: &Html,
    scripts: &[&str],
    page_url: &Url,
    tz: Option<Tz>,
    explain: bool,
) -> Extraction {
    let signals = Signals::gather(doc, scripts, page_url);
    let mut ex = Extractor {
        s: &signals,
        page_url,
        tz,
        explain,
        out: Extraction::default(),
    };
    ex.run(page_url);
    ex.out
}

/// One `<meta>`-like key/value pair: `attr` is the attribute that named it (`property`,
/// `name`, `itemprop`, `http-equiv`), `key` is lower-cased.
#[derive(Debug)]
struct Meta {
    attr: &'static str,
    key: String,
    value: String,
}

/// Everything the document says that extraction may use, gathered in one walk.
struct Signals<'d> {
    root: ElementRef<'d>,
    base: Url,
    metas: Vec<Meta>,
    jsonld: Vec<Value>,
    title_tag: Option<String>,
    h1: Vec<String>,
    html_lang: Option<String>,
    canonical: Option<String>,
    image_src: Option<String>,
    /// `(datetime attribute, is marked as the publication time)`.
    times: Vec<(String, bool)>,
    /// Elements whose class or id suggests a dateline; their text is read only when needed.
    datelines: Vec<ElementRef<'d>>,
    /// Texts of links to tag or topic pages (`rel=tag`, `/tag/...`), the visible tag list,
    /// each with the node id of its list container (see [`tag_group`]).
    tag_links: Vec<(String, Option<ElementRef<'d>>)>,
    /// `<img>` and `<picture><source>` elements that name an image (`src`, `srcset` or their
    /// lazy-loading `data-` forms) and `<link rel=preload imagesrcset>`, in document order:
    /// renditions of the lead picture.
    images: Vec<ElementRef<'d>>,
    /// The first paragraph long enough to be prose, preferring one after the first `<h1>`.
    lead_paragraph: Option<String>,
    /// Values of `publish...`/`publication...` keys in inline scripts (`var publication_date =
    /// "..."`, `"publishedAt": "..."`): only used to tell a stamp's zone, never as a date.
    script_stamps: Vec<String>,
}

impl<'d> Signals<'d> {
    /// `scripts`: bodies of inline scripts the parse left out of `doc`.
    fn gather(doc: &'d Html, scripts: &[&str], page_url: &Url) -> Self {
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
    fn metas<'s>(&'s self, keys: &'s [&'s str]) -> impl Iterator<Item = &'s Meta> + 's {
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

fn meta_source(m: &Meta) -> String {
    format!("meta {}={}", m.attr, m.key)
}

const TITLE_METAS: [&str; 6] = [
    "og:title",
    "twitter:title",
    "parsely-title",
    "sailthru.title",
    "dc.title",
    "headline",
];
const DESCRIPTION_METAS: [&str; 6] = [
    "og:description",
    "description",
    "twitter:description",
    "dc.description",
    "sailthru.description",
    "dcterms.description",
];
const IMAGE_METAS: [&str; 9] = [
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "twitter:image",
    "twitter:image:src",
    "image",
    "thumbnailurl",
    "parsely-image-url",
    "sailthru.image.full",
];
const PUBLISHED_METAS: [&str; 22] = [
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "og:published_time",
    "published_time",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "datecreated",
    "date",
    "cxenseparse:recs:publishtime",
];
const MODIFIED_METAS: [&str; 8] = [
    "article:modified_time",
    "og:updated_time",
    "article:updated_time",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
    "modified",
];
const KEYWORD_METAS: [&[&str]; 5] = [
    &["keywords"],
    &["news_keywords"],
    &["article:tag"],
    &["parsely-tags", "sailthru.tags"],
    &["dc.subject"],
];
const AUTHOR_METAS: [&str; 6] = [
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "byl",
];
const SECTION_METAS: [&str; 3] = ["article:section", "parsely-section", "section"];
const LANGUAGE_METAS: [&str; 5] = [
    "og:locale",
    "content-language",
    "language",
    "dc.language",
    "inlanguage",
];
const SITE_NAME_METAS: [&str; 3] = ["og:site_name", "application-name", "publisher"];

/// Field selection over gathered [`Signals`].
struct Extractor<'s, 'd> {
    s: &'s Signals<'d>,
    page_url: &'s Url,
    tz: Option<Tz>,
    /// Record candidates and rejections (for `probe`), not only the values chosen.
    explain: bool,
    out: Extraction,
}

impl Extractor<'_, '_> {
    fn run(&mut self, page_url: &Url) {
        let mut nodes = Vec::new();
        jsonld::collect_nodes(&self.s.jsonld, &mut nodes);
        let url = self.canonical_url(page_url);
        let primary = primary_node(&nodes, &url, page_url);
        let pages: Vec<&Node> = nodes.iter().filter(|n| n.rank == Rank::Page).collect();
        // Article fields come from the primary article node; page-like nodes only fill gaps.
        let ld: Vec<&Node> = primary.into_iter().chain(pages).collect();

        self.out.article.url = url;
        self.out.article.title = self.title(&ld);
        self.out.article.published = self.published(&ld).map(|p| p.at);
        self.out.article.updated = self.updated(&ld).map(|p| p.at);
        self.out.article.image = self.image(&ld);
        self.out.article.keywords = self.keywords(&ld);
        self.out.article.description = self.description(&ld);
        self.out.article.author = self.author(&ld);
        self.out.article.language = self.language(&ld);
        self.out.article.section = self.section(&ld);
    }

    fn note(&mut self, field: &'static str, source: impl Into<String>) {
        self.out.sources.push(Provenance {
            field,
            source: source.into(),
        });
    }

    fn candidate(&mut self, field: &'static str, source: &str, value: &str) {
        if !self.explain {
            return;
        }
        self.out.candidates.push(Candidate {
            field,
            source: source.to_string(),
            value: value.to_string(),
        });
    }

    fn reject(&mut self, field: &'static str, source: String, value: &str, reason: &'static str) {
        if !self.explain {
            return;
        }
        self.out.rejected.push(Rejected {
            field,
            source,
            value: value.chars().take(200).collect(),
            reason,
        });
    }

    /// `(source, raw value)` of a JSON-LD property over the given nodes, in node order.
    fn ld_values<'v>(
        ld: &[&'v Node<'v>],
        key: &str,
        read: impl Fn(&Value) -> Option<String>,
    ) -> Vec<(String, String)> {
        ld.iter()
            .filter_map(|n| {
                let v = read(n.map.get(key)?)?;
                Some((format!("json-ld {}.{}", n.type_name, key), v))
            })
            .collect()
    }

    /// The first candidate that cleans to a non-empty text.
    fn first_text(
        &mut self,
        field: &'static str,
        cands: Vec<(String, String)>,
        max_chars: usize,
    ) -> Option<String> {
        let mut chosen = None;
        for (source, raw) in cands {
            if chosen.is_some() && !self.explain {
                break;
            }
            match clean_text(&raw, max_chars) {
                Some(v) => {
                    self.candidate(field, &source, &v);
                    if chosen.is_none() {
                        self.note(field, source);
                        chosen = Some(v);
                    }
                }
                None => self.reject(field, source, &raw, "empty"),
            }
        }
        chosen
    }

    fn meta_cands(&self, keys: &[&str]) -> Vec<(String, String)> {
        self.s
            .metas(keys)
            .map(|m| (meta_source(m), m.value.clone()))
            .collect()
    }

    fn canonical_url(&mut self, page_url: &Url) -> String {
        let cands = [
            ("<link rel=canonical>".to_string(), self.s.canonical.clone()),
            (
                "meta property=og:url".to_string(),
                self.s.metas(&["og:url"]).next().map(|m| m.value.clone()),
            ),
        ];
        for (source, raw) in cands {
            let Some(raw) = raw else { continue };
            match resolve_url(&raw, &self.s.base) {
                Some(u) => {
                    self.note("url", source);
                    return u;
                }
                None => self.reject("url", source, &raw, "not an http(s) URL"),
            }
        }
        self.note("url", "page url");
        page_url.to_string()
    }

    fn site_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .s
            .metas(&SITE_NAME_METAS)
            .filter_map(|m| clean_text(&m.value, text::MAX_SHORT_CHARS))
            .collect();
        let mut ld_names = Vec::new();
        jsonld::site_names(&self.s.jsonld, &mut ld_names);
        names.extend(
            ld_names
                .iter()
                .filter_map(|n| clean_text(n, text::MAX_SHORT_CHARS)),
        );
        if let Some(host) = self.page_url.host_str() {
            names.extend(text::host_names(host));
        }
        names
    }

    /// `<h1>`s that are the `<title>`'s trailing site part (`Post Title - Blog Name` over a
    /// page headed "Blog Name"): logo headings, so more names of the site.
    fn logo_h1s(&self) -> Vec<String> {
        let Some(title) = self
            .s
            .title_tag
            .as_deref()
            .and_then(|t| clean_text(t, text::MAX_TITLE_CHARS))
        else {
            return Vec::new();
        };
        self.s
            .h1
            .iter()
            .filter_map(|h| clean_text(h, text::MAX_TITLE_CHARS))
            .filter(|h| text::is_site_part(&title, h))
            .collect()
    }

    fn title(&mut self, ld: &[&Node]) -> Option<String> {
        let h1s = self.h1_candidates();
        let mut cands = Self::headlines(ld, &h1s);
        cands.extend(self.meta_cands(&TITLE_METAS));
        // An `<h1>` that neither the `<title>` nor og:title repeats is more often a site,
        // section or widget heading than the headline, so it comes after the `<title>`.
        let h1_texts: Vec<String> = h1s.iter().map(|(_, h)| h.clone()).collect();
        let (confirmed, unconfirmed): (Vec<_>, Vec<_>) = h1s.into_iter().partition(|(c, _)| *c);
        cands.extend(confirmed.into_iter().map(|(_, h)| ("<h1>".to_string(), h)));
        cands.extend(Self::ld_values(ld, "name", jsonld::text));
        if let Some(t) = &self.s.title_tag {
            cands.push(("<title>".to_string(), t.clone()));
        }
        cands.extend(
            unconfirmed
                .into_iter()
                .map(|(_, h)| ("<h1>".to_string(), h)),
        );
        let mut sites = self.site_names();
        sites.extend(self.logo_h1s());
        let others: Vec<(String, String)> = cands
            .iter()
            .filter(|(src, _)| src == "<h1>" || src.ends_with("og:title"))
            .filter_map(|(src, v)| Some((src.clone(), clean_text(v, text::MAX_TITLE_CHARS)?)))
            .collect();
        let mut all: Vec<(String, String)> = Vec::new();
        for (source, raw) in cands {
            let Some(clean) = clean_text(&raw, text::MAX_TITLE_CHARS) else {
                self.reject("title", source, &raw, "empty");
                continue;
            };
            let other_titles: Vec<&str> = others
                .iter()
                .filter(|(s, _)| *s != source)
                .map(|(_, v)| v.as_str())
                .collect();
            let mut stripped = strip_site_suffix(&clean, &sites, &other_titles);
            if all.is_empty() && source == "<title>" {
                // Nothing else names the headline, so a `<title>` still made of parts keeps its
                // longest part: the others are site, section and blog names.
                stripped = text::longest_part(&stripped).to_string();
            }
            self.candidate("title", &source, &stripped);
            all.push((source, stripped));
        }
        let (mut source, mut title) = all.first().cloned()?;
        // "Headline-Sectionㅣ Site" where another source gives the bare headline: the rest is
        // decoration around the site's name that the separators did not catch.
        if let Some((s, bare)) = all
            .iter()
            .find(|(_, v)| text::is_site_decoration_of(&title, v, &sites))
        {
            (source, title) = (s.clone(), bare.clone());
        }
        // "Kicker: Headline" where the `<h1>` is the headline alone: the page shows the kicker
        // (a section or topic label) as a separate element above its heading.
        if source != "<h1>" {
            if let Some(h1) = h1_texts.iter().find(|h| text::is_kicker_of(&title, h)) {
                (source, title) = ("<h1>".to_string(), h1.clone());
            }
        }
        self.note("title", source);
        Some(title)
    }

    /// The JSON-LD `headline`s, in node order. A node whose `name` differs from its `headline`
    /// while the page's `<h1>` shows the `name` gives its `name` instead: the headline is then
    /// a description or an alternative line ("constitutional monarchy in Oceania" for a page
    /// headed "New Zealand"), and the visible heading settles which one titles the page.
    fn headlines(ld: &[&Node], h1s: &[(bool, String)]) -> Vec<(String, String)> {
        let fold = |v: &str| clean_text(v, text::MAX_TITLE_CHARS).map(|t| t.to_lowercase());
        ld.iter()
            .filter_map(|n| {
                let headline = jsonld::text(n.map.get("headline")?)?;
                let shown_name = n.map.get("name").and_then(jsonld::text).filter(|name| {
                    let folded = fold(name);
                    folded.is_some()
                        && folded != fold(&headline)
                        && h1s.iter().any(|(_, h)| Some(h.to_lowercase()) == folded)
                });
                Some(match shown_name {
                    Some(name) => (format!("json-ld {}.name", n.type_name), name),
                    None => (format!("json-ld {}.headline", n.type_name), headline),
                })
            })
            .collect()
    }

    /// The `<h1>`s worth trying as a title, not the site's name (a logo heading), each with
    /// whether the `<title>` or og:title repeats it (confirmed ones first), since pages with
    /// several `<h1>`s put navigation and widgets in the others.
    fn h1_candidates(&self) -> Vec<(bool, String)> {
        let sites: Vec<String> = self
            .site_names()
            .into_iter()
            .chain(self.logo_h1s())
            .map(|n| n.to_lowercase())
            .collect();
        let titles: Vec<String> = self
            .s
            .title_tag
            .iter()
            .chain(self.s.metas(&["og:title"]).map(|m| &m.value))
            .filter_map(|t| clean_text(t, text::MAX_TITLE_CHARS))
            .map(|t| t.to_lowercase())
            .collect();
        let mut h1s: Vec<(bool, String)> = self
            .s
            .h1
            .iter()
            .filter_map(|h| clean_text(h, text::MAX_TITLE_CHARS))
            .filter(|h| !sites.contains(&h.to_lowercase()))
            .map(|h| {
                let lower = h.to_lowercase();
                (!titles.iter().any(|t| t.contains(&lower)), h)
            })
            .collect();
        h1s.sort_by_key(|(unconfirmed, _)| *unconfirmed);
        h1s.into_iter().map(|(u, h)| (!u, h)).collect()
    }

    fn description(&mut self, ld: &[&Node]) -> Option<String> {
        // The article node's own summary first, as for the headline: og:description is more
        // often a social teaser ("There's no going back from here.") than the summary.
        let articles = usize::from(ld.first().is_some_and(|n| n.rank == Rank::Article));
        let mut cands = Self::ld_values(&ld[..articles], "description", jsonld::text);
        cands.extend(self.meta_cands(&DESCRIPTION_METAS[..2]));
        cands.extend(Self::ld_values(
            &ld[articles..],
            "description",
            jsonld::text,
        ));
        cands.extend(self.meta_cands(&DESCRIPTION_METAS[2..]));
        // A "description" that is only the site's name describes nothing.
        let sites: Vec<String> = self.site_names().iter().map(|n| n.to_lowercase()).collect();
        let (named, cands): (Vec<_>, Vec<_>) = cands.into_iter().partition(|(_, v)| {
            clean_text(v, text::MAX_SHORT_CHARS).is_some_and(|v| sites.contains(&v.to_lowercase()))
        });
        for (source, raw) in named {
            self.reject("description", source, &raw, "the site's name");
        }
        let mut cands = cands;
        if let Some(p) = &self.s.lead_paragraph {
            cands.push(("first paragraph".to_string(), p.clone()));
        }
        self.first_text("description", cands, text::MAX_DESCRIPTION_CHARS)
    }

    fn author(&mut self, ld: &[&Node]) -> Option<String> {
        let mut cands = Self::ld_values(ld, "author", |v| {
            let mut names = Vec::new();
            jsonld::names(v, &mut names);
            let names: Vec<String> = names
                .iter()
                .filter_map(|n| clean_text(n, text::MAX_SHORT_CHARS))
                .collect();
            (!names.is_empty()).then(|| names.join(", "))
        });
        cands.extend(self.meta_cands(&AUTHOR_METAS));
        for (source, raw) in cands {
            match clean_text(&raw, text::MAX_SHORT_CHARS) {
                // `article:author` is often a profile URL, which is not a name.
                Some(v) if v.starts_with("http://") || v.starts_with("https://") => {
                    self.reject("author", source, &raw, "a URL, not a name")
                }
                Some(v) => {
                    self.note("author", source);
                    return Some(v);
                }
                None => self.reject("author", source, &raw, "empty"),
            }
        }
        None
    }

    fn section(&mut self, ld: &[&Node]) -> Option<String> {
        let mut cands = Self::ld_values(ld, "articleSection", jsonld::text);
        cands.extend(self.meta_cands(&SECTION_METAS));
        self.first_text("section", cands, text::MAX_SHORT_CHARS)
    }

    fn language(&mut self, ld: &[&Node]) -> Option<String> {
        let mut cands = Vec::new();
        if let Some(l) = &self.s.html_lang {
            cands.push(("<html lang>".to_string(), l.clone()));
        }
        cands.extend(Self::ld_values(ld, "inLanguage", jsonld::text));
        cands.extend(self.meta_cands(&LANGUAGE_METAS));
        for (source, raw) in cands {
            match normalize_lang(&raw) {
                Some(l) => {
                    self.note("language", source);
                    return Some(l);
                }
                None => self.reject("language", source, &raw, "not a language tag"),
            }
        }
        None
    }

    fn image(&mut self, ld: &[&Node]) -> Option<String> {
        let mut cands = self.meta_cands(&IMAGE_METAS[..3]);
        cands.extend(Self::ld_values(ld, "image", jsonld::image));
        cands.extend(self.meta_cands(&IMAGE_METAS[3..]));
        cands.extend(Self::ld_values(ld, "thumbnailUrl", jsonld::text));
        if let Some(href) = &self.s.image_src {
            cands.push(("<link rel=image_src>".to_string(), href.clone()));
        }
        let mut chosen: Option<(String, String)> = None;
        for (source, raw) in cands {
            match resolve_url(&raw, &self.s.base) {
                Some(u) => {
                    self.candidate("image", &source, &u);
                    if chosen.is_none() {
                        chosen = Some((source, u));
                    }
                }
                None => self.reject("image", source, &raw, "not an http(s) URL"),
            }
        }
        let (source, url) = chosen?;
        // Share images are often a cropped or shrunk rendition of the picture the article shows;
        // the page's own largest rendition of that same picture is the better lead image.
        if let Some(larger) = self.largest_rendition(&url) {
            self.note(
                "image",
                format!("article image (larger rendition of {source})"),
            );
            return Some(larger);
        }
        self.note("image", source);
        Some(url)
    }

    /// The widest rendition in the page's `<img>`/`<source>` elements of the same picture as
    /// `url`, when one is stated wider than any rendition equal to `url` and at least
    /// [`MIN_LEAD_WIDTH`] wide.
    fn largest_rendition(&self, url: &str) -> Option<String> {
        let key = picture_key(url)?;
        let mut best: Option<(u32, String)> = None;
        for el in &self.s.images {
            let e = el.value();
            let width_attr = e.attr("width").and_then(|w| w.trim().parse::<u32>().ok());
            let mut renditions = Vec::new();
            for attr in ["srcset", "data-srcset"] {
                if let Some(set) = e.attr(attr) {
                    renditions.extend(text::parse_srcset(set));
                }
            }
            // A preload's `x` densities have no `width` to scale: only stated widths count.
            if let Some(set) = e.attr("imagesrcset") {
                renditions.extend(text::srcset_widths(set));
            }
            // Beside a `srcset` stating widths, `src` is the fallback and `width` the layout
            // size (often the original's, `width="3000"`), not the fallback's width.
            let src_width = if renditions.iter().any(|(_, w)| *w > 0) {
                0
            } else {
                width_attr.unwrap_or(0)
            };
            for attr in ["data-src", "data-lazy-src", "data-original", "src"] {
                if let Some(src) = e.attr(attr) {
                    renditions.push((src.trim().to_string(), src_width));
                }
            }
            for (raw, width) in renditions {
                if width == 0 || picture_key(&raw).as_deref() != Some(key.as_str()) {
                    continue;
                }
                let Some(u) = resolve_url(&raw, &self.s.base) else {
                    continue;
                };
                if best.as_ref().is_none_or(|(w, _)| width > *w) {
                    best = Some((width, u));
                }
            }
        }
        best.filter(|(w, _)| *w >= MIN_LEAD_WIDTH)
            .map(|(_, u)| u)
            .filter(|u| u != url)
    }

    fn keywords(&mut self, ld: &[&Node]) -> Vec<String> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for (source, raw) in Self::ld_values(ld, "keywords", |v| {
            let mut texts = Vec::new();
            jsonld::keyword_texts(v, &mut texts);
            Some(texts.join(","))
        }) {
            groups.push((source, vec![raw]));
        }
        for keys in KEYWORD_METAS {
            let found: Vec<&Meta> = self.s.metas(keys).collect();
            if let Some(first) = found.first() {
                let source = meta_source(first);
                groups.push((source, found.iter().map(|m| m.value.clone()).collect()));
            }
        }
        if !self.s.tag_links.is_empty() {
            // A container with dozens of tag links is a sidebar cloud or an A-Z index, not the
            // article's tag list. Each link is one tag, commas and all.
            let in_group =
                |g: &Option<ElementRef>| self.s.tag_links.iter().filter(|(_, o)| o == g).count();
            let tags: Vec<String> = self
                .s
                .tag_links
                .iter()
                .filter(|(_, g)| in_group(g) <= MAX_TAG_GROUP)
                .map(|(t, _)| t.replace([',', ';'], " "))
                .collect();
            if !tags.is_empty() {
                groups.push(("<a rel=tag> links".to_string(), tags));
            }
        }
        let mut chosen = Vec::new();
        for (source, raws) in groups {
            let mut out = Vec::new();
            for raw in &raws {
                push_keywords(raw, &mut out);
            }
            if out.is_empty() {
                self.reject("keywords", source, &raws.join(","), "empty");
                continue;
            }
            self.candidate("keywords", &source, &out.join(", "));
            if chosen.is_empty() {
                self.note("keywords", source);
                chosen = out;
            }
        }
        chosen
    }

    /// Parses dated candidates in order, recording failures.
    fn dated(
        &mut self,
        field: &'static str,
        cands: Vec<(String, String)>,
    ) -> Vec<(String, ParsedDate)> {
        let mut out = Vec::new();
        for (source, raw) in cands {
            match parse_date_detailed(&raw, self.tz) {
                Some(p) => out.push((source, p)),
                None => self.reject(field, source, &raw, "not a date"),
            }
        }
        out
    }

    /// Takes the first candidate; when it lacks a time or a zone, a later candidate on the
    /// same calendar date that has them refines it.
    fn choose_date(
        &mut self,
        field: &'static str,
        dated: Vec<(String, ParsedDate)>,
    ) -> Option<ParsedDate> {
        let (mut source, mut best) = dated.first().cloned()?;
        for (src, p) in dated.iter().skip(1) {
            let precision = |p: &ParsedDate| u8::from(p.has_time) * 2 + u8::from(p.has_zone);
            // The same minute written with its seconds is the more precise reading of it
            // (`12:28` in a meta, `12:28:41` in JSON-LD): the shorter one must not win by
            // coming first.
            let same_minute = best.has_time
                && !best.has_seconds
                && p.has_seconds
                && (p.at - best.at).num_seconds().abs() < 60
                && p.at.timestamp() / 60 == best.at.timestamp() / 60;
            if p.at.date_naive() == best.at.date_naive() && precision(p) > precision(&best) {
                source = format!("{src} (refining {source})");
                best = *p;
            } else if same_minute && precision(p) >= precision(&best) {
                source = format!("{src} (seconds of {source})");
                best = *p;
            }
        }
        // A UTC stamp says less than the same instant in the newsroom's offset, whose wall
        // clock and calendar date are the ones readers saw.
        if best.has_zone && best.at.offset().local_minus_utc() == 0 {
            if let Some((src, p)) = dated.iter().find(|(_, p)| {
                p.has_time
                    && p.has_zone
                    && p.at.offset().local_minus_utc() != 0
                    && (p.at - best.at).num_seconds().abs() < 60
            }) {
                source = format!("{src} (same instant as {source})");
                // The offset of the local stamp, the instant of whichever of the two kept
                // its seconds.
                let at = if p.has_seconds && !best.has_seconds {
                    p.at
                } else {
                    best.at.with_timezone(p.at.offset())
                };
                best = ParsedDate {
                    at,
                    has_seconds: best.has_seconds || p.has_seconds,
                    ..*p
                };
            }
        }
        if best.has_time {
            if let Some((src, at)) = self.wall_clock_reading(&best, &dated) {
                source = format!("{source} (in the offset of {src})");
                best = ParsedDate {
                    at,
                    has_zone: true,
                    swappable: false,
                    ..best
                };
            }
        }
        self.note(field, source);
        Some(best)
    }

    /// A page often states the publication time twice, as a UTC stamp and as the newsroom's
    /// wall clock without a zone (a meta, a `<time>`, a script variable). When the two differ by
    /// a whole UTC offset (a multiple of 15 minutes, at most 14 hours, so minutes and seconds
    /// agree), that offset is the newsroom's: the result is the UTC stamp's instant shown in
    /// it, whose calendar date is the one readers saw. `best` is either of the two.
    fn wall_clock_reading(
        &self,
        best: &ParsedDate,
        dated: &[(String, ParsedDate)],
    ) -> Option<(String, DateTime<FixedOffset>)> {
        let is_utc = |p: &ParsedDate| p.has_zone && p.at.offset().local_minus_utc() == 0;
        if !is_utc(best) && best.has_zone {
            return None;
        }
        let scripts = self
            .s
            .script_stamps
            .iter()
            .filter_map(|v| parse_date_detailed(v, self.tz))
            .map(|p| ("script variable".to_string(), p));
        let others = dated
            .iter()
            .cloned()
            .chain(scripts)
            .filter(|(_, p)| p.has_time);
        for (src, other) in others {
            let (utc, local) = match (is_utc(best), other.has_zone) {
                (true, false) => (best, &other),
                (false, true) if is_utc(&other) => (&other, best),
                _ => continue,
            };
            let diff = (local.at.naive_local() - utc.at.naive_utc()).num_seconds();
            if diff != 0 && diff.abs() <= 14 * 3600 && diff % 900 == 0 {
                let offset = FixedOffset::east_opt(i32::try_from(diff).ok()?)?;
                return Some((src, utc.at.with_timezone(&offset)));
            }
        }
        None
    }

    fn published(&mut self, ld: &[&Node]) -> Option<ParsedDate> {
        let mut cands = Self::ld_values(&ld[..ld.len().min(1)], "datePublished", jsonld::text);
        cands.extend(self.meta_cands(&PUBLISHED_METAS));
        let mut times: Vec<&(String, bool)> = self.s.times.iter().filter(|t| t.1).collect();
        times.extend(self.s.times.iter().filter(|t| !t.1));
        cands.extend(
            times
                .into_iter()
                .map(|(v, _)| ("<time datetime>".to_string(), v.clone())),
        );
        cands.extend(Self::ld_values(ld, "datePublished", jsonld::text));
        cands.extend(Self::ld_values(ld, "dateCreated", jsonld::text));
        if let Some(d) = url_date(&self.out.article.url).or_else(|| url_date(self.s.base.as_str()))
        {
            cands.push(("url".to_string(), d));
        }
        let mut dated = self.dated("published", cands);
        if dated.is_empty() || dated.iter().all(|(_, p)| !p.has_time) {
            dated.extend(self.datelines());
        }
        if dated.is_empty() || dated.iter().all(|(_, p)| !p.has_time) {
            dated.extend(self.visible_dates());
        }
        if dated.is_empty() {
            let mut late = Self::ld_values(ld, "dateModified", jsonld::text);
            late.extend(self.meta_cands(&MODIFIED_METAS));
            dated = self.dated("published", late);
        }
        self.settle_day_month(&mut dated);
        let best = self.choose_date("published", dated)?;
        Some(self.local_midnight(best))
    }

    /// A date-only value stored as local midnight east of UTC becomes a UTC stamp on the day
    /// before (`2021-11-04T23:00Z` for 5 November at +01:00). When the page's dateline states
    /// the next day and the stamp is midnight there in a plausible offset (at most 14 hours,
    /// whole quarter hours), that is the reading in which both agree: the same instant, shown
    /// as midnight of the date the page shows.
    fn local_midnight(&mut self, best: ParsedDate) -> ParsedDate {
        let utc = best.at.naive_utc();
        let to_midnight = 86_400 - i64::from(utc.time().num_seconds_from_midnight());
        if !best.has_zone
            || best.at.offset().local_minus_utc() != 0
            || to_midnight > 14 * 3600
            || to_midnight % 900 != 0
        {
            return best;
        }
        let next_day = utc.date().succ_opt();
        let shown = self
            .datelines()
            .into_iter()
            .find(|(_, p)| !p.has_time && Some(p.at.date_naive()) == next_day);
        let (Some((src, _)), Ok(secs)) = (shown, i32::try_from(to_midnight)) else {
            return best;
        };
        let Some(offset) = FixedOffset::east_opt(secs) else {
            return best;
        };
        if let Some(note) = self
            .out
            .sources
            .iter_mut()
            .rev()
            .find(|p| p.field == "published")
        {
            note.source = format!("{} (local midnight of the {src})", note.source);
        }
        ParsedDate {
            at: best.at.with_timezone(&offset),
            ..best
        }
    }

    /// When the first candidate is a numeric date that reads both ways (`4/6/2016`, taken day
    /// first), another source on the page (a `<time>`, a dateline, the URL) that states the
    /// other reading, while none states this one, decides the order.
    fn settle_day_month(&mut self, dated: &mut [(String, ParsedDate)]) {
        let Some((source, first)) = dated.first() else {
            return;
        };
        let Some(other) = first.swapped(self.tz) else {
            return;
        };
        let mut evidence: Vec<(String, ParsedDate)> = dated[1..].to_vec();
        evidence.extend(self.datelines());
        evidence.extend(self.visible_dates());
        let plain = evidence.iter().filter(|(_, p)| !p.swappable);
        let states = |d: &ParsedDate| {
            plain
                .clone()
                .find(|(_, p)| p.at.date_naive() == d.at.date_naive())
        };
        if states(first).is_some() {
            return;
        }
        if let Some((by, _)) = states(&other) {
            dated[0] = (format!("{source} (day and month as {by} has them)"), other);
        }
    }

    /// Dates read from the visible text of dateline-like elements.
    fn datelines(&mut self) -> Vec<(String, ParsedDate)> {
        let mut out = Vec::new();
        for el in &self.s.datelines {
            let text: String = el.text().take(20).collect::<String>();
            if text.chars().count() > 120 || is_bare_number(&text) {
                continue;
            }
            if let Some(p) = parse_date_detailed(&text, self.tz) {
                out.push(("dateline".to_string(), p));
            }
        }
        out
    }

    /// Short visible texts that read as a date. Datelines sit after the first `<h1>`, so
    /// those come first, and texts that are little more than a date (a dateline) beat longer
    /// ones (a caption or a sentence that mentions a date).
    fn visible_dates(&self) -> Vec<(String, ParsedDate)> {
        // [after h1 short, after h1 long, before h1 short, before h1 long]
        let mut found: [Option<ParsedDate>; 4] = [None; 4];
        let mut seen_h1 = false;
        for node in self.s.root.descendants().take(MAX_SCANNED_NODES) {
            match node.value() {
                scraper::Node::Element(e) if e.name() == "h1" => seen_h1 = true,
                scraper::Node::Text(t) => {
                    let mut text = t.trim();
                    let mut len = text.chars().count();
                    if len > MAX_DATELINE_CHARS {
                        // A paragraph led by its dateline: "27.1.2026 - The council ...".
                        let Some(lead) = leading_dateline(text) else {
                            continue;
                        };
                        text = lead;
                        len = MAX_DATELINE_CHARS;
                    }
                    if len < 6 || !text.bytes().any(|b| b.is_ascii_digit()) || is_bare_number(text)
                    {
                        continue;
                    }
                    let slot = usize::from(!seen_h1) * 2 + usize::from(len > SHORT_DATELINE_CHARS);
                    if found[slot].is_some() {
                        continue;
                    }
                    let parent = node.parent().and_then(ElementRef::wrap);
                    if parent.is_some_and(|p| NON_VISIBLE.contains(&p.value().name())) {
                        continue;
                    }
                    found[slot] = parse_date_detailed(text, self.tz);
                    if found[0].is_some() {
                        break;
                    }
                }
                _ => {}
            }
        }
        found
            .into_iter()
            .flatten()
            .map(|p| ("visible text".to_string(), p))
            .collect()
    }

    fn updated(&mut self, ld: &[&Node]) -> Option<ParsedDate> {
        let mut cands = Self::ld_values(ld, "dateModified", jsonld::text);
        cands.extend(self.meta_cands(&MODIFIED_METAS));
        let dated = self.dated("updated", cands);
        self.choose_date("updated", dated)
    }
}

/// The dateline that opens a paragraph, before a spaced dash (`27.1.2026 - Text`,
/// `BERLIN, 27. Januar 2026 – Text`), if it is short.
fn leading_dateline(text: &str) -> Option<&str> {
    let (i, _) = text
        .char_indices()
        .take(SHORT_DATELINE_CHARS + 2)
        .skip(1)
        .find(|(_, c)| matches!(c, '-' | '–' | '—'))?;
    let (lead, rest) = text.split_at(i);
    (lead.ends_with(' ') && rest[rest.chars().next()?.len_utf8()..].starts_with(' '))
        .then(|| lead.trim_end())
}

/// A visible text of digits only is a count, a phone number or an id; only structured data
/// writes dates as bare numbers (Unix time, `20260127`).
fn is_bare_number(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// What identifies a picture across its renditions: the longest run of letters and digits (at
/// least [`MIN_PICTURE_TOKEN`] long) in the file name of its URL, lower-cased. Renditions
/// differ in size parts (`1200x675_`, `w1200`) and folders, not in the picture's own name or id.
/// A file name without such a run falls back on an id in the folders ([`folder_picture_id`]).
fn picture_key(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let file = path.trim_end_matches('/').rsplit('/').next()?;
    let file = file.replace("%2F", "/").replace("%2f", "/");
    let file = file.rsplit('/').next()?;
    file.split(|c: char| !c.is_alphanumeric())
        .filter(|t| t.chars().count() >= MIN_PICTURE_TOKEN)
        .filter(|t| !is_size_token(t))
        .max_by_key(|t| t.len())
        .map(str::to_lowercase)
        .or_else(|| folder_picture_id(path))
}

/// A picture id in the folders of a path whose file name names only a size or a format
/// (`/images/44152f97b643491cb91f2aeeac1e25f5/16x9/original.jpg`): a long run mixing letters
/// and digits, as hashes and ids do and folder words do not.
fn folder_picture_id(path: &str) -> Option<String> {
    let path = match path.find("//") {
        Some(i) => path[i + 2..].split_once('/')?.1,
        None => path,
    };
    path.split(|c: char| !c.is_alphanumeric())
        .filter(|t| t.len() >= MIN_FOLDER_ID)
        .filter(|t| {
            t.bytes().any(|b| b.is_ascii_digit()) && t.bytes().any(|b| b.is_ascii_alphabetic())
        })
        .max_by_key(|t| t.len())
        .map(str::to_lowercase)
}

/// Shortest run of letters and digits in a folder name that is taken for a picture's id.
const MIN_FOLDER_ID: usize = 16;

/// A rendition narrower than this is a thumbnail or a blurred placeholder, not a lead picture.
const MIN_LEAD_WIDTH: u32 = 400;

/// Shortest file-name token that identifies a picture rather than a size or a format.
const MIN_PICTURE_TOKEN: usize = 8;

/// `1920x1080`, `w1200`, `1200w`: a size, shared by unrelated pictures.
fn is_size_token(t: &str) -> bool {
    let t = t.to_ascii_lowercase();
    let digits_and = |allowed: &[char]| {
        t.chars()
            .all(|c| c.is_ascii_digit() || allowed.contains(&c))
    };
    digits_and(&['x', 'w', 'h', '_'])
}

/// The article node describing this page: the first article-typed node whose URL is the
/// page's, else the first article-typed node.
fn primary_node<'a>(
    nodes: &'a [Node<'a>],
    canonical: &str,
    page_url: &Url,
) -> Option<&'a Node<'a>> {
    let norm = |u: &str| {
        u.trim()
            .trim_end_matches('/')
            .trim_start_matches("https:")
            .trim_start_matches("http:")
            .to_string()
    };
    let mine = [norm(canonical), norm(page_url.as_str())];
    let articles = || nodes.iter().filter(|n| n.rank == Rank::Article);
    articles()
        .find(|n| {
            jsonld::node_urls(n.map)
                .iter()
                .any(|u| mine.contains(&norm(u)))
        })
        .or_else(|| articles().next())
}

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        /((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$|[^\d])
        | [/_-]((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[/_.-]|$)
        | /((?:19|20)\d{2})(\d{2})(\d{2})(?:[/_.-]|$)",
    )
    .expect("valid regex")
});

/// A date written in a URL path (`/2026/01/27/`, `/2026-01-27-`, `/20260127/`) as `YYYY-MM-DD`.
fn url_date(url: &str) -> Option<String> {
    let path = Url::parse(url).ok()?.path().to_string();
    let c = URL_DATE.captures(&path)?;
    let g = |i: usize| c.get(i).map(|m| m.as_str());
    let (y, m, d) = g(1)
        .map(|y| (y, g(2), g(3)))
        .or_else(|| g(4).map(|y| (y, g(5), g(6))))
        .or_else(|| g(7).map(|y| (y, g(8), g(9))))?;
    let (m, d): (u32, u32) = (m?.parse().ok()?, d?.parse().ok()?);
    Some(format!("{y}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests;
