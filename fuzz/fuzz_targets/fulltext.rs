//! `sitefeed::fulltext::extract` on arbitrary HTML, by Readability and by a selector: it must
//! never panic, and what it returns must be inert (nothing the sanitizer would remove), XML-safe
//! (no forbidden character, no `]]>`) and, when not cut, within the cap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitefeed::fulltext::{extract, FullText, Removed};
use url::Url;

fuzz_target!(|html: &str| {
    let page = Url::parse("https://news.example/world/20260127/story.html").unwrap();
    for selector in [None, Some("article, main, body".to_string())] {
        let rules = FullText {
            selector,
            max_size: 4096,
        };
        let Some(content) = extract(html, &page, &rules) else {
            continue;
        };
        assert_eq!(Removed::found_in(&content.html), Removed::default());
        assert!(!content.html.contains("]]>"));
        assert_eq!(sitefeed::render::xml_text(&content.html), content.html);
        assert!(content.cut || content.html.len() <= 4096);
    }
});
