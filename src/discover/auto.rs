//! The automatic main-list finder, used when a feed names neither a selector nor a pattern.
//!
//! A section page carries many link blocks: the site's navigation, the main list of the
//! section's articles, tag links inside its items, sidebar columns ("Newsfeed", "Most read") that
//! point at *other* sections' articles, and a footer. Sidebar articles have exactly the same URL
//! shape as the main list's, so URL shape alone cannot tell them apart; page structure has to.
//!
//! The heuristic, in one pass over a flat copy of the DOM (no recursion, bounded work):
//! 1. Every same-site link gets a score from its URL shape (see [`super::url_score`]) plus a
//!    little for headline-like anchor text; links scoring at least 1 are *candidates*.
//! 2. Links inside page chrome are set aside: semantic chrome (`nav`, `aside`, page-level
//!    `header`/`footer`, landmark roles) and elements whose class or id says navigation, menu,
//!    sidebar, newsfeed, related, tags, share, ... .
//! 3. Each candidate belongs to the list of its nearest *repeated item*: the lowest ancestor that
//!    has a sibling of the same tag and class which links to a different candidate URL. So the
//!    image and title link of one card fall into the same item, and the cards into one list.
//! 4. The list with the highest total score is the main list. Lists that look like it (same tag
//!    and class for list and item) and article links in the same `<main>` element join it.
//!
//! If chrome rules leave nothing article-like (a site calling its wrapper `has-sidebar`), the
//! class hints and then the semantic rules are relaxed rather than returning an empty feed.

use super::url_shape::{normalize_url, same_site, url_score};
use super::Link;
use scraper::{ElementRef, Html};
use std::collections::HashMap;
use url::Url;

/// Elements copied from the DOM at most; the rest of a larger page is ignored.
const MAX_ELEMENTS: usize = 200_000;
/// Links looked at at most. News section pages carry a few hundred.
const MAX_LINKS: usize = 10_000;
/// How far above a link its item may be. Real cards nest a handful of levels deep; the bound
/// keeps hostile, deeply nested pages linear.
const MAX_CLIMB: usize = 48;
/// Characters of anchor text read to judge whether it reads like a headline.
const MAX_TEXT: usize = 200;

/// Class or id tokens (split at `-`, `_`, case changes) that mark page chrome.
const CHROME_TOKENS: &[&str] = &[
    "nav",
    "navbar",
    "menu",
    "submenu",
    "sidebar",
    "aside",
    "rail",
    "newsfeed",
    "lenta",
    "related",
    "breadcrumb",
    "breadcrumbs",
    "crumbs",
    "share",
    "sharing",
    "social",
    "popular",
    "trending",
    "ad",
    "ads",
    "advert",
    "advertisement",
    "sponsored",
    "newsletter",
    "subscribe",
    "cookie",
    "cookies",
    "pagination",
    "pager",
    "comments",
    "toolbar",
];

/// Words that mark chrome even when glued together (`mostRead`, `news-feed`, `sidebarLeft`).
const CHROME_WORDS: &[&str] = &[
    "navigation",
    "sidebar",
    "newsfeed",
    "breadcrumb",
    "mostread",
    "mostpopular",
    "mostviewed",
    "mostcommented",
    "mostshared",
    "related",
    "trending",
    "socialshare",
    "sharebar",
    "megamenu",
    "tagcloud",
    "taglist",
    "widgetarea",
];

/// A first token that turns a chrome word into a state of the page (`has-sidebar`, `no-ads`).
const VOIDING_TOKENS: &[&str] = &["has", "with", "without", "no", "show", "hide", "is", "open"];

/// Tokens that, alone or with each other, name the page header or footer (`site-header`).
const PAGE_BAND_TOKENS: &[&str] = &[
    "header", "footer", "masthead", "site", "page", "global", "main", "top", "bottom",
];

/// Landmark roles of chrome.
const CHROME_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "menu",
    "menubar",
    "search",
];

/// One element of the flat DOM copy. Parents always come before their children.
struct El<'a> {
    tag: &'a str,
    parent: Option<usize>,
    classes: Vec<&'a str>,
    class_attr: Option<&'a str>,
    id: Option<&'a str>,
    /// This element or an ancestor is `nav`, `aside`, a page header/footer or a chrome landmark.
    semantic_chrome: bool,
    /// This element or an ancestor has a chrome class or id.
    hinted_chrome: bool,
    /// This element or an ancestor is a story card.
    in_card: bool,
    /// This element is or contains an image or video.
    media: bool,
    /// The nearest `main` element (or `role=main`) around it, itself included.
    main: Option<usize>,
}

/// One same-site link with a positive score.
struct Candidate {
    anchor: usize,
    url: Url,
    score: i32,
    /// The link text reads like a headline (four words or more), not "Load more" or "Next".
    headline: bool,
}

/// Which links of every candidate set aside as chrome, from strictest to most lenient.
#[derive(Clone, Copy, PartialEq)]
enum Strictness {
    All,
    SemanticOnly,
}

/// How many different candidate URLs a subtree links to.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Reach {
    Nothing,
    One(usize),
    Many,
}

impl Reach {
    fn merge(self, other: Reach) -> Reach {
        match (self, other) {
            (Reach::Nothing, r) | (r, Reach::Nothing) => r,
            (Reach::One(a), Reach::One(b)) if a == b => Reach::One(a),
            _ => Reach::Many,
        }
    }
}

/// Finds the main list of `doc` and returns its links in page order, without duplicates.
/// `skip` holds URLs that are never articles here (the page itself, its next page).
pub(super) fn main_list(doc: &Html, base: &Url, page_url: &Url, skip: &[Url]) -> Vec<Link> {
    let (els, anchors) = flatten(doc);
    let section_prefix = section_prefix(page_url);

    let mut url_ids: HashMap<String, usize> = HashMap::new();
    let mut candidates = Vec::new();
    for (anchor, href, text_words) in anchors {
        let Ok(url) = base.join(href.trim()) else {
            continue;
        };
        let url = normalize_url(&url);
        if !same_site(&url, page_url) || skip.contains(&url) {
            continue;
        }
        let Some(mut score) = url_score(&url) else {
            continue;
        };
        if score > -2 && text_words >= 4 {
            score += 1;
        }
        if score > 0 && section_prefix.is_some_and(|p| url.path().starts_with(p)) {
            score += 1;
        }
        if score >= 1 {
            candidates.push(Candidate {
                anchor,
                url,
                score,
                headline: text_words >= 4,
            });
        }
    }
    let ids: Vec<usize> = candidates
        .iter()
        .map(|c| {
            let next = url_ids.len();
            *url_ids.entry(c.url.as_str().to_owned()).or_insert(next)
        })
        .collect();

    let items = find_items(&els, &candidates, &ids);

    // Links inside `nav`, `footer`, `aside` and landmark roles are never articles of the main
    // list: when only they are left, the page has lost its list (a redesign, a script-built
    // page) and finding nothing is what lets the run report it.
    for strictness in [Strictness::All, Strictness::SemanticOnly] {
        let kept = |c: &Candidate| match strictness {
            Strictness::All => !els[c.anchor].semantic_chrome && !els[c.anchor].hinted_chrome,
            Strictness::SemanticOnly => !els[c.anchor].semantic_chrome,
        };
        if let Some(links) = pick(&els, &candidates, &ids, &items, &kept, strictness) {
            return links;
        }
    }
    Vec::new()
}

/// Copies the element tree into a flat vector in document order, with chrome and `main` flags
/// inherited from parents, and lists the `<a href>` elements with the word count of their text.
fn flatten(doc: &Html) -> (Vec<El<'_>>, Vec<(usize, &str, usize)>) {
    let mut els: Vec<El> = Vec::new();
    let mut own_hint = Vec::new();
    let mut anchors = Vec::new();
    let mut index = HashMap::new();
    for node in doc.root_element().descendent_elements().take(MAX_ELEMENTS) {
        let parent = node.parent().and_then(|p| index.get(&p.id()).copied());
        index.insert(node.id(), els.len());
        let value = node.value();
        let tag = value.name();
        let up = parent.map(|p: usize| &els[p]);
        let role = value.attr("role").unwrap_or_default();
        let classes: Vec<&str> = value.classes().collect();
        let parent_in_card = up.is_some_and(|p| p.in_card);
        let own_semantic = matches!(tag, "nav" | "aside")
            || (matches!(tag, "header" | "footer") && !parent_in_card)
            || CHROME_ROLES.iter().any(|r| role.eq_ignore_ascii_case(r));
        let is_main = tag == "main" || role.eq_ignore_ascii_case("main");
        let page_level = matches!(tag, "html" | "body") || is_main;
        own_hint.push(!page_level && has_chrome_hint(value));
        let el = El {
            tag,
            parent,
            in_card: parent_in_card || (!page_level && is_card(tag, &classes)),
            classes,
            class_attr: value.attr("class"),
            id: value.id(),
            semantic_chrome: own_semantic || up.is_some_and(|p| p.semantic_chrome),
            hinted_chrome: false,
            media: matches!(tag, "img" | "picture" | "video"),
            main: if is_main {
                Some(els.len())
            } else {
                up.and_then(|p| p.main)
            },
        };
        if tag == "a" && anchors.len() < MAX_LINKS {
            if let Some(href) = value.attr("href") {
                anchors.push((els.len(), href, word_count(node)));
            }
        }
        els.push(el);
    }
    // A wrapper around `<main>` is layout, whatever its class says (`page--has-sidebar`), so
    // hints count only on elements that do not contain the main content.
    let wraps_main = wrappers_of_main(&els);
    for i in (0..els.len()).rev() {
        if let Some(p) = els[i].parent.filter(|_| els[i].media) {
            els[p].media = true;
        }
    }
    for i in 0..els.len() {
        let inherited = els[i].parent.is_some_and(|p| els[p].hinted_chrome);
        els[i].hinted_chrome = inherited || (own_hint[i] && !wraps_main[i]);
    }
    (els, anchors)
}

/// Whether an element is a story card (`<article>`, `<li>`, `<div class="card">`), whose own
/// `header`/`footer` hold a headline or byline rather than site chrome.
fn is_card(tag: &str, classes: &[&str]) -> bool {
    matches!(tag, "article" | "li")
        || classes.iter().any(|c| {
            tokens(c).iter().any(|t| {
                matches!(
                    t.as_str(),
                    "card" | "post" | "teaser" | "story" | "item" | "entry" | "article"
                )
            })
        })
}

/// Marks the elements that contain a `main` element.
fn wrappers_of_main(els: &[El]) -> Vec<bool> {
    let mut wraps = vec![false; els.len()];
    for i in (0..els.len()).rev() {
        if els[i].main == Some(i) {
            wraps[i] = true;
        }
        if wraps[i] {
            if let Some(p) = els[i].parent {
                wraps[p] = true;
            }
        }
    }
    wraps
}

/// Whether the element's own class or id names page chrome.
fn has_chrome_hint(el: &scraper::node::Element) -> bool {
    el.classes().chain(el.id()).any(|name| {
        let tokens = tokens(name);
        let Some(first) = tokens.first() else {
            return false;
        };
        if VOIDING_TOKENS.contains(&first.as_str()) {
            return false;
        }
        let band = tokens
            .iter()
            .all(|t| PAGE_BAND_TOKENS.contains(&t.as_str()))
            && tokens
                .iter()
                .any(|t| matches!(t.as_str(), "header" | "footer" | "masthead"));
        // `tag`/`tags` only when they lead (`tags`, `tag__text`): `list-tag` is a tag's
        // article list.
        let tag_block = matches!(first.as_str(), "tag" | "tags");
        let joined = tokens.concat();
        band || tag_block
            || tokens.iter().any(|t| CHROME_TOKENS.contains(&t.as_str()))
            || CHROME_WORDS.iter().any(|w| joined.contains(w))
    })
}

/// Splits a class or id into lowercase words at punctuation, digits and case changes.
fn tokens(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphabetic() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Words in the first [`MAX_TEXT`] characters of an element's text.
fn word_count(el: ElementRef) -> usize {
    let mut text = String::new();
    for chunk in el.text() {
        text.push_str(chunk);
        text.push(' ');
        if text.len() > MAX_TEXT {
            break;
        }
    }
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// The page's path as a directory prefix (`/world/`), when the page is not the site root.
fn section_prefix(page_url: &Url) -> Option<&str> {
    let path = page_url.path();
    (path.len() > 1 && path.ends_with('/')).then_some(path)
}

/// For each candidate, its repeated item (the lowest ancestor-or-self that has a sibling of the
/// same tag and class linking to another candidate URL), if any within [`MAX_CLIMB`] levels.
fn find_items(els: &[El], candidates: &[Candidate], ids: &[usize]) -> Vec<Option<usize>> {
    // What each subtree links to, gathered bottom-up (children come after parents).
    let mut reach = vec![Reach::Nothing; els.len()];
    for (c, &id) in candidates.iter().zip(ids) {
        reach[c.anchor] = reach[c.anchor].merge(Reach::One(id));
    }
    for i in (0..els.len()).rev() {
        if let Some(p) = els[i].parent {
            reach[p] = reach[p].merge(reach[i]);
        }
    }
    // What the siblings sharing a tag and class link to, together, and how many of them do.
    let keys = |i: usize| {
        let el = &els[i];
        let classes: Vec<&str> = if el.classes.is_empty() {
            vec![""]
        } else {
            el.classes.clone()
        };
        classes.into_iter().map(move |c| (el.parent, el.tag, c))
    };
    let mut siblings: HashMap<(Option<usize>, &str, &str), (Reach, usize)> = HashMap::new();
    for i in 0..els.len() {
        if reach[i] == Reach::Nothing || els[i].parent.is_none() {
            continue;
        }
        for key in keys(i) {
            let entry = siblings.entry(key).or_insert((Reach::Nothing, 0));
            *entry = (entry.0.merge(reach[i]), entry.1 + 1);
        }
    }
    let repeated = |i: usize| {
        keys(i).any(|key| {
            siblings
                .get(&key)
                .is_some_and(|&(r, n)| r == Reach::Many && n >= 2)
        })
    };

    candidates
        .iter()
        .map(|c| {
            let mut at = c.anchor;
            for _ in 0..MAX_CLIMB {
                if matches!(els[at].tag, "body" | "html") {
                    return None;
                }
                if repeated(at) {
                    return Some(at);
                }
                at = els[at].parent?;
            }
            None
        })
        .collect()
}

/// Picks the main list among the candidates that `kept` allows and returns its links, or `None`
/// when nothing article-like is left.
fn pick(
    els: &[El],
    candidates: &[Candidate],
    ids: &[usize],
    items: &[Option<usize>],
    kept: &dyn Fn(&Candidate) -> bool,
    strictness: Strictness,
) -> Option<Vec<Link>> {
    // Score each list: the best score of each distinct URL in it, summed.
    let list_of = |i: usize| items[i].and_then(|item| els[item].parent);
    let mut best_per_url: HashMap<(Option<usize>, usize), i32> = HashMap::new();
    for (i, c) in candidates.iter().enumerate() {
        if kept(c) {
            let best = best_per_url.entry((list_of(i), ids[i])).or_insert(0);
            *best = (*best).max(c.score);
        }
    }
    let mut totals: HashMap<Option<usize>, (i32, bool, usize)> = HashMap::new();
    for (&(list, _), &score) in &best_per_url {
        let total = totals.entry(list).or_insert((0, false, usize::MAX));
        total.0 += score;
        total.1 |= score >= 2;
    }
    // Items with a picture are a mark of a main list; sidebar columns are mostly bare headlines.
    let mut pictured = std::collections::HashSet::new();
    for (i, c) in candidates.iter().enumerate() {
        if !kept(c) {
            continue;
        }
        if let Some(total) = totals.get_mut(&list_of(i)) {
            total.2 = total.2.min(c.anchor);
            if let Some(item) = items[i].filter(|&item| els[item].media) {
                if pictured.insert(item) {
                    total.0 += 1;
                }
            }
        }
    }
    // A page that marks its main content has its main list there.
    if els.iter().any(|e| e.main.is_some()) {
        for (list, total) in totals.iter_mut() {
            if list.is_some_and(|l| els[l].main.is_none()) {
                total.0 /= 2;
            }
        }
    }
    // The highest total wins; on a tie the list that comes first in the page. Links in no list
    // at all (scattered teasers) only count when the page has no list of articles.
    let (&main, _) = totals
        .iter()
        .filter(|(_, t)| t.1)
        .max_by_key(|(list, t)| (list.is_some(), t.0, std::cmp::Reverse(t.2)))?;

    let main_item = candidates
        .iter()
        .enumerate()
        .find(|&(i, c)| kept(c) && list_of(i) == main)
        .and_then(|(i, _)| items[i]);
    let suffix = match strictness {
        Strictness::All => "",
        Strictness::SemanticOnly => " (chrome class hints ignored)",
    };
    let main_rule = match (main, main_item) {
        (Some(list), Some(item)) => format!(
            "auto: main list {} item {}{suffix}",
            describe(&els[list]),
            describe(&els[item])
        ),
        _ => format!("auto: article-like links{suffix}"),
    };
    let main_region = main.and_then(|l| els[l].main);
    // A link outside the main list joins it only when it sits in the same `<main>` and reads
    // like a story: buttons such as "Load more" link to article-shaped URLs too.
    let loose_in_main = |c: &Candidate| {
        c.score >= 2 && c.headline && main_region.is_some() && els[c.anchor].main == main_region
    };

    let mut seen = std::collections::HashSet::new();
    let mut links = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        if !kept(c) || seen.contains(&ids[i]) {
            continue;
        }
        let list = list_of(i);
        let rule = if list == main {
            main_rule.clone()
        } else if let (Some(list), Some(main), Some(item), Some(main_item)) =
            (list, main, items[i], main_item)
        {
            if c.score >= 2 && alike(&els[list], &els[main]) && alike(&els[item], &els[main_item]) {
                format!(
                    "auto: list like the main one {}{suffix}",
                    describe(&els[list])
                )
            } else if loose_in_main(c) {
                format!("auto: article link in <main>{suffix}")
            } else {
                continue;
            }
        } else if loose_in_main(c) {
            format!("auto: article link in <main>{suffix}")
        } else {
            continue;
        };
        seen.insert(ids[i]);
        links.push(Link {
            url: c.url.clone(),
            rule,
        });
    }
    Some(links)
}

/// Same tag, and a class in common (or neither has one).
fn alike(a: &El, b: &El) -> bool {
    a.tag == b.tag
        && (a.classes.is_empty() && b.classes.is_empty()
            || a.classes.iter().any(|c| b.classes.contains(c)))
}

/// `<div.list>`, `<ul#latest.news>`: how a user would recognise the element in the page source
/// and write a selector for it.
fn describe(el: &El) -> String {
    let mut out = format!("<{}", el.tag);
    if let Some(id) = el.id {
        out.push('#');
        out.push_str(id);
    }
    for class in el
        .class_attr
        .unwrap_or_default()
        .split_ascii_whitespace()
        .take(2)
    {
        out.push('.');
        out.push_str(class);
    }
    out.push('>');
    out
}
