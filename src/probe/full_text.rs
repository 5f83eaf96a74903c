//! `sitefeed probe URL --full-text`: the article's text as a feed would carry it, so a user
//! can see whether Readability (or their `full_text_selector`) picks the right part of the
//! page, and what the sanitizer took out before trusting it to readers.

use std::fmt::Write as _;

use crate::fulltext::{self, Content, FullText};

/// How many of the text's first lines are shown.
const FIRST_LINES: usize = 5;

/// The full-text view of an extraction made with `rules`.
pub fn describe(content: Option<&Content>, rules: &FullText) -> String {
    let picked_by = match &rules.selector {
        Some(selector) => format!("full_text_selector \"{selector}\""),
        None => "readability".to_string(),
    };
    let mut out = format!("\nfull text ({picked_by}):\n");
    let Some(content) = content else {
        out.push_str("  nothing readable found: the feed carries no text for this page\n");
        return out;
    };
    let lines = fulltext::text_lines(&content.html);
    let words: usize = lines.iter().map(|l| l.split_whitespace().count()).sum();
    let _ = write!(
        out,
        "  length       {} of HTML, {}",
        crate::words::counted(content.html.len(), "byte"),
        crate::words::counted(words, "word"),
    );
    if content.cut {
        let _ = write!(out, " (cut at max_content_size = {})", rules.max_size);
    }
    let _ = writeln!(out, "\n  removed      {}", content.removed);
    out.push_str("  first lines\n");
    for line in lines.iter().take(FIRST_LINES) {
        let _ = writeln!(out, "    {}", super::one_line(line, 160));
    }
    if lines.len() > FIRST_LINES {
        let _ = writeln!(out, "    ({} more)", lines.len() - FIRST_LINES);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    const PAGE: &str = "<html><body><nav><a href=\"/\">Home</a></nav><article>\
        <h1>Budget passed</h1>\
        <p>The council met on Tuesday to vote on the new budget, which raises spending on \
        schools and roads for the third year in a row.</p>\
        <script>steal()</script><img src=\"/px.gif\" width=\"1\" height=\"1\">\
        <p onclick=\"steal()\">Opponents said the plan leaves too little for emergencies, \
        while supporters pointed to the growing reserve fund and lower borrowing costs.</p>\
        </article></body></html>";

    #[test]
    fn shows_length_what_was_removed_and_the_first_lines() {
        let url = Url::parse("https://news.example/2026/budget.html").unwrap();
        let rules = FullText {
            selector: Some("article".into()),
            ..FullText::default()
        };
        let content = fulltext::extract(PAGE, &url, &rules);
        let text = describe(content.as_ref(), &rules);
        assert!(
            text.contains("full text (full_text_selector \"article\"):"),
            "{text}"
        );
        assert!(text.contains("  length       "), "{text}");
        assert!(text.contains(" of HTML, 48 words"), "{text}");
        assert!(
            text.contains("removed      1 script, 1 event handler, 1 tracking pixel"),
            "{text}"
        );
        assert!(
            text.contains("    Budget passed\n    The council met on Tuesday"),
            "{text}"
        );
        assert!(!text.contains("steal"), "{text}");
    }

    #[test]
    fn says_when_nothing_was_found() {
        let text = describe(None, &FullText::default());
        assert!(
            text.contains("full text (readability):\n  nothing readable found"),
            "{text}"
        );
    }
}
