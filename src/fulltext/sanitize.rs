//! Picked article HTML -> HTML that is safe in any feed reader: an allow-list (`ammonia`)
//! keeps text, structure, links and images and drops everything that runs or phones home;
//! every link and image is made absolute, lazy images get real sources, and the result is
//! valid inside XML (no character XML forbids, no `]]>` to end a CDATA section early).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use scraper::{Html, Selector};
use url::Url;

use crate::render::xml_text;

/// What the sanitizer took out of one article, for `probe --full-text`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Removed {
    pub scripts: usize,
    pub styles: usize,
    pub iframes: usize,
    pub forms: usize,
    /// `on...` attributes.
    pub handlers: usize,
    /// `javascript:`, `vbscript:` and non-image `data:` URLs.
    pub unsafe_urls: usize,
    /// 1x1 (or smaller) images: tracking pixels.
    pub pixels: usize,
}

impl fmt::Display for Removed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [
            (self.scripts, "script", "scripts"),
            (self.styles, "style", "styles"),
            (self.iframes, "iframe", "iframes"),
            (self.forms, "form", "forms"),
            (self.handlers, "event handler", "event handlers"),
            (self.unsafe_urls, "unsafe URL", "unsafe URLs"),
            (self.pixels, "tracking pixel", "tracking pixels"),
        ]
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| crate::words::count(n, one, many))
        .collect();
        if parts.is_empty() {
            f.write_str("nothing")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

impl Removed {
    /// What [`sanitize`] would remove from `html` (tracking pixels aside): all zero for what
    /// it returns, which the fuzz target and its regression test check.
    pub fn found_in(html: &str) -> Removed {
        count_unsafe(html)
    }
}

/// `html` made safe, with links and images absolute against `base`, and what was removed.
pub fn sanitize(html: &str, base: &Url) -> (String, Removed) {
    let mut removed = count_unsafe(html);
    let (clean, pixels) = clean(html, base);
    removed.pixels = pixels;
    (clean, removed)
}

/// [`sanitize`] without counting what it removes (beyond the pixels, which it finds anyway):
/// the count costs a parse of its own and only `probe` shows it.
pub(super) fn clean(html: &str, base: &Url) -> (String, usize) {
    let (html, pixels) = real_images(html);
    let clean = builder(base).clean(&html).to_string();
    (xml_safe(&clean), pixels)
}

/// Whether sanitized `html` has any text outside its tags (the serializer escapes every `<`
/// in text, so a byte scan is exact).
pub(super) fn has_text(html: &str) -> bool {
    let mut in_tag = false;
    html.bytes().any(|b| match b {
        b'<' => {
            in_tag = true;
            false
        }
        b'>' => {
            in_tag = false;
            false
        }
        _ => !in_tag && !b.is_ascii_whitespace(),
    })
}

/// `html` cut to about `max` bytes after a closing tag, its open elements closed, and a
/// closing "…" paragraph; unchanged when it fits. Says whether it was cut.
pub fn cap(html: &str, base: &Url, max: usize) -> (String, bool) {
    if html.len() <= max {
        return (html.to_string(), false);
    }
    let ellipsis = "<p>\u{2026}</p>";
    let budget = max.saturating_sub(ellipsis.len());
    let mut end = budget;
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    // After the last closing tag that ends within the budget, so no element is split.
    let mut cut = 0;
    let mut search = &html[..end];
    while let Some(open) = search.rfind("</") {
        if let Some(close) = html[open..end].find('>') {
            cut = open + close + 1;
            break;
        }
        search = &html[..open];
    }
    let (closed, _) = clean(&html[..cut], base);
    (format!("{closed}{ellipsis}"), true)
}

fn builder(base: &Url) -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["picture", "source"])
        // Their content goes too: the text of a form or an iframe's fallback is not the
        // article's.
        .add_clean_content_tags([
            "iframe", "form", "object", "embed", "template", "svg", "math", "select", "textarea",
            "button", "noscript", "canvas", "audio", "video",
        ])
        .add_tag_attributes("img", ["srcset", "sizes"])
        .add_tag_attributes("source", ["srcset", "sizes", "media", "type"])
        .add_url_schemes(["data"])
        .url_relative(ammonia::UrlRelative::RewriteWithBase(base.clone()));
    let base = base.clone();
    builder.attribute_filter(move |element, attribute, value| {
        match (element, attribute) {
            // A data: URL is an image inline, or something that should not be there.
            ("img", "src") => {
                let data = value.trim_start().get(..5)?.eq_ignore_ascii_case("data:");
                if data && !is_data_image(value) {
                    None
                } else {
                    Some(Cow::Borrowed(value))
                }
            }
            (_, "srcset") => absolute_srcset(value, &base).map(Cow::Owned),
            (_, "href" | "src") if value.trim_start().starts_with("data:") => None,
            _ => Some(Cow::Borrowed(value)),
        }
    });
    builder
}

fn is_data_image(value: &str) -> bool {
    let rest = value.trim_start()[5..].trim_start();
    rest.len() > 6 && rest[..6].eq_ignore_ascii_case("image/")
}

/// Each candidate of a `srcset` made absolute; `None` when none is an http(s) URL.
fn absolute_srcset(value: &str, base: &Url) -> Option<String> {
    let candidates: Vec<String> = value
        .split(',')
        .filter_map(|candidate| {
            let mut parts = candidate.split_whitespace();
            let url = base.join(parts.next()?).ok()?;
            if !matches!(url.scheme(), "http" | "https") {
                return None;
            }
            let descriptor: Vec<&str> = parts.collect();
            Some(if descriptor.is_empty() {
                url.to_string()
            } else {
                format!("{url} {}", descriptor.join(" "))
            })
        })
        .collect();
    (!candidates.is_empty()).then(|| candidates.join(", "))
}

/// No character XML forbids, and no `]]>` (RSS writes content in a CDATA section; `&gt;`
/// means the same in HTML).
fn xml_safe(html: &str) -> String {
    xml_text(html).replace("]]>", "]]&gt;")
}

fn count_unsafe(html: &str) -> Removed {
    let fragment = Html::parse_fragment(html);
    let count = |css: &str| {
        let selector = Selector::parse(css).expect("a valid selector");
        fragment.select(&selector).count()
    };
    let mut removed = Removed {
        scripts: count("script"),
        styles: count("style, link[rel~=stylesheet]"),
        iframes: count("iframe, frame, object, embed"),
        forms: count("form"),
        ..Removed::default()
    };
    for element in fragment.root_element().descendent_elements() {
        for (name, value) in element.value().attrs() {
            if name.starts_with("on") {
                removed.handlers += 1;
            }
            let value = value.trim_start().to_ascii_lowercase();
            let url_attr = matches!(name, "href" | "src" | "action" | "formaction" | "srcset");
            let data_ok = element.value().name() == "img" && name == "src";
            if url_attr
                && (value.starts_with("javascript:")
                    || value.starts_with("vbscript:")
                    || (value.starts_with("data:") && !(data_ok && is_data_image(&value))))
            {
                removed.unsafe_urls += 1;
            }
        }
    }
    removed
}

/// Lazy images given their real `src`/`srcset` (from `data-src`, `data-srcset` and the like)
/// and tracking pixels dropped; returns the new HTML and how many pixels went. Works on the
/// serializer's output (double-quoted attributes), which is what the pickers return.
fn real_images(html: &str) -> (String, usize) {
    let mut out = String::with_capacity(html.len());
    let mut pixels = 0;
    let mut rest = html;
    while let Some(start) = find_tag(rest) {
        out.push_str(&rest[..start]);
        let tag = &rest[start..];
        let Some(end) = tag_end(tag) else {
            out.push_str(tag);
            rest = "";
            break;
        };
        let (name_len, attrs) = parse_tag(&tag[..end]);
        let name = &tag[1..1 + name_len];
        let get = |key: &str| {
            attrs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str())
        };
        let tiny =
            |key: &str| get(key).is_some_and(|v| v.trim().parse::<f32>().is_ok_and(|n| n <= 1.0));
        if name.eq_ignore_ascii_case("img") && tiny("width") && tiny("height") {
            pixels += 1;
        } else {
            let lazy_src = ["data-src", "data-lazy-src", "data-original"]
                .into_iter()
                .find_map(get);
            let lazy_srcset = ["data-srcset", "data-lazy-srcset"]
                .into_iter()
                .find_map(get);
            if lazy_src.is_none() && lazy_srcset.is_none() {
                out.push_str(&tag[..end]);
            } else {
                let mut rebuilt = format!("<{name}");
                let replaced: HashSet<&str> =
                    [lazy_src.map(|_| "src"), lazy_srcset.map(|_| "srcset")]
                        .into_iter()
                        .flatten()
                        .collect();
                for (key, value) in &attrs {
                    if !replaced.contains(key.to_ascii_lowercase().as_str()) {
                        push_attr(&mut rebuilt, key, value);
                    }
                }
                if let Some(src) = lazy_src {
                    push_attr(&mut rebuilt, "src", src);
                }
                if let Some(srcset) = lazy_srcset {
                    push_attr(&mut rebuilt, "srcset", srcset);
                }
                rebuilt.push('>');
                out.push_str(&rebuilt);
            }
        }
        rest = &tag[end..];
    }
    out.push_str(rest);
    (out, pixels)
}

/// The offset of the next `<img` or `<source` tag.
fn find_tag(html: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'<', &bytes[from..]) {
        let at = from + i;
        // Bytes, not str: the text after `<` may have a multi-byte character where a tag
        // name would end (`<p>“`), and a str slice there panics.
        let after = &bytes[at + 1..];
        for name in ["img", "source"] {
            if after.len() > name.len()
                && after[..name.len()].eq_ignore_ascii_case(name.as_bytes())
                && matches!(after[name.len()], b' ' | b'\t' | b'\n' | b'/' | b'>')
            {
                return Some(at);
            }
        }
        from = at + 1;
    }
    None
}

/// The length of the tag at the start of `tag`, through its `>` (quotes respected).
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The tag name's length and the attributes (values as written, still escaped).
fn parse_tag(tag: &str) -> (usize, Vec<(String, String)>) {
    let inner = tag[1..].trim_end_matches('>').trim_end_matches('/');
    let name_len = inner
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(inner.len());
    let mut attrs = Vec::new();
    let mut rest = &inner[name_len..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            break;
        }
        let key_len = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let key = rest[..key_len].to_string();
        rest = rest[key_len..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            if let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let body = &after[1..];
                let close = body.find(q).unwrap_or(body.len());
                value = body[..close].to_string();
                rest = body.get(close + 1..).unwrap_or("");
            } else {
                let close = after.find(char::is_whitespace).unwrap_or(after.len());
                value = after[..close].to_string();
                rest = &after[close..];
            }
        }
        if key.is_empty() {
            break;
        }
        attrs.push((key, value));
    }
    (name_len, attrs)
}

fn push_attr(out: &mut String, key: &str, value: &str) {
    out.push(' ');
    out.push_str(key);
    out.push_str("=\"");
    out.push_str(&value.replace('"', "&quot;"));
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example/world/story.html").unwrap()
    }

    #[test]
    fn text_with_wide_characters_right_after_a_tag_is_kept() {
        let html = "<p>“Quoted,” she said.</p><p>«Zitat» — ß</p><img data-src=\"/a.jpg\">";
        let (out, _) = sanitize(html, &base());
        assert!(out.contains("<p>“Quoted,” she said.</p>"), "{out}");
        assert!(out.contains("«Zitat» — ß"), "{out}");
        assert!(out.contains("src=\"https://news.example/a.jpg\""), "{out}");
    }

    #[test]
    fn nothing_that_runs_survives() {
        let hostile = "<p onclick=\"steal()\">Hi <a href=\"javascript:alert(1)\">x</a>\
            <a href=\"data:text/html,<script>alert(1)</script>\">d</a></p>\
            <script>alert(1)</script><style>p{}</style>\
            <iframe src=\"https://evil.example/\">fallback</iframe>\
            <form action=\"/steal\"><input name=\"q\"><button>Go</button></form>\
            <img src=\"x.jpg\" onerror=\"alert(1)\">\
            <img src=\"https://t.example/p.gif\" width=\"1\" height=\"1\">";
        let (clean, removed) = sanitize(hostile, &base());
        for bad in [
            "onclick",
            "javascript:",
            "<script",
            "<style",
            "<iframe",
            "fallback",
            "<form",
            "<input",
            "Go<",
            "onerror",
            "t.example",
            "data:text",
        ] {
            assert!(!clean.contains(bad), "{bad} in {clean}");
        }
        assert!(clean.contains("Hi "), "{clean}");
        assert!(
            clean.contains("src=\"https://news.example/world/x.jpg\""),
            "{clean}"
        );
        assert_eq!(removed.scripts, 1);
        assert_eq!(removed.styles, 1);
        assert_eq!(removed.iframes, 1);
        assert_eq!(removed.forms, 1);
        assert_eq!(removed.handlers, 2);
        assert_eq!(removed.unsafe_urls, 2);
        assert_eq!(removed.pixels, 1);
        assert_eq!(
            removed.to_string(),
            "1 script, 1 style, 1 iframe, 1 form, 2 event handlers, 2 unsafe URLs, 1 tracking pixel"
        );
        assert_eq!(Removed::default().to_string(), "nothing");
    }

    #[test]
    fn links_and_images_become_absolute_and_lazy_images_real() {
        let html = "<p><a href=\"../europe/\">Europe</a></p>\
            <img src=\"data:image/gif;base64,R0lGOD\" data-src=\"/img/a.jpg\" \
                 data-srcset=\"/img/a-640.jpg 640w, img/a-1280.jpg 1280w\" alt=\"A\">\
            <picture><source srcset=\"/img/b.webp 2x\" type=\"image/webp\"><img src=\"b.jpg\"></picture>\
            <img src=\"data:image/png;base64,iVBOR\" alt=\"inline\">";
        let (clean, _) = sanitize(html, &base());
        assert!(
            clean.contains("href=\"https://news.example/europe/\""),
            "{clean}"
        );
        assert!(
            clean.contains("src=\"https://news.example/img/a.jpg\""),
            "{clean}"
        );
        assert!(
            clean.contains(
                "srcset=\"https://news.example/img/a-640.jpg 640w, https://news.example/world/img/a-1280.jpg 1280w\""
            ),
            "{clean}"
        );
        assert!(
            clean.contains("srcset=\"https://news.example/img/b.webp 2x\""),
            "{clean}"
        );
        assert!(
            clean.contains("src=\"data:image/png;base64,iVBOR\""),
            "{clean}"
        );
        assert!(!clean.contains("data-src"), "{clean}");
        assert!(!clean.contains("R0lGOD"), "the placeholder goes: {clean}");
    }

    #[test]
    fn the_result_is_safe_inside_xml() {
        let (clean, _) = sanitize(
            "<p>a ]]> b \u{0}c\u{FFFE}d\u{1}</p><p title=\"x]]>y\">t</p>",
            &base(),
        );
        assert!(!clean.contains("]]>"), "{clean}");
        assert!(
            !clean.contains('\u{FFFE}') && !clean.contains('\u{1}') && !clean.contains('\u{0}')
        );
        assert!(clean.contains('c') && clean.contains('d'));
    }

    #[test]
    fn a_long_text_is_cut_after_an_element_with_a_closing_ellipsis() {
        let paragraphs: String = (0..200)
            .map(|i| format!("<p>Paragraph number {i} of the story.</p>"))
            .collect();
        let html = format!("<div>{paragraphs}</div>");
        let (cut, was_cut) = cap(&html, &base(), 1000);
        assert!(was_cut);
        assert!(cut.len() <= 1100, "{}", cut.len());
        assert!(cut.ends_with("</div><p>\u{2026}</p>"), "{cut}");
        assert!(!cut.contains("Paragraph number 199"));
        let (same, was_cut) = cap(&html, &base(), html.len());
        assert!(!was_cut);
        assert_eq!(same, html);
    }
}
