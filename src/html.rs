//! Parsing HTML that may be hostile, and parsing only what the pipeline reads.
//!
//! The HTML parser's tree builder walks the stack of open elements for many start tags, so a
//! page nested a hundred thousand levels deep costs time quadratic in its depth: minutes for
//! half a megabyte. No real page nests more than a few dozen levels, so before parsing, the
//! document is cut where its nesting would pass [`MAX_NESTING`]. What comes before the cut (the
//! head with its metadata, and the start of the body) is kept.
//!
//! The same scan drops what no stage ever reads: the bodies of inline scripts (JSON-LD is kept),
//! style sheets, `<noscript>` fallbacks, comments and inline SVG drawings. On news pages these
//! are about half the bytes and a sixth of the parse; the tree the parser builds from what is
//! left has the same elements, attributes and visible text outside those bodies. For metadata
//! extraction it also drops the attributes extraction never reads (inline styles, event
//! handlers, most `data-` attributes), which cost another sixth of what is left.

use std::borrow::Cow;

use scraper::Html;

/// Nesting depth at which a document is cut.
pub const MAX_NESTING: usize = 512;

/// Parses `html` as a document after [`prune`].
pub fn parse_document(html: &str) -> Html {
    Html::parse_document(&prune(html, MAX_NESTING))
}

/// Like [`parse_document`], also giving the bodies of the inline scripts left out of the tree
/// (slices of `html`, in document order), for readers that search script text.
pub fn parse_with_scripts(html: &str) -> (Html, Vec<&str>) {
    let (pruned, scripts) = scan(html, MAX_NESTING, Leave::BodiesAndAttributes);
    (Html::parse_document(&pruned), scripts)
}

/// Whether metadata extraction reads an attribute of this name: not inline styles, event
/// handlers, or `data-` attributes other than lazy-loading sources and dates. The rest of a
/// page's `data-` attributes (widget state, tracking, JSON) cost a sixth of a parse.
pub fn extraction_reads(attribute: &str) -> bool {
    reads(attribute.as_bytes())
}

fn reads(name: &[u8]) -> bool {
    let starts = |prefix: &[u8]| {
        name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    if name.eq_ignore_ascii_case(b"style") || starts(b"on") {
        return false;
    }
    if !starts(b"data-") {
        return true;
    }
    let rest = &name[5..];
    [
        &b"src"[..],
        b"lazy",
        b"original",
        b"date",
        b"time",
        b"publish",
    ]
    .iter()
    .any(|k| rest.windows(k.len()).any(|w| w.eq_ignore_ascii_case(k)))
}

/// [`prune`], and without the attributes extraction does not read ([`extraction_reads`]).
pub fn prune_for_extraction(html: &str, max: usize) -> Cow<'_, str> {
    scan(html, max, Leave::BodiesAndAttributes).0
}

/// What [`scan`] leaves out.
#[derive(Clone, Copy, PartialEq)]
enum Leave {
    /// Only the cut for nesting.
    Nothing,
    /// The bodies [`prune`] leaves out.
    Bodies,
    /// And the attributes [`extraction_reads`] does not read.
    BodiesAndAttributes,
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
        | b"noframes" | b"noscript" => Some(false),
        b"plaintext" => Some(true),
        _ => None,
    }
}

/// Where the end tag `</name` of a raw-text element starts, searching from `from`.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(offset) = memchr::memmem::find(&bytes[at..], b"</") {
        let start = at + offset;
        if is_tag(bytes, start + 2, name) {
            return Some(start);
        }
        at = start + 2;
    }
    None
}

/// Where a tag whose name ends at `from` ends (just past its `>`, or the end of the input),
/// and whether it is self-closing (`/>`), following the tokenizer's attribute states so that
/// quoted values may hold `>` (`<script data-x="a>b">`) and odd markup (`<a ="<b>">`) ends
/// where the parser ends it.
fn tag_end(bytes: &[u8], from: usize) -> (usize, bool) {
    tag_end_with(bytes, from, |_, _, _| {}).unwrap_or((bytes.len(), false))
}

/// [`tag_end`], `None` when the input ends inside the tag, calling `attribute(name_start,
/// name_end, end)` for each attribute read: its name is `bytes[name_start..name_end]` and it
/// ends (after its value, if any) at `end`.
fn tag_end_with(
    bytes: &[u8],
    from: usize,
    mut attribute: impl FnMut(usize, usize, usize),
) -> Option<(usize, bool)> {
    #[derive(Clone, Copy)]
    enum State {
        BeforeName,
        Name,
        AfterName,
        BeforeValue,
        Quoted(u8),
        AfterQuoted,
        Unquoted,
        SelfClosing,
    }
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    let mut state = State::BeforeName;
    // The attribute being read: where its name starts and ends.
    let (mut name_start, mut name_end) = (0, 0);
    let mut k = from;
    while k < bytes.len() {
        let b = bytes[k];
        if let State::Quoted(q) = state {
            // Most of a tag's bytes are quoted values: jump to the closing quote.
            match memchr::memchr(q, &bytes[k..]) {
                Some(close) => {
                    k += close + 1;
                    attribute(name_start, name_end, k);
                    state = State::AfterQuoted;
                    continue;
                }
                None => break,
            }
        }
        match state {
            State::Name if b == b'>' || b == b'/' || b == b'=' || space(b) => name_end = k,
            State::AfterName if !space(b) && b != b'=' => attribute(name_start, name_end, name_end),
            State::BeforeValue if b == b'>' => attribute(name_start, name_end, k),
            State::Unquoted if b == b'>' || space(b) => attribute(name_start, name_end, k),
            _ => {}
        }
        if let State::Name = state {
            if b == b'>' || b == b'/' {
                attribute(name_start, name_end, name_end);
            }
        }
        if b == b'>' {
            return Some((k + 1, matches!(state, State::SelfClosing)));
        }
        let next = match (state, b) {
            (State::Unquoted, _) if space(b) => State::BeforeName,
            (State::Unquoted, _) => State::Unquoted,
            (State::BeforeValue, b'"' | b'\'') => State::Quoted(b),
            (State::BeforeValue, _) if space(b) => State::BeforeValue,
            (State::BeforeValue, _) => State::Unquoted,
            (State::Name | State::AfterName, b'=') => State::BeforeValue,
            (State::Name, _) if space(b) => State::AfterName,
            (_, b'/') => State::SelfClosing,
            (State::AfterName | State::BeforeName | State::AfterQuoted | State::SelfClosing, _)
                if space(b) =>
            {
                State::BeforeName
            }
            _ => State::Name,
        };
        if matches!(next, State::Name) && !matches!(state, State::Name) {
            name_start = k;
        }
        state = next;
        k += 1;
    }
    None
}

/// Whether the body of a raw-text element can go: scripts other than JSON-LD, style sheets
/// and `<noscript>` fallbacks (raw text, since the parser runs with scripting on).
fn drops_body(name: &[u8], attrs: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"style")
        || name.eq_ignore_ascii_case(b"noscript")
        || (name.eq_ignore_ascii_case(b"script")
            && !attrs.windows(7).any(|w| w.eq_ignore_ascii_case(b"ld+json")))
}

/// Whether `bytes[at..]` starts with `name` (in any case) followed by the end of a tag name.
fn is_tag(bytes: &[u8], at: usize, name: &[u8]) -> bool {
    let rest = &bytes[at.min(bytes.len())..];
    rest.len() > name.len()
        && rest[..name.len()].eq_ignore_ascii_case(name)
        && matches!(
            rest[name.len()],
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>'
        )
}

/// HTML tags that end a drawing early: in SVG content the tree builder leaves the drawing when
/// it meets one of them (outside `<foreignObject>`, where they are legitimate, dropping would
/// be safe, but the drawing is simply kept then).
fn breaks_out_of_svg(name: &[u8]) -> bool {
    let Some((buf, len)) = lower(name) else {
        return false;
    };
    matches!(
        &buf[..len],
        b"b" | b"big"
            | b"blockquote"
            | b"body"
            | b"br"
            | b"center"
            | b"code"
            | b"dd"
            | b"div"
            | b"dl"
            | b"dt"
            | b"em"
            | b"embed"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"head"
            | b"hr"
            | b"i"
            | b"img"
            | b"li"
            | b"listing"
            | b"menu"
            | b"meta"
            | b"nobr"
            | b"ol"
            | b"p"
            | b"pre"
            | b"ruby"
            | b"s"
            | b"small"
            | b"span"
            | b"strong"
            | b"strike"
            | b"sub"
            | b"sup"
            | b"table"
            | b"tt"
            | b"ul"
            | b"var"
            | b"font"
    )
}

/// The name of the tag starting at `at` (just after `<` or `</`): as the tokenizer reads it,
/// up to whitespace, `/` or `>`.
fn tag_name(bytes: &[u8], at: usize) -> &[u8] {
    let rest = &bytes[at.min(bytes.len())..];
    let len = rest
        .iter()
        .take_while(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>'))
        .count();
    &rest[..len]
}

/// Just past the end of a comment whose body starts at `from` (after `<!--`): `-->`, `--!>`,
/// or the abrupt `<!-->` and `<!--->`; the end of the input when it never ends.
fn comment_end(bytes: &[u8], from: usize) -> usize {
    let rest = &bytes[from.min(bytes.len())..];
    if rest.starts_with(b">") {
        return from + 1;
    }
    if rest.starts_with(b"->") {
        return from + 2;
    }
    let mut at = 0;
    while let Some(k) = memchr::memmem::find(&rest[at..], b"--") {
        let dashes = at + k;
        if rest[dashes + 2..].starts_with(b">") {
            return from + dashes + 3;
        }
        if rest[dashes + 2..].starts_with(b"!>") {
            return from + dashes + 4;
        }
        at = dashes + 1;
    }
    bytes.len()
}

/// Where the `</svg` closing the drawing whose content starts at `from` begins; `None` when
/// the drawing does not end cleanly. Only well-formed drawings qualify: every end tag closes an
/// element the drawing opened, no HTML tag ends the drawing early, and no tag sits inside a
/// `<title>`, `<desc>` or `<foreignObject>`, whose content the tree builder reads as HTML.
fn svg_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut open: Vec<&[u8]> = Vec::new();
    let mut i = from;
    while let Some(offset) = memchr::memchr(b'<', &bytes[i..]) {
        let at = i + offset;
        let rest = &bytes[at + 1..];
        let skip_to = |needle: &[u8]| {
            memchr::memmem::find(&bytes[at..], needle).map(|e| at + e + needle.len())
        };
        if rest.starts_with(b"!--") {
            i = comment_end(bytes, at + 4);
            continue;
        }
        if rest.starts_with(b"![CDATA[") {
            i = skip_to(b"]]>")?;
            continue;
        }
        if rest.first().is_some_and(|&b| b == b'!' || b == b'?') {
            i = skip_to(b">")?;
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_at = at + 1 + usize::from(closing);
        if !bytes.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            i = if closing { skip_to(b">")? } else { at + 1 };
            continue;
        }
        let name = tag_name(bytes, name_at);
        let in_html = open.last().is_some_and(|top| {
            [&b"title"[..], b"desc", b"foreignobject"]
                .iter()
                .any(|p| top.eq_ignore_ascii_case(p))
        });
        let (end, self_closing) = tag_end(bytes, name_at + name.len());
        if closing {
            match open.iter().rposition(|o| o.eq_ignore_ascii_case(name)) {
                Some(k) => open.truncate(k),
                None if name.eq_ignore_ascii_case(b"svg") && !in_html => return Some(at),
                None => return None,
            }
        } else if in_html || breaks_out_of_svg(name) {
            return None;
        } else if !self_closing {
            open.push(name);
        }
        i = end;
    }
    None
}

/// Whether `bytes` holds the word `frameset` in any case.
fn mentions_frameset(bytes: &[u8]) -> bool {
    let mut at = 0;
    while let Some(k) = memchr::memchr2(b'f', b'F', &bytes[at..]) {
        let word = &bytes[at + k..];
        if word.len() >= 8 && word[..8].eq_ignore_ascii_case(b"frameset") {
            return true;
        }
        at += k + 1;
    }
    false
}

/// The input with some byte ranges left out, copied only once something is left out.
struct Pruned<'a> {
    html: &'a str,
    out: Option<String>,
    copied_to: usize,
}

impl<'a> Pruned<'a> {
    fn leave_out(&mut self, from: usize, to: usize) {
        if from >= to {
            return;
        }
        // The input's length bounds the output, so the copy never grows and re-copies.
        let out = self
            .out
            .get_or_insert_with(|| String::with_capacity(self.html.len()));
        out.push_str(&self.html[self.copied_to..from]);
        self.copied_to = to;
    }

    fn up_to(self, end: usize) -> Cow<'a, str> {
        let end = end.max(self.copied_to);
        match self.out {
            None => Cow::Borrowed(&self.html[..end]),
            Some(mut out) => {
                out.push_str(&self.html[self.copied_to..end]);
                Cow::Owned(out)
            }
        }
    }
}

/// `html` cut at the first tag that would open level `max + 1`, without the bodies of inline
/// scripts (but JSON-LD), style sheets, `<noscript>` fallbacks, comments and SVG drawings;
/// borrowed when nothing changes. A linear byte scan that follows the tokenizer's states:
/// comments, doctype and raw-text elements are skipped, end tags close a level.
pub fn prune(html: &str, max: usize) -> Cow<'_, str> {
    scan(html, max, Leave::Bodies).0
}

/// The cut, and what `leave` says to leave out; with the script bodies left out, in order.
fn scan(html: &str, max: usize, leave: Leave) -> (Cow<'_, str>, Vec<&str>) {
    let leave_out = leave != Leave::Nothing;
    let bytes = html.as_bytes();
    let after = |from: usize, needle: &[u8]| {
        let from = from.min(bytes.len());
        let found = match needle {
            [one] => memchr::memchr(*one, &bytes[from..]),
            _ => memchr::memmem::find(&bytes[from..], needle),
        };
        found.map_or(bytes.len(), |e| from + e + needle.len())
    };
    let mut pruned = Pruned {
        html,
        out: None,
        copied_to: 0,
    };
    let mut depth = 0usize;
    // Inside SVG or MathML the tokenizer reads `<style>` and `<script>` as markup, not raw
    // text; after a drawing that does not end cleanly, or any formula, nothing more is left
    // out.
    let mut may_leave_out = leave_out;
    let mut scripts = Vec::new();
    // Attributes of the current tag that extraction does not read.
    let mut unread: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(offset) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + offset;
        let rest = &bytes[start + 1..];
        if rest.starts_with(b"!--") {
            i = comment_end(bytes, start + 4);
            if may_leave_out && i >= start + 7 && bytes[..i].ends_with(b"-->") {
                pruned.leave_out(start + 4, i - 3);
            }
            continue;
        }
        if rest.first().is_some_and(|&b| b == b'!' || b == b'?') {
            i = after(start + 1, b">");
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = tag_name(bytes, name_start).len();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            // `</` not followed by a name is a bogus comment up to the next `>`; a lone `<`
            // is text.
            i = if closing {
                after(name_start, b">")
            } else {
                start + 1
            };
            continue;
        }
        let name_end = name_start + name_len;
        let name = &bytes[name_start..name_end];
        if closing {
            if counts_as_level(name) {
                depth = depth.saturating_sub(1);
            }
            i = tag_end(bytes, name_end).0;
            continue;
        }
        if let Some(to_the_end) = raw_text(name) {
            // A raw-text element holds no tags; `plaintext` runs to the end.
            if to_the_end {
                i = bytes.len();
                continue;
            }
            let body = tag_end(bytes, name_end).0;
            let Some(end) = find_end_tag(bytes, body, name) else {
                i = bytes.len();
                continue;
            };
            if name.eq_ignore_ascii_case(b"script")
                && memchr::memmem::find(&bytes[body..end], b"<!--").is_some()
            {
                // The tokenizer may read past this `</script>` (its "double escaped"
                // states), so where the script ends, and all that follows, is uncertain.
                if may_leave_out && mentions_frameset(&bytes[start..]) {
                    return scan(html, max, Leave::Nothing);
                }
                may_leave_out = false;
            }
            if may_leave_out && drops_body(name, &bytes[name_end..body]) {
                pruned.leave_out(body, end);
                if name.eq_ignore_ascii_case(b"script") {
                    scripts.push(&html[body..end]);
                }
            }
            i = end;
            continue;
        }
        let is_svg = name.eq_ignore_ascii_case(b"svg");
        let (tag_end, self_closing) = if leave == Leave::BodiesAndAttributes && may_leave_out {
            unread.clear();
            let found = tag_end_with(bytes, name_end, |start, name_end, end| {
                if !reads(&bytes[start..name_end]) {
                    unread.push((start, end));
                }
            });
            if found.is_some() {
                for &(from, to) in &unread {
                    pruned.leave_out(from, to);
                }
            }
            found.unwrap_or((bytes.len(), false))
        } else {
            tag_end(bytes, name_end)
        };
        if counts_as_level(name) && !self_closing {
            depth += 1;
            if depth > max {
                return (pruned.up_to(start), scripts);
            }
        }
        i = tag_end;
        let could_leave_out = may_leave_out;
        if is_svg && !self_closing && may_leave_out {
            match svg_end(bytes, tag_end) {
                Some(end) => {
                    pruned.leave_out(tag_end, end);
                    i = end;
                }
                None => may_leave_out = false,
            }
        } else if name.eq_ignore_ascii_case(b"math") {
            may_leave_out = false;
        }
        if could_leave_out && !may_leave_out && mentions_frameset(&bytes[start..]) {
            // What follows is no longer read tag by tag, so a frameset there would go unseen.
            return scan(html, max, Leave::Nothing);
        }
        if name.eq_ignore_ascii_case(b"frameset") && leave_out {
            // Whether a frameset replaces the body depends on what came before it, and inside
            // it `<style>` and `<script>` are ignored: such a page is only cut, never pruned.
            return scan(html, max, Leave::Nothing);
        }
    }
    (pruned.up_to(bytes.len()), scripts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_not_touched() {
        let page = "<!doctype html><html><head><title>a < b</title><script src=x.js></script>\
                    </head><body><!----><p>one<p>two<ul><li>x<li>y</ul><img src=x>\
                    <br/></body></html>";
        assert!(matches!(prune(page, 3), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_cut_at_the_limit() {
        let page = format!(
            "<html><body>{}x{}</body></html>",
            "<div>".repeat(10),
            "</div>".repeat(10)
        );
        let cut = prune(&page, 4);
        assert_eq!(cut, format!("<html><body>{}", "<div>".repeat(4)));
        // Siblings do not add up.
        let flat = "<div></div>".repeat(100);
        assert!(matches!(prune(&flat, 4), Cow::Borrowed(_)));
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

    fn outline(html: &str) -> Vec<String> {
        outline_of(html, |_| true)
    }

    fn outline_of(html: &str, keep: fn(&str) -> bool) -> Vec<String> {
        let doc = Html::parse_document(html);
        let mut out = Vec::new();
        for node in doc.tree.root().descendants() {
            let skipped = node.ancestors().any(|a| {
                a.value().as_element().is_some_and(|e| {
                    e.name() == "svg"
                        || e.name() == "style"
                        || e.name() == "noscript"
                        || (e.name() == "script"
                            && !e.attr("type").unwrap_or("").contains("ld+json"))
                })
            });
            match node.value() {
                scraper::Node::Element(e) if !skipped => out.push(format!(
                    "<{} {:?}>",
                    e.name(),
                    e.attrs().filter(|(n, _)| keep(n)).collect::<Vec<_>>()
                )),
                scraper::Node::Text(t) if !skipped => out.push(t.to_string()),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn script_style_and_svg_bodies_are_left_out() {
        let page = r#"<html><head><style>p { color: red }</style>
            <script>var a = "</div><p>";</script>
            <script type="application/ld+json">{"headline": "kept"}</script>
            <script data-x="a>b">var b = 1;</script>
            <noscript><img src="fallback.jpg"></noscript><!-- <div><div> comment -->
            </head><body><p>text<svg viewBox="0 0 1 1"><title>Icon</title><svg><g/></svg>
            <path d="M0"/></svg> after<svg/><b>bold</b><SVG><text>9</text></SVG></p>
            <script>document.write("<!-- <script>x</script> -->")</script>
            <style>kept after an uncertain script end</style></body></html>"#;
        let pruned = prune(page, MAX_NESTING);
        for gone in [
            "color: red",
            "var a",
            "var b",
            "Icon",
            "<path",
            "<g/>",
            "<text>",
        ] {
            assert!(!pruned.contains(gone), "{gone} left in {pruned}");
        }
        for kept in [
            r#""headline": "kept""#,
            " after",
            "<b>bold</b>",
            "<!-- <script>x</script> -->",
            "kept after an uncertain script end",
        ] {
            assert!(pruned.contains(kept), "{kept} missing from {pruned}");
        }
        assert_eq!(outline(&pruned), outline(page));
        let (_, scripts) = parse_with_scripts(page);
        assert_eq!(scripts, [r#"var a = "</div><p>";"#, "var b = 1;"]);
    }

    #[test]
    fn drawings_that_do_not_end_cleanly_are_kept() {
        for page in [
            "<p><svg><path/><div>html breaks out</div></svg><style>x</style>",
            "<p><svg><title>open title</svg>more</svg><style>x</style>",
            "<p><math><style>y</style></math><style>x</style>",
        ] {
            assert_eq!(prune(page, MAX_NESTING), page);
        }
    }

    #[test]
    fn extraction_leaves_out_styles_handlers_and_unread_data_attributes() {
        let page = r#"<div style="color: red" onclick='go()' data-props="{&quot;x&quot;: 1}"
            data-src="/a.jpg" data-publish-date="2026-01-27" class="story"data-x=1>text</div>
            <img data-lazy-srcset="/b.jpg 800w" DATA-TRACK=9 src=/c.jpg data-y=2/>"#;
        let slim = prune_for_extraction(page, MAX_NESTING);
        for gone in [
            "color: red",
            "go()",
            "data-props",
            "data-x",
            "DATA-TRACK",
            "data-y",
        ] {
            assert!(!slim.contains(gone), "{gone} left in {slim}");
        }
        for kept in [
            r#"data-src="/a.jpg""#,
            r#"data-publish-date="2026-01-27""#,
            r#"class="story""#,
            r#"data-lazy-srcset="/b.jpg 800w""#,
            "src=/c.jpg",
        ] {
            assert!(slim.contains(kept), "{kept} missing from {slim}");
        }
        assert_eq!(
            outline_of(&slim, extraction_reads),
            outline_of(page, extraction_reads)
        );
        // Discovery's parse keeps every attribute: its selectors may name any of them.
        assert!(prune(page, MAX_NESTING).contains("data-props"));
    }

    #[test]
    fn unterminated_bodies_are_kept() {
        for page in ["<p>a<script>var x", "<p>a<svg><path d=x>", "<p>a<style>p{}"] {
            assert_eq!(prune(page, MAX_NESTING), page);
        }
    }

    #[test]
    fn a_quoted_angle_bracket_does_not_start_a_script() {
        let page = r#"<div title="a>b <script>x"><p>kept text</p></div><script>y</script>"#;
        let pruned = prune(page, MAX_NESTING);
        assert!(pruned.contains("kept text"), "{pruned}");
        assert_eq!(outline(&pruned), outline(page));
    }

    /// Random markup-heavy inputs: the scan never panics (it slices at byte offsets), never
    /// grows its input, and outside the bodies it leaves out, the parser builds the same tree
    /// from its output as from the input.
    #[test]
    fn random_markup_never_panics_and_parses_the_same() {
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
            "<style>",
            "</style>",
            "<svg>",
            "</svg>",
            "<svg/>",
            "<math>",
            "<select>",
            "<table>",
            "<textarea>",
            "<template>",
            "<frameset>",
            "<foreignObject>",
            "</title>",
            "<path d=x>",
            "<div style=\"a:b\" data-x='1' onclick=f() data-src=\"i.jpg\" class=c>",
            "<img data-lazy=1 data-json=\"{&quot;a&quot;:1}\"/>",
            " data-y=",
            " style",
            "<script type=\"application/ld+json\">",
            "<title>",
            "<plaintext>",
            "<noscript>",
            "<br/>",
            "é",
            "\u{1F600}",
            "a",
            " ",
            "=\"",
            "'",
            "<x-y>",
            "</SCRIPT>",
        ];
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..3000 {
            let len = rng.usize(0..120);
            let input: String = (0..len)
                .map(|_| PIECES[rng.usize(0..PIECES.len())])
                .collect();
            let max = rng.usize(0..6);
            let out = prune(&input, max);
            assert!(out.len() <= input.len(), "{input:?} -> {out:?}");
            let whole = prune(&input, MAX_NESTING);
            assert_eq!(outline(&whole), outline(&input), "{input:?} -> {whole:?}");
            let slim = prune_for_extraction(&input, MAX_NESTING);
            assert_eq!(
                outline_of(&slim, extraction_reads),
                outline_of(&input, extraction_reads),
                "{input:?} -> {slim:?}"
            );
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
        assert!(prune(&page, 100).len() < 1000);
    }
}
