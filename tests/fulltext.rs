//! Feeds that carry each article's text (`full_text = true`): picked from the page sitefeed
//! already fetched, sanitized, written as RSS `content:encoded`, Atom `content` and JSON Feed
//! `content_html`, and kept in the store so a warm run asks for no article and writes the
//! same bytes. Real readers (feed-rs, feedparser, newsboat) read what is written, and a
//! hostile article comes out inert.

mod common;

use common::readers;
use common::{config, workdir, Response, Server, Workdir};
use serde_json::Value;

const SECTION: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>News - Example Times</title></head><body>
<nav><a href="/">Home</a> <a href="/news/">News</a></nav>
<main><h1>News</h1><ul class="stories">
<li><a href="/news/2026/budget-passed-1.html">Budget Passed After Long Debate</a></li>
<li><a href="/news/2026/hostile-page-2.html">A Page That Tries Everything</a></li>
<li><a href="/news/2026/long-read-3.html">The Long Read on River Towns</a></li>
</ul></main></body></html>"#;

const ARTICLES: &[&str] = &[
    "/news/2026/budget-passed-1.html",
    "/news/2026/hostile-page-2.html",
    "/news/2026/long-read-3.html",
];

/// An article page: metadata in the head, `body` inside `<article>`, and the navigation,
/// related links and footer that a feed must leave out around it.
fn article(title: &str, published: &str, description: &str, body: &str) -> String {
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} - Example Times</title>
<meta property="og:title" content="{title}">
<meta name="description" content="{description}">
<meta property="article:published_time" content="{published}">
<meta property="og:image" content="/img/lead.jpg">
</head><body>
<header><nav><a href="/">Home</a> <a href="/news/">News</a> <a href="/sport/">Sport</a></nav></header>
<article><h1>{title}</h1>{body}</article>
<aside class="related"><h2>Related stories</h2><ul>
<li><a href="/news/2026/older-story.html">An older story about something else entirely</a></li>
</ul></aside>
<footer><p>Copyright Example Times. All rights reserved.</p></footer>
</body></html>"#
    )
}

const BUDGET_BODY: &str = r#"<div class="story-body">
<p>The city council passed the new budget on Tuesday night after a debate that ran for more
than six hours, raising spending on schools and roads for the third year in a row.</p>
<figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/council.jpg"
 alt="Council members vote"><figcaption>Council members vote on the budget.</figcaption></figure>
<p>Opponents said the plan leaves too little for emergencies, while supporters pointed to the
growing reserve fund and to borrowing costs that have fallen since the spring.</p>
<p>The mayor is expected to sign the budget into law before the end of the month, her office
said in a statement issued shortly after the vote.</p>
</div>
<p class="share">Share this story with your friends and neighbours on every network.</p>"#;

/// Everything a page can try against a reader, around text long enough to be the article.
fn hostile_body() -> String {
    "<p>This article tries every trick in the book against the readers that show it, and \
     its text says ]]> on purpose, hides a NUL\u{0} and a non-character\u{FFFE} inside.</p>\
     <script>alert('script')</script>\
     <style>body { display: none }</style>\
     <img src=\"/img/photo.jpg\" onerror=\"alert('onerror')\" alt=\"A photo\">\
     <p>Read <a href=\"javascript:alert('js')\">this link</a>, then the \
     <a href=\"/news/2026/next-story.html\">next story</a> and \
     <a href=\"data:text/html,&lt;script&gt;alert('data')&lt;/script&gt;\">a data link</a> \
     before the paragraph ends with more ordinary words about the council and its budget.</p>\
     <iframe src=\"http://127.0.0.1:9/evil\"></iframe>\
     <form action=\"/steal\"><input name=\"password\"><button>Send</button></form>\
     <img src=\"http://127.0.0.1:9/pixel.gif\" width=\"1\" height=\"1\" alt=\"\">\
     <img data-src=\"/img/lazy.jpg\" data-srcset=\"/img/lazy-2x.jpg 2x\" alt=\"Lazy\">\
     <svg onload=\"alert('svg')\"><circle r=\"1\"/></svg>\
     <p onmouseover=\"alert('hover')\" style=\"position: fixed\">The last paragraph is plain \
     text again, long enough that Readability keeps it as part of the story and not as a \
     caption or a stray line of navigation.</p>"
        .to_string()
}

/// Sixty paragraphs: far past a small `max_content_size`.
fn long_body() -> String {
    (1..=60)
        .map(|n| {
            format!(
                "<p>Paragraph {n} of the long read follows the river from town to town, \
                 where the mills closed and the markets came back, and where the people who \
                 stayed tell how the water shaped their streets and their work.</p>"
            )
        })
        .collect()
}

fn serve_site(server: &Server) {
    server.route("/news/", Response::html(SECTION));
    server.route(
        ARTICLES[0],
        Response::html(article(
            "Budget Passed After Long Debate",
            "2026-03-01T20:15:00+01:00",
            "The council approved the budget.",
            BUDGET_BODY,
        )),
    );
    server.route(
        ARTICLES[1],
        Response::html(article(
            "A Page That Tries Everything",
            "2026-03-01T18:00:00+01:00",
            "A hostile page.",
            &hostile_body(),
        )),
    );
    server.route(
        ARTICLES[2],
        Response::html(article(
            "The Long Read on River Towns",
            "2026-03-01T09:00:00+01:00",
            "Sixty paragraphs about river towns.",
            &long_body(),
        )),
    );
}

const FULL_FEED: &str = r#"
[[feed]]
name = "news"
url = "{{BASE}}/news/"
article_selector = "ul.stories a"
full_text = true
"#;

/// [`FULL_FEED`] with `keys` added after `full_text = true`.
fn full_feed(keys: &str) -> String {
    FULL_FEED.replace("full_text = true\n", &format!("full_text = true\n{keys}"))
}

/// The fixture site served, and one successful run of `feeds` against it.
fn site_run(feeds: &str) -> (Server, Workdir) {
    let server = Server::start();
    serve_site(&server);
    let work = workdir(&server, feeds);
    work.run().assert_code(0);
    (server, work)
}

fn article_requests(server: &Server) -> usize {
    ARTICLES
        .iter()
        .map(|path| server.requests_for(path).len())
        .sum()
}

/// Each entry's link and content HTML as feed-rs reads `output/<file>`.
fn contents(work: &Workdir, file: &str) -> Vec<(String, String)> {
    work.feed(file)
        .entries
        .iter()
        .map(|e| {
            let link = e.links.first().map(|l| l.href.clone()).unwrap_or_default();
            let body = e.content.as_ref().and_then(|c| c.body.clone());
            (link, body.unwrap_or_default())
        })
        .collect()
}

fn content_of(work: &Workdir, file: &str, path: &str) -> String {
    contents(work, file)
        .into_iter()
        .find(|(link, _)| link.ends_with(path))
        .map(|(_, body)| body)
        .unwrap_or_else(|| panic!("no entry for {path} in {file}"))
}

#[test]
fn every_format_carries_the_sanitized_text_beside_the_short_description() {
    let (server, work) = site_run(FULL_FEED);
    let base = server.base();

    for file in ["news.rss", "news.atom", "news.json"] {
        let budget = content_of(&work, file, ARTICLES[0]);
        assert!(
            budget.contains("The city council passed the new budget"),
            "{file}: {budget}"
        );
        assert!(
            budget.contains("The mayor is expected to sign"),
            "{file}: {budget}"
        );
        // The lazy image is real, with an absolute address; the page around the text is not.
        assert!(
            budget.contains(&format!("src=\"{base}/img/council.jpg\"")),
            "{file}: {budget}"
        );
        for chrome in ["Related stories", "Copyright", "Sport", "base64"] {
            assert!(
                !budget.contains(chrome),
                "{file} carries {chrome:?}: {budget}"
            );
        }
    }
    let rss = work.output_text("news.rss");
    assert!(rss.contains(r#"xmlns:content="http://purl.org/rss/1.0/modules/content/""#));
    assert!(rss.contains("<content:encoded><![CDATA["), "{rss}");
    assert!(
        rss.contains("<description><![CDATA[The council approved the budget.]]></description>"),
        "{rss}"
    );
    let atom = work.output_text("news.atom");
    assert!(atom.contains(r#"<content type="html">"#), "{atom}");
    assert!(atom.contains("<summary>The council approved the budget.</summary>"));
    let json: Value = serde_json::from_slice(&work.output("news.json")).unwrap();
    let first = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["url"].as_str().unwrap().ends_with(ARTICLES[0]))
        .unwrap();
    assert_eq!(first["summary"], "The council approved the budget.");
    assert!(first["content_html"].as_str().unwrap().contains("<p>"));
    assert!(first.get("content_text").is_none());
}

#[test]
fn a_hostile_article_comes_out_inert_and_every_document_stays_valid() {
    let (server, work) = site_run(FULL_FEED);
    let base = server.base();

    for file in ["news.rss", "news.atom", "news.json"] {
        let bytes = work.output(file);
        let text = String::from_utf8(bytes).expect("UTF-8");
        assert!(!text.contains('\u{0}'), "{file} holds a NUL");
        assert!(!text.contains('\u{FFFE}'), "{file} holds U+FFFE");
        if file != "news.json" {
            roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{file} is not well-formed XML: {e}"));
        }
        let hostile = content_of(&work, file, ARTICLES[1]);
        assert!(hostile.contains("tries every trick"), "{file}: {hostile}");
        assert!(hostile.contains("plain text again"), "{file}: {hostile}");
        let lower = hostile.to_ascii_lowercase();
        for trap in [
            "<script",
            "alert(",
            "onerror",
            "onload",
            "onmouseover",
            "javascript:",
            "data:text",
            "<iframe",
            "<form",
            "<input",
            "<button",
            "<style",
            "pixel.gif",
            "position: fixed",
            "<svg",
        ] {
            assert!(
                !lower.contains(trap),
                "{file} lets {trap:?} through: {hostile}"
            );
        }
        // The text's own `]]>` survives as text, and links and images are absolute.
        assert!(hostile.contains("]]&gt;"), "{file}: {hostile}");
        assert!(hostile.contains(&format!("href=\"{base}/news/2026/next-story.html\"")));
        assert!(hostile.contains(&format!("src=\"{base}/img/photo.jpg\"")));
        assert!(
            hostile.contains(&format!("src=\"{base}/img/lazy.jpg\"")),
            "{hostile}"
        );
        assert!(hostile.contains(&format!("srcset=\"{base}/img/lazy-2x.jpg 2x\"")));
    }
}

#[test]
fn feedparser_and_newsboat_read_the_text_without_error() {
    let (server, work) = site_run(FULL_FEED);

    // feedparser 6 reads RSS and Atom only.
    for file in ["news.rss", "news.atom"] {
        let Some(parsed) = readers::feedparser(&work, file) else {
            break;
        };
        assert_eq!(parsed["bozo"], false, "{file}: {}", parsed["error"]);
        let entries = parsed["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 3, "{file}");
        for entry in entries {
            let content = entry["content"][0].as_str().unwrap_or_default();
            assert!(content.len() > 200, "{file}: {entry}");
            assert!(!content.contains("alert("), "{file}: {entry}");
        }
        assert!(entries
            .iter()
            .any(|e| e["summary"] == "The council approved the budget."));
    }
    for file in ["news.rss", "news.atom"] {
        let Some((items, stderr)) = readers::newsboat(&server, &work, file) else {
            break;
        };
        assert!(!stderr.to_lowercase().contains("error"), "{file}: {stderr}");
        assert_eq!(items.len(), 3, "{file}: {items:?} {stderr}");
        let budget = items
            .iter()
            .find(|i| i.url.ends_with(ARTICLES[0]))
            .unwrap_or_else(|| panic!("{file}: {items:?}"));
        assert!(
            budget.content.contains("The mayor is expected to sign"),
            "{budget:?}"
        );
    }
}

#[test]
fn a_warm_run_asks_for_no_article_and_writes_the_same_bytes() {
    let (server, work) = site_run(FULL_FEED);
    assert_eq!(article_requests(&server), 3);
    let before: Vec<Vec<u8>> = ["news.rss", "news.atom", "news.json"]
        .iter()
        .map(|f| work.output(f))
        .collect();

    server.clear_requests();
    work.run().assert_code(0);
    assert_eq!(article_requests(&server), 0, "{:?}", server.paths());
    let after: Vec<Vec<u8>> = ["news.rss", "news.atom", "news.json"]
        .iter()
        .map(|f| work.output(f))
        .collect();
    assert!(before == after, "a warm run changed the feeds");
}

#[test]
fn an_article_in_a_feed_without_full_text_carries_none() {
    let (server, work) = site_run(&format!(
        "{FULL_FEED}\n[[feed]]\nname = \"plain\"\nurl = \"{{{{BASE}}}}/news/\"\narticle_selector = \"ul.stories a\"\n"
    ));
    // One request per article serves both feeds.
    assert_eq!(article_requests(&server), 3);
    assert!(content_of(&work, "news.rss", ARTICLES[0]).contains("<p>"));
    let plain = work.output_text("plain.rss");
    assert!(!plain.contains("content:encoded") && !plain.contains("xmlns:content"));
    assert!(!work.output_text("plain.atom").contains("<content"));
    assert!(!work.output_text("plain.json").contains("content_html"));
}

#[test]
fn turning_full_text_on_fills_in_the_stored_articles_once() {
    let (server, work) = site_run(&FULL_FEED.replace("full_text = true\n", ""));
    assert!(!work.output_text("news.rss").contains("content:encoded"));

    work.write_config(&config(&server, FULL_FEED));
    server.clear_requests();
    work.run().assert_code(0);
    assert_eq!(article_requests(&server), 3);
    assert!(content_of(&work, "news.rss", ARTICLES[0]).contains("The mayor is expected"));

    server.clear_requests();
    work.run().assert_code(0);
    assert_eq!(article_requests(&server), 0);
}

#[test]
fn a_refreshed_article_updates_its_text() {
    let server = Server::start();
    serve_site(&server);
    let version = |words: &str| {
        Response::html(article(
            "Budget Passed After Long Debate",
            "2026-03-01T20:15:00+01:00",
            "The council approved the budget.",
            &BUDGET_BODY.replace("six hours", words),
        ))
    };
    server.route_sequence(
        ARTICLES[0],
        vec![version("six hours"), version("seven long hours")],
    );
    let work = Workdir::new();
    work.write_config(&common::config_with(
        &server,
        &[
            ("refresh_interval", "\"1s\""),
            ("refresh_window", "\"3650d\""),
        ],
        FULL_FEED,
    ));
    work.run().assert_code(0);
    assert!(content_of(&work, "news.rss", ARTICLES[0]).contains("than six hours"));
    std::thread::sleep(std::time::Duration::from_millis(1200));
    work.run().assert_code(0);
    let text = content_of(&work, "news.rss", ARTICLES[0]);
    assert!(text.contains("than seven long hours"), "{text}");
}

#[test]
fn full_text_selector_picks_the_text_it_names() {
    let (_server, work) = site_run(&full_feed("full_text_selector = \"div.story-body\"\n"));
    let budget = content_of(&work, "news.rss", ARTICLES[0]);
    assert!(budget.contains("The mayor is expected to sign"), "{budget}");
    assert!(!budget.contains("Share this story"), "{budget}");
    assert!(!budget.contains("Budget Passed After"), "{budget}");
    // A page the selector does not match carries no text (Readability is not asked).
    assert_eq!(content_of(&work, "news.rss", ARTICLES[2]), "");
}

#[test]
fn max_content_size_cuts_at_an_element_and_ends_with_an_ellipsis() {
    let (_server, work) = site_run(&full_feed("max_content_size = 4096\n"));
    let long = content_of(&work, "news.rss", ARTICLES[2]);
    assert!(long.len() <= 4096 + 16, "{} bytes", long.len());
    assert!(long.contains("Paragraph 1 of the long read"), "{long}");
    assert!(!long.contains("Paragraph 60 "), "{long}");
    assert!(long.trim_end().ends_with("<p>…</p>"), "{long}");
    assert!(!content_of(&work, "news.rss", ARTICLES[0]).contains('…'));
    if let Some(parsed) = readers::feedparser(&work, "news.rss") {
        assert_eq!(parsed["bozo"], false, "{}", parsed["error"]);
    }
}

#[test]
fn check_names_the_line_and_column_of_a_bad_full_text_key() {
    let server = Server::start();
    let work = workdir(&server, &full_feed("full_text_selector = \"div[\"\n"));
    let outcome = work.check();
    outcome.assert_code(2);
    assert!(
        outcome.stderr.contains(
            ":12:22: feed \"news\": full_text_selector \"div[\" is not a valid CSS selector"
        ),
        "{}",
        outcome.stderr
    );
    let work = workdir(
        &server,
        &FULL_FEED.replace("full_text = true", "full_text = 1"),
    );
    let outcome = work.check();
    outcome.assert_code(2);
    assert!(outcome.stderr.contains(":11:13:"), "{}", outcome.stderr);
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn probe_shows_the_text_its_length_and_what_was_removed() {
    let server = Server::start();
    serve_site(&server);
    let work = Workdir::new();
    let url = server.url(ARTICLES[1]);
    let outcome = work.sitefeed(&["probe", &url, "--full-text"]);
    outcome.assert_code(0);
    let out = &outcome.stdout;
    assert!(
        out.contains("title        A Page That Tries Everything"),
        "{out}"
    );
    assert!(out.contains("full text (readability):"), "{out}");
    assert!(out.contains("  length       "), "{out}");
    assert!(out.contains("    This article tries every trick"), "{out}");
    // Scripts, styles, forms and event handlers are gone before Readability (the page is
    // pruned as for extraction, and Readability cleans); the sanitizer takes the rest.
    let removed = |out: &str| {
        out.lines()
            .find(|l| l.starts_with("  removed"))
            .unwrap_or_else(|| panic!("{out}"))
            .to_string()
    };
    let line = removed(out);
    for part in ["unsafe URL", "tracking pixel"] {
        assert!(line.contains(part), "{line}");
    }

    // With a feed's selector, the sanitizer sees the whole article and says so.
    work.write_config(&config(
        &server,
        &full_feed("full_text_selector = \"article\"\n"),
    ));
    let outcome = work.sitefeed(&["probe", &url, "--full-text", "--feed", "news"]);
    outcome.assert_code(0);
    let out = &outcome.stdout;
    assert!(
        out.contains("full text (full_text_selector \"article\"):"),
        "{out}"
    );
    let line = removed(out);
    for part in [
        "script",
        "style",
        "iframe",
        "form",
        "event handlers",
        "unsafe URLs",
        "tracking pixel",
    ] {
        assert!(line.contains(part), "{line}");
    }
}
