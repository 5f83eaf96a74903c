//! Article page -> metadata (pure: HTML text and its URL in, data out).
//!
//! A page states its metadata several times over, in JSON-LD, OpenGraph and `article:*`
//! metas, Twitter cards, classic `<meta name>` tags, microdata, `<time>` elements and the
//! visible text, and no one source is present or right everywhere. So the document is parsed
//! once, every signal is gathered in one walk ([`Signals`]), and each field then takes the first
//! usable candidate from an ordered list of sources, most structured first. Every choice is
//! recorded as [`Provenance`] and every candidate that failed validation as [`Rejected`], so
//! `sitefeed probe` can explain a result.

mod dates;
mod image;
mod jsonld;
mod signals;
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
use signals::{meta_source, Meta, Signals};
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

/// More tag links than this in one container is a tag cloud or an index, not the article's tags.
const MAX_TAG_GROUP: usize = 30;
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

#[cfg(test)]
mod tests;
