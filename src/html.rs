//! Parsing HTML that may be hostile.
//!
//! The HTML parser's tree builder walks the stack of open elements for many start tags, so a
//! page nested a hundred thousand levels deep costs time quadratic in its depth: minutes for
//! half a megabyte. No real page nests more than a few dozen levels, so before parsing, the
//! document is cut where its nesting would pass [`MAX_NESTING`]. What comes before the cut (the
//! head with its metadata, and the start of the body) is kept.

use std::borrow::Cow;

use scraper::Html;

/// Nesting depth at which a document is cut.
pub const MAX_NESTING: usize = 512;

/// Parses `html` as a document, first cutting it where it nests deeper than [`MAX_NESTING`].
pub fn parse_document(html: &str) -> Html {
    Html::parse_document(&limit_nesting(html, MAX_NESTING))
}

/// Tag names up to this long are classified; longer ones are custom elements, which nest.
const MAX_KNOWN_TAG: usize = 10;

/// `tag` in lower case in a small buffer, or `None` when it is longer than any known tag.
fn lower(tag: &[u8]) -> Option<([u8; MAX_KNOWN_TAG], usize)> {
    if tag.len() > MAX_KNOWN_TAG {
        return None;
    }
    let mut buf = [0u8; MAX_KNOWN_TAG];
    for (b, t) in buf.iter_mut().zip(tag) {
        *b = t.to_ascii_lowercase();
    }
    Some((buf, tag.len()))
}

/// Elements that never have content, and elements whose end tag is optional or implied by the
/// next sibling: neither deepens the tree in a way worth counting.
fn counts_as_level(tag: &[u8]) -> bool {
    let Some((buf, len)) = lower(tag) else {
        return true;
    };
    !matches!(
        &buf[..len],
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"source"
            | b"track"
            | b"wbr"
            | b"param"
            | b"keygen"
            | b"frame"
            | b"basefont"
            | b"bgsound"
            | b"p"
            | b"li"
            | b"dt"
            | b"dd"
            | b"tr"
            | b"td"
            | b"th"
            | b"option"
            | b"optgroup"
            | b"rb"
            | b"rt"
            | b"rp"
            | b"rtc"
            | b"tbody"
            | b"thead"
            | b"tfoot"
            | b"colgroup"
            | b"caption"
            | b"html"
            | b"head"
            | b"body"
            | b"image"
    )
}

/// Whether `tag` holds raw text (tags inside it are not tags) and, if so, whether it runs to
/// the end of the document (`plaintext`).
fn raw_text(tag: &[u8]) -> Option<bool> {
    let (buf, len) = lower(tag)?;
    match &buf[..len] {
        b"script" | b"style" | b"textarea" | b"title" | b"xmp" | b"iframe" | b"noembed"
        | b"noframes" => Some(false),
        b"plaintext" => Some(true),
        _ => None,
    }
}

/// Where the end tag `</name` of a raw-text element starts, searching from `from`.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(offset) = memchr::memmem::find(&bytes[at..], b"</") {
        let start = at + offset;
        let candidate = &bytes[start + 2..];
        if candidate.len() >= name.len() && candidate[..name.len()].eq_ignore_ascii_case(name) {
            return Some(start);
        }
        at = start + 2;
    }
    None
}

/// `html` cut at the first tag that would open level `max + 1`; borrowed when no cut is needed.
/// A cheap byte scan that follows the tokenizer closely enough to count nesting: comments,
/// doctype and raw-text elements are skipped, end tags close a level.
pub fn limit_nesting(html: &str, max: usize) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let after = |from: usize, needle: &[u8]| {
        let from = from.min(bytes.len());
        let found = match needle {
            [one] => memchr::memchr(*one, &bytes[from..]),
            _ => memchr::memmem::find(&bytes[from..], needle),
        };
        found.map_or(bytes.len(), |e| from + e + needle.len())
    };
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(offset) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + offset;
        let rest = &bytes[start + 1..];
        if rest.starts_with(b"!--") {
            i = after(start + 4, b"-->");
            continue;
        }
        if rest.first().is_some_and(|&b| b == b'!' || b == b'?') {
            i = after(start + 1, b">");
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let name = &bytes[name_start..name_start + name_len];
        let tag_end = after(name_start + name_len, b">");
        if closing {
            if counts_as_level(name) {
                depth = depth.saturating_sub(1);
            }
            i = tag_end;
            continue;
        }
        if let Some(to_the_end) = raw_text(name) {
            // A raw-text element holds no tags; `plaintext` runs to the end.
            i = if to_the_end {
                bytes.len()
            } else {
                find_end_tag(bytes, tag_end, name).unwrap_or(bytes.len())
            };
            continue;
        }
        let self_closing = tag_end >= 2 && bytes[tag_end - 2] == b'/';
        if counts_as_level(name) && !self_closing {
            depth += 1;
            if depth > max {
                return Cow::Owned(html[..start].to_string());
            }
        }
        i = tag_end;
    }
    Cow::Borrowed(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_not_touched() {
        let page = "<!doctype html><html><head><title>a < b</title><script>if (a<b) {}</script>\
                    </head><body><!-- <div><div> --><p>one<p>two<ul><li>x<li>y</ul><img src=x>\
                    <br/></body></html>";
        assert!(matches!(limit_nesting(page, 3), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_cut_at_the_limit() {
        let page = format!(
            "<html><body>{}x{}</body></html>",
            "<div>".repeat(10),
            "</div>".repeat(10)
        );
        let cut = limit_nesting(&page, 4);
        assert_eq!(cut, format!("<html><body>{}", "<div>".repeat(4)));
        // Siblings do not add up.
        let flat = "<div></div>".repeat(100);
        assert!(matches!(limit_nesting(&flat, 4), Cow::Borrowed(_)));
    }

    #[test]
    fn hundred_thousand_levels_parse_quickly_and_keep_the_head() {
        let page = format!(
            "<html><head><title>Deep</title></head><body>{}</body></html>",
            "<div>".repeat(100_000)
        );
        let doc = parse_document(&page);
        let title = scraper::Selector::parse("title").unwrap();
        assert_eq!(doc.select(&title).next().unwrap().inner_html(), "Deep");
        let div = scraper::Selector::parse("div").unwrap();
        assert_eq!(doc.select(&div).count(), MAX_NESTING);
    }

    /// Random markup-heavy inputs: the scan never panics (it slices at byte offsets) and
    /// only ever returns a prefix of its input. Fuzzing covers the parsers; this covers the
    /// scan in every `cargo test`.
    #[test]
    fn random_markup_never_panics_and_yields_a_prefix() {
        const PIECES: &[&str] = &[
            "<",
            ">",
            "/",
            "</",
            "<!--",
            "-->",
            "<!",
            "<?",
            "<div>",
            "</div>",
            "<b>",
            "<p>",
            "<script>",
            "</script",
            "<title>",
            "<plaintext>",
            "<br/>",
            "é",
            "\u{1F600}",
            "a",
            " ",
            "=\"",
            "<x-y>",
            "</SCRIPT>",
        ];
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..2000 {
            let len = rng.usize(0..60);
            let input: String = (0..len)
                .map(|_| PIECES[rng.usize(0..PIECES.len())])
                .collect();
            let max = rng.usize(0..6);
            let out = limit_nesting(&input, max);
            assert!(input.starts_with(out.as_ref()), "{input:?} -> {out:?}");
        }
    }

    /// The same kind of input through both parsers' users: no panic, whatever the markup.
    #[test]
    fn random_markup_through_extract_and_discover() {
        const PIECES: &[&str] = &[
            "<div>",
            "</div>",
            "<a href=\"/2026/01/27/x-1.html\">",
            "</a>",
            "<meta property=\"og:title\" content=\"",
            "\">",
            "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"datePublished\":\"",
            "</script>",
            "2026-01-27T12:28+0000",
            "<time datetime=\"",
            "<h1>",
            "</h1>",
            "<title>",
            "</title>",
            "<img src=\"//cdn.example/a.jpg\" srcset=\"a.jpg 100w, b.jpg 2000w\">",
            "&amp;",
            "&#x",
            ";",
            "<",
            ">",
            "é",
            " ",
            "<nav>",
            "</nav>",
        ];
        let url = url::Url::parse("https://news.example/world/").unwrap();
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..300 {
            let len = rng.usize(0..80);
            let input: String = (0..len)
                .map(|_| PIECES[rng.usize(0..PIECES.len())])
                .collect();
            let _ = crate::extract::extract_explained(&input, &url, None);
            let _ = crate::discover::discover(&input, &url, &Default::default());
        }
    }

    #[test]
    fn formatting_elements_count_too() {
        let page = "<b><i>".repeat(1000);
        assert!(limit_nesting(&page, 100).len() < 1000);
    }
}
