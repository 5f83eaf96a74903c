//! Fetched bytes -> HTML text: finds the character encoding of a page and decodes it (pure).
//!
//! The fetcher hands over raw bytes and the `Content-Type` header; discovery and extraction want
//! text. Getting the encoding wrong turns every non-ASCII headline into mojibake, so this follows
//! the order browsers use (the WHATWG HTML encoding sniffing algorithm, trimmed to what a
//! non-streaming reader needs):
//!
//! 1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE);
//! 2. the `charset=` parameter of the `Content-Type` header;
//! 3. `<meta charset>` or `<meta http-equiv="Content-Type" content="...charset=...">` found by a
//!    cheap byte prescan of the first [`PRESCAN_BYTES`], as the spec describes (no full parse);
//! 4. a guess from the bytes: valid UTF-8 is UTF-8, anything else goes to `chardetng`;
//! 5. UTF-8.
//!
//! One departure from browsers: when the header or `<meta>` names a legacy encoding but the
//! bytes are valid UTF-8 with plenty of non-ASCII text, they are read as UTF-8 (see
//! [`CharsetSource::Utf8Overrides`]); mislabelled UTF-8 pages are common, the reverse is not.
//!
//! Labels are resolved by `encoding_rs` with the WHATWG label table, so `iso-8859-1`, `latin1`
//! and `ascii` mean windows-1252 as they do in browsers. Invalid byte sequences decode to U+FFFD;
//! nothing here panics on any input.

use encoding_rs::{Encoding, REPLACEMENT, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, X_USER_DEFINED};

/// How much of the page the `<meta>` prescan reads. The spec says 1024 bytes; real pages put a
/// lot of script before their meta tags, and the scan is cheap.
pub const PRESCAN_BYTES: usize = 4096;

/// Non-ASCII characters in valid UTF-8 that outweigh a declared legacy encoding.
const MIN_UTF8_EVIDENCE: usize = 8;

/// How much of the page `chardetng` reads when it has to guess.
const SNIFF_BYTES: usize = 256 * 1024;

/// Where the encoding of a page came from, for `sitefeed probe` and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    /// A byte order mark at the start of the body.
    Bom,
    /// The `charset=` parameter of the `Content-Type` header.
    Header,
    /// A `<meta>` element in the first [`PRESCAN_BYTES`].
    Meta,
    /// Guessed from the bytes (valid UTF-8, or `chardetng`).
    Sniffed,
    /// The header or a `<meta>` named a legacy encoding, but the bytes are plainly UTF-8.
    Utf8Overrides,
    /// Nothing to go on: pure ASCII, read as UTF-8.
    Default,
}

/// Decodes a fetched HTML body to text, returning the text and the encoding used.
///
/// `content_type` is the raw `Content-Type` header value, if the response had one. A byte order
/// mark is removed from the text. See the module docs for the order of precedence.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> (String, &'static Encoding) {
    let (encoding, source) = detect_encoding(bytes, content_type);
    let (text, _had_errors) = if source == CharsetSource::Bom {
        encoding.decode_with_bom_removal(bytes)
    } else {
        encoding.decode_without_bom_handling(bytes)
    };
    (text.into_owned(), encoding)
}

/// Finds the encoding of an HTML body and where that answer came from, without decoding it.
pub fn detect_encoding(
    bytes: &[u8],
    content_type: Option<&str>,
) -> (&'static Encoding, CharsetSource) {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return (encoding, CharsetSource::Bom);
    }
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    let declared = match content_type.and_then(charset_param).and_then(usable_label) {
        Some(encoding) => Some((encoding, CharsetSource::Header)),
        None => prescan(head).map(|encoding| (encoding, CharsetSource::Meta)),
    };
    match declared {
        Some((encoding, _)) if is_legacy(encoding) && plainly_utf8(bytes) => {
            (UTF_8, CharsetSource::Utf8Overrides)
        }
        Some(declared) => declared,
        None => sniff(bytes),
    }
}

/// Single- and multi-byte legacy encodings, whose text is practically never valid UTF-8.
fn is_legacy(encoding: &'static Encoding) -> bool {
    encoding != UTF_8 && encoding != UTF_16LE && encoding != UTF_16BE
}

/// Whether the bytes are valid UTF-8 with a fair number of non-ASCII characters. Servers that
/// add a default `charset=iso-8859-1` to UTF-8 pages, and proxies or archives that transcode a
/// page but keep its `<meta>`, are common; legacy-encoded text that happens to be valid UTF-8
/// for dozens of characters is not. Browsers trust the label; a feed reader does better not to.
fn plainly_utf8(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let valid = match std::str::from_utf8(sample) {
        Ok(text) => text,
        // A sample cut inside a character is still valid UTF-8.
        Err(e) if e.error_len().is_none() && sample.len() < bytes.len() => {
            std::str::from_utf8(&sample[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    valid
        .chars()
        .filter(|c| !c.is_ascii())
        .take(MIN_UTF8_EVIDENCE)
        .count()
        >= MIN_UTF8_EVIDENCE
}

/// An encoding for a label, except the "replacement" encoding: the spec maps labels like
/// `iso-2022-kr` to it and it decodes a whole page to a single U+FFFD, which helps no feed.
fn usable_label(label: &[u8]) -> Option<&'static Encoding> {
    Encoding::for_label(label).filter(|e| *e != REPLACEMENT)
}

/// The value of the `charset` parameter of a `Content-Type` header value, unquoted.
fn charset_param(content_type: &str) -> Option<&[u8]> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        (!value.is_empty()).then_some(value.as_bytes())
    })
}

/// The encoding a `<meta>` element declares, by the spec's "prescan a byte stream" algorithm:
/// comments, other tags and their attributes are skipped byte by byte, so a `charset` in a
/// script string or a comment does not count.
fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        if rest.starts_with(b"<!--") {
            pos = find(bytes, pos + 2, b"-->").map_or(bytes.len(), |end| end + 3);
        } else if starts_with_ignore_case(rest, b"<meta")
            && rest.get(5).is_some_and(|&b| is_space(b) || b == b'/')
        {
            pos += 5;
            if let Some(encoding) = meta_encoding(bytes, &mut pos) {
                return Some(encoding);
            }
        } else if rest.len() >= 2
            && rest[0] == b'<'
            && (rest[1].is_ascii_alphabetic()
                || (rest[1] == b'/' && rest.get(2).is_some_and(u8::is_ascii_alphabetic)))
        {
            // Another tag: skip its name and attributes, whose values may contain `<meta`.
            pos += 1;
            while pos < bytes.len() && !is_space(bytes[pos]) && bytes[pos] != b'>' {
                pos += 1;
            }
            while attribute(bytes, &mut pos).is_some() {}
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            pos = find(bytes, pos, b">").map_or(bytes.len(), |end| end + 1);
        } else {
            pos += 1;
        }
    }
    None
}

/// Reads the attributes of one `<meta>` element and returns the encoding it declares, if any.
fn meta_encoding(bytes: &[u8], pos: &mut usize) -> Option<&'static Encoding> {
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let mut got_pragma = false;
    let mut need_pragma = None;
    let mut charset: Option<Vec<u8>> = None;
    while let Some((name, value)) = attribute(bytes, pos) {
        if seen.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" => got_pragma |= value == b"content-type",
            b"content" if charset.is_none() => {
                if let Some(found) = charset_in_content(&value) {
                    charset = Some(found);
                    need_pragma = Some(true);
                }
            }
            b"charset" => {
                charset = Some(value.clone());
                need_pragma = Some(false);
            }
            _ => {}
        }
        seen.push(name);
    }
    match need_pragma {
        None => return None,
        Some(true) if !got_pragma => return None,
        _ => {}
    }
    let encoding = usable_label(&charset?)?;
    // A page that says UTF-16 in ASCII bytes is not UTF-16; browsers read it as UTF-8.
    Some(if encoding == UTF_16LE || encoding == UTF_16BE {
        UTF_8
    } else if encoding == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        encoding
    })
}

/// The spec's "get an attribute": reads one `name=value` pair at `pos` (names and values
/// lowercased), or `None` at the end of the tag.
fn attribute(bytes: &[u8], pos: &mut usize) -> Option<(Vec<u8>, Vec<u8>)> {
    let at = |p: usize| bytes.get(p).copied();
    while at(*pos).is_some_and(|b| is_space(b) || b == b'/') {
        *pos += 1;
    }
    match at(*pos) {
        None => return None,
        Some(b'>') => {
            *pos += 1;
            return None;
        }
        _ => {}
    }
    let mut name = Vec::new();
    let mut value = Vec::new();
    // The name runs to `=`, space, `/` or `>`; a first `=` belongs to the name.
    loop {
        let Some(b) = at(*pos) else {
            return Some((name, value));
        };
        if b == b'=' && !name.is_empty() {
            *pos += 1;
            break;
        } else if is_space(b) {
            while at(*pos).is_some_and(is_space) {
                *pos += 1;
            }
            if at(*pos) != Some(b'=') {
                return Some((name, value));
            }
            *pos += 1;
            break;
        } else if b == b'/' || b == b'>' {
            return Some((name, value));
        }
        name.push(b.to_ascii_lowercase());
        *pos += 1;
    }
    while at(*pos).is_some_and(is_space) {
        *pos += 1;
    }
    match at(*pos) {
        Some(quote @ (b'"' | b'\'')) => {
            *pos += 1;
            while let Some(b) = at(*pos) {
                *pos += 1;
                if b == quote {
                    break;
                }
                value.push(b.to_ascii_lowercase());
            }
        }
        Some(b'>') | None => {}
        Some(_) => {
            while let Some(b) = at(*pos).filter(|&b| !is_space(b) && b != b'>') {
                value.push(b.to_ascii_lowercase());
                *pos += 1;
            }
        }
    }
    Some((name, value))
}

/// The spec's "extract a character encoding from a meta element": the label after `charset=`
/// in a `content` value such as `text/html; charset=windows-1251`.
fn charset_in_content(content: &[u8]) -> Option<Vec<u8>> {
    let mut pos = 0;
    loop {
        let start = find_ignore_case(content, pos, b"charset")? + b"charset".len();
        pos = start;
        while content.get(pos).copied().is_some_and(is_space) {
            pos += 1;
        }
        if content.get(pos) != Some(&b'=') {
            continue;
        }
        pos += 1;
        while content.get(pos).copied().is_some_and(is_space) {
            pos += 1;
        }
        return match content.get(pos) {
            Some(&quote @ (b'"' | b'\'')) => {
                let end = content[pos + 1..].iter().position(|&b| b == quote)?;
                Some(content[pos + 1..pos + 1 + end].to_vec())
            }
            Some(_) => {
                let end = content[pos..]
                    .iter()
                    .position(|&b| is_space(b) || b == b';')
                    .unwrap_or(content.len() - pos);
                Some(content[pos..pos + end].to_vec())
            }
            None => None,
        };
    }
}

/// Guesses the encoding of a page that does not declare one.
fn sniff(bytes: &[u8]) -> (&'static Encoding, CharsetSource) {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if Encoding::ascii_valid_up_to(sample) == sample.len() {
        return (UTF_8, CharsetSource::Default);
    }
    if mostly_utf8(sample) {
        return (UTF_8, CharsetSource::Sniffed);
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(sample, sample.len() == bytes.len());
    (detector.guess(None, false), CharsetSource::Sniffed)
}

/// Whether the non-ASCII bytes are UTF-8 sequences with at most a stray broken one: a UTF-8 page
/// with one bad byte (a truncated paste, a cut at the sample's end) is still UTF-8, not
/// windows-1252 mojibake.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    valid > 0 && invalid * 20 <= valid
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn find_ignore_case(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|i| i + from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{GBK, SHIFT_JIS, WINDOWS_1251};

    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        encoding.encode(text).0.into_owned()
    }

    #[test]
    fn utf8_bom_wins_over_header_and_is_removed() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend("<p>caf\u{e9}</p>".as_bytes());
        let (text, encoding) = decode_html(&bytes, Some("text/html; charset=windows-1252"));
        assert_eq!((text.as_str(), encoding), ("<p>caf\u{e9}</p>", UTF_8));
    }

    #[test]
    fn utf16_boms() {
        let text = "<p>\u{41f}\u{440}\u{438}\u{432}\u{435}\u{442}</p>";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_html(&le, None), (text.to_owned(), UTF_16LE));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(
            decode_html(&be, Some("text/html; charset=utf-8")),
            (text.to_owned(), UTF_16BE)
        );
    }

    #[test]
    fn header_charset_windows_1251() {
        let html = "<html><body><h1>Новости дня: погода в Москве</h1></body></html>";
        let bytes = encode(WINDOWS_1251, html);
        let (text, encoding) = decode_html(&bytes, Some("text/html; Charset=\"Windows-1251\""));
        assert_eq!((text.as_str(), encoding), (html, WINDOWS_1251));
        assert_eq!(
            detect_encoding(&bytes, Some("text/html;charset=cp1251")),
            (WINDOWS_1251, CharsetSource::Header)
        );
    }

    #[test]
    fn meta_charset_shift_jis() {
        let html = "<!doctype html><html><head><META CharSet=\"Shift_JIS\"><title>日本語のニュース</title></head></html>";
        let bytes = encode(SHIFT_JIS, html);
        let (text, encoding) = decode_html(&bytes, Some("text/html"));
        assert_eq!((text.as_str(), encoding), (html, SHIFT_JIS));
    }

    #[test]
    fn meta_http_equiv_gbk() {
        let html =
            "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">\
                    <title>今日新闻</title></head></html>";
        let bytes = encode(GBK, html);
        assert_eq!(detect_encoding(&bytes, None), (GBK, CharsetSource::Meta));
        assert_eq!(decode_html(&bytes, None).0, html);
    }

    #[test]
    fn meta_content_without_http_equiv_does_not_count() {
        // The spec requires the pragma for `content`; without it this is some other meta.
        let html = b"<meta name=\"x\" content=\"charset=koi8-r\"><p>plain</p>";
        assert_eq!(detect_encoding(html, None), (UTF_8, CharsetSource::Default));
    }

    #[test]
    fn meta_in_comments_or_attributes_is_ignored() {
        let html = b"<!-- <meta charset=gbk> --><div title='<meta charset=koi8-r>'></div>\
                     <meta charset='windows-1251'>";
        assert_eq!(
            detect_encoding(html, None),
            (WINDOWS_1251, CharsetSource::Meta)
        );
    }

    #[test]
    fn meta_utf16_means_utf8() {
        let html = "<meta charset=utf-16><p>\u{e9}t\u{e9}</p>";
        assert_eq!(decode_html(html.as_bytes(), None), (html.to_owned(), UTF_8));
    }

    #[test]
    fn meta_beyond_the_prescan_window_is_not_read() {
        let mut html = format!("<script>{}</script>", " ".repeat(PRESCAN_BYTES));
        html.push_str("<meta charset=windows-1251>");
        assert_eq!(
            detect_encoding(html.as_bytes(), None).1,
            CharsetSource::Default
        );
    }

    #[test]
    fn no_hint_windows_1252_is_sniffed() {
        let html = "<html><body><p>Le caf\u{e9} \u{e9}tait tr\u{e8}s agr\u{e9}able, \u{e0} c\u{f4}t\u{e9} \
                    de la gare. D\u{e9}j\u{e0} l'\u{e9}t\u{e9}, on y mangeait des cr\u{ea}pes \
                    \u{e0} la cr\u{e8}me fra\u{ee}che \u{2013} \u{ab} d\u{e9}licieux \u{bb}.</p></body></html>";
        let bytes = encode(WINDOWS_1252, html);
        let (text, encoding) = decode_html(&bytes, None);
        assert_eq!((text.as_str(), encoding), (html, WINDOWS_1252));
        assert_eq!(detect_encoding(&bytes, None).1, CharsetSource::Sniffed);
    }

    #[test]
    fn no_hint_valid_utf8_stays_utf8_even_with_a_stray_bad_byte() {
        let mut bytes = "<p>Ελληνικά νέα σήμερα, και πολλά ακόμη</p>"
            .as_bytes()
            .to_vec();
        assert_eq!(
            detect_encoding(&bytes, None),
            (UTF_8, CharsetSource::Sniffed)
        );
        bytes.push(0xC3);
        let (text, encoding) = decode_html(&bytes, None);
        assert_eq!(encoding, UTF_8);
        assert!(text.ends_with("</p>\u{FFFD}"));
    }

    #[test]
    fn header_wins_over_meta() {
        let html = "<meta charset=\"utf-8\"><p>Привет</p>";
        let bytes = encode(WINDOWS_1251, html);
        let (text, encoding) = decode_html(&bytes, Some("text/html; charset=windows-1251"));
        assert_eq!((text.as_str(), encoding), (html, WINDOWS_1251));
    }

    #[test]
    fn valid_utf8_outweighs_a_legacy_label() {
        let html = "<meta charset=euc-kr><p>서울 날씨가 맑고 따뜻합니다</p>";
        assert_eq!(
            decode_html(html.as_bytes(), Some("text/html; charset=iso-8859-1")),
            (html.to_owned(), UTF_8)
        );
        assert_eq!(
            detect_encoding(html.as_bytes(), None).1,
            CharsetSource::Utf8Overrides
        );
        // Two accented letters are not enough evidence to overrule the label.
        let (text, encoding) = decode_html(
            "caf\u{e9} \u{e9}t\u{e9}".as_bytes(),
            Some("text/html; charset=latin1"),
        );
        assert_eq!(encoding, WINDOWS_1252);
        assert!(text.starts_with("caf\u{c3}\u{a9}"));
    }

    #[test]
    fn latin1_and_ascii_labels_mean_windows_1252() {
        // 0x93/0x94 are curly quotes in windows-1252, control characters in real ISO-8859-1.
        for label in ["ISO-8859-1", "latin1", "us-ascii"] {
            let (text, encoding) =
                decode_html(b"\x93hi\x94", Some(&format!("text/html; charset={label}")));
            assert_eq!(
                (text.as_str(), encoding),
                ("\u{201c}hi\u{201d}", WINDOWS_1252)
            );
        }
    }

    #[test]
    fn unknown_and_replacement_labels_fall_through() {
        let bytes = b"<meta charset=\"iso-2022-kr\"><p>ok</p>";
        assert_eq!(
            detect_encoding(bytes, Some("text/html; charset=bogus")).0,
            UTF_8
        );
        assert_eq!(
            decode_html(bytes, None).0,
            "<meta charset=\"iso-2022-kr\"><p>ok</p>"
        );
    }

    #[test]
    fn garbage_never_panics() {
        let garbage: Vec<u8> = (0..=255u8).cycle().skip(3).take(3000).collect();
        let (text, _) = decode_html(&garbage, None);
        assert!(!text.is_empty());
        let (text, encoding) = decode_html(b"\xff\xc0\x80<p>", Some("text/html; charset=utf-8"));
        assert_eq!(encoding, UTF_8);
        assert!(text.contains('\u{FFFD}') && text.ends_with("<p>"));
        for bytes in [
            &b""[..],
            b"<",
            b"<meta",
            b"<meta charset",
            b"<meta charset='",
            b"<!--",
        ] {
            let _ = decode_html(bytes, Some("text/html; charset="));
        }
        assert_eq!(decode_html(b"", None), (String::new(), UTF_8));
    }
}
