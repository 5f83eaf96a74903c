//! The part of a page that its markup says is the article: the element marked
//! `itemprop="articleBody"` (schema.org), else the `<article>`, else the `<main>`, when that one
//! element holds most of the page's prose. Readability then reads that region alone: the same
//! pick on most pages, at a fraction of the cost, since the navigation, menus and footers
//! around it are not scored.

use std::collections::HashMap;
use std::sync::LazyLock;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};

/// Share of the page's paragraph text a region must hold: the article, not a teaser card.
const MIN_SHARE: f64 = 0.6;
/// Paragraph text a page must hold, in bytes, for a region to be picked: less is a stub
/// Readability should judge with the whole page around it.
const MIN_TEXT: usize = 400;
/// Share of a page's text that must be in paragraphs for an unmarked region to be picked.
const MIN_PARAGRAPH_SHARE: f64 = 0.3;
/// Share of the paragraph text an unmarked region must hold.
const UNMARKED_SHARE: f64 = 0.8;

static PARAGRAPHS: LazyLock<Selector> = LazyLock::new(|| Selector::parse("p").unwrap());
static TITLE: LazyLock<Selector> = LazyLock::new(|| Selector::parse("title").unwrap());
static CANDIDATES: LazyLock<[Selector; 3]> = LazyLock::new(|| {
    ["[itemprop~=articleBody]", "article", "main, [role=main]"]
        .map(|css| Selector::parse(css).unwrap())
});

/// The region, or `None` when the page marks no region that holds most of its text.
pub(super) fn article_region(doc: &Html) -> Option<ElementRef<'_>> {
    // Paragraph text under each element, from one walk up from every paragraph.
    let mut under: HashMap<NodeId, usize> = HashMap::new();
    let mut total = 0;
    for p in doc.select(&PARAGRAPHS) {
        let len: usize = p.text().map(|t| t.trim().len()).sum();
        total += len;
        for ancestor in p.ancestors() {
            *under.entry(ancestor.id()).or_default() += len;
        }
    }
    let holds = |e: &ElementRef| under.get(&e.id()).copied().unwrap_or(0);
    // schema.org's own word for the article's text is taken as it is, `<p>` or not (some
    // sites break their text with `<br>`).
    let body = doc
        .select(&CANDIDATES[0])
        .find(|e| e.text().map(|t| t.trim().len()).sum::<usize>() >= MIN_TEXT);
    if body.is_none() && total < MIN_TEXT {
        return None;
    }
    let marked = body.or_else(|| {
        CANDIDATES[1..].iter().find_map(|selector| {
            let best = doc.select(selector).max_by_key(&holds)?;
            (holds(&best) as f64 >= MIN_SHARE * total as f64).then_some(best)
        })
    });
    // Paragraphs are how the text is told from the page around it; on a page whose text is
    // mostly not in paragraphs (`<div>`s and `<br>`s), only Readability can tell.
    let all: usize = doc.root_element().text().map(|t| t.trim().len()).sum();
    match marked {
        Some(region) => Some(region),
        None if total as f64 >= MIN_PARAGRAPH_SHARE * all as f64 => densest(doc, &holds, total),
        None => None,
    }
}

/// The page's `<title>`, which Readability reads beside the region.
pub(super) fn title(doc: &Html) -> Option<ElementRef<'_>> {
    doc.select(&TITLE).next()
}

/// Without markup to go by: the deepest element that still holds [`UNMARKED_SHARE`] of the
/// paragraph text (such elements form one chain down from the root), one level up so the
/// headline and lead image beside the text stay in.
fn densest<'a>(
    doc: &'a Html,
    holds: &impl Fn(&ElementRef) -> usize,
    total: usize,
) -> Option<ElementRef<'a>> {
    let enough = |e: &ElementRef| holds(e) as f64 >= UNMARKED_SHARE * total as f64;
    let mut at = doc.root_element();
    let mut parent = None;
    while let Some(child) = at.child_elements().find(|c| enough(c)) {
        parent = Some(at);
        at = child;
    }
    let region = parent.unwrap_or(at);
    // The whole body is no region: Readability may as well read the page.
    (!matches!(region.value().name(), "html" | "body")).then_some(region)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAGRAPH: &str =
        "<p>The council met on Tuesday to vote on the new budget, which raises \
        spending on schools and roads for the third year in a row, over the objections of \
        members who wanted a larger reserve.</p>";

    fn region(body: &str) -> Option<String> {
        let doc = Html::parse_document(&format!(
            "<html><head><title>Budget</title></head><body>{body}</body></html>"
        ));
        article_region(&doc).map(|region| region.html())
    }

    #[test]
    fn the_article_element_holding_most_of_the_text_is_the_region() {
        let text = PARAGRAPH.repeat(4);
        let found = region(&format!(
            "<nav><a href=\"/\">Home</a></nav><article class=\"story\">{text}</article>\
             <footer><p>Copyright</p></footer>"
        ))
        .unwrap();
        assert!(found.contains("<article class=\"story\">"), "{found}");
        assert!(
            !found.contains("Home") && !found.contains("Copyright"),
            "{found}"
        );
    }

    #[test]
    fn a_teaser_article_is_no_region_but_the_densest_block_is() {
        let text = PARAGRAPH.repeat(4);
        let found = region(&format!(
            "<div id=\"page\"><div id=\"story\"><h1>Budget</h1><div class=\"text\">{text}</div></div>\
             <aside><article>{PARAGRAPH}</article></aside></div>"
        ))
        .unwrap();
        // One level above the block of paragraphs, so the headline stays in.
        assert!(
            found.contains("<div id=\"story\"><h1>Budget</h1>"),
            "{found}"
        );
        assert!(!found.contains("<aside>"), "{found}");
    }

    #[test]
    fn schema_org_article_body_is_taken_without_paragraphs() {
        let text = "The council met on Tuesday.<br>".repeat(30);
        let found = region(&format!(
            "<div itemprop=\"articleBody\">{text}</div><p>{}</p>",
            "Related story. ".repeat(10)
        ))
        .unwrap();
        assert!(found.contains("itemprop=\"articleBody\""), "{found}");
    }

    #[test]
    fn short_pages_and_text_outside_paragraphs_leave_it_to_readability() {
        assert_eq!(region(PARAGRAPH), None);
        let divs = "<div>The council met on Tuesday to vote on the budget.</div>".repeat(40);
        assert_eq!(
            region(&format!("{divs}<div>{}</div>", PARAGRAPH.repeat(3))),
            None
        );
    }
}
