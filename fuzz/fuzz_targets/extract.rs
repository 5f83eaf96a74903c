//! `sitefeed::extract::extract` on arbitrary HTML from a fixed URL: it must never panic, and
//! what it returns must respect the documented caps (title 1000 chars, description 5000,
//! at most 100 keywords of at most 100 chars, an absolute http(s) URL).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitefeed::extract::extract;
use url::Url;

fuzz_target!(|html: &str| {
    let page = Url::parse("https://news.example/20260127/story-1123541207.html").unwrap();
    let article = extract(html, &page, None).article;
    assert!(article
        .title
        .as_ref()
        .is_none_or(|t| t.chars().count() <= 1000));
    assert!(article
        .description
        .as_ref()
        .is_none_or(|d| d.chars().count() <= 5000));
    assert!(article.keywords.len() <= 100);
    assert!(article
        .keywords
        .iter()
        .all(|k| k.chars().count() <= 100 && !k.is_empty()));
    let url = Url::parse(&article.url).expect("the article URL is absolute");
    assert!(matches!(url.scheme(), "http" | "https"), "{}", article.url);
});
