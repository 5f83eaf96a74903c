//! `sitefeed::html::prune` against the parser itself: outside the bodies it leaves out (inline
//! scripts but JSON-LD, style sheets, `<noscript>` fallbacks, comments, SVG drawings), the tree
//! parsed from its output must have the same elements, attributes and texts as the tree parsed
//! from the input; and the same for `prune_for_extraction`, but for the attributes extraction
//! does not read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scraper::{Html, Node};
use sitefeed::html::{extraction_reads, prune, prune_for_extraction, MAX_NESTING};

fn outline(html: &str, keep: fn(&str) -> bool) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut out = Vec::new();
    for node in doc.tree.root().descendants() {
        let skipped = node.ancestors().any(|a| {
            a.value().as_element().is_some_and(|e| {
                matches!(e.name(), "svg" | "style" | "noscript")
                    || (e.name() == "script" && !e.attr("type").unwrap_or("").contains("ld+json"))
            })
        });
        match node.value() {
            Node::Element(e) if !skipped => out.push(format!(
                "<{} {:?}>",
                e.name(),
                e.attrs().filter(|(n, _)| keep(n)).collect::<Vec<_>>()
            )),
            Node::Text(t) if !skipped => out.push(t.to_string()),
            _ => {}
        }
    }
    out
}

fuzz_target!(|html: &str| {
    if html.len() > 16 << 10 {
        return;
    }
    let pruned = prune(html, MAX_NESTING);
    assert!(pruned.len() <= html.len());
    assert_eq!(
        outline(&pruned, |_| true),
        outline(html, |_| true),
        "{pruned:?}"
    );
    let slim = prune_for_extraction(html, MAX_NESTING);
    assert_eq!(
        outline(&slim, extraction_reads),
        outline(html, extraction_reads),
        "{slim:?}"
    );
});
