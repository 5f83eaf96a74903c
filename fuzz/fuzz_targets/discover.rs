//! `sitefeed::discover::discover` with the default (automatic) rules on arbitrary HTML: it
//! must never panic, and every link it returns must be http(s), without a fragment, and listed
//! once.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use sitefeed::discover::{discover, Rules};
use url::Url;

fuzz_target!(|html: &str| {
    let page = Url::parse("https://news.example/world/").unwrap();
    let section = discover(html, &page, &Rules::default());
    let mut seen = HashSet::new();
    for link in &section.links {
        assert!(
            matches!(link.url.scheme(), "http" | "https"),
            "{}",
            link.url
        );
        assert!(link.url.fragment().is_none(), "{}", link.url);
        assert!(seen.insert(link.url.clone()), "{} listed twice", link.url);
    }
    if let Some(next) = &section.next {
        assert!(matches!(next.scheme(), "http" | "https"), "{next}");
    }
});
