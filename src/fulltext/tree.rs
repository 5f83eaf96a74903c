//! The page as metadata extraction parsed it (scraper's tree) -> the document Readability
//! reads (`dom_query`'s tree), node by node. Both are built by the same HTML parser, so the
//! copy is the tree a second parse would build, without tokenizing the page again: that parse
//! was a third of what full text cost.

use dom_query::{Attr, Document, NodeData, NodeId};
use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node};

/// A document of the page's `<title>` and `region`, for Readability to read alone.
pub(super) fn region_document(region: ElementRef, title: Option<ElementRef>) -> Document {
    let document = Document::default();
    let tree = &document.tree;
    let html = tree.new_element("html").id;
    tree.append_child_of(&tree.root_id(), &html);
    let head = tree.new_element("head").id;
    tree.append_child_of(&html, &head);
    if let Some(title) = title {
        copy(&document, &head, *title);
    }
    let body = tree.new_element("body").id;
    tree.append_child_of(&html, &body);
    copy(&document, &body, *region);
    document
}

/// The whole page.
pub(super) fn page_document(doc: &Html) -> Document {
    let document = Document::default();
    let root = document.tree.root_id();
    copy(&document, &root, *doc.root_element());
    document
}

/// `from` and what is under it, appended to `parent`; comments, doctypes and processing
/// instructions are left out (Readability removes them first thing), and so are modal dialogs
/// under `from`: a cookie-consent centre or a newsletter overlay, never the article, and
/// often with more prose than a short one (Readability would pick it).
fn copy(document: &Document, parent: &NodeId, from: NodeRef<Node>) {
    let tree = &document.tree;
    // Depth-first with a stack of its own: a page's nesting is bounded (see `crate::html`),
    // but not by the call stack.
    let mut stack = vec![(from, *parent)];
    while let Some((node, parent)) = stack.pop() {
        let data = match node.value() {
            Node::Element(element) if node.id() != from.id() && is_dialog(element) => continue,
            Node::Element(element) => {
                let attrs = element
                    .attrs
                    .iter()
                    .map(|(name, value)| Attr {
                        name: name.clone(),
                        value: value.clone(),
                    })
                    .collect();
                NodeData::Element(dom_query::Element::new(
                    element.name.clone(),
                    attrs,
                    None,
                    false,
                ))
            }
            Node::Text(text) => NodeData::Text {
                contents: text.text.clone(),
            },
            _ => continue,
        };
        let id = tree.create_node(data);
        tree.append_child_of(&parent, &id);
        stack.extend(node.children().rev().map(|child| (child, id)));
    }
}

/// `aria-modal="true"`, or the ARIA roles of a dialog.
fn is_dialog(element: &scraper::node::Element) -> bool {
    element
        .attr("aria-modal")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        || element.attr("role").is_some_and(|v| {
            v.split_ascii_whitespace()
                .any(|r| r == "dialog" || r == "alertdialog")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_is_the_tree_a_parse_builds() {
        // Attributes in the order scraper keeps them (by name), and no doctype, which the copy
        // leaves out.
        let page = "<html lang=\"en\"><head><title>T &amp; U</title></head>\
            <body><!-- c --><div class=\"x y\" id=\"a\"><p>One <b>two</b> &lt;three&gt;</p>\
            <img alt=\"\" src=\"/i.jpg\"><svg viewBox=\"0 0 1 1\"><path d=\"M0\"></path></svg>\
            </div><table><tr><td>cell</td></tr></table></body></html>";
        let doc = Html::parse_document(page);
        let copied = page_document(&doc);
        let parsed = Document::from(page);
        parsed.select("body").nodes()[0]
            .children()
            .into_iter()
            .filter(|n| n.is_comment())
            .for_each(|n| n.remove_from_parent());
        assert_eq!(copied.html(), parsed.html());
    }

    #[test]
    fn modal_dialogs_are_left_out_unless_they_are_the_region() {
        let doc = Html::parse_document(
            "<html><body><div role=\"dialog\" aria-modal=\"true\"><p>Cookies</p></div>\
             <div role=\"alertdialog\"><p>Subscribe</p></div><section aria-modal=\"TRUE\">\
             <p>Paywall</p></section><div role=\"note\"><p>Story</p></div></body></html>",
        );
        let copied = page_document(&doc).html().to_string();
        assert_eq!(
            copied,
            "<html><head></head><body><div role=\"note\"><p>Story</p></div></body></html>"
        );
        let dialog = doc
            .select(&scraper::Selector::parse("[role=dialog]").unwrap())
            .next()
            .unwrap();
        let copied = region_document(dialog, None).html().to_string();
        assert!(copied.contains("<p>Cookies</p>"), "{copied}");
    }

    #[test]
    fn a_region_document_holds_the_title_and_the_region() {
        let doc = Html::parse_document(
            "<html><head><title>Budget</title><meta name=\"x\"></head><body><nav>Menu</nav>\
             <article><p>Text</p></article></body></html>",
        );
        let article = doc
            .select(&scraper::Selector::parse("article").unwrap())
            .next()
            .unwrap();
        let title = doc
            .select(&scraper::Selector::parse("title").unwrap())
            .next();
        let copied = region_document(article, title);
        assert_eq!(
            copied.html().to_string(),
            "<html><head><title>Budget</title></head><body><article><p>Text</p></article></body></html>"
        );
    }
}
