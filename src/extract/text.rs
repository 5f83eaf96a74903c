//! Normalisation of the strings extraction pulls out of a page: entity decoding, whitespace,
//! length caps, keyword lists, language tags, URLs and `<title>` site suffixes.
//!
//! Every value that leaves [`crate::extract`] passes through here, so hostile or sloppy pages
//! (double-encoded entities, markup inside JSON-LD strings, megabyte attributes) stay bounded
//! and tidy.

use regex::Regex;
use std::sync::LazyLock;
use url::Url;

pub(crate) const MAX_TITLE_CHARS: usize = 1000;
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 5000;
pub(crate) const MAX_SHORT_CHARS: usize = 300;
pub(crate) const MAX_KEYWORDS: usize = 100;
pub(crate) const MAX_KEYWORD_CHARS: usize = 100;
pub(crate) const MAX_URL_CHARS: usize = 2048;
/// Inputs are cut to this many chars before any work so a hostile attribute costs little.
const MAX_RAW_CHARS: usize = 20_000;

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</?[A-Za-z][^<>]{0,2000}>|<!--.*?-->").expect("valid regex"));

/// Decodes entities (twice, because CMSes often double-encode), drops markup that leaked into
/// a value, collapses whitespace and caps the length. `None` when nothing is left.
pub(crate) fn clean_text(raw: &str, max_chars: usize) -> Option<String> {
    let raw: String = raw.chars().take(MAX_RAW_CHARS).collect();
    let mut s = decode_entities(&raw);
    if s.contains('&') {
        s = decode_entities(&s);
    }
    if s.contains('<') {
        s = TAG.replace_all(&s, " ").into_owned();
    }
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let capped: String = collapsed.chars().take(max_chars).collect();
    let capped = capped.trim();
    (!capped.is_empty()).then(|| capped.to_string())
}

/// Named entities seen in real metadata; numeric references are decoded in general.
fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "middot" => '·',
        "bull" => '•',
        "deg" => '°',
        "shy" => '\u{ad}',
        "aacute" => 'á',
        "eacute" => 'é',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "agrave" => 'à',
        "egrave" => 'è',
        "ograve" => 'ò',
        "acirc" => 'â',
        "ecirc" => 'ê',
        "ocirc" => 'ô',
        "auml" => 'ä',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "Auml" => 'Ä',
        "Ouml" => 'Ö',
        "Uuml" => 'Ü',
        "szlig" => 'ß',
        "ntilde" => 'ñ',
        "ccedil" => 'ç',
        "atilde" => 'ã',
        "otilde" => 'õ',
        "Eacute" => 'É',
        _ => return None,
    })
}

pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let end = rest[1..]
            .char_indices()
            .take(10)
            .find(|&(_, c)| c == ';' || !c.is_ascii_alphanumeric() && c != '#')
            .filter(|&(_, c)| c == ';')
            .map(|(i, _)| i + 1);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = if let Some(num) = name.strip_prefix('#') {
                let code = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse().ok(),
                };
                code.and_then(char::from_u32)
            } else {
                named_entity(name)
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Splits keyword text on commas and semicolons into `out`, trimming, dropping empties and
/// case-insensitive duplicates, keeping order, within the count and length caps.
pub(crate) fn push_keywords(raw: &str, out: &mut Vec<String>) {
    for part in raw.split([',', ';']) {
        if out.len() >= MAX_KEYWORDS {
            return;
        }
        let Some(kw) = clean_text(part, MAX_KEYWORD_CHARS) else {
            continue;
        };
        if is_machine_id(&kw) {
            continue;
        }
        let lower = kw.to_lowercase();
        if !out.iter().any(|k| k.to_lowercase() == lower) {
            out.push(kw);
        }
    }
}

/// CMS ids that leak into keyword lists (`8ae9ab2d-fe1b-4230-acb8-a59b52877682`) are not
/// keywords.
fn is_machine_id(kw: &str) -> bool {
    kw.len() >= 16
        && kw.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
        && kw.bytes().any(|b| b.is_ascii_digit())
}

static LANG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([a-z]{2,3})(?:-([a-z0-9-]*))?$").expect("valid regex"));

/// Normalises a language tag to lower-case `ll` or `ll-rr`: `_` becomes `-`, script and other
/// subtags are dropped (`zh-Hans-CN` -> `zh-cn`), and a region that merely repeats the
/// language (`en_EN`, `de-DE`) collapses to `ll`. The first of a list (`en, fr`) wins.
pub(crate) fn normalize_lang(raw: &str) -> Option<String> {
    let first = raw.split([',', ';']).next()?.trim().replace('_', "-");
    let lower = first.to_ascii_lowercase();
    let caps = LANG.captures(&lower)?;
    let lang = caps.get(1)?.as_str();
    let region = caps.get(2).and_then(|rest| {
        rest.as_str().split('-').find(|sub| {
            sub.len() == 2 && sub.bytes().all(|b| b.is_ascii_alphabetic())
                || sub.len() == 3 && sub.bytes().all(|b| b.is_ascii_digit())
        })
    });
    Some(match region {
        Some(r) if r != lang => format!("{lang}-{r}"),
        _ => lang.to_string(),
    })
}

/// Resolves `raw` against `base` and keeps it only if it is an http(s) URL of sane length.
pub(crate) fn resolve_url(raw: &str, base: &Url) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > MAX_URL_CHARS {
        return None;
    }
    let raw = decode_entities(raw);
    let url = base.join(raw.trim()).ok()?;
    matches!(url.scheme(), "http" | "https")
        .then(|| url.to_string())
        .filter(|u| u.len() <= MAX_URL_CHARS)
}

/// The candidates of a `srcset` as `(URL, width)`: a `w` descriptor gives the width, an `x`
/// descriptor a nominal 1000 per unit of density, none 0. URLs may contain commas (`w_800,c_fit`),
/// so a candidate ends at whitespace, as the HTML parsing rules say, not at any comma.
pub(crate) fn parse_srcset(set: &str) -> Vec<(String, u32)> {
    srcset_candidates(set, true)
}

/// The candidates of a `srcset` that state a width (`800w`), for a set with no `width`
/// attribute beside it, where an `x` density says nothing about size.
pub(crate) fn srcset_widths(set: &str) -> Vec<(String, u32)> {
    srcset_candidates(set, false)
}

fn srcset_candidates(set: &str, densities: bool) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let skip = |s: &str| {
        s.trim_start_matches(|c: char| c.is_whitespace() || c == ',')
            .len()
    };
    let mut rest = &set[set.len() - skip(set)..];
    while !rest.is_empty() && out.len() < MAX_SRCSET_CANDIDATES {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (url, after) = rest.split_at(end);
        rest = after;
        let (mut width, mut keep) = (0, true);
        let url = match url.strip_suffix(',') {
            Some(u) => u,
            None => {
                let dend = rest.find(',').unwrap_or(rest.len());
                let desc = rest[..dend].trim();
                rest = &rest[dend..];
                if let Some(w) = desc.strip_suffix(['w', 'W']) {
                    width = w.trim().parse().unwrap_or(0);
                } else if let Some(x) = desc.strip_suffix(['x', 'X']) {
                    keep = densities;
                    width = (x.trim().parse::<f32>().unwrap_or(0.0) * 1000.0) as u32;
                }
                url
            }
        };
        rest = &rest[rest.len() - skip(rest)..];
        if keep && !url.is_empty() {
            out.push((url.to_string(), width));
        }
    }
    out
}

/// More `srcset` candidates than this are not renditions worth reading.
const MAX_SRCSET_CANDIDATES: usize = 50;

/// `s` without `suffix`, compared case-insensitively (byte lengths must agree, so slicing is
/// always on a char boundary).
fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(cut) && eq_ci(&s[cut..], suffix)).then(|| &s[..cut])
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let cut = prefix.len();
    (s.len() >= cut && s.is_char_boundary(cut) && eq_ci(&s[..cut], prefix)).then(|| &s[cut..])
}

/// Equal ignoring case, without allocating: these run for every site name and separator.
fn eq_ci(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// Names a site goes by that can be read off its host: `news.example.co.uk` gives
/// `news.example.co.uk` and `example` (the label before a public suffix like `co.uk`).
pub(crate) fn host_names(host: &str) -> Vec<String> {
    let host = host.trim_start_matches("www.").to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let mut names = vec![host.clone()];
    if labels.len() >= 2 {
        let mut i = labels.len() - 2;
        // `co.uk`, `com.au`: a short second-level label belongs to the suffix.
        if labels[i].len() <= 3 && labels.len() >= 3 {
            i -= 1;
        }
        if labels[i].len() >= 3 {
            names.push(labels[i].to_string());
        }
    }
    names
}

/// Separators sites put between a headline and their name in `<title>`.
const TITLE_SEPARATORS: [&str; 10] = [
    " | ", " - ", " -- ", " – ", " — ", " :: ", " · ", " • ", " « ", " » ",
];

/// Separators that part a `<title>` into headline, section and site names; dashes and colons
/// are left out because headlines use them too.
const PART_SEPARATORS: [&str; 5] = [" | ", " » ", " « ", " :: ", " // "];

/// The longest of the parts a title is split into by [`PART_SEPARATORS`] (the whole title when
/// it has none).
pub(crate) fn longest_part(title: &str) -> &str {
    let mut parts = vec![title];
    for sep in PART_SEPARATORS {
        parts = parts.iter().flat_map(|p| p.split(sep)).collect();
    }
    parts
        .into_iter()
        .map(str::trim)
        .rev()
        .max_by_key(|p| p.chars().count())
        .filter(|p| !p.is_empty())
        .unwrap_or(title)
}

/// Whether `part` is the last part of `title` after a [`TITLE_SEPARATORS`] separator, and
/// shorter than the rest (the place and the size of a site's name).
pub(crate) fn is_site_part(title: &str, part: &str) -> bool {
    let Some(head) = strip_suffix_ci(title, part) else {
        return false;
    };
    TITLE_SEPARATORS.iter().any(|sep| {
        head.strip_suffix(sep).is_some_and(|rest| {
            let rest = rest.trim();
            !rest.is_empty() && rest.chars().count() > part.chars().count()
        })
    })
}

/// Whether `title` is `bare` followed by a short tail that starts with punctuation and ends
/// with one of `site_names` (`Headline-Sectionㅣ Site`, `Headline (Section) Site`).
pub(crate) fn is_site_decoration_of(title: &str, bare: &str, site_names: &[String]) -> bool {
    let Some(rest) = strip_prefix_ci(title, bare) else {
        return false;
    };
    let rest = rest.trim();
    !bare.trim().is_empty()
        && rest.chars().count() <= 40
        && rest
            .chars()
            .next()
            .is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace())
        && site_names.iter().map(|n| n.trim()).any(|name| {
            !name.is_empty()
                && strip_suffix_ci(rest, name).is_some_and(|before| !before.trim().is_empty())
        })
}

/// Marks that end a kicker (a topic or section label) before the headline proper.
const KICKER_ENDS: [&str; 4] = [":", " -", " –", " —"];

/// A kicker is a label, not a sentence.
const MAX_KICKER_CHARS: usize = 40;

/// Whether `title` is `heading` behind a short kicker: `Politics: Heading`, `Label - Heading`.
/// The kicker is shorter than the heading: `Post Title - Blog Name` with the blog's name as the
/// heading is a site suffix, not a kicker.
pub(crate) fn is_kicker_of(title: &str, heading: &str) -> bool {
    let Some(head) = strip_suffix_ci(title, heading) else {
        return false;
    };
    let head = head.trim_end();
    let max = MAX_KICKER_CHARS.min(heading.chars().count().saturating_sub(1));
    KICKER_ENDS.iter().any(|end| {
        head.strip_suffix(end).is_some_and(|kicker| {
            let n = kicker.trim().chars().count();
            n > 0 && n <= max
        })
    })
}

/// Whether a title part spells one of the site's names in other words: spaced or styled
/// differently (`La Stampa` for `lastampa.it`), or the words of a hyphenated host label
/// making up most of it (`Berliner Leichtathletik Verband` on `leichtathletik-berlin.de`).
fn spells_site_name(part: &str, site_names: &[String]) -> bool {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let part = fold(part);
    if part.is_empty() {
        return false;
    }
    site_names.iter().any(|name| {
        if fold(name) == part {
            return true;
        }
        let words: Vec<String> = name
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(fold)
            .collect();
        let covered: usize = words.iter().map(|w| w.chars().count()).sum();
        !words.is_empty()
            && words.iter().all(|w| part.contains(w.as_str()))
            && 2 * covered >= part.chars().count()
    })
}

/// Drops a site-name part from a `<title>`-like string. A part is dropped when it equals the
/// site name (at either end), or when it is a short trailing part after the last separator
/// and some other title of the page (`<h1>`, og:title) has the rest but not that part.
pub(crate) fn strip_site_suffix(title: &str, site_names: &[String], others: &[&str]) -> String {
    let fold = |s: &str| s.to_lowercase();
    let mut title = title.trim().to_string();
    for name in site_names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
    {
        for sep in TITLE_SEPARATORS {
            if let Some(head) = strip_suffix_ci(&title, name).and_then(|h| h.strip_suffix(sep)) {
                if !head.trim().is_empty() {
                    title = head.trim().to_string();
                }
            } else if let Some(tail) =
                strip_prefix_ci(&title, name).and_then(|t| t.strip_prefix(sep))
            {
                if !tail.trim().is_empty() {
                    title = tail.trim().to_string();
                }
            }
        }
    }
    let others: Vec<String> = others.iter().map(|o| fold(o)).collect();
    if let Some((sep, pos)) = TITLE_SEPARATORS
        .iter()
        .filter_map(|sep| title.rfind(sep).map(|p| (*sep, p)))
        .max_by_key(|&(_, p)| p)
    {
        let head = title[..pos].trim();
        let tail = title[pos + sep.len()..].trim();
        let (head_l, tail_l) = (fold(head), fold(tail));
        let tail_chars = tail.chars().count();
        let short = tail_chars <= 40 && tail_chars < head.chars().count();
        let named = tail_chars <= 40 && spells_site_name(tail, site_names);
        if !head.is_empty()
            && (named
                || short
                    && others
                        .iter()
                        .any(|o| o.contains(&head_l) && !o.contains(&tail_l)))
        {
            return head.to_string();
        }
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_part_of_a_title_made_of_parts() {
        assert_eq!(
            longest_part("Blog Archive » Podcasts in a media server"),
            "Podcasts in a media server"
        );
        assert_eq!(
            longest_part("Can I update over mobile data? | Phones | Forum"),
            "Can I update over mobile data?"
        );
        assert_eq!(
            longest_part("Storm - Coast road shut"),
            "Storm - Coast road shut"
        );
    }

    #[test]
    fn srcset_candidates_with_widths_densities_and_commas_in_urls() {
        assert_eq!(
            parse_srcset("a.jpg 320w, /b/c_fit,w_800/b.jpg 800w,c.jpg 2x , d.jpg"),
            [
                ("a.jpg".to_string(), 320),
                ("/b/c_fit,w_800/b.jpg".to_string(), 800),
                ("c.jpg".to_string(), 2000),
                ("d.jpg".to_string(), 0)
            ]
        );
        assert!(parse_srcset(" , ").is_empty());
        assert_eq!(
            srcset_widths("a.jpg 1x, b.jpg 640w,c.jpg 2x, d.jpg 1280w"),
            [("b.jpg".to_string(), 640), ("d.jpg".to_string(), 1280)]
        );
    }

    #[test]
    fn clean_text_decodes_double_encoding_drops_tags_and_collapses() {
        assert_eq!(
            clean_text("  AT&amp;amp;T &#8217;s\n\t<b>big</b>   day&nbsp;", 100).unwrap(),
            "AT&T ’s big day"
        );
        assert_eq!(clean_text(" \n ", 100), None);
        assert_eq!(
            clean_text("a &unknown; b & c", 100).unwrap(),
            "a &unknown; b & c"
        );
    }

    #[test]
    fn clean_text_caps_length_on_char_boundaries() {
        assert_eq!(clean_text(&"é".repeat(50), 10).unwrap().chars().count(), 10);
    }

    #[test]
    fn keywords_split_trimmed_deduplicated_in_order() {
        let mut out = Vec::new();
        push_keywords("Russia, china;; Military ,russia,", &mut out);
        push_keywords("CHINA; Defense", &mut out);
        assert_eq!(out, ["Russia", "china", "Military", "Defense"]);
    }

    #[test]
    fn keyword_lists_drop_machine_ids() {
        let mut out = Vec::new();
        push_keywords(
            "8ae9ab2d-fe1b-4230-acb8-a59b52877682, Budget, deadbeefcafe",
            &mut out,
        );
        assert_eq!(out, ["Budget", "deadbeefcafe"]);
    }

    #[test]
    fn keywords_are_capped() {
        let mut out = Vec::new();
        let many: Vec<String> = (0..500).map(|i| format!("k{i}")).collect();
        push_keywords(&many.join(","), &mut out);
        assert_eq!(out.len(), MAX_KEYWORDS);
    }

    #[test]
    fn languages_normalise_to_ll_or_ll_rr() {
        assert_eq!(normalize_lang("en_EN").as_deref(), Some("en"));
        assert_eq!(normalize_lang("en-US").as_deref(), Some("en-us"));
        assert_eq!(normalize_lang("pt_BR").as_deref(), Some("pt-br"));
        assert_eq!(normalize_lang("de-DE").as_deref(), Some("de"));
        assert_eq!(normalize_lang("zh-Hans-CN").as_deref(), Some("zh-cn"));
        assert_eq!(normalize_lang("es-419").as_deref(), Some("es-419"));
        assert_eq!(normalize_lang("FR").as_deref(), Some("fr"));
        assert_eq!(normalize_lang("en, fr").as_deref(), Some("en"));
        assert_eq!(normalize_lang("english please"), None);
        assert_eq!(normalize_lang(""), None);
    }

    #[test]
    fn urls_resolve_relative_and_protocol_relative_http_only() {
        let base = Url::parse("https://news.example/world/story.html").unwrap();
        assert_eq!(
            resolve_url("//cdn.example/a.jpg", &base).as_deref(),
            Some("https://cdn.example/a.jpg")
        );
        assert_eq!(
            resolve_url("../img/a.jpg?w=1&amp;h=2", &base).as_deref(),
            Some("https://news.example/img/a.jpg?w=1&h=2")
        );
        assert_eq!(resolve_url("data:image/png;base64,AAAA", &base), None);
        assert_eq!(resolve_url("javascript:void(0)", &base), None);
        assert_eq!(resolve_url("", &base), None);
    }

    #[test]
    fn title_suffix_matching_site_name_is_dropped() {
        let site = vec!["Daily Example".to_string()];
        assert_eq!(
            strip_site_suffix(
                "Minister Says Yes - Talks Go On | Daily Example",
                &site,
                &[]
            ),
            "Minister Says Yes - Talks Go On"
        );
        assert_eq!(
            strip_site_suffix("Daily Example - Minister Says Yes", &site, &[]),
            "Minister Says Yes"
        );
        // The site's name spelled with spaces, or in words of its hyphenated host label.
        let hosts = host_names("www.dailyexample.com");
        assert_eq!(
            strip_site_suffix("Minister Says Yes - Daily Example", &hosts, &[]),
            "Minister Says Yes"
        );
        let hosts = host_names("rowing-leeds.org");
        assert_eq!(
            strip_site_suffix("Crews Meet on the River - Leeds Rowing Club", &hosts, &[]),
            "Crews Meet on the River"
        );
        // A part that only mentions a host word is kept.
        let hosts = host_names("news.example");
        assert_eq!(
            strip_site_suffix("Storm Ends - Newsome Reacts at the Harbour", &hosts, &[]),
            "Storm Ends - Newsome Reacts at the Harbour"
        );
        // A double hyphen stands for a dash.
        assert_eq!(
            strip_site_suffix("Minister Says Yes -- Daily Example", &site, &[]),
            "Minister Says Yes"
        );
        // A headline that merely contains a dash keeps it when nothing says it is a site name.
        assert_eq!(
            strip_site_suffix("Ready to Cooperate - Defense Minister", &[], &[]),
            "Ready to Cooperate - Defense Minister"
        );
    }

    #[test]
    fn site_part_is_the_last_and_shorter_part() {
        assert!(is_site_part("Long Post Title - Blog", "Blog"));
        assert!(is_site_part("Long Post Title | blog", "Blog"));
        assert!(!is_site_part("Blog - Long Post Title", "Blog"));
        assert!(!is_site_part("Kicker - Long Post Title", "Long Post Title"));
        assert!(!is_site_part("Long Post Title", "Long Post Title"));
        assert!(!is_site_part("Long Post Title: Blog", "Blog"));
    }

    #[test]
    fn kicker_is_a_short_label_ending_in_a_colon_or_dash() {
        assert!(is_kicker_of("Chronicle: Storm ends", "Storm ends"));
        assert!(is_kicker_of("Local - Storm ends", "storm ends"));
        assert!(!is_kicker_of("Storm ends", "Storm ends"));
        assert!(!is_kicker_of("The Storm ends", "Storm ends"));
        assert!(!is_kicker_of("Opinion | Storm ends", "Storm ends"));
        assert!(!is_kicker_of("A long post title - Blog", "Blog"));
        let long = format!("{}: Storm ends", "word ".repeat(10));
        assert!(!is_kicker_of(&long, "Storm ends"));
    }

    #[test]
    fn host_names_include_the_registrable_label() {
        assert_eq!(host_names("www.smava.de"), ["smava.de", "smava"]);
        assert_eq!(
            host_names("news.example.co.uk"),
            ["news.example.co.uk", "example"]
        );
        assert_eq!(
            strip_site_suffix(
                "Loans: what they cost | SMAVA",
                &host_names("www.smava.de"),
                &[]
            ),
            "Loans: what they cost"
        );
    }

    #[test]
    fn short_trailing_part_missing_from_h1_is_dropped() {
        assert_eq!(
            strip_site_suffix(
                "Storm closes the coastal road for a week | DE",
                &[],
                &["Storm closes the coastal road for a week"]
            ),
            "Storm closes the coastal road for a week"
        );
        // The h1 has the trailing part too: it belongs to the headline.
        assert_eq!(
            strip_site_suffix(
                "Ready to Cooperate Closely - Defense Minister",
                &[],
                &["Ready to Cooperate Closely - Defense Minister"]
            ),
            "Ready to Cooperate Closely - Defense Minister"
        );
    }
}
