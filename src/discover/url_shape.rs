//! What a link's URL says about it: its identity form (tracking noise removed), whether it stays
//! on the section's site, and how much its path looks like an article rather than a section, tag
//! or utility page. Pure string work, shared by the automatic heuristic and the explicit rules.

use url::Url;

/// Query parameters that only tell analytics where a click came from. Dropping them keeps one
/// article from showing up twice under two ids.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "ttclid",
    "li_fat_id",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "at_medium",
    "at_campaign",
    "ref_src",
    "cmpid",
    "ocid",
    "hpt",
];

fn is_tracking_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_") || TRACKING_PARAMS.contains(&name.as_str())
}

/// The form of an article URL used as its identity: fragment and tracking parameters dropped.
///
/// The remaining query is kept byte for byte (not re-encoded), so ids stay stable whatever
/// escaping the site uses.
pub fn normalize_url(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    if let Some(query) = url.query() {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| {
                let name = pair.split('=').next().unwrap_or_default();
                !pair.is_empty() && !is_tracking_param(name)
            })
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            let kept = kept.join("&");
            url.set_query(Some(&kept));
        }
    }
    url
}

/// Whether `url` is an http(s) link on the same site as `page`: the same host, where a leading
/// `www.` on either side does not count (many sites link both ways).
pub fn same_site(url: &Url, page: &Url) -> bool {
    fn bare(url: &Url) -> Option<&str> {
        let host = url.host_str()?;
        Some(host.strip_prefix("www.").unwrap_or(host))
    }
    is_web(url) && bare(url).is_some() && bare(url) == bare(page)
}

/// Whether `url` is something a feed can point at (not `mailto:`, `javascript:`, ...).
pub fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

/// First path segments of pages that list or serve other pages rather than tell a story.
const NON_ARTICLE_ROOTS: &[&str] = &[
    "tag",
    "tags",
    "category",
    "categories",
    "topic",
    "topics",
    "author",
    "authors",
    "section",
    "sections",
    "search",
    "page",
    "login",
    "logout",
    "signin",
    "signup",
    "register",
    "subscribe",
    "subscription",
    "account",
    "about",
    "about-us",
    "contact",
    "contacts",
    "privacy",
    "privacy-policy",
    "terms",
    "cookies",
    "rss",
    "feed",
    "feeds",
    "newsletter",
    "newsletters",
    "sitemap",
    "help",
    "faq",
    "advertise",
    "user",
    "users",
    "profile",
    "wp-admin",
    "wp-login.php",
    "cdn-cgi",
];

/// Segments that mark a listing wherever they appear (`/world/tag/x/`, `/news/page/2/`).
const NON_ARTICLE_SEGMENTS: &[&str] = &["tag", "tags", "category", "author", "authors", "page"];

/// Extensions of files that are never article pages.
const FILE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "ico", "pdf", "xml", "rss", "atom", "css",
    "js", "json", "mp3", "mp4", "webm", "zip", "txt",
];

/// Extensions that article pages of older CMSs carry.
const PAGE_EXTENSIONS: &[&str] = &["html", "htm", "shtml", "php", "asp", "aspx", "jsp"];

/// How much a URL looks like an article page: positive for article shapes (date segments, long
/// hyphenated slugs, numeric ids, `.html`), negative for section, tag and utility pages, `None`
/// for things that are not pages at all (images, feeds, the site root).
pub fn url_score(url: &Url) -> Option<i32> {
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let last = segments.last()?;
    let (stem, ext) = match last.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, ext.to_ascii_lowercase()),
        _ => (*last, String::new()),
    };
    if FILE_EXTENSIONS.contains(&ext.as_str()) {
        return None;
    }

    let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    if NON_ARTICLE_ROOTS.contains(&lower[0].as_str())
        || lower
            .iter()
            .any(|s| NON_ARTICLE_SEGMENTS.contains(&s.as_str()))
    {
        return Some(-3);
    }

    let mut score = 0;
    let has_date = has_date(&segments);
    if has_date {
        score += 2;
    }
    let slug = segments
        .iter()
        .map(|s| slug_words(s.rsplit_once('.').map_or(s, |(stem, _)| stem)))
        .max()
        .unwrap_or(0);
    let long_stem = stem.len() >= 12;
    if slug >= 3 {
        score += 2;
    } else if slug == 2 && long_stem {
        score += 1;
    }
    if has_numeric_id(&segments) || query_has_id(url) {
        score += if segments.len() >= 2 || slug >= 2 {
            2
        } else {
            1
        };
    }
    if PAGE_EXTENSIONS.contains(&ext.as_str()) {
        score += 1;
    }
    if segments.len() == 1 && score == 0 {
        // `/world/`, `/sport`: a section front.
        score -= 2;
    }
    Some(score)
}

/// A `yyyymmdd` segment, `yyyy/mm[/dd]` segments, or a `yyyy-mm-dd` inside a segment.
fn has_date(segments: &[&str]) -> bool {
    let year =
        |s: &str| s.len() == 4 && (s.starts_with("19") || s.starts_with("20")) && all_digits(s);
    let small = |s: &str| (1..=2).contains(&s.len()) && all_digits(s);
    let compact = |s: &str| {
        s.len() == 8 && all_digits(s) && year(&s[..4]) && {
            let month: u32 = s[4..6].parse().unwrap_or(0);
            let day: u32 = s[6..8].parse().unwrap_or(0);
            (1..=12).contains(&month) && (1..=31).contains(&day)
        }
    };
    let dashed = |s: &str| {
        let digits = |w: &[u8]| w.iter().all(u8::is_ascii_digit);
        s.as_bytes().windows(10).any(|w| {
            (w.starts_with(b"19") || w.starts_with(b"20"))
                && digits(&w[..4])
                && w[4] == b'-'
                && digits(&w[5..7])
                && w[7] == b'-'
                && digits(&w[8..])
        })
    };
    segments.iter().any(|s| compact(s) || dashed(s))
        || segments
            .windows(2)
            .any(|pair| year(pair[0]) && small(pair[1]))
}

/// Five or more digits in a row outside a date segment (`-1123533991.html`, `/story/123456`),
/// or a segment of four or more digits that is not a year.
fn has_numeric_id(segments: &[&str]) -> bool {
    segments.iter().any(|s| {
        let is_date = s.len() == 8 && all_digits(s);
        let is_year = s.len() == 4 && (s.starts_with("19") || s.starts_with("20"));
        if is_date || is_year {
            return false;
        }
        let longest_run = s
            .split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        longest_run >= 5 || (longest_run >= 4 && all_digits(s))
    })
}

/// `?p=123`, `?id=4567`, `?article=...`: classic CMS article addresses.
fn query_has_id(url: &Url) -> bool {
    url.query_pairs().any(|(name, value)| {
        matches!(
            name.to_ascii_lowercase().as_str(),
            "p" | "id" | "aid" | "article" | "articleid" | "story" | "storyid" | "newsid"
        ) && !value.is_empty()
    })
}

/// The number of words of two or more letters in a hyphen- or underscore-separated slug.
fn slug_words(segment: &str) -> usize {
    if !segment.contains(['-', '_']) {
        return 0;
    }
    segment
        .split(['-', '_', '+'])
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .count()
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn score(s: &str) -> Option<i32> {
        url_score(&url(s))
    }

    #[test]
    fn normalize_drops_fragment_and_tracking_but_keeps_real_query() {
        let u =
            url("https://ex.com/a-b?id=7&utm_source=x&UTM_Medium=y&fbclid=z&gclid=1&q=a%20b#top");
        assert_eq!(
            normalize_url(&u).as_str(),
            "https://ex.com/a-b?id=7&q=a%20b"
        );
        let u = url("https://ex.com/a?utm_campaign=x&_ga=2#frag");
        assert_eq!(normalize_url(&u).as_str(), "https://ex.com/a");
    }

    #[test]
    fn www_prefix_is_the_same_site_other_hosts_are_not() {
        let page = url("https://sputnikglobe.com/world/");
        assert!(same_site(&url("https://www.sputnikglobe.com/x"), &page));
        assert!(same_site(&url("http://sputnikglobe.com/x"), &page));
        assert!(!same_site(&url("https://cdn.sputnikglobe.com/x"), &page));
        assert!(!same_site(&url("https://othersite.com/x"), &page));
        assert!(!same_site(&url("mailto:a@sputnikglobe.com"), &page));
    }

    #[test]
    fn article_shapes_score_high() {
        let sputnik =
            "https://ex.com/20260127/leaders-meet-to-talk-about-grain-deal-1123533991.html";
        assert!(score(sputnik).unwrap() >= 5);
        assert!(score("https://ex.com/2026/01/27/council-votes-on-new-bridge/").unwrap() >= 4);
        assert!(score("https://ex.com/news/world-europe-68123456").unwrap() >= 3);
        assert!(score("https://ex.com/story/123456").unwrap() >= 2);
        assert!(score("https://ex.com/politics/2026-01-27-vote-count").unwrap() >= 2);
        assert!(
            score("https://ex.com/?p=123").is_none(),
            "site root is no article"
        );
        assert!(score("https://ex.com/index.php?p=123").unwrap() >= 2);
    }

    #[test]
    fn section_tag_and_file_shapes_score_low() {
        assert!(score("https://ex.com/world/").unwrap() < 0);
        assert!(score("https://ex.com/tags/geo_China/").unwrap() < 0);
        assert!(score("https://ex.com/category/politics/").unwrap() < 0);
        assert!(score("https://ex.com/author/jane-doe/").unwrap() < 0);
        assert!(score("https://ex.com/news/page/2/").unwrap() < 0);
        assert!(score("https://ex.com/world/europe").unwrap() <= 0);
        assert_eq!(score("https://ex.com/"), None);
        assert_eq!(score("https://ex.com/images/a-big-photo-here.jpg"), None);
    }
}
